/*
 * fa_list.c — hoshi_fa_list(): the free answers of one FA question, of
 * the respondents every condition holds for (the same filter as tables),
 * optionally only those holding a text (compared folded, fa_fold.c), each
 * with its id and the chosen attributes as a reader wants them: the label
 * of an SA code, the labels of the MA codes chosen, a NUM value, another
 * free text.  Sorted by id or by an attribute, then cut to the cap.
 */
#include "tab/fa.h"
#include "tab/tab.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ATTRS 64
#define MA_JOIN " / "

hoshi_err hi_fa_question(const hoshi_dataset *ds, const char *var, const hi_question **q)
{
    if (var == NULL)
        return hi_fail(HOSHI_ERR_USAGE, "no free-text question given");
    *q = hi_codebook_find(ds->cb, var, strlen(var));
    if (*q == NULL)
        return hi_fail(HOSHI_ERR_USAGE, "unknown variable '%s' (not in the codebook)", var);
    if ((*q)->type != HI_Q_FA)
        return hi_fail(HOSHI_ERR_USAGE, "%s is not free text (FA); tabulate it with --head", var);
    if (ds->mapped)
        return hi_hsd_verify_column(ds, (*q)->first_col);
    return HOSHI_OK;
}

/* One attribute: an open variable, or the text column of an FA question. */
typedef struct attr {
    hi_var v;
    const hi_column *fa;
} attr;

static hoshi_err open_attr(const hoshi_dataset *ds, const char *name, attr *a)
{
    const hi_question *q = hi_codebook_find(ds->cb, name, strlen(name));
    memset(a, 0, sizeof *a);
    if (q != NULL && q->type == HI_Q_FA) {
        hoshi_err err = ds->mapped ? hi_hsd_verify_column(ds, q->first_col) : HOSHI_OK;
        a->fa = &ds->col[q->first_col];
        if (err == HOSHI_OK && (a->v.title = hi_strdup(q->title)) == NULL)
            err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        return err;
    }
    hoshi_err err;
    if ((err = hi_var_verify(ds, name)) != HOSHI_OK || (err = hi_var_open(ds, name, &a->v)) != HOSHI_OK)
        return err;
    if (a->v.grid)
        return hi_fail(HOSHI_ERR_USAGE, "--attrs: %s is a GRID; name one item, e.g. %s_1", name, name);
    return hi_var_materialize(&a->v);
}

static bool has_bit(const uint64_t *b, size_t r)
{
    return b != NULL && (b[r >> 6] >> (r & 63) & 1);
}

/* The value of attribute a for respondent r, as shown. */
static void attr_value(const attr *a, size_t r, hoshi_buf *b)
{
    if (a->fa != NULL) {
        hoshi_buf_append(b, a->fa->fa_text + a->fa->fa_off[r],
                         (size_t)(a->fa->fa_off[r + 1] - a->fa->fa_off[r]));
        return;
    }
    if (a->v.is_num) {
        if (has_bit(a->v.num_present, r))
            hoshi_buf_printf(b, "%.15g", a->v.num[r]);
        return;
    }
    bool first = true;
    for (size_t i = 0; i < a->v.n; i++)
        if (has_bit(a->v.cat[i].bits, r)) {
            if (!first)
                hoshi_buf_puts(b, MA_JOIN);
            hoshi_buf_puts(b, a->v.cat[i].label);
            first = false;
        }
}

/* Sort key of one answer: its id (and the id as a number when it is a
 * whole number), and the attribute's value (category index or number). */
typedef struct key {
    size_t r;
    const char *id;         /* into the store, or NULL: idbuf holds it */
    size_t id_len;
    char idbuf[24];
    bool id_num;
    unsigned long long id_val;
    bool blank;             /* the attribute has no value: last */
    double k;
} key;

static const char *key_id(const key *k)
{
    return k->id != NULL ? k->id : k->idbuf;
}

static int cmp_id(const key *x, const key *y)
{
    if (x->id_num != y->id_num)
        return x->id_num ? -1 : 1;
    if (x->id_num && x->id_val != y->id_val)
        return x->id_val < y->id_val ? -1 : 1;
    size_t n = x->id_len < y->id_len ? x->id_len : y->id_len;
    int c = memcmp(key_id(x), key_id(y), n);
    if (c != 0)
        return c;
    return x->id_len < y->id_len ? -1 : x->id_len > y->id_len;
}

static int cmp_key(const void *a, const void *b)
{
    const key *x = a, *y = b;
    if (x->blank != y->blank)
        return x->blank ? 1 : -1;
    if (x->k != y->k)
        return x->k < y->k ? -1 : 1;
    int c = cmp_id(x, y);
    return c != 0 ? c : (x->r > y->r) - (x->r < y->r);
}

static void make_key(const hoshi_dataset *ds, size_t r, const attr *by, key *k)
{
    memset(k, 0, sizeof *k);
    k->r = r;
    k->id = hi_dataset_id(ds, r, k->idbuf, sizeof k->idbuf, &k->id_len);
    if (k->id == k->idbuf)
        k->id = NULL; /* keys move when sorted */
    const char *id = key_id(k);
    k->id_num = k->id_len > 0 && k->id_len < 19;
    for (size_t i = 0; i < k->id_len && k->id_num; i++) {
        k->id_num = id[i] >= '0' && id[i] <= '9';
        k->id_val = k->id_val * 10 + (unsigned)(id[i] - '0');
    }
    if (by == NULL)
        return;
    if (by->fa != NULL) {
        k->blank = true; /* free text is not an order */
    } else if (by->v.is_num) {
        k->blank = !has_bit(by->v.num_present, r);
        k->k = k->blank ? 0 : by->v.num[r];
    } else {
        k->blank = true;
        for (size_t i = 0; i < by->v.n && k->blank; i++)
            if (has_bit(by->v.cat[i].bits, r)) {
                k->blank = false;
                k->k = (double)i;
            }
    }
}

static hoshi_err check_spec(const hoshi_fa_spec *spec)
{
    if (spec->n_attrs > MAX_ATTRS)
        return hi_fail(HOSHI_ERR_USAGE, "--attrs: more than %d attributes", MAX_ATTRS);
    if (spec->n_wheres > HI_TAB_MAX_CONDS)
        return hi_fail(HOSHI_ERR_USAGE, "too many --where values");
    if (spec->max_answers > HOSHI_FA_MAX_ANSWERS)
        return hi_fail(HOSHI_ERR_USAGE, "at most %d answers are listed", HOSHI_FA_MAX_ANSWERS);
    const char *texts[] = {spec->var, spec->contains, spec->sort};
    for (size_t i = 0; i < 3; i++)
        if (texts[i] != NULL && hoshi_utf8_invalid_at(texts[i], strlen(texts[i])) != strlen(texts[i]))
            return hi_fail(HOSHI_ERR_USAGE, "free-answer listing: text is not UTF-8");
    for (size_t i = 0; i < spec->n_attrs; i++)
        if (spec->attrs[i] == NULL ||
            hoshi_utf8_invalid_at(spec->attrs[i], strlen(spec->attrs[i])) != strlen(spec->attrs[i]))
            return hi_fail(HOSHI_ERR_USAGE, "--attrs: a name is missing or not UTF-8");
    return HOSHI_OK;
}

/* The respondents the conditions keep. */
static hoshi_err make_filter(const hoshi_dataset *ds, const hoshi_fa_spec *spec, uint64_t **out)
{
    size_t n = ds->n_rows, words = hi_words(n);
    uint64_t *f = hi_bits_new(words);
    hi_drop *dr = hi_calloc(1, sizeof *dr);
    hoshi_err err = HOSHI_OK;
    if (f == NULL || dr == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        goto fail;
    }
    for (size_t w = 0; w < words; w++)
        f[w] = ~(uint64_t)0;
    if (n % 64 && words)
        f[words - 1] = ((uint64_t)1 << (n % 64)) - 1;
    for (size_t i = 0; i < spec->n_wheres; i++) {
        bool dropped = false;
        if (spec->wheres[i].var == NULL) {
            err = hi_fail(HOSHI_ERR_USAGE, "--where: no variable given");
            goto fail;
        }
        if ((err = hi_tab_where(ds, &spec->wheres[i], f, dr, &dropped)) != HOSHI_OK)
            goto fail;
    }
    free(dr);
    *out = f;
    return HOSHI_OK;
fail:
    free(dr);
    free(f);
    return err;
}

static char *dup_n(const char *s, size_t n)
{
    char *d = hi_malloc(n + 1);
    if (d != NULL) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* Copies the chosen answers into l. */
static hoshi_err fill(hoshi_falist *l, const hoshi_dataset *ds, const hi_column *col,
                      const key *keys, attr *attrs)
{
    l->id = hi_calloc(l->n ? l->n : 1, sizeof *l->id);
    l->text = hi_calloc(l->n ? l->n : 1, sizeof *l->text);
    size_t cells = l->n * l->n_attrs;
    l->attr = hi_calloc(cells > 0 ? cells : 1, sizeof *l->attr);
    if (l->id == NULL || l->text == NULL || l->attr == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    hoshi_buf b = HOSHI_BUF_INIT;
    for (size_t i = 0; i < l->n; i++) {
        size_t r = keys[i].r, idl;
        char idbuf[24];
        const char *id = hi_dataset_id(ds, r, idbuf, sizeof idbuf, &idl);
        l->id[i] = dup_n(id, idl);
        l->text[i] = dup_n(col->fa_text + col->fa_off[r], (size_t)(col->fa_off[r + 1] - col->fa_off[r]));
        if (l->id[i] == NULL || l->text[i] == NULL)
            goto nomem;
        for (size_t a = 0; a < l->n_attrs; a++) {
            b.len = 0;
            attr_value(&attrs[a], r, &b);
            hoshi_buf_putc(&b, '\0');
            char *v = b.err == HOSHI_OK ? dup_n(b.data, b.len - 1) : NULL;
            if (v == NULL)
                goto nomem;
            l->attr[i * l->n_attrs + a] = v;
        }
    }
    hoshi_buf_free(&b);
    return HOSHI_OK;
nomem:
    hoshi_buf_free(&b);
    return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
}

/* The answers of col the filter keeps, non-empty and holding needle
 * (folded; NULL for any), as keys in *keys (*n of them). */
static hoshi_err choose(const hoshi_dataset *ds, const hi_column *col, const uint64_t *f,
                        const char *needle, const attr *by, key **keys, size_t *n)
{
    size_t cap = 0;
    for (size_t r = 0; r < ds->n_rows; r++)
        cap += has_bit(f, r) && col->fa_off[r + 1] > col->fa_off[r];
    *keys = hi_calloc(cap ? cap : 1, sizeof **keys);
    if (*keys == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    *n = 0;
    for (size_t r = 0; r < ds->n_rows; r++) {
        size_t len = (size_t)(col->fa_off[r + 1] - col->fa_off[r]);
        if (!has_bit(f, r) || len == 0)
            continue;
        if (needle != NULL) {
            char *folded = NULL;
            hoshi_err err = hi_fa_fold(col->fa_text + col->fa_off[r], len, &folded);
            if (err != HOSHI_OK)
                return err;
            bool hit = strstr(folded, needle) != NULL;
            free(folded);
            if (!hit)
                continue;
        }
        make_key(ds, r, by, &(*keys)[(*n)++]);
    }
    return HOSHI_OK;
}

static hoshi_err find_sort(const hoshi_fa_spec *spec, attr *attrs, const attr **by)
{
    *by = NULL;
    if (spec->sort == NULL || strcmp(spec->sort, "id") == 0)
        return HOSHI_OK;
    for (size_t i = 0; i < spec->n_attrs; i++)
        if (strcmp(spec->attrs[i], spec->sort) == 0) {
            *by = &attrs[i];
            return HOSHI_OK;
        }
    return hi_fail(HOSHI_ERR_USAGE, "--sort-by %s: not id and not one of --attrs", spec->sort);
}

hoshi_err hoshi_fa_list(const hoshi_dataset *ds, const hoshi_fa_spec *spec, hoshi_falist **out)
{
    hi_clear_error();
    const hi_question *q = NULL;
    uint64_t *f = NULL;
    char *needle = NULL;
    key *keys = NULL;
    size_t n_keys = 0;
    hoshi_falist *l = NULL;
    attr *attrs = hi_calloc(spec->n_attrs ? spec->n_attrs : 1, sizeof *attrs);
    hoshi_err err = attrs == NULL ? hi_fail(HOSHI_ERR_NOMEM, "out of memory") : check_spec(spec);
    if (err != HOSHI_OK || (err = hi_fa_question(ds, spec->var, &q)) != HOSHI_OK ||
        (err = hi_hsd_verify_ids(ds)) != HOSHI_OK)
        goto free_all;
    const hi_column *col = &ds->col[q->first_col];
    size_t opened = 0;
    for (; opened < spec->n_attrs; opened++)
        if ((err = open_attr(ds, spec->attrs[opened], &attrs[opened])) != HOSHI_OK)
            goto free_all;
    const attr *by = NULL;
    if ((err = find_sort(spec, attrs, &by)) != HOSHI_OK || (err = make_filter(ds, spec, &f)) != HOSHI_OK)
        goto free_all;
    if (spec->contains != NULL && spec->contains[0] != '\0' &&
        (err = hi_fa_fold(spec->contains, strlen(spec->contains), &needle)) != HOSHI_OK)
        goto free_all;
    if ((err = choose(ds, col, f, needle, by, &keys, &n_keys)) != HOSHI_OK)
        goto free_all;
    qsort(keys, n_keys, sizeof *keys, cmp_key);
    l = hi_calloc(1, sizeof *l);
    if (l == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        goto free_all;
    }
    size_t cap = spec->max_answers ? spec->max_answers : HOSHI_FA_MAX_ANSWERS;
    l->matched = n_keys;
    l->n = n_keys < cap ? n_keys : cap;
    l->base = hi_popcount(f, hi_words(ds->n_rows));
    l->n_attrs = spec->n_attrs;
    l->var = hi_strdup(q->qid);
    l->title = hi_strdup(q->title);
    l->attr_name = hi_calloc(spec->n_attrs ? spec->n_attrs : 1, sizeof *l->attr_name);
    l->attr_title = hi_calloc(spec->n_attrs ? spec->n_attrs : 1, sizeof *l->attr_title);
    if (l->var == NULL || l->title == NULL || l->attr_name == NULL || l->attr_title == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        goto free_all;
    }
    for (size_t a = 0; a < spec->n_attrs; a++)
        if ((l->attr_name[a] = hi_strdup(spec->attrs[a])) == NULL ||
            (l->attr_title[a] = hi_strdup(attrs[a].v.title ? attrs[a].v.title : "")) == NULL) {
            err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
            goto free_all;
        }
    if ((err = fill(l, ds, col, keys, attrs)) != HOSHI_OK)
        goto free_all;
    *out = l;
    l = NULL;
free_all:
    for (size_t a = 0; attrs != NULL && a < spec->n_attrs; a++)
        hi_var_free(&attrs[a].v);
    free(attrs);
    free(keys);
    free(needle);
    free(f);
    hoshi_falist_free(l);
    return err;
}

size_t hoshi_falist_count(const hoshi_falist *l)
{
    return l->n;
}

size_t hoshi_falist_matched(const hoshi_falist *l)
{
    return l->matched;
}

void hoshi_falist_free(hoshi_falist *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++) {
        if (l->id != NULL)
            free(l->id[i]);
        if (l->text != NULL)
            free(l->text[i]);
        for (size_t a = 0; l->attr != NULL && a < l->n_attrs; a++)
            free(l->attr[i * l->n_attrs + a]);
    }
    for (size_t a = 0; a < l->n_attrs; a++) {
        if (l->attr_name != NULL)
            free(l->attr_name[a]);
        if (l->attr_title != NULL)
            free(l->attr_title[a]);
    }
    free(l->id);
    free(l->text);
    free(l->attr);
    free(l->attr_name);
    free(l->attr_title);
    free(l->var);
    free(l->title);
    free(l);
}
