/*
 * stats.h — the statistical tests of a computed table (issue 10, part 4):
 * a chi-square test of independence per block of side rows (one per
 * category column for a multiple-answer head), pairwise column-proportion
 * tests that give each side row of a block a letter and each cell the
 * letters of the rows it is significantly higher than, and for NUM heads
 * pairwise Welch t-tests on the means (letters again) and a one-way
 * ANOVA per block.  Everything is read through hi_tab_cell, hi_tab_base
 * and hi_tab_ess, so a weighted table is tested on its effective bases.
 * The distribution tails (dist.c) are declared here too.
 */
#ifndef HOSHI_TAB_STATS_H
#define HOSHI_TAB_STATS_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/buf.h"
#include "tab/table.h"

/* dist.c: regularized upper incomplete gamma Q(a, x) and regularized
 * incomplete beta I_x(a, b); NaN outside their domains. */
double hi_gamma_q(double a, double x);
double hi_beta_i(double a, double b, double x);
/* Upper tail probabilities: P(|Z| ≥ |z|) of a standard normal, P(X ≥ x)
 * of chi-square(df), P(|T| ≥ |t|) of Student's t(df), P(F ≥ f) of
 * F(d1, d2). */
double hi_norm_two_sided(double z);
double hi_chisq_upper(double x, double df);
double hi_t_two_sided(double t, double df);
double hi_f_upper(double f, double d1, double d2);

/* The ▲/▼ marks of a table of categories (t->sig): each side row's
 * proportion against that of the rest of the total (pooled two-sided
 * z-test, ±1 at 95%, ±2 at 99%); a weighted table is tested on the
 * effective bases of the row and of the rest. */
void hi_tab_rest_marks(hi_table *t);

/* Rows of a block beyond this many get no letter and take no part in
 * the pairwise tests (A–Z, then a–z). */
#define HI_STATS_MAX_LETTERS 52

/* One test: a chi-square (stat χ², df1) or an ANOVA (stat F, df1, df2).
 * ok is false when the table does not allow it (fewer than two rows or
 * columns with anything in them, no variance); then the rest is unset. */
typedef struct hi_test {
    bool ok;
    double stat, df1, df2, p;
    size_t low_expected, cells; /* chi-square: expected counts below 5, of cells */
} hi_test;

/* One pairwise test of rows a < b of a block in column col (a category
 * of the table, or HI_ST_MEAN of a NUM table): the pooled z of the
 * proportions or Welch's t of the means (df its degrees of freedom), the
 * p value and the p value after the correction over the column's pairs.
 * stat > 0 when row a is higher. */
typedef struct hi_pair {
    size_t col, a, b;
    double stat, df, p, p_adj;
} hi_pair;

typedef struct hi_block_stats {
    size_t first, n;        /* its rows, as hi_tab_block says */
    const char *label;      /* borrowed from the table; NULL for the only block */
    hi_test chisq;          /* single-answer head: the block × the categories */
    hi_test *col_chisq;     /* multiple-answer head: per column (2 × rows); else NULL */
    hi_test anova;          /* NUM head */
    hi_pair *pair;          /* in column order, then a, then b */
    size_t n_pairs;
} hi_block_stats;

typedef struct hi_tab_stats {
    unsigned which;         /* HOSHI_TAB_STAT_* asked for */
    double alpha;
    hoshi_tab_correction correction;
    bool weighted;          /* tested on effective bases */
    hi_block_stats *block;
    size_t n_blocks;
} hi_tab_stats;

/* The tests of every table of ts that opts asks for (opts->stats), into
 * *out: an array of ts->n (NULL when nothing is asked).  Caller frees
 * with hi_tab_stats_free(*out, ts->n). */
hoshi_err hi_tab_stats_all(const hoshi_tabset *ts, const hoshi_tab_render_opts *opts,
                           hi_tab_stats **out);
void hi_tab_stats_free(hi_tab_stats *s, size_t n);
/* The tests of one table (s zeroed by the caller, freed with
 * hi_tab_stats_clear). */
hoshi_err hi_tab_stats_table(const hi_table *t, unsigned which, double alpha,
                             hoshi_tab_correction corr, hi_tab_stats *s);
void hi_tab_stats_clear(hi_tab_stats *s);
/* The letter of side row r ('A'…'Z', 'a'…'z'), or 0 when it has none. */
char hi_tab_stats_letter(const hi_tab_stats *s, size_t r);
/* The letters of the rows that cell (r, col) is significantly higher
 * than, NUL-terminated in out (at least HI_STATS_MAX_LETTERS + 1 bytes);
 * "" when none. */
void hi_tab_stats_letters(const hi_tab_stats *s, size_t r, size_t col, char *out);
/* True when any table of the array of n is weighted. */
bool hi_tab_stats_any_weighted(const hi_tab_stats *s, size_t n);

/* stats_text.c: what the human formats show, one line of text at a time
 * (UTF-8, not escaped: the callback escapes it for its format). */
typedef void (*hi_line_fn)(void *ctx, const char *text);
/* The lines under table t: one per test s holds for it. */
void hi_tab_test_lines(const hi_table *t, const hi_tab_stats *s, const hoshi_tab_texts *tx,
                       hi_line_fn line, void *ctx);
/* stats_json.c: ,"tests":[…] — the tests of every table of ts (stats
 * has ts->n entries), rows and columns numbered as in the tables (row 0
 * the total; col indexes "columns"). */
void hi_tab_stats_json(hoshi_buf *b, const hoshi_tabset *ts, const hi_tab_stats *stats);
/* The notes on the tests of the n tables of s (none when s is NULL). */
void hi_tab_stats_notes(const hi_tab_stats *s, size_t n, const hoshi_tab_texts *tx,
                        hi_line_fn line, void *ctx);

#endif
