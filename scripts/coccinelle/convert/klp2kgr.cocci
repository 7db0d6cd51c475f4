// SPDX-License-Identifier: GPL-2.0-or-later
/// Convert a kernel livepatch module (klp_patch, klp_enable_patch,
/// klp_shadow_*) to kgr's API: the calls and the callbacks.
//# The code: klp_enable_patch() becomes kgr_patch_kernel(), the module's
//# exit function gains kgr_patch_remove(), .replace becomes .replace_all,
//# klp_shadow_* become kgr_shadow_* (same arguments), and the callbacks'
//# struct klp_object parameter becomes the struct kgr_patch kgr hands its
//# hooks. What has no kgr counterpart (klp_state, klp_get_state(),
//# klp_get_prev_state(), a callback that reads its klp_object) is marked
//# with a comment for the author. The klp_func/klp_object/klp_patch
//# tables themselves are rewritten into one struct kgr_patch by
//# scripts/klp2kgr, which runs this first.
///
// Confidence: High
// Copyright: (C) 2026 the kgr authors.
// Options: run by scripts/klp2kgr, which folds the tables afterwards

virtual patch

@@
@@
- #include <linux/livepatch.h>
+ #include <kgr/kgr.h>

@pp@
identifier P;
@@
struct klp_patch P = { ... };

@@
expression E;
@@
- klp_enable_patch(E)
+ kgr_patch_kernel(E)

@@
identifier pp.P;
@@
- P.replace
+ P.replace_all

@exitfn@
declarer name module_exit;
identifier fn;
@@
module_exit(fn);

@@
identifier exitfn.fn, pp.P;
@@
fn(...) {
...
+ kgr_patch_remove(&P);
}

@@
expression list ES;
@@
(
- klp_shadow_get(ES)
+ kgr_shadow_get(ES)
|
- klp_shadow_alloc(ES)
+ kgr_shadow_alloc(ES)
|
- klp_shadow_get_or_alloc(ES)
+ kgr_shadow_get_or_alloc(ES)
|
- klp_shadow_free(ES)
+ kgr_shadow_free(ES)
|
- klp_shadow_free_all(ES)
+ kgr_shadow_free_all(ES)
)

@@
typedef klp_shadow_ctor_t, kgr_shadow_ctor_t, klp_shadow_dtor_t, kgr_shadow_dtor_t;
@@
(
- klp_shadow_ctor_t
+ kgr_shadow_ctor_t
|
- klp_shadow_dtor_t
+ kgr_shadow_dtor_t
)

// Callbacks: kgr passes the patch, not a klp_object.
@cb@
identifier cbf =~ "^(pre_patch|post_patch|pre_unpatch|post_unpatch)$";
identifier fn, O;
@@
struct klp_object O[] = { ..., { ..., .callbacks = { ..., .cbf = fn, ... }, ... }, ... };

@cbuse exists@
identifier cb.fn, obj;
@@
fn(struct klp_object *obj) { <+... obj ...+> }

@depends on !cbuse@
identifier cb.fn, obj;
type T;
@@
T fn(
- struct klp_object *obj
+ struct kgr_patch *patch
 ) { ... }

@depends on cbuse@
identifier cb.fn, obj;
type T;
@@
+ /* klp2kgr: a kgr hook gets the struct kgr_patch, not a klp_object: rewrite the uses of obj */
T fn(
- struct klp_object *obj
+ struct kgr_patch *patch
 ) { ... }

@@
identifier f =~ "^klp_get_(prev_)?state$";
expression list ES;
@@
+ /* klp2kgr: kgr has no klp_state: keep the state in a shadow variable or in the hooks */
  f(ES)
