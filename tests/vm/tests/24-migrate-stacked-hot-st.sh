# SPDX-License-Identifier: GPL-2.0-or-later
# The stacked torture (torture_stacked in lib.sh) on single-threaded TCG:
# one thread runs both vCPUs in turn, so they interleave at other points
# than under multi-threaded TCG. Before the bottom-of-stack rule for
# interrupted stacks (framework/stack.c) it counted 4 to 10 mixed pairs
# per run on 6.1. It runs with migrate_on_entry off, so that the hot
# callers move by IPI checks landing in and around the redirection, as
# this test was made for; 21 and 23 run with it on. Without it a
# transition waits for an IPI check to find the hot callers outside the
# pair: 66 s for the test on 6.1 on a quiet host, but over 600 s for six
# cycles on one shared with three other jobs, and 445 s for four in a
# fresh-clone make check. Three cycles still take every path of
# torture_stacked: a reversal (cycles 1 and 3), a revert (2), the base
# patch's reload (3). Soak it by name: tests/vm/soak --mode single 24.
# timeout: 900
# qemu-accel: tcg,thread=single
. /tests/lib.sh

load_kgr
echo N > /sys/module/kgr/parameters/migrate_on_entry ||
	fail "cannot switch migrate_on_entry off"

torture_stacked 3
# The tests after this one in the same boot get the default back.
echo Y > /sys/module/kgr/parameters/migrate_on_entry ||
	fail "cannot switch migrate_on_entry back on"
