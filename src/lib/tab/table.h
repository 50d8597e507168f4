/*
 * table.h — a computed table as the renderers see it: row and column
 * labels, the row bases and the raw counts (percentages are made at
 * output, from the exact counts), or NUM statistics, plus significance
 * marks.  Row 0 is always the total (全体).
 */
#ifndef HOSHI_TAB_TABLE_H
#define HOSHI_TAB_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hoshi/datafile.h"
#include "hoshi/survey.h"

enum { HI_CF_NOANS = 1, HI_CF_TOPBOX = 2, HI_CF_NET = 4 };
enum { HI_ST_N, HI_ST_MEAN, HI_ST_MEDIAN, HI_ST_MIN, HI_ST_MAX, HI_ST_SD, HI_ST_COUNT };

#define HI_SMALL_BASE 30  /* bases below this are marked 参考値 in human formats */

/* A weighted table (--weight, --rake) keeps the respondent counts in
 * hi_table.count and row_n and adds the weighted ones here; an unweighted
 * table has none (hi_table.w is NULL).  Code that computes or shows a
 * share or a statistic reads counts through hi_tab_cell(), hi_tab_base()
 * and hi_tab_ess() below, so it is right for both. */
typedef struct hi_table_w {
    double *count;      /* n_rows * n_cols: the sum of the weights of each cell */
    double *row_n;      /* n_rows: the weighted bases */
    double *ess;        /* n_rows: effective bases, (Σw)² / Σw² (Kish); NUM rows: of
                         * the respondents with a value */
    char *by;           /* what the weights are: the variable, or "rake: FILE" */
} hi_table_w;

/* A block of side rows that belong together: the categories of one side
 * variable in a banner of several, or the inner categories under one
 * outer category of a nested banner.  Statistics compare rows within a
 * block, never across blocks.  A table without blocks (n_blocks 0) has
 * one: every row after the total. */
typedef struct hi_block {
    size_t first, n;    /* rows [first, first + n) */
    char *label;        /* what the block is ("Q2 従業員規模"), or NULL */
} hi_block;

typedef struct hi_table {
    char *id;           /* the head variable (or item), e.g. "Q8" */
    char *title;        /* its codebook title */
    char *side;         /* the side variable and title, NULL for a GT */
    size_t n_rows;      /* including the total row 0 */
    char **row_label;
    uint64_t *row_n;
    size_t n_cols;
    char **col_label;
    uint8_t *col_flag;
    uint64_t *count;    /* n_rows * n_cols */
    int8_t *sig;        /* n_rows * n_cols: +2/−2 at 99%, +1/−1 at 95%, 0 */
    bool num;           /* NUM head: stat holds n_rows * HI_ST_COUNT values */
    double *stat;
    bool grid;          /* rows are the items of a GRID, not side categories */
    bool chart_ma;      /* the head is multiple answer (bars, not stacked) */
    hi_table_w *w;      /* weighted counts, NULL when unweighted (owned) */
    hi_block *block;    /* the side's blocks, NULL for one block (owned, labels too) */
    size_t n_blocks;
} hi_table;

/* Cell (r, c), the base of row r and its effective base: weighted when
 * the table is, else the respondent counts. */
static inline double hi_tab_cell(const hi_table *t, size_t r, size_t c)
{
    return t->w != NULL ? t->w->count[r * t->n_cols + c] : (double)t->count[r * t->n_cols + c];
}
static inline double hi_tab_base(const hi_table *t, size_t r)
{
    return t->w != NULL ? t->w->row_n[r] : (double)t->row_n[r];
}
static inline double hi_tab_ess(const hi_table *t, size_t r)
{
    return t->w != NULL ? t->w->ess[r] : (double)t->row_n[r];
}

/* The blocks of a table's side rows: how many (0 for a table of the total
 * row only or of a GRID's items), and block i. */
static inline size_t hi_tab_block_count(const hi_table *t)
{
    if (t->n_blocks > 0)
        return t->n_blocks;
    return t->n_rows > 1 && !t->grid ? 1 : 0;
}
static inline hi_block hi_tab_block(const hi_table *t, size_t i)
{
    if (t->n_blocks > 0)
        return t->block[i];
    return (hi_block){1, t->n_rows - 1, NULL};
}

struct hoshi_tabset {
    hi_table *t;
    size_t n;
};

/* texts.c.  The texts a render uses: opts->texts, else those of
 * opts->lang opened now into *owned (the caller frees it). */
hoshi_err hi_tab_texts_use(const hoshi_tab_render_opts *opts, const hoshi_tab_texts **use,
                           hoshi_tab_texts **owned);
/* A text of tab.ini ("small_base", "notes_title", …), or "" when missing. */
const char *hi_tab_text(const hoshi_tab_texts *texts, const char *key);
/* The notes of tab.ini: how many, and the i-th. */
size_t hi_tab_note_count(const hoshi_tab_texts *texts);
const char *hi_tab_note(const hoshi_tab_texts *texts, size_t i);
/* "ja" or "en": the language of the texts. */
const char *hi_tab_lang_code(const hoshi_tab_texts *texts);
/* Row and column labels as the human formats show them: the total row and
 * the no-answer column in the language of the texts. */
const char *hi_tab_row_label(const hi_table *t, size_t r, const hoshi_tab_texts *tx);
const char *hi_tab_col_label(const hi_table *t, size_t c, const hoshi_tab_texts *tx);

/* Rows whose base is too small to trust are marked in the human formats.
 * The total row of a GRID sums the items, so its base is not a head count. */
static inline bool hi_tab_small_base(const hi_table *t, size_t r)
{
    return t->row_n[r] < HI_SMALL_BASE && !(t->grid && r == 0);
}

#include "hoshi/buf.h"

/* chart.c: SVG charts of every table of ts. */
void hi_tab_svg(hoshi_buf *b, const hoshi_tabset *ts);

/* Percent of n, in tenths, rounded half up on the exact ratio. */
static inline uint64_t hi_pct10(uint64_t count, uint64_t n)
{
    return n == 0 ? 0 : (2000 * count + n) / (2 * n);
}

#endif
