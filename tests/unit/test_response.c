/*
 * response.h: a FastCGI responder's output (CGI headers, blank line, body)
 * and the error bodies of contract section 5:
 *   {"errors": [{"code": ..., "message": ...}]}
 *   {"errors": [{"field": ..., "messages": [{"code": "invalid", "message": ...}]}]}
 * 401 carries WWW-Authenticate: Bearer realm="api"; 405 Allow: GET, HEAD;
 * 503 Retry-After; HEAD has the same headers and no body.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "params.h"
#include "response.h"

static struct response resp;
static struct buf out;

static void
setup(void)
{
	resp_init(&resp);
	memset(&out, 0, sizeof(out));
}

static void
teardown(void)
{
	resp_clear(&resp);
	buf_free(&out);
}

TestSuite(resp, .init = setup, .fini = teardown);

/* The serialized bytes as a string (no NUL may appear inside). */
static const char *
serialize(bool head_only)
{
	resp_serialize(&resp, head_only, &out);
	cr_assert_not_null(out.data);
	cr_assert_eq(strlen(out.data), out.len, "NUL inside the output or len wrong");
	return out.data;
}

/* Points at the body: after the first blank line. */
static const char *
body_of(const char *s)
{
	const char *p = strstr(s, "\r\n\r\n");

	cr_assert_not_null(p, "no blank line after the headers: %s", s);
	return p + 4;
}

/* The value of header name in s's header block, copied into val, or NULL. */
static const char *
header(const char *s, const char *name, char *val, size_t size)
{
	size_t nlen = strlen(name);
	const char *end = strstr(s, "\r\n\r\n");

	for (const char *line = s; line != NULL && line < end;) {
		const char *eol = strstr(line, "\r\n");

		if (strncmp(line, name, nlen) == 0 && line[nlen] == ':' && line[nlen + 1] == ' ') {
			snprintf(val, size, "%.*s", (int)(eol - line - nlen - 2), line + nlen + 2);
			return val;
		}
		line = eol + 2;
	}
	return NULL;
}

static void
expect_body_json(const char *s, const char *expected)
{
	char *dumped;
	json_t *parsed;
	json_error_t e;

	parsed = json_loads(body_of(s), 0, &e);
	cr_assert_not_null(parsed, "body is not JSON (%s): %s", e.text, body_of(s));
	dumped = json_dumps(parsed, JSON_COMPACT);
	cr_expect_str_eq(dumped, expected, "\n   got: %s\nwanted: %s", dumped, expected);
	free(dumped);
	json_decref(parsed);
}

/* ------------------------------------------------------------ golden bytes */

Test(resp, ok_golden)
{
	resp_json(&resp, 200, json_pack("{s:i}", "count", 0));
	cr_expect_str_eq(serialize(false),
	    "Status: 200 OK\r\n"
	    "Content-Type: application/json\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Content-Length: 11\r\n"
	    "\r\n"
	    "{\"count\":0}");
}

Test(resp, head_golden)
{
	resp_json(&resp, 200, json_pack("{s:i}", "count", 0));
	cr_expect_str_eq(serialize(true),
	    "Status: 200 OK\r\n"
	    "Content-Type: application/json\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Content-Length: 11\r\n"
	    "\r\n");
}

Test(resp, head_has_the_get_headers)
{
	char get[4096];
	const char *head;

	resp_error(&resp, 404, "not_found", "Not found.");
	snprintf(get, sizeof(get), "%s", serialize(false));
	head = serialize(true);
	cr_expect_eq(strncmp(get, head, strlen(head)), 0, "HEAD headers differ:\n%s\n---\n%s", head,
	    get);
	cr_expect_str_eq(body_of(head), "");
	cr_expect(strlen(body_of(get)) > 0);
}

Test(resp, content_length_counts_bytes)
{
	char val[64], expected[64];
	const char *s;

	/* Non-ASCII: Content-Length is in bytes of UTF-8, not characters. */
	resp_json(&resp, 200, json_pack("{s:s}", "name", "\xc3\xa9\xf0\x9f\x98\x80"));
	s = serialize(false);
	snprintf(expected, sizeof(expected), "%zu", strlen(body_of(s)));
	cr_assert_not_null(header(s, "Content-Length", val, sizeof(val)), "%s", s);
	cr_expect_str_eq(val, expected);
	cr_expect_str_eq(body_of(s), "{\"name\":\"\xc3\xa9\xf0\x9f\x98\x80\"}");
}

Test(resp, big_body)
{
	/* Larger than the buffer's first allocation, so the body is moved after a realloc. */
	size_t n = 20000;
	char *big = malloc(n + 1), *dumped;
	char val[64], expected[64];
	const char *s;

	memset(big, 'x', n);
	big[n] = '\0';
	resp_json(&resp, 200, json_pack("{s:s}", "data", big));
	dumped = json_dumps(resp.body, JSON_COMPACT);
	s = serialize(false);
	snprintf(expected, sizeof(expected), "%zu", strlen(dumped));
	cr_assert_not_null(header(s, "Content-Length", val, sizeof(val)));
	cr_expect_str_eq(val, expected);
	cr_expect_str_eq(body_of(s), dumped);
	s = serialize(true);
	cr_assert_not_null(header(s, "Content-Length", val, sizeof(val)));
	cr_expect_str_eq(val, expected);
	cr_expect_str_eq(body_of(s), "");
	free(dumped);
	free(big);
}

Test(resp, buffer_reused)
{
	const char *s;

	resp_json(&resp, 200, json_pack("{s:s}", "data", "a much longer body than the next one"));
	serialize(false);
	resp_clear(&resp);
	resp_json(&resp, 200, json_pack("{}"));
	s = serialize(false);
	cr_expect_str_eq(s,
	    "Status: 200 OK\r\n"
	    "Content-Type: application/json\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Content-Length: 2\r\n"
	    "\r\n"
	    "{}");
}

/* ------------------------------------------------------------ statuses */

Test(resp, status_401_authenticate)
{
	char val[128];
	const char *s;

	resp_error(&resp, 401, "authentication_failed", "Invalid token.");
	resp.authenticate = true;
	s = serialize(false);
	cr_expect_eq(strncmp(s, "Status: 401 Unauthorized\r\n", 26), 0, "%s", s);
	cr_assert_not_null(header(s, "WWW-Authenticate", val, sizeof(val)), "%s", s);
	cr_expect_str_eq(val, "Bearer realm=\"api\"");
	cr_assert_not_null(header(s, "Content-Type", val, sizeof(val)));
	cr_expect_str_eq(val, "application/json");
	expect_body_json(s, "{\"errors\":[{\"code\":\"authentication_failed\",\"message\":\"Invalid token.\"}]}");
}

Test(resp, status_401_golden)
{
	resp_error(&resp, 401, "not_authenticated", "x");
	resp.authenticate = true;
	cr_expect_str_eq(serialize(false),
	    "Status: 401 Unauthorized\r\n"
	    "WWW-Authenticate: Bearer realm=\"api\"\r\n"
	    "Content-Type: application/json\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Content-Length: 55\r\n"
	    "\r\n"
	    "{\"errors\":[{\"code\":\"not_authenticated\",\"message\":\"x\"}]}");
}

Test(resp, status_405_allow)
{
	char val[128];
	const char *s;

	resp_error(&resp, 405, "method_not_allowed", "Method \"POST\" not allowed.");
	resp.allow = true;
	s = serialize(false);
	cr_expect_eq(strncmp(s, "Status: 405 Method Not Allowed\r\n", 32), 0, "%s", s);
	cr_assert_not_null(header(s, "Allow", val, sizeof(val)), "%s", s);
	cr_expect_str_eq(val, "GET, HEAD");
	expect_body_json(s, "{\"errors\":[{\"code\":\"method_not_allowed\","
	                    "\"message\":\"Method \\\"POST\\\" not allowed.\"}]}");
}

Test(resp, status_503_retry_after)
{
	char val[128];
	const char *s;

	resp_error(&resp, 503, "service_unavailable", "Try again later.");
	resp.retry_after = 7;
	s = serialize(false);
	cr_expect_eq(strncmp(s, "Status: 503 Service Unavailable\r\n", 33), 0, "%s", s);
	cr_assert_not_null(header(s, "Retry-After", val, sizeof(val)), "%s", s);
	cr_expect_str_eq(val, "7");
	expect_body_json(s, "{\"errors\":[{\"code\":\"service_unavailable\",\"message\":\"Try again later.\"}]}");
}

Test(resp, status_301_location)
{
	resp_init(&resp);
	resp.status = 301;
	resp.location = "https://example.com/api/v2/user/1/followings/?limit=5";
	cr_expect_str_eq(serialize(false),
	    "Status: 301 Moved Permanently\r\n"
	    "Location: https://example.com/api/v2/user/1/followings/?limit=5\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n");
	cr_expect_null(strstr(out.data, "Content-Type:"), "301 without a body has a Content-Type");
}

Test(resp, status_lines)
{
	static const struct {
		int status;
		const char *line;
	} cases[] = {
		{200, "Status: 200 OK\r\n"},
		{301, "Status: 301 Moved Permanently\r\n"},
		{400, "Status: 400 Bad Request\r\n"},
		{401, "Status: 401 Unauthorized\r\n"},
		{404, "Status: 404 Not Found\r\n"},
		{405, "Status: 405 Method Not Allowed\r\n"},
		{503, "Status: 503 Service Unavailable\r\n"},
		{500, "Status: 500 Internal Server Error\r\n"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *s;

		resp_error(&resp, cases[i].status, "x", "y");
		s = serialize(false);
		cr_expect_eq(strncmp(s, cases[i].line, strlen(cases[i].line)), 0, "%d: %s",
		    cases[i].status, s);
	}
}

Test(resp, plain_responses_carry_no_special_headers)
{
	const char *s;

	resp_error(&resp, 404, "not_found", "Not found.");
	s = serialize(false);
	cr_expect_null(strstr(s, "WWW-Authenticate"), "%s", s);
	cr_expect_null(strstr(s, "Allow:"), "%s", s);
	cr_expect_null(strstr(s, "Retry-After"), "%s", s);
	cr_expect_null(strstr(s, "Location"), "%s", s);
}

Test(resp, header_lines_end_in_crlf)
{
	const char *s, *end;

	resp_error(&resp, 503, "service_unavailable", "Down.");
	resp.retry_after = 5;
	resp.authenticate = true;
	resp.allow = true;
	s = serialize(false);
	end = strstr(s, "\r\n\r\n");
	cr_assert_not_null(end);
	for (const char *p = s; p < end; p++) {
		if (*p == '\n')
			cr_expect(p > s && p[-1] == '\r', "bare LF at %td", p - s);
		if (*p == '\r')
			cr_expect(p[1] == '\n', "bare CR at %td", p - s);
	}
	cr_expect_eq(strstr(s, "\r\n\r\n"), end, "more than one blank line in the headers");
}

/* ------------------------------------------------------------ error bodies */

Test(resp, error_body)
{
	const char *s;

	resp_error(&resp, 404, "not_found", "Not found.");
	cr_expect_eq(resp.status, 404);
	s = serialize(false);
	cr_expect_str_eq(body_of(s), "{\"errors\":[{\"code\":\"not_found\",\"message\":\"Not found.\"}]}");
}

Test(resp, error_replaces_the_body)
{
	resp_json(&resp, 200, json_pack("{s:i}", "count", 5));
	resp_error(&resp, 503, "service_unavailable", "Down.");
	cr_expect_eq(resp.status, 503);
	cr_expect_str_eq(body_of(serialize(false)),
	    "{\"errors\":[{\"code\":\"service_unavailable\",\"message\":\"Down.\"}]}");
}

Test(resp, field_errors_body)
{
	static const struct field_error errors[] = {
		{"limit", "A valid integer is required."},
		{"offset", "Ensure this value is greater than or equal to 0."},
		{"mutual", "Must be 0 or 1."},
	};

	resp_field_errors(&resp, errors, 3);
	cr_expect_eq(resp.status, 400);
	cr_expect_str_eq(body_of(serialize(false)),
	    "{\"errors\":["
	    "{\"field\":\"limit\",\"messages\":[{\"code\":\"invalid\",\"message\":\"A valid integer is required.\"}]},"
	    "{\"field\":\"offset\",\"messages\":[{\"code\":\"invalid\",\"message\":\"Ensure this value is greater than or equal to 0.\"}]},"
	    "{\"field\":\"mutual\",\"messages\":[{\"code\":\"invalid\",\"message\":\"Must be 0 or 1.\"}]}"
	    "]}");
}

Test(resp, field_errors_from_params)
{
	static const struct field_error one[] = {{"limit", "bad \"value\""}};
	const char *s;
	char val[64];

	resp_field_errors(&resp, one, 1);
	s = serialize(false);
	cr_expect_eq(strncmp(s, "Status: 400 Bad Request\r\n", 25), 0, "%s", s);
	cr_assert_not_null(header(s, "Content-Type", val, sizeof(val)));
	cr_expect_str_eq(val, "application/json");
	expect_body_json(s, "{\"errors\":[{\"field\":\"limit\",\"messages\":"
	                    "[{\"code\":\"invalid\",\"message\":\"bad \\\"value\\\"\"}]}]}");
}
