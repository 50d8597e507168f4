/*
 * wfused.c — the weighted and the unweighted counts of a categorical head
 * in one pass, for a weighted run whose side rows do not overlap
 * (sd->row_of: an SA side, bands, no side).  Each respondent is in one
 * bucket (its side row, "in the filter only", "outside the filter"), so a
 * head is one histogram per bucket: of the respondent's SA value, or for an
 * MA head of few categories of its answer pattern (one bit per category;
 * pattern 0 is a blank, so "answered" must be "in some category").  Each respondent adds its weight and a one to
 * one cell, where the general kernels (wcount.c) make one masked sum per
 * category and side row and the unweighted counts are a second pass; the
 * cells are folded into categories and rows at the end.  The sums are the
 * same weights added in another order, so they agree with the general
 * kernels to the last bits of a double, far below what any output shows.
 */
#include "tab/weights.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

int hi_wfused_mode = 0;
atomic_size_t hi_wfused_passes;

#define LANES 4           /* copies of an SA histogram, so neighbours do not wait on each other */
#define MAX_CELLS 65536u  /* buckets × patterns of an MA head, in doubles and counts */

/* The buckets of row_of: side rows 1..n-1, then IN_FILTER (n) and OUTSIDE (n + 1). */
static size_t n_buckets(const hi_side *sd)
{
    return sd->n + 2;
}

/* An SA column: cell (bucket, value) of lane l of hw and hc.  Values are
 * below s (a checked store holds no code past the codebook's). */
static void sa_cells(const uint8_t *sa, const hi_side *sd, size_t n_rows, size_t s, double *hw,
                     uint32_t *hc)
{
    const uint8_t *ro = sd->row_of;
    const double *w = sd->w;
    size_t lane = n_buckets(sd) * s, r = 0;
    for (; r + LANES <= n_rows; r += LANES)
        for (size_t l = 0; l < LANES; l++) {
            size_t i = l * lane + (size_t)ro[r + l] * s + sa[r + l];
            hw[i] += w[r + l];
            hc[i]++;
        }
    for (; r < n_rows; r++) {
        size_t i = (size_t)ro[r] * s + sa[r];
        hw[i] += w[r];
        hc[i]++;
    }
}

/* The answer patterns of the respondents of word i: bit c for category c
 * of the nb bitsets. */
static void patterns_portable(const uint64_t *const *bits, size_t nb, size_t i, uint16_t *pat)
{
    memset(pat, 0, 64 * sizeof *pat);
    for (size_t c = 0; c < nb; c++)
        for (uint64_t b = bits[c][i]; b; b &= b - 1)
            pat[__builtin_ctzll(b)] |= (uint16_t)(1u << c);
}

/* The cells of one word's respondents (m of them: the last word may be short). */
static inline void pattern_cells(const uint16_t *pat, const uint8_t *ro, const double *w,
                                 size_t m, unsigned p, double *hw, uint32_t *hc)
{
    for (size_t j = 0; j < m; j++) {
        size_t c = (size_t)ro[j] << p | pat[j];
        hw[c] += w[j];
        hc[c]++;
    }
}

static void ma_cells_portable(const uint64_t *const *bits, unsigned p, const hi_side *sd,
                              size_t n_rows, double *hw, uint32_t *hc)
{
    uint16_t pat[64];
    for (size_t i = 0; i < hi_words(n_rows); i++) {
        if (sd->bits[0][i] == 0)
            continue; /* nobody of the filter */
        size_t m = n_rows - i * 64 < 64 ? n_rows - i * 64 : 64;
        patterns_portable(bits, p, i, pat);
        pattern_cells(pat, sd->row_of + i * 64, sd->w + i * 64, m, p, hw, hc);
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
/* The same with AVX-512BW: the 64 patterns of a word are two vectors of
 * 32 lanes, each category one masked add per vector (its bit is set once). */
__attribute__((target("avx512f,avx512bw"))) static void
ma_cells_avx512(const uint64_t *const *bits, unsigned p, const hi_side *sd, size_t n_rows,
                double *hw, uint32_t *hc)
{
    uint16_t pat[64];
    for (size_t i = 0; i < hi_words(n_rows); i++) {
        if (sd->bits[0][i] == 0)
            continue;
        size_t m = n_rows - i * 64 < 64 ? n_rows - i * 64 : 64;
        __m512i lo = _mm512_setzero_si512(), hi = _mm512_setzero_si512();
        for (unsigned c = 0; c < p; c++) {
            uint64_t b = bits[c][i];
            __m512i one = _mm512_set1_epi16((short)(1u << c));
            lo = _mm512_mask_add_epi16(lo, (__mmask32)b, lo, one);
            hi = _mm512_mask_add_epi16(hi, (__mmask32)(b >> 32), hi, one);
        }
        _mm512_storeu_si512((void *)pat, lo);
        _mm512_storeu_si512((void *)(pat + 32), hi);
        pattern_cells(pat, sd->row_of + i * 64, sd->w + i * 64, m, p, hw, hc);
    }
}
#endif

/* Adds cell (weight x, count k) of bucket b to row b (a side row) and to
 * the total row, slot v of stride s. */
static void add_cell(const hi_side *sd, size_t b, size_t s, size_t v, double x, uint64_t k,
                     uint64_t *cnt, double *wc)
{
    if (b < sd->n) {
        cnt[b * s + v] += k;
        wc[b * s + v] += x;
    }
    cnt[v] += k;
    wc[v] += x;
}

/* Whether "answered at all" is "in some category" (pattern 0 a blank). */
static bool present_is_any(const hi_var *h, size_t n_rows)
{
    for (size_t i = 0; i < hi_words(n_rows); i++) {
        uint64_t any = 0;
        for (size_t c = 0; c < h->n; c++)
            any |= h->cat[c].bits[i];
        if (any != h->present[i])
            return false;
    }
    return true;
}

/* Whether head h takes a fused pass, and with how many pattern bits (0 for
 * an SA column, else one per category). */
static bool fusable(const hi_var *h, const hi_side *sd, size_t n_rows, unsigned *p)
{
    *p = 0;
    if (hi_wfused_mode < 0 || sd->w == NULL || sd->row_of == NULL)
        return false;
    if (h->sa != NULL)
        return true;
    if (h->present == NULL || h->n == 0 || h->n > 12)
        return false;
    *p = (unsigned)h->n;
    return (n_buckets(sd) << *p) <= MAX_CELLS && present_is_any(h, n_rows);
}

static void fold_sa(const hi_side *sd, size_t s, const double *hw, const uint32_t *hc,
                    uint64_t *cnt, double *wc)
{
    size_t lane = n_buckets(sd) * s;
    for (size_t b = 1; b <= sd->n; b++)
        for (size_t v = 0; v < s; v++) {
            double x = 0;
            uint64_t k = 0;
            for (size_t l = 0; l < LANES; l++) {
                x += hw[l * lane + b * s + v];
                k += hc[l * lane + b * s + v];
            }
            add_cell(sd, b, s, v, x, k, cnt, wc);
        }
}

static void fold_ma(const hi_side *sd, size_t nc, unsigned p, const double *hw, const uint32_t *hc,
                    uint64_t *cnt, double *wc)
{
    size_t s = nc + 1;
    for (size_t b = 1; b <= sd->n; b++)
        for (size_t pat = 0; pat < ((size_t)1 << p); pat++) {
            size_t cell = b << p | pat;
            if (hc[cell] == 0)
                continue;
            if (pat == 0) /* blank */
                add_cell(sd, b, s, 0, hw[cell], hc[cell], cnt, wc);
            for (size_t c = 0; c < nc; c++)
                if (pat >> c & 1)
                    add_cell(sd, b, s, c + 1, hw[cell], hc[cell], cnt, wc);
        }
}

hoshi_err hi_wfused_cat(const hi_var *h, const hi_side *sd, size_t n_rows, uint64_t *cnt,
                        double *wc, bool *done)
{
    unsigned p;
    *done = false;
    if (!fusable(h, sd, n_rows, &p))
        return HOSHI_OK;
    size_t s = h->n + 1, cells = p > 0 ? n_buckets(sd) << p : LANES * n_buckets(sd) * s;
    double *hw = hi_calloc(cells, sizeof *hw);
    uint32_t *hc = hi_calloc(cells, sizeof *hc);
    if (hw == NULL || hc == NULL) {
        free(hw);
        free(hc);
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    }
    memset(cnt, 0, sd->n * s * sizeof *cnt);
    memset(wc, 0, sd->n * s * sizeof *wc);
    if (p == 0) {
        sa_cells(h->sa, sd, n_rows, s, hw, hc);
        fold_sa(sd, s, hw, hc, cnt, wc);
    } else {
        const uint64_t **bits = hi_malloc(h->n * sizeof *bits);
        if (bits == NULL) {
            free(hw);
            free(hc);
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        }
        for (size_t c = 0; c < h->n; c++)
            bits[c] = h->cat[c].bits;
#if defined(__x86_64__) && defined(__GNUC__)
        if (hi_wfused_mode == 0 && __builtin_cpu_supports("avx512bw"))
            ma_cells_avx512(bits, p, sd, n_rows, hw, hc);
        else
#endif
            ma_cells_portable(bits, p, sd, n_rows, hw, hc);
        fold_ma(sd, h->n, p, hw, hc, cnt, wc);
        free(bits);
    }
    free(hw);
    free(hc);
    atomic_fetch_add(&hi_wfused_passes, 1);
    *done = true;
    return HOSHI_OK;
}
