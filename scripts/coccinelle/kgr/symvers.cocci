// SPDX-License-Identifier: GPL-2.0-or-later
/// Find non-exported kernel symbols a patch calls or references directly
/// instead of through a shim.
//# A live patch is a module: it links only against what the kernel
//# exports. A direct reference to a symbol the target kernel's
//# Module.symvers does not list fails modpost ("undefined!") or, forced
//# through, the module's load ("Unknown symbol"). Reach such a symbol
//# through a shim (KGR_SYMBOL_TYPED, or KGR_CALL_DECLARE and
//# KGR_SYMBOL_CALL for a function). Needs the target's Module.symvers and
//# include directories: spatch -D symvers=FILE -D kinc=DIR:DIR...
//# (scripts/cocci-check passes both). Reported are the names a kernel
//# header declares as a function or extern variable and the file does
//# not define; a name some header makes a macro or a static inline
//# function is never reported.
///
// Confidence: High
// Copyright: (C) 2026 the kgr authors.
// Comments: references hidden in macros are not seen.
// Options: --all-includes, with the kernel headers' -I paths (scripts/cocci-check)

virtual report

@initialize:python@
@@
import kgrcocci
refs = {}	# file -> {name: first position}
defined = {}	# file -> names the file declares or defines

@ref@
global idexpression x;
position p;
@@
x@p

@script:python@
x << ref.x;
p << ref.p;
@@
# Only the patch itself: with --all-includes the headers are matched too.
if not p[0].file.endswith(".h"):
	refs.setdefault(p[0].file, {}).setdefault(x, p[0])

// Names given to kgr's macros: kgr resolves them, nothing links them.
@named@
identifier n, var;
expression O, P;
position p;
@@
(
KGR_PATCH(n@p, ...)
|
KGR_PATCH_OBJ(n@p, ...)
|
KGR_PATCH_OBJPOS(n@p, ...)
|
KGR_SYMBOL(var, n@p)
|
KGR_SYMBOL_TYPED(var, n@p)
|
KGR_SYMBOL_OBJPOS(var, n@p, O, P)
|
KGR_SYMBOL_CALL(var, n@p)
)

@script:python@
n << named.n;
p << named.p;
@@
defined.setdefault(p[0].file, set()).add(n)

@decl@
declarer name KGR_CALL_DECLARE;
identifier var, n;
position p;
@@
KGR_CALL_DECLARE@p(var, n);

@script:python@
n << decl.n;
p << decl.p;
@@
defined.setdefault(p[0].file, set()).add(n)

@fndef@
identifier f;
type T;
position p;
@@
T f@p(...) { ... }

@script:python@
f << fndef.f;
p << fndef.p;
@@
defined.setdefault(p[0].file, set()).add(f)

@vardef@
identifier v;
type T;
expression E;
position p;
@@
(
T v@p;
|
T v@p = E;
|
T v@p[...];
|
T v@p[...] = E;
|
T v@p[] = { ... };
|
T v@p = { ... };
)

@script:python@
v << vardef.v;
p << vardef.p;
@@
defined.setdefault(p[0].file, set()).add(v)

@finalize:python@
symvers << virtual.symvers;
kinc << virtual.kinc;
@@
for pos, n in kgrcocci.unexported(refs, defined, symvers, kinc.split(":")):
	kgrcocci.report(pos, "%s is not exported by %s: reach it through a shim (KGR_SYMBOL_TYPED, or KGR_CALL_DECLARE for a call)" % (n, symvers))
