/*
 * jsonw.h: strings, integers, booleans and null written exactly as jansson's
 * compact dump writes them (the page is written with jsonw, errors with
 * jansson: clients must not see two dialects).  Differential: every case is
 * compared with json_dumps() of the same value.
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "jsonw.h"

static void
expect_same_as_jansson(const char *s, size_t len)
{
	struct buf b = {0};
	json_t *j = json_stringn(s, len);
	bool ok = jsonw_string(&b, s, len);

	if (j == NULL) {
		/* jansson refuses it: not UTF-8.  We write "" and say so. */
		cr_expect(!ok, "accepted what jansson refuses: %zu bytes", len);
		cr_expect(b.len == 2 && memcmp(b.data, "\"\"", 2) == 0);
		cr_expect(!jsonw_utf8_valid(s, len));
	} else {
		char *d = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);

		cr_expect(ok);
		cr_expect(jsonw_utf8_valid(s, len));
		cr_expect(strlen(d) == b.len && memcmp(d, b.data, b.len) == 0,
		    "jsonw: %.*s\njansson: %s", (int)b.len, b.data, d);
		free(d);
		json_decref(j);
	}
	buf_free(&b);
}

Test(jsonw_string, every_single_byte)
{
	for (int c = 0; c < 256; c++) {
		char s[3] = {'a', (char)c, 'z'};

		expect_same_as_jansson(s, 3);
	}
}

Test(jsonw_string, every_two_byte_combination)
{
	for (int c = 0; c < 256; c++)
		for (int d = 0; d < 256; d++) {
			char s[2] = {(char)c, (char)d};

			expect_same_as_jansson(s, 2);
		}
}

Test(jsonw_string, utf8_edges)
{
	static const char *const cases[] = {
		"", "plain", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf",
		"\xf4\x90\x80\x80",		/* > U+10FFFF */
		"\xed\xa0\x80",			/* surrogate */
		"\xe0\x80\xaf",			/* overlong */
		"\xf0\x80\x80\xaf",		/* overlong */
		"\xc0\xaf", "\xc1\xbf",		/* overlong */
		"\xe2\x82", "\xf0\x9f\x98",	/* truncated */
		"\x80", "\xbf", "\xff", "\xfe",
		"tab\there\r\n\b\f\x01\x1f\x7f\"\\/",
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_same_as_jansson(cases[i], strlen(cases[i]));
}

Test(jsonw_string, embedded_nul)
{
	expect_same_as_jansson("a\0b", 3);
	expect_same_as_jansson("\0", 1);
}

Test(jsonw_string, pseudo_random_strings)
{
	unsigned x = 12345;

	for (int n = 0; n < 20000; n++) {
		char s[12];
		size_t len = (size_t)(n % 12);

		for (size_t i = 0; i < len; i++) {
			x = x * 1103515245u + 12345u;
			/* Bias towards the interesting bytes. */
			unsigned r = x >> 16;
			s[i] = (char)(r % 3 == 0 ? 0x80 | (r >> 2 & 0x7f) : r % 3 == 1 ? (r >> 2) & 0xff : 'a' + r % 26);
		}
		expect_same_as_jansson(s, len);
	}
}

Test(jsonw_scalars, match_jansson)
{
	int64_t ints[] = {0, 1, -1, 42, INT64_MAX, INT64_MIN};

	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		struct buf b = {0};
		json_t *j = json_integer(ints[i]);
		char *d = json_dumps(j, JSON_ENCODE_ANY);

		jsonw_int(&b, ints[i]);
		cr_expect_str_eq(b.data, d);
		free(d);
		json_decref(j);
		buf_free(&b);
	}
	{
		struct buf b = {0};

		jsonw_bool(&b, true);
		jsonw_bool(&b, false);
		jsonw_null(&b);
		cr_expect_str_eq(b.data, "truefalsenull");
		buf_free(&b);
	}
}
