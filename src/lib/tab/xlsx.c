/*
 * xlsx.c — tables as an Excel workbook laid out like a report table,
 * through libxlsxwriter: one sheet per table, title and side above, wrapped
 * column headers, an N column, percentages as numbers with one decimal and
 * — for zero, small bases marked 参考値, significant cells coloured (red
 * higher, blue lower), and the notes on method below.  The workbook is
 * written to a temporary name and renamed, so a failure leaves nothing.
 */
#include "tab/tab.h"
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

/* tab.ini keys of the statistics' names, after N */
static const char *const stat_keys[] = {"N", "stat_mean", "stat_median", "stat_min", "stat_max",
                                        "stat_sd"};

/* Writes one table; returns the first error libxlsxwriter reported. */
static lxw_error write_sheet(lxw_worksheet *ws, const hi_table *t,
                             const formats *f, bool sig, const hoshi_tab_texts *tx)
{
    lxw_error le = LXW_NO_ERROR;
#define W(call) do { lxw_error e_ = (call); if (le == LXW_NO_ERROR) le = e_; } while (0)
    char title[HI_TAB_MAX_LABEL + 80];
    snprintf(title, sizeof title, "%s %s", t->id, t->title);
    W(worksheet_write_string(ws, 0, 0, title, f->title));
    if (t->side) {
        char side[HI_TAB_MAX_LABEL + 80];
        snprintf(side, sizeof side, "%s: %s", hi_tab_text(tx, "side"), t->side);
        W(worksheet_write_string(ws, 1, 0, side, NULL));
    }
    lxw_row_t hr = 3;
    size_t nc = t->num ? HI_ST_COUNT - 1 : t->n_cols;
    W(worksheet_set_column(ws, 0, 0, 28, NULL));
    W(worksheet_set_column(ws, 1, 1, 8, NULL));
    W(worksheet_set_column(ws, 2, (lxw_col_t)(1 + nc), 11, NULL));
    W(worksheet_set_row(ws, hr, 96, NULL));
    W(worksheet_write_string(ws, hr, 0, "", f->head));
    W(worksheet_write_string(ws, hr, 1, "N", f->head));
    for (size_t c = 0; c < nc; c++)
        W(worksheet_write_string(ws, hr, (lxw_col_t)(2 + c),
                                 t->num ? hi_tab_text(tx, stat_keys[c + 1])
                                        : hi_tab_col_label(t, c, tx), f->head));
    for (size_t r = 0; r < t->n_rows; r++) {
        lxw_row_t row = (lxw_row_t)(hr + 1 + r);
        char lab[HI_TAB_MAX_LABEL + 40];
        bool small = hi_tab_small_base(t, r);
        snprintf(lab, sizeof lab, "%s%s%s", hi_tab_row_label(t, r, tx), small ? " " : "",
                 small ? hi_tab_text(tx, "small_base") : "");
        W(worksheet_write_string(ws, row, 0, lab, r == 0 ? f->total : f->label));
        if (t->num) {
            const double *st = &t->stat[r * HI_ST_COUNT];
            W(worksheet_write_number(ws, row, 1, st[HI_ST_N], f->n));
            for (int i = HI_ST_MEAN; i < HI_ST_COUNT; i++) {
                if (st[HI_ST_N] > 0)
                    W(worksheet_write_number(ws, row, (lxw_col_t)(1 + i), st[i], f->stat));
                else
                    W(worksheet_write_blank(ws, row, (lxw_col_t)(1 + i), f->stat));
            }
            continue;
        }
        W(worksheet_write_number(ws, row, 1, (double)t->row_n[r], f->n));
        for (size_t c = 0; c < nc; c++) {
            uint64_t p = hi_pct10(t->count[r * t->n_cols + c], t->row_n[r]);
            int8_t s = sig && !small ? t->sig[r * t->n_cols + c] : 0;
            W(worksheet_write_number(ws, row, (lxw_col_t)(2 + c), (double)p / 10.0,
                                     s > 0 ? f->pct_up : s < 0 ? f->pct_dn : f->pct));
        }
    }
    worksheet_freeze_panes(ws, hr + 1, 2);
    lxw_row_t nr = (lxw_row_t)(hr + 2 + t->n_rows);
    size_t n_notes = hi_tab_note_count(tx);
    for (size_t i = 0; i < n_notes; i++)
        W(worksheet_write_string(ws, nr + (lxw_row_t)i, 0, hi_tab_note(tx, i), f->note));
    if (sig)
        W(worksheet_write_string(ws, nr + (lxw_row_t)n_notes, 0,
                                 hi_tab_text(tx, "sig_legend_xlsx"), f->note));
    return le;
#undef W
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
        lxw_error le = write_sheet(ws, &ts->t[i], &f, sig, tx);
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
