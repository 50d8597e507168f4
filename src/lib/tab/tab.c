/*
 * tab.c — the table builder.  Every count is a population count over
 * bitsets of respondents: the filter (all --where conditions ANDed), each
 * side category ANDed with the filter once, and each head category; so a
 * banner computes the side once and then one head after another, and nets,
 * bands and MA sides need no special counting code.  A plain SA head skips
 * the bitsets: one streaming pass builds one-hot words 64 respondents at a
 * time (bits.c).  NUM heads gather the values of each row and sort them for
 * the median.  Big banners share their heads between two threads.
 */
#include "tab/tab.h"
#include "internal.h"
#include "hoshi/datafile.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HEADS 10000
#define MAX_CONDS 64

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
    for (size_t i = 0; t->row_label != NULL && i < t->n_rows; i++)
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
    free(t->id);
    free(t->title);
    free(t->side);
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

static uint64_t *new_bits(size_t words)
{
    return hi_calloc(words ? words : 1, sizeof(uint64_t));
}

/* Splits "a,b,c" and finds each code among v's categories. */
static hoshi_err parse_code_list(const hi_var *v, const char *list, const char *what,
                                 uint8_t *sel)
{
    const char *p = list;
    if (*p == '\0')
        return hi_fail(HOSHI_ERR_USAGE, "%s: no codes given", what);
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char tok[32];
        long code;
        if (len == 0 || len >= sizeof tok)
            return hi_fail(HOSHI_ERR_USAGE, "%s: bad code list '%s'", what, list);
        memcpy(tok, p, len);
        tok[len] = '\0';
        if (!hoshi_parse_long(tok, 0, HI_TAB_MAX_CODE, &code))
            return hi_fail(HOSHI_ERR_USAGE, "%s: '%s' is not a code", what, tok);
        size_t i = 0;
        while (i < v->n && (v->cat[i].code != code || v->cat[i].net))
            i++;
        if (i == v->n)
            return hi_fail(HOSHI_ERR_USAGE, "%s: %s has no code %ld", what, v->name, code);
        sel[i] = 1;
        p += len;
        if (*p == ',')
            p++;
    }
    return HOSHI_OK;
}

/* Parses "VAR=list" / "VAR!=list". */
static hoshi_err split_cond(const char *cond, char *var, size_t cap, bool *neg, const char **list)
{
    const char *eq = strchr(cond, '=');
    if (eq == NULL || eq == cond)
        return hi_fail(HOSHI_ERR_USAGE, "--where '%s': expected VAR=codes or VAR!=codes", cond);
    *neg = eq[-1] == '!';
    size_t len = (size_t)(eq - cond) - (*neg ? 1 : 0);
    if (len == 0 || len >= cap)
        return hi_fail(HOSHI_ERR_USAGE, "--where '%s': bad variable", cond);
    memcpy(var, cond, len);
    var[len] = '\0';
    *list = eq + 1;
    return HOSHI_OK;
}

/* Codes of the head excluded by --where HEAD!=codes. */
typedef struct drop {
    char var[128];
    long code[HI_TAB_MAX_CODES];
    size_t n;
} drop;

/* ANDs condition `cond` into the filter f. */
static hoshi_err apply_where(const hoshi_dataset *ds, const char *cond, uint64_t *f, drop *dr,
                             bool *dropped)
{
    char var[128];
    bool neg = false;
    const char *list = "";
    size_t n = ds->n_rows, words = hi_words(n);
    hoshi_err err = split_cond(cond, var, sizeof var, &neg, &list);
    if (err != HOSHI_OK)
        return err;
    hi_var v;
    if ((err = hi_var_verify(ds, var)) != HOSHI_OK || (err = hi_var_open(ds, var, &v)) != HOSHI_OK)
        return err;
    if ((err = hi_var_materialize(&v)) != HOSHI_OK)
        goto free_var;
    uint64_t *m = new_bits(words);
    if (m == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        goto free_var;
    }
    if (v.grid) {
        err = hi_fail(HOSHI_ERR_USAGE, "--where: %s is a GRID; name one item, e.g. %s_1", var, var);
        goto free_m;
    }
    if (v.is_num) {
        const char *p = list;
        while (*p) {
            char *end;
            double x = strtod(p, &end);
            if (end == p || (*end != ',' && *end != '\0')) {
                err = hi_fail(HOSHI_ERR_USAGE, "--where '%s': '%s' is not a number", cond, p);
                goto free_m;
            }
            for (size_t r = 0; r < n; r++)
                if ((v.num_present[r >> 6] >> (r & 63) & 1) && v.num[r] == x)
                    m[r >> 6] |= (uint64_t)1 << (r & 63);
            p = *end == ',' ? end + 1 : end;
        }
    } else {
        uint8_t sel[HI_TAB_MAX_CODES + 1] = {0};
        char what[160];
        snprintf(what, sizeof what, "--where %.100s", cond);
        if ((err = parse_code_list(&v, list, what, sel)) != HOSHI_OK)
            goto free_m;
        for (size_t i = 0; i < v.n; i++)
            if (sel[i])
                for (size_t w = 0; w < words; w++)
                    m[w] |= v.cat[i].bits[w];
        if (neg) {
            snprintf(dr->var, sizeof dr->var, "%s", var);
            dr->n = 0;
            for (size_t i = 0; i < v.n; i++)
                if (sel[i])
                    dr->code[dr->n++] = v.cat[i].code;
            *dropped = true;
        }
    }
    for (size_t w = 0; w < words; w++)
        f[w] &= neg ? ~m[w] : m[w];
    if (n % 64 && words)
        f[words - 1] &= ((uint64_t)1 << (n % 64)) - 1;
free_m:
    free(m);
free_var:
    hi_var_free(&v);
    return err;
}

/* Applies --net / --recode "VAR:LABEL=codes" entries that name v. */
static hoshi_err apply_nets(hi_var *v, size_t n_rows, const char *const *specs, size_t n,
                            bool recode)
{
    size_t words = hi_words(n_rows);
    for (size_t s = 0; s < n; s++) {
        const char *spec = specs[s];
        size_t vl = strlen(v->name);
        if (strncmp(spec, v->name, vl) != 0 || spec[vl] != ':')
            continue;
        const char *label = spec + vl + 1;
        const char *eq = strrchr(label, '=');
        const char *opt = recode ? "--recode" : "--net";
        if (eq == NULL || eq == label)
            return hi_fail(HOSHI_ERR_USAGE, "%s '%s': expected VAR:LABEL=codes", opt, spec);
        if (v->is_num || v->grid)
            return hi_fail(HOSHI_ERR_USAGE, "%s: %s is not a categorical variable", opt, v->name);
        hoshi_err merr = hi_var_materialize(v);
        if (merr != HOSHI_OK)
            return merr;
        char lab[HI_TAB_MAX_LABEL];
        size_t ll = (size_t)(eq - label);
        if (ll >= sizeof lab)
            return hi_fail(HOSHI_ERR_USAGE, "%s: label too long", opt);
        memcpy(lab, label, ll);
        lab[ll] = '\0';
        uint8_t sel[HI_TAB_MAX_CODES + 1] = {0};
        hoshi_err err = parse_code_list(v, eq + 1, opt, sel);
        if (err != HOSHI_OK)
            return err;
        if (v->n >= HI_TAB_MAX_CODES)
            return hi_fail(HOSHI_ERR_USAGE, "%s: too many categories", opt);
        uint64_t *b = new_bits(words);
        if (b == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        size_t first = v->n, last = 0;
        for (size_t i = 0; i < v->n; i++)
            if (sel[i]) {
                for (size_t w = 0; w < words; w++)
                    b[w] |= v->cat[i].bits[w];
                if (first == v->n)
                    first = i;
                last = i;
            }
        if (!recode) {
            if ((err = hi_var_add_cat(v, lab, -1, b, true, last + 1)) != HOSHI_OK)
                return err;
            v->cat[last + 1].net = true;
            v->ma = true;
            continue;
        }
        /* recode: the new category takes the place of its first member */
        if ((err = hi_var_add_cat(v, lab, v->cat[first].code, b, true, first)) != HOSHI_OK)
            return err;
        size_t k = 0;
        for (size_t i = 0; i < v->n; i++) {
            bool member = i > first && sel[i - 1];
            if (member) {
                free(v->cat[i].label);
                if (v->cat[i].own)
                    free(v->cat[i].bits);
                continue;
            }
            v->cat[k++] = v->cat[i];
        }
        v->n = k;
    }
    return HOSHI_OK;
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

/* The side: row bitsets (already ANDed with the filter), row 0 the total. */
typedef struct side {
    size_t n;           /* rows including the total */
    uint64_t **bits;
    char **labels;      /* borrowed from the side variable, [0] = 全体 */
} side;

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

static hoshi_err head_titles(hi_table *t, const hi_var *h, const side *sd, const char *side_title)
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
static hoshi_err table_num(hi_table *t, const hi_var *h, const side *sd, size_t n_rows,
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
    return HOSHI_OK;
}

/* Column-proportion z-test of each side row against the rest of the sample. */
static void significance(hi_table *t)
{
    if (t->grid || t->n_rows < 3)
        return;
    uint64_t N = t->row_n[0];
    for (size_t c = 0; c < t->n_cols; c++) {
        if (t->col_flag[c] & HI_CF_NOANS)
            continue;
        uint64_t X = t->count[c];
        for (size_t k = 1; k < t->n_rows; k++) {
            uint64_t n1 = t->row_n[k], x1 = t->count[k * t->n_cols + c];
            if (n1 == 0 || n1 >= N)
                continue;
            uint64_t n2 = N - n1, x2 = X >= x1 ? X - x1 : 0;
            double p1 = (double)x1 / (double)n1, p2 = (double)x2 / (double)n2;
            double p = (double)X / (double)N;
            double se = sqrt(p * (1 - p) * (1.0 / (double)n1 + 1.0 / (double)n2));
            if (!(se > 0))
                continue;
            double z = (p1 - p2) / se;
            int8_t m = fabs(z) >= 2.5758293035489 ? 2 : fabs(z) >= 1.959963984540 ? 1 : 0;
            t->sig[k * t->n_cols + c] = (int8_t)(z < 0 ? -m : m);
        }
    }
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
        while (j > 0 && t->count[ord[j - 1]] < t->count[x]) {
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
    free(lab);
    free(fl);
    free(cnt);
    free(ord);
    return HOSHI_OK;
}

/* A categorical head against the side rows. */
static hoshi_err table_cat(hi_table *t, const hi_var *h, const side *sd, size_t n_rows,
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
    t->chart_ma = h->ma;
    /* a lazy SA head is counted in one streaming pass, no bitsets built */
    uint64_t *hist = NULL;
    if (h->sa != NULL) {
        hist = hi_calloc(sd->n * 256, sizeof *hist);
        if (hist == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        hi_count_codes(h->sa, n_rows, (unsigned)h->n, (const uint64_t *const *)sd->bits, sd->n, hist);
    }
    size_t c = 0;
    for (size_t i = 0; i < h->n; i++) {
        if (dropsel && dropsel[i])
            continue;
        if ((err = set_label(&t->col_label[c], h->cat[i].label)) != HOSHI_OK) {
            free(hist);
            return err;
        }
        t->col_flag[c] = h->cat[i].net ? HI_CF_NET : 0;
        for (size_t k = 0; k < sd->n; k++)
            t->count[k * cols + c] = hist ? hist[k * 256 + i + 1]
                                          : hi_popcount_and(sd->bits[k], h->cat[i].bits, words);
        c++;
    }
    if (topbox) {
        char lab[64];
        snprintf(lab, sizeof lab, "TOP%d", top_box);
        if ((err = set_label(&t->col_label[c], lab)) != HOSHI_OK) {
            free(hist);
            return err;
        }
        t->col_flag[c] = HI_CF_TOPBOX;
        for (size_t k = 0; k < sd->n; k++) {
            uint64_t s = 0;
            for (size_t i = 0; i < (size_t)top_box && i < nc; i++)
                s += t->count[k * cols + i];
            t->count[k * cols + c] = s;
        }
        c++;
    }
    if ((err = set_label(&t->col_label[c], "無回答")) != HOSHI_OK) {
        free(hist);
        return err;
    }
    t->col_flag[c] = HI_CF_NOANS;
    for (size_t k = 0; k < sd->n; k++) {
        t->row_n[k] = hi_popcount(sd->bits[k], words);
        if (hist != NULL) {
            uint64_t answered = 0;
            for (size_t i = 1; i <= h->n; i++)
                answered += hist[k * 256 + i];
            t->count[k * cols + c] = t->row_n[k] - answered;
        } else {
            t->count[k * cols + c] = t->row_n[k] - hi_popcount_and(sd->bits[k], h->present, words);
        }
    }
    free(hist);
    if (t->count[c] == 0) { /* nobody in the table left the head blank: drop 無回答 */
        for (size_t k = 0; k < sd->n; k++)
            for (size_t j = 0; j < cols - 1; j++)
                t->count[k * (cols - 1) + j] = t->count[k * cols + j];
        free(t->col_label[c]);
        t->col_label[c] = NULL;
        t->n_cols = cols - 1;
    }
    if (spec->sort && !topbox && (err = sort_columns(t)) != HOSHI_OK) /* a GRID scale keeps its order */
        return err;
    significance(t);
    return HOSHI_OK;
}

/* A GRID or DIAG head without a side: one row per item. */
static hoshi_err table_grid(hi_table *t, const hoshi_dataset *ds, const hi_var *g,
                            const uint64_t *filter, int top_box)
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
    t->row_n[0] = total * q->n_items;
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
            t->count[i] += x;
            answered += x;
            if ((int)i < top_box)
                t->count[row * cols + nc] += x;
        }
        if (top_box > 0)
            t->count[nc] += t->count[row * cols + nc];
        t->count[row * cols + cols - 1] = total - answered;
        t->count[cols - 1] += total - answered;
        hi_var_free(&v);
    }
    return HOSHI_OK;
}

static hoshi_err push_table(hoshi_tabset *ts, hi_table **out)
{
    hi_table *t = hi_realloc(ts->t, (ts->n + 1) * sizeof *t);
    if (t == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    ts->t = t;
    memset(&t[ts->n], 0, sizeof *t);
    *out = &t[ts->n++];
    return HOSHI_OK;
}

/* One head (which may expand to several tables). */
static hoshi_err run_head(hoshi_tabset *ts, const hoshi_dataset *ds, const hoshi_tab_spec *spec,
                          const char *name, const side *sd, const char *side_title,
                          const uint64_t *filter, const drop *drops, size_t n_drops)
{
    hi_var h;
    hi_table *t;
    hoshi_err err = hi_var_open(ds, name, &h);
    if (err != HOSHI_OK)
        return err;
    int top_box = spec->top_box > 0 ? spec->top_box : 2;
    if (h.grid) {
        if (sd->n == 1) {
            if ((err = push_table(ts, &t)) == HOSHI_OK)
                err = table_grid(t, ds, &h, filter, top_box);
        } else {
            for (size_t it = 0; it < h.q->n_items && err == HOSHI_OK; it++) {
                char item[160];
                snprintf(item, sizeof item, "%s_%ld", h.q->qid, h.q->items[it].code);
                err = run_head(ts, ds, spec, item, sd, side_title, filter, drops, n_drops);
            }
        }
        goto free_head;
    }
    if ((err = apply_nets(&h, ds->n_rows, spec->nets, spec->n_nets, false)) != HOSHI_OK ||
        (err = apply_nets(&h, ds->n_rows, spec->recodes, spec->n_recodes, true)) != HOSHI_OK)
        goto free_head;
    if ((err = push_table(ts, &t)) != HOSHI_OK)
        goto free_head;
    if (h.is_num) {
        err = table_num(t, &h, sd, ds->n_rows, side_title);
        goto free_head;
    }
    uint8_t dropsel[HI_TAB_MAX_CODES + 1] = {0};
    bool any = false;
    for (size_t i = 0; i < n_drops; i++)
        if (strcmp(drops[i].var, h.name) == 0)
            for (size_t c = 0; c < h.n; c++)
                for (size_t k = 0; k < drops[i].n; k++)
                    if (!h.cat[c].net && h.cat[c].code == drops[i].code[k])
                        dropsel[c] = 1, any = true;
    bool grid_item = h.q != NULL && (h.q->type == HI_Q_GRID || h.q->type == HI_Q_DIAG);
    err = table_cat(t, &h, sd, ds->n_rows, any ? dropsel : NULL, grid_item ? top_box : 0,
                    side_title, spec);
free_head:
    hi_var_free(&h);
    return err;
}

/* A share of the heads of a banner, for one thread. */
typedef struct head_job {
    hoshi_tabset *ts;
    const hoshi_dataset *ds;
    const hoshi_tab_spec *spec;
    const char **names;
    size_t n;
    const side *sd;
    const char *side_title;
    const uint64_t *filter;
    const drop *drops;
    size_t n_drops;
    hoshi_err err;
    char detail[1024];
} head_job;

static void *head_thread(void *arg)
{
    head_job *J = arg;
    for (size_t i = 0; i < J->n && J->err == HOSHI_OK; i++)
        J->err = run_head(J->ts, J->ds, J->spec, J->names[i], J->sd, J->side_title, J->filter,
                          J->drops, J->n_drops);
    if (J->err != HOSHI_OK)
        snprintf(J->detail, sizeof J->detail, "%s", hoshi_error_detail());
    return NULL;
}

/* Two threads pay off from about a million respondents. */
static bool n_rows_parallel(size_t n)
{
    return n >= hi_tab_parallel_rows;
}

size_t hi_tab_parallel_rows = 500000;

/* Moves the tables of b to the end of a. */
static hoshi_err append_tables(hoshi_tabset *a, hoshi_tabset *b)
{
    if (b->n == 0)
        return HOSHI_OK;
    hi_table *t = hi_realloc(a->t, (a->n + b->n) * sizeof *t);
    if (t == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    a->t = t;
    memcpy(a->t + a->n, b->t, b->n * sizeof *t);
    a->n += b->n;
    b->n = 0;
    return HOSHI_OK;
}

/* Copies s into out (cap bytes) for a message, each byte that is not part
 * of valid UTF-8 written as \xHH, cut short when out is full. */
static void quote_bytes(char *out, size_t cap, const char *s)
{
    size_t k = 0, n = strlen(s);
    while (*s && k + 5 < cap) {
        size_t ok = hoshi_utf8_invalid_at(s, n);
        size_t take = ok < cap - 5 - k ? ok : 0;
        if (take > 0) {
            memcpy(out + k, s, take);
            k += take;
            s += take;
            n -= take;
            continue;
        }
        if (ok > 0)
            break; /* a valid run that does not fit */
        k += (size_t)snprintf(out + k, cap - k, "\\x%02X", (unsigned)(unsigned char)*s);
        s++;
        n--;
    }
    out[k] = '\0';
}

/* Every text of a spec comes from a user and ends up in labels, titles
 * and messages: it must be valid UTF-8.  The error names the option and
 * the (1-based) position of the first bad byte. */
static hoshi_err check_utf8(const char *opt, const char *s)
{
    if (s == NULL)
        return HOSHI_OK;
    size_t n = strlen(s), bad = hoshi_utf8_invalid_at(s, n);
    if (bad == n)
        return HOSHI_OK;
    char shown[160];
    quote_bytes(shown, sizeof shown, s);
    return hi_fail(HOSHI_ERR_USAGE, "%s '%s': invalid UTF-8 at byte %zu", opt, shown, bad + 1);
}

static hoshi_err check_spec_text(const hoshi_tab_spec *spec)
{
    hoshi_err err;
    if ((err = check_utf8("--side", spec->side)) != HOSHI_OK ||
        (err = check_utf8("--bands", spec->bands)) != HOSHI_OK)
        return err;
    for (size_t i = 0; i < spec->n_heads; i++)
        if ((err = check_utf8("--head", spec->heads[i])) != HOSHI_OK)
            return err;
    for (size_t i = 0; i < spec->n_wheres; i++)
        if ((err = check_utf8("--where", spec->wheres[i])) != HOSHI_OK)
            return err;
    for (size_t i = 0; i < spec->n_nets; i++)
        if ((err = check_utf8("--net", spec->nets[i])) != HOSHI_OK)
            return err;
    for (size_t i = 0; i < spec->n_recodes; i++)
        if ((err = check_utf8("--recode", spec->recodes[i])) != HOSHI_OK)
            return err;
    return HOSHI_OK;
}

hoshi_err hoshi_tab_run(const hoshi_dataset *ds, const hoshi_tab_spec *spec, hoshi_tabset **out)
{
    hi_clear_error();
    hoshi_err serr = check_spec_text(spec);
    if (serr != HOSHI_OK)
        return serr;
    size_t n = ds->n_rows, words = hi_words(n);
    hoshi_err err = HOSHI_OK;
    hoshi_tabset *ts = hi_calloc(1, sizeof *ts);
    uint64_t *filter = new_bits(words);
    drop *drops = hi_calloc(MAX_CONDS, sizeof *drops);
    hi_var sv;
    memset(&sv, 0, sizeof sv);
    side sd = {0, NULL, NULL};
    char *side_title = NULL;
    size_t n_drops = 0;
    if (ts == NULL || filter == NULL || drops == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        goto free_all;
    }
    if (spec->n_heads == 0) {
        err = hi_fail(HOSHI_ERR_USAGE, "no --head given");
        goto free_all;
    }
    if (spec->n_wheres > MAX_CONDS || spec->n_heads > MAX_HEADS) {
        err = hi_fail(HOSHI_ERR_USAGE, "too many --where or --head values");
        goto free_all;
    }
    for (size_t w = 0; w < words; w++)
        filter[w] = ~(uint64_t)0;
    if (n % 64 && words)
        filter[words - 1] = ((uint64_t)1 << (n % 64)) - 1;
    for (size_t i = 0; i < spec->n_wheres; i++) {
        bool dropped = false;
        if ((err = apply_where(ds, spec->wheres[i], filter, &drops[n_drops], &dropped)) != HOSHI_OK)
            goto free_all;
        n_drops += dropped;
    }
    /* the side */
    size_t nside = 0;
    if (spec->side != NULL) {
        if ((err = hi_var_verify(ds, spec->side)) != HOSHI_OK ||
            (err = hi_var_open(ds, spec->side, &sv)) != HOSHI_OK)
            goto free_all;
        if (sv.grid) {
            err = hi_fail(HOSHI_ERR_USAGE, "--side %s is a GRID; name one item, e.g. %s_1",
                          spec->side, spec->side);
            goto free_all;
        }
        if (spec->bands != NULL) {
            if ((err = hi_var_bands(&sv, n, spec->bands)) != HOSHI_OK)
                goto free_all;
        } else if (sv.is_num) {
            err = hi_fail(HOSHI_ERR_USAGE, "--side %s is NUM; give --bands 'LABEL=LO..HI;…'",
                          spec->side);
            goto free_all;
        }
        if ((err = hi_var_materialize(&sv)) != HOSHI_OK ||
            (err = apply_nets(&sv, n, spec->nets, spec->n_nets, false)) != HOSHI_OK ||
            (err = apply_nets(&sv, n, spec->recodes, spec->n_recodes, true)) != HOSHI_OK)
            goto free_all;
        nside = sv.n;
        size_t tl = strlen(sv.name) + strlen(sv.title) + 2;
        side_title = hi_malloc(tl);
        if (side_title == NULL) {
            err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
            goto free_all;
        }
        snprintf(side_title, tl, "%s %s", sv.name, sv.title);
    } else if (spec->bands != NULL) {
        err = hi_fail(HOSHI_ERR_USAGE, "--bands needs --side");
        goto free_all;
    }
    sd.n = nside + 1;
    sd.bits = hi_calloc(sd.n, sizeof *sd.bits);
    sd.labels = hi_calloc(sd.n, sizeof *sd.labels);
    if (sd.bits == NULL || sd.labels == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        goto free_all;
    }
    sd.bits[0] = filter;
    sd.labels[0] = (char *)"全体";
    for (size_t k = 0; k < nside; k++) {
        sd.labels[k + 1] = sv.cat[k].label;
        sd.bits[k + 1] = new_bits(words);
        if (sd.bits[k + 1] == NULL) {
            err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
            goto free_all;
        }
        for (size_t w = 0; w < words; w++)
            sd.bits[k + 1][w] = sv.cat[k].bits[w] & filter[w];
    }
    /* the heads, expanded, then computed on two threads for big data */
    size_t n_names = 0;
    const char **names = hi_calloc(spec->n_heads + ds->cb->n + 1, sizeof *names);
    if (names == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        goto free_all;
    }
    for (size_t i = 0; i < spec->n_heads; i++) {
        if (strcmp(spec->heads[i], "ALL") != 0) {
            if (n_names < spec->n_heads + ds->cb->n)
                names[n_names++] = spec->heads[i];
            continue;
        }
        for (size_t qi = 0; qi < ds->cb->n && n_names < spec->n_heads + ds->cb->n; qi++) {
            const hi_question *q = &ds->cb->q[qi];
            if (q->type == HI_Q_FA || (sv.q == q && spec->side && strcmp(spec->side, q->qid) == 0))
                continue;
            names[n_names++] = q->qid;
        }
    }
    if (n_names == 0) {
        free(names);
        err = hi_fail(HOSHI_ERR_USAGE, "nothing to tabulate: the codebook has no question but free text and the side");
        goto free_all;
    }
    /* the columns of a .hsd cache are checked here, before the threads */
    for (size_t i = 0; i < n_names; i++)
        if ((err = hi_var_verify(ds, names[i])) != HOSHI_OK) {
            free(names);
            goto free_all;
        }
    head_job jobs[2];
    memset(jobs, 0, sizeof jobs);
    size_t split = n_rows_parallel(n) && n_names > 1 ? n_names / 2 : n_names;
    for (int j = 0; j < 2; j++) {
        jobs[j] = (head_job){ts, ds, spec, names + (j ? split : 0), j ? n_names - split : split,
                             &sd, side_title, filter, drops, n_drops, HOSHI_OK, {0}};
    }
    hoshi_tabset *second = hi_calloc(1, sizeof *second);
    if (second == NULL) {
        free(names);
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        goto free_all;
    }
    jobs[1].ts = second;
    pthread_t th;
    bool threaded = jobs[1].n > 0 && pthread_create(&th, NULL, head_thread, &jobs[1]) == 0;
    head_thread(&jobs[0]);
    if (threaded)
        pthread_join(th, NULL);
    else
        head_thread(&jobs[1]);
    free(names);
    err = jobs[0].err != HOSHI_OK ? jobs[0].err : jobs[1].err;
    if (err == HOSHI_OK)
        err = append_tables(ts, second);
    else if (jobs[0].err == HOSHI_OK)
        hi_fail(err, "%s", jobs[1].detail); /* the message was set in the other thread */
    hoshi_tabset_free(second);
    if (err != HOSHI_OK)
        goto free_all;
    *out = ts;
    ts = NULL;
free_all:
    if (sd.bits != NULL)
        for (size_t k = 1; k < sd.n; k++)
            free(sd.bits[k]);
    free(sd.bits);
    free(sd.labels);
    free(side_title);
    hi_var_free(&sv);
    free(drops);
    free(filter);
    hoshi_tabset_free(ts);
    return err;
}
