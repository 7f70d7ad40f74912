#include "config.h"

#include <string.h>

#include "plan.h"

void
plan_page(const struct plan_input *in, struct page_plan *plan)
{
	int64_t offset = in->offset, limit = in->limit, m = in->mutual_size;

	memset(plan, 0, sizeof(*plan));
	plan->subject = in->subject;
	plan->viewer = in->viewer;
	plan->mutual.until = STORE_NO_UNTIL;
	plan->rest.until = STORE_NO_UNTIL;

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
		if (offset < m) {
			plan->mutual.offset = offset;
			plan->mutual.limit = limit < m - offset ? limit : m - offset;
		}
		plan->rest.offset = offset > m ? offset - m : 0;
		plan->rest.limit = limit - plan->mutual.limit;
		break;
	}

	if (in->viewer == 0 || in->viewer == in->subject) {
		/* One segment holds the whole list: nothing (or everything) is mutual. */
		plan->query = PAGE_PLAIN;
		plan->plain_segment = in->viewer == 0 ? SEGMENT_REST : SEGMENT_MUTUAL;
		if (in->viewer != 0)
			plan->rest = plan->mutual;
		memset(&plan->mutual, 0, sizeof(plan->mutual));
		plan->mutual.until = STORE_NO_UNTIL;
	} else {
		plan->query = in->viewer_followings <= in->subject_followings
		    ? PAGE_SPLIT_BY_VIEWER : PAGE_SPLIT_BY_SUBJECT;
	}
}

static bool
deep(const struct page_slice *sl, int64_t deep_offset)
{
	return deep_offset > 0 && sl->limit > 0 && sl->offset >= deep_offset;
}

bool
plan_seek_begin(struct plan_seek *ps, struct page_plan *plan, int64_t deep_offset)
{
	memset(ps, 0, sizeof(*ps));
	ps->plan = plan;
	ps->mutual_start = plan->mutual;
	ps->rest_start = plan->rest;
	ps->rest = deep(&plan->rest, deep_offset);
	ps->mutual = plan->query == PAGE_SPLIT_BY_SUBJECT && deep(&plan->mutual, deep_offset);
	return ps->rest || ps->mutual;
}

int64_t
plan_seek_viewer(const struct plan_seek *ps)
{
	return ps->plan->query == PAGE_PLAIN ? 0 : ps->plan->viewer;
}

bool
plan_seek_by_viewer(const struct plan_seek *ps)
{
	return ps->plan->query != PAGE_SPLIT_BY_SUBJECT;
}

/* Moves the slice to day d when its offset falls there; false when done with it. */
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

bool
plan_seek_day(void *arg, const struct store_day *d)
{
	struct plan_seek *ps = arg;
	struct page_plan *plan = ps->plan;
	/* A plain list is one segment: the day's whole count. */
	int64_t mutual = plan->query == PAGE_PLAIN ? 0 : d->mutual, rest = d->all - mutual;

	if (mutual < 0 || rest < 0) {
		ps->mutual = ps->rest = false;
		plan->mutual = ps->mutual_start;
		plan->rest = ps->rest_start;
		return false;
	}
	if (ps->mutual)
		ps->mutual = seek_slice(&plan->mutual, &ps->mutual_before, mutual, &d->day);
	if (ps->rest)
		ps->rest = seek_slice(&plan->rest, &ps->rest_before, rest, &d->day);
	return ps->mutual || ps->rest;
}
