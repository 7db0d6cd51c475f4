/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interfaces between the files of kgr.ko. Each section belongs to the file
 * it names; a file only calls into another through what is declared here.
 */
#ifndef _KGR_INTERNAL_H
#define _KGR_INTERNAL_H

#include <linux/static_call.h>
#include <linux/mutex.h>
#include <linux/list.h>
#include <linux/ftrace.h>
#include <linux/string.h>
#include <kgr/kgr.h>

/* ---- lock.c: kgr_mutex and the registry ---- */

/*
 * kgr_mutex serialises everything that changes patch state: registration,
 * apply, revert, module load/unload handling, the transition and its
 * finish. Never held while calling kgr_sysfs_del_patch() (sysfs stores
 * take it: kobject_del() would wait for them forever).
 */
extern struct mutex kgr_mutex;

/* Registered patches, oldest first (bottom of the stack first). kgr_mutex. */
extern struct list_head kgr_patches;

#define kgr_for_each_fun(patch, fun) \
	for ((fun) = (patch)->patches; (fun)->name; (fun)++)

/* The shims of a patch: its KGR_SYMBOL table, NULL-name terminated. */
#define kgr_for_each_symbol(patch, sym) \
	for ((sym) = (patch)->symbols; (sym) && (sym)->name; (sym)++)

/* The per-object hooks of a patch, NULL-objname terminated. */
#define kgr_for_each_object_hooks(patch, hooks) \
	for ((hooks) = (patch)->object_hooks; (hooks) && (hooks)->objname; \
	     (hooks)++)

/* How kgr names an object: its module name, or "vmlinux" for NULL. */
static inline const char *kgr_objname(const char *objname)
{
	return objname ?: "vmlinux";
}

/* The replace_all "nops" of a patch in transition: new_fun is NULL. */
#define kgr_for_each_nop(patch, fun) \
	for ((fun) = (patch)->nops; (fun) < (patch)->nops + (patch)->nr_nops; \
	     (fun)++)

static inline struct kgr_patch_fun *kgr_first_entry(struct kgr_patch *patch)
{
	if (patch->patches[0].name)
		return patch->patches;
	return patch->nr_nops ? patch->nops : NULL;
}

static inline struct kgr_patch_fun *kgr_next_entry(struct kgr_patch *patch,
						   struct kgr_patch_fun *fun)
{
	if (patch->nr_nops && fun >= patch->nops &&
	    fun < patch->nops + patch->nr_nops)
		return ++fun < patch->nops + patch->nr_nops ? fun : NULL;
	if ((++fun)->name)
		return fun;
	return patch->nr_nops ? patch->nops : NULL;
}

/* The functions of @patch, then its nops. */
#define kgr_for_each_entry(patch, fun) \
	for ((fun) = kgr_first_entry(patch); (fun); \
	     (fun) = kgr_next_entry(patch, fun))

/* On a func_stack (pushed by kgr_redirect_add()). kgr_mutex. */
static inline bool kgr_fun_redirected(const struct kgr_patch_fun *fun)
{
	return fun->ops;
}

/* sympos 0 (the only one) and 1 (the first) name the same symbol. */
static inline bool kgr_same_sympos(unsigned long a, unsigned long b)
{
	return (a ?: 1) == (b ?: 1);
}

/* Same object: both vmlinux (NULL) or the same module name. */
static inline bool kgr_obj_match(const char *objname, const char *wanted)
{
	if (!objname || !wanted)
		return objname == wanted;
	return !strcmp(objname, wanted);
}

/* ---- transition.c: apply, revert and the transition between them ---- */

/*
 * Redirect the functions of @patch and start the transition to it; on
 * failure nothing is left of it. kgr_mutex; @patch is registered (at
 * least by name) and not applied.
 */
int kgr_apply(struct kgr_patch *patch);

/* The patch whose transition runs, or NULL. kgr_mutex. */
struct kgr_patch *kgr_transition_patch(void);

/*
 * Lock-free, for sysfs: a transition of @patch (of any patch if NULL)
 * runs. False only once it is completely over, its module reference
 * dropped included.
 */
bool kgr_patch_in_transition(const struct kgr_patch *patch);

/* The state of the transition's redirected functions: slow or reverting. */
enum kgr_fun_state kgr_transition_fun_state(void);

/*
 * A module of the patch in transition came or went: hand the transition
 * the code it now leaves. kgr_mutex.
 */
int kgr_transition_ranges_changed(void);

/* sysfs "enabled" store: revert (false) or re-apply (true). Takes kgr_mutex. */
int kgr_patch_set_enabled(struct kgr_patch *patch, bool enable);

/* sysfs "force" store: finish @patch's transition by force. Takes kgr_mutex. */
int kgr_patch_force(struct kgr_patch *patch);

/* ---- object.c: the objects of a patch ---- */

/*
 * One object a patch touches, vmlinux or a module: a record built when
 * the patch registers, from its functions, shims and object hooks, which
 * point at it (&kgr_patch_fun.obj, &kgr_symbol.obj). A replace_all
 * patch's nops may add records (nops_only) that go with the nops. The
 * list and the fields change under kgr_mutex; sysfs reads @patched
 * without it.
 */
struct kgr_object {
	struct list_head node;		/* in &kgr_patch.objects */
	const char *name;		/* module name; NULL: vmlinux */
	const struct kgr_hooks *hooks;	/* its object hooks, or NULL */
	unsigned int nr_funs;		/* the patch's own functions in it */
	bool nops_only;			/* added for nops, freed with them */
	bool patched;			/* its shims, functions, hooks applied */
	struct kobject kobj;		/* <patch>/<object>, if it has nr_funs */
	bool kobj_added;
};

#define kgr_for_each_object(patch, obj) \
	list_for_each_entry((obj), &(patch)->objects, node)

/*
 * At registration, before sysfs: the records of @patch (its objects list
 * initialised). All or nothing. kgr_objects_free() once its sysfs
 * directories are gone.
 */
int kgr_objects_build(struct kgr_patch *patch);
void kgr_objects_free(struct kgr_patch *patch);

/* The record of object @name (NULL: vmlinux) of @patch, or NULL. */
struct kgr_object *kgr_object_find(struct kgr_patch *patch, const char *name);

/* A record for a nop's object (added if missing), and dropping them. */
struct kgr_object *kgr_object_get_for_nop(struct kgr_patch *patch,
					  const char *name);
void kgr_objects_drop_nops(struct kgr_patch *patch);

/* The rest under kgr_mutex. */

/* True when @obj is vmlinux or a module that is loaded now. */
bool kgr_object_present(const struct kgr_object *obj);

/* The patch was applied (its present objects are patched) or popped. */
void kgr_objects_set_patched(struct kgr_patch *patch, bool patched);

/*
 * Resolve the old function of @fun (fun->patch set); a missing target of
 * an entry with abort_if_missing false becomes SKIPPED.
 */
int kgr_fun_resolve(struct kgr_patch_fun *fun);

/*
 * Fill in the shims of @obj, or with @obj NULL those of every present
 * object. All or nothing. Reset clears those of @obj (NULL: all).
 */
int kgr_symbols_resolve(struct kgr_patch *patch, const struct kgr_object *obj);
void kgr_symbols_reset(struct kgr_patch *patch, const struct kgr_object *obj);

/*
 * The hooks of the whole patch: the patch's own and those of its loaded
 * modules, in kernel/livepatch's order. pre_apply undoes what it ran on
 * failure; post_revert runs those of the objects before @until (NULL:
 * all).
 */
int kgr_hooks_pre_apply(struct kgr_patch *patch);
void kgr_hooks_post_apply(struct kgr_patch *patch);
void kgr_hooks_pre_revert(struct kgr_patch *patch);
void kgr_hooks_post_revert(struct kgr_patch *patch,
			   const struct kgr_object *until);

/*
 * Patch module @obj for @patch, its functions in @state (FAST when no
 * transition of @patch runs), or undo it. All or nothing.
 */
int kgr_object_apply(struct kgr_patch *patch, struct kgr_object *obj,
		     enum kgr_fun_state state);
void kgr_object_revert(struct kgr_patch *patch, struct kgr_object *obj);

/* ---- kallsyms.c: symbol resolution ---- */

int kgr_kallsyms_init(void);

/*
 * Find @name in @objname (NULL: vmlinux) at @sympos (0: must be unique).
 * -ENOENT when missing, -EINVAL when ambiguous (the candidates and their
 * addresses are logged, naming @patch_name). @size may be NULL.
 */
int kgr_resolve(const char *patch_name, const char *objname, const char *name,
		unsigned long sympos, unsigned long *addr, unsigned long *size);

/*
 * Drop what kgr_resolve() keeps to make many lookups in one module fast,
 * which is valid until that module goes: call it when any module goes.
 * kgr_mutex.
 */
void kgr_kallsyms_forget(void);

/* Address of a kernel symbol kgr.ko itself needs, or 0. */
unsigned long kgr_lookup_name(const char *name);

/* @addr is a function sealed by IBT: callable directly, not by pointer. */
bool kgr_sealed_function(unsigned long addr);

/* Address of kernel function @name, or 0 with an error naming it. */
unsigned long kgr_lookup_function(const char *name);

/*
 * Point static call @name at the non-exported kernel function @func,
 * found by kallsyms; 0 or -ENOENT. kgr calls such helpers only through
 * static calls: a direct call, which under IBT reaches the functions
 * objtool sealed (no endbr64), where a call through a pointer would trap.
 * The key must be defined in the file of the calls (objtool then records
 * the call sites for the module loader).
 */
#define kgr_static_call_resolve(name, func)				\
({									\
	unsigned long __kgr_addr = kgr_lookup_function(#func);		\
									\
	if (__kgr_addr)							\
		static_call_update(name, (typeof(&func))__kgr_addr);	\
	__kgr_addr ? 0 : -ENOENT;					\
})

/* find_module(); the caller holds module_mutex or disables preemption. */
struct module *kgr_find_module(const char *name);

/*
 * Where the fentry call of the function at @addr should be: after its
 * endbr64 if it has one. ftrace_location() of that exact site is a
 * search of ftrace's records; of a function's start, a kallsyms lookup
 * by address first, a pass over a module's symbol table.
 */
unsigned long kgr_fentry_guess(unsigned long addr);

/* Size of the symbol at @addr from @addr on, or 0 if unknown. */
unsigned long kgr_symbol_size(unsigned long addr);

/* ---- direct.c: the direct path's stubs and ftrace direct ops ---- */

/*
 * An address's direct call: its ftrace ops, the stub it calls (a patch
 * module's entry stub, one of kgr.ko's pool: @slot, else -1, or
 * kgr_direct_pass) and where that stub jumps.
 */
struct kgr_direct {
	struct ftrace_ops ops;
	unsigned long stub;
	int slot;
	bool attached;
	void *target;			/* NULL: passing on the handler's ip */
};

int kgr_direct_init(void);

/* Give @patch's functions their entry stubs, if its module has some. */
void kgr_direct_add_entries(struct kgr_patch *patch);

/* Forget @patch's entry stubs: its module is about to go. */
void kgr_direct_del_entries(struct kgr_patch *patch);

/*
 * Send the fentry call at @ip to a stub that jumps to @fun's new function:
 * its entry stub, or one of kgr.ko's. kgr's own handler may be registered
 * on @ip: it must send every task there too. -ENOSPC when every stub of
 * kgr.ko's is in use; ftrace's errors. kgr_mutex.
 */
int kgr_direct_attach(struct kgr_direct *direct, unsigned long ip,
		      const struct kgr_patch_fun *fun);

/* Remove the direct call; returns once no task can be in its stub. */
void kgr_direct_detach(struct kgr_direct *direct);

/*
 * Send the direct call to a stub that jumps to @fun's new function, or
 * (NULL) on to wherever kgr's handler, registered beside, sent the task.
 * On error nothing changed. kgr_mutex.
 */
int kgr_direct_retarget(struct kgr_direct *direct,
			const struct kgr_patch_fun *fun);

/* Free kgr.ko's stubs that no call leads to any more, after Tasks RCU. */
bool kgr_direct_reap(void);

/* register_ftrace_function() of kgr's handler beside its direct call. */
int kgr_direct_register_beside(struct ftrace_ops *fops);

/* @ops is the ftrace ops of one of kgr's direct calls. */
bool kgr_direct_own(const struct ftrace_ops *ops);

/* @addr lies in a stub: code a task may run with a stale target. */
bool kgr_direct_stub(unsigned long addr);

/* ---- redirect.c: ftrace redirection ---- */

/*
 * One per patched address: the stack of functions replacing it, newest
 * first, and how its fentry site reaches them. The handler finds it by
 * fentry site and reads func_stack under RCU (preemption disabled by
 * ftrace); writers hold kgr_mutex.
 */
struct kgr_ops {
	struct list_head node;
	struct hlist_node hnode;	/* in redirect.c's hash, by loc */
	unsigned long old_addr;
	unsigned long loc;		/* its fentry site */
	bool pending;			/* for the filter, at the next commit */
	bool in_filter;			/* in the filter of kgr's handler */
	struct kgr_direct direct;	/* the direct call, if attached */
	bool direct_refused;		/* until its stack or the switch changes */
	struct list_head func_stack;
};

int kgr_redirect_init(void);

/*
 * Push @fun onto the stack of fun->old_addr. A new address reaches ftrace
 * at the next kgr_redirect_commit(), with the others pushed since.
 */
int kgr_redirect_add(struct kgr_patch_fun *fun);

/*
 * Before pushing @fun: if its address is on the direct path, it leaves it
 * at the next kgr_redirect_commit(), in one ftrace update with the other
 * addresses a patch stacks on, rather than one update each in
 * kgr_redirect_add(). kgr_mutex.
 */
void kgr_redirect_prepare(struct kgr_patch_fun *fun);

/*
 * Send the new addresses' fentry calls, and those leaving the direct path,
 * to kgr's handler, all in one batch or none (-EBUSY when another ftrace
 * user holds one, named in the log); on an error the caller pops what it
 * pushed. kgr_mutex.
 */
int kgr_redirect_commit(void);

/*
 * Pop @fun. When the stack empties the handler at once sends every task
 * to the original, and the address leaves ftrace at the next
 * kgr_redirect_sync(); a handler may still see @fun until then.
 */
void kgr_redirect_del(struct kgr_patch_fun *fun);

/* Top of the stack of @old_addr, or NULL. kgr_mutex. */
struct kgr_patch_fun *kgr_redirect_top(unsigned long old_addr);

/* The entry below @fun on its stack, or NULL for the original. kgr_mutex. */
struct kgr_patch_fun *kgr_redirect_below(struct kgr_patch_fun *fun);

/*
 * Take the addresses that went out of ftrace, then wait until every
 * handler in flight has returned, also on CPUs where RCU does not watch
 * (see klp_synchronize_transition()).
 */
void kgr_redirect_sync(void);

/*
 * Back to the handler path before @fun's state changes (a revert needs
 * the handler's per-task choice), at the next kgr_redirect_commit(), in
 * one batch with the others. kgr_mutex.
 */
void kgr_redirect_leave_direct(struct kgr_patch_fun *fun);

/*
 * Take the direct path on every address whose top function is FAST, and
 * leave it where it is switched off, in the background (a work, a second
 * after the last call, one address at a time). Call after a transition
 * finished or a module came or went; failures only keep the handler
 * path. kgr_mutex.
 */
void kgr_redirect_direct_update(void);

/*
 * @mod goes: detach the direct calls left on its addresses after their
 * patches went, which the background work would detach later. kgr_mutex.
 */
void kgr_redirect_module_going(struct module *mod);

/* Stop the background work of kgr_redirect_direct_update(). */
void kgr_redirect_exit(void);

/* ---- module.c: targets in modules ---- */

/*
 * Register the module notifier: it calls @coming (a non-zero return
 * refuses the load) and @going, without kgr_mutex held.
 */
int kgr_module_init(int (*coming)(struct module *mod),
		    void (*going)(struct module *mod));
void kgr_module_exit(void);

/* Add the modules loaded before kgr.ko to the set. kgr_mutex. */
int kgr_modules_add_loaded(void);

/*
 * Module @name is loaded as far as kgr is concerned: kgr's notifier has
 * seen it come (or it was there before kgr.ko) and not yet go. kgr_mutex.
 */
bool kgr_module_loaded(const char *name);

/* The set of loaded modules, for the notifier's callbacks. kgr_mutex. */
bool kgr_module_known(struct module *mod);
int kgr_module_add(struct module *mod);
void kgr_module_del(struct module *mod);

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
 * caller makes the patch's functions visible. @owner (the patch) is whose
 * blocking tasks kgr_migrate_blocking_show() lists; @finish ends the
 * transition once every task moved, from the worker, with kgr_mutex held.
 * kgr_mutex.
 */
int kgr_migrate_prepare(bool to_new, const void *owner, void (*finish)(void));

/*
 * The goal of the prepared transition: the code tasks leave, @ranges
 * (copied). The only step of a start that can fail. kgr_mutex.
 */
int kgr_migrate_set_goal(const struct kgr_range *ranges,
			 unsigned int nr_ranges);

/*
 * Start moving tasks to the goal set before; cannot fail. When the last
 * task has moved, calls the finish callback of kgr_migrate_prepare().
 * kgr_mutex.
 */
void kgr_migrate_go(void);

/* kgr_migrate_set_goal() and kgr_migrate_go(). kgr_mutex. */
int kgr_migrate_start(const struct kgr_range *ranges, unsigned int nr_ranges);

/* Undo kgr_migrate_prepare() when the apply fails before starting. kgr_mutex. */
void kgr_migrate_abort(void);

/* Turn the running transition around; @ranges now the other code. kgr_mutex. */
int kgr_migrate_reverse(const struct kgr_range *ranges, unsigned int nr_ranges);

/*
 * The code the running transition leaves changed (a module of its patch
 * came or went): check stacks against @ranges from now on. kgr_mutex.
 */
int kgr_migrate_set_ranges(const struct kgr_range *ranges,
			   unsigned int nr_ranges);

/* Declare every task migrated; taints the kernel. kgr_mutex. */
void kgr_migrate_force(void);

/* True while a transition runs (also from sysfs without kgr_mutex). */
bool kgr_migrate_in_progress(void);

/*
 * The universe of current: true when it runs the patched code. Called from
 * the ftrace handler in any context, NMI included; lock-free.
 */
bool kgr_task_in_new_universe(void);

/*
 * current enters a patched function at @ip (its fentry site) through
 * kgr's ftrace handler: it migrates if its stack allows. Its universe
 * then, as kgr_task_in_new_universe() tells it. Preemption off.
 */
bool kgr_migrate_at_entry(unsigned long ip);

/*
 * Tasks blocking the transition of @owner: "pid comm function" lines into
 * @buf (a page). Lock-free: it cannot delay the transition.
 */
ssize_t kgr_migrate_blocking_show(char *buf, const void *owner);

/* ---- sysfs.c: /sys/kernel/kgr ---- */

/*
 * What the files of /sys/kernel/kgr ask of the registry, given by core.c
 * to kgr_sysfs_init(): the "enabled" and "force" stores (they take
 * kgr_mutex) and the lock-free transition state of "in_progress" and
 * "transition" (of any patch when @patch is NULL).
 */
struct kgr_sysfs_ops {
	int (*set_enabled)(struct kgr_patch *patch, bool enable);
	int (*force)(struct kgr_patch *patch);
	bool (*in_transition)(const struct kgr_patch *patch);
};

int kgr_sysfs_init(const struct kgr_sysfs_ops *ops);
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
