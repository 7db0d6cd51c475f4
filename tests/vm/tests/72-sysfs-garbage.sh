# SPDX-License-Identifier: GPL-2.0-or-later
# Garbage in every writable file of /sys/kernel/kgr, of an applied patch
# and of one whose transition runs (a reader asleep in pipe_read holds it
# open): "2", "-1", empty, whitespace around a word, a NUL, words with a
# tail, oversized writes, then random bytes. Each write must be refused
# and leave enabled, transition, forced, replace_all, in_progress and
# every function's state as they were, with no WARNING or BUG logged.
# timeout: 100
. /tests/lib.sh

IDLE=kgr_sample_uptime
BUSY=kgr_test_pipe
PARAM=/sys/module/kgr/parameters/migrate_signal_ms
RANDOM_WRITES=750

load_kgr
cd /tmp
load $IDLE
kgr_wait_transition $IDLE
rm -f fifo
mkfifo fifo
(line=$(cat /tmp/fifo)) &
reader=$!
wait_wchan $reader pipe_read
old_timeout=$(cat $PARAM)
echo 600000 > $PARAM
load $BUSY
sleep 0.5
[ "$(cat $KGR/$BUSY/transition)" = 1 ] || fail "no transition while the reader blocks"

targets="$KGR/$IDLE/enabled $KGR/$IDLE/force $KGR/$BUSY/enabled $KGR/$BUSY/force"
state_files="$KGR/in_progress $(find $KGR -name enabled -o -name transition -o \
	-name forced -o -name replace_all -o -name state | sort)"

# The state into $now, read with builtins only: no fork per check. A
# WARNING taints W and a BUG or Oops D: the taint is part of it, and the
# log is searched every 100 writes (tests/vm/run searches it all).
state()
{
	now=
	for _f in $state_files /proc/sys/kernel/tainted; do
		read -r _v < "$_f"
		now="$now $_v"
	done
}
state
before=$now
echo "state: $before"
tries=0
start=$(date +%s)

# try FILE DESC LEN [SKIP]: write LEN bytes in one write() to FILE, from
# /tmp/payload or, with SKIP, from the SKIP-th LEN-byte block of /tmp/pool.
# The write must be refused and change nothing.
try()
{
	_in=/tmp/payload
	[ -z "$4" ] || _in=/tmp/pool
	if [ "$3" = 0 ]; then
		: > "$1"
	elif dd if=$_in of="$1" bs="$3" skip="${4:-0}" count=1 conv=notrunc 2>/dev/null; then
		fail "$1 accepted $2: $(dd if=$_in bs="$3" skip="${4:-0}" count=1 2>/dev/null |
			od -An -c | head -n 4)"
	fi
	tries=$((tries + 1))
	state
	[ "$now" = "$before" ] ||
		fail "$2 written to $1 changed the state: $now, was $before"
	[ $((tries % 100)) != 0 ] || check_log "$2 to $1"
}

check_log()
{
	if dmesg | grep -qE 'WARNING|BUG|Oops'; then
		fail "kernel log after $tries writes ($1): $(dmesg | tail -n 20)"
	fi
}

# Fixed cases, as printf formats.
for fmt in '' '\n' '2' '2\n' '-1' '-1\n' '+1' '00' '01' '10' '11' '0x1' \
	'1.0' ' 1' ' 0' '1 ' '0 ' '\t1\n' '1\t\n' ' 1 \n' '1\n\n' '0\n\n' \
	'\n1' '\r1' '1\r\n' '0\r\n' 'yes' 'no' 'nope' 'y1' 'n0' 'Yes' 'NO' \
	'true' 'false' 'on ' ' off' 'onn' 'offf' 'ON' 'OFF' 'of' 'o' \
	'0garbage' '1garbage' 'enable' 'disable' '\0' '\0001' '1\000' \
	'0\000' '1\0000' '\377' '1\377' '\3770'; do
	printf "$fmt" > /tmp/payload
	len=$(wc -c < /tmp/payload)
	for f in $targets; do
		try "$f" "'$fmt'" "$len"
	done
done
# Oversized: a page and more (kernfs refuses more than a page: E2BIG).
for n in 4095 4096 4097 8192 65536; do
	for c in 0 1 ' '; do
		head -c $n /dev/zero | tr '\0' "$c" > /tmp/payload
		for f in $targets; do
			try "$f" "$n times '$c'" $n
		done
	done
done
# A page of garbage behind a valid word.
{ printf 1; head -c 4000 /dev/zero; } > /tmp/payload
for f in $targets; do
	try "$f" "1 and 4000 NULs" 4001
done
fixed=$tries

# Random bytes, 3 to 64 of them: too long to be one of the words (but
# "on\n" and "off", one chance in 2^23 each, which try reports).
head -c 65536 /dev/urandom > /tmp/pool
echo "$fixed fixed writes refused after $(($(date +%s) - start)) s"
set -- $targets
i=0
while [ $i -lt $RANDOM_WRITES ]; do
	len=$((RANDOM % 62 + 3))
	eval f=\${$((i % 4 + 1))}
	try "$f" "$len random bytes" $len $((RANDOM % (65536 / len)))
	i=$((i + 1))
done

check_log "the last write"
[ "$(cat $KGR/$BUSY/transition)" = 1 ] || fail "the transition ended during the test"
echo 0 > $KGR/$BUSY/enabled || fail "reversing the transition refused"
kgr_wait_transition $BUSY 10
echo "$old_timeout" > $PARAM
rmmod $BUSY || fail "rmmod $BUSY failed"
echo hello > /tmp/fifo
wait $reader
kgr_revert $IDLE $IDLE
echo "$tries bad writes refused ($fixed fixed, $((tries - fixed)) random) over 4 files in $(($(date +%s) - start)) s, state unchanged"
