/*
 * request_from_env and endpoint_route on a fuzzed environment: "NAME=value"
 * strings separated by NUL bytes, as libfcgi hands them over.  Checked
 * against what the environment says: the last REQUEST_URI (else
 * SCRIPT_NAME + PATH_INFO and QUERY_STRING) gives path and query, and a
 * route matches only "/api/v2/user/<1..2^63-1>/NAME/" for the endpoints'
 * names (301 without the final slash), the id read back with strtoll.
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "request.h"
#include "endpoint.h"

#define MAX_ENV 64

static const char *
ref_last(char **env, size_t n, const char *name)
{
	const char *v = NULL;

	for (size_t i = 0; i < n; i++)
		if (strncmp(env[i], name, strlen(name)) == 0 && env[i][strlen(name)] == '=')
			v = env[i] + strlen(name) + 1;
	return v;
}

/* Whether p[0..len) is "/api/v2/user/ID/NAME" + slash? for an endpoint NAME; the id and NAME. */
static int
ref_route(const char *p, size_t len, int *slash, int64_t *id, const char **name)
{
	static const char pre[] = "/api/v2/user/";
	static const char *const names[] = {
		"/followings", "/followers", "/is_followed", "/is_follower", "/counters",
	};
	size_t i = sizeof(pre) - 1, start, plen = 0;
	char digits[32];

	if (len < i || memcmp(p, pre, i) != 0)
		return 0;
	start = i;
	while (i < len && p[i] >= '0' && p[i] <= '9')
		i++;
	*name = NULL;
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		plen = strlen(names[k]);
		if (len - i >= plen && memcmp(p + i, names[k], plen) == 0
		    && (len - i == plen || p[i + plen] == '/')) {
			*name = names[k];
			break;
		}
	}
	if (i == start || *name == NULL)
		return 0;
	size_t rest = len - i - plen;

	if (rest > 1 || (rest == 1 && p[len - 1] != '/'))
		return 0;
	*slash = rest == 1;
	/* Leading zeros are fine; the value must be 1..INT64_MAX. */
	while (start < i - 1 && p[start] == '0')
		start++;
	if (i - start >= sizeof(digits))
		return 0;
	memcpy(digits, p + start, i - start);
	digits[i - start] = '\0';
	errno = 0;
	long long v = strtoll(digits, NULL, 10);

	if (errno == ERANGE || v < 1)
		return 0;
	*id = v;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena a;
	static int ready;
	char *copy = malloc(size + 1), *env[MAX_ENV + 1];
	size_t n = 0;
	struct request r;
	struct endpoint_route rt;

	if (!ready) {
		arena_init(&a);
		ready = 1;
	}
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (char *p = copy; p < copy + size && n < MAX_ENV; p += strlen(p) + 1)
		env[n++] = p;
	env[n] = NULL;

	request_from_env(&r, env, &a);
	const char *uri = ref_last(env, n, "REQUEST_URI");

	if (uri != NULL) {
		const char *q = strchr(uri, '?');

		assert(r.path == uri);
		assert(r.path_len == (q ? (size_t)(q - uri) : strlen(uri)));
		assert(strcmp(r.query, q ? q + 1 : "") == 0);
	} else {
		const char *s = ref_last(env, n, "SCRIPT_NAME"), *i = ref_last(env, n, "PATH_INFO");
		const char *qs = ref_last(env, n, "QUERY_STRING");
		size_t sl = s ? strlen(s) : 0;

		assert(r.path_len == sl + (i ? strlen(i) : 0));
		assert(memcmp(r.path, s ? s : "", sl) == 0);
		assert(strcmp(r.path + sl, i ? i : "") == 0);
		assert(strcmp(r.query, qs ? qs : "") == 0);
	}
	assert(r.query_len == strlen(r.query));
	assert(strcmp(r.method, ref_last(env, n, "REQUEST_METHOD") ? ref_last(env, n, "REQUEST_METHOD") : "") == 0);
	assert(r.authorization == ref_last(env, n, "HTTP_AUTHORIZATION"));
	assert(r.host == ref_last(env, n, "HTTP_HOST"));

	int slash = 0;
	int64_t id = 0;
	const char *name = NULL;
	int matches = ref_route(r.path, r.path_len, &slash, &id, &name);

	endpoint_route(r.path, r.path_len, &rt);
	if (!matches) {
		assert(rt.result == ROUTE_NOT_FOUND && rt.endpoint == NULL);
	} else {
		/* The endpoint's pattern ends with the path's last segment and '/'. */
		size_t pl = strlen(rt.endpoint->pattern), nl = strlen(name);

		assert(pl > nl + 1 && memcmp(rt.endpoint->pattern + pl - nl - 1, name, nl) == 0);
		assert(rt.result == (slash ? ROUTE_MATCH : ROUTE_ADD_SLASH) && rt.id == id);
	}
	arena_reset(&a);
	free(copy);
	return 0;
}
