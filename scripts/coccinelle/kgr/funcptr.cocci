// SPDX-License-Identifier: GPL-2.0-or-later
/// Find the address of a replaced function, or of its replacement, taken
/// outside the patch's tables: stored, compared or passed on.
//# The address of the old function is the old code's: kgr does not change
//# it, so a comparison with the new function's address never matches,
//# and a pointer kept after the patch is reverted keeps the revert from
//# being seen by whoever compares it. The address of a new function
//# stored where the kernel keeps it (a callback, an ops table) outlives
//# the patch: once the patch is reverted and its module unloaded, the
//# kernel calls freed memory. Only kgr may hold these addresses; call the
//# functions, do not keep pointers to them.
///
// Confidence: Moderate
// Copyright: (C) 2026 the kgr authors.
// Comments: a hand-filled struct kgr_patch_fun is not seen.
// Options: --all-includes, with the kernel headers' -I paths (scripts/cocci-check)

virtual report

@initialize:python@
@@
import kgrcocci

@pf@
identifier old, new;
expression A, B;
@@
(
KGR_PATCH(old, new, A)
|
KGR_PATCH_OBJ(old, new, A)
|
KGR_PATCH_OBJPOS(old, new, A, B)
)

// Where the names may appear: kgr's own macros, and plain calls.
@allowed_old@
identifier pf.old;
identifier var, new;
expression E, O, P;
position p;
@@
(
KGR_PATCH(old@p, new, E)
|
KGR_PATCH_OBJ(old@p, new, E)
|
KGR_PATCH_OBJPOS(old@p, new, O, P)
|
KGR_SYMBOL(var, old@p)
|
KGR_SYMBOL_TYPED(var, old@p)
|
KGR_SYMBOL_OBJPOS(var, old@p, O, P)
|
KGR_SYMBOL_CALL(var, old@p)
|
old@p(...)
)

@allowed_decl@
declarer name KGR_CALL_DECLARE;
identifier pf.old, var;
position p;
@@
KGR_CALL_DECLARE(var, old@p);

@allowed_new@
identifier pf.new;
identifier old;
expression E, O, P;
position p;
@@
(
KGR_PATCH(old, new@p, E)
|
KGR_PATCH_OBJ(old, new@p, E)
|
KGR_PATCH_OBJPOS(old, new@p, O, P)
|
new@p(...)
)

@oldaddr@
identifier pf.old;
position p != {allowed_old.p, allowed_decl.p};
@@
old@p

@script:python depends on oldaddr@
old << pf.old;
new << pf.new;
p << oldaddr.p;
@@
kgrcocci.report(p[0], "address of %s(), a function this patch replaces: it is the old code's, not %s()'s; call the function instead of keeping or comparing its address" % (old, new))

@newaddr@
identifier pf.new;
position p != allowed_new.p;
@@
new@p

@script:python depends on newaddr@
old << pf.old;
new << pf.new;
p << newaddr.p;
@@
kgrcocci.report(p[0], "address of %s(), the new %s(), kept outside the patch table: it dangles once the patch is reverted and its module unloaded" % (new, old))
