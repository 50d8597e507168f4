/*
 * weights.h — the inside of a hoshi_weights and the weighted counting
 * kernels the table builder uses when a run has weights (wcount.c).  An
 * unweighted run never reaches any of this.
 */
#ifndef HOSHI_TAB_WEIGHTS_H
#define HOSHI_TAB_WEIGHTS_H

#include "hoshi/weights.h"
#include "tab/tab.h"

struct hoshi_weights {
    double *w;          /* one per respondent of the dataset, ≥ 0 */
    size_t n;
    char *label;        /* the variable, or "rake: FILE" */
};

/* A new set of n weights, all 1 (label copied). */
hoshi_err hi_weights_new(size_t n, const char *label, hoshi_weights **out);

/* wcount.c.  The weighted side of a run: sd->w set, sd->wsum and sd->wsq
 * filled for each row, sd->row_of built when the side rows do not overlap. */
hoshi_err hi_wside_init(hi_side *sd, const double *w, size_t n_rows);
void hi_wside_free(hi_side *sd);
/* hist[k * 256 + v] += the weights of the respondents of side row k whose
 * SA value is v (0 = blank); hist has room for sd->n + 1 rows. */
void hi_wcount_sa(const uint8_t *sa, const hi_side *sd, size_t n_rows, double *hist);
/* acc[k] += the weights of the respondents of side row k in bits; acc has
 * room for sd->n + 1 values. */
void hi_wcount_bits(const uint64_t *bits, const hi_side *sd, size_t n_rows, double *acc);
/* The same for the respondents of each row NOT in bits. */
void hi_wcount_not_bits(const uint64_t *bits, const hi_side *sd, size_t n_rows, double *acc);
/* acc[c * sd->n + k] += the weights of the respondents of side row k in
 * bits[c] (not in it when negate), for nc categories at once (acc zeroed
 * by the caller). */
hoshi_err hi_wcount_cats(const uint64_t *const *bits, size_t nc, bool negate, const hi_side *sd,
                         size_t n_rows, double *acc);
/* Kish effective base of weights summing to sum with squares summing to sq. */
static inline double hi_ess(double sum, double sq)
{
    return sq > 0 ? sum * sum / sq : 0;
}

#endif
