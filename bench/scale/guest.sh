# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of bench/scale: apply-to-finalize time and memory of patches
# of $FUNCS functions, kgr (kgr_scale_kgr_<n>_<slot>) against the kernel's
# livepatch (kgr_scale_klp_<n>_<slot>), with $TASKS sleeping tasks (the
# levels are cumulative) and two CPU-bound user tasks around. Every patch
# has functions of its own and stays applied (see bench/scale/gen); the
# two engines take turns in starting each pair. Per patch it prints
#   RESULT <engine> <funcs> <tasks> <total> <load_ms> <setup_ms> <ms> <slab> <vmalloc> <peak_slab> <peak_vmalloc>
# <total>: the tasks of the system; <load_ms>: from insmod to the start of
# the module's init (the module_load trace event, which the loader emits
# right before calling it), the loader's work whatever the engine;
# <setup_ms>: from insmod to the log
# line that says the transition runs (kgr prints it after its first round
# of stack checks, livepatch before); <ms>: from insmod to the log line of
# the finalize; times come from the kernel log. Memory, in kB, from
# /proc/meminfo (vmstat folded by vm/stat_refresh): Slab and VmallocUsed
# one second after the finalize, and the highest of each that
# kgr-scale peak sampled every 10 ms from insmod until then, less their
# values before insmod (with the sampler running). With $PROFILE set, the
# function_graph tracer times the phases of each apply (PROFILE_FUNCS)
# and prints per function "PROFILE <engine> <funcs> <tasks> <function>
# <calls> <ms>"; the times then include the tracer's. $FUNCS, $TASKS,
# $ROUNDS, $PROFILE, $ENGINES and $KGR_PARAMS (kgr.ko's parameters,
# "name=value ...") come from /tests/scale.conf
# (bench/scale/run).
# timeout: 3000
# qemu-accel: tcg,thread=single
# allow-taint: K
. /tests/lib.sh
. /tests/scale.conf

# A trace instance of its own for the loader's module_load event.
LT=/sys/kernel/tracing/instances/kgr-scale
load_trace_setup()
{
	mkdir -p $LT || fail "no trace instance $LT"
	echo 1 > $LT/events/module/module_load/enable ||
		fail "no module_load trace event"
}

# Microseconds from trace marker $1 to the module_load event of module $2.
load_us()
{
	awk -v m="$1" -v mod="$2" '
	function us(line) {
		match(line, /[0-9]+\.[0-9]+: /)
		split(substr(line, RSTART, RLENGTH - 2), t, ".")
		return t[1] * 1000000 + t[2]
	}
	index($0, "tracing_mark_write: " m) { t0 = us($0) }
	t0 && index($0, "module_load: " mod " ") { print us($0) - t0; exit }
	' $LT/trace
}

# Microseconds of the first kernel log line matching $1 after marker $2.
log_us()
{
	dmesg | sed -n "/$2/,\$p" | grep -m 1 "$1" |
		sed 's/^\[ *\([0-9]*\)\.\([0-9]*\)\].*/\1\2/'
}

# "<Slab> <VmallocUsed>" in kB, per-CPU counters folded first.
mem()
{
	echo 1 > /proc/sys/vm/stat_refresh 2>/dev/null
	sed -n -e 's/^Slab: *\([0-9]*\).*/\1/p' \
		-e 's/^VmallocUsed: *\([0-9]*\).*/\1/p' /proc/meminfo | tr '\n' ' '
}

TR=/sys/kernel/tracing
# The phases of an apply: module loading; kgr's registration, resolution,
# redirection, rounds of checks and finish; livepatch's likewise; ftrace.
PROFILE_FUNCS="load_module do_init_module
kgr_patch_kernel __kgr_patch_kernel kgr_sysfs_add_patch kgr_apply
kgr_fun_resolve kgr_check_duplicates kgr_push_funs kgr_redirect_add
kgr_redirect_commit kgr_symbols_resolve kgr_objects_build kgr_build_ranges kgr_redirect_sync kgr_migrate_go kgr_migrate_round
kgr_migrate_work_fn kgr_transition_finish
klp_enable_patch klp_init_patch klp_init_object klp_init_func
klp_init_transition klp_patch_object klp_patch_func klp_start_transition
klp_try_complete_transition klp_transition_work_fn klp_complete_transition
klp_send_signals klp_synchronize_transition
register_ftrace_function ftrace_set_filter_ip ftrace_set_filter_ips
kallsyms_lookup_name kallsyms_on_each_symbol synchronize_rcu
synchronize_rcu_tasks synchronize_rcu_tasks_rude schedule_on_each_cpu"

profile_setup()
{
	for f in $PROFILE_FUNCS; do
		echo "$f" >> $TR/set_ftrace_filter 2>/dev/null
	done
	echo 1 > $TR/options/funcgraph-tail
	echo 0 > $TR/tracing_on
	echo 8192 > $TR/buffer_size_kb
	echo function_graph > $TR/current_tracer || fail "no function_graph tracer"
}

# Per traced function: its calls and their total time in ms.
profile_print()
{
	echo 0 > $TR/tracing_on
	awk -v p="$1 $2 $sleeping" '
	/\|/ {
		i = index($0, "|")
		d = substr($0, 1, i - 1)
		f = substr($0, i + 1)
		if (!match(d, /[0-9]+(\.[0-9]+)? us/))
			next
		t = substr(d, RSTART, RLENGTH - 3)
		if (f ~ /} \/\* /) {
			sub(/.*} \/\* /, "", f)
		} else if (f ~ /\);/) {
			sub(/^ */, "", f)
			sub(/\(.*/, "", f)
		} else {
			next
		}
		sub(/ .*/, "", f)
		n[f]++
		s[f] += t
	}
	END {
		for (f in n)
			printf "PROFILE %s %s %d %.1f\n", p, f, n[f], s[f] / 1000
	}' $TR/trace
}

# measure <engine> <funcs> <slot>: apply the patch and wait for its end.
measure()
{
	eng=$1 funcs=$2 mod=kgr_scale_$1_$2_$3
	case " $ENGINES " in *" $eng "*) ;; *) return 0 ;; esac
	if [ "$eng" = kgr ]; then
		dir=$KGR/$mod start="$mod: applying" end="$mod: applied"
	else
		dir=/sys/kernel/livepatch/$mod
		start="'$mod': starting patching transition"
		end="'$mod': patching complete"
	fi
	kgr-scale peak > /tmp/peak &
	peak=$!
	# The sampler's own memory is in the baseline.
	sleep 0.2
	set -- $(mem)
	s0=$1 v0=$2
	marker="bench-scale-$mod"
	if [ -n "$PROFILE" ]; then
		echo > $TR/trace
		echo 1 > $TR/tracing_on
	fi
	# The marker's log time is the start: nothing but insmod after it.
	echo > $LT/trace
	echo "$marker" > $LT/trace_marker
	echo "$marker" > /dev/kmsg
	insmod "$KO/$mod.ko" || fail "insmod $mod failed"
	n=0
	while :; do
		read -r tr < "$dir/transition" || fail "$mod: no $dir/transition"
		[ "$tr" = 0 ] && break
		n=$((n + 1))
		[ $n -lt 12000 ] || fail "$mod: transition still running after 10 min"
		usleep 50000
	done
	sleep 1
	set -- $(mem)
	kill $peak
	wait $peak
	read -r _ ps pv < /tmp/peak
	t0=$(log_us "$marker" "$marker")
	t1=$(log_us "$start" "$marker")
	t2=$(log_us "$end" "$marker")
	[ -n "$t2" ] || fail "$mod: no '$end' in the log"
	tl=$(load_us "$marker" "$mod")
	[ -n "$tl" ] || fail "$mod: no module_load event traced"
	[ -z "$PROFILE" ] || profile_print "$eng" "$funcs"
	tasks=$(cut -d' ' -f4 /proc/loadavg | cut -d/ -f2)
	echo "RESULT $eng $funcs $sleeping $tasks" $((tl / 1000)) \
		$(( (t1 - t0) / 1000 )) $(( (t2 - t0) / 1000 )) \
		$(($1 - s0)) $(($2 - v0)) $((ps - s0)) $((pv - v0))
}

load_kgr
for p in $KGR_PARAMS; do
	echo "${p#*=}" > "/sys/module/kgr/parameters/${p%%=*}" ||
		fail "cannot set kgr.ko's parameter $p"
done
# A gigabyte of guest memory allows about 8,000 threads by default.
echo 65536 > /proc/sys/kernel/threads-max
load kgr_scale_target
load_trace_setup
[ -z "$PROFILE" ] || profile_setup
( while :; do :; done ) &
spin1=$!
( while :; do :; done ) &
spin2=$!
sleeping=0
pids=
slot=0
pair=0
for t in $TASKS; do
	pids="$pids $(kgr-scale sleepers $((t - sleeping)))" ||
		fail "cannot start $((t - sleeping)) sleepers"
	sleeping=$t
	sleep 2
	r=0
	while [ $r -lt "$ROUNDS" ]; do
		for f in $FUNCS; do
			pair=$((pair + 1))
			if [ $((pair % 2)) = 0 ]; then
				measure kgr "$f" $slot
				measure klp "$f" $slot
			else
				measure klp "$f" $slot
				measure kgr "$f" $slot
			fi
		done
		r=$((r + 1))
		slot=$((slot + 1))
	done
done
kill $spin1 $spin2 $pids
