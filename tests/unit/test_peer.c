/*
 * peer.h: allowed_clients as a list of exact addresses; IPv4 peers on an
 * IPv6 socket (::ffff:a.b.c.d) match their IPv4 entry; unix peers always
 * pass; FCGI_WEB_SERVER_ADDRS is the fallback, loopback the default.
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "peer.h"

static char err[256];

static bool
allows4(const struct peer_acl *acl, const char *ip)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};

	cr_assert_eq(inet_pton(AF_INET, ip, &sa.sin_addr), 1);
	return peer_acl_allows(acl, (struct sockaddr *)&sa, sizeof(sa));
}

static bool
allows6(const struct peer_acl *acl, const char *ip)
{
	struct sockaddr_in6 sa = {.sin6_family = AF_INET6};

	cr_assert_eq(inet_pton(AF_INET6, ip, &sa.sin6_addr), 1);
	return peer_acl_allows(acl, (struct sockaddr *)&sa, sizeof(sa));
}

Test(peer, exact_addresses_only)
{
	struct peer_acl acl;

	cr_assert_eq(peer_acl_parse("127.0.0.1,::1  192.0.2.7", &acl, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(acl.n, 3);
	cr_expect(allows4(&acl, "127.0.0.1"));
	cr_expect(allows4(&acl, "192.0.2.7"));
	cr_expect_not(allows4(&acl, "127.0.0.2"));
	cr_expect_not(allows4(&acl, "192.0.2.8"));
	cr_expect(allows6(&acl, "::1"));
	cr_expect(allows6(&acl, "::ffff:127.0.0.1"));	/* IPv4 peer on a dual-stack socket */
	cr_expect_not(allows6(&acl, "::2"));
	cr_expect_not(allows6(&acl, "::ffff:127.0.0.2"));
}

Test(peer, unix_peers_are_not_checked_here)
{
	struct peer_acl acl;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	cr_assert_eq(peer_acl_parse("192.0.2.1", &acl, err, sizeof(err)), 0);
	cr_expect(peer_acl_allows(&acl, (struct sockaddr *)&sa, sizeof(sa_family_t)));
}

Test(peer, bad_lists)
{
	struct peer_acl acl;
	char many[1024] = "";

	cr_expect_eq(peer_acl_parse("", &acl, err, sizeof(err)), -1);
	cr_expect_eq(peer_acl_parse("127.0.0.1 example.com", &acl, err, sizeof(err)), -1);
	cr_expect_eq(peer_acl_parse("127.0.0.1/8", &acl, err, sizeof(err)), -1);
	for (int i = 0; i <= PEER_ACL_MAX; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "10.0.0.%d,", i);
	cr_expect_eq(peer_acl_parse(many, &acl, err, sizeof(err)), -1);
	cr_expect(strstr(err, "more than") != NULL, "%s", err);
}

Test(peer, configured_then_environment_then_loopback)
{
	struct peer_acl acl;

	unsetenv("FCGI_WEB_SERVER_ADDRS");
	cr_assert_eq(peer_acl_from_conf(NULL, &acl, err, sizeof(err)), 0);
	cr_expect(allows4(&acl, "127.0.0.1") && allows6(&acl, "::1") && !allows4(&acl, "10.1.1.1"));
	setenv("FCGI_WEB_SERVER_ADDRS", "10.1.1.1,10.1.1.2", 1);
	cr_assert_eq(peer_acl_from_conf(NULL, &acl, err, sizeof(err)), 0);
	cr_expect(allows4(&acl, "10.1.1.2") && !allows4(&acl, "127.0.0.1"));
	cr_assert_eq(peer_acl_from_conf("192.0.2.9", &acl, err, sizeof(err)), 0);
	cr_expect(allows4(&acl, "192.0.2.9") && !allows4(&acl, "10.1.1.1"));
	unsetenv("FCGI_WEB_SERVER_ADDRS");
}
