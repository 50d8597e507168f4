/*
 * tab.c — the table builder.  Every count is a population count over
 * bitsets of respondents: the filter (all --where conditions ANDed), each
 * side category ANDed with the filter once, and each head category; so a
 * banner computes the side once and then one head after another, and nets,
 * bands and MA sides need no special counting code.  A plain SA head skips
 * the bitsets: one streaming pass builds one-hot words 64 respondents at a
 * time (bits.c).  NUM heads gather the values of each row and sort them for
 * the median.  Which tables a spec asks for, and the threads, are run.c;
 * the filter and the nets are spec.c.
 */
#include "tab/stats.h"
#include "tab/tab.h"
#include "tab/weights.h"
#include "internal.h"
#include "hoshi/datafile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>



/* Labels kept at the end when columns are sorted by total. */
static const char *const last_labels[] = {
    "その他", "特にない", "特になし", "わからない", "分からない", "無回答", "該当なし",
    "上記のいずれにもあてはまらない", "あてはまるものはない", "いずれもない",
    "other", "others", "none", "none of the above", "don't know", "n/a",
};

static bool is_last_label(const char *s)
{
    for (size_t i = 0; i < sizeof last_labels / sizeof last_labels[0]; i++) {
        size_t n = strlen(last_labels[i]);
        if (hi_prefix_caseeq(s, last_labels[i], n) && (s[n] == '\0' || s[n] == '(' ||
                                                       s[n] == ' ' || (unsigned char)s[n] >= 0x80))
            return true;
    }
    return false;
}

static void table_free(hi_table *t)
{
    for (size_t i = 0; t->row_label != NULL && i < t->n_rows + t->n_hidden; i++)
        free(t->row_label[i]);
    for (size_t i = 0; t->col_label != NULL && i < t->n_cols; i++)
        free(t->col_label[i]);
    free(t->row_label);
    free(t->col_label);
    free(t->col_flag);
    free(t->row_n);
    free(t->count);
    free(t->sig);
    free(t->stat);
    if (t->w != NULL) {
        free(t->w->count);
        free(t->w->row_n);
        free(t->w->ess);
        free(t->w->by);
        free(t->w->values);
        free(t->w);
    }
    for (size_t i = 0; i < t->n_blocks; i++)
        free(t->block[i].label);
    free(t->block);
    free(t->id);
    free(t->title);
    free(t->side);
    free(t->base);
    free(t->book_id);
    free(t->book_title);
    memset(t, 0, sizeof *t);
}

void hoshi_tabset_free(hoshi_tabset *ts)
{
    if (ts == NULL)
        return;
    for (size_t i = 0; i < ts->n; i++)
        table_free(&ts->t[i]);
    free(ts->t);
    free(ts);
}

size_t hoshi_tabset_count(const hoshi_tabset *ts)
{
    return ts->n;
}

uint64_t *hi_bits_new(size_t words)
{
    return hi_calloc(words ? words : 1, sizeof(uint64_t));
}

static hoshi_err table_alloc(hi_table *t, size_t rows, size_t cols)
{
    t->n_rows = rows;
    t->n_cols = cols;
    t->row_label = hi_calloc(rows, sizeof *t->row_label);
    t->row_n = hi_calloc(rows, sizeof *t->row_n);
    t->col_label = hi_calloc(cols ? cols : 1, sizeof *t->col_label);
    t->col_flag = hi_calloc(cols ? cols : 1, 1);
    t->count = hi_calloc(rows * (cols ? cols : 1), sizeof *t->count);
    t->sig = hi_calloc(rows * (cols ? cols : 1), 1);
    if (!t->row_label || !t->row_n || !t->col_label || !t->col_flag || !t->count || !t->sig)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    return HOSHI_OK;
}

static hoshi_err set_label(char **dst, const char *s)
{
    *dst = hi_strdup(s);
    return *dst ? HOSHI_OK : hi_fail(HOSHI_ERR_NOMEM, "out of memory");
}

/* The weighted counts of a weighted table (sized as t already is), with
 * the row bases and effective bases of the side. */
static hoshi_err table_alloc_w(hi_table *t, const hi_side *sd)
{
    size_t cells = t->n_rows * (t->n_cols ? t->n_cols : 1);
    t->w = hi_calloc(1, sizeof *t->w);
    if (t->w == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    t->w->count = hi_calloc(cells, sizeof *t->w->count);
    t->w->row_n = hi_calloc(t->n_rows, sizeof *t->w->row_n);
    t->w->ess = hi_calloc(t->n_rows, sizeof *t->w->ess);
    t->w->by = hi_strdup(sd->w_label ? sd->w_label : "");
    if (!t->w->count || !t->w->row_n || !t->w->ess || !t->w->by)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < sd->n && k < t->n_rows; k++) {
        t->w->row_n[k] = sd->wsum[k];
        t->w->ess[k] = hi_ess(sd->wsum[k], sd->wsq[k]);
    }
    return HOSHI_OK;
}

typedef struct wval {
    double x, w;
} wval;

static int cmp_wval(const void *a, const void *b)
{
    double x = ((const wval *)a)->x, y = ((const wval *)b)->x;
    return x < y ? -1 : x > y;
}

/* NUM statistics under weights: the weighted mean, the weighted median
 * (the value where the cumulative weight reaches half, the mean of two
 * values on an exact tie, as unweighted), the sd of R's svyvar (weighted
 * variance × k/(k−1), k the values of weight other than 0: a respondent
 * weighted 0 changes nothing); min and max of the values.  N is the
 * weighted count of the respondents with a value, *ess their effective
 * base, *values how many they are (unweighted). */
static void num_stats_w(const hi_var *h, const uint64_t *rowbits, size_t words, const double *wt,
                        double *out, double *ess, uint64_t *values, wval *scratch)
{
    size_t k = 0, nz = 0;
    double W = 0, sq = 0;
    for (size_t i = 0; i < words; i++)
        for (uint64_t b = rowbits[i] & h->num_present[i]; b; b &= b - 1) {
            size_t r = i * 64 + (size_t)__builtin_ctzll(b);
            scratch[k++] = (wval){h->num[r], wt[r]};
            nz += wt[r] != 0;
            W += wt[r];
            sq += wt[r] * wt[r];
        }
    *ess = hi_ess(W, sq);
    *values = k;
    out[HI_ST_N] = W;
    for (int i = HI_ST_MEAN; i < HI_ST_COUNT; i++)
        out[i] = NAN;
    if (k == 0)
        return;
    qsort(scratch, k, sizeof *scratch, cmp_wval);
    out[HI_ST_MIN] = scratch[0].x;
    out[HI_ST_MAX] = scratch[k - 1].x;
    if (!(W > 0))
        return;
    long double sx = 0;
    for (size_t i = 0; i < k; i++)
        sx += (long double)scratch[i].w * scratch[i].x;
    double mean = (double)(sx / W);
    long double ss = 0;
    for (size_t i = 0; i < k; i++)
        ss += (long double)scratch[i].w * (scratch[i].x - mean) * (scratch[i].x - mean);
    out[HI_ST_MEAN] = mean;
    out[HI_ST_SD] = nz > 1 ? sqrt((double)(ss / W) * (double)nz / (double)(nz - 1)) : 0.0;
    double half = W / 2, cum = 0, eps = 1e-12 * W;
    size_t i = 0;
    while (i < k && (cum += scratch[i].w) < half - eps)
        i++;
    out[HI_ST_MEDIAN] = scratch[i].x;
    if (fabs(cum - half) <= eps) { /* an exact tie: halfway to the next weighted value */
        size_t j = i + 1;
        while (j < k && !(scratch[j].w > 0))
            j++;
        if (j < k)
            out[HI_ST_MEDIAN] = (scratch[i].x + scratch[j].x) / 2;
    }
}

/* The NUM rows of a weighted table. */
static hoshi_err weigh_num(hi_table *t, const hi_var *h, const hi_side *sd, size_t n_rows)
{
    hoshi_err err = table_alloc_w(t, sd);
    if (err != HOSHI_OK)
        return err;
    t->w->values = hi_calloc(t->n_rows > sd->n ? t->n_rows : sd->n, sizeof *t->w->values);
    wval *scratch = t->w->values != NULL ? hi_malloc((n_rows ? n_rows : 1) * sizeof *scratch) : NULL;
    if (scratch == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < sd->n; k++)
        num_stats_w(h, sd->bits[k], hi_words(n_rows), sd->w, &t->stat[k * HI_ST_COUNT],
                    &t->w->ess[k], &t->w->values[k], scratch);
    free(scratch);
    return HOSHI_OK;
}

/* The side: row bitsets (already ANDed with the filter), row 0 the total. */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static hoshi_err num_stats(const hi_var *h, const uint64_t *rowbits, size_t words, double *out,
                           double *scratch)
{
    size_t k = 0;
    for (size_t w = 0; w < words; w++) {
        uint64_t b = rowbits[w] & h->num_present[w];
        while (b) {
            size_t r = w * 64 + (size_t)__builtin_ctzll(b);
            scratch[k++] = h->num[r];
            b &= b - 1;
        }
    }
    out[HI_ST_N] = (double)k;
    if (k == 0) {
        for (int i = HI_ST_MEAN; i < HI_ST_COUNT; i++)
            out[i] = NAN;
        return HOSHI_OK;
    }
    qsort(scratch, k, sizeof *scratch, cmp_double);
    /* Kahan-free but two-pass: mean first, then squared deviations */
    long double sum = 0;
    for (size_t i = 0; i < k; i++)
        sum += scratch[i];
    double mean = (double)(sum / (long double)k);
    long double ss = 0;
    for (size_t i = 0; i < k; i++)
        ss += ((long double)scratch[i] - mean) * ((long double)scratch[i] - mean);
    out[HI_ST_MEAN] = mean;
    out[HI_ST_MEDIAN] = k % 2 ? scratch[k / 2] : (scratch[k / 2 - 1] + scratch[k / 2]) / 2;
    out[HI_ST_MIN] = scratch[0];
    out[HI_ST_MAX] = scratch[k - 1];
    out[HI_ST_SD] = k > 1 ? sqrt((double)(ss / (long double)(k - 1))) : 0.0;
    return HOSHI_OK;
}

static hoshi_err head_titles(hi_table *t, const hi_var *h, const hi_side *sd, const char *side_title)
{
    hoshi_err err;
    if ((err = set_label(&t->id, h->name)) != HOSHI_OK ||
        (err = set_label(&t->title, h->title ? h->title : "")) != HOSHI_OK)
        return err;
    if (side_title != NULL && (err = set_label(&t->side, side_title)) != HOSHI_OK)
        return err;
    for (size_t k = 0; k < sd->n; k++)
        if ((err = set_label(&t->row_label[k], sd->labels[k])) != HOSHI_OK)
            return err;
    return HOSHI_OK;
}

/* A NUM head: N, mean, median, min, max, sd per row. */
hoshi_err hi_table_num(hi_table *t, const hi_var *h, const hi_side *sd, size_t n_rows,
                       const char *side_title)
{
    size_t words = hi_words(n_rows);
    hoshi_err err = table_alloc(t, sd->n, 0);
    if (err != HOSHI_OK || (err = head_titles(t, h, sd, side_title)) != HOSHI_OK)
        return err;
    t->num = true;
    t->stat = hi_calloc(sd->n * HI_ST_COUNT, sizeof *t->stat);
    double *scratch = hi_malloc((n_rows ? n_rows : 1) * sizeof *scratch);
    if (t->stat == NULL || scratch == NULL) {
        free(scratch);
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    }
    for (size_t k = 0; k < sd->n; k++) {
        t->row_n[k] = hi_popcount(sd->bits[k], words);
        num_stats(h, sd->bits[k], words, &t->stat[k * HI_ST_COUNT], scratch);
    }
    free(scratch);
    return sd->w != NULL ? weigh_num(t, h, sd, n_rows) : HOSHI_OK;
}

/* Reorders columns by total count, descending; "other"-like labels,
 * the top box and 無回答 keep their places at the end. */
static hoshi_err sort_columns(hi_table *t)
{
    size_t nc = t->n_cols;
    size_t *ord = hi_malloc((nc ? nc : 1) * sizeof *ord);
    char **lab = hi_malloc((nc ? nc : 1) * sizeof *lab);
    uint8_t *fl = hi_malloc(nc ? nc : 1);
    uint64_t *cnt = hi_malloc((nc ? nc : 1) * t->n_rows * sizeof *cnt);
    if (ord == NULL || lab == NULL || fl == NULL || cnt == NULL) {
        free(ord);
        free(lab);
        free(fl);
        free(cnt);
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory sorting the columns of %s", t->id);
    }
    size_t k = 0;
    for (size_t c = 0; c < nc; c++)
        if (!(t->col_flag[c] & (HI_CF_NOANS | HI_CF_TOPBOX)) && !is_last_label(t->col_label[c]))
            ord[k++] = c;
    /* insertion sort: stable and the column count is small */
    for (size_t i = 1; i < k; i++) {
        size_t x = ord[i], j = i;
        while (j > 0 && hi_tab_cell(t, 0, ord[j - 1]) < hi_tab_cell(t, 0, x)) {
            ord[j] = ord[j - 1];
            j--;
        }
        ord[j] = x;
    }
    for (size_t c = 0; c < nc; c++)
        if (!(t->col_flag[c] & (HI_CF_NOANS | HI_CF_TOPBOX)) && is_last_label(t->col_label[c]))
            ord[k++] = c;
    for (size_t c = 0; c < nc; c++)
        if (t->col_flag[c] & (HI_CF_NOANS | HI_CF_TOPBOX))
            ord[k++] = c;
    for (size_t c = 0; c < nc; c++) {
        lab[c] = t->col_label[ord[c]];
        fl[c] = t->col_flag[ord[c]];
        for (size_t r = 0; r < t->n_rows; r++)
            cnt[r * nc + c] = t->count[r * nc + ord[c]];
    }
    memcpy(t->col_label, lab, nc * sizeof *lab);
    memcpy(t->col_flag, fl, nc);
    memcpy(t->count, cnt, nc * t->n_rows * sizeof *cnt);
    if (t->w != NULL) { /* the weighted counts in the same order (cnt has room) */
        double *wc = (double *)(void *)cnt;
        for (size_t c = 0; c < nc; c++)
            for (size_t r = 0; r < t->n_rows; r++)
                wc[r * nc + c] = t->w->count[r * nc + ord[c]];
        memcpy(t->w->count, wc, nc * t->n_rows * sizeof *wc);
    }
    free(lab);
    free(fl);
    free(cnt);
    free(ord);
    return HOSHI_OK;
}

/* The weighted counts of the category bitsets of h (all in one pass), into
 * the first *nc columns of t->w. */
static hoshi_err weigh_bitsets(hi_table *t, const hi_var *h, const hi_side *sd, size_t n_rows,
                               const uint8_t *dropsel, size_t *nc)
{
    const uint64_t **bits = hi_malloc((h->n ? h->n : 1) * sizeof *bits);
    double *acc = hi_calloc((h->n ? h->n : 1) * sd->n, sizeof *acc);
    hoshi_err err = HOSHI_OK;
    if (bits == NULL || acc == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        goto free_acc;
    }
    for (size_t i = 0; i < h->n; i++)
        if (!(dropsel && dropsel[i]))
            bits[(*nc)++] = h->cat[i].bits;
    if ((err = hi_wcount_cats(bits, *nc, false, sd, n_rows, acc)) != HOSHI_OK)
        goto free_acc;
    for (size_t c = 0; c < *nc; c++)
        for (size_t k = 0; k < sd->n; k++)
            t->w->count[k * t->n_cols + c] = acc[c * sd->n + k];
free_acc:
    free(acc);
    free(bits);
    return err;
}

/* The weighted counts of a categorical head, in the columns hi_table_cat
 * laid out (before 無回答 may be dropped): from the fused pass (whist, of
 * stride fs) when there was one, else one pass over the SA column of a lazy
 * head, else one per category bitset. */
static hoshi_err weigh_cat(hi_table *t, const hi_var *h, const hi_side *sd, size_t n_rows,
                           const uint8_t *dropsel, int top_box, const double *whist, size_t fs)
{
    bool by_value = h->sa != NULL || whist != NULL;
    size_t cols = t->n_cols, stride = whist != NULL ? fs : h->sa != NULL ? 256 : 1, nc = 0;
    hoshi_err err = table_alloc_w(t, sd);
    if (err != HOSHI_OK)
        return err;
    double *acc = whist != NULL ? NULL : hi_calloc((sd->n + 1) * stride, sizeof *acc);
    const double *A = whist != NULL ? whist : acc;
    double *W = t->w->count;
    if (A == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    if (h->sa != NULL && whist == NULL)
        hi_wcount_sa(h->sa, sd, n_rows, acc);
    for (size_t i = 0; i < h->n && by_value; i++)
        if (!(dropsel && dropsel[i])) {
            for (size_t k = 0; k < sd->n; k++)
                W[k * cols + nc] = A[k * stride + i + 1];
            nc++;
        }
    if (!by_value && (err = weigh_bitsets(t, h, sd, n_rows, dropsel, &nc)) != HOSHI_OK) {
        free(acc);
        return err;
    }
    if (top_box > 0) {
        for (size_t k = 0; k < sd->n; k++)
            for (size_t i = 0; i < (size_t)top_box && i < nc; i++)
                W[k * cols + nc] += W[k * cols + i];
    }
    if (!by_value) {
        memset(acc, 0, (sd->n + 1) * sizeof *acc);
        const uint64_t *present[1] = {h->present};
        if ((err = hi_wcount_cats(present, 1, true, sd, n_rows, acc)) != HOSHI_OK) {
            free(acc);
            return err;
        }
    }
    for (size_t k = 0; k < sd->n; k++)
        W[k * cols + cols - 1] = A[k * stride];
    free(acc);
    return HOSHI_OK;
}

/* Both counts of h in one pass when wfused.c can (a weighted run): *hist
 * and *whist of stride *stride, else both NULL. */
static hoshi_err fused_counts(const hi_var *h, const hi_side *sd, size_t n_rows, uint64_t **hist,
                              double **whist, size_t *stride)
{
    *stride = h->n + 1;
    *hist = NULL;
    *whist = NULL;
    if (sd->w == NULL)
        return HOSHI_OK;
    uint64_t *c = hi_malloc(sd->n * *stride * sizeof *c);
    double *x = hi_malloc(sd->n * *stride * sizeof *x);
    bool done = false;
    hoshi_err err = c == NULL || x == NULL ? hi_fail(HOSHI_ERR_NOMEM, "out of memory")
                                           : hi_wfused_cat(h, sd, n_rows, c, x, &done);
    if (err != HOSHI_OK || !done) {
        free(c);
        free(x);
        return err;
    }
    *hist = c;
    *whist = x;
    return HOSHI_OK;
}

/* A categorical head against the side rows. */
hoshi_err hi_table_cat(hi_table *t, const hi_var *h, const hi_side *sd, size_t n_rows,
                       const uint8_t *dropsel, int top_box, const char *side_title,
                       const hoshi_tab_spec *spec)
{
    size_t words = hi_words(n_rows);
    size_t nc = 0;
    for (size_t i = 0; i < h->n; i++)
        nc += !(dropsel && dropsel[i]);
    bool topbox = top_box > 0;
    size_t cols = nc + (topbox ? 1 : 0) + 1;
    hoshi_err err = table_alloc(t, sd->n, cols);
    if (err != HOSHI_OK || (err = head_titles(t, h, sd, side_title)) != HOSHI_OK)
        return err;
    /* a net makes the categories overlap too, but an SA head with nets is
     * still charted as SA (stacked, the nets left out) */
    t->chart_ma = h->q != NULL && h->q->type == HI_Q_MA;
    /* a weighted head counted in one fused pass, or a lazy SA head counted
     * in one streaming pass, no bitsets built */
    uint64_t *hist = NULL;
    double *whist = NULL;
    size_t hs = 256;
    if ((err = fused_counts(h, sd, n_rows, &hist, &whist, &hs)) != HOSHI_OK)
        return err;
    if (hist == NULL && h->sa != NULL) {
        hs = 256;
        hist = hi_calloc(sd->n * 256, sizeof *hist);
        if (hist == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        hi_count_codes(h->sa, n_rows, (unsigned)h->n, (const uint64_t *const *)sd->bits, sd->n, hist);
    }
    size_t c = 0;
    for (size_t i = 0; i < h->n; i++) {
        if (dropsel && dropsel[i])
            continue;
        if ((err = set_label(&t->col_label[c], h->cat[i].label)) != HOSHI_OK)
            goto free_hist;
        t->col_flag[c] = h->cat[i].net ? HI_CF_NET : 0;
        for (size_t k = 0; k < sd->n; k++)
            t->count[k * cols + c] = hist ? hist[k * hs + i + 1]
                                          : hi_popcount_and(sd->bits[k], h->cat[i].bits, words);
        c++;
    }
    if (topbox) {
        char lab[64];
        snprintf(lab, sizeof lab, "TOP%d", top_box);
        if ((err = set_label(&t->col_label[c], lab)) != HOSHI_OK)
            goto free_hist;
        t->col_flag[c] = HI_CF_TOPBOX;
        for (size_t k = 0; k < sd->n; k++) {
            uint64_t s = 0;
            for (size_t i = 0; i < (size_t)top_box && i < nc; i++)
                s += t->count[k * cols + i];
            t->count[k * cols + c] = s;
        }
        c++;
    }
    if ((err = set_label(&t->col_label[c], "無回答")) != HOSHI_OK)
        goto free_hist;
    t->col_flag[c] = HI_CF_NOANS;
    for (size_t k = 0; k < sd->n; k++) {
        t->row_n[k] = hi_popcount(sd->bits[k], words);
        if (whist != NULL) { /* the fused pass counted the blanks */
            t->count[k * cols + c] = hist[k * hs];
        } else if (hist != NULL) {
            uint64_t answered = 0;
            for (size_t i = 1; i <= h->n; i++)
                answered += hist[k * 256 + i];
            t->count[k * cols + c] = t->row_n[k] - answered;
        } else {
            t->count[k * cols + c] = t->row_n[k] - hi_popcount_and(sd->bits[k], h->present, words);
        }
    }
    if (sd->w != NULL && (err = weigh_cat(t, h, sd, n_rows, dropsel, top_box, whist, hs)) != HOSHI_OK)
        goto free_hist;
    free(hist);
    free(whist);
    hist = NULL;
    whist = NULL;
    if (t->count[c] == 0) { /* nobody in the table left the head blank: drop 無回答 */
        for (size_t k = 0; k < sd->n; k++)
            for (size_t j = 0; j < cols - 1; j++)
                t->count[k * (cols - 1) + j] = t->count[k * cols + j];
        for (size_t k = 0; t->w != NULL && k < sd->n; k++)
            for (size_t j = 0; j < cols - 1; j++)
                t->w->count[k * (cols - 1) + j] = t->w->count[k * cols + j];
        free(t->col_label[c]);
        t->col_label[c] = NULL;
        t->n_cols = cols - 1;
    }
    if (spec->sort && !topbox && (err = sort_columns(t)) != HOSHI_OK) /* a GRID scale keeps its order */
        return err;
    hi_tab_rest_marks(t);
    return HOSHI_OK;
free_hist:
    free(hist);
    free(whist);
    return err;
}

/* The weighted cells of GRID item row `row` (item variable v), added to
 * the total row too. */
static void weigh_grid_item(hi_table *t, const hi_var *v, const hi_side *sd, size_t n_rows,
                            size_t row, int top_box)
{
    size_t cols = t->n_cols, nc = v->n;
    double *W = t->w->count, answered = 0;
    for (size_t i = 0; i < nc; i++) {
        double acc[2] = {0, 0};
        hi_wcount_bits(v->cat[i].bits, sd, n_rows, acc);
        W[row * cols + i] = acc[0];
        W[i] += acc[0];
        answered += acc[0];
        if ((int)i < top_box)
            W[row * cols + nc] += acc[0];
    }
    if (top_box > 0)
        W[nc] += W[row * cols + nc];
    double blank = sd->wsum[0] - answered;
    if (t->count[row * cols + cols - 1] == 0 || blank < 0)
        blank = 0; /* no one blank: no rounding residue either */
    W[row * cols + cols - 1] = blank;
    W[cols - 1] += blank;
}

/* A GRID or DIAG head without a side: one row per item. */
hoshi_err hi_table_grid(hi_table *t, const hoshi_dataset *ds, const hi_var *g,
                        const uint64_t *filter, int top_box, const hi_side *sd)
{
    const hi_question *q = g->q;
    size_t words = hi_words(ds->n_rows);
    size_t nc = q->n_codes, cols = nc + (top_box > 0) + 1;
    uint64_t total = hi_popcount(filter, words);
    hoshi_err err = table_alloc(t, q->n_items + 1, cols);
    if (err != HOSHI_OK || (err = set_label(&t->id, g->name)) != HOSHI_OK ||
        (err = set_label(&t->title, q->title)) != HOSHI_OK)
        return err;
    t->grid = true;
    for (size_t i = 0; i < nc; i++)
        if ((err = set_label(&t->col_label[i], q->codes[i].label)) != HOSHI_OK)
            return err;
    if (top_box > 0) {
        char lab[64];
        snprintf(lab, sizeof lab, "TOP%d", top_box);
        if ((err = set_label(&t->col_label[nc], lab)) != HOSHI_OK)
            return err;
        t->col_flag[nc] = HI_CF_TOPBOX;
    }
    if ((err = set_label(&t->col_label[cols - 1], "無回答")) != HOSHI_OK ||
        (err = set_label(&t->row_label[0], "全体")) != HOSHI_OK)
        return err;
    t->col_flag[cols - 1] = HI_CF_NOANS;
    /* the total row counts the respondents; it pools no items (each item
     * has its own row and base), so it has no percentages (walk.c) */
    t->row_n[0] = total;
    /* weighted: every item row, and the total, has the filter's weighted base */
    if (sd->w != NULL && (err = table_alloc_w(t, sd)) != HOSHI_OK)
        return err;
    for (size_t it = 0; sd->w != NULL && it <= q->n_items; it++) {
        t->w->row_n[it] = sd->wsum[0];
        t->w->ess[it] = hi_ess(sd->wsum[0], sd->wsq[0]);
    }
    for (size_t it = 0; it < q->n_items; it++) {
        char name[160];
        snprintf(name, sizeof name, "%s_%ld", q->qid, q->items[it].code);
        hi_var v;
        if ((err = hi_var_open(ds, name, &v)) != HOSHI_OK)
            return err;
        if ((err = hi_var_materialize(&v)) != HOSHI_OK) {
            hi_var_free(&v);
            return err;
        }
        size_t row = it + 1;
        if ((err = set_label(&t->row_label[row], q->items[it].label)) != HOSHI_OK) {
            hi_var_free(&v);
            return err;
        }
        t->row_n[row] = total;
        uint64_t answered = 0;
        for (size_t i = 0; i < nc; i++) {
            uint64_t x = hi_popcount_and(filter, v.cat[i].bits, words);
            t->count[row * cols + i] = x;
            answered += x;
            if ((int)i < top_box)
                t->count[row * cols + nc] += x;
        }
        t->count[row * cols + cols - 1] = total - answered;
        if (sd->w != NULL)
            weigh_grid_item(t, &v, sd, ds->n_rows, row, top_box);
        hi_var_free(&v);
    }
    return HOSHI_OK;
}
