/*
 * Which rows of a followings list make a page (followings-api.md §2, §3):
 * the slices of the mutual segment and of the rest, and, for a deep page,
 * the day each slice starts at, found from the list's per-day counts
 * instead of walking every newer edge.  Pure: the store runs what it plans.
 */
#ifndef FOLLOWINGS_PLAN_H
#define FOLLOWINGS_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "params.h"
#include "store.h"

struct plan_input {
	int64_t subject;
	int64_t viewer;			/* 0: anonymous */
	enum mutual_filter mutual;
	int64_t offset, limit;
	int64_t mutual_size;		/* users in the mutual segment */
	int64_t subject_followings, viewer_followings;
};

/* The slices (every one unbounded) and the statement that reads them. */
void plan_page(const struct plan_input *in, struct page_plan *plan);

/*
 * Seeking the day of deep slices: a slice whose offset is at least
 * deep_offset (0: never) starts at the end of the day holding its offset.
 * Only slices read in the list's order are sought: the mutual slice driven
 * from the viewer's list is read whole and sorted whatever its offset.
 */
struct plan_seek {
	struct page_plan *plan;
	bool mutual, rest;		/* still looking for that slice's day */
	int64_t mutual_before, rest_before;	/* the segment's edges on later days */
	struct page_slice mutual_start, rest_start;	/* as planned, to go back to */
};

/* False when no slice is deep: no per-day counts needed. */
bool plan_seek_begin(struct plan_seek *ps, struct page_plan *plan, int64_t deep_offset);

/* The viewer and driving side the per-day counts are read with (store_days). */
int64_t plan_seek_viewer(const struct plan_seek *ps);
bool plan_seek_by_viewer(const struct plan_seek *ps);

/*
 * One day of the list, newest first (a store_days callback): moves the
 * slices whose offset falls in it; false once no slice is left to seek.
 * Counts that cannot be right (a negative segment) stop the seek and leave
 * the slices unbounded: slower, never wrong.
 */
bool plan_seek_day(void *ps, const struct store_day *d);

#endif
