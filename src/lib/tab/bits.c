/*
 * bits.c — the counting kernels: population counts of ANDed bitsets.
 * Every cell of a table is one of these over the respondents, so they are
 * built twice, for CPUs with and without the POPCNT instruction, and the
 * loader picks one at start-up.
 */
#include "tab/tab_int.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define HI_CLONES __attribute__((target_clones("popcnt", "default")))
#else
#define HI_CLONES
#endif

HI_CLONES uint64_t hi_popcount(const uint64_t *a, size_t words)
{
    uint64_t n = 0;
    for (size_t i = 0; i < words; i++)
        n += (uint64_t)__builtin_popcountll(a[i]);
    return n;
}

HI_CLONES uint64_t hi_popcount_and(const uint64_t *a, const uint64_t *b, size_t words)
{
    uint64_t n = 0;
    for (size_t i = 0; i < words; i++)
        n += (uint64_t)__builtin_popcountll(a[i] & b[i]);
    return n;
}

HI_CLONES uint64_t hi_popcount_and3(const uint64_t *a, const uint64_t *b, const uint64_t *c,
                                    size_t words)
{
    uint64_t n = 0;
    for (size_t i = 0; i < words; i++)
        n += (uint64_t)__builtin_popcountll(a[i] & b[i] & c[i]);
    return n;
}
