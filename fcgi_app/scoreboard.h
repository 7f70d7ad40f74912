/*
 * The scoreboard: what the status page reports, kept where every worker
 * can read it (php-fpm's fpm_scoreboard).
 *
 * In --listen mode the master maps it (MAP_SHARED | MAP_ANONYMOUS) before it
 * forks, so it outlives every worker and every SIGHUP reload.  Each worker
 * owns one slot and is the only writer of it: a per-slot sequence counter
 * (odd while the owner writes) lets a reader take a consistent copy without
 * a lock.  When a worker is reaped the master adds its slot into the
 * `retired` totals and frees the slot, under a pool-wide sequence counter,
 * so totals never go back when workers are replaced.  The one shared
 * write is the count of workers in a request (an atomic add), which gives
 * "max active" and "all workers busy" (php-fpm's "max children reached").
 *
 * A process given its socket on fd 0 (spawn-fcgi, mod_fcgid, lighttpd
 * bin-path) has no master and no shared map: its scoreboard has one slot
 * and scope SB_SCOPE_PROCESS, and the status page says so.
 */
#ifndef FOLLOWINGS_SCOREBOARD_H
#define FOLLOWINGS_SCOREBOARD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "response.h"

/* Upper bounds (ms) of the duration histograms' buckets; one more is +Inf. */
#define SB_BUCKET_BOUNDS_MS {1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000}
#define SB_BUCKETS 13

/* A slot capacity for the pool: up to 1024 workers, old and new during a reload. */
#define SB_POOL_SLOTS (2 * 1024 + 16)

enum sb_scope { SB_SCOPE_POOL, SB_SCOPE_PROCESS };

struct sb_histogram {
	uint64_t bucket[SB_BUCKETS];	/* not cumulative; the last is +Inf */
	uint64_t sum_us;
};

struct sb_counters {
	uint64_t accepted;
	uint64_t status_class[5];	/* 1xx .. 5xx */
	uint64_t unavailable[UNAVAILABLE_CAUSES];	/* 503 by cause ([0]: other) */
	uint64_t slow;
	uint64_t body_bytes;
	uint64_t db_connects, db_reconnects, db_connect_failures;
	struct sb_histogram duration, db;
};

enum sb_state { SB_IDLE, SB_ACTIVE };

struct sb_slot {
	uint32_t seq;		/* odd while its owner writes */
	int32_t pid;		/* 0: free */
	uint32_t generation;	/* the reload it was started by */
	uint32_t state;		/* enum sb_state */
	int64_t started_us;	/* real time the worker started */
	int64_t request_start_us;	/* monotonic start of the current request */
	struct sb_counters c;
} __attribute__((aligned(64)));

struct scoreboard;

/* One request, as the worker records it at its end. */
struct sb_sample {
	int status;
	enum unavailable_cause cause;
	bool slow;
	uint64_t body_bytes;
	int64_t duration_us, db_us;
	unsigned long db_connects, db_reconnects, db_connect_failures;	/* the worker's totals */
};

/* NULL when the memory cannot be mapped (logged). */
struct scoreboard *scoreboard_create(enum sb_scope scope, unsigned slots);
void scoreboard_destroy(struct scoreboard *sb);

/* Master (or the lone process): a free slot for a worker about to start, or -1. */
int scoreboard_claim(struct scoreboard *sb, uint32_t generation);
/* The slot's worker is pid (the parent after fork, or the worker itself). */
void scoreboard_attach(struct scoreboard *sb, int slot, pid_t pid);
/* Master, after reaping the slot's worker: fold its counters into the totals. */
void scoreboard_release(struct scoreboard *sb, int slot);

/* Worker, around each request (slot -1: nothing recorded). */
void scoreboard_request_begin(struct scoreboard *sb, int slot);
void scoreboard_request_end(struct scoreboard *sb, int slot, const struct sb_sample *s);
/* Worker, outside a request: its database connection counters. */
void scoreboard_db(struct scoreboard *sb, int slot, unsigned long connects,
    unsigned long reconnects, unsigned long failures);

/* A consistent copy for the status page. */
struct sb_worker {
	pid_t pid;
	uint32_t generation;
	enum sb_state state;
	int64_t started_us;
	int64_t request_us;	/* time in the current request, 0 when idle */
	uint64_t accepted;
};

struct sb_snapshot {
	enum sb_scope scope;
	int64_t start_us;	/* real time */
	int64_t uptime_us;
	struct sb_counters total;	/* retired + every live slot */
	unsigned workers, active, idle, max_active;
	uint64_t all_busy;	/* requests that began with every worker busy */
	unsigned nworkers;	/* entries in worker[] */
	struct sb_worker *worker;	/* malloc'd; scoreboard_snapshot_free */
};

void scoreboard_snapshot(const struct scoreboard *sb, struct sb_snapshot *out);
void scoreboard_snapshot_free(struct sb_snapshot *s);

/* The bucket bounds in ms (SB_BUCKETS - 1 of them). */
extern const double sb_bucket_bounds_ms[SB_BUCKETS - 1];

#endif
