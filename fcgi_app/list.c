/*
 * One page of a list, followings or followers: the parameters, the
 * credential's checks in the contract's order, the context (counts), the
 * plan (plan.c) and the page's rows written as they arrive.  The lists
 * differ only in the store's statements and in plan_split().
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "list.h"
#include "links.h"
#include "params.h"
#include "plan.h"
#include "query.h"
#include "render.h"

struct list_request {
	enum list_kind list;
	int64_t subject;
	struct query query;
	struct page_params params;
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

static void
set_links(struct endpoint_env *env, const struct request *req, const struct list_request *fr,
    int64_t count, const char **next, const char **previous)
{
	int64_t offset = fr->params.offset, limit = fr->params.limit;
	const char *origin = links_origin(env->arena, req, env->conf->base_url);

	*next = NULL;
	*previous = NULL;
	/* offset < count here means offset + limit cannot overflow. */
	if (offset < count && offset + limit < count)
		*next = links_page(env->arena, origin, req, &fr->query, limit, offset + limit);
	if (offset > 0) {
		*previous = links_page(env->arena, origin, req, &fr->query, limit,
		    offset - limit <= 0 ? LINKS_NO_OFFSET : offset - limit);
	}
}

/* Everything that needs the database; fills resp unless it fails. */
static enum store_rc
serve(struct endpoint_env *env, const struct request *req, const struct auth_credential *cred,
    void *arg, struct response *resp)
{
	const struct list_request *fr = arg;
	int64_t deep_offset = env->conf->deep_offset;
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

	if ((rc = endpoint_prefs(env, &prefs)) != STORE_OK)
		return rc;
	if (cred->kind == AUTH_NONE && !prefs->content_availability) {
		endpoint_not_authenticated(resp);
		return STORE_OK;
	}
	if (fr->params.nerrors > 0 && cred->kind == AUTH_NONE) {
		resp_field_errors(resp, fr->params.errors, fr->params.nerrors);
		return STORE_OK;
	}

	who = endpoint_viewer(cred);
	/* What the context must count; an opaque token's user is not known yet (-1: someone else). */
	plan_needs(fr->list, fr->subject, who.token_checksum != NULL ? -1 : who.id, fr->params.mutual,
	    fr->params.offset, deep_offset, &needs);
	if ((rc = store_load_context(env->store, fr->list, fr->subject, &who, needs.common, &ctx))
	    != STORE_OK)
		return rc;
	if (cred->kind != AUTH_NONE && !ctx.viewer_valid) {
		endpoint_authentication_failed(resp);
		return STORE_OK;
	}
	if (fr->params.nerrors > 0) {
		resp_field_errors(resp, fr->params.errors, fr->params.nerrors);
		return STORE_OK;
	}
	if (!ctx.subject_visible) {
		endpoint_not_found(resp);
		return STORE_OK;
	}

	viewer = cred->kind != AUTH_NONE ? ctx.viewer_id : 0;
	/* The viewer is known now: is the list split in two segments? */
	plan_needs(fr->list, fr->subject, viewer, fr->params.mutual, fr->params.offset, deep_offset,
	    &needs);
	total = ctx.subject_count > 0 ? ctx.subject_count : 0;
	if (needs.days) {
		/* A deep page: where each slice starts, and the mutual segment's size. */
		rc = store_days(env->store, fr->list, fr->subject, needs.split ? viewer : 0,
		    !needs.split || plan_by_viewer(ctx.viewer_followings, ctx.subject_count),
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

	struct results_sink sink = {&env->writer, viewer != 0};

	set_links(env, req, fr, count, &next, &previous);
	buf_reset(&env->body);
	render_page_begin(sink.writer, &env->body, prefs, count, next, previous);
	rc = STORE_OK;
	if (fr->params.offset < count) {
		struct page_sink ps = {&sink, sink_user, sink_tag};
		struct plan_input in = {
			.list = fr->list, .subject = fr->subject, .viewer = viewer, .mutual = fr->params.mutual,
			.offset = fr->params.offset, .limit = fr->params.limit, .mutual_size = m,
			.subject_count = ctx.subject_count,
			.viewer_followings = ctx.viewer_followings,
		};

		plan_page(&in, &plan);
		if (needs.days)
			plan_seek(&plan, days, ndays, deep_offset);
		if (needs.days && plan_wants_cursor(&plan, deep_offset)) {
			struct store_cursor cursor;

			/* The range the cursor counts holds about `offset` of the list's edges. */
			rc = store_find_cursor(env->store, &plan,
			    plan_by_viewer(ctx.viewer_followings, plan.rest.offset), &cursor);
			if (rc == STORE_OK)
				plan_cursor(&plan, &cursor);
		}
		if (rc == STORE_OK)
			rc = store_fetch_page(env->store, &plan, &ps);
	}
	render_page_end(sink.writer);
	if (rc != STORE_OK)
		return rc;
	resp_json_text(resp, 200, env->body.data, env->body.len);
	return STORE_OK;
}

static void
list_get(struct endpoint_env *env, const struct request *req, enum list_kind list,
    int64_t subject_id, struct response *resp)
{
	struct list_request fr;

	fr.list = list;
	fr.subject = subject_id;
	/* Caps on hostile input (README "Security"): 400 for the query, 401 for the header. */
	if (req->query_len > env->conf->query_max_bytes) {
		resp_error(resp, 400, "request_too_large", "Query string too long.");
		return;
	}
	if (!query_parse(env->arena, req->query, req->query_len, env->conf->query_max_params,
	        &fr.query)) {
		resp_error(resp, 400, "request_too_large", "Too many query parameters.");
		return;
	}
	params_parse(&fr.query, env->conf->limit_default, env->conf->limit_max, &fr.params);
	endpoint_serve(env, req, serve, &fr, resp);
}

void
list_followings_get(struct endpoint_env *env, const struct request *req, int64_t subject_id,
    struct response *resp)
{
	list_get(env, req, LIST_FOLLOWINGS, subject_id, resp);
}

void
list_followers_get(struct endpoint_env *env, const struct request *req, int64_t subject_id,
    struct response *resp)
{
	list_get(env, req, LIST_FOLLOWERS, subject_id, resp);
}
