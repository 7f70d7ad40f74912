/*
 * The status page (php-fpm's pm.status_path): a scoreboard snapshot and the
 * listen queue written as plain text (the default), JSON (?json) or the
 * Prometheus text exposition format (?openmetrics).  Pure rendering: the
 * caller takes the snapshot.
 */
#ifndef FOLLOWINGS_STATUS_H
#define FOLLOWINGS_STATUS_H

#include <stddef.h>

#include "buf.h"
#include "listenq.h"
#include "scoreboard.h"

enum status_format { STATUS_TEXT, STATUS_JSON, STATUS_OPENMETRICS };

/* From the query string: "json" or "openmetrics" among its '&'-separated words. */
enum status_format status_format_from_query(const char *query, size_t len);

/* The Content-Type of a format. */
const char *status_content_type(enum status_format f);

struct status_info {
	const struct sb_snapshot *snap;
	const struct listen_queue *queue;
	long pid;		/* the process answering */
	long master_pid;	/* 0 without a master */
	unsigned slow_request_ms;	/* 0: slow requests are not counted */
};

void status_render(struct buf *out, enum status_format f, const struct status_info *info);

#endif
