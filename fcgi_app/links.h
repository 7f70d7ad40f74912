/*
 * Absolute URLs for "next", "previous" and redirects: the origin comes from
 * the configured base URL, else from the request (HTTPS/REQUEST_SCHEME,
 * HTTP_HOST, else SERVER_NAME:SERVER_PORT).  Query strings are rebuilt as
 * the platform's backend writes them (Django REST framework's
 * replace_query_param): decoded, keys sorted, values re-encoded.
 */
#ifndef FOLLOWINGS_LINKS_H
#define FOLLOWINGS_LINKS_H

#include <stdint.h>

#include "arena.h"
#include "query.h"
#include "request.h"

#define LINKS_NO_OFFSET INT64_MIN

/* "scheme://host[:port]" (or the base URL as configured). */
const char *links_origin(struct arena *a, const struct request *r, const char *base_url);

/*
 * origin + path + "?" + the request's parameters with "limit" and "offset"
 * replaced (offset omitted when LINKS_NO_OFFSET), in sorted key order.
 */
const char *links_page(struct arena *a, const char *origin, const struct request *r,
    const struct query *q, int64_t limit, int64_t offset);

/* origin + path + "/" + ("?" + raw query when there is one): the 301 target. */
const char *links_add_slash(struct arena *a, const char *origin, const struct request *r);

#endif
