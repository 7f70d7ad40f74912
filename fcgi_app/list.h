/*
 * The two list endpoints, one page each, on one implementation:
 *   GET /api/v2/user/{id}/followings/  the users {id} follows (followings-api.md);
 *   GET /api/v2/user/{id}/followers/   the users who follow {id} (follow-graph-api.md §1).
 */
#ifndef FOLLOWINGS_LIST_H
#define FOLLOWINGS_LIST_H

#include <stdint.h>

#include "endpoint.h"

void list_followings_get(struct endpoint_env *env, const struct request *req, int64_t subject_id,
    struct response *resp);
void list_followers_get(struct endpoint_env *env, const struct request *req, int64_t subject_id,
    struct response *resp);

#endif
