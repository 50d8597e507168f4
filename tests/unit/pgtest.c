/*
 * pgtest.c — the fresh PostgreSQL database per test of pgtest.h, made
 * through libpq on the server of HOSHI_TEST_PG.  Test support, not
 * library code: a failure ends the test program with a FAIL line.
 */
#include "pgtest.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *name, const char *what, const char *detail)
{
    printf("FAIL pgtest %s: %s%s%s\n", name, what, detail ? ": " : "", detail ? detail : "");
    fflush(stdout);
    exit(1);
}

static bool name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 63 || strchr("abcdefghijklmnopqrstuvwxyz_", name[0]) == NULL)
        return false;
    return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

/* base with its path (the database) replaced by /name: the path starts at
 * the first '/' after "scheme://host" and runs to '?', '#' or the end. */
static bool url_with_db(const char *base, const char *name, char *url, size_t size)
{
    const char *auth = strstr(base, "://");
    if (auth == NULL)
        return false;
    auth += 3;
    size_t host_len = strcspn(auth, "/?#");
    const char *path = auth + host_len;
    const char *rest = path + (*path == '/' ? strcspn(path, "?#") : 0);
    int n = snprintf(url, size, "%.*s/%s%s", (int)(path - base), base, name, rest);
    return n > 0 && (size_t)n < size;
}

static void exec_or_fail(PGconn *db, const char *name, const char *sql)
{
    PGresult *r = PQexec(db, sql);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(db));
        msg[strcspn(msg, "\n")] = '\0';
        PQfinish(db);
        fail(name, sql, msg);
    }
}

/* "database does not exist, skipping" and the like are not the test's. */
static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

bool hi_test_pg_url(const char *name, char *url, size_t size)
{
    const char *base = getenv("HOSHI_TEST_PG");
    if (base == NULL || *base == '\0')
        return false;
    if (!name_ok(name))
        fail(name, "a database name is [a-z_][a-z0-9_]*, at most 63 characters", NULL);
    if (!url_with_db(base, name, url, size))
        fail(name, "HOSHI_TEST_PG is not a postgresql:// URL, or the URL does not fit", base);
    PGconn *db = PQconnectdb(base);
    if (PQstatus(db) != CONNECTION_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(db));
        msg[strcspn(msg, "\n")] = '\0';
        PQfinish(db);
        fail(name, "cannot connect to HOSHI_TEST_PG", msg);
    }
    PQsetNoticeProcessor(db, quiet, NULL);
    char sql[160];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", name);
    exec_or_fail(db, name, sql);
    snprintf(sql, sizeof sql, "CREATE DATABASE \"%s\" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'", name);
    exec_or_fail(db, name, sql);
    PQfinish(db);
    return true;
}

bool hi_test_on_pg(void)
{
    const char *base = getenv("HOSHI_TEST_PG");
    return base != NULL && *base != '\0';
}

/* The paths opened so far, so a reopen finds its database again. */
#define MAX_PATHS 64
static char seen[MAX_PATHS][256];
static int n_seen;

/* The URL of path's database (made on its first use in this process). */
static void url_of(const char *path, char *url, size_t size)
{
    unsigned long long h = 1469598103934665603ULL; /* FNV-1a of the path */
    for (const unsigned char *p = (const unsigned char *)path; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    char name[40];
    snprintf(name, sizeof name, "t_%016llx", h);
    bool known = false;
    for (int i = 0; i < n_seen; i++)
        known = known || strcmp(seen[i], path) == 0;
    if (!known) {
        if (n_seen == MAX_PATHS || strlen(path) >= sizeof seen[0])
            fail(name, "too many or too long test database paths", path);
        snprintf(seen[n_seen++], sizeof seen[0], "%s", path);
        hi_test_pg_url(name, url, size);
    } else {
        const char *base = getenv("HOSHI_TEST_PG");
        if (!url_with_db(base, name, url, size))
            fail(name, "HOSHI_TEST_PG is not a postgresql:// URL, or the URL does not fit", base);
    }
}

hoshi_err hi_test_store_open(const char *path, int connections, hoshi_store **out)
{
    if (!hi_test_on_pg())
        return hoshi_store_open_sqlite(path, connections, out);
    char url[1024];
    url_of(path, url, sizeof url);
    return hoshi_store_open_pg(url, connections, out);
}

bool hi_test_db_exec(const char *path, const char *sql)
{
    if (!hi_test_on_pg()) {
        sqlite3 *db = NULL;
        bool ok = sqlite3_open(path, &db) == SQLITE_OK &&
                  sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
        sqlite3_close(db);
        return ok;
    }
    char url[1024];
    url_of(path, url, sizeof url);
    PGconn *db = PQconnectdb(url);
    bool ok = false;
    if (PQstatus(db) == CONNECTION_OK) {
        PQsetNoticeProcessor(db, quiet, NULL);
        PGresult *r = PQexec(db, sql);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
        if (!ok)
            printf("  hi_test_db_exec: %s", PQerrorMessage(db));
        PQclear(r);
    }
    PQfinish(db);
    return ok;
}

bool hi_test_db_value(const char *path, const char *sql, const char *pg_sql, char *out, size_t size)
{
    out[0] = '\0';
    if (!hi_test_on_pg()) {
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        bool ok = sqlite3_open(path, &db) == SQLITE_OK &&
                  sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK;
        int rc = ok ? sqlite3_step(st) : SQLITE_ERROR;
        if (rc == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
            snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
        ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
        sqlite3_finalize(st);
        sqlite3_close(db);
        return ok;
    }
    char url[1024];
    url_of(path, url, sizeof url);
    PGconn *db = PQconnectdb(url);
    bool ok = false;
    if (PQstatus(db) == CONNECTION_OK) {
        PGresult *r = PQexec(db, pg_sql != NULL ? pg_sql : sql);
        ok = PQresultStatus(r) == PGRES_TUPLES_OK;
        if (ok && PQntuples(r) > 0 && PQnfields(r) > 0)
            snprintf(out, size, "%s", PQgetvalue(r, 0, 0));
        if (!ok)
            printf("  hi_test_db_value: %s", PQerrorMessage(db));
        PQclear(r);
    }
    PQfinish(db);
    return ok;
}
