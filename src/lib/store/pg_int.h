/*
 * pg_int.h — the PostgreSQL driver behind db.h: the connection it wraps
 * around libpq's PGconn, the driver table, and the two steps of opening a
 * database (connect, migrate).  Only the PostgreSQL backend's files and
 * their tests include it; the operations see db.h alone.
 */
#ifndef HOSHI_PG_INT_H
#define HOSHI_PG_INT_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "internal.h"
#include "store/db.h"

/* Advisory lock keys (pg_advisory_xact_lock) held for a transaction: one
 * for every write transaction of hoshi (so writers are serialised as with
 * SQLite's BEGIN IMMEDIATE) and one for migrating the schema.  "hoshi-w1"
 * and "hoshi-m1" in ASCII, so they are unlikely to meet another
 * application's keys on a shared server. */
#define HI_PG_WRITE_KEY 0x686f7368692d7731LL
#define HI_PG_MIGRATE_KEY 0x686f7368692d6d31LL

/* Caps on what the driver accepts from the operations: the length of one
 * statement's SQL and the highest parameter number (SQLite's default). */
#define HI_PG_MAX_SQL (1 << 20)
#define HI_PG_MAX_PARAMS 32766

/* The last error's primary message is kept in the connection, in a fixed
 * buffer, so hi_driver.fail reports it without allocating. */
#define HI_PG_MSG 512

/* One database connection: hi_conn.db of the PostgreSQL store. */
typedef struct hi_pg {
    PGconn *pg;
    unsigned long long names;     /* statements prepared: names hi_1, hi_2, … */
    unsigned long long epoch;     /* bumped by a reconnect, which drops the server's statements */
    long long changes;            /* rows changed by the last INSERT, UPDATE or DELETE */
    struct pg_stmt *streaming;    /* the statement whose rows are being read one by one, or NULL */
    /* the last error */
    bool err_nomem;
    char err_msg[HI_PG_MSG];
} hi_pg;

extern const hi_driver hi_pg_driver;

/* Records a failure of the connection that the database did not report
 * (a bad parameter, our own allocation): what hi_driver.fail then says. */
void hi_pg_note(hi_pg *db, bool nomem, const char *msg);

/* Records the error of result r (NULL: libpq returned none, which is
 * running out of memory or a lost connection) as the connection's last. */
void hi_pg_note_result(hi_pg *db, const PGresult *r);

/* Runs sql (one or more statements, no parameters) on db, true when the
 * last one succeeded; otherwise its error is the connection's last. */
bool hi_pg_exec(hi_pg *db, const char *sql);

/* Connects to the server named by url (a postgresql:// URL or a libpq
 * conninfo string) into *db (free with hi_pg_driver.close): checks the
 * server is PostgreSQL 13 or newer, sets the client encoding to UTF-8, the
 * time zone to the process's own (when the server knows it) and bytea
 * output to hex.  On failure *db is NULL and the message, which never
 * contains the password, is recorded. */
hoshi_err hi_pg_connect(const char *url, void **db);

/* Brings the schema of db up to version n by applying migrations[v..n-1]
 * (v the version stored in the table hoshi_schema, created when missing),
 * all in one transaction under the advisory lock HI_PG_MIGRATE_KEY, so
 * two processes starting together migrate once.  A database newer than n
 * is refused (HOSHI_ERR_DATA) and left as it is; on any failure nothing is
 * applied.  The strings may hold several statements each. */
hoshi_err hi_pg_migrate(void *db, const char *const *migrations, int n);

#endif
