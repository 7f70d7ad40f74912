/*
 * The queries of the endpoints, each a statement prepared once per
 * connection (db.c).  The two lists (followings, followers) have a context
 * and page statements each, built from the same SQL.  Costs, with N =
 * length of a follow list:
 *
 *   prefs      4 primary-key lookups on `preferences`;
 *   context    primary-key lookups: the subject, the viewer (by id, or
 *              through the unique token checksum); the subject's counter
 *              for the list (its folded row, its unfolded log rows, the
 *              correction for pending soft deletes: db/install/10-tables.sql)
 *              and the viewer's folded followings; and, when the page needs
 *              it (plan_needs()), |the listed users the viewer follows too|,
 *              driven from the shorter list (index range) probing the other
 *              (unique key) and the user: O(min N);
 *   page       a range of the list's page index (`ix_follows_page`,
 *              `ix_follows_in_page`) walked newest first from each slice's
 *              day bound, each edge's user probed for `deleted` by primary
 *              key (OFFSET skips those probes too), then the first `limit`
 *              users in page order, their counters (as above) and tags only;
 *   days       for a deep offset: the list's per-day counts newest first
 *              (folded rows, the unfolded log, the pending correction) and,
 *              through a viewer, how many edges of each day the viewer
 *              shares (the intersection, O(min N) as in the context); the
 *              planner (plan.c) sums them until each slice's offset, so a
 *              page starts at the right day and skips only within it;
 *   cursor     for a deep offset far into one day: one pass of `offset`
 *              entries of the page index, read on the index alone (it
 *              carries the listed user's flag), to the edge at that offset;
 *              then what makes the count of the slice's edges newer than it
 *              exact: the ties at its time, the late edges of deleted
 *              users (from the change log), the pending users and, through
 *              a viewer, the shared edges in that range (driven from the
 *              shorter side, as in the days statement);
 *   relation   primary-key lookups of the viewer (by id or token) and
 *              the subject, and one probe of the follow pair's unique key;
 *   counters   the subject's row and followings and followers counters
 *              (as in the context), the viewer;
 *   maintain   CALL followings_maintain(): a bounded batch of upkeep,
 *              between requests.
 *
 * Every function returns STORE_OK, STORE_LOST (the connection was lost: one
 * retry on a new connection is worth it) or STORE_ERROR (logged).
 */
#ifndef FOLLOWINGS_STORE_H
#define FOLLOWINGS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* Which list of the subject a page reads. */
enum list_kind {
	LIST_FOLLOWINGS,	/* the users the subject follows */
	LIST_FOLLOWERS,		/* the users who follow the subject */
};

struct store_context {
	bool subject_visible;		/* exists and not soft-deleted */
	int64_t subject_count;		/* its list's length: its followings or followers counter */
	bool viewer_valid;		/* the viewer is an existing, live user */
	int64_t viewer_id;
	int64_t viewer_followings;	/* folded, maybe behind: only picks a driving side */
	int64_t common;			/* users both follow (0 without a viewer or when the same; -1 not counted) */
};

/*
 * Who reads: a user id (a verified JWT's), the SHA-256 checksum (64 hex
 * digits) of an access token still to be looked up, or neither (id 0,
 * token_checksum NULL: anonymous).
 */
struct store_viewer {
	int64_t id;
	const char *token_checksum;
};

/*
 * with_common false leaves the intersection uncounted (common -1): the
 * caller does not need it, or gets it from store_days().
 */
enum store_rc store_load_context(struct store *s, enum list_kind list, int64_t subject_id,
    const struct store_viewer *viewer, bool with_common, struct store_context *out);

/* A single lookup about the subject (relation or counters) and the viewer. */
struct store_lookup {
	bool subject_visible;		/* exists and not soft-deleted */
	bool viewer_valid;		/* the viewer is an existing, live user */
	int64_t viewer_id;
	bool edge;			/* relation: the edge asked about exists */
	struct user_counters counters;	/* counters: the subject's */
};

/* Which follow edge between the viewer and the subject a relation asks about. */
enum store_edge {
	EDGE_VIEWER_FOLLOWS,	/* viewer -> subject (is_followed) */
	EDGE_FOLLOWS_VIEWER,	/* subject -> viewer (is_follower) */
};

/*
 * A viewer who does not exist reads viewer_valid false and nothing else
 * (the lookup is driven from the viewer).
 */
enum store_rc store_load_relation(struct store *s, int64_t subject_id,
    const struct store_viewer *viewer, enum store_edge edge, struct store_lookup *out);
enum store_rc store_load_counters(struct store *s, int64_t subject_id,
    const struct store_viewer *viewer, struct store_lookup *out);

enum page_query {
	PAGE_PLAIN,		/* the subject's list, one segment */
	PAGE_SPLIT_BY_VIEWER,	/* mutual segment driven from the viewer's list */
	PAGE_SPLIT_BY_SUBJECT,	/* mutual segment driven from the subject's list */
};

/* The segments of a page (followings-api.md §2, §3). */
enum segment {
	SEGMENT_MUTUAL = 0,	/* users the viewer follows too: first */
	SEGMENT_REST = 1,	/* the others */
};

/*
 * A run of one segment, newest follow first: `limit` rows after skipping
 * `offset`, counted from the first edge created at or before `until`
 * (the end of a day; STORE_NO_UNTIL: from the newest edge).
 */
struct page_slice {
	int64_t offset, limit;
	struct timestamp until;
};

/*
 * A page as at most two slices: of the mutual segment and of the rest, of
 * which the first `limit` rows in page order are the page (so a first page
 * can ask `limit` of both without knowing where the mutual segment ends).
 * PAGE_PLAIN reads the whole list as one segment from the `rest` slice,
 * reported as plain_segment.
 */
struct page_plan {
	enum list_kind list;
	enum page_query query;
	int64_t subject;
	int64_t viewer;
	struct page_slice mutual, rest;
	int64_t limit;
	enum segment plain_segment;
};

/* The latest DATETIME(6): a slice bound that bounds nothing. */
extern const struct timestamp STORE_NO_UNTIL;

struct page_sink {
	void *arg;
	/* A user of the page, in page order. */
	void (*user)(void *arg, enum segment segment, const struct user *u);
	/* One visible tag of the user last passed to user(), by tag id. */
	void (*tag)(void *arg, const struct tag *t);
};

/* One day of a list: its visible edges, and how many of them go to users the viewer follows too. */
struct store_day {
	struct timestamp day;
	int64_t all, mutual;
};

/*
 * The per-day counts of subject's visible list (followings or followers), newest day first, in an
 * array the store owns until the next call.  viewer 0: every `mutual` is
 * 0.  by_viewer: the intersection is driven from the viewer's list (the
 * shorter one), else from the subject's.
 */
enum store_rc store_days(struct store *s, enum list_kind list, int64_t subject, int64_t viewer,
    bool by_viewer, const struct store_day **days, size_t *ndays);

/*
 * Where the rest slice's offset falls inside the day it starts at, for a
 * deep page in a day of many edges, read on the page index alone: `at`, a
 * created_at, and `before`, exactly how many of the slice's edges are
 * newer than it (in the counters' terms; no more than `offset` unless a
 * restore is not fanned out yet).  found is
 * false when the slice holds no edge that far down.  The slice can then
 * start at `at` and skip offset - before (plan_cursor()).  The edges the
 * viewer shares in that range are counted from the viewer's list
 * (by_viewer) or from the range itself, whichever is shorter.
 */
struct store_cursor {
	bool found;
	struct timestamp at;
	int64_t before;
};

enum store_rc store_find_cursor(struct store *s, const struct page_plan *plan, bool by_viewer,
    struct store_cursor *out);

enum store_rc store_fetch_page(struct store *s, const struct page_plan *plan,
    const struct page_sink *sink);

/*
 * A bounded share of the database's own upkeep (db/install/30-routines.sql,
 * followings_upkeep): rounds of `batch` logged changes folded into the
 * counters and soft deletes fanned out, for about 50 ms at most, unless
 * another session is doing it or some session did less than every_ms ago
 * (the spacing is the database's, whichever worker asks).  Between requests
 * only.
 */
enum store_rc store_maintain(struct store *s, unsigned batch, unsigned every_ms);

/*
 * What the database did since the last store_timing_reset(): each
 * statement's time and rows, round trips (the request and slow logs, the
 * scoreboard's database-time histogram).
 */
const struct dbtiming *store_timing(const struct store *s);
void store_timing_reset(struct store *s);
const struct db_counters *store_db_counters(const struct store *s);

#endif
