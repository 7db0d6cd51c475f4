# SPDX-License-Identifier: GPL-2.0-or-later
# Kbuild's compiler probes answered from klp-ccp-probe's cache.
# Sourced by group.sh: lib.sh's helpers, a $tmp of its own.

# Kbuild's compiler probes: logged by shims ahead of the real gcc-<N> and
# ld, the ones klp-ccp-probe finds. A run with a fresh cache starts them,
# the same diff again starts none, GCOV's two included (their objects
# name their try-run directory), and with the same output; a changed
# compiler asks again.
mkdir "$tmp/shims"
for p in gcc ld $(ls $(echo "$PATH" | tr : ' ') 2>/dev/null | grep -x 'gcc-[0-9]*' | sort -u); do
	real=$(command -v "$p") || continue
	printf '#!/bin/sh\necho "$0 $*" >> "%s/probes.log"\nexec "%s" "$@"\n' \
		"$tmp" "$real" > "$tmp/shims/$p"
	chmod +x "$tmp/shims/$p"
done
probed()	# probed <cache> <log>: devinfo-issue; how many probes ran
{
	: > "$tmp/probes.log"
	PATH="$tmp/shims:$PATH" KLP_CCP_PROBE_CACHE=$1 ccp devinfo-issue --check --json
	cp "$tmp/probes.log" "$2"
	grep -c . "$2"
}
newpid()	# newpid: a pid just taken
{
	sh -c 'echo $$'
}
before=$(newpid)
cold=$(probed "$tmp/pc" "$tmp/cold.log")
cp "$tmp/out" "$tmp/pc.out"
warm=$(probed "$tmp/pc" "$tmp/warm.log")
after=$(newpid)
cmp -s "$tmp/out" "$tmp/pc.out" && same=0 || same=1
uncached=$(probed off "$tmp/off.log")
cmp -s "$tmp/out" "$tmp/pc.out" || same=1
echo "# probes: $cold with a fresh cache, $warm with it filled, $uncached without it"
# GCOV's objects fit only a try-run dir as long (replaying them is the
# group's own GCOV test): when pids gained a digit or wrapped between the
# runs, its probes may run again, and nothing else may.
expect=0
if [ "${#before}" != "${#after}" ] || [ "$before" -gt "$after" ]; then
	expect=$(grep -c -e -fprofile-arcs "$tmp/warm.log")
	echo "# pids went from $before to $after: GCOV's $expect probes may run again"
fi
ok=1
# (fewer than without it: make -n asks gcc --version twice)
[ "$cold" -gt 0 ] && [ "$warm" = "$expect" ] && [ "$uncached" -ge "$cold" ] &&
	[ "$same" = 0 ] && ok=0
result $ok "a second run of the same diff starts no cacheable compiler probe; same output" "$tmp/out"
touch -d 2001-01-01 "$tmp/shims/"*
again=$(probed "$tmp/pc" "$tmp/again.log")
ok=1
[ "$warm" = "$expect" ] && [ "$again" = "$cold" ] && cmp -s "$tmp/out" "$tmp/pc.out" && ok=0
result $ok "the cache filled, a compiler with another mtime is probed again" "$tmp/out"

# What a probe writes: an object in try-run's .tmp_<pid> is replayed for
# another pid byte for byte without gcc; one that names the scratch dir
# (-g records the cwd) cannot be, and gcc runs each time.
m=$tmp/probe-m
mkdir -p "$tmp/pbin" "$m/.tmp_11" "$m/.tmp_22" "$m/.tmp_33" "$m/.tmp_44" \
	"$m/.tmp_55" "$m/.tmp_66" "$m/.tmp_777"
ln -s "$here/../klp-ccp-probe" "$tmp/pbin/gcc"
probe()	# probe <pid> [gcc options]: one try-run's cc-option, cwd the scratch dir
{
	p=$1
	shift
	(cd "$m" && PATH="$tmp/pbin:$tmp/shims:$PATH" KLP_CCP_PROBE_BIN="$tmp/pbin" \
		KLP_CCP_PROBE_CACHE="$tmp/pc" KLP_CCP_PROBE_MDIR="$m" \
		gcc "$@" -c -x c /dev/null -o "$m/.tmp_$p/tmp" < /dev/null)
}
: > "$tmp/probes.log"
ok=1
probe 11 && probe 22 && cmp -s "$m/.tmp_11/tmp" "$m/.tmp_22/tmp" &&
	[ "$(grep -c . "$tmp/probes.log")" = 1 ] && ok=0
result $ok "a probe's object is replayed for another try-run, gcc run once" "$tmp/probes.log"
: > "$tmp/probes.log"
ok=1
probe 33 -g && probe 44 -g && cmp -s "$m/.tmp_33/tmp" "$m/.tmp_44/tmp" &&
	[ "$(grep -c . "$tmp/probes.log")" = 2 ] && ok=0
result $ok "an object that names the scratch dir is not replayed: gcc runs each time" "$tmp/probes.log"

# GCOV's probe: -fprofile-arcs writes the object's own path into it, and
# -ftest-coverage a .gcno beside it. Both are replayed for a try-run
# directory of the same length with the path written over; for one of
# another length gcc runs again.
gcov()	# gcov <pid>: the top Makefile's CFLAGS_GCOV probe, one compile of it
{
	echo 'long long x; void f(void){x++;}' | (cd "$tmp" &&
		PATH="$tmp/pbin:$tmp/shims:$PATH" KLP_CCP_PROBE_BIN="$tmp/pbin" \
		KLP_CCP_PROBE_CACHE="$tmp/pc" KLP_CCP_PROBE_MDIR="$m" \
		gcc -w -fprofile-arcs -ftest-coverage -x c - -c -o "$m/.tmp_$1/tmp")
}
: > "$tmp/probes.log"
ok=1
gcov 55 && gcov 66 && grep -q "tmp_66/tmp.gcda" "$m/.tmp_66/tmp" &&
	! grep -q "tmp_55" "$m/.tmp_66/tmp" &&
	cmp -s "$m/.tmp_55/tmp.gcno" "$m/.tmp_66/tmp.gcno" &&
	[ "$(grep -c . "$tmp/probes.log")" = 1 ] &&
	gcov 777 && grep -q "tmp_777/tmp.gcda" "$m/.tmp_777/tmp" &&
	[ "$(grep -c . "$tmp/probes.log")" = 2 ] && ok=0
result $ok "GCOV's probe is replayed, its .gcno too, for a try-run dir as long, else gcc runs" "$tmp/probes.log"

# Kbuild asked once a file: the lists of its directories and its compile
# command come out of one top-level make -n (a Makefile.build sub-make
# joins it for the flags); a second file of the same directory, whose
# lists are cached by then, runs one of its own for its command.
mkdir "$tmp/mshim"
printf '#!/bin/sh\necho "$*" >> "%s/make.log"\nexec "%s" "$@"\n' \
	"$tmp" "$(command -v make)" > "$tmp/mshim/make"
chmod +x "$tmp/mshim/make"
: > "$tmp/make.log"
PATH="$tmp/mshim:$PATH" ccp devinfo-issue --check
rc=$?
top=$(grep -c -- " -C " "$tmp/make.log")
ok=1
[ "$rc" = 0 ] && grep -q "devinfo_show: PATCHABLE" "$tmp/out" && [ "$top" = 1 ] && ok=0
result $ok "one top-level make -n gives a file's lists and flags ($top)" "$tmp/make.log"
: > "$tmp/make.log"
PATH="$tmp/mshim:$PATH" ccp multi-file --check
top=$(grep -c -- " -C " "$tmp/make.log")
files=$(grep -c "^+++ " "$here/diffs/multi-file.diff")
ok=1
[ "$files" -gt 1 ] && [ "$top" -gt 1 ] && [ "$top" -le "$files" ] && ok=0
result $ok "$files files of one directory: $top top-level make -n, not two a file" "$tmp/make.log"

# try-run's directory is made once a make -n, not once a probe
# (probes_try_run()): a logging mkdir ahead of the real one sees no
# .tmp_<pid> of Kbuild's own try-run, and the rows are the same.
mkdir "$tmp/dshim"
printf '#!/bin/sh\necho "mkdir $*" >> "%s/mkdir.log"\nexec "%s" "$@"\n' \
	"$tmp" "$(command -v mkdir)" > "$tmp/dshim/mkdir"
chmod +x "$tmp/dshim/mkdir"
: > "$tmp/mkdir.log"
PATH="$tmp/dshim:$PATH" KLP_CCP_PROBE_CACHE=$tmp/pc ccp devinfo-issue --check --json
rc=$?
tries=$(grep -c "/\.tmp_[0-9]" "$tmp/mkdir.log")
ok=1
[ "$rc" = 0 ] && [ "$tries" = 0 ] && cmp -s "$tmp/out" "$tmp/pc.out" && ok=0
result $ok "one try-run directory a make -n: $tries made by Kbuild's try-run" "$tmp/mkdir.log"
