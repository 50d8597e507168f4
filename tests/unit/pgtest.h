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

/* False when HOSHI_TEST_PG is unset or empty (no PostgreSQL to test
 * against).  Otherwise creates a fresh, empty database name on that
 * server (UTF8, C locale; an old one of that name is dropped first),
 * writes its URL to url (size bytes) and returns true.  name must be
 * [a-z_][a-z0-9_]*, at most 63 characters.  A failure (bad name, server
 * unreachable, URL too long) is the test's: it prints a FAIL line saying
 * what failed and exits with status 1. */
bool hi_test_pg_url(const char *name, char *url, size_t size);

#endif
