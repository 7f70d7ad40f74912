/*
 * The configuration file: "key = value" lines, blank lines and lines whose
 * first non-blank character is '#' ignored.  The value is the rest of the
 * line with surrounding blanks removed (no quoting, so '#' may appear in a
 * password).  Every key is documented in conf/followings-fcgi.conf.example.
 */
#ifndef FOLLOWINGS_CONF_H
#define FOLLOWINGS_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct conf {
	/* Database. */
	char *db_socket;
	char *db_host;
	unsigned db_port;
	char *db_user;
	char *db_password;
	char *db_name;
	unsigned db_connect_timeout;
	unsigned db_read_timeout;
	unsigned db_write_timeout;

	/* Authentication: HS256 secret; NULL means every JWT is refused. */
	char *jwt_secret;
	size_t jwt_secret_len;

	/* Paging and links. */
	int64_t limit_default;
	int64_t limit_max;
	char *base_url;		/* "scheme://host[:port][/prefix]" or NULL */

	/* From this offset on, a page finds its day through the day counts (0: never). */
	int64_t deep_offset;

	/* Community preferences are re-read after this many seconds. */
	unsigned prefs_cache_ttl;
	/* Seconds announced in Retry-After on 503. */
	unsigned retry_after;

	/*
	 * Between requests a worker folds the database's change log and fans
	 * out soft deletes (CALL followings_upkeep), at most every this many
	 * milliseconds, for this worker and for the whole database (0: never;
	 * then `followings-db maintain --loop` must), at most maintain_batch
	 * rows per transaction.
	 */
	unsigned maintain_interval_ms;
	unsigned maintain_batch;

	/* Process. */
	char *listen;		/* "unix:/path" or "host:port"; NULL: fd 0 */
	unsigned socket_mode;	/* permissions of a unix listening socket */
	char *log_level;
	unsigned workers;	/* --listen mode: worker processes; 0: from the CPU count */
	unsigned long max_requests;	/* --listen mode: recycle a worker after this many; 0: never */
	unsigned shutdown_timeout;	/* seconds to finish in-flight requests on stop */
	char *user;		/* drop to this user when started as root */
	char *group;		/* and this group (default: the user's); owns the unix socket */
	char *pid_file;

	/* Operation (status page, request and slow logs). */
	char *status_path;	/* exact path the workers answer with the status page; NULL: none */
	bool request_log;	/* one line per request on standard error */
	unsigned slow_request_ms;	/* slower requests are logged at warn and counted; 0: never */
	bool log_json;		/* log_format = json: JSON lines instead of text */
	/* Hostile peers and input (README "Security"). */
	unsigned request_timeout;	/* seconds for a whole request to arrive, and per stalled write */
	unsigned keepalive_timeout;	/* seconds a kept-alive connection may idle between requests */
	char *allowed_clients;	/* TCP peers allowed; NULL: FCGI_WEB_SERVER_ADDRS or loopback */
	size_t params_max_bytes;	/* FastCGI parameters of one request, in bytes */
	size_t query_max_bytes;	/* query string length; longer answers 400 */
	size_t query_max_params;	/* query parameters; more answer 400 */
	size_t authorization_max_bytes;	/* Authorization header; longer answers 401 */
};

/* Fills *c with the defaults. */
void conf_defaults(struct conf *c);

/*
 * Reads path over the defaults already in *c.  On error returns -1 with a
 * one-line reason in err ("FILE:LINE: ...").
 */
int conf_load(struct conf *c, const char *path, char *err, size_t errlen);

/* Parses one "key = value" pair (used by conf_load and by tests). */
int conf_set(struct conf *c, const char *key, const char *value, char *err, size_t errlen);

/* Cross-key checks once everything is read. */
int conf_validate(const struct conf *c, char *err, size_t errlen);

void conf_free(struct conf *c);

#endif
