/*
 * query.h: the query string split on '&', percent-decoded once as
 * application/x-www-form-urlencoded ('+' is a space); undecodable pairs are
 * marked, never dropped (contract section 7).
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "query.h"

static struct arena arena;

static void
setup(void)
{
	arena_init(&arena);
}

static void
teardown(void)
{
	arena_free(&arena);
}

TestSuite(query_parse, .init = setup, .fini = teardown);
TestSuite(query_decode);
TestSuite(query_last, .init = setup, .fini = teardown);

static void
parse(const char *qs, struct query *q)
{
	query_parse(&arena, qs, strlen(qs), QUERY_NO_LIMIT, q);
}

/* Asserts param i is key=value (decoded bytes, lengths and terminating NUL). */
static void
expect_param(const struct query *q, size_t i, const char *key, size_t key_len, const char *value,
    size_t value_len, bool bare)
{
	const struct query_param *p;

	cr_assert_lt(i, q->count, "no parameter %zu (count %zu)", i, q->count);
	p = &q->params[i];
	cr_expect_eq(p->key_len, key_len, "param %zu key_len %zu, expected %zu", i, p->key_len, key_len);
	cr_expect(p->key_len == key_len && memcmp(p->key, key, key_len) == 0,
	    "param %zu key \"%s\", expected \"%s\"", i, p->key, key);
	cr_expect_eq(p->key[p->key_len], '\0', "param %zu key not NUL-terminated", i);
	cr_expect_eq(p->value_len, value_len, "param %zu value_len %zu, expected %zu", i, p->value_len,
	    value_len);
	cr_expect(p->value_len == value_len && memcmp(p->value, value, value_len) == 0,
	    "param %zu value \"%s\", expected \"%s\"", i, p->value, value);
	cr_expect_eq(p->value[p->value_len], '\0', "param %zu value not NUL-terminated", i);
	cr_expect_eq(p->bare, bare, "param %zu bare %d, expected %d", i, p->bare, bare);
	cr_expect_not(p->undecodable, "param %zu marked undecodable", i);
}

#define EXPECT_PARAM(q, i, k, v, bare) expect_param(q, i, k, sizeof(k) - 1, v, sizeof(v) - 1, bare)

/* ------------------------------------------------------------ splitting */

Test(query_parse, splits_pairs_in_order)
{
	struct query q;

	parse("a=1&b=2&c=3", &q);
	cr_assert_eq(q.count, 3);
	EXPECT_PARAM(&q, 0, "a", "1", false);
	EXPECT_PARAM(&q, 1, "b", "2", false);
	EXPECT_PARAM(&q, 2, "c", "3", false);
}

Test(query_parse, empty_string)
{
	struct query q;

	parse("", &q);
	cr_expect_eq(q.count, 0);
}

Test(query_parse, empty_segments_are_skipped)
{
	static const struct {
		const char *qs;
		size_t count;
	} cases[] = {
		{"a=1&&b=2", 2},
		{"&a=1", 1},
		{"a=1&", 1},
		{"&", 0},
		{"&&&", 0},
		{"&&a=1&&&b=2&&", 2},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct query q;

		parse(cases[i].qs, &q);
		cr_expect_eq(q.count, cases[i].count, "\"%s\": %zu params, expected %zu", cases[i].qs,
		    q.count, cases[i].count);
	}

	struct query q;

	parse("a=1&&b=2", &q);
	cr_assert_eq(q.count, 2);
	EXPECT_PARAM(&q, 0, "a", "1", false);
	EXPECT_PARAM(&q, 1, "b", "2", false);
}

Test(query_parse, bare_key_and_empty_value)
{
	struct query q;

	parse("a&b=&c", &q);
	cr_assert_eq(q.count, 3);
	EXPECT_PARAM(&q, 0, "a", "", true);
	EXPECT_PARAM(&q, 1, "b", "", false);
	EXPECT_PARAM(&q, 2, "c", "", true);
}

Test(query_parse, only_the_first_equals_splits)
{
	struct query q;

	parse("a=b=c&d==", &q);
	cr_assert_eq(q.count, 2);
	EXPECT_PARAM(&q, 0, "a", "b=c", false);
	EXPECT_PARAM(&q, 1, "d", "=", false);
}

Test(query_parse, empty_key_is_kept)
{
	struct query q;

	parse("=v", &q);
	cr_assert_eq(q.count, 1);
	EXPECT_PARAM(&q, 0, "", "v", false);
}

Test(query_parse, len_is_explicit)
{
	struct query q;
	const char *qs = "a=1&b=2";

	query_parse(&arena, qs, 3, QUERY_NO_LIMIT, &q);		/* "a=1" */
	cr_assert_eq(q.count, 1);
	EXPECT_PARAM(&q, 0, "a", "1", false);

	query_parse(&arena, qs, 2, QUERY_NO_LIMIT, &q);		/* "a=" */
	cr_assert_eq(q.count, 1);
	EXPECT_PARAM(&q, 0, "a", "", false);
}

Test(query_parse, reads_no_byte_past_len)
{
	/* Not NUL-terminated: ASan flags any read past the end. */
	static const char src[] = "x=1&y=%41";
	char *qs = malloc(sizeof(src) - 1);
	struct query q;

	memcpy(qs, src, sizeof(src) - 1);
	query_parse(&arena, qs, sizeof(src) - 1, QUERY_NO_LIMIT, &q);
	free(qs);
	cr_assert_eq(q.count, 2);
	EXPECT_PARAM(&q, 0, "x", "1", false);
	EXPECT_PARAM(&q, 1, "y", "A", false);
}

/* ------------------------------------------------------------ decoding */

Test(query_parse, plus_is_a_space_in_keys_and_values)
{
	struct query q;

	parse("a+b=c+d&+=+&limit=+5", &q);
	cr_assert_eq(q.count, 3);
	EXPECT_PARAM(&q, 0, "a b", "c d", false);
	EXPECT_PARAM(&q, 1, " ", " ", false);
	EXPECT_PARAM(&q, 2, "limit", " 5", false);
}

Test(query_parse, percent_escapes_upper_and_lower_hex)
{
	struct query q;

	parse("%41%62=%2f%2F%3d%3D&k=%2B%20%25&%6C%69%6d%49%74=5", &q);
	cr_assert_eq(q.count, 3);
	EXPECT_PARAM(&q, 0, "Ab", "//==", false);
	EXPECT_PARAM(&q, 1, "k", "+ %", false);
	EXPECT_PARAM(&q, 2, "limIt", "5", false);
}

Test(query_parse, utf8_bytes)
{
	struct query q;

	parse("q=caf%C3%A9&r=%e2%82%ac&s=\xc3\xa9", &q);
	cr_assert_eq(q.count, 3);
	EXPECT_PARAM(&q, 0, "q", "caf\xc3\xa9", false);
	EXPECT_PARAM(&q, 1, "r", "\xe2\x82\xac", false);
	EXPECT_PARAM(&q, 2, "s", "\xc3\xa9", false);
}

Test(query_parse, decodes_once)
{
	struct query q;

	parse("a=%2541&b=%252B", &q);
	cr_assert_eq(q.count, 2);
	EXPECT_PARAM(&q, 0, "a", "%41", false);
	EXPECT_PARAM(&q, 1, "b", "%2B", false);
}

Test(query_parse, encoded_separators_do_not_split)
{
	struct query q;

	parse("a=1%262&b%3D2=3", &q);
	cr_assert_eq(q.count, 2);
	EXPECT_PARAM(&q, 0, "a", "1&2", false);
	EXPECT_PARAM(&q, 1, "b=2", "3", false);
}

Test(query_parse, invalid_escapes_are_marked_not_dropped)
{
	static const char *const values[] = {
		"%", "%z", "%zz", "%4", "%4g", "%g4", "x%", "x%4", "%%41", "% 1", "%-1", "%+1",
		"%00", "x%00y", "%00%41",
	};

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		char qs[64];
		struct query q;

		snprintf(qs, sizeof(qs), "a=%s&b=2", values[i]);
		parse(qs, &q);
		cr_assert_eq(q.count, 2, "\"%s\": %zu params, expected 2", qs, q.count);
		/* The key still decodes, so a known parameter can answer 400. */
		cr_expect_str_eq(q.params[0].key, "a", "\"%s\": key \"%s\"", qs, q.params[0].key);
		cr_expect(q.params[0].undecodable, "\"%s\": value not marked undecodable", qs);
		/* A bad pair does not spoil its neighbours. */
		cr_expect_not(q.params[1].undecodable, "\"%s\": next pair marked undecodable", qs);
		cr_expect_str_eq(q.params[1].value, "2", "\"%s\": next pair value", qs);
	}
}

Test(query_parse, invalid_escape_in_key_or_bare_key)
{
	struct query q;

	parse("a%zz=1&%00&k%4", &q);
	cr_assert_eq(q.count, 3);
	cr_expect(q.params[0].undecodable);
	cr_expect(q.params[1].undecodable);
	cr_expect(q.params[2].undecodable);
}

Test(query_decode, table)
{
	static const struct {
		const char *in;
		bool plus;
		long len;	/* -1: undecodable */
		const char *out;
	} cases[] = {
		{"", true, 0, ""},
		{"abc", true, 3, "abc"},
		{"a+b", true, 3, "a b"},
		{"a+b", false, 3, "a+b"},
		{"%2B", true, 1, "+"},
		{"%41%42", true, 2, "AB"},
		{"%4a%4A", true, 2, "JJ"},
		{"%ff", true, 1, "\xff"},
		{"%C3%A9", false, 2, "\xc3\xa9"},
		{"%", true, -1, NULL},
		{"%z", true, -1, NULL},
		{"%zz", true, -1, NULL},
		{"%4", true, -1, NULL},
		{"ab%", true, -1, NULL},
		{"%G0", true, -1, NULL},
		{"%00", true, -1, NULL},
		{"%00", false, -1, NULL},
		{"a%00b", true, -1, NULL},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char dst[32];
		size_t n = strlen(cases[i].in);
		long got = query_decode(cases[i].in, n, dst, cases[i].plus);

		cr_expect_eq(got, cases[i].len, "query_decode(\"%s\", plus=%d) = %ld, expected %ld",
		    cases[i].in, cases[i].plus, got, cases[i].len);
		if (got >= 0 && cases[i].len >= 0)
			cr_expect(memcmp(dst, cases[i].out, (size_t)got) == 0,
			    "query_decode(\"%s\") wrong bytes", cases[i].in);
	}
}

/* ------------------------------------------------------------ query_last */

Test(query_last, last_of_a_name_or_null)
{
	struct query q;
	const struct query_param *p;

	parse("a=1&b=2&a=3&ab=4&A=5", &q);
	p = query_last(&q, "a");
	cr_assert_not_null(p);
	cr_expect_str_eq(p->value, "3");
	p = query_last(&q, "b");
	cr_assert_not_null(p);
	cr_expect_str_eq(p->value, "2");
	p = query_last(&q, "A");
	cr_assert_not_null(p);
	cr_expect_str_eq(p->value, "5");
	cr_expect_null(query_last(&q, "c"));
	cr_expect_null(query_last(&q, "a "));
	cr_expect_null(query_last(&q, ""));
	p = query_last(&q, "ab");
	cr_assert_not_null(p);
	cr_expect_str_eq(p->value, "4");
}

Test(query_last, matches_decoded_keys)
{
	struct query q;
	const struct query_param *p;

	parse("%6Cimit=9&my+key=x", &q);
	p = query_last(&q, "limit");
	cr_assert_not_null(p);
	cr_expect_str_eq(p->value, "9");
	p = query_last(&q, "my key");
	cr_assert_not_null(p);
	cr_expect_str_eq(p->value, "x");
}

Test(query_last, last_even_when_empty_or_bad)
{
	struct query q;
	const struct query_param *p;

	parse("a=1&a", &q);
	p = query_last(&q, "a");
	cr_assert_not_null(p);
	cr_expect(p->bare);
	cr_expect_eq(p->value_len, 0);

	parse("a=1&a=%zz", &q);
	p = query_last(&q, "a");
	cr_assert_not_null(p);
	cr_expect(p->undecodable);
}

Test(query_last, empty_query)
{
	struct query q;

	parse("", &q);
	cr_expect_null(query_last(&q, "a"));
}

Test(query_parse, at_most_max_params_pairs)
{
	struct query q;

	cr_expect(query_parse(&arena, "a=1&&b=2&c", 10, 3, &q));	/* empty segments do not count */
	cr_expect_eq(q.count, 3);
	cr_expect_not(query_parse(&arena, "a=1&b=2&c&d", 11, 3, &q));
	cr_expect_eq(q.count, 3);
	cr_expect_str_eq(q.params[2].key, "c");
	cr_expect(query_parse(&arena, "", 0, 0, &q));
	cr_expect_not(query_parse(&arena, "a", 1, 0, &q));
	cr_expect_eq(q.count, 0);
}

Test(query_parse, many_ampersands_cost_no_memory_past_the_cap)
{
	size_t len = 4 * 1024 * 1024;
	char *qs = malloc(len);
	struct query q;

	memset(qs, '&', len);
	qs[len - 1] = 'a';
	/* 4 Mi separators: the pairs array is sized by the cap, not by the '&'s. */
	cr_expect(query_parse(&arena, qs, len, 64, &q));
	cr_expect_eq(q.count, 1);
	free(qs);
}
