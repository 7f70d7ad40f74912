#include "config.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "arena.h"
#include "clock.h"
#include "log.h"
#include "scoreboard.h"

const double sb_bucket_bounds_ms[SB_BUCKETS - 1] = SB_BUCKET_BOUNDS_MS;

struct scoreboard {
	uint32_t seq;		/* pool-wide: odd while the master folds a slot */
	uint32_t scope;
	uint32_t nslots;
	uint32_t high;		/* slots [0, high) have been used */
	uint32_t workers;	/* claimed slots (master) */
	uint32_t active;	/* workers in a request (shared atomic) */
	uint32_t max_active;
	uint32_t pad;
	uint64_t all_busy;
	int64_t start_us, start_mono_us;
	size_t map_len;
	struct sb_counters retired;	/* the workers that are gone */
	struct sb_slot slots[];
};

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
/* Only the owner writes a slot: a plain read-modify-write, stored atomically. */
#define BUMP(x, v) STORE(x, (x) + (v))

#define COUNTER_WORDS (sizeof(struct sb_counters) / sizeof(uint64_t))

static void
seq_write_begin(uint32_t *seq)
{
	STORE(*seq, *seq + 1);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static void
seq_write_end(uint32_t *seq)
{
	__atomic_store_n(seq, *seq + 1, __ATOMIC_RELEASE);
}

static void
counters_copy(struct sb_counters *dst, const struct sb_counters *src)
{
	uint64_t *d = (uint64_t *)dst;
	const uint64_t *s = (const uint64_t *)src;

	for (size_t i = 0; i < COUNTER_WORDS; i++)
		d[i] = LOAD(s[i]);
}

static void
counters_add(struct sb_counters *dst, const struct sb_counters *src)
{
	uint64_t *d = (uint64_t *)dst;
	const uint64_t *s = (const uint64_t *)src;

	for (size_t i = 0; i < COUNTER_WORDS; i++)
		d[i] += s[i];
}

struct scoreboard *
scoreboard_create(enum sb_scope scope, unsigned slots)
{
	size_t len = sizeof(struct scoreboard) + (size_t)slots * sizeof(struct sb_slot);
	/* Shared and anonymous: inherited by every worker forked after this. */
	struct scoreboard *sb = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	    -1, 0);

	if (sb == MAP_FAILED) {
		log_error("scoreboard: mmap of %zu bytes: %s", len, strerror(errno));
		return NULL;
	}
	/* Fresh anonymous pages are zero: only what is not zero is set. */
	sb->scope = scope;
	sb->nslots = slots;
	sb->map_len = len;
	sb->start_us = clock_real_us();
	sb->start_mono_us = clock_mono_us();
	return sb;
}

void
scoreboard_destroy(struct scoreboard *sb)
{
	if (sb != NULL)
		munmap(sb, sb->map_len);
}

int
scoreboard_claim(struct scoreboard *sb, uint32_t generation)
{
	if (sb == NULL)
		return -1;
	for (uint32_t i = 0; i < sb->nslots; i++) {
		struct sb_slot *s = &sb->slots[i];

		if (LOAD(s->pid) != 0)
			continue;
		seq_write_begin(&s->seq);
		memset(&s->c, 0, sizeof(s->c));
		STORE(s->generation, generation);
		STORE(s->state, (uint32_t)SB_IDLE);
		STORE(s->started_us, clock_real_us());
		STORE(s->request_start_us, 0);
		STORE(s->pid, -1);	/* claimed, not started yet */
		seq_write_end(&s->seq);
		if (i + 1 > sb->high)
			STORE(sb->high, i + 1);
		STORE(sb->workers, sb->workers + 1);
		return (int)i;
	}
	log_warn("scoreboard: all %u slots in use; a worker goes unrecorded", sb->nslots);
	return -1;
}

void
scoreboard_attach(struct scoreboard *sb, int slot, pid_t pid)
{
	if (sb != NULL && slot >= 0)
		STORE(sb->slots[slot].pid, (int32_t)pid);
}

void
scoreboard_release(struct scoreboard *sb, int slot)
{
	struct sb_slot *s;

	if (sb == NULL || slot < 0)
		return;
	s = &sb->slots[slot];
	seq_write_begin(&sb->seq);
	counters_add(&sb->retired, &s->c);
	/* Killed inside a request: it will not leave the active count itself. */
	if (LOAD(s->state) == SB_ACTIVE)
		__atomic_sub_fetch(&sb->active, 1, __ATOMIC_RELAXED);
	memset(&s->c, 0, sizeof(s->c));
	STORE(s->state, (uint32_t)SB_IDLE);
	STORE(s->pid, 0);
	STORE(sb->workers, sb->workers - 1);
	seq_write_end(&sb->seq);
}

void
scoreboard_request_begin(struct scoreboard *sb, int slot)
{
	struct sb_slot *s;
	uint32_t n, max;

	if (sb == NULL || slot < 0)
		return;
	s = &sb->slots[slot];
	STORE(s->request_start_us, clock_mono_us());
	STORE(s->state, (uint32_t)SB_ACTIVE);
	n = __atomic_add_fetch(&sb->active, 1, __ATOMIC_RELAXED);
	max = LOAD(sb->max_active);
	while (n > max && !__atomic_compare_exchange_n(&sb->max_active, &max, n, true,
	    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	if (n >= LOAD(sb->workers))
		__atomic_add_fetch(&sb->all_busy, 1, __ATOMIC_RELAXED);
}

static unsigned
bucket_of(int64_t us)
{
	unsigned i = 0;

	while (i < SB_BUCKETS - 1 && (double)us > sb_bucket_bounds_ms[i] * 1000.0)
		i++;
	return i;
}

void
scoreboard_request_end(struct scoreboard *sb, int slot, const struct sb_sample *x)
{
	struct sb_slot *s;
	struct sb_counters *c;
	int cls = x->status / 100;

	if (sb == NULL || slot < 0)
		return;
	s = &sb->slots[slot];
	c = &s->c;
	seq_write_begin(&s->seq);
	BUMP(c->accepted, 1);
	if (cls >= 1 && cls <= 5)
		BUMP(c->status_class[cls - 1], 1);
	if (x->status == 503)
		BUMP(c->unavailable[x->cause < UNAVAILABLE_CAUSES ? x->cause : 0], 1);
	BUMP(c->slow, x->slow);
	BUMP(c->body_bytes, x->body_bytes);
	BUMP(c->duration.bucket[bucket_of(x->duration_us)], 1);
	BUMP(c->duration.sum_us, (uint64_t)x->duration_us);
	BUMP(c->db.bucket[bucket_of(x->db_us)], 1);
	BUMP(c->db.sum_us, (uint64_t)x->db_us);
	STORE(c->db_connects, x->db_connects);
	STORE(c->db_reconnects, x->db_reconnects);
	STORE(c->db_connect_failures, x->db_connect_failures);
	seq_write_end(&s->seq);
	STORE(s->state, (uint32_t)SB_IDLE);
	__atomic_sub_fetch(&sb->active, 1, __ATOMIC_RELAXED);
}

void
scoreboard_db(struct scoreboard *sb, int slot, unsigned long connects, unsigned long reconnects,
    unsigned long failures)
{
	struct sb_slot *s;

	if (sb == NULL || slot < 0)
		return;
	s = &sb->slots[slot];
	seq_write_begin(&s->seq);
	STORE(s->c.db_connects, connects);
	STORE(s->c.db_reconnects, reconnects);
	STORE(s->c.db_connect_failures, failures);
	seq_write_end(&s->seq);
}

/* A consistent copy of one slot; after a few tries, whatever was read. */
static void
read_slot(const struct sb_slot *s, struct sb_slot *out)
{
	for (int tries = 0; tries < 100; tries++) {
		uint32_t a = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);

		out->pid = LOAD(s->pid);
		out->generation = LOAD(s->generation);
		out->state = LOAD(s->state);
		out->started_us = LOAD(s->started_us);
		out->request_start_us = LOAD(s->request_start_us);
		counters_copy(&out->c, &s->c);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if ((a & 1) == 0 && a == LOAD(s->seq))
			return;
		sched_yield();
	}
}

void
scoreboard_snapshot(const struct scoreboard *sb, struct sb_snapshot *out)
{
	int64_t now_mono = clock_mono_us();
	uint32_t high = LOAD(sb->high);

	memset(out, 0, sizeof(*out));
	out->scope = (enum sb_scope)sb->scope;
	out->start_us = sb->start_us;
	out->uptime_us = now_mono - sb->start_mono_us;
	out->worker = xmalloc((high ? high : 1) * sizeof(*out->worker));

	for (int tries = 0;; tries++) {
		uint32_t a = __atomic_load_n(&sb->seq, __ATOMIC_ACQUIRE);

		if ((a & 1) != 0 && tries < 1000) {
			sched_yield();
			continue;
		}
		counters_copy(&out->total, &sb->retired);
		out->nworkers = out->active = 0;
		for (uint32_t i = 0; i < high; i++) {
			struct sb_slot s;

			read_slot(&sb->slots[i], &s);
			if (s.pid == 0)
				continue;
			counters_add(&out->total, &s.c);
			if (s.pid < 0)
				continue;	/* forking */
			struct sb_worker *w = &out->worker[out->nworkers++];

			w->pid = s.pid;
			w->generation = s.generation;
			w->state = s.state == SB_ACTIVE ? SB_ACTIVE : SB_IDLE;
			w->started_us = s.started_us;
			w->request_us = w->state == SB_ACTIVE ? now_mono - s.request_start_us : 0;
			w->accepted = s.c.accepted;
			out->active += w->state == SB_ACTIVE;
		}
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (a == LOAD(sb->seq) || tries >= 1000)
			break;
	}
	out->workers = out->nworkers;
	out->idle = out->workers - out->active;
	out->max_active = LOAD(sb->max_active);
	out->all_busy = LOAD(sb->all_busy);
}

void
scoreboard_snapshot_free(struct sb_snapshot *s)
{
	free(s->worker);
	s->worker = NULL;
}
