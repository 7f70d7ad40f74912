/*
 * The Authorization header, read without the database: which credential
 * the request carries.  A JWT is verified here completely (its user is
 * checked against the database later); an opaque OAuth2 token becomes the
 * SHA-256 checksum that access_tokens stores.
 */
#ifndef FOLLOWINGS_AUTH_H
#define FOLLOWINGS_AUTH_H

#include <stdint.h>
#include <time.h>

#include "conf.h"

enum auth_kind {
	AUTH_NONE,	/* no header, or a scheme other than Bearer/Token */
	AUTH_JWT,	/* a valid JWT: user_id still to be checked */
	AUTH_OPAQUE,	/* an access token: checksum still to be looked up */
	AUTH_INVALID,	/* 401 authentication_failed */
};

struct auth_credential {
	enum auth_kind kind;
	int64_t user_id;	/* AUTH_JWT */
	char checksum[65];	/* AUTH_OPAQUE: lowercase hex SHA-256 */
	const char *why;	/* AUTH_INVALID: reason for the log */
};

void auth_parse(const char *header, const struct conf *conf, time_t now,
    struct auth_credential *out);

/* Lowercase hex SHA-256 of data into out[65]. */
int auth_sha256_hex(const char *data, size_t len, char out[65]);

#endif
