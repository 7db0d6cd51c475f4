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

# A kallsyms copy's names and counts are kept too (symcache.c): the
# second run takes them from the cache and writes what a run without it
# writes, for a vmlinux static's sympos and a module's statics alike.
fake_kallsyms "$tmp/kallsyms.txt"
fresh=0
for d in static-fn-var module-static; do
	ccp $d --symbols "$tmp/kallsyms.txt" -o "$tmp/p-$d.c"
	plain=$?
	cp "$tmp/out" "$tmp/plain"
	mv "$tmp/p-$d.c" "$tmp/plain-$d.c"
	cached $d --symbols "$tmp/kallsyms.txt" -o "$tmp/p-$d.c"
	cold=$(grep -c "^klp-ccp: time .* symbols: from the cache$" "$tmp/out")
	cached $d --symbols "$tmp/kallsyms.txt" -o "$tmp/p-$d.c"
	warm=$(grep -c "^klp-ccp: time .* symbols: from the cache$" "$tmp/out")
	echo "# $d: symbols from the cache $cold time(s) with a fresh entry, $warm with it filled"
	ok=1
	# the first diff fills the entry, the second finds it filled
	[ "$cold" = "$fresh" ] && [ "$warm" = 1 ] && [ "$rc" = "$plain" ] &&
		cmp -s "$tmp/rows" "$tmp/plain" &&
		cmp -s "$tmp/plain-$d.c" "$tmp/p-$d.c" && ok=0
	result $ok "$d: a kallsyms copy's run takes its names from the cache once it is filled; same rows and patch" "$tmp/rows"
	fresh=1
done

# The copy rewritten in place (binfmt_misc's "enabled" gone): read again,
# not answered from the entry of the old text.
fake_kallsyms "$tmp/kallsyms-gone.txt" "" enabled
ccp module-static --symbols "$tmp/kallsyms-gone.txt" -o "$tmp/gone.c"
plain=$?
cp "$tmp/out" "$tmp/plain"
cp "$tmp/kallsyms-gone.txt" "$tmp/kallsyms.txt"
cached module-static --symbols "$tmp/kallsyms.txt" -o "$tmp/gone-cached.c"
ok=1
[ "$rc" = "$plain" ] && ! grep -q "symbols: from the cache" "$tmp/out" &&
	grep -q "enabled, which does not exist in the target kernel" "$tmp/rows" && ok=0
result $ok "a kallsyms copy changed since its entry was written is read again" "$tmp/rows"

# A damaged entry (cut short, a length or a name's offset past the text)
# is not used: the copy is read again, same rows, and the entry written
# anew. The layout: magic (24 bytes), key length and key, text length
# and text, then vmlinux's count of names and their offsets.
u64_at()	# u64_at <file> <offset>
{
	od -An -t u8 -j "$2" -N 8 "$1" | tr -d ' '
}
pad8()
{
	echo $(( ($1 + 7) / 8 * 8 ))
}
for damage in cut length offset; do
	entry=$(ls -t "$tmp"/tc/symbols-* | head -1)
	textlen_at=$((32 + $(pad8 $(u64_at "$entry" 24))))
	first_off_at=$((textlen_at + 8 + $(pad8 $(u64_at "$entry" $textlen_at)) + 8))
	case $damage in
	cut)	truncate -s $(($(stat -c %s "$entry") / 2)) "$entry" ;;
	length)	printf '\377\377\377\377\377\377\377\177' |
			dd of="$entry" bs=1 seek=$textlen_at conv=notrunc 2>/dev/null ;;
	offset)	printf '\377\377\377\177' |
			dd of="$entry" bs=1 seek=$first_off_at conv=notrunc 2>/dev/null ;;
	esac
	ccp module-static --symbols "$tmp/kallsyms.txt" -o "$tmp/dmg.c"
	plain=$?
	cp "$tmp/out" "$tmp/plain"
	cached module-static --symbols "$tmp/kallsyms.txt" -o "$tmp/dmg.c"
	first=$(grep -c "symbols: from the cache" "$tmp/out")
	cached module-static --symbols "$tmp/kallsyms.txt" -o "$tmp/dmg.c"
	again=$(grep -c "symbols: from the cache" "$tmp/out")
	ok=1
	[ "$first" = 0 ] && [ "$again" = 1 ] && [ "$rc" = "$plain" ] &&
		cmp -s "$tmp/rows" "$tmp/plain" && ok=0
	result $ok "a symbols entry damaged ($damage) is read again and rewritten; same rows" "$tmp/rows"
done
