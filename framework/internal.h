/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interfaces between the files of kgr.ko. Each section belongs to the file
 * it names; a file only calls into another through what is declared here.
 */
#ifndef _KGR_INTERNAL_H
#define _KGR_INTERNAL_H

#include <linux/mutex.h>
#include <linux/list.h>
#include <linux/ftrace.h>
#include <kgr/kgr.h>

/* ---- core.c: patch registry and lifecycle ---- */

/*
 * kgr_mutex serialises everything that changes patch state: registration,
 * apply, revert, module load/unload handling, the transition and its
 * finish. Never held while calling kgr_sysfs_del_patch() (sysfs stores
 * take it: kobject_del() would wait for them forever).
 */
extern struct mutex kgr_mutex;

/* Registered patches, oldest first (bottom of the stack first). kgr_mutex. */
extern struct list_head kgr_patches;

/* The patch whose transition runs, or NULL. kgr_mutex. */
struct kgr_patch *kgr_transition_patch(void);

/* sysfs "enabled" store: revert (false) or re-apply (true). Takes kgr_mutex. */
int kgr_patch_set_enabled(struct kgr_patch *patch, bool enable);

/* sysfs "force" store: finish @patch's transition by force. Takes kgr_mutex. */
int kgr_patch_force(struct kgr_patch *patch);

/*
 * Called by migrate.c with kgr_mutex held, from process context, once every
 * task has reached the target universe and migrate.c has dropped its probes
 * and per-task state: switch to fast stubs (apply) or drop the redirection
 * (revert), and run the post hooks.
 */
void kgr_transition_finish(void);

/* ---- kallsyms.c: symbol resolution ---- */

int kgr_kallsyms_init(void);

/*
 * Find @name in @objname (NULL: vmlinux) at @sympos (0: must be unique).
 * -ENOENT when missing, -EINVAL when ambiguous (the candidates and their
 * addresses are logged, naming @patch_name). @size may be NULL.
 */
int kgr_resolve(const char *patch_name, const char *objname, const char *name,
		unsigned long sympos, unsigned long *addr, unsigned long *size);

/* Address of a kernel symbol kgr.ko itself needs, or 0. */
unsigned long kgr_lookup_name(const char *name);

/* ---- redirect.c: ftrace redirection ---- */

/*
 * One per patched address: the ftrace_ops on its fentry site and the stack
 * of functions replacing it, newest first. The handler reads func_stack
 * under RCU (preemption disabled by ftrace); writers hold kgr_mutex.
 */
struct kgr_ops {
	struct list_head node;
	unsigned long old_addr;
	struct ftrace_ops fops;
	struct list_head func_stack;
};

/* Push @fun onto the stack of fun->old_addr; -EBUSY if ftrace refuses. */
int kgr_redirect_add(struct kgr_patch_fun *fun);

/* Pop @fun; the ftrace_ops is unregistered when the stack empties. */
void kgr_redirect_del(struct kgr_patch_fun *fun);

/* ---- module.c: targets in modules ---- */

int kgr_module_init(void);
void kgr_module_exit(void);

/* ---- migrate.c: lazy per-task migration between universes ---- */

/*
 * Code a task must not hold on its stack to change universe, one entry
 * per function of the patch in transition: the code tasks leave.
 */
struct kgr_range {
	unsigned long start;
	unsigned long end;
	const char *name;
};

int kgr_migrate_init(void);
void kgr_migrate_exit(void);

/*
 * Put every task (current and future) in universe !@to_new, before the
 * caller makes the patch's functions visible. kgr_mutex.
 */
int kgr_migrate_prepare(bool to_new);

/*
 * Start moving tasks to the target universe. Copies @ranges. When the last
 * task has moved, calls kgr_transition_finish(). kgr_mutex.
 */
int kgr_migrate_start(const struct kgr_range *ranges, unsigned int nr_ranges);

/* Undo kgr_migrate_prepare() when the apply fails before starting. kgr_mutex. */
void kgr_migrate_abort(void);

/* Turn the running transition around; @ranges now the other code. kgr_mutex. */
int kgr_migrate_reverse(const struct kgr_range *ranges, unsigned int nr_ranges);

/* Declare every task migrated; taints the kernel. kgr_mutex. */
void kgr_migrate_force(void);

/* True while a transition runs (also from sysfs without kgr_mutex). */
bool kgr_migrate_in_progress(void);

/*
 * The universe of current: true when it runs the patched code. Called from
 * the ftrace handler in any context, NMI included; lock-free.
 */
bool kgr_task_in_new_universe(void);

/* Tasks blocking the transition: "pid comm function" lines into @buf. */
ssize_t kgr_migrate_blocking_show(char *buf);

#if IS_ENABLED(CONFIG_KGR_KUNIT_TEST)
/* Tests only: called instead of kgr_transition_finish() when set. */
extern void (*kgr_migrate_finish_hook)(void);
#endif

/* ---- sysfs.c: /sys/kernel/kgr ---- */

int kgr_sysfs_init(void);
void kgr_sysfs_exit(void);

/*
 * Both without kgr_mutex: removing a directory waits for the sysfs writes
 * in flight, which take kgr_mutex. add removes what it made on failure and
 * expects a name no other patch uses; del is a no-op for a patch never
 * added and returns once the patch's kobjects are released.
 */
int kgr_sysfs_add_patch(struct kgr_patch *patch);
void kgr_sysfs_del_patch(struct kgr_patch *patch);

/* ---- shadow.c: shadow variables ---- */

void kgr_shadow_exit(void);

#endif /* _KGR_INTERNAL_H */
