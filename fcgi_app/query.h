/*
 * The query string, split into parameters and percent-decoded once
 * (application/x-www-form-urlencoded: '+' is a space).  Nothing is dropped
 * here: a pair that does not decode is marked, and the caller decides
 * (a known parameter answers 400, an unknown one is ignored).
 */
#ifndef FOLLOWINGS_QUERY_H
#define FOLLOWINGS_QUERY_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

struct query_param {
	const char *key;	/* decoded, NUL-terminated (may hold no NUL inside) */
	size_t key_len;
	const char *value;	/* decoded; "" for a bare key */
	size_t value_len;
	bool bare;		/* "?key" with no '=' */
	bool undecodable;	/* an invalid %XX escape or a decoded NUL */
};

struct query {
	struct query_param *params;
	size_t count;
};

/*
 * Splits and decodes qs[0..len) (memory comes from the arena, at most
 * max_params pairs' worth).  Returns false, with the first max_params
 * pairs in *out, when there are more than max_params (empty segments do
 * not count).
 */
bool query_parse(struct arena *a, const char *qs, size_t len, size_t max_params, struct query *out);

/* For callers that have no limit of their own (tests, tools). */
#define QUERY_NO_LIMIT ((size_t)-1)

/*
 * Percent-decodes src into dst (room for len bytes); returns the decoded
 * length, or -1 on an invalid escape or a decoded NUL byte.
 */
long query_decode(const char *src, size_t len, char *dst, bool plus_is_space);

/* The last parameter named key, or NULL. */
const struct query_param *query_last(const struct query *q, const char *key);

#endif
