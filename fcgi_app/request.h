/*
 * A read-only view of one FastCGI request's parameters: what the handler
 * needs, taken once from the environment the web server sent.  Strings point
 * into that environment (valid until FCGX_Finish_r) or into the arena.
 */
#ifndef FOLLOWINGS_REQUEST_H
#define FOLLOWINGS_REQUEST_H

#include <stddef.h>

#include "arena.h"

struct request {
	const char *method;		/* "" when absent */
	const char *path;		/* as sent, not decoded; NUL-terminated after the query (REQUEST_URI) */
	size_t path_len;
	const char *query;		/* raw query string, "" when none */
	size_t query_len;
	const char *authorization;	/* HTTP_AUTHORIZATION, NULL when absent */
	const char *host;		/* HTTP_HOST, NULL when absent */
	const char *server_name;
	const char *server_port;
	const char *https;		/* HTTPS ("on" behind TLS) */
	const char *request_scheme;
};

/* Looks a name up in a NULL-terminated "NAME=value" array; the last one wins. */
const char *request_env(char *const *envp, const char *name);

/*
 * Path and query come from REQUEST_URI (nginx sends no PATH_INFO); without
 * REQUEST_URI, from SCRIPT_NAME + PATH_INFO and QUERY_STRING.
 */
void request_from_env(struct request *r, char *const *envp, struct arena *a);

#endif
