// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kgrctl [--root DIR] <command> [options] [args]
 *
 * Load, inspect, wait for and revert kgr patches through /sys/kernel/kgr.
 * Every error ends here and is printed once, as one line.
 * Exit status: 0 success, 1 failure, 2 usage error.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kgrctl.h"

static const char usage[] =
	"usage: kgrctl [--root DIR] <command> [options] [args]\n"
	"  list [--json]                         every patch and its state\n"
	"  status <patch> [--json]               a patch, its functions and blocking tasks\n"
	"  load <module.ko> [--wait SECONDS]     load a patch module (finit_module);\n"
	"                                        --wait: until its transition ends\n"
	"  revert <patch> [--wait SECONDS] [--unload [--module NAME]]\n"
	"                                        write 0 to enabled; --unload waits for\n"
	"                                        the transition (up to --wait) and removes\n"
	"                                        the module NAME (default: the patch's name)\n"
	"  wait [<patch>] [--timeout SECONDS]    until the patch's (or any) transition ends\n"
	"  force <patch> --yes                   end a transition unchecked: dangerous,\n"
	"                                        taints the kernel\n"
	"  --root DIR: sysfs mount point (default /sys); load and --unload need /sys\n"
	"  SECONDS may have a fraction; a wait that times out prints the blocking tasks\n"
	"  exit status: 0 success, 1 failure, 2 usage error\n";

/* Bits of struct kc_option.commands: which commands take the option. */
enum {
	KC_LIST = 1 << 0,
	KC_STATUS = 1 << 1,
	KC_LOAD = 1 << 2,
	KC_REVERT = 1 << 3,
	KC_WAIT = 1 << 4,
	KC_FORCE = 1 << 5,
	KC_ALL = (1 << 6) - 1,
};

struct kc_command {
	const char *name;
	unsigned int bit;
	int min_args, max_args;
	int (*run)(const struct kc_ctx *ctx, char **args, struct kc_err *err);
};

static const struct kc_command commands[] = {
	{ "list", KC_LIST, 0, 0, kc_cmd_list },
	{ "status", KC_STATUS, 1, 1, kc_cmd_status },
	{ "load", KC_LOAD, 1, 1, kc_cmd_load },
	{ "revert", KC_REVERT, 1, 1, kc_cmd_revert },
	{ "wait", KC_WAIT, 0, 1, kc_cmd_wait },
	{ "force", KC_FORCE, 1, 1, kc_cmd_force },
};

enum kc_opt_id { OPT_ROOT, OPT_JSON, OPT_WAIT, OPT_TIMEOUT, OPT_UNLOAD,
		 OPT_MODULE, OPT_YES };

struct kc_option {
	const char *name;
	enum kc_opt_id id;
	bool has_value;
	unsigned int commands;
};

static const struct kc_option options[] = {
	{ "--root", OPT_ROOT, true, KC_ALL },
	{ "--json", OPT_JSON, false, KC_LIST | KC_STATUS },
	{ "--wait", OPT_WAIT, true, KC_LOAD | KC_REVERT },
	{ "--timeout", OPT_TIMEOUT, true, KC_WAIT },
	{ "--unload", OPT_UNLOAD, false, KC_REVERT },
	{ "--module", OPT_MODULE, true, KC_REVERT },
	{ "--yes", OPT_YES, false, KC_FORCE },
};

#define KC_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define KC_MAX_SECONDS 1e7

/* A number of seconds: digits with an optional fraction, nothing else. */
static int kc_parse_seconds(const char *opt, const char *s, double *out,
			    struct kc_err *err)
{
	char *end;

	if (!s[0] || strspn(s, "0123456789.") != strlen(s))
		return kc_usage(err, "%s: '%s' is not a number of seconds", opt, s);
	*out = strtod(s, &end);
	if (*end || !isfinite(*out) || *out > KC_MAX_SECONDS)
		return kc_usage(err, "%s: '%s' is not a number of seconds", opt, s);
	return 0;
}

static const struct kc_option *kc_find_option(const char *arg, size_t len)
{
	for (size_t i = 0; i < KC_ARRAY_SIZE(options); i++)
		if (strlen(options[i].name) == len &&
		    !strncmp(options[i].name, arg, len))
			return &options[i];
	return NULL;
}

static int kc_apply_option(struct kc_ctx *ctx, const struct kc_option *opt,
			   const char *value, const char **root,
			   struct kc_err *err)
{
	switch (opt->id) {
	case OPT_ROOT:
		*root = value;
		return 0;
	case OPT_JSON:
		ctx->json = true;
		return 0;
	case OPT_WAIT:
	case OPT_TIMEOUT:
		return kc_parse_seconds(opt->name, value, &ctx->wait, err);
	case OPT_UNLOAD:
		ctx->unload = true;
		return 0;
	case OPT_MODULE:
		ctx->module = value;
		return 0;
	case OPT_YES:
		ctx->yes = true;
		return 0;
	}
	return 0;
}

/*
 * Options may come anywhere, as "--opt VALUE" or "--opt=VALUE". The
 * positional arguments are moved to the front of argv; returns their count.
 */
static int kc_parse(int argc, char **argv, struct kc_ctx *ctx,
		    unsigned int *seen, const char **root, struct kc_err *err)
{
	const struct kc_option *opt;
	const char *value, *eq;
	int npos = 0;

	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) || !argv[i][2]) {
			argv[npos++] = argv[i];
			continue;
		}
		eq = strchr(argv[i], '=');
		opt = kc_find_option(argv[i], eq ? (size_t)(eq - argv[i]) : strlen(argv[i]));
		if (!opt)
			return kc_usage(err, "unknown option %s (see kgrctl --help)", argv[i]);
		value = NULL;
		if (opt->has_value && eq)
			value = eq + 1;
		else if (opt->has_value && i + 1 < argc)
			value = argv[++i];
		else if (opt->has_value)
			return kc_usage(err, "%s needs a value", opt->name);
		else if (eq)
			return kc_usage(err, "%s takes no value", opt->name);
		*seen |= 1u << opt->id;
		if (kc_apply_option(ctx, opt, value, root, err))
			return -1;
	}
	return npos;
}

static const struct kc_command *kc_find_command(const char *name)
{
	for (size_t i = 0; i < KC_ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* Every option given must be one the command takes. */
static int kc_check_options(const struct kc_command *cmd, unsigned int seen,
			    struct kc_err *err)
{
	for (size_t i = 0; i < KC_ARRAY_SIZE(options); i++)
		if (seen & (1u << options[i].id) && !(options[i].commands & cmd->bit))
			return kc_usage(err, "%s does not apply to %s",
					options[i].name, cmd->name);
	return 0;
}

static int kc_main(int argc, char **argv, struct kc_err *err)
{
	struct kc_ctx ctx = { .wait = -1 };
	const struct kc_command *cmd;
	const char *root = "/sys";
	unsigned int seen = 0;
	char *args[2] = { NULL, NULL };
	int npos, len;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			return 0;
		}
	}
	npos = kc_parse(argc, argv, &ctx, &seen, &root, err);
	if (npos < 0)
		return -1;
	if (!npos)
		return kc_usage(err, "no command (see kgrctl --help)");
	cmd = kc_find_command(argv[0]);
	if (!cmd)
		return kc_usage(err, "unknown command '%s' (see kgrctl --help)", argv[0]);
	if (npos - 1 < cmd->min_args)
		return kc_usage(err, "%s: missing argument (see kgrctl --help)", cmd->name);
	if (npos - 1 > cmd->max_args)
		return kc_usage(err, "%s: unexpected argument '%s'", cmd->name,
				argv[1 + cmd->max_args]);
	if (kc_check_options(cmd, seen, err))
		return -1;
	if (ctx.module && !ctx.unload)
		return kc_usage(err, "--module needs --unload");
	len = snprintf(ctx.kgr, sizeof(ctx.kgr), "%s/kernel/kgr", root);
	if (len < 0 || len >= (int)sizeof(ctx.kgr))
		return kc_usage(err, "--root: path too long");
	ctx.live = !strcmp(root, "/sys") || !strcmp(root, "/sys/");
	for (int i = 0; i < npos - 1; i++)
		args[i] = argv[1 + i];
	return cmd->run(&ctx, args, err);
}

int main(int argc, char **argv)
{
	struct kc_err err = { KC_EXIT_FAIL, "" };

	if (!kc_main(argc, argv, &err))
		return fflush(stdout) ? KC_EXIT_FAIL : 0;
	fflush(stdout);
	fprintf(stderr, "kgrctl: %s\n", err.msg);
	return err.status;
}
