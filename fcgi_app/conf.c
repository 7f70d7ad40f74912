#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "conf.h"
#include "gate.h"
#include "log.h"
#include "params.h"
#include "peer.h"

#define CONF_LINE_MAX 4096

void
conf_defaults(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	c->db_port = 3306;
	c->db_connect_timeout = 2;
	c->db_read_timeout = 5;
	c->db_write_timeout = 5;
	c->limit_default = 20;
	c->limit_max = 100;
	c->deep_offset = 1000;
	c->prefs_cache_ttl = 5;
	c->maintain_interval_ms = 200;
	c->maintain_batch = 2000;
	c->retry_after = 5;
	c->socket_mode = 0660;
	c->max_requests = 10000;
	c->shutdown_timeout = 10;
	c->slow_request_ms = 1000;
	c->request_timeout = 10;
	c->keepalive_timeout = 75;
	c->params_max_bytes = 65536;
	c->query_max_bytes = 8192;
	c->query_max_params = 1000;
	c->authorization_max_bytes = 8192;
}


static void
set_string(char **slot, const char *value)
{
	free(*slot);
	*slot = value[0] != '\0' ? xstrdup(value) : NULL;
}

static int
parse_ranged(const char *key, const char *value, int64_t min, int64_t max, int64_t *v,
    char *err, size_t errlen)
{
	if (parse_int64(value, strlen(value), v) != INT_OK || *v < min || *v > max)
		return errorf(err, errlen, "%s must be an integer from %lld to %lld", key,
		    (long long)min, (long long)max);
	return 0;
}

static int
set_unsigned(unsigned *slot, const char *key, const char *value, unsigned min, unsigned max,
    char *err, size_t errlen)
{
	int64_t v;

	if (parse_ranged(key, value, min, max, &v, err, errlen) != 0)
		return -1;
	*slot = (unsigned)v;
	return 0;
}

static int
set_int64(int64_t *slot, const char *key, const char *value, int64_t min, int64_t max,
    char *err, size_t errlen)
{
	int64_t v;

	if (parse_ranged(key, value, min, max, &v, err, errlen) != 0)
		return -1;
	*slot = v;
	return 0;
}

static int
set_size(size_t *slot, const char *key, const char *value, int64_t min, int64_t max,
    char *err, size_t errlen)
{
	int64_t v;

	if (parse_ranged(key, value, min, max, &v, err, errlen) != 0)
		return -1;
	*slot = (size_t)v;
	return 0;
}

/* Reads a secret from a file: the whole content less one trailing newline. */
static int
read_secret_file(const char *path, char **out, size_t *outlen, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char buf[4096];
	size_t n;

	if (f == NULL)
		return errorf(err, errlen, "cannot open %s: %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf), f);
	if (ferror(f) || !feof(f)) {
		fclose(f);
		return errorf(err, errlen, "cannot read %s (over %zu bytes?)", path, sizeof(buf) - 1);
	}
	fclose(f);
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	free(*out);
	*out = xmalloc(n + 1);
	memcpy(*out, buf, n);
	(*out)[n] = '\0';
	if (outlen != NULL)
		*outlen = n;
	return 0;
}

static int
set_base_url(struct conf *c, const char *value, char *err, size_t errlen)
{
	size_t len = strlen(value);
	const char *host;

	if (len == 0) {
		set_string(&c->base_url, "");
		return 0;
	}
	if (strncmp(value, "http://", 7) == 0)
		host = value + 7;
	else if (strncmp(value, "https://", 8) == 0)
		host = value + 8;
	else
		return errorf(err, errlen, "base_url must start with http:// or https://");
	if (*host == '\0' || *host == '/')
		return errorf(err, errlen, "base_url has no host");
	for (const char *p = value; *p; p++) {
		/* Bytes past ASCII too: a URL in a header is ASCII (an IDN host is punycode). */
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == '?' || *p == '#'
		    || *p == '"' || *p == '\\')
			return errorf(err, errlen, "base_url may not contain blanks, non-ASCII bytes, '?', '#', "
			    "quotes or backslashes");
	}
	while (len > 0 && value[len - 1] == '/')
		len--;
	free(c->base_url);
	c->base_url = xmalloc(len + 1);
	memcpy(c->base_url, value, len);
	c->base_url[len] = '\0';
	return 0;
}

static int
set_bool(bool *slot, const char *key, const char *value, char *err, size_t errlen)
{
	if (strcmp(value, "on") == 0 || strcmp(value, "yes") == 0 || strcmp(value, "true") == 0
	    || strcmp(value, "1") == 0)
		*slot = true;
	else if (strcmp(value, "off") == 0 || strcmp(value, "no") == 0 || strcmp(value, "false") == 0
	    || strcmp(value, "0") == 0)
		*slot = false;
	else
		return errorf(err, errlen, "%s must be on or off", key);
	return 0;
}

static int
set_status_path(struct conf *c, const char *value, char *err, size_t errlen)
{
	if (value[0] == '\0') {
		set_string(&c->status_path, "");
		return 0;
	}
	if (value[0] != '/' || strlen(value) > 256)
		return errorf(err, errlen, "status_path must be a path starting with '/'");
	for (const char *p = value; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '?' || *p == '#' || *p == '%')
			return errorf(err, errlen, "status_path may not contain blanks, '?', '#' or '%%'");
	set_string(&c->status_path, value);
	return 0;
}

int
conf_set(struct conf *c, const char *key, const char *value, char *err, size_t errlen)
{
	if (strcmp(key, "db_socket") == 0)
		set_string(&c->db_socket, value);
	else if (strcmp(key, "db_host") == 0)
		set_string(&c->db_host, value);
	else if (strcmp(key, "db_port") == 0)
		return set_unsigned(&c->db_port, key, value, 1, 65535, err, errlen);
	else if (strcmp(key, "db_user") == 0)
		set_string(&c->db_user, value);
	else if (strcmp(key, "db_password") == 0)
		set_string(&c->db_password, value);
	else if (strcmp(key, "db_password_file") == 0)
		return read_secret_file(value, &c->db_password, NULL, err, errlen);
	else if (strcmp(key, "db_name") == 0)
		set_string(&c->db_name, value);
	else if (strcmp(key, "db_connect_timeout") == 0)
		return set_unsigned(&c->db_connect_timeout, key, value, 1, 3600, err, errlen);
	else if (strcmp(key, "db_read_timeout") == 0)
		return set_unsigned(&c->db_read_timeout, key, value, 1, 3600, err, errlen);
	else if (strcmp(key, "db_write_timeout") == 0)
		return set_unsigned(&c->db_write_timeout, key, value, 1, 3600, err, errlen);
	else if (strcmp(key, "jwt_secret") == 0) {
		set_string(&c->jwt_secret, value);
		c->jwt_secret_len = c->jwt_secret ? strlen(c->jwt_secret) : 0;
	} else if (strcmp(key, "jwt_secret_file") == 0)
		return read_secret_file(value, &c->jwt_secret, &c->jwt_secret_len, err, errlen);
	else if (strcmp(key, "limit_default") == 0)
		return set_int64(&c->limit_default, key, value, 1, 100000, err, errlen);
	else if (strcmp(key, "limit_max") == 0)
		return set_int64(&c->limit_max, key, value, 1, 100000, err, errlen);
	else if (strcmp(key, "deep_offset") == 0)
		return set_int64(&c->deep_offset, key, value, 0, INT64_MAX, err, errlen);
	else if (strcmp(key, "base_url") == 0)
		return set_base_url(c, value, err, errlen);
	else if (strcmp(key, "prefs_cache_ttl") == 0)
		return set_unsigned(&c->prefs_cache_ttl, key, value, 0, 86400, err, errlen);
	else if (strcmp(key, "maintain_interval_ms") == 0)
		return set_unsigned(&c->maintain_interval_ms, key, value, 0, 3600000, err, errlen);
	else if (strcmp(key, "maintain_batch") == 0)
		return set_unsigned(&c->maintain_batch, key, value, 1, 100000, err, errlen);
	else if (strcmp(key, "retry_after") == 0)
		return set_unsigned(&c->retry_after, key, value, 1, 86400, err, errlen);
	else if (strcmp(key, "listen") == 0)
		set_string(&c->listen, value);
	else if (strcmp(key, "socket_mode") == 0) {
		char *end;
		unsigned long m;

		errno = 0;
		m = strtoul(value, &end, 8);
		if (errno != 0 || end == value || *end != '\0' || m > 0777)
			return errorf(err, errlen, "socket_mode must be an octal mode such as 0660");
		c->socket_mode = (unsigned)m;
	} else if (strcmp(key, "log_level") == 0) {
		enum log_level level;

		if (log_parse_level(value, &level) != 0)
			return errorf(err, errlen, "log_level must be error, warn, info or debug");
		set_string(&c->log_level, value);
	} else if (strcmp(key, "workers") == 0)
		return set_unsigned(&c->workers, key, value, 0, 1024, err, errlen);
	else if (strcmp(key, "max_requests") == 0) {
		int64_t v;

		if (parse_ranged(key, value, 0, 1000000000, &v, err, errlen) != 0)
			return -1;
		c->max_requests = (unsigned long)v;
	} else if (strcmp(key, "shutdown_timeout") == 0)
		return set_unsigned(&c->shutdown_timeout, key, value, 1, 3600, err, errlen);
	else if (strcmp(key, "user") == 0)
		set_string(&c->user, value);
	else if (strcmp(key, "group") == 0)
		set_string(&c->group, value);
	else if (strcmp(key, "pid_file") == 0)
		set_string(&c->pid_file, value);
	else if (strcmp(key, "status_path") == 0)
		return set_status_path(c, value, err, errlen);
	else if (strcmp(key, "request_log") == 0)
		return set_bool(&c->request_log, key, value, err, errlen);
	else if (strcmp(key, "slow_request_ms") == 0)
		return set_unsigned(&c->slow_request_ms, key, value, 0, 3600000, err, errlen);
	else if (strcmp(key, "log_format") == 0) {
		if (strcmp(value, "text") != 0 && strcmp(value, "json") != 0)
			return errorf(err, errlen, "log_format must be text or json");
		c->log_json = strcmp(value, "json") == 0;
	} else if (strcmp(key, "request_timeout") == 0)
		return set_unsigned(&c->request_timeout, key, value, 1, 3600, err, errlen);
	else if (strcmp(key, "keepalive_timeout") == 0)
		return set_unsigned(&c->keepalive_timeout, key, value, 1, 86400, err, errlen);
	else if (strcmp(key, "allowed_clients") == 0) {
		struct peer_acl acl;

		if (peer_acl_parse(value, &acl, err, errlen) != 0)
			return -1;
		set_string(&c->allowed_clients, value);
	} else if (strcmp(key, "params_max_bytes") == 0)
		return set_size(&c->params_max_bytes, key, value, 1024, GATE_PARAMS_MAX, err, errlen);
	else if (strcmp(key, "query_max_bytes") == 0)
		return set_size(&c->query_max_bytes, key, value, 64, GATE_PARAMS_MAX, err, errlen);
	else if (strcmp(key, "query_max_params") == 0)
		return set_size(&c->query_max_params, key, value, 3, 1000000, err, errlen);
	else if (strcmp(key, "authorization_max_bytes") == 0)
		return set_size(&c->authorization_max_bytes, key, value, 64, GATE_PARAMS_MAX, err, errlen);
	else
		return errorf(err, errlen, "unknown key '%s'", key);
	return 0;
}

static char *
trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

int
conf_load(struct conf *c, const char *path, char *err, size_t errlen)
{
	char line[CONF_LINE_MAX], why[512];
	unsigned lineno = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return errorf(err, errlen, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL) {
		char *key, *value, *eq;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			fclose(f);
			return errorf(err, errlen, "%s:%u: line too long", path, lineno);
		}
		key = trim(line);
		if (*key == '\0' || *key == '#')
			continue;
		if ((eq = strchr(key, '=')) == NULL) {
			fclose(f);
			return errorf(err, errlen, "%s:%u: expected 'key = value'", path, lineno);
		}
		*eq = '\0';
		value = trim(eq + 1);
		key = trim(key);
		if (conf_set(c, key, value, why, sizeof(why)) != 0) {
			fclose(f);
			return errorf(err, errlen, "%s:%u: %s", path, lineno, why);
		}
	}
	fclose(f);
	return 0;
}

int
conf_validate(const struct conf *c, char *err, size_t errlen)
{
	if (c->db_name == NULL)
		return errorf(err, errlen, "db_name is required");
	if (c->db_user == NULL)
		return errorf(err, errlen, "db_user is required");
	if (c->db_socket == NULL && c->db_host == NULL)
		return errorf(err, errlen, "db_socket or db_host is required");
	if (c->limit_default > c->limit_max)
		return errorf(err, errlen, "limit_default (%lld) exceeds limit_max (%lld)",
		    (long long)c->limit_default, (long long)c->limit_max);
	return 0;
}

void
conf_free(struct conf *c)
{
	if (c->jwt_secret != NULL)
		memset(c->jwt_secret, 0, c->jwt_secret_len);
	if (c->db_password != NULL)
		memset(c->db_password, 0, strlen(c->db_password));
	free(c->db_socket);
	free(c->db_host);
	free(c->db_user);
	free(c->db_password);
	free(c->db_name);
	free(c->jwt_secret);
	free(c->base_url);
	free(c->listen);
	free(c->log_level);
	free(c->user);
	free(c->group);
	free(c->pid_file);
	free(c->status_path);
	free(c->allowed_clients);
	memset(c, 0, sizeof(*c));
}
