/*
 * query_parse + params_parse against a reference written here independently
 * (split with strsep-like scanning, decode with strtol on each "%XX"):
 * every pair, its decoding and its flags; the max_params cap; and the page
 * parameters the contract derives from the last limit/offset/mutual.
 */
#include "config.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "params.h"
#include "query.h"

struct ref_pair {
	char *key, *value;
	size_t klen, vlen;
	int bare, bad;
};

/* application/x-www-form-urlencoded, decoded the slow obvious way. */
static char *
ref_decode(const char *s, size_t n, size_t *outlen, int *bad)
{
	char *o = malloc(n + 1);
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '%') {
			char hex[3] = {0};
			char *end;

			if (i + 2 >= n) {
				*bad = 1;
				k = 0;
				break;
			}
			hex[0] = s[i + 1];
			hex[1] = s[i + 2];
			if (!strchr("0123456789abcdefABCDEF", hex[0]) || !strchr("0123456789abcdefABCDEF", hex[1])
			    || hex[0] == 0 || hex[1] == 0) {
				*bad = 1;
				k = 0;
				break;
			}
			c = (char)strtol(hex, &end, 16);
			i += 2;
		} else if (c == '+') {
			c = ' ';
		}
		if (c == '\0') {
			*bad = 1;
			k = 0;
			break;
		}
		o[k++] = c;
	}
	o[k] = '\0';
	*outlen = k;
	return o;
}

static size_t
ref_parse(const char *qs, size_t len, struct ref_pair **out)
{
	size_t n = 0, cap = 8;
	struct ref_pair *v = malloc(cap * sizeof(*v));
	size_t i = 0;

	while (i <= len) {
		size_t j = i;

		while (j < len && qs[j] != '&')
			j++;
		if (j > i) {
			size_t e = i;

			while (e < j && qs[e] != '=')
				e++;
			if (n == cap)
				v = realloc(v, (cap *= 2) * sizeof(*v));
			struct ref_pair *p = &v[n++];

			memset(p, 0, sizeof(*p));
			p->key = ref_decode(qs + i, e - i, &p->klen, &p->bad);
			if (e < j) {
				p->value = ref_decode(qs + e + 1, j - e - 1, &p->vlen, &p->bad);
			} else {
				p->bare = 1;
				p->value = calloc(1, 1);
			}
		}
		i = j + 1;
	}
	*out = v;
	return n;
}

/* The contract's strict integer: -?[0-9]+, in int64 range. */
static int
ref_int(const char *s, size_t n, int64_t *v)
{
	size_t i = s[0] == '-' ? 1 : 0;
	__int128 acc = 0;

	if (n == i)
		return -1;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		acc = acc * 10 + (s[i] - '0');
		if (acc > (__int128)INT64_MAX + 1)
			return -2;
	}
	if (s[0] == '-')
		acc = -acc;
	if (acc > INT64_MAX || acc < INT64_MIN)
		return -2;
	*v = (int64_t)acc;
	return 0;
}

static const struct ref_pair *
ref_last(const struct ref_pair *v, size_t n, const char *key)
{
	for (size_t i = n; i-- > 0;)
		if (v[i].klen == strlen(key) && memcmp(v[i].key, key, v[i].klen) == 0)
			return &v[i];
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena a;
	static int ready;
	struct query q;
	struct ref_pair *ref;
	size_t nref, max;
	const char *qs;
	bool fits;

	if (!ready) {
		arena_init(&a);
		ready = 1;
	}
	if (size < 1)
		return 0;
	max = data[0] % 16;	/* the cap, small enough to be hit often */
	qs = (const char *)data + 1;
	size--;

	nref = ref_parse(qs, size, &ref);
	fits = query_parse(&a, qs, size, max == 15 ? QUERY_NO_LIMIT : max, &q);
	assert(fits == (max == 15 || nref <= max));
	assert(q.count == (fits ? nref : max));
	for (size_t i = 0; i < q.count; i++) {
		const struct query_param *p = &q.params[i];

		assert(p->undecodable == (bool)ref[i].bad);
		assert(p->bare == (bool)ref[i].bare);
		if (!ref[i].bad) {
			assert(p->key_len == ref[i].klen && memcmp(p->key, ref[i].key, p->key_len) == 0);
			assert(p->value_len == ref[i].vlen && memcmp(p->value, ref[i].value, p->value_len) == 0);
		}
		assert(p->key[p->key_len] == '\0' && p->value[p->value_len] == '\0');
	}

	if (fits) {
		struct page_params pp;
		const struct ref_pair *l = ref_last(ref, nref, "limit"), *o = ref_last(ref, nref, "offset");
		const struct ref_pair *m = ref_last(ref, nref, "mutual");
		int64_t lim = 20, off = 0, v;
		size_t errors = 0;

		params_parse(&q, 20, 100, &pp);
		if (l && (l->vlen > 0 || l->bad)) {
			if (l->bad || ref_int(l->value, l->vlen, &v) != 0 || v < 1)
				errors++;
			else
				lim = v;
		}
		if (lim > 100)
			lim = 100;
		if (o && (o->vlen > 0 || o->bad)) {
			if (o->bad || ref_int(o->value, o->vlen, &v) != 0 || v < 0)
				errors++;
			else
				off = v;
		}
		enum mutual_filter mf = MUTUAL_ANY;

		if (m && (m->vlen > 0 || m->bad)) {
			if (!m->bad && ref_int(m->value, m->vlen, &v) == 0 && (v == 0 || v == 1))
				mf = v == 1 ? MUTUAL_ONLY : MUTUAL_NONE;
			else
				errors++;
		}
		assert(pp.nerrors == errors);
		if (errors == 0) {
			assert(pp.limit == lim && pp.offset == off && pp.mutual == mf);
			assert(pp.limit >= 1 && pp.limit <= 100 && pp.offset >= 0);
		}
	}
	for (size_t i = 0; i < nref; i++) {
		free(ref[i].key);
		free(ref[i].value);
	}
	free(ref);
	arena_reset(&a);
	return 0;
}
