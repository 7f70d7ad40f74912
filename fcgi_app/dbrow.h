/*
 * Result and parameter binding for prepared statements.  A result row is a
 * fixed list of typed columns whose buffers live as long as the row and
 * grow when a value does not fit (MYSQL_DATA_TRUNCATED), so a long bio is
 * read whole without sizing every buffer for the worst case.
 */
#ifndef FOLLOWINGS_DBROW_H
#define FOLLOWINGS_DBROW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db_compat.h"

enum col_type {
	COL_INT,	/* any integer column, read as signed 64-bit */
	COL_STR,	/* text, NUL-terminated in the buffer */
	COL_TIME,	/* DATE or DATETIME */
};

struct col {
	enum col_type type;
	long long i;
	char *s;
	unsigned long len;
	size_t cap;
	MYSQL_TIME t;
	db_bool is_null;
	db_bool error;
};

struct dbrow {
	size_t n;
	struct col *cols;
	MYSQL_BIND *bind;
	unsigned long fetched;	/* rows fetched since the last dbrow_bind (timing, slow log) */
};

void dbrow_init(struct dbrow *row, const enum col_type *types, size_t n);
void dbrow_free(struct dbrow *row);

/* Binds the row as the statement's result (after execute). */
int dbrow_bind(struct dbrow *row, MYSQL_STMT *stmt);

/* 1: a row, 0: no more rows, -1: error (see mysql_stmt_error). */
int dbrow_fetch(struct dbrow *row, MYSQL_STMT *stmt);

/* Accessors: NULL-aware views of column i. */
static inline bool dbrow_null(const struct dbrow *r, size_t i) { return r->cols[i].is_null; }
static inline int64_t dbrow_int(const struct dbrow *r, size_t i) { return r->cols[i].is_null ? 0 : r->cols[i].i; }
static inline const char *dbrow_str(const struct dbrow *r, size_t i) { return r->cols[i].is_null ? NULL : r->cols[i].s; }
static inline size_t dbrow_len(const struct dbrow *r, size_t i) { return r->cols[i].is_null ? 0 : r->cols[i].len; }
static inline const MYSQL_TIME *dbrow_time(const struct dbrow *r, size_t i) { return r->cols[i].is_null ? NULL : &r->cols[i].t; }

/* Statement parameters: signed 64-bit integers, strings and dates. */
struct dbparam {
	MYSQL_BIND *bind;
	size_t n, used;
	unsigned long *lengths;
};

void dbparam_init(struct dbparam *p, MYSQL_BIND *bind, unsigned long *lengths, size_t n);
void dbparam_int(struct dbparam *p, const long long *v);
void dbparam_str(struct dbparam *p, const char *s, size_t len);
void dbparam_datetime(struct dbparam *p, const MYSQL_TIME *t);

#endif
