/*
 * walk.h — the one walk over a table's rows that every format renders
 * (csv, tsv, Markdown, HTML, JSON, xlsx).  The walk decides what a table
 * shows: its columns (N first, then the categories with 無回答, or the
 * statistics of a NUM head), its rows (the total, the side categories or
 * the items of a GRID), each row's label and small-base mark, each cell's
 * percentage, zero, significance and whether the mark is shown.  A format
 * only prints what it is handed, so the formats cannot drift apart.
 */
#ifndef HOSHI_TAB_WALK_H
#define HOSHI_TAB_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tab/table.h"

/* What a format shows of a table; the walk decides the rest from it.  The
 * differences between the formats that these keep are known: csv and tsv
 * omit sd, and the machine formats (csv, tsv, json) name the statistics
 * in English, the human ones (md, html, xlsx) in the texts' language. */
typedef struct hi_walk_opts {
    const hoshi_tab_texts *tx;  /* the texts; NULL only without shown_labels or stat_texts */
    bool shown_labels;  /* the total row and 無回答 in the texts' language (human formats) */
    bool stat_texts;    /* names of statistics from tab.ini, else the English ones */
    int last_stat;      /* the last statistic shown: HI_ST_MAX or HI_ST_SD */
    bool sig;           /* significance marks shown (--no-sig turns them off) */
    bool one_line;      /* one line per row whatever the cells (JSON lays out every kind itself) */
    bool w_cols;        /* weighted tables of categories: the unweighted n and the
                         * effective n as two more base columns after N */
} hi_walk_opts;

/* What a column or a cell holds: the row's base N (column 0 of a table
 * of categories), a percentage, or a statistic of a NUM head (whose column
 * 0 is the statistic N, the respondents with a value). */
typedef enum hi_walk_kind { HI_WALK_BASE, HI_WALK_PCT, HI_WALK_STAT, HI_WALK_COUNT } hi_walk_kind;

/* What one line of a row shows (--cells, one line per kind asked, in
 * order): row %, the count, column %, or (BASE, before the total row and
 * each block when column % is asked) the column bases as counts, with the
 * block's base in N. */
typedef enum hi_walk_line {
    HI_LINE_ROW = HOSHI_TAB_CELL_ROW,
    HI_LINE_COUNT = HOSHI_TAB_CELL_COUNT,
    HI_LINE_COL = HOSHI_TAB_CELL_COL,
    HI_LINE_BASE
} hi_walk_line;

#define HI_WALK_NO_BLOCK ((size_t)-1)  /* the total row belongs to no block */

/* One table as the walk hands it to a format. */
typedef struct hi_walk_table {
    const hi_table *t;
    size_t index, count;    /* its place among the tables rendered together */
    size_t n_cols;          /* columns after the row label, N included */
    const hi_walk_opts *o;
    bool kinds;             /* the lines say their kind: cells other than row % alone */
    bool banner;            /* the rows come in blocks that formats show */
    bool col;               /* column % shown: base lines come before the total and each block */
    const uint8_t *cells;   /* the kinds of a row's lines (hi_walk_line) */
    size_t n_cells;
} hi_walk_table;

typedef struct hi_walk_col {
    size_t c;               /* 0 is N */
    hi_walk_kind kind;
    const char *label;
    uint8_t flags;          /* PCT: the HI_CF_* flags of the category */
    int base_kind;          /* BASE: HI_WALK_N, HI_WALK_UNWEIGHTED or HI_WALK_EFFECTIVE */
} hi_walk_col;

/* The base columns of a weighted table (w_cols): N is the weighted base. */
enum { HI_WALK_N = 0, HI_WALK_UNWEIGHTED, HI_WALK_EFFECTIVE };

typedef struct hi_walk_row {
    size_t r;               /* 0 is the total */
    const char *label;
    uint64_t n;             /* the row's base as N shows it (weighted: rounded half up) */
    bool small;             /* marked 参考値: the base is too small to trust */
    hi_walk_line line;      /* what this line of the row shows */
    bool first;             /* the row's first line (human formats label only it) */
    size_t block;           /* the row's block, HI_WALK_NO_BLOCK for the total */
    const char *kind;       /* the line's kind as a format names it (kinds only) */
    bool weighted;          /* the table is weighted; then: */
    uint64_t unweighted;    /* the respondents of the row */
    double wbase, ess;      /* its weighted base and effective base */
} hi_walk_row;

typedef struct hi_walk_cell {
    size_t c;               /* the column shown (0 is N) */
    size_t cat;             /* PCT and COUNT: the category (the table's column c - 1
                             * but for the extra base columns of a weighted table) */
    hi_walk_kind kind;
    uint64_t count, base;   /* BASE: base is the row's N; PCT: count of base; COUNT: count */
    uint64_t pct10;         /* PCT: percent of base in tenths, rounded half up
                             * (weighted: of the weighted count and base) */
    double wcount;          /* PCT of a weighted table: the weighted count */
    int base_kind;          /* BASE: which base (HI_WALK_N, …); EFFECTIVE has it in value */
    bool zero;              /* PCT: no one (or no base); human formats show — */
    bool none;              /* PCT: there is no percentage: the row has no base, or it is
                             * the total row of a GRID (its items have a base each);
                             * every format leaves the cell empty (json: null) */
    int8_t sig;             /* PCT: significance as computed (±1 at 95%, ±2 at 99%) */
    int8_t mark;            /* PCT: as shown: 0 without marks or on a small base */
    int st;                 /* STAT: which statistic (HI_ST_*) */
    double value;           /* STAT: its value, NaN when there is none; COUNT: the exact count */
    bool no_values;         /* STAT: nobody in the row has a value of the head */
} hi_walk_cell;

/* What a format prints, in the order the walk calls it: table, head for
 * each column, then for each row: row, cell for each column, row_end; then
 * table_end.  A NULL member prints nothing. */
typedef struct hi_walk_fmt {
    void (*table)(void *ctx, const hi_walk_table *w);
    void (*head)(void *ctx, const hi_walk_table *w, const hi_walk_col *col);
    void (*head_end)(void *ctx, const hi_walk_table *w);
    void (*row)(void *ctx, const hi_walk_table *w, const hi_walk_row *row);
    void (*cell)(void *ctx, const hi_walk_table *w, const hi_walk_row *row,
                 const hi_walk_cell *cell);
    void (*row_end)(void *ctx, const hi_walk_table *w, const hi_walk_row *row);
    void (*table_end)(void *ctx, const hi_walk_table *w);
    /* a banner's block i starts (before its base line and rows) */
    void (*block)(void *ctx, const hi_walk_table *w, size_t i, const char *label);
} hi_walk_fmt;

/* Walks table t, the index-th of count rendered together. */
void hi_tab_walk_table(const hi_table *t, size_t index, size_t count, const hi_walk_opts *o,
                       const hi_walk_fmt *f, void *ctx);
/* Walks every table of ts in order. */
void hi_tab_walk(const hoshi_tabset *ts, const hi_walk_opts *o, const hi_walk_fmt *f, void *ctx);
/* Cell c of a row, for a format that lays a row's cells out by kind
 * (JSON's counts, percent and sig arrays) rather than in column order. */
hi_walk_cell hi_walk_cell_at(const hi_walk_table *w, const hi_walk_row *row, size_t c);
/* The column % of cell c (0 the first category) of row r in block b, in
 * tenths (JSON's col_percent). */
uint64_t hi_walk_col_pct10(const hi_table *t, size_t r, size_t b, size_t c);
/* Whether table t shows column % (a categorical table with col among its
 * cells; never GRID items without a side). */
bool hi_walk_shows_col(const hi_table *t);
/* The names of the kinds of lines in csv and json: "row", "count", "col", "base". */
const char *hi_walk_line_name(hi_walk_line l);

#endif
