# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by run.sh and vm-samples.sh (with $repo set): the Debian 6.1
# kernel the klp-ccp tests work against, unless the caller sets them.
# KSRC: linux-source-6.1 unpacked by scripts/ksrc.sh; KHDR: the newest
# linux-headers-6.1.*-amd64; KCONFIG: that headers package's .config.
if [ -z "${KSRC:-}" ]; then
	KSRC=$("$repo/scripts/ksrc.sh") || KSRC=/nonexistent/linux-source-6.1
fi
if [ -z "${KHDR:-}" ]; then
	KHDR=$(ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -V | tail -n 1)
	KHDR=${KHDR:-/nonexistent/linux-headers-6.1-amd64}
fi
KCONFIG=${KCONFIG:-$KHDR/.config}
