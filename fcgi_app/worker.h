/*
 * One worker: accepts FastCGI requests on a listening socket one after
 * another and answers each through app_handle().  SIGTERM/SIGINT/SIGHUP
 * stop it gracefully: the request in flight is finished, an idle accept (or
 * an idle kept-alive connection) is woken, then worker_run() returns.
 */
#ifndef FOLLOWINGS_WORKER_H
#define FOLLOWINGS_WORKER_H

#include "conf.h"
#include "scoreboard.h"

/*
 * Installs the signal handlers; call before FCGX_Init() so libfcgi keeps
 * them (it replaces only default handlers, and its own truncate reads).
 */
void worker_signals_init(void);

/*
 * Serves until told to stop, or until max_requests (0: no limit) have been
 * served: the last one's connection is then closed, not kept alive, so the
 * web server does not send another request to a worker about to exit.
 * Returns the number of requests served.  Each request is recorded in slot
 * `slot` of sb (the status page), and in the request/slow logs as
 * configured; master_pid (0: none) is only shown on the status page.
 */
unsigned long worker_run(int listen_fd, const struct conf *conf, unsigned long max_requests,
    struct scoreboard *sb, int slot, long master_pid);

/*
 * --listen mode: once it has accepted its first connection the worker
 * writes its pid (a pid_t) to fd and closes it, so the master can tell a
 * crash at start from a death a peer caused.
 */
void worker_notify_first_accept(int fd);

#endif
