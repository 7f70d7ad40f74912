/*
 * Which TCP peers may talk FastCGI to us (php-fpm's listen.allowed_clients,
 * libfcgi's FCGI_WEB_SERVER_ADDRS): a list of exact IPv4/IPv6 addresses,
 * separated by commas or blanks.  An IPv4 peer reaching an IPv6 socket as
 * ::ffff:a.b.c.d matches a.b.c.d.  Unix-socket peers are not checked here:
 * the socket file's mode and owner decide who connects.
 */
#ifndef FOLLOWINGS_PEER_H
#define FOLLOWINGS_PEER_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define PEER_ACL_MAX 32
#define PEER_ACL_DEFAULT "127.0.0.1,::1"

struct peer_acl {
	struct in6_addr addrs[PEER_ACL_MAX];	/* IPv4 stored as ::ffff:a.b.c.d */
	size_t n;
};

/* Parses list; -1 with a reason in err on an unparsable address or too many. */
int peer_acl_parse(const char *list, struct peer_acl *out, char *err, size_t errlen);

/*
 * The list in force: the configured one, else FCGI_WEB_SERVER_ADDRS from
 * the environment, else PEER_ACL_DEFAULT.
 */
int peer_acl_from_conf(const char *configured, struct peer_acl *out, char *err, size_t errlen);

/* Whether the peer at sa may talk to us (always true for AF_UNIX). */
bool peer_acl_allows(const struct peer_acl *acl, const struct sockaddr *sa, socklen_t len);

/* The peer's address as text, for the log. */
void peer_format(const struct sockaddr *sa, socklen_t len, char *out, size_t outlen);

#endif
