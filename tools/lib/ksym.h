/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tools/lib: which ELF symbols /proc/kallsyms lists, for the tools that
 * count same-named symbols (sympos) from vmlinux or a module's .ko.
 */
#ifndef TL_KSYM_H
#define TL_KSYM_H

#include <gelf.h>
#include <stdbool.h>

/*
 * Would kallsyms list @sym, named @name, of @elf? vmlinux: named symbols
 * of allocated sections. A module (ET_REL; kernel/module/kallsyms.c
 * is_core_symbol()): likewise, less those of .init sections, which are
 * freed once the module is up, and of .modinfo and __versions, which the
 * loader does not keep. Listed symbols keep symbol table order.
 */
bool tl_ksym_listed(Elf *elf, const GElf_Sym *sym, const char *name);

#endif
