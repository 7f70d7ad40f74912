#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include "listenq.h"

static void
read_tcp(int fd, struct listen_queue *out)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0) {
		out->source = "tcp_info failed";
		return;
	}
	/* For a listening socket the kernel reports the accept queue here. */
	out->known = true;
	out->len = ti.tcpi_unacked;
	out->max = ti.tcpi_sacked;
	out->source = "tcp_info";
}

/* One exact lookup of our socket by inode (what `ss -xl` does for all). */
static void
read_unix(int fd, struct listen_queue *out)
{
	struct stat st;
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} msg;
	union {
		struct nlmsghdr nlh;
		char bytes[8192];
	} reply;
	struct sockaddr_nl nladdr = {.nl_family = AF_NETLINK};
	struct timeval tv = {1, 0};
	ssize_t n;
	int nl;

	out->source = "sock_diag unavailable";
	if (fstat(fd, &st) != 0)
		return;
	nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (nl < 0)
		return;
	setsockopt(nl, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&msg, 0, sizeof(msg));
	msg.nlh.nlmsg_len = sizeof(msg);
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST;
	msg.req.sdiag_family = AF_UNIX;
	msg.req.udiag_states = 1U << 10;	/* TCP_LISTEN */
	msg.req.udiag_ino = (unsigned)st.st_ino;
	msg.req.udiag_show = UDIAG_SHOW_RQLEN;
	msg.req.udiag_cookie[0] = msg.req.udiag_cookie[1] = (unsigned)INET_DIAG_NOCOOKIE;
	if (sendto(nl, &msg, sizeof(msg), 0, (struct sockaddr *)&nladdr, sizeof(nladdr)) < 0
	    || (n = recv(nl, &reply, sizeof(reply), 0)) < 0) {
		close(nl);
		return;
	}
	close(nl);
	for (struct nlmsghdr *h = &reply.nlh; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n)) {
		struct unix_diag_msg *m;
		struct rtattr *a;
		unsigned alen;

		if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY)
			break;
		m = NLMSG_DATA(h);
		a = (struct rtattr *)(m + 1);
		alen = h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));
		for (; RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
			if (a->rta_type == UNIX_DIAG_RQLEN && RTA_PAYLOAD(a) >= sizeof(struct unix_diag_rqlen)) {
				const struct unix_diag_rqlen *q = RTA_DATA(a);

				/* Listening: rqueue is the accept queue, wqueue the backlog. */
				out->known = true;
				out->len = q->udiag_rqueue;
				out->max = q->udiag_wqueue;
				out->source = "sock_diag";
				return;
			}
		}
	}
}

void
listen_queue_read(int fd, struct listen_queue *out)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	memset(out, 0, sizeof(*out));
	out->source = "not a socket";
	if (fd < 0 || getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return;
	if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6)
		read_tcp(fd, out);
	else if (ss.ss_family == AF_UNIX)
		read_unix(fd, out);
	else
		out->source = "unknown socket family";
}
