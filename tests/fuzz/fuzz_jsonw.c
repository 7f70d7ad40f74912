/*
 * The page's JSON writer against jansson: for any bytes, jsonw_utf8_valid
 * agrees with json_stringn accepting them, jsonw_string writes exactly what
 * json_dumps writes for that string (compact, as render.c uses it) or ""
 * when jansson refuses it, and integers print as jansson prints them.
 */
#include "config.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "jsonw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct buf b;
	json_t *s = json_stringn((const char *)data, size);
	bool valid;

	b.len = 0;
	valid = jsonw_string(&b, (const char *)data, size);
	assert(valid == (s != NULL));
	assert(jsonw_utf8_valid((const char *)data, size) == (s != NULL));
	if (s != NULL) {
		char *ref = json_dumps(s, JSON_ENCODE_ANY | JSON_COMPACT);

		assert(ref != NULL && b.len == strlen(ref) && memcmp(b.data, ref, b.len) == 0);
		free(ref);
		json_decref(s);
	} else {
		assert(b.len == 2 && memcmp(b.data, "\"\"", 2) == 0);
	}

	if (size >= 8) {
		int64_t v;
		json_t *i;
		char *ref;

		memcpy(&v, data, 8);
		i = json_integer(v);
		ref = json_dumps(i, JSON_ENCODE_ANY | JSON_COMPACT);
		b.len = 0;
		jsonw_int(&b, v);
		assert(b.len == strlen(ref) && memcmp(b.data, ref, b.len) == 0);
		free(ref);
		json_decref(i);
	}
	return 0;
}
