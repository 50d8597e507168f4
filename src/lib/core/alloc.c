/*
 * alloc.c — the library's allocation functions, with fault injection.
 *
 * Every allocation in the core goes through hi_malloc/hi_calloc/hi_realloc/
 * hi_strdup so a test can make the n-th allocation fail and check that each
 * failure path returns HOSHI_ERR_NOMEM cleanly, without a crash or a leak
 * (the idea of SQLite's malloc fault tests and curl's torture tests).
 * Disarmed, the cost is one atomic load.
 */
#include "alloc.h"
#include "hoshi/testing.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Allocations left before injected failures start; negative: disarmed. */
static atomic_long countdown = -1;
/* Only one allocation fails, then the injection disarms itself. */
static atomic_bool once = false;
/* Set once an injected failure was returned since the last arming. */
static atomic_bool fired = false;
/* Allocations asked for since the last arming (counted while armed). */
static atomic_long asked = 0;

void hoshi_testing_fail_alloc(long n, bool only_once)
{
    atomic_store(&fired, false);
    atomic_store(&asked, 0);
    atomic_store(&once, only_once);
    atomic_store(&countdown, n);
}

void hoshi_testing_fail_alloc_after(long n)
{
    hoshi_testing_fail_alloc(n, false);
}

bool hoshi_testing_alloc_failed(void)
{
    return atomic_load(&fired);
}

long hoshi_testing_alloc_count(void)
{
    return atomic_load(&asked);
}

/* A compare-and-swap loop, so that two threads allocating at once can
 * neither both take the last permitted allocation nor drive the count
 * below zero (which would disarm the injection). */
static bool should_fail(void)
{
    long left = atomic_load_explicit(&countdown, memory_order_relaxed);
    if (left >= 0)
        atomic_fetch_add_explicit(&asked, 1, memory_order_relaxed);
    for (;;) {
        if (left < 0)
            return false;
        if (left == 0) {
            if (atomic_load(&once) && !atomic_compare_exchange_weak(&countdown, &left, -1))
                continue; /* another thread took the one failure, or a spurious miss */
            atomic_store(&fired, true);
            return true;
        }
        if (atomic_compare_exchange_weak(&countdown, &left, left - 1))
            return false;
    }
}

void *hi_malloc(size_t n)
{
    return should_fail() ? NULL : malloc(n);
}

void *hi_calloc(size_t count, size_t size)
{
    return should_fail() ? NULL : calloc(count, size);
}

void *hi_realloc(void *p, size_t n)
{
    return should_fail() ? NULL : realloc(p, n);
}

char *hi_strdup(const char *s)
{
    if (s == NULL)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = hi_malloc(n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}
