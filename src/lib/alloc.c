/*
 * alloc.c — the library's allocation functions, with fault injection.
 *
 * Every allocation in the core goes through hi_malloc/hi_calloc/hi_realloc
 * so a test can make the n-th allocation fail and check that each failure
 * path returns HOSHI_ERR_NOMEM cleanly, without a crash or a leak (the idea
 * of SQLite's malloc fault tests).  Disarmed, the cost is one atomic load.
 */
#include "alloc.h"
#include "hoshi/testing.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

/* Allocations left before injected failures start; negative: disarmed. */
static atomic_long countdown = -1;

void hoshi_testing_fail_alloc_after(long n)
{
    atomic_store(&countdown, n);
}

static bool should_fail(void)
{
    long left = atomic_load_explicit(&countdown, memory_order_relaxed);
    if (left < 0)
        return false;
    if (left == 0)
        return true;
    atomic_fetch_sub(&countdown, 1);
    return false;
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
