/*
 * The few differences between MariaDB Connector/C (Debian's
 * libmysqlclient) and Oracle's libmysqlclient that this program meets.
 * MariaDB is told apart by LIBMARIADB: it sets MYSQL_VERSION_ID to its own
 * version (e.g. 101119), so a version test would mistake it for MySQL 10.
 */
#ifndef FOLLOWINGS_DB_COMPAT_H
#define FOLLOWINGS_DB_COMPAT_H

#include <mysql.h>
#include <errmsg.h>

#if defined(LIBMARIADB) || MYSQL_VERSION_ID < 80001
typedef my_bool db_bool;
#else
#include <stdbool.h>
typedef bool db_bool;
#endif

/* MySQL >= 8.0.24 closes idle sessions with this error. */
#ifndef ER_CLIENT_INTERACTION_TIMEOUT
#define ER_CLIENT_INTERACTION_TIMEOUT 4031
#endif

#endif
