#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "clock.h"
#include "db.h"
#include "dbrow.h"
#include "log.h"
#include "store.h"

enum stmt_id {
	STMT_PREFS,
	STMT_CONTEXT_BY_ID,
	STMT_CONTEXT_BY_TOKEN,	/* = STMT_CONTEXT_BY_ID + 1, as for every by-token statement */
	STMT_DAYS_BY_VIEWER,
	STMT_DAYS_BY_SUBJECT,	/* = STMT_DAYS_BY_VIEWER + 1, for either list */
	STMT_PAGE_PLAIN,
	STMT_PAGE_SPLIT_BY_VIEWER,
	STMT_PAGE_SPLIT_BY_SUBJECT,
	STMT_IN_CONTEXT_BY_ID,
	STMT_IN_CONTEXT_BY_TOKEN,
	STMT_IN_PAGE_PLAIN,
	STMT_IN_PAGE_SPLIT_BY_VIEWER,
	STMT_IN_PAGE_SPLIT_BY_SUBJECT,
	STMT_IN_DAYS_BY_VIEWER,
	STMT_IN_DAYS_BY_SUBJECT,
	STMT_CURSOR,
	STMT_IN_CURSOR,
	STMT_IS_FOLLOWED_BY_ID,
	STMT_IS_FOLLOWED_BY_TOKEN,
	STMT_IS_FOLLOWER_BY_ID,
	STMT_IS_FOLLOWER_BY_TOKEN,
	STMT_COUNTERS_BY_ID,
	STMT_COUNTERS_BY_TOKEN,
	STMT_MAINTAIN,
	STMT_COUNT
};

#define PREFS_SQL \
	"SELECT section, name, value FROM preferences" \
	" WHERE (section = 'configurations' AND name IN" \
	"        ('content_availability', 'follow_enabled', 'post_type_enabled'))" \
	"    OR (section = 'addons' AND name = 'polls_enabled')"

/*
 * A user's counters, exact in the statement's own consistent read: the
 * folded value, plus the changes the platform's writers logged since the
 * last fold, plus a correction for the edges of users whose soft delete or
 * restore is not fanned out yet (db/install/10-tables.sql).  With nothing
 * left to fold or fan out, the two subqueries read empty index ranges.  The
 * correction's join order is the optimizer's: from the pending users while
 * they are few (they normally are), from the user's own edges when a burst
 * of soft deletes outnumbers them.
 */
#define OUT_COUNT(u) \
	"(COALESCE((SELECT c.followings FROM follow_counters c WHERE c.user_id = " u "), 0)" \
	" + COALESCE((SELECT SUM(l.d_out + l.late * COALESCE(w.deleted = 0, 0)) FROM follow_log l" \
	"    LEFT JOIN users w ON l.late <> 0 AND w.id = l.followed_id WHERE l.follower_id = " u "), 0)" \
	" + COALESCE((SELECT SUM((w.deleted = 0) - (f.followed_deleted = 0)) FROM follow_pending p" \
	"    JOIN follows f ON f.follower_id = " u " AND f.followed_id = p.user_id" \
	"      AND f.followed_deleted < 2" \
	"    JOIN users w ON w.id = p.user_id), 0))"

/*
 * The folded value alone: enough where the count only picks which list to
 * drive an intersection from (the viewer's), and one table reference where
 * OUT_COUNT has six for the optimizer to work through at every execution.
 */
#define FOLDED_OUT_COUNT(u) \
	"COALESCE((SELECT c.followings FROM follow_counters c WHERE c.user_id = " u "), 0)"

#define IN_COUNT(u) \
	"(COALESCE((SELECT c.followers FROM follow_counters c WHERE c.user_id = " u "), 0)" \
	" + COALESCE((SELECT SUM(l.d_in + l.late * COALESCE(v.deleted = 0, 0)) FROM follow_log l" \
	"    LEFT JOIN users v ON l.late <> 0 AND v.id = l.follower_id WHERE l.followed_id = " u "), 0)" \
	" + COALESCE((SELECT SUM((w.deleted = 0) - (f.follower_deleted = 0)) FROM follow_pending p" \
	"    JOIN follows f ON f.follower_id = p.user_id AND f.followed_id = " u \
	"      AND f.follower_deleted < 2" \
	"    JOIN users w ON w.id = p.user_id), 0))"

/*
 * Both lists are runs of `follows` edges x: a user's followings are the
 * edges it is the follower of (x.follower_id = the user), listing their
 * followed_id; its followers the edges it is followed by, listing their
 * follower_id.  The macros below take the two column names: `own`, the
 * list owner's end, and `other`, the listed user's end.  The viewer's
 * follows v are always its followings.
 */
#define OUT_OWN "follower_id"
#define OUT_OTHER "followed_id"
#define IN_OWN "followed_id"
#define IN_OTHER "follower_id"

/* The listed user of edge x, when visible. */
#define VISIBLE_X(other) " STRAIGHT_JOIN users w ON w.id = x." other " AND w.deleted = 0"

/*
 * The listed users the viewer follows too, as the subject's edges x (their
 * users visible), driven from the shorter list (an index range) probing the
 * other (its unique key) and the user (its primary key, for `deleted`):
 * O(min N) whichever list is longer.  The last two arguments are the subject
 * and the viewer, in the order the driving side binds them.
 */
#define SHARED_BY_VIEWER(own, other, subject, viewer) \
	" FROM follows v" \
	" STRAIGHT_JOIN follows x ON x." own " = " subject " AND x." other " = v.followed_id" \
	VISIBLE_X(other) " WHERE v.follower_id = " viewer
#define SHARED_BY_SUBJECT(own, other, viewer, subject) \
	" FROM follows x" \
	" STRAIGHT_JOIN follows v ON v.follower_id = " viewer " AND v.followed_id = x." other \
	VISIBLE_X(other) " WHERE x." own " = " subject
#define OUT_SHARED_BY_VIEWER(a, b) SHARED_BY_VIEWER(OUT_OWN, OUT_OTHER, a, b)
#define OUT_SHARED_BY_SUBJECT(a, b) SHARED_BY_SUBJECT(OUT_OWN, OUT_OTHER, a, b)
#define IN_SHARED_BY_VIEWER(a, b) SHARED_BY_VIEWER(IN_OWN, IN_OTHER, a, b)
#define IN_SHARED_BY_SUBJECT(a, b) SHARED_BY_SUBJECT(IN_OWN, IN_OTHER, a, b)

/*
 * The subject, the viewer and how many listed users the viewer follows
 * too (unless the first parameter is 0), in one round trip; a missing row
 * reads NULL.  The subject's count (subject_count: OUT_COUNT or IN_COUNT) is
 * exact, it is the page's count; the viewer's followings are the folded
 * value, which only chooses the intersection's driving side.  CASE evaluates
 * only the intersection it picks; `self` is the condition under which there
 * is nothing to count (followings: the viewer is the subject, whose whole
 * list is mutual).  The derived table (LIMIT keeps it from being merged)
 * computes each counter once.
 */
#define CONTEXT_SQL(subject_count, shared_by_viewer, shared_by_subject, self, viewer_join) \
	"SELECT k.xid, k.xdel, k.xn, k.vid, k.vdel, k.vn," \
	"       CASE WHEN ? = 0 THEN -1" \
	"            WHEN k.vid IS NULL OR k.xid IS NULL" self " THEN 0" \
	"            WHEN k.vn <= k.xn THEN (SELECT COUNT(*)" shared_by_viewer("k.xid", "k.vid") ")" \
	"            ELSE (SELECT COUNT(*)" shared_by_subject("k.vid", "k.xid") ") END" \
	"  FROM (SELECT x.id AS xid, x.deleted AS xdel, " subject_count("x.id") " AS xn," \
	"               v.id AS vid, v.deleted AS vdel, " FOLDED_OUT_COUNT("v.id") " AS vn" \
	"          FROM (SELECT 1 AS one) AS d" \
	"          LEFT JOIN users x ON x.id = ?" \
	viewer_join \
	"         LIMIT 1) AS k"
#define OUT_CONTEXT_SQL(viewer_join) \
	CONTEXT_SQL(OUT_COUNT, OUT_SHARED_BY_VIEWER, OUT_SHARED_BY_SUBJECT, " OR k.vid = k.xid", viewer_join)
/* Viewer = {id}: the mutual followers are the ones {id} follows back (follow-graph-api.md §1). */
#define IN_CONTEXT_SQL(viewer_join) \
	CONTEXT_SQL(IN_COUNT, IN_SHARED_BY_VIEWER, IN_SHARED_BY_SUBJECT, "", viewer_join)

/*
 * A page is a derived table of at most `limit` edges, taken from the
 * list's page index (ix_follows_page, ix_follows_in_page) newest first (a
 * deferred join), then joined to the page's users, their counters and their
 * visible tags.  Each edge's user is probed for `deleted` by primary key as
 * the index is walked, so a soft delete shows the moment it commits.  The
 * ORDER BY names only the derived table's narrow columns, so the server
 * sorts those few rows before the join: ordering by a joined column (a
 * tag's id) would sort the joined rows, TEXT columns included, in an
 * on-disk temporary table on every request.  Tags come in user_tags'
 * primary-key order, and render_add_tag() keeps them sorted by id whatever
 * the order.
 */
#define PAGE_SQL(edges) \
	"SELECT p.seg, p.eid," \
	"       u.id, u.username, u.real_name, u.avatar, u.ext_id," \
	"       " OUT_COUNT("u.id") ", " IN_COUNT("u.id") "," \
	"       u.posts_counter, u.discussions_counter, u.polls_counter, u.categories_counter," \
	"       u.date_joined, u.bio, u.location, u.location_lat_lng, u.position_lat_lng," \
	"       u.date_of_birth, u.description, u.gender, u.website, u.cover, u.reputation," \
	"       u.community_badge, u.reg_approved, u.deleted, u.company_name, u.company_role," \
	"       t.id, t.active, t.name, t.type, t.description, t.color, t.visible," \
	"       t.visibility_boost, t.created_at, t.deleted" \
	"  FROM (" edges ") AS p" \
	"  STRAIGHT_JOIN users u ON u.id = p.other_id" \
	"  LEFT JOIN (user_tags ut JOIN tags t ON t.id = ut.tag_id" \
	"             AND t.visible = 1 AND t.active = 1 AND t.deleted = 0)" \
	"         ON ut.user_id = u.id" \
	" ORDER BY p.seg, p.created_at DESC, p.eid DESC"

/* The segments' numbers in SQL (enum segment, store.h). */
#define SQL_SEGMENT_MUTUAL "0"
#define SQL_SEGMENT_REST "1"
_Static_assert(SEGMENT_MUTUAL == 0 && SEGMENT_REST == 1, "SQL_SEGMENT_* match enum segment");

/* A slice starts at its day bound (an index range) and skips only past it. */
#define SLICE " AND x.created_at <= ?"
#define EDGE_ORDER " ORDER BY x.created_at DESC, x.id DESC LIMIT ? OFFSET ?"
#define EDGE_COLUMNS(other) " x.created_at, x.id AS eid, x." other " AS other_id"

#define PLAIN_EDGES(own, other) \
	"SELECT ? AS seg," EDGE_COLUMNS(other) " FROM follows x" VISIBLE_X(other) \
	" WHERE x." own " = ?" SLICE EDGE_ORDER

/* The rest: the subject's edges to users the viewer does not follow. */
#define REST_EDGES(own, other) \
	"(SELECT " SQL_SEGMENT_REST " AS seg," EDGE_COLUMNS(other) " FROM follows x" VISIBLE_X(other) \
	"  WHERE x." own " = ?" SLICE \
	"    AND NOT EXISTS (SELECT 1 FROM follows v" \
	"                     WHERE v.follower_id = ? AND v.followed_id = x." other ")" \
	EDGE_ORDER ")"

#define MUTUAL_EDGES(other, shared) \
	"(SELECT " SQL_SEGMENT_MUTUAL " AS seg," EDGE_COLUMNS(other) shared("?", "?") SLICE EDGE_ORDER ")"

/* Both slices, of which the first `limit` rows in page order make the page. */
#define SPLIT_EDGES(own, other, shared) \
	"SELECT * FROM (" MUTUAL_EDGES(other, shared) " UNION ALL " REST_EDGES(own, other) ") AS e" \
	" ORDER BY e.seg, e.created_at DESC, e.eid DESC LIMIT ?"
#define OUT_SPLIT_EDGES(shared) SPLIT_EDGES(OUT_OWN, OUT_OTHER, shared)
#define IN_SPLIT_EDGES(shared) SPLIT_EDGES(IN_OWN, IN_OTHER, shared)

/*
 * A list's visible edges per day, newest day first, exact as the counters
 * are (the folded day counts, a primary-key range with a row per day; the
 * logged changes not folded yet; the correction for pending users), and how
 * many of each day's edges the viewer shares.  The planner sums them until
 * each slice's offset.  The arguments name the list's end of an edge
 * (`own`), the listed user's (`other`), its day-count table, its log delta
 * (d_out, d_in) and its stored flag of the listed user's state.
 */
#define DAYS_SQL(own, other, counts, delta, flag, shared) \
	"SELECT day, SUM(n), SUM(mn) FROM (" \
	"  SELECT day, visible AS n, 0 AS mn FROM " counts " WHERE " own " = ?" \
	"  UNION ALL SELECT l.day, l." delta " + l.late * COALESCE(w.deleted = 0, 0), 0 FROM follow_log l" \
	"    LEFT JOIN users w ON l.late <> 0 AND w.id = l." other " WHERE l." own " = ?" \
	"  UNION ALL SELECT DATE(f.created_at), (w.deleted = 0) - (f." flag " = 0), 0" \
	"    FROM follow_pending p JOIN follows f ON f." own " = ? AND f." other " = p.user_id" \
	"      AND f." flag " < 2" \
	"    JOIN users w ON w.id = p.user_id" \
	"  UNION ALL SELECT DATE(x.created_at), 0, 1" shared("?", "?") ") AS d" \
	" GROUP BY day HAVING SUM(n) <> 0 ORDER BY day DESC"
#define OUT_DAYS_SQL(shared) \
	DAYS_SQL(OUT_OWN, OUT_OTHER, "follow_day_counts", "d_out", "followed_deleted", shared)
#define IN_DAYS_SQL(shared) \
	DAYS_SQL(IN_OWN, IN_OTHER, "follow_in_day_counts", "d_in", "follower_deleted", shared)

/*
 * A deep slice's place inside its day, for a day of many edges, in one
 * statement on the page index alone, which carries the listed user's
 * stored flag (db/followings-db, page_index), instead of a walk that probes
 * every skipped edge's user (bench/RESULTS.md, 2026-12-08).
 *
 * t is the edge `offset` places down from the slice's bound among the
 * edges counted visible or counted late (flag 0 or 2): the one pass over
 * the skipped part of the day.  Exactly `offset` of those are before t in
 * page order; of them, the slice's edges newer than t.at are, in the
 * counters' terms (OUT_COUNT/IN_COUNT): `offset`, less those with t's
 * created_at and a larger id (ties), less the late ones whose listed user
 * is deleted (found through their late rows of the change log, on the
 * log's key), plus the pending users' correction; for the rest segment,
 * less the visible edges the viewer shares in that range (0: none), driven
 * from the viewer's list or from the range, whichever is shorter.  The
 * edges of an unfinished install (flag NULL) are counted in no term.
 */
#define CURSOR_RANGE " AND x.created_at > t.at AND x.created_at <= ?"
#define CURSOR_SQL(own, other, flag, shared_by_viewer, shared_by_subject) \
	"SELECT t.at, ?" \
	"     - (SELECT COUNT(*) FROM follows x WHERE x." own " = ? AND x.created_at = t.at" \
	"           AND x.id > t.eid AND x." flag " IN (0, 2))" \
	"     - (SELECT COALESCE(SUM(l.late), 0) FROM follow_log l" \
	"          JOIN users w ON w.id = l." other " AND w.deleted <> 0" \
	"          JOIN follows x ON x." own " = l." own " AND x." other " = l." other CURSOR_RANGE \
	"         WHERE l." own " = ? AND l.day >= DATE(t.at) AND l.day <= DATE(?) AND l.late <> 0)" \
	"     + (SELECT COALESCE(SUM((w.deleted = 0) - (x." flag " = 0)), 0) FROM follow_pending p" \
	"          JOIN follows x ON x." own " = ? AND x." other " = p.user_id AND x." flag " < 2" \
	CURSOR_RANGE \
	"          JOIN users w ON w.id = p.user_id)" \
	"     - CASE WHEN ? = 0 THEN 0" \
	"            WHEN ? THEN (SELECT COUNT(*)" shared_by_viewer("?", "?") CURSOR_RANGE ")" \
	"            ELSE (SELECT COUNT(*)" shared_by_subject("?", "?") CURSOR_RANGE ") END" \
	"  FROM (SELECT x.created_at AS at, x.id AS eid FROM follows x" \
	"         WHERE x." own " = ? AND x.created_at <= ? AND x." flag " IN (0, 2)" \
	"         ORDER BY x.created_at DESC, x.id DESC LIMIT 1 OFFSET ?) AS t"
#define OUT_CURSOR_SQL \
	CURSOR_SQL(OUT_OWN, OUT_OTHER, "followed_deleted", OUT_SHARED_BY_VIEWER, OUT_SHARED_BY_SUBJECT)
#define IN_CURSOR_SQL \
	CURSOR_SQL(IN_OWN, IN_OTHER, "follower_deleted", IN_SHARED_BY_VIEWER, IN_SHARED_BY_SUBJECT)

/*
 * The reader, joined after the subject x as v: by user id (0: anonymous,
 * no row) or through an access token still in date (its checksum).
 */
#define VIEWER_BY_ID "  LEFT JOIN users v ON v.id = ?"
#define VIEWER_BY_TOKEN \
	"  LEFT JOIN access_tokens k ON k.token_checksum = ? AND k.expires > UTC_TIMESTAMP(6)" \
	"  LEFT JOIN users v ON v.id = k.user_id"

/* The subject x and the viewer v, for one lookup; a missing user reads NULL. */
#define LOOKUP_FROM(viewer_join) \
	" FROM (SELECT 1 AS one) AS d LEFT JOIN users x ON x.id = ?" viewer_join

/*
 * The viewer v (by id or through its token), the subject x and one follow
 * edge e between them, in the direction asked: three lookups by primary or
 * unique key, which the optimizer reads as constants.  Driven from the
 * viewer, who must exist (an answer without one is a 401 whatever the
 * subject): no row means no such viewer.  Joins rather than EXISTS
 * subqueries, and one direction per statement, because planning is most of
 * a lookup's cost (bench/RESULTS.md, 2026-12-03).
 */
#define VIEWER_FOLLOWS " e.follower_id = v.id AND e.followed_id = x.id"
#define FOLLOWS_VIEWER " e.follower_id = x.id AND e.followed_id = v.id"
#define RELATION_COLUMNS "SELECT x.id, x.deleted, v.id, v.deleted, e.id IS NOT NULL"
#define RELATION_BY_ID_SQL(edge) \
	RELATION_COLUMNS " FROM users v LEFT JOIN users x ON x.id = ?" \
	" LEFT JOIN follows e ON" edge " WHERE v.id = ?"
#define RELATION_BY_TOKEN_SQL(edge) \
	RELATION_COLUMNS " FROM access_tokens k JOIN users v ON v.id = k.user_id" \
	" LEFT JOIN users x ON x.id = ? LEFT JOIN follows e ON" edge \
	" WHERE k.token_checksum = ? AND k.expires > UTC_TIMESTAMP(6)"

/* The subject's counters, exact as in the User object (follow-graph-api.md §3), and the viewer. */
#define COUNTERS_SQL(viewer_join) \
	"SELECT x.id, x.deleted, v.id, v.deleted, " OUT_COUNT("x.id") ", " IN_COUNT("x.id") "," \
	"       x.categories_counter, x.posts_counter, x.discussions_counter, x.polls_counter" \
	LOOKUP_FROM(viewer_join)

static const char *const store_sql[STMT_COUNT] = {
	[STMT_PREFS] = PREFS_SQL,
	[STMT_CONTEXT_BY_ID] = OUT_CONTEXT_SQL(VIEWER_BY_ID),
	[STMT_CONTEXT_BY_TOKEN] = OUT_CONTEXT_SQL(VIEWER_BY_TOKEN),
	[STMT_DAYS_BY_VIEWER] = OUT_DAYS_SQL(OUT_SHARED_BY_VIEWER),
	[STMT_DAYS_BY_SUBJECT] = OUT_DAYS_SQL(OUT_SHARED_BY_SUBJECT),
	[STMT_PAGE_PLAIN] = PAGE_SQL(PLAIN_EDGES(OUT_OWN, OUT_OTHER)),
	[STMT_PAGE_SPLIT_BY_VIEWER] = PAGE_SQL(OUT_SPLIT_EDGES(OUT_SHARED_BY_VIEWER)),
	[STMT_PAGE_SPLIT_BY_SUBJECT] = PAGE_SQL(OUT_SPLIT_EDGES(OUT_SHARED_BY_SUBJECT)),
	[STMT_IN_CONTEXT_BY_ID] = IN_CONTEXT_SQL(VIEWER_BY_ID),
	[STMT_IN_CONTEXT_BY_TOKEN] = IN_CONTEXT_SQL(VIEWER_BY_TOKEN),
	[STMT_IN_PAGE_PLAIN] = PAGE_SQL(PLAIN_EDGES(IN_OWN, IN_OTHER)),
	[STMT_IN_PAGE_SPLIT_BY_VIEWER] = PAGE_SQL(IN_SPLIT_EDGES(IN_SHARED_BY_VIEWER)),
	[STMT_IN_PAGE_SPLIT_BY_SUBJECT] = PAGE_SQL(IN_SPLIT_EDGES(IN_SHARED_BY_SUBJECT)),
	[STMT_IN_DAYS_BY_VIEWER] = IN_DAYS_SQL(IN_SHARED_BY_VIEWER),
	[STMT_IN_DAYS_BY_SUBJECT] = IN_DAYS_SQL(IN_SHARED_BY_SUBJECT),
	[STMT_CURSOR] = OUT_CURSOR_SQL,
	[STMT_IN_CURSOR] = IN_CURSOR_SQL,
	[STMT_IS_FOLLOWED_BY_ID] = RELATION_BY_ID_SQL(VIEWER_FOLLOWS),
	[STMT_IS_FOLLOWED_BY_TOKEN] = RELATION_BY_TOKEN_SQL(VIEWER_FOLLOWS),
	[STMT_IS_FOLLOWER_BY_ID] = RELATION_BY_ID_SQL(FOLLOWS_VIEWER),
	[STMT_IS_FOLLOWER_BY_TOKEN] = RELATION_BY_TOKEN_SQL(FOLLOWS_VIEWER),
	[STMT_COUNTERS_BY_ID] = COUNTERS_SQL(VIEWER_BY_ID),
	[STMT_COUNTERS_BY_TOKEN] = COUNTERS_SQL(VIEWER_BY_TOKEN),
	[STMT_MAINTAIN] = "CALL followings_upkeep(?, ?, @followings_work)",
};

/* Columns of the page statements, in SELECT order. */
enum page_col {
	PC_SEG, PC_EID,
	PC_ID, PC_USERNAME, PC_REAL_NAME, PC_AVATAR, PC_EXT_ID,
	PC_FOLLOWINGS, PC_FOLLOWERS,
	PC_POSTS, PC_DISCUSSIONS, PC_POLLS, PC_CATEGORIES,
	PC_DATE_JOINED, PC_BIO, PC_LOCATION, PC_LOCATION_LAT_LNG, PC_POSITION_LAT_LNG,
	PC_DATE_OF_BIRTH, PC_DESCRIPTION, PC_GENDER, PC_WEBSITE, PC_COVER, PC_REPUTATION,
	PC_COMMUNITY_BADGE, PC_REG_APPROVED, PC_DELETED, PC_COMPANY_NAME, PC_COMPANY_ROLE,
	PC_TAG_ID, PC_TAG_ACTIVE, PC_TAG_NAME, PC_TAG_TYPE, PC_TAG_DESCRIPTION, PC_TAG_COLOR,
	PC_TAG_VISIBLE, PC_TAG_VISIBILITY_BOOST, PC_TAG_CREATED_AT, PC_TAG_DELETED,
	PC_COUNT
};

static const enum col_type page_cols[PC_COUNT] = {
	[PC_SEG] = COL_INT, [PC_EID] = COL_INT,
	[PC_ID] = COL_INT, [PC_USERNAME] = COL_STR, [PC_REAL_NAME] = COL_STR,
	[PC_AVATAR] = COL_STR, [PC_EXT_ID] = COL_STR,
	[PC_FOLLOWINGS] = COL_INT, [PC_FOLLOWERS] = COL_INT,
	[PC_POSTS] = COL_INT, [PC_DISCUSSIONS] = COL_INT, [PC_POLLS] = COL_INT,
	[PC_CATEGORIES] = COL_INT,
	[PC_DATE_JOINED] = COL_TIME, [PC_BIO] = COL_STR, [PC_LOCATION] = COL_STR,
	[PC_LOCATION_LAT_LNG] = COL_STR, [PC_POSITION_LAT_LNG] = COL_STR,
	[PC_DATE_OF_BIRTH] = COL_TIME, [PC_DESCRIPTION] = COL_STR, [PC_GENDER] = COL_STR,
	[PC_WEBSITE] = COL_STR, [PC_COVER] = COL_STR, [PC_REPUTATION] = COL_INT,
	[PC_COMMUNITY_BADGE] = COL_INT, [PC_REG_APPROVED] = COL_INT, [PC_DELETED] = COL_INT,
	[PC_COMPANY_NAME] = COL_STR, [PC_COMPANY_ROLE] = COL_STR,
	[PC_TAG_ID] = COL_INT, [PC_TAG_ACTIVE] = COL_INT, [PC_TAG_NAME] = COL_STR,
	[PC_TAG_TYPE] = COL_STR, [PC_TAG_DESCRIPTION] = COL_STR, [PC_TAG_COLOR] = COL_STR,
	[PC_TAG_VISIBLE] = COL_INT, [PC_TAG_VISIBILITY_BOOST] = COL_INT,
	[PC_TAG_CREATED_AT] = COL_TIME, [PC_TAG_DELETED] = COL_INT,
};

static const enum col_type prefs_cols[] = {COL_STR, COL_STR, COL_STR};
static const enum col_type days_cols[] = {COL_TIME, COL_INT, COL_INT};
static const enum col_type cursor_cols[] = {COL_TIME, COL_INT};
static const enum col_type context_cols[] = {
	COL_INT, COL_INT, COL_INT, COL_INT, COL_INT, COL_INT, COL_INT,
};
/* Columns of the lookups: x.id, x.deleted, v.id, v.deleted, then their own. */
enum lookup_col { LC_SUBJECT, LC_SUBJECT_DELETED, LC_VIEWER, LC_VIEWER_DELETED, LC_OWN };
#define RELATION_COLS (LC_OWN + 1)
#define COUNTERS_COLS (LC_OWN + 6)
static const enum col_type lookup_cols[COUNTERS_COLS] = {
	COL_INT, COL_INT, COL_INT, COL_INT, COL_INT, COL_INT, COL_INT, COL_INT, COL_INT, COL_INT,
};

struct store {
	struct db *db;
	struct dbrow prefs_row, context_row, days_row, page_row, relation_row, counters_row;
	struct dbrow cursor_row;
	struct dbtiming timing;
	struct store_day *days;	/* store_days()' rows */
	size_t days_cap;
};

const struct timestamp STORE_NO_UNTIL = {9999, 12, 31, 23, 59, 59, 999999};

struct store *
store_new(const struct conf *conf)
{
	struct store *s = xmalloc(sizeof(*s));

	s->db = db_new(conf, store_sql, STMT_COUNT);
	dbtiming_reset(&s->timing);
	dbrow_init(&s->prefs_row, prefs_cols, sizeof(prefs_cols) / sizeof(prefs_cols[0]));
	dbrow_init(&s->context_row, context_cols, sizeof(context_cols) / sizeof(context_cols[0]));
	dbrow_init(&s->days_row, days_cols, 3);
	dbrow_init(&s->page_row, page_cols, PC_COUNT);
	dbrow_init(&s->relation_row, lookup_cols, RELATION_COLS);
	dbrow_init(&s->counters_row, lookup_cols, COUNTERS_COLS);
	dbrow_init(&s->cursor_row, cursor_cols, 2);
	s->days = NULL;
	s->days_cap = 0;
	return s;
}

void
store_free(struct store *s)
{
	if (s == NULL)
		return;
	db_free(s->db);
	dbrow_free(&s->prefs_row);
	dbrow_free(&s->context_row);
	dbrow_free(&s->days_row);
	dbrow_free(&s->page_row);
	dbrow_free(&s->relation_row);
	dbrow_free(&s->counters_row);
	dbrow_free(&s->cursor_row);
	free(s->days);
	free(s);
}

enum store_rc
store_ready(struct store *s)
{
	const struct db_counters *c = db_counters(s->db);
	unsigned long attempts = c->connects + c->failures;
	int64_t t0 = clock_mono_us();
	enum store_rc rc = db_ready(s->db) == 0 ? STORE_OK : STORE_ERROR;

	/* A connection made (or tried) now is database time of this request. */
	if (c->connects + c->failures != attempts)
		dbtiming_add(&s->timing, "connect", clock_mono_us() - t0, 0, false);
	s->timing.connect_failed = rc != STORE_OK;
	return rc;
}

static enum store_rc
fail(struct store *s, MYSQL_STMT *stmt, const char *what)
{
	return db_failed(s->db, stmt, what) ? STORE_LOST : STORE_ERROR;
}

/* Binds params (may be NULL), executes, binds the result row. */
static enum store_rc
execute(struct store *s, MYSQL_STMT *stmt, MYSQL_BIND *params, struct dbrow *row,
    const char *what)
{
	if (params != NULL && mysql_stmt_bind_param(stmt, params) != 0)
		return fail(s, stmt, what);
	if (mysql_stmt_execute(stmt) != 0 || dbrow_bind(row, stmt) != 0)
		return fail(s, stmt, what);
	return STORE_OK;
}

/* Reads the remaining rows so the connection is ready for the next statement. */
static enum store_rc
finish(struct store *s, MYSQL_STMT *stmt, struct dbrow *row, const char *what)
{
	int rc;

	while ((rc = dbrow_fetch(row, stmt)) == 1)
		;
	if (rc < 0)
		return fail(s, stmt, what);
	mysql_stmt_free_result(stmt);
	return STORE_OK;
}

static enum store_rc
store_load_prefs_untimed(struct store *s, struct prefs *out)
{
	MYSQL_STMT *stmt = db_stmt(s->db, STMT_PREFS);
	struct dbrow *row = &s->prefs_row;
	enum store_rc rc;
	int f;

	if ((rc = execute(s, stmt, NULL, row, "prefs")) != STORE_OK)
		return rc;
	prefs_defaults(out);
	while ((f = dbrow_fetch(row, stmt)) == 1) {
		if (!dbrow_null(row, 0) && !dbrow_null(row, 1) && !dbrow_null(row, 2))
			prefs_apply(out, dbrow_str(row, 0), dbrow_str(row, 1), dbrow_str(row, 2));
	}
	if (f < 0)
		return fail(s, stmt, "prefs");
	mysql_stmt_free_result(stmt);
	return STORE_OK;
}

static enum store_rc
store_load_context_untimed(struct store *s, enum list_kind list, int64_t subject_id,
    const struct store_viewer *who, bool with_common, struct store_context *out)
{
	bool by_token = who->token_checksum != NULL;
	enum stmt_id by_id = list == LIST_FOLLOWERS ? STMT_IN_CONTEXT_BY_ID : STMT_CONTEXT_BY_ID;
	MYSQL_STMT *stmt = db_stmt(s->db, by_token ? by_id + 1 : by_id);
	struct dbrow *row = &s->context_row;
	MYSQL_BIND bind[3];
	unsigned long lengths[3];
	struct dbparam p;
	long long count = with_common, subject = subject_id;
	long long viewer = by_token ? 0 : who->id;
	enum store_rc rc;
	int f;

	dbparam_init(&p, bind, lengths, 3);
	dbparam_int(&p, &count);
	dbparam_int(&p, &subject);
	if (by_token)
		dbparam_str(&p, who->token_checksum, strlen(who->token_checksum));
	else
		dbparam_int(&p, &viewer);
	if ((rc = execute(s, stmt, bind, row, "context")) != STORE_OK)
		return rc;
	memset(out, 0, sizeof(*out));
	if ((f = dbrow_fetch(row, stmt)) == 1) {
		out->subject_visible = !dbrow_null(row, 0) && dbrow_int(row, 1) == 0;
		out->subject_count = dbrow_int(row, 2);
		out->viewer_valid = !dbrow_null(row, 3) && dbrow_int(row, 4) == 0;
		out->viewer_id = dbrow_int(row, 3);
		out->viewer_followings = dbrow_int(row, 5);
		out->common = dbrow_int(row, 6);
	}
	if (f < 0)
		return fail(s, stmt, "context");
	return finish(s, stmt, row, "context");
}

/*
 * One row of a lookup statement (relation or counters): parameters the
 * subject's id, then the viewer's id or its token's checksum (the token's
 * statement is stmt_by_id + 1).
 */
static enum store_rc
lookup(struct store *s, enum stmt_id stmt_by_id, struct dbrow *row, int64_t subject_id,
    const struct store_viewer *who, const char *what, struct store_lookup *out)
{
	bool by_token = who->token_checksum != NULL;
	MYSQL_STMT *stmt = db_stmt(s->db, by_token ? stmt_by_id + 1 : stmt_by_id);
	MYSQL_BIND bind[2];
	unsigned long lengths[2];
	struct dbparam p;
	long long subject = subject_id, viewer = by_token ? 0 : who->id;
	enum store_rc rc;
	int f;

	dbparam_init(&p, bind, lengths, 2);
	dbparam_int(&p, &subject);
	if (by_token)
		dbparam_str(&p, who->token_checksum, strlen(who->token_checksum));
	else
		dbparam_int(&p, &viewer);
	if ((rc = execute(s, stmt, bind, row, what)) != STORE_OK)
		return rc;
	memset(out, 0, sizeof(*out));
	if ((f = dbrow_fetch(row, stmt)) == 1) {
		out->subject_visible = !dbrow_null(row, LC_SUBJECT) && dbrow_int(row, LC_SUBJECT_DELETED) == 0;
		out->viewer_valid = !dbrow_null(row, LC_VIEWER) && dbrow_int(row, LC_VIEWER_DELETED) == 0;
		out->viewer_id = dbrow_int(row, LC_VIEWER);
		if (row == &s->relation_row) {
			out->edge = dbrow_int(row, LC_OWN) != 0;
		} else {
			struct user_counters *c = &out->counters;

			c->followings = dbrow_int(row, LC_OWN);
			c->followers = dbrow_int(row, LC_OWN + 1);
			c->categories = dbrow_int(row, LC_OWN + 2);
			c->posts = dbrow_int(row, LC_OWN + 3);
			c->discussions = dbrow_int(row, LC_OWN + 4);
			c->polls = dbrow_int(row, LC_OWN + 5);
		}
	}
	if (f < 0)
		return fail(s, stmt, what);
	return finish(s, stmt, row, what);
}

_Static_assert(STMT_CONTEXT_BY_TOKEN == STMT_CONTEXT_BY_ID + 1
    && STMT_IN_CONTEXT_BY_TOKEN == STMT_IN_CONTEXT_BY_ID + 1
    && STMT_IS_FOLLOWED_BY_TOKEN == STMT_IS_FOLLOWED_BY_ID + 1
    && STMT_IS_FOLLOWER_BY_TOKEN == STMT_IS_FOLLOWER_BY_ID + 1
    && STMT_COUNTERS_BY_TOKEN == STMT_COUNTERS_BY_ID + 1, "by token follows by id");
_Static_assert(STMT_DAYS_BY_SUBJECT == STMT_DAYS_BY_VIEWER + 1
    && STMT_IN_DAYS_BY_SUBJECT == STMT_IN_DAYS_BY_VIEWER + 1, "by subject follows by viewer");

static enum store_rc
store_days_untimed(struct store *s, enum list_kind list, int64_t subject, int64_t viewer,
    bool by_viewer, const struct store_day **days, size_t *ndays)
{
	enum stmt_id first = list == LIST_FOLLOWERS ? STMT_IN_DAYS_BY_VIEWER : STMT_DAYS_BY_VIEWER;
	MYSQL_STMT *stmt = db_stmt(s->db, first + !by_viewer);
	struct dbrow *row = &s->days_row;
	MYSQL_BIND bind[5];
	struct dbparam p;
	long long x = subject, v = viewer;
	enum store_rc rc;
	int r;

	dbparam_init(&p, bind, NULL, 5);
	for (int i = 0; i < 3; i++)
		dbparam_int(&p, &x);
	dbparam_int(&p, by_viewer ? &x : &v);
	dbparam_int(&p, by_viewer ? &v : &x);
	*days = s->days;
	*ndays = 0;
	if ((rc = execute(s, stmt, bind, row, "days")) != STORE_OK)
		return rc;
	while ((r = dbrow_fetch(row, stmt)) == 1) {
		const MYSQL_TIME *t = dbrow_time(row, 0);
		struct store_day *d;

		if (t == NULL)
			continue;
		if (*ndays == s->days_cap) {
			s->days_cap = s->days_cap ? 2 * s->days_cap : 512;
			s->days = xrealloc(s->days, s->days_cap * sizeof(*s->days));
		}
		d = &s->days[(*ndays)++];
		d->day = (struct timestamp){(int)t->year, (int)t->month, (int)t->day, 0, 0, 0, 0};
		d->all = dbrow_int(row, 1);
		d->mutual = dbrow_int(row, 2);
	}
	*days = s->days;
	if (r < 0)
		return fail(s, stmt, "days");
	mysql_stmt_free_result(stmt);
	return STORE_OK;
}

enum store_rc
store_maintain(struct store *s, unsigned batch, unsigned every_ms)
{
	MYSQL_STMT *stmt;
	MYSQL_BIND bind[2];
	struct dbparam p;
	long long n = batch, ms = every_ms;
	int rc;

	if (db_ready(s->db) != 0)
		return STORE_ERROR;
	stmt = db_stmt(s->db, STMT_MAINTAIN);
	dbparam_init(&p, bind, NULL, 2);
	dbparam_int(&p, &n);
	dbparam_int(&p, &ms);
	if (mysql_stmt_bind_param(stmt, bind) != 0 || mysql_stmt_execute(stmt) != 0)
		return fail(s, stmt, "maintain");
	/* A CALL ends with a status result of its own: read everything off. */
	while ((rc = mysql_stmt_next_result(stmt)) == 0)
		mysql_stmt_free_result(stmt);
	if (rc > 0)
		return fail(s, stmt, "maintain");
	mysql_stmt_free_result(stmt);
	return STORE_OK;
}

static struct str
col_str(const struct dbrow *row, size_t i)
{
	return (struct str){dbrow_str(row, i), dbrow_len(row, i)};
}

static struct timestamp
col_time(const struct dbrow *row, size_t i)
{
	const MYSQL_TIME *t = dbrow_time(row, i);

	if (t == NULL)
		return (struct timestamp){0, 0, 0, 0, 0, 0, 0};
	return (struct timestamp){(int)t->year, (int)t->month, (int)t->day, (int)t->hour,
	    (int)t->minute, (int)t->second, (long)t->second_part};
}

static void
row_to_user(const struct dbrow *r, struct user *u)
{
	u->id = dbrow_int(r, PC_ID);
	u->username = col_str(r, PC_USERNAME);
	u->real_name = col_str(r, PC_REAL_NAME);
	u->avatar = col_str(r, PC_AVATAR);
	u->ext_id = col_str(r, PC_EXT_ID);
	u->followings_counter = dbrow_int(r, PC_FOLLOWINGS);
	u->followers_counter = dbrow_int(r, PC_FOLLOWERS);
	u->posts_counter = dbrow_int(r, PC_POSTS);
	u->discussions_counter = dbrow_int(r, PC_DISCUSSIONS);
	u->polls_counter = dbrow_int(r, PC_POLLS);
	u->categories_counter = dbrow_int(r, PC_CATEGORIES);
	u->date_joined = col_time(r, PC_DATE_JOINED);
	u->bio = col_str(r, PC_BIO);
	u->location = col_str(r, PC_LOCATION);
	u->location_lat_lng = col_str(r, PC_LOCATION_LAT_LNG);
	u->position_lat_lng = col_str(r, PC_POSITION_LAT_LNG);
	u->has_date_of_birth = !dbrow_null(r, PC_DATE_OF_BIRTH);
	u->date_of_birth = col_time(r, PC_DATE_OF_BIRTH);
	u->description = col_str(r, PC_DESCRIPTION);
	u->gender = col_str(r, PC_GENDER);
	u->website = col_str(r, PC_WEBSITE);
	u->cover = col_str(r, PC_COVER);
	u->reputation = dbrow_int(r, PC_REPUTATION);
	u->community_badge = dbrow_int(r, PC_COMMUNITY_BADGE) != 0;
	u->reg_approved = dbrow_int(r, PC_REG_APPROVED) != 0;
	u->deleted = dbrow_int(r, PC_DELETED) != 0;
	u->company_name = col_str(r, PC_COMPANY_NAME);
	u->company_role = col_str(r, PC_COMPANY_ROLE);
}

static void
row_to_tag(const struct dbrow *r, struct tag *t)
{
	t->id = dbrow_int(r, PC_TAG_ID);
	t->active = dbrow_int(r, PC_TAG_ACTIVE) != 0;
	t->name = col_str(r, PC_TAG_NAME);
	t->type = col_str(r, PC_TAG_TYPE);
	t->description = col_str(r, PC_TAG_DESCRIPTION);
	t->color = col_str(r, PC_TAG_COLOR);
	t->visible = dbrow_int(r, PC_TAG_VISIBLE) != 0;
	t->visibility_boost = dbrow_int(r, PC_TAG_VISIBILITY_BOOST) != 0;
	t->created_at = col_time(r, PC_TAG_CREATED_AT);
	t->deleted = dbrow_int(r, PC_TAG_DELETED) != 0;
}

/* A slice's bound as a DATETIME parameter. */
static void
slice_until(const struct page_slice *sl, MYSQL_TIME *out)
{
	memset(out, 0, sizeof(*out));
	out->year = (unsigned)sl->until.year;
	out->month = (unsigned)sl->until.month;
	out->day = (unsigned)sl->until.day;
	out->hour = (unsigned)sl->until.hour;
	out->minute = (unsigned)sl->until.minute;
	out->second = (unsigned)sl->until.second;
	out->second_part = (unsigned long)sl->until.usec;
	out->time_type = MYSQL_TIMESTAMP_DATETIME;
}

static enum store_rc
store_fetch_page_untimed(struct store *s, const struct page_plan *plan, const struct page_sink *sink)
{
	static const enum stmt_id stmt_of[][3] = {
		[LIST_FOLLOWINGS] = {
			[PAGE_PLAIN] = STMT_PAGE_PLAIN,
			[PAGE_SPLIT_BY_VIEWER] = STMT_PAGE_SPLIT_BY_VIEWER,
			[PAGE_SPLIT_BY_SUBJECT] = STMT_PAGE_SPLIT_BY_SUBJECT,
		},
		[LIST_FOLLOWERS] = {
			[PAGE_PLAIN] = STMT_IN_PAGE_PLAIN,
			[PAGE_SPLIT_BY_VIEWER] = STMT_IN_PAGE_SPLIT_BY_VIEWER,
			[PAGE_SPLIT_BY_SUBJECT] = STMT_IN_PAGE_SPLIT_BY_SUBJECT,
		},
	};
	MYSQL_STMT *stmt = db_stmt(s->db, stmt_of[plan->list][plan->query]);
	struct dbrow *row = &s->page_row;
	MYSQL_BIND bind[11];
	MYSQL_TIME mutual_until, rest_until;
	struct dbparam p;
	long long subject = plan->subject, viewer = plan->viewer, seg = plan->plain_segment;
	long long limit = plan->limit;
	long long ml = plan->mutual.limit, mo = plan->mutual.offset;
	long long rl = plan->rest.limit, ro = plan->rest.offset;
	long long last_seg = -1, last_eid = -1;
	enum store_rc rc;
	int f;

	slice_until(&plan->mutual, &mutual_until);
	slice_until(&plan->rest, &rest_until);
	dbparam_init(&p, bind, NULL, 11);
	if (plan->query == PAGE_PLAIN) {
		dbparam_int(&p, &seg);
		dbparam_int(&p, &subject);
		dbparam_datetime(&p, &rest_until);
		dbparam_int(&p, &rl);
		dbparam_int(&p, &ro);
	} else {
		/* Mutual slice: the driving list's owner is bound second. */
		bool by_viewer = plan->query == PAGE_SPLIT_BY_VIEWER;

		dbparam_int(&p, by_viewer ? &subject : &viewer);
		dbparam_int(&p, by_viewer ? &viewer : &subject);
		dbparam_datetime(&p, &mutual_until);
		dbparam_int(&p, &ml);
		dbparam_int(&p, &mo);
		dbparam_int(&p, &subject);
		dbparam_datetime(&p, &rest_until);
		dbparam_int(&p, &viewer);
		dbparam_int(&p, &rl);
		dbparam_int(&p, &ro);
		dbparam_int(&p, &limit);
	}
	if ((rc = execute(s, stmt, bind, row, "page")) != STORE_OK)
		return rc;
	while ((f = dbrow_fetch(row, stmt)) == 1) {
		long long segment = dbrow_int(row, PC_SEG), eid = dbrow_int(row, PC_EID);

		if (segment != last_seg || eid != last_eid) {
			struct user u;

			row_to_user(row, &u);
			sink->user(sink->arg, (enum segment)segment, &u);
			last_seg = segment;
			last_eid = eid;
		}
		if (!dbrow_null(row, PC_TAG_ID)) {
			struct tag t;

			row_to_tag(row, &t);
			sink->tag(sink->arg, &t);
		}
	}
	if (f < 0)
		return fail(s, stmt, "page");
	mysql_stmt_free_result(stmt);
	return STORE_OK;
}

static enum store_rc
store_find_cursor_untimed(struct store *s, const struct page_plan *plan, bool by_viewer_list,
    struct store_cursor *out)
{
	MYSQL_STMT *stmt = db_stmt(s->db, plan->list == LIST_FOLLOWERS ? STMT_IN_CURSOR : STMT_CURSOR);
	struct dbrow *row = &s->cursor_row;
	MYSQL_BIND bind[18];
	MYSQL_TIME until;
	struct dbparam p;
	long long subject = plan->subject, offset = plan->rest.offset;
	/* A plain list is one segment: nothing to take away. */
	long long viewer = plan->query == PAGE_PLAIN ? 0 : plan->viewer;
	long long by_viewer = by_viewer_list;
	enum store_rc rc;
	int f;

	slice_until(&plan->rest, &until);
	dbparam_init(&p, bind, NULL, 18);
	dbparam_int(&p, &offset);
	dbparam_int(&p, &subject);	/* ties */
	dbparam_datetime(&p, &until);	/* late edges of deleted users */
	dbparam_int(&p, &subject);
	dbparam_datetime(&p, &until);
	dbparam_int(&p, &subject);	/* pending users */
	dbparam_datetime(&p, &until);
	dbparam_int(&p, &viewer);	/* shared with the viewer */
	dbparam_int(&p, &by_viewer);
	dbparam_int(&p, &subject);
	dbparam_int(&p, &viewer);
	dbparam_datetime(&p, &until);
	dbparam_int(&p, &viewer);
	dbparam_int(&p, &subject);
	dbparam_datetime(&p, &until);
	dbparam_int(&p, &subject);	/* t */
	dbparam_datetime(&p, &until);
	dbparam_int(&p, &offset);
	if ((rc = execute(s, stmt, bind, row, "cursor")) != STORE_OK)
		return rc;
	out->found = false;
	if ((f = dbrow_fetch(row, stmt)) == 1 && !dbrow_null(row, 0) && !dbrow_null(row, 1)) {
		out->found = true;
		out->at = col_time(row, 0);
		out->before = dbrow_int(row, 1);
	}
	if (f < 0)
		return fail(s, stmt, "cursor");
	return finish(s, stmt, row, "cursor");
}

/*
 * Timed entry points: the statement's time (execute to its last row) and the
 * rows read; two clock reads per statement.
 */
#define TIMED(name, row, call) \
	do { \
		int64_t t0_ = clock_mono_us(); \
		(row)->fetched = 0; \
		enum store_rc rc_ = (call); \
		dbtiming_add(&s->timing, name, clock_mono_us() - t0_, (row)->fetched, true); \
		return rc_; \
	} while (0)

enum store_rc
store_load_prefs(struct store *s, struct prefs *out)
{
	TIMED("prefs", &s->prefs_row, store_load_prefs_untimed(s, out));
}

enum store_rc
store_load_context(struct store *s, enum list_kind list, int64_t subject_id,
    const struct store_viewer *viewer, bool with_common, struct store_context *out)
{
	TIMED("context", &s->context_row,
	    store_load_context_untimed(s, list, subject_id, viewer, with_common, out));
}

enum store_rc
store_load_relation(struct store *s, int64_t subject_id, const struct store_viewer *viewer,
    enum store_edge edge, struct store_lookup *out)
{
	enum stmt_id by_id = edge == EDGE_VIEWER_FOLLOWS ? STMT_IS_FOLLOWED_BY_ID : STMT_IS_FOLLOWER_BY_ID;

	TIMED("relation", &s->relation_row,
	    lookup(s, by_id, &s->relation_row, subject_id, viewer, "relation", out));
}

enum store_rc
store_load_counters(struct store *s, int64_t subject_id, const struct store_viewer *viewer,
    struct store_lookup *out)
{
	TIMED("counters", &s->counters_row,
	    lookup(s, STMT_COUNTERS_BY_ID, &s->counters_row, subject_id, viewer, "counters", out));
}

enum store_rc
store_days(struct store *s, enum list_kind list, int64_t subject, int64_t viewer, bool by_viewer,
    const struct store_day **days, size_t *ndays)
{
	TIMED("days", &s->days_row, store_days_untimed(s, list, subject, viewer, by_viewer, days, ndays));
}

enum store_rc
store_find_cursor(struct store *s, const struct page_plan *plan, bool by_viewer,
    struct store_cursor *out)
{
	TIMED("cursor", &s->cursor_row, store_find_cursor_untimed(s, plan, by_viewer, out));
}

enum store_rc
store_fetch_page(struct store *s, const struct page_plan *plan, const struct page_sink *sink)
{
	TIMED("page", &s->page_row, store_fetch_page_untimed(s, plan, sink));
}

const struct dbtiming *
store_timing(const struct store *s)
{
	return &s->timing;
}

void
store_timing_reset(struct store *s)
{
	dbtiming_reset(&s->timing);
}

const struct db_counters *
store_db_counters(const struct store *s)
{
	return db_counters(s->db);
}
