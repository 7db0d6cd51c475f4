// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A torture patch stacked on kgr_test_torture_patch, version 3, whose
 * entry stubs (its own, module_kgr_patch()) can hold a task between their
 * pop and their jump: while the parameter hold is set, a caller of the
 * pair on the direct path sleeps there. Its stack then holds no patched
 * function, only the stub, whose jump still leads to this version: a
 * transition that migrated it would let it run this pair with another
 * version's A and B, or this module's code after its rmmod. A sleep
 * stands in for an interrupt there, which cannot be aimed.
 */
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/linkage.h>
#include <linux/moduleparam.h>

#define KGR_STUB_DELAY	"call kgr_test_stub_hold\n"
#define KGR_TORTURE_VERSION	3
#define KGR_TORTURE_NAME	"kgr_test_torture_slow"
#define KGR_TORTURE_REPLACE_ALL	false
#define KGR_TORTURE_OWN_STUBS
#include "kgr_test_torture_patch.h"

/* A stay in a stub ends after this many sleeps whatever hold says. */
#define KGR_HOLD_MAX_SLEEPS	30000

static bool hold;
module_param(hold, bool, 0644);
MODULE_PARM_DESC(hold, "Callers of the pair sleep inside its entry stub");

static atomic_t held = ATOMIC_INIT(0);
module_param_named(held, held.counter, int, 0444);
MODULE_PARM_DESC(held, "Tasks sleeping inside an entry stub now");

/* Called by name from kgr_test_stub_hold below. */
static void __used kgr_test_stub_wait(void)
{
	unsigned int sleeps = 0;

	if (!READ_ONCE(hold))
		return;
	atomic_inc(&held);
	while (READ_ONCE(hold) && sleeps++ < KGR_HOLD_MAX_SLEEPS)
		usleep_range(1000, 2000);
	atomic_dec(&held);
}

/*
 * Called by the stubs at a function's entry, where the arguments are live:
 * it keeps every register a call may change but %r11 (the dropped return
 * address) and the flags.
 */
asm(".pushsection .text, \"ax\"\n"
	".p2align 4\n"
	"kgr_test_stub_hold:\n"
	"push %rdi\n"
	"push %rsi\n"
	"push %rdx\n"
	"push %rcx\n"
	"push %r8\n"
	"push %r9\n"
	"push %r10\n"
	"push %rax\n"
	"call kgr_test_stub_wait\n"
	"pop %rax\n"
	"pop %r10\n"
	"pop %r9\n"
	"pop %r8\n"
	"pop %rcx\n"
	"pop %rdx\n"
	"pop %rsi\n"
	"pop %rdi\n"
	ASM_RET
	".type kgr_test_stub_hold, @function\n"
	".size kgr_test_stub_hold, . - kgr_test_stub_hold\n"
	".popsection\n");
