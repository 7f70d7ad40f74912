/*
 * A small JSON writer for the hot path: values appended to a buffer with
 * the same bytes jansson's compact dump produces (the unit tests compare
 * the two), without building a tree first.  Keys are written by the caller
 * as literals; they are plain identifiers that need no escaping.
 */
#ifndef FOLLOWINGS_JSONW_H
#define FOLLOWINGS_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Whether s[0..len) is UTF-8 as jansson accepts it (NUL bytes included). */
bool jsonw_utf8_valid(const char *s, size_t len);

/* A quoted, escaped string; "" (and false) when s is not valid UTF-8. */
bool jsonw_string(struct buf *b, const char *s, size_t len);
void jsonw_int(struct buf *b, int64_t v);
void jsonw_bool(struct buf *b, bool v);
void jsonw_null(struct buf *b);

#endif
