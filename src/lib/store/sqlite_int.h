/*
 * sqlite_int.h — what the SQLite backend's own files share (sqlite.c
 * opens and migrates, sqlite_driver.c runs statements, sqlite_namekey.c
 * gives SQL the name key): the connection handle the driver wraps.  The
 * operations themselves are the shared SQL ones (sql_int.h).
 */
#ifndef HOSHI_SQLITE_INT_H
#define HOSHI_SQLITE_INT_H

#include <sqlite3.h>

#include "sql_int.h"

/* hi_conn.db of a store on SQLite. */
typedef struct hi_sqlite_db {
    sqlite3 *db;
    sqlite3_stmt *rollback;       /* prepared at open: rolling back must not need memory */
    long long stats_seen;         /* the store's stats generation its planner has loaded */
} hi_sqlite_db;

extern const hi_driver hi_sqlite_driver;

/* Makes the SQL function hoshi_name_key(name) — the name's search key
 * (hoshi_namekey_make with the default legal forms) — known to db, for
 * the migration that added the key and for other programs that write
 * names; hoshi's own writes bind the key (hi_sq_name_key). */
int hi_sq_namekey_register(sqlite3 *db);

#endif
