# SPDX-License-Identifier: GPL-2.0-or-later
# Headers' parses kept between runs: $KLP_CCP_PARSE_CACHE.
# Sourced by group.sh: lib.sh's helpers, a $tmp of its own.

cached()	# cached <diff> [args]: $tmp/rows, $rc, and $hits: parses taken from $tmp/tc
{
	KLP_CCP_TIMES=1 KLP_CCP_PARSE_CACHE=$tmp/tc ccp "$@"
	rc=$?
	hits=$(grep -c "^klp-ccp: time .* parse: from the cache$" "$tmp/out")
	grep -v "^klp-ccp: time " "$tmp/out" > "$tmp/rows"
}

# context-headers: a .c fix with the hunks of two headers, each parsed
# old and new. A fresh cache parses them all, the same diff again takes
# the four header parses from it (the .c's are never kept), and both
# print what a run without the cache prints.
ccp context-headers --json --check --context-headers
plain=$?
cp "$tmp/out" "$tmp/plain"
cached context-headers --json --check --context-headers
cold=$hits
cmp -s "$tmp/rows" "$tmp/plain" && [ "$rc" = "$plain" ] && same=0 || same=1
cached context-headers --json --check --context-headers
echo "# parses from the cache: $cold with a fresh one, $hits with it filled"
ok=1
[ "$cold" = 0 ] && [ "$hits" = 4 ] && [ "$same" = 0 ] && [ "$rc" = "$plain" ] &&
	cmp -s "$tmp/rows" "$tmp/plain" && ok=0
result $ok "a second run of a diff with headers takes their parses from the cache; same output" "$tmp/rows"

# A file a parse read that reads otherwise now (autoconf.h, of another
# .config) is parsed again, and kept beside the first.
{ cat "$KCONFIG"; echo "CONFIG_KLP_CCP_PARSE_CACHE_TEST=y"; } > "$tmp/config-other"
KCONFIG=$tmp/config-other ccp context-headers --json --check --context-headers
plain=$?
cp "$tmp/out" "$tmp/plain"
KCONFIG=$tmp/config-other cached context-headers --json --check --context-headers
cold=$hits
KCONFIG=$tmp/config-other cached context-headers --json --check --context-headers
ok=1
[ "$cold" = 0 ] && [ "$hits" = 4 ] && [ "$rc" = "$plain" ] &&
	cmp -s "$tmp/rows" "$tmp/plain" && ok=0
result $ok "a header whose parse read a file that changed since is parsed again" "$tmp/rows"

KLP_CCP_PARSE_CACHE=/proc/no-such ccp devinfo --check
rc=$?
ok=1
[ "$rc" = 2 ] && grep -q "KLP_CCP_PARSE_CACHE=/proc/no-such: " "$tmp/out" && ok=0
result $ok "a cache directory that cannot be made: exit 2 naming it" "$tmp/out"
