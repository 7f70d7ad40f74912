/*
 * JSON Web Tokens as the platform issues them: HS256 only (RFC 7515/7519),
 * claims user_id, token_type "access", exp, iat, jti.  The MAC is OpenSSL's
 * HMAC-SHA256, compared in constant time; the JSON is parsed by jansson.
 */
#ifndef FOLLOWINGS_JWT_H
#define FOLLOWINGS_JWT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* How far in the future an "iat" may lie (clock skew between servers). */
#define JWT_IAT_LEEWAY 60
/* Longest token looked at; real access tokens are a few hundred bytes. */
#define JWT_MAX_LEN 4096

/* Three dot-separated parts of base64url characters. */
bool jwt_is_jwt(const char *token, size_t len);

/*
 * Verifies the token; on success stores the user_id claim and returns 0.
 * Otherwise returns -1 and sets *why to a short reason for the log.
 */
int jwt_verify(const char *token, size_t len, const unsigned char *secret, size_t secret_len,
    time_t now, int64_t *user_id, const char **why);

/* Strict base64url without padding; returns the decoded length or -1. */
long jwt_base64url_decode(const char *src, size_t len, unsigned char *dst, size_t dstlen);

#endif
