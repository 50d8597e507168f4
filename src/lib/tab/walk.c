/*
 * walk.c — the one walk over a table's rows and cells that every format
 * renders (see walk.h).  Everything a format shows is decided here once:
 * the columns and their labels, the rows with their labels and small-base
 * marks, each cell's percentage (from the exact counts, hi_pct10), zero,
 * and whether its significance mark is shown.
 */
#include "tab/walk.h"

#include <math.h>

/* English names of the statistics (md, html, json, csv), and their tab.ini
 * keys after N (xlsx) */
static const char *const stat_names[] = {"N", "mean", "median", "min", "max", "sd"};
static const char *const stat_keys[] = {"N", "stat_mean", "stat_median", "stat_min", "stat_max",
                                        "stat_sd"};

/* Base columns after N: two in a weighted table of categories when the
 * format shows them (w_cols), else none. */
static size_t extra_bases(const hi_table *t, const hi_walk_opts *o)
{
    return o->w_cols && t->w != NULL && !t->num ? 2 : 0;
}

/* A weighted share in tenths of a percent, half up on the ratio (the tiny
 * slack keeps a sum of weights that lands a hair under .5 from rounding down). */
static uint64_t pct10_w(double x, double n)
{
    return n > 0 && x > 0 ? (uint64_t)floor(1000.0 * x / n + 0.5 + 1e-9) : 0;
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
        if (t->w != NULL) {
            cell.wcount = t->w->count[i];
            cell.pct10 = pct10_w(cell.wcount, row->wbase);
            cell.zero = !(cell.wcount > 0) || !(row->wbase > 0);
        }
        cell.sig = t->sig[i];
        cell.mark = w->o->sig && !row->small ? cell.sig : 0;
    }
    return cell;
}

void hi_tab_walk_table(const hi_table *t, size_t index, size_t count, const hi_walk_opts *o,
                       const hi_walk_fmt *f, void *ctx)
{
    hi_walk_table w = {t, index, count,
                       t->num ? (size_t)o->last_stat + 1 : t->n_cols + 1 + extra_bases(t, o), o};
    if (f->table)
        f->table(ctx, &w);
    for (size_t c = 0; c < w.n_cols && f->head; c++) {
        hi_walk_col col = column(&w, c);
        f->head(ctx, &w, &col);
    }
    if (f->head_end)
        f->head_end(ctx, &w);
    for (size_t r = 0; r < t->n_rows; r++) {
        hi_walk_row row = {r, o->shown_labels ? hi_tab_row_label(t, r, o->tx) : t->row_label[r],
                           t->row_n[r], hi_tab_small_base(t, r), false, t->row_n[r], 0, 0};
        if (t->w != NULL) {
            row.weighted = true;
            row.wbase = t->w->row_n[r];
            row.ess = t->w->ess[r];
            row.n = round_half_up(row.wbase);
        }
        if (f->row)
            f->row(ctx, &w, &row);
        for (size_t c = 0; c < w.n_cols && f->cell; c++) {
            hi_walk_cell cell = hi_walk_cell_at(&w, &row, c);
            f->cell(ctx, &w, &row, &cell);
        }
        if (f->row_end)
            f->row_end(ctx, &w, &row);
    }
    if (f->table_end)
        f->table_end(ctx, &w);
}

void hi_tab_walk(const hoshi_tabset *ts, const hi_walk_opts *o, const hi_walk_fmt *f, void *ctx)
{
    for (size_t i = 0; i < ts->n; i++)
        hi_tab_walk_table(&ts->t[i], i, ts->n, o, f, ctx);
}
