// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kgr-eflags - does the CPU push the EFLAGS it had when an ALU instruction
 * with a memory destination faults? A CPU does: the fault comes before
 * the instruction changes anything. An emulator that keeps the flags
 * lazily (QEMU's TCG: an operation and its operands, turned into EFLAGS
 * when asked) can push a state the instruction had half updated.
 * QEMU 7.2 does for rcl: CF comes out cleared. Upstream QEMU fixed the
 * same fault in other instructions later (commit e3693cd3c9fe: there an
 * operand was read back as the whole EFLAGS, "set to all-ones").
 *
 * For each instruction: SF ZF AF PF CF by sahf, then the instruction on
 * a read-only page; the SIGSEGV handler records the frame's EFLAGS and
 * opens the page. Prints the instructions whose frame differs. Exit 0:
 * none did; 1: some did.
 *
 * Built statically by tests/vm/run into the guest's /bin.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

static volatile unsigned long fault_flags;
static int *page;

static void on_segv(int sig, siginfo_t *info, void *ctx)
{
	ucontext_t *uc = ctx;

	(void)sig;
	(void)info;
	fault_flags = uc->uc_mcontext.gregs[REG_EFL];
	/* Without TF and NT, so that the return itself cannot trap. */
	uc->uc_mcontext.gregs[REG_EFL] &= ~0x4100UL;
	mprotect(page, 4096, PROT_READ | PROT_WRITE);
}

/*
 * Flags SF ZF AF PF CF by sahf, -1 in eax and ecx, then @insn on the
 * read-only page (in %0). It faults, the handler records the frame's
 * EFLAGS and opens the page, and the instruction runs again.
 */
#define KGR_EFLAGS_TRY(insn)						\
	do {								\
		fault_flags = 0;					\
		mprotect(page, 4096, PROT_READ);			\
		__asm__ __volatile__("mov $0xd7, %%ah\n\t"		\
				     "sahf\n\t"				\
				     "mov $-1, %%eax\n\t"		\
				     "mov $-1, %%ecx\n\t"		\
				     insn "\n\t"			\
				     : : "r"(page)			\
				     : "eax", "ecx", "cc", "memory");	\
		bad += report(insn);					\
	} while (0)

static int report(const char *insn)
{
	/* bit 1 always; IF; the five flags sahf loads from AH = 0xd7 */
	const unsigned long expect = 0x2 | 0x200 | 0xd5;
	/* OF is undefined before the instruction; a fault's frame has RF. */
	unsigned long seen = fault_flags & ~0x10800UL;

	if (!fault_flags) {
		printf("%-26s did not fault\n", insn);
		return 0;
	}
	if (seen == expect)
		return 0;
	printf("%-26s eflags at the fault %#lx, a CPU pushes %#lx\n", insn,
	       seen, expect);
	return 1;
}

int main(void)
{
	struct sigaction sa;
	int bad = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	if (sigaction(SIGSEGV, &sa, NULL))
		return perror("sigaction"), 2;
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return perror("mmap"), 2;
	*page = 0x1234;
	KGR_EFLAGS_TRY("subl %%eax, (%0)");
	KGR_EFLAGS_TRY("addl %%eax, (%0)");
	KGR_EFLAGS_TRY("adcl %%eax, (%0)");
	KGR_EFLAGS_TRY("sbbl %%eax, (%0)");
	KGR_EFLAGS_TRY("andl %%eax, (%0)");
	KGR_EFLAGS_TRY("orl %%eax, (%0)");
	KGR_EFLAGS_TRY("xorl %%eax, (%0)");
	KGR_EFLAGS_TRY("negl (%0)");
	KGR_EFLAGS_TRY("incl (%0)");
	KGR_EFLAGS_TRY("decl (%0)");
	KGR_EFLAGS_TRY("shll $3, (%0)");
	KGR_EFLAGS_TRY("shll %%cl, (%0)");
	KGR_EFLAGS_TRY("sarl %%cl, (%0)");
	KGR_EFLAGS_TRY("roll %%cl, (%0)");
	KGR_EFLAGS_TRY("rcll %%cl, (%0)");
	KGR_EFLAGS_TRY("shldl %%cl, %%eax, (%0)");
	KGR_EFLAGS_TRY("btsl $5, (%0)");
	KGR_EFLAGS_TRY("btrl $5, (%0)");
	KGR_EFLAGS_TRY("btcl $5, (%0)");
	KGR_EFLAGS_TRY("xaddl %%eax, (%0)");
	KGR_EFLAGS_TRY("cmpxchgl %%ecx, (%0)");
	KGR_EFLAGS_TRY("lock subl %%eax, (%0)");
	KGR_EFLAGS_TRY("lock addl %%eax, (%0)");
	KGR_EFLAGS_TRY("lock incl (%0)");
	KGR_EFLAGS_TRY("lock btsl $5, (%0)");
	KGR_EFLAGS_TRY("lock xaddl %%eax, (%0)");
	KGR_EFLAGS_TRY("lock cmpxchgl %%ecx, (%0)");
	printf("%d of 27 instructions pushed flags that no CPU pushes\n", bad);
	return bad != 0;
}
