# SPDX-License-Identifier: GPL-2.0-or-later
# tools/lib, included by each tool's Makefile after it sets:
#   TL_USE       the parts it links: err json ksym vec xalloc (vec needs
#                xalloc; ksym needs libelf)
#   TL_PROG      its name, for the out-of-memory message
#   TL_OOM_EXIT  the exit status of that message
# Each tool builds its own copy of those objects (lib-<part>.o in its own
# directory, with its own CFLAGS): no two tools share a build step.
TL_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
TL_SRCS := $(TL_USE:%=$(TL_DIR)/%.c)
TL_OBJS := $(TL_USE:%=lib-%.o)
TL_HDRS := $(wildcard $(TL_DIR)/*.h)
TL_DEFS := -DTL_PROG='"$(TL_PROG)"' -DTL_OOM_EXIT=$(TL_OOM_EXIT)
CFLAGS += -I$(TL_DIR)/..

lib-%.o: $(TL_DIR)/%.c $(TL_HDRS)
	$(CC) $(CFLAGS) $(TL_DEFS) -c -o $@ $<
