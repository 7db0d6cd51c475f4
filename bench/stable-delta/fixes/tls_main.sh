# SPDX-License-Identifier: GPL-2.0-or-later
# file: net/tls/tls_main.c
# function: do_tls_setsockopt_conf (inlined: patched through
#   do_tls_setsockopt into tls_setsockopt)
# effect: TLS_TX on a loopback TCP socket in a sockmap (TCP_ULP "tls"
#   attached): the fix refuses it (EINVAL); before it, the kernel goes on
#   to set up the cipher (gcm(aes) is a module the guest does not load:
#   ENOENT, or 0 where it is built in).
probe() { kgr-fixprobe tls-sockmap; }
OLD='ulp=0 errno=[02]'
NEW='ulp=0 errno=22'
