/*
 * pgtest.h — a PostgreSQL database of its own for a C test.  Tests run
 * against PostgreSQL when tests/pg/pgtmp.py started a throwaway server
 * and exported its URL in HOSHI_TEST_PG (`python3 tests/pg/pgtmp.py run
 * -- CMD`); without it they test SQLite only.  Each test asks for a
 * database by a name of its own, so tests never see each other's rows.
 * Linked into every unit-test program (Makefile).
 */
#ifndef HOSHI_PGTEST_H
#define HOSHI_PGTEST_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/store.h"

/* False when HOSHI_TEST_PG is unset or empty (no PostgreSQL to test
 * against).  Otherwise creates a fresh, empty database name on that
 * server (UTF8, C locale; an old one of that name is dropped first),
 * writes its URL to url (size bytes) and returns true.  name must be
 * [a-z_][a-z0-9_]*, at most 63 characters.  A failure (bad name, server
 * unreachable, URL too long) is the test's: it prints a FAIL line saying
 * what failed and exits with status 1. */
bool hi_test_pg_url(const char *name, char *url, size_t size);

/* Whether the tests run against PostgreSQL (HOSHI_TEST_PG is set). */
bool hi_test_on_pg(void);

/* Opens the store a test names by an SQLite path: that file, or, when the
 * tests run against PostgreSQL, a database of its own for the path (made
 * empty on the first open of the path in this process, the same database
 * on later opens), so one test runs unchanged on both backends. */
hoshi_err hi_test_store_open(const char *path, int connections, hoshi_store **out);

/* Runs sql (statements without parameters) on the database of path, as
 * hi_test_store_open finds it, outside hoshi: what another program might
 * write.  Returns true when every statement ran. */
bool hi_test_db_exec(const char *path, const char *sql);

/* The first column of the first row of a query on the database of path,
 * as text, into out (size bytes; "" when no row): sql on SQLite, pg_sql
 * (NULL: sql) on PostgreSQL.  Returns false when the query failed. */
bool hi_test_db_value(const char *path, const char *sql, const char *pg_sql, char *out, size_t size);

#endif
