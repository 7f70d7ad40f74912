#include "config.h"

#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "jwt.h"

static int
b64url_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

long
jwt_base64url_decode(const char *src, size_t len, unsigned char *dst, size_t dstlen)
{
	size_t o = 0;
	unsigned acc = 0;
	int bits = 0;

	if (len % 4 == 1)
		return -1;
	if (len / 4 * 3 + 2 > dstlen)
		return -1;
	for (size_t i = 0; i < len; i++) {
		int v = b64url_value((unsigned char)src[i]);

		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			dst[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* Canonical encoding only: the unused low bits must be zero. */
	if (acc != 0)
		return -1;
	return (long)o;
}

bool
jwt_is_jwt(const char *token, size_t len)
{
	int dots = 0;

	for (size_t i = 0; i < len; i++) {
		if (token[i] == '.')
			dots++;
		else if (b64url_value((unsigned char)token[i]) < 0)
			return false;
	}
	return dots == 2;
}

/* Decodes one base64url part into a JSON object. */
static json_t *
decode_json_part(const char *src, size_t len)
{
	unsigned char buf[JWT_MAX_LEN];
	long n = jwt_base64url_decode(src, len, buf, sizeof(buf));
	json_t *j;

	if (n <= 0)
		return NULL;
	j = json_loadb((const char *)buf, (size_t)n, JSON_REJECT_DUPLICATES, NULL);
	if (j != NULL && !json_is_object(j)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static int
check_header(const json_t *header, const char **why)
{
	const json_t *alg = json_object_get(header, "alg");

	if (!json_is_string(alg) || strcmp(json_string_value(alg), "HS256") != 0) {
		*why = "alg is not HS256";
		return -1;
	}
	/* Extensions we would have to understand (RFC 7515 section 4.1.11). */
	if (json_object_get(header, "crit") != NULL) {
		*why = "crit header";
		return -1;
	}
	return 0;
}

static int
check_claims(const json_t *claims, time_t now, int64_t *user_id, const char **why)
{
	const json_t *uid = json_object_get(claims, "user_id");
	const json_t *type = json_object_get(claims, "token_type");
	const json_t *exp = json_object_get(claims, "exp");
	const json_t *iat = json_object_get(claims, "iat");
	const json_t *jti = json_object_get(claims, "jti");
	const json_t *nbf = json_object_get(claims, "nbf");

	if (!json_is_integer(uid) || json_integer_value(uid) < 1) {
		*why = "user_id missing or not a positive integer";
		return -1;
	}
	if (!json_is_string(type) || strcmp(json_string_value(type), "access") != 0) {
		*why = "token_type is not access";
		return -1;
	}
	if (!json_is_integer(exp) || !json_is_integer(iat)) {
		*why = "exp or iat missing or not an integer";
		return -1;
	}
	if (!json_is_string(jti) || json_string_length(jti) == 0) {
		*why = "jti missing";
		return -1;
	}
	if (json_integer_value(exp) <= (json_int_t)now) {
		*why = "expired";
		return -1;
	}
	if (json_integer_value(iat) > (json_int_t)now + JWT_IAT_LEEWAY) {
		*why = "iat in the future";
		return -1;
	}
	if (nbf != NULL && (!json_is_integer(nbf) || json_integer_value(nbf) > (json_int_t)now)) {
		*why = "not valid yet (nbf)";
		return -1;
	}
	*user_id = json_integer_value(uid);
	return 0;
}

int
jwt_verify(const char *token, size_t len, const unsigned char *secret, size_t secret_len,
    time_t now, int64_t *user_id, const char **why)
{
	const char *dot1, *dot2;
	unsigned char mac[EVP_MAX_MD_SIZE], sig[64];
	unsigned int maclen = 0;
	long siglen;
	json_t *header = NULL, *claims = NULL;
	int rc = -1;

	*why = "malformed";
	if (len > JWT_MAX_LEN || !jwt_is_jwt(token, len))
		return -1;
	if (secret == NULL || secret_len == 0) {
		*why = "no jwt_secret configured";
		return -1;
	}
	dot1 = memchr(token, '.', len);
	dot2 = memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token));

	/* The signature first: nothing unauthenticated is parsed further. */
	siglen = jwt_base64url_decode(dot2 + 1, len - (size_t)(dot2 + 1 - token), sig, sizeof(sig));
	if (HMAC(EVP_sha256(), secret, (int)secret_len, (const unsigned char *)token,
	        (size_t)(dot2 - token), mac, &maclen) == NULL) {
		*why = "HMAC failed";
		return -1;
	}
	if (siglen != (long)maclen || CRYPTO_memcmp(sig, mac, maclen) != 0) {
		*why = "bad signature";
		return -1;
	}
	if ((header = decode_json_part(token, (size_t)(dot1 - token))) == NULL
	    || (claims = decode_json_part(dot1 + 1, (size_t)(dot2 - dot1 - 1))) == NULL) {
		*why = "header or claims are not a JSON object";
		goto out;
	}
	if (check_header(header, why) == 0 && check_claims(claims, now, user_id, why) == 0)
		rc = 0;
out:
	json_decref(header);
	json_decref(claims);
	return rc;
}
