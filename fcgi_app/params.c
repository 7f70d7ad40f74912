#include "config.h"

#include <string.h>

#include "params.h"

enum int_parse
parse_int64(const char *s, size_t len, int64_t *out)
{
	size_t i = 0;
	int neg = 0;
	uint64_t v = 0;
	/* The magnitude limit: 2^63-1, or 2^63 for a negative number. */
	uint64_t limit;

	if (len > 0 && s[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == len)
		return INT_SYNTAX;
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9)
			return INT_SYNTAX;
		if (v > (limit - d) / 10) {
			/* Keep scanning: "99999999999999999999x" is a syntax error. */
			for (i++; i < len; i++)
				if ((unsigned)((unsigned char)s[i] - '0') > 9)
					return INT_SYNTAX;
			return INT_OVERFLOW;
		}
		v = v * 10 + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return INT_OK;
}

static void
add_error(struct page_params *out, const char *field, const char *message)
{
	if (out->nerrors < PARAMS_MAX_ERRORS)
		out->errors[out->nerrors++] = (struct field_error){field, message};
}

/*
 * Reads an integer parameter >= min.  Absent, empty or bare means "use the
 * default" (returns 0 and leaves *v alone).
 */
static void
int_param(const struct query *q, const char *name, int64_t min, int64_t *v,
    struct page_params *out)
{
	const struct query_param *p = query_last(q, name);
	int64_t n;

	if (p == NULL || (p->value_len == 0 && !p->undecodable))
		return;
	if (p->undecodable || parse_int64(p->value, p->value_len, &n) != INT_OK) {
		add_error(out, name, "A valid integer is required.");
		return;
	}
	if (n < min) {
		add_error(out, name, min == 0 ? "Ensure this value is greater than or equal to 0."
		                              : "Ensure this value is greater than or equal to 1.");
		return;
	}
	*v = n;
}

void
params_parse(const struct query *q, int64_t limit_default, int64_t limit_max,
    struct page_params *out)
{
	const struct query_param *m;

	memset(out, 0, sizeof(*out));
	out->limit = limit_default;
	out->offset = 0;
	out->mutual = MUTUAL_ANY;

	int_param(q, "limit", 1, &out->limit, out);
	if (out->limit > limit_max)
		out->limit = limit_max;
	int_param(q, "offset", 0, &out->offset, out);

	/* "mutual" is an integer like the others (so "01" is 1), 0 or 1 only. */
	m = query_last(q, "mutual");
	if (m != NULL && (m->value_len > 0 || m->undecodable)) {
		int64_t n = -1;

		if (!m->undecodable && parse_int64(m->value, m->value_len, &n) == INT_OK && n == 1)
			out->mutual = MUTUAL_ONLY;
		else if (!m->undecodable && n == 0)
			out->mutual = MUTUAL_NONE;
		else
			add_error(out, "mutual", "Must be 0 or 1.");
	}
}
