#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "db.h"
#include "log.h"

#define DB_RETRY_INTERVAL_MS 1000

struct db {
	const struct conf *conf;
	const char *const *sql;
	size_t count;
	MYSQL *conn;		/* NULL while disconnected */
	MYSQL_STMT **stmts;
	struct timespec last_attempt;
	bool attempted;
	bool ever_connected;
	struct db_counters counters;
};

static long long
ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)(now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

struct db *
db_new(const struct conf *conf, const char *const *sql, size_t count)
{
	struct db *db = xmalloc(sizeof(*db));

	memset(db, 0, sizeof(*db));
	db->conf = conf;
	db->sql = sql;
	db->count = count;
	db->stmts = xmalloc(count * sizeof(*db->stmts));
	memset(db->stmts, 0, count * sizeof(*db->stmts));
	return db;
}

static void
disconnect(struct db *db)
{
	for (size_t i = 0; i < db->count; i++) {
		if (db->stmts[i] != NULL)
			mysql_stmt_close(db->stmts[i]);
		db->stmts[i] = NULL;
	}
	if (db->conn != NULL)
		mysql_close(db->conn);
	db->conn = NULL;
}

void
db_free(struct db *db)
{
	if (db == NULL)
		return;
	disconnect(db);
	free(db->stmts);
	free(db);
}

bool
db_error_is_connection(unsigned err)
{
	switch (err) {
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST:
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
	case CR_SERVER_LOST_EXTENDED:
	case CR_COMMANDS_OUT_OF_SYNC:
	case ER_CLIENT_INTERACTION_TIMEOUT:
	case 1053:		/* ER_SERVER_SHUTDOWN */
	case 1927:		/* ER_CONNECTION_KILLED (MariaDB) */
		return true;
	default:
		return false;
	}
}

static int
connect_and_prepare(struct db *db)
{
	const struct conf *c = db->conf;
	unsigned int ct = c->db_connect_timeout, rt = c->db_read_timeout, wt = c->db_write_timeout;

	if ((db->conn = mysql_init(NULL)) == NULL) {
		log_error("mysql_init failed (out of memory)");
		return -1;
	}
	mysql_options(db->conn, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
	mysql_options(db->conn, MYSQL_OPT_READ_TIMEOUT, &rt);
	mysql_options(db->conn, MYSQL_OPT_WRITE_TIMEOUT, &wt);
	mysql_options(db->conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (mysql_real_connect(db->conn, c->db_socket ? NULL : c->db_host, c->db_user,
	        c->db_password, c->db_name, c->db_socket ? 0 : c->db_port, c->db_socket,
	        0) == NULL) {
		log_error("cannot connect to the database: %s", mysql_error(db->conn));
		disconnect(db);
		db->counters.failures++;
		return -1;
	}
	for (size_t i = 0; i < db->count; i++) {
		db->stmts[i] = mysql_stmt_init(db->conn);
		if (db->stmts[i] == NULL
		    || mysql_stmt_prepare(db->stmts[i], db->sql[i], strlen(db->sql[i])) != 0) {
			log_error("cannot prepare statement %zu: %s", i,
			    db->stmts[i] ? mysql_stmt_error(db->stmts[i]) : mysql_error(db->conn));
			disconnect(db);
			db->counters.failures++;
			return -1;
		}
	}
	log_info("connected to the database (%s), %zu statements prepared",
	    mysql_get_host_info(db->conn), db->count);
	db->counters.connects++;
	db->counters.reconnects += db->ever_connected;
	db->ever_connected = true;
	return 0;
}

int
db_ready(struct db *db)
{
	if (db->conn != NULL)
		return 0;
	if (db->attempted && ms_since(&db->last_attempt) < DB_RETRY_INTERVAL_MS)
		return -1;
	db->attempted = true;
	clock_gettime(CLOCK_MONOTONIC, &db->last_attempt);
	return connect_and_prepare(db);
}

const struct db_counters *
db_counters(const struct db *db)
{
	return &db->counters;
}

MYSQL_STMT *
db_stmt(struct db *db, size_t i)
{
	return db->stmts[i];
}

bool
db_failed(struct db *db, MYSQL_STMT *stmt, const char *what)
{
	unsigned err = mysql_stmt_errno(stmt);

	log_error("%s: %u %s", what, err, mysql_stmt_error(stmt));
	/*
	 * Whatever went wrong, the connection may hold half-read results:
	 * start over with a fresh one (the next db_ready() may try at once).
	 */
	disconnect(db);
	db->attempted = false;
	return db_error_is_connection(err);
}
