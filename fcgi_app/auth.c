#include "config.h"

#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "auth.h"
#include "jwt.h"

int
auth_sha256_hex(const char *data, size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		return -1;
	for (unsigned i = 0; i < mdlen; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
	return 0;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

void
auth_parse(const char *header, const struct conf *conf, time_t now,
    struct auth_credential *out)
{
	const char *scheme, *token, *end;
	size_t scheme_len, len;

	memset(out, 0, sizeof(*out));
	out->kind = AUTH_NONE;
	if (header == NULL)
		return;
	if (strnlen(header, conf->authorization_max_bytes + 1) > conf->authorization_max_bytes) {
		out->kind = AUTH_INVALID;
		out->why = "Authorization header over authorization_max_bytes";
		return;
	}

	scheme = header;
	while (is_blank(*scheme))
		scheme++;
	for (scheme_len = 0; scheme[scheme_len] != '\0' && !is_blank(scheme[scheme_len]);)
		scheme_len++;
	/* Other schemes (Basic, Digest...) are not ours: as if no header came. */
	if (!((scheme_len == 6 && strncasecmp(scheme, "bearer", 6) == 0)
	    || (scheme_len == 5 && strncasecmp(scheme, "token", 5) == 0)))
		return;

	token = scheme + scheme_len;
	while (is_blank(*token))
		token++;
	end = token + strlen(token);
	while (end > token && is_blank(end[-1]))
		end--;
	len = (size_t)(end - token);

	out->kind = AUTH_INVALID;
	if (len == 0) {
		out->why = "empty token";
		return;
	}
	if (len > JWT_MAX_LEN) {
		out->why = "token too long";
		return;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)token[i];

		if (c <= 0x20 || c == 0x7f) {
			out->why = "blank or control character in token";
			return;
		}
	}
	if (jwt_is_jwt(token, len)) {
		if (jwt_verify(token, len, (const unsigned char *)conf->jwt_secret,
		        conf->jwt_secret_len, now, &out->user_id, &out->why) == 0)
			out->kind = AUTH_JWT;
		return;
	}
	if (auth_sha256_hex(token, len, out->checksum) != 0) {
		out->why = "SHA-256 failed";
		return;
	}
	out->kind = AUTH_OPAQUE;
}
