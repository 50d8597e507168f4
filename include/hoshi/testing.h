/*
 * testing.h — hooks for tests of libhoshi, not for production use.
 *
 * The hoshi command honours two environment variables that call these
 * hooks, so test suites can reach the library from outside
 * (tests/suites/faults_cli.sh):
 *   HOSHI_TESTING_FAIL_ALLOC_AFTER=n  hoshi_testing_fail_alloc(n, once)
 *                                     before the command runs, once when
 *   HOSHI_TESTING_FAIL_ALLOC_ONCE=1   is set too; on exit the command says
 *                                     on stderr whether an injected failure
 *                                     was returned, and after how many
 *                                     allocations
 *   HOSHI_TESTING_THREADS=1           hoshi_testing_parallel(1, 1): banners
 *                                     and CSV files of any size use two threads
 * Neither is meant to be set outside tests.
 */
#ifndef HOSHI_TESTING_H
#define HOSHI_TESTING_H

#include <stdbool.h>
#include <stddef.h>

/* After n more successful allocations inside the library, the next one
 * fails; with only_once false every further one fails too (until this is
 * called again), with only_once true the injection then disarms itself,
 * so an error that a caller swallows shows as a success.  A negative n
 * disarms it.  Process-wide and safe to use while several threads
 * allocate. */
void hoshi_testing_fail_alloc(long n, bool only_once);

/* hoshi_testing_fail_alloc(n, false). */
void hoshi_testing_fail_alloc_after(long n);

/* True when an injected allocation failure was returned since the last
 * call of hoshi_testing_fail_alloc(). */
bool hoshi_testing_alloc_failed(void);

/* Allocations asked for since the last call of hoshi_testing_fail_alloc()
 * (counted only while armed: arm with a large n to count a whole run). */
long hoshi_testing_alloc_count(void);

/* Finalizes every statement the store's connections keep prepared, so
 * the next operation prepares its statements again as just after opening,
 * without the cost of reopening (SQLite reads the whole schema then).
 * Call only while no other thread uses s. */
struct hoshi_store;
void hoshi_testing_store_forget(struct hoshi_store *s);

/* Lowers the sizes from which the tabulation engine uses two threads: a
 * banner of at least `rows` respondents, a CSV data file of at least
 * `bytes` bytes (0 keeps a size as it is).  Call before any other thread
 * uses the library. */
void hoshi_testing_parallel(size_t rows, size_t bytes);

#endif
