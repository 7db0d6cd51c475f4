# SPDX-License-Identifier: GPL-2.0-or-later
# bench/call-cost in the guest: the cost of a call to a function patched
# by kgr (after finalize) and by the kernel's livepatch, against an
# unpatched one, all three measured side by side by kgr_bench_target.
# Single-threaded TCG: see tests/vm/tests/21-migrate-torture.sh.
# timeout: 300
# qemu-accel: tcg,thread=single
# allow-taint: K
. /tests/lib.sh

load_kgr
load kgr_bench_target
read -r _ plain0 _ kgr0 _ klp0 < /proc/kgr_bench
load kgr_bench_kgr
kgr_wait_transition kgr_bench_kgr
insmod $KO/kgr_bench_klp.ko || fail "klp patch refused"
t=600
while [ "$(cat /sys/kernel/livepatch/kgr_bench_klp/transition)" = 1 ]; do
	t=$((t - 1))
	[ "$t" -gt 0 ] || fail "klp transition did not finish"
	sleep 0.1
done
for i in 1 2 3; do
	read -r _ plain _ kgr _ klp < /proc/kgr_bench
	echo "bench: $(kver) unpatched-before ${plain0}/${kgr0}/${klp0} ps;" \
		"plain $plain ps, kgr $kgr ps, klp $klp ps per call;" \
		"kgr/plain $(awk "BEGIN { printf \"%.2f\", $kgr / $plain }")" \
		"klp/plain $(awk "BEGIN { printf \"%.2f\", $klp / $plain }")" \
		"kgr/klp $(awk "BEGIN { printf \"%.2f\", $kgr / $klp }")"
done
kgr_revert kgr_bench_kgr kgr_bench_kgr
echo 0 > /sys/kernel/livepatch/kgr_bench_klp/enabled
