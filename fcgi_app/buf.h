/* A growable byte buffer, kept by its owner across requests. */
#ifndef FOLLOWINGS_BUF_H
#define FOLLOWINGS_BUF_H

#include <stddef.h>
#include <string.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

void buf_reset(struct buf *b);
/* Makes room for len more bytes (and a NUL). */
void buf_reserve(struct buf *b, size_t len);
void buf_append(struct buf *b, const char *s, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_free(struct buf *b);

/* The hot path: appends that fit need no call. */
static inline void
buf_add(struct buf *b, const char *s, size_t len)
{
	if (b->len + len + 1 > b->cap)
		buf_reserve(b, len);
	memcpy(b->data + b->len, s, len);
	b->len += len;
	b->data[b->len] = '\0';
}

#endif
