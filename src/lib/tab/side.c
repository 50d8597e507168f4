/*
 * side.c — the side of the tables (表側) as rows: the total, then one
 * block of rows per --side entry.  An entry is one variable (its
 * categories are the block) or OUTER/INNER, a nested banner: one block per
 * category of OUTER, holding INNER's categories within it, labelled
 * "outer / inner"; combinations nobody is in are kept (N 0) so that every
 * outer category has the same rows.  When column percentages are asked,
 * one hidden row per block follows the shown rows: the union of the
 * block's rows, whose counts are the block's column bases.  tab.c counts
 * every row alike; hi_sides_table() then hides those rows and gives each
 * table its blocks and cell kinds.
 */
#include "tab/side.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Keeps a composed text (freed with the sides); NULL when out of memory. */
static char *own_text(hi_sides *S, char *s)
{
    char **own = s ? hi_realloc(S->own, (S->n_own + 1) * sizeof *own) : NULL;
    if (own == NULL) {
        free(s);
        return NULL;
    }
    S->own = own;
    return S->own[S->n_own++] = s;
}

/* "a SEP b", kept with the sides. */
static char *join(hi_sides *S, const char *a, const char *sep, const char *b)
{
    size_t n = strlen(a) + strlen(sep) + strlen(b) + 1;
    char *s = hi_malloc(n);
    if (s != NULL)
        snprintf(s, n, "%s%s%s", a, sep, b);
    return own_text(S, s);
}

/* The side entries of a spec: sides, else side alone, else none. */
static size_t entries(const hoshi_tab_spec *spec, const char *const **out)
{
    if (spec->n_sides > 0) {
        *out = spec->sides;
        return spec->n_sides;
    }
    *out = &spec->side;
    return spec->side != NULL ? 1 : 0;
}

/* The cell kinds: each known, none twice. */
static hoshi_err check_cells(hi_sides *S, const hoshi_tab_spec *spec)
{
    if (spec->n_cells > HOSHI_TAB_CELL_KINDS)
        return hi_fail(HOSHI_ERR_USAGE, "--cells: at most %d kinds (count, row, col)",
                       HOSHI_TAB_CELL_KINDS);
    for (size_t i = 0; i < spec->n_cells; i++) {
        unsigned k = (unsigned)spec->cells[i];
        if (k >= HOSHI_TAB_CELL_KINDS)
            return hi_fail(HOSHI_ERR_USAGE, "--cells: unknown kind %u", k);
        for (size_t j = 0; j < i; j++)
            if (spec->cells[j] == spec->cells[i])
                return hi_fail(HOSHI_ERR_USAGE, "--cells: a kind is given twice");
        S->cells[S->n_cells++] = (uint8_t)k;
        S->col |= k == HOSHI_TAB_CELL_COL;
    }
    return HOSHI_OK;
}

/* Opens side variable name into S->vars (bands go to the NUM one). */
static hoshi_err open_var(hi_sides *S, const hoshi_dataset *ds, const hoshi_tab_spec *spec,
                          const char *name, hi_var **out)
{
    hi_var *v = &S->vars[S->n_vars];
    hoshi_err err;
    if ((err = hi_var_verify(ds, name)) != HOSHI_OK || (err = hi_var_open(ds, name, v)) != HOSHI_OK)
        return err;
    S->n_vars++;
    if (v->grid)
        return hi_fail(HOSHI_ERR_USAGE, "--side %s is a GRID; name one item, e.g. %s_1", name, name);
    if (v->is_num && spec->n_bands == 0)
        return hi_fail(HOSHI_ERR_USAGE, "--side %s is NUM; give --bands 'LABEL=LO..HI;…'", name);
    if (v->is_num) {
        if (S->banded != NULL)
            return hi_fail(HOSHI_ERR_USAGE,
                           "--bands: the sides %s and %s are both NUM; --bands bands one of them",
                           S->banded, name);
        S->banded = v->name;
        if ((err = hi_var_bands(v, ds->n_rows, spec->bands, spec->n_bands)) != HOSHI_OK)
            return err;
    }
    if ((err = hi_var_materialize(v)) != HOSHI_OK ||
        (err = hi_tab_nets(v, ds->n_rows, spec->nets, spec->n_nets, false)) != HOSHI_OK ||
        (err = hi_tab_nets(v, ds->n_rows, spec->recodes, spec->n_recodes, true)) != HOSHI_OK)
        return err;
    *out = v;
    return HOSHI_OK;
}

/* "VAR title" of a side variable. */
static char *var_title(hi_sides *S, const hi_var *v)
{
    return join(S, v->name, " ", v->title ? v->title : "");
}

/* Splits entry e at '/' into outer and inner (inner NULL without nesting). */
static hoshi_err split_entry(const char *e, char *outer, char *inner, size_t cap, bool *nested)
{
    const char *slash = strchr(e, '/');
    *nested = slash != NULL;
    if (slash != NULL && strchr(slash + 1, '/') != NULL)
        return hi_fail(HOSHI_ERR_USAGE, "--side '%s': nesting goes two levels deep at most (OUTER/INNER)", e);
    size_t ol = slash ? (size_t)(slash - e) : strlen(e);
    if (ol == 0 || (slash && slash[1] == '\0'))
        return hi_fail(HOSHI_ERR_USAGE, "--side '%s': a variable is needed on each side of '/'", e);
    if (ol >= cap || (slash && strlen(slash + 1) >= cap))
        return hi_fail(HOSHI_ERR_USAGE, "--side '%.60s': variable name too long", e);
    memcpy(outer, e, ol);
    outer[ol] = '\0';
    snprintf(inner, cap, "%s", slash ? slash + 1 : "");
    return HOSHI_OK;
}

/* Appends a shown row (bits owned by the sides) and its label. */
static hoshi_err add_row(hi_sides *S, size_t words, const uint64_t *a, const uint64_t *b,
                         const uint64_t *filter, char *label)
{
    uint64_t *bits = hi_bits_new(words);
    if (bits == NULL || label == NULL) {
        free(bits);
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    }
    for (size_t w = 0; w < words; w++)
        bits[w] = a[w] & filter[w] & (b ? b[w] : ~(uint64_t)0);
    S->sd.bits[S->sd.n] = bits;
    S->sd.labels[S->sd.n++] = label;
    return HOSHI_OK;
}

/* Opens a block of the rows that follow. */
static hoshi_err add_block(hi_sides *S, char *label)
{
    if (label == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    S->blocks[S->n_blocks++] = (hi_block){S->sd.n, 0, label};
    return HOSHI_OK;
}

/* The rows and blocks of one entry. */
static hoshi_err add_entry(hi_sides *S, size_t words, const uint64_t *filter, const hi_var *o,
                           const hi_var *in)
{
    hoshi_err err;
    if (in == NULL) {
        if ((err = add_block(S, var_title(S, o))) != HOSHI_OK)
            return err;
        for (size_t k = 0; k < o->n && err == HOSHI_OK; k++)
            err = add_row(S, words, o->cat[k].bits, NULL, filter, o->cat[k].label);
        S->blocks[S->n_blocks - 1].n = o->n;
        return err;
    }
    char *in_title = var_title(S, in);
    if (in_title == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < o->n; k++) {
        if ((err = add_block(S, join(S, o->cat[k].label, " / ", in_title))) != HOSHI_OK)
            return err;
        for (size_t i = 0; i < in->n; i++)
            if ((err = add_row(S, words, o->cat[k].bits, in->cat[i].bits, filter,
                               join(S, o->cat[k].label, " / ", in->cat[i].label))) != HOSHI_OK)
                return err;
        S->blocks[S->n_blocks - 1].n = in->n;
    }
    return HOSHI_OK;
}

/* With column %: one hidden row per block, the union of its rows. */
static hoshi_err add_hidden(hi_sides *S, size_t words)
{
    for (size_t b = 0; b < S->n_blocks; b++) {
        uint64_t *u = hi_bits_new(words);
        if (u == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        for (size_t r = S->blocks[b].first; r < S->blocks[b].first + S->blocks[b].n; r++)
            for (size_t w = 0; w < words; w++)
                u[w] |= S->sd.bits[r][w];
        S->sd.bits[S->sd.n] = u;
        S->sd.labels[S->sd.n++] = S->blocks[b].label;
    }
    return HOSHI_OK;
}

/* The side titles joined: "Q2 規模, Q1 業種 / Q3 地域". */
static hoshi_err make_title(hi_sides *S, const char *const *es, size_t n_es)
{
    const char *t = "";
    size_t v = 0;
    for (size_t i = 0; i < n_es; i++) {
        char *one = var_title(S, &S->vars[v++]);
        if (one != NULL && strchr(es[i], '/') != NULL) {
            char *in = var_title(S, &S->vars[v++]);
            one = in ? join(S, one, " / ", in) : NULL;
        }
        t = one ? (i ? join(S, t, ", ", one) : one) : NULL;
        if (t == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    }
    S->title = t;
    return HOSHI_OK;
}

/* How many rows and blocks the entries make, the vars being open. */
static void count_rows(const hi_sides *S, const char *const *es, size_t n_es, size_t *rows,
                       size_t *blocks)
{
    size_t v = 0;
    *rows = 1;
    *blocks = 0;
    for (size_t i = 0; i < n_es; i++) {
        const hi_var *o = &S->vars[v++];
        if (strchr(es[i], '/') != NULL) {
            const hi_var *in = &S->vars[v++];
            *rows += o->n * in->n;
            *blocks += o->n;
        } else {
            *rows += o->n;
            *blocks += 1;
        }
    }
}

static hoshi_err open_vars(hi_sides *S, const hoshi_dataset *ds, const hoshi_tab_spec *spec,
                           const char *const *es, size_t n_es)
{
    hoshi_err err;
    for (size_t i = 0; i < n_es; i++) {
        char outer[HI_TAB_MAX_LABEL], inner[HI_TAB_MAX_LABEL];
        bool nested;
        hi_var *o, *in;
        if (es[i] == NULL) /* the texts were checked for UTF-8 with the spec (run.c) */
            return hi_fail(HOSHI_ERR_USAGE, "--side: no variable given");
        if ((err = split_entry(es[i], outer, inner, sizeof outer, &nested)) != HOSHI_OK ||
            (err = open_var(S, ds, spec, outer, &o)) != HOSHI_OK ||
            (nested && (err = open_var(S, ds, spec, inner, &in)) != HOSHI_OK))
            return err;
    }
    if (spec->n_bands > 0 && S->banded == NULL) {
        if (n_es == 0)
            return hi_fail(HOSHI_ERR_USAGE, "--bands needs --side");
        char names[512] = "";
        for (size_t i = 0, k = 0; i < S->n_vars && k < sizeof names; i++)
            k += (size_t)snprintf(names + k, sizeof names - k, "%s%s", i ? ", " : "",
                                  S->vars[i].name);
        return hi_fail(HOSHI_ERR_USAGE, "--bands applies to a NUM side variable, not %s", names);
    }
    return HOSHI_OK;
}

hoshi_err hi_sides_open(hi_sides *S, const hoshi_dataset *ds, const hoshi_tab_spec *spec,
                        uint64_t *filter)
{
    const char *const *es;
    size_t n_es = entries(spec, &es), words = hi_words(ds->n_rows), rows, blocks;
    hoshi_err err;
    memset(S, 0, sizeof *S);
    if ((err = check_cells(S, spec)) != HOSHI_OK)
        return err;
    S->vars = hi_calloc(2 * n_es + 1, sizeof *S->vars);
    if (S->vars == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    if ((err = open_vars(S, ds, spec, es, n_es)) != HOSHI_OK)
        return err;
    count_rows(S, es, n_es, &rows, &blocks);
    S->blocks = hi_calloc(blocks + 1, sizeof *S->blocks);
    S->sd.bits = hi_calloc(rows + blocks, sizeof *S->sd.bits);
    S->sd.labels = hi_calloc(rows + blocks, sizeof *S->sd.labels);
    if (S->blocks == NULL || S->sd.bits == NULL || S->sd.labels == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    S->sd.bits[0] = filter;
    S->sd.labels[0] = (char *)"全体";
    S->sd.n = 1;
    for (size_t i = 0, v = 0; i < n_es; i++) {
        bool nested = strchr(es[i], '/') != NULL;
        if ((err = add_entry(S, words, filter, &S->vars[v], nested ? &S->vars[v + 1] : NULL)) != HOSHI_OK)
            return err;
        v += nested ? 2 : 1;
    }
    S->n_shown = S->sd.n;
    S->banner = n_es > 1 || S->n_vars > n_es;
    if (S->col && (err = add_hidden(S, words)) != HOSHI_OK)
        return err;
    return n_es > 0 ? make_title(S, es, n_es) : HOSHI_OK;
}

bool hi_sides_has(const hi_sides *S, const hi_question *q)
{
    for (size_t i = 0; i < S->n_vars; i++)
        if (S->vars[i].q == q && strcmp(S->vars[i].name, q->qid) == 0)
            return true;
    return false;
}

hoshi_err hi_sides_table(const hi_sides *S, hi_table *t)
{
    if (!t->grid && t->n_rows == S->sd.n) {
        t->n_hidden = S->sd.n - S->n_shown;
        t->n_rows = S->n_shown;
    }
    for (size_t i = 0; i < S->n_cells; i++)
        if (!(t->grid && S->cells[i] == HOSHI_TAB_CELL_COL))
            t->cells[t->n_cells++] = S->cells[i];
    t->banner = S->banner && !t->grid;
    if (t->grid || S->n_blocks == 0)
        return HOSHI_OK;
    t->block = hi_calloc(S->n_blocks, sizeof *t->block);
    if (t->block == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < S->n_blocks; i++, t->n_blocks++) {
        t->block[i] = S->blocks[i];
        if ((t->block[i].label = hi_strdup(S->blocks[i].label)) == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    }
    return HOSHI_OK;
}

void hi_sides_free(hi_sides *S)
{
    if (S->sd.bits != NULL)
        for (size_t k = 1; k < S->sd.n; k++)
            free(S->sd.bits[k]);
    free(S->sd.bits);
    free(S->sd.labels);
    for (size_t i = 0; i < S->n_vars; i++)
        hi_var_free(&S->vars[i]);
    free(S->vars);
    free(S->blocks);
    for (size_t i = 0; i < S->n_own; i++)
        free(S->own[i]);
    free(S->own);
    memset(S, 0, sizeof *S);
}
