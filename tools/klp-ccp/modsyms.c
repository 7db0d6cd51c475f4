// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp-ccp: a module's symbols read from its .ko.
 *
 * /proc/kallsyms lists a module's symbols in the order of its symbol
 * table (kernel/module/kallsyms.c), less those it frees after init: the
 * .ko on disk gives the same names in the same order, so sympos and
 * existence come out as from a copy taken while the module was loaded.
 */
#include <dirent.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/ksym.h"
#include "modsyms.h"

/* A .ko file's module name: its base name up to .ko, - as _. */
static bool names_module(const char *path, const char *mod)
{
	const char *base = strrchr(path, '/'), *ko;
	size_t i, n;

	base = base ? base + 1 : path;
	ko = strstr(base, ".ko");
	if (!ko || (ko[3] && ko[3] != '.'))
		return false;
	n = ko - base;
	if (n != strlen(mod))
		return false;
	for (i = 0; i < n; i++)
		if ((base[i] == '-' ? '_' : base[i]) != mod[i])
			return false;
	return true;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* Depth first under @dir/kernel: the .ko of @mod, or NULL. */
static char *find_ko(const char *dir, const char *mod)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *found = NULL, *sub;

	if (!d)
		return NULL;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		sub = xcalloc(strlen(dir) + strlen(e->d_name) + 2, 1);
		sprintf(sub, "%s/%s", dir, e->d_name);
		if (e->d_type == DT_DIR ||
		    (e->d_type == DT_UNKNOWN && is_dir(sub)))
			found = find_ko(sub, mod);
		else if (names_module(sub, mod))
			found = xstrdup(sub);
		free(sub);
	}
	closedir(d);
	return found;
}

int modsyms_path(const char *dir, const char *mod, char **path,
		 struct tl_err *err)
{
	struct strbuf tree = { 0 };

	sb_printf(&tree, "%s/kernel", dir);
	*path = find_ko(tree.s, mod);
	if (!*path)
		tl_fail(err, "module %s: no %s.ko under %s: the target kernel has no such module",
			mod, mod, tree.s);
	sb_free(&tree);
	return *path ? 0 : -1;
}

static Elf_Scn *symtab_of(Elf *elf, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, sh) && sh->sh_type == SHT_SYMTAB)
			return scn;
	return NULL;
}

static int read_names(Elf *elf, size_t len, const char *path,
		      struct tl_strlist *names, struct tl_err *err)
{
	GElf_Ehdr ehdr;
	GElf_Shdr sh;
	Elf_Data *data;
	Elf_Scn *scn;
	size_t i, n;

	if (!gelf_getehdr(elf, &ehdr) || ehdr.e_type != ET_REL)
		return tl_fail(err, "%s: not a kernel module (no relocatable ELF)",
			       path);
	/* The section headers come last: a cut file loses them first. */
	if (ehdr.e_shoff > len ||
	    (len - ehdr.e_shoff) / (ehdr.e_shentsize ?: 1) < ehdr.e_shnum)
		return tl_fail(err, "%s: truncated (%zu bytes; its section headers end further)",
			       path, len);
	scn = symtab_of(elf, &sh);
	data = scn && sh.sh_entsize ? elf_getdata(scn, NULL) : NULL;
	if (!data)
		return tl_fail(err, "%s: no symbol table (a stripped module)",
			       path);
	n = data->d_size / sh.sh_entsize;
	for (i = 0; i < n; i++) {
		GElf_Sym sym;
		const char *name;

		if (!gelf_getsym(data, i, &sym))
			return tl_fail(err, "%s: symbol %zu unreadable", path, i);
		name = elf_strptr(elf, sh.sh_link, sym.st_name);
		if (!name)
			return tl_fail(err, "%s: symbol %zu has no name", path, i);
		if (tl_ksym_listed(elf, &sym, name))
			tl_strlist_add(names, name);
	}
	return 0;
}

int modsyms_read(const char *path, struct tl_strlist *names,
		 struct tl_err *err)
{
	char *image;
	size_t len;
	Elf *elf;
	int ret;

	if (read_file_any(path, &image, &len, err))
		return -1;
	elf_version(EV_CURRENT);
	elf = elf_memory(image, len);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		ret = tl_fail(err, "%s: not an ELF file: %s", path,
			      elf_errmsg(-1));
	} else {
		ret = read_names(elf, len, path, names, err);
	}
	elf_end(elf);
	free(image);
	return ret;
}
