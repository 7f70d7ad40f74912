/*
 * GET /api/v2/user/{id}/is_followed/ and .../is_follower/: does the viewer
 * follow {id}, does {id} follow the viewer (follow-graph-api.md §2).
 */
#ifndef FOLLOWINGS_RELATION_H
#define FOLLOWINGS_RELATION_H

#include <stdint.h>

#include "endpoint.h"

void relation_is_followed_get(struct endpoint_env *env, const struct request *req,
    int64_t subject_id, struct response *resp);
void relation_is_follower_get(struct endpoint_env *env, const struct request *req,
    int64_t subject_id, struct response *resp);

#endif
