# SPDX-License-Identifier: GPL-2.0-or-later
# tools/testing/selftests/livepatch/test-callbacks.sh of Linux 6.1 on kgr:
# the order of the hooks (klp's callbacks) around apply and revert, a
# target module loaded or unloaded while the patch is applied or while its
# transition is held by a busy target module, failing pre_apply hooks,
# stacked patches and an atomic replace. The patch's own hooks stand for
# the vmlinux object's callbacks. Where kgr's order differs from klp's, the
# expected log is kgr's documented one (Documentation/selftests.rst):
# - post_apply and post_revert run for the modules first, the patch's last;
# - a module unloaded during a transition gets its pre_revert hook too;
# - busybox's insmod retries a refused finit_module() with init_module(),
#   so a refused load runs its failing hook twice.
# timeout: 90
. /tests/lib.sh

LP=kgr_test_klp_callbacks_demo
LP2=kgr_test_klp_callbacks_demo2
TARGET=kgr_test_klp_callbacks_mod
BUSY=kgr_test_klp_callbacks_busy

load_kgr

st_start "target module before livepatch"
st_load $TARGET
st_load_lp $LP
st_disable $LP
st_unload $LP
st_unload $TARGET
st_check <<EOT
% insmod $TARGET
$TARGET: init
% insmod $LP
$LP: pre_apply: vmlinux
$LP: pre_apply: $TARGET
kgr: $LP: applying
$LP: post_apply: $TARGET
$LP: post_apply: vmlinux
kgr: $LP: applied
% echo 0 > $KGR/$LP/enabled
$LP: pre_revert: vmlinux
$LP: pre_revert: $TARGET
kgr: $LP: reverting
$LP: post_revert: $TARGET
$LP: post_revert: vmlinux
kgr: $LP: reverted
% rmmod $LP
% rmmod $TARGET
$TARGET: exit
EOT

st_start "module_coming notifier"
st_load_lp $LP
st_load $TARGET
st_disable $LP
st_unload $LP
st_unload $TARGET
st_check <<EOT
% insmod $LP
$LP: pre_apply: vmlinux
kgr: $LP: applying
$LP: post_apply: vmlinux
kgr: $LP: applied
% insmod $TARGET
$LP: pre_apply: $TARGET
$LP: post_apply: $TARGET
$TARGET: init
% echo 0 > $KGR/$LP/enabled
$LP: pre_revert: vmlinux
$LP: pre_revert: $TARGET
kgr: $LP: reverting
$LP: post_revert: $TARGET
$LP: post_revert: vmlinux
kgr: $LP: reverted
% rmmod $LP
% rmmod $TARGET
$TARGET: exit
EOT

st_start "module_going notifier"
st_load $TARGET
st_load_lp $LP
st_unload $TARGET
st_disable $LP
st_unload $LP
st_check <<EOT
% insmod $TARGET
$TARGET: init
% insmod $LP
$LP: pre_apply: vmlinux
$LP: pre_apply: $TARGET
kgr: $LP: applying
$LP: post_apply: $TARGET
$LP: post_apply: vmlinux
kgr: $LP: applied
% rmmod $TARGET
$TARGET: exit
$LP: pre_revert: $TARGET
$LP: post_revert: $TARGET
% echo 0 > $KGR/$LP/enabled
$LP: pre_revert: vmlinux
kgr: $LP: reverting
$LP: post_revert: vmlinux
kgr: $LP: reverted
% rmmod $LP
EOT

st_start "module_coming and module_going notifiers"
st_load_lp $LP
st_load $TARGET
st_unload $TARGET
st_disable $LP
st_unload $LP
st_check <<EOT
% insmod $LP
$LP: pre_apply: vmlinux
kgr: $LP: applying
$LP: post_apply: vmlinux
kgr: $LP: applied
% insmod $TARGET
$LP: pre_apply: $TARGET
$LP: post_apply: $TARGET
$TARGET: init
% rmmod $TARGET
$TARGET: exit
$LP: pre_revert: $TARGET
$LP: post_revert: $TARGET
% echo 0 > $KGR/$LP/enabled
$LP: pre_revert: vmlinux
kgr: $LP: reverting
$LP: post_revert: vmlinux
kgr: $LP: reverted
% rmmod $LP
EOT

st_start "target module not present"
st_load_lp $LP
st_disable $LP
st_unload $LP
st_check <<EOT
% insmod $LP
$LP: pre_apply: vmlinux
kgr: $LP: applying
$LP: post_apply: vmlinux
kgr: $LP: applied
% echo 0 > $KGR/$LP/enabled
$LP: pre_revert: vmlinux
kgr: $LP: reverting
$LP: post_revert: vmlinux
kgr: $LP: reverted
% rmmod $LP
EOT

st_start "pre-patch callback -ENODEV"
st_load $TARGET
st_load_failing $LP pre_patch_ret=-19
[ ! -d "$KGR/$LP" ] || fail "refused patch left $KGR/$LP"
st_unload $TARGET
st_check <<EOT
% insmod $TARGET
$TARGET: init
% insmod $LP pre_patch_ret=-19
$LP: pre_apply: vmlinux
kgr: $LP: pre_apply hook of vmlinux failed: -19
kgr: $LP: not applied: -19
$LP: pre_apply: vmlinux
kgr: $LP: pre_apply hook of vmlinux failed: -19
kgr: $LP: not applied: -19
insmod: can't insert '$KO/$LP.ko': No such device
% rmmod $TARGET
$TARGET: exit
EOT

st_start "module_coming + pre-patch callback -ENODEV"
st_load_lp $LP
st_log "% echo -19 > /sys/module/$LP/parameters/pre_patch_ret"
echo -19 > /sys/module/$LP/parameters/pre_patch_ret
st_load_failing $TARGET
grep -q "^$TARGET " /proc/modules && fail "$TARGET listed after its refused load"
st_disable $LP
st_unload $LP
st_check <<EOT
% insmod $LP
$LP: pre_apply: vmlinux
kgr: $LP: applying
$LP: post_apply: vmlinux
kgr: $LP: applied
% echo -19 > /sys/module/$LP/parameters/pre_patch_ret
% insmod $TARGET
$LP: pre_apply: $TARGET
kgr: $LP: pre_apply hook of $TARGET failed: -19
kgr: $LP: refusing to load module $TARGET: -19
$LP: pre_apply: $TARGET
kgr: $LP: pre_apply hook of $TARGET failed: -19
kgr: $LP: refusing to load module $TARGET: -19
insmod: can't insert '$KO/$TARGET.ko': No such device
% echo 0 > $KGR/$LP/enabled
$LP: pre_revert: vmlinux
kgr: $LP: reverting
$LP: post_revert: vmlinux
kgr: $LP: reverted
% rmmod $LP
EOT

st_start "multiple target modules"
st_load $BUSY block_transition=N
st_load_lp $LP
st_load $TARGET
st_unload $TARGET
st_disable $LP
st_unload $LP
st_unload $BUSY
st_check <<EOT
% insmod $BUSY block_transition=N
$BUSY: init
$BUSY: work enter
$BUSY: work exit
% insmod $LP
$LP: pre_apply: vmlinux
$LP: pre_apply: $BUSY
kgr: $LP: applying
$LP: post_apply: $BUSY
$LP: post_apply: vmlinux
kgr: $LP: applied
% insmod $TARGET
$LP: pre_apply: $TARGET
$LP: post_apply: $TARGET
$TARGET: init
% rmmod $TARGET
$TARGET: exit
$LP: pre_revert: $TARGET
$LP: post_revert: $TARGET
% echo 0 > $KGR/$LP/enabled
$LP: pre_revert: vmlinux
$LP: pre_revert: $BUSY
kgr: $LP: reverting
$LP: post_revert: $BUSY
$LP: post_revert: vmlinux
kgr: $LP: reverted
% rmmod $LP
% rmmod $BUSY
$BUSY: exit
EOT

# The busy module's kworker sleeps in busymod_work_func, which the patch
# replaces: the transition cannot finish. A target module loaded meanwhile
# gets its pre_apply only (post_apply waits for the end of the
# transition); the revert turns the transition around, and its end runs
# the post_revert hooks of the modules still loaded and of the patch.
st_start "busy target module"
st_load $BUSY block_transition=Y
st_load $LP
st_wait_in_transition $LP
st_load $TARGET
st_unload $TARGET
[ "$(cat $KGR/$LP/transition)" = 1 ] || fail "the busy module did not hold the transition"
st_disable $LP
st_unload $LP
st_unload $BUSY
st_check <<EOT
% insmod $BUSY block_transition=Y
$BUSY: init
$BUSY: work enter
% insmod $LP
$LP: pre_apply: vmlinux
$LP: pre_apply: $BUSY
kgr: $LP: applying
% insmod $TARGET
$LP: pre_apply: $TARGET
$TARGET: init
% rmmod $TARGET
$TARGET: exit
$LP: pre_revert: $TARGET
$LP: post_revert: $TARGET
% echo 0 > $KGR/$LP/enabled
kgr: $LP: transition reversed, now reverting
$LP: post_revert: $BUSY
$LP: post_revert: vmlinux
kgr: $LP: reverted
% rmmod $LP
% rmmod $BUSY
$BUSY: work exit
$BUSY: exit
EOT

st_start "multiple livepatches"
st_load_lp $LP
st_load_lp $LP2
st_disable $LP2
st_disable $LP
st_unload $LP2
st_unload $LP
st_check <<EOT
% insmod $LP
$LP: pre_apply: vmlinux
kgr: $LP: applying
$LP: post_apply: vmlinux
kgr: $LP: applied
% insmod $LP2
$LP2: pre_apply: vmlinux
kgr: $LP2: applying
$LP2: post_apply: vmlinux
kgr: $LP2: applied
% echo 0 > $KGR/$LP2/enabled
$LP2: pre_revert: vmlinux
kgr: $LP2: reverting
$LP2: post_revert: vmlinux
kgr: $LP2: reverted
% echo 0 > $KGR/$LP/enabled
$LP: pre_revert: vmlinux
kgr: $LP: reverting
$LP: post_revert: vmlinux
kgr: $LP: reverted
% rmmod $LP2
% rmmod $LP
EOT

# The replaced patch's hooks do not run: the replace_all patch took over.
st_start "atomic replace"
st_load_lp $LP
st_load_lp $LP2 replace=1
st_disable $LP2
st_unload $LP2
st_unload $LP
st_check <<EOT
% insmod $LP
$LP: pre_apply: vmlinux
kgr: $LP: applying
$LP: post_apply: vmlinux
kgr: $LP: applied
% insmod $LP2 replace=1
$LP2: pre_apply: vmlinux
kgr: $LP2: applying
kgr: $LP: replaced by $LP2
$LP2: post_apply: vmlinux
kgr: $LP2: applied
% echo 0 > $KGR/$LP2/enabled
$LP2: pre_revert: vmlinux
kgr: $LP2: reverting
$LP2: post_revert: vmlinux
kgr: $LP2: reverted
% rmmod $LP2
% rmmod $LP
EOT
exit 0
