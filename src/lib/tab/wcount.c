/*
 * wcount.c — the counting kernels of weighted tables: sums of respondent
 * weights where the unweighted path counts bits.  When the side rows do
 * not overlap (an SA side, bands, no side), each respondent's bucket is
 * looked up once per run in row_of (its side row, or "in the filter but in
 * no side row", or "outside the filter"), so an SA head is one branch-free
 * pass adding each weight to its (bucket, code) cell, and a category bitset
 * one walk over its set bits; the total row is the sum of the buckets.
 * Four copies of the sums are interleaved so that neighbours adding to the
 * same cell do not wait on each other.  Overlapping rows (an MA side, nets
 * of the side) are summed row by row.  For a side of up to 16 rows, row_of
 * and the weighted bases come from one AVX-512 pass over the rows' masks
 * and the weights (on two threads for big data).
 */
#include "tab/weights.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LANES 4

/* The buckets of row_of: side rows 1..n-1, then IN_FILTER (n) and OUTSIDE (n + 1). */
static size_t n_buckets(const hi_side *sd)
{
    return sd->n + 2;
}

/* row_of, or NULL (no error) when rows overlap or are too many. */
static hoshi_err make_row_of(hi_side *sd, size_t n_rows)
{
    size_t words = hi_words(n_rows), n = sd->n;
    if (n + 2 > 256)
        return HOSHI_OK;
    uint8_t *ro = hi_malloc(n_rows ? n_rows : 1);
    if (ro == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    memset(ro, (int)(n + 1), n_rows);
    for (size_t i = 0; i < words; i++) {
        uint64_t b = sd->bits[0][i];
        if (b == ~(uint64_t)0)
            memset(ro + i * 64, (int)n, 64);
        else
            for (; b; b &= b - 1)
                ro[i * 64 + (size_t)__builtin_ctzll(b)] = (uint8_t)n;
    }
    for (size_t k = 1; k < n; k++)
        for (size_t i = 0; i < words; i++)
            for (uint64_t b = sd->bits[k][i]; b; b &= b - 1) {
                size_t r = i * 64 + (size_t)__builtin_ctzll(b);
                if (ro[r] != n) { /* in two rows: count row by row */
                    free(ro);
                    return HOSHI_OK;
                }
                ro[r] = (uint8_t)k;
            }
    sd->row_of = ro;
    return HOSHI_OK;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define VEC_BUCKETS 16 /* side rows + 1 that row_of_avx512 takes */

/* Words w0..w1 of row_of and the sums of each bucket with AVX-512 for a
 * side of few rows: a word's 64 bytes of row_of are blended from the
 * rows' masks, and its 64 weights (and squares) are added to the buckets
 * their masks select, eight at a time.  ok false when the rows overlap. */
typedef struct wside_job {
    const hi_side *sd;
    const double *w;
    size_t n_rows, w0, w1;
    uint8_t *ro;
    double sum[VEC_BUCKETS + 1], sq[VEC_BUCKETS + 1];
    bool ok;
} wside_job;

__attribute__((target("avx512f,avx512bw"))) static void *row_of_avx512(void *arg)
{
    wside_job *J = arg;
    const hi_side *sd = J->sd;
    size_t n = sd->n, n_rows = J->n_rows;
    __m512d vs[VEC_BUCKETS + 1], vq[VEC_BUCKETS + 1];
    J->ok = false;
    for (size_t k = 0; k <= n; k++)
        vs[k] = vq[k] = _mm512_setzero_pd();
    for (size_t i = J->w0; i < J->w1; i++) {
        size_t m = n_rows - i * 64 < 64 ? n_rows - i * 64 : 64;
        uint64_t f = sd->bits[0][i], seen = 0;
        __m512i v = _mm512_mask_blend_epi8(f, _mm512_set1_epi8((char)(n + 1)),
                                           _mm512_set1_epi8((char)n));
        for (size_t k = 1; k < n; k++) {
            uint64_t b = sd->bits[k][i];
            if (b & (seen | ~f))
                return NULL; /* in two rows: count row by row */
            seen |= b;
            v = _mm512_mask_blend_epi8(b, v, _mm512_set1_epi8((char)k));
        }
        _mm512_mask_storeu_epi8(J->ro + i * 64, m == 64 ? ~(__mmask64)0 : ((__mmask64)1 << m) - 1, v);
        if (f == 0)
            continue;
        __m512d x[8], x2[8];
        for (int g = 0; g < 8; g++) { /* (the bits past the data are 0: nothing read there) */
            x[g] = _mm512_maskz_loadu_pd((__mmask8)(f >> (8 * g)), J->w + i * 64 + 8 * g);
            x2[g] = _mm512_mul_pd(x[g], x[g]);
        }
        for (size_t k = 1; k <= n; k++) {
            uint64_t b = k < n ? sd->bits[k][i] : f & ~seen;
            if (b == 0)
                continue;
            __m512d a = _mm512_setzero_pd(), q = _mm512_setzero_pd();
            for (int g = 0; g < 8; g++) {
                a = _mm512_mask_add_pd(a, (__mmask8)(b >> (8 * g)), a, x[g]);
                q = _mm512_mask_add_pd(q, (__mmask8)(b >> (8 * g)), q, x2[g]);
            }
            vs[k] = _mm512_add_pd(vs[k], a);
            vq[k] = _mm512_add_pd(vq[k], q);
        }
    }
    for (size_t k = 1; k <= n; k++) {
        J->sum[k] = _mm512_reduce_add_pd(vs[k]);
        J->sq[k] = _mm512_reduce_add_pd(vq[k]);
    }
    J->ok = true;
    return NULL;
}
#endif

/* The weighted bases from the bucket sums: rows 1..n-1 their own, the
 * total row the sum of the filter's buckets 1..n. */
static void bases_of_buckets(hi_side *sd, const double *sum, const double *sq)
{
    for (size_t k = 1; k <= sd->n; k++) {
        if (k < sd->n) {
            sd->wsum[k] = sum[k];
            sd->wsq[k] = sq[k];
        }
        sd->wsum[0] += sum[k];
        sd->wsq[0] += sq[k];
    }
}

/* row_of and the bases with AVX-512 when it can (*done), by halves of the
 * respondents on two threads when two_threads; else nothing done. */
static hoshi_err wside_fast(hi_side *sd, const double *w, size_t n_rows, bool two_threads,
                            bool *done)
{
    *done = false;
#if defined(__x86_64__) && defined(__GNUC__)
    if (hi_wfused_mode == 1 || sd->n > VEC_BUCKETS || !__builtin_cpu_supports("avx512bw"))
        return HOSHI_OK;
    uint8_t *ro = hi_malloc(n_rows ? n_rows : 1);
    if (ro == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    size_t words = hi_words(n_rows), half = two_threads ? words / 2 : words;
    wside_job J[2] = {{.sd = sd, .w = w, .n_rows = n_rows, .w0 = 0, .w1 = half, .ro = ro},
                      {.sd = sd, .w = w, .n_rows = n_rows, .w0 = half, .w1 = words, .ro = ro}};
    pthread_t th;
    bool threaded = half < words && pthread_create(&th, NULL, row_of_avx512, &J[1]) == 0;
    row_of_avx512(&J[0]);
    if (threaded)
        pthread_join(th, NULL);
    else
        row_of_avx512(&J[1]); /* (an empty range when one thread was asked) */
    if (!J[0].ok || !J[1].ok) {
        free(ro);
        return HOSHI_OK;
    }
    for (size_t k = 1; k <= sd->n; k++) {
        J[0].sum[k] += J[1].sum[k];
        J[0].sq[k] += J[1].sq[k];
    }
    sd->row_of = ro;
    bases_of_buckets(sd, J[0].sum, J[0].sq);
    *done = true;
#else
    (void)sd;
    (void)w;
    (void)n_rows;
    (void)two_threads;
#endif
    return HOSHI_OK;
}

hoshi_err hi_wside_init(hi_side *sd, const double *w, size_t n_rows, bool two_threads)
{
    size_t words = hi_words(n_rows);
    sd->w = w;
    sd->wsum = hi_calloc(sd->n, sizeof *sd->wsum);
    sd->wsq = hi_calloc(sd->n, sizeof *sd->wsq);
    if (sd->wsum == NULL || sd->wsq == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    bool done = false;
    hoshi_err err = wside_fast(sd, w, n_rows, two_threads, &done);
    if (err != HOSHI_OK || done)
        return err;
    if ((err = make_row_of(sd, n_rows)) != HOSHI_OK)
        return err;
    if (sd->row_of != NULL) { /* one pass: the sums of each bucket, in lanes */
        double s[LANES][256] = {{0}}, q[LANES][256] = {{0}};
        const uint8_t *ro = sd->row_of;
        size_t r = 0;
        for (; r + LANES <= n_rows; r += LANES)
            for (size_t l = 0; l < LANES; l++) {
                s[l][ro[r + l]] += w[r + l];
                q[l][ro[r + l]] += w[r + l] * w[r + l];
            }
        for (; r < n_rows; r++) {
            s[0][ro[r]] += w[r];
            q[0][ro[r]] += w[r] * w[r];
        }
        for (size_t l = 1; l < LANES; l++)
            for (size_t k = 1; k <= sd->n; k++) {
                s[0][k] += s[l][k];
                q[0][k] += q[l][k];
            }
        bases_of_buckets(sd, s[0], q[0]);
        return HOSHI_OK;
    }
    for (size_t k = 0; k < sd->n; k++)
        for (size_t i = 0; i < words; i++)
            for (uint64_t b = sd->bits[k][i]; b; b &= b - 1) {
                double x = w[i * 64 + (size_t)__builtin_ctzll(b)];
                sd->wsum[k] += x;
                sd->wsq[k] += x * x;
            }
    return HOSHI_OK;
}

void hi_wside_free(hi_side *sd)
{
    free(sd->wsum);
    free(sd->wsq);
    free(sd->row_of);
    sd->wsum = sd->wsq = NULL;
    sd->row_of = NULL;
}

/* hist[k * 256 + v] for the side rows k from the bucket sums of lane
 * copies h (each nb * 256), the total row as the sum of the filter's buckets. */
static void fold_buckets(const hi_side *sd, const double *h, double *hist, size_t width)
{
    size_t nb = n_buckets(sd);
    for (size_t k = 1; k <= sd->n; k++)
        for (size_t v = 0; v < width; v++) {
            double x = 0;
            for (size_t l = 0; l < LANES; l++)
                x += h[(l * nb + k) * width + v];
            if (k < sd->n)
                hist[k * width + v] += x;
            hist[v] += x;
        }
}

void hi_wcount_sa(const uint8_t *sa, const hi_side *sd, size_t n_rows, double *hist)
{
    size_t words = hi_words(n_rows), nb = n_buckets(sd);
    const double *w = sd->w;
    const uint8_t *ro = sd->row_of;
    double *h = ro != NULL ? hi_calloc(LANES * nb * 256, sizeof *h) : NULL;
    if (h != NULL) {
        double *h0 = h, *h1 = h + nb * 256, *h2 = h + 2 * nb * 256, *h3 = h + 3 * nb * 256;
        size_t r = 0;
        for (; r + LANES <= n_rows; r += LANES) {
            h0[(size_t)ro[r] * 256 + sa[r]] += w[r];
            h1[(size_t)ro[r + 1] * 256 + sa[r + 1]] += w[r + 1];
            h2[(size_t)ro[r + 2] * 256 + sa[r + 2]] += w[r + 2];
            h3[(size_t)ro[r + 3] * 256 + sa[r + 3]] += w[r + 3];
        }
        for (; r < n_rows; r++)
            h0[(size_t)ro[r] * 256 + sa[r]] += w[r];
        fold_buckets(sd, h, hist, 256);
        free(h);
        return;
    }
    /* rows overlap (or no memory for the lanes): row by row */
    for (size_t k = 0; k < sd->n; k++)
        for (size_t i = 0; i < words; i++)
            for (uint64_t b = sd->bits[k][i]; b; b &= b - 1) {
                size_t r = i * 64 + (size_t)__builtin_ctzll(b);
                hist[k * 256 + sa[r]] += w[r];
            }
}

/* The body of the two bitset kernels: MASK(i) is the word of respondents counted. */
#define WCOUNT_BITS_BODY(MASK)                                                         \
    size_t words = hi_words(n_rows), nb = n_buckets(sd);                               \
    const double *w = sd->w;                                                           \
    const uint8_t *ro = sd->row_of;                                                    \
    if (ro != NULL) {                                                                  \
        double h[LANES * 256] = {0};                                                   \
        for (size_t i = 0; i < words; i++) {                                           \
            unsigned l = 0;                                                            \
            for (uint64_t b = sd->bits[0][i] & (MASK); b; b &= b - 1, l++) {           \
                size_t r = i * 64 + (size_t)__builtin_ctzll(b);                        \
                h[(l % LANES) * nb + ro[r]] += w[r];                                   \
            }                                                                          \
        }                                                                              \
        fold_buckets(sd, h, acc, 1);                                                   \
        return;                                                                        \
    }                                                                                  \
    for (size_t k = 0; k < sd->n; k++)                                                 \
        for (size_t i = 0; i < words; i++)                                             \
            for (uint64_t b = sd->bits[k][i] & (MASK); b; b &= b - 1)                  \
                acc[k] += w[i * 64 + (size_t)__builtin_ctzll(b)];

void hi_wcount_bits(const uint64_t *bits, const hi_side *sd, size_t n_rows, double *acc)
{
    WCOUNT_BITS_BODY(bits[i])
}

void hi_wcount_not_bits(const uint64_t *bits, const hi_side *sd, size_t n_rows, double *acc)
{
    WCOUNT_BITS_BODY(~bits[i])
}

/* Several categories at once with AVX-512: each word's 64 weights are
 * loaded once, and each (category, side row) adds the weights its mask
 * selects, eight at a time, whatever the density of the bits.  Side rows
 * may overlap.  The partial last word is summed bit by bit. */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

__attribute__((target("avx512f"))) static void
wcount_cats_avx512(const uint64_t *const *bits, size_t nc, bool negate, const hi_side *sd,
                   size_t n_rows, double *acc, __m512d *va)
{
    size_t full = n_rows / 64, n = sd->n;
    const double *w = sd->w;
    for (size_t i = 0; i < full; i++) {
        const double *wp = w + i * 64;
        __m512d x[8];
        for (int g = 0; g < 8; g++)
            x[g] = _mm512_loadu_pd(wp + g * 8);
        for (size_t c = 0; c < nc; c++) {
            uint64_t m = (negate ? ~bits[c][i] : bits[c][i]) & sd->bits[0][i];
            if (m == 0)
                continue;
            for (size_t k = 0; k < n; k++) {
                uint64_t mk = k == 0 ? m : m & sd->bits[k][i];
                if (mk == 0)
                    continue;
                __m512d s01 = _mm512_add_pd(_mm512_maskz_mov_pd((__mmask8)mk, x[0]),
                                            _mm512_maskz_mov_pd((__mmask8)(mk >> 8), x[1]));
                __m512d s23 = _mm512_add_pd(_mm512_maskz_mov_pd((__mmask8)(mk >> 16), x[2]),
                                            _mm512_maskz_mov_pd((__mmask8)(mk >> 24), x[3]));
                __m512d s45 = _mm512_add_pd(_mm512_maskz_mov_pd((__mmask8)(mk >> 32), x[4]),
                                            _mm512_maskz_mov_pd((__mmask8)(mk >> 40), x[5]));
                __m512d s67 = _mm512_add_pd(_mm512_maskz_mov_pd((__mmask8)(mk >> 48), x[6]),
                                            _mm512_maskz_mov_pd((__mmask8)(mk >> 56), x[7]));
                va[c * n + k] = _mm512_add_pd(va[c * n + k],
                                              _mm512_add_pd(_mm512_add_pd(s01, s23),
                                                            _mm512_add_pd(s45, s67)));
            }
        }
    }
    for (size_t c = 0; c < nc; c++)
        for (size_t k = 0; k < n; k++) {
            double lanes[8];
            _mm512_storeu_pd(lanes, va[c * n + k]);
            for (int l = 0; l < 8; l++)
                acc[c * n + k] += lanes[l];
            if (full * 64 < n_rows) { /* the partial last word */
                uint64_t m = (negate ? ~bits[c][full] : bits[c][full]) & sd->bits[k][full];
                for (; m; m &= m - 1)
                    acc[c * n + k] += w[full * 64 + (size_t)__builtin_ctzll(m)];
            }
        }
}
#endif

hoshi_err hi_wcount_cats(const uint64_t *const *bits, size_t nc, bool negate, const hi_side *sd,
                         size_t n_rows, double *acc)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (sd->n <= 8 && __builtin_cpu_supports("avx512f")) {
        size_t cells = nc * sd->n > 0 ? nc * sd->n : 1;
        char *raw = hi_calloc(cells + 1, sizeof(__m512d)); /* aligned to 64 below */
        if (raw == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        __m512d *va = (__m512d *)(void *)(raw + (64 - (uintptr_t)raw % 64) % 64);
        wcount_cats_avx512(bits, nc, negate, sd, n_rows, acc, va);
        free(raw);
        return HOSHI_OK;
    }
#endif
    double *one = hi_calloc(sd->n + 1, sizeof *one);
    if (one == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    for (size_t c = 0; c < nc; c++) {
        memset(one, 0, (sd->n + 1) * sizeof *one);
        if (negate)
            hi_wcount_not_bits(bits[c], sd, n_rows, one);
        else
            hi_wcount_bits(bits[c], sd, n_rows, one);
        for (size_t k = 0; k < sd->n; k++)
            acc[c * sd->n + k] += one[k];
    }
    free(one);
    return HOSHI_OK;
}
