// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp-ccp: parse a file with libclang and keep its top-level entities.
 *
 * libclang is a real GNU C front end (statement expressions, typeof, asm
 * goto, attributes): it gives exact source ranges of every definition and
 * every reference, before macro expansion, which is what lets the
 * extraction copy the author's code as written.
 */
#include <clang-c/Index.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpatch.h"
#include "parse.h"
#include "syscall.h"

/* A macro definition: its name and its text as written. */
struct macro_text {
	char *name;
	const char *text;
	size_t len;
	bool system;		/* of include/ */
};

/* State of one parse, passed through libclang's visitor callbacks. */
struct parse_ctx {
	struct tu_model *m;
	CXTranslationUnit tu;
	CXFile main_file;
	const char *src;
	CXSourceRangeList *skipped;
	struct entity *cur;	/* entity whose body is being walked */
	bool expansions_only;	/* first pass: collect macro expansions */
	bool header_inlines;	/* keep include/'s static inlines */
	/*
	 * macro expansions of the main file and the local headers, in order:
	 * references of their entities, and the names of static locals
	 */
	unsigned int *exp_off, *exp_end;
	char **exp_name;
	CXFile *exp_file;
	size_t nexp, expcap;
	/* identifiers among those expansions' arguments: X-macro callbacks */
	struct macro_arg *args;
	size_t nargs, argcap;
	/* enum constants of the local files: name and index of their enum */
	struct tl_strlist consts;
	size_t *const_ent;
	size_t constcap;
	/* functions a macro of the main file declares: syscall wrappers */
	struct tl_strlist made_by_macro;
	/* every macro definition, its text in clang's file buffers */
	struct macro_text *macros;
	size_t nmacros, macrocap;
	/* file_text()'s answers, hashed by file; ntexts a power of two */
	struct file_text *texts;
	size_t ntexts, texts_used;
	struct tu_deps *deps;	/* the files read, if asked for (tucache.c) */
};

struct file_text {
	CXFile file;
	const char *text;
	size_t len;
	bool tests_module;	/* has "#ifdef MODULE" or "defined(MODULE)" */
};

/* An identifier passed to a macro: I915_PARAMS_FOR_EACH(MEMBER). */
struct macro_arg {
	unsigned int off;
	char *name;
	CXFile file;
};

static char *cx_take(CXString s)
{
	char *r = xstrdup(clang_getCString(s) ? clang_getCString(s) : "");

	clang_disposeString(s);
	return r;
}

static struct file_text *text_slot(struct file_text *tab, size_t n,
				   CXFile f)
{
	size_t i = ((uintptr_t)f >> 4) & (n - 1);

	while (tab[i].file && tab[i].file != f)
		i = (i + 1) & (n - 1);
	return &tab[i];
}

/*
 * clang_getFileContents(), asked once a file: libclang finds the file by
 * a linear search of every source location entry of the parse, one per
 * macro expansion too, which made that search most of a parse's time
 * when asked for each macro and inline of include/.
 */
static const struct file_text *file_entry(struct parse_ctx *c, CXFile f)
{
	struct file_text *t;
	size_t k;

	if (2 * (c->texts_used + 1) > c->ntexts) {
		struct file_text *old = c->texts;
		size_t n = c->ntexts;

		c->ntexts = n ? 2 * n : 256;
		c->texts = xcalloc(c->ntexts, sizeof(*c->texts));
		for (k = 0; k < n; k++)
			if (old[k].file)
				*text_slot(c->texts, c->ntexts, old[k].file) = old[k];
		free(old);
	}
	t = text_slot(c->texts, c->ntexts, f);
	if (!t->file) {
		t->file = f;
		t->text = clang_getFileContents(c->tu, f, &t->len);
		/* few headers test MODULE: module_hidden() walks only those */
		t->tests_module = t->text &&
			(memmem(t->text, t->len, "def MODULE", 10) ||
			 memmem(t->text, t->len, "defined(MODULE)", 15));
		c->texts_used++;
	}
	return t;
}

static const char *file_text(struct parse_ctx *c, CXFile f, size_t *len)
{
	const struct file_text *t = file_entry(c, f);

	*len = t->len;
	return t->text;
}

static bool str_starts(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

/* Files of the tree outside include/ and arch/x86/include are local. */
static enum ent_where where_of(struct parse_ctx *c, CXFile f)
{
	char *name;
	enum ent_where w = IN_SYSTEM;
	size_t sl = strlen(c->src);

	if (!f)
		return IN_SYSTEM;
	if (clang_File_isEqual(f, c->main_file))
		return IN_MAIN;
	name = cx_take(clang_getFileName(f));
	if (str_starts(name, c->src) && name[sl] == '/' &&
	    !str_starts(name + sl, "/include/") &&
	    !str_starts(name + sl, "/arch/x86/include/"))
		w = IN_LOCAL;
	free(name);
	return w;
}

static void spelling_loc(CXSourceLocation loc, CXFile *f, unsigned int *line,
			 unsigned int *off)
{
	clang_getSpellingLocation(loc, f, line, NULL, off);
}

static bool in_skipped(struct parse_ctx *c, unsigned int off)
{
	unsigned int i;

	for (i = 0; c->skipped && i < c->skipped->count; i++) {
		unsigned int a, b;

		clang_getSpellingLocation(clang_getRangeStart(c->skipped->ranges[i]),
					  NULL, NULL, NULL, &a);
		clang_getSpellingLocation(clang_getRangeEnd(c->skipped->ranges[i]),
					  NULL, NULL, NULL, &b);
		if (off >= a && off < b)
			return true;
	}
	return false;
}

/* Tokens of @range, minus inactive #if branches, as "tok tok tok". */
static void range_tokens(struct parse_ctx *c, CXSourceRange range,
			 struct entity *e)
{
	CXToken *toks = NULL;
	unsigned int n = 0, i;
	struct strbuf code = { 0 }, head = { 0 };
	bool in_head = true;

	clang_tokenize(c->tu, range, &toks, &n);
	for (i = 0; i < n; i++) {
		unsigned int off;
		char *s;

		if (clang_getTokenKind(toks[i]) == CXToken_Comment)
			continue;
		spelling_loc(clang_getTokenLocation(c->tu, toks[i]), NULL, NULL, &off);
		/* The skipped ranges are the main file's: offsets of a header are not. */
		if (e->where == IN_MAIN && in_skipped(c, off))
			continue;
		s = cx_take(clang_getTokenSpelling(c->tu, toks[i]));
		if (in_head && (!strcmp(s, "{") || !strcmp(s, "=")) &&
		    e->kind != ENT_TYPE && e->kind != ENT_MACRO)
			in_head = false;
		if (in_head) {
			sb_puts(&head, s);
			sb_puts(&head, " ");
		}
		sb_puts(&code, s);
		sb_puts(&code, " ");
		free(s);
	}
	clang_disposeTokens(c->tu, toks, n);
	e->code = code.s ? code.s : xstrdup("");
	e->head = head.s ? head.s : xstrdup("");
}

bool tokens_have(const char *tokens, const char *word)
{
	size_t wl = strlen(word);
	const char *p = tokens;

	while (p && (p = strstr(p, word))) {
		if ((p == tokens || p[-1] == ' ') && p[wl] == ' ')
			return true;
		p += wl;
	}
	return false;
}

bool head_has(const struct entity *e, const char *word)
{
	return tokens_have(e->head, word);
}

bool is_inline(const struct entity *f)
{
	return head_has(f, "inline") || head_has(f, "__always_inline") ||
	       head_has(f, "__inline") || head_has(f, "__inline__");
}

static const char *type_prefix(enum CXCursorKind k)
{
	switch (k) {
	case CXCursor_StructDecl: return "struct ";
	case CXCursor_UnionDecl: return "union ";
	case CXCursor_EnumDecl: return "enum ";
	default: return "";
	}
}

static bool is_type_decl(enum CXCursorKind k)
{
	return k == CXCursor_StructDecl || k == CXCursor_UnionDecl ||
	       k == CXCursor_EnumDecl || k == CXCursor_TypedefDecl;
}

/* "struct foo" for a tagged type, the name otherwise; NULL if anonymous. */
static char *decl_name(CXCursor d)
{
	enum CXCursorKind k = clang_getCursorKind(d);
	char *s = cx_take(clang_getCursorSpelling(d));
	struct strbuf sb = { 0 };

	if (!*s || clang_Cursor_isAnonymous(d) || strchr(s, ' ')) {
		free(s);
		return NULL;
	}
	sb_printf(&sb, "%s%s", type_prefix(k), s);
	free(s);
	return sb.s;
}

static enum CXChildVisitResult first_const(CXCursor cur, CXCursor parent,
					   CXClientData data)
{
	(void)parent;
	if (clang_getCursorKind(cur) != CXCursor_EnumConstantDecl)
		return CXChildVisit_Continue;
	*(char **)data = cx_take(clang_getCursorSpelling(cur));
	return CXChildVisit_Break;
}

/*
 * The name of type @d. An enum without a tag is still copied for its
 * constants: "enum {FIRST, ...}" after its first one. One that a typedef
 * names is that typedef's (@as_ref) or nothing: it is copied with it.
 */
static char *type_name(CXCursor d, bool as_ref)
{
	char *name = decl_name(d), *first = NULL;
	struct strbuf sb = { 0 };

	if (name || clang_getCursorKind(d) != CXCursor_EnumDecl)
		return name;
	name = cx_take(clang_getTypeSpelling(clang_getCursorType(d)));
	if (!strchr(name, ' ')) {
		if (as_ref)
			return name;
		free(name);
		return NULL;
	}
	free(name);
	clang_visitChildren(d, first_const, &first);
	if (!first)
		return NULL;
	sb_printf(&sb, "enum {%s, ...}", first);
	free(first);
	return sb.s;
}

static void add_ref(struct parse_ctx *c, CXCursor use, CXCursor d,
		    enum ent_kind kind);

/* Does @p start with @w, a whole word? */
static bool word_at(const char *p, const char *w)
{
	size_t n = strlen(w);

	return !strncmp(p, w, n) && !isalnum((unsigned char)p[n]) && p[n] != '_';
}

/*
 * Does a module build leave out offset @off of header @f: is it within
 * "#ifndef MODULE" or "#if !defined(MODULE)", or the #else of
 * "#ifdef MODULE"? The parse, a vmlinux build's, saw it.
 */
static bool module_hidden(struct parse_ctx *c, CXFile f, unsigned int off)
{
	const struct file_text *t = file_entry(c, f);
	/* per open conditional: 1 if its current branch is out of modules */
	unsigned char stack[64];
	unsigned int depth = 0, i;
	const char *p = t->text, *end = p + (off < t->len ? off : t->len);

	if (!t->tests_module)
		return false;
	while (p < end) {
		const char *q = p, *nl = memchr(p, '\n', end - p);

		p = nl ? nl + 1 : end;
		while (q < p && (*q == ' ' || *q == '\t'))
			q++;
		if (q >= p || *q++ != '#')
			continue;
		while (q < p && (*q == ' ' || *q == '\t'))
			q++;
		if (!strncmp(q, "if", 2)) {
			if (depth < sizeof(stack))
				stack[depth] = word_at(q, "ifndef MODULE") ||
					       !strncmp(q, "if !defined(MODULE)", 19) ? 1 :
					       word_at(q, "ifdef MODULE") ? 2 : 0;
			depth++;
		} else if (!strncmp(q, "el", 2) && depth && depth <= sizeof(stack)) {
			/* the other side of a MODULE test */
			stack[depth - 1] = stack[depth - 1] == 2 ? 1 : 0;
		} else if (!strncmp(q, "endif", 5) && depth) {
			depth--;
		}
	}
	for (i = 0; i < depth && i < sizeof(stack); i++)
		if (stack[i] == 1)
			return true;
	return false;
}

/*
 * The text of the file that declares @d, and where its declaration lies
 * there (@start to @end); NULL if the extent is not one of that text.
 */
static const char *decl_text(struct parse_ctx *c, CXCursor d, size_t *len,
			     unsigned int *start, unsigned int *end, CXFile *file)
{
	CXSourceRange r = clang_getCursorExtent(d);
	const char *text;
	CXFile f;

	spelling_loc(clang_getRangeStart(r), &f, NULL, start);
	spelling_loc(clang_getRangeEnd(r), NULL, NULL, end);
	text = f ? file_text(c, f, len) : NULL;
	if (file)
		*file = f;
	return text && *start < *end && *end <= *len ? text : NULL;
}

/* Record @d, declared only outside modules, with its declaration's text. */
static void note_module_hidden(struct parse_ctx *c, CXCursor d)
{
	char *name = cx_take(clang_getCursorSpelling(d));
	struct strbuf decl = { 0 };
	unsigned int start, end;
	const char *text;
	size_t len;
	CXFile f;

	text = tl_strlist_has(&c->m->module_hidden, name) ? NULL :
	       decl_text(c, d, &len, &start, &end, &f);
	if (text && module_hidden(c, f, start)) {
		sb_add(&decl, text + start, end - start);
		/* not one a macro spells */
		if (strstr(decl.s, name)) {
			sb_puts(&decl, ";");
			tl_strlist_add(&c->m->module_hidden, name);
			tl_strlist_add(&c->m->module_hidden_decls, decl.s);
		}
		sb_free(&decl);
	}
	free(name);
}

/*
 * Refer to each named type that @t, the type of a function or variable the
 * code uses, is made of (through pointers, arrays, a function's result and
 * parameters). A shim is declared with @t, so a type of the file must be
 * copied for it even when the code never spells it: dma_chan_busy[i].lock
 * names neither "struct dma_chan" nor a typedef of it.
 */
static void add_type_refs(struct parse_ctx *c, CXCursor use, CXType t)
{
	CXCursor d;
	int i, n;

	switch (t.kind) {
	case CXType_Pointer:
		add_type_refs(c, use, clang_getPointeeType(t));
		return;
	case CXType_ConstantArray:
	case CXType_IncompleteArray:
	case CXType_VariableArray:
		add_type_refs(c, use, clang_getArrayElementType(t));
		return;
	case CXType_FunctionProto:
	case CXType_FunctionNoProto:
		add_type_refs(c, use, clang_getResultType(t));
		n = clang_getNumArgTypes(t);
		for (i = 0; i < n; i++)
			add_type_refs(c, use, clang_getArgType(t, i));
		return;
	case CXType_Elaborated:
		add_type_refs(c, use, clang_Type_getNamedType(t));
		return;
	default:
		break;
	}
	d = clang_getTypeDeclaration(t);
	if (is_type_decl(clang_getCursorKind(d)))
		add_ref(c, use, d, ENT_TYPE);
}

/* The record of @t's arrays and pointers: "struct {...} x[N]" gives the struct. */
static CXCursor record_within(CXType t)
{
	for (;;) {
		switch (t.kind) {
		case CXType_ConstantArray:
		case CXType_IncompleteArray:
			t = clang_getArrayElementType(t);
			break;
		case CXType_Pointer:
			t = clang_getPointeeType(t);
			break;
		case CXType_Elaborated:
			t = clang_Type_getNamedType(t);
			break;
		default:
			return clang_getTypeDeclaration(t);
		}
	}
}

/*
 * @t spelled for the patch. A struct without a tag ("static struct {...}
 * tk_core" of timekeeping.c) is spelled by libclang as "struct (unnamed
 * struct at <file>:<line>:<col>)", which no compiler reads and which
 * changes when lines move: its definition's tokens are written instead.
 */
static char *type_spelling(struct parse_ctx *c, CXType t)
{
	char *s = cx_take(clang_getTypeSpelling(t)), *at, *close, *kw;
	struct strbuf sb = { 0 };
	CXCursor rec;
	CXToken *toks = NULL;
	unsigned int n = 0, i;

	at = strstr(s, "(unnamed ");
	if (!at)
		at = strstr(s, "(anonymous ");
	close = at ? strchr(at, ')') : NULL;
	if (!close)
		return s;
	kw = at;
	while (kw > s && kw[-1] == ' ')
		kw--;
	while (kw > s && isalpha((unsigned char)kw[-1]))
		kw--;
	rec = record_within(t);
	if (!clang_Cursor_isNull(rec))
		clang_tokenize(c->tu, clang_getCursorExtent(rec), &toks, &n);
	if (!n)
		return s;
	sb_add(&sb, s, kw - s);
	for (i = 0; i < n; i++) {
		char *tok;

		if (clang_getTokenKind(toks[i]) == CXToken_Comment)
			continue;
		tok = cx_take(clang_getTokenSpelling(c->tu, toks[i]));
		if (sb.len && !strchr(";,)]", *tok) && !strchr("([ ", sb.s[sb.len - 1]))
			sb_puts(&sb, " ");
		sb_puts(&sb, tok);
		free(tok);
	}
	clang_disposeTokens(c->tu, toks, n);
	sb_puts(&sb, close + 1);
	free(s);
	return sb.s;
}

static void add_ref(struct parse_ctx *c, CXCursor use, CXCursor d,
		    enum ent_kind kind)
{
	struct entity *e = c->cur;
	CXCursor canon = clang_getCanonicalCursor(d), outer;
	CXFile f, df;
	unsigned int off, line;
	struct ref *r;
	char *name = kind == ENT_TYPE ? type_name(d, true) : decl_name(d);

	if (!name)
		return;
	tl_grow(&e->refs, &e->refcap, e->nrefs, sizeof(*e->refs));
	r = &e->refs[e->nrefs++];
	r->name = name;
	r->kind = kind;
	r->internal = clang_getCursorLinkage(d) == CXLinkage_Internal;
	spelling_loc(clang_getCursorLocation(canon), &df, &line, &off);
	r->where = where_of(c, df);
	spelling_loc(clang_getCursorLocation(use), &f, &line, &off);
	r->spelled_in_main = f && clang_File_isEqual(f, c->main_file);
	r->off = off;
	if (kind == ENT_FUNC || kind == ENT_VAR) {
		CXType type = clang_getCursorType(d);

		r->type = type_spelling(c, type);
		/*
		 * EXPORT_SYMBOL(x) declares x again as "typeof(x)", which
		 * names nothing once the declarations are left behind: the
		 * first declaration spells the type (net/rds's rds_wq).
		 */
		if (!strncmp(r->type, "typeof", 6)) {
			type = clang_getCursorType(canon);
			free(r->type);
			r->type = type_spelling(c, type);
		}
		/*
		 * "static const struct nfsd4_operation nfsd4_ops[];" ahead of
		 * its definition: the size is the definition's, and
		 * ARRAY_SIZE() of the shim needs it (nfsd's nfs4proc.c).
		 */
		if (type.kind == CXType_IncompleteArray &&
		    clang_getCursorType(clang_getCursorDefinition(d)).kind ==
		    CXType_ConstantArray) {
			type = clang_getCursorType(clang_getCursorDefinition(d));
			free(r->type);
			r->type = type_spelling(c, type);
		}
		add_type_refs(c, use, type);
	}
	/*
	 * A type defined inside a struct (union nfsd4_op_u of struct
	 * nfsd4_op) is no entity of its own: it is copied with that struct.
	 */
	if (kind != ENT_TYPE)
		return;
	outer = clang_getCursorLexicalParent(clang_Cursor_isNull(
			clang_getCursorDefinition(d)) ? d : clang_getCursorDefinition(d));
	if (is_type_decl(clang_getCursorKind(outer)))
		add_ref(c, use, outer, ENT_TYPE);
}

/*
 * The macro expanded at @off of @f, the file the static's expansion is
 * in: the main file, a local header's inline, or a local file that a
 * definition includes inside itself (FORTIFY's memmove() in the
 * "encode_rs.c" of reed_solomon.c's encode_rs8()).
 */
static const char *macro_at(struct parse_ctx *c, CXFile f, unsigned int off)
{
	size_t i;

	for (i = 0; i < c->nexp; i++)
		if (off >= c->exp_off[i] && off < c->exp_end[i] &&
		    clang_File_isEqual(c->exp_file[i], f))
			return c->exp_name[i];
	return NULL;
}

/*
 * A use of a static local @d of the function being walked: where it is
 * spelled, so that the patch can reach the running kernel's copy instead.
 */
static void add_static_use(struct parse_ctx *c, CXCursor use, CXCursor d)
{
	struct entity *e = c->cur;
	char *name = cx_take(clang_getCursorSpelling(d));
	unsigned int d_off, off;
	CXFile f;
	size_t i;

	spelling_loc(clang_getCursorLocation(d), NULL, NULL, &d_off);
	for (i = 0; i < e->nstatics; i++) {
		struct local_static *s = &e->statics[i];

		if (s->name_off != d_off || strcmp(s->name, name))
			continue;
		spelling_loc(clang_getCursorLocation(use), &f, NULL, &off);
		if (!f || !clang_File_isEqual(f, c->main_file)) {
			s->used_unspelled = true;
			break;
		}
		tl_grow(&s->uses, &s->usecap, s->nuses, sizeof(*s->uses));
		s->uses[s->nuses++] = off;
		break;
	}
	free(name);
}

/* Read-only: const, or an array (of arrays) of const elements. */
static bool is_const(CXType t)
{
	while (clang_getArrayElementType(t).kind != CXType_Invalid)
		t = clang_getArrayElementType(t);
	return clang_isConstQualifiedType(t);
}

static enum CXChildVisitResult body_visit(CXCursor cur, CXCursor parent,
					  CXClientData data)
{
	struct parse_ctx *c = data;
	enum CXCursorKind k = clang_getCursorKind(cur);
	CXCursor d;

	(void)parent;
	if (k == CXCursor_DeclRefExpr || k == CXCursor_TypeRef) {
		d = clang_getCursorReferenced(cur);
		switch (clang_getCursorKind(d)) {
		case CXCursor_FunctionDecl:
			add_ref(c, cur, d, ENT_FUNC);
			if (clang_getCursorLinkage(d) != CXLinkage_Internal &&
			    !clang_isCursorDefinition(d))
				note_module_hidden(c, d);
			break;
		case CXCursor_VarDecl:
			/* asm/asm.h's current_stack_pointer is %rsp: no symbol */
			if (clang_Cursor_getStorageClass(d) == CX_SC_Register)
				break;
			if (clang_getCursorLinkage(d) != CXLinkage_NoLinkage)
				add_ref(c, cur, d, ENT_VAR);
			else
				add_static_use(c, cur, d);
			break;
		case CXCursor_EnumConstantDecl:
			add_ref(c, cur, clang_getCursorSemanticParent(d), ENT_TYPE);
			break;
		default:
			if (is_type_decl(clang_getCursorKind(d)))
				add_ref(c, cur, d, ENT_TYPE);
		}
	} else if (k == CXCursor_MemberRefExpr) {
		/*
		 * p->field needs p's struct complete: nfs_inc_server_stats()
		 * reads server->io_stats->events, a struct nfs_iostats of a
		 * local header that the system one only declares.
		 */
		d = clang_getCursorSemanticParent(clang_getCursorReferenced(cur));
		if (is_type_decl(clang_getCursorKind(d)))
			add_ref(c, cur, d, ENT_TYPE);
	} else if (k == CXCursor_VarDecl &&
		   clang_Cursor_getStorageClass(cur) == CX_SC_Static) {
		struct entity *e = c->cur;
		struct local_static *s;
		CXSourceLocation loc = clang_getCursorLocation(cur);
		unsigned int line, off;
		const char *mac;
		CXFile f;

		clang_getExpansionLocation(loc, &f, &line, NULL, &off);
		mac = macro_at(c, f, off);
		tl_grow(&e->statics, &e->staticcap, e->nstatics, sizeof(*e->statics));
		s = &e->statics[e->nstatics++];
		memset(s, 0, sizeof(*s));
		s->name = cx_take(clang_getCursorSpelling(cur));
		s->line = line;
		s->macro = mac ? xstrdup(mac) : NULL;
		s->type = type_spelling(c, clang_getCursorType(cur));
		clang_getExpansionLocation(clang_getRangeStart(clang_getCursorExtent(cur)),
					   NULL, NULL, NULL, &s->decl_off);
		spelling_loc(loc, NULL, NULL, &s->name_off);
		s->readonly = is_const(clang_getCursorType(cur));
	}
	return CXChildVisit_Recurse;
}

struct field_ctx {
	struct strbuf *sb;
	struct strbuf *fn;	/* the function pointers' types */
	long long base;		/* bit offset of the anonymous member visited */
};

/* Is @t a pointer to a function, typedefs seen through? */
static bool is_fn_pointer(CXType t)
{
	t = clang_getCanonicalType(t);
	if (t.kind != CXType_Pointer)
		return false;
	t = clang_getPointeeType(t);
	return t.kind == CXType_FunctionProto || t.kind == CXType_FunctionNoProto;
}

/*
 * ";name@bit offset" per field; an anonymous struct or union's fields as
 * the type's own, so that wrapping a field in a union with an alias of it
 * (dst_entry's dev and dev_rcu) shows as a new field at its offset.
 */
static enum CXVisitorResult field_visit(CXCursor cur, CXClientData data)
{
	struct field_ctx *fc = data;
	CXType t = clang_getCursorType(cur);
	long long off = fc->base + clang_Cursor_getOffsetOfField(cur);
	char *n;

	if (clang_getCursorKind(cur) != CXCursor_FieldDecl)
		return CXVisit_Continue;
	if (clang_Cursor_isAnonymousRecordDecl(clang_getTypeDeclaration(t))) {
		struct field_ctx in = { fc->sb, fc->fn, off };

		clang_Type_visitFields(t, field_visit, &in);
		return CXVisit_Continue;
	}
	n = cx_take(clang_getCursorSpelling(cur));
	sb_printf(fc->sb, ";%s@%lld", n, off);
	if (is_fn_pointer(t)) {
		char *ts = cx_take(clang_getTypeSpelling(clang_getCanonicalType(t)));

		sb_printf(fc->fn, ";%s=%s", n, ts);
		free(ts);
	}
	free(n);
	return CXVisit_Continue;
}

static enum CXChildVisitResult const_visit(CXCursor cur, CXCursor parent,
					   CXClientData data)
{
	struct parse_ctx *c = data;
	char *name;

	(void)parent;
	if (clang_getCursorKind(cur) != CXCursor_EnumConstantDecl)
		return CXChildVisit_Continue;
	tl_grow(&c->const_ent, &c->constcap, c->consts.nr, sizeof(size_t));
	c->const_ent[c->consts.nr] = c->m->n - 1;
	name = cx_take(clang_getCursorSpelling(cur));
	tl_strlist_add(&c->consts, name);
	free(name);
	return CXChildVisit_Continue;
}

/* Is @e's name written at its location in file @f? */
static bool spelled_at(struct parse_ctx *c, CXFile f, const struct entity *e)
{
	size_t len;
	const char *text = file_text(c, f, &len);

	return text && ident_written_at(text, len, e->name_off, e->name);
}

static bool ident_char(char ch)
{
	return ch == '_' || isalnum((unsigned char)ch);
}

/* Past the ")" closing the call at @i ("NAME(...)"), or 0 if it is none. */
static size_t call_end(const char *text, size_t len, size_t i)
{
	size_t name = i;
	int depth = 0;

	while (i < len && ident_char(text[i]))
		i++;
	if (i == name || i >= len || text[i] != '(')
		return 0;
	for (; i < len; i++) {
		if (text[i] == '"' || text[i] == '\'') {
			char quote = text[i];

			for (i++; i < len && text[i] != quote; i++)
				i += text[i] == '\\';
		} else if (text[i] == '(') {
			depth++;
		} else if (text[i] == ')' && --depth == 0) {
			return i + 1;
		}
	}
	return 0;
}

/*
 * A declaration a macro spells ends, for libclang, at its last token
 * from the macro's arguments: "DECLARE_PER_CPU_SHARED_ALIGNED(struct
 * rds_statistics, rds_stats" of rds.h. When @e's text starts with such
 * a call, it is made to end after the parenthesis that closes it.
 */
static void close_macro_call(struct parse_ctx *c, CXFile f, struct entity *e)
{
	size_t len, i = e->start, end;
	const char *text = file_text(c, f, &len);

	if (!text || e->end > len || e->start >= e->end)
		return;
	while (i < e->end && ident_char(text[i]))
		i++;
	end = i < e->end ? call_end(text, len, e->start) : 0;
	if (end > e->end)
		e->end = end;
}

static struct entity *add_entity_range(struct parse_ctx *c, CXCursor cur,
				       enum ent_kind kind, char *name,
				       enum ent_where where, CXSourceRange r)
{
	struct tu_model *m = c->m;
	struct entity *e;
	CXFile f;
	unsigned int line;

	tl_grow(&m->ents, &m->cap, m->n, sizeof(*m->ents));
	e = &m->ents[m->n++];
	e->name = name;
	e->kind = kind;
	e->where = where;
	spelling_loc(clang_getRangeStart(r), &f, &line, &e->start);
	e->file = cx_take(clang_getFileName(f));
	e->line = line;
	spelling_loc(clang_getRangeEnd(r), NULL, NULL, &e->end);
	if (kind != ENT_MACRO)
		close_macro_call(c, f, e);
	spelling_loc(clang_getCursorLocation(cur), NULL, NULL, &e->name_off);
	e->internal = clang_getCursorLinkage(cur) == CXLinkage_Internal;
	e->definition = clang_isCursorDefinition(cur);
	range_tokens(c, r, e);
	/*
	 * A definition that starts with a macro has its extent's start
	 * spelled in the macro's header, and libclang tokenizes no range
	 * across files: "inline" is a macro in the kernel (compiler_types.h),
	 * so "inline int f(...) {...}" of a .c would never compare as
	 * changed. The text between where start and end are in the file is
	 * the definition, if its name is spelled there (a macro's whole
	 * definition, SYSCALL_DEFINE's wrappers, is not it).
	 */
	if (!*e->code && e->end > e->start && spelled_at(c, f, e)) {
		free(e->code);
		free(e->head);
		range_tokens(c, clang_getRange(
				clang_getLocationForOffset(c->tu, f, e->start),
				clang_getLocationForOffset(c->tu, f, e->end)), e);
	}
	/*
	 * A tentative definition ("static int x;") defines the object too;
	 * an extern a macro spells (DECLARE_PER_CPU) does not.
	 */
	if (kind == ENT_VAR && !head_has(e, "extern") &&
	    clang_Cursor_getStorageClass(cur) != CX_SC_Extern)
		e->definition = true;
	if (kind == ENT_TYPE) {
		struct strbuf sb = { 0 };
		struct strbuf fn = { 0 };
		struct field_ctx fc = { &sb, &fn, 0 };

		sb_printf(&sb, "size=%lld",
			  clang_Type_getSizeOf(clang_getCursorType(cur)));
		clang_Type_visitFields(clang_getCursorType(cur),
				       field_visit, &fc);
		e->layout = sb.s;
		e->fn_fields = fn.s;
		/* A macro may use its constants: macro_refs() looks them up. */
		if (clang_getCursorKind(cur) == CXCursor_EnumDecl)
			clang_visitChildren(cur, const_visit, c);
	}
	if (kind == ENT_FUNC || kind == ENT_VAR)
		e->type = type_spelling(c, clang_getCursorType(cur));
	if (kind != ENT_MACRO) {
		c->cur = e;
		clang_visitChildren(cur, body_visit, c);
		c->cur = NULL;
	}
	return e;
}

static void add_entity(struct parse_ctx *c, CXCursor cur, enum ent_kind kind,
		       char *name, enum ent_where where)
{
	add_entity_range(c, cur, kind, name, where, clang_getCursorExtent(cur));
}

/* Past the "}" of a block that starts at @i after blanks, or @i if none. */
static size_t block_end(const char *text, size_t len, size_t i)
{
	size_t at = i;
	int depth = 0;

	while (at < len && isspace((unsigned char)text[at]))
		at++;
	if (at >= len || text[at] != '{')
		return i;
	for (; at < len; at++) {
		if (text[at] == '"' || text[at] == '\'') {
			char quote = text[at];

			for (at++; at < len && text[at] != quote; at++)
				at += text[at] == '\\';
		} else if (text[at] == '/' && at + 1 < len && text[at + 1] == '*') {
			const char *e = strstr(text + at + 2, "*/");

			at = e ? (size_t)(e - text) + 1 : len;
		} else if (text[at] == '/' && at + 1 < len && text[at + 1] == '/') {
			while (at < len && text[at] != '\n')
				at++;
		} else if (text[at] == '{') {
			depth++;
		} else if (text[at] == '}' && --depth == 0) {
			return at + 1;
		}
	}
	return i;
}

/*
 * A function a macro call of the main file defines: BPF_CALL_3(bpf_foo,
 * ...) { body } makes bpf_foo and ____bpf_foo, whose body follows the
 * call; INTERVAL_TREE_DEFINE(..., static, amdgpu_vm_it) four functions.
 * Its text is the call and the block after it, the same for every
 * function of the call, so that the patch has the call once; its name is
 * renamed where an argument spells it (bpf_foo), never where the macro
 * pastes it. False if @cur's name is written where it is.
 */
static bool add_macro_made(struct parse_ctx *c, CXCursor cur, char *name)
{
	CXSourceLocation loc = clang_getCursorLocation(cur);
	CXSourceRange ext = clang_getCursorExtent(cur);
	unsigned int spelled, expanded, start, end;
	size_t len, call;
	const char *text = file_text(c, c->main_file, &len);
	struct entity *e;

	clang_getSpellingLocation(loc, NULL, NULL, NULL, &spelled);
	clang_getExpansionLocation(loc, NULL, NULL, NULL, &expanded);
	if (!text || !name ||
	    (spelled == expanded && ident_written_at(text, len, spelled, name)))
		return false;
	clang_getExpansionLocation(clang_getRangeStart(ext), NULL, NULL, NULL, &start);
	clang_getExpansionLocation(clang_getRangeEnd(ext), NULL, NULL, NULL, &end);
	call = call_end(text, len, start);
	if (!call)
		return false;
	call = block_end(text, len, call);
	e = add_entity_range(c, cur, ENT_FUNC, name, IN_MAIN,
			     clang_getRange(clang_getLocationForOffset(c->tu, c->main_file, start),
					    clang_getLocationForOffset(c->tu, c->main_file,
								       call > end ? call : end)));
	e->macro_made = true;
	e->name_off = spelled != expanded &&
		      ident_written_at(text, len, spelled, name) ? spelled : e->end;
	/* the call's tokens do not say what its expansion does: is_inline() */
	if (clang_Cursor_isFunctionInlined(cur)) {
		char *head = e->head;

		e->head = xmalloc(strlen(head) + sizeof("inline "));
		sprintf(e->head, "inline %s", head);
		free(head);
	}
	return true;
}

/*
 * A function of the main file. SYSCALL_DEFINEn declares its functions
 * under pasted names: its wrappers are remembered, and its body
 * (__do_sys_<name>) spans the macro and the body that follows, read from
 * the file (libclang gives no tokens for a range starting in a macro).
 */
static void add_function(struct parse_ctx *c, CXCursor cur, char *name,
			 enum ent_where where)
{
	CXSourceRange ext = clang_getCursorExtent(cur);
	unsigned int start, end;
	const char *sys;
	struct entity *e;
	bool compat;
	size_t i;

	if (where != IN_MAIN || !name || !strstr(name, "_sys_")) {
		if (where != IN_MAIN || !add_macro_made(c, cur, name))
			add_entity(c, cur, ENT_FUNC, name, where);
		return;
	}
	sys = syscall_of_body(name, &compat);
	if (!sys || !clang_isCursorDefinition(cur)) {
		if (!tl_strlist_has(&c->made_by_macro, name))
			tl_strlist_add(&c->made_by_macro, name);
		add_entity(c, cur, ENT_FUNC, name, where);
		return;
	}
	clang_getExpansionLocation(clang_getRangeStart(ext), NULL, NULL, NULL, &start);
	clang_getExpansionLocation(clang_getRangeEnd(ext), NULL, NULL, NULL, &end);
	e = add_entity_range(c, cur, ENT_FUNC, name, where,
			     clang_getRange(clang_getLocationForOffset(c->tu, c->main_file, start),
					    clang_getLocationForOffset(c->tu, c->main_file, end)));
	e->name_off = e->start;		/* not spelled: never renamed in place */
	e->syscall = xstrdup(sys);
	e->compat = compat;
	for (i = 0; i < c->made_by_macro.nr; i++)
		if (syscall_is_wrapper(c->made_by_macro.names[i], sys, compat))
			tl_strlist_add(&e->wrappers, c->made_by_macro.names[i]);
}

/*
 * "#include <uapi/drm/nouveau_drm.h>" for nouveau_drv.h's
 * #include "uapi/drm/nouveau_drm.h": a quoted include that found a header
 * of the tree's include/ or arch/x86/include/, which the headers package
 * has too. NULL for any other file.
 */
static char *system_spelling(struct parse_ctx *c, CXFile inc)
{
	static const char *const dirs[] = { "/include/", "/arch/x86/include/" };
	char *name, *line = NULL;
	size_t sl = strlen(c->src), i;

	if (!inc)
		return NULL;
	name = cx_take(clang_getFileName(inc));
	for (i = 0; i < 2 && !line; i++)
		if (str_starts(name, c->src) && str_starts(name + sl, dirs[i])) {
			line = xmalloc(strlen(name) + 16);
			sprintf(line, "#include <%s>", name + sl + strlen(dirs[i]));
		}
	free(name);
	return line;
}

/* Where @cur, an #include in @f that finds local header @inc, starts. */
static void add_local_site(struct parse_ctx *c, CXCursor cur, CXFile f,
			   CXFile inc)
{
	struct tu_model *m = c->m;
	const char *text;
	unsigned int off;
	size_t len;

	text = file_text(c, f, &len);
	spelling_loc(clang_getCursorLocation(cur), NULL, NULL, &off);
	if (!text || off > len)
		return;
	while (off && text[off - 1] != '\n')
		off--;
	tl_grow(&m->local_sites, &m->localcap, m->nlocal_sites,
		sizeof(*m->local_sites));
	m->local_sites[m->nlocal_sites++] = (struct include_site){
		.from = cx_take(clang_getFileName(f)),
		.off = off,
		.header = cx_take(clang_getFileName(inc)),
	};
}

/*
 * An #include <...> of the main file or of a local header, which the
 * patch includes too (in the order the compiler saw them). One that
 * finds a file of the tree outside include/ (a -I of the Makefile) is
 * left out like "local.h": the headers package lacks it.
 */
static void add_include(struct parse_ctx *c, CXCursor cur, CXFile f)
{
	struct tu_model *m = c->m;
	CXFile inc = clang_getIncludedFile(cur);
	unsigned int off;
	const char *text, *p, *eol;
	size_t len;
	char *line;
	bool kpatch;

	if (inc && where_of(c, inc) != IN_SYSTEM) {
		add_local_site(c, cur, f, inc);
		return;
	}
	text = file_text(c, f, &len);
	if (!text)
		return;
	spelling_loc(clang_getCursorLocation(cur), NULL, NULL, &off);
	p = text + off;
	while (p > text && p[-1] != '\n')
		p--;
	eol = memchr(p, '\n', text + len - p);
	if (!eol)
		eol = text + len;
	line = xstrndup(p, eol - p);
	kpatch = kpatch_header_include(line);
	free(line);
	line = NULL;
	if (kpatch) {
		/* kpatch's headers: the patch has kgr's mapping of them */
		p = KPATCH_COMPAT_INCLUDE;
		eol = p + strlen(p);
	} else if (!memchr(p, '<', eol - p)) {
		/* "local.h": not in the headers package, unless it is of include/ */
		line = system_spelling(c, inc);
		if (!line)
			return;
	}
	tl_grow(&m->includes, &m->inccap, m->nincludes, sizeof(char *));
	m->sites = xrealloc(m->sites, m->inccap * sizeof(*m->sites));
	m->sites[m->nincludes] = (struct include_site){
		.from = cx_take(clang_getFileName(f)),
		.off = (unsigned int)(p - text),
		.header = inc ? cx_take(clang_getFileName(inc)) : NULL,
	};
	m->includes[m->nincludes++] = line ? line : xstrndup(p, eol - p);
}

/*
 * An #include inside a definition fills it (syscall.c's bpf_map_types[]
 * from <linux/bpf_types.h>, under BPF_MAP_TYPE's definition of the
 * moment): the definition's text has it, the patch's head must not.
 */
static void drop_nested_includes(struct tu_model *m)
{
	size_t i, k, n = 0;

	for (i = 0; i < m->nincludes; i++) {
		const struct include_site *s = &m->sites[i];
		bool nested = false;

		for (k = 0; k < m->n && !nested; k++)
			nested = m->ents[k].where != IN_SYSTEM &&
				 s->off > m->ents[k].start && s->off < m->ents[k].end &&
				 !strcmp(m->ents[k].file, s->from);
		if (nested) {
			free(m->includes[i]);
			free(m->sites[i].from);
			free(m->sites[i].header);
			continue;
		}
		m->includes[n] = m->includes[i];
		m->sites[n++] = m->sites[i];
	}
	m->nincludes = n;
}

/* KPATCH_IGNORE_FUNCTION(fn) and friends: the list gets "fn". */
static void add_kpatch_mark(struct parse_ctx *c, const char *macro,
			    unsigned int off, unsigned int end)
{
	struct tu_model *m = c->m;
	struct tl_strlist *list = kpatch_ignores(macro) ? &m->kpatch_ignored :
				  kpatch_forces(macro) ? &m->kpatch_forced : NULL;
	const char *p = m->text + off, *stop = m->text + (end < m->len ? end : m->len);
	const char *arg;

	if (!list || in_skipped(c, off))
		return;
	while (p < stop && *p != '(')
		p++;
	while (p < stop && (*p == '(' || *p == ' ' || *p == '\t'))
		p++;
	for (arg = p; p < stop && *p != ')' && *p != ' ' && *p != '\t'; p++)
		;
	if (p > arg)
		tl_strlist_addn(list, arg, p - arg);
}

/*
 * Is variable @d declared as "extern <type> <name>" in its header's
 * text? Not one a macro declares (DECLARE_PER_CPU: a per-CPU variable
 * is no plain object a pointer reaches; a pointer to per-CPU data, or
 * a struct percpu_rw_semaphore, is one).
 */
static bool plain_extern(struct parse_ctx *c, CXCursor d, const char *name)
{
	unsigned int start, end;
	const char *text, *p;
	size_t len;

	text = decl_text(c, d, &len, &start, &end, NULL);
	if (!text || strncmp(text + start, "extern ", 7))
		return false;
	for (p = text + start; (p = memmem(p, text + end - p, name, strlen(name))); p++)
		if (!isalnum((unsigned char)p[-1]) && p[-1] != '_' && word_at(p, name))
			return true;
	return false;
}

/* Is variable @d declared by DECLARE_PER_CPU*() (or DEFINE_PER_CPU*())? */
static bool percpu_decl(struct parse_ctx *c, CXCursor d)
{
	unsigned int start, end;
	const char *text;
	size_t len;

	text = decl_text(c, d, &len, &start, &end, NULL);
	return text && memmem(text + start, end - start, "_PER_CPU", 8);
}

/*
 * A static key that DECLARE_STATIC_KEY_TRUE/FALSE() declares, an array of
 * them too (mm_inline.h's lru_gen_enabled() tests lru_gen_caps[], which
 * it declares inside its body): kept with its type, for a shim.
 */
static void add_static_key(struct hdr_inline *h, CXCursor d, const char *name)
{
	char *type = cx_take(clang_getTypeSpelling(clang_getCursorType(d)));

	if (!strncmp(type, "struct static_key_true", 22) ||
	    !strncmp(type, "struct static_key_false", 23)) {
		tl_strlist_add(&h->keys, name);
		tl_strlist_add(&h->key_types, type);
	}
	free(type);
}

struct calls_ctx {
	struct parse_ctx *c;
	struct hdr_inline *h;
	bool inline_hidden;	/* the inline itself is out of module builds */
};

static enum CXChildVisitResult calls_visit(CXCursor cur, CXCursor parent,
					   CXClientData data)
{
	struct calls_ctx *cc = data;
	struct hdr_inline *h = cc->h;
	CXCursor d;
	char *name;

	(void)parent;
	if (clang_getCursorKind(cur) != CXCursor_DeclRefExpr)
		return CXChildVisit_Recurse;
	d = clang_getCursorReferenced(cur);
	if (clang_getCursorKind(d) == CXCursor_VarDecl &&
	    clang_getCursorLinkage(d) == CXLinkage_External) {
		name = cx_take(clang_getCursorSpelling(d));
		if (!tl_strlist_has(&h->vars, name) && plain_extern(cc->c, d, name))
			tl_strlist_add(&h->vars, name);
		else if (percpu_decl(cc->c, d)) {
			if (!tl_strlist_has(&h->percpu, name))
				tl_strlist_add(&h->percpu, name);
		} else if (!tl_strlist_has(&h->keys, name))
			add_static_key(h, d, name);
		free(name);
		return CXChildVisit_Recurse;
	}
	if (clang_getCursorKind(d) != CXCursor_FunctionDecl)
		return CXChildVisit_Recurse;
	name = cx_take(clang_getCursorSpelling(d));
	if (!tl_strlist_has(&h->calls, name))
		tl_strlist_add(&h->calls, name);
	if (clang_getCursorLinkage(d) != CXLinkage_Internal) {
		if (!tl_strlist_has(&h->globals, name))
			tl_strlist_add(&h->globals, name);
		if (!cc->inline_hidden && !clang_isCursorDefinition(d))
			note_module_hidden(cc->c, d);
	}
	free(name);
	return CXChildVisit_Recurse;
}

/* A static inline of include/: its extent and the functions it calls. */
static void add_header_inline(struct parse_ctx *c, CXCursor cur)
{
	struct tu_model *m = c->m;
	CXSourceRange r = clang_getCursorExtent(cur);
	struct calls_ctx cc = { .c = c };
	CXFile f;

	tl_grow(&m->inlines, &m->inlcap, m->ninlines, sizeof(*m->inlines));
	cc.h = &m->inlines[m->ninlines++];
	cc.h->name = cx_take(clang_getCursorSpelling(cur));
	spelling_loc(clang_getRangeStart(r), &f, &cc.h->line, &cc.h->start);
	cc.h->file = cx_take(clang_getFileName(f));
	spelling_loc(clang_getRangeEnd(r), NULL, NULL, &cc.h->end);
	cc.inline_hidden = f && module_hidden(c, f, cc.h->start);
	clang_visitChildren(cur, calls_visit, &cc);
}

/* A macro definition, kept for system_macro_refs(). */
static void add_macro_text(struct parse_ctx *c, CXCursor cur, CXFile f,
			   enum ent_where w)
{
	CXSourceRange r = clang_getCursorExtent(cur);
	unsigned int start, end;
	const char *text;
	size_t len;

	text = f ? file_text(c, f, &len) : NULL;
	spelling_loc(clang_getRangeStart(r), NULL, NULL, &start);
	spelling_loc(clang_getRangeEnd(r), NULL, NULL, &end);
	if (!text || start >= end || end > len)
		return;
	tl_grow(&c->macros, &c->macrocap, c->nmacros, sizeof(*c->macros));
	c->macros[c->nmacros++] = (struct macro_text){
		cx_take(clang_getCursorSpelling(cur)), text + start, end - start,
		w == IN_SYSTEM };
}

/*
 * "typedef struct srb {...} srb_t;": the struct's definition is part of
 * the typedef's, the entity just added; copying both would define it
 * twice, so the struct's entity (added before) says it is within it.
 */
static void mark_within(struct parse_ctx *c, CXCursor td)
{
	struct tu_model *m = c->m;
	struct entity *t = &m->ents[m->n - 1];
	CXCursor tag = clang_getTypeDeclaration(
		clang_getTypedefDeclUnderlyingType(td));
	char *name = decl_name(tag);
	size_t i;

	for (i = m->n - 1; name && i-- > 0;) {
		struct entity *e = &m->ents[i];

		if (e->kind == ENT_TYPE && !strcmp(e->name, name) &&
		    !strcmp(e->file, t->file) && e->start >= t->start &&
		    e->end <= t->end) {
			e->within = xstrdup(t->name);
			break;
		}
	}
	free(name);
}

/*
 * The identifiers an expansion passes as arguments: a local macro named
 * there (a list macro's callback, defined just before and #undef'd after
 * the struct it fills) is expanded inside, where libclang reports no
 * expansion, and is as much a reference. attach_macro_uses() keeps the
 * local macros among them.
 */
static void add_macro_args(struct parse_ctx *c, CXSourceRange r)
{
	CXToken *toks;
	unsigned int n, i;

	clang_tokenize(c->tu, r, &toks, &n);
	for (i = 1; i < n; i++) {
		struct macro_arg *a;

		if (clang_getTokenKind(toks[i]) != CXToken_Identifier)
			continue;
		tl_grow(&c->args, &c->argcap, c->nargs, sizeof(*c->args));
		a = &c->args[c->nargs++];
		a->name = cx_take(clang_getTokenSpelling(c->tu, toks[i]));
		spelling_loc(clang_getTokenLocation(c->tu, toks[i]), &a->file,
			     NULL, &a->off);
	}
	clang_disposeTokens(c->tu, toks, n);
}

static enum CXChildVisitResult top_visit(CXCursor cur, CXCursor parent,
					 CXClientData data)
{
	struct parse_ctx *c = data;
	enum CXCursorKind k = clang_getCursorKind(cur);
	CXFile f;
	unsigned int off, line;
	enum ent_where w;
	char *name;

	(void)parent;
	clang_getSpellingLocation(clang_getCursorLocation(cur), &f, &line, NULL, &off);
	w = where_of(c, f);
	if (k == CXCursor_MacroExpansion && w != IN_SYSTEM && c->expansions_only) {
		CXSourceRange r = clang_getCursorExtent(cur);
		unsigned int end;

		spelling_loc(clang_getRangeEnd(r), NULL, NULL, &end);
		tl_grow(&c->exp_off, &c->expcap, c->nexp, sizeof(unsigned int));
		c->exp_end = xrealloc(c->exp_end, c->expcap * sizeof(unsigned int));
		c->exp_name = xrealloc(c->exp_name, c->expcap * sizeof(char *));
		c->exp_file = xrealloc(c->exp_file, c->expcap * sizeof(CXFile));
		c->exp_off[c->nexp] = off;
		c->exp_end[c->nexp] = end;
		c->exp_file[c->nexp] = f;
		c->exp_name[c->nexp] = cx_take(clang_getCursorSpelling(cur));
		if (w == IN_MAIN)
			add_kpatch_mark(c, c->exp_name[c->nexp], off, end + 1);
		c->nexp++;
		add_macro_args(c, r);
		return CXChildVisit_Continue;
	}
	if (c->expansions_only || k == CXCursor_MacroExpansion)
		return CXChildVisit_Continue;
	/* a local macro may paste a name too: all are walked */
	if (k == CXCursor_MacroDefinition)
		add_macro_text(c, cur, f, w);
	if (w == IN_SYSTEM && k == CXCursor_MacroDefinition)
		return CXChildVisit_Continue;
	if (k == CXCursor_InclusionDirective && w == IN_MAIN &&
	    off < c->m->first_include)
		c->m->first_include = off;
	if (k == CXCursor_InclusionDirective && w != IN_SYSTEM) {
		add_include(c, cur, f);
		return CXChildVisit_Continue;
	}
	if (w == IN_SYSTEM && c->header_inlines && k == CXCursor_FunctionDecl &&
	    clang_isCursorDefinition(cur) &&
	    clang_getCursorLinkage(cur) == CXLinkage_Internal)
		add_header_inline(c, cur);
	if (w == IN_SYSTEM)
		return CXChildVisit_Continue;
	if (k == CXCursor_FunctionDecl) {
		add_function(c, cur, decl_name(cur), w);
	} else if (k == CXCursor_VarDecl) {
		add_entity(c, cur, ENT_VAR, decl_name(cur), w);
	} else if (k == CXCursor_MacroDefinition) {
		add_entity(c, cur, ENT_MACRO, cx_take(clang_getCursorSpelling(cur)), w);
	} else if (is_type_decl(k) && clang_isCursorDefinition(cur)) {
		name = type_name(cur, false);
		if (name)
			add_entity(c, cur, ENT_TYPE, name, w);
		if (name && k == CXCursor_TypedefDecl)
			mark_within(c, cur);
	}
	return CXChildVisit_Continue;
}

static struct ref *new_ref(struct entity *e, const char *name,
			   enum ent_kind kind, enum ent_where where)
{
	struct ref *r;

	tl_grow(&e->refs, &e->refcap, e->nrefs, sizeof(*e->refs));
	r = &e->refs[e->nrefs++];
	r->name = xstrdup(name);
	r->kind = kind;
	r->where = where;
	return r;
}

/* Does @e have a reference to @name of @kind at @off? */
static bool has_ref(const struct entity *e, const char *name,
		    enum ent_kind kind, unsigned int off)
{
	size_t i;

	for (i = 0; i < e->nrefs; i++)
		if (e->refs[i].kind == kind && e->refs[i].off == off &&
		    !strcmp(e->refs[i].name, name))
			return true;
	return false;
}

/*
 * The functions of one macro call share its text (add_macro_made()), so
 * whichever the patch copies needs what all of them use: ____bpf_foo's
 * body is the text of bpf_foo too.
 */
static void share_macro_made_refs(struct tu_model *m)
{
	size_t i, j, k;

	for (i = 0; i < m->n; i++)
		for (j = 0; m->ents[i].macro_made && j < m->n; j++) {
			struct entity *to = &m->ents[i];
			const struct entity *from = &m->ents[j];

			if (i == j || !from->macro_made || from->start != to->start ||
			    from->end != to->end)
				continue;
			for (k = 0; k < from->nrefs; k++) {
				const struct ref *r = &from->refs[k];
				struct ref *n;

				if (has_ref(to, r->name, r->kind, r->off))
					continue;
				n = new_ref(to, r->name, r->kind, r->where);
				n->internal = r->internal;
				n->spelled_in_main = r->spelled_in_main;
				n->off = r->off;
				n->type = r->type ? xstrdup(r->type) : NULL;
			}
		}
}

/*
 * Macros expanded inside an entity of the main file or of a local header
 * count as its references: a copied struct of "local.h" needs the macro
 * that sizes its array as much as a copied function does.
 */
/*
 * The entities of the main file or a local header that @off of @f lies
 * in, but one named @name (the macro's own definition), from @*k on: the
 * next one, or NULL. "typedef struct _X {...} X;" is two types, the
 * struct and the typedef, and either may be the one copied (mpt3sas's
 * MPI2_IOUNIT8_SENSOR, whose array's size is a macro).
 */
static struct entity *entity_at(struct tu_model *m, const CXFile *files,
				CXFile f, unsigned int off, const char *name,
				size_t *k)
{
	for (; *k < m->n; ++*k) {
		struct entity *e = &m->ents[*k];

		if (e->where != IN_SYSTEM && off >= e->start && off < e->end &&
		    strcmp(e->name, name) && clang_File_isEqual(files[*k], f))
			return &m->ents[(*k)++];
	}
	return NULL;
}

static bool local_macro(struct tu_model *m, const char *name)
{
	size_t k;

	for (k = 0; k < m->n; k++)
		if (m->ents[k].kind == ENT_MACRO && m->ents[k].where != IN_SYSTEM &&
		    !strcmp(m->ents[k].name, name))
			return true;
	return false;
}

static void attach_macro_use(struct tu_model *m, const CXFile *files,
			     CXFile f, unsigned int off, const char *name)
{
	struct entity *e;
	struct ref *r;
	size_t k = 0;

	while ((e = entity_at(m, files, f, off, name, &k))) {
		/* fixed up by the caller's lookups */
		r = new_ref(e, name, ENT_MACRO, IN_SYSTEM);
		r->spelled_in_main = e->where == IN_MAIN;
		r->off = off;
		/* Only types nest so: a syscall's wrappers span odd ranges. */
		if (e->kind != ENT_TYPE)
			break;
	}
}

static void attach_macro_uses(struct parse_ctx *c)
{
	struct tu_model *m = c->m;
	CXFile *files = xcalloc(m->n + 1, sizeof(*files));
	size_t i, k;

	for (k = 0; k < m->n; k++)
		if (m->ents[k].where != IN_SYSTEM)
			files[k] = clang_getFile(c->tu, m->ents[k].file);
	for (i = 0; i < c->nexp; i++)
		attach_macro_use(m, files, c->exp_file[i], c->exp_off[i],
				 c->exp_name[i]);
	for (i = 0; i < c->nargs; i++)
		if (local_macro(m, c->args[i].name))
			attach_macro_use(m, files, c->args[i].file,
					 c->args[i].off, c->args[i].name);
	free(files);
}

static int cmp_ent_name(const void *a, const void *b)
{
	const struct entity *x = *(struct entity *const *)a;
	const struct entity *y = *(struct entity *const *)b;

	return strcmp(x->name, y->name);
}

static struct entity *ent_named(struct entity **v, size_t n, const char *name)
{
	struct entity key = { .name = (char *)name }, *kp = &key, **hit;

	hit = bsearch(&kp, v, n, sizeof(*v), cmp_ent_name);
	return hit ? *hit : NULL;
}

/* A local enum constant: its name and the index of its enum. */
struct enum_const {
	const char *name;
	size_t ent;
};

static int cmp_const(const void *a, const void *b)
{
	return strcmp(((const struct enum_const *)a)->name,
		      ((const struct enum_const *)b)->name);
}

/*
 * A macro's body is only tokens, never expanded where it is defined: the
 * macros, types, enum constants, functions and variables of the main
 * file and its local headers that it spells become its references, so
 * that copying the macro copies them too (#define EM_SLOTS (EM_MAX_SLOTS
 * + 1), EM_MAX_SLOTS of an enum; IWL_ERR() calling __iwl_err()), but
 * not a member's name after "->" or ".".
 */
static void macro_refs(struct parse_ctx *c)
{
	struct tu_model *m = c->m;
	struct entity **defs = xcalloc(m->n + 1, sizeof(*defs));
	struct enum_const *consts = xcalloc(c->consts.nr + 1, sizeof(*consts));
	size_t i, n = 0;

	for (i = 0; i < m->n; i++)
		if (m->ents[i].where != IN_SYSTEM)
			defs[n++] = &m->ents[i];
	qsort(defs, n, sizeof(*defs), cmp_ent_name);
	for (i = 0; i < c->consts.nr; i++)
		consts[i] = (struct enum_const){ c->consts.names[i], c->const_ent[i] };
	qsort(consts, c->consts.nr, sizeof(*consts), cmp_const);
	for (i = 0; i < m->n; i++) {
		struct entity *e = &m->ents[i], *d;
		char *copy, *tok, *save = NULL, *prev = NULL;
		struct strbuf tag = { 0 };
		struct enum_const key, *hit;

		if (e->where == IN_SYSTEM || e->kind != ENT_MACRO)
			continue;
		copy = xstrdup(e->code);
		/* the first token is the macro's own name */
		for (tok = strtok_r(copy, " ", &save); tok;
		     prev = tok, tok = strtok_r(NULL, " ", &save)) {
			if (prev == NULL || !(tok[0] == '_' || (tok[0] >= 'A' && tok[0] <= 'Z') ||
					      (tok[0] >= 'a' && tok[0] <= 'z')))
				continue;
			/* a member: "(HBA)->logging_level" is not pm8001's variable */
			if (!strcmp(prev, "->") || !strcmp(prev, "."))
				continue;
			tag.len = 0;
			if (!strcmp(prev, "struct") || !strcmp(prev, "union") ||
			    !strcmp(prev, "enum"))
				sb_printf(&tag, "%s %s", prev, tok);
			else
				sb_puts(&tag, tok);
			d = ent_named(defs, n, tag.s);
			key.name = tok;
			if (!d && (hit = bsearch(&key, consts, c->consts.nr,
						 sizeof(*consts), cmp_const)))
				d = &m->ents[hit->ent];
			if (d && d != e) {
				struct ref *r = new_ref(e, d->name, d->kind, d->where);

				r->internal = d->internal;
				r->type = d->type ? xstrdup(d->type) : NULL;
			}
		}
		sb_free(&tag);
		free(copy);
	}
	free(consts);
	free(defs);
}

static int cmp_macro_text(const void *a, const void *b)
{
	return strcmp(((const struct macro_text *)a)->name,
		      ((const struct macro_text *)b)->name);
}

static bool blank(char ch)
{
	return ch == '\\' || isspace((unsigned char)ch);
}

/*
 * The next identifier of macro text @begin, from *@p to @end (NULL if
 * none): its length in *@n, and whether ## pastes it to a neighbour.
 * Strings, character constants, numbers and comments are skipped.
 */
static const char *next_ident(const char *begin, const char **p,
			      const char *end, size_t *n, bool *pasted)
{
	const char *s = *p, *q;

	while (s < end && (!ident_char(*s) || isdigit((unsigned char)*s))) {
		if (*s == '"' || *s == '\'') {
			char quote = *s++;

			while (s < end && *s != quote)
				s += *s == '\\' && s + 1 < end ? 2 : 1;
		} else if (s + 1 < end && s[0] == '/' && s[1] == '*') {
			for (s += 2; s + 1 < end && (s[0] != '*' || s[1] != '/'); s++)
				;
			s++;
		} else if (isdigit((unsigned char)*s)) {
			while (s + 1 < end && ident_char(s[1]))
				s++;
		}
		s++;
	}
	if (s >= end)
		return NULL;
	for (q = s; q < end && ident_char(*q); q++)
		;
	*n = q - s;
	*p = q;
	while (q < end && blank(*q))
		q++;
	*pasted = q + 1 < end && q[0] == '#' && q[1] == '#';
	for (q = s; q > begin && blank(q[-1]); q--)
		;
	*pasted |= q - begin >= 2 && q[-1] == '#' && q[-2] == '#';
	return s;
}

/*
 * Names, each once, in the order added, with a hash of them: a macro's
 * reach holds the names of all it reaches, and amdgpu's register headers
 * give thousands (gfx_v6_0.c took over 600 s with a linear test).
 */
struct name_set {
	struct tl_strlist list;
	size_t *slot;		/* index in list + 1; 0: free */
	size_t cap;		/* slots: 0 or a power of two */
};

/* Where @name is in @s's slots, or the free slot where it would go. */
static size_t set_slot(const struct name_set *s, const char *name)
{
	size_t i = fnv1a(name, strlen(name)) & (s->cap - 1);

	while (s->slot[i] && strcmp(s->list.names[s->slot[i] - 1], name))
		i = (i + 1) & (s->cap - 1);
	return i;
}

static bool set_has(const struct name_set *s, const char *name)
{
	return s->cap && s->slot[set_slot(s, name)];
}

static void set_add(struct name_set *s, const char *name)
{
	size_t i;

	if (2 * (s->list.nr + 1) > s->cap) {
		size_t k;

		free(s->slot);
		s->cap = s->cap ? 2 * s->cap : 16;
		s->slot = xcalloc(s->cap, sizeof(*s->slot));
		for (k = 0; k < s->list.nr; k++)
			s->slot[set_slot(s, s->list.names[k])] = k + 1;
	}
	i = set_slot(s, name);
	if (s->slot[i])
		return;
	tl_strlist_add(&s->list, name);
	s->slot[i] = s->list.nr;
}

static void set_free(struct name_set *s)
{
	tl_strlist_free(&s->list);
	free(s->slot);
	memset(s, 0, sizeof(*s));
}

/* The walk of system_macro_refs(): all macros, sorted by name. */
struct macro_walk {
	struct macro_text *v;
	size_t n;
	struct entity **defs;	/* the macros of the file and its local headers */
	size_t ndefs;
	unsigned char *state;	/* 0 not walked, 1 being walked, 2 done */
	struct name_set *reach;	/* the defs' names each one reaches */
	/* 0 not known, 1 being found, 2 does not paste its parameters, 3 does */
	unsigned char *pastes;
};

/* The range [*@lo, return) of the macros named @name. */
static size_t macros_named(const struct macro_walk *w, const char *name,
			       size_t *lo)
{
	size_t a = 0, b = w->n;

	while (a < b) {
		size_t mid = (a + b) / 2;

		if (strcmp(w->v[mid].name, name) < 0)
			a = mid + 1;
		else
			b = mid;
	}
	*lo = a;
	while (b < w->n && !strcmp(w->v[b].name, name))
		b++;
	return b;
}

static void walk_macro(struct macro_walk *w, size_t i);

/* What the macros named @name reach, added to @l. */
static void walk_name(struct macro_walk *w, const char *name,
		      struct name_set *l)
{
	size_t k, j, lo, hi = macros_named(w, name, &lo);

	for (k = lo; k < hi; k++) {
		walk_macro(w, k);
		for (j = 0; j < w->reach[k].list.nr; j++)
			set_add(l, w->reach[k].list.names[j]);
	}
}

/*
 * Does a part that ## pastes look like a macro's name? btrfs_set_##name
 * of BTRFS_SETGET_FUNCS names a function: matching it against the file's
 * macros would copy every btrfs_ macro.
 */
static bool spelled_like_macro(const char *part)
{
	for (; *part; part++)
		if (islower((unsigned char)*part))
			return false;
	return true;
}

/*
 * The identifiers among the arguments of the call "NAME(...)" at @id of
 * @text, added to @l once each: all of them, or (@macro_like) those
 * spelled like a macro's name. False if @id starts no call.
 */
static bool call_args(const char *text, const char *id, const char *end,
		      bool macro_like, struct tl_strlist *l)
{
	size_t close = call_end(id, end - id, 0), n;
	const char *p, *arg;
	char name[128];
	bool pasted;

	if (!close)
		return false;
	for (p = id; ident_char(*p); p++)
		;
	p++;
	while ((arg = next_ident(text, &p, id + close - 1, &n, &pasted))) {
		if (n >= sizeof(name))
			continue;
		memcpy(name, arg, n);
		name[n] = 0;
		if ((!macro_like || spelled_like_macro(name)) &&
		    !tl_strlist_has(l, name))
			tl_strlist_add(l, name);
	}
	return true;
}

/*
 * The parameters of the macro whose text is @text, its name ending at
 * @p, added to @params: where its body starts.
 */
static const char *macro_params(const char *text, const char *p,
				const char *end, struct tl_strlist *params)
{
	const char *close, *id;
	bool pasted;
	size_t n;

	if (p >= end || *p != '(')
		return p;
	close = memchr(p, ')', end - p);
	while (close && (id = next_ident(text, &p, close, &n, &pasted)))
		tl_strlist_addn(params, id, n);
	return close ? close : end;
}

static bool macro_pastes(struct macro_walk *w, const char *name);

/*
 * Does macro @i paste one of its parameters with ##, or pass one to a
 * macro that does? NVDEF(A...) pastes A, PUSH_MTHD() hands its method
 * names on to macros that paste them.
 */
static bool macro_pastes_at(struct macro_walk *w, size_t i)
{
	const char *text = w->v[i].text, *end = text + w->v[i].len;
	const char *p = text + strlen(w->v[i].name), *id;
	struct tl_strlist params = { 0 }, args = { 0 };
	bool pasted, yes = false;
	char name[128];
	size_t n, k;

	if (w->pastes[i])
		return w->pastes[i] == 3;
	w->pastes[i] = 1;
	p = macro_params(text, p, end, &params);
	while (params.nr && !yes && (id = next_ident(text, &p, end, &n, &pasted))) {
		if (n >= sizeof(name))
			continue;
		memcpy(name, id, n);
		name[n] = 0;
		if (tl_strlist_has(&params, name)) {
			yes = pasted;
			continue;
		}
		tl_strlist_free(&args);
		if (!macro_pastes(w, name) ||
		    !call_args(text, id, end, false, &args))
			continue;
		for (k = 0; k < args.nr && !yes; k++)
			yes = tl_strlist_has(&params, args.names[k]);
	}
	tl_strlist_free(&args);
	tl_strlist_free(&params);
	w->pastes[i] = yes ? 3 : 2;
	return yes;
}

static bool macro_pastes(struct macro_walk *w, const char *name)
{
	size_t k, lo, hi = macros_named(w, name, &lo);

	for (k = lo; k < hi; k++)
		if (macro_pastes_at(w, k))
			return true;
	return false;
}

/*
 * Is @name two or more of @parts, from @from on and in their order,
 * joined by "_" or by nothing? NV206E_DMA_OPCODE2_CALL is what
 * NVDEF(NV206E, DMA, OPCODE2, CALL) pastes.
 */
static bool pasted_from(const char *name, const struct tl_strlist *parts,
			size_t from, unsigned int count)
{
	size_t j;

	if (!*name)
		return count >= 2;
	for (j = from; j < parts->nr; j++) {
		size_t len = strlen(parts->names[j]);
		const char *rest = name + len;

		if (strncmp(name, parts->names[j], len))
			continue;
		if (pasted_from(rest, parts, j + 1, count + 1) ||
		    (rest[0] == '_' && rest[1] &&
		     pasted_from(rest + 1, parts, j + 1, count + 1)))
			return true;
	}
	return false;
}

/*
 * The file's macros that a call of a macro that pastes its parameters
 * names by pasting its arguments, added to @l: libclang reports no
 * expansion inside another, and no text spells these names.
 */
static void pasted_call_reach(struct macro_walk *w, const char *text,
			      const char *id, const char *end,
			      const char *name, struct name_set *l)
{
	struct tl_strlist parts = { 0 };
	size_t k;

	if (macro_pastes(w, name) && call_args(text, id, end, true, &parts) &&
	    parts.nr >= 2)
		for (k = 0; k < w->ndefs; k++)
			if (pasted_from(w->defs[k]->name, &parts, 0, 0))
				set_add(l, w->defs[k]->name);
	tl_strlist_free(&parts);
}

/*
 * The file's macros that macro @i spells, directly or through the others
 * it spells: a name, or a part of one that ## pastes and is spelled like
 * a macro (NFSDBG_##fac reaches NFSDBG_FACILITY). @i may be the file's own or a local header's:
 * nfsd.h's ifdebug, which sunrpc's dprintk() expands, pastes
 * NFSDDBG_##flag, and nfs4state.c defines NFSDDBG_FACILITY.
 */
static void walk_macro(struct macro_walk *w, size_t i)
{
	const char *text = w->v[i].text, *end = text + w->v[i].len;
	const char *p = text + strlen(w->v[i].name), *id;
	struct tl_strlist params = { 0 };
	struct name_set *l = &w->reach[i];
	char name[128];
	bool pasted;
	size_t n, k;

	if (w->state[i])
		return;
	w->state[i] = 1;
	p = macro_params(text, p, end, &params);
	while ((id = next_ident(text, &p, end, &n, &pasted))) {
		if (n >= sizeof(name))
			continue;
		memcpy(name, id, n);
		name[n] = 0;
		if (tl_strlist_has(&params, name))
			continue;
		if (ent_named(w->defs, w->ndefs, name))
			set_add(l, name);
		for (k = 0; pasted && spelled_like_macro(name) && k < w->ndefs; k++) {
			const char *d = w->defs[k]->name;
			size_t dl = strlen(d);

			if (dl > n && (!strncmp(d, name, n) ||
				       !strcmp(d + dl - n, name)))
				set_add(l, d);
		}
		pasted_call_reach(w, text, id, end, name, l);
		walk_name(w, name, l);
	}
	tl_strlist_free(&params);
	w->state[i] = 2;
}

/*
 * The file's macros that the calls of pasting macros in @e's own text
 * name (NVDEF(NV5039, ...) in a function of nouveau_bo5039.c), added
 * to @l.
 */
static void entity_pasted_reach(struct parse_ctx *c, struct macro_walk *w,
				const struct entity *e, struct name_set *l)
{
	CXFile f = clang_getFile(c->tu, e->file);
	const char *text, *p, *id, *end;
	bool pasted;
	char name[128];
	size_t len, n;

	text = f ? file_text(c, f, &len) : NULL;
	if (!text || e->end > len || e->start >= e->end)
		return;
	p = text + e->start;
	end = text + e->end;
	while ((id = next_ident(text, &p, end, &n, &pasted))) {
		if (n >= sizeof(name))
			continue;
		memcpy(name, id, n);
		name[n] = 0;
		pasted_call_reach(w, text, id, end, name, l);
	}
}

/*
 * A macro of include/ may expand one the file defines: DMERR() of
 * device-mapper.h prints DM_MSG_PREFIX, which dm-era-target.c defines.
 * libclang reports only the outermost expansion, so the file's macros
 * that the macros an entity expands reach (through the others they
 * spell, of include/ or local) become its references: copying the
 * entity copies them.
 */
static void system_macro_refs(struct parse_ctx *c)
{
	struct tu_model *m = c->m;
	struct macro_walk w = { .v = c->macros, .n = c->nmacros };
	size_t i, k, j;

	w.defs = xcalloc(m->n + 1, sizeof(*w.defs));
	for (i = 0; i < m->n; i++)
		if (m->ents[i].where != IN_SYSTEM && m->ents[i].kind == ENT_MACRO)
			w.defs[w.ndefs++] = &m->ents[i];
	if (!w.ndefs || !w.n) {
		free(w.defs);
		return;
	}
	qsort(w.defs, w.ndefs, sizeof(*w.defs), cmp_ent_name);
	qsort(w.v, w.n, sizeof(*w.v), cmp_macro_text);
	for (i = 0; i < w.ndefs; i++) {
		size_t lo, hi = macros_named(&w, w.defs[i]->name, &lo);

		for (k = lo; k < hi; k++)
			w.defs[i]->redefines_system |= w.v[k].system;
	}
	w.state = xcalloc(w.n, 1);
	w.reach = xcalloc(w.n, sizeof(*w.reach));
	w.pastes = xcalloc(w.n, 1);
	for (i = 0; i < m->n; i++) {
		struct entity *e = &m->ents[i];
		struct name_set got = { 0 }, seeds = { 0 }, had = { 0 };
		char *copy, *tok, *save = NULL;

		if (e->where == IN_SYSTEM)
			continue;
		for (k = 0; k < e->nrefs; k++)
			if (e->refs[k].kind == ENT_MACRO)
				set_add(&seeds, e->refs[k].name);
		/* a macro's body is not expanded where it is defined */
		copy = e->kind == ENT_MACRO ? xstrdup(e->code) : NULL;
		for (tok = copy ? strtok_r(copy, " ", &save) : NULL; tok;
		     tok = strtok_r(NULL, " ", &save))
			set_add(&seeds, tok);
		free(copy);
		for (k = 0; k < seeds.list.nr; k++)
			walk_name(&w, seeds.list.names[k], &got);
		if (e->kind != ENT_MACRO)
			entity_pasted_reach(c, &w, e, &got);
		for (j = 0; j < e->nrefs; j++)
			if (e->refs[j].kind == ENT_MACRO)
				set_add(&had, e->refs[j].name);
		for (k = 0; k < got.list.nr; k++) {
			struct entity *d = ent_named(w.defs, w.ndefs, got.list.names[k]);

			if (d != e && !set_has(&had, d->name))
				new_ref(e, d->name, ENT_MACRO, d->where);
		}
		set_free(&seeds);
		set_free(&got);
		set_free(&had);
	}
	for (i = 0; i < w.n; i++)
		set_free(&w.reach[i]);
	free(w.reach);
	free(w.pastes);
	free(w.state);
	free(w.defs);
}

static void collect_errors(struct parse_ctx *c)
{
	unsigned int i, n = clang_getNumDiagnostics(c->tu);
	struct tu_model *m = c->m;

	for (i = 0; i < n; i++) {
		CXDiagnostic d = clang_getDiagnostic(c->tu, i);

		if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
			tl_grow(&m->errors, &m->errcap, m->nerrors, sizeof(char *));
			m->errors[m->nerrors++] = cx_take(clang_formatDiagnostic(d,
				CXDiagnostic_DisplaySourceLocation));
		}
		clang_disposeDiagnostic(d);
	}
}

/*
 * A local header, and where the main file's #include line that brought
 * it in is: the last location of its inclusion stack.
 */
static void inclusion_visit(CXFile inc, CXSourceLocation *stack,
			    unsigned int n, CXClientData data)
{
	struct parse_ctx *c = data;
	struct tu_model *m = c->m;
	unsigned int off;
	size_t len;
	CXFile f;
	char *name;

	/* A file included twice is listed twice: tucache.c keeps one. */
	if (c->deps) {
		const char *text = file_text(c, inc, &len);

		name = cx_take(clang_getFileName(inc));
		tl_strlist_add(&c->deps->paths, name);
		free(name);
		tl_grow(&c->deps->hash, &c->deps->cap, c->deps->paths.nr - 1,
			sizeof(*c->deps->hash));
		c->deps->hash[c->deps->paths.nr - 1] = text ? fnv1a(text, len) : 0;
		c->deps->unread |= !text;
	}
	if (!n || where_of(c, inc) != IN_LOCAL)
		return;
	spelling_loc(stack[n - 1], &f, NULL, &off);
	if (!f || !clang_File_isEqual(f, c->main_file))
		return;
	name = cx_take(clang_getFileName(inc));
	if (!tl_strlist_has(&m->local_headers, name)) {
		tl_strlist_add(&m->local_headers, name);
		m->local_main_off = xrealloc(m->local_main_off,
					     m->local_headers.nr * sizeof(unsigned int));
		m->local_main_off[m->local_headers.nr - 1] = off;
	}
	free(name);
}

int parse_tu(const struct unsaved *files, size_t nfiles,
	     char *const *argv, int argc, const char *src,
	     bool header_inlines, struct tu_model *m, struct tu_deps *deps,
	     struct tl_err *err)
{
	CXIndex idx = clang_createIndex(0, 0);
	struct CXUnsavedFile *uf = xcalloc(nfiles, sizeof(*uf));
	const char *path = files[0].path;
	struct parse_ctx c = { 0 };
	enum CXErrorCode rc;
	size_t i;

	for (i = 0; i < nfiles; i++) {
		uf[i].Filename = files[i].path;
		uf[i].Contents = files[i].text;
		uf[i].Length = files[i].len;
	}
	memset(m, 0, sizeof(*m));
	m->path = xstrdup(path);
	m->text = files[0].text;
	m->len = files[0].len;
	m->first_include = m->len;
	rc = clang_parseTranslationUnit2(idx, path, (const char *const *)argv, argc,
					 uf, nfiles,
					 CXTranslationUnit_DetailedPreprocessingRecord |
					 CXTranslationUnit_KeepGoing,
					 &c.tu);
	time_phase("parse: libclang");
	free(uf);
	if (rc != CXError_Success) {
		clang_disposeIndex(idx);
		tu_free(m);
		return tl_fail(err, "%s: libclang could not parse it (error %d)",
				path, rc);
	}
	c.m = m;
	c.src = src;
	c.header_inlines = header_inlines;
	c.deps = deps;
	c.main_file = clang_getFile(c.tu, path);
	c.skipped = clang_getSkippedRanges(c.tu, c.main_file);
	/* Two passes: expansions first, so static locals can name their macro. */
	c.expansions_only = true;
	clang_visitChildren(clang_getTranslationUnitCursor(c.tu), top_visit, &c);
	c.expansions_only = false;
	clang_visitChildren(clang_getTranslationUnitCursor(c.tu), top_visit, &c);
	clang_getInclusions(c.tu, inclusion_visit, &c);
	drop_nested_includes(m);
	attach_macro_uses(&c);
	macro_refs(&c);
	system_macro_refs(&c);
	share_macro_made_refs(m);
	collect_errors(&c);
	clang_disposeSourceRangeList(c.skipped);
	for (i = 0; i < c.nexp; i++)
		free(c.exp_name[i]);
	free(c.exp_off);
	free(c.exp_end);
	free(c.exp_name);
	free(c.exp_file);
	for (i = 0; i < c.nargs; i++)
		free(c.args[i].name);
	free(c.args);
	tl_strlist_free(&c.consts);
	free(c.const_ent);
	tl_strlist_free(&c.made_by_macro);
	for (i = 0; i < c.nmacros; i++)
		free(c.macros[i].name);
	free(c.macros);
	free(c.texts);
	clang_disposeTranslationUnit(c.tu);
	clang_disposeIndex(idx);
	return 0;
}

/* The slot of @name in @m's index: its first entity's, or a free one. */
static size_t name_slot(const struct tu_model *m, const char *name)
{
	size_t i = fnv1a(name, strlen(name)) & (m->slots - 1);

	while (m->first_named[i] &&
	       strcmp(m->ents[m->first_named[i] - 1].name, name))
		i = (i + 1) & (m->slots - 1);
	return i;
}

/*
 * Index the entities appended since the last call (a linear tu_find()
 * took 387 s of gfx_v6_0.c's verdict, over its register macros).
 */
static void index_names(struct tu_model *m)
{
	size_t i, k;

	if (m->indexed == m->n)
		return;
	m->same_name = xrealloc(m->same_name, m->n * sizeof(*m->same_name));
	for (i = m->indexed; i < m->n; i++) {
		if (2 * (m->names + 1) > m->slots) {
			free(m->first_named);
			free(m->last_named);
			m->slots = m->slots ? 2 * m->slots : 256;
			m->first_named = xcalloc(m->slots, sizeof(size_t));
			m->last_named = xcalloc(m->slots, sizeof(size_t));
			m->names = 0;
			i = 0;
		}
		m->same_name[i] = 0;
		k = name_slot(m, m->ents[i].name);
		if (m->first_named[k])
			m->same_name[m->last_named[k] - 1] = i + 1;
		else
			m->first_named[k] = i + 1, m->names++;
		m->last_named[k] = i + 1;
	}
	m->indexed = m->n;
}

struct entity *tu_find(struct tu_model *m, const char *name,
		       enum ent_kind kind, bool want_definition)
{
	size_t i;
	struct entity *found = NULL;

	index_names(m);
	if (!m->slots)
		return NULL;
	for (i = m->first_named[name_slot(m, name)]; i; i = m->same_name[i - 1]) {
		struct entity *e = &m->ents[i - 1];

		if (e->kind != kind || strcmp(e->name, name))
			continue;
		if (!want_definition || e->definition || kind == ENT_MACRO ||
		    kind == ENT_TYPE)
			found = e;
		if (found && found->definition)
			return found;
	}
	return found;
}

void tu_free(struct tu_model *m)
{
	size_t i, k;

	for (i = 0; i < m->n; i++) {
		struct entity *e = &m->ents[i];

		for (k = 0; k < e->nrefs; k++) {
			free(e->refs[k].name);
			free(e->refs[k].type);
		}
		for (k = 0; k < e->nstatics; k++) {
			free(e->statics[k].name);
			free(e->statics[k].macro);
			free(e->statics[k].type);
			free(e->statics[k].uses);
		}
		free(e->refs);
		free(e->statics);
		free(e->syscall);
		tl_strlist_free(&e->wrappers);
		free(e->name);
		free(e->file);
		free(e->code);
		free(e->head);
		free(e->layout);
		free(e->fn_fields);
		free(e->within);
		free(e->type);
	}
	for (i = 0; i < m->nincludes; i++) {
		free(m->includes[i]);
		free(m->sites[i].from);
		free(m->sites[i].header);
	}
	free(m->sites);
	for (i = 0; i < m->nlocal_sites; i++) {
		free(m->local_sites[i].from);
		free(m->local_sites[i].header);
	}
	free(m->local_sites);
	tl_strlist_free(&m->local_headers);
	free(m->local_main_off);
	for (i = 0; i < m->nerrors; i++)
		free(m->errors[i]);
	free(m->includes);
	free(m->errors);
	tl_strlist_free(&m->kpatch_ignored);
	tl_strlist_free(&m->kpatch_forced);
	tl_strlist_free(&m->module_hidden);
	tl_strlist_free(&m->module_hidden_decls);
	for (i = 0; i < m->ninlines; i++) {
		free(m->inlines[i].name);
		free(m->inlines[i].file);
		tl_strlist_free(&m->inlines[i].calls);
		tl_strlist_free(&m->inlines[i].globals);
		tl_strlist_free(&m->inlines[i].vars);
		tl_strlist_free(&m->inlines[i].keys);
		tl_strlist_free(&m->inlines[i].percpu);
		tl_strlist_free(&m->inlines[i].key_types);
	}
	free(m->inlines);
	free(m->ents);
	free(m->first_named);
	free(m->last_named);
	free(m->same_name);
	free(m->path);
	memset(m, 0, sizeof(*m));
}
