/*
 * auth_parse and jwt_verify.  The first byte picks the mode:
 *   0: the rest is an Authorization header, as sent;
 *   1: the rest is the claims of a token signed here with the right
 *      secret (OpenSSL's HMAC), header {"alg":"HS256","typ":"JWT"};
 *   2: the same, with the signature's last byte changed (must fail).
 * For signed tokens the verdict is checked against the contract's rules,
 * applied here to jansson's reading of the claims.
 */
#include "config.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "auth.h"
#include "conf.h"
#include "jwt.h"

#define NOW 1700000000
static const char secret[] = "fuzz-secret-0123456789";

static size_t
b64url(const unsigned char *in, size_t n, char *out)
{
	unsigned char tmp[4 * (JWT_MAX_LEN * 2) / 3 + 8];
	int len = EVP_EncodeBlock(tmp, in, (int)n);
	size_t o = 0;

	for (int i = 0; i < len; i++) {
		char c = (char)tmp[i];

		if (c == '=')
			break;
		out[o++] = c == '+' ? '-' : c == '/' ? '_' : c;
	}
	return o;
}

/* The contract's claims rules (followings-api.md, auth), read off jansson's tree. */
static int
ref_valid(const unsigned char *claims, size_t n, int64_t *uid)
{
	json_t *j = json_loadb((const char *)claims, n, JSON_REJECT_DUPLICATES, NULL);
	int ok = 0;

	if (j == NULL)
		return 0;
	if (json_is_object(j)) {
		json_t *u = json_object_get(j, "user_id"), *t = json_object_get(j, "token_type");
		json_t *e = json_object_get(j, "exp"), *i = json_object_get(j, "iat");
		json_t *k = json_object_get(j, "jti"), *nb = json_object_get(j, "nbf");

		ok = json_is_integer(u) && json_integer_value(u) >= 1
		    && json_is_string(t) && strcmp(json_string_value(t), "access") == 0
		    && json_is_integer(e) && json_integer_value(e) > NOW
		    && json_is_integer(i) && json_integer_value(i) <= NOW + JWT_IAT_LEEWAY
		    && json_is_string(k) && json_string_length(k) > 0
		    && (nb == NULL || (json_is_integer(nb) && json_integer_value(nb) <= NOW));
		if (ok)
			*uid = json_integer_value(u);
	}
	json_decref(j);
	return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	struct conf conf;
	struct auth_credential c;
	char *h;

	if (size < 1 || size > JWT_MAX_LEN)
		return 0;
	conf_defaults(&conf);
	conf.jwt_secret = (char *)secret;
	conf.jwt_secret_len = sizeof(secret) - 1;

	if (data[0] % 3 == 0) {
		h = malloc(size);
		memcpy(h, data + 1, size - 1);
		h[size - 1] = '\0';
		auth_parse(h, &conf, NOW, &c);
		assert(c.kind == AUTH_NONE || c.kind == AUTH_JWT || c.kind == AUTH_OPAQUE
		    || c.kind == AUTH_INVALID);
		if (c.kind == AUTH_OPAQUE)
			assert(strlen(c.checksum) == 64);
		if (c.kind == AUTH_JWT)
			assert(c.user_id >= 1);
		if (c.kind == AUTH_INVALID)
			assert(c.why != NULL);
		free(h);
		return 0;
	}

	/* "Bearer " + header.claims.signature */
	char *tok = malloc(16 + 2 * JWT_MAX_LEN + 128);
	size_t o = 0;
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned maclen = 0;
	int64_t uid = 0;

	memcpy(tok, "Bearer ", 7);
	o = 7;
	o += b64url((const unsigned char *)header, sizeof(header) - 1, tok + o);
	tok[o++] = '.';
	o += b64url(data + 1, size - 1, tok + o);
	HMAC(EVP_sha256(), secret, (int)(sizeof(secret) - 1), (unsigned char *)tok + 7, o - 7, mac, &maclen);
	if (data[0] % 3 == 2)
		mac[maclen - 1] ^= 1;
	tok[o++] = '.';
	o += b64url(mac, maclen, tok + o);
	tok[o] = '\0';

	auth_parse(tok, &conf, NOW, &c);
	int valid = data[0] % 3 == 1 && o - 7 <= JWT_MAX_LEN && ref_valid(data + 1, size - 1, &uid);

	if (valid)
		assert(c.kind == AUTH_JWT && c.user_id == uid);
	else
		assert(c.kind == AUTH_INVALID);
	free(tok);
	return 0;
}
