/*
 * A response as the handler decides it (status, the few headers this API
 * uses, a JSON body), and its serialization as a FastCGI responder's
 * output: CGI-style headers, a blank line, the body.
 */
#ifndef FOLLOWINGS_RESPONSE_H
#define FOLLOWINGS_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "buf.h"
#include "params.h"

/* Why a 503 was answered (counted by cause on the status page). */
enum unavailable_cause {
	UNAVAILABLE_NONE,
	UNAVAILABLE_DB_DOWN,	/* no database connection could be had */
	UNAVAILABLE_DB_ERROR,	/* a statement failed or timed out */
	UNAVAILABLE_CAUSES
};

struct response {
	int status;
	const char *location;	/* 301: absolute URL */
	bool allow;		/* 405: "Allow: GET, HEAD" */
	bool authenticate;	/* 401: WWW-Authenticate */
	unsigned retry_after;	/* 503: seconds */
	json_t *body;		/* owned; NULL means an empty body ... */
	const char *raw;	/* ... unless this JSON text (borrowed) is set */
	size_t raw_len;
	const char *content_type;	/* of the body; NULL: application/json */
	enum unavailable_cause cause;	/* 503 only; not sent */
};

void resp_init(struct response *r);
/* Drops the body; the response can be filled again. */
void resp_clear(struct response *r);

void resp_json(struct response *r, int status, json_t *body);
/* A body already written as JSON text; it must outlive the response. */
void resp_json_text(struct response *r, int status, const char *text, size_t len);
/* {"errors": [{"code": code, "message": message}]} */
void resp_error(struct response *r, int status, const char *code, const char *message);
/* 400 {"errors": [{"field": f, "messages": [{"code": "invalid", "message": m}]}, ...]} */
void resp_field_errors(struct response *r, const struct field_error *errors, size_t n);

/* Headers and (unless head_only) body into out; returns the body's length. */
size_t resp_serialize(const struct response *r, bool head_only, struct buf *out);

#endif
