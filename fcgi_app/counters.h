/* GET /api/v2/user/{id}/counters/: a user's counters (follow-graph-api.md §3). */
#ifndef FOLLOWINGS_COUNTERS_H
#define FOLLOWINGS_COUNTERS_H

#include <stdint.h>

#include "endpoint.h"

void counters_get(struct endpoint_env *env, const struct request *req, int64_t subject_id,
    struct response *resp);

#endif
