/*
 * Maps the request path (REQUEST_URI up to '?', not decoded) to an
 * endpoint.  Paths are matched literally against a static table; "{id}" is
 * a user id of ASCII digits with a value from 1 to 2^63-1.  Anything else is
 * not served: no percent-decoding, so "%31", "//" and dot segments never
 * match.
 */
#ifndef FOLLOWINGS_ROUTE_H
#define FOLLOWINGS_ROUTE_H

#include <stddef.h>
#include <stdint.h>

enum route_endpoint {
	ENDPOINT_NONE,
	ENDPOINT_USER_FOLLOWINGS,
};

enum route_result {
	ROUTE_NOT_FOUND,	/* 404 */
	ROUTE_MATCH,		/* serve endpoint */
	ROUTE_ADD_SLASH,	/* 301 to the same path with a final '/' */
};

struct route {
	enum route_result result;
	enum route_endpoint endpoint;
	int64_t id;
};

void route_match(const char *path, size_t len, struct route *out);

#endif
