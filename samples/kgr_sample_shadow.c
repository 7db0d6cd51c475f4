// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Shadow variables: a new per-task field without touching task_struct.
 *
 * /proc/<pid>/personality gains a second line, "reads: N": how often that
 * task's personality has been read. N lives in a shadow variable attached
 * to the task_struct, created on the first read, freed when the task
 * exits (a second patched function, exit_task_namespaces()) and, for
 * whatever is left, when the patch is reverted (the post_revert hook).
 */
#include <linux/module.h>
#include <linux/nsproxy.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <kgr/kgr.h>

/* The variable's id: unique among the shadow variables of all patches. */
#define KGR_SHADOW_PERSONALITY_READS	0x6b677201UL

/*
 * @start_time tells this task from an earlier one that had the same
 * task_struct address: during the transition a task still running the old
 * exit_task_namespaces() exits without freeing its variable.
 */
struct kgr_personality_reads {
	u64 start_time;
	unsigned long count;
};

/* Declared in linux/ptrace.h and linux/nsproxy.h: the compiler checks. */
static bool (*kgr_ptrace_may_access)(struct task_struct *task,
				     unsigned int mode);
static void (*kgr_switch_task_namespaces)(struct task_struct *tsk,
					  struct nsproxy *new);

/* Runs under kgr's shadow lock, before the variable is visible. */
static int kgr_reads_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	struct kgr_personality_reads *reads = shadow_data;
	struct task_struct *task = obj;

	reads->start_time = task->start_time;
	return 0;
}

/*
 * Under task_lock(), which the new exit_task_namespaces() also takes to
 * free the variable: PF_EXITING is set before that point of do_exit(), so
 * no variable is created for a task after its free.
 */
static unsigned long kgr_count_read(struct task_struct *task)
{
	struct kgr_personality_reads *reads;
	unsigned long count = 0;

	task_lock(task);
	if (!(task->flags & PF_EXITING)) {
		reads = kgr_shadow_get_or_alloc(task,
						KGR_SHADOW_PERSONALITY_READS,
						sizeof(*reads), GFP_ATOMIC,
						kgr_reads_ctor, NULL);
		if (reads && reads->start_time != task->start_time) {
			reads->start_time = task->start_time;
			reads->count = 0;
		}
		if (reads)
			count = ++reads->count;
	}
	task_unlock(task);
	return count;
}

/* lock_trace() and unlock_trace() are inlined in fs/proc/base.c: copies. */
static int kgr_lock_trace(struct task_struct *task)
{
	int err = down_read_killable(&task->signal->exec_update_lock);

	if (err)
		return err;
	if (!kgr_ptrace_may_access(task, PTRACE_MODE_ATTACH_FSCREDS)) {
		up_read(&task->signal->exec_update_lock);
		return -EPERM;
	}
	return 0;
}

static void kgr_unlock_trace(struct task_struct *task)
{
	up_read(&task->signal->exec_update_lock);
}

static int kgr_new_proc_pid_personality(struct seq_file *m,
					struct pid_namespace *ns,
					struct pid *pid,
					struct task_struct *task)
{
	int err = kgr_lock_trace(task);

	if (!err) {
		seq_printf(m, "%08x\n", task->personality);
		seq_printf(m, "reads: %lu\n", kgr_count_read(task));
		kgr_unlock_trace(task);
	}
	return err;
}

static void kgr_new_exit_task_namespaces(struct task_struct *p)
{
	task_lock(p);
	kgr_shadow_free(p, KGR_SHADOW_PERSONALITY_READS, NULL);
	task_unlock(p);
	kgr_switch_task_namespaces(p, NULL);
}

/*
 * Every task runs the old code again: nobody reads the variables any
 * more. A later patch that kept using them would not free them here.
 */
static void kgr_sample_shadow_post_revert(struct kgr_patch *patch)
{
	kgr_shadow_free_all(KGR_SHADOW_PERSONALITY_READS, NULL);
}

static struct kgr_symbol kgr_symbols[] = {
	KGR_SYMBOL_TYPED(kgr_ptrace_may_access, ptrace_may_access),
	KGR_SYMBOL_TYPED(kgr_switch_task_namespaces, switch_task_namespaces),
	KGR_SYMBOL_END
};

static struct kgr_patch patch = {
	.name = "kgr_sample_shadow",
	.owner = THIS_MODULE,
	.symbols = kgr_symbols,
	.hooks = {
		.post_revert = kgr_sample_shadow_post_revert,
	},
	.patches = {
		KGR_PATCH(proc_pid_personality, kgr_new_proc_pid_personality,
			  true),
		KGR_PATCH(exit_task_namespaces, kgr_new_exit_task_namespaces,
			  true),
		KGR_PATCH_END
	}
};

module_kgr_patch(patch);
MODULE_DESCRIPTION("kgr sample: a per-task counter in a shadow variable");
MODULE_LICENSE("GPL");
