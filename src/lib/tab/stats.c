/*
 * stats.c — the statistical tests of a computed table (see stats.h).
 * They are computed from the finished table when it is rendered, never
 * while it is built, so weights (hi_table.w) and blocks (hi_table.block)
 * filled in by any part of the builder are honoured: every count is read
 * through hi_tab_cell, hi_tab_base and hi_tab_ess, and a row's counts are
 * scaled by ess / base, so a weighted row is tested as if it had its
 * effective base of respondents (an unweighted row's factor is exactly 1).
 *
 * Which rows and columns take part, and why:
 * - chi-square: the side rows of one block against the head's categories;
 *   無回答, nets and TOP boxes are left out (they are not categories of a
 *   partition), then empty rows and columns are dropped.  A multiple-
 *   answer head is no partition either: it gets one 2 × k test per
 *   category (chosen / not chosen, of the row base N, as the percentages).
 * - letters: each pair of rows of a block, in each column but 無回答
 *   (nets and TOP boxes are percentages an analyst reads, so they get
 *   letters); rows with a small base (hi_tab_small_base, the rule of the
 *   ▲/▼ marks) and rows past the 52nd of a block take no part.  The
 *   family of the correction is the tested pairs of one column of one
 *   block (as R's p.adjust over those p values).
 * - NUM heads: Welch's t for each pair of rows (letters on the means) and
 *   a one-way ANOVA over the rows of a block that have a value.
 */
#include "tab/stats.h"
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- options ---- */

hoshi_err hoshi_tab_stats_parse(const char *list, unsigned *out)
{
    static const struct {
        const char *name;
        unsigned bits;
    } names[] = {
        {"chisq", HOSHI_TAB_STAT_CHISQ},
        {"letters", HOSHI_TAB_STAT_LETTERS},
        {"anova", HOSHI_TAB_STAT_ANOVA},
        {"all", HOSHI_TAB_STAT_CHISQ | HOSHI_TAB_STAT_LETTERS | HOSHI_TAB_STAT_ANOVA},
        {"none", 0},
    };
    unsigned bits = 0;
    const char *p = list != NULL ? list : "";
    if (*p == '\0')
        return hi_fail(HOSHI_ERR_USAGE, "--stats: empty list (chisq, letters, anova, all, none)");
    while (*p) {
        size_t len = strcspn(p, ","), i;
        for (i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strlen(names[i].name) == len && strncasecmp(p, names[i].name, len) == 0)
                break;
        if (i == sizeof names / sizeof names[0])
            return hi_fail(HOSHI_ERR_USAGE, "--stats: unknown test '%.*s' (chisq, letters, anova, all, none)",
                           (int)(len < 64 ? len : 64), p);
        bits |= names[i].bits;
        p += len;
        if (*p == ',' && *++p == '\0')
            return hi_fail(HOSHI_ERR_USAGE, "--stats: the list '%s' ends with a comma", list);
    }
    *out = bits;
    return HOSHI_OK;
}

hoshi_err hoshi_tab_correction_parse(const char *name, hoshi_tab_correction *out)
{
    static const char *const names[] = {"bonferroni", "holm", "none"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (name != NULL && strcasecmp(name, names[i]) == 0) {
            *out = (hoshi_tab_correction)i;
            return HOSHI_OK;
        }
    return hi_fail(HOSHI_ERR_USAGE, "--correction '%s': bonferroni, holm or none", name ? name : "");
}

hoshi_err hoshi_tab_sig_level_parse(const char *text, double *out)
{
    if (text != NULL && (strcmp(text, "0.05") == 0 || strcmp(text, ".05") == 0)) {
        *out = 0.05;
        return HOSHI_OK;
    }
    if (text != NULL && (strcmp(text, "0.01") == 0 || strcmp(text, ".01") == 0)) {
        *out = 0.01;
        return HOSHI_OK;
    }
    return hi_fail(HOSHI_ERR_USAGE, "--sig-level '%s': 0.05 or 0.01", text ? text : "");
}

/* ---- what a row weighs in a test ---- */

/* The factor that scales row r's counts to its effective base: exactly 1
 * for an unweighted table, ess / base for a weighted one. */
static double row_scale(const hi_table *t, size_t r)
{
    double base = hi_tab_base(t, r);
    if (t->w == NULL)
        return 1.0;
    return base > 0 ? hi_tab_ess(t, r) / base : 0.0;
}

/* The effective number of values of row r of a NUM table: the statistic
 * N, or when the table is weighted the effective base of the respondents
 * with a value (tab.c keeps it as the row's ess of a NUM table). */
static double num_n(const hi_table *t, size_t r)
{
    double n = t->stat[r * HI_ST_COUNT + HI_ST_N];
    if (!(n > 0))
        return 0.0;
    return t->w != NULL ? t->w->ess[r] : n;
}

/* May row r of block b take part in pairwise tests? */
static bool pair_row(const hi_table *t, const hi_block *b, size_t r)
{
    if (r - b->first >= HI_STATS_MAX_LETTERS || hi_tab_small_base(t, r))
        return false;
    return t->num ? num_n(t, r) >= 2 : hi_tab_base(t, r) > 0;
}

static bool chisq_col(const hi_table *t, size_t c)
{
    return !(t->col_flag[c] & (HI_CF_NOANS | HI_CF_NET | HI_CF_TOPBOX));
}

/* ---- chi-square ---- */

/* The test of an r × c table x (row-major, scaled counts); empty rows and
 * columns are dropped here. */
static hi_test chisq_matrix(const double *x, size_t nr, size_t nc, double *rs, double *cs)
{
    hi_test ts = {0};
    double tot = 0;
    memset(cs, 0, nc * sizeof *cs);
    for (size_t i = 0; i < nr; i++) {
        rs[i] = 0;
        for (size_t j = 0; j < nc; j++) {
            rs[i] += x[i * nc + j];
            cs[j] += x[i * nc + j];
        }
        tot += rs[i];
    }
    size_t kr = 0, kc = 0;
    for (size_t i = 0; i < nr; i++)
        kr += rs[i] > 0;
    for (size_t j = 0; j < nc; j++)
        kc += cs[j] > 0;
    if (kr < 2 || kc < 2)
        return ts;
    long double chi = 0;
    for (size_t i = 0; i < nr; i++)
        for (size_t j = 0; j < nc; j++) {
            if (!(rs[i] > 0) || !(cs[j] > 0))
                continue;
            double e = rs[i] * cs[j] / tot, d = x[i * nc + j] - e;
            chi += (long double)d * d / e;
            ts.low_expected += e < 5;
            ts.cells++;
        }
    ts.ok = true;
    ts.stat = (double)chi;
    ts.df1 = (double)((kr - 1) * (kc - 1));
    ts.p = hi_chisq_upper(ts.stat, ts.df1);
    return ts;
}

static hoshi_err block_chisq(const hi_table *t, const hi_block *b, hi_block_stats *bs)
{
    size_t nr = b->n, nc = t->n_cols;
    double *x = hi_malloc((nr * (nc > 2 ? nc : 2) + nr + nc + 2) * sizeof *x);
    if (x == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory testing table %s", t->id);
    double *rs = x + nr * (nc > 2 ? nc : 2), *cs = rs + nr;
    if (!t->chart_ma) {
        size_t k = 0;
        for (size_t c = 0; c < nc; c++) {
            if (!chisq_col(t, c))
                continue;
            for (size_t i = 0; i < nr; i++)
                x[i * nc + k] = hi_tab_cell(t, b->first + i, c) * row_scale(t, b->first + i);
            k++;
        }
        /* compact the rows to k columns */
        for (size_t i = 0; i < nr; i++)
            memmove(&x[i * k], &x[i * nc], k * sizeof *x);
        bs->chisq = chisq_matrix(x, nr, k, rs, cs);
        free(x);
        return HOSHI_OK;
    }
    bs->col_chisq = hi_calloc(nc, sizeof *bs->col_chisq);
    if (bs->col_chisq == NULL) {
        free(x);
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory testing table %s", t->id);
    }
    for (size_t c = 0; c < nc; c++) {
        if (!chisq_col(t, c))
            continue;
        for (size_t i = 0; i < nr; i++) {
            size_t r = b->first + i;
            double f = row_scale(t, r), cell = hi_tab_cell(t, r, c), base = hi_tab_base(t, r);
            x[i * 2] = cell * f;
            x[i * 2 + 1] = (base > cell ? base - cell : 0) * f;
        }
        bs->col_chisq[c] = chisq_matrix(x, nr, 2, rs, cs);
    }
    free(x);
    return HOSHI_OK;
}

/* ---- ANOVA ---- */

static hi_test block_anova(const hi_table *t, const hi_block *b)
{
    hi_test ts = {0};
    long double sum = 0, n = 0;
    size_t k = 0;
    for (size_t r = b->first; r < b->first + b->n; r++) {
        double nr = num_n(t, r);
        if (!(nr > 0))
            continue;
        sum += (long double)nr * t->stat[r * HI_ST_COUNT + HI_ST_MEAN];
        n += nr;
        k++;
    }
    if (k < 2 || !(n - (long double)k > 0))
        return ts;
    long double grand = sum / n, ssb = 0, ssw = 0;
    for (size_t r = b->first; r < b->first + b->n; r++) {
        double nr = num_n(t, r);
        if (!(nr > 0))
            continue;
        long double d = (long double)t->stat[r * HI_ST_COUNT + HI_ST_MEAN] - grand;
        long double sd = nr > 1 ? t->stat[r * HI_ST_COUNT + HI_ST_SD] : 0;
        ssb += nr * d * d;
        ssw += (nr - 1) * sd * sd;
    }
    if (!(ssw > 0))
        return ts;
    ts.ok = true;
    ts.df1 = (double)(k - 1);
    ts.df2 = (double)(n - (long double)k);
    ts.stat = (double)((ssb / ts.df1) / (ssw / ts.df2));
    ts.p = hi_f_upper(ts.stat, ts.df1, ts.df2);
    return ts;
}

/* ---- pairwise tests ---- */

/* The pooled two-proportion z of rows a and b in column c; false when
 * there is no variance to test. */
static bool prop_pair(const hi_table *t, size_t a, size_t b, size_t c, hi_pair *p)
{
    double n1 = hi_tab_base(t, a) * row_scale(t, a), n2 = hi_tab_base(t, b) * row_scale(t, b);
    double x1 = hi_tab_cell(t, a, c) * row_scale(t, a), x2 = hi_tab_cell(t, b, c) * row_scale(t, b);
    double pp = (x1 + x2) / (n1 + n2);
    double se = sqrt(pp * (1 - pp) * (1.0 / n1 + 1.0 / n2));
    if (!(se > 0))
        return false;
    p->stat = (x1 / n1 - x2 / n2) / se;
    p->df = INFINITY;
    p->p = hi_norm_two_sided(p->stat);
    return true;
}

/* Welch's t of the means of rows a and b of a NUM table. */
static bool mean_pair(const hi_table *t, size_t a, size_t b, hi_pair *p)
{
    const double *sa = &t->stat[a * HI_ST_COUNT], *sb = &t->stat[b * HI_ST_COUNT];
    double n1 = num_n(t, a), n2 = num_n(t, b);
    double v1 = sa[HI_ST_SD] * sa[HI_ST_SD] / n1, v2 = sb[HI_ST_SD] * sb[HI_ST_SD] / n2;
    double se2 = v1 + v2;
    if (!(se2 > 0))
        return false;
    p->stat = (sa[HI_ST_MEAN] - sb[HI_ST_MEAN]) / sqrt(se2);
    p->df = se2 * se2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1));
    p->p = hi_t_two_sided(p->stat, p->df);
    return true;
}

static int cmp_p(const void *x, const void *y)
{
    const hi_pair *a = *(hi_pair *const *)x, *b = *(hi_pair *const *)y;
    return a->p < b->p ? -1 : a->p > b->p;
}

/* Adjusts the p values of the m pairs of one family (as R's p.adjust). */
static hoshi_err correct(hi_pair *pair, size_t m, hoshi_tab_correction corr)
{
    if (corr != HOSHI_TAB_HOLM) {
        for (size_t i = 0; i < m; i++) {
            double q = corr == HOSHI_TAB_BONFERRONI ? pair[i].p * (double)m : pair[i].p;
            pair[i].p_adj = q < 1 ? q : 1;
        }
        return HOSHI_OK;
    }
    hi_pair **ord = hi_malloc((m ? m : 1) * sizeof *ord);
    if (ord == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory correcting p values");
    for (size_t i = 0; i < m; i++)
        ord[i] = &pair[i];
    qsort(ord, m, sizeof *ord, cmp_p);
    double run = 0;
    for (size_t i = 0; i < m; i++) {
        double q = (double)(m - i) * ord[i]->p;
        run = q > run ? q : run;
        ord[i]->p_adj = run < 1 ? run : 1;
    }
    free(ord);
    return HOSHI_OK;
}

static hoshi_err block_pairs(const hi_table *t, const hi_block *b, hoshi_tab_correction corr,
                             hi_block_stats *bs)
{
    size_t rows = b->n < HI_STATS_MAX_LETTERS ? b->n : HI_STATS_MAX_LETTERS;
    size_t cols = t->num ? 1 : t->n_cols;
    size_t cap = rows * (rows - 1) / 2 * cols;
    bs->pair = hi_malloc((cap ? cap : 1) * sizeof *bs->pair);
    if (bs->pair == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory testing table %s", t->id);
    for (size_t k = 0; k < cols; k++) {
        size_t c = t->num ? HI_ST_MEAN : k, start = bs->n_pairs;
        if (!t->num && (t->col_flag[c] & HI_CF_NOANS))
            continue;
        for (size_t a = b->first; a < b->first + rows; a++) {
            if (!pair_row(t, b, a))
                continue;
            for (size_t r2 = a + 1; r2 < b->first + rows; r2++) {
                hi_pair p = {c, a, r2, 0, 0, 0, 0};
                if (pair_row(t, b, r2) && (t->num ? mean_pair(t, a, r2, &p) : prop_pair(t, a, r2, c, &p)))
                    bs->pair[bs->n_pairs++] = p;
            }
        }
        hoshi_err err = correct(bs->pair + start, bs->n_pairs - start, corr);
        if (err != HOSHI_OK)
            return err;
    }
    return HOSHI_OK;
}

/* ---- the ▲/▼ marks ---- */

/* The sum of the squared weights of row r, from its base and effective
 * base ((Σw)² / Σw² = ess); the respondent count when unweighted. */
static double row_sum_w2(const hi_table *t, size_t r)
{
    double base = hi_tab_base(t, r), ess = hi_tab_ess(t, r);
    if (t->w == NULL)
        return base;
    return ess > 0 ? base * base / ess : 0.0;
}

void hi_tab_rest_marks(hi_table *t)
{
    if (t->grid || t->num || t->n_rows < 3)
        return;
    double N = hi_tab_base(t, 0), S2 = row_sum_w2(t, 0);
    for (size_t c = 0; c < t->n_cols; c++) {
        if (t->col_flag[c] & HI_CF_NOANS)
            continue;
        double X = hi_tab_cell(t, 0, c);
        for (size_t k = 1; k < t->n_rows; k++) {
            double b1 = hi_tab_base(t, k), c1 = hi_tab_cell(t, k, c);
            if (!(b1 > 0) || !(b1 < N))
                continue;
            /* the rest is the total less the row (a row is within the
             * total), its effective base from the sums of weights */
            double b2 = N - b1, c2 = X >= c1 ? X - c1 : 0, s2 = S2 - row_sum_w2(t, k);
            double n1 = t->w != NULL ? hi_tab_ess(t, k) : b1;
            double n2 = t->w != NULL ? (s2 > 0 ? b2 * b2 / s2 : 0) : b2;
            if (!(n2 > 0))
                continue;
            double x1 = t->w != NULL ? c1 * (n1 / b1) : c1, x2 = t->w != NULL ? c2 * (n2 / b2) : c2;
            /* pooled: the (weighted) share of the whole, b1 + b2 = N */
            double p1 = x1 / n1, p2 = x2 / n2, p = (c1 + c2) / N;
            double se = sqrt(p * (1 - p) * (1.0 / n1 + 1.0 / n2));
            if (!(se > 0))
                continue;
            double z = (p1 - p2) / se;
            int8_t m = fabs(z) >= 2.5758293035489 ? 2 : fabs(z) >= 1.959963984540 ? 1 : 0;
            t->sig[k * t->n_cols + c] = (int8_t)(z < 0 ? -m : m);
        }
    }
}

/* ---- a table ---- */

hoshi_err hi_tab_stats_table(const hi_table *t, unsigned which, double alpha,
                             hoshi_tab_correction corr, hi_tab_stats *s)
{
    s->which = which;
    s->alpha = alpha > 0 ? alpha : 0.05;
    s->correction = corr;
    s->weighted = t->w != NULL;
    size_t nb = hi_tab_block_count(t);
    if (nb == 0 || which == 0)
        return HOSHI_OK;
    s->block = hi_calloc(nb, sizeof *s->block);
    if (s->block == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory testing table %s", t->id);
    s->n_blocks = nb;
    for (size_t i = 0; i < nb; i++) {
        hi_block b = hi_tab_block(t, i);
        hi_block_stats *bs = &s->block[i];
        bs->first = b.first;
        bs->n = b.n;
        bs->label = nb > 1 ? b.label : NULL; /* the only block needs no name */
        hoshi_err err = HOSHI_OK;
        if (!t->num && (which & HOSHI_TAB_STAT_CHISQ))
            err = block_chisq(t, &b, bs);
        if (t->num && (which & HOSHI_TAB_STAT_ANOVA))
            bs->anova = block_anova(t, &b);
        if (err == HOSHI_OK && b.n >= 2 && (which & HOSHI_TAB_STAT_LETTERS))
            err = block_pairs(t, &b, corr, bs);
        if (err != HOSHI_OK)
            return err;
    }
    return HOSHI_OK;
}

void hi_tab_stats_clear(hi_tab_stats *s)
{
    for (size_t i = 0; i < s->n_blocks; i++) {
        free(s->block[i].col_chisq);
        free(s->block[i].pair);
    }
    free(s->block);
    memset(s, 0, sizeof *s);
}

hoshi_err hi_tab_stats_all(const hoshi_tabset *ts, const hoshi_tab_render_opts *opts,
                           hi_tab_stats **out)
{
    *out = NULL;
    bool any = opts != NULL && opts->stats != 0;
    for (size_t i = 0; i < ts->n && !any; i++)
        any = ts->t[i].stats_set && ts->t[i].stats != 0;
    if (!any)
        return HOSHI_OK;
    hi_tab_stats *s = hi_calloc(ts->n, sizeof *s);
    if (s == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory testing the tables");
    for (size_t i = 0; i < ts->n; i++) {
        const hi_table *t = &ts->t[i];
        unsigned which = t->stats_set ? t->stats : opts != NULL ? opts->stats : 0;
        double level = t->stats_set ? t->sig_level : opts != NULL ? opts->sig_level : 0;
        hoshi_tab_correction corr = t->stats_set ? t->correction
                                    : opts != NULL ? opts->correction : HOSHI_TAB_BONFERRONI;
        hoshi_err err = hi_tab_stats_table(t, which, level, corr, &s[i]);
        if (err != HOSHI_OK) {
            hi_tab_stats_free(s, ts->n);
            return err;
        }
    }
    *out = s;
    return HOSHI_OK;
}

void hoshi_tabset_set_stats(hoshi_tabset *ts, unsigned stats, double sig_level,
                            hoshi_tab_correction correction)
{
    for (size_t i = 0; ts != NULL && i < ts->n; i++) {
        ts->t[i].stats_set = true;
        ts->t[i].stats = stats;
        ts->t[i].sig_level = sig_level;
        ts->t[i].correction = correction;
    }
}

void hi_tab_stats_free(hi_tab_stats *s, size_t n)
{
    for (size_t i = 0; s != NULL && i < n; i++)
        hi_tab_stats_clear(&s[i]);
    free(s);
}

/* ---- letters ---- */

static const hi_block_stats *block_of(const hi_tab_stats *s, size_t r)
{
    for (size_t i = 0; s != NULL && i < s->n_blocks; i++)
        if (r >= s->block[i].first && r < s->block[i].first + s->block[i].n)
            return &s->block[i];
    return NULL;
}

static char letter_at(size_t i)
{
    return i < 26 ? (char)('A' + i) : i < HI_STATS_MAX_LETTERS ? (char)('a' + i - 26) : 0;
}

char hi_tab_stats_letter(const hi_tab_stats *s, size_t r)
{
    const hi_block_stats *b = s != NULL && (s->which & HOSHI_TAB_STAT_LETTERS) ? block_of(s, r) : NULL;
    return b != NULL && b->n >= 2 ? letter_at(r - b->first) : 0;
}

void hi_tab_stats_letters(const hi_tab_stats *s, size_t r, size_t col, char *out)
{
    size_t k = 0;
    const hi_block_stats *b = block_of(s, r);
    bool higher[HI_STATS_MAX_LETTERS] = {false};
    for (size_t i = 0; b != NULL && i < b->n_pairs; i++) {
        const hi_pair *p = &b->pair[i];
        if (p->col != col || !(p->p_adj < s->alpha))
            continue;
        if (p->a == r && p->stat > 0)
            higher[p->b - b->first] = true;
        else if (p->b == r && p->stat < 0)
            higher[p->a - b->first] = true;
    }
    for (size_t i = 0; i < HI_STATS_MAX_LETTERS; i++)
        if (higher[i])
            out[k++] = letter_at(i);
    out[k] = '\0';
}

bool hi_tab_stats_any_weighted(const hi_tab_stats *s, size_t n)
{
    for (size_t i = 0; s != NULL && i < n; i++)
        if (s[i].weighted)
            return true;
    return false;
}
