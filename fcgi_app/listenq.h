/*
 * How many connections wait in the listening socket's accept queue, as the
 * kernel tells it: TCP_INFO for TCP (tcpi_unacked: queued, tcpi_sacked: the
 * backlog), sock_diag (NETLINK_SOCK_DIAG, UNIX_DIAG_RQLEN) for unix sockets.
 * Unavailable elsewhere, or when netlink is not allowed (a systemd unit
 * without AF_NETLINK in RestrictAddressFamilies).
 */
#ifndef FOLLOWINGS_LISTENQ_H
#define FOLLOWINGS_LISTENQ_H

#include <stdbool.h>

struct listen_queue {
	bool known;
	unsigned len;		/* connections not accepted yet */
	unsigned max;		/* the backlog */
	const char *source;	/* "tcp_info", "sock_diag" or why unknown */
};

void listen_queue_read(int fd, struct listen_queue *out);

#endif
