#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "followings.h"
#include "links.h"
#include "route.h"

void
app_init(struct app *app, const struct conf *conf)
{
	memset(app, 0, sizeof(*app));
	app->conf = conf;
	app->store = store_new(conf);
	arena_init(&app->arena);
}

void
app_cleanup(struct app *app)
{
	store_free(app->store);
	arena_free(&app->arena);
	buf_free(&app->page);
	render_page_free(&app->writer);
	memset(app, 0, sizeof(*app));
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
	(void)store_maintain(app->store, app->conf->maintain_batch);
}

void
app_handle(struct app *app, const struct request *req, struct response *resp)
{
	struct route route;
	bool get_or_head = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;

	resp_init(resp);
	route_match(req->path, req->path_len, &route);
	switch (route.result) {
	case ROUTE_NOT_FOUND:
		resp_error(resp, 404, "not_found", "Not found.");
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
		char message[96];
		size_t n = strspn(req->method, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_");

		/* Echo the method only when it is a plain token. */
		if (n > 0 && n <= 32 && req->method[n] == '\0')
			snprintf(message, sizeof(message), "Method \"%s\" not allowed.", req->method);
		else
			snprintf(message, sizeof(message), "Method not allowed.");
		resp_error(resp, 405, "method_not_allowed", message);
		resp->allow = true;
		return;
	}
	switch (route.endpoint) {
	case ENDPOINT_USER_FOLLOWINGS:
		followings_get(app, req, route.id, resp);
		return;
	case ENDPOINT_NONE:
		break;
	}
	resp_error(resp, 404, "not_found", "Not found.");
}
