/*
 * request.h: the view of the FastCGI parameters.  Path and query come from
 * REQUEST_URI (nginx sends no PATH_INFO), else SCRIPT_NAME + PATH_INFO and
 * QUERY_STRING; a parameter sent twice counts as its last value.
 */
#include <criterion/criterion.h>

#include <string.h>

#include "arena.h"
#include "request.h"

Test(request, path_and_query_from_request_uri)
{
	char *env[] = {"REQUEST_METHOD=GET", "REQUEST_URI=/api/v2/user/7/followings/?limit=5&x=%20",
	    "QUERY_STRING=ignored=1", "HTTP_HOST=example.com:8080", NULL};
	struct arena a;
	struct request r;

	arena_init(&a);
	request_from_env(&r, env, &a);
	cr_assert_str_eq(r.method, "GET");
	cr_assert_eq(r.path_len, strlen("/api/v2/user/7/followings/"));
	cr_assert(strncmp(r.path, "/api/v2/user/7/followings/", r.path_len) == 0);
	cr_assert_str_eq(r.query, "limit=5&x=%20");
	cr_assert_eq(r.query_len, strlen("limit=5&x=%20"));
	cr_assert_str_eq(r.host, "example.com:8080");
	cr_assert_null(r.authorization);
	arena_free(&a);
}

Test(request, no_query_string)
{
	char *env[] = {"REQUEST_URI=/api/v2/user/7/followings/", NULL};
	struct arena a;
	struct request r;

	arena_init(&a);
	request_from_env(&r, env, &a);
	cr_assert_eq(r.path_len, strlen("/api/v2/user/7/followings/"));
	cr_assert_str_eq(r.query, "");
	cr_assert_eq(r.query_len, 0);
	cr_assert_str_eq(r.method, "");
	arena_free(&a);
}

Test(request, apache_style_without_request_uri)
{
	char *env[] = {"SCRIPT_NAME=/api/v2/user", "PATH_INFO=/7/followings/",
	    "QUERY_STRING=limit=2", "HTTP_AUTHORIZATION=Bearer t", NULL};
	struct arena a;
	struct request r;

	arena_init(&a);
	request_from_env(&r, env, &a);
	cr_assert_eq(r.path_len, strlen("/api/v2/user/7/followings/"));
	cr_assert(strncmp(r.path, "/api/v2/user/7/followings/", r.path_len) == 0);
	cr_assert_str_eq(r.query, "limit=2");
	cr_assert_str_eq(r.authorization, "Bearer t");
	arena_free(&a);
}

Test(request, last_duplicate_wins)
{
	char *env[] = {"HTTP_HOST=example.com", "HTTP_HOSTX=no", "HTTP_HOST=example.com:8080", NULL};

	cr_assert_str_eq(request_env(env, "HTTP_HOST"), "example.com:8080");
	cr_assert_str_eq(request_env(env, "HTTP_HOSTX"), "no");
	cr_assert_null(request_env(env, "HTTP"));
	cr_assert_null(request_env(NULL, "HTTP_HOST"));
}
