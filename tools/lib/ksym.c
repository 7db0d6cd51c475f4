// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tools/lib: which ELF symbols /proc/kallsyms lists.
 */
#include <string.h>

#include "ksym.h"

bool tl_ksym_listed(Elf *elf, const GElf_Sym *sym, const char *name)
{
	GElf_Ehdr ehdr;
	Elf_Scn *scn;
	GElf_Shdr sh;
	const char *secname;
	size_t shstrndx;

	if (!*name || sym->st_shndx == SHN_UNDEF ||
	    sym->st_shndx >= SHN_LORESERVE ||
	    GELF_ST_TYPE(sym->st_info) == STT_SECTION ||
	    GELF_ST_TYPE(sym->st_info) == STT_FILE)
		return false;
	scn = elf_getscn(elf, sym->st_shndx);
	if (!scn || !gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC))
		return false;
	if (!gelf_getehdr(elf, &ehdr) || ehdr.e_type != ET_REL ||
	    elf_getshdrstrndx(elf, &shstrndx))
		return true;
	secname = elf_strptr(elf, shstrndx, sh.sh_name);
	/* The loader takes SHF_ALLOC off these two (kernel/module/main.c). */
	return !secname || (strncmp(secname, ".init", 5) &&
			    strcmp(secname, ".modinfo") &&
			    strcmp(secname, "__versions"));
}
