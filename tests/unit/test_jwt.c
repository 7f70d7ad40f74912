/*
 * jwt.h: HS256 JWTs as the platform issues them (contract section 4 and 7):
 * claims user_id (int), token_type "access", exp, iat, jti; wrong
 * signature, other algorithm (none included), expired, missing claim, wrong
 * claim type, nbf in the future, iat more than a minute ahead: invalid.
 * Tokens are minted here with OpenSSL's HMAC.
 */
#include <criterion/criterion.h>

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "jwt.h"

#define NOW ((time_t)1700000000)
#define SECRET "test-secret-0123456789"

/* ------------------------------------------------------------ minting */

/* base64url without padding (or, with pad, standard '=' padding). */
static size_t
b64url_pad(const unsigned char *in, size_t n, char *out, int pad)
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
	if (n - i == 1) {
		unsigned v = (unsigned)in[i] << 16;

		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		if (pad) {
			out[o++] = '=';
			out[o++] = '=';
		}
	} else if (n - i == 2) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;

		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = alphabet[v >> 6 & 63];
		if (pad)
			out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}

static size_t
b64url(const unsigned char *in, size_t n, char *out)
{
	return b64url_pad(in, n, out, 0);
}

/* Appends "." + base64url(HMAC(md, secret, out)) to the signing input in out. */
static void
sign_with(char *out, const EVP_MD *md, const void *secret, size_t secret_len)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	size_t len = strlen(out);

	cr_assert_not_null(HMAC(md, secret, (int)secret_len, (const unsigned char *)out, len, mac,
	    &maclen));
	out[len] = '.';
	b64url(mac, maclen, out + len + 1);
}

/* header.claims.signature, HS256 with secret (out holds >= 2048 bytes). */
static void
mint(char *out, const char *header, const char *claims, const char *secret)
{
	size_t n = b64url((const unsigned char *)header, strlen(header), out);

	out[n++] = '.';
	b64url((const unsigned char *)claims, strlen(claims), out + n);
	sign_with(out, EVP_sha256(), secret, strlen(secret));
}

#define HS256 "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"

/* The claims simplejwt writes, with every time relative to NOW. */
static void
claims_fmt(char *out, size_t size, const char *user_id, long long exp, long long iat)
{
	snprintf(out, size,
	    "{\"token_type\":\"access\",\"exp\":%lld,\"iat\":%lld,"
	    "\"jti\":\"4f2b0c1d9e8a4b7c\",\"user_id\":%s}",
	    exp, iat, user_id);
}

static int
verify(const char *token, time_t now, int64_t *uid, const char **why)
{
	return jwt_verify(token, strlen(token), (const unsigned char *)SECRET, strlen(SECRET), now,
	    uid, why);
}

static void
expect_valid(const char *token, int64_t user_id)
{
	int64_t uid = -1;
	const char *why = NULL;
	int rc = verify(token, NOW, &uid, &why);

	cr_expect_eq(rc, 0, "rejected (%s): %s", why ? why : "?", token);
	cr_expect_eq(uid, user_id, "user_id %" PRId64 ", expected %" PRId64, uid, user_id);
}

static void
expect_invalid(const char *token, const char *what)
{
	int64_t uid = -1;
	const char *why = NULL;
	int rc = verify(token, NOW, &uid, &why);

	cr_expect_eq(rc, -1, "%s: accepted, user_id %" PRId64 ": %s", what, uid, token);
	if (rc != 0)
		cr_expect(why != NULL && why[0] != '\0', "%s: no reason given", what);
}

/* A token with the given claims, HS256 with the right secret. */
static void
expect_claims_invalid(const char *claims, const char *what)
{
	char token[2048];

	mint(token, HS256, claims, SECRET);
	expect_invalid(token, what);
}

static void
expect_claims_valid(const char *claims, int64_t user_id)
{
	char token[2048];

	mint(token, HS256, claims, SECRET);
	expect_valid(token, user_id);
}

/* ------------------------------------------------------------ accepted */

Test(jwt_verify, valid_token)
{
	char claims[256];

	claims_fmt(claims, sizeof(claims), "42", NOW + 300, NOW);
	expect_claims_valid(claims, 42);
}

Test(jwt_verify, large_user_id)
{
	char claims[256];

	claims_fmt(claims, sizeof(claims), "9223372036854775807", NOW + 300, NOW - 10);
	expect_claims_valid(claims, INT64_MAX);
}

Test(jwt_verify, extra_claims_and_scope_not_checked)
{
	expect_claims_valid("{\"token_type\":\"access\",\"exp\":1700000300,\"iat\":1700000000,"
	                    "\"jti\":\"x\",\"user_id\":7,\"scope\":\"nothing\",\"aud\":\"other\"}",
	    7);
}

Test(jwt_verify, header_without_typ)
{
	char claims[256], token[2048];

	claims_fmt(claims, sizeof(claims), "5", NOW + 300, NOW);
	mint(token, "{\"alg\":\"HS256\"}", claims, SECRET);
	expect_valid(token, 5);
}

Test(jwt_verify, secret_length_is_explicit)
{
	static const unsigned char secret[] = {'a', 'b', 0, 'c', 'd'};
	char claims[256], token[2048];
	size_t n;
	int64_t uid = 0;
	const char *why = NULL;

	claims_fmt(claims, sizeof(claims), "3", NOW + 300, NOW);
	n = b64url((const unsigned char *)HS256, strlen(HS256), token);
	token[n++] = '.';
	b64url((const unsigned char *)claims, strlen(claims), token + n);
	sign_with(token, EVP_sha256(), secret, sizeof(secret));

	cr_expect_eq(jwt_verify(token, strlen(token), secret, sizeof(secret), NOW, &uid, &why), 0,
	    "rejected: %s", why ? why : "?");
	cr_expect_eq(uid, 3);
	cr_expect_eq(jwt_verify(token, strlen(token), secret, 2, NOW, &uid, &why), -1);
}

Test(jwt_verify, token_length_is_explicit)
{
	char claims[256], token[2100];
	int64_t uid = 0;
	const char *why = NULL;
	size_t len;

	claims_fmt(claims, sizeof(claims), "8", NOW + 300, NOW);
	mint(token, HS256, claims, SECRET);
	len = strlen(token);
	strcat(token, "garbage");
	cr_expect_eq(jwt_verify(token, len, (const unsigned char *)SECRET, strlen(SECRET), NOW, &uid,
	                 &why), 0, "rejected: %s", why ? why : "?");
	cr_expect_eq(uid, 8);
	/* One byte short of the signature. */
	cr_expect_eq(jwt_verify(token, len - 1, (const unsigned char *)SECRET, strlen(SECRET), NOW,
	                 &uid, &why), -1);
}

/* ------------------------------------------------------------ rejected */

Test(jwt_verify, wrong_secret)
{
	char claims[256], token[2048];

	claims_fmt(claims, sizeof(claims), "42", NOW + 300, NOW);
	mint(token, HS256, claims, "another-secret");
	expect_invalid(token, "wrong secret");
	mint(token, HS256, claims, SECRET "x");
	expect_invalid(token, "secret with one more byte");
}

Test(jwt_verify, no_secret_configured)
{
	char claims[256], token[2048];
	int64_t uid = 0;
	const char *why = NULL;

	claims_fmt(claims, sizeof(claims), "42", NOW + 300, NOW);
	mint(token, HS256, claims, SECRET);
	cr_expect_eq(jwt_verify(token, strlen(token), NULL, 0, NOW, &uid, &why), -1);
	cr_expect_eq(jwt_verify(token, strlen(token), (const unsigned char *)SECRET, 0, NOW, &uid,
	                 &why), -1);
	/* An empty secret would accept HMAC(""): refused too. */
	mint(token, HS256, claims, "");
	cr_expect_eq(jwt_verify(token, strlen(token), (const unsigned char *)"", 0, NOW, &uid, &why),
	    -1);
}

Test(jwt_verify, alg_none_with_empty_signature)
{
	char claims[256], token[2048];
	size_t n;

	claims_fmt(claims, sizeof(claims), "42", NOW + 300, NOW);
	const char *hdr = "{\"alg\":\"none\",\"typ\":\"JWT\"}";

	n = b64url((const unsigned char *)hdr, strlen(hdr), token);
	token[n++] = '.';
	n += b64url((const unsigned char *)claims, strlen(claims), token + n);
	token[n++] = '.';
	token[n] = '\0';
	expect_invalid(token, "alg none, empty signature");
}

Test(jwt_verify, other_algorithms_in_the_header)
{
	static const char *const headers[] = {
		"{\"alg\":\"none\",\"typ\":\"JWT\"}",
		"{\"alg\":\"HS512\",\"typ\":\"JWT\"}",
		"{\"alg\":\"HS384\",\"typ\":\"JWT\"}",
		"{\"alg\":\"RS256\",\"typ\":\"JWT\"}",
		"{\"alg\":\"hs256\",\"typ\":\"JWT\"}",
		"{\"alg\":\"HS256 \",\"typ\":\"JWT\"}",
		"{\"alg\":null,\"typ\":\"JWT\"}",
		"{\"alg\":256}",
		"{\"typ\":\"JWT\"}",
		"{}",
		/* an extension we would have to understand (RFC 7515 4.1.11) */
		"{\"alg\":\"HS256\",\"crit\":[\"exp\"],\"exp\":1}",
	};
	char claims[256], token[2048];

	claims_fmt(claims, sizeof(claims), "42", NOW + 300, NOW);
	for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		/* Correctly HS256-signed, so only the header can reject it. */
		mint(token, headers[i], claims, SECRET);
		expect_invalid(token, headers[i]);
	}
}

Test(jwt_verify, hs512_signed_with_hs512)
{
	char claims[256], token[2048];
	const char *hdr = "{\"alg\":\"HS512\",\"typ\":\"JWT\"}";
	size_t n;

	claims_fmt(claims, sizeof(claims), "42", NOW + 300, NOW);
	n = b64url((const unsigned char *)hdr, strlen(hdr), token);
	token[n++] = '.';
	b64url((const unsigned char *)claims, strlen(claims), token + n);
	sign_with(token, EVP_sha512(), SECRET, strlen(SECRET));
	expect_invalid(token, "HS512");
}

Test(jwt_verify, tampered_payload)
{
	char claims[256], other[256], token[2048], forged[2048], part[512];
	const char *dot1, *dot2;

	claims_fmt(claims, sizeof(claims), "42", NOW + 300, NOW);
	mint(token, HS256, claims, SECRET);
	expect_valid(token, 42);

	/* Same header and signature, claims for another user. */
	claims_fmt(other, sizeof(other), "1", NOW + 300, NOW);
	b64url((const unsigned char *)other, strlen(other), part);
	dot1 = strchr(token, '.');
	dot2 = strchr(dot1 + 1, '.');
	snprintf(forged, sizeof(forged), "%.*s.%s%s", (int)(dot1 - token), token, part, dot2);
	expect_invalid(forged, "claims swapped");

	/* One character of the claims changed. */
	strcpy(forged, token);
	forged[dot1 - token + 5] = forged[dot1 - token + 5] == 'A' ? 'B' : 'A';
	expect_invalid(forged, "claims byte flipped");

	/* One character of the signature changed. */
	strcpy(forged, token);
	forged[dot2 - token + 3] = forged[dot2 - token + 3] == 'A' ? 'B' : 'A';
	expect_invalid(forged, "signature byte flipped");

	/* Signature truncated or empty. */
	strcpy(forged, token);
	forged[strlen(forged) - 4] = '\0';
	expect_invalid(forged, "signature truncated");
	strcpy(forged, token);
	forged[dot2 - token + 1] = '\0';
	expect_invalid(forged, "signature empty");
}

Test(jwt_verify, expiry)
{
	char claims[256];

	claims_fmt(claims, sizeof(claims), "42", NOW, NOW - 300);
	expect_claims_invalid(claims, "exp == now");
	claims_fmt(claims, sizeof(claims), "42", NOW - 1, NOW - 300);
	expect_claims_invalid(claims, "exp == now - 1");
	claims_fmt(claims, sizeof(claims), "42", 0, 0);
	expect_claims_invalid(claims, "exp == 0");
	claims_fmt(claims, sizeof(claims), "42", NOW + 1, NOW - 300);
	expect_claims_valid(claims, 42);
}

Test(jwt_verify, iat_leeway_of_a_minute)
{
	char claims[256];

	claims_fmt(claims, sizeof(claims), "42", NOW + 600, NOW + 59);
	expect_claims_valid(claims, 42);
	claims_fmt(claims, sizeof(claims), "42", NOW + 600, NOW + 60);
	expect_claims_valid(claims, 42);
	claims_fmt(claims, sizeof(claims), "42", NOW + 600, NOW + 61);
	expect_claims_invalid(claims, "iat = now + 61");
	claims_fmt(claims, sizeof(claims), "42", NOW + 6000, NOW + 3600);
	expect_claims_invalid(claims, "iat = now + 3600");
}

Test(jwt_verify, nbf)
{
	char claims[256];

	snprintf(claims, sizeof(claims),
	    "{\"token_type\":\"access\",\"exp\":%lld,\"iat\":%lld,\"jti\":\"j\",\"user_id\":4,"
	    "\"nbf\":%lld}", (long long)NOW + 300, (long long)NOW, (long long)NOW + 10);
	expect_claims_invalid(claims, "nbf in the future");
	snprintf(claims, sizeof(claims),
	    "{\"token_type\":\"access\",\"exp\":%lld,\"iat\":%lld,\"jti\":\"j\",\"user_id\":4,"
	    "\"nbf\":%lld}", (long long)NOW + 300, (long long)NOW, (long long)NOW + 1);
	expect_claims_invalid(claims, "nbf = now + 1");
	snprintf(claims, sizeof(claims),
	    "{\"token_type\":\"access\",\"exp\":%lld,\"iat\":%lld,\"jti\":\"j\",\"user_id\":4,"
	    "\"nbf\":\"soon\"}", (long long)NOW + 300, (long long)NOW);
	expect_claims_invalid(claims, "nbf a string");
	snprintf(claims, sizeof(claims),
	    "{\"token_type\":\"access\",\"exp\":%lld,\"iat\":%lld,\"jti\":\"j\",\"user_id\":4,"
	    "\"nbf\":%lld}", (long long)NOW + 300, (long long)NOW, (long long)NOW);
	expect_claims_valid(claims, 4);
	snprintf(claims, sizeof(claims),
	    "{\"token_type\":\"access\",\"exp\":%lld,\"iat\":%lld,\"jti\":\"j\",\"user_id\":4,"
	    "\"nbf\":%lld}", (long long)NOW + 300, (long long)NOW, (long long)NOW - 100);
	expect_claims_valid(claims, 4);
}

Test(jwt_verify, missing_claims)
{
	/* The valid claims with one left out each time. */
	static const char *const cases[][2] = {
		{"user_id", "{\"token_type\":\"access\",\"exp\":1700000300,\"iat\":1700000000,\"jti\":\"j\"}"},
		{"token_type", "{\"exp\":1700000300,\"iat\":1700000000,\"jti\":\"j\",\"user_id\":4}"},
		{"exp", "{\"token_type\":\"access\",\"iat\":1700000000,\"jti\":\"j\",\"user_id\":4}"},
		{"iat", "{\"token_type\":\"access\",\"exp\":1700000300,\"jti\":\"j\",\"user_id\":4}"},
		{"jti", "{\"token_type\":\"access\",\"exp\":1700000300,\"iat\":1700000000,\"user_id\":4}"},
		{"everything", "{}"},
	};

	/* The full set is accepted, so each rejection is the missing claim's. */
	expect_claims_valid("{\"token_type\":\"access\",\"exp\":1700000300,\"iat\":1700000000,"
	                    "\"jti\":\"j\",\"user_id\":4}", 4);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_claims_invalid(cases[i][1], cases[i][0]);
}

Test(jwt_verify, claims_of_the_wrong_type)
{
	static const char *const cases[][2] = {
		{"user_id string", "{\"token_type\":\"access\",\"exp\":1700000300,\"iat\":1700000000,\"jti\":\"j\",\"user_id\":\"4\"}"},
		{"user_id real", "{\"token_type\":\"access\",\"exp\":1700000300,\"iat\":1700000000,\"jti\":\"j\",\"user_id\":4.0}"},
		{"user_id null", "{\"token_type\":\"access\",\"exp\":1700000300,\"iat\":1700000000,\"jti\":\"j\",\"user_id\":null}"},
		{"user_id bool", "{\"token_type\":\"access\",\"exp\":1700000300,\"iat\":1700000000,\"jti\":\"j\",\"user_id\":true}"},
		{"token_type refresh", "{\"token_type\":\"refresh\",\"exp\":1700000300,\"iat\":1700000000,\"jti\":\"j\",\"user_id\":4}"},
		{"token_type Access", "{\"token_type\":\"Access\",\"exp\":1700000300,\"iat\":1700000000,\"jti\":\"j\",\"user_id\":4}"},
		{"token_type number", "{\"token_type\":1,\"exp\":1700000300,\"iat\":1700000000,\"jti\":\"j\",\"user_id\":4}"},
		{"exp string", "{\"token_type\":\"access\",\"exp\":\"1700000300\",\"iat\":1700000000,\"jti\":\"j\",\"user_id\":4}"},
		{"exp real", "{\"token_type\":\"access\",\"exp\":1700000300.5,\"iat\":1700000000,\"jti\":\"j\",\"user_id\":4}"},
		{"iat string", "{\"token_type\":\"access\",\"exp\":1700000300,\"iat\":\"1700000000\",\"jti\":\"j\",\"user_id\":4}"},
		{"iat null", "{\"token_type\":\"access\",\"exp\":1700000300,\"iat\":null,\"jti\":\"j\",\"user_id\":4}"},
		{"jti number", "{\"token_type\":\"access\",\"exp\":1700000300,\"iat\":1700000000,\"jti\":5,\"user_id\":4}"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_claims_invalid(cases[i][1], cases[i][0]);
}

Test(jwt_verify, duplicate_keys)
{
	expect_claims_invalid("{\"token_type\":\"access\",\"exp\":1700000300,\"iat\":1700000000,"
	                      "\"jti\":\"j\",\"user_id\":4,\"user_id\":1}", "duplicate user_id");
	expect_claims_invalid("{\"token_type\":\"refresh\",\"exp\":1700000300,\"iat\":1700000000,"
	                      "\"jti\":\"j\",\"user_id\":4,\"token_type\":\"access\"}",
	    "duplicate token_type");

	char claims[256], token[2048];

	claims_fmt(claims, sizeof(claims), "4", NOW + 300, NOW);
	mint(token, "{\"alg\":\"none\",\"alg\":\"HS256\"}", claims, SECRET);
	expect_invalid(token, "duplicate alg in the header");
}

Test(jwt_verify, parts_that_are_not_json_objects)
{
	static const char *const bodies[] = {
		"[]", "[1]", "42", "\"claims\"", "null", "true", "", "{", "{\"user_id\":4",
		"{\"user_id\":4}garbage", "{'user_id':4}",
	};
	char claims[256], token[2048];

	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		mint(token, HS256, bodies[i], SECRET);
		expect_invalid(token, bodies[i]);
	}
	/* The same for the header. */
	claims_fmt(claims, sizeof(claims), "4", NOW + 300, NOW);
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		mint(token, bodies[i], claims, SECRET);
		expect_invalid(token, bodies[i]);
	}
}

Test(jwt_verify, not_base64url)
{
	char claims[256], token[2048], raw[1024];
	size_t n;

	claims_fmt(claims, sizeof(claims), "42", NOW + 300, NOW);

	/* Padded parts, correctly signed over the padded form. */
	n = b64url_pad((const unsigned char *)HS256, strlen(HS256), token, 1);
	token[n++] = '.';
	b64url_pad((const unsigned char *)claims, strlen(claims), token + n, 1);
	cr_assert(strchr(token, '=') != NULL, "test setup: no padding in %s", token);
	sign_with(token, EVP_sha256(), SECRET, strlen(SECRET));
	expect_invalid(token, "padding '='");

	/* A padded signature over a valid signing input. */
	mint(token, HS256, claims, SECRET);
	strcat(token, "=");
	expect_invalid(token, "padded signature");

	/*
	 * Standard base64 characters '+' and '/' in place of one claims
	 * character, signed over that text, so only the alphabet is wrong.
	 */
	for (int k = 0; k < 2; k++) {
		n = b64url((const unsigned char *)HS256, strlen(HS256), raw);
		raw[n++] = '.';
		b64url((const unsigned char *)claims, strlen(claims), raw + n);
		raw[n + 4] = k == 0 ? '+' : '/';
		strcpy(token, raw);
		sign_with(token, EVP_sha256(), SECRET, strlen(SECRET));
		expect_invalid(token, k == 0 ? "'+' in claims" : "'/' in claims");
	}

	/* Blanks and other bytes. */
	mint(token, HS256, claims, SECRET);
	memmove(token + 3, token + 2, strlen(token + 2) + 1);
	token[2] = ' ';
	expect_invalid(token, "blank inside");
}

Test(jwt_verify, wrong_number_of_parts)
{
	char claims[256], token[2048];

	claims_fmt(claims, sizeof(claims), "42", NOW + 300, NOW);
	mint(token, HS256, claims, SECRET);
	expect_invalid(strchr(token, '.') + 1, "two parts");
	strcat(token, ".AAAA");
	expect_invalid(token, "four parts");
	expect_invalid("", "empty");
	expect_invalid("..", "three empty parts");
	expect_invalid("abc", "one part");
}

/* ------------------------------------------------------------ jwt_is_jwt */

Test(jwt_is_jwt, shape)
{
	static const struct {
		const char *s;
		bool jwt;
	} cases[] = {
		{"a.b.c", true},
		{"eyJh.eyJ1.sig-_", true},
		{"a.b.", true},
		{"a.b", false},
		{"a.b.c.d", false},
		{"abc", false},
		{"", false},
		{"a+b.c.d", false},
		{"a/b.c.d", false},
		{"a.b.c=", false},
		{"a b.c.d", false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(jwt_is_jwt(cases[i].s, strlen(cases[i].s)), cases[i].jwt,
		    "jwt_is_jwt(\"%s\") != %d", cases[i].s, cases[i].jwt);
}

/* ------------------------------------------------------------ base64url */

Test(jwt_base64url_decode, canonical_vectors)
{
	static const struct {
		const char *in;
		const char *out;
		size_t len;
	} cases[] = {
		{"", "", 0},
		{"Zg", "f", 1},
		{"Zm8", "fo", 2},
		{"Zm9v", "foo", 3},
		{"Zm9vYg", "foob", 4},
		{"Zm9vYmE", "fooba", 5},
		{"Zm9vYmFy", "foobar", 6},
		{"-_-_", "\xfb\xff\xbf", 3},
		{"AA", "\0", 1},
		{"_w", "\xff", 1},
		{"__8", "\xff\xff", 2},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned char dst[64];
		long n = jwt_base64url_decode(cases[i].in, strlen(cases[i].in), dst, sizeof(dst));

		cr_expect_eq(n, (long)cases[i].len, "decode(\"%s\") = %ld, expected %zu", cases[i].in, n,
		    cases[i].len);
		if (n == (long)cases[i].len)
			cr_expect(memcmp(dst, cases[i].out, cases[i].len) == 0, "decode(\"%s\") bytes",
			    cases[i].in);
	}
}

Test(jwt_base64url_decode, rejected)
{
	static const char *const cases[] = {
		"A",		/* length % 4 == 1, even with no bits set */
		"AAAAA",
		"Z",
		"Zm9vY",
		"Zm9vYmFyZ",
		"Zh",		/* non-canonical: unused bits set */
		"Zm9",
		"_x",
		"__9",
		"Zg==",		/* padding */
		"Zm8=",
		"Zm+v",		/* standard base64 */
		"Zm/v",
		"Zm9v\n",
		" Zm9v",
		"Zm.v",
		"Zm9v\xc3\xa9",
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned char dst[64];
		long n = jwt_base64url_decode(cases[i], strlen(cases[i]), dst, sizeof(dst));

		cr_expect_eq(n, -1, "decode(\"%s\") = %ld, expected -1", cases[i], n);
	}
}

Test(jwt_base64url_decode, round_trip_every_length)
{
	unsigned char in[64], out[128];
	char enc[128];

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 37 + 11);
	for (size_t n = 0; n <= sizeof(in); n++) {
		size_t elen = b64url(in, n, enc);
		long got = jwt_base64url_decode(enc, elen, out, sizeof(out));

		cr_expect_eq(got, (long)n, "length %zu: decoded %ld", n, got);
		if (got == (long)n)
			cr_expect(memcmp(in, out, n) == 0, "length %zu: bytes differ", n);
	}
}
