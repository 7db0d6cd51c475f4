// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A patch of pipe_read for the fake-signal test: the new pipe_read counts
 * the calls made by the task whose pid is in parameter "watch_pid" (in
 * "watched_calls") and then runs the original body, entered past its
 * fentry call so that kgr does not redirect it again. A reader
 * asleep in pipe_read when the patch is applied holds the transition open
 * until kgr's fake signal makes it restart its read, in the new universe.
 * It also replaces kgr_test_target_show(), for 22-migrate-module-midway,
 * which loads that module while the reader holds a transition open.
 */
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/uio.h>
#include <linux/uaccess.h>
#include <asm/ibt.h>
#include <kgr/kgr.h>

static int watch_pid;
module_param(watch_pid, int, 0644);

static atomic_t kgr_pipe_calls = ATOMIC_INIT(0);

static int kgr_pipe_calls_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&kgr_pipe_calls));
}

static const struct kernel_param_ops kgr_pipe_calls_ops = {
	.get = kgr_pipe_calls_get,
};
module_param_cb(watched_calls, &kgr_pipe_calls_ops, NULL, 0444);

static void *kgr_old_pipe_read;
static ssize_t (*kgr_pipe_read_body)(struct kiocb *iocb, struct iov_iter *to);

/*
 * Not a tail call: a reader asleep in the body keeps this function on its
 * stack, so that it also holds a revert open.
 */
static ssize_t kgr_new_pipe_read(struct kiocb *iocb, struct iov_iter *to)
{
	ssize_t ret;

	if (task_pid_nr(current) == READ_ONCE(watch_pid))
		atomic_inc(&kgr_pipe_calls);
	ret = kgr_pipe_read_body(iocb, to);
	OPTIMIZER_HIDE_VAR(ret);
	return ret;
}

/* The body starts after the ENDBR (if any) and the 5-byte fentry call. */
static int kgr_pipe_pre_apply(struct kgr_patch *patch)
{
	static const u8 nop5[] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };
	u8 *insn = kgr_old_pipe_read;
	u32 first;

	if (copy_from_kernel_nofault(&first, insn, sizeof(first)))
		return -EFAULT;
	if (is_endbr(first))
		insn += 4;
	if (insn[0] != 0xe8 && memcmp(insn, nop5, sizeof(nop5))) {
		pr_err("kgr_test_pipe: no fentry call at the start of pipe_read\n");
		return -EINVAL;
	}
	kgr_pipe_read_body = (void *)(insn + 5);
	return 0;
}

static int kgr_new_target_show(struct seq_file *m, void *v)
{
	seq_puts(m, "kgr_test_pipe\n");
	return 0;
}

static struct kgr_symbol kgr_pipe_symbols[] = {
	KGR_SYMBOL(kgr_old_pipe_read, pipe_read),
	KGR_SYMBOL_END
};

static struct kgr_patch kgr_pipe_patch = {
	.name = "kgr_test_pipe",
	.owner = THIS_MODULE,
	.symbols = kgr_pipe_symbols,
	.hooks = { .pre_apply = kgr_pipe_pre_apply },
	.patches = { KGR_PATCH(pipe_read, kgr_new_pipe_read, true),
		     KGR_PATCH_OBJ(kgr_test_target_show, kgr_new_target_show,
				   "kgr_test_target"),
		     KGR_PATCH_END }
};

static int __init kgr_test_pipe_init(void)
{
	return kgr_patch_kernel(&kgr_pipe_patch);
}

static void __exit kgr_test_pipe_exit(void)
{
	kgr_patch_remove(&kgr_pipe_patch);
}

module_init(kgr_test_pipe_init);
module_exit(kgr_test_pipe_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr test: pipe_read patched, for a reader asleep in it");
