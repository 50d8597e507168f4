/*
 * columns.c — the life of a dataset's columnar store: the columns a
 * codebook asks for, growing them as rows arrive, dropping the rows to
 * start again, and freeing it all (or unmapping a .hsd cache).  The CSV
 * reader and the .hsd reader both fill a store made here; neither calls
 * the other.
 */
#include "tab/tab_int.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

hoshi_err hi_dataset_alloc(hi_codebook *cb, hoshi_dataset **out)
{
    hoshi_dataset *ds = hi_calloc(1, sizeof *ds);
    if (ds == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    ds->cb = cb;
    size_t n = 0;
    for (size_t i = 0; i < cb->n; i++) {
        const hi_question *q = &cb->q[i];
        n += q->type == HI_Q_MA ? q->n_codes
             : q->type == HI_Q_GRID || q->type == HI_Q_DIAG ? q->n_items : 1;
    }
    if (n > HI_TAB_MAX_COLUMNS) {
        free(ds);
        return hi_fail(HOSHI_ERR_LIMIT, "the codebook asks for more than %d columns",
                       HI_TAB_MAX_COLUMNS);
    }
    ds->col = hi_calloc(n ? n : 1, sizeof *ds->col);
    if (ds->col == NULL) {
        free(ds);
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    }
    size_t c = 0;
    for (size_t i = 0; i < cb->n; i++) {
        hi_question *q = &cb->q[i];
        q->first_col = c;
        size_t k = q->type == HI_Q_MA ? q->n_codes
                   : q->type == HI_Q_GRID || q->type == HI_Q_DIAG ? q->n_items : 1;
        for (size_t j = 0; j < k; j++, c++) {
            hi_column *col = &ds->col[c];
            col->q = i;
            col->sub = j;
            char name[128];
            switch (q->type) {
            case HI_Q_SA: col->type = HI_COL_SA; snprintf(name, sizeof name, "%s", q->qid); break;
            case HI_Q_NUM: col->type = HI_COL_NUM; snprintf(name, sizeof name, "%s", q->qid); break;
            case HI_Q_FA: col->type = HI_COL_FA; snprintf(name, sizeof name, "%s", q->qid); break;
            case HI_Q_MA:
                col->type = HI_COL_BIT;
                snprintf(name, sizeof name, "%s_%ld", q->qid, q->codes[j].code);
                break;
            case HI_Q_GRID:
            case HI_Q_DIAG:
                col->type = HI_COL_SA;
                snprintf(name, sizeof name, "%s_%ld", q->qid, q->items[j].code);
                break;
            }
            col->name = hi_strdup(name);
            if (col->name == NULL) {
                ds->n_col = c + 1;
                ds->cb = NULL; /* on failure the caller keeps the codebook */
                hoshi_dataset_free(ds);
                return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
            }
        }
    }
    ds->n_col = c;
    ds->id.type = HI_COL_FA;
    ds->id.q = SIZE_MAX;
    ds->id.name = hi_strdup("id");
    if (ds->id.name == NULL) {
        ds->cb = NULL; /* on failure the caller keeps the codebook */
        hoshi_dataset_free(ds);
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    }
    *out = ds;
    return HOSHI_OK;
}

void hoshi_dataset_free(hoshi_dataset *ds)
{
    if (ds == NULL)
        return;
    for (size_t i = 0; i < ds->n_col; i++) {
        hi_column *c = &ds->col[i];
        free(c->name);
        if (!ds->mapped || c->own) {
            free(c->sa);
            free(c->bits);
            free(c->num);
            free(c->fa_off);
            free(c->fa_text);
        }
    }
    free(ds->id.name);
    if (!ds->mapped) {
        free(ds->id.fa_off);
        free(ds->id.fa_text);
    }
    free(ds->col);
    free(ds->verified);
    free(ds->source);
    if (ds->map != NULL)
        munmap(ds->map, ds->map_len);
    hi_codebook_free(ds->cb);
    free(ds);
}

size_t hoshi_dataset_rows(const hoshi_dataset *ds)
{
    return ds->n_rows;
}

static hoshi_err grow_bits(hi_column *c, size_t ow, size_t nw)
{
    uint64_t *p = hi_realloc(c->bits, nw * sizeof *p);
    if (p == NULL)
        return HOSHI_ERR_NOMEM;
    memset(p + ow, 0, (nw - ow) * sizeof *p);
    c->bits = p;
    return HOSHI_OK;
}

hoshi_err hi_dataset_ensure_rows(hoshi_dataset *ds, size_t need)
{
    if (need <= ds->cap_rows)
        return HOSHI_OK;
    if (need > HI_TAB_MAX_ROWS)
        return hi_fail(HOSHI_ERR_LIMIT, "more than %u respondents", HI_TAB_MAX_ROWS);
    size_t cap = ds->cap_rows ? ds->cap_rows : 1024;
    while (cap < need)
        cap = cap + cap / 2;
    size_t ow = hi_words(ds->cap_rows), nw = hi_words(cap);
    for (size_t i = 0; i < ds->n_col; i++) {
        hi_column *c = &ds->col[i];
        switch (c->type) {
        case HI_COL_SA: {
            uint8_t *p = hi_realloc(c->sa, cap);
            if (p == NULL)
                goto nomem;
            c->sa = p;
            break;
        }
        case HI_COL_NUM: {
            double *p = hi_realloc(c->num, cap * sizeof *p);
            if (p == NULL)
                goto nomem;
            c->num = p;
            if (grow_bits(c, ow, nw) != HOSHI_OK)
                goto nomem;
            break;
        }
        case HI_COL_BIT:
            if (grow_bits(c, ow, nw) != HOSHI_OK)
                goto nomem;
            break;
        case HI_COL_FA: {
            uint64_t *p = hi_realloc(c->fa_off, (cap + 1) * sizeof *p);
            if (p == NULL)
                goto nomem;
            if (ds->cap_rows == 0)
                p[0] = 0;
            c->fa_off = p;
            break;
        }
        }
    }
    uint64_t *ids = hi_realloc(ds->id.fa_off, (cap + 1) * sizeof *ids);
    if (ids == NULL)
        goto nomem;
    if (ds->cap_rows == 0)
        ids[0] = 0;
    ds->id.fa_off = ids;
    ds->cap_rows = cap;
    return HOSHI_OK;
nomem:
    return hi_fail(HOSHI_ERR_NOMEM, "out of memory for %zu respondents", need);
}

const char *hi_dataset_id(const hoshi_dataset *ds, size_t r, char *buf, size_t cap,
                          size_t *len)
{
    if (ds->id.fa_off == NULL) {
        int n = snprintf(buf, cap, "%zu", r + 1);
        *len = n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
        return buf;
    }
    *len = (size_t)(ds->id.fa_off[r + 1] - ds->id.fa_off[r]);
    return ds->id.fa_text + ds->id.fa_off[r];
}

hoshi_err hi_column_fa_grow(hi_column *c, size_t n)
{
    size_t cap = c->fa_cap ? c->fa_cap : 4096;
    while (cap - c->fa_len < n) {
        if (cap > ((size_t)1 << 32))
            return hi_fail(HOSHI_ERR_LIMIT, "free text of %s exceeds 4 GiB", c->name);
        cap *= 2;
    }
    char *p = hi_realloc(c->fa_text, cap);
    if (p == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory for free text");
    c->fa_text = p;
    c->fa_cap = cap;
    return HOSHI_OK;
}

void hi_dataset_reset_rows(hoshi_dataset *ds)
{
    for (size_t i = 0; i < ds->n_col; i++) {
        hi_column *c = &ds->col[i];
        if (c->bits != NULL)
            memset(c->bits, 0, hi_words(ds->cap_rows) * sizeof *c->bits);
        c->fa_len = 0;
    }
    ds->id.fa_len = 0;
    ds->n_rows = 0;
}
