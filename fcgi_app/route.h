/*
 * Matches the request path (REQUEST_URI up to '?', not decoded) against an
 * endpoint's pattern (endpoints.c holds the table).  Patterns are literal
 * text; "{id}" is a user id of ASCII digits with a value from 1 to 2^63-1.  Anything else is
 * not served: no percent-decoding, so "%31", "//" and dot segments never
 * match.
 */
#ifndef FOLLOWINGS_ROUTE_H
#define FOLLOWINGS_ROUTE_H

#include <stddef.h>
#include <stdint.h>

enum route_result {
	ROUTE_NOT_FOUND,	/* 404 */
	ROUTE_MATCH,		/* serve the pattern's endpoint */
	ROUTE_ADD_SLASH,	/* 301 to the same path with a final '/' */
};

/*
 * Matches path (len bytes, no NUL needed) against one pattern, such as
 * "/api/v2/user/{id}/followings/"; on a match or an add-slash, *id is the
 * path's {id}.
 */
enum route_result route_match(const char *pattern, const char *path, size_t len, int64_t *id);

#endif
