/*
 * links.h: absolute URLs for next/previous and redirects (contract section
 * 2 and 7): origin from the base URL, else HTTPS/REQUEST_SCHEME + HTTP_HOST
 * (else SERVER_NAME:SERVER_PORT), default ports dropped; query rebuilt like
 * Django REST framework's replace_query_param (parse_qs, sorted keys,
 * urlencode with quote_plus).  The expected strings were produced with
 * Python's urllib.parse.
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "links.h"
#include "query.h"
#include "request.h"

static struct arena arena;

static void
setup(void)
{
	arena_init(&arena);
}

static void
teardown(void)
{
	arena_free(&arena);
}

TestSuite(links_origin, .init = setup, .fini = teardown);
TestSuite(links_page, .init = setup, .fini = teardown);
TestSuite(links_add_slash, .init = setup, .fini = teardown);

#define FOLLOWINGS_PATH "/api/v2/user/1/followings/"

/* A request as request_from_env leaves it: absent strings are "", Host NULL. */
static void
req_init(struct request *r, const char *path, const char *query)
{
	memset(r, 0, sizeof(*r));
	r->method = "GET";
	r->path = path;
	r->path_len = strlen(path);
	r->query = query;
	r->query_len = strlen(query);
	r->authorization = NULL;
	r->host = NULL;
	r->server_name = "";
	r->server_port = "";
	r->https = "";
	r->request_scheme = "";
}

/* ------------------------------------------------------------ origin */

struct origin_case {
	const char *host;		/* NULL: no Host header */
	const char *server_name;
	const char *server_port;
	const char *https;
	const char *scheme;		/* REQUEST_SCHEME */
	const char *expected;
};

static const struct origin_case origin_cases[] = {
	/* Host header, with and without port */
	{"example.com", "srv", "8000", "", "", "http://example.com"},
	{"example.com:8080", "srv", "8000", "", "", "http://example.com:8080"},
	{"api.example.com:8443", "srv", "8000", "", "http", "http://api.example.com:8443"},
	{"127.0.0.1:8080", "srv", "8000", "", "", "http://127.0.0.1:8080"},
	/* default port of the scheme dropped, the other kept */
	{"example.com:80", "srv", "8000", "", "", "http://example.com"},
	{"example.com:443", "srv", "8000", "", "", "http://example.com:443"},
	{"example.com:443", "srv", "8000", "on", "", "https://example.com"},
	{"example.com:80", "srv", "8000", "on", "", "https://example.com:80"},
	/* scheme from HTTPS, else REQUEST_SCHEME */
	{"example.com", "srv", "443", "on", "", "https://example.com"},
	{"example.com", "srv", "443", "", "https", "https://example.com"},
	{"example.com:443", "srv", "443", "", "https", "https://example.com"},
	{"example.com", "srv", "80", "", "http", "http://example.com"},
	/* no Host: SERVER_NAME:SERVER_PORT, default port dropped */
	{NULL, "srv.local", "8080", "", "", "http://srv.local:8080"},
	{NULL, "srv.local", "80", "", "", "http://srv.local"},
	{NULL, "srv.local", "443", "on", "", "https://srv.local"},
	{NULL, "srv.local", "443", "", "https", "https://srv.local"},
	{NULL, "srv.local", "443", "", "", "http://srv.local:443"},
	{NULL, "srv.local", "8443", "on", "", "https://srv.local:8443"},
	{NULL, "srv.local", "", "", "", "http://srv.local"},
	/* a Host we will not echo into a URL: SERVER_NAME:SERVER_PORT instead */
	{"evil.com/x", "srv.local", "8080", "", "", "http://srv.local:8080"},
	{"a b", "srv.local", "8080", "", "", "http://srv.local:8080"},
	{"user@host", "srv.local", "8080", "", "", "http://srv.local:8080"},
	{"", "srv.local", "8080", "", "", "http://srv.local:8080"},
	{"evil.com\r\nX-Injected: 1", "srv.local", "8080", "", "", "http://srv.local:8080"},
	{"evil.com?x", "srv.local", "8080", "", "", "http://srv.local:8080"},
	{"evil.com#x", "srv.local", "8080", "", "", "http://srv.local:8080"},
	{"evil.com\\x", "srv.local", "8080", "", "", "http://srv.local:8080"},
	{"evil.com:80/x", "srv.local", "8080", "", "", "http://srv.local:8080"},
	{"evil.com:", "srv.local", "8080", "", "", "http://srv.local:8080"},
	{"evil.com:8x", "srv.local", "8080", "", "", "http://srv.local:8080"},
	{"evil.com\"", "srv.local", "80", "", "", "http://srv.local"},
	/* IPv6 literals */
	{"[::1]:8080", "srv", "8000", "", "", "http://[::1]:8080"},
	{"[::1]", "srv", "8000", "", "", "http://[::1]"},
	{"[::1]:80", "srv", "8000", "", "", "http://[::1]"},
	{"[2001:db8::1]:443", "srv", "8000", "on", "", "https://[2001:db8::1]"},
	{"[::1", "srv.local", "8080", "", "", "http://srv.local:8080"},
	{"[::1]x", "srv.local", "8080", "", "", "http://srv.local:8080"},
	{"[evil.com/x]", "srv.local", "8080", "", "", "http://srv.local:8080"},
};

Test(links_origin, table)
{
	for (size_t i = 0; i < sizeof(origin_cases) / sizeof(origin_cases[0]); i++) {
		const struct origin_case *c = &origin_cases[i];
		struct request r;
		const char *got;

		req_init(&r, FOLLOWINGS_PATH, "");
		r.host = c->host;
		r.server_name = c->server_name;
		r.server_port = c->server_port;
		r.https = c->https;
		r.request_scheme = c->scheme;
		got = links_origin(&arena, &r, NULL);
		cr_expect_str_eq(got, c->expected,
		    "case %zu: Host \"%s\" SERVER %s:%s HTTPS \"%s\" REQUEST_SCHEME \"%s\": "
		    "\"%s\", expected \"%s\"", i, c->host ? c->host : "(none)", c->server_name,
		    c->server_port, c->https, c->scheme, got, c->expected);
	}
}

Test(links_origin, base_url_overrides_the_request)
{
	struct request r;
	const char *base = "https://public.example.org:8443/prefix";
	const char *got;

	req_init(&r, FOLLOWINGS_PATH, "");
	r.host = "internal:8080";
	r.server_name = "backend";
	r.server_port = "9000";
	got = links_origin(&arena, &r, base);
	cr_expect_str_eq(got, base);
}

Test(links_origin, from_the_fastcgi_environment)
{
	char *env[] = {
		(char *)"REQUEST_METHOD=GET",
		(char *)"REQUEST_URI=/api/v2/user/1/followings/?limit=5",
		(char *)"HTTP_HOST=api.example.com:8443",
		(char *)"SERVER_NAME=backend",
		(char *)"SERVER_PORT=9000",
		(char *)"HTTPS=on",
		NULL,
	};
	struct request r;

	request_from_env(&r, env, &arena);
	cr_expect_str_eq(links_origin(&arena, &r, NULL), "https://api.example.com:8443");
}

Test(links_origin, from_the_fastcgi_environment_without_host)
{
	char *env[] = {
		(char *)"REQUEST_METHOD=GET",
		(char *)"REQUEST_URI=/api/v2/user/1/followings/",
		(char *)"SERVER_NAME=backend.local",
		(char *)"SERVER_PORT=8080",
		(char *)"REQUEST_SCHEME=http",
		NULL,
	};
	struct request r;

	request_from_env(&r, env, &arena);
	cr_expect_str_eq(links_origin(&arena, &r, NULL), "http://backend.local:8080");
}

/* ------------------------------------------------------------ page links */

struct page_case {
	const char *path;
	const char *query;
	int64_t limit;
	int64_t offset;
	const char *expected;	/* after "http://h" */
};

static const struct page_case page_cases[] = {
	{FOLLOWINGS_PATH, "", 20, 20, FOLLOWINGS_PATH "?limit=20&offset=20"},
	{FOLLOWINGS_PATH, "", 20, 0, FOLLOWINGS_PATH "?limit=20&offset=0"},
	{FOLLOWINGS_PATH, "", 20, LINKS_NO_OFFSET, FOLLOWINGS_PATH "?limit=20"},
	/* sorted keys: limit, mutual, offset; limit/offset replaced */
	{FOLLOWINGS_PATH, "mutual=1&limit=5&offset=10", 5, 15,
	    FOLLOWINGS_PATH "?limit=5&mutual=1&offset=15"},
	{FOLLOWINGS_PATH, "offset=10&mutual=0", 20, LINKS_NO_OFFSET,
	    FOLLOWINGS_PATH "?limit=20&mutual=0"},
	{FOLLOWINGS_PATH, "offset=10&limit=1000", 100, 110, FOLLOWINGS_PATH "?limit=100&offset=110"},
	/* replaced even when repeated or malformed */
	{FOLLOWINGS_PATH, "limit=7&limit=abc&offset=3&offset=x", 7, 10,
	    FOLLOWINGS_PATH "?limit=7&offset=10"},
	{FOLLOWINGS_PATH, "limit&offset", 20, 20, FOLLOWINGS_PATH "?limit=20&offset=20"},
	/* unknown parameters kept, sorted among the others */
	{FOLLOWINGS_PATH, "zeta=1&alpha=2", 20, 20,
	    FOLLOWINGS_PATH "?alpha=2&limit=20&offset=20&zeta=1"},
	{FOLLOWINGS_PATH, "Z=1&a=1", 20, 20, FOLLOWINGS_PATH "?Z=1&a=1&limit=20&offset=20"},
	{FOLLOWINGS_PATH, "limit_x=1&o=2&offsets=3&mutualx=4&mutual=1", 20, 20,
	    FOLLOWINGS_PATH "?limit=20&limit_x=1&mutual=1&mutualx=4&o=2&offset=20&offsets=3"},
	/* re-encoded like quote_plus */
	{FOLLOWINGS_PATH, "q=a+b%2Fc", 20, 20, FOLLOWINGS_PATH "?limit=20&offset=20&q=a+b%2Fc"},
	{FOLLOWINGS_PATH, "q=a%20b/c", 20, 20, FOLLOWINGS_PATH "?limit=20&offset=20&q=a+b%2Fc"},
	{FOLLOWINGS_PATH, "q=%7E-_.AZaz09", 20, 20,
	    FOLLOWINGS_PATH "?limit=20&offset=20&q=~-_.AZaz09"},
	{FOLLOWINGS_PATH, "q=~-_.", 20, 20, FOLLOWINGS_PATH "?limit=20&offset=20&q=~-_."},
	{FOLLOWINGS_PATH, "q=caf%C3%A9", 20, 20, FOLLOWINGS_PATH "?limit=20&offset=20&q=caf%C3%A9"},
	{FOLLOWINGS_PATH, "q=%c3%a9", 20, 20, FOLLOWINGS_PATH "?limit=20&offset=20&q=%C3%A9"},
	{FOLLOWINGS_PATH, "q=caf\xc3\xa9", 20, 20, FOLLOWINGS_PATH "?limit=20&offset=20&q=caf%C3%A9"},
	{FOLLOWINGS_PATH, "q=%E2%82%AC+%F0%9F%98%80", 20, 20,
	    FOLLOWINGS_PATH "?limit=20&offset=20&q=%E2%82%AC+%F0%9F%98%80"},
	{FOLLOWINGS_PATH, "q=a%26b%3Dc", 20, 20, FOLLOWINGS_PATH "?limit=20&offset=20&q=a%26b%3Dc"},
	{FOLLOWINGS_PATH, "q=%2B", 20, 20, FOLLOWINGS_PATH "?limit=20&offset=20&q=%2B"},
	{FOLLOWINGS_PATH, "q=!*'()", 20, 20, FOLLOWINGS_PATH "?limit=20&offset=20&q=%21%2A%27%28%29"},
	{FOLLOWINGS_PATH, "q=a:b@c;d,e$f", 20, 20,
	    FOLLOWINGS_PATH "?limit=20&offset=20&q=a%3Ab%40c%3Bd%2Ce%24f"},
	{FOLLOWINGS_PATH, "my+key=v", 20, 20, FOLLOWINGS_PATH "?limit=20&my+key=v&offset=20"},
	{FOLLOWINGS_PATH, "%C3%A9=1&z=1", 20, 20,
	    FOLLOWINGS_PATH "?limit=20&offset=20&z=1&%C3%A9=1"},
	/* repeated unknown key: every value, in the request's order */
	{FOLLOWINGS_PATH, "tag=b&tag=a&tag=c", 20, 20,
	    FOLLOWINGS_PATH "?limit=20&offset=20&tag=b&tag=a&tag=c"},
	{FOLLOWINGS_PATH, "b=1&a=2&b=3", 20, 20, FOLLOWINGS_PATH "?a=2&b=1&b=3&limit=20&offset=20"},
	/* bare key or empty value: "key=" */
	{FOLLOWINGS_PATH, "flag", 20, 20, FOLLOWINGS_PATH "?flag=&limit=20&offset=20"},
	{FOLLOWINGS_PATH, "flag=", 20, 20, FOLLOWINGS_PATH "?flag=&limit=20&offset=20"},
	/* undecodable parameters dropped, empty segments too */
	{FOLLOWINGS_PATH, "bad=%zz&ok=1", 20, 20, FOLLOWINGS_PATH "?limit=20&offset=20&ok=1"},
	{FOLLOWINGS_PATH, "bad=%00&b%zz=1&&ok=1&", 20, 20,
	    FOLLOWINGS_PATH "?limit=20&offset=20&ok=1"},
	/* the path as the client sent it */
	{"/api/v2/user/007/followings/", "mutual=1", 20, 20,
	    "/api/v2/user/007/followings/?limit=20&mutual=1&offset=20"},
};

Test(links_page, table)
{
	for (size_t i = 0; i < sizeof(page_cases) / sizeof(page_cases[0]); i++) {
		const struct page_case *c = &page_cases[i];
		struct request r;
		struct query q;
		char expected[512];
		const char *got;

		req_init(&r, c->path, c->query);
		query_parse(&arena, r.query, r.query_len, QUERY_NO_LIMIT, &q);
		got = links_page(&arena, "http://h", &r, &q, c->limit, c->offset);
		snprintf(expected, sizeof(expected), "http://h%s", c->expected);
		cr_expect_str_eq(got, expected, "query \"%s\": \"%s\", expected \"%s\"", c->query, got,
		    expected);
	}
}

Test(links_page, with_origin_from_request_and_base_url)
{
	struct request r;
	struct query q;

	req_init(&r, FOLLOWINGS_PATH, "mutual=1");
	r.host = "example.com:443";
	r.https = "on";
	query_parse(&arena, r.query, r.query_len, QUERY_NO_LIMIT, &q);
	cr_expect_str_eq(links_page(&arena, links_origin(&arena, &r, NULL), &r, &q, 10, 30),
	    "https://example.com" FOLLOWINGS_PATH "?limit=10&mutual=1&offset=30");
	cr_expect_str_eq(links_page(&arena, links_origin(&arena, &r, "https://pub.example"), &r, &q,
	                     10, LINKS_NO_OFFSET),
	    "https://pub.example" FOLLOWINGS_PATH "?limit=10&mutual=1");
}

Test(links_page, large_values)
{
	struct request r;
	struct query q;

	req_init(&r, FOLLOWINGS_PATH, "");
	query_parse(&arena, "", 0, QUERY_NO_LIMIT, &q);
	cr_expect_str_eq(links_page(&arena, "http://h", &r, &q, 100, INT64_MAX - 1),
	    "http://h" FOLLOWINGS_PATH "?limit=100&offset=9223372036854775806");
}

Test(links_page, long_values_fit)
{
	/* Every byte of a long value percent-encoded: 3x growth. */
	char qs[2 + 3 * 600 + 1], expected[64 + 3 * 600 + 1];
	struct request r;
	struct query q;
	char *o;

	o = qs;
	o += sprintf(o, "q=");
	for (int i = 0; i < 600; i++)
		o += sprintf(o, "%%2F");
	o = expected;
	o += sprintf(o, "http://h" FOLLOWINGS_PATH "?limit=20&offset=20&q=");
	for (int i = 0; i < 600; i++)
		o += sprintf(o, "%%2F");
	req_init(&r, FOLLOWINGS_PATH, qs);
	query_parse(&arena, r.query, r.query_len, QUERY_NO_LIMIT, &q);
	cr_expect_str_eq(links_page(&arena, "http://h", &r, &q, 20, 20), expected);
}

/* ------------------------------------------------------------ redirect */

Test(links_add_slash, keeps_the_raw_query)
{
	static const struct {
		const char *path;
		const char *query;
		const char *expected;
	} cases[] = {
		{"/api/v2/user/1/followings", "", "http://h/api/v2/user/1/followings/"},
		{"/api/v2/user/007/followings", "", "http://h/api/v2/user/007/followings/"},
		{"/api/v2/user/1/followings", "limit=5&offset=10",
		    "http://h/api/v2/user/1/followings/?limit=5&offset=10"},
		/* as sent: not decoded, not re-encoded, not sorted, bad escapes kept */
		{"/api/v2/user/1/followings", "z=1&a=b+c&x=%zz&q=%2f&flag",
		    "http://h/api/v2/user/1/followings/?z=1&a=b+c&x=%zz&q=%2f&flag"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct request r;
		const char *got;

		req_init(&r, cases[i].path, cases[i].query);
		got = links_add_slash(&arena, "http://h", &r);
		cr_expect_str_eq(got, cases[i].expected, "\"%s\" \"%s\": \"%s\"", cases[i].path,
		    cases[i].query, got);
	}
}

Test(links_add_slash, no_header_injection)
{
	struct request r;
	const char *got;

	req_init(&r, "/api/v2/user/1/followings", "a=1\r\nSet-Cookie: x=1");
	got = links_add_slash(&arena, "http://h", &r);
	cr_expect_null(strpbrk(got, "\r\n "), "control characters or blanks in \"%s\"", got);
	cr_expect_eq(strncmp(got, "http://h/api/v2/user/1/followings/?a=1", 38), 0, "%s", got);
}

Test(links_add_slash, path_length_is_respected)
{
	struct request r;

	req_init(&r, "/api/v2/user/1/followings", "");
	r.path = "/api/v2/user/1/followings?ignored";
	cr_expect_str_eq(links_add_slash(&arena, "https://e.org", &r),
	    "https://e.org/api/v2/user/1/followings/");
}
