#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "links.h"
#include "listenq.h"
#include "status.h"

void
app_init(struct app *app, const struct conf *conf)
{
	memset(app, 0, sizeof(*app));
	app->conf = conf;
	app->store = store_new(conf);
	app->listen_fd = -1;
	arena_init(&app->arena);
	endpoint_env_init(&app->env, conf, app->store, &app->arena);
}

void
app_cleanup(struct app *app)
{
	endpoint_env_free(&app->env);
	store_free(app->store);
	arena_free(&app->arena);
	memset(app, 0, sizeof(*app));
}

static void
method_not_allowed(const struct request *req, struct response *resp)
{
	char message[96];
	size_t n = strspn(req->method, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_");

	/* Echo the method only when it is a plain token. */
	if (n > 0 && n <= 32 && req->method[n] == '\0')
		snprintf(message, sizeof(message), "Method \"%s\" not allowed.", req->method);
	else
		snprintf(message, sizeof(message), "Method not allowed.");
	resp_error(resp, 405, "method_not_allowed", message);
	resp->allow = true;
}

static bool
is_status_path(const struct app *app, const struct request *req)
{
	const char *sp = app->conf->status_path;

	return sp != NULL && app->scoreboard != NULL && strlen(sp) == req->path_len
	    && memcmp(sp, req->path, req->path_len) == 0;
}

/* The status page: a snapshot of the scoreboard and the listen queue. */
static void
serve_status(struct app *app, const struct request *req, struct response *resp)
{
	enum status_format f = status_format_from_query(req->query, req->query_len);
	struct sb_snapshot snap;
	struct listen_queue queue;
	struct status_info info;

	scoreboard_snapshot(app->scoreboard, &snap);
	listen_queue_read(app->listen_fd, &queue);
	info = (struct status_info){&snap, &queue, (long)getpid(), app->master_pid,
	    app->conf->slow_request_ms};
	status_render(&app->env.body, f, &info);
	scoreboard_snapshot_free(&snap);
	resp_json_text(resp, 200, app->env.body.data, app->env.body.len);
	resp->content_type = status_content_type(f);
}

void
app_between_requests(struct app *app)
{
	struct timespec now;
	long long ms;

	if (app->conf->maintain_interval_ms == 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(now.tv_sec - app->last_maintain.tv_sec) * 1000
	    + (now.tv_nsec - app->last_maintain.tv_nsec) / 1000000;
	if (ms < app->conf->maintain_interval_ms)
		return;
	app->last_maintain = now;
	(void)store_maintain(app->store, app->conf->maintain_batch, app->conf->maintain_interval_ms);
}

void
app_handle(struct app *app, const struct request *req, struct response *resp)
{
	struct endpoint_route route;
	bool get_or_head = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;

	resp_init(resp);
	if (is_status_path(app, req)) {
		if (get_or_head)
			serve_status(app, req, resp);
		else
			method_not_allowed(req, resp);
		return;
	}
	endpoint_route(req->path, req->path_len, &route);
	switch (route.result) {
	case ROUTE_NOT_FOUND:
		endpoint_not_found(resp);
		return;
	case ROUTE_ADD_SLASH:
		resp->status = 301;
		resp->location = links_add_slash(&app->arena,
		    links_origin(&app->arena, req, app->conf->base_url), req);
		return;
	case ROUTE_MATCH:
		break;
	}
	if (!get_or_head) {
		method_not_allowed(req, resp);
		return;
	}
	route.endpoint->get(&app->env, req, route.id, resp);
}
