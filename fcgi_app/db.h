/*
 * One database connection per worker and the statements prepared on it.
 * Statements are prepared once per connection; after a lost connection the
 * next db_ready() reconnects and prepares them all again (no reliance on
 * the client library's auto-reconnect, which Oracle removed).
 */
#ifndef FOLLOWINGS_DB_H
#define FOLLOWINGS_DB_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "db_compat.h"

struct db;

/* Connection events of this worker since it started (for the status page). */
struct db_counters {
	unsigned long connects;		/* connections opened and prepared */
	unsigned long reconnects;	/* of which replaced an earlier, lost one */
	unsigned long failures;		/* attempts that failed */
};

/* sql[0..count) are prepared on every (re)connection, in this order. */
struct db *db_new(const struct conf *conf, const char *const *sql, size_t count);
void db_free(struct db *db);

/*
 * Connected and prepared, connecting now if needed.  After a failed attempt
 * no new one is made for a second, so an outage costs each request
 * microseconds, not a connect timeout.  Returns 0 or -1.
 */
int db_ready(struct db *db);

/* The prepared statement number i (valid after db_ready() returned 0). */
MYSQL_STMT *db_stmt(struct db *db, size_t i);

/*
 * Records a failed call on the statement: logs it and closes the connection
 * (the next db_ready() opens a new one).  Returns true when the error says
 * the connection was lost, so that one retry is worth it.
 */
bool db_failed(struct db *db, MYSQL_STMT *stmt, const char *what);

const struct db_counters *db_counters(const struct db *db);

/* Whether a client or server error number means the connection is gone. */
bool db_error_is_connection(unsigned err);

#endif
