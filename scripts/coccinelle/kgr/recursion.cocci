// SPDX-License-Identifier: GPL-2.0-or-later
/// Find a new function that calls the function it replaces, by its name
/// or through a shim to it.
//# kgr redirects the old function at its first instruction, whoever calls
//# it. A new function that calls the old one by name, or through a shim
//# resolved to the old one, is sent back into itself: unbounded recursion
//# and a stack overflow as soon as a task runs the new code. A shim does
//# not help: it holds the old function's address, whose first instruction
//# is the one kgr redirects. Copy the old code you need into the patch, or
//# call through a shim the helper the old function itself calls. Calls of
//# another function of the same patch are not reported: they reach its
//# new version, which is what kgr's consistency model promises.
///
// Confidence: High
// Copyright: (C) 2026 the kgr authors.
// Comments: calls through pointers the patch does not name are not seen.
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

@byname exists@
identifier pf.old, pf.new;
position p;
@@
new(...) { <+... old@p(...) ...+> }

@script:python depends on byname@
old << pf.old;
new << pf.new;
p << byname.p;
@@
kgrcocci.report(p[0], "%s() calls %s(), the function it replaces: kgr redirects that call back into %s() (unbounded recursion); copy the old code instead" % (new, old, new))

@shim@
identifier pf.old, var;
expression O, P;
@@
(
KGR_SYMBOL(var, old)
|
KGR_SYMBOL_TYPED(var, old)
|
KGR_SYMBOL_OBJPOS(var, old, O, P)
|
KGR_SYMBOL_CALL(var, old)
)

@byshim exists@
identifier shim.var, pf.new;
position p;
@@
new(...) {
<+...
(
var@p(...)
|
 (*var@p)(...)
|
static_call(var@p)(...)
)
...+>
}

@script:python depends on byshim@
old << pf.old;
new << pf.new;
var << shim.var;
p << byshim.p;
@@
kgrcocci.report(p[0], "%s() calls through shim %s, which is %s(), the function it replaces: kgr redirects the call back into %s() (unbounded recursion)" % (new, var, old, new))
