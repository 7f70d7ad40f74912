/*
 * JSON of the endpoint's objects (jansson): a User with every key in the
 * contract's order, its Tags, and the page around them.  Key order and
 * preference gates come from one static table per object.
 */
#ifndef FOLLOWINGS_RENDER_H
#define FOLLOWINGS_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "model.h"
#include "prefs.h"

enum connection_status {
	CONNECTION_NONE,	/* null */
	CONNECTION_FOLLOWED,	/* "followed": the viewer follows this user */
};

/* The user object, with an empty "tags" array to fill with render_add_tag(). */
json_t *render_user(const struct user *u, const struct prefs *prefs,
    enum connection_status status);

/* Adds a tag to the user's "tags", kept in ascending id order. */
void render_add_tag(json_t *user, const struct tag *t);

json_t *render_tag(const struct tag *t);

/* {"count", "next", "previous", "results"}; takes the results reference. */
json_t *render_page(int64_t count, const char *next, const char *previous, json_t *results);

/* "2024-04-10T11:23:59.754335Z", no fraction when the microseconds are 0. */
void render_datetime(const struct timestamp *t, char out[32]);
/* "2024-04-10". */
void render_date(const struct timestamp *t, char out[16]);

#endif
