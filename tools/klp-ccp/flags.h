/* SPDX-License-Identifier: GPL-2.0-or-later */
/* klp-ccp: the compiler flags Kbuild uses for one file, translated for clang. */
#ifndef KLP_CCP_FLAGS_H
#define KLP_CCP_FLAGS_H

#include <stdbool.h>

#include "util.h"

struct build_env {
	const char *src;	/* kernel source tree */
	const char *build;	/* headers package or build dir (Makefile, include/generated) */
	const char *tmpdir;	/* scratch dir of this run, holds include/generated/autoconf.h */
	const char *kgr_include;	/* kgr's include/: kgr/kpatch-compat.h, kpatch/ */
	const char *probe_bin;	/* put ahead in make's PATH, or NULL (probes.h) */
	const char *probe_cache;	/* where the probes' answers are kept */
};

struct file_flags {
	char **argv;		/* clang arguments */
	int argc;
	bool traced;		/* built with -pg/-mfentry: ftrace can redirect it */
	bool module;		/* built into a module, not vmlinux */
	char *modname;		/* KBUILD_MODNAME */
};

/*
 * The Kbuild/Makefile that builds @dir/x.o into @scratch/Makefile, and
 * links to the rest of its directory but @own (built.c evaluates it too).
 */
int copy_makefile(const struct build_env *env, const char *dir,
		  const char *scratch, char **mkdir_rel, char **mkdir_abs,
		  struct tl_err *err);
int link_dir(const char *dir, const char *scratch, const char *own,
	     struct tl_err *err);
/*
 * A file's scratch copy of the directory whose Makefile builds it, where
 * make -n prints its compile command. Its recipe line, added to another
 * make -n (built.c's), saves a make of its own.
 */
struct kbuild_file {
	char *relpath;		/* the file in the tree */
	char *mkdir_path;	/* the scratch copy */
	char *mkdir_rel;	/* the Makefile's directory in the tree */
	char *obj;		/* its object as that Makefile names it, no .o */
};

int kbuild_file_new(const struct build_env *env, const char *relpath,
		    struct kbuild_file *kf, struct tl_err *err);
void kbuild_file_recipe(const struct kbuild_file *kf, struct strbuf *recipe);
void kbuild_file_free(struct kbuild_file *kf);
int flags_for_kbuild_file(const struct build_env *env,
			  const struct kbuild_file *kf, const char *make_out,
			  struct file_flags *ff, struct tl_err *err);
int flags_for_file(const struct build_env *env, const char *relpath,
		   struct file_flags *ff, struct tl_err *err);
/* @to gets its own copy of @from. */
void flags_copy(struct file_flags *to, const struct file_flags *from);
void flags_free(struct file_flags *ff);

#endif
