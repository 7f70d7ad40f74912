/*
 * A per-request bump allocator: everything a request allocates here is freed
 * at once by arena_reset() after the response is written.  Allocation failure
 * is fatal (logged, then abort), as in lighttpd's ck_malloc: a worker that
 * cannot get a few KiB is better restarted by its supervisor.
 */
#ifndef FOLLOWINGS_ARENA_H
#define FOLLOWINGS_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
};

void arena_init(struct arena *a);
void *arena_alloc(struct arena *a, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t len);
char *arena_strdup(struct arena *a, const char *s);
/* Keeps the first block for reuse, frees the others. */
void arena_reset(struct arena *a);
void arena_free(struct arena *a);

/* Fatal-on-failure malloc/realloc for long-lived data. */
void *xmalloc(size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);

#endif
