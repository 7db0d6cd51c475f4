# SPDX-License-Identifier: GPL-2.0-or-later
# Cumulative patches (--cumulative, --supersedes).
# Sourced by group.sh: lib.sh's helpers, a $tmp of its own.

# A cumulative patch: several fixes, applied in order, in one replace_all
# patch that must keep every function of the one it supersedes.
fixes()	# fixes "<diff>..." [extra args]: klp-ccp --cumulative, output in $tmp/out
{
	ds=
	for d in $1; do
		case $d in
		*/*) ds="$ds $d" ;;
		*) ds="$ds $here/diffs/$d.diff" ;;
		esac
	done
	shift
	# shellcheck disable=SC2086 # one word per diff, paths without spaces
	"$tool" --src "$KSRC" --config "$KCONFIG" --symvers "$KHDR/Module.symvers" \
		--cumulative "$@" $ds > "$tmp/out" 2>&1
}
mkdir -p "$tmp/kgr_cumul_1" "$tmp/kgr_cumul_2"
cumul1=$tmp/kgr_cumul_1/kgr_cumul_1.c
fixes "devinfo cumul-cmdline" -o "$cumul1" &&
	grep -q "^	.replace_all = true,$" "$cumul1" &&
	grep -q "KGR_PATCH(devinfo_show, kgr_devinfo_show, true)" "$cumul1" &&
	grep -q "KGR_PATCH(cmdline_proc_show, kgr_cmdline_proc_show, true)" "$cumul1" &&
	[ "$(grep -c "KGR_PATCH(" "$cumul1")" = 2 ]
result $? "cumulative patch of two fixes in two files: replace_all, both functions" "$tmp/out"
build_module kgr_cumul_1
result $? "cumulative patch: built warning-free (W=1, sparse)" "$tmp/kgr_cumul_1/build.log"
f=$tmp/kgr_cumul_2/kgr_cumul_2.c
fixes "devinfo cumul-cmdline cumul-devinfo-block" -o "$f" --supersedes "$cumul1" &&
	grep -q "supersedes .*kgr_cumul_1.c: replaces all 2 functions" "$tmp/out" &&
	grep -q "^ \* against fs/proc/devices.c (devinfo.diff, cumul-devinfo-block.diff), fs/proc/cmdline.c (cumul-cmdline.diff).$" "$f" &&
	grep -q 'seq_puts(f, "Devices:\\n");' "$f" &&
	grep -q 'seq_puts(f, "\\nBlock devices (major name):\\n");' "$f" &&
	[ "$(grep -c "KGR_PATCH(devinfo_show," "$f")" = 1 ]
result $? "two fixes of devinfo_show: one entry, both changes; it supersedes the previous patch" "$tmp/out"
build_module kgr_cumul_2
result $? "cumulative patch with a function two fixes change: built warning-free" "$tmp/kgr_cumul_2/build.log"
fixes "cumul-devinfo-block" --supersedes "$cumul1" -o "$tmp/dropped.c"
[ $? = 1 ] && [ ! -e "$tmp/dropped.c" ] &&
	grep -q "kgr_cumul_1.c:[0-9]*: cmdline_proc_show: NOT PATCHABLE: the superseded patch replaces it and this one does not" "$tmp/out" &&
	! grep -q "kgr_cumul_1.c:.*devinfo_show" "$tmp/out"
result $? "--supersedes: a function the previous patch replaces and this one drops is a row, exit 1, nothing written" "$tmp/out"
mkdir -p "$tmp/kgr_cumul_m"
fixes "module-static syscall-body" -o "$tmp/kgr_cumul_m/kgr_cumul_m.c" &&
	fixes "module-static syscall-body devinfo" --check --supersedes "$tmp/kgr_cumul_m/kgr_cumul_m.c" &&
	grep -q "replaces all 3 functions" "$tmp/out"
result $? "--supersedes: a module's function and a syscall's wrappers are matched" "$tmp/out"
fixes "devinfo" --check --supersedes "$tmp/kgr_cumul_m/kgr_cumul_m.c"
[ $? = 1 ] && grep -q "bm_status_read: NOT PATCHABLE: the superseded patch replaces it (in binfmt_misc)" "$tmp/out" &&
	grep -q "__ia32_sys_sethostname: NOT PATCHABLE: the superseded patch" "$tmp/out"
result $? "--supersedes: a dropped module function and syscall wrapper are rows" "$tmp/out"
ccp cumul-cmdline -o "$tmp/stacking.c" "$here/diffs/devinfo.diff" &&
	[ "$(grep -c "KGR_PATCH(" "$tmp/stacking.c")" = 2 ] && ! grep -q "replace_all" "$tmp/stacking.c"
result $? "several fixes without --cumulative: one ordinary patch with all their functions" "$tmp/out"
input_error()	# input_error "<diff>..." <pattern> <test name> [extra args]
{
	ds=$1 pattern=$2 name=$3
	shift 3
	fixes "$ds" -o "$tmp/not-written.c" "$@"
	rc=$?
	ok=1
	[ "$rc" = 2 ] && [ ! -e "$tmp/not-written.c" ] && [ "$(wc -l < "$tmp/out")" = 1 ] &&
		grep -q -- "$pattern" "$tmp/out" && ok=0
	result $ok "$name" "$tmp/out"
}
input_error "devinfo cumul-devinfo-same" \
	"cumul-devinfo-same.diff:3: hunk 1 of fs/proc/devices.c does not apply on top of devinfo.diff: both change devinfo_show()" \
	"two fixes changing the same lines: exit 2 naming the function and both fixes, nothing written"
input_error "devinfo $tmp/no-such.diff" "no-such.diff: No such file" \
	"a missing fix: exit 2 naming it, nothing written"
input_error "deleted-file cumul-cmdline" "fs/proc/cmdline.c: .*cumul-cmdline.diff changes it, but deleted-file.diff deletes it already" \
	"a fix of a file an earlier fix deletes: exit 2 naming both, nothing written"
echo "not a diff" > "$tmp/garbage.diff"
input_error "devinfo $tmp/garbage.diff" "garbage.diff: not a unified diff" \
	"a fix that is not a diff: exit 2 naming it, nothing written"
input_error "devinfo" "garbage.diff: no KGR_PATCH entry" \
	"--supersedes a file that is no kgr patch: exit 2 naming it, nothing written" \
	--supersedes "$tmp/garbage.diff"
sed 's/"kgr_cumul_1"/"not_written"/' "$cumul1" > "$tmp/same-name.c"
input_error "devinfo cumul-cmdline" "same-name.c: the superseded patch is named not_written too" \
	"--supersedes a patch of the new one's name (kgr would refuse it): exit 2, nothing written" \
	--supersedes "$tmp/same-name.c"
ccp devinfo --check --supersedes "$tmp/kgr_cumul_1/kgr_cumul_1.c"
rc=$?
ok=1
[ "$rc" = 2 ] && grep -q usage "$tmp/out" && ok=0
result $ok "--supersedes without --cumulative: usage, exit 2" "$tmp/out"

ccp init-changed -o "$tmp/refused.c"
rc=$?
ok=1
[ "$rc" = 1 ] && [ ! -e "$tmp/refused.c" ] && ok=0
result $ok "not patchable: no patch file written"
