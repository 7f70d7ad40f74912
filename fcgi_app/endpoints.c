/*
 * The table of endpoints: a new endpoint is its own file and one line here.
 * Paths are tried in this order; all of them sit under /api/v2/user/, where
 * anything else is a JSON 404 (app.c).
 */
#include "config.h"

#include "counters.h"
#include "endpoint.h"
#include "list.h"
#include "relation.h"

const struct endpoint endpoints[] = {
	{"/api/v2/user/{id}/followings/", list_followings_get},
	{"/api/v2/user/{id}/followers/", list_followers_get},
	{"/api/v2/user/{id}/is_followed/", relation_is_followed_get},
	{"/api/v2/user/{id}/is_follower/", relation_is_follower_get},
	{"/api/v2/user/{id}/counters/", counters_get},
};

const size_t endpoint_count = sizeof(endpoints) / sizeof(endpoints[0]);
