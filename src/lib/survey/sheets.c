/*
 * sheets.c — the three sheets of an XLSForm as plain tables of text,
 * whatever they were read from: CSV files (through the tab engine's RFC
 * 4180 reader, csvtok.c), an .xlsx workbook (xlsx_read.c) or the blob the
 * store keeps (hoshi_form_serialize).  Rows keep the number the user sees,
 * so every later message can say "survey:12:relevant".
 */
#include "survey/form_int.h"
#include "tab/tab_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const sheet_names[3] = {"survey", "choices", "settings"};

void hi_sheets_init(hi_sheets *sh)
{
    memset(sh, 0, sizeof *sh);
    for (int i = 0; i < 3; i++)
        sh->s[i].name = sheet_names[i];
}

static void free_strs(char **v, size_t n)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void hi_sheets_free(hi_sheets *sh)
{
    for (int i = 0; i < 3; i++) {
        hi_sheet *s = &sh->s[i];
        free_strs(s->head, s->ncols);
        free_strs(s->cells, s->nrows * s->ncols);
        free(s->rowno);
        free(s->colno);
    }
    hi_sheets_init(sh);
}

hoshi_err hi_sheet_set_head(hi_sheet *s, char **head, size_t ncols, size_t *colno)
{
    if (ncols > HI_FORM_MAX_COLS) {
        free_strs(head, ncols);
        free(colno);
        return hi_fail(HOSHI_ERR_LIMIT, "%s:1: more than %d columns", s->name, HI_FORM_MAX_COLS);
    }
    s->head = head;
    s->ncols = ncols;
    s->colno = colno;
    return HOSHI_OK;
}

static bool blank_row(char **cells, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (cells[i][0] != '\0')
            return false;
    return true;
}

hoshi_err hi_sheet_add_row(hi_sheet *s, char **cells, size_t rowno)
{
    if (blank_row(cells, s->ncols)) {
        free_strs(cells, s->ncols);
        return HOSHI_OK;
    }
    if (s->nrows >= HI_FORM_MAX_ROWS) {
        free_strs(cells, s->ncols);
        return hi_fail(HOSHI_ERR_LIMIT, "%s:%zu: more than %d rows", s->name, rowno,
                       HI_FORM_MAX_ROWS);
    }
    if (s->nrows == s->caprows) {
        size_t cap = s->caprows ? s->caprows * 2 : 16;
        char **c = hi_realloc(s->cells, cap * s->ncols * sizeof *c + sizeof *c);
        if (c != NULL)
            s->cells = c;
        size_t *r = hi_realloc(s->rowno, cap * sizeof *r);
        if (r != NULL)
            s->rowno = r;
        if (c == NULL || r == NULL) {
            free_strs(cells, s->ncols);
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", s->name);
        }
        s->caprows = cap;
    }
    memcpy(s->cells + s->nrows * s->ncols, cells, s->ncols * sizeof *cells);
    free(cells);
    s->rowno[s->nrows++] = rowno;
    return HOSHI_OK;
}

static void col_letters(size_t col, char *out, size_t size)
{
    char tmp[8];
    size_t n = 0;
    while (col > 0 && n < sizeof tmp) {
        tmp[n++] = (char)('A' + (col - 1) % 26);
        col = (col - 1) / 26;
    }
    size_t i = 0;
    for (; i < n && i + 1 < size; i++)
        out[i] = tmp[n - 1 - i];
    out[i] = '\0';
}

void hi_sheet_where(const hi_sheet *s, size_t row, size_t col, char *buf, size_t size)
{
    size_t rowno = row == HI_FORM_NONE ? 1 : s->rowno[row];
    if (col >= s->ncols) { /* a message about the row as a whole */
        snprintf(buf, size, "%s:%zu", s->name, rowno);
        return;
    }
    const char *cname = s->head[col];
    if (s->colno != NULL) {
        char letters[8];
        col_letters(s->colno[col], letters, sizeof letters);
        snprintf(buf, size, "%s:%zu:%s (%s%zu)", s->name, rowno, cname, letters, rowno);
    } else {
        snprintf(buf, size, "%s:%zu:%s", s->name, rowno, cname);
    }
}

/* Copies the fields of rec into exactly ncols strings (missing ones ""),
 * failing when a row has a value beyond the header. */
static hoshi_err row_cells(const hi_sheet *s, hi_csvrec *rec, char ***out)
{
    for (size_t i = s->ncols; i < rec->n; i++)
        if (rec->f[i][0] != '\0')
            return hi_fail(HOSHI_ERR_INPUT, "%s:%zu: a value in column %zu, which has no header",
                           s->name, rec->line, i + 1);
    char **cells = hi_calloc(s->ncols + 1, sizeof *cells);
    if (cells == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", s->name);
    for (size_t i = 0; i < s->ncols; i++) {
        if (i < rec->n) {
            cells[i] = rec->f[i];
            rec->f[i] = NULL;
        } else {
            cells[i] = hi_strdup("");
        }
        if (cells[i] == NULL) {
            free_strs(cells, i);
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", s->name);
        }
        if (strlen(cells[i]) > HI_FORM_MAX_CELL) {
            free_strs(cells, i + 1);
            return hi_fail(HOSHI_ERR_LIMIT, "%s:%zu:%s: more than %d bytes in a cell", s->name,
                           rec->line, s->head[i], HI_FORM_MAX_CELL);
        }
    }
    *out = cells;
    return HOSHI_OK;
}

static hoshi_err take_head(hi_sheet *s, hi_csvrec *rec)
{
    size_t n = rec->n;
    while (n > 0 && rec->f[n - 1][0] == '\0')
        n--; /* trailing empty header cells (spreadsheet exports) */
    char **head = hi_calloc(n + 1, sizeof *head);
    if (head == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", s->name);
    for (size_t i = 0; i < n; i++) {
        head[i] = rec->f[i];
        rec->f[i] = NULL;
    }
    return hi_sheet_set_head(s, head, n, NULL);
}

hoshi_err hi_sheet_from_csv(hi_sheet *s, const char *name, const char *text, size_t len)
{
    s->name = name;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }
    size_t bad = hoshi_utf8_invalid_at(text, len);
    if (bad < len)
        return hi_fail(HOSHI_ERR_INPUT, "%s: invalid UTF-8 at byte %zu (save the sheet as "
                       "CSV UTF-8)", name, bad + 1);
    hi_csvtok t = {text, text + len, name, 1, HOSHI_BUF_INIT};
    hi_csvrec rec = {NULL, 0, 0, 0};
    hoshi_err err = HOSHI_OK;
    bool got, first = true;
    while ((err = hi_csvtok_next(&t, &rec, &got)) == HOSHI_OK && got) {
        if (first) {
            first = false;
            err = take_head(s, &rec);
        } else {
            char **cells = NULL;
            err = row_cells(s, &rec, &cells);
            if (err == HOSHI_OK)
                err = hi_sheet_add_row(s, cells, rec.line);
        }
        if (err != HOSHI_OK)
            break;
    }
    hi_csvrec_free(&rec);
    hoshi_buf_free(&t.field);
    return err;
}

/* ---- the stored blob -------------------------------------------------------- */

static const char blob_magic[] = "hoshi-form 1\n";

bool hi_sheets_is_blob(const char *data, size_t len)
{
    return len >= sizeof blob_magic - 1 && memcmp(data, blob_magic, sizeof blob_magic - 1) == 0;
}

static void sheet_csv(hoshi_buf *b, const hi_sheet *s)
{
    for (size_t c = 0; c < s->ncols; c++) {
        if (c > 0)
            hoshi_buf_putc(b, ',');
        hoshi_buf_csv(b, s->head[c], ',');
    }
    if (s->ncols > 0)
        hoshi_buf_putc(b, '\n');
    for (size_t r = 0; r < s->nrows; r++) {
        for (size_t c = 0; c < s->ncols; c++) {
            if (c > 0)
                hoshi_buf_putc(b, ',');
            hoshi_buf_csv(b, hi_cell(s, r, c), ',');
        }
        hoshi_buf_putc(b, '\n');
    }
}

static hoshi_err blob_failed(hoshi_err err)
{
    if (err == HOSHI_ERR_NOMEM)
        return hi_fail(err, "out of memory storing the definition");
    return hi_fail(err, "the definition is larger than %zu bytes", HOSHI_FORM_MAX_DEF);
}

hoshi_err hi_sheets_to_blob(const hi_sheets *sh, char **out, size_t *len)
{
    hoshi_buf b = HOSHI_BUF_INIT;
    b.limit = HOSHI_FORM_MAX_DEF;
    hoshi_buf_puts(&b, blob_magic);
    for (int i = 0; i < 3; i++) {
        hoshi_buf one = HOSHI_BUF_INIT;
        one.limit = HOSHI_FORM_MAX_DEF;
        sheet_csv(&one, &sh->s[i]);
        if (one.err != HOSHI_OK) {
            hoshi_err e = one.err;
            hoshi_buf_free(&one);
            hoshi_buf_free(&b);
            return blob_failed(e);
        }
        hoshi_buf_printf(&b, "sheet %s %zu\n", sh->s[i].name, one.len);
        hoshi_buf_append(&b, one.data, one.len);
        hoshi_buf_putc(&b, '\n');
        hoshi_buf_free(&one);
    }
    hoshi_err err = hoshi_buf_finish(&b, out, len);
    return err == HOSHI_OK ? HOSHI_OK : blob_failed(err);
}

hoshi_err hi_sheets_from_blob(hi_sheets *sh, const char *data, size_t len)
{
    if (len > HOSHI_FORM_MAX_DEF)
        return hi_fail(HOSHI_ERR_LIMIT, "stored definition larger than %zu bytes",
                       HOSHI_FORM_MAX_DEF);
    const char *p = data + sizeof blob_magic - 1, *end = data + len;
    for (int i = 0; i < 3; i++) {
        char head[64];
        int n = snprintf(head, sizeof head, "sheet %s ", sheet_names[i]);
        if ((size_t)(end - p) < (size_t)n || memcmp(p, head, (size_t)n) != 0)
            return hi_fail(HOSHI_ERR_INPUT, "stored definition: sheet %s missing", sheet_names[i]);
        p += n;
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        long bytes = 0;
        char num[24];
        if (nl == NULL || nl - p == 0 || (size_t)(nl - p) >= sizeof num)
            return hi_fail(HOSHI_ERR_INPUT, "stored definition: bad size of sheet %s",
                           sheet_names[i]);
        memcpy(num, p, (size_t)(nl - p));
        num[nl - p] = '\0';
        if (!hoshi_parse_long(num, 0, (long)len, &bytes) ||
            (size_t)bytes + 1 > (size_t)(end - nl - 1) || nl[1 + bytes] != '\n')
            return hi_fail(HOSHI_ERR_INPUT, "stored definition: bad size of sheet %s",
                           sheet_names[i]);
        hoshi_err err = hi_sheet_from_csv(&sh->s[i], sheet_names[i], nl + 1, (size_t)bytes);
        if (err != HOSHI_OK)
            return err;
        p = nl + 1 + bytes + 1;
    }
    if (p != end)
        return hi_fail(HOSHI_ERR_INPUT, "stored definition: text after the last sheet");
    return HOSHI_OK;
}
