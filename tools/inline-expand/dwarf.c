// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The DWARF walk: every out-of-line function (concrete DW_TAG_subprogram),
 * every inlined copy (DW_TAG_inlined_subroutine, nested ones with their
 * parent) and every call into a function of the same unit
 * (DW_TAG_call_site whose origin has code: the way to find who calls a
 * compiler clone). Types and variables are skipped, not descended.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <string.h>

#include "ie.h"

/* Inlining nests a few dozen deep; a corrupted file could nest forever. */
#define MAX_DEPTH 512
#define MAX_ORIGIN_HOPS 16

struct walk {
	struct ie_elf *elf;
	struct ie_index *idx;
	struct tl_err *err;
};

/* Follow abstract_origin/specification to the DIE that has the name. */
static Dwarf_Die *origin_die(Dwarf_Die *die, Dwarf_Die *mem)
{
	Dwarf_Attribute attr;
	int hops;

	*mem = *die;
	for (hops = 0; hops < MAX_ORIGIN_HOPS; hops++) {
		if (!dwarf_attr(mem, DW_AT_abstract_origin, &attr) &&
		    !dwarf_attr(mem, DW_AT_specification, &attr))
			return mem;
		if (!dwarf_formref_die(&attr, mem))
			return NULL;
	}
	return NULL;
}

static int intern_origin(struct walk *w, Dwarf_Die *die, uint32_t *id)
{
	Dwarf_Die mem, *o = origin_die(die, &mem);
	const char *name, *file;

	*id = IE_NONE;
	name = o ? dwarf_diename(o) : NULL;
	if (!name)
		return 0;
	file = dwarf_decl_file(o);
	return ie_origin_intern(w->idx, name, file ? file : "?", id, w->err);
}

/*
 * Where the function starts, as an index key. With hot/cold splitting
 * a subprogram has only DW_AT_ranges; the entry is the range that does
 * not start at a .cold symbol.
 */
static bool entry_key(struct walk *w, Dwarf_Die *die, uint64_t *key)
{
	Dwarf_Addr base, start, end, low;
	ptrdiff_t off = 0;
	bool found = false;

	if (dwarf_lowpc(die, &low) == 0)
		return ie_elf_key(w->elf, low, key);
	while ((off = dwarf_ranges(die, off, &base, &start, &end)) > 0) {
		uint64_t k;
		uint32_t s;

		if (!ie_elf_key(w->elf, start, &k))
			continue;
		s = ie_sym_at(w->idx, k, NULL);
		if (s != IE_NONE &&
		    TL_AT(&w->idx->syms, struct ie_sym, s)->clone == IE_CLONE_COLD)
			continue;
		if (!found || k < *key)
			*key = k;
		found = true;
	}
	return found;
}

/* Tie the .cold parts of instance @inst to it. */
static void mark_cold_parts(struct walk *w, Dwarf_Die *die, uint32_t inst)
{
	Dwarf_Addr base, start, end;
	ptrdiff_t off = 0;

	while ((off = dwarf_ranges(die, off, &base, &start, &end)) > 0) {
		uint64_t k;
		uint32_t s;
		struct ie_sym *sym;

		if (!ie_elf_key(w->elf, start, &k))
			continue;
		s = ie_sym_at(w->idx, k, NULL);
		if (s == IE_NONE)
			continue;
		sym = TL_AT(&w->idx->syms, struct ie_sym, s);
		if (sym->clone == IE_CLONE_COLD)
			sym->cold_of = inst;
	}
}

static void add_call(struct walk *w, Dwarf_Die *site, uint32_t inst)
{
	Dwarf_Attribute attr;
	Dwarf_Die callee;
	struct ie_pending_call *p;
	uint64_t key;

	if (!dwarf_attr(site, DW_AT_call_origin, &attr) &&
	    !dwarf_attr(site, DW_AT_abstract_origin, &attr))
		return;
	if (!dwarf_formref_die(&attr, &callee) ||
	    dwarf_tag(&callee) != DW_TAG_subprogram ||
	    !entry_key(w, &callee, &key))
		return;
	p = tl_vec_push(&w->idx->pending_calls);
	p->callee_key = key;
	p->caller = inst;
}

/* The body of instance @inst; @parent is the enclosing inlined copy. */
static int walk_scope(struct walk *w, Dwarf_Die *scope, uint32_t inst,
		      uint32_t parent, int depth)
{
	Dwarf_Die child;
	int r;

	if (depth > MAX_DEPTH)
		return tl_fail(w->err, "%s: corrupted DWARF: nested too deeply",
			       ie_elf_path(w->elf));
	r = dwarf_child(scope, &child);
	while (r == 0) {
		struct ie_inline *l;
		uint32_t origin;

		switch (dwarf_tag(&child)) {
		case DW_TAG_inlined_subroutine:
			if (intern_origin(w, &child, &origin))
				return -1;
			if (origin == IE_NONE)
				break;
			l = tl_vec_push(&w->idx->inlines);
			l->origin = origin;
			l->inst = inst;
			l->parent = parent;
			if (walk_scope(w, &child, inst, w->idx->inlines.len - 1,
				       depth + 1))
				return -1;
			break;
		case DW_TAG_lexical_block:
			if (walk_scope(w, &child, inst, parent, depth + 1))
				return -1;
			break;
		case DW_TAG_call_site:
		case DW_TAG_GNU_call_site:
			add_call(w, &child, inst);
			break;
		default:
			break;
		}
		r = dwarf_siblingof(&child, &child);
	}
	if (r < 0)
		return tl_fail(w->err, "%s: corrupted DWARF: %s",
			       ie_elf_path(w->elf), dwarf_errmsg(-1));
	return 0;
}

static int add_subprogram(struct walk *w, Dwarf_Die *die)
{
	struct ie_inst *inst;
	uint32_t origin, id;
	uint64_t key;

	if (!entry_key(w, die, &key))
		return 0;	/* abstract, declaration, or discarded */
	if (intern_origin(w, die, &origin))
		return -1;
	if (origin == IE_NONE)
		return 0;
	inst = tl_vec_push(&w->idx->insts);
	id = w->idx->insts.len - 1;
	inst->key = key;
	inst->origin = origin;
	inst->sym = ie_sym_at(w->idx, key,
			      ie_str(w->idx, TL_AT(&w->idx->origins,
						   struct ie_origin,
						   origin)->name));
	mark_cold_parts(w, die, id);
	return walk_scope(w, die, id, IE_NONE, 0);
}

int ie_dwarf_scan(struct ie_elf *elf, struct ie_index *idx, struct tl_err *err)
{
	struct walk w = { .elf = elf, .idx = idx, .err = err };
	Dwarf_CU *cu = NULL, *next;
	Dwarf_Die cudie, subdie, die;
	Dwarf_Half version;
	uint8_t unit_type;
	Dwarf *dw;
	int r;

	if (ie_elf_dwarf(elf, &dw, err))
		return -1;
	while ((r = dwarf_get_units(dw, cu, &next, &version, &unit_type,
				    &cudie, &subdie)) == 0) {
		cu = next;
		if (unit_type != DW_UT_compile && unit_type != DW_UT_partial)
			continue;
		r = dwarf_child(&cudie, &die);
		while (r == 0) {
			if (dwarf_tag(&die) == DW_TAG_subprogram &&
			    add_subprogram(&w, &die))
				return -1;
			r = dwarf_siblingof(&die, &die);
		}
		if (r < 0)
			return tl_fail(err, "%s: corrupted DWARF: %s",
				       ie_elf_path(elf), dwarf_errmsg(-1));
	}
	if (r < 0)
		return tl_fail(err, "%s: corrupted DWARF: %s",
			       ie_elf_path(elf), dwarf_errmsg(-1));
	return 0;
}
