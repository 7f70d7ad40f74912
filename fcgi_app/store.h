/*
 * The queries of the followings endpoint, each a statement prepared once
 * per connection (db.c).  Costs, with N = length of a follow list:
 *
 *   prefs      4 primary-key lookups on `preferences`;
 *   context    primary-key lookups: the subject, the viewer (by id, or
 *              through the unique token checksum); each one's followings
 *              counter (its folded row, its unfolded log rows, the
 *              correction for pending soft deletes: db/install/10-tables.sql);
 *              and |intersection of the two follow lists|, driven from the
 *              shorter list (index range) probing the other (unique key)
 *              and the user: O(min N);
 *   page       a range of `ix_follows_page` walked newest first, each
 *              edge's user probed for `deleted` by primary key (OFFSET
 *              skips those probes too), then the page's users, their
 *              counters (as above) and tags only;
 *   day seek   for a deep offset: the list's per-day counts newest first
 *              (folded rows plus the unfolded log), summed here until the
 *              offset, so the page starts at the right day and skips only
 *              within it;
 *   maintain   CALL followings_maintain(): a bounded batch of upkeep,
 *              between requests.
 *
 * Every function returns STORE_OK, STORE_LOST (the connection was lost: one
 * retry on a new connection is worth it) or STORE_ERROR (logged).
 */
#ifndef FOLLOWINGS_STORE_H
#define FOLLOWINGS_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "auth.h"
#include "conf.h"
#include "db.h"
#include "dbtiming.h"
#include "model.h"
#include "prefs.h"

enum store_rc { STORE_OK = 0, STORE_LOST = 1, STORE_ERROR = -1 };

struct store;

struct store *store_new(const struct conf *conf);
void store_free(struct store *s);

/* Connects (or reconnects) when needed; STORE_ERROR while the database is down. */
enum store_rc store_ready(struct store *s);

enum store_rc store_load_prefs(struct store *s, struct prefs *out);

struct store_context {
	bool subject_visible;		/* exists and not soft-deleted */
	int64_t subject_followings;	/* its followings counter */
	bool viewer_valid;		/* credential names an existing, live user */
	int64_t viewer_id;
	int64_t viewer_followings;
	int64_t common;			/* users both follow (0 without a viewer or when the same) */
};

/* cred is AUTH_NONE, AUTH_JWT or AUTH_OPAQUE. */
enum store_rc store_load_context(struct store *s, int64_t subject_id,
    const struct auth_credential *cred, struct store_context *out);

enum page_query {
	PAGE_PLAIN,		/* the subject's list, one segment */
	PAGE_SPLIT_BY_VIEWER,	/* mutual segment driven from the viewer's list */
	PAGE_SPLIT_BY_SUBJECT,	/* mutual segment driven from the subject's list */
};

/*
 * A page as at most two slices: of the mutual segment (segment 0: users the
 * viewer follows too) and of the rest (segment 1), each newest follow first.
 * PAGE_PLAIN reads the whole list as one segment, numbered plain_segment.
 */
struct page_plan {
	enum page_query query;
	/* PAGE_PLAIN only: start at the end of `day` (rest_offset counts from there). */
	bool before_day;
	struct timestamp day;
	int64_t subject;
	int64_t viewer;
	int64_t mutual_offset, mutual_limit;
	int64_t rest_offset, rest_limit;
	int plain_segment;
};

struct page_sink {
	void *arg;
	/* A user of the page, in page order. */
	void (*user)(void *arg, int segment, const struct user *u);
	/* One visible tag of the user last passed to user(), by tag id. */
	void (*tag)(void *arg, const struct tag *t);
};

struct store_day {
	bool found;
	struct timestamp day;	/* the day holding the offset */
	int64_t before;		/* visible edges on later days */
};

/* Where position `offset` of follower's visible list lies (store_day.found false: past the end). */
enum store_rc store_seek_day(struct store *s, int64_t follower, int64_t offset,
    struct store_day *out);

enum store_rc store_fetch_page(struct store *s, const struct page_plan *plan,
    const struct page_sink *sink);

/*
 * A bounded share of the database's own upkeep (db/install/30-routines.sql):
 * folds up to `batch` logged changes into the counters and fans out a soft
 * delete, unless another session is doing it.  Between requests only.
 */
enum store_rc store_maintain(struct store *s, unsigned batch);

/*
 * What the database did since the last store_timing_reset(): each
 * statement's time and rows, round trips (the request and slow logs, the
 * scoreboard's database-time histogram).
 */
const struct dbtiming *store_timing(const struct store *s);
void store_timing_reset(struct store *s);
const struct db_counters *store_db_counters(const struct store *s);

#endif
