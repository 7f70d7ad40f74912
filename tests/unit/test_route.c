/*
 * route.h and the endpoint table (endpoints.c): "/api/v2/user/{id}/followings/"
 * and the other endpoints of follow-graph-api.md, {id} = ASCII digits, value
 * 1..2^63-1; the same path without the final slash is a 301; anything else
 * (letters, sign, overflow, extra segments, "%31", "//", dot segments) is
 * 404 (contract sections 1 and 7).
 */
#include <criterion/criterion.h>

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "counters.h"
#include "endpoint.h"
#include "list.h"
#include "relation.h"

/*
 * Copies path into a buffer of exactly its length (no NUL) so that ASan
 * catches any read past len.
 */
static void
match_exact(const char *path, size_t len, struct endpoint_route *out)
{
	char *copy = malloc(len ? len : 1);

	memcpy(copy, path, len);
	endpoint_route(copy, len, out);
	free(copy);
}

static const char *
result_name(enum route_result r)
{
	switch (r) {
	case ROUTE_NOT_FOUND: return "NOT_FOUND";
	case ROUTE_MATCH: return "MATCH";
	case ROUTE_ADD_SLASH: return "ADD_SLASH";
	}
	return "?";
}

struct match_case {
	const char *path;
	int64_t id;
};

static const struct match_case matches[] = {
	{"/api/v2/user/1/followings/", 1},
	{"/api/v2/user/42/followings/", 42},
	{"/api/v2/user/007/followings/", 7},
	{"/api/v2/user/0000000000000000000001/followings/", 1},
	{"/api/v2/user/9223372036854775807/followings/", INT64_MAX},
	{"/api/v2/user/09223372036854775807/followings/", INT64_MAX},
	{"/api/v2/user/1234567890123/followings/", 1234567890123},
	/* Leading zeros are the same user, however many (contract section 7). */
	{"/api/v2/user/00000000000000000000000000000000000000000000000000000000000000001/followings/", 1},
};

Test(route, match_with_id)
{
	for (size_t i = 0; i < sizeof(matches) / sizeof(matches[0]); i++) {
		const struct match_case *c = &matches[i];
		struct endpoint_route r;

		match_exact(c->path, strlen(c->path), &r);
		cr_expect_eq(r.result, ROUTE_MATCH, "%s: %s, expected MATCH", c->path,
		    result_name(r.result));
		cr_expect(r.endpoint != NULL && r.endpoint->get == list_followings_get, "%s: endpoint %s",
		    c->path, r.endpoint ? r.endpoint->pattern : "none");
		cr_expect_eq(r.id, c->id, "%s: id %" PRId64 ", expected %" PRId64, c->path, r.id, c->id);
	}
}

Test(route, without_final_slash_adds_it)
{
	static const char *const paths[] = {
		"/api/v2/user/1/followings",
		"/api/v2/user/007/followings",
		"/api/v2/user/9223372036854775807/followings",
	};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct endpoint_route r;

		match_exact(paths[i], strlen(paths[i]), &r);
		cr_expect_eq(r.result, ROUTE_ADD_SLASH, "%s: %s, expected ADD_SLASH", paths[i],
		    result_name(r.result));
	}
}

static const char *const not_found[] = {
	"",
	"/",
	"//",
	"/api",
	"/api/",
	"/api/v2/",
	"/api/v2/user",
	"/api/v2/user/",
	"/api/v2/user/1",
	"/api/v2/user/1/",
	"/api/v2/user/1/f",
	"/api/v2/user/1/following/",
	"/api/v2/user/1/followings.json",
	/* id: not 1..2^63-1 in plain ASCII digits */
	"/api/v2/user/0/followings/",
	"/api/v2/user/000/followings/",
	"/api/v2/user/-1/followings/",
	"/api/v2/user/+1/followings/",
	"/api/v2/user/abc/followings/",
	"/api/v2/user/1a/followings/",
	"/api/v2/user/a1/followings/",
	"/api/v2/user/1.0/followings/",
	"/api/v2/user/1e3/followings/",
	"/api/v2/user/0x10/followings/",
	"/api/v2/user/ 1/followings/",
	"/api/v2/user/1 /followings/",
	"/api/v2/user/9223372036854775808/followings/",
	"/api/v2/user/18446744073709551616/followings/",
	"/api/v2/user/99999999999999999999999/followings/",
	"/api/v2/user/%31/followings/",
	"/api/v2/user/1%30/followings/",
	"/api/v2/user/\xef\xbc\x91/followings/",	/* FULLWIDTH DIGIT ONE */
	"/api/v2/user//followings/",
	"/api/v2/user/{id}/followings/",
	/* extra or doubled segments, dot segments, encoded separators */
	"//api/v2/user/1/followings/",
	"/api//v2/user/1/followings/",
	"/api/v2//user/1/followings/",
	"/api/v2/user//1/followings/",
	"/api/v2/user/1//followings/",
	"/api/v2/user/1/followings/x",
	"/api/v2/user/1/followings//",
	"/api/v2/user/1/followings/1/followings/",
	"/api/v2/user/1/./followings/",
	"/api/v2/user/1/followings/./",
	"/api/v2/user/1/followings/.",
	"/api/v2/user/2/../1/followings/",
	"/api/v2/./user/1/followings/",
	"/api/v2/user/1/followings%2F",
	"/api/v2/user/1%2Ffollowings/",
	"/api/v2/user/1/%66ollowings/",
	/* literal match: case and prefix matter */
	"/API/v2/user/1/followings/",
	"/api/v2/user/1/Followings/",
	"/api/v1/user/1/followings/",
	"api/v2/user/1/followings/",
	"/prefix/api/v2/user/1/followings/",
	/* a '?' inside the path length is part of the path */
	"/api/v2/user/1/followings/?x=1",
	"/api/v2/user/1/followings?x=1",
	/* 404 comes before 301: a bad id without the final slash */
	"/api/v2/user/0/followings",
	"/api/v2/user/abc/followings",
	"/api/v2/user/-1/followings",
	"/api/v2/user/9223372036854775808/followings",
	"/api/v2/user//followings",
	"/api/v2/user/%31/followings",
	"/api/v2/user/1/./followings",
};

Test(route, not_found)
{
	for (size_t i = 0; i < sizeof(not_found) / sizeof(not_found[0]); i++) {
		struct endpoint_route r;

		match_exact(not_found[i], strlen(not_found[i]), &r);
		cr_expect_eq(r.result, ROUTE_NOT_FOUND, "\"%s\": %s, expected NOT_FOUND", not_found[i],
		    result_name(r.result));
	}
}

Test(route, embedded_nul_is_not_served)
{
	static const char path[] = "/api/v2/user/1\0/followings/";
	struct endpoint_route r;

	match_exact(path, sizeof(path) - 1, &r);
	cr_expect_eq(r.result, ROUTE_NOT_FOUND, "%s", result_name(r.result));
}

Test(route, length_is_given_explicitly)
{
	const char *s = "/api/v2/user/12/followings/?x";
	struct endpoint_route r;

	/* The query after the path is not part of it. */
	match_exact(s, strlen("/api/v2/user/12/followings/"), &r);
	cr_expect_eq(r.result, ROUTE_MATCH, "%s", result_name(r.result));
	cr_expect_eq(r.id, 12);

	/* Cut before the final slash: 301. */
	match_exact(s, strlen("/api/v2/user/12/followings"), &r);
	cr_expect_eq(r.result, ROUTE_ADD_SLASH, "%s", result_name(r.result));

	/* Cut inside the id or before it: 404. */
	match_exact(s, strlen("/api/v2/user/1"), &r);
	cr_expect_eq(r.result, ROUTE_NOT_FOUND, "%s", result_name(r.result));
	match_exact(s, strlen("/api/v2/user/"), &r);
	cr_expect_eq(r.result, ROUTE_NOT_FOUND, "%s", result_name(r.result));
	match_exact(s, 0, &r);
	cr_expect_eq(r.result, ROUTE_NOT_FOUND, "%s", result_name(r.result));

	/* The whole string, '?' included: not a path we serve. */
	match_exact(s, strlen(s), &r);
	cr_expect_eq(r.result, ROUTE_NOT_FOUND, "%s", result_name(r.result));
}

Test(route, result_is_reset_between_calls)
{
	struct endpoint_route r;
	const char *bad = "/nope";
	const char *good = "/api/v2/user/5/followings/";

	match_exact(good, strlen(good), &r);
	cr_assert_eq(r.result, ROUTE_MATCH);
	match_exact(bad, strlen(bad), &r);
	cr_expect_eq(r.result, ROUTE_NOT_FOUND);
	cr_expect_null(r.endpoint);
}

/* Each endpoint of follow-graph-api.md by its path, with and without the final slash. */
Test(route, every_endpoint_by_its_path)
{
	static const struct {
		const char *path;
		endpoint_get_fn get;
	} cases[] = {
		{"/api/v2/user/3/followings/", list_followings_get},
		{"/api/v2/user/3/followers/", list_followers_get},
		{"/api/v2/user/3/is_followed/", relation_is_followed_get},
		{"/api/v2/user/3/is_follower/", relation_is_follower_get},
		{"/api/v2/user/3/counters/", counters_get},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = strlen(cases[i].path);
		struct endpoint_route r;

		match_exact(cases[i].path, len, &r);
		cr_expect_eq(r.result, ROUTE_MATCH, "%s: %s", cases[i].path, result_name(r.result));
		cr_expect(r.endpoint != NULL && r.endpoint->get == cases[i].get, "%s", cases[i].path);
		cr_expect_eq(r.id, 3, "%s: id %" PRId64, cases[i].path, r.id);
		match_exact(cases[i].path, len - 1, &r);
		cr_expect_eq(r.result, ROUTE_ADD_SLASH, "%s without '/': %s", cases[i].path,
		    result_name(r.result));
		cr_expect(r.endpoint != NULL && r.endpoint->get == cases[i].get, "%s", cases[i].path);
	}
}

/* Near misses of the new paths are 404, as for followings. */
Test(route, near_misses_of_every_endpoint)
{
	static const char *const paths[] = {
		"/api/v2/user/3/is_followed/x",
		"/api/v2/user/3/isfollowed/",
		"/api/v2/user/3/is_follow/",
		"/api/v2/user/3/is_followers/",
		"/api/v2/user/3/Counters/",
		"/api/v2/user/3/counters//",
		"/api/v2/user/0/counters/",
		"/api/v2/user/%33/is_follower/",
		"/api/v2/user/3/counter/",
		"/api/v2/user/3/follower/",
		"/api/v2/user/3/followers/x",
	};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct endpoint_route r;

		match_exact(paths[i], strlen(paths[i]), &r);
		cr_expect_eq(r.result, ROUTE_NOT_FOUND, "%s: %s", paths[i], result_name(r.result));
	}
}
