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
    /* every row the table was counted over: n_rows + n_hidden (the hidden
     * rows of a banner hold its column bases, weighted like the rest) */
    double *count;      /* n_rows * n_cols: the sum of the weights of each cell */
    double *row_n;      /* n_rows: the weighted bases */
    double *ess;        /* n_rows: effective bases, (Σw)² / Σw² (Kish); NUM rows: of
                         * the respondents with a value */
    char *by;           /* what the weights are: the variable, or "rake: FILE" */
    uint64_t *values;   /* NUM tables: each row's respondents with a value, unweighted
                         * (its small base is judged on them); NULL otherwise */
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
    /* the tests hoshi_tabset_set_stats() gave the table, which stand
     * instead of the render options' when stats_set */
    bool stats_set;
    unsigned stats;
    double sig_level;
    hoshi_tab_correction correction;
    hi_block *block;    /* the side's blocks, NULL for one block (owned, labels too) */
    size_t n_blocks;
    /* base.c: who was counted, printed under the table ("基数: … (n = …)"):
     * the --where conditions in words or a book's base label (owned), NULL
     * for every respondent; base_n the respondents the filter keeps */
    char *base;
    uint64_t base_n;
    /* book.c: the book table this table belongs to and its title (owned),
     * NULL outside a book */
    char *book_id;
    char *book_title;
    /* banners (side.c): rows n_rows .. n_rows + n_hidden - 1 are not shown;
     * with column % asked, row n_rows + i holds block i's column bases (the
     * respondents of the block's union in each column) */
    size_t n_hidden;
    bool banner;        /* several side variables or a nested side: show the blocks */
    uint8_t cells[HOSHI_TAB_CELL_KINDS];  /* hoshi_tab_cell kinds each row shows, in order */
    size_t n_cells;     /* 0: row % only, as without a banner */
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

/* The column base of column c in block i (SIZE_MAX: the total row, its own
 * base) and the block's base: the respondents of the block's rows, each
 * once.  Only tables with column % keep them (n_hidden > 0). */
static inline double hi_tab_col_base(const hi_table *t, size_t i, size_t c)
{
    return i == SIZE_MAX ? hi_tab_cell(t, 0, c) : hi_tab_cell(t, t->n_rows + i, c);
}
static inline double hi_tab_block_base(const hi_table *t, size_t i)
{
    return i == SIZE_MAX ? hi_tab_base(t, 0) : hi_tab_base(t, t->n_rows + i);
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
/* The notes of tab.ini: how many, and the i-th; the note on significance
 * marks only when sig (they are shown). */
size_t hi_tab_note_count(const hoshi_tab_texts *texts, bool sig);
const char *hi_tab_note(const hoshi_tab_texts *texts, bool sig, size_t i);
/* "ja" or "en": the language of the texts. */
const char *hi_tab_lang_code(const hoshi_tab_texts *texts);
/* Row and column labels as the human formats show them: the total row and
 * the no-answer column in the language of the texts. */
const char *hi_tab_row_label(const hi_table *t, size_t r, const hoshi_tab_texts *tx);
const char *hi_tab_col_label(const hi_table *t, size_t c, const hoshi_tab_texts *tx);

/* Rows whose base is too small to trust are marked in the human formats.
 * A NUM head's statistics are of the respondents with a value, so its
 * mark follows their number (the N shown), not the row base.  Bases are
 * judged unweighted: a weighted NUM row counts its respondents with a
 * value, not their weights (the N shown then). */
static inline bool hi_tab_small_base(const hi_table *t, size_t r)
{
    if (t->num && t->w != NULL && t->w->values != NULL)
        return t->w->values[r] < HI_SMALL_BASE;
    if (t->num)
        return !(t->stat[r * HI_ST_COUNT + HI_ST_N] >= HI_SMALL_BASE);
    return t->row_n[r] < HI_SMALL_BASE;
}

#include "hoshi/buf.h"

/* chart.c: which chart a table gets, the same in SVG and in a workbook:
 * plain bars of the total row (a simple tabulation), grouped bars (an MA
 * head by a side: a cluster per answer, a bar per row), 100% stacked bars
 * (an SA head by a side: a bar per row; a GRID: a bar per item), bars of
 * the mean per row (a NUM head). */
typedef enum hi_chart_kind {
    HI_CHART_BARS, HI_CHART_GROUPED, HI_CHART_STACKED, HI_CHART_MEAN
} hi_chart_kind;
hi_chart_kind hi_tab_chart_kind(const hi_table *t);
/* Whether column c is a segment of a stacked bar: the answers and 無回答,
 * not the top box or nets (they repeat answers and would count them twice). */
bool hi_tab_chart_stacks(const hi_table *t, size_t c);
/* chart.c: the SVG chart of table t, a whole <svg> element with the texts
 * of tx; n numbers its ids (unique among charts on one page, e.g. the
 * table's place), y >= 0 places it in an enclosing <svg>.  Returns its
 * height.  Every id is in an attribute as "chart<n>-…" (a page that
 * shows several documents prefixes them there).  hi_tab_svg: every
 * table's chart, stacked in one document. */
int hi_tab_svg_table(hoshi_buf *b, const hi_table *t, size_t n, const hoshi_tab_texts *tx, int y);
void hi_tab_svg(hoshi_buf *b, const hoshi_tabset *ts, const hoshi_tab_texts *tx);

/* base.c: the line under a table, "基数: Q11 ≠ … (n = 1,234)", its texts
 * passed through esc (the format's escaping; hoshi_buf_puts for none). */
void hi_tab_base_line(hoshi_buf *b, const hi_table *t, const hoshi_tab_texts *tx,
                      void (*esc)(hoshi_buf *, const char *));

/* render.c: the heading (element h) of the notes on method and the list
 * of them, its <ul> left open for the caller to add to and close. */
void hi_tab_html_notes(hoshi_buf *b, const hoshi_tab_texts *tx, const char *h, bool sig,
                       const char *cells_note);
/* render.c: the note on column %, when a table of ts shows it; else NULL. */
const char *hi_tab_cells_note(const hoshi_tabset *ts, const hoshi_tab_texts *tx);

/* Percent of n, in tenths, rounded half up on the exact ratio. */
static inline uint64_t hi_pct10(uint64_t count, uint64_t n)
{
    return n == 0 ? 0 : (2000 * count + n) / (2 * n);
}

/* walk.c: x of n in tenths of a percent, half up, as every output shows a
 * share: on the exact counts (hi_pct10) when t is unweighted, on the ratio
 * of the sums of weights when it is weighted; 0 when n is 0. */
uint64_t hi_tab_share10(const hi_table *t, double x, double n);

#endif
