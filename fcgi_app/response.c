#include "config.h"

#include <string.h>

#include "response.h"

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 301: return "Moved Permanently";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

void
resp_init(struct response *r)
{
	memset(r, 0, sizeof(*r));
	r->status = 200;
}

void
resp_clear(struct response *r)
{
	json_decref(r->body);
	resp_init(r);
}

void
resp_json(struct response *r, int status, json_t *body)
{
	json_decref(r->body);
	r->status = status;
	r->body = body;
	r->raw = NULL;
	r->raw_len = 0;
}

void
resp_json_text(struct response *r, int status, const char *text, size_t len)
{
	json_decref(r->body);
	r->body = NULL;
	r->status = status;
	r->raw = text;
	r->raw_len = len;
}

void
resp_error(struct response *r, int status, const char *code, const char *message)
{
	json_t *e = json_object();

	json_object_set_new_nocheck(e, "code", json_string(code));
	json_object_set_new_nocheck(e, "message", json_string(message));
	resp_json(r, status, json_pack("{s:[o]}", "errors", e));
}

void
resp_field_errors(struct response *r, const struct field_error *errors, size_t n)
{
	json_t *list = json_array();

	for (size_t i = 0; i < n; i++) {
		json_t *msg = json_object(), *entry = json_object();

		json_object_set_new_nocheck(msg, "code", json_string("invalid"));
		json_object_set_new_nocheck(msg, "message", json_string(errors[i].message));
		json_object_set_new_nocheck(entry, "field", json_string(errors[i].field));
		json_object_set_new_nocheck(entry, "messages", json_pack("[o]", msg));
		json_array_append_new(list, entry);
	}
	resp_json(r, 400, json_pack("{s:o}", "errors", list));
}

static int
dump_to_buf(const char *s, size_t len, void *arg)
{
	buf_append(arg, s, len);
	return 0;
}

size_t
resp_serialize(const struct response *r, bool head_only, struct buf *out)
{
	size_t header_end, body_len;

	buf_reset(out);
	buf_printf(out, "Status: %d %s\r\n", r->status, reason(r->status));
	if (r->location != NULL)
		buf_printf(out, "Location: %s\r\n", r->location);
	if (r->allow)
		buf_puts(out, "Allow: GET, HEAD\r\n");
	if (r->authenticate)
		buf_puts(out, "WWW-Authenticate: Bearer realm=\"api\"\r\n");
	if (r->retry_after > 0)
		buf_printf(out, "Retry-After: %u\r\n", r->retry_after);
	if (r->body != NULL || r->raw != NULL) {
		buf_puts(out, "Content-Type: ");
		buf_puts(out, r->content_type != NULL ? r->content_type : "application/json");
		buf_puts(out, "\r\n");
	}
	buf_puts(out, "X-Content-Type-Options: nosniff\r\n");

	/* The body goes after the headers; its length is known once dumped. */
	header_end = out->len;
	if (r->raw != NULL)
		buf_append(out, r->raw, r->raw_len);
	else if (r->body != NULL)
		json_dump_callback(r->body, dump_to_buf, out, JSON_COMPACT);
	body_len = out->len - header_end;

	char length[64];
	int n = snprintf(length, sizeof(length), "Content-Length: %zu\r\n\r\n", body_len);
	size_t total = out->len + (size_t)n;

	/* Move the body up to make room for Content-Length and the blank line. */
	buf_append(out, length, (size_t)n);
	memmove(out->data + header_end + n, out->data + header_end, body_len);
	memcpy(out->data + header_end, length, (size_t)n);
	out->len = head_only ? header_end + (size_t)n : total;
	out->data[out->len] = '\0';
	return head_only ? 0 : body_len;
}
