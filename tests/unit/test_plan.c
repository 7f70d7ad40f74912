/*
 * plan.h: the slices of the two segments a page is made of, and the seek of
 * deep slices to the day holding their offset.  The seek is checked against
 * a model: random lists of edges over a few days, each mutual or not, and
 * for every offset the row the plan starts at must be the row at that
 * offset of its segment; so is the cursor inside the day, with the store's
 * cursor statements modelled on the same edges (ties in time included).
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
		.mutual_size = m, .subject_count = subject_n, .viewer_followings = viewer_n,
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

Test(plan, what_each_page_needs)
{
	struct plan_needs n;

	/* A first page with no filter needs no intersection count. */
	plan_needs(LIST_FOLLOWINGS, 7, 9, MUTUAL_ANY, 0, 1000, &n);
	cr_expect(n.split && !n.common && !n.days);
	plan_needs(LIST_FOLLOWINGS, 7, 9, MUTUAL_ANY, 20, 1000, &n);
	cr_expect(n.split && n.common && !n.days);
	plan_needs(LIST_FOLLOWINGS, 7, 9, MUTUAL_ONLY, 0, 1000, &n);
	cr_expect(n.common, "mutual=1 counts the mutual segment");
	plan_needs(LIST_FOLLOWINGS, 7, 9, MUTUAL_NONE, 0, 1000, &n);
	cr_expect(n.common, "mutual=0 counts the rest");
	/* Deep: the per-day counts give the size too. */
	plan_needs(LIST_FOLLOWINGS, 7, 9, MUTUAL_NONE, 1000, 1000, &n);
	cr_expect(n.split && !n.common && n.days);
	plan_needs(LIST_FOLLOWINGS, 7, 9, MUTUAL_NONE, 5000, 0, &n);
	cr_expect(n.common && !n.days, "deep_offset 0 turns the seek off");
	/* Anonymous and the owner: one segment. */
	plan_needs(LIST_FOLLOWINGS, 7, 0, MUTUAL_ANY, 20, 1000, &n);
	cr_expect(!n.split && !n.common && !n.days);
	plan_needs(LIST_FOLLOWINGS, 7, 7, MUTUAL_ONLY, 2000, 1000, &n);
	cr_expect(!n.split && !n.common && n.days);
}

Test(plan, first_page_without_the_mutual_size_asks_both_segments)
{
	struct page_plan p = planned(9, MUTUAL_ANY, 0, 20, -1, 300, 50);

	cr_expect_eq(p.query, PAGE_SPLIT_BY_VIEWER);
	cr_expect(p.mutual.offset == 0 && p.mutual.limit == 20);
	cr_expect(p.rest.offset == 0 && p.rest.limit == 20);
	cr_expect_eq(p.limit, 20);
}

Test(plan, shallow_slices_are_not_moved)
{
	struct page_plan p = planned(9, MUTUAL_ANY, 1010, 5, 20, 5000, 20);
	struct store_day days[] = {{{2024, 3, 20, 0, 0, 0, 0}, 4000, 10}, {{2024, 3, 19, 0, 0, 0, 0}, 1000, 10}};

	/* The rest starts at 990: shallow, left as it is. */
	plan_seek(&p, days, 2, 1000);
	cr_expect(unbounded(&p.rest) && p.rest.offset == 990);
	p = planned(9, MUTUAL_ANY, 1030, 5, 20, 5000, 20);
	plan_seek(&p, days, 2, 1000);
	cr_expect(!unbounded(&p.rest) && p.rest.offset == 1010 && p.rest.until.day == 20);
	/* A mutual slice driven from the viewer's list is read whole: not moved. */
	p = planned(9, MUTUAL_ONLY, 1010, 5, 2000, 5000, 3000);
	plan_seek(&p, days, 2, 1000);
	cr_expect(unbounded(&p.mutual));
	cr_expect_eq(plan_days_mutual(days, 2), 20);
}

/* ------------------------------------------------------------ the model */

#define MAX_EDGES 60
#define DAYS 6

struct model {
	int n;
	int day[MAX_EDGES];	/* 0 newest; the list is in page order */
	int sec[MAX_EDGES];	/* the time in its day: not rising within a day, often tied */
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
		m->sec[i] = i > 0 && m->day[i - 1] == d ? m->sec[i - 1] - (int)(rand_r(seed) % 3) : 59;
		if (m->sec[i] < 0)
			m->sec[i] = 0;
		m->day[i] = d;
		m->mutual[i] = rand_r(seed) % 3 == 0;
	}
}

static struct timestamp
day_of(int d)
{
	return (struct timestamp){2024, 3, 20 - d, 0, 0, 0, 0};
}

/* The model's per-day counts, newest day first, as store_days() reads them. */
static size_t
model_days(const struct model *m, struct store_day *out)
{
	size_t n = 0;

	for (int d = 0; d < DAYS; d++) {
		struct store_day sd = {day_of(d), 0, 0};

		for (int i = 0; i < m->n; i++) {
			if (m->day[i] == d) {
				sd.all++;
				sd.mutual += m->mutual[i];
			}
		}
		if (sd.all != 0)	/* HAVING SUM(n) <> 0 */
			out[n++] = sd;
	}
	return n;
}

/* Edge i's created_at. */
static struct timestamp
time_of(const struct model *m, int i)
{
	struct timestamp t = day_of(m->day[i]);

	t.hour = 12;
	t.second = m->sec[i];
	return t;
}

static int
cmp_time(const struct timestamp *a, const struct timestamp *b)
{
	int64_t x[] = {a->year, a->month, a->day, a->hour, a->minute, a->second, a->usec};
	int64_t y[] = {b->year, b->month, b->day, b->hour, b->minute, b->second, b->usec};

	for (size_t k = 0; k < sizeof(x) / sizeof(x[0]); k++) {
		if (x[k] != y[k])
			return x[k] < y[k] ? -1 : 1;
	}
	return 0;
}

static bool
in_segment(const struct model *m, int i, int segment, bool plain)
{
	return plain || (segment == SEGMENT_MUTUAL) == m->mutual[i];
}

/* The index of the row a slice of `segment` starts at, as the page statement reads it. */
static int
start_row(const struct model *m, int segment, const struct page_slice *sl, bool plain)
{
	int64_t skip = sl->offset;

	for (int i = 0; i < m->n; i++) {
		struct timestamp t = time_of(m, i);

		if (!unbounded(sl) && cmp_time(&t, &sl->until) > 0)
			continue;	/* created after the bound */
		if (in_segment(m, i, segment, plain) && skip-- == 0)
			return i;
	}
	return -1;
}

/*
 * store_find_cursor() on the model: the time of the edge `offset` places
 * down from the rest slice's bound among all edges, then how many of the
 * slice's own edges are newer than that time.
 */
static struct store_cursor
model_cursor(const struct model *m, const struct page_slice *sl, bool plain)
{
	struct store_cursor c = {false, {0, 0, 0, 0, 0, 0, 0}, 0};
	int64_t skip = sl->offset;

	for (int i = 0; i < m->n && !c.found; i++) {
		struct timestamp t = time_of(m, i);

		if ((unbounded(sl) || cmp_time(&t, &sl->until) <= 0) && skip-- == 0) {
			c.found = true;
			c.at = t;
		}
	}
	for (int i = 0; c.found && i < m->n; i++) {
		struct timestamp t = time_of(m, i);

		c.before += (unbounded(sl) || cmp_time(&t, &sl->until) <= 0) && cmp_time(&t, &c.at) > 0
		    && in_segment(m, i, SEGMENT_REST, plain);
	}
	return c;
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
	long checked = 0, moved = 0, cursors = 0;

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
					struct store_day days[DAYS];

					plan_seek(&p, days, model_days(&m, days), 1);
					if (plan_wants_cursor(&p, 2)) {
						struct store_cursor c = model_cursor(&m, &p.rest, plain);
						struct page_slice day_start = p.rest;

						plan_cursor(&p, &c);
						cursors += memcmp(&day_start, &p.rest, sizeof(day_start)) != 0;
					}
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
	cr_expect_gt(cursors, checked / 20, "a cursor moved only %ld of %ld slices", cursors, checked);
}

Test(plan, cursor_only_for_a_rest_slice_that_still_skips_far)
{
	struct page_plan p = planned(9, MUTUAL_NONE, 30, 5, 3, 100, 2);

	cr_expect(plan_wants_cursor(&p, 30));
	cr_expect(!plan_wants_cursor(&p, 31));
	cr_expect(!plan_wants_cursor(&p, 0), "deep_offset 0: never");
	p.rest.limit = 0;
	cr_expect(!plan_wants_cursor(&p, 1), "a slice that reads nothing");
}

Test(plan, cursors_that_cannot_be_right_leave_the_slice)
{
	struct page_plan p = planned(9, MUTUAL_NONE, 30, 5, 3, 100, 2);
	struct page_slice was = p.rest;
	struct store_cursor none = {false, {2024, 3, 20, 12, 0, 5, 0}, 3};
	struct store_cursor past = {true, {2024, 3, 20, 12, 0, 5, 0}, 31};
	struct store_cursor negative = {true, {2024, 3, 20, 12, 0, 5, 0}, -1};
	struct store_cursor right = {true, {2024, 3, 20, 12, 0, 5, 7}, 30};

	plan_cursor(&p, &none);
	plan_cursor(&p, &past);
	plan_cursor(&p, &negative);
	cr_expect(memcmp(&was, &p.rest, sizeof(was)) == 0);
	plan_cursor(&p, &right);
	cr_expect_eq(p.rest.offset, 0);
	cr_expect_eq(p.rest.limit, 5);
	cr_expect_eq(cmp_time(&p.rest.until, &right.at), 0);
}

Test(plan, counts_that_cannot_be_right_leave_the_slices_unbounded)
{
	struct page_plan p = planned(9, MUTUAL_NONE, 5, 2, 3, 20, 2);
	struct store_day days[] = {{day_of(0), 3, 1}, {day_of(1), 1, 2}, {day_of(2), 9, 0}};

	plan_seek(&p, days, 3, 1);
	cr_expect(unbounded(&p.rest));
	cr_expect_eq(p.rest.offset, 5);
}

/*
 * Followers (follow-graph-api.md §1): the subject reading its own followers
 * sees two segments, the followers it follows back first; anonymous, one.
 */
Test(plan, followers_of_oneself_are_split)
{
	struct plan_needs n;
	struct plan_input in = {
		.list = LIST_FOLLOWERS, .subject = 7, .viewer = 7, .mutual = MUTUAL_ANY, .offset = 4,
		.limit = 3, .mutual_size = 5, .subject_count = 40, .viewer_followings = 10,
	};
	struct page_plan p;

	cr_expect(plan_split(LIST_FOLLOWERS, 7, 7));
	cr_expect(!plan_split(LIST_FOLLOWINGS, 7, 7));
	cr_expect(!plan_split(LIST_FOLLOWERS, 7, 0));
	cr_expect(plan_split(LIST_FOLLOWERS, 7, 9));
	plan_needs(LIST_FOLLOWERS, 7, 7, MUTUAL_ONLY, 0, 1000, &n);
	cr_expect(n.split && n.common && !n.days);
	plan_needs(LIST_FOLLOWERS, 7, 0, MUTUAL_ANY, 20, 1000, &n);
	cr_expect(!n.split && !n.common);

	plan_page(&in, &p);
	cr_expect_eq(p.list, LIST_FOLLOWERS);
	cr_expect_eq(p.query, PAGE_SPLIT_BY_VIEWER, "the shorter list (the viewer's 10) drives");
	cr_expect_eq(p.mutual.offset, 4);
	cr_expect_eq(p.mutual.limit, 1);
	cr_expect_eq(p.rest.offset, 0);
	cr_expect_eq(p.rest.limit, 2);

	/* The same page of one's own followings is one segment, all of it mutual. */
	in.list = LIST_FOLLOWINGS;
	plan_page(&in, &p);
	cr_expect_eq(p.query, PAGE_PLAIN);
	cr_expect_eq(p.plain_segment, SEGMENT_MUTUAL);
	cr_expect_eq(p.rest.offset, 4);
	cr_expect_eq(p.rest.limit, 3);
}
