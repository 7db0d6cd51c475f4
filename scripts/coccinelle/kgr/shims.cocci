// SPDX-License-Identifier: GPL-2.0-or-later
/// Find shims that kgr never sets, shims it sets for nothing, and shims
/// used while they are NULL.
//# A shim (a pointer or a call shim to a non-exported kernel symbol) is
//# only set by kgr when it is listed in the kgr_symbol table given to the
//# patch's .symbols, from just before the pre_apply hook until just after
//# post_revert. Reported: a static pointer the patch calls or dereferences
//# that nothing ever sets (a shim missing from the table: a NULL call); a
//# KGR_CALL_DECLARE() without its KGR_SYMBOL_CALL(); a kgr_symbol table
//# not given to any patch; a listed shim the code never uses (a load
//# refused for a symbol nobody needs); a shim used in the module's init
//# before kgr_patch_kernel() or in its exit function, where it is NULL.
///
// Confidence: High
// Copyright: (C) 2026 the kgr authors.
// Comments: a table written at run time is not checked for unused shims.
// Options: --all-includes, with the kernel headers' -I paths (scripts/cocci-check)

virtual report

@initialize:python@
@@
import kgrcocci
entries = {}	# (file, shim) -> (table, symbol, position)
used = set()
tables_given = set()
tables_written = set()
calls_declared = {}	# (file, call shim) -> position
ptrs_set = set()
ptrs_used = {}	# (file, pointer) -> first use

@entry@
identifier T, var, sym;
expression O, P;
position p;
@@
struct kgr_symbol T[] = { ...,
(
KGR_SYMBOL@p(var, sym)
|
KGR_SYMBOL_TYPED@p(var, sym)
|
KGR_SYMBOL_OBJPOS@p(var, sym, O, P)
|
KGR_SYMBOL_CALL@p(var, sym)
)
, ... };

@script:python@
T << entry.T;
var << entry.var;
sym << entry.sym;
p << entry.p;
@@
entries[(p[0].file, var)] = (T, sym, p[0])

@inentry@
identifier entry.var, sym;
expression O, P;
position p;
@@
(
KGR_SYMBOL(var@p, sym)
|
KGR_SYMBOL_TYPED(var@p, sym)
|
KGR_SYMBOL_OBJPOS(var@p, sym, O, P)
|
KGR_SYMBOL_CALL(var@p, sym)
)

@use@
identifier entry.var;
position p != inentry.p;
@@
var@p

@script:python@
var << entry.var;
p << use.p;
@@
used.add((p[0].file, var))

@given@
identifier T, P;
expression E;
position p;
@@
(
struct kgr_patch P = { ..., .symbols = T@p, ... };
|
E.symbols = T@p
|
E->symbols = T@p
)

@script:python@
T << given.T;
p << given.p;
@@
tables_given.add((p[0].file, T))

@written@
identifier entry.T, f;
expression I, V;
position p;
@@
(
T@p[I].f = V
|
T@p[I] = V
)

@script:python@
T << entry.T;
p << written.p;
@@
tables_written.add((p[0].file, T))

@calldecl@
declarer name KGR_CALL_DECLARE;
identifier cs, f;
position p;
@@
KGR_CALL_DECLARE@p(cs, f);

@script:python@
cs << calldecl.cs;
p << calldecl.p;
@@
calls_declared[(p[0].file, cs)] = p[0]

// A static pointer nothing sets, yet called or dereferenced.
@ptrvar@
type T;
identifier v;
parameter list PL;
@@
(
static T *v;
|
static T (*v)(PL);
)

@setptr@
identifier ptrvar.v;
expression E;
position p;
@@
(
v@p = E
|
 &v@p
|
KGR_SYMBOL(v@p, ...)
|
KGR_SYMBOL_TYPED(v@p, ...)
|
KGR_SYMBOL_OBJPOS(v@p, ...)
)

@script:python@
v << ptrvar.v;
p << setptr.p;
@@
ptrs_set.add((p[0].file, v))

@deref@
identifier ptrvar.v;
position q;
@@
(
v@q(...)
|
 (*v@q)(...)
|
 *v@q
|
v@q->fld
|
v@q[...]
)

@script:python@
v << ptrvar.v;
q << deref.q;
@@
ptrs_used.setdefault((q[0].file, v), q[0])

// In module init before kgr_patch_kernel(), and in module exit: NULL.
@initfn@
declarer name module_init;
identifier fn;
@@
module_init(fn);

@early exists@
identifier initfn.fn, entry.var;
position q;
@@
fn(...) {
... when != kgr_patch_kernel(...)
(
var@q(...)
|
 *var@q
|
var@q->fld
|
static_call(var@q)(...)
)
... when any
}

@script:python@
var << entry.var;
q << early.q;
@@
kgrcocci.report(q[0], "shim %s used in module init before kgr_patch_kernel(): kgr has not set it yet (NULL)" % var)

@exitfn@
declarer name module_exit;
identifier fn;
@@
module_exit(fn);

@late exists@
identifier exitfn.fn, entry.var;
position q;
@@
fn(...) {
<+...
(
var@q(...)
|
 *var@q
|
var@q->fld
|
static_call(var@q)(...)
)
...+>
}

@script:python@
var << entry.var;
q << late.q;
@@
kgrcocci.report(q[0], "shim %s used in module exit: kgr cleared it after post_revert (NULL)" % var)

@finalize:python@
@@
for (f, var), (T, sym, pos) in sorted(entries.items()):
	if (f, var) not in used and (f, T) not in tables_written:
		kgrcocci.report(pos, "shim %s (for %s) is listed in %s but never used: kgr refuses the patch if %s is missing, for nothing" % (var, sym, T, sym))
	if (f, T) not in tables_given:
		kgrcocci.report(pos, "shim %s is in %s, which is no patch's .symbols: kgr never sets it" % (var, T))
for (f, cs), pos in sorted(calls_declared.items()):
	if (f, cs) not in entries:
		kgrcocci.report(pos, "call shim %s has no KGR_SYMBOL_CALL() entry in a kgr_symbol table: kgr never points it at its target" % cs)
for (f, v), pos in sorted(ptrs_used.items()):
	if (f, v) not in ptrs_set:
		kgrcocci.report(pos, "%s is used but nothing sets it: a shim missing from the kgr_symbol table stays NULL" % v)
