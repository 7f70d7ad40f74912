#include "config.h"

#include <string.h>

#include "jsonw.h"

/* Length of the UTF-8 sequence at s (at most len bytes), or 0 if invalid. */
static size_t
utf8_sequence(const unsigned char *s, size_t len)
{
	unsigned c = s[0], cp;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates, beyond U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || (cp >= 0xd800 && cp <= 0xdfff)
	    || cp > 0x10ffff)
		return 0;
	return n;
}

bool
jsonw_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		size_t n = utf8_sequence(p + i, len - i);

		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

bool
jsonw_string(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;
	size_t start = b->len, run = 0, i = 0;

	/* One pass: plain ASCII is copied in runs, UTF-8 checked, the rest escaped. */
	buf_add(b, "\"", 1);
	while (i < len) {
		unsigned char c = p[i];
		char esc[6];
		size_t elen = 2;

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80) {
			size_t n = utf8_sequence(p + i, len - i);

			if (n == 0) {
				/* Not UTF-8: take back what was written, write "". */
				b->len = start;
				buf_add(b, "\"\"", 2);
				return false;
			}
			i += n;
			continue;
		}
		buf_add(b, s + run, i - run);
		run = ++i;
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			elen = 6;
		}
		buf_add(b, esc, elen);
	}
	buf_add(b, s + run, len - run);
	buf_add(b, "\"", 1);
	return true;
}

void
jsonw_int(struct buf *b, int64_t v)
{
	char s[24], *p = s + sizeof(s);
	/* The magnitude as unsigned, so INT64_MIN needs no special case. */
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	buf_add(b, p, (size_t)(s + sizeof(s) - p));
}

void
jsonw_bool(struct buf *b, bool v)
{
	if (v)
		buf_add(b, "true", 4);
	else
		buf_add(b, "false", 5);
}

void
jsonw_null(struct buf *b)
{
	buf_add(b, "null", 4);
}
