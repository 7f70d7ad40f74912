/*
 * What the endpoints share: the state they reuse between requests (an
 * endpoint_env, owned by the app), the steps every endpoint takes in the
 * same way (the credential, the preferences, the retry on a lost
 * connection, the 503), and the table of endpoints the app routes to
 * (endpoints.c).  An endpoint is one file with one entry in that table.
 *
 * The request path runs app -> endpoint -> store: nothing here knows the
 * app, and no endpoint knows another.
 */
#ifndef FOLLOWINGS_ENDPOINT_H
#define FOLLOWINGS_ENDPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "conf.h"
#include "prefs.h"
#include "render.h"
#include "request.h"
#include "response.h"
#include "route.h"
#include "store.h"

struct endpoint_env {
	const struct conf *conf;
	struct store *store;
	struct arena *arena;		/* reset after every request */
	struct prefs_cache prefs;	/* trusted for conf->prefs_cache_ttl seconds */
	struct buf body;		/* the response's JSON, reused across requests */
	struct page_writer writer;	/* the list endpoints' page writer, its scratch reused */
};

void endpoint_env_init(struct endpoint_env *env, const struct conf *conf, struct store *store,
    struct arena *arena);
void endpoint_env_free(struct endpoint_env *env);

/* GET (and HEAD) of a path with a user id; never fails (errors are JSON responses). */
typedef void (*endpoint_get_fn)(struct endpoint_env *env, const struct request *req,
    int64_t id, struct response *resp);

struct endpoint {
	const char *pattern;	/* route.h: literal text and "{id}" */
	endpoint_get_fn get;
};

/* Every endpoint, in the order paths are matched. */
extern const struct endpoint endpoints[];
extern const size_t endpoint_count;

/* The endpoint a path names: result ROUTE_MATCH or ROUTE_ADD_SLASH with the path's {id}. */
struct endpoint_route {
	enum route_result result;
	const struct endpoint *endpoint;	/* NULL when ROUTE_NOT_FOUND */
	int64_t id;
};

void endpoint_route(const char *path, size_t len, struct endpoint_route *out);

/*
 * The database part of a request, run by endpoint_serve(): fills resp and
 * returns STORE_OK, or returns the store's failure (resp is then cleared).
 */
typedef enum store_rc (*endpoint_serve_fn)(struct endpoint_env *env, const struct request *req,
    const struct auth_credential *cred, void *arg, struct response *resp);

/*
 * Parses the Authorization header (an invalid credential is 401 at once,
 * before the database), then runs serve; a connection found lost within a
 * second is retried once on a new one, any other failure is 503.
 */
void endpoint_serve(struct endpoint_env *env, const struct request *req, endpoint_serve_fn serve,
    void *arg, struct response *resp);

/* Connects when needed and reads the preferences (from the cache while fresh). */
enum store_rc endpoint_prefs(struct endpoint_env *env, const struct prefs **out);

/* The reader as the store looks it up: a JWT's user id, a token's checksum, or anonymous. */
struct store_viewer endpoint_viewer(const struct auth_credential *cred);

/* The errors every endpoint answers the same way (followings-api.md §4, §5). */
void endpoint_not_authenticated(struct response *resp);	/* 401, no credential */
void endpoint_authentication_failed(struct response *resp);	/* 401, invalid credential */
void endpoint_not_found(struct response *resp);		/* 404 */

#endif
