/*
 * tab.h — internal declarations of the table builder and renderers.
 */
#ifndef HOSHI_TAB_TAB_H
#define HOSHI_TAB_TAB_H

#include "tab/table.h"
#include "tab/vars.h"

/* ASCII-case-insensitive prefix compare of n bytes (labels may be UTF-8). */
static inline bool hi_prefix_caseeq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return false;
        if (x == '\0')
            return false;
    }
    return true;
}

#define HI_TAB_MAX_HEADS 10000
#define HI_TAB_MAX_CONDS 64

/* The rows of the tables being built: row 0 the total, then the side's
 * categories, each a bitset of respondents already ANDed with the filter. */
typedef struct hi_side {
    size_t n;           /* rows including the total */
    uint64_t **bits;
    char **labels;      /* borrowed from the side variable, [0] = 全体 */
    /* weighted runs only (tab/weights.h), else NULL */
    const double *w;    /* the weight of each respondent */
    const char *w_label;/* what the weights are (hoshi_weights_label) */
    double *wsum, *wsq; /* per row: the sum of the weights and of their squares */
    uint8_t *row_of;    /* the one row (1..n-1) of each respondent, n when in none;
                         * NULL when rows overlap or are too many */
    const struct hi_wfused_batch *fused; /* heads counted ahead (wfused.c), or NULL */
} hi_side;

/* The codes a VAR!=codes condition removes from the columns of VAR. */
typedef struct hi_drop {
    char var[128];
    long code[HI_TAB_MAX_CODES];
    size_t n;
} hi_drop;

/* tab.c: a zeroed bitset of words words (at least one). */
uint64_t *hi_bits_new(size_t words);
/* tab.c: the tables of one head (t allocated by the caller). */
hoshi_err hi_table_num(hi_table *t, const hi_var *h, const hi_side *sd, size_t n_rows,
                       const char *side_title);
hoshi_err hi_table_cat(hi_table *t, const hi_var *h, const hi_side *sd, size_t n_rows,
                       const uint8_t *dropsel, int top_box, const char *side_title,
                       const hoshi_tab_spec *spec);
hoshi_err hi_table_grid(hi_table *t, const hoshi_dataset *ds, const hi_var *g,
                        const uint64_t *filter, int top_box, const hi_side *sd);

/* spec.c: ANDs condition w into the filter f; *dropped when it also
 * removes codes from its variable's columns (dr says which). */
hoshi_err hi_tab_where(const hoshi_dataset *ds, const hoshi_tab_where *w, uint64_t *f,
                       hi_drop *dr, bool *dropped);
/* spec.c: adds the nets (or, recode, replaces the codes by) of v to v. */
hoshi_err hi_tab_nets(hi_var *v, size_t n_rows, const hoshi_tab_net *nets, size_t n,
                      bool recode);

/* base.c: the --where conditions of spec in words with the codebook's
 * labels (*out malloc'd; NULL when there is none). */
hoshi_err hi_tab_base_words(const hoshi_dataset *ds, const hoshi_tab_spec *spec, char **out);
/* base.c: sets the base words (copied; NULL for every respondent) and n of
 * the tables of ts from first on. */
hoshi_err hi_tab_set_base(hoshi_tabset *ts, size_t first, const char *words, uint64_t n);

#endif
