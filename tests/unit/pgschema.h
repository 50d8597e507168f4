/*
 * pgschema.h — the frame of a test of the PostgreSQL driver itself
 * (test_pg_driver.c, test_pg_stream.c): the server named by HOSHI_TEST_PG
 * (a libpq conninfo or URL), a schema of the test's own made at the start
 * and dropped at the end, and connections with that schema first on
 * their search path.  Without HOSHI_TEST_PG the test fails rather than
 * skip.  Header-only like unit.h, after which it is included.
 */
#ifndef HOSHI_PGSCHEMA_H
#define HOSHI_PGSCHEMA_H

#include "store/pg_int.h"
#include "hoshi/error.h"
#include "hoshi/testing.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char *url;           /* HOSHI_TEST_PG */
static char schema[64];           /* PREFIX_PID */
static const char *pg_test_name;
static void *pg_test_admin;

/* A connection with the test's schema first on its search path and no
 * lock timeout (waits in the tests end when the test lets them); the test
 * cannot go on without one, so a failure exits. */
static hi_pg *conn(void)
{
    void *db = NULL;
    if (hi_pg_connect(url, &db) != HOSHI_OK) {
        printf("FAIL %s: connect: %s\n", pg_test_name, hoshi_error_detail());
        exit(1);
    }
    char sql[128];
    snprintf(sql, sizeof sql, "SET search_path TO %s; SET lock_timeout = 0", schema);
    if (!hi_pg_exec(db, sql))
        printf("  %s: %s\n", sql, ((hi_pg *)db)->err_msg);
    return db;
}

/* Connects to HOSHI_TEST_PG and makes the schema PREFIX_PID; false after
 * a FAIL line naming the test (name) when there is no server or no
 * schema. */
static bool pg_schema_begin(const char *name, const char *prefix)
{
    pg_test_name = name;
    url = getenv("HOSHI_TEST_PG");
    if (url == NULL || *url == '\0') {
        printf("FAIL %s: HOSHI_TEST_PG is not set\n", name);
        return false;
    }
    snprintf(schema, sizeof schema, "%s_%ld", prefix, (long)getpid());
    if (hi_pg_connect(url, &pg_test_admin) != HOSHI_OK) {
        printf("FAIL %s: %s\n", name, hoshi_error_detail());
        return false;
    }
    char sql[128];
    snprintf(sql, sizeof sql, "CREATE SCHEMA %s", schema);
    if (!hi_pg_exec(pg_test_admin, sql)) {
        printf("FAIL %s: %s: %s\n", name, sql, ((hi_pg *)pg_test_admin)->err_msg);
        hi_pg_driver.close(pg_test_admin);
        return false;
    }
    return true;
}

/* Runs use(db) with its n-th allocation failing, for n = 0, 1, … until a
 * run succeeds without reaching the failure (at most `most` runs): every
 * failure must be HOSHI_ERR_NOMEM with nomem() saying so, leave no
 * transaction open and no result being read, and the next run, without
 * a failure, succeed. */
static void pg_fault_sweep(hi_pg *db, hoshi_err (*use)(hi_pg *db), long most)
{
    bool done = false;
    for (long n = 0; n < most && !done; n++) {
        hoshi_testing_fail_alloc(n, false);
        hoshi_err err = use(db);
        bool injected = hoshi_testing_alloc_failed();
        hoshi_testing_fail_alloc(-1, false);
        if (!injected) {
            CHECK_INT(err, HOSHI_OK);
            done = true;
            continue;
        }
        CHECK_INT(err, HOSHI_ERR_NOMEM);
        CHECK(hi_pg_driver.nomem(db));
        if (err != HOSHI_ERR_NOMEM)
            printf("  after %ld allocations: %s\n", n, hoshi_error_detail());
        CHECK(!hi_pg_driver.in_transaction(db));
        CHECK(db->streaming == NULL);
        CHECK_INT(use(db), HOSHI_OK);
        CHECK(!hi_pg_driver.in_transaction(db));
    }
    CHECK(done);
}

/* Drops the schema and everything in it; the program's exit status. */
static int pg_schema_end(void)
{
    char sql[128];
    snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", schema);
    if (!hi_pg_exec(pg_test_admin, sql))
        printf("  %s: %s\n", sql, ((hi_pg *)pg_test_admin)->err_msg);
    hi_pg_driver.close(pg_test_admin);
    return UNIT_RESULT();
}

#endif
