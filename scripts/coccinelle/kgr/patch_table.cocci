// SPDX-License-Identifier: GPL-2.0-or-later
/// Find KGR_PATCH entries whose new function is not static, is __init, or
/// has the old function's name, and kgr_patch tables whose patches list
/// does not end with KGR_PATCH_END.
//# A new function that is not static is a global symbol of the patch
//# module: it can clash with, or be taken for, the kernel function of the
//# same name. An __init new function is freed once the module's init has
//# run, and kgr then redirects every call of the old function into freed
//# memory. A new function named like the old one is the old function's
//# own name in kallsyms. kgr walks .patches until an entry with a NULL
//# name: without KGR_PATCH_END it reads past the end of the object.
///
// Confidence: High
// Copyright: (C) 2026 the kgr authors.
// Comments: a table filled at run time is not seen.
// Options: --all-includes, with the kernel headers' -I paths (scripts/cocci-check)

virtual report

@initialize:python@
@@
import kgrcocci

@pf@
identifier old, new;
expression A, B;
position p;
@@
(
KGR_PATCH@p(old, new, A)
|
KGR_PATCH_OBJ@p(old, new, A)
|
KGR_PATCH_OBJPOS@p(old, new, A, B)
)

@script:python depends on pf@
old << pf.old;
new << pf.new;
p << pf.p;
@@
if old == new:
	kgrcocci.report(p[0], "new function %s has the name of the old function it replaces: give it its own name (kgr_new_%s)" % (new, old))

@isstatic@
identifier pf.new;
type T;
position q;
@@
static T new@q(...) { ... }

@notstatic@
identifier pf.new;
type T;
position q != isstatic.q;
@@
T new@q(...) { ... }

@script:python depends on notstatic@
new << pf.new;
q << notstatic.q;
@@
kgrcocci.report(q[0], "new function %s is not static: a global symbol of the patch module may clash with the kernel's" % new)

@isinit@
identifier pf.new;
type T;
position q;
attribute name __init;
@@
T __init new@q(...) { ... }

@script:python depends on isinit@
new << pf.new;
q << isinit.q;
@@
kgrcocci.report(q[0], "new function %s is __init: it is freed after module init while kgr still redirects to it" % new)

@ended@
identifier p;
position pos;
@@
struct kgr_patch p@pos = { ..., .patches = { ..., KGR_PATCH_END }, ... };

@withpatches@
identifier p;
position pos != ended.pos;
@@
struct kgr_patch p@pos = { ..., .patches = { ... }, ... };

@script:python depends on withpatches@
p << withpatches.p;
pos << withpatches.pos;
@@
kgrcocci.report(pos[0], "kgr_patch %s: .patches does not end with KGR_PATCH_END: kgr reads past the table" % p)
