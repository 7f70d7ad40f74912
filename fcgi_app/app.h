/*
 * What a worker keeps between requests (configuration, the database store,
 * a request arena, the endpoints' reused state) and the request dispatcher:
 * path first (404, 301), then method (405), then the endpoint (endpoints.c).  The status page
 * (status_path, when set) is matched before the routes and only reads the
 * scoreboard the worker writes.
 */
#ifndef FOLLOWINGS_APP_H
#define FOLLOWINGS_APP_H

#include <time.h>

#include "arena.h"
#include "buf.h"
#include "conf.h"
#include "endpoint.h"
#include "request.h"
#include "response.h"
#include "scoreboard.h"
#include "store.h"

struct app {
	const struct conf *conf;
	struct store *store;
	struct arena arena;	/* reset after every request */
	struct endpoint_env env;	/* what the endpoints reuse: the preference cache, buffers */
	struct timespec last_maintain;	/* CLOCK_MONOTONIC of the last app_between_requests() call that ran */
	/* For the status page (status_path): read only, never written here. */
	const struct scoreboard *scoreboard;
	int listen_fd;
	long master_pid;	/* 0 without a master */
};

void app_init(struct app *app, const struct conf *conf);
void app_cleanup(struct app *app);

/* Fills resp for req; never fails (every failure is a JSON error response). */
void app_handle(struct app *app, const struct request *req, struct response *resp);

/*
 * After a response has gone out: the database's upkeep, every
 * maintain_interval_ms at most, for this worker and for the database
 * (store_maintain()).  Every deployment runs it, with or without a master
 * process of ours.
 */
void app_between_requests(struct app *app);

#endif
