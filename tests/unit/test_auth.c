/*
 * auth.h: the Authorization header (contract sections 4 and 7).  Bearer or
 * Token, scheme case-insensitive; other schemes as if no header; empty
 * token 401; a three-part base64url token is a JWT (verified here), any
 * other is an OAuth2 token looked up by its lowercase hex SHA-256.
 */
#include <criterion/criterion.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "auth.h"
#include "conf.h"

#define NOW ((time_t)1700000000)
#define SECRET "auth-test-secret"

static const char *
kind_name(enum auth_kind k)
{
	switch (k) {
	case AUTH_NONE: return "NONE";
	case AUTH_JWT: return "JWT";
	case AUTH_OPAQUE: return "OPAQUE";
	case AUTH_INVALID: return "INVALID";
	}
	return "?";
}

static struct conf conf;

static void
setup(void)
{
	char err[256];

	conf_defaults(&conf);
	cr_assert_eq(conf_set(&conf, "jwt_secret", SECRET, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(conf.jwt_secret_len, strlen(SECRET));
}

static void
teardown(void)
{
	conf_free(&conf);
}

TestSuite(auth_parse, .init = setup, .fini = teardown);

/* ------------------------------------------------------------ minting */

static size_t
b64url(const unsigned char *in, size_t n, char *out)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t o = 0, i = 0;

	for (; i + 3 <= n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];

		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = alphabet[v >> 6 & 63];
		out[o++] = alphabet[v & 63];
	}
	if (n - i >= 1) {
		unsigned v = (unsigned)in[i] << 16 | (n - i == 2 ? (unsigned)in[i + 1] << 8 : 0);

		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		if (n - i == 2)
			out[o++] = alphabet[v >> 6 & 63];
	}
	out[o] = '\0';
	return o;
}

/* An HS256 token for user_id expiring at exp, signed with secret. */
static void
mint(char *out, long long user_id, long long exp, const char *secret)
{
	static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	char claims[256];
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	size_t n;

	snprintf(claims, sizeof(claims),
	    "{\"token_type\":\"access\",\"exp\":%lld,\"iat\":%lld,\"jti\":\"0123abcd\","
	    "\"user_id\":%lld}", exp, (long long)NOW - 10, user_id);
	n = b64url((const unsigned char *)header, sizeof(header) - 1, out);
	out[n++] = '.';
	n += b64url((const unsigned char *)claims, strlen(claims), out + n);
	cr_assert_not_null(HMAC(EVP_sha256(), secret, (int)strlen(secret), (unsigned char *)out, n,
	    mac, &maclen));
	out[n++] = '.';
	b64url(mac, maclen, out + n);
}

static void
parse(const char *header, struct auth_credential *out)
{
	auth_parse(header, &conf, NOW, out);
}

/* ------------------------------------------------------------ SHA-256 */

Test(auth_sha256_hex, vectors)
{
	static const char *const cases[][2] = {
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"The quick brown fox jumps over the lazy dog",
		    "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592"},
		{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[65];

		memset(out, 'X', sizeof(out));
		cr_expect_eq(auth_sha256_hex(cases[i][0], strlen(cases[i][0]), out), 0);
		cr_expect_eq(out[64], '\0', "not NUL-terminated");
		cr_expect_str_eq(out, cases[i][1], "sha256(\"%s\")", cases[i][0]);
	}
}

Test(auth_sha256_hex, length_is_explicit)
{
	char out[65];

	cr_expect_eq(auth_sha256_hex("abcdef", 3, out), 0);
	cr_expect_str_eq(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* ------------------------------------------------------------ schemes */

Test(auth_parse, no_header_or_other_scheme_is_anonymous)
{
	static const char *const headers[] = {
		"",
		"   ",
		"Basic dXNlcjpwYXNz",
		"Digest username=\"x\"",
		"Bearerabc",
		"Bearer_ abc",
		"Tokens abc",
		"JWT abc.def.ghi",
		"Basic",
	};
	struct auth_credential c;

	parse(NULL, &c);
	cr_expect_eq(c.kind, AUTH_NONE, "NULL header: %s", kind_name(c.kind));
	for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		parse(headers[i], &c);
		cr_expect_eq(c.kind, AUTH_NONE, "\"%s\": %s, expected NONE", headers[i], kind_name(c.kind));
	}
}

Test(auth_parse, empty_token_is_invalid)
{
	static const char *const headers[] = {
		"Bearer", "Bearer ", "Bearer   ", "Bearer\t", "Token", "Token  ", "bearer", "TOKEN \t ",
	};

	for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		struct auth_credential c;

		parse(headers[i], &c);
		cr_expect_eq(c.kind, AUTH_INVALID, "\"%s\": %s, expected INVALID", headers[i],
		    kind_name(c.kind));
		cr_expect_not_null(c.why, "\"%s\": no reason", headers[i]);
	}
}

Test(auth_parse, opaque_token_becomes_its_checksum)
{
	static const char *const headers[] = {
		"Bearer abc", "bearer abc", "BEARER abc", "BeArEr abc", "Token abc", "token abc",
		"TOKEN abc", "Bearer   abc", "Bearer abc  ", "Bearer\tabc",
	};
	static const char abc[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

	for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		struct auth_credential c;

		parse(headers[i], &c);
		cr_expect_eq(c.kind, AUTH_OPAQUE, "\"%s\": %s, expected OPAQUE", headers[i],
		    kind_name(c.kind));
		cr_expect_str_eq(c.checksum, abc, "\"%s\": checksum %s", headers[i], c.checksum);
	}
}

Test(auth_parse, realistic_opaque_tokens)
{
	static const char *const tokens[] = {
		"8f14e45fceea167a5a36dedd4bea2543",
		"tok",
		"a.b",			/* two parts: not a JWT */
		"a.b.c.d",		/* four parts: not a JWT */
		"abc+def/ghi=",
		"a.b.c=",		/* '=' is not base64url: not a JWT */
		"\xc3\xa9t\xc3\xa9",
	};

	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
		char header[256], expected[65];
		struct auth_credential c;

		snprintf(header, sizeof(header), "Bearer %s", tokens[i]);
		cr_assert_eq(auth_sha256_hex(tokens[i], strlen(tokens[i]), expected), 0);
		parse(header, &c);
		cr_expect_eq(c.kind, AUTH_OPAQUE, "\"%s\": %s, expected OPAQUE", header, kind_name(c.kind));
		cr_expect_str_eq(c.checksum, expected, "\"%s\"", header);
	}
}

Test(auth_parse, blanks_or_controls_inside_the_token)
{
	static const char *const headers[] = {
		"Bearer a b", "Bearer a\tb", "Token abc def", "Bearer a\x01" "b", "Bearer a\x7f",
		"Bearer a\r\nX: y",
	};

	for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		struct auth_credential c;

		parse(headers[i], &c);
		cr_expect_eq(c.kind, AUTH_INVALID, "header %zu: %s, expected INVALID", i,
		    kind_name(c.kind));
	}
}

/* ------------------------------------------------------------ JWTs */

Test(auth_parse, valid_jwt)
{
	char token[1024], header[1100];
	struct auth_credential c;

	mint(token, 42, NOW + 300, SECRET);
	snprintf(header, sizeof(header), "Bearer %s", token);
	parse(header, &c);
	cr_expect_eq(c.kind, AUTH_JWT, "%s (%s)", kind_name(c.kind), c.why ? c.why : "");
	cr_expect_eq(c.user_id, 42);

	snprintf(header, sizeof(header), "token %s", token);
	parse(header, &c);
	cr_expect_eq(c.kind, AUTH_JWT, "%s (%s)", kind_name(c.kind), c.why ? c.why : "");
	cr_expect_eq(c.user_id, 42);
}

Test(auth_parse, jwt_with_bad_signature_is_invalid)
{
	char token[1024], header[1100];
	struct auth_credential c;

	mint(token, 42, NOW + 300, "not-the-secret");
	snprintf(header, sizeof(header), "Bearer %s", token);
	parse(header, &c);
	cr_expect_eq(c.kind, AUTH_INVALID, "%s", kind_name(c.kind));
	cr_expect_not_null(c.why);
}

Test(auth_parse, three_parts_that_are_not_a_token_are_invalid)
{
	struct auth_credential c;

	/* JWT-shaped: verified as a JWT, never looked up as an opaque token. */
	parse("Bearer abc.def.ghi", &c);
	cr_expect_eq(c.kind, AUTH_INVALID, "%s", kind_name(c.kind));
	parse("Bearer ..", &c);
	cr_expect_eq(c.kind, AUTH_INVALID, "%s", kind_name(c.kind));
}

Test(auth_parse, expired_jwt_is_invalid)
{
	char token[1024], header[1100];
	struct auth_credential c;

	mint(token, 42, NOW, SECRET);
	snprintf(header, sizeof(header), "Bearer %s", token);
	parse(header, &c);
	cr_expect_eq(c.kind, AUTH_INVALID, "%s", kind_name(c.kind));

	/* The same token at an earlier time is fine: now is the caller's. */
	auth_parse(header, &conf, NOW - 1, &c);
	cr_expect_eq(c.kind, AUTH_JWT, "%s (%s)", kind_name(c.kind), c.why ? c.why : "");
}

Test(auth_parse, jwt_without_a_configured_secret_is_invalid)
{
	char token[1024], header[1100];
	struct auth_credential c;
	struct conf none;

	conf_defaults(&none);
	mint(token, 42, NOW + 300, SECRET);
	snprintf(header, sizeof(header), "Bearer %s", token);
	auth_parse(header, &none, NOW, &c);
	cr_expect_eq(c.kind, AUTH_INVALID, "%s", kind_name(c.kind));
	conf_free(&none);
}

Test(auth_parse, oversized_token_is_invalid)
{
	static char header[8 + 5000];
	struct auth_credential c;

	memcpy(header, "Bearer ", 7);
	memset(header + 7, 'a', 5000);
	header[7 + 5000] = '\0';
	parse(header, &c);
	cr_expect_eq(c.kind, AUTH_INVALID, "%s", kind_name(c.kind));
}

Test(auth_parse, output_is_reset)
{
	char token[1024], header[1100];
	struct auth_credential c;

	mint(token, 42, NOW + 300, SECRET);
	snprintf(header, sizeof(header), "Bearer %s", token);
	parse(header, &c);
	cr_assert_eq(c.kind, AUTH_JWT);
	parse(NULL, &c);
	cr_expect_eq(c.kind, AUTH_NONE);
}

Test(auth_parse, header_over_authorization_max_bytes_is_invalid)
{
	static char header[8 + 9000 + 1];
	struct auth_credential c;

	/* A valid-looking opaque token padded with blanks past the cap. */
	memcpy(header, "Bearer x", 8);
	memset(header + 8, ' ', 9000);
	header[8 + 9000] = '\0';
	parse(header, &c);
	cr_expect_eq(c.kind, AUTH_INVALID, "%s", kind_name(c.kind));
	header[8 + 8000] = '\0';	/* under the default 8192: blanks trimmed, opaque */
	parse(header, &c);
	cr_expect_eq(c.kind, AUTH_OPAQUE, "%s", kind_name(c.kind));
}
