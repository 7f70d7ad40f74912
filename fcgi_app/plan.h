/*
 * Which rows of a list make a page (followings-api.md §2, §3; followers:
 * follow-graph-api.md §1):
 * what the page needs from the database, the slices of the mutual segment
 * and of the rest, and, for a deep page, the day each slice starts at,
 * found from the list's per-day counts instead of walking every newer edge,
 * and where inside that day the rest slice starts (its cursor).
 * Pure: the store runs what it plans.
 */
#ifndef FOLLOWINGS_PLAN_H
#define FOLLOWINGS_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "params.h"
#include "store.h"

/*
 * Whether the list is read in two segments: a viewer, other than the
 * subject for followings (all of one's own followings are mutual).
 */
bool plan_split(enum list_kind list, int64_t subject, int64_t viewer);

/* What a page of subject's list read by viewer (0: anonymous) needs. */
struct plan_needs {
	bool split;	/* two segments: a viewer other than the subject */
	bool common;	/* the size of the mutual segment, counted by the context */
	bool days;	/* the per-day counts (which also give that size) */
};

void plan_needs(enum list_kind list, int64_t subject, int64_t viewer, enum mutual_filter mutual,
    int64_t offset, int64_t deep_offset, struct plan_needs *out);

/* The intersection is driven from the viewer's list when it is not the longer one. */
bool plan_by_viewer(int64_t viewer_followings, int64_t subject_count);

/* The size of the mutual segment: the per-day counts' sum. */
int64_t plan_days_mutual(const struct store_day *days, size_t ndays);

struct plan_input {
	enum list_kind list;
	int64_t subject;
	int64_t viewer;			/* 0: anonymous */
	enum mutual_filter mutual;
	int64_t offset, limit;
	/* users in the mutual segment; -1 unknown (a first page with no filter) */
	int64_t mutual_size;
	int64_t subject_count, viewer_followings;	/* the subject's list's length, the viewer's followings */
};

/*
 * The slices (every one unbounded) and the statement that reads them.  A
 * first page with no filter and no mutual_size asks `limit` rows of both
 * segments; the page is the first `limit` of them.
 */
void plan_page(const struct plan_input *in, struct page_plan *plan);

/*
 * Starts each deep slice (offset at least deep_offset; 0: never) at the end
 * of the day holding its offset, from the per-day counts newest first.
 * Only slices read in the list's order are moved: the mutual slice driven
 * from the viewer's list is read whole and sorted whatever its offset.
 * Counts that cannot be right (a negative segment) leave every slice as it
 * was: slower, never wrong.
 */
void plan_seek(struct page_plan *plan, const struct store_day *days, size_t ndays,
    int64_t deep_offset);

/*
 * Whether the rest slice still skips deep_offset edges or more once it
 * starts at its day: a day of many edges, where finding the place inside
 * the day on the page index (store_find_cursor()) costs less than walking
 * the skipped edges with their users' probes.
 */
bool plan_wants_cursor(const struct page_plan *plan, int64_t deep_offset);

/*
 * Starts the rest slice at the cursor, skipping only what is left.  A
 * cursor that cannot be right (not found, or more edges before it than
 * the slice skips) leaves the slice as it was: slower, never wrong.
 */
void plan_cursor(struct page_plan *plan, const struct store_cursor *cursor);

#endif
