/* SPDX-License-Identifier: GPL-2.0-or-later */
/* klp-ccp: the kernel .config: reading it and turning it into autoconf.h. */
#ifndef KLP_CCP_CONFIG_H
#define KLP_CCP_CONFIG_H

#include "util.h"

struct kconfig {
	char **names, **values;	/* "CONFIG_FOO", "y" */
	size_t n, cap;
};

int config_read(const char *path, struct kconfig *cfg, struct tl_err *err);
const char *config_get(const struct kconfig *cfg, const char *name);
int config_write_autoconf(const struct kconfig *cfg, const char *path,
			  struct tl_err *err);
void config_free(struct kconfig *cfg);

#endif
