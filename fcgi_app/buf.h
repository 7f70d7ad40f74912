/* A growable byte buffer, kept by its owner across requests. */
#ifndef FOLLOWINGS_BUF_H
#define FOLLOWINGS_BUF_H

#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

void buf_reset(struct buf *b);
void buf_append(struct buf *b, const char *s, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_free(struct buf *b);

#endif
