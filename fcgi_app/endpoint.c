#include "config.h"

#include <string.h>
#include <time.h>

#include "endpoint.h"
#include "log.h"

/* A request whose database work failed faster than this is retried once. */
#define RETRY_WITHIN_MS 1000

void
endpoint_env_init(struct endpoint_env *env, const struct conf *conf, struct store *store,
    struct arena *arena)
{
	memset(env, 0, sizeof(*env));
	env->conf = conf;
	env->store = store;
	env->arena = arena;
}

void
endpoint_env_free(struct endpoint_env *env)
{
	buf_free(&env->body);
	render_page_free(&env->writer);
	memset(env, 0, sizeof(*env));
}

void
endpoint_route(const char *path, size_t len, struct endpoint_route *out)
{
	out->result = ROUTE_NOT_FOUND;
	out->endpoint = NULL;
	out->id = 0;
	for (size_t i = 0; i < endpoint_count; i++) {
		int64_t id = 0;
		enum route_result r = route_match(endpoints[i].pattern, path, len, &id);

		if (r != ROUTE_NOT_FOUND) {
			out->result = r;
			out->endpoint = &endpoints[i];
			out->id = id;
			return;
		}
	}
}

enum store_rc
endpoint_prefs(struct endpoint_env *env, const struct prefs **out)
{
	struct timespec now;
	enum store_rc rc;

	if (store_ready(env->store) != STORE_OK)
		return STORE_ERROR;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!prefs_cache_fresh(&env->prefs, env->conf->prefs_cache_ttl, &now)) {
		if ((rc = store_load_prefs(env->store, &env->prefs.prefs)) != STORE_OK)
			return rc;
		env->prefs.loaded = true;
		env->prefs.loaded_at = now;
	}
	*out = &env->prefs.prefs;
	return STORE_OK;
}

struct store_viewer
endpoint_viewer(const struct auth_credential *cred)
{
	struct store_viewer who;

	who.id = cred->kind == AUTH_JWT ? cred->user_id : 0;
	who.token_checksum = cred->kind == AUTH_OPAQUE ? cred->checksum : NULL;
	return who;
}

void
endpoint_not_authenticated(struct response *resp)
{
	resp_error(resp, 401, "not_authenticated", "Authentication credentials were not provided.");
	resp->authenticate = true;
}

void
endpoint_authentication_failed(struct response *resp)
{
	resp_error(resp, 401, "authentication_failed", "Invalid token.");
	resp->authenticate = true;
}

void
endpoint_not_found(struct response *resp)
{
	resp_error(resp, 404, "not_found", "Not found.");
}

static long long
ms_between(const struct timespec *a, const struct timespec *b)
{
	return (long long)(b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

void
endpoint_serve(struct endpoint_env *env, const struct request *req, endpoint_serve_fn serve,
    void *arg, struct response *resp)
{
	struct auth_credential cred;
	struct timespec start, end;
	enum store_rc rc;

	auth_parse(req->authorization, env->conf, time(NULL), &cred);
	if (cred.kind == AUTH_INVALID) {
		log_debug("authentication failed: %s", cred.why);
		endpoint_authentication_failed(resp);
		return;
	}

	clock_gettime(CLOCK_MONOTONIC, &start);
	rc = serve(env, req, &cred, arg, resp);
	clock_gettime(CLOCK_MONOTONIC, &end);
	if (rc == STORE_LOST && ms_between(&start, &end) < RETRY_WITHIN_MS) {
		/* A connection found dead (server restart, idle timeout): once more. */
		resp_clear(resp);
		rc = serve(env, req, &cred, arg, resp);
	}
	if (rc != STORE_OK) {
		resp_clear(resp);
		resp_error(resp, 503, "service_unavailable",
		    "The database is unavailable; retry later.");
		resp->retry_after = env->conf->retry_after;
		resp->cause = store_timing(env->store)->connect_failed
		    ? UNAVAILABLE_DB_DOWN : UNAVAILABLE_DB_ERROR;
	}
}
