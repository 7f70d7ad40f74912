#include "config.h"

#include "counters.h"

/*
 * Precedence as for followings (followings-api.md §7): 401 (no credential
 * where one is required, or an invalid one), then 404.  Query parameters
 * are ignored.
 */
static enum store_rc
serve(struct endpoint_env *env, const struct request *req, const struct auth_credential *cred,
    void *arg, struct response *resp)
{
	const int64_t *subject = arg;
	const struct prefs *prefs;
	struct store_viewer who = endpoint_viewer(cred);
	struct store_lookup found;
	enum store_rc rc;

	(void)req;
	if ((rc = endpoint_prefs(env, &prefs)) != STORE_OK)
		return rc;
	if (cred->kind == AUTH_NONE && !prefs->content_availability) {
		endpoint_not_authenticated(resp);
		return STORE_OK;
	}
	if ((rc = store_load_counters(env->store, *subject, &who, &found)) != STORE_OK)
		return rc;
	if (cred->kind != AUTH_NONE && !found.viewer_valid) {
		endpoint_authentication_failed(resp);
		return STORE_OK;
	}
	if (!found.subject_visible) {
		endpoint_not_found(resp);
		return STORE_OK;
	}
	buf_reset(&env->body);
	render_counters(&env->body, &found.counters, prefs);
	resp_json_text(resp, 200, env->body.data, env->body.len);
	return STORE_OK;
}

void
counters_get(struct endpoint_env *env, const struct request *req, int64_t subject_id,
    struct response *resp)
{
	endpoint_serve(env, req, serve, &subject_id, resp);
}
