/*
 * pgtest.c — the fresh PostgreSQL database per test of pgtest.h, made
 * through libpq on the server of HOSHI_TEST_PG.  Test support, not
 * library code: a failure ends the test program with a FAIL line.
 */
#include "pgtest.h"

#include <libpq-fe.h>
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
