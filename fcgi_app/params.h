/*
 * Strict integers and the paging parameters of a list request
 * (limit, offset, mutual), with the field errors a 400 reports.
 */
#ifndef FOLLOWINGS_PARAMS_H
#define FOLLOWINGS_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "query.h"

enum int_parse { INT_OK = 0, INT_SYNTAX = -1, INT_OVERFLOW = -2 };

/*
 * Signed 64-bit decimal: an optional '-', then one or more ASCII digits,
 * nothing else (no blanks, no '+', no exponent).  Leading zeros are fine.
 */
enum int_parse parse_int64(const char *s, size_t len, int64_t *out);

enum mutual_filter {
	MUTUAL_ANY,	/* no filter: mutual users first, then the others */
	MUTUAL_ONLY,	/* mutual=1 */
	MUTUAL_NONE,	/* mutual=0 */
};

struct field_error {
	const char *field;
	const char *message;
};

#define PARAMS_MAX_ERRORS 3

struct page_params {
	int64_t limit;		/* effective: default when absent, clamped to the maximum */
	int64_t offset;
	enum mutual_filter mutual;
	struct field_error errors[PARAMS_MAX_ERRORS];
	size_t nerrors;		/* > 0: answer 400 with these, in this order */
};

void params_parse(const struct query *q, int64_t limit_default, int64_t limit_max,
    struct page_params *out);

#endif
