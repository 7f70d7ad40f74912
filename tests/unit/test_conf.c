/*
 * conf.h: "key = value" lines, '#' comments, blank lines; errors as
 * "FILE:LINE: reason"; cross-key checks in conf_validate.  Files are written
 * to mkstemp(3) temporaries and removed afterwards.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

#define MAX_TMP 4

static char tmp_paths[MAX_TMP][64];
static int ntmp;
static struct conf conf;
static char err[512];

static void
setup(void)
{
	ntmp = 0;
	conf_defaults(&conf);
	err[0] = '\0';
}

static void
teardown(void)
{
	conf_free(&conf);
	for (int i = 0; i < ntmp; i++)
		unlink(tmp_paths[i]);
}

TestSuite(conf, .init = setup, .fini = teardown);

/* Writes content to a new temporary file; returns its path. */
static const char *
write_tmp(const char *content)
{
	char *path;
	int fd;
	size_t len = strlen(content);

	cr_assert_lt(ntmp, MAX_TMP);
	path = tmp_paths[ntmp++];
	snprintf(path, 64, "/tmp/followings-conf-test-XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0, "mkstemp failed");
	cr_assert_eq(write(fd, content, len), (ssize_t)len);
	close(fd);
	return path;
}

static int
load(const char *content)
{
	return conf_load(&conf, write_tmp(content), err, sizeof(err));
}

#define MINIMAL "db_name = app\ndb_user = app\ndb_socket = /run/mysqld/mysqld.sock\n"

/* ------------------------------------------------------------ defaults */

Test(conf, defaults)
{
	cr_expect_eq(conf.limit_default, 20);
	cr_expect_eq(conf.limit_max, 100);
	cr_expect_eq(conf.prefs_cache_ttl, 5);
	cr_expect_eq(conf.db_connect_timeout, 2);
	cr_expect_eq(conf.db_read_timeout, 5);
	cr_expect_eq(conf.db_write_timeout, 5);
	cr_expect_eq(conf.db_port, 3306);
	cr_expect_eq(conf.retry_after, 5);
	cr_expect_null(conf.jwt_secret);
	cr_expect_eq(conf.jwt_secret_len, 0);
	cr_expect_null(conf.base_url);
	cr_expect_null(conf.db_name);
	cr_expect_null(conf.db_user);
	cr_expect_null(conf.db_socket);
	cr_expect_null(conf.db_host);
	cr_expect_eq(conf.deep_offset, 1000);
	cr_expect_eq(conf.max_requests, 10000);
	cr_expect_eq(conf.shutdown_timeout, 10);
	cr_expect_eq(conf.workers, 0);
	cr_expect_null(conf.user);
	cr_expect_null(conf.pid_file);
}

Test(conf, upkeep_keys)
{
	cr_expect_eq(conf.maintain_interval_ms, 200);
	cr_expect_eq(conf.maintain_batch, 2000);
	cr_assert_eq(conf_set(&conf, "maintain_interval_ms", "0", err, sizeof(err)), 0);
	cr_expect_eq(conf.maintain_interval_ms, 0);
	cr_assert_eq(conf_set(&conf, "maintain_interval_ms", "3600000", err, sizeof(err)), 0);
	cr_expect_neq(conf_set(&conf, "maintain_interval_ms", "3600001", err, sizeof(err)), 0);
	cr_expect_neq(conf_set(&conf, "maintain_interval_ms", "-1", err, sizeof(err)), 0);
	cr_assert_eq(conf_set(&conf, "maintain_batch", "100000", err, sizeof(err)), 0);
	cr_expect_eq(conf.maintain_batch, 100000);
	cr_expect_neq(conf_set(&conf, "maintain_batch", "0", err, sizeof(err)), 0);
	cr_expect_neq(conf_set(&conf, "maintain_batch", "100001", err, sizeof(err)), 0);
}

Test(conf, process_and_paging_keys)
{
	cr_assert_eq(conf_set(&conf, "deep_offset", "0", err, sizeof(err)), 0);
	cr_expect_eq(conf.deep_offset, 0);
	cr_expect_neq(conf_set(&conf, "deep_offset", "-1", err, sizeof(err)), 0);
	cr_expect_neq(conf_set(&conf, "deep_offset", "x", err, sizeof(err)), 0);
	cr_assert_eq(conf_set(&conf, "workers", "12", err, sizeof(err)), 0);
	cr_expect_eq(conf.workers, 12);
	cr_expect_neq(conf_set(&conf, "workers", "5000", err, sizeof(err)), 0);
	cr_assert_eq(conf_set(&conf, "max_requests", "0", err, sizeof(err)), 0);
	cr_expect_eq(conf.max_requests, 0);
	cr_expect_neq(conf_set(&conf, "max_requests", "-3", err, sizeof(err)), 0);
	cr_expect_neq(conf_set(&conf, "shutdown_timeout", "0", err, sizeof(err)), 0);
	cr_assert_eq(conf_set(&conf, "user", "nobody", err, sizeof(err)), 0);
	cr_expect_str_eq(conf.user, "nobody");
	cr_assert_eq(conf_set(&conf, "pid_file", "/run/x.pid", err, sizeof(err)), 0);
	cr_expect_str_eq(conf.pid_file, "/run/x.pid");
}

Test(conf, file_values_override_the_defaults_and_each_other)
{
	cr_assert_eq(load(MINIMAL "limit_default = 10\nlimit_max = 50\nprefs_cache_ttl = 0\n"
	                  "db_read_timeout = 30\ndb_port = 3307\ndb_name = other\n"), 0, "%s", err);
	cr_expect_str_eq(conf.db_name, "other");
	cr_expect_str_eq(conf.db_user, "app");
	cr_expect_str_eq(conf.db_socket, "/run/mysqld/mysqld.sock");
	cr_expect_eq(conf.limit_default, 10);
	cr_expect_eq(conf.limit_max, 50);
	cr_expect_eq(conf.prefs_cache_ttl, 0);
	cr_expect_eq(conf.db_read_timeout, 30);
	cr_expect_eq(conf.db_port, 3307);
	/* Keys not in the file keep their defaults. */
	cr_expect_eq(conf.db_connect_timeout, 2);
	cr_expect_eq(conf.db_write_timeout, 5);
	cr_expect_eq(conf_validate(&conf, err, sizeof(err)), 0, "%s", err);
}

/* ------------------------------------------------------------ syntax */

Test(conf, comments_blanks_and_trimming)
{
	cr_assert_eq(load("# a comment\n"
	                  "\n"
	                  "   # an indented comment = with an equals sign\n"
	                  "\t\n"
	                  "   \n"
	                  "db_name=app\n"
	                  "  db_user   =   some user  \n"
	                  "\tdb_host\t=\tdb.internal\t\n"
	                  "db_password = pa#ss=word # not a comment\n"), 0, "%s", err);
	cr_expect_str_eq(conf.db_name, "app");
	cr_expect_str_eq(conf.db_user, "some user");
	cr_expect_str_eq(conf.db_host, "db.internal");
	cr_expect_str_eq(conf.db_password, "pa#ss=word # not a comment");
}

Test(conf, crlf_line_endings)
{
	cr_assert_eq(load("db_name = app\r\ndb_user = u\r\nlimit_max = 50\r\n"), 0, "%s", err);
	cr_expect_str_eq(conf.db_name, "app");
	cr_expect_str_eq(conf.db_user, "u");
	cr_expect_eq(conf.limit_max, 50);
}

Test(conf, last_line_without_newline)
{
	cr_assert_eq(load("db_name = app\ndb_user = u"), 0, "%s", err);
	cr_expect_str_eq(conf.db_user, "u");
}

Test(conf, empty_file)
{
	cr_expect_eq(load(""), 0, "%s", err);
	cr_expect_eq(conf.limit_default, 20);
}

Test(conf, unknown_key_names_file_and_line)
{
	const char *path = write_tmp("db_name = app\n# comment\nbogus_key = 1\ndb_user = u\n");
	char prefix[128];

	cr_assert_eq(conf_load(&conf, path, err, sizeof(err)), -1);
	snprintf(prefix, sizeof(prefix), "%s:3:", path);
	cr_expect_eq(strncmp(err, prefix, strlen(prefix)), 0, "error \"%s\" does not start with %s",
	    err, prefix);
	cr_expect_not_null(strstr(err, "bogus_key"), "error \"%s\" does not name the key", err);
}

Test(conf, missing_equals_names_the_line)
{
	const char *path = write_tmp("db_name = app\n\ndb_user app\n");
	char prefix[128];

	cr_assert_eq(conf_load(&conf, path, err, sizeof(err)), -1);
	snprintf(prefix, sizeof(prefix), "%s:3:", path);
	cr_expect_eq(strncmp(err, prefix, strlen(prefix)), 0, "error \"%s\" does not start with %s",
	    err, prefix);
}

Test(conf, keys_are_case_sensitive)
{
	cr_expect_eq(load("DB_NAME = app\n"), -1);
	cr_expect_not_null(strstr(err, ":1:"), "%s", err);
}

Test(conf, missing_file)
{
	cr_expect_eq(conf_load(&conf, "/nonexistent/followings.conf", err, sizeof(err)), -1);
	cr_expect_not_null(strstr(err, "/nonexistent/followings.conf"), "%s", err);
}

/* ------------------------------------------------------------ values */

Test(conf, bad_integers)
{
	static const char *const lines[] = {
		"db_port = abc", "db_port = 0", "db_port = 65536", "db_port = -1", "db_port = 1e3",
		"db_port = 33 06", "db_port = +3306", "db_port = 0x10", "db_port =",
		"db_connect_timeout = 0", "db_read_timeout = -5", "db_write_timeout = x",
		"limit_default = 0", "limit_default = -1", "limit_default = ten", "limit_max = 0",
		"limit_max = 9223372036854775808", "limit_max = 1.5",
		"prefs_cache_ttl = -1", "prefs_cache_ttl = 5s", "retry_after = 0",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		char content[128];
		struct conf c;
		char e[512] = "";
		const char *path;

		conf_defaults(&c);
		snprintf(content, sizeof(content), "db_name = app\n%s\n", lines[i]);
		path = write_tmp(content);
		cr_expect_eq(conf_load(&c, path, e, sizeof(e)), -1, "\"%s\" accepted", lines[i]);
		cr_expect_not_null(strstr(e, ":2:"), "\"%s\": error \"%s\" has no line number", lines[i], e);
		conf_free(&c);
		unlink(path);
		ntmp--;
	}
}

Test(conf, good_integers)
{
	cr_assert_eq(load("db_port = 1\ndb_connect_timeout = 007\nlimit_default = 1\n"
	                  "limit_max = 1000\nprefs_cache_ttl = 0\nretry_after = 30\n"), 0, "%s", err);
	cr_expect_eq(conf.db_port, 1);
	cr_expect_eq(conf.db_connect_timeout, 7);
	cr_expect_eq(conf.limit_default, 1);
	cr_expect_eq(conf.limit_max, 1000);
	cr_expect_eq(conf.prefs_cache_ttl, 0);
	cr_expect_eq(conf.retry_after, 30);
}

Test(conf, socket_mode_is_octal)
{
	static const struct {
		const char *value;
		unsigned mode;	/* ~0u: rejected */
	} cases[] = {
		{"0660", 0660}, {"0600", 0600}, {"0777", 0777}, {"660", 0660}, {"0", 0},
		{"0888", ~0u}, {"abc", ~0u}, {"01000", ~0u}, {"", ~0u}, {"0660x", ~0u}, {"-1", ~0u},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct conf c;
		char e[256];
		int rc;

		conf_defaults(&c);
		rc = conf_set(&c, "socket_mode", cases[i].value, e, sizeof(e));
		if (cases[i].mode == ~0u) {
			cr_expect_eq(rc, -1, "socket_mode \"%s\" accepted as %o", cases[i].value, c.socket_mode);
		} else {
			cr_expect_eq(rc, 0, "socket_mode \"%s\": %s", cases[i].value, e);
			cr_expect_eq(c.socket_mode, cases[i].mode, "socket_mode \"%s\" = %o, expected %o",
			    cases[i].value, c.socket_mode, cases[i].mode);
		}
		conf_free(&c);
	}
}

Test(conf, log_level)
{
	cr_expect_eq(conf_set(&conf, "log_level", "debug", err, sizeof(err)), 0);
	cr_expect_str_eq(conf.log_level, "debug");
	cr_expect_eq(conf_set(&conf, "log_level", "verbose", err, sizeof(err)), -1);
}

Test(conf, empty_value_unsets_a_string)
{
	cr_assert_eq(load("db_host = db\ndb_host =\n"), 0, "%s", err);
	cr_expect_null(conf.db_host);
}

Test(conf, jwt_secret_inline)
{
	cr_assert_eq(load("jwt_secret = s3cr#t with spaces\n"), 0, "%s", err);
	cr_expect_str_eq(conf.jwt_secret, "s3cr#t with spaces");
	cr_expect_eq(conf.jwt_secret_len, strlen("s3cr#t with spaces"));
}

/* ------------------------------------------------------------ base_url */

Test(conf, base_url)
{
	static const struct {
		const char *value;
		const char *stored;	/* NULL with ok: unset; NULL without ok: rejected */
		int ok;
	} cases[] = {
		{"https://api.example.com", "https://api.example.com", 1},
		{"http://example.com:8080", "http://example.com:8080", 1},
		{"https://example.com/", "https://example.com", 1},
		{"https://example.com///", "https://example.com", 1},
		{"https://example.com/prefix/", "https://example.com/prefix", 1},
		{"http://[::1]:8080/", "http://[::1]:8080", 1},
		{"", NULL, 1},
		{"ftp://example.com", NULL, 0},
		{"example.com", NULL, 0},
		{"//example.com", NULL, 0},
		{"https://", NULL, 0},
		{"https:///x", NULL, 0},
		{"https://exa mple.com", NULL, 0},
		{"https://example.com/?a=1", NULL, 0},
		{"https://example.com/#top", NULL, 0},
		{"https://example.com/\"", NULL, 0},
		{"https://example.com\\x", NULL, 0},
		{"https://example.com/\x01", NULL, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct conf c;
		char e[256] = "";
		int rc;

		conf_defaults(&c);
		rc = conf_set(&c, "base_url", cases[i].value, e, sizeof(e));
		if (!cases[i].ok) {
			cr_expect_eq(rc, -1, "base_url \"%s\" accepted as \"%s\"", cases[i].value,
			    c.base_url ? c.base_url : "(null)");
			cr_expect(e[0] != '\0', "base_url \"%s\": no reason", cases[i].value);
		} else if (cases[i].stored == NULL) {
			cr_expect_eq(rc, 0, "base_url \"%s\": %s", cases[i].value, e);
			cr_expect_null(c.base_url, "base_url \"%s\" stored as \"%s\"", cases[i].value,
			    c.base_url);
		} else {
			cr_expect_eq(rc, 0, "base_url \"%s\": %s", cases[i].value, e);
			cr_expect(c.base_url != NULL && strcmp(c.base_url, cases[i].stored) == 0,
			    "base_url \"%s\" stored as \"%s\", expected \"%s\"", cases[i].value,
			    c.base_url ? c.base_url : "(null)", cases[i].stored);
		}
		conf_free(&c);
	}
}

Test(conf, base_url_from_a_file)
{
	cr_assert_eq(load("base_url = https://public.example.org/  \n"), 0, "%s", err);
	cr_expect_str_eq(conf.base_url, "https://public.example.org");
	cr_expect_eq(load("base_url = https://x.org/?q\n"), -1);
	cr_expect_not_null(strstr(err, ":1:"), "%s", err);
}

/* ------------------------------------------------------------ secret files */

Test(conf, db_password_file)
{
	const char *secret = write_tmp("hunter2 with #\n");
	char content[256];

	snprintf(content, sizeof(content), "db_password_file = %s\n", secret);
	cr_assert_eq(load(content), 0, "%s", err);
	cr_expect_str_eq(conf.db_password, "hunter2 with #");
}

Test(conf, db_password_file_without_newline)
{
	const char *secret = write_tmp("hunter2");
	char content[256];

	snprintf(content, sizeof(content), "db_password = old\ndb_password_file = %s\n", secret);
	cr_assert_eq(load(content), 0, "%s", err);
	cr_expect_str_eq(conf.db_password, "hunter2");
}

Test(conf, jwt_secret_file)
{
	const char *secret = write_tmp("  s3cr3t value  \n");
	char content[256];

	snprintf(content, sizeof(content), "jwt_secret_file = %s\n", secret);
	cr_assert_eq(load(content), 0, "%s", err);
	/* Only the trailing newline goes; the secret is otherwise byte-exact. */
	cr_expect_str_eq(conf.jwt_secret, "  s3cr3t value  ");
	cr_expect_eq(conf.jwt_secret_len, strlen("  s3cr3t value  "));
}

Test(conf, jwt_secret_file_crlf)
{
	const char *secret = write_tmp("abc\r\n");
	char content[256];

	snprintf(content, sizeof(content), "jwt_secret_file = %s\n", secret);
	cr_assert_eq(load(content), 0, "%s", err);
	cr_expect_str_eq(conf.jwt_secret, "abc");
	cr_expect_eq(conf.jwt_secret_len, 3);
}

Test(conf, secret_file_missing)
{
	cr_expect_eq(load("jwt_secret_file = /nonexistent/secret\n"), -1);
	cr_expect_not_null(strstr(err, ":1:"), "%s", err);
	cr_expect_not_null(strstr(err, "/nonexistent/secret"), "%s", err);
}

/* ------------------------------------------------------------ validation */

Test(conf, validate_minimal)
{
	cr_assert_eq(load(MINIMAL), 0, "%s", err);
	cr_expect_eq(conf_validate(&conf, err, sizeof(err)), 0, "%s", err);
}

Test(conf, validate_host_instead_of_socket)
{
	cr_assert_eq(load("db_name = app\ndb_user = app\ndb_host = 127.0.0.1\n"), 0, "%s", err);
	cr_expect_eq(conf_validate(&conf, err, sizeof(err)), 0, "%s", err);
}

Test(conf, validate_requires_database_settings)
{
	static const char *const files[] = {
		"db_user = app\ndb_socket = /s\n",			/* no db_name */
		"db_name = app\ndb_socket = /s\n",			/* no db_user */
		"db_name = app\ndb_user = app\n",			/* no socket, no host */
		"db_name = app\ndb_user = app\ndb_socket =\ndb_host =\n",
		"db_name =\ndb_user = app\ndb_socket = /s\n",
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct conf c;
		char e[256] = "";
		const char *path = write_tmp(files[i]);

		conf_defaults(&c);
		cr_assert_eq(conf_load(&c, path, e, sizeof(e)), 0, "%s", e);
		cr_expect_eq(conf_validate(&c, e, sizeof(e)), -1, "file %zu accepted", i);
		cr_expect(e[0] != '\0', "file %zu: no reason", i);
		conf_free(&c);
		unlink(path);
		ntmp--;
	}
}

Test(conf, validate_limit_default_above_max)
{
	cr_assert_eq(load(MINIMAL "limit_default = 200\nlimit_max = 100\n"), 0, "%s", err);
	cr_expect_eq(conf_validate(&conf, err, sizeof(err)), -1);
	cr_expect_not_null(strstr(err, "limit_default"), "%s", err);
}

Test(conf, validate_limit_default_above_default_max)
{
	cr_assert_eq(load(MINIMAL "limit_default = 101\n"), 0, "%s", err);
	cr_expect_eq(conf_validate(&conf, err, sizeof(err)), -1);
}

Test(conf, validate_limit_default_equal_to_max)
{
	cr_assert_eq(load(MINIMAL "limit_default = 50\nlimit_max = 50\n"), 0, "%s", err);
	cr_expect_eq(conf_validate(&conf, err, sizeof(err)), 0, "%s", err);
}

Test(conf, free_clears)
{
	cr_assert_eq(load(MINIMAL "jwt_secret = x\n"), 0, "%s", err);
	conf_free(&conf);
	cr_expect_null(conf.db_name);
	cr_expect_null(conf.jwt_secret);
	conf_defaults(&conf);	/* teardown frees again */
}

/* ---------------------------------------------------------------- hostile-peer keys */

Test(conf, hostile_peer_defaults)
{
	cr_expect_eq(conf.request_timeout, 10);
	cr_expect_eq(conf.keepalive_timeout, 75);
	cr_expect_eq(conf.params_max_bytes, 65536);
	cr_expect_eq(conf.query_max_bytes, 8192);
	cr_expect_eq(conf.query_max_params, 1000);
	cr_expect_eq(conf.authorization_max_bytes, 8192);
	cr_expect_null(conf.allowed_clients);
}

Test(conf, hostile_peer_keys_and_their_ranges)
{
	cr_expect_eq(conf_set(&conf, "request_timeout", "3", err, sizeof(err)), 0);
	cr_expect_eq(conf.request_timeout, 3);
	cr_expect_eq(conf_set(&conf, "request_timeout", "0", err, sizeof(err)), -1);
	cr_expect_eq(conf_set(&conf, "keepalive_timeout", "86401", err, sizeof(err)), -1);
	cr_expect_eq(conf_set(&conf, "params_max_bytes", "983040", err, sizeof(err)), 0);
	cr_expect_eq(conf.params_max_bytes, 983040);
	cr_expect_eq(conf_set(&conf, "params_max_bytes", "983041", err, sizeof(err)), -1);
	cr_expect_eq(conf_set(&conf, "params_max_bytes", "1023", err, sizeof(err)), -1);
	cr_expect_eq(conf_set(&conf, "query_max_params", "2", err, sizeof(err)), -1);
	cr_expect_eq(conf_set(&conf, "authorization_max_bytes", "63", err, sizeof(err)), -1);
	cr_expect_eq(conf_set(&conf, "query_max_bytes", "1k", err, sizeof(err)), -1);
}

Test(conf, allowed_clients_are_checked_when_read)
{
	cr_expect_eq(conf_set(&conf, "allowed_clients", "127.0.0.1, ::1 10.0.0.2", err, sizeof(err)), 0);
	cr_expect_str_eq(conf.allowed_clients, "127.0.0.1, ::1 10.0.0.2");
	cr_expect_eq(conf_set(&conf, "allowed_clients", "127.0.0.1, localhost", err, sizeof(err)), -1);
	cr_expect(strstr(err, "'localhost' is not an IP address") != NULL, "%s", err);
	cr_expect_eq(conf_set(&conf, "allowed_clients", "10.0.0.0/8", err, sizeof(err)), -1);
	cr_expect_eq(conf_set(&conf, "allowed_clients", " , ", err, sizeof(err)), -1);
}

Test(conf, base_url_refuses_non_ascii)
{
	/* Found by tests/fuzz/fuzz_links: it would go into Location headers as is. */
	cr_expect_eq(conf_set(&conf, "base_url", "https://caf\xc3\xa9.example", err, sizeof(err)), -1);
	cr_expect_eq(conf_set(&conf, "base_url", "https://xn--caf-dma.example", err, sizeof(err)), 0);
}
