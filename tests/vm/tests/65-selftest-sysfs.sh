# SPDX-License-Identifier: GPL-2.0-or-later
# tools/testing/selftests/livepatch/test-sysfs.sh of Linux 6.1 on kgr: the
# rights and values of a patch's sysfs files, and the patched state of a
# module's function as the module loads and unloads. kgr shows a state
# per function (<object>/<function>,<sympos>/state), not a "patched" flag
# per object: the object/patched scenario reads the state of a module's
# patched function.
# timeout: 60
. /tests/lib.sh

# The rights of $KGR/$1/$2 must be $3 (ls -l's first column).
check_sysfs_rights()
{
	_r=$(ls -ld "$KGR/$1/$2" | cut -d' ' -f1)
	[ "$_r" = "$3" ] || fail "rights of $KGR/$1/$2: $_r, expected $3"
}

check_sysfs_value()
{
	_v=$(cat "$KGR/$1/$2")
	[ "$_v" = "$3" ] || fail "$KGR/$1/$2 reads '$_v', expected '$3'"
}

load_kgr

MOD_LIVEPATCH=kgr_test_klp_livepatch
FUN=vmlinux/cmdline_proc_show,1
st_start "sysfs test"
st_load_lp $MOD_LIVEPATCH
check_sysfs_rights $MOD_LIVEPATCH "" "drwxr-xr-x"
check_sysfs_rights $MOD_LIVEPATCH enabled "-rw-r--r--"
check_sysfs_value $MOD_LIVEPATCH enabled 1
check_sysfs_rights $MOD_LIVEPATCH force "--w-------"
check_sysfs_rights $MOD_LIVEPATCH transition "-r--r--r--"
check_sysfs_value $MOD_LIVEPATCH transition 0
check_sysfs_rights $MOD_LIVEPATCH $FUN/state "-r--r--r--"
check_sysfs_value $MOD_LIVEPATCH $FUN/state fast
st_disable $MOD_LIVEPATCH
st_unload $MOD_LIVEPATCH
st_check <<EOT
% insmod $MOD_LIVEPATCH
kgr: $MOD_LIVEPATCH: applying
kgr: $MOD_LIVEPATCH: applied
% echo 0 > $KGR/$MOD_LIVEPATCH/enabled
kgr: $MOD_LIVEPATCH: reverting
kgr: $MOD_LIVEPATCH: reverted
% rmmod $MOD_LIVEPATCH
EOT

# kgr_test_patch replaces kgr_test_target_show of module kgr_test_target
# (the selftest's demo patches no function of its idle target module).
MOD_LIVEPATCH=kgr_test_patch
MOD_TARGET=kgr_test_target
FUN=$MOD_TARGET/kgr_test_target_show,1
st_start "sysfs test object/patched"
st_load_lp $MOD_LIVEPATCH target=kgr_test_target_show obj=$MOD_TARGET
check_sysfs_value $MOD_LIVEPATCH $FUN/state init
st_load $MOD_TARGET
check_sysfs_value $MOD_LIVEPATCH $FUN/state fast
st_unload $MOD_TARGET
check_sysfs_value $MOD_LIVEPATCH $FUN/state init
st_disable $MOD_LIVEPATCH
st_unload $MOD_LIVEPATCH
st_check <<EOT
% insmod $MOD_LIVEPATCH target=kgr_test_target_show obj=$MOD_TARGET
kgr: $MOD_LIVEPATCH: applying
kgr: $MOD_LIVEPATCH: applied
% insmod $MOD_TARGET
% rmmod $MOD_TARGET
% echo 0 > $KGR/$MOD_LIVEPATCH/enabled
kgr: $MOD_LIVEPATCH: reverting
kgr: $MOD_LIVEPATCH: reverted
% rmmod $MOD_LIVEPATCH
EOT
exit 0
