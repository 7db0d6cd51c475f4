# SPDX-License-Identifier: GPL-2.0-or-later
# kgr: the entry points. See README.md.
#   make [KDIR=<kernel build dir>]  kgr.ko, the samples and the tools
#        [SIGN_KEY=key.pem SIGN_CERT=cert.pem]   and sign the modules
#   make deps                       install the Debian packages kgr needs
#   make check                      lint + cocci + tool tests + VM suite + KUnit
#   make demo                       live-patch a stock Debian 6.1 kernel in qemu
#   make kunit | vm | lint | bench | soak
#   make bench-scale                apply time and memory against patch size
#                                   and task count (also part of make bench)
#   make bench-stable-delta         klp-ccp end to end on a Debian stable
#                                   delta (6.1.187-1 -> 6.1.190-1)
#   make bench-stable-delta-quality 14 of its fixes: old behaviour, fixed
#                                   with the patch applied, old again
#   make cocci                      semantic checks of the patches (Coccinelle)
#   make docs                       Documentation/ as HTML, API reference from kernel-doc
#   make install [PREFIX=/usr/local] [DESTDIR=]  kgrctl and its manual page
#   make deb PATCH=fix.ko [VERSION=1] [LINE=name]
#                                   Debian packages of a patch (build/deb/)
#   make fleet-test                 packages rolled out by Ansible to two guests
KDIR_FOUND := $(shell scripts/kdir.sh)
KDIR ?= $(word 1,$(KDIR_FOUND))
KDIR_WHY := $(if $(filter command line environment,$(origin KDIR)),given,$(word 2,$(KDIR_FOUND)))
TOOLS := $(patsubst %/Makefile,%,$(wildcard tools/*/Makefile))

.PHONY: all modules tools install deps check demo kunit vm lint cocci docs bench bench-scale bench-stable-delta bench-stable-delta-quality soak deb fleet-test clean

all: modules tools

modules:
	@echo "kgr: building against $(KDIR)$(if $(filter newest-headers,$(KDIR_WHY)), (no build dir for the running kernel $(shell uname -r): using the newest installed linux-headers))"
	@test -d "$(KDIR)" || { echo "kgr: no kernel headers found: run make deps or give KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) CONFIG_KGR=m modules
	$(if $(SIGN_KEY)$(SIGN_CERT),scripts/sign-modules.sh "$(KDIR)" "$(SIGN_KEY)" "$(SIGN_CERT)" \
		$$(find framework samples tests -name '*.ko' | sort))

tools:
	@for t in $(TOOLS); do $(MAKE) -C $$t || exit 1; done

install:
	$(MAKE) -C tools/kgrctl install

deps:
	@scripts/deps.sh

docs: deps
	@scripts/docs

check: deps
	@scripts/check

demo: deps
	@scripts/demo

kunit: deps
	@tests/kunit/run

vm: deps
	@tests/vm/run

lint: deps
	@scripts/lint

# The samples and test modules against both kernels' Module.symvers, the
# rules' own fixtures, then klp2kgr on the kernel's livepatch modules.
COCCI_SYMVERS := $(wildcard /usr/src/linux-headers-6.1.*-amd64/Module.symvers \
	/usr/src/linux-headers-6.12.*-amd64/Module.symvers)
# Not the .mod.c files an in-tree build leaves; with the patch bodies that
# test modules include from a header.
COCCI_FILES := $(filter-out %.mod.c,$(wildcard samples/*.c tests/vm/modules/*.c)) \
	$(wildcard tests/vm/modules/*_patch.h)
cocci: deps
	@rc=0; \
	scripts/cocci-check --tap $(addprefix --symvers ,$(COCCI_SYMVERS)) \
		$(COCCI_FILES) || rc=1; \
	tests/cocci/run || rc=1; \
	tests/cocci/klp2kgr || rc=1; \
	exit $$rc

bench: deps
	@bench/run

bench-scale: deps
	@bench/scale/run

# Not part of make bench or make check: downloads ~360 MB, ~5 GiB in
# build/stable-delta (STABLE_DELTA_CACHE=), bench/stable-delta/run.
bench-stable-delta: deps tools
	@bench/stable-delta/run

# The same cache; the fixes of bench/stable-delta/fixes/ in the 6.1.0-53
# guest (Documentation/klp-ccp.rst, "Quality: what a fix's patch changes").
bench-stable-delta-quality: deps tools
	@bench/stable-delta/quality

# The consistency torture, 20 boots per kernel and TCG mode (hours).
soak: deps
	@tests/vm/soak

# PATCH must be built against the same KDIR (make KDIR=... or a Kbuild of
# its own); SIGN_KEY and SIGN_CERT sign both modules.
DEB_OUT ?= build/deb
deb:
	@test -n "$(PATCH)" || { echo "make deb: give PATCH=<patch module .ko> [VERSION=1] [LINE=name]" >&2; exit 2; }
	@$(MAKE) --no-print-directory modules tools
	@mkdir -p $(DEB_OUT)
	tools/kgr-deb/kgr-mkdeb --kdir $(KDIR) --kgr framework/kgr.ko --patch $(PATCH) \
		--version $(or $(VERSION),1) $(if $(LINE),--line $(LINE)) --out $(DEB_OUT) \
		$(if $(SIGN_KEY),--sign-key $(SIGN_KEY)) $(if $(SIGN_CERT),--sign-cert $(SIGN_CERT))

fleet-test: deps
	@tests/fleet/run

clean:
	$(if $(wildcard $(KDIR)),$(MAKE) -C $(KDIR) M=$(CURDIR) clean)
	@for t in $(TOOLS); do $(MAKE) -C $$t clean; done
	rm -rf build
