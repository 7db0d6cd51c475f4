# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by group.sh: the helpers the groups of cases/ share. Each group
# runs in a shell of its own: $tmp is the group's, and its TAP numbers
# start at 1 (run.sh renumbers them).
n=0

result()	# result <0|1> <name> [diagnostic file]
{
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		[ -n "${3:-}" ] && sed 's/^/# /' "$3"
	fi
}

ccp()	# ccp <diff> [extra args]: runs the tool, output in $tmp/out
{
	d=$1
	shift
	"$tool" --src "$KSRC" --config "$KCONFIG" --symvers "$KHDR/Module.symvers" \
		"$@" "$here/diffs/$d.diff" > "$tmp/out" 2>&1
}

expect()	# expect <diff> <exit status> <pattern> <name>
{
	start=$(date +%s.%N)
	ccp "$1" --check
	rc=$?
	t=$(echo "$(date +%s.%N) - $start" | bc)
	echo "# $1: exit $rc in ${t}s"
	ok=1
	[ "$rc" = "$2" ] && grep -q -- "$3" "$tmp/out" && ok=0
	result $ok "$4" "$tmp/out"
}

ahead()	# ahead <pattern a> <pattern b>: $f has a line matching a before one matching b
{
	ah_a=$(grep -n -- "$1" "$f" | head -n 1 | cut -d: -f1)
	ah_b=$(grep -n -- "$2" "$f" | head -n 1 | cut -d: -f1)
	[ -n "$ah_a" ] && [ -n "$ah_b" ] && [ "$ah_a" -lt "$ah_b" ]
}

also()	# also <pattern> <name>: the last run's output has <pattern> too
{
	ok=1
	grep -q -- "$1" "$tmp/out" && ok=0
	result $ok "$2" "$tmp/out"
}

build_module()	# build_module <name>: $tmp/<name>/<name>.c, built warning-free
{
	printf 'obj-m += %s.o\nccflags-y += -I%s/include\n' "$1" "$repo" > "$tmp/$1/Kbuild"
	make -s -C "$KHDR" M="$tmp/$1" W=1 C=2 KBUILD_MODPOST_WARN=1 modules \
		> "$tmp/$1/build.log" 2>&1 || return 1
	! grep -v 'modpost: "_*kgr_[a-z_]*" .* undefined' "$tmp/$1/build.log" |
		grep -qi "warning\|error"
}

build_patch()	# build_patch <diff> <name> [klp-ccp arguments]
{
	bp_diff=$1 bp_name=$2
	shift 2
	mkdir -p "$tmp/$bp_name"
	ccp "$bp_diff" "$@" -o "$tmp/$bp_name/$bp_name.c" || return 1
	build_module "$bp_name"
}

# built <diff> <name> <test name> [klp-ccp arguments]: build_patch and its result; $f is the patch
built()
{
	b_name=$2 b_test=$3
	b_diff=$1
	shift 3
	build_patch "$b_diff" "$b_name" "$@"
	result $? "$b_test" "$tmp/$b_name/build.log"
	f=$tmp/$b_name/$b_name.c
}

# A System.map with fs/filesystems.c's symbols in a sea of fillers;
# another __get_fs_type lies far from them.
fake_map()	# fake_map <file> [name to leave out]
{
	i=0
	while [ $i -lt 1200 ]; do
		case $i in
		300) echo "ffffffff81000000 t __get_fs_type"; echo "ffffffff81000000 t other_fn" ;;
		800) for s in register_filesystem unregister_filesystem fs_index fs_name \
			__get_fs_type filesystems_proc_show get_fs_type put_filesystem \
			get_filesystem file_systems file_systems_lock; do
				[ "$s" = "${2:-}" ] || echo "ffffffff81000000 t $s"
			done ;;
		esac
		echo "ffffffff81000000 t filler_$i"
		i=$((i + 1))
	done > "$1"
}

# The same as a /proc/kallsyms copy, with binfmt_misc's and another
# module's symbols.
fake_kallsyms()	# fake_kallsyms <file> [vmlinux name to leave out] [module name to leave out]
{
	fake_map "$1.vmlinux" "${2:-}"
	sed 's/^[0-9a-f]* /0000000000000000 /' "$1.vmlinux" > "$1"
	# the second "enabled" of binfmt_misc is among fs/binfmt_misc.c's names
	for s in enabled $(seq -f "mod_filler_%g" 70) bm_register_write enabled \
		bm_status_read bm_status_write load_misc_binary bm_fill_super; do
		[ "$s" = "${3:-}" ] || printf '0000000000000000 t %s\t[binfmt_misc]\n' "$s"
	done >> "$1"
	printf '0000000000000000 t enabled\t[other_mod]\n' >> "$1"
}

callee_kallsyms()	# callee_kallsyms <file> <name>...: fillers plus <name>s
{
	out=$1
	shift
	{
		seq -f "0000000000000000 t callee_filler_%g" 1200
		for s in "$@"; do
			echo "0000000000000000 t $s"
		done
	} > "$out"
}

callee_patch()	# callee_patch <diff> <name> <kallsyms>: $rc, and $f the patch
{
	mkdir -p "$tmp/$2"
	f=$tmp/$2/$2.c
	ccp "$1" --symbols "$3" -o "$f"
	rc=$?
}

jobs_run()	# jobs_run <jobs> <diff name or path> [args]: $tmp/j<jobs>/{out,err,kgr_j.c}, $rc
{
	j=$1 d=$2
	shift 2
	case $d in */*) ;; *) d=$here/diffs/$d.diff ;; esac
	rm -rf "$tmp/j$j"
	mkdir "$tmp/j$j"
	"$tool" --src "$KSRC" --config "$KCONFIG" --symvers "$KHDR/Module.symvers" \
		-j "$j" -o "$tmp/j$j/kgr_j.c" "$@" "$d" \
		> "$tmp/j$j/out" 2> "$tmp/j$j/err"
	rc=$?
}

# a kallsyms copy taken while binfmt_misc was not loaded
nomod_kallsyms()	# nomod_kallsyms <file>
{
	fake_kallsyms "$1.all"
	grep -v '\[binfmt_misc\]' "$1.all" > "$1"
}

# kernel/audit.c's static locals as the 6.1.0-53 kernel lays them out:
# lock.4 (audit_rate_check) and lock.11 (audit_log_lost) both sit among
# the file's symbols, lock.11 next to last_msg.10; one more lock.11 of
# another file lies far away, first, so that sympos is 2.
audit_syms="audit_lost audit_failure audit_rate_limit audit_backlog_limit audit_panic"
audit_kallsyms()	# audit_kallsyms <file>
{
	callee_kallsyms "$1" last_check.2 messages.3 lock.4 serial.6 \
		__key.8 last_msg.10 lock.11 $audit_syms
	sed -i '1i 0000000000000000 b lock.11' "$1"
}

# The 6.1 config with IBT turned on stands for a CONFIG_X86_KERNEL_IBT
# target (Debian 6.12).
ibt_config()	# ibt_config <file>
{
	(grep -v "CONFIG_X86_KERNEL_IBT" "$KCONFIG"; echo "CONFIG_X86_KERNEL_IBT=y") > "$1"
}
