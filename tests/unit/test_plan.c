/*
 * plan.h: the slices of the two segments a page is made of, and the seek of
 * deep slices to the day holding their offset.  The seek is checked against
 * a model: random lists of edges over a few days, each mutual or not, and
 * for every offset the row the plan starts at must be the row at that
 * offset of its segment.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "plan.h"

static struct page_plan
planned(int64_t viewer, enum mutual_filter mutual, int64_t offset, int64_t limit, int64_t m,
    int64_t subject_n, int64_t viewer_n)
{
	struct plan_input in = {
		.subject = 7, .viewer = viewer, .mutual = mutual, .offset = offset, .limit = limit,
		.mutual_size = m, .subject_followings = subject_n, .viewer_followings = viewer_n,
	};
	struct page_plan plan;

	plan_page(&in, &plan);
	return plan;
}

static bool
unbounded(const struct page_slice *sl)
{
	return memcmp(&sl->until, &STORE_NO_UNTIL, sizeof(sl->until)) == 0;
}

Test(plan, slices_of_both_segments)
{
	/* 10 mutual of 30: offset 8, limit 5 takes 2 mutual and 3 of the rest. */
	struct page_plan p = planned(9, MUTUAL_ANY, 8, 5, 10, 30, 100);

	cr_expect_eq(p.query, PAGE_SPLIT_BY_SUBJECT);
	cr_expect_eq(p.mutual.offset, 8);
	cr_expect_eq(p.mutual.limit, 2);
	cr_expect_eq(p.rest.offset, 0);
	cr_expect_eq(p.rest.limit, 3);
	cr_expect(unbounded(&p.mutual) && unbounded(&p.rest));

	/* Past the mutual segment: only the rest, offset counted from its start. */
	p = planned(9, MUTUAL_ANY, 25, 5, 10, 30, 20);
	cr_expect_eq(p.query, PAGE_SPLIT_BY_VIEWER);
	cr_expect_eq(p.mutual.limit, 0);
	cr_expect_eq(p.rest.offset, 15);
	cr_expect_eq(p.rest.limit, 5);

	p = planned(9, MUTUAL_ONLY, 4, 3, 10, 30, 20);
	cr_expect(p.mutual.offset == 4 && p.mutual.limit == 3 && p.rest.limit == 0);
	p = planned(9, MUTUAL_NONE, 4, 3, 10, 30, 20);
	cr_expect(p.rest.offset == 4 && p.rest.limit == 3 && p.mutual.limit == 0);
}

Test(plan, whole_list_for_anonymous_and_owner)
{
	struct page_plan p = planned(0, MUTUAL_ANY, 12, 4, 0, 30, 0);

	cr_expect_eq(p.query, PAGE_PLAIN);
	cr_expect_eq(p.plain_segment, SEGMENT_REST);
	cr_expect(p.rest.offset == 12 && p.rest.limit == 4 && p.mutual.limit == 0);

	/* The owner: everything is mutual, read as one segment. */
	p = planned(7, MUTUAL_ANY, 12, 4, 30, 30, 30);
	cr_expect_eq(p.query, PAGE_PLAIN);
	cr_expect_eq(p.plain_segment, SEGMENT_MUTUAL);
	cr_expect(p.rest.offset == 12 && p.rest.limit == 4 && p.mutual.limit == 0);
}

Test(plan, shallow_pages_need_no_days)
{
	struct page_plan p = planned(9, MUTUAL_ANY, 999, 5, 10, 5000, 20);
	struct plan_seek ps;

	cr_expect_not(plan_seek_begin(&ps, &p, 1000));
	cr_expect_not(plan_seek_begin(&ps, &p, 0), "deep_offset 0 turns the seek off");
	p = planned(9, MUTUAL_ANY, 1010, 5, 10, 5000, 20);
	cr_expect(plan_seek_begin(&ps, &p, 1000));
	cr_expect(ps.rest && !ps.mutual);
	cr_expect(plan_seek_by_viewer(&ps));
	cr_expect_eq(plan_seek_viewer(&ps), 9);
	/* A mutual slice driven from the viewer's list is read whole: no seek for it. */
	p = planned(9, MUTUAL_ONLY, 1010, 5, 2000, 5000, 3000);
	cr_expect_not(plan_seek_begin(&ps, &p, 1000));
	p = planned(9, MUTUAL_ONLY, 1010, 5, 2000, 3000, 5000);
	cr_expect(plan_seek_begin(&ps, &p, 1000) && ps.mutual && !plan_seek_by_viewer(&ps));
	/* Plain lists count every edge of a day, whoever the viewer is. */
	p = planned(0, MUTUAL_ANY, 1010, 5, 0, 5000, 0);
	cr_expect(plan_seek_begin(&ps, &p, 1000));
	cr_expect_eq(plan_seek_viewer(&ps), 0);
}

/* ------------------------------------------------------------ the model */

#define MAX_EDGES 60
#define DAYS 6

struct model {
	int n;
	int day[MAX_EDGES];	/* 0 newest; the list is in page order */
	bool mutual[MAX_EDGES];
};

static void
model_random(struct model *m, unsigned *seed)
{
	m->n = (int)(rand_r(seed) % MAX_EDGES);
	for (int i = 0, d = 0; i < m->n; i++) {
		if (rand_r(seed) % 4 == 0 && d < DAYS - 1)
			d++;
		if (rand_r(seed) % 5 == 0 && d < DAYS - 1)
			d++;	/* a day with no edge at all */
		m->day[i] = d;
		m->mutual[i] = rand_r(seed) % 3 == 0;
	}
}

static struct timestamp
day_of(int d)
{
	return (struct timestamp){2024, 3, 20 - d, 0, 0, 0, 0};
}

/* Feeds the model's per-day counts, newest day first, as store_days would. */
static void
model_days(const struct model *m, struct plan_seek *ps)
{
	for (int d = 0; d < DAYS; d++) {
		struct store_day sd = {day_of(d), 0, 0};

		for (int i = 0; i < m->n; i++) {
			if (m->day[i] == d) {
				sd.all++;
				sd.mutual += m->mutual[i];
			}
		}
		if (sd.all == 0)
			continue;	/* HAVING SUM(n) <> 0 */
		if (!plan_seek_day(ps, &sd))
			return;
	}
}

/* The index of the row a slice of `segment` starts at, as the page statement reads it. */
static int
start_row(const struct model *m, int segment, const struct page_slice *sl, bool plain)
{
	int64_t skip = sl->offset;

	for (int i = 0; i < m->n; i++) {
		struct timestamp d = day_of(m->day[i]);
		bool in_segment = plain || (segment == SEGMENT_MUTUAL) == m->mutual[i];

		if (!unbounded(sl) && d.day > sl->until.day)
			continue;	/* created after the bound */
		if (in_segment && skip-- == 0)
			return i;
	}
	return -1;
}

static int
nth_of_segment(const struct model *m, int segment, int64_t offset, bool plain)
{
	for (int i = 0; i < m->n; i++) {
		if ((plain || (segment == SEGMENT_MUTUAL) == m->mutual[i]) && offset-- == 0)
			return i;
	}
	return -1;
}

Test(plan, seek_lands_on_the_row_at_the_offset)
{
	unsigned seed = 20241202;
	long checked = 0, moved = 0;

	for (int round = 0; round < 400; round++) {
		struct model m;
		int mutual_n = 0;

		model_random(&m, &seed);
		for (int i = 0; i < m.n; i++)
			mutual_n += m.mutual[i];
		for (int viewer = 0; viewer <= 1; viewer++) {
			for (int f = MUTUAL_ANY; f <= MUTUAL_NONE; f++) {
				for (int64_t offset = 0; offset <= m.n + 1; offset++) {
					bool plain = viewer == 0;
					/* Subject 7, viewer 9 (following fewer or more than the subject). */
					struct page_plan p = planned(plain ? 0 : 9, (enum mutual_filter)f, offset,
					    1 + round % 4, plain ? 0 : mutual_n, m.n, round % 2 ? 1000 : 1);
					struct page_plan before = p;
					struct plan_seek ps;

					if (!plan_seek_begin(&ps, &p, 1))
						continue;
					model_days(&m, &ps);
					for (int seg = SEGMENT_MUTUAL; seg <= SEGMENT_REST; seg++) {
						const struct page_slice *sl = seg == SEGMENT_MUTUAL ? &p.mutual : &p.rest;
						const struct page_slice *was = seg == SEGMENT_MUTUAL ? &before.mutual : &before.rest;

						if (sl->limit == 0 || (plain && seg == SEGMENT_MUTUAL))
							continue;
						cr_assert_eq(start_row(&m, seg, sl, plain),
						    nth_of_segment(&m, seg, was->offset, plain),
						    "round %d viewer %d filter %d offset %ld segment %d", round, viewer, f,
						    (long)offset, seg);
						checked++;
						moved += !unbounded(sl);
					}
				}
			}
		}
	}
	cr_expect_gt(checked, 1000);
	cr_expect_gt(moved, checked / 4, "the seek moved only %ld of %ld slices", moved, checked);
}

Test(plan, counts_that_cannot_be_right_leave_the_slices_unbounded)
{
	struct page_plan p = planned(9, MUTUAL_NONE, 5, 2, 3, 20, 2);
	struct plan_seek ps;
	struct store_day good = {day_of(0), 3, 1}, bad = {day_of(1), 1, 2};

	cr_assert(plan_seek_begin(&ps, &p, 1));
	cr_expect(plan_seek_day(&ps, &good));
	cr_expect_not(plan_seek_day(&ps, &bad));
	cr_expect(unbounded(&p.rest));
	cr_expect_eq(p.rest.offset, 5);
}
