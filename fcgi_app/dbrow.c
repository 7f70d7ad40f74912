#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "dbrow.h"

/* Most text columns fit; a longer value grows its buffer once. */
#define DBROW_INITIAL_CAP 256

static void
bind_col(MYSQL_BIND *b, struct col *c)
{
	memset(b, 0, sizeof(*b));
	b->is_null = &c->is_null;
	b->error = &c->error;
	b->length = &c->len;
	switch (c->type) {
	case COL_INT:
		b->buffer_type = MYSQL_TYPE_LONGLONG;
		b->buffer = &c->i;
		break;
	case COL_STR:
		b->buffer_type = MYSQL_TYPE_STRING;
		b->buffer = c->s;
		b->buffer_length = c->cap - 1;	/* room for our NUL */
		break;
	case COL_TIME:
		b->buffer_type = MYSQL_TYPE_DATETIME;
		b->buffer = &c->t;
		break;
	}
}

void
dbrow_init(struct dbrow *row, const enum col_type *types, size_t n)
{
	row->n = n;
	row->cols = xmalloc(n * sizeof(*row->cols));
	row->bind = xmalloc(n * sizeof(*row->bind));
	memset(row->cols, 0, n * sizeof(*row->cols));
	for (size_t i = 0; i < n; i++) {
		struct col *c = &row->cols[i];

		c->type = types[i];
		if (c->type == COL_STR) {
			c->cap = DBROW_INITIAL_CAP;
			c->s = xmalloc(c->cap);
		}
		bind_col(&row->bind[i], c);
	}
}

void
dbrow_free(struct dbrow *row)
{
	for (size_t i = 0; i < row->n; i++)
		free(row->cols[i].s);
	free(row->cols);
	free(row->bind);
	memset(row, 0, sizeof(*row));
}

int
dbrow_bind(struct dbrow *row, MYSQL_STMT *stmt)
{
	row->fetched = 0;
	return mysql_stmt_bind_result(stmt, row->bind) == 0 ? 0 : -1;
}

int
dbrow_fetch(struct dbrow *row, MYSQL_STMT *stmt)
{
	int rc = mysql_stmt_fetch(stmt);
	bool rebind = false;

	if (rc == MYSQL_NO_DATA)
		return 0;
	if (rc == 1)
		return -1;
	for (size_t i = 0; i < row->n; i++) {
		struct col *c = &row->cols[i];

		if (c->type != COL_STR || c->is_null)
			continue;
		if (c->len >= c->cap) {
			/* Truncated: grow, then read this column again whole. */
			c->cap = c->len + 1;
			free(c->s);
			c->s = xmalloc(c->cap);
			bind_col(&row->bind[i], c);
			if (mysql_stmt_fetch_column(stmt, &row->bind[i], (unsigned)i, 0) != 0)
				return -1;
			rebind = true;
		}
		c->s[c->len] = '\0';
	}
	if (rebind && mysql_stmt_bind_result(stmt, row->bind) != 0)
		return -1;
	row->fetched++;
	return 1;
}

void
dbparam_init(struct dbparam *p, MYSQL_BIND *bind, unsigned long *lengths, size_t n)
{
	memset(bind, 0, n * sizeof(*bind));
	p->bind = bind;
	p->lengths = lengths;
	p->n = n;
	p->used = 0;
}

void
dbparam_int(struct dbparam *p, const long long *v)
{
	MYSQL_BIND *b = &p->bind[p->used++];

	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = (void *)v;
}

void
dbparam_str(struct dbparam *p, const char *s, size_t len)
{
	MYSQL_BIND *b = &p->bind[p->used];

	p->lengths[p->used++] = len;
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = (void *)s;
	b->buffer_length = len;
	b->length = &p->lengths[p->used - 1];
}

void
dbparam_datetime(struct dbparam *p, const MYSQL_TIME *t)
{
	MYSQL_BIND *b = &p->bind[p->used++];

	b->buffer_type = MYSQL_TYPE_DATETIME;
	b->buffer = (void *)t;
	b->buffer_length = sizeof(*t);
}
