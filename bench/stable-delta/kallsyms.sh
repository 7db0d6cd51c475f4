# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of bench/stable-delta's symbols step: insmod each module of
# /mods/list (dependencies first), then print /proc/kallsyms, gzip'd and
# base64'd, between KALLSYMS-BEGIN and KALLSYMS-END. Per module the lines
#   MOD <name>                    before its insmod (the host's culprit if
#                                 the guest dies)
#   MODLOAD <name> ok|fail <why>
# timeout: 3000
echo 0 > /proc/sys/kernel/kptr_restrict
for m in $(cat /mods/list); do
	echo "MOD $m"
	if insmod "/mods/$m.ko" 2>/tmp/err; then
		echo "MODLOAD $m ok"
	else
		echo "MODLOAD $m fail $(tr '\n' ' ' < /tmp/err)"
	fi
done
# No kernel message may cut into the base64 on the console.
dmesg -n 1
echo KALLSYMS-BEGIN
gzip -c /proc/kallsyms | base64
echo KALLSYMS-END
exit 0
