/*
 * fa_xlsx.c — a listing of free answers as a workbook sheet: the title,
 * how many answers are shown, then one row per answer (id, attributes,
 * answer), every value written as a string so no answer can become a
 * formula.  Coders work from this sheet, so answers are whole up to the
 * size of an Excel cell (cut with "…" past it).  hi_fa_xlsx_sheet() lets
 * a table book put a listing on a sheet of its own workbook.
 */
#include "tab/fa.h"
#include "tab/table.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "tab/xlsx_file.h"

#include "hoshi/text.h"

#define CELL_BYTES 32000    /* an Excel cell holds 32,767 characters */

typedef struct sheet {
    lxw_worksheet *ws;
    lxw_format *title, *head, *cell;
    lxw_error le;
} sheet;

static void put(sheet *s, lxw_row_t r, lxw_col_t c, const char *text, lxw_format *f)
{
    lxw_error e = worksheet_write_string(s->ws, r, c, text, f);
    if (s->le == LXW_NO_ERROR)
        s->le = e;
}

static hoshi_err lxw_err(lxw_error le)
{
    if (le == LXW_ERROR_MEMORY_MALLOC_FAILED)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory writing a workbook");
    return hi_fail(HOSHI_ERR_IO, "cannot write the listing sheet: %s", lxw_strerror(le));
}

/* The answer as a cell holds it. */
static void put_answer(sheet *s, lxw_row_t r, lxw_col_t c, const char *text)
{
    bool cut;
    size_t n = hi_fa_cut(text, CELL_BYTES, &cut);
    if (!cut) {
        put(s, r, c, text, s->cell);
        return;
    }
    char *t = hi_malloc(n + sizeof "…");
    if (t == NULL) {
        if (s->le == LXW_NO_ERROR)
            s->le = LXW_ERROR_MEMORY_MALLOC_FAILED;
        return;
    }
    memcpy(t, text, n);
    memcpy(t + n, "…", sizeof "…");
    put(s, r, c, t, s->cell);
    free(t);
}

hoshi_err hi_fa_xlsx_sheet(void *wbv, void *wsv, const hoshi_falist *l,
                           const hoshi_fa_render_opts *opts, const hoshi_tab_texts *tx)
{
    (void)opts;
    lxw_workbook *wb = wbv;
    sheet s = {wsv, workbook_add_format(wb), workbook_add_format(wb), workbook_add_format(wb),
               LXW_NO_ERROR};
    if (s.title == NULL || s.head == NULL || s.cell == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory writing a workbook");
    format_set_bold(s.title);
    format_set_font_size(s.title, 12);
    format_set_bold(s.head);
    format_set_border(s.head, LXW_BORDER_THIN);
    format_set_bg_color(s.head, 0xEEEEFF);
    format_set_border(s.cell, LXW_BORDER_THIN);
    format_set_text_wrap(s.cell);
    format_set_align(s.cell, LXW_ALIGN_VERTICAL_TOP);
    char title[2 * HI_TAB_MAX_LABEL];
    snprintf(title, sizeof title, "%s %s", l->var, l->title);
    put(&s, 0, 0, title, s.title);
    char *count = NULL;
    hoshi_err err = hi_fa_count_text(l, tx, &count);
    if (err != HOSHI_OK)
        return err;
    put(&s, 1, 0, count, NULL);
    free(count);
    lxw_col_t answer = (lxw_col_t)(1 + l->n_attrs);
    worksheet_set_column(s.ws, 0, 0, 10, NULL);
    if (l->n_attrs > 0)
        worksheet_set_column(s.ws, 1, (lxw_col_t)l->n_attrs, 18, NULL);
    worksheet_set_column(s.ws, answer, answer, 80, NULL);
    put(&s, 3, 0, hi_tab_text(tx, "fa_id"), s.head);
    for (size_t a = 0; a < l->n_attrs; a++) {
        snprintf(title, sizeof title, "%s%s%s", l->attr_name[a], l->attr_title[a][0] ? " " : "",
                 l->attr_title[a]);
        put(&s, 3, (lxw_col_t)(1 + a), title, s.head);
    }
    put(&s, 3, answer, hi_tab_text(tx, "fa_answer"), s.head);
    for (size_t i = 0; i < l->n; i++) {
        lxw_row_t r = (lxw_row_t)(4 + i);
        put(&s, r, 0, l->id[i], s.cell);
        for (size_t a = 0; a < l->n_attrs; a++)
            put(&s, r, (lxw_col_t)(1 + a), l->attr[i * l->n_attrs + a], s.cell);
        put_answer(&s, r, answer, l->text[i]);
    }
    worksheet_freeze_panes(s.ws, 4, 1);
    return s.le == LXW_NO_ERROR ? HOSHI_OK : lxw_err(s.le);
}

hoshi_err hoshi_falist_write_xlsx(const hoshi_falist *l, const hoshi_fa_render_opts *opts,
                                  const char *path)
{
    hi_clear_error();
    hoshi_fa_render_opts none = {false, false, 0, HOSHI_LANG_JA, NULL};
    if (opts == NULL)
        opts = &none;
    const hoshi_tab_texts *tx = NULL;
    hoshi_tab_texts *owned = NULL;
    hoshi_tab_render_opts ro = {.lang = opts->lang, .texts = opts->texts};
    hoshi_err err = hi_tab_texts_use(&ro, &tx, &owned);
    if (err != HOSHI_OK)
        return err;
    char *tmp = NULL;
    lxw_workbook *wb = NULL;
    if ((err = hi_xlsx_create(path, &tmp, &wb)) != HOSHI_OK)
        goto free_texts;
    lxw_worksheet *ws = workbook_add_worksheet(wb, l->var);
    if (ws == NULL)
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory creating workbook %s", path);
    else
        err = hi_fa_xlsx_sheet(wb, ws, l, opts, tx);
    if (err != HOSHI_OK) {
        lxw_workbook_free(wb);
        unlink(tmp);
        goto free_tmp;
    }
    lxw_error le = workbook_close(wb);
    if (le != LXW_NO_ERROR)
        err = hi_fail(HOSHI_ERR_IO, "cannot write %s: %s", path, lxw_strerror(le));
    err = hi_file_commit(tmp, path, err);
free_tmp:
    free(tmp);
free_texts:
    hoshi_tab_texts_free(owned);
    return err;
}
