/*
 * test_pgtest.c — pgtest.h's database per test.  Without HOSHI_TEST_PG it
 * must answer false; under `tests/pg/pgtmp.py run` (tests/suites/
 * pg_schema.sh runs it so) it must give a URL that connects to a fresh,
 * empty, UTF8 database of the name asked, emptied again on the next call.
 */
#include "pgtest.h"
#include "unit.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static char *one(PGconn *db, const char *sql)
{
    PGresult *r = PQexec(db, sql);
    char *v = NULL;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        v = strdup(PQgetvalue(r, 0, 0));
    else if (PQresultStatus(r) != PGRES_COMMAND_OK)
        printf("  %s: %s", sql, PQerrorMessage(db));
    PQclear(r);
    return v;
}

static void test_pg_url_unset(void)
{
    if (getenv("HOSHI_TEST_PG") != NULL)
        return;
    char url[512] = "untouched";
    CHECK(!hi_test_pg_url("hoshi_unit_pgtest", url, sizeof url));
    CHECK_STR(url, "untouched");
}

static void test_pg_url_fresh_database(void)
{
    if (getenv("HOSHI_TEST_PG") == NULL)
        return;
    char url[512];
    CHECK(hi_test_pg_url("hoshi_unit_pgtest", url, sizeof url));
    CHECK(strstr(url, "/hoshi_unit_pgtest?") != NULL);
    PGconn *db = PQconnectdb(url);
    CHECK_INT(PQstatus(db), CONNECTION_OK);
    char *v = one(db, "SELECT current_database() || ' ' || pg_encoding_to_char(encoding) || ' ' || datcollate"
                      " FROM pg_database WHERE datname = current_database()");
    CHECK_STR(v, "hoshi_unit_pgtest UTF8 C");
    free(v);
    free(one(db, "CREATE TABLE left_behind(x integer)"));
    PQfinish(db);

    /* asked again: the old database (a session still open on it too) is
     * dropped, the new one is empty */
    PGconn *holder = PQconnectdb(url);
    CHECK(hi_test_pg_url("hoshi_unit_pgtest", url, sizeof url));
    db = PQconnectdb(url);
    CHECK_INT(PQstatus(db), CONNECTION_OK);
    v = one(db, "SELECT count(*) FROM pg_class WHERE relname = 'left_behind'");
    CHECK_STR(v, "0");
    free(v);
    PQfinish(db);
    PQfinish(holder);
}

/* What hi_test_pg_url(name) printed and its exit status, run in a child
 * with HOSHI_TEST_PG set to base (it exits on failure). */
static int child_says(const char *base, const char *name, char *out, size_t size)
{
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        setenv("HOSHI_TEST_PG", base, 1);
        char url[64];
        hi_test_pg_url(name, url, sizeof url);
        _exit(0);
    }
    close(fd[1]);
    size_t n = 0;
    ssize_t got;
    while (n + 1 < size && (got = read(fd[0], out + n, size - 1 - n)) > 0)
        n += (size_t)got;
    out[n] = '\0';
    close(fd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Bad names, URLs and servers end the test with a FAIL line saying so. */
static void test_pg_url_bad(void)
{
    char out[512];
    const char *nowhere = "postgresql://hoshi@/postgres?host=/nonexistent/pgtest&port=1";
    CHECK_INT(child_says(nowhere, "Bad-Name", out, sizeof out), 1);
    CHECK_STR(out, "FAIL pgtest Bad-Name: a database name is [a-z_][a-z0-9_]*, at most 63 characters\n");
    CHECK_INT(child_says(nowhere, "", out, sizeof out), 1);
    CHECK(strstr(out, "a database name is") != NULL);
    CHECK_INT(child_says(nowhere, "a123456789a123456789a123456789a123456789a123456789a123456789abcd", out,
                         sizeof out), 1);
    CHECK(strstr(out, "a database name is") != NULL);
    CHECK_INT(child_says("host=/tmp dbname=x", "ok_name", out, sizeof out), 1);
    CHECK_STR(out, "FAIL pgtest ok_name: HOSHI_TEST_PG is not a postgresql:// URL, or the URL does not fit:"
                   " host=/tmp dbname=x\n");
    /* the URL does not fit the 64 bytes the child offers */
    CHECK_INT(child_says("postgresql://hoshi@/postgres?host=/nonexistent/a/very/long/socket/directory&port=1",
                         "ok_name", out, sizeof out), 1);
    CHECK(strstr(out, "the URL does not fit") != NULL);
    CHECK_INT(child_says(nowhere, "ok_name", out, sizeof out), 1);
    CHECK(strncmp(out, "FAIL pgtest ok_name: cannot connect to HOSHI_TEST_PG: ", 54) == 0);
    CHECK(strchr(out, '\n') == out + strlen(out) - 1);
}

int main(void)
{
    RUN(test_pg_url_bad);
    RUN(test_pg_url_unset);
    RUN(test_pg_url_fresh_database);
    return UNIT_RESULT();
}
