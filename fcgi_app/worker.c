#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "app.h"
#include "buf.h"
#include "clock.h"
#include "gate.h"
#include "log.h"
#include "peer.h"
#include "reqlog.h"
#include "request.h"
#include "response.h"
#include "scoreboard.h"
#include "worker.h"

/* How long, and how much, close_gracefully() reads before it closes anyway. */
#define LINGER_MAX_MS 1000
#define LINGER_MAX_BYTES (2u << 20)

static volatile sig_atomic_t stop_requested;
/* Set while blocked waiting for a request: the signal handler may wake us. */
static volatile sig_atomic_t idle;
static volatile int listen_fd_for_signal = -1;
static volatile int conn_fd_for_signal = -1;

static void
on_stop(int sig)
{
	int saved = errno;

	(void)sig;
	stop_requested = 1;
	/*
	 * No FCGX_ShutdownPending(): libfcgi then fails every read, and the
	 * worker, not libfcgi, accepts and waits (gate.c).
	 */
	if (idle) {
		/*
		 * php-fpm's soft quit: an unbound socket in place of the
		 * listener makes the (restarted) accept() fail at once, and a
		 * kept-alive connection stops being read.
		 */
		int s = socket(AF_UNIX, SOCK_STREAM, 0);

		if (s >= 0 && listen_fd_for_signal >= 0) {
			dup2(s, listen_fd_for_signal);
			close(s);
		} else if (s >= 0) {
			close(s);
		}
		if (conn_fd_for_signal >= 0)
			shutdown(conn_fd_for_signal, SHUT_RD);
	}
	errno = saved;
}

void
worker_signals_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sa.sa_flags = SA_RESTART;	/* in-flight reads and writes are not cut short */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);	/* libfcgi's "graceful stop" signal */

	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	sigaction(SIGPIPE, &sa, NULL);
}

/* Where this worker records its requests (slot -1: nowhere). */
struct board {
	struct scoreboard *sb;
	int slot;
};

/* After the response: the scoreboard slot, then the request and slow logs. */
static void
record(struct app *app, const struct board *board, FCGX_Request *fcgi, const struct request *req,
    const struct response *resp, size_t body_bytes, int64_t duration_us)
{
	const struct dbtiming *db = store_timing(app->store);
	const struct db_counters *dbc = store_db_counters(app->store);
	unsigned slow_ms = app->conf->slow_request_ms;
	bool slow = slow_ms > 0 && duration_us >= (int64_t)slow_ms * 1000;
	struct sb_sample sample = {
		resp->status, resp->cause, slow, body_bytes, duration_us, db->us,
		dbc->connects, dbc->reconnects, dbc->failures,
	};

	scoreboard_request_end(board->sb, board->slot, &sample);
	if (app->conf->request_log || slow) {
		char id[REQLOG_ID_MAX + 1];
		/* req->path is REQUEST_URI itself, query included (see request.h). */
		struct reqlog_entry e = {
			req->method, req->path, resp->status, body_bytes, duration_us, db, id,
		};

		reqlog_request_id(id, request_env(fcgi->envp, "HTTP_X_REQUEST_ID"));
		if (app->conf->request_log)
			reqlog_request(&e);
		if (slow)
			reqlog_slow(&e, slow_ms);
	}
}

static void
handle_one(struct app *app, const struct board *board, FCGX_Request *fcgi, struct buf *out)
{
	struct request req;
	struct response resp;
	int64_t start = clock_mono_us();
	size_t body_bytes;

	scoreboard_request_begin(board->sb, board->slot);
	store_timing_reset(app->store);
	request_from_env(&req, fcgi->envp, &app->arena);
	app_handle(app, &req, &resp);
	body_bytes = resp_serialize(&resp, strcmp(req.method, "HEAD") == 0, out);
	if (FCGX_PutStr(out->data, (int)out->len, fcgi->out) < 0)
		log_info("client went away before the response was written");
	record(app, board, fcgi, &req, &resp, body_bytes, clock_mono_us() - start);
	resp_clear(&resp);
	arena_reset(&app->arena);
}

/* Parameters over params_max_bytes: a JSON 400 written by us, libfcgi never sees them. */
static void
answer_too_large(int conn, unsigned id, struct buf *out)
{
	struct response resp;

	resp_init(&resp);
	resp_error(&resp, 400, "request_too_large", "Request headers too large.");
	resp_serialize(&resp, false, out);
	if (gate_respond(conn, id, out->data, out->len) != 0)
		log_info("client went away before the response was written");
	resp_clear(&resp);
}

static int first_accept_fd = -1;

void
worker_notify_first_accept(int fd)
{
	first_accept_fd = fd;
}

/* Tells the master this worker got past its start (see pool.c's backoff). */
static void
notify_first_accept(void)
{
	pid_t pid = getpid();

	if (first_accept_fd < 0)
		return;
	(void)!write(first_accept_fd, &pid, sizeof(pid));
	close(first_accept_fd);
	first_accept_fd = -1;
}

/* Accepts one peer, refusing those allowed_clients does not name; -errno or the fd. */
static int
accept_peer(int listen_fd, const struct peer_acl *acl, int send_timeout_s)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);
	struct timeval tv = {send_timeout_s, 0};
	int fd = accept4(listen_fd, (struct sockaddr *)&sa, &len, SOCK_CLOEXEC), on = 1;

	if (fd < 0)
		return -errno;
	notify_first_accept();
	if (!peer_acl_allows(acl, (struct sockaddr *)&sa, len)) {
		char who[64];

		peer_format((struct sockaddr *)&sa, len, who, sizeof(who));
		log_warn("connection from %s refused: not in allowed_clients", who);
		close(fd);
		return -ECONNABORTED;
	}
	/* A peer that stops reading cannot hold a response write forever. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (sa.ss_family != AF_UNIX)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	return fd;
}

/*
 * Closes a connection the peer may still be writing to (it asked for no
 * keep-alive, or we stop, or it idled too long) as libfcgi did: shut our
 * side, read what is in flight, then close, so that the peer reads our
 * last response or a clean end-of-file instead of a reset.  Bounded, unlike
 * libfcgi's (2 s per read, any number of reads), so a trickling peer
 * cannot hold the worker here.
 */
static void
close_gracefully(int fd)
{
	char sink[4096];
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	if (shutdown(fd, SHUT_WR) == 0) {
		for (size_t total = 0; total < LINGER_MAX_BYTES;) {
			struct pollfd pfd = {fd, POLLIN, 0};
			long left;
			ssize_t n;

			clock_gettime(CLOCK_MONOTONIC, &now);
			left = LINGER_MAX_MS - ((now.tv_sec - start.tv_sec) * 1000
			    + (now.tv_nsec - start.tv_nsec) / 1000000);
			if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
				break;
			if ((n = recv(fd, sink, sizeof(sink), MSG_DONTWAIT)) <= 0)
				break;
			total += (size_t)n;
		}
	}
	close(fd);
}

/*
 * Ends libfcgi's side of a request with ipcFd still the peer's connection
 * (so the last STDOUT and END_REQUEST go there), then frees it without
 * letting libfcgi close anything.  Whether the response was fully written.
 */
static bool
finish_request(FCGX_Request *fcgi, int feed_fd)
{
	bool ok;

	FCGX_FClose(fcgi->err);
	FCGX_FClose(fcgi->out);
	ok = FCGX_GetError(fcgi->out) == 0 && FCGX_GetError(fcgi->err) == 0;
	fcgi->ipcFd = feed_fd;
	FCGX_Free(fcgi, 0);
	return ok;
}

unsigned long
worker_run(int listen_fd, const struct conf *conf, unsigned long max_requests,
    struct scoreboard *sb, int slot, long master_pid)
{
	FCGX_Request fcgi;
	struct app app;
	struct gate gate;
	struct peer_acl acl;
	struct gate_limits limits = {
		conf->params_max_bytes,
		(int)conf->request_timeout * 1000,
		(int)conf->keepalive_timeout * 1000,
	};
	struct buf out = {0};
	unsigned long served = 0;
	struct board board = {sb, slot};
	char err[512];
	int conn = -1, no_listener;
	bool fresh = false;

	/* A worker that cannot set up fails, so that the master backs off (pool.c). */
	if (peer_acl_from_conf(conf->allowed_clients, &acl, err, sizeof(err)) != 0
	    || gate_init(&gate, conf->params_max_bytes, err, sizeof(err)) != 0) {
		log_error("%s", err);
		exit(EXIT_FAILURE);
	}
	/*
	 * libfcgi only ever reads the checked request from the gate's pipe.
	 * Should it drop that fd and try to accept by itself, it gets this
	 * unbound socket, whose accept() fails at once.
	 */
	no_listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	app_init(&app, conf);
	app.scoreboard = sb;
	app.listen_fd = listen_fd;
	app.master_pid = master_pid;
	if (no_listener < 0 || FCGX_InitRequest(&fcgi, no_listener, 0) != 0) {
		log_error("FCGX_InitRequest failed");
		goto out;
	}
	listen_fd_for_signal = listen_fd;
	/* Connect now, so the first request does not pay for it (failure is fine). */
	(void)store_ready(app.store);
	{
		const struct db_counters *dbc = store_db_counters(app.store);

		scoreboard_db(sb, slot, dbc->connects, dbc->reconnects, dbc->failures);
	}

	for (;;) {
		struct gate_request gr;
		enum gate_status st;
		bool ok;
		int rc;

		if (conn < 0) {
			idle = 1;
			if (stop_requested)
				break;
			conn = accept_peer(listen_fd, &acl, (int)conf->request_timeout);
			idle = 0;
			if (conn < 0) {
				rc = conn;
				if (stop_requested)
					break;
				if (rc == -EMFILE || rc == -ENFILE || rc == -ENOBUFS || rc == -ENOMEM) {
					/* Out of descriptors or memory: pause rather than spin. */
					log_error("accept: %s; pausing 1 s", strerror(-rc));
					sleep(1);
					continue;
				}
				if (rc == -EINTR || rc == -EAGAIN || rc == -ECONNABORTED)
					continue;
				log_error("accept failed: %s", strerror(-rc));
				break;
			}
			gate_reset(&gate);
			fresh = true;
		}

		/*
		 * A connection we accepted gets its request served even if a stop
		 * comes now (the peer chose us; the others have closed their
		 * listener copy).  Only a kept connection idling between
		 * requests is given up: a stop signal may wake that wait.
		 */
		if (!fresh) {
			conn_fd_for_signal = conn;
			idle = 1;
		}
		st = stop_requested && !fresh ? GATE_STOPPED
		    : gate_read(&gate, conn, &limits, fresh, &gr, &stop_requested);
		idle = 0;
		conn_fd_for_signal = -1;
		fresh = false;
		if (st == GATE_TOO_LARGE)
			answer_too_large(conn, gr.id, &out);
		if (st != GATE_REQUEST) {
			/* A hostile or broken peer gets no grace; the others do. */
			if (st == GATE_CLOSE && !stop_requested)
				close(conn);
			else
				close_gracefully(conn);
			conn = -1;
			if (st == GATE_STOPPED)
				break;
			continue;
		}

		fcgi.ipcFd = gate_feed_fd(&gate);
		fcgi.keepConnection = 1;	/* libfcgi must not close the pipe */
		if ((rc = FCGX_Accept_r(&fcgi)) < 0) {
			/* Not expected: the gate hands over only well-formed requests. */
			log_error("libfcgi refused a checked request (%d)", rc);
			break;
		}
		fcgi.ipcFd = conn;	/* the response goes straight to the peer */
		handle_one(&app, &board, &fcgi, &out);
		ok = finish_request(&fcgi, gate_feed_fd(&gate));
		if (!ok) {
			close(conn);
			conn = -1;
		} else if (!gr.keep_conn) {
			close_gracefully(conn);
			conn = -1;
		}
		if (++served == max_requests) {
			/* As php-fpm does: no keep-alive for a worker about to exit. */
			log_info("recycling after %lu requests", served);
			break;
		}
		/* The response has gone out (finish_request): now the upkeep. */
		app_between_requests(&app);
	}
out:
	if (conn >= 0)
		close_gracefully(conn);
	if (no_listener >= 0)
		close(no_listener);
	buf_free(&out);
	gate_free(&gate);
	app_cleanup(&app);
	return served;
}
