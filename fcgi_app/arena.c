#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "log.h"

#define ARENA_BLOCK_SIZE 16384
#define ARENA_ALIGN 16

struct arena_block {
	struct arena_block *next;
	size_t size;
	size_t used;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

static void
out_of_memory(size_t size)
{
	log_error("out of memory allocating %zu bytes", size);
	abort();
}

void *
xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		out_of_memory(size);
	return p;
}

void *
xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);

	if (q == NULL)
		out_of_memory(size);
	return q;
}

char *
xstrdup(const char *s)
{
	size_t len = strlen(s) + 1;

	return memcpy(xmalloc(len), s, len);
}

void
arena_init(struct arena *a)
{
	a->head = NULL;
}

static struct arena_block *
block_new(size_t size, struct arena_block *next)
{
	struct arena_block *b = xmalloc(sizeof(*b) + size);

	b->next = next;
	b->size = size;
	b->used = 0;
	return b;
}

void *
arena_alloc(struct arena *a, size_t size)
{
	struct arena_block *b = a->head;
	size_t need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);

	if (need < size)
		out_of_memory(size);
	if (b == NULL || b->size - b->used < need) {
		size_t bs = need > ARENA_BLOCK_SIZE ? need : ARENA_BLOCK_SIZE;

		b = a->head = block_new(bs, a->head);
	}
	void *p = b->data + b->used;
	b->used += need;
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void
arena_reset(struct arena *a)
{
	struct arena_block *b = a->head, *keep = NULL;

	/* Keep the oldest standard-sized block: most requests fit in it. */
	while (b != NULL) {
		struct arena_block *next = b->next;

		if (next == NULL && b->size == ARENA_BLOCK_SIZE) {
			keep = b;
			keep->used = 0;
		} else {
			free(b);
		}
		b = next;
	}
	a->head = keep;
}

void
arena_free(struct arena *a)
{
	arena_reset(a);
	free(a->head);
	a->head = NULL;
}
