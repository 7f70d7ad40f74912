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

static bool
name_is_secret(const char *name, size_t len)
{
	char lower[64];

	if (len >= sizeof(lower))
		len = sizeof(lower) - 1;
	for (size_t i = 0; i < len; i++)
		lower[i] = (char)tolower((unsigned char)name[i]);
	lower[len] = '\0';
	for (size_t i = 0; i < sizeof(secret_words) / sizeof(secret_words[0]); i++)
		if (strstr(lower, secret_words[i]) != NULL)
			return true;
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
	if (base == 0 && getrandom(&base, sizeof(base), GRND_NONBLOCK) != sizeof(base))
		base = (uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)&base;
	snprintf(out, REQLOG_ID_MAX + 1, "%016llx", (unsigned long long)(base + ++counter));
}

static size_t
put_common(char *line, size_t cap, const char *level, const char *event, const struct reqlog_entry *e)
{
	char when[40], uri[URI_MAX], method[33];
	size_t n, mlen = strspn(e->method, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_");
	int w;

	/* The method as a plain token or not at all. */
	if (mlen == 0 || mlen > 32 || e->method[mlen] != '\0')
		mlen = 0;
	memcpy(method, e->method, mlen);
	method[mlen] = '\0';
	log_time(when, sizeof(when));
	reqlog_safe_uri(uri, sizeof(uri), e->uri != NULL ? e->uri : "");
	if (log_is_json())
		w = snprintf(line, cap, "{\"time\":\"%s\",\"level\":\"%s\",\"event\":\"%s\","
		    "\"method\":\"%s\",\"uri\":\"%s\",\"status\":%d,\"bytes\":%llu,\"ms\":%.3f,"
		    "\"db_ms\":%.3f,\"pid\":%ld,\"request_id\":\"%s\"", when, level, event, method, uri,
		    e->status, (unsigned long long)e->body_bytes, (double)e->duration_us / 1000.0,
		    (double)e->db->us / 1000.0, (long)getpid(), e->request_id);
	else
		w = snprintf(line, cap, PACKAGE_NAME "[%ld]: %s: %s time=%s method=%s uri=\"%s\" status=%d "
		    "bytes=%llu ms=%.3f db_ms=%.3f pid=%ld request_id=%s", (long)getpid(), level, event,
		    when, method[0] ? method : "-", uri, e->status, (unsigned long long)e->body_bytes,
		    (double)e->duration_us / 1000.0, (double)e->db->us / 1000.0, (long)getpid(),
		    e->request_id);
	n = w < 0 ? 0 : (size_t)w;
	return n < cap ? n : cap - 1;
}

void
reqlog_request(const struct reqlog_entry *e)
{
	char line[LINE_MAX_BYTES];
	size_t n = put_common(line, sizeof(line) - 2, "info", "request", e);

	if (log_is_json())
		line[n++] = '}';
	log_write(line, n, sizeof(line));
}

void
reqlog_slow(const struct reqlog_entry *e, unsigned threshold_ms)
{
	char line[LINE_MAX_BYTES];
	size_t cap = sizeof(line) - 2, n;
	bool json = log_is_json();
	int w;

	if (!log_enabled(LOG_LEVEL_WARN))
		return;
	n = put_common(line, cap, "warn", json ? "slow_request" : "slow request", e);
	w = snprintf(line + n, cap - n, json ? ",\"threshold_ms\":%u,\"round_trips\":%u,\"statements\":["
	    : " threshold_ms=%u round_trips=%u statements=\"", threshold_ms, e->db->round_trips);
	n += w > 0 ? (size_t)w : 0;
	for (unsigned i = 0; i < e->db->n && n < cap; i++) {
		const struct stmt_time *s = &e->db->stmts[i];

		w = snprintf(line + n, cap - n, json ? "%s{\"name\":\"%s\",\"ms\":%.3f,\"rows\":%lu}"
		    : "%s%s %.3f ms %lu rows", i ? (json ? "," : ", ") : "", s->name,
		    (double)s->us / 1000.0, s->rows);
		n += w > 0 ? (size_t)w : 0;
	}
	if (n > cap - 2)
		n = cap - 2;
	if (json) {
		line[n++] = ']';
		line[n++] = '}';
	} else {
		line[n++] = '"';
	}
	log_write(line, n, sizeof(line));
}
