# SPDX-License-Identifier: GPL-2.0-or-later
# The direct path: once a transition finishes, the fentry call of the old
# function goes straight to a stub, the patch module's own or (for a
# module with an init of its own) one of kgr.ko's (ftrace's
# enabled_functions shows the direct call, the function's sysfs "direct"
# reads 1). The
# switch turns it off and on; a stacked patch and a revert go back to the
# handler first and come back direct to the new top; a kprobe shares the
# site and fires, and so does the function tracer; an IPMODIFY kprobe is
# refused as beside the handler;
# kgr.ko cannot go while a patch uses its stubs. The runner fails the
# test on any WARNING or Oops in the log.
# timeout: 120
. /tests/lib.sh

EF=/sys/kernel/tracing/enabled_functions
PARAM=/sys/module/kgr/parameters/direct
FUN="vmlinux/cmdline_proc_show,*"
HITS=/sys/module/kgr_test_kprobe/parameters/hits

# cmdline_proc_show's line of enabled_functions, and its direct target.
ef_line()
{
	awk '/^cmdline_proc_show /{p=1; print; next} p && /^\t/{print; next} {p=0}' $EF
}

# $1: the patch whose function must be called directly, or "none". The
# switch happens in the background after the transition: wait for it.
expect_direct()
{
	_t=100
	until [ "$1" = none ] || [ "$(cat $KGR/$1/$FUN/direct)" = 1 ]; do
		_t=$((_t - 1))
		[ "$_t" -gt 0 ] || break
		sleep 0.1
	done
	# Also until the direct calls left passing are detached.
	[ "$1" != none ] || { wait_handler; kgr_wait_direct; }
	_ef=$(ef_line)
	if [ "$1" = none ]; then
		expect_not_contains "$_ef" "direct-->"
		for _d in $KGR/*/$FUN/direct; do
			[ ! -f "$_d" ] || [ "$(cat "$_d")" = 0 ] ||
				fail "$_d reads $(cat "$_d") with the direct path off"
		done
		return
	fi
	# The patch module's own stub (module_kgr_patch()), next to its code.
	expect_contains "$_ef" "direct-->kgr_entry_stub_"
	expect_contains "$_ef" "[$1]"
	[ "$(cat $KGR/$1/$FUN/direct)" = 1 ] ||
		fail "$1's $FUN/direct is not 1: $_ef"
}

# Until no function of any patch reads direct (10 s at most).
wait_handler()
{
	_t=100
	while grep -qx 1 $KGR/*/$FUN/direct 2>/dev/null; do
		_t=$((_t - 1))
		[ "$_t" -gt 0 ] || return
		sleep 0.1
	done
}

expect_cmdline()
{
	_c=$(cat /proc/cmdline)
	[ "$_c" = "$orig$1" ] || fail "/proc/cmdline is '$_c', not '$orig$1'"
}

load_kgr
[ -f $EF ] || skip "no $EF"
[ "$(cat $PARAM)" = Y ] || fail "the direct path is not on by default"
orig=$(cat /proc/cmdline)

load kgr_sample_stack1
kgr_wait_transition kgr_sample_stack1
expect_cmdline " kgr_stack1"
expect_direct kgr_sample_stack1

# The switch: off sends the call back through the handler, on again not.
echo 0 > $PARAM || fail "cannot switch the direct path off"
expect_direct none
expect_contains "$(ef_line)" "cmdline_proc_show (1)"
expect_cmdline " kgr_stack1"
echo 1 > $PARAM || fail "cannot switch the direct path on"
expect_direct kgr_sample_stack1
echo maybe > $PARAM 2>/dev/null && fail "the switch took 'maybe'"
[ "$(cat $PARAM)" = Y ] || fail "a refused write changed the switch"

# A stacked patch: its transition runs on the handler, then goes direct
# to the new top.
load kgr_sample_stack2
kgr_wait_transition kgr_sample_stack2
expect_cmdline " kgr_stack2"
expect_direct kgr_sample_stack2
[ "$(cat $KGR/kgr_sample_stack1/$FUN/direct)" = 0 ] ||
	fail "the lower patch still reads direct"

# Another user of the site: a kprobe without post handler shares it and
# fires, the call still reaching the new function; one with a post handler
# modifies the ip and is refused.
echo 1 > /sys/kernel/debug/kprobes/enabled
insmod $KO/kgr_test_kprobe.ko has_post_handler=y 2>/dev/null &&
	fail "an IPMODIFY kprobe was armed beside the direct call"
insmod $KO/kgr_test_kprobe.ko has_post_handler=n ||
	fail "a kprobe without post handler was refused"
h=$(cat $HITS)
expect_cmdline " kgr_stack2"
[ "$(cat $HITS)" -gt "$h" ] || fail "the kprobe did not fire"
expect_contains "$(ef_line)" "direct-->kgr_entry_stub_"
rmmod kgr_test_kprobe || fail "rmmod kgr_test_kprobe"
expect_direct kgr_sample_stack2

# Function tracing of it: ftrace calls the tracer, then the stub.
TR=/sys/kernel/tracing
echo cmdline_proc_show > $TR/set_ftrace_filter || fail "cannot filter"
echo function > $TR/current_tracer || fail "no function tracer"
echo > $TR/trace
expect_cmdline " kgr_stack2"
expect_contains "$(cat $TR/trace)" "cmdline_proc_show"
expect_contains "$(ef_line)" "direct-->kgr_entry_stub_"
echo nop > $TR/current_tracer
echo > $TR/set_ftrace_filter
expect_direct kgr_sample_stack2

# A patch module with an init of its own has no stubs: its function
# takes one of kgr.ko's pool.
load kgr_sample_capable
kgr_wait_transition sample_kgraft_patch
t=100
until awk '/^capable /{p=1; next} p && /^\t/{print; next} {p=0}' $EF |
	grep -q "direct-->kgr_direct_stub_"; do
	t=$((t - 1))
	[ "$t" -gt 0 ] ||
		fail "capable() not direct through kgr.ko's pool: $(grep -A3 '^capable ' $EF)"
	sleep 0.1
done
kgr_revert sample_kgraft_patch kgr_sample_capable

# rmmod order: kgr.ko and an applied patch's module stay.
rmmod kgr 2>/dev/null && fail "kgr.ko was removed under an applied patch"
rmmod kgr_sample_stack2 2>/dev/null && fail "an applied patch was removed"
expect_cmdline " kgr_stack2"

# The revert leaves the direct path for its transition, and the patch
# below comes back direct.
kgr_revert kgr_sample_stack2 kgr_sample_stack2
expect_cmdline " kgr_stack1"
expect_direct kgr_sample_stack1
kgr_revert kgr_sample_stack1 kgr_sample_stack1
expect_cmdline ""
# The direct call of an address that went passes until the background
# work detaches it; meanwhile another user may modify the ip there.
pending=$(cat /sys/module/kgr/parameters/direct_pending)
insmod $KO/kgr_test_kprobe.ko has_post_handler=y ||
	fail "an IPMODIFY kprobe was refused after the revert (direct_pending $pending)"
h=$(cat $HITS)
expect_cmdline ""
[ "$(cat $HITS)" -gt "$h" ] || fail "the kprobe did not fire after the revert"
rmmod kgr_test_kprobe || fail "rmmod kgr_test_kprobe"
echo "# IPMODIFY kprobe armed after the revert, direct calls left to detach: $pending"
expect_direct none
expect_not_contains "$(cat $EF)" "cmdline_proc_show"
rmmod kgr || fail "kgr.ko could not be removed once unused"
