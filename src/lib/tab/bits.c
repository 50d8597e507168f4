/*
 * bits.c — the counting kernels: population counts of ANDed bitsets.
 * Every cell of a table is one of these over the respondents, so they are
 * built twice, for CPUs with and without the POPCNT instruction, and the
 * loader picks one at start-up.  The kernels look alike on purpose (one
 * loop each, nothing shared, so each compiles to its tightest form); a
 * duplicate finder reporting them is seeing the deliberate SIMD kernels.
 */
#include "tab/tab_int.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

/* Not under ThreadSanitizer: the loader runs the clones' resolvers before
 * the sanitizer's runtime is set up, and an instrumented resolver crashes. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
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

/* The 64 one-hot words of a block of 64 SA values: with SSE2 one compare
 * per code and 16 values (no store-to-load chains when neighbours share a
 * code), else one OR per value. */
static inline void one_hot(const uint8_t *p, unsigned n_codes, uint64_t *oh)
{
#if defined(__SSE2__)
    __m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
    __m128i c = _mm_loadu_si128((const __m128i *)(const void *)(p + 32));
    __m128i d = _mm_loadu_si128((const __m128i *)(const void *)(p + 48));
    for (unsigned k = 0; k <= n_codes; k++) {
        __m128i v = _mm_set1_epi8((char)k);
        uint64_t m0 = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(a, v));
        uint64_t m1 = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b, v));
        uint64_t m2 = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(c, v));
        uint64_t m3 = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(d, v));
        oh[k] = m0 | m1 << 16 | m2 << 32 | m3 << 48;
    }
#else
    memset(oh, 0, (n_codes + 1) * sizeof oh[0]);
    for (size_t j = 0; j < 64; j++)
        oh[p[j]] |= (uint64_t)1 << j;
#endif
}

/* The counting loop, instantiated once per one-hot builder. */
#define COUNT_CODES_BODY(ONE_HOT)                                                      \
    size_t words = hi_words(n_rows);                                                   \
    uint64_t oh[256];                                                                  \
    uint8_t tail[64];                                                                  \
    for (size_t w = 0; w < words; w++) {                                               \
        size_t base = w * 64;                                                          \
        const uint8_t *p = sa + base;                                                  \
        if (n_rows - base < 64) {                                                      \
            /* the last block, padded with blanks no side row includes */             \
            memset(tail, 0, sizeof tail);                                              \
            memcpy(tail, p, n_rows - base);                                            \
            p = tail;                                                                  \
        }                                                                              \
        ONE_HOT(p, n_codes, oh);                                                       \
        for (size_t k = 0; k < n_side; k++) {                                          \
            uint64_t s = rows[k][w];                                                   \
            if (s == 0)                                                                \
                continue;                                                              \
            uint64_t *h = hist + k * 256;                                              \
            for (unsigned c = 0; c <= n_codes; c++)                                    \
                h[c] += (uint64_t)__builtin_popcountll(s & oh[c]);                     \
        }                                                                              \
    }

HI_CLONES static void count_codes_base(const uint8_t *sa, size_t n_rows, unsigned n_codes,
                                       const uint64_t *const *rows, size_t n_side,
                                       uint64_t *hist)
{
    /* values past n_codes (impossible in a validated store) match no word */
    COUNT_CODES_BODY(one_hot)
}

#if defined(__x86_64__) && defined(__GNUC__)
/* AVX2: one compare per code and 32 values. */
__attribute__((target("avx2,popcnt"))) static inline void one_hot_avx2(const uint8_t *p,
                                                                       unsigned n_codes,
                                                                       uint64_t *oh)
{
    __m256i a = _mm256_loadu_si256((const __m256i *)(const void *)p);
    __m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32));
    for (unsigned k = 0; k <= n_codes; k++) {
        __m256i v = _mm256_set1_epi8((char)k);
        uint64_t lo = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, v));
        uint64_t hi = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, v));
        oh[k] = lo | hi << 32;
    }
}

__attribute__((target("avx2,popcnt"))) static void
count_codes_avx2(const uint8_t *sa, size_t n_rows, unsigned n_codes, const uint64_t *const *rows,
                 size_t n_side, uint64_t *hist)
{
    COUNT_CODES_BODY(one_hot_avx2)
}
#endif

/* The one-hot bitsets of a whole column, block by block. */
#define ONE_HOT_BODY(ONE_HOT)                                                          \
    size_t words = hi_words(n_rows);                                                   \
    uint64_t oh[256];                                                                  \
    uint8_t tail[64];                                                                  \
    for (size_t w = 0; w < words; w++) {                                               \
        size_t base = w * 64;                                                          \
        const uint8_t *p = sa + base;                                                  \
        if (n_rows - base < 64) {                                                      \
            memset(tail, 0, sizeof tail);                                              \
            memcpy(tail, p, n_rows - base);                                            \
            p = tail;                                                                  \
        }                                                                              \
        ONE_HOT(p, n_codes, oh);                                                       \
        uint64_t any = 0;                                                              \
        for (unsigned c = 1; c <= n_codes; c++) {                                      \
            bits[c - 1][w] = oh[c];                                                    \
            any |= oh[c];                                                              \
        }                                                                              \
        present[w] = any;                                                              \
    }

static void one_hot_column_base(const uint8_t *sa, size_t n_rows, unsigned n_codes,
                                uint64_t *const *bits, uint64_t *present)
{
    ONE_HOT_BODY(one_hot)
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2,popcnt"))) static void
one_hot_column_avx2(const uint8_t *sa, size_t n_rows, unsigned n_codes, uint64_t *const *bits,
                    uint64_t *present)
{
    ONE_HOT_BODY(one_hot_avx2)
}
#endif

void hi_one_hot_column(const uint8_t *sa, size_t n_rows, unsigned n_codes,
                       uint64_t *const *bits, uint64_t *present)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (__builtin_cpu_supports("avx2")) {
        one_hot_column_avx2(sa, n_rows, n_codes, bits, present);
        return;
    }
#endif
    one_hot_column_base(sa, n_rows, n_codes, bits, present);
}

void hi_count_codes(const uint8_t *sa, size_t n_rows, unsigned n_codes,
                    const uint64_t *const *rows, size_t n_side, uint64_t *hist)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt")) {
        count_codes_avx2(sa, n_rows, n_codes, rows, n_side, hist);
        return;
    }
#endif
    count_codes_base(sa, n_rows, n_codes, rows, n_side, hist);
}

/* Largest byte of p[0..n), for range checks of SA columns. */
uint8_t hi_max_byte(const uint8_t *p, size_t n)
{
    size_t i = 0;
    uint8_t m = 0;
#if defined(__SSE2__)
    __m128i acc = _mm_setzero_si128();
    for (; i + 16 <= n; i += 16)
        acc = _mm_max_epu8(acc, _mm_loadu_si128((const __m128i *)(const void *)(p + i)));
    uint8_t lanes[16];
    _mm_storeu_si128((__m128i *)(void *)lanes, acc);
    for (int k = 0; k < 16; k++)
        m = lanes[k] > m ? lanes[k] : m;
#endif
    for (; i < n; i++)
        m = p[i] > m ? p[i] : m;
    return m;
}
