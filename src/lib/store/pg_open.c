/*
 * pg_open.c — opening a PostgreSQL database for hoshi: connecting with
 * the session settings the driver relies on (UTF-8, hex bytea, the
 * process's time zone) and bringing the schema up to date with versioned
 * migrations that several processes may start at once.
 */
#include "store/pg_int.h"
#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The server's message with every occurrence of the password blanked:
 * libpq does not echo it today, but a message is shown and logged, and a
 * password is never to be. */
static void scrub_password(const char *url, char *msg)
{
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(url, &err);
    PQfreemem(err);
    if (opts == NULL)
        return;
    for (PQconninfoOption *o = opts; o->keyword != NULL; o++) {
        if (strcmp(o->keyword, "password") != 0 || o->val == NULL || o->val[0] == '\0')
            continue;
        size_t n = strlen(o->val);
        for (char *p = strstr(msg, o->val); p != NULL; p = strstr(p + n, o->val))
            memset(p, '*', n);
    }
    PQconninfoFree(opts);
}

/* The name of the process's local time zone ("Asia/Tokyo"): $TZ, else
 * the zoneinfo file /etc/localtime links to; "" when neither says. */
static void local_zone(char *out, size_t size)
{
    out[0] = '\0';
    const char *tz = getenv("TZ");
    if (tz != NULL && *tz == ':')
        tz++;
    if (tz != NULL && *tz != '\0' && *tz != '/') {
        snprintf(out, size, "%s", tz);
        return;
    }
    char link[512];
    ssize_t n = readlink("/etc/localtime", link, sizeof link - 1);
    if (n <= 0)
        return;
    link[n] = '\0';
    const char *z = strstr(link, "zoneinfo/");
    if (z != NULL)
        snprintf(out, size, "%s", z + strlen("zoneinfo/"));
}

/* Settings the driver depends on; the time zone only when the server
 * knows the name (a server without time zone data keeps its own). */
static hoshi_err configure(hi_pg *db)
{
    if (PQsetClientEncoding(db->pg, "UTF8") != 0) {
        hi_pg_note_result(db, NULL);
        return hi_pg_driver.fail(db, "set client encoding UTF8");
    }
    if (!hi_pg_exec(db, "SET bytea_output = 'hex'"))
        return hi_pg_driver.fail(db, "set bytea_output");
    /* A writer waits for the writer lock as long as SQLite's busy timeout
     * (sqlite.c), then fails: a stuck holder is an error, not a hang. */
    if (!hi_pg_exec(db, "SET lock_timeout = '5s'"))
        return hi_pg_driver.fail(db, "set lock_timeout");
    /* The store's statements read a few rows each; compiling one with the
     * JIT (which the planner asks for above a cost, as for the registry
     * trigger's set of grams) costs tens of milliseconds it never wins
     * back. */
    if (!hi_pg_exec(db, "SET jit = off"))
        return hi_pg_driver.fail(db, "set jit");
    /* The store's pages are in memory or on SSD, where a random read costs
     * about a sequential one; at the default (4, for spinning disks) the
     * planner met a name's 7,500 candidates with a scan of every
     * registry row (200 ms at a million) instead of 7,500 index probes. */
    if (!hi_pg_exec(db, "SET random_page_cost = 1.1"))
        return hi_pg_driver.fail(db, "set random_page_cost");
    /* Nor do they gain from parallel workers: at a million the planner
     * handed a name's 7,500 candidate probes to a worker, which the
     * request then waited to start and to gather from, while the server's
     * other requests needed the CPUs anyway. */
    if (!hi_pg_exec(db, "SET max_parallel_workers_per_gather = 0"))
        return hi_pg_driver.fail(db, "set max_parallel_workers_per_gather");
    char zone[256];
    local_zone(zone, sizeof zone);
    if (zone[0] != '\0') {
        const char *vals[1] = {zone};
        PGresult *r = PQexecParams(db->pg, "SELECT set_config('TimeZone', $1, false)", 1, NULL,
                                   vals, NULL, NULL, 0);
        PQclear(r);
    }
    return HOSHI_OK;
}

static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

hoshi_err hi_pg_connect(const char *url, void **out)
{
    *out = NULL;
    hi_pg *db = hi_calloc(1, sizeof *db);
    if (db == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory connecting to PostgreSQL");
    db->pg = PQconnectdb(url);
    if (db->pg == NULL) {
        free(db);
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory connecting to PostgreSQL");
    }
    /* The server's notices ("already exists, skipping") are not errors,
     * and a library does not write to stderr. */
    PQsetNoticeProcessor(db->pg, ignore_notice, NULL);
    hoshi_err err;
    if (PQstatus(db->pg) != CONNECTION_OK) {
        hi_pg_note(db, false, PQerrorMessage(db->pg));
        scrub_password(url, db->err_msg);
        err = hi_fail(HOSHI_ERR_IO, "database: connecting to PostgreSQL: %s", db->err_msg);
        goto close;
    }
    int version = PQserverVersion(db->pg);
    if (version < 130000) {
        err = hi_fail(HOSHI_ERR_IO, "database: PostgreSQL %d.%d is too old: hoshi needs 13 or newer",
                      version / 10000, version % 10000);
        goto close;
    }
    if ((err = configure(db)) != HOSHI_OK)
        goto close;
    *out = db;
    return HOSHI_OK;
close:
    PQfinish(db->pg);
    free(db);
    return err;
}

/* The version stored in hoshi_schema (0 when the table is empty) into
 * *v; the table is created when missing. */
static hoshi_err read_version(hi_pg *db, long *v)
{
    if (!hi_pg_exec(db, "CREATE TABLE IF NOT EXISTS hoshi_schema (version integer NOT NULL)"))
        return hi_pg_driver.fail(db, "create hoshi_schema");
    PGresult *r = PQexec(db->pg, "SELECT version FROM hoshi_schema");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        hi_pg_note_result(db, r);
        PQclear(r);
        return hi_pg_driver.fail(db, "read the schema version");
    }
    hoshi_err err = HOSHI_OK;
    *v = 0;
    if (PQntuples(r) > 1)
        err = hi_fail(HOSHI_ERR_DATA, "database: hoshi_schema holds %d rows, not one", PQntuples(r));
    else if (PQntuples(r) == 1 && !hoshi_parse_long(PQgetvalue(r, 0, 0), 0, 1000000, v))
        err = hi_fail(HOSHI_ERR_DATA, "database: hoshi_schema holds the version \"%s\"",
                      PQgetvalue(r, 0, 0));
    PQclear(r);
    return err;
}

static hoshi_err store_version(hi_pg *db, int n)
{
    char sql[96];
    snprintf(sql, sizeof sql, "DELETE FROM hoshi_schema; INSERT INTO hoshi_schema VALUES (%d)", n);
    if (!hi_pg_exec(db, sql))
        return hi_pg_driver.fail(db, "store the schema version");
    return HOSHI_OK;
}

hoshi_err hi_pg_migrate(void *dbv, const char *const *migrations, int n)
{
    hi_pg *db = dbv;
    if (n < 0)
        return hi_fail(HOSHI_ERR_INTERNAL, "database: %d migrations", n);
    /* Another process's migrations may take long (an index over a million
     * rows): waiting for them is starting up, so no lock timeout. */
    char sql[128];
    snprintf(sql, sizeof sql,
             "BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = 0;"
             " SELECT pg_advisory_xact_lock(%lld)",
             HI_PG_MIGRATE_KEY);
    if (!hi_pg_exec(db, sql)) {
        hi_pg_driver.rollback(db);
        return hi_pg_driver.fail(db, "lock the schema for migrating");
    }
    long v;
    hoshi_err err = read_version(db, &v);
    if (err != HOSHI_OK)
        goto rollback;
    if (v > n) {
        err = hi_fail(HOSHI_ERR_DATA,
                      "database: the schema is version %ld, newer than this hoshi knows (%d):"
                      " upgrade hoshi, or use the hoshi that upgraded the database",
                      v, n);
        goto rollback;
    }
    for (int i = (int)v; i < n; i++) {
        if (!hi_pg_exec(db, migrations[i])) {
            char what[48];
            snprintf(what, sizeof what, "migration %d", i + 1);
            err = hi_pg_driver.fail(db, what);
            goto rollback;
        }
    }
    if (v < n && (err = store_version(db, n)) != HOSHI_OK)
        goto rollback;
    if (!hi_pg_exec(db, "COMMIT"))
        return hi_pg_driver.fail(db, "commit the migrations");
    return HOSHI_OK;
rollback:
    hi_pg_driver.rollback(db);
    return err;
}
