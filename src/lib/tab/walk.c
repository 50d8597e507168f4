/*
 * walk.c — the one walk over a table's rows and cells that every format
 * renders (see walk.h).  Everything a format shows is decided here once:
 * the columns and their labels, the rows with their labels and small-base
 * marks, each cell's percentage (from the exact counts, hi_pct10), zero,
 * and whether its significance mark is shown.
 */
#include "tab/walk.h"

/* English names of the statistics (csv, tsv, json), and their tab.ini
 * keys after N (md, html, xlsx) */
static const char *const stat_names[] = {"N", "mean", "median", "min", "max", "sd"};
static const char *const stat_keys[] = {"N", "stat_mean", "stat_median", "stat_min", "stat_max",
                                        "stat_sd"};

static hi_walk_col column(const hi_walk_table *w, size_t c)
{
    const hi_table *t = w->t;
    hi_walk_col col = {c, HI_WALK_BASE, "N", 0};
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
        cell.sig = t->sig[i];
        cell.mark = w->o->sig && !row->small ? cell.sig : 0;
    }
    return cell;
}

void hi_tab_walk_table(const hi_table *t, size_t index, size_t count, const hi_walk_opts *o,
                       const hi_walk_fmt *f, void *ctx)
{
    hi_walk_table w = {t, index, count, t->num ? (size_t)o->last_stat + 1 : t->n_cols + 1, o};
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
                           t->row_n[r], hi_tab_small_base(t, r)};
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
