#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static enum log_level current_level = LOG_LEVEL_INFO;
static bool json_lines;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void
log_set_level(enum log_level level)
{
	current_level = level;
}

int
log_parse_level(const char *name, enum log_level *out)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(name, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

void
log_set_json(bool on)
{
	json_lines = on;
}

bool
log_is_json(void)
{
	return json_lines;
}

bool
log_enabled(enum log_level level)
{
	return level <= current_level;
}

const char *
log_level_name(enum log_level level)
{
	return level_names[level];
}

size_t
log_time(char *out, size_t len)
{
	/* The date and time to the second change once a second: kept. */
	static time_t cached_sec = -1;
	static char cached[64];
	struct timespec ts;
	long ms;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != cached_sec) {
		struct tm tm;

		gmtime_r(&ts.tv_sec, &tm);
		snprintf(cached, sizeof(cached), "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		cached_sec = ts.tv_sec;
	}
	if (len < 25) {
		if (len > 0)
			out[0] = '\0';
		return 0;
	}
	ms = ts.tv_nsec / 1000000;
	memcpy(out, cached, 19);
	out[19] = '.';
	out[20] = (char)('0' + ms / 100);
	out[21] = (char)('0' + ms / 10 % 10);
	out[22] = (char)('0' + ms % 10);
	out[23] = 'Z';
	out[24] = '\0';
	return 24;
}

size_t
log_json_escape(char *out, size_t cap, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	/* Bytes outside printable ASCII become \u00XX: always valid JSON. */
	for (size_t i = 0; i < len && o + 7 < cap; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c < 0x20 || c >= 0x7f) {
			memcpy(out + o, "\\u00", 4);
			out[o + 4] = hex[c >> 4];
			out[o + 5] = hex[c & 15];
			o += 6;
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return o;
}

void
log_write(char *line, size_t len, size_t cap)
{
	/* One write per line keeps lines from several workers whole. */
	if (len >= cap - 1)
		len = cap - 2;
	line[len++] = '\n';
	(void)!write(STDERR_FILENO, line, len);
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	char msg[1024], line[1400];
	va_list ap;
	int n;

	if (level > current_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (json_lines) {
		char when[40];
		size_t o;

		log_time(when, sizeof(when));
		n = snprintf(line, sizeof(line), "{\"time\":\"%s\",\"level\":\"%s\",\"pid\":%ld,\"message\":\"",
		    when, level_names[level], (long)getpid());
		o = (size_t)n + log_json_escape(line + n, sizeof(line) - (size_t)n - 3, msg, strlen(msg));
		memcpy(line + o, "\"}", 2);
		log_write(line, o + 2, sizeof(line));
		return;
	}
	n = snprintf(line, sizeof(line), PACKAGE_NAME "[%ld]: %s: %s", (long)getpid(),
	    level_names[level], msg);
	log_write(line, n < (int)sizeof(line) ? (size_t)n : sizeof(line) - 1, sizeof(line));
}

int
errorf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}
