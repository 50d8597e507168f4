/*
 * wfused.c — the weighted and the unweighted counts of categorical heads
 * in one pass, for a weighted run whose side rows do not overlap
 * (sd->row_of: an SA side, bands, no side).  Each respondent is in one
 * bucket (its side row, "in the filter only", "outside the filter"), so a
 * head is one histogram per bucket: of the respondent's SA value, or for an
 * MA head of few categories of its answer pattern (one bit per category;
 * pattern 0 is a blank, so "answered" must be "in some category").  Each
 * respondent adds its weight and a one to one cell, where the general
 * kernels (wcount.c) make one masked sum per category and side row and the
 * unweighted counts are a second pass.  Several SA heads share one joint
 * histogram (one cell per respondent for all of them) while it stays
 * small, and a run counts all its heads ahead in blocks of respondents
 * (hi_wfused_batch), so the weights are read from memory once, not once
 * per head, on two threads for big data.  With AVX-512 the cells of 64
 * respondents are built at once in vector registers; an MA head against
 * few side rows keeps no count per cell (its counts are popcounts of the
 * side rows and categories, as unweighted), so each respondent adds only
 * its weight.  The heads the batch opened go to the table builder
 * (hi_wfused_take), so a weighted run opens each head once.  The cells are
 * folded into categories and rows at the end.  The sums are the same weights added in
 * another order: they agree with the general kernels to the last bits of a
 * double, far below what any output shows.
 */
#include "tab/weights.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

int hi_wfused_mode = 0;
atomic_size_t hi_wfused_passes;

#define LANES 4            /* copies of a small histogram, so neighbours do not wait on each other */
#define SMALL 512          /* cells of a histogram that gets the lanes */
#define MAX_MA_CELLS 65536u /* buckets × patterns of an MA head */
#define MAX_JOINT_CELLS 1024 /* buckets × joint values of SA heads counted together */
#define MAX_JOINT 4        /* SA heads in one joint histogram */
#define CHUNK 32           /* heads open at once in a batch */
#define BLOCK_WORDS 64     /* respondents (× 64) counted for every head before the next block */
#define PREFETCH_WORDS 64  /* how far ahead an MA head's bitsets are fetched */
#define MAX_POP_CELLS 128  /* side rows × (categories + 1) of an MA head counted by popcounts */

/* One histogram: an SA head or several (joint), or an MA head. */
typedef struct group {
    size_t n;                       /* heads (SA: up to MAX_JOINT, MA: 1) */
    size_t head[MAX_JOINT];         /* their results */
    const uint8_t *sa[MAX_JOINT];   /* SA columns, NULL for MA */
    size_t s[MAX_JOINT];            /* values of each (codes + 1) */
    const uint64_t *const *bits;    /* MA: the category bitsets */
    const uint64_t *present;        /* MA: who answered (checked to be "in some category") */
    unsigned p;                     /* MA: pattern bits (categories) */
    size_t cells, lanes;            /* per lane; lanes 1 or LANES */
    double *hw[2];                  /* per thread: lanes × cells */
    uint32_t *hc[2];                /* per thread: the respondents of each cell; NULL when popcounts */
    uint64_t *pc[2];                /* MA, few side rows: per thread, side row k × (blank, categories) */
    bool bad[2];                    /* MA: someone in the filter answered in no category */
} group;

/* Where the fold puts a head's counts (see hi_wfused_cat). */
typedef struct res {
    const uint8_t *sa;              /* the head's SA column, or NULL */
    const uint64_t *bits[12];       /* else its category bitsets */
    size_t n;                       /* categories */
    uint64_t *cnt;
    double *wc;
    bool bad;                       /* not counted here after all (see word_check) */
} res;

/* A head the batch opened, kept for the table builder (hi_wfused_take). */
typedef struct kept {
    const char *name;               /* the run's own string: found by its address */
    hi_var var;
} kept;

struct hi_wfused_batch {
    res *r;                         /* sorted by key() */
    size_t n;
    kept *keep;                     /* sorted by name address */
    size_t n_keep;
    atomic_uchar *taken;            /* per kept head: 1 once the table builder took it */
};

/* The buckets of row_of: side rows 1..n-1, then IN_FILTER (n) and OUTSIDE (n + 1). */
static size_t n_buckets(const hi_side *sd)
{
    return sd->n + 2;
}

/* SA heads: cell (bucket, v0, v1, ...) of respondents r0..r1. */
static void sa_rows(const group *g, const hi_side *sd, size_t r0, size_t r1, double *hw,
                    uint32_t *hc)
{
    const uint8_t *ro = sd->row_of;
    const double *w = sd->w;
    size_t r = r0;
    if (g->lanes == LANES) { /* one head (a small histogram) */
        const uint8_t *sa = g->sa[0];
        size_t s = g->s[0];
        for (; r + LANES <= r1; r += LANES)
            for (size_t l = 0; l < LANES; l++) {
                size_t i = l * g->cells + (size_t)ro[r + l] * s + sa[r + l];
                hw[i] += w[r + l];
                hc[i]++;
            }
    }
    if (g->n == 2) {
        const uint8_t *a = g->sa[0], *b = g->sa[1];
        size_t sa = g->s[0], sb = g->s[1];
        for (; r < r1; r++) {
            size_t i = ((size_t)ro[r] * sa + a[r]) * sb + b[r];
            hw[i] += w[r];
            hc[i]++;
        }
    }
    for (; r < r1; r++) {
        size_t i = ro[r];
        for (size_t k = 0; k < g->n; k++)
            i = i * g->s[k] + g->sa[k][r];
        hw[i] += w[r];
        hc[i]++;
    }
}

/* The weights of one word's respondents (m of them: the last word may be
 * short) into their cells idx (bucket and pattern), and their number when
 * hc is kept. */
static inline void word_cells(const uint16_t *idx, const double *w, size_t m, double *hw,
                              uint32_t *hc)
{
    if (hc == NULL) {
        size_t j = 0;
        for (; j + 4 <= m; j += 4) {
            hw[idx[j]] += w[j];
            hw[idx[j + 1]] += w[j + 1];
            hw[idx[j + 2]] += w[j + 2];
            hw[idx[j + 3]] += w[j + 3];
        }
        for (; j < m; j++)
            hw[idx[j]] += w[j];
        return;
    }
    for (size_t j = 0; j < m; j++) {
        hw[idx[j]] += w[j];
        hc[idx[j]]++;
    }
}

/* Word i of an MA head whose categories' union is any: that is the head's
 * "answered" for the filter's respondents, or the head is not counted here. */
static inline void word_check(group *g, const hi_side *sd, size_t i, uint64_t any, int t)
{
    if ((any ^ g->present[i]) & sd->bits[0][i])
        g->bad[t] = true;
}

/* The source of slot v of an MA head's counts: its blanks (v 0, those not
 * answering: "answered" is "some category" where it counts) or category v - 1. */
static inline const uint64_t *slot_bits(const group *g, unsigned v)
{
    return v == 0 ? g->present : g->bits[v - 1];
}

/* The respondents of each side row and category of words w0..w1 of an MA
 * head (pc), by popcounts as the unweighted path counts, instead of a
 * count per cell: the block's words are still in the cache. */
static void block_counts_portable(group *g, const hi_side *sd, size_t w0, size_t w1, int t)
{
    uint64_t *pc = g->pc[t];
    for (size_t k = 0; k < sd->n; k++, pc += g->p + 1)
        for (unsigned v = 0; v <= g->p; v++) {
            const uint64_t *row = sd->bits[k], *b = slot_bits(g, v);
            uint64_t x = 0;
            for (size_t i = w0; i < w1; i++)
                x += (uint64_t)__builtin_popcountll(row[i] & (v == 0 ? ~b[i] : b[i]));
            pc[v] += x;
        }
}

/* An MA head: the answer patterns of words w0..w1, bit c for category c. */
static void ma_words_portable(group *g, const hi_side *sd, size_t n_rows, size_t w0, size_t w1,
                              int t)
{
    uint16_t idx[64];
    for (size_t i = w0; i < w1; i++) {
        if (sd->bits[0][i] == 0)
            continue; /* nobody of the filter */
        size_t m = n_rows - i * 64 < 64 ? n_rows - i * 64 : 64;
        uint64_t any = 0;
        const uint8_t *ro = sd->row_of + i * 64;
        for (size_t j = 0; j < m; j++)
            idx[j] = (uint16_t)((unsigned)ro[j] << g->p);
        for (unsigned c = 0; c < g->p; c++) {
            any |= g->bits[c][i];
            for (uint64_t b = g->bits[c][i]; b; b &= b - 1)
                idx[__builtin_ctzll(b)] |= (uint16_t)(1u << c);
        }
        word_check(g, sd, i, any, t);
        word_cells(idx, sd->w + i * 64, m, g->hw[t], g->hc[t]);
    }
    if (g->pc[t] != NULL)
        block_counts_portable(g, sd, w0, w1, t);
}

#if defined(__x86_64__) && defined(__GNUC__)
/* The same counts eight words at a time (AVX-512 VPOPCNTDQ). */
__attribute__((target("avx512f,avx512vpopcntdq"))) static void
block_counts_avx512(group *g, const hi_side *sd, size_t w0, size_t w1, int t)
{
    uint64_t *pc = g->pc[t];
    for (size_t k = 0; k < sd->n; k++, pc += g->p + 1)
        for (unsigned v = 0; v <= g->p; v++) {
            const uint64_t *row = sd->bits[k], *b = slot_bits(g, v);
            __m512i acc = _mm512_setzero_si512();
            size_t i = w0;
            for (; i + 8 <= w1; i += 8) {
                __m512i r = _mm512_loadu_si512((const void *)(row + i));
                __m512i x = _mm512_loadu_si512((const void *)(b + i));
                x = v == 0 ? _mm512_andnot_si512(x, r) : _mm512_and_si512(x, r);
                acc = _mm512_add_epi64(acc, _mm512_popcnt_epi64(x));
            }
            uint64_t x = (uint64_t)_mm512_reduce_add_epi64(acc);
            for (; i < w1; i++)
                x += (uint64_t)__builtin_popcountll(row[i] & (v == 0 ? ~b[i] : b[i]));
            pc[v] += x;
        }
}

/* The same with AVX-512BW: the 64 cells of a word are two vectors of 32
 * lanes, the bucket shifted in, then each category one masked add per
 * vector (its bit is set once). */
__attribute__((target("avx512f,avx512bw"))) static void
ma_words_avx512(group *g, const hi_side *sd, size_t n_rows, size_t w0, size_t w1, int t)
{
    uint16_t idx[64];
    __m128i shift = _mm_cvtsi32_si128((int)g->p);
    for (size_t i = w0; i < w1; i++) {
        if (sd->bits[0][i] == 0)
            continue;
        size_t m = n_rows - i * 64 < 64 ? n_rows - i * 64 : 64;
        /* the short last word: the bytes past the data are not read */
        __m512i ro = _mm512_maskz_loadu_epi8(m == 64 ? ~(__mmask64)0 : ((__mmask64)1 << m) - 1,
                                             sd->row_of + i * 64);
        __m512i lo = _mm512_sll_epi16(_mm512_cvtepu8_epi16(_mm512_castsi512_si256(ro)), shift);
        __m512i hi = _mm512_sll_epi16(_mm512_cvtepu8_epi16(_mm512_extracti64x4_epi64(ro, 1)), shift);
        uint64_t any = 0;
        if ((i & 7) == 0) /* the category bitsets' next lines, ahead of their use */
            for (unsigned c = 0; c < g->p; c++)
                __builtin_prefetch(g->bits[c] + i + PREFETCH_WORDS);
        for (unsigned c = 0; c < g->p; c++) {
            uint64_t b = g->bits[c][i];
            __m512i one = _mm512_set1_epi16((short)(1u << c));
            any |= b;
            lo = _mm512_mask_add_epi16(lo, (__mmask32)b, lo, one);
            hi = _mm512_mask_add_epi16(hi, (__mmask32)(b >> 32), hi, one);
        }
        _mm512_storeu_si512((void *)idx, lo);
        _mm512_storeu_si512((void *)(idx + 32), hi);
        word_check(g, sd, i, any, t);
        word_cells(idx, sd->w + i * 64, m, g->hw[t], g->hc[t]);
    }
    if (g->pc[t] != NULL && __builtin_cpu_supports("avx512vpopcntdq"))
        block_counts_avx512(g, sd, w0, w1, t);
    else if (g->pc[t] != NULL)
        block_counts_portable(g, sd, w0, w1, t);
}
#endif

#if defined(__x86_64__) && defined(__GNUC__)
/* SA heads with AVX-512BW: the cells of a word's 64 respondents (bucket,
 * then each head's value, and the lane of a small histogram) are built in
 * two vectors of 32 lanes, then each respondent adds to its cell.  Every
 * cell index is below MAX_MA_CELLS (65,536), so 16 bits hold it exactly. */
__attribute__((target("avx512f,avx512bw"))) static void
sa_words_avx512(const group *g, const hi_side *sd, size_t n_rows, size_t w0, size_t w1, int t)
{
    uint16_t idx[64];
    double *hw = g->hw[t];
    uint32_t *hc = g->hc[t];
    __m512i lane_lo = _mm512_setzero_si512(), lane_hi = _mm512_setzero_si512();
    if (g->lanes == LANES) { /* respondent j in lane j % LANES */
        uint16_t l[64];
        for (size_t j = 0; j < 64; j++)
            l[j] = (uint16_t)((j % LANES) * g->cells);
        lane_lo = _mm512_loadu_si512((const void *)l);
        lane_hi = _mm512_loadu_si512((const void *)(l + 32));
    }
    for (size_t i = w0; i < w1; i++) {
        size_t m = n_rows - i * 64 < 64 ? n_rows - i * 64 : 64;
        __mmask64 in = m == 64 ? ~(__mmask64)0 : ((__mmask64)1 << m) - 1;
        __m512i v = _mm512_maskz_loadu_epi8(in, sd->row_of + i * 64);
        __m512i lo = _mm512_cvtepu8_epi16(_mm512_castsi512_si256(v));
        __m512i hi = _mm512_cvtepu8_epi16(_mm512_extracti64x4_epi64(v, 1));
        for (size_t k = 0; k < g->n; k++) {
            __m512i s = _mm512_set1_epi16((short)g->s[k]);
            v = _mm512_maskz_loadu_epi8(in, g->sa[k] + i * 64);
            lo = _mm512_add_epi16(_mm512_mullo_epi16(lo, s),
                                  _mm512_cvtepu8_epi16(_mm512_castsi512_si256(v)));
            hi = _mm512_add_epi16(_mm512_mullo_epi16(hi, s),
                                  _mm512_cvtepu8_epi16(_mm512_extracti64x4_epi64(v, 1)));
        }
        _mm512_storeu_si512((void *)idx, _mm512_add_epi16(lo, lane_lo));
        _mm512_storeu_si512((void *)(idx + 32), _mm512_add_epi16(hi, lane_hi));
        const double *w = sd->w + i * 64;
        for (size_t j = 0; j < m; j++) {
            hw[idx[j]] += w[j];
            hc[idx[j]]++;
        }
    }
}
#endif

/* Words w0..w1 of every group into the histograms of thread t, block by
 * block, so that a block's weights are read from memory once. */
static void count_words(group *gs, size_t ng, const hi_side *sd, size_t n_rows, size_t w0,
                        size_t w1, int t)
{
#if defined(__x86_64__) && defined(__GNUC__)
    bool avx512 = hi_wfused_mode == 0 && __builtin_cpu_supports("avx512bw");
#endif
    for (size_t b0 = w0; b0 < w1; b0 += BLOCK_WORDS) {
        size_t b1 = w1 - b0 < BLOCK_WORDS ? w1 : b0 + BLOCK_WORDS;
        size_t r1 = b1 * 64 < n_rows ? b1 * 64 : n_rows;
        for (size_t k = 0; k < ng; k++) {
            group *g = &gs[k];
#if defined(__x86_64__) && defined(__GNUC__)
            if (g->sa[0] != NULL && avx512) {
                sa_words_avx512(g, sd, n_rows, b0, b1, t);
                continue;
            }
#endif
            if (g->sa[0] != NULL)
                sa_rows(g, sd, b0 * 64, r1, g->hw[t], g->hc[t]);
#if defined(__x86_64__) && defined(__GNUC__)
            else if (avx512)
                ma_words_avx512(g, sd, n_rows, b0, b1, t);
#endif
            else
                ma_words_portable(g, sd, n_rows, b0, b1, t);
        }
    }
}

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

/* The histograms of a group (threads and lanes summed) into its heads. */
static void fold(const group *g, const hi_side *sd, int threads, res *rs)
{
    for (size_t k = 0; k < g->n; k++) {
        res *r = &rs[g->head[k]];
        memset(r->cnt, 0, sd->n * (r->n + 1) * sizeof *r->cnt);
        memset(r->wc, 0, sd->n * (r->n + 1) * sizeof *r->wc);
    }
    size_t per_bucket = g->cells / n_buckets(sd);
    for (size_t c = per_bucket; c < (sd->n + 1) * per_bucket; c++) { /* buckets 1..n */
        double x = 0;
        uint64_t k = 0;
        for (int t = 0; t < threads; t++)
            for (size_t l = 0; l < g->lanes; l++) {
                x += g->hw[t][l * g->cells + c];
                k += g->hc[t] != NULL ? g->hc[t][l * g->cells + c] : 0;
            }
        if (g->hc[0] != NULL ? k == 0 : !(x > 0))
            continue; /* (the weights are never negative) */
        size_t b = c / per_bucket, v = c % per_bucket;
        if (g->sa[0] != NULL) { /* joint values, the last head fastest */
            for (size_t h = g->n; h-- > 0;) {
                res *r = &rs[g->head[h]];
                add_cell(sd, b, r->n + 1, v % g->s[h], x, k, r->cnt, r->wc);
                v /= g->s[h];
            }
            continue;
        }
        res *r = &rs[g->head[0]];
        if (v == 0) /* a blank */
            add_cell(sd, b, r->n + 1, 0, x, k, r->cnt, r->wc);
        for (unsigned i = 0; i < g->p; i++)
            if (v >> i & 1)
                add_cell(sd, b, r->n + 1, i + 1, x, k, r->cnt, r->wc);
    }
    for (int t = 0; t < threads && g->pc[0] != NULL; t++) /* the popcounts (MA) */
        for (size_t j = 0; j < sd->n * (g->p + 1); j++)
            rs[g->head[0]].cnt[j] += g->pc[t][j];
}

/* Whether head h can be counted here at all. */
static bool fusable(const hi_var *h, const hi_side *sd)
{
    if (hi_wfused_mode < 0 || sd->w == NULL || sd->row_of == NULL || h->grid || h->is_num)
        return false;
    if (h->sa != NULL)
        return n_buckets(sd) * (h->n + 1) <= MAX_MA_CELLS;
    /* (that "answered" is "in some category" is checked as it counts) */
    return h->present != NULL && h->n > 0 && h->n <= 12 && (n_buckets(sd) << h->n) <= MAX_MA_CELLS;
}

/* The key a head's result is found by: its SA column or first bitset. */
static const void *key(const res *r)
{
    return r->sa != NULL ? (const void *)r->sa : (const void *)r->bits[0];
}

static int cmp_res(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)key(a), y = (uintptr_t)key(b);
    return x < y ? -1 : x > y;
}

/* r as the result of h: the columns it names. */
static void res_of(res *r, const hi_var *h)
{
    r->sa = h->sa;
    r->n = h->n;
    for (size_t c = 0; c < h->n && c < 12 && h->sa == NULL; c++)
        r->bits[c] = h->cat[c].bits;
}

static bool same_head(const res *r, const hi_var *h)
{
    if (r->n != h->n || r->sa != h->sa || r->cnt == NULL)
        return false;
    for (size_t c = 0; c < h->n && h->sa == NULL; c++)
        if (r->bits[c] != h->cat[c].bits)
            return false;
    return true;
}

/* The groups of heads hs (results rs[i] for hs[i]) into gs, *ng of them:
 * SA heads joined greedily while the joint histogram stays small, largest
 * first. */
static hoshi_err make_groups(const hi_var *hs, size_t n, const hi_side *sd, group *gs, size_t *out)
{
    size_t ng = 0, nb = n_buckets(sd);
    for (size_t i = 0; i < n; i++) { /* MA heads, one group each */
        if (hs[i].sa != NULL)
            continue;
        group *g = &gs[ng++];
        memset(g, 0, sizeof *g);
        g->n = 1;
        g->head[0] = i;
        g->p = (unsigned)hs[i].n;
        g->cells = nb << g->p;
    }
    size_t first_sa = ng;
    bool *done = hi_calloc(n ? n : 1, sizeof *done);
    *out = ng;
    if (done == NULL) /* (no SA head would be counted) */
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    for (size_t round = 0; round < n; round++) {
        size_t big = n; /* the largest SA head not yet placed */
        for (size_t i = 0; i < n; i++)
            if (hs[i].sa != NULL && !done[i] && (big == n || hs[i].n > hs[big].n))
                big = i;
        if (big == n)
            break;
        done[big] = true;
        size_t s = hs[big].n + 1, k;
        for (k = first_sa; k < ng; k++) /* the first group it fits in */
            if (gs[k].n < MAX_JOINT && gs[k].cells * s <= MAX_JOINT_CELLS)
                break;
        if (k == ng) {
            memset(&gs[ng], 0, sizeof gs[ng]);
            gs[ng++].cells = nb;
        }
        group *g = &gs[k];
        g->head[g->n] = big;
        g->sa[g->n] = hs[big].sa;
        g->s[g->n++] = s;
        g->cells *= s;
    }
    free(done);
    for (size_t k = first_sa; k < ng; k++)
        gs[k].lanes = gs[k].n == 1 && gs[k].cells <= SMALL ? LANES : 1;
    for (size_t k = 0; k < first_sa; k++)
        gs[k].lanes = 1;
    *out = ng;
    return HOSHI_OK;
}

static void free_groups(group *gs, size_t ng)
{
    for (size_t k = 0; k < ng; k++)
        for (int t = 0; t < 2; t++) {
            free(gs[k].hw[t]);
            free(gs[k].hc[t]);
            free(gs[k].pc[t]);
        }
}

typedef struct job {
    group *gs;
    size_t ng;
    const hi_side *sd;
    size_t n_rows, w0, w1;
} job;

static void *count_thread(void *arg)
{
    job *J = arg;
    count_words(J->gs, J->ng, J->sd, J->n_rows, J->w0, J->w1, 1);
    return NULL;
}

/* Counts heads hs into their results rs (cnt, wc allocated), on two
 * threads (each half of the respondents) when two_threads. */
static hoshi_err count_heads(const hi_var *hs, size_t n, const hi_side *sd, size_t n_rows,
                             bool two_threads, res *rs)
{
    group *gs = hi_calloc(n ? n : 1, sizeof *gs);
    const uint64_t **bits = hi_calloc(n * 12 + 1, sizeof *bits);
    hoshi_err err = HOSHI_OK;
    if (gs == NULL || bits == NULL) {
        free(gs);
        free(bits);
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    }
    size_t ng = 0, words = hi_words(n_rows);
    err = make_groups(hs, n, sd, gs, &ng);
    int threads = two_threads && words > 1 ? 2 : 1;
    for (size_t k = 0; k < ng && err == HOSHI_OK; k++) {
        group *g = &gs[k];
        /* an MA head against few side rows: its counts by popcounts, so a
         * respondent adds only its weight to its cell */
        size_t pop = g->sa[0] == NULL && sd->n * (g->p + 1) <= MAX_POP_CELLS ? sd->n * (g->p + 1) : 0;
        if (g->sa[0] == NULL) {
            g->bits = bits + k * 12;
            g->present = hs[g->head[0]].present;
            for (size_t c = 0; c < g->p; c++)
                bits[k * 12 + c] = hs[g->head[0]].cat[c].bits;
        }
        for (int t = 0; t < threads; t++) {
            g->hw[t] = hi_calloc(g->lanes * g->cells, sizeof *g->hw[t]);
            if (pop > 0)
                g->pc[t] = hi_calloc(pop, sizeof *g->pc[t]);
            else
                g->hc[t] = hi_calloc(g->lanes * g->cells, sizeof *g->hc[t]);
            if (g->hw[t] == NULL || (pop > 0 ? g->pc[t] == NULL : g->hc[t] == NULL))
                err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        }
    }
    if (err == HOSHI_OK) {
        job J = {gs, ng, sd, n_rows, words / 2, words};
        pthread_t th;
        bool threaded = threads == 2 && pthread_create(&th, NULL, count_thread, &J) == 0;
        count_words(gs, ng, sd, n_rows, 0, threads == 2 ? words / 2 : words, 0);
        if (threaded)
            pthread_join(th, NULL);
        else if (threads == 2)
            count_thread(&J);
        for (size_t k = 0; k < ng; k++) {
            fold(&gs[k], sd, threads, rs);
            rs[gs[k].head[0]].bad = gs[k].bad[0] || gs[k].bad[1];
        }
        atomic_fetch_add(&hi_wfused_passes, 1);
    }
    free_groups(gs, ng);
    free(gs);
    free(bits);
    return err;
}

hoshi_err hi_wfused_cat(const hi_var *h, const hi_side *sd, size_t n_rows, uint64_t *cnt,
                        double *wc, bool *done)
{
    *done = false;
    const hi_wfused_batch *B = sd->fused;
    if (B != NULL && B->n > 0 && hi_wfused_mode >= 0 && (h->sa != NULL || (h->n > 0 && h->n <= 12))) {
        res want = {0};
        res_of(&want, h);
        res *r = bsearch(&want, B->r, B->n, sizeof *B->r, cmp_res);
        if (r != NULL && same_head(r, h) && r->bad)
            return HOSHI_OK; /* the general kernels count it */
        if (r != NULL && same_head(r, h)) {
            memcpy(cnt, r->cnt, sd->n * (h->n + 1) * sizeof *cnt);
            memcpy(wc, r->wc, sd->n * (h->n + 1) * sizeof *wc);
            *done = true;
            return HOSHI_OK;
        }
    }
    if (!fusable(h, sd))
        return HOSHI_OK;
    res r = {.cnt = cnt, .wc = wc};
    res_of(&r, h);
    hoshi_err err = count_heads(h, 1, sd, n_rows, false, &r);
    *done = err == HOSHI_OK && !r.bad;
    return err;
}

/* Whether a net or recode of spec changes variable name (its counts are
 * then not those of its columns: left to the table builder). */
static bool netted(const hoshi_tab_spec *spec, const char *name)
{
    for (size_t i = 0; i < spec->n_nets; i++)
        if (spec->nets[i].var != NULL && strcmp(spec->nets[i].var, name) == 0)
            return true;
    for (size_t i = 0; i < spec->n_recodes; i++)
        if (spec->recodes[i].var != NULL && strcmp(spec->recodes[i].var, name) == 0)
            return true;
    return false;
}

/* Heads names[0..n) opened into hs, ok[i] when hs[i] is open and can be
 * counted here (a head that cannot be opened is left to the table
 * builder, which reports it; but running out of memory ends the run,
 * nomem: a column may be left half made). */
typedef struct open_job {
    const hoshi_dataset *ds;
    const hoshi_tab_spec *spec;
    const hi_side *sd;
    const char *const *names;
    size_t n;
    hi_var *hs;
    bool *ok;
    bool nomem;
} open_job;

static void *open_heads(void *arg)
{
    open_job *J = arg;
    for (size_t i = 0; i < J->n; i++) {
        J->ok[i] = false;
        hoshi_err err = J->nomem || netted(J->spec, J->names[i])
                            ? HOSHI_ERR_USAGE
                            : hi_var_open(J->ds, J->names[i], &J->hs[i]);
        J->nomem = J->nomem || err == HOSHI_ERR_NOMEM;
        if (err != HOSHI_OK) {
            hi_clear_error();
            continue;
        }
        if (!fusable(&J->hs[i], J->sd)) {
            hi_var_free(&J->hs[i]);
            continue;
        }
        J->ok[i] = true;
    }
    return NULL;
}

/* Heads names[0..n) that can be counted here, CHUNK at a time, into B;
 * opened on two threads (by halves) when two_threads. */
static hoshi_err batch_chunk(const hoshi_dataset *ds, const hoshi_tab_spec *spec, const hi_side *sd,
                             const char *const *names, size_t n, bool two_threads,
                             hi_wfused_batch *B)
{
    hi_var all[CHUNK], hs[CHUNK];
    const char *hn[CHUNK];
    bool ok[CHUNK];
    size_t nh = 0, first = B->n, half = two_threads && n > 1 ? n / 2 : n;
    open_job J[2] = {{ds, spec, sd, names, half, all, ok, false},
                     {ds, spec, sd, names + half, n - half, all + half, ok + half, false}};
    pthread_t th;
    bool threaded = n > half && pthread_create(&th, NULL, open_heads, &J[1]) == 0;
    open_heads(&J[0]);
    if (threaded)
        pthread_join(th, NULL);
    else if (n > half)
        open_heads(&J[1]);
    hoshi_err err = J[0].nomem || J[1].nomem ? hi_fail(HOSHI_ERR_NOMEM, "out of memory") : HOSHI_OK;
    for (size_t i = 0; i < n; i++) {
        if (!ok[i])
            continue;
        hn[nh] = names[i];
        hs[nh++] = all[i];
        if (err != HOSHI_OK)
            continue; /* (freed below) */
        res *r = &B->r[B->n++];
        res_of(r, &hs[nh - 1]);
        r->cnt = hi_malloc(sd->n * (r->n + 1) * sizeof *r->cnt);
        r->wc = hi_malloc(sd->n * (r->n + 1) * sizeof *r->wc);
        if (r->cnt == NULL || r->wc == NULL)
            err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    }
    if (err == HOSHI_OK && nh > 0)
        err = count_heads(hs, nh, sd, ds->n_rows, two_threads, B->r + first);
    for (size_t i = 0; i < nh; i++) { /* kept for the table builder, not opened twice */
        if (err == HOSHI_OK)
            B->keep[B->n_keep++] = (kept){hn[i], hs[i]};
        else
            hi_var_free(&hs[i]);
    }
    return err;
}

static int cmp_kept(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const kept *)a)->name, y = (uintptr_t)((const kept *)b)->name;
    return x < y ? -1 : x > y;
}

bool hi_wfused_take(const hi_wfused_batch *B, const char *name, hi_var *out)
{
    if (B == NULL || B->n_keep == 0)
        return false;
    kept want = {.name = name};
    const kept *k = bsearch(&want, B->keep, B->n_keep, sizeof *B->keep, cmp_kept);
    if (k == NULL || atomic_exchange(&B->taken[k - B->keep], 1) != 0)
        return false; /* (a head named twice: the second opens its own) */
    *out = k->var;
    return true;
}

hoshi_err hi_wfused_batch_make(const hoshi_dataset *ds, const hoshi_tab_spec *spec,
                               const hi_side *sd, const char *const *names, size_t n,
                               bool two_threads, hi_wfused_batch **out)
{
    *out = NULL;
    if (hi_wfused_mode < 0 || sd->w == NULL || sd->row_of == NULL || n < 2)
        return HOSHI_OK;
    hi_wfused_batch *B = hi_calloc(1, sizeof *B);
    if (B == NULL || (B->r = hi_calloc(n, sizeof *B->r)) == NULL ||
        (B->keep = hi_calloc(n, sizeof *B->keep)) == NULL ||
        (B->taken = hi_calloc(n, sizeof *B->taken)) == NULL) {
        hi_wfused_batch_free(B);
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    }
    hoshi_err err = HOSHI_OK;
    for (size_t i = 0; i < n && err == HOSHI_OK; i += CHUNK)
        err = batch_chunk(ds, spec, sd, names + i, n - i < CHUNK ? n - i : CHUNK, two_threads, B);
    if (err != HOSHI_OK) {
        hi_wfused_batch_free(B);
        return err;
    }
    qsort(B->r, B->n, sizeof *B->r, cmp_res);
    qsort(B->keep, B->n_keep, sizeof *B->keep, cmp_kept);
    *out = B;
    return HOSHI_OK;
}

void hi_wfused_batch_free(hi_wfused_batch *B)
{
    if (B == NULL)
        return;
    for (size_t i = 0; i < B->n && B->r != NULL; i++) {
        free(B->r[i].cnt);
        free(B->r[i].wc);
    }
    for (size_t i = 0; i < B->n_keep; i++)
        if (!B->taken[i])
            hi_var_free(&B->keep[i].var);
    free(B->r);
    free(B->keep);
    free((void *)B->taken);
    free(B);
}
