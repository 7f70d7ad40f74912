#include "config.h"

#include <string.h>

#include "query.h"

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long
query_decode(const char *src, size_t len, char *dst, bool plus_is_space)
{
	size_t i = 0, o = 0;

	while (i < len) {
		unsigned char c = (unsigned char)src[i];

		if (c == '%') {
			int hi, lo;

			if (len - i < 3)
				return -1;
			hi = hexval((unsigned char)src[i + 1]);
			lo = hexval((unsigned char)src[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = (unsigned char)(hi << 4 | lo);
			i += 3;
		} else {
			if (c == '+' && plus_is_space)
				c = ' ';
			i++;
		}
		if (c == '\0')
			return -1;
		dst[o++] = (char)c;
	}
	return (long)o;
}

static void
decode_into(struct arena *a, const char *src, size_t len, const char **out, size_t *outlen,
    bool *undecodable)
{
	char *buf = arena_alloc(a, len + 1);
	long n = query_decode(src, len, buf, true);

	if (n < 0) {
		*undecodable = true;
		n = 0;
	}
	buf[n] = '\0';
	*out = buf;
	*outlen = (size_t)n;
}

bool
query_parse(struct arena *a, const char *qs, size_t len, size_t max_params, struct query *out)
{
	size_t count = 0, cap = 1;

	/* Room for the pairs there are, never for more than max_params. */
	for (size_t i = 0; i < len && cap <= max_params; i++)
		cap += qs[i] == '&';
	if (cap > max_params)
		cap = max_params;
	out->params = arena_alloc(a, (cap ? cap : 1) * sizeof(*out->params));
	out->count = 0;

	for (size_t start = 0; start <= len;) {
		const char *seg = qs + start;
		const char *amp = memchr(seg, '&', len - start);
		size_t seglen = amp ? (size_t)(amp - seg) : len - start;

		if (seglen > 0) {
			if (count == max_params)
				return false;
			struct query_param *p = &out->params[count++];
			const char *eq = memchr(seg, '=', seglen);
			size_t klen = eq ? (size_t)(eq - seg) : seglen;

			memset(p, 0, sizeof(*p));
			decode_into(a, seg, klen, &p->key, &p->key_len, &p->undecodable);
			if (eq != NULL) {
				decode_into(a, eq + 1, seglen - klen - 1, &p->value, &p->value_len,
				    &p->undecodable);
			} else {
				p->bare = true;
				p->value = "";
			}
			out->count = count;
		}
		start += seglen + 1;
	}
	return true;
}

const struct query_param *
query_last(const struct query *q, const char *key)
{
	size_t klen = strlen(key);

	for (size_t i = q->count; i-- > 0;) {
		const struct query_param *p = &q->params[i];

		if (p->key_len == klen && memcmp(p->key, key, klen) == 0)
			return p;
	}
	return NULL;
}
