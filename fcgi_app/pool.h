/*
 * The process manager of --listen mode (php-fpm's pm=static): a master that
 * owns the listening socket and keeps `workers` worker processes serving it.
 *
 *   - a worker that dies is started again; one that dies within a second of
 *     its start, before accepting any connection, waits first, doubling up
 *     to 30 s, so a crash loop cannot spin; one that dies after an accept
 *     is replaced at once (a peer cannot push the delay up);
 *   - a worker leaves after max_requests (with jitter, so they do not all
 *     leave together) and is replaced at once;
 *   - SIGTERM/SIGINT: workers finish their request in flight and exit; after
 *     shutdown_timeout seconds the rest are killed;
 *   - SIGHUP: the configuration is read again; if it is valid, a new set of
 *     workers starts and the old ones finish gracefully; if not, it is
 *     refused and the old workers keep serving.
 *
 * The master holds no database connection; each worker opens its own.
 */
#ifndef FOLLOWINGS_POOL_H
#define FOLLOWINGS_POOL_H

#include "conf.h"

/* Reads the configuration again into *out (SIGHUP); 0 or -1 (logged). */
typedef int (*pool_reload_fn)(struct conf *out, void *arg);

/*
 * Runs the master until stopped; returns the exit status.  *conf is the
 * master's and may be replaced by reloads (it is freed by the caller).
 */
int pool_run(int listen_fd, struct conf *conf, pool_reload_fn reload, void *arg);

/* The worker count used when the configuration says 0: from the CPU count. */
unsigned pool_default_workers(void);

#endif
