/*
 * The whole request path above the store: a fuzzed PARAMS stream (FastCGI
 * name-value pairs, as the gate accepts them) becomes the environment
 * libfcgi would build ("name=value", cut at a NUL as a C string is), then
 * request_from_env -> app_handle -> resp_serialize.  The store is the real
 * one, pointed at a database socket that does not exist, so requests that
 * get that far end in its 503 path: no mock database anywhere.  Checked:
 * the status is one the contract lists, the headers are CGI headers with no
 * stray CR/LF, a Location is header-safe, and the body is JSON (jansson).
 */
#include "config.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app.h"
#include "buf.h"
#include "gate.h"
#include "request.h"
#include "response.h"

#define MAX_ENV 256

static size_t
plen(const unsigned char *p, size_t *at)
{
	size_t v;

	if (p[*at] < 0x80)
		return p[(*at)++];
	v = ((size_t)(p[*at] & 0x7f) << 24) | ((size_t)p[*at + 1] << 16) | ((size_t)p[*at + 2] << 8)
	    | p[*at + 3];
	*at += 4;
	return v;
}

static void
check_response(const struct buf *out, bool head)
{
	const char *s = out->data, *end = s + out->len, *sep;
	int status;

	assert(out->len > 8 && strncmp(s, "Status: ", 8) == 0);
	status = atoi(s + 8);
	assert(status == 200 || status == 301 || status == 400 || status == 401 || status == 404
	    || status == 405 || status == 503);
	sep = memmem(s, out->len, "\r\n\r\n", 4);
	assert(sep != NULL);
	for (const char *line = s; line < sep + 2;) {
		const char *eol = memmem(line, (size_t)(sep + 2 - line), "\r\n", 2);

		assert(eol != NULL && memchr(line, ':', (size_t)(eol - line)) != NULL);
		for (const char *c = line; c < eol; c++)
			assert(*c != '\r' && *c != '\n' && *c != '\0');
		if (strncmp(line, "Location: ", 10) == 0)
			for (const char *c = line + 10; c < eol; c++)
				assert((unsigned char)*c > 0x20 && (unsigned char)*c < 0x7f);
		line = eol + 2;
	}
	const char *body = sep + 4;

	if (head || body == end)
		return;
	json_t *j = json_loadb(body, (size_t)(end - body), 0, NULL);

	assert(j != NULL && json_is_object(j));
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct conf conf;
	static struct app app;
	static struct buf out;
	static int ready;
	char *env[MAX_ENV + 1];
	size_t n = 0, at = 0, npairs;
	struct request req;
	struct response resp;

	if (!ready) {
		conf_defaults(&conf);
		conf.db_socket = "/nonexistent/fuzz-no-database.sock";
		conf.db_user = "fuzz";
		conf.db_name = "fuzz";
		conf.db_connect_timeout = 1;
		conf.jwt_secret = "fuzz-secret";
		conf.jwt_secret_len = strlen(conf.jwt_secret);
		app_init(&app, &conf);
		ready = 1;
	}
	if (size < 1 || !gate_pairs_valid(data + 1, size - 1, &npairs) || npairs > MAX_ENV)
		return 0;
	/* Half the inputs with a base_url, as production should run. */
	conf.base_url = data[0] & 1 ? "https://community.example.com" : NULL;
	data++;
	size--;
	while (at < size) {
		size_t nl = plen(data, &at), vl = plen(data, &at);
		char *e = malloc(nl + vl + 2);

		memcpy(e, data + at, nl);
		e[nl] = '=';
		memcpy(e + nl + 1, data + at + nl, vl);
		e[nl + vl + 1] = '\0';
		env[n++] = e;
		at += nl + vl;
	}
	env[n] = NULL;

	request_from_env(&req, env, &app.arena);
	app_handle(&app, &req, &resp);
	out.len = 0;
	resp_serialize(&resp, strcmp(req.method, "HEAD") == 0, &out);
	check_response(&out, strcmp(req.method, "HEAD") == 0);
	resp_clear(&resp);
	arena_reset(&app.arena);
	for (size_t i = 0; i < n; i++)
		free(env[i]);
	return 0;
}
