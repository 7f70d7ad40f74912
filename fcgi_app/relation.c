#include "config.h"

#include "relation.h"

/* Which way the edge is asked about, and the answer's key. */
struct relation_request {
	int64_t subject;
	enum store_edge edge;
	const char *key;
};

/*
 * Precedence (§2): 401 (no credential, then an invalid one), 403 (follow
 * mode off), 404 (no such subject).  Query parameters are ignored.
 */
static enum store_rc
serve(struct endpoint_env *env, const struct request *req, const struct auth_credential *cred,
    void *arg, struct response *resp)
{
	const struct relation_request *rr = arg;
	const struct prefs *prefs;
	struct store_viewer who = endpoint_viewer(cred);
	struct store_lookup found;
	enum store_rc rc;
	bool answer;

	(void)req;
	if (cred->kind == AUTH_NONE) {
		endpoint_not_authenticated(resp);
		return STORE_OK;
	}
	if ((rc = endpoint_prefs(env, &prefs)) != STORE_OK)
		return rc;
	if ((rc = store_load_relation(env->store, rr->subject, &who, rr->edge, &found)) != STORE_OK)
		return rc;
	if (!found.viewer_valid) {
		endpoint_authentication_failed(resp);
		return STORE_OK;
	}
	if (!prefs->follow_enabled) {
		resp_error(resp, 403, "permission_denied", "Follow mode is disabled in this community.");
		return STORE_OK;
	}
	if (!found.subject_visible) {
		endpoint_not_found(resp);
		return STORE_OK;
	}
	/* Nobody follows themselves (the schema's check): false for {id} = the viewer. */
	answer = found.viewer_id != rr->subject && found.edge;
	buf_reset(&env->body);
	render_flag(&env->body, rr->key, answer);
	resp_json_text(resp, 200, env->body.data, env->body.len);
	return STORE_OK;
}

void
relation_is_followed_get(struct endpoint_env *env, const struct request *req, int64_t subject_id,
    struct response *resp)
{
	struct relation_request rr = {subject_id, EDGE_VIEWER_FOLLOWS, "is_followed"};

	endpoint_serve(env, req, serve, &rr, resp);
}

void
relation_is_follower_get(struct endpoint_env *env, const struct request *req, int64_t subject_id,
    struct response *resp)
{
	struct relation_request rr = {subject_id, EDGE_FOLLOWS_VIEWER, "is_follower"};

	endpoint_serve(env, req, serve, &rr, resp);
}
