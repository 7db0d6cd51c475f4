// SPDX-License-Identifier: GPL-2.0-or-later
/// Find code of a patch that sleeps where it must not: an allocation with
/// GFP_KERNEL (a shadow variable's above all) or a sleeping call under a
/// spinlock, in an RCU read section or with preemption or interrupts off;
/// a shadow variable's constructor or destructor that sleeps; a hook that
/// calls kgr_patch_kernel() or kgr_patch_remove().
//# kgr_shadow_alloc() and kgr_shadow_get_or_alloc() allocate with the gfp
//# flags they are given: GFP_KERNEL may sleep, which in atomic context is
//# a "scheduling while atomic" bug or a deadlock; pass GFP_ATOMIC there.
//# A shadow constructor or destructor runs under kgr's shadow spinlock
//# with interrupts off: it must not sleep at all. Hooks run in process
//# context under kgr's mutex: they may sleep, but applying or removing a
//# patch from a hook waits for that mutex forever.
///
// Confidence: Moderate
// Copyright: (C) 2026 the kgr authors.
// Comments: only what one function shows: a lock taken by a caller, or a
//# sleep inside a callee, is not seen.
// Options: --all-includes, with the kernel headers' -I paths (scripts/cocci-check)

virtual report

@initialize:python@
@@
import kgrcocci

@atomic_gfp exists@
identifier lock =~ "^(spin_lock|spin_lock_irq|spin_lock_irqsave|spin_lock_bh|raw_spin_lock|raw_spin_lock_irq|raw_spin_lock_irqsave|read_lock|read_lock_irq|read_lock_irqsave|read_lock_bh|write_lock|write_lock_irq|write_lock_irqsave|write_lock_bh|task_lock|rcu_read_lock|rcu_read_lock_sched|rcu_read_lock_bh|preempt_disable|local_irq_disable|local_irq_save|local_bh_disable|get_cpu)$";
identifier unlock =~ "^(spin_unlock|spin_unlock_irq|spin_unlock_irqrestore|spin_unlock_bh|raw_spin_unlock|raw_spin_unlock_irq|raw_spin_unlock_irqrestore|read_unlock|read_unlock_irq|read_unlock_irqrestore|read_unlock_bh|write_unlock|write_unlock_irq|write_unlock_irqrestore|write_unlock_bh|task_unlock|rcu_read_unlock|rcu_read_unlock_sched|rcu_read_unlock_bh|preempt_enable|preempt_enable_no_resched|local_irq_enable|local_irq_restore|local_bh_enable|put_cpu)$";
identifier f;
position p1, p2;
@@
lock@p1(...)
... when != unlock(...)
f@p2(..., GFP_KERNEL, ...)

@atomic_sleep exists@
identifier lock =~ "^(spin_lock|spin_lock_irq|spin_lock_irqsave|spin_lock_bh|raw_spin_lock|raw_spin_lock_irq|raw_spin_lock_irqsave|read_lock|read_lock_irq|read_lock_irqsave|read_lock_bh|write_lock|write_lock_irq|write_lock_irqsave|write_lock_bh|task_lock|rcu_read_lock|rcu_read_lock_sched|rcu_read_lock_bh|preempt_disable|local_irq_disable|local_irq_save|local_bh_disable|get_cpu)$";
identifier unlock =~ "^(spin_unlock|spin_unlock_irq|spin_unlock_irqrestore|spin_unlock_bh|raw_spin_unlock|raw_spin_unlock_irq|raw_spin_unlock_irqrestore|read_unlock|read_unlock_irq|read_unlock_irqrestore|read_unlock_bh|write_unlock|write_unlock_irq|write_unlock_irqrestore|write_unlock_bh|task_unlock|rcu_read_unlock|rcu_read_unlock_sched|rcu_read_unlock_bh|preempt_enable|preempt_enable_no_resched|local_irq_enable|local_irq_restore|local_bh_enable|put_cpu)$";
identifier sleeper =~ "^(mutex_lock|mutex_lock_interruptible|mutex_lock_killable|msleep|msleep_interruptible|ssleep|usleep_range|schedule|schedule_timeout|wait_for_completion|wait_for_completion_timeout|down|down_interruptible|down_killable|down_read|down_write|down_read_killable|synchronize_rcu|synchronize_srcu|flush_work|cancel_work_sync|kthread_stop|vmalloc|vzalloc|vfree|copy_from_user|copy_to_user|might_sleep|cond_resched|kgr_patch_kernel|kgr_patch_remove)$";
position p1, p2;
@@
lock@p1(...)
... when != unlock(...)
sleeper@p2(...)

@script:python@
lock << atomic_gfp.lock;
p1 << atomic_gfp.p1;
p2 << atomic_gfp.p2;
f << atomic_gfp.f;
@@
hint = ": pass GFP_ATOMIC" if f.startswith("kgr_shadow_") else ""
kgrcocci.report(p2[0], "%s(GFP_KERNEL) may sleep, after %s() on line %s: atomic context%s" % (f, lock, p1[0].line, hint))

@script:python@
lock << atomic_sleep.lock;
p1 << atomic_sleep.p1;
p2 << atomic_sleep.p2;
sleeper << atomic_sleep.sleeper;
@@
kgrcocci.report(p2[0], "%s() may sleep, after %s() on line %s: atomic context" % (sleeper, lock, p1[0].line))

@shadowcb@
identifier fn;
expression E1, E2, E3, E4, E5;
@@
(
kgr_shadow_alloc(E1, E2, E3, E4, fn, E5)
|
kgr_shadow_get_or_alloc(E1, E2, E3, E4, fn, E5)
|
kgr_shadow_free(E1, E2, fn)
|
kgr_shadow_free_all(E1, fn)
)

@cb_gfp exists@
identifier shadowcb.fn;
identifier f;
position p;
@@
fn(...) { <+... f@p(..., GFP_KERNEL, ...) ...+> }

@script:python@
fn << shadowcb.fn;
p << cb_gfp.p;
f << cb_gfp.f;
@@
what = "%s(GFP_KERNEL)" % f
kgrcocci.report(p[0], "%s may sleep in %s(), a shadow constructor or destructor: it runs under kgr's shadow spinlock with interrupts off" % (what, fn))

@cb_sleep exists@
identifier shadowcb.fn;
identifier sleeper =~ "^(mutex_lock|mutex_lock_interruptible|mutex_lock_killable|msleep|msleep_interruptible|ssleep|usleep_range|schedule|schedule_timeout|wait_for_completion|wait_for_completion_timeout|down|down_interruptible|down_killable|down_read|down_write|down_read_killable|synchronize_rcu|synchronize_srcu|flush_work|cancel_work_sync|kthread_stop|vmalloc|vzalloc|vfree|copy_from_user|copy_to_user|might_sleep|cond_resched|kgr_patch_kernel|kgr_patch_remove)$";
position p;
@@
fn(...) { <+... sleeper@p(...) ...+> }

@script:python@
fn << shadowcb.fn;
p << cb_sleep.p;
sleeper << cb_sleep.sleeper;
@@
what = "%s()" % sleeper
kgrcocci.report(p[0], "%s may sleep in %s(), a shadow constructor or destructor: it runs under kgr's shadow spinlock with interrupts off" % (what, fn))

@hook@
identifier fld =~ "^(pre_apply|post_apply|pre_revert|post_revert)$";
identifier fn, P;
@@
(
struct kgr_patch P = { ..., .hooks = { ..., .fld = fn, ... }, ... };
|
struct kgr_hooks P[] = { ..., { ..., .fld = fn, ... }, ... };
|
struct kgr_hooks P = { ..., .fld = fn, ... };
)

@hookapplies exists@
identifier hook.fn;
identifier api =~ "^(kgr_patch_kernel|kgr_patch_remove)$";
position p;
@@
fn(...) { <+... api@p(...) ...+> }

@script:python@
fn << hook.fn;
api << hookapplies.api;
p << hookapplies.p;
@@
kgrcocci.report(p[0], "hook %s() calls %s(): hooks run under kgr's mutex, which that call waits for (deadlock)" % (fn, api))
