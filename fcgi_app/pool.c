#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "log.h"
#include "pool.h"
#include "scoreboard.h"
#include "systemd.h"
#include "worker.h"

#define CRASH_WINDOW_MS 1000	/* a worker dying sooner than this, before any accept, crashed at start */
#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS 30000
#define STATUS_EVERY_MS 5000	/* systemd STATUS= line */

struct proc {
	pid_t pid;
	unsigned generation;
	long long started_ms;
	int slot;		/* in the scoreboard, or -1 */
	bool accepted;	/* it has accepted a connection: a death is no crash at start */
};

struct pool {
	int listen_fd;
	struct conf *conf;
	struct proc *procs;
	size_t nprocs, cap;
	unsigned generation;
	unsigned crash_streak;
	long long next_spawn_ms;
	bool stopping;
	long long kill_deadline_ms;
	struct scoreboard *sb;	/* mapped before the first fork, shared with every worker */
};

/* Signals reach the master's loop through a pipe (php-fpm's self-pipe). */
static int signal_pipe[2] = {-1, -1};
/* Workers write their pid here after their first accept (worker_notify_first_accept). */
static int accepted_pipe[2] = {-1, -1};

static void
on_master_signal(int sig)
{
	int saved = errno;
	char c = sig == SIGHUP ? 'H' : sig == SIGCHLD ? 'C' : 'T';

	(void)!write(signal_pipe[1], &c, 1);
	errno = saved;
}

static long long
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

unsigned
pool_default_workers(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	/* Workers block on the database: several per core keep the CPU busy. */
	if (n < 2)
		n = 2;
	return (unsigned)(n * 4 > 8 ? n * 4 : 8);
}

static unsigned
wanted_workers(const struct pool *p)
{
	return p->conf->workers ? p->conf->workers : pool_default_workers();
}

static void
install_master_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_master_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
}

/* In the child: back to the worker's own handlers, then serve. */
static void __attribute__((noreturn))
run_child(struct pool *p, pid_t master, int slot, const sigset_t *unblock)
{
	unsigned long max = p->conf->max_requests;
	unsigned long served;

	close(signal_pipe[0]);
	close(signal_pipe[1]);
	close(accepted_pipe[0]);
	worker_notify_first_accept(accepted_pipe[1]);
	signal(SIGCHLD, SIG_DFL);
	worker_signals_init();
	/* A stop sent while the handlers were being changed is delivered now. */
	sigprocmask(SIG_SETMASK, unblock, NULL);
	/* A master killed with SIGKILL must not leave workers serving. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != master)
		exit(0);
	if (max > 0) {
		/* +-10% so that workers started together do not leave together. */
		srand((unsigned)getpid() ^ (unsigned)now_ms());
		max = max - max / 10 + (unsigned long)rand() % (max / 5 + 1);
	}
	served = worker_run(p->listen_fd, p->conf, max, p->sb, slot, (long)master);
	log_info("worker exits after %lu requests", served);
	exit(0);
}

static void
spawn(struct pool *p)
{
	pid_t master = getpid();
	int slot = scoreboard_claim(p->sb, p->generation);
	sigset_t stops, old;
	pid_t pid;

	/*
	 * Stop signals wait until the child has its own handlers: one that
	 * arrived in between would reach the master's handler, whose pipe the
	 * child has closed, and be lost.
	 */
	sigemptyset(&stops);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGHUP);
	sigprocmask(SIG_BLOCK, &stops, &old);
	pid = fork();
	if (pid != 0)
		sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		log_error("fork: %s", strerror(errno));
		scoreboard_release(p->sb, slot);
		p->next_spawn_ms = now_ms() + BACKOFF_FIRST_MS;
		return;
	}
	if (pid == 0) {
		scoreboard_attach(p->sb, slot, getpid());
		run_child(p, master, slot, &old);
	}
	scoreboard_attach(p->sb, slot, pid);
	if (p->nprocs == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->procs = xrealloc(p->procs, p->cap * sizeof(*p->procs));
	}
	p->procs[p->nprocs++] = (struct proc){pid, p->generation, now_ms(), slot, false};
}

static unsigned
current_workers(const struct pool *p)
{
	unsigned n = 0;

	for (size_t i = 0; i < p->nprocs; i++)
		n += p->procs[i].generation == p->generation;
	return n;
}

static void
signal_all(struct pool *p, int sig, bool old_only)
{
	for (size_t i = 0; i < p->nprocs; i++)
		if (!old_only || p->procs[i].generation != p->generation)
			kill(p->procs[i].pid, sig);
}

/* Marks the workers that have accepted; read before waitpid, as they wrote before dying. */
static void
read_accepted(struct pool *p)
{
	pid_t pids[64];
	ssize_t n;

	while ((n = read(accepted_pipe[0], pids, sizeof(pids))) > 0) {
		for (size_t k = 0; k < (size_t)n / sizeof(pid_t); k++)
			for (size_t i = 0; i < p->nprocs; i++)
				if (p->procs[i].pid == pids[k])
					p->procs[i].accepted = true;
	}
}

static void
reap(struct pool *p)
{
	int status;
	pid_t pid;

	read_accepted(p);
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		size_t i;

		for (i = 0; i < p->nprocs && p->procs[i].pid != pid; i++)
			;
		if (i == p->nprocs)
			continue;
		struct proc gone = p->procs[i];

		p->procs[i] = p->procs[--p->nprocs];
		/* Its numbers stay in the pool's totals; the slot is free again. */
		scoreboard_release(p->sb, gone.slot);
		if (p->stopping || gone.generation != p->generation)
			continue;

		bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
		long long lived = now_ms() - gone.started_ms;

		if (clean) {
			p->crash_streak = 0;	/* recycled: replace at once */
			continue;
		}
		if (WIFSIGNALED(status))
			log_error("worker %ld killed by signal %d", (long)pid, WTERMSIG(status));
		else
			log_error("worker %ld exited with status %d", (long)pid, WEXITSTATUS(status));
		if (gone.accepted) {
			/* A peer may have caused it: no backoff, so no client can push it up. */
			continue;
		}
		if (lived < CRASH_WINDOW_MS) {
			long long delay = BACKOFF_FIRST_MS;

			for (unsigned k = 0; k < p->crash_streak && delay < BACKOFF_MAX_MS; k++)
				delay *= 2;
			if (delay > BACKOFF_MAX_MS)
				delay = BACKOFF_MAX_MS;
			p->crash_streak++;
			p->next_spawn_ms = now_ms() + delay;
			log_warn("worker crashed %u time(s) in a row at start; next start in %lld ms",
			    p->crash_streak, delay);
		} else {
			p->crash_streak = 0;
		}
	}
}

static void
begin_stop(struct pool *p)
{
	if (p->stopping)
		return;
	p->stopping = true;
	systemd_notify_stopping();
	p->kill_deadline_ms = now_ms() + (long long)p->conf->shutdown_timeout * 1000;
	log_info("stopping %zu workers (grace period %u s)", p->nprocs, p->conf->shutdown_timeout);
	signal_all(p, SIGTERM, false);
}

static void
reload(struct pool *p, pool_reload_fn fn, void *arg)
{
	struct conf fresh;
	char status[128];

	systemd_notify_reloading();
	if (fn(&fresh, arg) != 0) {
		log_error("reload refused: the configuration does not load; old workers keep serving");
		systemd_notify_ready("reload refused (the configuration does not load); old workers serving");
		return;
	}
	if ((fresh.listen == NULL) != (p->conf->listen == NULL)
	    || (fresh.listen != NULL && strcmp(fresh.listen, p->conf->listen) != 0))
		log_warn("reload: a new listen address takes a restart; keeping the old one");
	free(fresh.listen);
	fresh.listen = p->conf->listen;
	p->conf->listen = NULL;
	conf_free(p->conf);
	*p->conf = fresh;

	/* New workers first, so the socket is never without a reader. */
	p->generation++;
	p->crash_streak = 0;
	p->next_spawn_ms = 0;
	for (unsigned n = wanted_workers(p); n > 0; n--)
		spawn(p);
	signal_all(p, SIGTERM, true);
	log_info("reloaded: %u new workers, old ones finishing", wanted_workers(p));
	snprintf(status, sizeof(status), "reloaded: %u workers", wanted_workers(p));
	systemd_notify_ready(status);
}

/* systemd's STATUS= line: what `systemctl status` shows. */
static void
notify_status(const struct pool *p)
{
	struct sb_snapshot snap;

	if (!systemd_notify_enabled() || p->sb == NULL)
		return;
	scoreboard_snapshot(p->sb, &snap);
	systemd_notify_status("%u workers (%u active, %u at most), %llu requests, %llu slow, "
	    "%llu database reconnects", snap.workers, snap.active, snap.max_active,
	    (unsigned long long)snap.total.accepted, (unsigned long long)snap.total.slow,
	    (unsigned long long)snap.total.db_reconnects);
	scoreboard_snapshot_free(&snap);
}

int
pool_run(int listen_fd, struct conf *conf, pool_reload_fn reload_fn, void *arg)
{
	struct pool p;

	memset(&p, 0, sizeof(p));
	p.listen_fd = listen_fd;
	p.conf = conf;
	if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0
	    || pipe2(accepted_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		log_error("pipe: %s", strerror(errno));
		return EXIT_FAILURE;
	}
	install_master_signals();
	/* Before the first fork: every worker inherits the mapping. */
	p.sb = scoreboard_create(SB_SCOPE_POOL, SB_POOL_SLOTS);
	log_info("master %ld starting %u workers", (long)getpid(), wanted_workers(&p));
	bool ready_sent = false;
	long long status_due_ms = now_ms() + STATUS_EVERY_MS;

	while (!(p.stopping && p.nprocs == 0)) {
		struct pollfd pfd = {signal_pipe[0], POLLIN, 0};
		long long now, timeout = 1000;
		char sigs[64];
		ssize_t n;

		reap(&p);
		now = now_ms();
		if (!p.stopping) {
			while (current_workers(&p) < wanted_workers(&p) && now >= p.next_spawn_ms)
				spawn(&p);
			if (!ready_sent) {
				char status[128];

				snprintf(status, sizeof(status), "serving with %u workers", wanted_workers(&p));
				systemd_notify_ready(status);
				ready_sent = true;
			}
			if (now >= status_due_ms) {
				notify_status(&p);
				status_due_ms = now + STATUS_EVERY_MS;
			}
			if (status_due_ms - now < timeout)
				timeout = status_due_ms - now;
			if (current_workers(&p) < wanted_workers(&p))
				timeout = p.next_spawn_ms - now;
		} else if (now >= p.kill_deadline_ms) {
			log_warn("grace period over: killing %zu workers", p.nprocs);
			signal_all(&p, SIGKILL, false);
			p.kill_deadline_ms = now + 1000;
		} else if (p.kill_deadline_ms - now < timeout) {
			timeout = p.kill_deadline_ms - now;
		}
		if (p.stopping && p.nprocs == 0)
			break;
		if (poll(&pfd, 1, (int)(timeout > 0 ? timeout : 0)) < 0 && errno != EINTR)
			log_error("poll: %s", strerror(errno));
		while ((n = read(signal_pipe[0], sigs, sizeof(sigs))) > 0) {
			for (ssize_t i = 0; i < n; i++) {
				if (sigs[i] == 'T')
					begin_stop(&p);
				else if (sigs[i] == 'H' && !p.stopping)
					reload(&p, reload_fn, arg);
			}
		}
	}
	log_info("master stopped");
	scoreboard_destroy(p.sb);
	free(p.procs);
	close(signal_pipe[0]);
	close(signal_pipe[1]);
	close(accepted_pipe[0]);
	close(accepted_pipe[1]);
	return 0;
}
