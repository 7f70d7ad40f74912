#include "config.h"

#include <string.h>
#include <time.h>

#include "auth.h"
#include "followings.h"
#include "links.h"
#include "log.h"
#include "params.h"
#include "plan.h"
#include "query.h"
#include "render.h"

/* A request whose database work failed faster than this is retried once. */
#define RETRY_WITHIN_MS 1000

struct followings_request {
	int64_t subject;
	struct query query;
	struct page_params params;
	struct auth_credential cred;
};

/* Writes the page's users as JSON while the rows arrive. */
struct results_sink {
	struct page_writer *writer;
	bool has_viewer;
};

static void
sink_user(void *arg, enum segment segment, const struct user *u)
{
	struct results_sink *s = arg;
	/* The mutual segment holds exactly the users the viewer follows. */
	enum connection_status status =
	    s->has_viewer && segment == SEGMENT_MUTUAL ? CONNECTION_FOLLOWED : CONNECTION_NONE;

	render_page_user(s->writer, u, status);
}

static void
sink_tag(void *arg, const struct tag *t)
{
	render_page_tag(((struct results_sink *)arg)->writer, t);
}

static enum store_rc
load_prefs(struct app *app, const struct prefs **out)
{
	struct timespec now;
	enum store_rc rc;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!prefs_cache_fresh(&app->prefs, app->conf->prefs_cache_ttl, &now)) {
		if ((rc = store_load_prefs(app->store, &app->prefs.prefs)) != STORE_OK)
			return rc;
		app->prefs.loaded = true;
		app->prefs.loaded_at = now;
	}
	*out = &app->prefs.prefs;
	return STORE_OK;
}

static void
set_links(struct app *app, const struct request *req, const struct followings_request *fr,
    int64_t count, const char **next, const char **previous)
{
	int64_t offset = fr->params.offset, limit = fr->params.limit;
	const char *origin = links_origin(&app->arena, req, app->conf->base_url);

	*next = NULL;
	*previous = NULL;
	/* offset < count here means offset + limit cannot overflow. */
	if (offset < count && offset + limit < count)
		*next = links_page(&app->arena, origin, req, &fr->query, limit, offset + limit);
	if (offset > 0) {
		*previous = links_page(&app->arena, origin, req, &fr->query, limit,
		    offset - limit <= 0 ? LINKS_NO_OFFSET : offset - limit);
	}
}

/* Everything that needs the database; fills resp unless it fails. */
static enum store_rc
serve(struct app *app, const struct request *req, const struct followings_request *fr,
    struct response *resp)
{
	const struct prefs *prefs;
	struct store_context ctx;
	struct page_plan plan;
	struct plan_needs needs;
	struct store_viewer who;
	const struct store_day *days = NULL;
	size_t ndays = 0;
	int64_t viewer, total, m, count;
	const char *next, *previous;
	enum store_rc rc;

	if (store_ready(app->store) != STORE_OK)
		return STORE_ERROR;
	if ((rc = load_prefs(app, &prefs)) != STORE_OK)
		return rc;
	if (fr->cred.kind == AUTH_NONE && !prefs->content_availability) {
		resp_error(resp, 401, "not_authenticated", "Authentication credentials were not provided.");
		resp->authenticate = true;
		return STORE_OK;
	}
	if (fr->params.nerrors > 0 && fr->cred.kind == AUTH_NONE) {
		resp_field_errors(resp, fr->params.errors, fr->params.nerrors);
		return STORE_OK;
	}

	who.id = fr->cred.kind == AUTH_JWT ? fr->cred.user_id : 0;
	who.token_checksum = fr->cred.kind == AUTH_OPAQUE ? fr->cred.checksum : NULL;
	/* What the context must count; an opaque token's user is not known yet (-1: someone else). */
	plan_needs(fr->subject, who.token_checksum != NULL ? -1 : who.id, fr->params.mutual,
	    fr->params.offset, app->conf->deep_offset, &needs);
	if ((rc = store_load_context(app->store, fr->subject, &who, needs.common, &ctx)) != STORE_OK)
		return rc;
	if (fr->cred.kind != AUTH_NONE && !ctx.viewer_valid) {
		resp_error(resp, 401, "authentication_failed", "Invalid token.");
		resp->authenticate = true;
		return STORE_OK;
	}
	if (fr->params.nerrors > 0) {
		resp_field_errors(resp, fr->params.errors, fr->params.nerrors);
		return STORE_OK;
	}
	if (!ctx.subject_visible) {
		resp_error(resp, 404, "not_found", "Not found.");
		return STORE_OK;
	}

	viewer = fr->cred.kind != AUTH_NONE ? ctx.viewer_id : 0;
	/* The viewer is known now: is the list split in two segments? */
	plan_needs(fr->subject, viewer, fr->params.mutual, fr->params.offset, app->conf->deep_offset, &needs);
	total = ctx.subject_followings > 0 ? ctx.subject_followings : 0;
	if (needs.days) {
		/* A deep page: where each slice starts, and the mutual segment's size. */
		rc = store_days(app->store, fr->subject, needs.split ? viewer : 0,
		    !needs.split || plan_by_viewer(ctx.viewer_followings, ctx.subject_followings),
		    &days, &ndays);
		if (rc != STORE_OK)
			return rc;
	}
	if (!needs.split)
		m = viewer == 0 ? 0 : total;
	else if (needs.days)
		m = plan_days_mutual(days, ndays);
	else
		m = ctx.common;	/* -1: not counted, a first page with no filter */
	count = fr->params.mutual == MUTUAL_ONLY ? m
	    : fr->params.mutual == MUTUAL_NONE ? total - m : total;
	if (count < 0)
		count = 0;	/* counters out of step with the list: never negative */

	struct results_sink sink = {&app->writer, viewer != 0};

	set_links(app, req, fr, count, &next, &previous);
	buf_reset(&app->page);
	render_page_begin(sink.writer, &app->page, prefs, count, next, previous);
	rc = STORE_OK;
	if (fr->params.offset < count) {
		struct page_sink ps = {&sink, sink_user, sink_tag};
		struct plan_input in = {
			.subject = fr->subject, .viewer = viewer, .mutual = fr->params.mutual,
			.offset = fr->params.offset, .limit = fr->params.limit, .mutual_size = m,
			.subject_followings = ctx.subject_followings,
			.viewer_followings = ctx.viewer_followings,
		};

		plan_page(&in, &plan);
		if (needs.days)
			plan_seek(&plan, days, ndays, app->conf->deep_offset);
		rc = store_fetch_page(app->store, &plan, &ps);
	}
	render_page_end(sink.writer);
	if (rc != STORE_OK)
		return rc;
	resp_json_text(resp, 200, app->page.data, app->page.len);
	return STORE_OK;
}

static long long
ms_between(const struct timespec *a, const struct timespec *b)
{
	return (long long)(b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

void
followings_get(struct app *app, const struct request *req, int64_t subject_id,
    struct response *resp)
{
	struct followings_request fr;
	struct timespec start, end;
	enum store_rc rc;

	fr.subject = subject_id;
	/* Caps on hostile input (README "Security"): 400 for the query, 401 for the header. */
	if (req->query_len > app->conf->query_max_bytes) {
		resp_error(resp, 400, "request_too_large", "Query string too long.");
		return;
	}
	if (!query_parse(&app->arena, req->query, req->query_len, app->conf->query_max_params,
	        &fr.query)) {
		resp_error(resp, 400, "request_too_large", "Too many query parameters.");
		return;
	}
	params_parse(&fr.query, app->conf->limit_default, app->conf->limit_max, &fr.params);
	auth_parse(req->authorization, app->conf, time(NULL), &fr.cred);
	if (fr.cred.kind == AUTH_INVALID) {
		log_debug("authentication failed: %s", fr.cred.why);
		resp_error(resp, 401, "authentication_failed", "Invalid token.");
		resp->authenticate = true;
		return;
	}

	clock_gettime(CLOCK_MONOTONIC, &start);
	rc = serve(app, req, &fr, resp);
	clock_gettime(CLOCK_MONOTONIC, &end);
	if (rc == STORE_LOST && ms_between(&start, &end) < RETRY_WITHIN_MS) {
		/* A connection found dead (server restart, idle timeout): once more. */
		resp_clear(resp);
		rc = serve(app, req, &fr, resp);
	}
	if (rc != STORE_OK) {
		resp_clear(resp);
		resp_error(resp, 503, "service_unavailable",
		    "The database is unavailable; retry later.");
		resp->retry_after = app->conf->retry_after;
		resp->cause = store_timing(app->store)->connect_failed
		    ? UNAVAILABLE_DB_DOWN : UNAVAILABLE_DB_ERROR;
	}
}
