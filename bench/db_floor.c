/*
 * db_floor.c - the service's database floor: its own statements, with no
 * FastCGI and no web server.
 *
 *   make bench/db_floor   (in the build directory)
 *   db_floor -c SERVICE.conf -p WORKLOAD.paths [-s SECONDS] [-P MARIADBD_PID]
 *
 * Links the service's library and hands every line of a workload's paths
 * file (bench/replay.lua's format: PATH, or PATH<TAB>TOKEN) to app_handle(),
 * the function a worker calls for each request, in a loop on one database
 * connection for SECONDS (default 5).  So the statements, their order and
 * their parameters are exactly the service's, and what is left out is
 * exactly FastCGI, nginx and the network.  Prints requests per second, the
 * time per request in app_handle(), the part of it spent in statements
 * (execute to last row, as the slow log counts it: the rows are decoded and
 * written as JSON as they arrive, so that is inside), each statement's share,
 * and, with -P, mariadbd's CPU per request (utime+stime from /proc).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "clock.h"
#include "conf.h"
#include "log.h"
#include "request.h"
#include "response.h"
#include "store.h"

#define MAX_LINES 100000
#define MAX_NAMES 8

/* Time per statement name over the run. */
struct by_name {
	const char *name;
	long long us, runs;
};

static void
add_statements(struct by_name *names, const struct dbtiming *t)
{
	for (unsigned i = 0; i < t->n; i++) {
		int k = 0;

		while (k < MAX_NAMES && names[k].name != NULL && strcmp(names[k].name, t->stmts[i].name) != 0)
			k++;
		if (k == MAX_NAMES)
			continue;
		names[k].name = t->stmts[i].name;
		names[k].us += t->stmts[i].us;
		names[k].runs++;
	}
}

struct line {
	char *env[8];
};

static long long
cpu_ticks(long pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Fields 14 and 15, counted after the ")" that ends the command name. */
	if ((p = strrchr(buf, ')')) == NULL
	    || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (long long)(ut + st);
}

static char *
env_pair(const char *name, const char *value, size_t len)
{
	size_t nl = strlen(name);
	char *s = malloc(nl + 1 + len + 1);

	if (s == NULL)
		abort();
	memcpy(s, name, nl);
	s[nl] = '=';
	memcpy(s + nl + 1, value, len);
	s[nl + 1 + len] = '\0';
	return s;
}

/* One paths line as the FastCGI environment nginx would send. */
static void
parse_line(char *text, struct line *l)
{
	char *tab = strchr(text, '\t'), *q;
	int n = 0;

	if (tab != NULL)
		*tab = '\0';
	q = strchr(text, '?');
	l->env[n++] = env_pair("REQUEST_METHOD", "GET", 3);
	l->env[n++] = env_pair("REQUEST_URI", text, strlen(text));
	l->env[n++] = env_pair("QUERY_STRING", q ? q + 1 : "", q ? strlen(q + 1) : 0);
	l->env[n++] = env_pair("HTTP_HOST", "127.0.0.1", 9);
	if (tab != NULL && tab[1] != '\0') {
		char auth[4096];
		int len = snprintf(auth, sizeof(auth), "Bearer %s", tab + 1);

		l->env[n++] = env_pair("HTTP_AUTHORIZATION", auth, (size_t)len);
	}
	l->env[n] = NULL;
}

int
main(int argc, char **argv)
{
	const char *conf_path = NULL, *paths = NULL;
	double seconds = 5;
	long db_pid = 0;
	struct conf conf;
	char err[512], text[8192];
	struct line *lines;
	size_t nlines = 0;
	int opt;
	FILE *f;

	while ((opt = getopt(argc, argv, "c:p:s:P:")) != -1) {
		switch (opt) {
		case 'c': conf_path = optarg; break;
		case 'p': paths = optarg; break;
		case 's': seconds = atof(optarg); break;
		case 'P': db_pid = atol(optarg); break;
		default: goto usage;
		}
	}
	if (conf_path == NULL || paths == NULL || seconds <= 0)
		goto usage;
	conf_defaults(&conf);
	if (conf_load(&conf, conf_path, err, sizeof(err)) != 0 || conf_validate(&conf, err, sizeof(err)) != 0) {
		fprintf(stderr, "db_floor: %s\n", err);
		return 1;
	}
	conf.maintain_interval_ms = 0;	/* the floor is the request's work only */
	log_set_level(LOG_LEVEL_WARN);
	if ((f = fopen(paths, "r")) == NULL) {
		fprintf(stderr, "db_floor: %s: %s\n", paths, strerror(errno));
		return 1;
	}
	lines = calloc(MAX_LINES, sizeof(*lines));
	while (lines != NULL && nlines < MAX_LINES && fgets(text, sizeof(text), f) != NULL) {
		text[strcspn(text, "\r\n")] = '\0';
		if (text[0] == '/')
			parse_line(text, &lines[nlines++]);
	}
	fclose(f);
	if (nlines == 0) {
		fprintf(stderr, "db_floor: no request in %s\n", paths);
		return 1;
	}

	struct app app;
	struct buf out = {0};
	struct by_name names[MAX_NAMES] = {{0}};
	long long requests = 0, non200 = 0, app_us = 0, db_us = 0, ticks0, ticks1;
	int64_t start, deadline;

	app_init(&app, &conf);
	for (size_t i = 0; i < nlines && i < 50; i++) {	/* warm up: connect, prepare, caches */
		struct request req;
		struct response resp;

		request_from_env(&req, lines[i].env, &app.arena);
		app_handle(&app, &req, &resp);
		resp_clear(&resp);
		arena_reset(&app.arena);
	}
	ticks0 = db_pid > 0 ? cpu_ticks(db_pid) : -1;
	start = clock_mono_us();
	deadline = start + (int64_t)(seconds * 1e6);
	for (size_t i = 0; clock_mono_us() < deadline; i = (i + 1) % nlines) {
		struct request req;
		struct response resp;
		int64_t t0 = clock_mono_us();

		store_timing_reset(app.store);
		request_from_env(&req, lines[i].env, &app.arena);
		app_handle(&app, &req, &resp);
		resp_serialize(&resp, false, &out);
		app_us += clock_mono_us() - t0;
		db_us += store_timing(app.store)->us;
		add_statements(names, store_timing(app.store));
		non200 += resp.status != 200;
		requests++;
		resp_clear(&resp);
		arena_reset(&app.arena);
	}
	ticks1 = db_pid > 0 ? cpu_ticks(db_pid) : -1;
	double wall = (double)(clock_mono_us() - start) / 1e6;

	printf("requests %lld in %.1f s: %.0f req/s on one connection; per request: "
	    "app_handle %.3f ms, statements %.3f ms, rest (JSON, parsing) %.3f ms",
	    requests, wall, (double)requests / wall, (double)app_us / (double)requests / 1000,
	    (double)db_us / (double)requests / 1000, (double)(app_us - db_us) / (double)requests / 1000);
	if (ticks0 >= 0 && ticks1 >= 0)
		printf(", mariadbd CPU %.3f ms", (double)(ticks1 - ticks0) * 1000
		    / (double)sysconf(_SC_CLK_TCK) / (double)requests);
	printf("; non-200 %lld\n", non200);
	for (int k = 0; k < MAX_NAMES && names[k].name != NULL; k++)
		printf("  %-8s %.3f ms per request (%lld runs)\n", names[k].name,
		    (double)names[k].us / (double)requests / 1000, names[k].runs);
	buf_free(&out);
	app_cleanup(&app);
	conf_free(&conf);
	return non200 > 0 ? 2 : 0;
usage:
	fprintf(stderr, "usage: db_floor -c SERVICE.conf -p WORKLOAD.paths [-s SECONDS] [-P MARIADBD_PID]\n");
	return 64;
}
