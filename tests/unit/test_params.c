/*
 * params.h: strict 64-bit integers and the paging parameters (limit, offset,
 * mutual) of the contract's sections 1 and 7, read from query_parse output.
 */
#include <criterion/criterion.h>

#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "params.h"
#include "query.h"

/* ------------------------------------------------------------ parse_int64 */

struct int_case {
	const char *in;
	enum int_parse rc;
	int64_t value;		/* when rc == INT_OK */
};

static const struct int_case int_cases[] = {
	{"0", INT_OK, 0},
	{"5", INT_OK, 5},
	{"05", INT_OK, 5},
	{"0000000000000000000000000000005", INT_OK, 5},
	{"-0", INT_OK, 0},
	{"-5", INT_OK, -5},
	{"-05", INT_OK, -5},
	{"1234567890", INT_OK, 1234567890},
	{"9223372036854775807", INT_OK, INT64_MAX},
	{"0009223372036854775807", INT_OK, INT64_MAX},
	{"-9223372036854775808", INT_OK, INT64_MIN},
	{"-9223372036854775807", INT_OK, -INT64_MAX},
	{"9223372036854775808", INT_OVERFLOW, 0},
	{"9223372036854775810", INT_OVERFLOW, 0},
	{"18446744073709551616", INT_OVERFLOW, 0},
	{"-9223372036854775809", INT_OVERFLOW, 0},
	{"99999999999999999999", INT_OVERFLOW, 0},
	{"99999999999999999999x", INT_SYNTAX, 0},
	{"", INT_SYNTAX, 0},
	{"-", INT_SYNTAX, 0},
	{"--5", INT_SYNTAX, 0},
	{"+5", INT_SYNTAX, 0},
	{" 5", INT_SYNTAX, 0},
	{"5 ", INT_SYNTAX, 0},
	{"\t5", INT_SYNTAX, 0},
	{"1e3", INT_SYNTAX, 0},
	{"1.0", INT_SYNTAX, 0},
	{"0x10", INT_SYNTAX, 0},
	{"5-", INT_SYNTAX, 0},
	{"abc", INT_SYNTAX, 0},
	{"/", INT_SYNTAX, 0},	/* '0' - 1 */
	{":", INT_SYNTAX, 0},	/* '9' + 1 */
	{"\xef\xbc\x95", INT_SYNTAX, 0},	/* FULLWIDTH DIGIT FIVE */
	{"\xd9\xa5", INT_SYNTAX, 0},	/* ARABIC-INDIC DIGIT FIVE */
};

Test(parse_int64, table)
{
	for (size_t i = 0; i < sizeof(int_cases) / sizeof(int_cases[0]); i++) {
		const struct int_case *c = &int_cases[i];
		int64_t v = 0;
		enum int_parse rc = parse_int64(c->in, strlen(c->in), &v);

		cr_expect_eq(rc, c->rc, "parse_int64(\"%s\") = %d, expected %d", c->in, (int)rc,
		    (int)c->rc);
		if (c->rc == INT_OK && rc == INT_OK)
			cr_expect_eq(v, c->value, "parse_int64(\"%s\") value %" PRId64 ", expected %" PRId64,
			    c->in, v, c->value);
	}
}

Test(parse_int64, length_is_explicit)
{
	int64_t v = 0;

	/* Only the first len bytes count. */
	cr_expect_eq(parse_int64("12345", 2, &v), INT_OK);
	cr_expect_eq(v, 12);
	cr_expect_eq(parse_int64("7x", 1, &v), INT_OK);
	cr_expect_eq(v, 7);
	/* Zero length is not a number, even when a digit follows. */
	cr_expect_eq(parse_int64("5", 0, &v), INT_SYNTAX);
	/* An embedded NUL inside len is not a digit. */
	cr_expect_eq(parse_int64("5\0" "5", 3, &v), INT_SYNTAX);
	/* "-" followed by a digit past len. */
	cr_expect_eq(parse_int64("-5", 1, &v), INT_SYNTAX);
}

/* ------------------------------------------------------------ params_parse */

/* Parses qs into *pp; the arena stays alive for the caller to free. */
static void
parse_qs(struct arena *a, const char *qs, int64_t def, int64_t max, struct page_params *pp)
{
	struct query q;

	query_parse(a, qs, strlen(qs), QUERY_NO_LIMIT, &q);
	params_parse(&q, def, max, pp);
}

Test(params_parse, defaults)
{
	struct arena a;
	struct page_params pp;

	arena_init(&a);
	parse_qs(&a, "", 20, 100, &pp);
	cr_expect_eq(pp.nerrors, 0);
	cr_expect_eq(pp.limit, 20);
	cr_expect_eq(pp.offset, 0);
	cr_expect_eq(pp.mutual, MUTUAL_ANY);

	/* The default and maximum are the caller's (configurable). */
	parse_qs(&a, "foo=bar", 7, 50, &pp);
	cr_expect_eq(pp.nerrors, 0);
	cr_expect_eq(pp.limit, 7);
	parse_qs(&a, "limit=60", 7, 50, &pp);
	cr_expect_eq(pp.nerrors, 0);
	cr_expect_eq(pp.limit, 50);
	arena_free(&a);
}

struct ok_case {
	const char *qs;
	int64_t limit;
	int64_t offset;
	enum mutual_filter mutual;
};

static const struct ok_case ok_cases[] = {
	/* limit: values, clamping to the maximum (100) */
	{"limit=1", 1, 0, MUTUAL_ANY},
	{"limit=5", 5, 0, MUTUAL_ANY},
	{"limit=05", 5, 0, MUTUAL_ANY},
	{"limit=99", 99, 0, MUTUAL_ANY},
	{"limit=100", 100, 0, MUTUAL_ANY},
	{"limit=101", 100, 0, MUTUAL_ANY},
	{"limit=1000", 100, 0, MUTUAL_ANY},
	{"limit=9223372036854775807", 100, 0, MUTUAL_ANY},
	/* offset */
	{"offset=0", 20, 0, MUTUAL_ANY},
	{"offset=-0", 20, 0, MUTUAL_ANY},
	{"offset=40", 20, 40, MUTUAL_ANY},
	{"offset=007", 20, 7, MUTUAL_ANY},
	{"offset=9223372036854775807", 20, INT64_MAX, MUTUAL_ANY},
	/* mutual is an integer 0 or 1 */
	{"mutual=1", 20, 0, MUTUAL_ONLY},
	{"mutual=0", 20, 0, MUTUAL_NONE},
	{"mutual=01", 20, 0, MUTUAL_ONLY},
	{"mutual=00", 20, 0, MUTUAL_NONE},
	/* empty value and bare key: as if absent */
	{"limit=", 20, 0, MUTUAL_ANY},
	{"limit", 20, 0, MUTUAL_ANY},
	{"offset=", 20, 0, MUTUAL_ANY},
	{"offset", 20, 0, MUTUAL_ANY},
	{"mutual=", 20, 0, MUTUAL_ANY},
	{"mutual", 20, 0, MUTUAL_ANY},
	{"limit=&offset=&mutual=", 20, 0, MUTUAL_ANY},
	/* repeated: the last one wins */
	{"limit=5&limit=7", 7, 0, MUTUAL_ANY},
	{"limit=abc&limit=5", 5, 0, MUTUAL_ANY},
	{"limit=0&limit=5", 5, 0, MUTUAL_ANY},
	{"limit=%zz&limit=5", 5, 0, MUTUAL_ANY},
	{"limit=5&limit=", 20, 0, MUTUAL_ANY},	/* last is empty = absent: default */
	{"offset=-5&offset=10", 20, 10, MUTUAL_ANY},
	{"mutual=2&mutual=1", 20, 0, MUTUAL_ONLY},
	{"mutual=1&mutual=0", 20, 0, MUTUAL_NONE},
	/* percent-decoding happens before parsing */
	{"limit=%35", 5, 0, MUTUAL_ANY},
	{"%6Cimit=%31%32", 12, 0, MUTUAL_ANY},
	{"offset=%31%30", 20, 10, MUTUAL_ANY},
	{"mutual=%31", 20, 0, MUTUAL_ONLY},
	/* all together, any order */
	{"mutual=1&offset=30&limit=10", 10, 30, MUTUAL_ONLY},
	/* unknown parameters are ignored, even undecodable ones */
	{"foo=bar&limit=3", 3, 0, MUTUAL_ANY},
	{"foo=%zz&limit=3", 3, 0, MUTUAL_ANY},
	{"foo=%00&bar=%&limit=3", 3, 0, MUTUAL_ANY},
	{"LIMIT=abc&Offset=-1&MUTUAL=7", 20, 0, MUTUAL_ANY},
	{"limits=abc&xlimit=0&limit_=x", 20, 0, MUTUAL_ANY},
	{"limit%3Dabc", 20, 0, MUTUAL_ANY},	/* a bare key named "limit=abc" */
};

Test(params_parse, valid_values)
{
	for (size_t i = 0; i < sizeof(ok_cases) / sizeof(ok_cases[0]); i++) {
		const struct ok_case *c = &ok_cases[i];
		struct arena a;
		struct page_params pp;

		arena_init(&a);
		parse_qs(&a, c->qs, 20, 100, &pp);
		cr_expect_eq(pp.nerrors, 0, "\"%s\": %zu errors (first: %s), expected none", c->qs,
		    pp.nerrors, pp.nerrors ? pp.errors[0].field : "-");
		cr_expect_eq(pp.limit, c->limit, "\"%s\": limit %" PRId64 ", expected %" PRId64, c->qs,
		    pp.limit, c->limit);
		cr_expect_eq(pp.offset, c->offset, "\"%s\": offset %" PRId64 ", expected %" PRId64,
		    c->qs, pp.offset, c->offset);
		cr_expect_eq(pp.mutual, c->mutual, "\"%s\": mutual %d, expected %d", c->qs,
		    (int)pp.mutual, (int)c->mutual);
		arena_free(&a);
	}
}

struct err_case {
	const char *qs;
	const char *fields[PARAMS_MAX_ERRORS + 1];	/* NULL-terminated, in order */
};

static const struct err_case err_cases[] = {
	{"limit=0", {"limit"}},
	{"limit=-0", {"limit"}},
	{"limit=-1", {"limit"}},
	{"limit=abc", {"limit"}},
	{"limit=1e3", {"limit"}},
	{"limit=5.0", {"limit"}},
	{"limit=9223372036854775808", {"limit"}},
	{"limit=99999999999999999999", {"limit"}},
	{"limit=-9223372036854775809", {"limit"}},
	{"limit=+5", {"limit"}},		/* '+' is a space: " 5" */
	{"limit=%2B5", {"limit"}},		/* a literal '+' */
	{"limit=%205", {"limit"}},
	{"limit=5%20", {"limit"}},
	{"limit=%zz", {"limit"}},
	{"limit=%", {"limit"}},
	{"limit=%3", {"limit"}},
	{"limit=%00", {"limit"}},
	{"limit=5%00", {"limit"}},
	{"limit=5&limit=abc", {"limit"}},	/* the last one wins, errors too */
	{"offset=-5", {"offset"}},
	{"offset=-1", {"offset"}},
	{"offset=1e3", {"offset"}},
	{"offset=abc", {"offset"}},
	{"offset=9223372036854775808", {"offset"}},
	{"offset=%zz", {"offset"}},
	{"offset=%00", {"offset"}},
	{"offset=+1", {"offset"}},
	{"mutual=2", {"mutual"}},
	{"mutual=x", {"mutual"}},
	{"mutual=-1", {"mutual"}},
	{"mutual=10", {"mutual"}},
	{"mutual=true", {"mutual"}},
	{"mutual=1.0", {"mutual"}},
	{"mutual=+1", {"mutual"}},
	{"mutual=%zz", {"mutual"}},
	{"mutual=%00", {"mutual"}},
	{"mutual=99999999999999999999", {"mutual"}},
	{"limit=0&offset=-5", {"limit", "offset"}},
	{"mutual=2&offset=-5&limit=0", {"limit", "offset", "mutual"}},
	{"mutual=x&limit=abc", {"limit", "mutual"}},
	{"offset=x&mutual=9", {"offset", "mutual"}},
};

Test(params_parse, field_errors)
{
	for (size_t i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		const struct err_case *c = &err_cases[i];
		struct arena a;
		struct page_params pp;
		size_t n = 0;

		while (c->fields[n] != NULL)
			n++;
		arena_init(&a);
		parse_qs(&a, c->qs, 20, 100, &pp);
		cr_expect_eq(pp.nerrors, n, "\"%s\": %zu errors, expected %zu", c->qs, pp.nerrors, n);
		for (size_t k = 0; k < n && k < pp.nerrors; k++) {
			cr_expect_str_eq(pp.errors[k].field, c->fields[k], "\"%s\": error %zu is on %s, expected %s",
			    c->qs, k, pp.errors[k].field, c->fields[k]);
			cr_expect(pp.errors[k].message != NULL && pp.errors[k].message[0] != '\0',
			    "\"%s\": error %zu has no message", c->qs, k);
		}
		arena_free(&a);
	}
}

Test(params_parse, valid_fields_survive_an_error_elsewhere)
{
	struct arena a;
	struct page_params pp;

	arena_init(&a);
	parse_qs(&a, "limit=abc&offset=40&mutual=1", 20, 100, &pp);
	cr_assert_eq(pp.nerrors, 1);
	cr_expect_str_eq(pp.errors[0].field, "limit");
	cr_expect_eq(pp.offset, 40);
	cr_expect_eq(pp.mutual, MUTUAL_ONLY);
	arena_free(&a);
}
