/*
 * xlsx.c — tables as an Excel workbook laid out like a report table,
 * through libxlsxwriter: one sheet per table, title and side above, wrapped
 * column headers, an N column, percentages as numbers with one decimal and
 * — for zero, small bases marked 参考値, significant cells coloured (red
 * higher, blue lower), and the notes on method below; what each sheet
 * shows is decided by the row walk of walk.c.  The workbook is written to
 * a temporary name and renamed, so a failure leaves nothing.
 */
#include "tab/tab.h"
#include "tab/walk.h"
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

typedef struct formats {
    lxw_format *title, *head, *label, *total, *n, *pct, *pct_up, *pct_dn, *stat, *note;
} formats;

static void sheet_name(char *out, size_t cap, const hi_table *t, size_t idx)
{
    /* Excel: at most 31 characters, none of []:*?/\ ; names must be unique */
    char base[24];
    size_t k = 0;
    for (const char *s = t->id; *s && k < 20; s++)
        base[k++] = strchr("[]:*?/\\'", *s) ? '_' : *s;
    base[k] = '\0';
    snprintf(out, cap, "%zu_%s", (idx + 1) % 100000, base);
}

/* libxlsxwriter's errors as ours: its allocation failures are ours too. */
static hoshi_err lxw_fail(lxw_error le, const char *path)
{
    if (le == LXW_ERROR_MEMORY_MALLOC_FAILED)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory writing workbook %s", path);
    return hi_fail(HOSHI_ERR_IO, "cannot write %s: %s", path, lxw_strerror(le));
}

static lxw_format *new_format(lxw_workbook *wb, bool *ok)
{
    lxw_format *f = *ok ? workbook_add_format(wb) : NULL;
    *ok = f != NULL;
    return f;
}

/* False when libxlsxwriter ran out of memory (it returns no format then). */
static bool make_formats(lxw_workbook *wb, formats *f)
{
    bool ok = true;
    lxw_format **all[] = {&f->title, &f->head, &f->label, &f->total, &f->n, &f->pct,
                          &f->pct_up, &f->pct_dn, &f->stat, &f->note};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        *all[i] = new_format(wb, &ok);
    if (!ok)
        return false;
    format_set_bold(f->title);
    format_set_font_size(f->title, 12);
    format_set_text_wrap(f->head);
    format_set_align(f->head, LXW_ALIGN_CENTER);
    format_set_align(f->head, LXW_ALIGN_VERTICAL_TOP);
    format_set_border(f->head, LXW_BORDER_THIN);
    format_set_bg_color(f->head, 0xEEEEFF);
    format_set_border(f->label, LXW_BORDER_THIN);
    format_set_text_wrap(f->label);
    format_set_border(f->total, LXW_BORDER_THIN);
    format_set_bold(f->total);
    format_set_border(f->n, LXW_BORDER_THIN);
    format_set_num_format(f->n, "#,##0");
    format_set_border(f->pct, LXW_BORDER_THIN);
    format_set_num_format(f->pct, "0.0;-0.0;\"—\"");
    format_set_border(f->pct_up, LXW_BORDER_THIN);
    format_set_num_format(f->pct_up, "0.0;-0.0;\"—\"");
    format_set_font_color(f->pct_up, LXW_COLOR_RED);
    format_set_bold(f->pct_up);
    format_set_border(f->pct_dn, LXW_BORDER_THIN);
    format_set_num_format(f->pct_dn, "0.0;-0.0;\"—\"");
    format_set_font_color(f->pct_dn, LXW_COLOR_BLUE);
    format_set_bold(f->pct_dn);
    format_set_border(f->stat, LXW_BORDER_THIN);
    format_set_num_format(f->stat, "#,##0.0");
    format_set_font_size(f->note, 9);
    return true;
}

/* One sheet being written: where its header row is, and the first error
 * libxlsxwriter reported (later calls are still made, as before). */
typedef struct sheet_out {
    lxw_worksheet *ws;
    const formats *f;
    lxw_row_t hr;
    lxw_error le;
} sheet_out;

static void keep(sheet_out *o, lxw_error e)
{
    if (o->le == LXW_NO_ERROR)
        o->le = e;
}

static void sheet_table(void *ctx, const hi_walk_table *w)
{
    sheet_out *o = ctx;
    char title[HI_TAB_MAX_LABEL + 80];
    snprintf(title, sizeof title, "%s %s", w->t->id, w->t->title);
    keep(o, worksheet_write_string(o->ws, 0, 0, title, o->f->title));
    if (w->t->side) {
        char side[HI_TAB_MAX_LABEL + 80];
        snprintf(side, sizeof side, "%s: %s", hi_tab_text(w->o->tx, "side"), w->t->side);
        keep(o, worksheet_write_string(o->ws, 1, 0, side, NULL));
    }
    if (w->t->w != NULL) {
        char by[HI_TAB_MAX_LABEL + 80];
        snprintf(by, sizeof by, "%s: %s", hi_tab_text(w->o->tx, "weighted"), w->t->w->by);
        keep(o, worksheet_write_string(o->ws, 2, 0, by, NULL));
    }
    keep(o, worksheet_set_column(o->ws, 0, 0, 28, NULL));
    keep(o, worksheet_set_column(o->ws, 1, 1, 8, NULL));
    keep(o, worksheet_set_column(o->ws, 2, (lxw_col_t)w->n_cols, 11, NULL));
    keep(o, worksheet_set_row(o->ws, o->hr, 96, NULL));
    keep(o, worksheet_write_string(o->ws, o->hr, 0, "", o->f->head));
}

static void sheet_head(void *ctx, const hi_walk_table *w, const hi_walk_col *col)
{
    sheet_out *o = ctx;
    (void)w;
    keep(o, worksheet_write_string(o->ws, o->hr, (lxw_col_t)(1 + col->c), col->label, o->f->head));
}

static void sheet_row(void *ctx, const hi_walk_table *w, const hi_walk_row *row)
{
    sheet_out *o = ctx;
    char lab[HI_TAB_MAX_LABEL + 40];
    snprintf(lab, sizeof lab, "%s%s%s", row->label, row->small ? " " : "",
             row->small ? hi_tab_text(w->o->tx, "small_base") : "");
    keep(o, worksheet_write_string(o->ws, (lxw_row_t)(o->hr + 1 + row->r), 0, lab,
                                   row->r == 0 ? o->f->total : o->f->label));
}

/* the base and N as counts, statistics with one decimal (blank when the
 * row has no value), percentages as numbers coloured by their mark */
static void sheet_cell(void *ctx, const hi_walk_table *w, const hi_walk_row *row,
                       const hi_walk_cell *cell)
{
    sheet_out *o = ctx;
    (void)w;
    lxw_row_t r = (lxw_row_t)(o->hr + 1 + row->r);
    lxw_col_t c = (lxw_col_t)(1 + cell->c);
    if (cell->kind == HI_WALK_BASE && cell->base_kind == HI_WALK_EFFECTIVE)
        keep(o, worksheet_write_number(o->ws, r, c, cell->value, o->f->stat));
    else if (cell->kind == HI_WALK_BASE)
        keep(o, worksheet_write_number(o->ws, r, c, (double)cell->base, o->f->n));
    else if (cell->kind == HI_WALK_STAT && cell->st == HI_ST_N)
        keep(o, worksheet_write_number(o->ws, r, c, cell->value, o->f->n));
    else if (cell->kind == HI_WALK_STAT && cell->no_values)
        keep(o, worksheet_write_blank(o->ws, r, c, o->f->stat));
    else if (cell->kind == HI_WALK_STAT)
        keep(o, worksheet_write_number(o->ws, r, c, cell->value, o->f->stat));
    else
        keep(o, worksheet_write_number(o->ws, r, c, (double)cell->pct10 / 10.0,
                                       cell->mark > 0   ? o->f->pct_up
                                       : cell->mark < 0 ? o->f->pct_dn
                                                        : o->f->pct));
}

/* frozen panes below the header, then the notes below the table */
static void sheet_table_end(void *ctx, const hi_walk_table *w)
{
    sheet_out *o = ctx;
    const hoshi_tab_texts *tx = w->o->tx;
    worksheet_freeze_panes(o->ws, o->hr + 1, 2);
    lxw_row_t nr = (lxw_row_t)(o->hr + 2 + w->t->n_rows);
    size_t n_notes = hi_tab_note_count(tx);
    for (size_t i = 0; i < n_notes; i++)
        keep(o, worksheet_write_string(o->ws, nr + (lxw_row_t)i, 0, hi_tab_note(tx, i), o->f->note));
    if (w->o->sig)
        keep(o, worksheet_write_string(o->ws, nr + (lxw_row_t)n_notes, 0,
                                       hi_tab_text(tx, "sig_legend_xlsx"), o->f->note));
}

static const hi_walk_fmt sheet_walk = {sheet_table, sheet_head, NULL, sheet_row,
                                       sheet_cell, NULL, sheet_table_end};

/* Writes table t, the i-th of n; returns the first error libxlsxwriter reported. */
static lxw_error write_sheet(lxw_worksheet *ws, const hi_table *t, size_t i, size_t n,
                             const formats *f, bool sig, const hoshi_tab_texts *tx)
{
    hi_walk_opts wo = {tx, true, true, HI_ST_SD, sig, true};
    sheet_out o = {ws, f, 3, LXW_NO_ERROR};
    hi_tab_walk_table(t, i, n, &wo, &sheet_walk, &o);
    return o.le;
}

hoshi_err hoshi_tab_write_xlsx(const hoshi_tabset *ts, const hoshi_tab_render_opts *opts,
                               const char *path)
{
    hi_clear_error();
    bool sig = opts == NULL || opts->sig;
    const hoshi_tab_texts *tx = NULL;
    hoshi_tab_texts *owned = NULL;
    hoshi_err err = hi_tab_texts_use(opts, &tx, &owned);
    if (err != HOSHI_OK)
        return err;
    /* libxlsxwriter creates the file itself: reserve a unique name with the
     * mode of an output (0666 less the umask), which it keeps */
    char *tmp = NULL;
    int fd = -1;
    if ((err = hi_file_create_temp(path, &tmp, &fd)) != HOSHI_OK)
        goto free_texts;
    close(fd);
    lxw_workbook *wb = workbook_new(tmp);
    if (wb == NULL) { /* its only failure is an allocation */
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory creating workbook %s", path);
        goto unlink_tmp;
    }
    formats f;
    if (!make_formats(wb, &f)) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory creating workbook %s", path);
        goto free_wb;
    }
    for (size_t i = 0; i < ts->n; i++) {
        char name[64];
        sheet_name(name, sizeof name, &ts->t[i], i);
        /* the names are valid and unique by construction; a refused one
         * gets Excel's default name rather than losing the table */
        lxw_worksheet *ws = workbook_add_worksheet(
            wb, workbook_validate_sheet_name(wb, name) == LXW_NO_ERROR ? name : NULL);
        if (ws == NULL) {
            err = hi_fail(HOSHI_ERR_NOMEM, "out of memory adding sheet %zu to %s", i + 1, path);
            goto free_wb;
        }
        lxw_error le = write_sheet(ws, &ts->t[i], i, ts->n, &f, sig, tx);
        if (le != LXW_NO_ERROR) {
            err = lxw_fail(le, path);
            goto free_wb;
        }
    }
    lxw_error le = workbook_close(wb);
    if (le != LXW_NO_ERROR)
        err = lxw_fail(le, path);
    err = hi_file_commit(tmp, path, err);
    goto free_tmp;

free_wb:
    lxw_workbook_free(wb);
unlink_tmp:
    unlink(tmp);
free_tmp:
    free(tmp);
free_texts:
    hoshi_tab_texts_free(owned);
    return err;
}
