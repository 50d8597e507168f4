/*
 * wcount.c — the counting kernels of weighted tables: sums of respondent
 * weights where the unweighted path counts bits.  When the side rows do
 * not overlap (an SA side, bands), each respondent's one row is looked up
 * in row_of, so a category costs one pass over its respondents for the
 * total and every side row at once; overlapping rows (an MA side, nets)
 * are summed row by row.  Set bits are walked with ctz, so the work is
 * proportional to the respondents counted, not to the data.
 */
#include "tab/weights.h"

#include <stdlib.h>
#include <string.h>

/* Row sums of the side, and row_of when each respondent is in at most one
 * side row (there are fewer than 255 of them). */
hoshi_err hi_wside_init(hi_side *sd, const double *w, size_t n_rows)
{
    size_t words = hi_words(n_rows);
    sd->w = w;
    sd->wsum = hi_calloc(sd->n, sizeof *sd->wsum);
    sd->wsq = hi_calloc(sd->n, sizeof *sd->wsq);
    if (sd->wsum == NULL || sd->wsq == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < sd->n; k++)
        for (size_t i = 0; i < words; i++)
            for (uint64_t b = sd->bits[k][i]; b; b &= b - 1) {
                double x = w[i * 64 + (size_t)__builtin_ctzll(b)];
                sd->wsum[k] += x;
                sd->wsq[k] += x * x;
            }
    if (sd->n < 2 || sd->n >= 255)
        return HOSHI_OK;
    sd->row_of = hi_malloc(n_rows ? n_rows : 1);
    if (sd->row_of == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    memset(sd->row_of, (int)sd->n, n_rows);
    for (size_t k = 1; k < sd->n; k++)
        for (size_t i = 0; i < words; i++)
            for (uint64_t b = sd->bits[k][i]; b; b &= b - 1) {
                size_t r = i * 64 + (size_t)__builtin_ctzll(b);
                if (sd->row_of[r] != sd->n) { /* rows overlap: count row by row */
                    free(sd->row_of);
                    sd->row_of = NULL;
                    return HOSHI_OK;
                }
                sd->row_of[r] = (uint8_t)k;
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

void hi_wcount_sa(const uint8_t *sa, const hi_side *sd, size_t n_rows, double *hist)
{
    size_t words = hi_words(n_rows);
    const double *w = sd->w;
    const uint8_t *ro = sd->row_of;
    if (ro != NULL || sd->n == 1) {
        const uint64_t *f = sd->bits[0];
        for (size_t i = 0; i < words; i++) {
            uint64_t b = f[i];
            size_t base = i * 64;
            if (b == ~(uint64_t)0) { /* a full word: no bit walk */
                for (size_t r = base; r < base + 64; r++) {
                    double x = w[r];
                    hist[sa[r]] += x;
                    if (ro != NULL)
                        hist[(size_t)ro[r] * 256 + sa[r]] += x;
                }
                continue;
            }
            for (; b; b &= b - 1) {
                size_t r = base + (size_t)__builtin_ctzll(b);
                hist[sa[r]] += w[r];
                if (ro != NULL)
                    hist[(size_t)ro[r] * 256 + sa[r]] += w[r];
            }
        }
        return;
    }
    for (size_t k = 0; k < sd->n; k++)
        for (size_t i = 0; i < words; i++)
            for (uint64_t b = sd->bits[k][i]; b; b &= b - 1) {
                size_t r = i * 64 + (size_t)__builtin_ctzll(b);
                hist[k * 256 + sa[r]] += w[r];
            }
}

/* The body of the two bitset kernels: MASK(i) is the word of respondents counted. */
#define WCOUNT_BITS_BODY(MASK)                                                         \
    size_t words = hi_words(n_rows);                                                   \
    const double *w = sd->w;                                                           \
    const uint8_t *ro = sd->row_of;                                                    \
    if (ro != NULL || sd->n == 1) {                                                    \
        for (size_t i = 0; i < words; i++)                                             \
            for (uint64_t b = sd->bits[0][i] & (MASK); b; b &= b - 1) {                \
                size_t r = i * 64 + (size_t)__builtin_ctzll(b);                        \
                acc[0] += w[r];                                                        \
                if (ro != NULL)                                                        \
                    acc[ro[r]] += w[r];                                                \
            }                                                                          \
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
