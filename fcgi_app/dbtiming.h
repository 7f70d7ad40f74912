/*
 * What the database did during one request: each statement by name with
 * its time and the rows read, the round trips, the total.  The store fills
 * it (two clock reads per statement); the worker reads it for the
 * scoreboard, the request log and the slow log.
 */
#ifndef FOLLOWINGS_DBTIMING_H
#define FOLLOWINGS_DBTIMING_H

#include <stdbool.h>
#include <stdint.h>

#define DBTIMING_MAX 8	/* statements kept by name; more are only summed */

struct stmt_time {
	const char *name;	/* static: "prefs", "context", "days", "cursor", "page", "connect", ... */
	int64_t us;
	unsigned long rows;
};

struct dbtiming {
	struct stmt_time stmts[DBTIMING_MAX];
	unsigned n;
	unsigned round_trips;	/* statements executed (each one a request-response) */
	int64_t us;		/* everything spent in the database, connects included */
	bool connect_failed;	/* the last attempt to get a connection failed */
};

static inline void
dbtiming_reset(struct dbtiming *t)
{
	t->n = 0;
	t->round_trips = 0;
	t->us = 0;
	t->connect_failed = false;
}

static inline void
dbtiming_add(struct dbtiming *t, const char *name, int64_t us, unsigned long rows, bool round_trip)
{
	if (t->n < DBTIMING_MAX)
		t->stmts[t->n++] = (struct stmt_time){name, us, rows};
	t->us += us;
	t->round_trips += round_trip;
}

#endif
