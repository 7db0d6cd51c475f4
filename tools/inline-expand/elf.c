// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ELF side: function symbols with their kallsyms position, __fentry__
 * call sites, build-id and module name; and the libdwfl session that
 * hands DWARF (relocated, for .o and .ko) to dwarf.c.
 */
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ie.h"
#include "lib/ksym.h"

/* The fentry call may follow an endbr64 (4 bytes) under IBT. */
#define FENTRY_MAX_OFFSET 8

struct ie_elf {
	const char *path;
	int fd;
	Elf *elf;
	GElf_Ehdr ehdr;
	char build_id[80];
	Dwfl *dwfl;
	Dwfl_Module *mod;
	Dwarf_Addr bias;
};

/* A defined symbol, for counting same-named ones in kallsyms order. */
struct named_sym {
	const char *name;
	uint64_t addr;	/* vmlinux: address order first */
	size_t index;	/* then symbol table order */
	uint64_t key;
	bool func;
};

static void read_build_id(struct ie_elf *e)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(e->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		GElf_Nhdr nh;
		size_t off = 0, name_off, desc_off, next;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		while ((next = gelf_getnote(data, off, &nh, &name_off,
					    &desc_off)) > 0) {
			const unsigned char *d =
				(const unsigned char *)data->d_buf + desc_off;
			size_t i;

			off = next;
			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((char *)data->d_buf + name_off, "GNU", 4) ||
			    !nh.n_descsz || nh.n_descsz * 2 >= sizeof(e->build_id))
				continue;
			for (i = 0; i < nh.n_descsz; i++)
				sprintf(e->build_id + 2 * i, "%02x", d[i]);
			return;
		}
	}
}

int ie_elf_open(const char *path, struct ie_elf **elfp, struct tl_err *err)
{
	struct ie_elf *e = xcalloc(1, sizeof(*e));

	e->path = path;
	elf_version(EV_CURRENT);
	e->fd = open(path, O_RDONLY);
	if (e->fd < 0) {
		tl_fail(err, "%s: %m", path);
		free(e);
		return -1;
	}
	e->elf = elf_begin(e->fd, ELF_C_READ_MMAP, NULL);
	if (!e->elf || elf_kind(e->elf) != ELF_K_ELF ||
	    !gelf_getehdr(e->elf, &e->ehdr)) {
		ie_elf_close(e);
		return tl_fail(err, "%s: not an ELF file", path);
	}
	if (e->ehdr.e_type != ET_REL && e->ehdr.e_type != ET_EXEC &&
	    e->ehdr.e_type != ET_DYN) {
		ie_elf_close(e);
		return tl_fail(err, "%s: not an object, module or executable",
			       path);
	}
	read_build_id(e);
	*elfp = e;
	return 0;
}

void ie_elf_close(struct ie_elf *e)
{
	if (e->dwfl)
		dwfl_end(e->dwfl);
	if (e->elf)
		elf_end(e->elf);
	close(e->fd);
	free(e);
}

const char *ie_elf_path(const struct ie_elf *e)
{
	return e->path;
}

const char *ie_elf_build_id(const struct ie_elf *e)
{
	return e->build_id;
}

static bool relocatable(const struct ie_elf *e)
{
	return e->ehdr.e_type == ET_REL;
}

/* The debuginfo must be in the file itself: never look elsewhere. */
static int no_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
			Dwarf_Addr base, const char *file_name,
			const char *debuglink_file, GElf_Word debuglink_crc,
			char **debuginfo_file_name)
{
	(void)mod, (void)userdata, (void)modname, (void)base, (void)file_name;
	(void)debuglink_file, (void)debuglink_crc, (void)debuginfo_file_name;
	return -1;
}

static const Dwfl_Callbacks offline_callbacks = {
	.find_debuginfo = no_debuginfo,
	.section_address = dwfl_offline_section_address,
};

int ie_elf_dwarf(struct ie_elf *e, Dwarf **dwarf, struct tl_err *err)
{
	Dwarf *dw;

	if (!e->dwfl) {
		e->dwfl = dwfl_begin(&offline_callbacks);
		if (!e->dwfl)
			return tl_fail(err, "%s: %s", e->path, dwfl_errmsg(-1));
		dwfl_report_begin(e->dwfl);
		e->mod = dwfl_report_offline(e->dwfl, e->path, e->path, -1);
		if (!e->mod || dwfl_report_end(e->dwfl, NULL, NULL))
			return tl_fail(err, "%s: %s", e->path, dwfl_errmsg(-1));
	}
	dw = dwfl_module_getdwarf(e->mod, &e->bias);
	if (!dw)
		return tl_fail(err, "%s: cannot read DWARF debug information: %s",
			       e->path, dwfl_errmsg(-1));
	*dwarf = dw;
	return 0;
}

bool ie_elf_key(struct ie_elf *e, uint64_t addr, uint64_t *key)
{
	Dwarf_Addr a = addr + e->bias, bias;
	Elf_Scn *scn;

	if (!relocatable(e)) {
		*key = addr;
		return true;
	}
	scn = dwfl_module_address_section(e->mod, &a, &bias);
	if (!scn)
		return false;
	*key = (uint64_t)elf_ndxscn(scn) << IE_KEY_SHIFT | a;
	return true;
}

static Elf_Scn *find_symtab(Elf *elf, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL, *dyn = NULL;
	GElf_Shdr dsh;

	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, sh))
			continue;
		if (sh->sh_type == SHT_SYMTAB)
			return scn;
		if (sh->sh_type == SHT_DYNSYM) {
			dyn = scn;
			dsh = *sh;
		}
	}
	if (dyn)
		*sh = dsh;
	return dyn;
}

static enum ie_clone clone_kind(const char *name)
{
	const char *end = name + strlen(name), *dot;

	/* Walk suffixes from the right, skipping the numeric ".0" parts. */
	while ((dot = memrchr(name, '.', end - name)) && dot != name) {
		size_t n = end - dot - 1;

		if (n && strspn(dot + 1, "0123456789") >= n) {
			end = dot;
			continue;
		}
		if (n == 4 && !strncmp(dot + 1, "isra", 4))
			return IE_CLONE_ISRA;
		if (n == 9 && !strncmp(dot + 1, "constprop", 9))
			return IE_CLONE_CONSTPROP;
		if (n == 4 && !strncmp(dot + 1, "part", 4))
			return IE_CLONE_PART;
		if (n == 4 && !strncmp(dot + 1, "cold", 4))
			return IE_CLONE_COLD;
		return IE_CLONE_NONE;
	}
	return IE_CLONE_NONE;
}

static int cmp_named(const void *a, const void *b)
{
	const struct named_sym *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int cmp_sym_key(const void *a, const void *b)
{
	const struct ie_sym *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

static int cmp_u64(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/* Append a key to a growable u64 array. */
static void push_key(struct tl_vec *v, uint64_t key)
{
	uint64_t *slot = tl_vec_push(v);

	*slot = key;
}

/* .o and .ko: each "call __fentry__" is a relocation in a text section. */
static int fentry_relocs(struct ie_elf *e, struct tl_vec *sites,
			 struct tl_err *err)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(e->elf, scn))) {
		GElf_Shdr sh, tsh, symsh;
		Elf_Scn *target, *symscn;
		Elf_Data *data, *symdata;
		size_t i, n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_RELA ||
		    !sh.sh_entsize)
			continue;
		target = elf_getscn(e->elf, sh.sh_info);
		symscn = elf_getscn(e->elf, sh.sh_link);
		if (!target || !gelf_getshdr(target, &tsh) ||
		    !(tsh.sh_flags & SHF_EXECINSTR) || !symscn ||
		    !gelf_getshdr(symscn, &symsh))
			continue;
		data = elf_getdata(scn, NULL);
		symdata = elf_getdata(symscn, NULL);
		if (!data || !symdata)
			return tl_fail(err, "%s: unreadable relocation section",
				       e->path);
		n = data->d_size / sh.sh_entsize;
		for (i = 0; i < n; i++) {
			GElf_Rela r;
			GElf_Sym s;
			const char *name;

			if (!gelf_getrela(data, i, &r) ||
			    !gelf_getsym(symdata, GELF_R_SYM(r.r_info), &s))
				continue;
			name = elf_strptr(e->elf, symsh.sh_link, s.st_name);
			if (!name || strcmp(name, "__fentry__") || !r.r_offset)
				continue;
			push_key(sites, (uint64_t)sh.sh_info << IE_KEY_SHIFT |
				 (r.r_offset - 1));
		}
	}
	return 0;
}

/*
 * vmlinux and other linked files: the addresses of the fentry calls are
 * in __mcount_loc, delimited by __start_mcount_loc/__stop_mcount_loc in
 * vmlinux (it lives inside .init.data) or a section of its own.
 */
static int fentry_mcount_loc(struct ie_elf *e, uint64_t start, uint64_t stop,
			     struct tl_vec *sites, struct tl_err *err)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(e->elf, &shstrndx))
		return 0;
	while ((scn = elf_nextscn(e->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		const char *name;
		uint64_t from = start, to = stop, a;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS)
			continue;
		name = elf_strptr(e->elf, shstrndx, sh.sh_name);
		if (!start && name && !strcmp(name, "__mcount_loc")) {
			from = sh.sh_addr;
			to = sh.sh_addr + sh.sh_size;
		}
		if (!from || from < sh.sh_addr || to > sh.sh_addr + sh.sh_size ||
		    from > to)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || data->d_size < sh.sh_size)
			return tl_fail(err, "%s: unreadable __mcount_loc",
				       e->path);
		for (a = from; a + 8 <= to; a += 8) {
			uint64_t site;

			memcpy(&site, (char *)data->d_buf + (a - sh.sh_addr), 8);
			push_key(sites, site);
		}
		return 0;
	}
	return 0;
}

/* "name=" in .modinfo, else the file name of a .ko, else NULL. */
static int module_name(struct ie_elf *e, struct ie_index *idx,
		       struct tl_err *err)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx, len;
	const char *base = strrchr(e->path, '/');
	char buf[256];

	if (!relocatable(e) || elf_getshdrstrndx(e->elf, &shstrndx))
		return 0;
	while ((scn = elf_nextscn(e->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		const char *name = NULL, *p, *end;

		if (gelf_getshdr(scn, &sh))
			name = elf_strptr(e->elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, ".modinfo"))
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || !data->d_buf)
			break;
		p = data->d_buf;
		end = p + data->d_size;
		for (; p < end; p += strnlen(p, end - p) + 1) {
			len = strnlen(p, end - p);
			if (len > 5 && len < sizeof(buf) + 5 &&
			    !strncmp(p, "name=", 5)) {
				memcpy(buf, p + 5, len - 5);
				buf[len - 5] = '\0';
				return ie_intern(idx, buf, &idx->object, err);
			}
		}
	}
	base = base ? base + 1 : e->path;
	len = strlen(base);
	if (len > 3 && len < sizeof(buf) && !strcmp(base + len - 3, ".ko")) {
		size_t i;

		for (i = 0; i < len - 3; i++)
			buf[i] = base[i] == '-' ? '_' : base[i];
		buf[len - 3] = '\0';
		return ie_intern(idx, buf, &idx->object, err);
	}
	return 0;
}

/* Mark each symbol with a fentry call in its first bytes. */
static void mark_fentry(struct ie_index *idx, struct tl_vec *sites)
{
	const uint64_t *k = sites->data;
	size_t i, j = 0;

	if (sites->len)
		qsort(sites->data, sites->len, sizeof(uint64_t), cmp_u64);
	for (i = 0; i < idx->syms.len; i++) {
		struct ie_sym *s = TL_AT(&idx->syms, struct ie_sym, i);

		while (j < sites->len && k[j] < s->key)
			j++;
		s->fentry = j < sites->len &&
			    k[j] - s->key <= FENTRY_MAX_OFFSET;
	}
}

/*
 * Give every function symbol its position among same-named symbols the
 * way the kernel's livepatch counts: kallsyms_on_each_symbol() walks
 * vmlinux in address order, module_kallsyms_on_each_symbol() a module's
 * symbol table in file order.
 */
static int number_symbols(struct named_sym *all, size_t n,
			  struct ie_index *idx, struct tl_err *err)
{
	size_t i, j;

	qsort(all, n, sizeof(*all), cmp_named);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && !strcmp(all[i].name, all[j].name); j++)
			;
		for (size_t k = i; k < j; k++) {
			struct ie_sym *s;

			if (!all[k].func)
				continue;
			s = tl_vec_push(&idx->syms);
			if (ie_intern(idx, all[k].name, &s->name, err))
				return -1;
			s->key = all[k].key;
			s->sympos = k - i + 1;
			s->namecount = j - i;
			s->cold_of = IE_NONE;
			s->clone = clone_kind(all[k].name);
		}
	}
	if (idx->syms.len)
		qsort(idx->syms.data, idx->syms.len, sizeof(struct ie_sym),
		      cmp_sym_key);
	return 0;
}

int ie_elf_symbols(struct ie_elf *e, struct ie_index *idx, struct tl_err *err)
{
	struct named_sym *all = NULL;
	struct tl_vec sites;
	uint64_t mcount_start = 0, mcount_stop = 0;
	Elf_Data *data;
	GElf_Shdr sh;
	Elf_Scn *scn;
	size_t i, n, used = 0;
	int ret = -1;

	idx->relocatable = relocatable(e);
	tl_vec_init(&sites, sizeof(uint64_t));
	if (module_name(e, idx, err))
		return -1;
	scn = find_symtab(e->elf, &sh);
	if (!scn || !sh.sh_entsize)
		return tl_fail(err, "%s: no symbol table", e->path);
	data = elf_getdata(scn, NULL);
	if (!data)
		return tl_fail(err, "%s: unreadable symbol table", e->path);
	n = data->d_size / sh.sh_entsize;
	all = xcalloc(n, sizeof(*all));
	for (i = 0; i < n; i++) {
		GElf_Sym s;
		const char *name;

		if (!gelf_getsym(data, i, &s))
			continue;
		name = elf_strptr(e->elf, sh.sh_link, s.st_name);
		if (!name || !tl_ksym_listed(e->elf, &s, name))
			continue;
		if (!strcmp(name, "__start_mcount_loc"))
			mcount_start = s.st_value;
		if (!strcmp(name, "__stop_mcount_loc"))
			mcount_stop = s.st_value;
		all[used].name = name;
		all[used].key = relocatable(e) ?
			(uint64_t)s.st_shndx << IE_KEY_SHIFT | s.st_value :
			s.st_value;
		all[used].addr = relocatable(e) ? 0 : s.st_value;
		all[used].index = i;
		all[used].func = GELF_ST_TYPE(s.st_info) == STT_FUNC;
		used++;
	}
	if (relocatable(e))
		ret = fentry_relocs(e, &sites, err);
	else
		ret = fentry_mcount_loc(e, mcount_start, mcount_stop, &sites,
					err);
	if (!ret)
		ret = number_symbols(all, used, idx, err);
	if (!ret)
		mark_fentry(idx, &sites);
	free(sites.data);
	free(all);
	return ret;
}
