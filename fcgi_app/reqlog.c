#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "log.h"
#include "reqlog.h"

#define URI_MAX 2048
#define LINE_MAX_BYTES 4096

static const char *const secret_words[] = {
	"token", "auth", "key", "secret", "passw", "session", "jwt", "cookie", "signature",
};

/* Whether name contains one of secret_words, ignoring case. */
static bool
name_is_secret(const char *name, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		int c = tolower((unsigned char)name[i]);

		for (size_t w = 0; w < sizeof(secret_words) / sizeof(secret_words[0]); w++) {
			const char *word = secret_words[w];
			size_t k = 1;

			if (word[0] != c)
				continue;
			while (word[k] != '\0' && i + k < len
			    && tolower((unsigned char)name[i + k]) == word[k])
				k++;
			if (word[k] == '\0')
				return true;
		}
	}
	return false;
}

/* Appends s[0..len) percent-encoding what is not safe in a quoted log value. */
static size_t
put_encoded(char *out, size_t o, size_t cap, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c > 0x20 && c < 0x7f && c != '"' && c != '\\') {
			if (o + 1 >= cap)
				break;
			out[o++] = (char)c;
		} else {
			if (o + 3 >= cap)
				break;
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	return o;
}

size_t
reqlog_safe_uri(char *out, size_t cap, const char *uri)
{
	const char *q = strchr(uri, '?');
	size_t o;

	if (cap == 0)
		return 0;
	o = put_encoded(out, 0, cap, uri, q ? (size_t)(q - uri) : strlen(uri));
	if (q != NULL) {
		const char *p = q + 1;

		o = put_encoded(out, o, cap, "?", 1);
		while (*p != '\0') {
			size_t plen = strcspn(p, "&"), nlen = strcspn(p, "=&");

			if (nlen < plen && name_is_secret(p, nlen)) {
				o = put_encoded(out, o, cap, p, nlen + 1);
				o = put_encoded(out, o, cap, "REDACTED", 8);
			} else {
				o = put_encoded(out, o, cap, p, plen);
			}
			p += plen;
			if (*p == '&') {
				o = put_encoded(out, o, cap, "&", 1);
				p++;
			}
		}
	}
	out[o] = '\0';
	return o;
}

void
reqlog_request_id(char out[REQLOG_ID_MAX + 1], const char *header)
{
	static uint64_t base, counter;

	if (header != NULL) {
		size_t n = strspn(header, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-");

		if (n > 0 && n <= REQLOG_ID_MAX && header[n] == '\0') {
			memcpy(out, header, n + 1);
			return;
		}
	}
	static const char hex[] = "0123456789abcdef";
	uint64_t v;

	if (base == 0 && getrandom(&base, sizeof(base), GRND_NONBLOCK) != sizeof(base))
		base = (uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)&base;
	v = base + ++counter;
	for (int i = 15; i >= 0; i--, v >>= 4)
		out[i] = hex[v & 15];
	out[16] = '\0';
}

/*
 * A line is appended piece by piece, without printf: the request log runs
 * on every request, and formatting it with snprintf cost about as many
 * instructions as the scoreboard and the rest of the logging together
 * (bench/RESULTS.md).
 */
struct line {
	char *p;
	size_t n, cap;		/* cap leaves room for a closing "]}" and the newline */
};

static void
put(struct line *l, const char *s, size_t len)
{
	char *d;

	if (len > l->cap - l->n)
		len = l->cap - l->n;
	d = l->p + l->n;
	l->n += len;
	/* Most pieces are a few bytes: a loop beats a call to memcpy. */
	while (len-- > 0)
		*d++ = *s++;
}

/* A method worth logging: a plain token of up to 32 letters, '-' or '_'. */
static size_t
method_len(const char *m)
{
	size_t n = 0;

	while (n <= 32 && ((m[n] >= 'A' && m[n] <= 'Z') || (m[n] >= 'a' && m[n] <= 'z')
	    || m[n] == '-' || m[n] == '_'))
		n++;
	return n <= 32 && m[n] == '\0' ? n : 0;
}

static void
puts_(struct line *l, const char *s)
{
	put(l, s, strlen(s));
}

static void
put_uint(struct line *l, unsigned long long v)
{
	char d[24];
	size_t i = sizeof(d);

	do
		d[--i] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	put(l, d + i, sizeof(d) - i);
}

/* Microseconds as milliseconds with three decimals. */
static void
put_ms(struct line *l, int64_t us)
{
	char frac[4];

	if (us < 0)
		us = 0;
	put_uint(l, (unsigned long long)us / 1000);
	frac[0] = '.';
	frac[1] = (char)('0' + us / 100 % 10);
	frac[2] = (char)('0' + us / 10 % 10);
	frac[3] = (char)('0' + us % 10);
	put(l, frac, 4);
}

/* "key=" in text, ",\"key\":" in JSON. */
static void
put_key(struct line *l, bool json, const char *key)
{
	put(l, json ? ",\"" : " ", json ? 2 : 1);
	puts_(l, key);
	put(l, json ? "\":" : "=", json ? 2 : 1);
}

static void
put_quoted(struct line *l, bool json, const char *key, const char *v, size_t len)
{
	put_key(l, json, key);
	put(l, "\"", 1);
	put(l, v, len);
	put(l, "\"", 1);
}

static void
put_common(struct line *l, const char *level, const char *event, const struct reqlog_entry *e)
{
	char when[40], uri[URI_MAX];
	bool json = log_is_json();
	size_t ulen, mlen = method_len(e->method);
	long pid = (long)getpid();
	size_t wlen = log_time(when, sizeof(when));

	ulen = reqlog_safe_uri(uri, sizeof(uri), e->uri != NULL ? e->uri : "");
	if (json) {
		puts_(l, "{\"time\":\"");
		put(l, when, wlen);
		puts_(l, "\",\"level\":\"");
		puts_(l, level);
		puts_(l, "\",\"event\":\"");
		puts_(l, event);
		put(l, "\"", 1);
		put_quoted(l, json, "method", e->method, mlen);
	} else {
		puts_(l, PACKAGE_NAME "[");
		put_uint(l, (unsigned long long)pid);
		puts_(l, "]: ");
		puts_(l, level);
		puts_(l, ": ");
		puts_(l, event);
		put_key(l, json, "time");
		put(l, when, wlen);
		put_key(l, json, "method");
		put(l, mlen ? e->method : "-", mlen ? mlen : 1);
	}
	put_quoted(l, json, "uri", uri, ulen);
	put_key(l, json, "status");
	put_uint(l, (unsigned long long)(e->status > 0 ? e->status : 0));
	put_key(l, json, "bytes");
	put_uint(l, (unsigned long long)e->body_bytes);
	put_key(l, json, "ms");
	put_ms(l, e->duration_us);
	put_key(l, json, "db_ms");
	put_ms(l, e->db->us);
	put_key(l, json, "pid");
	put_uint(l, (unsigned long long)pid);
	if (json)
		put_quoted(l, json, "request_id", e->request_id, strlen(e->request_id));
	else {
		put_key(l, json, "request_id");
		puts_(l, e->request_id);
	}
}

void
reqlog_request(const struct reqlog_entry *e)
{
	char buf[LINE_MAX_BYTES];
	struct line l = {buf, 0, sizeof(buf) - 3};

	put_common(&l, "info", "request", e);
	if (log_is_json())
		buf[l.n++] = '}';
	log_write(buf, l.n, sizeof(buf));
}

void
reqlog_slow(const struct reqlog_entry *e, unsigned threshold_ms)
{
	char buf[LINE_MAX_BYTES];
	struct line l = {buf, 0, sizeof(buf) - 3};
	bool json = log_is_json();

	if (!log_enabled(LOG_LEVEL_WARN))
		return;
	put_common(&l, "warn", json ? "slow_request" : "slow request", e);
	put_key(&l, json, "threshold_ms");
	put_uint(&l, threshold_ms);
	put_key(&l, json, "round_trips");
	put_uint(&l, e->db->round_trips);
	put_key(&l, json, "statements");
	put(&l, json ? "[" : "\"", 1);
	for (unsigned i = 0; i < e->db->n; i++) {
		const struct stmt_time *st = &e->db->stmts[i];

		if (json) {
			puts_(&l, i ? ",{\"name\":\"" : "{\"name\":\"");
			puts_(&l, st->name);
			puts_(&l, "\",\"ms\":");
			put_ms(&l, st->us);
			puts_(&l, ",\"rows\":");
			put_uint(&l, st->rows);
			put(&l, "}", 1);
		} else {
			if (i)
				puts_(&l, ", ");
			puts_(&l, st->name);
			put(&l, " ", 1);
			put_ms(&l, st->us);
			puts_(&l, " ms ");
			put_uint(&l, st->rows);
			puts_(&l, " rows");
		}
	}
	/* The closing characters always fit: cap kept room for them. */
	if (json) {
		buf[l.n++] = ']';
		buf[l.n++] = '}';
	} else {
		buf[l.n++] = '"';
	}
	log_write(buf, l.n, sizeof(buf));
}
