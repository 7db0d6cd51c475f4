# SPDX-License-Identifier: GPL-2.0-or-later
# -j N: worker processes, progress, a killed worker.
# Sourced by group.sh: lib.sh's helpers, a $tmp of its own.

# -j N: the files' verdicts in worker processes, then the report and the
# patch exactly as -j 1 makes them.
jobs_same()	# jobs_same <diff> <exit status> <name> [args]: -j 1 and -j 2 agree
{
	js_diff=$1 js_rc=$2 js_name=$3
	shift 3
	jobs_run 1 "$js_diff" "$@"
	rc1=$rc
	jobs_run 2 "$js_diff" "$@"
	ok=1
	[ "$rc1" = "$js_rc" ] && [ "$rc" = "$js_rc" ] && [ -s "$tmp/j1/out" ] &&
		diff -r "$tmp/j1" "$tmp/j2" -x err > "$tmp/j.diff" && ok=0
	cat "$tmp/j1/err" "$tmp/j2/err" >> "$tmp/j.diff"
	result $ok "$js_name" "$tmp/j.diff"
}
jobs_same multi-verdicts 1 "-j 2: three files (one new), --json: the same rows and summary as -j 1" --json
jobs_same multi-file 0 "-j 2: three files' patch: the same rows and patch file as -j 1"
[ -s "$tmp/j2/kgr_j.c" ]
result $? "-j 2: the patch file is written" "$tmp/j.diff"
jobs_same header-inline 0 "-j 2: a header inline and its caller: the same rows and patch as -j 1"
# The static locals a worker's verdict found in kallsyms reach the patch.
cat "$here/diffs/stateful-static.diff" "$here/diffs/new-static-local.diff" > "$tmp/statics2.diff"
audit_kallsyms "$tmp/ks-statics2.txt"
printf '0000000000000000 %s\n' "t devinfo_show" "T chrdev_show" "T blkdev_show" >> "$tmp/ks-statics2.txt"
jobs_same "$tmp/statics2.diff" 0 "-j 2: static locals through shims: the same rows and patch as -j 1" \
	--symbols "$tmp/ks-statics2.txt"
grep -q "KGR_SYMBOL(kgr_last_msg, last_msg.10)," "$tmp/j2/kgr_j.c"
result $? "-j 2: the patch reaches the running kernel's static locals" "$tmp/j2/kgr_j.c"
jobs_same config-composite 0 "-j 2: a NOT BUILT file next to a built one: the same as -j 1"
nomod_kallsyms "$tmp/kallsyms-nomod.txt"
jobs_same module-missing 3 "-j 2: a TOOL ERROR row among others: the same as -j 1" --symbols "$tmp/kallsyms-nomod.txt"

for j in 0 abc -1; do
	jobs_run "$j" devinfo
	ok=1
	[ "$rc" = 2 ] && [ ! -s "$tmp/j$j/out" ] && [ "$(wc -l < "$tmp/j$j/err")" = 1 ] &&
		grep -q "^klp-ccp: -j $j: the number of jobs must be a whole number from 1 to 1024$" "$tmp/j$j/err" && ok=0
	result $ok "-j $j: a one-line usage error, exit 2" "$tmp/j$j/err"
done

# A worker killed by a signal: its file's TOOL ERROR row names it, the
# other files keep their rows, no hang.
rm -rf "$tmp/jk" && mkdir "$tmp/jk"
"$tool" --src "$KSRC" --config "$KCONFIG" --symvers "$KHDR/Module.symvers" \
	-j 2 --check "$here/diffs/multi-file.diff" > "$tmp/jk/out" 2> "$tmp/jk/err" &
pid=$!
i=0
worker=
while [ -z "$worker" ] && [ $i -lt 100 ]; do
	worker=$(pgrep -P "$pid" -x klp-ccp | head -n 1)
	i=$((i + 1))
	[ -n "$worker" ] || sleep 0.1
done
[ -n "$worker" ] && kill -SEGV "$worker"
wait "$pid"
rc=$?
ok=1
[ "$rc" = 3 ] && [ -n "$worker" ] &&
	grep -q "^fs/proc/[a-z]*.c:0: (file): TOOL ERROR: klp-ccp's worker for it was killed by signal 11 (Segmentation fault)$" "$tmp/jk/out" &&
	grep -q "^summary: 3 rows in 3 files: 2 PATCHABLE, 1 TOOL ERROR$" "$tmp/jk/out" && ok=0
cat "$tmp/jk/err" >> "$tmp/jk/out"
result $ok "-j 2: a worker killed by SIGSEGV: its file's TOOL ERROR row, the others' rows, exit 3" "$tmp/jk/out"

# On a terminal a run of several files says on stderr which file is
# done (workers finish in any order); piped, it says nothing of them.
script -qec "'$tool' --src '$KSRC' --config '$KCONFIG' --symvers '$KHDR/Module.symvers' \
	-j 2 --check '$here/diffs/multi-verdicts.diff'" /dev/null | tr -d '\r' > "$tmp/tty.out"
ok=1
for f in fs/proc/devices.c kernel/audit.c fs/proc/uptime_bits.c; do
	grep -q "^klp-ccp: \[[123]/3\] $f$" "$tmp/tty.out" || ok=2
done
[ "$ok" = 1 ] && grep -q "^klp-ccp: \[3/3\] " "$tmp/tty.out" &&
	grep -q "^summary: 4 rows in 3 files" "$tmp/tty.out" &&
	jobs_run 2 multi-verdicts --check && ! grep -q "klp-ccp: \[" "$tmp/j2/err" && ok=0
result $ok "progress on a terminal: [k/3] per file of a run of several files; none when piped" "$tmp/tty.out"
