#include "config.h"

#include <string.h>

#include "plan.h"

void
plan_needs(enum list_kind list, int64_t subject, int64_t viewer, enum mutual_filter mutual,
    int64_t offset, int64_t deep_offset, struct plan_needs *out)
{
	out->split = plan_split(list, subject, viewer);
	out->days = deep_offset > 0 && offset >= deep_offset;
	/*
	 * The first page with no filter has the whole list's count, and takes
	 * its rows from the two segments in order: the mutual segment's size
	 * is not needed.  A deep page gets it from the per-day counts.
	 */
	out->common = out->split && !out->days && !(offset == 0 && mutual == MUTUAL_ANY);
}

bool
plan_split(enum list_kind list, int64_t subject, int64_t viewer)
{
	/* A user's own followings are all mutual; its own followers are not (§1 of each contract). */
	return viewer != 0 && (viewer != subject || list == LIST_FOLLOWERS);
}

bool
plan_by_viewer(int64_t viewer_followings, int64_t subject_count)
{
	return viewer_followings <= subject_count;
}

int64_t
plan_days_mutual(const struct store_day *days, size_t ndays)
{
	int64_t m = 0;

	for (size_t i = 0; i < ndays; i++)
		m += days[i].mutual;
	return m;
}

static void
unbounded(struct page_slice *sl, int64_t offset, int64_t limit)
{
	sl->offset = offset;
	sl->limit = limit;
	sl->until = STORE_NO_UNTIL;
}

void
plan_page(const struct plan_input *in, struct page_plan *plan)
{
	int64_t offset = in->offset, limit = in->limit, m = in->mutual_size;

	memset(plan, 0, sizeof(*plan));
	plan->list = in->list;
	plan->subject = in->subject;
	plan->viewer = in->viewer;
	plan->limit = limit;
	unbounded(&plan->mutual, 0, 0);
	unbounded(&plan->rest, 0, 0);

	switch (in->mutual) {
	case MUTUAL_ONLY:
		plan->mutual.offset = offset;
		plan->mutual.limit = limit;
		break;
	case MUTUAL_NONE:
		plan->rest.offset = offset;
		plan->rest.limit = limit;
		break;
	case MUTUAL_ANY:
		if (m < 0) {
			/* Where the mutual segment ends is not known: a first page takes from both. */
			plan->mutual.limit = limit;
			plan->rest.limit = limit;
			break;
		}
		if (offset < m) {
			plan->mutual.offset = offset;
			plan->mutual.limit = limit < m - offset ? limit : m - offset;
		}
		plan->rest.offset = offset > m ? offset - m : 0;
		plan->rest.limit = limit - plan->mutual.limit;
		break;
	}

	if (!plan_split(in->list, in->subject, in->viewer)) {
		/* One segment holds the whole list: nothing (or everything) is mutual. */
		plan->query = PAGE_PLAIN;
		plan->plain_segment = in->viewer == 0 ? SEGMENT_REST : SEGMENT_MUTUAL;
		unbounded(&plan->rest, offset, limit);
		unbounded(&plan->mutual, 0, 0);
	} else {
		plan->query = plan_by_viewer(in->viewer_followings, in->subject_count)
		    ? PAGE_SPLIT_BY_VIEWER : PAGE_SPLIT_BY_SUBJECT;
	}
}

static bool
deep(const struct page_slice *sl, int64_t deep_offset)
{
	return deep_offset > 0 && sl->limit > 0 && sl->offset >= deep_offset;
}

/* Moves the slice to the day holding its offset, with n of its segment's edges on day d. */
static bool
seek_slice(struct page_slice *sl, int64_t *before, int64_t n, const struct timestamp *day)
{
	if (*before + n <= sl->offset) {
		*before += n;
		return true;
	}
	sl->until = (struct timestamp){day->year, day->month, day->day, 23, 59, 59, 999999};
	sl->offset -= *before;
	return false;
}

void
plan_seek(struct page_plan *plan, const struct store_day *days, size_t ndays, int64_t deep_offset)
{
	struct page_slice mutual = plan->mutual, rest = plan->rest;
	bool seek_mutual = plan->query == PAGE_SPLIT_BY_SUBJECT && deep(&mutual, deep_offset);
	bool seek_rest = deep(&rest, deep_offset);
	int64_t mutual_before = 0, rest_before = 0;

	for (size_t i = 0; i < ndays && (seek_mutual || seek_rest); i++) {
		/* A plain list is one segment: the day's whole count. */
		int64_t m = plan->query == PAGE_PLAIN ? 0 : days[i].mutual, r = days[i].all - m;

		if (m < 0 || r < 0)
			return;
		if (seek_mutual)
			seek_mutual = seek_slice(&mutual, &mutual_before, m, &days[i].day);
		if (seek_rest)
			seek_rest = seek_slice(&rest, &rest_before, r, &days[i].day);
	}
	plan->mutual = mutual;
	plan->rest = rest;
}

bool
plan_wants_cursor(const struct page_plan *plan, int64_t deep_offset)
{
	return deep(&plan->rest, deep_offset);
}

void
plan_cursor(struct page_plan *plan, const struct store_cursor *cursor)
{
	struct page_slice *rest = &plan->rest;

	if (!cursor->found || cursor->before < 0 || cursor->before > rest->offset)
		return;
	rest->until = cursor->at;
	rest->offset -= cursor->before;
}
