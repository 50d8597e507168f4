/*
 * vars.c — variables as the table builder sees them: a list of categories,
 * each a bitset of respondents, plus who answered at all; or, for a NUM
 * question, the values and a presence mask.  Question ids, GRID/DIAG items
 * (QID_n) and the derived variables of the self-diagnosis (QID:score,
 * :band, :star1, :star2, computed with the scoring rules of diag.h) all
 * become one of these, so filters, sides, heads and nets work alike.
 */
#include "tab/vars.h"
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoshi/diag.h"

static const char *const star_labels[] = {"該当", "非該当"};

void hi_var_free(hi_var *v)
{
    for (size_t i = 0; i < v->n; i++) {
        free(v->cat[i].label);
        if (v->cat[i].own)
            free(v->cat[i].bits);
    }
    free(v->cat);
    free(v->present);
    free(v->num_own);
    free(v->num_present_own);
    free(v->name);
    free(v->title);
    memset(v, 0, sizeof *v);
}

/* A column of a .hsd cache is read only after hi_var_verify() checked it,
 * which hoshi_tab_run() does on its own thread before the banner threads
 * start; here it is only confirmed, so the threads never write. */
static hoshi_err use_column(const hoshi_dataset *ds, size_t ci)
{
    if (hi_hsd_column_verified(ds, ci))
        return HOSHI_OK;
    return hi_fail(HOSHI_ERR_INTERNAL, "%s: column %s read before its checksum was checked",
                   ds->source, ds->col[ci].name);
}

/* The columns variable `name` reads: [*first, *first + *n). */
static bool var_columns(const hi_codebook *cb, const char *name, size_t *first, size_t *n)
{
    const char *colon = strchr(name, ':');
    const hi_question *q = hi_codebook_find(cb, name, colon ? (size_t)(colon - name) : strlen(name));
    if (q != NULL) {
        *first = q->first_col;
        *n = q->type == HI_Q_MA ? q->n_codes
             : q->type == HI_Q_GRID || q->type == HI_Q_DIAG ? q->n_items : 1;
        return colon == NULL || q->type == HI_Q_DIAG;
    }
    const char *us = strrchr(name, '_');
    q = us ? hi_codebook_find(cb, name, (size_t)(us - name)) : NULL;
    long item;
    if (q == NULL || (q->type != HI_Q_GRID && q->type != HI_Q_DIAG) ||
        !hoshi_parse_long(us + 1, 1, HI_TAB_MAX_ITEMS, &item))
        return false;
    for (size_t i = 0; i < q->n_items; i++)
        if (q->items[i].code == item) {
            *first = q->first_col + i;
            *n = 1;
            return true;
        }
    return false;
}

hoshi_err hi_var_verify(const hoshi_dataset *ds, const char *name)
{
    size_t first = 0, n = 0;
    if (!ds->mapped || !var_columns(ds->cb, name, &first, &n))
        return HOSHI_OK; /* nothing to check, or hi_var_open() will say what is wrong */
    for (size_t i = first; i < first + n && i < ds->n_col; i++) {
        hoshi_err err = hi_hsd_verify_column(ds, i);
        if (err != HOSHI_OK)
            return err;
    }
    return HOSHI_OK;
}

hoshi_err hi_var_add_cat(hi_var *v, const char *label, long code, uint64_t *bits, bool own,
                         size_t at)
{
    for (const unsigned char *c = (const unsigned char *)label; *c; c++)
        if ((*c < 0x20 && *c != '\n' && *c != '\t') || *c == 0x7F) {
            /* only labels given on the command line can get here */
            if (own)
                free(bits);
            return hi_fail(HOSHI_ERR_USAGE, "control character 0x%02X in a category label", *c);
        }
    hi_cat *c = hi_realloc(v->cat, (v->n + 1) * sizeof *c);
    if (c == NULL)
        goto nomem;
    v->cat = c;
    char *l = hi_strdup(label);
    if (l == NULL)
        goto nomem;
    if (at > v->n)
        at = v->n;
    memmove(&c[at + 1], &c[at], (v->n - at) * sizeof *c);
    c[at] = (hi_cat){l, code, bits, own, false};
    v->n++;
    return HOSHI_OK;
nomem:
    if (own)
        free(bits);
    return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
}

/* An SA column: categories without bitsets until someone needs them. */
static hoshi_err open_sa(const hoshi_dataset *ds, const hi_question *q, const uint8_t *sa, hi_var *v)
{
    for (size_t i = 0; i < q->n_codes; i++) {
        hoshi_err err = hi_var_add_cat(v, q->codes[i].label, q->codes[i].code, NULL, true, v->n);
        if (err != HOSHI_OK)
            return err;
    }
    v->sa = sa;
    v->sa_rows = ds->n_rows;
    return HOSHI_OK;
}

hoshi_err hi_var_materialize(hi_var *v)
{
    if (v->sa == NULL)
        return HOSHI_OK;
    size_t n = v->sa_rows, words = hi_words(n), nc = v->n;
    uint64_t *bits[HI_TAB_MAX_CODES + 1];
    for (size_t i = 0; i < nc; i++) {
        v->cat[i].bits = hi_calloc(words ? words : 1, sizeof(uint64_t));
        if (v->cat[i].bits == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        bits[i + 1] = v->cat[i].bits;
    }
    v->present = hi_calloc(words ? words : 1, sizeof *v->present);
    if (v->present == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    hi_one_hot_column(v->sa, n, (unsigned)nc, bits + 1, v->present);
    v->sa = NULL;
    return HOSHI_OK;
}

static hoshi_err open_ma(const hoshi_dataset *ds, const hi_question *q, hi_var *v)
{
    size_t words = hi_words(ds->n_rows);
    v->present = hi_calloc(words ? words : 1, sizeof *v->present);
    if (v->present == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    v->ma = true;
    for (size_t i = 0; i < q->n_codes; i++) {
        size_t ci = q->first_col + i;
        hoshi_err err = use_column(ds, ci);
        if (err != HOSHI_OK)
            return err;
        uint64_t *b = ds->col[ci].bits;
        if ((err = hi_var_add_cat(v, q->codes[i].label, q->codes[i].code, b, false, v->n)) != HOSHI_OK)
            return err;
        for (size_t w = 0; w < words; w++)
            v->present[w] |= b[w];
    }
    return HOSHI_OK;
}

/* The derived variables of a DIAG question. */
static hoshi_err open_diag(const hoshi_dataset *ds, const hi_question *q, const char *what,
                           hi_var *v)
{
    int kind = strcmp(what, "score") == 0 ? 0 : strcmp(what, "band") == 0 ? 1
               : strcmp(what, "star1") == 0 ? 2 : strcmp(what, "star2") == 0 ? 3 : -1;
    if (kind < 0)
        return hi_fail(HOSHI_ERR_USAGE, "%s:%s: unknown derived variable (score, band, star1, star2)",
                       q->qid, what);
    size_t n = ds->n_rows, words = hi_words(n);
    const uint8_t *item[HOSHI_DIAG_ITEMS];
    for (size_t i = 0; i < HOSHI_DIAG_ITEMS; i++) {
        hoshi_err err = use_column(ds, q->first_col + i);
        if (err != HOSHI_OK)
            return err;
        item[i] = ds->col[q->first_col + i].sa;
    }
    /* code index (1..4 in codebook order) -> answer */
    hoshi_answer ans_of[5] = {HOSHI_ANSWER_NONE};
    for (size_t k = 0; k < 4; k++)
        ans_of[k + 1] = (hoshi_answer)q->codes[k].code;
    size_t ncat = kind == 0 ? 0 : kind == 1 ? 4 : 2;
    uint64_t *bits[4] = {NULL};
    v->present = hi_calloc(words ? words : 1, sizeof *v->present);
    if (v->present == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    if (kind == 0) {
        v->is_num = true;
        v->num_own = hi_calloc(n ? n : 1, sizeof *v->num_own);
        if (v->num_own == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        v->num = v->num_own;
    }
    for (size_t k = 0; k < ncat; k++) {
        bits[k] = hi_calloc(words ? words : 1, sizeof *bits[k]);
        if (bits[k] == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        hoshi_err err = hi_var_add_cat(v, kind == 1 ? hoshi_diag_band_name((int)k + 1) : star_labels[k], (long)k + 1,
                                       bits[k], true, v->n);
        if (err != HOSHI_OK)
            return err;
    }
    for (size_t r = 0; r < n; r++) {
        hoshi_answer a[HOSHI_DIAG_ITEMS];
        bool complete = true;
        for (size_t i = 0; i < HOSHI_DIAG_ITEMS; i++) {
            unsigned x = item[i][r];
            a[i] = x <= 4 ? ans_of[x] : HOSHI_ANSWER_NONE;
            complete = complete && a[i] != HOSHI_ANSWER_NONE;
        }
        hoshi_diag_result res;
        if (!complete || hoshi_diag_score(a, &res) != HOSHI_OK)
            continue;
        uint64_t bit = (uint64_t)1 << (r & 63);
        v->present[r >> 6] |= bit;
        switch (kind) {
        case 0: v->num_own[r] = res.score; break;
        case 1: bits[res.band - 1][r >> 6] |= bit; break;
        case 2: bits[res.star1_ready ? 0 : 1][r >> 6] |= bit; break;
        default: bits[res.star2_ready ? 0 : 1][r >> 6] |= bit; break;
        }
    }
    if (kind == 0) {
        v->num_present_own = v->present;
        v->num_present = v->present;
        v->present = NULL;
    }
    hi_clear_error();
    return HOSHI_OK;
}

hoshi_err hi_var_open(const hoshi_dataset *ds, const char *name, hi_var *v)
{
    memset(v, 0, sizeof *v);
    hoshi_err err = HOSHI_OK;
    const hi_codebook *cb = ds->cb;
    const char *colon = strchr(name, ':');
    const hi_question *q = hi_codebook_find(cb, name, colon ? (size_t)(colon - name) : strlen(name));
    v->name = hi_strdup(name);
    if (v->name == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    if (colon != NULL) {
        if (q == NULL || q->type != HI_Q_DIAG) {
            err = hi_fail(HOSHI_ERR_USAGE, "'%s': derived variables belong to DIAG questions", name);
            goto fail;
        }
        char title[HI_TAB_MAX_LABEL + 64];
        snprintf(title, sizeof title, "%s (%s)", q->title, colon + 1);
        v->title = hi_strdup(title);
        if (v->title == NULL || (err = open_diag(ds, q, colon + 1, v)) != HOSHI_OK)
            goto fail_nomem_or_err;
        return HOSHI_OK;
    }
    if (q != NULL) {
        v->q = q;
        v->title = hi_strdup(q->title);
        if (v->title == NULL)
            goto fail_nomem_or_err;
        switch (q->type) {
        case HI_Q_SA:
            if ((err = use_column(ds, q->first_col)) != HOSHI_OK ||
                (err = open_sa(ds, q, ds->col[q->first_col].sa, v)) != HOSHI_OK)
                goto fail;
            return HOSHI_OK;
        case HI_Q_MA:
            if ((err = open_ma(ds, q, v)) != HOSHI_OK)
                goto fail;
            return HOSHI_OK;
        case HI_Q_NUM:
            if ((err = use_column(ds, q->first_col)) != HOSHI_OK)
                goto fail;
            v->is_num = true;
            v->num = ds->col[q->first_col].num;
            v->num_present = ds->col[q->first_col].bits;
            return HOSHI_OK;
        case HI_Q_GRID:
        case HI_Q_DIAG:
            v->grid = true;
            return HOSHI_OK;
        case HI_Q_FA:
            err = hi_fail(HOSHI_ERR_USAGE, "%s is free text (FA): list it with --list %s, or code it into categories with --coding %s=FILE", name, name, name);
            goto fail;
        }
    }
    /* an item of a GRID or DIAG: QID_n */
    const char *us = strrchr(name, '_');
    q = us ? hi_codebook_find(cb, name, (size_t)(us - name)) : NULL;
    long item;
    if (q != NULL && (q->type == HI_Q_GRID || q->type == HI_Q_DIAG) &&
        hoshi_parse_long(us + 1, 1, HI_TAB_MAX_ITEMS, &item)) {
        for (size_t i = 0; i < q->n_items; i++)
            if (q->items[i].code == item) {
                size_t ci = q->first_col + i;
                char title[2 * HI_TAB_MAX_LABEL + 8];
                snprintf(title, sizeof title, "%s: %s", q->title, q->items[i].label);
                v->q = q;
                v->title = hi_strdup(title);
                if (v->title == NULL)
                    goto fail_nomem_or_err;
                if ((err = use_column(ds, ci)) != HOSHI_OK ||
                    (err = open_sa(ds, q, ds->col[ci].sa, v)) != HOSHI_OK)
                    goto fail;
                return HOSHI_OK;
            }
    }
    err = hi_fail(HOSHI_ERR_USAGE, "unknown variable '%s' (not in the codebook)", name);
    goto fail;
fail_nomem_or_err:
    if (err == HOSHI_OK)
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
fail:
    hi_var_free(v);
    return err;
}

hoshi_err hi_var_bands(hi_var *v, size_t n_rows, const hoshi_tab_band *bands, size_t n)
{
    if (!v->is_num)
        return hi_fail(HOSHI_ERR_USAGE, "--bands applies to a NUM side variable, not %s", v->name);
    if (n == 0)
        return hi_fail(HOSHI_ERR_USAGE, "--bands: no bands given");
    if (n > HI_TAB_MAX_CODES)
        return hi_fail(HOSHI_ERR_USAGE, "--bands: more than %d bands", HI_TAB_MAX_CODES);
    size_t words = hi_words(n_rows);
    v->present = hi_calloc(words ? words : 1, sizeof *v->present);
    if (v->present == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        double lo = bands[i].lo, hi = bands[i].hi;
        uint64_t *b = hi_calloc(words ? words : 1, sizeof *b);
        if (b == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        for (size_t r = 0; r < n_rows; r++)
            if ((v->num_present[r >> 6] >> (r & 63) & 1) && v->num[r] >= lo && v->num[r] <= hi)
                b[r >> 6] |= (uint64_t)1 << (r & 63);
        for (size_t w = 0; w < words; w++)
            v->present[w] |= b[w];
        hoshi_err err = hi_var_add_cat(v, bands[i].label, (long)v->n + 1, b, true, v->n);
        if (err != HOSHI_OK)
            return err;
    }
    v->is_num = false;
    return HOSHI_OK;
}
