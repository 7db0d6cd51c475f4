// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp-ccp: SYSCALL_DEFINEn bodies and their x86 wrappers, written as
 * arch/x86/include/asm/syscall_wrapper.h (6.1) generates them: the
 * wrapper takes the registers, __se_sys_<name> widens each argument to
 * long, __do_sys_<name> gets it cast to its declared type.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "syscall.h"

static const char *after_prefix(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(s, prefix, n) ? NULL : s + n;
}

const char *syscall_of_body(const char *fn, bool *compat)
{
	const char *sys = after_prefix(fn, "__do_sys_");

	*compat = !sys;
	if (!sys)
		sys = after_prefix(fn, "__do_compat_sys_");
	return sys && *sys ? sys : NULL;
}

/*
 * A compat body's wrappers are __ia32_compat_sys_<name> (ia32 registers)
 * and __x64_compat_sys_<name> (x32, x86-64 registers); its __se_ step
 * "delouses" each argument through unsigned long where the native one
 * casts through long, which gives the same value for every type the
 * declared argument can have, so both kinds of wrapper are written alike.
 */
bool syscall_is_wrapper(const char *fn, const char *sys, bool compat)
{
	static const char *const native[] = { "__x64_sys_", "__ia32_sys_" };
	static const char *const compat_ones[] = {
		"__x64_compat_sys_", "__ia32_compat_sys_",
	};
	const char *const *prefixes = compat ? compat_ones : native;
	size_t i;

	for (i = 0; i < 2; i++) {
		const char *rest = after_prefix(fn, prefixes[i]);

		if (rest && !strcmp(rest, sys))
			return true;
	}
	return false;
}

/* @s..@e with its whitespace runs made one space, trimmed. */
static char *squeeze(const char *s, const char *e)
{
	struct strbuf sb = { 0 };

	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	for (; s < e; s++) {
		if (isspace((unsigned char)*s)) {
			if (sb.len && sb.s[sb.len - 1] != ' ')
				sb_add(&sb, " ", 1);
			continue;
		}
		sb_add(&sb, s, 1);
	}
	return sb.s ? sb.s : xstrdup("");
}

int syscall_sig_parse(const char *text, unsigned int start, unsigned int end,
		      struct syscall_sig *sig, struct tl_err *err)
{
	const char *p = text + start, *stop = text + end, *piece;
	unsigned int npieces = 0;
	int depth = 0;

	memset(sig, 0, sizeof(*sig));
	while (p < stop && *p != '(')
		p++;
	piece = ++p;
	for (; p < stop; p++) {
		if (*p == '(' || *p == '[')
			depth++;
		else if ((*p == ')' || *p == ']') && depth)
			depth--;
		else if (*p == ',' || *p == ')') {
			/* pieces: name, then type and argument in turn */
			if (npieces > 0 && (npieces - 1) / 2 >= SYSCALL_MAX_ARGS)
				break;
			if (npieces > 0 && npieces % 2)
				sig->types[(npieces - 1) / 2] = squeeze(piece, p);
			else if (npieces > 0)
				sig->args[(npieces - 1) / 2] = squeeze(piece, p);
			npieces++;
			piece = p + 1;
			if (*p == ')')
				break;
		}
	}
	while (p < stop && *p != '{')
		p++;
	if (p >= stop || npieces % 2 == 0) {
		syscall_sig_free(sig);
		return tl_fail(err, "cannot read the SYSCALL_DEFINE arguments at offset %u",
			       start);
	}
	sig->nargs = (npieces - 1) / 2;
	sig->body = p - text;
	return 0;
}

void syscall_sig_free(struct syscall_sig *sig)
{
	unsigned int i;

	for (i = 0; i < SYSCALL_MAX_ARGS; i++) {
		free(sig->types[i]);
		free(sig->args[i]);
	}
	memset(sig, 0, sizeof(*sig));
}

void syscall_emit_body_head(struct strbuf *out, const struct syscall_sig *sig,
			    const char *body)
{
	unsigned int i;

	sb_printf(out, "static long %s(", body);
	if (!sig->nargs)	/* SYSCALL_DEFINE0: the wrappers are its aliases */
		sb_puts(out, "const struct pt_regs *__unused");
	for (i = 0; i < sig->nargs; i++) {
		const char *ty = sig->types[i];

		sb_printf(out, "%s%s%s%s", i ? ", " : "", ty,
			  *ty && ty[strlen(ty) - 1] == '*' ? "" : " ", sig->args[i]);
	}
	sb_puts(out, ")\n");
}

void syscall_emit_wrapper(struct strbuf *out, const struct syscall_sig *sig,
			  const char *wrapper, const char *body)
{
	/* SC_X86_64_REGS_TO_ARGS and SC_IA32_REGS_TO_ARGS */
	static const char *const x64[] = { "di", "si", "dx", "r10", "r8", "r9" };
	static const char *const ia32[] = { "bx", "cx", "dx", "si", "di", "bp" };
	bool is_ia32 = strstr(wrapper, "__ia32_") == wrapper;
	unsigned int i;

	sb_printf(out, "/* %s's ABI: the arguments in pt_regs, as syscall_wrapper.h unpacks them */\n",
		  wrapper);
	sb_printf(out, "static long kgr_%s(const struct pt_regs *regs)\n{\n", wrapper);
	if (!sig->nargs) {
		sb_printf(out, "\treturn %s(regs);\n}\n\n", body);
		return;
	}
	sb_printf(out, "\treturn %s(", body);
	for (i = 0; i < sig->nargs; i++)
		sb_printf(out, "%s\n\t\t(__force %s)(long)%sregs->%s", i ? "," : "",
			  sig->types[i], is_ia32 ? "(unsigned int)" : "",
			  is_ia32 ? ia32[i] : x64[i]);
	sb_puts(out, ");\n}\n\n");
}
