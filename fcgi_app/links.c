#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "links.h"

static bool
is_https(const struct request *r)
{
	if (r->https[0] != '\0')
		return strcasecmp(r->https, "on") == 0 || strcmp(r->https, "1") == 0;
	return strcasecmp(r->request_scheme, "https") == 0;
}

/*
 * A Host header we are willing to echo into a URL: a DNS name or IPv4
 * address, or a bracketed IPv6 address, optionally ":port".  Anything else
 * (blanks, '/', '@', CR/LF...) falls back to SERVER_NAME.
 */
static bool
host_is_safe(const char *h, size_t *name_len, const char **port)
{
	size_t i = 0;

	*port = NULL;
	if (h[0] == '[') {
		for (i = 1; h[i] != ']'; i++) {
			char c = h[i];

			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
			    || c == ':' || c == '.'))
				return false;
		}
		i++;
	} else {
		for (; h[i] != '\0' && h[i] != ':'; i++) {
			char c = h[i];

			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
			    || c == '.' || c == '-' || c == '_'))
				return false;
		}
	}
	if (i == 0)
		return false;
	*name_len = i;
	if (h[i] == ':') {
		size_t j = i + 1;

		if (h[j] == '\0')
			return false;
		for (; h[j] != '\0'; j++)
			if (h[j] < '0' || h[j] > '9' || j - i > 5)
				return false;
		*port = h + i + 1;
	} else if (h[i] != '\0') {
		return false;
	}
	return true;
}

static bool
all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

const char *
links_origin(struct arena *a, const struct request *r, const char *base_url)
{
	bool https = is_https(r);
	const char *scheme = https ? "https" : "http";
	const char *default_port = https ? "443" : "80";
	const char *name, *port;
	size_t name_len, olen;
	char *out;

	if (base_url != NULL)
		return base_url;
	if (r->host != NULL && host_is_safe(r->host, &name_len, &port)) {
		name = r->host;
	} else {
		const char *name_port;

		/* No usable Host header: the server's own name and port. */
		if (host_is_safe(r->server_name, &name_len, &name_port) && name_port == NULL)
			name = r->server_name;
		else
			name = "localhost", name_len = 9;
		port = all_digits(r->server_port) ? r->server_port : NULL;
	}
	if (port != NULL && strcmp(port, default_port) == 0)
		port = NULL;

	olen = strlen(scheme) + 3 + name_len + (port ? 1 + strlen(port) : 0) + 1;
	out = arena_alloc(a, olen);
	snprintf(out, olen, "%s://%.*s%s%s", scheme, (int)name_len, name, port ? ":" : "",
	    port ? port : "");
	return out;
}

/* Python's urllib.parse.quote_plus: unreserved bytes kept, ' ' as '+'. */
static char *
put_encoded(char *o, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
		    || c == '_' || c == '.' || c == '-' || c == '~') {
			*o++ = (char)c;
		} else if (c == ' ') {
			*o++ = '+';
		} else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	return o;
}

struct link_param {
	const char *key;
	size_t key_len;
	const char *value;
	size_t value_len;
	size_t order;		/* position in the request, for a stable sort */
};

static int
cmp_link_param(const void *pa, const void *pb)
{
	const struct link_param *a = pa, *b = pb;
	size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
	int c = memcmp(a->key, b->key, n);

	if (c != 0)
		return c;
	if (a->key_len != b->key_len)
		return a->key_len < b->key_len ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

static bool
key_is(const struct query_param *p, const char *key)
{
	return p->key_len == strlen(key) && memcmp(p->key, key, p->key_len) == 0;
}

const char *
links_page(struct arena *a, const char *origin, const struct request *r, const struct query *q,
    int64_t limit, int64_t offset)
{
	struct link_param *lp = arena_alloc(a, (q->count + 2) * sizeof(*lp));
	char limit_s[24], offset_s[24];
	size_t n = 0, size;
	char *out, *o;

	for (size_t i = 0; i < q->count; i++) {
		const struct query_param *p = &q->params[i];

		if (p->undecodable || key_is(p, "limit") || key_is(p, "offset"))
			continue;
		lp[n++] = (struct link_param){p->key, p->key_len, p->value, p->value_len, i};
	}
	snprintf(limit_s, sizeof(limit_s), "%" PRId64, limit);
	lp[n++] = (struct link_param){"limit", 5, limit_s, strlen(limit_s), q->count};
	if (offset != LINKS_NO_OFFSET) {
		snprintf(offset_s, sizeof(offset_s), "%" PRId64, offset);
		lp[n++] = (struct link_param){"offset", 6, offset_s, strlen(offset_s), q->count + 1};
	}
	qsort(lp, n, sizeof(*lp), cmp_link_param);

	size = strlen(origin) + r->path_len + 2;
	for (size_t i = 0; i < n; i++)
		size += 3 * (lp[i].key_len + lp[i].value_len) + 2;
	o = out = arena_alloc(a, size);
	o = stpcpy(o, origin);
	memcpy(o, r->path, r->path_len);
	o += r->path_len;
	for (size_t i = 0; i < n; i++) {
		*o++ = i == 0 ? '?' : '&';
		o = put_encoded(o, lp[i].key, lp[i].key_len);
		*o++ = '=';
		o = put_encoded(o, lp[i].value, lp[i].value_len);
	}
	*o = '\0';
	return out;
}

const char *
links_add_slash(struct arena *a, const char *origin, const struct request *r)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t size = strlen(origin) + r->path_len + 3 + 3 * r->query_len;
	char *out = arena_alloc(a, size), *o;

	o = stpcpy(out, origin);
	memcpy(o, r->path, r->path_len);
	o += r->path_len;
	*o++ = '/';
	if (r->query_len > 0) {
		*o++ = '?';
		/* Kept as sent, except bytes that may not stand in a header. */
		for (size_t i = 0; i < r->query_len; i++) {
			unsigned char c = (unsigned char)r->query[i];

			if (c <= 0x20 || c >= 0x7f) {
				*o++ = '%';
				*o++ = hex[c >> 4];
				*o++ = hex[c & 15];
			} else {
				*o++ = (char)c;
			}
		}
	}
	*o = '\0';
	return out;
}
