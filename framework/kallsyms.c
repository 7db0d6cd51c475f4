// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kallsyms.c - symbol resolution for kgr.ko
 *
 * kallsyms_lookup_name() is not exported since 5.7. kgr finds it once,
 * through the address a kprobe on it resolves to, and uses it to find the
 * other non-exported helpers it needs, which it calls through static calls
 * (kgr_static_call_resolve()). Patch targets and shims are counted in
 * kallsyms order exactly as kernel/livepatch/core.c counts sympos.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include "internal.h"
#include "fault.h"

/* Candidates printed when a name without sympos is ambiguous. */
#define KGR_MAX_CANDIDATES 8

/* endbr64: the first instruction of a function under IBT. */
#define KGR_ENDBR64 0xfa1e0ff3U
/* What objtool leaves of the endbr64 of a sealed function (osp nopl). */
#define KGR_ENDBR64_SEALED 0x001f0f66U

/* Set once by kgr_kallsyms_init(); see kgr_static_call_resolve(). */
DEFINE_STATIC_CALL_NULL(kgr_kallsyms_lookup_name, kallsyms_lookup_name);
DEFINE_STATIC_CALL_NULL(kgr_kallsyms_lookup_size_offset,
			kallsyms_lookup_size_offset);
/* Same prototype on 6.1 and 6.12, unlike kallsyms_on_each_symbol(). */
DEFINE_STATIC_CALL_NULL(kgr_kallsyms_on_each_match_symbol,
			kallsyms_on_each_match_symbol);
DEFINE_STATIC_CALL_NULL(kgr_find_module_fn, find_module);
DEFINE_STATIC_CALL_NULL(kgr_module_text_address, __module_text_address);

/* vmlinux's text: [_stext, _etext). */
static unsigned long kgr_stext, kgr_etext;

/* @addr holds an endbr64, sealed or not. */
static bool kgr_at_endbr(unsigned long addr)
{
	u32 insn;

	if (copy_from_kernel_nofault(&insn, (void *)addr, sizeof(insn)))
		return false;
	return insn == KGR_ENDBR64 || insn == KGR_ENDBR64_SEALED;
}

unsigned long kgr_lookup_name(const char *name)
{
	/* The step is the symbol: the test knows which ones are optional. */
	return kgr_fallible(name, 0,
			    static_call(kgr_kallsyms_lookup_name)(name));
}

unsigned long kgr_lookup_function(const char *name)
{
	unsigned long addr = kgr_lookup_name(name);

	if (!addr)
		pr_err("kernel function %s not found\n", name);
	return addr;
}

unsigned long kgr_fentry_guess(unsigned long addr)
{
	return kgr_at_endbr(addr) ? addr + sizeof(u32) : addr;
}

/*
 * Find kallsyms_lookup_name(): a kprobe resolves a symbol name to an
 * address when it is registered, which is all kgr needs from it.
 */
static unsigned long kgr_find_lookup_name(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	unsigned long addr;
	int ret;

	ret = kgr_fallible("register_kprobe", -ENOMEM, register_kprobe(&kp));
	if (ret) {
		pr_err("cannot find kallsyms_lookup_name through a kprobe: %d\n",
		       ret);
		return 0;
	}
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	/*
	 * Under IBT, kprobes probe past a function's endbr64 (or what is left
	 * of it): step back to the function's start.
	 */
	if (kgr_at_endbr(addr - sizeof(u32)))
		addr -= sizeof(u32);
	return addr;
}

int kgr_kallsyms_init(void)
{
	unsigned long lookup_name = kgr_find_lookup_name();

	if (!lookup_name)
		return -ENOENT;
	static_call_update(kgr_kallsyms_lookup_name,
			   (typeof(&kallsyms_lookup_name))lookup_name);

	if (kgr_static_call_resolve(kgr_kallsyms_lookup_size_offset,
				    kallsyms_lookup_size_offset) ||
	    kgr_static_call_resolve(kgr_kallsyms_on_each_match_symbol,
				    kallsyms_on_each_match_symbol) ||
	    kgr_static_call_resolve(kgr_find_module_fn, find_module) ||
	    kgr_static_call_resolve(kgr_module_text_address,
				    __module_text_address))
		return -ENOENT;
	kgr_stext = kgr_lookup_name("_stext");
	kgr_etext = kgr_lookup_name("_etext");
	if (!kgr_stext || !kgr_etext) {
		pr_err("kernel symbols _stext/_etext not found\n");
		return -ENOENT;
	}
	return 0;
}

/*
 * @addr is code, of vmlinux or of a module, and under a kernel built for
 * IBT it does not start with endbr64: objtool sealed it, as it seals every
 * function whose address the kernel never takes, even on CPUs without
 * IBT. Calling it through a pointer traps where the CPU enforces IBT.
 */
bool kgr_sealed_function(unsigned long addr)
{
	bool text;
	u32 insn;

	if (!IS_ENABLED(CONFIG_X86_KERNEL_IBT))
		return false;
	preempt_disable();
	text = (addr >= kgr_stext && addr < kgr_etext) ||
	       static_call(kgr_module_text_address)(addr);
	preempt_enable();
	if (!text || copy_from_kernel_nofault(&insn, (void *)addr, sizeof(insn)))
		return false;
	return insn != KGR_ENDBR64;
}

struct module *kgr_find_module(const char *name)
{
	return static_call(kgr_find_module_fn)(name);
}

/**
 * struct kgr_find_arg - state of one search through kallsyms
 * @objname: the module searched, NULL for vmlinux
 * @name: the symbol searched
 * @pos: the wanted position, 0 to require a unique name
 * @count: matches so far
 * @addr: address of the match at @pos (or of the last one when @pos is 0)
 * @size: its size if the symbol table says (a module's), else 0
 * @candidates: the first matches, to list an ambiguity
 */
struct kgr_find_arg {
	const char *objname;
	const char *name;
	unsigned long pos;
	unsigned long count;
	unsigned long addr;
	unsigned long size;
	unsigned long candidates[KGR_MAX_CANDIDATES];
};

/* One more symbol seen; non-zero stops the walk once @pos is reached. */
static int kgr_find_match(struct kgr_find_arg *args, unsigned long addr,
			  unsigned long size)
{
	if (args->count < KGR_MAX_CANDIDATES)
		args->candidates[args->count] = addr;
	args->count++;
	if (!args->pos || args->count == args->pos) {
		args->addr = addr;
		args->size = size;
	}
	return args->pos && args->count == args->pos;
}

/* vmlinux: the symbols named @args->name, in address (kallsyms) order. */
static int kgr_find_callback(void *data, unsigned long addr)
{
	return kgr_find_match(data, addr, 0);
}

/*
 * One module's defined symbols, sorted by name and then by their place in
 * its table, so that resolving a patch of many functions in a module costs
 * a bisection per name instead of a pass over the table (1,000 functions:
 * some 0.4 s of TCG time in passes). Built by the second lookup in that
 * module, valid while the module shows the same table (its init-time one
 * is replaced once its init returns) and until kgr_kallsyms_forget(),
 * which kgr's notifier calls for every module going, under kgr_mutex,
 * before its table is freed.
 */
struct kgr_mod_index {
	const struct module *mod;
	const struct mod_kallsyms *kallsyms;
	unsigned int *order;
	unsigned int n;
	unsigned int lookups;
};

static struct kgr_mod_index kgr_mod_index;

static int kgr_index_cmp(const void *a, const void *b, const void *priv)
{
	const struct mod_kallsyms *kallsyms = priv;
	unsigned int i = *(const unsigned int *)a, j = *(const unsigned int *)b;
	int ret = strcmp(kallsyms->strtab + kallsyms->symtab[i].st_name,
			 kallsyms->strtab + kallsyms->symtab[j].st_name);

	return ret ?: (i > j) - (i < j);
}

/* The index of @mod's table @kallsyms, built if worth it; NULL if none. */
static struct kgr_mod_index *kgr_mod_index_get(const struct module *mod,
					       const struct mod_kallsyms *kallsyms)
{
	struct kgr_mod_index *idx = &kgr_mod_index;
	unsigned int i, n = 0;

	lockdep_assert_held(&kgr_mutex);
	if (idx->mod != mod || idx->kallsyms != kallsyms) {
		kgr_kallsyms_forget();
		idx->mod = mod;
		idx->kallsyms = kallsyms;
	}
	if (idx->order || ++idx->lookups < 2)
		return idx->order ? idx : NULL;
	/* Under the caller's RCU-sched read side: no sleeping allocation. */
	idx->order = kmalloc_array(kallsyms->num_symtab, sizeof(*idx->order),
				   GFP_ATOMIC | __GFP_NOWARN);
	if (!idx->order)
		return NULL;
	for (i = 0; i < kallsyms->num_symtab; i++)
		if (kallsyms->symtab[i].st_shndx != SHN_UNDEF)
			idx->order[n++] = i;
	idx->n = n;
	sort_r(idx->order, n, sizeof(*idx->order), kgr_index_cmp, NULL,
	       kallsyms);
	return idx;
}

void kgr_kallsyms_forget(void)
{
	kfree(kgr_mod_index.order);
	memset(&kgr_mod_index, 0, sizeof(kgr_mod_index));
}

/* The matches of @args->name through the index, in table order. */
static void kgr_find_indexed(struct kgr_find_arg *args,
			     const struct kgr_mod_index *idx)
{
	const struct mod_kallsyms *kallsyms = idx->kallsyms;
	unsigned int lo = 0, hi = idx->n, mid;
	const Elf_Sym *sym;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		sym = &kallsyms->symtab[idx->order[mid]];
		if (strcmp(kallsyms->strtab + sym->st_name, args->name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < idx->n; lo++) {
		sym = &kallsyms->symtab[idx->order[lo]];
		if (strcmp(kallsyms->strtab + sym->st_name, args->name) ||
		    kgr_find_match(args, sym->st_value, sym->st_size))
			break;
	}
}

/*
 * A module: its symbol table in order, as module_kallsyms_on_each_symbol()
 * walks it for the kernel's livepatch (whose prototype differs between 6.1
 * and 6.12). find_module() and the table need an RCU-sched read side.
 */
static void kgr_find_module_symbol(struct kgr_find_arg *args)
{
	struct mod_kallsyms *kallsyms;
	struct kgr_mod_index *idx;
	struct module *mod;
	unsigned int i;

	preempt_disable();
	mod = kgr_find_module(args->objname);
	if (!mod || mod->state == MODULE_STATE_UNFORMED)
		goto out;
	kallsyms = rcu_dereference_sched(mod->kallsyms);
	idx = kgr_mod_index_get(mod, kallsyms);
	if (idx) {
		kgr_find_indexed(args, idx);
		goto out;
	}
	for (i = 0; i < kallsyms->num_symtab; i++) {
		const Elf_Sym *sym = &kallsyms->symtab[i];

		if (sym->st_shndx == SHN_UNDEF ||
		    strcmp(args->name, kallsyms->strtab + sym->st_name))
			continue;
		if (kgr_find_match(args, sym->st_value, sym->st_size))
			break;
	}
out:
	preempt_enable();
}

static void kgr_find_symbol(struct kgr_find_arg *args)
{
	if (args->objname)
		kgr_find_module_symbol(args);
	else
		static_call(kgr_kallsyms_on_each_match_symbol)(kgr_find_callback,
							       args->name, args);
}

static void kgr_log_candidates(const char *patch_name,
			       const struct kgr_find_arg *args)
{
	const char *obj = kgr_objname(args->objname);
	unsigned long i;

	pr_err("%s: symbol '%s' is ambiguous in %s (%lu candidates), set sympos:\n",
	       patch_name, args->name, obj, args->count);
	/*
	 * The raw address is what /proc/kallsyms shows root, who is the
	 * reader of this log (Debian restricts dmesg to root).
	 */
	for (i = 0; i < args->count && i < KGR_MAX_CANDIDATES; i++)
		pr_err("%s:   sympos %lu: %pS at 0x%lx\n", patch_name, i + 1,
		       (void *)args->candidates[i], args->candidates[i]);
}

int kgr_resolve(const char *patch_name, const char *objname, const char *name,
		unsigned long sympos, unsigned long *addr, unsigned long *size)
{
	struct kgr_find_arg args = {
		.objname = objname,
		.name = name,
		.pos = sympos,
	};
	const char *obj = kgr_objname(objname);
	unsigned long offset;

	if (!kgr_fault("kallsyms search"))
		kgr_find_symbol(&args);

	if (!args.count) {
		pr_err("%s: symbol '%s' not found in %s\n", patch_name, name, obj);
		return -ENOENT;
	}
	if (!sympos && args.count > 1) {
		kgr_log_candidates(patch_name, &args);
		return -EINVAL;
	}
	if (sympos && args.count != sympos) {
		pr_err("%s: symbol '%s' has no position %lu in %s (%lu found)\n",
		       patch_name, name, sympos, obj, args.count);
		return -ENOENT;
	}

	*addr = args.addr;
	if (!size)
		return 0;
	/*
	 * A module's own symbol table has the size: looking it up by address
	 * is a pass over that table (6.1 and 6.12), some 0.4 ms of TCG time
	 * per function of a large module.
	 */
	*size = args.size;
	if (!*size &&
	    !static_call(kgr_kallsyms_lookup_size_offset)(args.addr, size,
							  &offset)) {
		pr_err("%s: no size for symbol '%s' in %s\n", patch_name, name,
		       obj);
		return -ENOENT;
	}
	return 0;
}

unsigned long kgr_symbol_size(unsigned long addr)
{
	unsigned long size, offset;

	if (!static_call(kgr_kallsyms_lookup_size_offset)(addr, &size, &offset))
		return 0;
	return size - offset;
}
