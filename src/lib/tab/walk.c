/*
 * walk.c — the one walk over a table's rows and cells that every format
 * renders (see walk.h).  Everything a format shows is decided here once:
 * the columns and their labels, the rows with their labels and small-base
 * marks, each cell's percentage (from the exact counts, hi_pct10), zero,
 * and whether its significance mark is shown.
 */
#include "tab/walk.h"

#include <math.h>

/* English names of the statistics (csv, tsv, json), and their tab.ini
 * keys after N (md, html, xlsx) */
static const char *const stat_names[] = {"N", "mean", "median", "min", "max", "sd"};
static const char *const stat_keys[] = {"N", "stat_mean", "stat_median", "stat_min", "stat_max",
                                        "stat_sd"};

/* Base columns after N: two in a weighted table of categories when the
 * format shows them (w_cols), else none. */
static size_t extra_bases(const hi_table *t, const hi_walk_opts *o)
{
    return o->w_cols && t->w != NULL && !t->num ? 2 : 0;
}

static uint64_t round_half_up(double v)
{
    return v > 0 ? (uint64_t)floor(v + 0.5 + 1e-9 * (v > 1 ? v : 1)) : 0;
}

static hi_walk_col column(const hi_walk_table *w, size_t c)
{
    const hi_table *t = w->t;
    hi_walk_col col = {c, HI_WALK_BASE, "N", 0, HI_WALK_N};
    size_t extra = extra_bases(t, w->o);
    if (c > 0 && c <= extra) {
        col.base_kind = (int)c;
        col.label = hi_tab_text(w->o->tx, c == HI_WALK_UNWEIGHTED ? "unweighted_n" : "effective_n");
        return col;
    }
    c -= c > 0 ? extra : 0;
    if (t->num) {
        col.kind = HI_WALK_STAT;
        if (c > 0)
            col.label = w->o->stat_texts ? hi_tab_text(w->o->tx, stat_keys[c]) : stat_names[c];
    } else if (c > 0) {
        col.kind = HI_WALK_PCT;
        col.flags = t->col_flag[c - 1];
        col.label = w->o->shown_labels ? hi_tab_col_label(t, c - 1, w->o->tx) : t->col_label[c - 1];
    }
    return col;
}

static const char *const line_names[] = {"row", "count", "col", "base"};
static const char *const line_keys[] = {"cell_row", "cell_count", "cell_col", "cell_base"};

const char *hi_walk_line_name(hi_walk_line l)
{
    return line_names[l];
}

uint64_t hi_tab_share10(const hi_table *t, double x, double n)
{
    if (t->w == NULL)
        return hi_pct10((uint64_t)x, (uint64_t)n);
    /* half up on the ratio; the tiny slack keeps a sum of weights that
     * lands a hair under .5 from rounding down */
    return n > 0 && x > 0 ? (uint64_t)floor(1000.0 * x / n + 0.5 + 1e-9) : 0;
}

/* The column base of category c in block b; 0 when the table kept none. */
static double col_base(const hi_table *t, size_t b, size_t c)
{
    return b == HI_WALK_NO_BLOCK || b < t->n_hidden ? hi_tab_col_base(t, b, c) : 0;
}

uint64_t hi_walk_col_pct10(const hi_table *t, size_t r, size_t b, size_t c)
{
    return hi_tab_share10(t, hi_tab_cell(t, r, c), col_base(t, b, c));
}

/* Cells of the lines other than row %: counts, column %, column bases. */
static void other_line(const hi_walk_table *w, const hi_walk_row *row, hi_walk_cell *cell)
{
    const hi_table *t = w->t;
    size_t c = cell->cat;
    double x = row->line == HI_LINE_BASE ? col_base(t, row->block, c) : hi_tab_cell(t, row->r, c);
    /* a GRID's total row counts respondents, not answers: no cells */
    cell->none = t->grid && row->r == 0;
    if (row->line == HI_LINE_COL) {
        cell->base = round_half_up(col_base(t, row->block, c));
        cell->count = round_half_up(x);
        cell->pct10 = hi_tab_share10(t, x, col_base(t, row->block, c));
        cell->zero = !(x > 0) || cell->base == 0;
        return;
    }
    cell->kind = HI_WALK_COUNT;
    cell->count = round_half_up(x);
    cell->value = x;
    cell->zero = !(x > 0);
}

hi_walk_cell hi_walk_cell_at(const hi_walk_table *w, const hi_walk_row *row, size_t c)
{
    const hi_table *t = w->t;
    hi_walk_cell cell = {.c = c, .kind = HI_WALK_BASE, .base = row->n};
    size_t extra = extra_bases(t, w->o);
    if (c > 0 && c <= extra) {
        cell.base_kind = (int)c;
        cell.base = c == HI_WALK_UNWEIGHTED ? row->unweighted : round_half_up(row->ess);
        cell.value = row->ess;
        return cell;
    }
    c -= c > 0 ? extra : 0;
    cell.cat = c > 0 ? c - 1 : 0;
    if (!t->num && c > 0 && row->line != HI_LINE_ROW) {
        cell.kind = HI_WALK_PCT;
        other_line(w, row, &cell);
        return cell;
    }
    if (t->num) {
        const double *st = &t->stat[row->r * HI_ST_COUNT];
        cell.kind = HI_WALK_STAT;
        cell.st = (int)c;
        cell.value = st[c];
        cell.no_values = !(st[HI_ST_N] > 0);
    } else if (c > 0) {
        size_t i = row->r * t->n_cols + (c - 1);
        cell.kind = HI_WALK_PCT;
        cell.count = t->count[i];
        cell.pct10 = hi_pct10(cell.count, cell.base);
        cell.zero = cell.count == 0 || cell.base == 0;
        cell.none = cell.base == 0 || (t->grid && row->r == 0);
        if (t->w != NULL) {
            cell.wcount = t->w->count[i];
            cell.pct10 = hi_tab_share10(t, cell.wcount, row->wbase);
            cell.zero = !(cell.wcount > 0) || !(row->wbase > 0);
            cell.none = !(row->wbase > 0) || (t->grid && row->r == 0);
        }
        cell.sig = t->sig[i];
        cell.mark = w->o->sig && !row->small ? cell.sig : 0;
    }
    return cell;
}

/* One line: the row, its cells, its end. */
static void walk_line(const hi_walk_table *w, const hi_walk_row *row, const hi_walk_fmt *f,
                      void *ctx)
{
    if (f->row)
        f->row(ctx, w, row);
    for (size_t c = 0; c < w->n_cols && f->cell; c++) {
        hi_walk_cell cell = hi_walk_cell_at(w, row, c);
        f->cell(ctx, w, row, &cell);
    }
    if (f->row_end)
        f->row_end(ctx, w, row);
}

/* The lines of row r (one per kind, or one), in block b. */
static void walk_row(const hi_walk_table *w, size_t r, size_t b, const hi_walk_fmt *f, void *ctx)
{
    const hi_table *t = w->t;
    const hi_walk_opts *o = w->o;
    size_t n_lines = o->one_line || t->num ? 1 : w->n_cells;
    for (size_t k = 0; k < n_lines; k++) {
        hi_walk_line line = o->one_line || t->num ? HI_LINE_ROW : (hi_walk_line)w->cells[k];
        hi_walk_row row = {r, o->shown_labels ? hi_tab_row_label(t, r, o->tx) : t->row_label[r],
                           t->row_n[r], k == 0 && hi_tab_small_base(t, r), line, k == 0, b,
                           NULL, false, t->row_n[r], 0, 0};
        if (t->w != NULL) { /* N shows the weighted base, rounded */
            row.weighted = true;
            row.wbase = t->w->row_n[r];
            row.ess = t->w->ess[r];
            row.n = round_half_up(row.wbase);
        }
        if (w->kinds)
            row.kind = o->shown_labels ? hi_tab_text(o->tx, line_keys[line]) : line_names[line];
        walk_line(w, &row, f, ctx);
    }
}

/* The base line of block b (the total's: HI_WALK_NO_BLOCK), first row r. */
static void walk_base(const hi_walk_table *w, size_t r, size_t b, const hi_walk_fmt *f, void *ctx)
{
    const hi_walk_opts *o = w->o;
    hi_walk_row row = {r, "", round_half_up(hi_tab_block_base(w->t, b < w->t->n_hidden ? b : HI_WALK_NO_BLOCK)),
                       false, HI_LINE_BASE, true, b,
                       o->shown_labels ? hi_tab_text(o->tx, line_keys[HI_LINE_BASE])
                                       : line_names[HI_LINE_BASE],
                       w->t->w != NULL, 0, 0, 0};
    walk_line(w, &row, f, ctx);
}

bool hi_walk_shows_col(const hi_table *t)
{
    for (size_t k = 0; k < t->n_cells && !t->num && !t->grid; k++)
        if (t->cells[k] == HI_LINE_COL)
            return true;
    return false;
}

/* Which lines a table shows: its cells (row % alone by default). */
static void table_lines(hi_walk_table *w)
{
    static const uint8_t row_only[] = {HI_LINE_ROW};
    const hi_table *t = w->t;
    w->cells = t->n_cells > 0 ? t->cells : row_only;
    w->n_cells = t->n_cells > 0 ? t->n_cells : 1;
    w->kinds = !t->num && !(w->n_cells == 1 && w->cells[0] == HI_LINE_ROW);
    w->banner = t->banner;
    w->col = hi_walk_shows_col(t) && !w->o->one_line;
}

void hi_tab_walk_table(const hi_table *t, size_t index, size_t count, const hi_walk_opts *o,
                       const hi_walk_fmt *f, void *ctx)
{
    hi_walk_table w = {t, index, count,
                       t->num ? (size_t)o->last_stat + 1 : t->n_cols + 1 + extra_bases(t, o), o,
                       false, false, false, NULL, 0};
    table_lines(&w);
    if (f->table)
        f->table(ctx, &w);
    for (size_t c = 0; c < w.n_cols && f->head; c++) {
        hi_walk_col col = column(&w, c);
        f->head(ctx, &w, &col);
    }
    if (f->head_end)
        f->head_end(ctx, &w);
    if (w.col)
        walk_base(&w, 0, HI_WALK_NO_BLOCK, f, ctx);
    walk_row(&w, 0, HI_WALK_NO_BLOCK, f, ctx);
    size_t nb = hi_tab_block_count(t);
    if (nb == 0)
        for (size_t r = 1; r < t->n_rows; r++)
            walk_row(&w, r, HI_WALK_NO_BLOCK, f, ctx);
    for (size_t b = 0; b < nb; b++) {
        hi_block blk = hi_tab_block(t, b);
        if (w.banner && f->block)
            f->block(ctx, &w, b, blk.label ? blk.label : "");
        if (w.col)
            walk_base(&w, blk.first, b, f, ctx);
        for (size_t r = blk.first; r < blk.first + blk.n; r++)
            walk_row(&w, r, b, f, ctx);
    }
    if (f->table_end)
        f->table_end(ctx, &w);
}

void hi_tab_walk(const hoshi_tabset *ts, const hi_walk_opts *o, const hi_walk_fmt *f, void *ctx)
{
    for (size_t i = 0; i < ts->n; i++)
        hi_tab_walk_table(&ts->t[i], i, ts->n, o, f, ctx);
}
