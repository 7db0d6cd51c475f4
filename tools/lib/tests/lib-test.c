// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tools/lib tests: JSON escaping, the error type, arrays, string lists
 * and the out-of-memory exit (in a child, which must print the tool's
 * name and exit with its TL_OOM_EXIT). TAP output.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/json.h"
#include "lib/vec.h"
#include "lib/xalloc.h"

struct tap {
	int n, failed;
};

static void check(struct tap *t, int ok, const char *name)
{
	t->n++;
	t->failed += !ok;
	printf("%sok %d - %s\n", ok ? "" : "not ", t->n, name);
}

/* What tl_json_str() prints for @s. */
static int json_is(const char *s, const char *want)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int same;

	if (!f)
		return 0;
	tl_json_str(f, s);
	fclose(f);
	same = !strcmp(buf, want);
	if (!same)
		printf("# got %s, want %s\n", buf, want);
	free(buf);
	return same;
}

static void test_json(struct tap *t)
{
	check(t, json_is("plain", "\"plain\""), "json: plain string quoted");
	check(t, json_is("a\"b\\c", "\"a\\\"b\\\\c\""), "json: quote and backslash escaped");
	check(t, json_is("\n\t\x01\x1f", "\"\\u000a\\u0009\\u0001\\u001f\""),
	      "json: control characters as \\u00XX");
	check(t, json_is("caf\xc3\xa9 \x7f", "\"caf\xc3\xa9 \x7f\""),
	      "json: bytes >= 0x20 unchanged (UTF-8 passes through)");
	check(t, !strcmp(tl_json_bool(true), "true") && !strcmp(tl_json_bool(false), "false"),
	      "json: booleans");
}

static int fails(struct tl_err *err)
{
	return tl_fail(err, "%s: %d", "file", 42);
}

static void test_err(struct tap *t)
{
	struct tl_err err = { 0 };
	char big[2000];

	check(t, fails(&err) == -1 && err.status == TL_EXIT_FAIL &&
	      !strcmp(err.msg, "file: 42"), "err: tl_fail returns -1, status 1, message");
	check(t, tl_usage(&err, "bad %s", "option") == -1 &&
	      err.status == TL_EXIT_USAGE && !strcmp(err.msg, "bad option"),
	      "err: tl_usage sets status 2");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	tl_fail(&err, "%s", big);
	check(t, strlen(err.msg) == sizeof(err.msg) - 1, "err: a long message is cut, not overrun");
}

static void test_vec(struct tap *t)
{
	struct tl_vec v;
	uint64_t *p;
	int *arr = NULL, ok = 1;
	size_t i, cap = 0;

	tl_vec_init(&v, sizeof(uint64_t));
	for (i = 0; i < 1000; i++) {
		p = tl_vec_push(&v);
		ok &= *p == 0;
		*p = i * 3;
	}
	for (i = 0; i < 1000; i++)
		ok &= *TL_AT(&v, uint64_t, i) == i * 3;
	check(t, ok && v.len == 1000 && v.cap >= 1000, "vec: 1000 pushes, zeroed slots, kept values");
	tl_vec_free(&v);
	check(t, !v.data && !v.len && v.size == sizeof(uint64_t), "vec: free resets, keeps the size");

	for (i = 0; i < 100; i++) {
		tl_grow(&arr, &cap, i, sizeof(*arr));
		ok &= arr[i] == 0;
		arr[i] = i;
	}
	for (i = 0; i < 100; i++)
		ok &= arr[i] == (int)i;
	check(t, ok && cap > 100 - 1, "grow: typed array grows, new room zeroed");
	free(arr);
}

static void test_strlist(struct tap *t)
{
	struct tl_strlist l = { 0 };
	char word[] = "pear";

	tl_strlist_add(&l, word);
	word[0] = 'b';		/* the list owns a copy */
	tl_strlist_add(&l, "apple");
	tl_strlist_addn(&l, "fig tree", 3);
	tl_strlist_sort(&l);
	check(t, l.nr == 3 && !strcmp(l.names[0], "apple") &&
	      !strcmp(l.names[1], "fig") && !strcmp(l.names[2], "pear"),
	      "strlist: copies, addn, sorted");
	check(t, tl_strlist_has(&l, "fig") && !tl_strlist_has(&l, "fi") &&
	      !tl_strlist_has(&l, "bear"), "strlist: has");
	tl_strlist_free(&l);
	check(t, !l.names && !l.nr && !l.cap, "strlist: free empties it");
	tl_strlist_sort(&l);
	check(t, !tl_strlist_has(&l, "x"), "strlist: the empty list");
}

static void test_oom(struct tap *t)
{
	int pipefd[2], status = 0;
	char msg[128] = "";
	ssize_t n = 0;
	pid_t pid;

	if (pipe(pipefd)) {
		check(t, 0, "oom: pipe");
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 2);
		xmalloc(SIZE_MAX / 2);	/* no allocator gives this */
		_exit(0);
	}
	close(pipefd[1]);
	if (pid > 0) {
		n = read(pipefd[0], msg, sizeof(msg) - 1);
		waitpid(pid, &status, 0);
	}
	close(pipefd[0]);
	msg[n > 0 ? n : 0] = '\0';
	check(t, pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == TL_OOM_EXIT &&
	      !strcmp(msg, "lib-test: out of memory\n"),
	      "oom: '<tool>: out of memory' on stderr, exit TL_OOM_EXIT");
}

int main(void)
{
	struct tap t = { 0 };

	test_json(&t);
	test_err(&t);
	test_vec(&t);
	test_strlist(&t);
	test_oom(&t);
	printf("1..%d\n", t.n);
	return t.failed != 0;
}
