/*
 * The request log and the slow log, one line per request on standard
 * error, as text ("key=value" after the usual prefix) or a JSON object
 * (log_format = json).  A line holds the method, the URI (its query's
 * credential-like parameters redacted, odd bytes percent-encoded), status,
 * body bytes, total and database milliseconds, the worker's pid and a
 * request id; never a header such as Authorization or Cookie.  The slow line
 * (warn) adds each statement's time and rows and the round trips.
 */
#ifndef FOLLOWINGS_REQLOG_H
#define FOLLOWINGS_REQLOG_H

#include <stddef.h>
#include <stdint.h>

#include "dbtiming.h"

#define REQLOG_ID_MAX 64

struct reqlog_entry {
	const char *method;
	const char *uri;		/* REQUEST_URI as sent (path and query) */
	int status;
	uint64_t body_bytes;
	int64_t duration_us;
	const struct dbtiming *db;
	const char *request_id;
};

/* The request line (info level, written whatever log_level says). */
void reqlog_request(const struct reqlog_entry *e);
/* The slow line (warn level, if log_level lets warnings through). */
void reqlog_slow(const struct reqlog_entry *e, unsigned threshold_ms);

/*
 * The request id: the header's value (e.g. nginx's $request_id passed as
 * HTTP_X_REQUEST_ID) when it is 1 to 64 of [A-Za-z0-9._:-], else a fresh
 * 16-hex-digit one.  out has room for REQLOG_ID_MAX + 1 bytes.
 */
void reqlog_request_id(char out[REQLOG_ID_MAX + 1], const char *header);

/*
 * uri as it may be logged: values of query parameters whose names look like
 * credentials (token, auth, key, secret, password, session, jwt, cookie,
 * signature) replaced by "REDACTED"; bytes other than printable ASCII, '"'
 * and '\' percent-encoded; cut at cap - 1 bytes.  Returns the length.
 */
size_t reqlog_safe_uri(char *out, size_t cap, const char *uri);

#endif
