#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "peer.h"

static void
v4_mapped(const struct in_addr *v4, struct in6_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->s6_addr[10] = 0xff;
	out->s6_addr[11] = 0xff;
	memcpy(&out->s6_addr[12], v4, 4);
}

int
peer_acl_parse(const char *list, struct peer_acl *out, char *err, size_t errlen)
{
	const char *p = list;

	memset(out, 0, sizeof(*out));
	for (;;) {
		char word[INET6_ADDRSTRLEN + 1];
		size_t n;
		struct in_addr v4;

		p += strspn(p, ", \t");
		if (*p == '\0')
			break;
		n = strcspn(p, ", \t");
		if (n >= sizeof(word))
			return errorf(err, errlen, "allowed_clients: '%.*s' is not an IP address", (int)n, p);
		memcpy(word, p, n);
		word[n] = '\0';
		p += n;
		if (out->n == PEER_ACL_MAX)
			return errorf(err, errlen, "allowed_clients: more than %d addresses", PEER_ACL_MAX);
		if (inet_pton(AF_INET, word, &v4) == 1)
			v4_mapped(&v4, &out->addrs[out->n++]);
		else if (inet_pton(AF_INET6, word, &out->addrs[out->n]) == 1)
			out->n++;
		else
			return errorf(err, errlen, "allowed_clients: '%s' is not an IP address", word);
	}
	if (out->n == 0)
		return errorf(err, errlen, "allowed_clients: no address given");
	return 0;
}

int
peer_acl_from_conf(const char *configured, struct peer_acl *out, char *err, size_t errlen)
{
	const char *env = getenv("FCGI_WEB_SERVER_ADDRS");

	if (configured != NULL)
		return peer_acl_parse(configured, out, err, errlen);
	if (env != NULL && env[0] != '\0')
		return peer_acl_parse(env, out, err, errlen);
	return peer_acl_parse(PEER_ACL_DEFAULT, out, err, errlen);
}

bool
peer_acl_allows(const struct peer_acl *acl, const struct sockaddr *sa, socklen_t len)
{
	struct in6_addr a;

	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in))
		v4_mapped(&((const struct sockaddr_in *)(const void *)sa)->sin_addr, &a);
	else if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6))
		a = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	else
		return sa->sa_family == AF_UNIX;
	for (size_t i = 0; i < acl->n; i++)
		if (memcmp(&acl->addrs[i], &a, sizeof(a)) == 0)
			return true;
	return false;
}

void
peer_format(const struct sockaddr *sa, socklen_t len, char *out, size_t outlen)
{
	const void *addr = NULL;

	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in))
		addr = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6))
		addr = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	if (addr == NULL || inet_ntop(sa->sa_family, addr, out, (socklen_t)outlen) == NULL)
		snprintf(out, outlen, "%s", sa->sa_family == AF_UNIX ? "unix peer" : "unknown peer");
}
