/*
 * JSON of the endpoints' objects: a User with every key in the contract's
 * order, its Tags, the page around them, a user's counters and a flag,
 * written straight into a buffer (jsonw.h) from static key tables.  Key
 * order and preference gates come from those tables.
 */
#ifndef FOLLOWINGS_RENDER_H
#define FOLLOWINGS_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "model.h"
#include "prefs.h"

enum connection_status {
	CONNECTION_NONE,	/* null */
	CONNECTION_FOLLOWED,	/* "followed": the viewer follows this user */
};

/*
 * A page, {"count", "next", "previous", "results"}, written as the rows
 * arrive: a user, then its tags, then the next user.  The user's keys after
 * "tags" wait in the writer until its last tag is in.
 */
struct tag_slot {
	int64_t id;
	size_t off, len;
};

struct page_writer {
	struct buf *out;
	const struct prefs *prefs;
	size_t users;
	bool user_open;
	struct buf tail;		/* the open user's keys after "tags" */
	struct buf tag_text;		/* its tags, rendered */
	struct tag_slot *tags;
	size_t ntags, tag_cap;
};

/*
 * Starts a page into out.  A writer may be reused page after page (its
 * scratch buffers are kept); zero it before its first use.
 */
void render_page_begin(struct page_writer *w, struct buf *out, const struct prefs *prefs,
    int64_t count, const char *next, const char *previous);
void render_page_user(struct page_writer *w, const struct user *u, enum connection_status status);
void render_page_tag(struct page_writer *w, const struct tag *t);
void render_page_end(struct page_writer *w);
/* Frees the writer's scratch buffers (out belongs to the caller). */
void render_page_free(struct page_writer *w);

/*
 * {"followings": n, "followers": n, "categories": n, "posts": n,
 * "discussions": n, "polls": n}, less the keys prefs turn off (as in the
 * User object).
 */
void render_counters(struct buf *out, const struct user_counters *c, const struct prefs *prefs);
/* {"key": true|false}; key is plain ASCII. */
void render_flag(struct buf *out, const char *key, bool value);

/* "2024-04-10T11:23:59.754335Z", no fraction when the microseconds are 0. */
void render_datetime(const struct timestamp *t, char out[32]);
/* "2024-04-10". */
void render_date(const struct timestamp *t, char out[16]);

#endif
