# SPDX-License-Identifier: GPL-2.0-or-later
# Not a test: tests/vm/run's symbols boot. Prints the stock guest's
# /proc/kallsyms, gzip'd and base64'd, between KALLSYMS-BEGIN and
# KALLSYMS-END, for klp-ccp's --symbols (Debian's /boot/System.map is a
# stub): sympos of same-named statics, static locals, inlined callees.
# timeout: 120
echo 0 > /proc/sys/kernel/kptr_restrict
# No kernel message may cut into the base64 on the console.
dmesg -n 1
echo KALLSYMS-BEGIN
gzip -c /proc/kallsyms | base64
echo KALLSYMS-END
