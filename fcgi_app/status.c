#include "config.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "status.h"

static const char *const class_names[5] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
/* Indexed by enum unavailable_cause; [0] counts a 503 with no cause set. */
static const char *const cause_names[UNAVAILABLE_CAUSES] = {"other", "database_down", "database_error"};

static const char *const scope_notes[] = {
	[SB_SCOPE_POOL] = "every worker of this master, past ones included",
	[SB_SCOPE_PROCESS] = "this process only: its socket came from a spawner "
	    "(spawn-fcgi, mod_fcgid, lighttpd bin-path), each process reports itself",
};

enum status_format
status_format_from_query(const char *q, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t j = i;

		while (j < len && q[j] != '&')
			j++;
		if (j - i == 4 && memcmp(q + i, "json", 4) == 0)
			return STATUS_JSON;
		if (j - i == 11 && memcmp(q + i, "openmetrics", 11) == 0)
			return STATUS_OPENMETRICS;
		i = j + 1;
	}
	return STATUS_TEXT;
}

const char *
status_content_type(enum status_format f)
{
	switch (f) {
	case STATUS_JSON:
		return "application/json";
	case STATUS_OPENMETRICS:
		return "text/plain; version=0.0.4; charset=utf-8";
	case STATUS_TEXT:
		break;
	}
	return "text/plain; charset=utf-8";
}

static void
iso_time(char *out, size_t len, int64_t us)
{
	time_t t = (time_t)(us / 1000000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *
scope_name(enum sb_scope s)
{
	return s == SB_SCOPE_POOL ? "pool" : "process";
}

static void
render_text(struct buf *b, const struct status_info *in)
{
	const struct sb_snapshot *s = in->snap;
	const struct sb_counters *c = &s->total;
	char when[32];

	iso_time(when, sizeof(when), s->start_us);
	buf_printf(b, "service:               %s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
	buf_printf(b, "scope:                 %s (%s)\n", scope_name(s->scope), scope_notes[s->scope]);
	if (in->master_pid > 0)
		buf_printf(b, "master pid:            %ld\n", in->master_pid);
	buf_printf(b, "answered by pid:       %ld\n", in->pid);
	buf_printf(b, "start time:            %s\n", when);
	buf_printf(b, "uptime seconds:        %" PRId64 "\n", s->uptime_us / 1000000);
	buf_printf(b, "accepted requests:     %" PRIu64 "\n", c->accepted);
	for (int i = 0; i < 5; i++)
		buf_printf(b, "responses %s:         %" PRIu64 "\n", class_names[i], c->status_class[i]);
	for (int k = 1; k <= UNAVAILABLE_CAUSES; k++) {
		int i = k % UNAVAILABLE_CAUSES;	/* "other" last */

		buf_printf(b, "503 %s:%*s%" PRIu64 "\n", cause_names[i], (int)(18 - strlen(cause_names[i])), "",
		    c->unavailable[i]);
	}
	buf_printf(b, "slow requests:         %" PRIu64 " (over %u ms)\n", c->slow, in->slow_request_ms);
	buf_printf(b, "response body bytes:   %" PRIu64 "\n", c->body_bytes);
	buf_printf(b, "db connects:           %" PRIu64 "\n", c->db_connects);
	buf_printf(b, "db reconnects:         %" PRIu64 "\n", c->db_reconnects);
	buf_printf(b, "db connect failures:   %" PRIu64 "\n", c->db_connect_failures);
	if (in->queue->known)
		buf_printf(b, "listen queue:          %u (of %u, %s)\n", in->queue->len, in->queue->max,
		    in->queue->source);
	else
		buf_printf(b, "listen queue:          unknown (%s)\n", in->queue->source);
	buf_printf(b, "total workers:         %u\n", s->workers);
	buf_printf(b, "active workers:        %u\n", s->active);
	buf_printf(b, "idle workers:          %u\n", s->idle);
	buf_printf(b, "max active workers:    %u\n", s->max_active);
	buf_printf(b, "all workers busy:      %" PRIu64 "\n", s->all_busy);
	for (int h = 0; h < 2; h++) {
		const struct sb_histogram *hist = h == 0 ? &c->duration : &c->db;
		uint64_t cum = 0;

		buf_printf(b, "%s:\n", h == 0 ? "request duration ms" : "database time ms");
		for (int i = 0; i < SB_BUCKETS; i++) {
			cum += hist->bucket[i];
			if (i < SB_BUCKETS - 1)
				buf_printf(b, "  <= %-8g %" PRIu64 "\n", sb_bucket_bounds_ms[i], cum);
			else
				buf_printf(b, "  all         %" PRIu64 "\n", cum);
		}
		buf_printf(b, "  sum ms      %.3f\n", (double)hist->sum_us / 1000.0);
	}
	buf_printf(b, "\nworkers:\n%-10s %-10s %-7s %-21s %-10s %s\n", "pid", "generation", "state",
	    "started", "requests", "request ms");
	for (unsigned i = 0; i < s->nworkers; i++) {
		const struct sb_worker *w = &s->worker[i];

		iso_time(when, sizeof(when), w->started_us);
		buf_printf(b, "%-10ld %-10u %-7s %-21s %-10" PRIu64 " %.3f\n", (long)w->pid, w->generation,
		    w->state == SB_ACTIVE ? "active" : "idle", when, w->accepted,
		    (double)w->request_us / 1000.0);
	}
}

static void
json_histogram(struct buf *b, const struct sb_histogram *h)
{
	uint64_t cum = 0;

	buf_puts(b, "{\"buckets\":[");
	for (int i = 0; i < SB_BUCKETS; i++) {
		cum += h->bucket[i];
		if (i < SB_BUCKETS - 1)
			buf_printf(b, "%s{\"le\":%g,\"count\":%" PRIu64 "}", i ? "," : "", sb_bucket_bounds_ms[i], cum);
		else
			buf_printf(b, ",{\"le\":\"+Inf\",\"count\":%" PRIu64 "}", cum);
	}
	buf_printf(b, "],\"count\":%" PRIu64 ",\"sum_ms\":%.3f}", cum, (double)h->sum_us / 1000.0);
}

static void
render_json(struct buf *b, const struct status_info *in)
{
	const struct sb_snapshot *s = in->snap;
	const struct sb_counters *c = &s->total;
	char when[32];

	iso_time(when, sizeof(when), s->start_us);
	buf_printf(b, "{\"service\":\"%s\",\"version\":\"%s\",\"scope\":\"%s\",\"scope_note\":\"%s\",",
	    PACKAGE_NAME, PACKAGE_VERSION, scope_name(s->scope), scope_notes[s->scope]);
	if (in->master_pid > 0)
		buf_printf(b, "\"master_pid\":%ld,", in->master_pid);
	else
		buf_puts(b, "\"master_pid\":null,");
	buf_printf(b, "\"pid\":%ld,\"start_time\":\"%s\",\"start_time_unix\":%" PRId64 ","
	    "\"uptime_seconds\":%" PRId64 ",\"accepted_requests\":%" PRIu64 ",\"responses\":{",
	    in->pid, when, s->start_us / 1000000, s->uptime_us / 1000000, c->accepted);
	for (int i = 0; i < 5; i++)
		buf_printf(b, "%s\"%s\":%" PRIu64, i ? "," : "", class_names[i], c->status_class[i]);
	buf_puts(b, "},\"unavailable\":{");
	for (int i = 0; i < UNAVAILABLE_CAUSES; i++)
		buf_printf(b, "%s\"%s\":%" PRIu64, i ? "," : "", cause_names[i], c->unavailable[i]);
	buf_printf(b, "},\"slow_requests\":%" PRIu64 ",\"slow_request_ms\":%u,"
	    "\"response_body_bytes\":%" PRIu64 ","
	    "\"database\":{\"connects\":%" PRIu64 ",\"reconnects\":%" PRIu64 ",\"connect_failures\":%" PRIu64 "},",
	    c->slow, in->slow_request_ms, c->body_bytes, c->db_connects, c->db_reconnects,
	    c->db_connect_failures);
	if (in->queue->known)
		buf_printf(b, "\"listen_queue\":{\"length\":%u,\"max\":%u,\"source\":\"%s\"},",
		    in->queue->len, in->queue->max, in->queue->source);
	else
		buf_printf(b, "\"listen_queue\":{\"length\":null,\"max\":null,\"source\":\"%s\"},",
		    in->queue->source);
	buf_printf(b, "\"workers\":{\"total\":%u,\"active\":%u,\"idle\":%u,\"max_active\":%u,"
	    "\"all_busy\":%" PRIu64 "},\"request_duration_ms\":", s->workers, s->active, s->idle,
	    s->max_active, s->all_busy);
	json_histogram(b, &c->duration);
	buf_puts(b, ",\"database_time_ms\":");
	json_histogram(b, &c->db);
	buf_puts(b, ",\"worker_list\":[");
	for (unsigned i = 0; i < s->nworkers; i++) {
		const struct sb_worker *w = &s->worker[i];

		iso_time(when, sizeof(when), w->started_us);
		buf_printf(b, "%s{\"pid\":%ld,\"generation\":%u,\"state\":\"%s\",\"started\":\"%s\","
		    "\"requests\":%" PRIu64 ",\"request_ms\":%.3f}", i ? "," : "", (long)w->pid,
		    w->generation, w->state == SB_ACTIVE ? "active" : "idle", when, w->accepted,
		    (double)w->request_us / 1000.0);
	}
	buf_puts(b, "]}\n");
}

static void
metric_head(struct buf *b, const char *name, const char *type, const char *help)
{
	buf_printf(b, "# HELP followings_fcgi_%s %s\n# TYPE followings_fcgi_%s %s\n", name, help, name, type);
}

static void
metric_histogram(struct buf *b, const char *name, const char *help, const struct sb_histogram *h)
{
	uint64_t cum = 0;

	metric_head(b, name, "histogram", help);
	for (int i = 0; i < SB_BUCKETS; i++) {
		cum += h->bucket[i];
		if (i < SB_BUCKETS - 1)
			buf_printf(b, "followings_fcgi_%s_bucket{le=\"%g\"} %" PRIu64 "\n", name,
			    sb_bucket_bounds_ms[i] / 1000.0, cum);
		else
			buf_printf(b, "followings_fcgi_%s_bucket{le=\"+Inf\"} %" PRIu64 "\n", name, cum);
	}
	buf_printf(b, "followings_fcgi_%s_sum %.6f\nfollowings_fcgi_%s_count %" PRIu64 "\n", name,
	    (double)h->sum_us / 1e6, name, cum);
}

static void
render_openmetrics(struct buf *b, const struct status_info *in)
{
	const struct sb_snapshot *s = in->snap;
	const struct sb_counters *c = &s->total;

	metric_head(b, "info", "gauge",
	    "Version, and what the numbers cover: scope=\"pool\" every worker of the master, "
	    "scope=\"process\" only the process that answered.");
	buf_printf(b, "followings_fcgi_info{version=\"%s\",scope=\"%s\"} 1\n", PACKAGE_VERSION,
	    scope_name(s->scope));
	metric_head(b, "start_time_seconds", "gauge", "Start of the pool (or process), Unix time.");
	buf_printf(b, "followings_fcgi_start_time_seconds %" PRId64 "\n", s->start_us / 1000000);
	metric_head(b, "uptime_seconds", "gauge", "Seconds since the start.");
	buf_printf(b, "followings_fcgi_uptime_seconds %" PRId64 "\n", s->uptime_us / 1000000);
	metric_head(b, "requests_total", "counter", "Requests answered.");
	buf_printf(b, "followings_fcgi_requests_total %" PRIu64 "\n", c->accepted);
	metric_head(b, "responses_total", "counter", "Responses by status class.");
	for (int i = 0; i < 5; i++)
		buf_printf(b, "followings_fcgi_responses_total{class=\"%s\"} %" PRIu64 "\n", class_names[i],
		    c->status_class[i]);
	metric_head(b, "unavailable_total", "counter", "503 responses by cause.");
	for (int i = 0; i < UNAVAILABLE_CAUSES; i++)
		buf_printf(b, "followings_fcgi_unavailable_total{cause=\"%s\"} %" PRIu64 "\n", cause_names[i],
		    c->unavailable[i]);
	metric_head(b, "slow_requests_total", "counter", "Requests over slow_request_ms.");
	buf_printf(b, "followings_fcgi_slow_requests_total %" PRIu64 "\n", c->slow);
	metric_head(b, "response_body_bytes_total", "counter", "Bytes of response bodies.");
	buf_printf(b, "followings_fcgi_response_body_bytes_total %" PRIu64 "\n", c->body_bytes);
	metric_head(b, "db_connects_total", "counter", "Database connections opened.");
	buf_printf(b, "followings_fcgi_db_connects_total %" PRIu64 "\n", c->db_connects);
	metric_head(b, "db_reconnects_total", "counter", "Database connections that replaced a lost one.");
	buf_printf(b, "followings_fcgi_db_reconnects_total %" PRIu64 "\n", c->db_reconnects);
	metric_head(b, "db_connect_failures_total", "counter", "Failed attempts to connect to the database.");
	buf_printf(b, "followings_fcgi_db_connect_failures_total %" PRIu64 "\n", c->db_connect_failures);
	if (in->queue->known) {
		metric_head(b, "listen_queue", "gauge", "Connections waiting to be accepted.");
		buf_printf(b, "followings_fcgi_listen_queue %u\n", in->queue->len);
		metric_head(b, "listen_queue_max", "gauge", "Backlog of the listening socket.");
		buf_printf(b, "followings_fcgi_listen_queue_max %u\n", in->queue->max);
	}
	metric_head(b, "workers", "gauge", "Worker processes by state.");
	buf_printf(b, "followings_fcgi_workers{state=\"active\"} %u\n", s->active);
	buf_printf(b, "followings_fcgi_workers{state=\"idle\"} %u\n", s->idle);
	metric_head(b, "workers_max_active", "gauge", "Most workers in a request at once since the start.");
	buf_printf(b, "followings_fcgi_workers_max_active %u\n", s->max_active);
	metric_head(b, "all_workers_busy_total", "counter",
	    "Requests that started while every worker was busy.");
	buf_printf(b, "followings_fcgi_all_workers_busy_total %" PRIu64 "\n", s->all_busy);
	metric_histogram(b, "request_duration_seconds", "Time from accept to the last byte written.",
	    &c->duration);
	metric_histogram(b, "db_duration_seconds", "Time spent in the database per request.", &c->db);
}

void
status_render(struct buf *out, enum status_format f, const struct status_info *info)
{
	buf_reset(out);
	switch (f) {
	case STATUS_JSON:
		render_json(out, info);
		return;
	case STATUS_OPENMETRICS:
		render_openmetrics(out, info);
		return;
	case STATUS_TEXT:
		break;
	}
	render_text(out, info);
}
