/*
 * links_origin, links_page and links_add_slash with a fuzzed Host, HTTPS,
 * REQUEST_SCHEME, SERVER_NAME, SERVER_PORT, base_url (accepted or refused
 * by conf_set, as in production) and request URI; fields are separated by
 * '\n'.  Checked: every URL is safe in a header (no byte <= 0x20 or >= 0x7f),
 * starts with "http://" or "https://" and the origin; the origin's host is
 * the Host header only when that is a plain host[:port]; and the query of
 * a page link decodes back to the request's parameters (less limit and
 * offset, undecodable ones dropped) plus the new limit and offset, sorted by key.
 */
#include "config.h"

#include <assert.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "conf.h"
#include "links.h"
#include "query.h"
#include "request.h"
#include "endpoint.h"

static void
header_safe(const char *url)
{
	assert(strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0);
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		assert(*p > 0x20 && *p < 0x7f);
}

static char *
field(char **cur)
{
	char *s = *cur, *nl = strchr(s, '\n');

	if (nl != NULL) {
		*nl = '\0';
		*cur = nl + 1;
	} else {
		*cur = s + strlen(s);
	}
	return s;
}

static int
key_cmp(const struct query_param *a, const struct query_param *b)
{
	size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
	int c = memcmp(a->key, b->key, n);

	return c != 0 ? c : (a->key_len > b->key_len) - (a->key_len < b->key_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena a;
	static int ready;
	struct conf conf;
	struct request r;
	struct endpoint_route rt;
	char err[256], *copy, *cur;
	int64_t limit, offset;

	if (!ready) {
		arena_init(&a);
		ready = 1;
	}
	if (size < 2)
		return 0;
	limit = data[0];
	offset = data[1] == 255 ? LINKS_NO_OFFSET : (int64_t)data[1] * 1000003;
	copy = malloc(size - 1);
	memcpy(copy, data + 2, size - 2);
	copy[size - 2] = '\0';
	cur = copy;

	memset(&r, 0, sizeof(r));
	char *host = field(&cur);

	r.host = host[0] == '-' ? NULL : host;	/* "-": no Host header */
	r.https = field(&cur);
	r.request_scheme = field(&cur);
	r.server_name = field(&cur);
	r.server_port = field(&cur);
	conf_defaults(&conf);
	if (conf_set(&conf, "base_url", field(&cur), err, sizeof(err)) != 0)
		conf.base_url = NULL;
	char *uri = field(&cur), *q = strchr(uri, '?');

	r.path = uri;
	r.path_len = q ? (size_t)(q - uri) : strlen(uri);
	r.query = q ? q + 1 : "";
	r.query_len = strlen(r.query);

	const char *origin = links_origin(&a, &r, conf.base_url);

	header_safe(origin);
	if (conf.base_url != NULL)
		assert(strcmp(origin, conf.base_url) == 0);
	else {
		const char *h = strstr(origin, "://") + 3;

		/* Only a plain host[:port] is echoed; else SERVER_NAME or localhost. */
		if (r.host != NULL && strncmp(h, r.host, strlen(r.host)) == 0 && h[strlen(r.host)] == '\0')
			assert(strcspn(r.host, "/@?#\\ ") == strlen(r.host));
		assert(strchr(h, '/') == NULL);
	}

	endpoint_route(r.path, r.path_len, &rt);
	if (rt.result == ROUTE_ADD_SLASH) {
		const char *loc = links_add_slash(&a, origin, &r);

		header_safe(loc);
		assert(strncmp(loc, origin, strlen(origin)) == 0);
	} else if (rt.result == ROUTE_MATCH) {
		struct query in, back;
		const char *link;

		query_parse(&a, r.query, r.query_len, QUERY_NO_LIMIT, &in);
		link = links_page(&a, origin, &r, &in, limit, offset);
		header_safe(link);
		assert(strncmp(link, origin, strlen(origin)) == 0);
		assert(strncmp(link + strlen(origin), r.path, r.path_len) == 0);
		const char *lq = link + strlen(origin) + r.path_len;

		assert(lq[0] == '?');
		query_parse(&a, lq + 1, strlen(lq + 1), QUERY_NO_LIMIT, &back);

		/* Expected: kept request pairs + limit (+ offset); compare as multisets by key order. */
		size_t kept = 0, limit_seen = 0, offset_seen = 0;

		for (size_t i = 0; i < in.count; i++) {
			const struct query_param *p = &in.params[i];

			if (!p->undecodable && !(p->key_len == 5 && memcmp(p->key, "limit", 5) == 0)
			    && !(p->key_len == 6 && memcmp(p->key, "offset", 6) == 0))
				kept++;
		}
		assert(back.count == kept + 1 + (offset != LINKS_NO_OFFSET));
		for (size_t i = 0; i < back.count; i++) {
			const struct query_param *p = &back.params[i];
			char num[24];

			assert(!p->undecodable && !p->bare);
			if (i > 0)
				assert(key_cmp(&back.params[i - 1], p) <= 0);
			if (p->key_len == 5 && memcmp(p->key, "limit", 5) == 0) {
				snprintf(num, sizeof(num), "%" PRId64, limit);
				assert(strcmp(p->value, num) == 0);
				limit_seen++;
			} else if (p->key_len == 6 && memcmp(p->key, "offset", 6) == 0) {
				snprintf(num, sizeof(num), "%" PRId64, offset);
				assert(strcmp(p->value, num) == 0);
				offset_seen++;
			} else {
				/* Some kept request pair with this key and value. */
				size_t j;

				for (j = 0; j < in.count; j++)
					if (!in.params[j].undecodable && key_cmp(&in.params[j], p) == 0
					    && in.params[j].value_len == p->value_len
					    && memcmp(in.params[j].value, p->value, p->value_len) == 0)
						break;
				assert(j < in.count);
			}
		}
		assert(limit_seen == 1 && offset_seen == (offset != LINKS_NO_OFFSET));
	}
	conf_free(&conf);
	arena_reset(&a);
	free(copy);
	return 0;
}
