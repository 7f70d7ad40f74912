#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "app.h"
#include "buf.h"
#include "clock.h"
#include "log.h"
#include "reqlog.h"
#include "request.h"
#include "response.h"
#include "scoreboard.h"
#include "worker.h"

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
	FCGX_ShutdownPending();
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

unsigned long
worker_run(int listen_fd, const struct conf *conf, unsigned long max_requests,
    struct scoreboard *sb, int slot, long master_pid)
{
	FCGX_Request fcgi;
	struct app app;
	struct buf out = {0};
	unsigned long served = 0;
	struct board board = {sb, slot};

	app_init(&app, conf);
	app.scoreboard = sb;
	app.listen_fd = listen_fd;
	app.master_pid = master_pid;
	if (FCGX_InitRequest(&fcgi, listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		log_error("FCGX_InitRequest failed");
		app_cleanup(&app);
		return 0;
	}
	listen_fd_for_signal = listen_fd;
	/* Connect now, so the first request does not pay for it (failure is fine). */
	(void)store_ready(app.store);
	{
		const struct db_counters *dbc = store_db_counters(app.store);

		scoreboard_db(sb, slot, dbc->connects, dbc->reconnects, dbc->failures);
	}

	for (;;) {
		int rc;

		/* A kept-alive connection is read for the next request: wake that too. */
		conn_fd_for_signal = fcgi.keepConnection ? fcgi.ipcFd : -1;
		idle = 1;
		if (stop_requested)
			break;
		rc = FCGX_Accept_r(&fcgi);
		idle = 0;
		conn_fd_for_signal = -1;
		if (rc < 0) {
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
			log_error("accept failed: %s", rc > -10000 ? strerror(-rc) : "libfcgi error");
			break;
		}
		handle_one(&app, &board, &fcgi, &out);
		if (++served == max_requests) {
			/* As php-fpm does: no keep-alive for a worker about to exit. */
			fcgi.keepConnection = 0;
			log_info("recycling after %lu requests", served);
			break;
		}
		/* The response goes out first; then the upkeep (the next Accept's finish is a no-op). */
		FCGX_Finish_r(&fcgi);
		app_between_requests(&app);
	}
	FCGX_Finish_r(&fcgi);
	FCGX_Free(&fcgi, 1);
	buf_free(&out);
	app_cleanup(&app);
	return served;
}
