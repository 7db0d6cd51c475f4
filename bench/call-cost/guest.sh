# SPDX-License-Identifier: GPL-2.0-or-later
# bench/call-cost in the guest: the cost of a call to a function patched
# by kgr (after finalize: on the direct path, then with it switched off,
# through ftrace's handler) and by the kernel's livepatch, against an
# unpatched one, all measured side by side by kgr_bench_target.
# Single-threaded TCG: see tests/vm/tests/21-migrate-torture.sh.
# timeout: 300
# qemu-accel: tcg,thread=single
# allow-taint: K
. /tests/lib.sh

ratio()
{
	awk "BEGIN { printf \"%.2f\", $1 / $2 }"
}

# $1: the kgr path measured ("direct" or "handler").
measure()
{
	for i in 1 2 3; do
		read -r _ plain _ kgr _ klp < /proc/kgr_bench
		echo "bench: $(kver) kgr-$1: plain $plain ps, kgr $kgr ps," \
			"klp $klp ps per call; kgr/plain $(ratio "$kgr" "$plain")" \
			"klp/plain $(ratio "$klp" "$plain")" \
			"kgr/klp $(ratio "$kgr" "$klp")"
	done
}

load_kgr
load kgr_bench_target
read -r _ plain0 _ kgr0 _ klp0 < /proc/kgr_bench
echo "bench: $(kver) unpatched: plain $plain0 ps, kgr's target $kgr0 ps," \
	"klp's target $klp0 ps per call"
load kgr_bench_kgr
kgr_wait_transition kgr_bench_kgr
insmod $KO/kgr_bench_klp.ko || fail "klp patch refused"
klp_wait kgr_bench_klp
# kgr.ko takes the direct path in the background after the transition.
t=100
until grep -q "direct-->kgr_entry_stub_" /sys/kernel/tracing/enabled_functions; do
	t=$((t - 1))
	[ "$t" -gt 0 ] || fail "kgr's patch is not on the direct path"
	sleep 0.1
done
measure direct
echo 0 > /sys/module/kgr/parameters/direct
t=100
while grep -q "direct-->kgr_entry_stub_" /sys/kernel/tracing/enabled_functions; do
	t=$((t - 1))
	[ "$t" -gt 0 ] || fail "kgr's patch is still on the direct path"
	sleep 0.1
done
measure handler
echo 1 > /sys/module/kgr/parameters/direct
kgr_revert kgr_bench_kgr kgr_bench_kgr
echo 0 > /sys/kernel/livepatch/kgr_bench_klp/enabled
