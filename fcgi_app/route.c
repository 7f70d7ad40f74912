#include "config.h"

#include <string.h>

#include "params.h"
#include "route.h"

/*
 * Matches path against pattern.  Returns the length of pattern consumed when
 * all of path was consumed (so a pattern only missing its final '/' is told
 * apart from a mismatch), or 0 on a mismatch.
 */
static size_t
match(const char *pattern, const char *path, size_t len, int64_t *id)
{
	const char *p = pattern;
	size_t i = 0;

	while (*p != '\0' && i < len) {
		if (strncmp(p, "{id}", 4) == 0) {
			size_t start = i;
			int64_t v;

			while (i < len && path[i] >= '0' && path[i] <= '9')
				i++;
			if (i == start)
				return 0;
			if (parse_int64(path + start, i - start, &v) != INT_OK || v < 1)
				return 0;
			*id = v;
			p += 4;
		} else if (*p == path[i]) {
			p++;
			i++;
		} else {
			return 0;
		}
	}
	if (i != len)
		return 0;
	return (size_t)(p - pattern);
}

enum route_result
route_match(const char *pattern, const char *path, size_t len, int64_t *id)
{
	size_t plen = strlen(pattern);
	size_t used = match(pattern, path, len, id);

	if (used == plen)
		return ROUTE_MATCH;
	if (used > 0 && used == plen - 1 && pattern[plen - 1] == '/')
		return ROUTE_ADD_SLASH;
	return ROUTE_NOT_FOUND;
}
