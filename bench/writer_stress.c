/*
 * writer_stress: the platform's writers, as plain autocommitted SQL on the
 * contract tables, from N connections at once; counts what they got done
 * and every error by statement.  Run it on the bare contract tables and on a
 * database with the service installed, in one run (bench/writers.sh), to
 * see what the service's objects cost the platform.
 *
 *   writer_stress -S SOCKET -D DATABASE [-u USER] [-c CONNS] [-t SECONDS]
 *                 [--hot N] [--mix follow,unfollow,soft,hard,signup]
 *                 [--maintain [--maintain-batch N] [--maintain-interval-ms MS]] [--seed-users N --seed-follows N] [--seed S]
 *   (-t 0 with --seed-users: create the starting population and stop)
 *
 * The mix (weights, default 40,30,15,5,10):
 *   follow   INSERT IGNORE INTO follows (...) SELECT ?, id, UTC_TIMESTAMP(6)
 *            FROM users WHERE id = ?          half of them to a hot account
 *   unfollow DELETE FROM follows WHERE follower_id = ? AND followed_id = ?
 *            (the same choice of target, so most find their edge)
 *   soft     UPDATE users SET deleted = 1 - deleted WHERE id = ?
 *   hard     DELETE FROM users WHERE id = ?    (never a hot account)
 *   signup   INSERT INTO users (username, date_joined) VALUES (?, UTC_TIMESTAMP(6))
 *
 * --maintain adds one more connection that calls followings_upkeep() in a
 * loop, as a busy pool of the service's workers does between requests: its
 * CPU counts against the writers like everything else on the machine.
 * --maintain-batch N and --maintain-interval-ms MS are the service's
 * maintain_batch and maintain_interval_ms (defaults 2000 and 200; the
 * procedure itself spaces its runs by MS, whoever calls).
 *
 * It stops after -t seconds or at SIGTERM/SIGINT, whichever comes first.
 * Output: one line "key=value ..." per statement kind and a total line.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>
#include <mysqld_error.h>

enum op { OP_FOLLOW, OP_UNFOLLOW, OP_SOFT, OP_HARD, OP_SIGNUP, OP_COUNT };

static const char *const op_name[OP_COUNT] = {"follow", "unfollow", "soft_delete_restore", "hard_delete", "signup"};
static const char *const op_sql[OP_COUNT] = {
	[OP_FOLLOW] = "INSERT IGNORE INTO follows (follower_id, followed_id, created_at)"
	    " SELECT ?, id, UTC_TIMESTAMP(6) FROM users WHERE id = ?",
	[OP_UNFOLLOW] = "DELETE FROM follows WHERE follower_id = ? AND followed_id = ?",
	[OP_SOFT] = "UPDATE users SET deleted = 1 - deleted WHERE id = ?",
	[OP_HARD] = "DELETE FROM users WHERE id = ?",
	[OP_SIGNUP] = "INSERT INTO users (username, date_joined) VALUES (?, UTC_TIMESTAMP(6))",
};

struct opts {
	const char *socket, *db, *user;
	int conns, seconds, hot;
	int mix[OP_COUNT];
	bool maintain;
	int maintain_batch, maintain_interval_ms;
	long seed_users, seed_follows;
	unsigned seed;
};

struct counts {
	atomic_long done[OP_COUNT];
	atomic_long deadlock[OP_COUNT];
	atomic_long lock_wait[OP_COUNT];
	atomic_long other[OP_COUNT];
	atomic_long maintain_calls, maintain_errors;
};

static struct opts o = {
	.user = "root", .conns = 8, .seconds = 20, .hot = 5, .maintain_batch = 2000,
	.maintain_interval_ms = 200,
	.mix = {40, 30, 15, 5, 10}, .seed = 1,
};
static struct counts k;
static atomic_bool stopping;
static atomic_long max_user_id;
static atomic_long signup_seq;
static unsigned long run_tag;

static void
die(const char *what, MYSQL *m)
{
	fprintf(stderr, "writer_stress: %s: %s\n", what, m ? mysql_error(m) : strerror(errno));
	exit(1);
}

static MYSQL *
connect_db(void)
{
	MYSQL *m = mysql_init(NULL);

	if (m == NULL || mysql_real_connect(m, NULL, o.user, NULL, o.db, 0, o.socket, 0) == NULL)
		die("connect", m);
	return m;
}

static MYSQL_STMT *
prepare(MYSQL *m, const char *sql)
{
	MYSQL_STMT *st = mysql_stmt_init(m);

	if (st == NULL || mysql_stmt_prepare(st, sql, strlen(sql)) != 0)
		die(sql, m);
	return st;
}

/* xorshift: each thread its own generator, no locks. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static long
any_user(uint64_t *s)
{
	return 1 + (long)(rnd(s) % (uint64_t)atomic_load(&max_user_id));
}

static long
target(uint64_t *s)
{
	return (rnd(s) & 1) ? 1 + (long)(rnd(s) % (uint64_t)o.hot) : any_user(s);
}

static int
exec2(MYSQL_STMT *st, long long a, long long b, int nparams)
{
	MYSQL_BIND bind[2];

	memset(bind, 0, sizeof(bind));
	bind[0].buffer_type = MYSQL_TYPE_LONGLONG;
	bind[0].buffer = &a;
	bind[1].buffer_type = MYSQL_TYPE_LONGLONG;
	bind[1].buffer = &b;
	if (mysql_stmt_bind_param(st, bind) != 0)
		return -1;
	(void)nparams;
	return mysql_stmt_execute(st);
}

static void
count_error(enum op op, MYSQL_STMT *st)
{
	unsigned e = mysql_stmt_errno(st);

	if (e == ER_LOCK_DEADLOCK)
		atomic_fetch_add(&k.deadlock[op], 1);
	else if (e == ER_LOCK_WAIT_TIMEOUT)
		atomic_fetch_add(&k.lock_wait[op], 1);
	else {
		if (atomic_fetch_add(&k.other[op], 1) < 3)
			fprintf(stderr, "writer_stress: %s: %u %s\n", op_name[op], e, mysql_stmt_error(st));
	}
}

static void *
writer(void *arg)
{
	uint64_t s = 0x9E3779B97F4A7C15ull ^ ((uint64_t)(uintptr_t)arg * 0x2545F4914F6CDD1Dull) ^ o.seed;
	MYSQL *m = connect_db();
	MYSQL_STMT *st[OP_COUNT];
	int total = 0;

	for (int i = 0; i < OP_COUNT; i++) {
		st[i] = prepare(m, op_sql[i]);
		total += o.mix[i];
	}
	while (!atomic_load(&stopping)) {
		int r = (int)(rnd(&s) % (uint64_t)total), rc;
		enum op op = OP_FOLLOW;

		while (r >= o.mix[op])
			r -= o.mix[op++];
		switch (op) {
		case OP_FOLLOW:
		case OP_UNFOLLOW: {
			long a = any_user(&s), b = target(&s);

			if (a == b)
				continue;
			rc = exec2(st[op], a, b, 2);
			break;
		}
		case OP_SOFT:
			rc = exec2(st[op], any_user(&s), 0, 1);
			break;
		case OP_HARD: {
			long u = any_user(&s);

			if (u <= o.hot)
				continue;
			rc = exec2(st[op], u, 0, 1);
			break;
		}
		case OP_SIGNUP: {
			char name[64];
			unsigned long len;
			MYSQL_BIND bind[1];

			len = (unsigned long)snprintf(name, sizeof(name), "stress-%lx-%ld", run_tag,
			    atomic_fetch_add(&signup_seq, 1));
			memset(bind, 0, sizeof(bind));
			bind[0].buffer_type = MYSQL_TYPE_STRING;
			bind[0].buffer = name;
			bind[0].buffer_length = len;
			bind[0].length = &len;
			rc = mysql_stmt_bind_param(st[op], bind) != 0 ? -1 : mysql_stmt_execute(st[op]);
			if (rc == 0) {
				long id = (long)mysql_stmt_insert_id(st[op]);
				long cur = atomic_load(&max_user_id);

				while (id > cur && !atomic_compare_exchange_weak(&max_user_id, &cur, id))
					;
			}
			break;
		}
		default:
			continue;
		}
		if (rc == 0)
			atomic_fetch_add(&k.done[op], 1);
		else
			count_error(op, st[op]);
	}
	for (int i = 0; i < OP_COUNT; i++)
		mysql_stmt_close(st[i]);
	mysql_close(m);
	return NULL;
}

static void *
maintainer(void *arg)
{
	MYSQL *m = connect_db();
	char sql[80];
	int sqllen = snprintf(sql, sizeof(sql), "CALL followings_upkeep(%d, %d, @w)",
	    o.maintain_batch, o.maintain_interval_ms);

	(void)arg;
	while (!atomic_load(&stopping)) {
		int rc = mysql_real_query(m, sql, (unsigned long)sqllen);

		if (rc == 0) {
			do {
				MYSQL_RES *res = mysql_store_result(m);

				if (res)
					mysql_free_result(res);
			} while (mysql_next_result(m) == 0);
			atomic_fetch_add(&k.maintain_calls, 1);
		} else {
			if (atomic_fetch_add(&k.maintain_errors, 1) < 3)
				fprintf(stderr, "writer_stress: maintain: %s\n", mysql_error(m));
		}
		/* As a worker between requests: a short pause when there was nothing to do. */
		if (mysql_query(m, "SELECT @w") == 0) {
			MYSQL_RES *res = mysql_store_result(m);
			MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
			long w = row && row[0] ? atol(row[0]) : 0;

			if (res)
				mysql_free_result(res);
			if (w <= 0)
				usleep(20000);
		}
	}
	mysql_close(m);
	return NULL;
}

/* The starting population: users 1..N, follows with half of them to the hot accounts. */
static void
seed_data(void)
{
	MYSQL *m = connect_db();
	MYSQL_STMT *u = prepare(m, "INSERT INTO users (id, username, date_joined) VALUES (?, CONCAT('seed-', ?), '2024-01-01')");
	MYSQL_STMT *f = prepare(m, op_sql[OP_FOLLOW]);
	uint64_t s = 0xC0FFEEull ^ o.seed;
	long made = 0;

	if (mysql_query(m, "START TRANSACTION") != 0)
		die("start", m);
	for (long i = 1; i <= o.seed_users; i++)
		if (exec2(u, i, i, 2) != 0)
			die("seed users", m);
	atomic_store(&max_user_id, o.seed_users);
	while (made < o.seed_follows) {
		long a = any_user(&s), b = target(&s);

		if (a == b)
			continue;
		if (exec2(f, a, b, 2) != 0)
			die("seed follows", m);
		made += (long)mysql_stmt_affected_rows(f);
	}
	if (mysql_query(m, "COMMIT") != 0)
		die("commit", m);
	mysql_stmt_close(u);
	mysql_stmt_close(f);
	mysql_close(m);
}

static long
scalar(MYSQL *m, const char *sql)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	long v = 0;

	if (mysql_query(m, sql) != 0 || (res = mysql_store_result(m)) == NULL)
		die(sql, m);
	if ((row = mysql_fetch_row(res)) != NULL && row[0] != NULL)
		v = atol(row[0]);
	mysql_free_result(res);
	return v;
}

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: writer_stress -S SOCKET -D DATABASE [-u USER] [-c CONNS] [-t SECONDS]\n"
	    "       [--hot N] [--mix F,U,S,H,N] [--maintain [--maintain-batch N] [--maintain-interval-ms MS]] [--seed-users N --seed-follows N] [--seed S]\n");
	exit(64);
}

int
main(int argc, char **argv)
{
	pthread_t th[256], mt;
	struct timespec t0, t1;
	double secs;
	long total = 0, failed = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--maintain") == 0) { o.maintain = true; continue; }
		if (v == NULL)
			usage();
		if (strcmp(a, "-S") == 0) o.socket = v;
		else if (strcmp(a, "-D") == 0) o.db = v;
		else if (strcmp(a, "-u") == 0) o.user = v;
		else if (strcmp(a, "-c") == 0) o.conns = atoi(v);
		else if (strcmp(a, "-t") == 0) o.seconds = atoi(v);
		else if (strcmp(a, "--hot") == 0) o.hot = atoi(v);
		else if (strcmp(a, "--maintain-batch") == 0) o.maintain_batch = atoi(v);
		else if (strcmp(a, "--maintain-interval-ms") == 0) o.maintain_interval_ms = atoi(v);
		else if (strcmp(a, "--seed-users") == 0) o.seed_users = atol(v);
		else if (strcmp(a, "--seed-follows") == 0) o.seed_follows = atol(v);
		else if (strcmp(a, "--seed") == 0) o.seed = (unsigned)strtoul(v, NULL, 10);
		else if (strcmp(a, "--mix") == 0) {
			if (sscanf(v, "%d,%d,%d,%d,%d", &o.mix[0], &o.mix[1], &o.mix[2], &o.mix[3], &o.mix[4]) != 5)
				usage();
		} else
			usage();
		i++;
	}
	if (o.socket == NULL || o.db == NULL || o.conns < 1 || o.conns > 256 || o.seconds < 0 || o.hot < 1 ||
	    o.maintain_batch < 1 || o.maintain_interval_ms < 0)
		usage();
	if (mysql_library_init(0, NULL, NULL) != 0)
		die("mysql_library_init", NULL);
	run_tag = (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16);
	if (o.seed_users > 0)
		seed_data();
	if (o.seconds == 0)	/* -t 0: seed only */
		return 0;
	{
		MYSQL *m = connect_db();

		atomic_store(&max_user_id, scalar(m, "SELECT COALESCE(MAX(id), 1) FROM users"));
		mysql_close(m);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < o.conns; i++)
		if (pthread_create(&th[i], NULL, writer, (void *)(uintptr_t)(i + 1)) != 0)
			die("pthread_create", NULL);
	if (o.maintain && pthread_create(&mt, NULL, maintainer, NULL) != 0)
		die("pthread_create", NULL);
	/* -t SECONDS, or until SIGTERM/SIGINT (a test stops it when its own work is done). */
	{
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
	}
	for (int waited = 0; waited < o.seconds * 10 && !interrupted; waited++)
		usleep(100000);
	atomic_store(&stopping, true);
	for (int i = 0; i < o.conns; i++)
		pthread_join(th[i], NULL);
	if (o.maintain)
		pthread_join(mt, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	for (int i = 0; i < OP_COUNT; i++) {
		long d = atomic_load(&k.done[i]), dl = atomic_load(&k.deadlock[i]);
		long lw = atomic_load(&k.lock_wait[i]), ot = atomic_load(&k.other[i]);

		printf("op=%s done=%ld deadlocks=%ld lock_wait_timeouts=%ld other_errors=%ld\n",
		    op_name[i], d, dl, lw, ot);
		total += d;
		failed += dl + lw + ot;
	}
	printf("total db=%s conns=%d seconds=%.1f done=%ld failed=%ld per_second=%.0f maintain_calls=%ld maintain_errors=%ld\n",
	    o.db, o.conns, secs, total, failed, (double)total / secs,
	    atomic_load(&k.maintain_calls), atomic_load(&k.maintain_errors));
	mysql_library_end();
	return 0;
}
