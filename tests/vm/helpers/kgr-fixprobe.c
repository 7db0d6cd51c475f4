// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kgr-fixprobe - the user-space side of bench/stable-delta's quality step
 * (the scripts of bench/stable-delta/quality): each command does what tells one
 * stable fix's old behaviour from its new one, and prints one line of
 * what it saw, "key=value ...". The network ones run in a network
 * namespace of their own (unshare), so what they add goes with them.
 *
 *   kgr-fixprobe sockmap-big          BPF_MAP_CREATE of a sockmap of 2^31
 *                                     entries: errno=
 *   kgr-fixprobe fib-auto N           N "ip rule add lookup 0" (a table of
 *                                     its own each): added= errno=
 *   kgr-fixprobe qdisc KIND Q         root qdisc KIND (fq_pie hhf sfq ets)
 *                                     on lo with quantum Q: errno= quantum=
 *   kgr-fixprobe qdisc-mtu KIND MTU   root qdisc KIND (fq_codel), no options,
 *                                     on lo of MTU bytes: errno= quantum=
 *   kgr-fixprobe drr-class Q          drr on lo, class 1:1 quantum Q:
 *                                     errno= quantum=
 *   kgr-fixprobe taskstats-mask STR   TASKSTATS_CMD_GET registering cpumask
 *                                     STR, not NUL-terminated: errno=
 *   kgr-fixprobe auxv                 PR_SET_MM_AUXV of one entry, then the
 *                                     size of /proc/self/auxv: errno= bytes=
 *   kgr-fixprobe fanotify-fionread F  FIONREAD and read() of a
 *                                     FAN_REPORT_PIDFD group's FAN_OPEN event
 *                                     of file F: fionread= read=
 *   kgr-fixprobe arp-dev16            SIOCGARP naming lo, renamed to 15
 *                                     characters, in 16 bytes without a NUL:
 *                                     errno=
 *   kgr-fixprobe tls-sockmap          TLS_TX on a loopback TCP socket that
 *                                     is in a sockmap: ulp= errno=
 *
 * Exits 0 once it printed its line, 1 when the probe itself could not be
 * set up (the line says why), 255 for a bad command line. Built statically
 * by tests/vm/run.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <elf.h>
#include <linux/bpf.h>
#include <linux/fanotify.h>
#include <linux/fib_rules.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/taskstats.h>
#include <linux/tls.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SOL_TLS
#define SOL_TLS 282
#endif
#ifndef TCP_ULP
#define TCP_ULP 31
#endif
#ifndef FAN_REPORT_PIDFD
#define FAN_REPORT_PIDFD 0x00000080
#endif

static int die(const char *what)
{
	printf("error=%s:%s\n", what, strerror(errno));
	exit(1);
}

static void own_netns(void)
{
	if (unshare(CLONE_NEWNET))
		die("unshare");
}

/* SIOCSIFMTU or SIOCSIFFLAGS of lo to @value. */
static void set_lo(unsigned long req, int value)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (req == SIOCSIFMTU)
		ifr.ifr_mtu = value;
	else
		ifr.ifr_flags = value;
	if (s < 0 || ioctl(s, req, &ifr))
		die("lo");
	close(s);
}

/* Netlink messages: a header, then attributes, nests closed by hand. */
struct msg {
	struct nlmsghdr *n;
	char buf[16384];
};

static struct nlmsghdr *msg_init(struct msg *m, int type, int flags,
				 const void *hdr, int hdrlen)
{
	memset(m->buf, 0, sizeof(m->buf));
	m->n = (struct nlmsghdr *)m->buf;
	m->n->nlmsg_len = NLMSG_LENGTH(hdrlen);
	m->n->nlmsg_type = type;
	m->n->nlmsg_flags = NLM_F_REQUEST | flags;
	memcpy(NLMSG_DATA(m->n), hdr, hdrlen);
	return m->n;
}

static struct nlattr *put(struct msg *m, int type, const void *data, int len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + NLMSG_ALIGN(m->n->nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	m->n->nlmsg_len = NLMSG_ALIGN(m->n->nlmsg_len) + NLA_ALIGN(a->nla_len);
	return a;
}

static struct nlattr *put_u32(struct msg *m, int type, unsigned int v)
{
	return put(m, type, &v, sizeof(v));
}

static struct nlattr *nest(struct msg *m, int type)
{
	return put(m, type | NLA_F_NESTED, NULL, 0);
}

static void nest_end(struct msg *m, struct nlattr *a)
{
	a->nla_len = m->buf + m->n->nlmsg_len - (char *)a;
}

static int nl_open(int proto)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);

	if (fd < 0)
		die("netlink socket");
	return fd;
}

static char reply[65536];

/* Send @m, numbered: its number. */
static unsigned int send_msg(int fd, struct msg *m)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	static unsigned int seq;

	m->n->nlmsg_seq = ++seq;
	if (sendto(fd, m->buf, m->n->nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		die("netlink send");
	return seq;
}

/* The next replies: the first of them, *@len bytes in all. */
static struct nlmsghdr *recv_msgs(int fd, int *len)
{
	ssize_t n = recv(fd, reply, sizeof(reply), 0);

	if (n < 0)
		die("netlink recv");
	*len = n;
	return (struct nlmsghdr *)reply;
}

/* Send @m with an ack wanted; 0 or the errno of the ack. */
static int talk(int fd, struct msg *m)
{
	struct nlmsghdr *h;
	unsigned int seq;
	int len;

	m->n->nlmsg_flags |= NLM_F_ACK;
	seq = send_msg(fd, m);
	for (;;)
		for (h = recv_msgs(fd, &len); NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len))
			if (h->nlmsg_seq == seq && h->nlmsg_type == NLMSG_ERROR)
				return -((struct nlmsgerr *)NLMSG_DATA(h))->error;
}

/* The first attribute @type among @len bytes at @a, or NULL. */
static struct nlattr *find(struct nlattr *a, int len, int type)
{
	for (; len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len),
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
	return NULL;
}

#define DATA(a) ((void *)((char *)(a) + NLA_HDRLEN))

/*
 * Dump RTM_GETQDISC or RTM_GETTCLASS of ifindex 1 and copy the TCA_OPTIONS
 * of the one with handle @handle (its payload) to @opt; its length, -1 if
 * there is none.
 */
static int dump_options(int fd, int type, unsigned int handle, void *opt,
			int size)
{
	struct tcmsg t = { .tcm_family = AF_UNSPEC, .tcm_ifindex = 1 };
	struct nlmsghdr *h;
	int found = -1;
	struct msg m;
	int len;

	msg_init(&m, type, NLM_F_DUMP, &t, sizeof(t));
	send_msg(fd, &m);
	for (;;) {
		for (h = recv_msgs(fd, &len); NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len)) {
			struct tcmsg *tm = NLMSG_DATA(h);
			struct nlattr *o;

			if (h->nlmsg_type == NLMSG_DONE ||
			    h->nlmsg_type == NLMSG_ERROR)
				return found;
			if (tm->tcm_ifindex != 1 || tm->tcm_handle != handle)
				continue;
			o = find((struct nlattr *)((char *)tm +
						   NLMSG_ALIGN(sizeof(*tm))),
				 h->nlmsg_len - NLMSG_LENGTH(sizeof(*tm)),
				 TCA_OPTIONS);
			if (o && o->nla_len - NLA_HDRLEN <= size) {
				found = o->nla_len - NLA_HDRLEN;
				memcpy(opt, DATA(o), found);
			}
		}
	}
}

static long u32_of(struct nlattr *a)
{
	return a ? (long)*(unsigned int *)DATA(a) : -1;
}

/*
 * A network namespace of our own and in @m the adding of qdisc 1: of
 * @kind as the root of its lo (ifindex 1), options to follow: the
 * rtnetlink socket to send it on.
 */
static int new_qdisc(struct msg *m, const char *kind)
{
	struct tcmsg t = { .tcm_family = AF_UNSPEC, .tcm_ifindex = 1,
			   .tcm_parent = TC_H_ROOT, .tcm_handle = 0x10000 };
	int fd;

	own_netns();
	fd = nl_open(NETLINK_ROUTE);
	msg_init(m, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, &t, sizeof(t));
	put(m, TCA_KIND, kind, strlen(kind) + 1);
	return fd;
}

static int qdisc(const char *kind, unsigned int quantum)
{
	char opt[4096];
	struct nlattr *o, *q;
	struct msg m;
	long seen = -1;
	int fd, err, len;

	fd = new_qdisc(&m, kind);
	if (!strcmp(kind, "sfq")) {
		struct tc_sfq_qopt s = { .quantum = quantum };

		put(&m, TCA_OPTIONS, &s, sizeof(s));
	} else {
		o = nest(&m, TCA_OPTIONS);
		if (!strcmp(kind, "fq_pie")) {
			put_u32(&m, TCA_FQ_PIE_QUANTUM, quantum);
		} else if (!strcmp(kind, "hhf")) {
			put_u32(&m, TCA_HHF_QUANTUM, quantum);
		} else if (!strcmp(kind, "ets")) {
			unsigned char bands = 2;

			put(&m, TCA_ETS_NBANDS, &bands, 1);
			q = nest(&m, TCA_ETS_QUANTA);
			put_u32(&m, TCA_ETS_QUANTA_BAND, quantum);
			put_u32(&m, TCA_ETS_QUANTA_BAND, quantum);
			nest_end(&m, q);
		} else {
			fprintf(stderr, "kgr-fixprobe: no qdisc %s\n", kind);
			exit(255);
		}
		nest_end(&m, o);
	}
	err = talk(fd, &m);
	len = err ? -1 : dump_options(fd, RTM_GETQDISC, 0x10000, opt,
				      sizeof(opt));
	if (len < 0) {
		seen = -1;
	} else if (!strcmp(kind, "sfq")) {
		seen = len >= (int)sizeof(struct tc_sfq_qopt) ?
			(long)((struct tc_sfq_qopt *)opt)->quantum : -1;
	} else if (!strcmp(kind, "fq_pie")) {
		seen = u32_of(find((struct nlattr *)opt, len, TCA_FQ_PIE_QUANTUM));
	} else if (!strcmp(kind, "hhf")) {
		seen = u32_of(find((struct nlattr *)opt, len, TCA_HHF_QUANTUM));
	} else {
		q = find((struct nlattr *)opt, len, TCA_ETS_QUANTA);
		if (q)
			seen = u32_of(find(DATA(q), q->nla_len - NLA_HDRLEN,
					   TCA_ETS_QUANTA_BAND));
	}
	printf("errno=%d quantum=%ld\n", err, seen);
	return 0;
}

static int qdisc_mtu(const char *kind, int mtu)
{
	char opt[4096];
	struct msg m;
	long seen = -1;
	int fd, err, len;

	if (strcmp(kind, "fq_codel")) {
		fprintf(stderr, "kgr-fixprobe: no qdisc-mtu %s\n", kind);
		exit(255);
	}
	fd = new_qdisc(&m, kind);
	set_lo(SIOCSIFMTU, mtu);
	err = talk(fd, &m);
	len = err ? -1 : dump_options(fd, RTM_GETQDISC, 0x10000, opt,
				      sizeof(opt));
	if (len >= 0)
		seen = u32_of(find((struct nlattr *)opt, len,
				   TCA_FQ_CODEL_QUANTUM));
	printf("errno=%d quantum=%ld\n", err, seen);
	return 0;
}

static int drr_class(unsigned int quantum)
{
	struct tcmsg t = { .tcm_family = AF_UNSPEC, .tcm_ifindex = 1,
			   .tcm_parent = 0x10000, .tcm_handle = 0x10001 };
	char opt[4096];
	struct nlattr *o;
	struct msg m;
	long seen = -1;
	int fd, err, len;

	fd = new_qdisc(&m, "drr");
	err = talk(fd, &m);
	if (err) {
		errno = err;
		die("drr qdisc");
	}
	msg_init(&m, RTM_NEWTCLASS, NLM_F_CREATE | NLM_F_EXCL, &t, sizeof(t));
	put(&m, TCA_KIND, "drr", 4);
	o = nest(&m, TCA_OPTIONS);
	put_u32(&m, TCA_DRR_QUANTUM, quantum);
	nest_end(&m, o);
	err = talk(fd, &m);
	len = err ? -1 : dump_options(fd, RTM_GETTCLASS, 0x10001, opt,
				      sizeof(opt));
	if (len >= 0)
		seen = u32_of(find((struct nlattr *)opt, len, TCA_DRR_QUANTUM));
	printf("errno=%d quantum=%ld\n", err, seen);
	return 0;
}

static int fib_auto(int n)
{
	struct fib_rule_hdr r = { .family = AF_INET, .action = FR_ACT_TO_TBL };
	struct msg m;
	int fd, i, err = 0;

	own_netns();
	fd = nl_open(NETLINK_ROUTE);
	for (i = 0; i < n; i++) {
		msg_init(&m, RTM_NEWRULE, NLM_F_CREATE, &r, sizeof(r));
		err = talk(fd, &m);
		if (err)
			break;
	}
	printf("added=%d errno=%d\n", i, err);
	return 0;
}

static int sockmap_big(void)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_SOCKMAP;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 0x80000000u;
	fd = syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a));
	printf("errno=%d\n", fd < 0 ? errno : 0);
	if (fd >= 0)
		close(fd);
	return 0;
}

/* The generic netlink family id of @name. */
static int genl_family(int fd, const char *name)
{
	struct genlmsghdr g = { .cmd = CTRL_CMD_GETFAMILY, .version = 1 };
	struct nlmsghdr *h;
	struct msg m;
	int len;

	msg_init(&m, GENL_ID_CTRL, 0, &g, sizeof(g));
	put(&m, CTRL_ATTR_FAMILY_NAME, name, strlen(name) + 1);
	send_msg(fd, &m);
	h = recv_msgs(fd, &len);
	if (!NLMSG_OK(h, len) || h->nlmsg_type == NLMSG_ERROR) {
		errno = ENOENT;
		die("genl family");
	}
	return (unsigned short)u32_of(find((struct nlattr *)((char *)NLMSG_DATA(h) +
						GENL_HDRLEN),
					   h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN),
					   CTRL_ATTR_FAMILY_ID));
}

static int taskstats_mask(const char *mask)
{
	struct genlmsghdr g = { .cmd = TASKSTATS_CMD_GET, .version = 1 };
	struct msg m;
	int fd, fam, err;

	fd = nl_open(NETLINK_GENERIC);
	fam = genl_family(fd, TASKSTATS_GENL_NAME);
	msg_init(&m, fam, 0, &g, sizeof(g));
	put(&m, TASKSTATS_CMD_ATTR_REGISTER_CPUMASK, mask, strlen(mask));
	err = talk(fd, &m);
	if (!err) {	/* a listener now: take it away */
		msg_init(&m, fam, 0, &g, sizeof(g));
		put(&m, TASKSTATS_CMD_ATTR_DEREGISTER_CPUMASK, "0", 2);
		talk(fd, &m);
	}
	printf("errno=%d\n", err);
	return 0;
}

static int auxv(void)
{
	unsigned long v[2] = { AT_PAGESZ, 4096 };
	char buf[4096];
	ssize_t n, total = 0;
	int fd, err = 0;

	if (prctl(PR_SET_MM, PR_SET_MM_AUXV, (unsigned long)v, sizeof(v), 0))
		err = errno;
	fd = open("/proc/self/auxv", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("/proc/self/auxv");
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	printf("errno=%d bytes=%zd\n", err, total);
	return 0;
}

static int fanotify_fionread(const char *file)
{
	char buf[4096];
	int fd, f, avail = -1;
	ssize_t n;

	fd = syscall(SYS_fanotify_init, FAN_CLASS_NOTIF | FAN_REPORT_PIDFD |
		     FAN_CLOEXEC, O_RDONLY);
	if (fd < 0)
		die("fanotify_init");
	if (syscall(SYS_fanotify_mark, fd, FAN_MARK_ADD, FAN_OPEN, AT_FDCWD,
		    file))
		die("fanotify_mark");
	f = open(file, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		die(file);
	close(f);
	if (ioctl(fd, FIONREAD, &avail))
		die("FIONREAD");
	n = read(fd, buf, sizeof(buf));
	printf("fionread=%d read=%zd\n", avail, n);
	return 0;
}

static int arp_dev16(void)
{
	const char *name = "kgrkgrkgrkgrkgr";	/* IFNAMSIZ - 1 */
	struct sockaddr_in *pa;
	struct arpreq r;
	struct ifreq ifr;
	int s, err = 0;

	own_netns();
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		die("socket");
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	strcpy(ifr.ifr_newname, name);
	if (ioctl(s, SIOCSIFNAME, &ifr))
		die("SIOCSIFNAME");
	memset(&r, 0, sizeof(r));
	pa = (struct sockaddr_in *)&r.arp_pa;
	pa->sin_family = AF_INET;
	pa->sin_addr.s_addr = htonl(0x0a000001);
	memcpy(r.arp_dev, name, IFNAMSIZ - 1);
	r.arp_dev[IFNAMSIZ - 1] = 'X';		/* no NUL */
	if (ioctl(s, SIOCGARP, &r))
		err = errno;
	printf("errno=%d\n", err);
	return 0;
}

static int tls_sockmap(void)
{
	struct tls12_crypto_info_aes_gcm_128 ci;
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	union bpf_attr b;
	int l, c, map, key = 0, ulp = 0, err = 0;

	own_netns();
	set_lo(SIOCSIFFLAGS, IFF_UP);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&a, &alen))
		die("listen");
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)))
		die("connect");
	if (accept(l, NULL, NULL) < 0)
		die("accept");
	memset(&b, 0, sizeof(b));
	b.map_type = BPF_MAP_TYPE_SOCKMAP;
	b.key_size = 4;
	b.value_size = 4;
	b.max_entries = 1;
	map = syscall(SYS_bpf, BPF_MAP_CREATE, &b, sizeof(b));
	if (map < 0)
		die("sockmap");
	memset(&b, 0, sizeof(b));
	b.map_fd = map;
	b.key = (unsigned long)&key;
	b.value = (unsigned long)&c;
	if (syscall(SYS_bpf, BPF_MAP_UPDATE_ELEM, &b, sizeof(b)))
		die("sockmap update");
	if (setsockopt(c, IPPROTO_TCP, TCP_ULP, "tls", sizeof("tls")))
		ulp = errno;
	memset(&ci, 0, sizeof(ci));
	ci.info.version = TLS_1_2_VERSION;
	ci.info.cipher_type = TLS_CIPHER_AES_GCM_128;
	if (!ulp && setsockopt(c, SOL_TLS, TLS_TX, &ci, sizeof(ci)))
		err = errno;
	printf("ulp=%d errno=%d\n", ulp, err);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "sockmap-big"))
		return sockmap_big();
	if (argc == 3 && !strcmp(argv[1], "fib-auto"))
		return fib_auto(atoi(argv[2]));
	if (argc == 4 && !strcmp(argv[1], "qdisc"))
		return qdisc(argv[2], strtoul(argv[3], NULL, 0));
	if (argc == 4 && !strcmp(argv[1], "qdisc-mtu"))
		return qdisc_mtu(argv[2], atoi(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "drr-class"))
		return drr_class(strtoul(argv[2], NULL, 0));
	if (argc == 3 && !strcmp(argv[1], "taskstats-mask"))
		return taskstats_mask(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "auxv"))
		return auxv();
	if (argc == 3 && !strcmp(argv[1], "fanotify-fionread"))
		return fanotify_fionread(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "arp-dev16"))
		return arp_dev16();
	if (argc == 2 && !strcmp(argv[1], "tls-sockmap"))
		return tls_sockmap();
	fprintf(stderr, "usage: kgr-fixprobe sockmap-big | fib-auto N | qdisc KIND Q |\n"
		"  qdisc-mtu KIND MTU | drr-class Q |\n"
		"  taskstats-mask STR | auxv | fanotify-fionread FILE | arp-dev16 | tls-sockmap\n");
	return 255;
}
