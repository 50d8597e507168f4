/*
 * weights.h — the inside of a hoshi_weights and the weighted counting
 * kernels the table builder uses when a run has weights (wcount.c).  An
 * unweighted run never reaches any of this.
 */
#ifndef HOSHI_TAB_WEIGHTS_H
#define HOSHI_TAB_WEIGHTS_H

#include <stdatomic.h>

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
 * filled for each row, sd->row_of built when the side rows do not overlap
 * (on two threads when two_threads and it can). */
hoshi_err hi_wside_init(hi_side *sd, const double *w, size_t n_rows, bool two_threads);
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
/* wfused.c.  Both counts of a categorical head in one pass when the run is
 * weighted, its side rows do not overlap (sd->row_of) and the head is an SA
 * column or at most 12 category bitsets: then, for each side row k (stride
 * s = h->n + 1), cnt[k * s] the respondents who left h blank, cnt[k * s +
 * i + 1] those in category i, wc the same weighted, and *done true; else
 * *done false and nothing written.  cnt and wc have room for sd->n * s. */
hoshi_err hi_wfused_cat(const hi_var *h, const hi_side *sd, size_t n_rows, uint64_t *cnt,
                        double *wc, bool *done);
/* The counts of every head of names[0..n) that can be fused, made ahead in
 * one pass over the respondents for a weighted run (*out NULL when none
 * can), on two threads when two_threads; hi_wfused_cat() then finds them
 * through sd->fused.  Caller frees. */
typedef struct hi_wfused_batch hi_wfused_batch;
hoshi_err hi_wfused_batch_make(const hoshi_dataset *ds, const hoshi_tab_spec *spec,
                               const hi_side *sd, const char *const *names, size_t n,
                               bool two_threads, hi_wfused_batch **out);
void hi_wfused_batch_free(hi_wfused_batch *b);
/* Head `name` as the batch opened it (found by the address of the run's
 * string, so that the table builder does not open it twice): true and *out
 * the variable, the caller's to free; false when the batch has none (or
 * gave it already).  Safe from several threads. */
bool hi_wfused_take(const hi_wfused_batch *b, const char *name, hi_var *out);
/* 0 (the default): the fastest kernels; 1: the portable pattern builder;
 * -1: never fused (the general kernels).  Tests compare them. */
extern int hi_wfused_mode;
/* Fused passes made so far (tests see that the path is taken). */
extern atomic_size_t hi_wfused_passes;
/* Kish effective base of weights summing to sum with squares summing to sq. */
static inline double hi_ess(double sum, double sq)
{
    return sq > 0 ? sum * sum / sq : 0;
}

#endif
