/* One logger for the program: "followings-fcgi[pid]: level: message" on stderr. */
#ifndef FOLLOWINGS_LOG_H
#define FOLLOWINGS_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

void log_set_level(enum log_level level);
int log_parse_level(const char *name, enum log_level *out);

/* log_format = json: every line a JSON object (time, level, pid, message). */
void log_set_json(bool on);
bool log_is_json(void);
bool log_enabled(enum log_level level);
const char *log_level_name(enum log_level level);

/* For callers that build their own lines (the request log). */
size_t log_time(char *out, size_t len);	/* 2026-01-31T12:00:00.000Z */
/* s as the inside of a JSON string, cut to fit cap; returns its length. */
size_t log_json_escape(char *out, size_t cap, const char *s, size_t len);
/* line[0..len) plus a newline in one write(); cap is line's size. */
void log_write(char *line, size_t len, size_t cap);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Formats a one-line reason into err (for callers that report errors as
 * text) and returns -1, so that `return errorf(err, errlen, ...);` reads as
 * the failure it is.
 */
int errorf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
