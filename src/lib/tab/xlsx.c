/*
 * xlsx.c — tables as an Excel workbook laid out like a report table,
 * through libxlsxwriter: one sheet per table, title and side above, wrapped
 * column headers, an N column, percentages as numbers with one decimal and
 * — for zero, small bases marked 参考値, significant cells coloured (red
 * higher, blue lower), the base line and the notes on method below; what
 * each sheet shows is decided by the row walk of walk.c.  A book's
 * workbook (hoshi_book_write_xlsx) starts with a contents sheet linking to
 * every table's sheet, named by the book's table ids, each sheet headed by
 * its book title.  The workbook is written to a temporary name and
 * renamed, so a failure leaves nothing.
 */
#include "tab/tab.h"
#include "tab/stats.h"
#include "tab/walk.h"
#include "tab/xlsx_file.h"
#include "tab/xlsx_chart.h"
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "hoshi/book.h"

typedef struct formats {
    lxw_format *title, *head, *label, *total, *n, *pct, *pct_up, *pct_dn, *stat, *note, *link;
} formats;

/* Excel: at most 31 characters, none of []:*?/\ ; names must be unique */
static void sheet_safe(char *out, size_t cap, const char *s)
{
    size_t k = 0;
    for (; *s && k + 1 < cap; s++)
        out[k++] = strchr("[]:*?/\\'", *s) ? '_' : *s;
    out[k] = '\0';
}

/* A table's sheet: "3_Q8" (its place and head), or in a book the book
 * table's id, with "_2", "_3"… when one book table made several tables
 * (a list of heads, a GRID by a side). */
static void sheet_name(char *out, size_t cap, const hoshi_tabset *ts, size_t idx)
{
    const hi_table *t = &ts->t[idx];
    char base[24];
    if (t->book_id == NULL) {
        sheet_safe(base, 21, t->id);
        snprintf(out, cap, "%zu_%s", (idx + 1) % 100000, base);
        return;
    }
    size_t k = 1;
    while (k <= idx && ts->t[idx - k].book_id != NULL &&
           strcmp(ts->t[idx - k].book_id, t->book_id) == 0)
        k++;
    bool alone = k == 1 && (idx + 1 >= ts->n || ts->t[idx + 1].book_id == NULL ||
                            strcmp(ts->t[idx + 1].book_id, t->book_id) != 0);
    sheet_safe(base, 24, t->book_id);
    if (alone)
        snprintf(out, cap, "%s", base);
    else
        snprintf(out, cap, "%s_%zu", base, k % 100000);
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
                          &f->pct_up, &f->pct_dn, &f->stat, &f->note, &f->link};
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
    format_set_underline(f->link, LXW_UNDERLINE_SINGLE);
    format_set_font_color(f->link, LXW_COLOR_BLUE);
    return true;
}

/* The formats of cells that show column letters after their number
 * (--stats letters): one per letters and kind of cell, made when first
 * needed, so the cell stays a number Excel can compute with. */
typedef struct letter_format {
    char letters[HI_STATS_MAX_LETTERS + 1];
    int kind;               /* the mark of a percentage (-2…2), or 9 for a mean */
    lxw_format *f;
} letter_format;

typedef struct letter_formats {
    lxw_workbook *wb;
    letter_format *v;
    size_t n;
} letter_formats;

/* One sheet being written: where its header row is, and the first error
 * libxlsxwriter reported (later calls are still made, as before). */
typedef struct sheet_out {
    lxw_worksheet *ws;
    const formats *f;
    lxw_row_t hr;
    lxw_error le;
    lxw_row_t line;     /* where the next line of the table goes */
    const hi_tab_stats *st;     /* the table's tests, NULL without --stats */
    letter_formats *lf;
} sheet_out;

static void keep(sheet_out *o, lxw_error e)
{
    if (o->le == LXW_NO_ERROR)
        o->le = e;
}

/* The format of a cell with letters; NULL (the error kept) without memory. */
static lxw_format *letter_fmt(sheet_out *o, const char *letters, int kind)
{
    letter_formats *lf = o->lf;
    for (size_t i = 0; i < lf->n; i++)
        if (lf->v[i].kind == kind && strcmp(lf->v[i].letters, letters) == 0)
            return lf->v[i].f;
    letter_format *v = hi_realloc(lf->v, (lf->n + 1) * sizeof *v);
    lxw_format *f = v != NULL ? workbook_add_format(lf->wb) : NULL;
    if (v != NULL)
        lf->v = v;
    if (f == NULL) {
        keep(o, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return NULL;
    }
    char num[128];
    if (kind == 9)
        snprintf(num, sizeof num, "#,##0.0\" %s\"", letters);
    else
        snprintf(num, sizeof num, "0.0\" %s\";-0.0;\"—\"", letters);
    format_set_border(f, LXW_BORDER_THIN);
    format_set_num_format(f, num);
    if (kind > 0 && kind != 9)
        format_set_font_color(f, LXW_COLOR_RED);
    if (kind < 0)
        format_set_font_color(f, LXW_COLOR_BLUE);
    if (kind != 0 && kind != 9)
        format_set_bold(f);
    snprintf(lf->v[lf->n].letters, sizeof lf->v[lf->n].letters, "%s", letters);
    lf->v[lf->n].kind = kind;
    lf->v[lf->n].f = f;
    lf->n++;
    return f;
}

/* The format of a percentage or a mean that has letters, else dflt. */
static lxw_format *cell_fmt(sheet_out *o, const hi_walk_row *row, const hi_walk_cell *cell,
                            lxw_format *dflt)
{
    char let[HI_STATS_MAX_LETTERS + 1];
    if (o->st == NULL || !(o->st->which & HOSHI_TAB_STAT_LETTERS) || row->small)
        return dflt;
    bool mean = cell->kind == HI_WALK_STAT;
    hi_tab_stats_letters(o->st, row->r, mean ? (size_t)HI_ST_MEAN : cell->cat, let);
    if (*let == '\0')
        return dflt;
    lxw_format *f = letter_fmt(o, let, mean ? 9 : cell->mark);
    return f != NULL ? f : dflt;
}

/* A line under the table (a test, or a note); the row advances. */
typedef struct sheet_lines {
    sheet_out *o;
    lxw_row_t row;
} sheet_lines;

static void sheet_line(void *ctx, const char *text)
{
    sheet_lines *l = ctx;
    keep(l->o, worksheet_write_string(l->o->ws, l->row++, 0, text, l->o->f->note));
}

static void sheet_table(void *ctx, const hi_walk_table *w)
{
    sheet_out *o = ctx;
    char title[HI_TAB_MAX_LABEL + 80];
    lxw_row_t r = 0;
    if (w->t->book_title != NULL)
        keep(o, worksheet_write_string(o->ws, r++, 0, w->t->book_title, o->f->title));
    snprintf(title, sizeof title, "%s %s", w->t->id, w->t->title);
    keep(o, worksheet_write_string(o->ws, r++, 0, title,
                                   w->t->book_title != NULL ? NULL : o->f->title));
    if (w->t->side) {
        char side[HI_TAB_MAX_LABEL + 80];
        snprintf(side, sizeof side, "%s: %s", hi_tab_text(w->o->tx, "side"), w->t->side);
        keep(o, worksheet_write_string(o->ws, r, 0, side, NULL));
    }
    if (w->t->w != NULL) {
        char by[HI_TAB_MAX_LABEL + 80];
        snprintf(by, sizeof by, "%s: %s", hi_tab_text(w->o->tx, "weighted"), w->t->w->by);
        keep(o, worksheet_write_string(o->ws, 2, 0, by, NULL));
    }
    keep(o, worksheet_set_column(o->ws, 0, 0, 28, NULL));
    keep(o, worksheet_set_column(o->ws, 1, 1, 8, NULL));
    keep(o, worksheet_set_column(o->ws, 2, (lxw_col_t)(w->n_cols + w->kinds), 11, NULL));
    keep(o, worksheet_set_row(o->ws, o->hr, 96, NULL));
    keep(o, worksheet_write_string(o->ws, o->hr, 0, "", o->f->head));
}

static void sheet_head(void *ctx, const hi_walk_table *w, const hi_walk_col *col)
{
    sheet_out *o = ctx;
    keep(o, worksheet_write_string(o->ws, o->hr, (lxw_col_t)(1 + w->kinds + col->c), col->label,
                                   o->f->head));
}

/* the column naming each line's kind, and the lines below the header */
static void sheet_head_end(void *ctx, const hi_walk_table *w)
{
    sheet_out *o = ctx;
    if (w->kinds)
        keep(o, worksheet_write_string(o->ws, o->hr, 1, "", o->f->head));
    o->line = o->hr + 1;
}

/* a banner's block: its label across the table */
static void sheet_block(void *ctx, const hi_walk_table *w, size_t i, const char *label)
{
    sheet_out *o = ctx;
    (void)i;
    keep(o, worksheet_merge_range(o->ws, o->line, 0, o->line, (lxw_col_t)(w->kinds + w->n_cols),
                                  label, o->f->total));
    o->line++;
}

static void sheet_row(void *ctx, const hi_walk_table *w, const hi_walk_row *row)
{
    sheet_out *o = ctx;
    char lab[HI_TAB_MAX_LABEL + 40];
    char letter = row->first ? hi_tab_stats_letter(o->st, row->r) : 0, suffix[8] = "";
    if (letter != 0)
        snprintf(suffix, sizeof suffix, " (%c)", letter);
    snprintf(lab, sizeof lab, "%s%s%s%s", row->first ? row->label : "", row->small ? " " : "",
             row->small ? hi_tab_text(w->o->tx, "small_base") : "", suffix);
    keep(o, worksheet_write_string(o->ws, o->line, 0, lab, row->r == 0 ? o->f->total : o->f->label));
    if (w->kinds)
        keep(o, worksheet_write_string(o->ws, o->line, 1, row->kind, o->f->label));
}

static void sheet_row_end(void *ctx, const hi_walk_table *w, const hi_walk_row *row)
{
    (void)w, (void)row;
    ((sheet_out *)ctx)->line++;
}

/* the base and N as counts, statistics with one decimal (blank when the
 * row has no value), percentages as numbers coloured by their mark */
static void sheet_cell(void *ctx, const hi_walk_table *w, const hi_walk_row *row,
                       const hi_walk_cell *cell)
{
    sheet_out *o = ctx;
    (void)row;
    lxw_row_t r = o->line;
    lxw_col_t c = (lxw_col_t)(1 + w->kinds + cell->c);
    if (cell->kind == HI_WALK_BASE && cell->base_kind == HI_WALK_EFFECTIVE)
        keep(o, worksheet_write_number(o->ws, r, c, cell->value, o->f->stat));
    else if (cell->kind == HI_WALK_BASE)
        keep(o, worksheet_write_number(o->ws, r, c, (double)cell->base, o->f->n));
    else if (cell->kind == HI_WALK_STAT && cell->st == HI_ST_N)
        keep(o, worksheet_write_number(o->ws, r, c, cell->value, o->f->n));
    else if (cell->kind == HI_WALK_STAT && cell->no_values)
        keep(o, worksheet_write_blank(o->ws, r, c, o->f->stat));
    else if (cell->kind == HI_WALK_STAT)
        keep(o, worksheet_write_number(o->ws, r, c, cell->value,
                                       cell->st == HI_ST_MEAN ? cell_fmt(o, row, cell, o->f->stat)
                                                              : o->f->stat));
    else if (cell->none)
        keep(o, worksheet_write_blank(o->ws, r, c, o->f->pct));
    else if (cell->kind == HI_WALK_COUNT)
        keep(o, worksheet_write_number(o->ws, r, c, (double)cell->count, o->f->n));
    else
        keep(o, worksheet_write_number(o->ws, r, c, (double)cell->pct10 / 10.0,
                                       cell_fmt(o, row, cell,
                                                cell->mark > 0   ? o->f->pct_up
                                                : cell->mark < 0 ? o->f->pct_dn
                                                                 : o->f->pct)));
}

/* frozen panes below the header, then the notes below the table */
static void sheet_table_end(void *ctx, const hi_walk_table *w)
{
    sheet_out *o = ctx;
    const hoshi_tab_texts *tx = w->o->tx;
    worksheet_freeze_panes(o->ws, o->hr + 1, (lxw_col_t)(2 + w->kinds));
    lxw_row_t nr = o->line + 1;
    hoshi_buf base = HOSHI_BUF_INIT;
    hi_tab_base_line(&base, w->t, tx, hoshi_buf_puts);
    if (base.err != HOSHI_OK)
        keep(o, LXW_ERROR_MEMORY_MALLOC_FAILED);
    else
        keep(o, worksheet_write_string(o->ws, nr, 0, base.data, NULL));
    hoshi_buf_free(&base);
    nr += 2;
    sheet_lines tests = {o, nr};
    hi_tab_test_lines(w->t, o->st, tx, sheet_line, &tests);
    if (tests.row > nr) /* an empty row between the tests and the notes */
        nr = tests.row + 1;
    size_t n_notes = hi_tab_note_count(tx, w->o->sig);
    for (size_t i = 0; i < n_notes; i++)
        keep(o, worksheet_write_string(o->ws, nr + (lxw_row_t)i, 0, hi_tab_note(tx, w->o->sig, i),
                                       o->f->note));
    if (w->col) /* one more note, after the legend */
        keep(o, worksheet_write_string(o->ws, nr + (lxw_row_t)(n_notes + w->o->sig), 0,
                                       hi_tab_text(tx, "note_col"), o->f->note));
    if (w->o->sig)
        keep(o, worksheet_write_string(o->ws, nr + (lxw_row_t)n_notes, 0,
                                       hi_tab_text(tx, "sig_legend_xlsx"), o->f->note));
    sheet_lines notes = {o, nr + (lxw_row_t)(n_notes + w->o->sig + w->col)};
    hi_tab_stats_notes(o->st, 1, tx, sheet_line, &notes);
}

static const hi_walk_fmt sheet_walk = {sheet_table, sheet_head, sheet_head_end, sheet_row,
                                       sheet_cell, sheet_row_end, sheet_table_end, sheet_block};

/* The header row of a table's sheet: below the title and the side, and
 * the book's title in a book. */
static lxw_row_t sheet_header_row(const hi_table *t)
{
    return t->book_title != NULL ? 4 : 3;
}

/* Writes table t, the i-th of n; returns the first error libxlsxwriter reported. */
static lxw_error write_sheet(lxw_worksheet *ws, const hi_table *t, size_t i, size_t n,
                             const formats *f, bool sig, const hoshi_tab_texts *tx,
                             const hi_tab_stats *st, letter_formats *lf)
{
    hi_walk_opts wo = {tx, true, true, HI_ST_SD, sig, false, true};
    lxw_row_t hr = sheet_header_row(t);
    sheet_out o = {ws, f, hr, LXW_NO_ERROR, hr + 1, st, lf};
    hi_tab_walk_table(t, i, n, &wo, &sheet_walk, &o);
    return o.le;
}

/* The contents sheet of a book: its title, then a row per table: the
 * sheet as a link, the book title (or the head's), the base line. */
static lxw_error write_contents(lxw_worksheet *ws, const hoshi_tabset *ts, char (*names)[64],
                               const char *title, const formats *f, const hoshi_tab_texts *tx)
{
    sheet_out o = {ws, f, 2, LXW_NO_ERROR, 3, NULL, NULL};
    keep(&o, worksheet_write_string(ws, 0, 0, title != NULL ? title : "", f->title));
    keep(&o, worksheet_set_column(ws, 0, 0, 12, NULL));
    keep(&o, worksheet_set_column(ws, 1, 1, 60, NULL));
    keep(&o, worksheet_set_column(ws, 2, 2, 60, NULL));
    const char *heads[] = {"contents_sheet", "contents_title", "contents_base"};
    for (lxw_col_t c = 0; c < 3; c++)
        keep(&o, worksheet_write_string(ws, 2, c, hi_tab_text(tx, heads[c]), f->head));
    for (size_t i = 0; i < ts->n && o.le == LXW_NO_ERROR; i++) {
        const hi_table *t = &ts->t[i];
        lxw_row_t r = (lxw_row_t)(3 + i);
        char url[128], head[HI_TAB_MAX_LABEL + 80];
        snprintf(url, sizeof url, "internal:'%s'!A1", names[i]);
        keep(&o, worksheet_write_url_opt(ws, r, 0, url, f->link, names[i], NULL));
        snprintf(head, sizeof head, "%s %s", t->id, t->title);
        keep(&o, worksheet_write_string(ws, r, 1, t->book_title != NULL ? t->book_title : head,
                                        NULL));
        hoshi_buf base = HOSHI_BUF_INIT;
        hi_tab_base_line(&base, t, tx, hoshi_buf_puts);
        keep(&o, base.err != HOSHI_OK ? LXW_ERROR_MEMORY_MALLOC_FAILED
                                      : worksheet_write_string(ws, r, 2, base.data, NULL));
        hoshi_buf_free(&base);
    }
    return o.le;
}

/* The sheets of the tables, after the contents sheet when contents. */
static hoshi_err write_sheets(lxw_workbook *wb, const hoshi_tabset *ts, const formats *f,
                              bool sig, const hoshi_tab_texts *tx, bool contents,
                              const char *title, const char *path, const hi_tab_stats *stats)
{
    letter_formats lf = {wb, NULL, 0};
    char (*names)[64] = hi_calloc(ts->n ? ts->n : 1, sizeof *names);
    if (names == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory writing workbook %s", path);
    hoshi_err err = HOSHI_OK;
    for (size_t i = 0; i < ts->n; i++)
        sheet_name(names[i], sizeof names[i], ts, i);
    if (contents) {
        lxw_worksheet *ws = workbook_add_worksheet(wb, hi_tab_text(tx, "contents"));
        lxw_error le = ws == NULL ? LXW_ERROR_MEMORY_MALLOC_FAILED
                                  : write_contents(ws, ts, names, title, f, tx);
        if (le != LXW_NO_ERROR) {
            err = lxw_fail(le, path);
            goto free_names;
        }
    }
    for (size_t i = 0; i < ts->n; i++) {
        /* the names are valid and unique by construction; a refused one
         * gets Excel's default name rather than losing the table */
        lxw_worksheet *ws = workbook_add_worksheet(
            wb, workbook_validate_sheet_name(wb, names[i]) == LXW_NO_ERROR ? names[i] : NULL);
        if (ws == NULL) {
            err = hi_fail(HOSHI_ERR_NOMEM, "out of memory adding sheet %zu to %s", i + 1, path);
            goto free_names;
        }
        lxw_error le = write_sheet(ws, &ts->t[i], i, ts->n, f, sig, tx,
                                   stats != NULL ? &stats[i] : NULL, &lf);
        /* the native chart beside the table, from its header row */
        if (le == LXW_NO_ERROR)
            le = hi_xlsx_chart(wb, ws, &ts->t[i], sheet_header_row(&ts->t[i]));
        if (le != LXW_NO_ERROR) {
            err = lxw_fail(le, path);
            goto free_names;
        }
    }
free_names:
    free(lf.v);
    free(names);
    return err;
}

/* One workbook of the tables of ts, all or nothing. */
static hoshi_err write_workbook(const hoshi_tabset *ts, const hoshi_tab_render_opts *opts,
                                const char *path, bool contents, const char *title)
{
    hi_clear_error();
    bool sig = opts == NULL || opts->sig;
    const hoshi_tab_texts *tx = NULL;
    hoshi_tab_texts *owned = NULL;
    hi_tab_stats *stats = NULL;
    char *tmp = NULL;
    lxw_workbook *wb = NULL;
    hoshi_err err = hi_tab_texts_use(opts, &tx, &owned);
    if (err != HOSHI_OK)
        return err;
    if ((err = hi_tab_stats_all(ts, opts, &stats)) != HOSHI_OK)
        goto free_texts;
    if ((err = hi_xlsx_create(path, &tmp, &wb)) != HOSHI_OK)
        goto free_texts;
    formats f;
    if (!make_formats(wb, &f)) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory creating workbook %s", path);
        goto free_wb;
    }
    if ((err = write_sheets(wb, ts, &f, sig, tx, contents, title, path, stats)) != HOSHI_OK)
        goto free_wb;
    lxw_error le = workbook_close(wb);
    if (le != LXW_NO_ERROR)
        err = lxw_fail(le, path);
    err = hi_file_commit(tmp, path, err);
    goto free_tmp;

free_wb:
    lxw_workbook_free(wb);
    unlink(tmp);
free_tmp:
    free(tmp);
free_texts:
    hi_tab_stats_free(stats, ts->n);
    hoshi_tab_texts_free(owned);
    return err;
}

hoshi_err hoshi_tab_write_xlsx(const hoshi_tabset *ts, const hoshi_tab_render_opts *opts,
                               const char *path)
{
    return write_workbook(ts, opts, path, false, NULL);
}

hoshi_err hoshi_book_write_xlsx(const hoshi_tabset *ts, const char *title,
                                const hoshi_tab_render_opts *opts, const char *path)
{
    return write_workbook(ts, opts, path, true, title);
}
