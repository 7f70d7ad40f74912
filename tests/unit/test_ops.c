/*
 * The operation features' pure parts: the new configuration keys, the
 * request log's URI redaction and request ids, the scoreboard's totals
 * across worker restarts, and the status page's formats (JSON parsed back
 * with jansson, metric lines checked one by one; promtool checks the real
 * output in tests/integration/test_12_status.py).
 */
#include <criterion/criterion.h>

#include <jansson.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "listenq.h"
#include "reqlog.h"
#include "scoreboard.h"
#include "status.h"

/* ---------------------------------------------------------------- conf */

Test(ops_conf, defaults)
{
	struct conf c;

	conf_defaults(&c);
	cr_assert_null(c.status_path);
	cr_assert(!c.request_log);
	cr_assert_eq(c.slow_request_ms, 1000);
	cr_assert(!c.log_json);
	conf_free(&c);
}

Test(ops_conf, keys)
{
	struct conf c;
	char err[256];

	conf_defaults(&c);
	cr_assert_eq(conf_set(&c, "status_path", "/fcgi-status", err, sizeof(err)), 0);
	cr_assert_str_eq(c.status_path, "/fcgi-status");
	cr_assert_eq(conf_set(&c, "status_path", "", err, sizeof(err)), 0);
	cr_assert_null(c.status_path);
	cr_assert_eq(conf_set(&c, "status_path", "status", err, sizeof(err)), -1);
	cr_assert_eq(conf_set(&c, "status_path", "/a?json", err, sizeof(err)), -1);
	cr_assert_eq(conf_set(&c, "status_path", "/a b", err, sizeof(err)), -1);
	cr_assert_eq(conf_set(&c, "request_log", "on", err, sizeof(err)), 0);
	cr_assert(c.request_log);
	cr_assert_eq(conf_set(&c, "request_log", "off", err, sizeof(err)), 0);
	cr_assert(!c.request_log);
	cr_assert_eq(conf_set(&c, "request_log", "maybe", err, sizeof(err)), -1);
	cr_assert_str_eq(err, "request_log must be on or off");
	cr_assert_eq(conf_set(&c, "slow_request_ms", "0", err, sizeof(err)), 0);
	cr_assert_eq(c.slow_request_ms, 0);
	cr_assert_eq(conf_set(&c, "slow_request_ms", "-1", err, sizeof(err)), -1);
	cr_assert_eq(conf_set(&c, "log_format", "json", err, sizeof(err)), 0);
	cr_assert(c.log_json);
	cr_assert_eq(conf_set(&c, "log_format", "text", err, sizeof(err)), 0);
	cr_assert(!c.log_json);
	cr_assert_eq(conf_set(&c, "log_format", "xml", err, sizeof(err)), -1);
	conf_free(&c);
}

/* ---------------------------------------------------------------- reqlog */

static const char *
safe(const char *uri)
{
	static char out[256];

	reqlog_safe_uri(out, sizeof(out), uri);
	return out;
}

Test(ops_reqlog, uri_redacts_credential_parameters)
{
	cr_assert_str_eq(safe("/api/v2/user/1/followings/?limit=2&offset=4"),
	    "/api/v2/user/1/followings/?limit=2&offset=4");
	cr_assert_str_eq(safe("/a/?access_token=abc&limit=2"), "/a/?access_token=REDACTED&limit=2");
	cr_assert_str_eq(safe("/a/?limit=2&API_KEY=x&Session=y&jwt=z&password=p&sig"),
	    "/a/?limit=2&API_KEY=REDACTED&Session=REDACTED&jwt=REDACTED&password=REDACTED&sig");
	cr_assert_str_eq(safe("/a/?authorization=Bearer%20t"), "/a/?authorization=REDACTED");
	cr_assert_str_eq(safe("/a/?x=1&&token="), "/a/?x=1&&token=REDACTED");
}

Test(ops_reqlog, uri_percent_encodes_odd_bytes)
{
	cr_assert_str_eq(safe("/a b/\"q\"\\\x01\xc3\xa9"), "/a%20b/%22q%22%5C%01%C3%A9");
	cr_assert_str_eq(safe("/?q=\n"), "/?q=%0A");
}

Test(ops_reqlog, uri_is_cut_to_fit)
{
	char out[8];

	cr_assert_eq(reqlog_safe_uri(out, sizeof(out), "/abcdefghijk"), 7);
	cr_assert_str_eq(out, "/abcdef");
	cr_assert_eq(reqlog_safe_uri(out, sizeof(out), "/ab\x01\x02"), 6);
	cr_assert_str_eq(out, "/ab%01");
}

Test(ops_reqlog, request_id_from_header_or_generated)
{
	char id[REQLOG_ID_MAX + 1], id2[REQLOG_ID_MAX + 1];
	char long_id[REQLOG_ID_MAX + 2];

	reqlog_request_id(id, "0f1e2d3c4b5a69788796a5b4c3d2e1f0");
	cr_assert_str_eq(id, "0f1e2d3c4b5a69788796a5b4c3d2e1f0");
	reqlog_request_id(id, "trace-1.2:3_x");
	cr_assert_str_eq(id, "trace-1.2:3_x");
	/* Not a plain token (a space, a quote, too long, empty): a fresh one. */
	memset(long_id, 'a', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = '\0';
	const char *bad[] = {"a b", "x\"y", "", long_id, NULL};

	for (int i = 0; i < 5; i++) {
		reqlog_request_id(id, bad[i]);
		cr_assert_eq(strlen(id), 16, "%s", id);
		cr_assert_eq(strspn(id, "0123456789abcdef"), 16);
	}
	reqlog_request_id(id, NULL);
	reqlog_request_id(id2, NULL);
	cr_assert_str_neq(id, id2);
}

/* ---------------------------------------------------------------- scoreboard */

static void
serve(struct scoreboard *sb, int slot, int status, int64_t us, int64_t db_us)
{
	struct sb_sample x = {status, status == 503 ? UNAVAILABLE_DB_DOWN : UNAVAILABLE_NONE,
	    us >= 1000000, 10, us, db_us, 1, 0, 0};

	scoreboard_request_begin(sb, slot);
	scoreboard_request_end(sb, slot, &x);
}

Test(ops_scoreboard, totals_survive_released_workers)
{
	struct scoreboard *sb = scoreboard_create(SB_SCOPE_POOL, 8);
	struct sb_snapshot s;
	int a, b, c;

	cr_assert_not_null(sb);
	a = scoreboard_claim(sb, 0);
	b = scoreboard_claim(sb, 0);
	cr_assert_eq(a, 0);
	cr_assert_eq(b, 1);
	scoreboard_attach(sb, a, 1001);
	scoreboard_attach(sb, b, 1002);
	serve(sb, a, 200, 500, 400);		/* <= 1 ms */
	serve(sb, a, 404, 3000, 0);		/* <= 5 ms */
	serve(sb, b, 503, 6000000, 0);		/* slow, over 5 s: +Inf */
	scoreboard_snapshot(sb, &s);
	cr_assert_eq(s.scope, SB_SCOPE_POOL);
	cr_assert_eq(s.workers, 2);
	cr_assert_eq(s.active, 0);
	cr_assert_eq(s.idle, 2);
	cr_assert_eq(s.max_active, 1);
	cr_assert_eq(s.total.accepted, 3);
	cr_assert_eq(s.total.status_class[1], 1);
	cr_assert_eq(s.total.status_class[3], 1);
	cr_assert_eq(s.total.status_class[4], 1);
	cr_assert_eq(s.total.unavailable[UNAVAILABLE_DB_DOWN], 1);
	cr_assert_eq(s.total.slow, 1);
	cr_assert_eq(s.total.duration.bucket[0], 1);
	cr_assert_eq(s.total.duration.bucket[2], 1);
	cr_assert_eq(s.total.duration.bucket[SB_BUCKETS - 1], 1);
	cr_assert_eq(s.total.duration.sum_us, 500 + 3000 + 6000000);
	cr_assert_eq(s.total.db.bucket[0], 3);
	cr_assert_eq(s.total.db_connects, 2);
	scoreboard_snapshot_free(&s);

	/* Worker a goes (recycled or killed), c takes its slot: nothing is lost. */
	scoreboard_request_begin(sb, a);	/* killed inside a request */
	scoreboard_release(sb, a);
	c = scoreboard_claim(sb, 1);
	cr_assert_eq(c, a);
	scoreboard_attach(sb, c, 1003);
	serve(sb, c, 200, 10, 5);
	scoreboard_snapshot(sb, &s);
	cr_assert_eq(s.workers, 2);
	cr_assert_eq(s.active, 0, "the killed worker's request left the active count");
	cr_assert_eq(s.total.accepted, 4);
	cr_assert_eq(s.total.status_class[1], 2);
	cr_assert_eq(s.total.db_connects, 3);
	cr_assert_eq(s.worker[0].pid, 1003);
	cr_assert_eq(s.worker[0].generation, 1);
	cr_assert_eq(s.worker[0].accepted, 1);
	scoreboard_snapshot_free(&s);
	scoreboard_destroy(sb);
}

Test(ops_scoreboard, all_busy_and_max_active)
{
	struct scoreboard *sb = scoreboard_create(SB_SCOPE_POOL, 4);
	struct sb_sample x = {200, UNAVAILABLE_NONE, false, 0, 1, 0, 0, 0, 0};
	struct sb_snapshot s;
	int a = scoreboard_claim(sb, 0), b = scoreboard_claim(sb, 0);

	scoreboard_attach(sb, a, 1);
	scoreboard_attach(sb, b, 2);
	scoreboard_request_begin(sb, a);
	scoreboard_snapshot(sb, &s);
	cr_assert_eq(s.active, 1);
	cr_assert_eq(s.all_busy, 0);
	scoreboard_snapshot_free(&s);
	scoreboard_request_begin(sb, b);	/* now every worker is busy */
	scoreboard_request_end(sb, a, &x);
	scoreboard_request_end(sb, b, &x);
	scoreboard_snapshot(sb, &s);
	cr_assert_eq(s.max_active, 2);
	cr_assert_eq(s.all_busy, 1);
	cr_assert_eq(s.active, 0);
	scoreboard_snapshot_free(&s);
	cr_assert_eq(scoreboard_claim(sb, 0), 2);
	cr_assert_eq(scoreboard_claim(sb, 0), 3);
	cr_assert_eq(scoreboard_claim(sb, 0), -1, "full");
	scoreboard_request_begin(sb, -1);	/* an unrecorded worker: no effect */
	scoreboard_destroy(sb);
}

/* ---------------------------------------------------------------- status */

Test(ops_status, format_from_query)
{
	cr_assert_eq(status_format_from_query("", 0), STATUS_TEXT);
	cr_assert_eq(status_format_from_query("json", 4), STATUS_JSON);
	cr_assert_eq(status_format_from_query("full&json", 9), STATUS_JSON);
	cr_assert_eq(status_format_from_query("openmetrics", 11), STATUS_OPENMETRICS);
	cr_assert_eq(status_format_from_query("jsonx", 5), STATUS_TEXT);
	cr_assert_eq(status_format_from_query("json=1", 6), STATUS_TEXT);
}

static void
render(enum status_format f, enum sb_scope scope, struct buf *out)
{
	struct scoreboard *sb = scoreboard_create(scope, 2);
	int a = scoreboard_claim(sb, 0);
	struct sb_snapshot snap;
	struct listen_queue q = {true, 3, 128, "sock_diag"};
	struct status_info info = {&snap, &q, 77, scope == SB_SCOPE_POOL ? 7 : 0, 1000};

	scoreboard_attach(sb, a, 77);
	serve(sb, a, 200, 1500, 700);
	serve(sb, a, 503, 20, 0);
	scoreboard_snapshot(sb, &snap);
	status_render(out, f, &info);
	scoreboard_snapshot_free(&snap);
	scoreboard_destroy(sb);
}

Test(ops_status, json_parses_with_the_numbers)
{
	struct buf b = {0};
	json_error_t e;
	json_t *d, *h;

	render(STATUS_JSON, SB_SCOPE_POOL, &b);
	d = json_loads(b.data, 0, &e);
	cr_assert_not_null(d, "%s: %s", e.text, b.data);
	cr_assert_str_eq(json_string_value(json_object_get(d, "scope")), "pool");
	cr_assert_eq(json_integer_value(json_object_get(d, "master_pid")), 7);
	cr_assert_eq(json_integer_value(json_object_get(d, "accepted_requests")), 2);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(d, "responses"), "5xx")), 1);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(d, "unavailable"),
	    "database_down")), 1);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(d, "listen_queue"), "length")), 3);
	h = json_object_get(d, "request_duration_ms");
	cr_assert_eq(json_integer_value(json_object_get(h, "count")), 2);
	/* 20 us <= 1 ms, 1.5 ms <= 2.5 ms: cumulative counts 1, 2, 2, ... */
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(json_object_get(h, "buckets"), 0),
	    "count")), 1);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(json_object_get(h, "buckets"), 1),
	    "count")), 2);
	cr_assert_eq(json_array_size(json_object_get(d, "worker_list")), 1);
	json_decref(d);
	buf_free(&b);
}

Test(ops_status, process_scope_is_said)
{
	struct buf b = {0};

	render(STATUS_JSON, SB_SCOPE_PROCESS, &b);
	cr_assert_not_null(strstr(b.data, "\"scope\":\"process\""));
	cr_assert_not_null(strstr(b.data, "\"master_pid\":null"));
	render(STATUS_TEXT, SB_SCOPE_PROCESS, &b);
	cr_assert_not_null(strstr(b.data, "scope:                 process (this process only"));
	render(STATUS_OPENMETRICS, SB_SCOPE_PROCESS, &b);
	cr_assert_not_null(strstr(b.data, "scope=\"process\"} 1\n"));
	buf_free(&b);
}

Test(ops_status, openmetrics_lines)
{
	struct buf b = {0};

	render(STATUS_OPENMETRICS, SB_SCOPE_POOL, &b);
	cr_assert_not_null(strstr(b.data, "\nfollowings_fcgi_requests_total 2\n"));
	cr_assert_not_null(strstr(b.data, "\nfollowings_fcgi_responses_total{class=\"5xx\"} 1\n"));
	cr_assert_not_null(strstr(b.data, "\nfollowings_fcgi_unavailable_total{cause=\"database_down\"} 1\n"));
	cr_assert_not_null(strstr(b.data, "\nfollowings_fcgi_request_duration_seconds_bucket{le=\"0.001\"} 1\n"));
	cr_assert_not_null(strstr(b.data, "\nfollowings_fcgi_request_duration_seconds_bucket{le=\"+Inf\"} 2\n"));
	cr_assert_not_null(strstr(b.data, "\nfollowings_fcgi_request_duration_seconds_sum 0.001520\n"));
	cr_assert_not_null(strstr(b.data, "\nfollowings_fcgi_listen_queue 3\n"));
	cr_assert_not_null(strstr(b.data, "# TYPE followings_fcgi_requests_total counter\n"));
	/* Every line is a comment or "name[{labels}] value". */
	for (char *line = strtok(b.data, "\n"); line != NULL; line = strtok(NULL, "\n"))
		cr_assert(line[0] == '#' || strncmp(line, "followings_fcgi_", 16) == 0, "%s", line);
	buf_free(&b);
}

/* ---------------------------------------------------------------- listen queue */

Test(ops_listenq, not_a_socket)
{
	struct listen_queue q;

	listen_queue_read(-1, &q);
	cr_assert(!q.known);
	listen_queue_read(STDERR_FILENO, &q);
	cr_assert(!q.known);
}
