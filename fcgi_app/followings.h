/* GET /api/v2/user/{id}/followings/: the users {id} follows, one page. */
#ifndef FOLLOWINGS_FOLLOWINGS_H
#define FOLLOWINGS_FOLLOWINGS_H

#include <stdint.h>

#include "endpoint.h"

void followings_get(struct endpoint_env *env, const struct request *req, int64_t subject_id,
    struct response *resp);

#endif
