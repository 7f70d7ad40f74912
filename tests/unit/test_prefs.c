/*
 * prefs.h: community preferences (contract sections 4, 6 and 7): absent
 * rows mean True; "True"/"False" set a flag; any other value counts as the
 * default (True); rows are matched on section and name; the cache is
 * trusted for prefs_cache_ttl seconds.
 */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "prefs.h"

struct pref_name {
	const char *section;
	const char *name;
	size_t offset;
};

static const struct pref_name names[] = {
	{"configurations", "content_availability", offsetof(struct prefs, content_availability)},
	{"configurations", "follow_enabled", offsetof(struct prefs, follow_enabled)},
	{"configurations", "post_type_enabled", offsetof(struct prefs, post_type_enabled)},
	{"addons", "polls_enabled", offsetof(struct prefs, polls_enabled)},
};
#define NNAMES (sizeof(names) / sizeof(names[0]))

static bool
flag(const struct prefs *p, size_t i)
{
	return *(const bool *)((const char *)p + names[i].offset);
}

/* Every flag but the one at index `except` (NNAMES: none) is true. */
static void
expect_all_true_but(const struct prefs *p, size_t except, const char *ctx)
{
	for (size_t i = 0; i < NNAMES; i++) {
		if (i == except)
			cr_expect_not(flag(p, i), "%s: %s.%s should be false", ctx, names[i].section,
			    names[i].name);
		else
			cr_expect(flag(p, i), "%s: %s.%s should be true", ctx, names[i].section,
			    names[i].name);
	}
}

/* Starts from all false so a default can be seen being applied. */
static void
all_false(struct prefs *p)
{
	p->content_availability = false;
	p->follow_enabled = false;
	p->post_type_enabled = false;
	p->polls_enabled = false;
}

Test(prefs, defaults_all_true)
{
	struct prefs p;

	all_false(&p);
	prefs_defaults(&p);
	expect_all_true_but(&p, NNAMES, "defaults");
}

Test(prefs, false_turns_each_off_alone)
{
	for (size_t i = 0; i < NNAMES; i++) {
		struct prefs p;

		prefs_defaults(&p);
		prefs_apply(&p, names[i].section, names[i].name, "False");
		expect_all_true_but(&p, i, names[i].name);
	}
}

Test(prefs, true_turns_each_on)
{
	for (size_t i = 0; i < NNAMES; i++) {
		struct prefs p;

		prefs_defaults(&p);
		prefs_apply(&p, names[i].section, names[i].name, "False");
		prefs_apply(&p, names[i].section, names[i].name, "True");
		expect_all_true_but(&p, NNAMES, names[i].name);
	}
}

Test(prefs, other_values_count_as_true)
{
	static const char *const values[] = {
		"false", "FALSE", "0", "", "no", "off", " False", "False ", "False\n", "Falsey", "F",
		"true", "1", "yes", "None", "null",
	};

	for (size_t i = 0; i < NNAMES; i++) {
		for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
			struct prefs p;
			char ctx[128];

			/* From False, so that "counts as the default" is visible. */
			prefs_defaults(&p);
			prefs_apply(&p, names[i].section, names[i].name, "False");
			prefs_apply(&p, names[i].section, names[i].name, values[v]);
			snprintf(ctx, sizeof(ctx), "%s = \"%s\"", names[i].name, values[v]);
			expect_all_true_but(&p, NNAMES, ctx);
		}
	}
}

Test(prefs, unknown_names_are_ignored)
{
	static const char *const rows[][2] = {
		{"configurations", "unknown_pref"},
		{"configurations", "polls_enabled"},		/* wrong section */
		{"addons", "content_availability"},		/* wrong section */
		{"addons", "follow_enabled"},
		{"addons", "post_type_enabled"},
		{"Configurations", "follow_enabled"},		/* case matters */
		{"configurations", "Follow_enabled"},
		{"", "follow_enabled"},
		{"configurations", ""},
		{"configurations ", "follow_enabled"},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct prefs p;
		char ctx[128];

		prefs_defaults(&p);
		prefs_apply(&p, rows[i][0], rows[i][1], "False");
		snprintf(ctx, sizeof(ctx), "%s.%s = False", rows[i][0], rows[i][1]);
		expect_all_true_but(&p, NNAMES, ctx);
	}
}

Test(prefs, section_matters_for_polls)
{
	struct prefs p;

	prefs_defaults(&p);
	prefs_apply(&p, "configurations", "polls_enabled", "False");
	cr_expect(p.polls_enabled, "configurations.polls_enabled changed addons.polls_enabled");
	prefs_apply(&p, "addons", "polls_enabled", "False");
	cr_expect_not(p.polls_enabled);
	expect_all_true_but(&p, 3, "addons.polls_enabled = False");
}

Test(prefs, rows_accumulate)
{
	struct prefs p;

	prefs_defaults(&p);
	prefs_apply(&p, "configurations", "follow_enabled", "False");
	prefs_apply(&p, "addons", "polls_enabled", "False");
	prefs_apply(&p, "configurations", "other", "True");
	cr_expect(p.content_availability);
	cr_expect_not(p.follow_enabled);
	cr_expect(p.post_type_enabled);
	cr_expect_not(p.polls_enabled);
}

/* ------------------------------------------------------------ cache */

static struct prefs_cache
loaded_at(time_t sec, long nsec)
{
	struct prefs_cache c;

	memset(&c, 0, sizeof(c));
	prefs_defaults(&c.prefs);
	c.loaded = true;
	c.loaded_at.tv_sec = sec;
	c.loaded_at.tv_nsec = nsec;
	return c;
}

static bool
fresh(const struct prefs_cache *c, unsigned ttl, time_t sec, long nsec)
{
	struct timespec now = {.tv_sec = sec, .tv_nsec = nsec};

	return prefs_cache_fresh(c, ttl, &now);
}

Test(prefs_cache, not_loaded_is_never_fresh)
{
	struct prefs_cache c = loaded_at(100, 0);

	c.loaded = false;
	cr_expect_not(fresh(&c, 5, 100, 0));
	cr_expect_not(fresh(&c, 5, 101, 0));
	cr_expect_not(fresh(&c, 86400, 100, 1));
}

Test(prefs_cache, ttl_zero_is_never_fresh)
{
	struct prefs_cache c = loaded_at(100, 0);

	cr_expect_not(fresh(&c, 0, 100, 0));
	cr_expect_not(fresh(&c, 0, 100, 1000000));
	cr_expect_not(fresh(&c, 0, 101, 0));
}

Test(prefs_cache, before_and_after_ttl)
{
	struct prefs_cache c = loaded_at(100, 0);

	cr_expect(fresh(&c, 5, 100, 0), "just loaded");
	cr_expect(fresh(&c, 5, 102, 500000000), "2.5 s old");
	cr_expect(fresh(&c, 5, 104, 998000000), "4.998 s old");
	cr_expect_not(fresh(&c, 5, 105, 0), "5 s old");
	cr_expect_not(fresh(&c, 5, 105, 1), "5 s + 1 ns old");
	cr_expect_not(fresh(&c, 5, 106, 0), "6 s old");
	cr_expect_not(fresh(&c, 5, 100 + 86400, 0), "a day old");
}

Test(prefs_cache, nanoseconds_carry)
{
	/* Loaded at 100.9 s: 104.8 s is 3.9 s later, 105.9 s is 5 s later. */
	struct prefs_cache c = loaded_at(100, 900000000);

	cr_expect(fresh(&c, 5, 101, 100000000), "0.2 s old");
	cr_expect(fresh(&c, 5, 104, 800000000), "3.9 s old");
	cr_expect(fresh(&c, 5, 105, 800000000), "4.9 s old");
	cr_expect_not(fresh(&c, 5, 105, 900000000), "5 s old");
	cr_expect_not(fresh(&c, 5, 106, 0), "5.1 s old");
}

Test(prefs_cache, one_second_ttl)
{
	struct prefs_cache c = loaded_at(100, 0);

	cr_expect(fresh(&c, 1, 100, 999000000));
	cr_expect_not(fresh(&c, 1, 101, 0));
}
