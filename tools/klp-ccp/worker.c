// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp-ccp -j: one worker process a file. libclang's parses are the cost
 * (seconds a file) and fork() is cheap next to them; a process per file
 * also ties a crash to its file: a worker killed by a signal becomes
 * that file's TOOL ERROR row, never a hang or lost rows.
 *
 * A worker's message: a record (record.h) of a row's every field, then
 * "end"; a message cut short is no result.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "record.h"
#include "worker.h"

static void encode(struct strbuf *sb, int ret, const struct verdict_table *t,
		   const struct tl_err *err)
{
	size_t i;

	rec_put_num(sb, ret == 1);
	rec_put(sb, ret < 0 ? err->msg : "");
	rec_put_num(sb, t->n);
	for (i = 0; i < t->n; i++) {
		const struct row *r = &t->rows[i];

		rec_put(sb, r->name);
		rec_put(sb, r->file);
		rec_put_num(sb, r->line);
		rec_put_num(sb, r->v);
		rec_put(sb, r->reason);
		rec_put_num(sb, r->target);
		rec_put_list(sb, &r->patched_as);
		rec_put_list(sb, &r->locals);
	}
	rec_put(sb, "end");
}

/* @res from a worker's whole message: 0, or -1 if it is not one. */
static int decode(const char *msg, size_t len, struct file_result *res)
{
	struct rec_reader rd = { msg, msg + len, false };
	unsigned long nrows, i;
	char *end;

	res->kept = rec_get_num(&rd);
	res->error = rec_get(&rd);
	nrows = rec_get_num(&rd);
	for (i = 0; i < nrows && !rd.bad; i++) {
		struct row *r;

		tl_grow(&res->rows.rows, &res->rows.cap, res->rows.n,
			sizeof(*res->rows.rows));
		r = &res->rows.rows[res->rows.n++];
		r->name = rec_get(&rd);
		r->file = rec_get(&rd);
		r->line = rec_get_num(&rd);
		r->v = rec_get_num(&rd);
		rd.bad |= r->v > V_TOOL_ERROR;
		r->reason = rec_get(&rd);
		r->target = rec_get_num(&rd);
		rec_get_list(&rd, &r->patched_as);
		rec_get_list(&rd, &r->locals);
	}
	end = rec_get(&rd);
	rd.bad |= strcmp(end, "end") || rd.p != rd.end;
	free(end);
	if (!*res->error) {
		free(res->error);
		res->error = NULL;
	}
	return rd.bad ? -1 : 0;
}

/* One running worker: its file's index in the caller's list, its pipe. */
struct worker {
	pid_t pid;		/* 0: a free slot */
	int fd;
	size_t k;
	struct strbuf msg;
};

static void write_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t w = write(fd, s, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(1);
		s += w;
		len -= w;
	}
}

/* Fork the worker of file @k; a fork that fails is that file's result. */
static void start(struct worker *w, size_t k, const size_t *files,
		  file_work work, void *ctx, struct file_result *res)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC)) {
		res[k].died = xstrdup("klp-ccp could not start a worker for it: no pipe");
		return;
	}
	w->pid = fork();
	if (w->pid < 0) {
		w->pid = 0;
		close(p[0]);
		close(p[1]);
		res[k].died = xstrdup("klp-ccp could not start a worker for it: fork failed");
		return;
	}
	if (!w->pid) {
		struct verdict_table t = { 0 };
		struct tl_err err = { 0 };
		struct strbuf sb = { 0 };
		int ret;

		close(p[0]);
		ret = work(ctx, files[k], &t, &err);
		encode(&sb, ret, &t, &err);
		write_all(p[1], sb.s, sb.len);
		/* Not exit(): main's atexit and stdio belong to the parent. */
		_exit(0);
	}
	close(p[1]);
	w->fd = p[0];
	w->k = k;
	w->msg.len = 0;
}

/* The worker's pipe is at its end: reap it and take its message. */
static void finish(struct worker *w, struct file_result *res)
{
	struct file_result *r = &res[w->k];
	int st = 0;

	close(w->fd);
	while (waitpid(w->pid, &st, 0) < 0 && errno == EINTR)
		;
	w->pid = 0;
	if (WIFSIGNALED(st)) {
		struct strbuf why = { 0 };

		sb_printf(&why, "klp-ccp's worker for it was killed by signal %d (%s)",
			  WTERMSIG(st), strsignal(WTERMSIG(st)));
		r->died = why.s;
	} else if (WEXITSTATUS(st)) {
		struct strbuf why = { 0 };

		sb_printf(&why, "klp-ccp's worker for it exited with status %d before sending its rows",
			  WEXITSTATUS(st));
		r->died = why.s;
	} else if (decode(w->msg.s ? w->msg.s : "", w->msg.len, r)) {
		r->died = xstrdup("klp-ccp's worker for it sent a message cut short");
	}
	if (r->died) {
		verdict_free(&r->rows);
		free(r->error);
		r->error = NULL;
		r->kept = false;
	}
}

void workers_run(unsigned int jobs, const size_t *files, size_t n,
		 file_work work, file_done done, void *ctx,
		 struct file_result *res)
{
	struct worker *w = xcalloc(jobs, sizeof(*w));
	struct pollfd *pfd = xcalloc(jobs, sizeof(*pfd));
	unsigned int i, npfd;
	size_t next = 0, running = 0;
	char buf[65536];

	/* A child must not write out what the parent's stdio holds. */
	fflush(NULL);
	while (next < n || running) {
		for (i = 0; i < jobs && next < n; i++)
			if (!w[i].pid) {
				start(&w[i], next, files, work, ctx, res);
				if (w[i].pid)
					running++;
				else
					done(ctx, files[next]);
				next++;
			}
		for (i = 0, npfd = 0; i < jobs; i++)
			if (w[i].pid)
				pfd[npfd++] = (struct pollfd){ .fd = w[i].fd, .events = POLLIN };
		if (!npfd)
			continue;
		if (poll(pfd, npfd, -1) < 0)
			continue;	/* EINTR: poll again */
		for (i = 0, npfd = 0; i < jobs; i++) {
			ssize_t got;

			if (!w[i].pid || !pfd[npfd++].revents)
				continue;
			got = read(w[i].fd, buf, sizeof(buf));
			if (got > 0) {
				sb_add(&w[i].msg, buf, got);
			} else if (!got || errno != EINTR) {
				finish(&w[i], res);
				done(ctx, files[w[i].k]);
				running--;
			}
		}
	}
	for (i = 0; i < jobs; i++)
		sb_free(&w[i].msg);
	free(w);
	free(pfd);
}

void file_result_free(struct file_result *r)
{
	verdict_free(&r->rows);
	free(r->error);
	free(r->died);
}
