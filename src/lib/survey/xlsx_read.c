/*
 * xlsx_read.c — the sheets of an XLSForm workbook: the workbook part and
 * its relationships say which part holds the sheet NAMED survey, choices
 * or settings (never by position), the shared strings give the text of
 * "s" cells (phonetic runs left out), and each sheet's cells — sparse,
 * placed by their r="F12" references — become a table headed by its first
 * row.  Numbers come as Excel stores them ("1"), inline strings as typed.
 */
#include "survey/xlsx_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const wanted[3] = {"survey", "choices", "settings"};

/* ---- workbook.xml and its rels --------------------------------------------- */

typedef struct book {
    char *rid[3];          /* relationship id of each wanted sheet */
    char *target[3];       /* its part name */
} book;

static void out_of_memory(hi_xml *x)
{
    x->err = hi_fail(HOSHI_ERR_NOMEM, "out of memory reading the workbook");
    hi_xml_stop(x, "out of memory");
}

static char *dup_or_stop(hi_xml *x, const char *s)
{
    char *d = hi_strdup(s);
    if (d == NULL)
        out_of_memory(x);
    return d;
}

/* Stops on a failed text buffer: out of memory, or over the cell cap. */
static bool text_failed(hi_xml *x, const hoshi_buf *b, const char *over)
{
    if (b->err == HOSHI_OK)
        return false;
    if (b->err == HOSHI_ERR_NOMEM)
        out_of_memory(x);
    else
        hi_xml_stop(x, over);
    return true;
}

static void XMLCALL book_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    hi_xml *x = ud;
    book *b = x->ctx;
    if (strcmp(hi_xml_local(name), "sheet") != 0)
        return;
    const char *sn = hi_xml_attr(atts, "name"), *rid = hi_xml_attr(atts, "id");
    for (int i = 0; sn != NULL && rid != NULL && i < 3; i++)
        if (strcasecmp(sn, wanted[i]) == 0 && b->rid[i] == NULL)
            b->rid[i] = dup_or_stop(x, rid);
}

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    hi_xml *x = ud;
    book *b = x->ctx;
    if (strcmp(hi_xml_local(name), "Relationship") != 0)
        return;
    const char *id = hi_xml_attr(atts, "Id"), *target = hi_xml_attr(atts, "Target");
    if (id == NULL || target == NULL)
        return;
    for (int i = 0; i < 3; i++) {
        if (b->rid[i] == NULL || strcmp(b->rid[i], id) != 0 || b->target[i] != NULL)
            continue;
        char part[512];
        /* Targets are relative to xl/ unless absolute in the package. */
        int n = target[0] == '/' ? snprintf(part, sizeof part, "%s", target + 1)
                                 : snprintf(part, sizeof part, "xl/%s", target);
        if (n < 0 || (size_t)n >= sizeof part) {
            hi_xml_stop(x, "a relationship target too long");
            return;
        }
        b->target[i] = dup_or_stop(x, part);
    }
}

static void XMLCALL ignore_end(void *ud, const XML_Char *name)
{
    (void)ud, (void)name;
}

/* ---- sharedStrings.xml ---------------------------------------------------------- */

typedef struct strings {
    char **v;
    size_t n, cap;
    hoshi_buf text;
    bool in_si, in_t;
    int in_rph;
} strings;

static void strings_free(strings *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    hoshi_buf_free(&s->text);
}

static void XMLCALL ss_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    (void)atts;
    hi_xml *x = ud;
    strings *s = x->ctx;
    const char *l = hi_xml_local(name);
    if (strcmp(l, "si") == 0) {
        s->in_si = true;
        s->text.len = 0;
        if (s->text.data != NULL)
            s->text.data[0] = '\0';
    } else if (strcmp(l, "t") == 0) {
        s->in_t = true;
    } else if (strcmp(l, "rPh") == 0) {
        s->in_rph++;
    }
}

static void XMLCALL ss_end(void *ud, const XML_Char *name)
{
    hi_xml *x = ud;
    strings *s = x->ctx;
    const char *l = hi_xml_local(name);
    if (strcmp(l, "t") == 0) {
        s->in_t = false;
    } else if (strcmp(l, "rPh") == 0) {
        s->in_rph--;
    } else if (strcmp(l, "si") == 0) {
        s->in_si = false;
        if (text_failed(x, &s->text, "a shared string longer than a cell may be"))
            return;
        if (s->n == s->cap) {
            if (s->n >= HI_XLSX_MAX_STRINGS) {
                hi_xml_stop(x, "too many shared strings");
                return;
            }
            size_t cap = s->cap ? s->cap * 2 : 64;
            char **v = hi_realloc(s->v, cap * sizeof *v);
            if (v == NULL) {
                out_of_memory(x);
                return;
            }
            s->v = v;
            s->cap = cap;
        }
        char *t = dup_or_stop(x, s->text.len > 0 ? s->text.data : "");
        if (t != NULL)
            s->v[s->n++] = t;
    }
}

static void XMLCALL ss_text(void *ud, const XML_Char *t, int len)
{
    hi_xml *x = ud;
    strings *s = x->ctx;
    if (s->in_si && s->in_t && s->in_rph == 0)
        hoshi_buf_append(&s->text, t, (size_t)len);
}

/* ---- a worksheet ------------------------------------------------------------- */

typedef struct cell {
    size_t row, col;
    char *v;
} cell;

typedef struct sheet_rd {
    const strings *ss;
    cell *cells;
    size_t n, cap;
    size_t row, col;       /* the current row, and the last cell's column */
    char type[16];
    bool in_c, in_v, in_is, in_t;
    int in_rph;
    hoshi_buf text;
} sheet_rd;

/* "F12" → column 6, row 12; false when malformed or beyond Excel's grid. */
static bool parse_ref(const char *r, size_t *col, size_t *row)
{
    size_t c = 0, n = 0, k = 0;
    for (; *r >= 'A' && *r <= 'Z' && k < 3; r++, k++)
        c = c * 26 + (size_t)(*r - 'A' + 1);
    if (k == 0)
        return false;
    for (k = 0; *r >= '0' && *r <= '9' && k < 7; r++, k++)
        n = n * 10 + (size_t)(*r - '0');
    if (*r != '\0' || k == 0 || n == 0 || n > 1048576 || c > 16384)
        return false;
    *col = c;
    *row = n;
    return true;
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    hi_xml *x = ud;
    sheet_rd *s = x->ctx;
    const char *l = hi_xml_local(name);
    if (strcmp(l, "row") == 0) {
        const char *r = hi_xml_attr(atts, "r");
        long n = 0;
        if (r != NULL && !hoshi_parse_long(r, 1, 1048576, &n)) {
            hi_xml_stop(x, "a row with a bad number");
            return;
        }
        s->row = r != NULL ? (size_t)n : s->row + 1;
        s->col = 0;
    } else if (strcmp(l, "c") == 0) {
        const char *r = hi_xml_attr(atts, "r"), *t = hi_xml_attr(atts, "t");
        size_t col = s->col + 1, row = s->row;
        if (r != NULL && !parse_ref(r, &col, &row)) {
            hi_xml_stop(x, "a cell with a bad reference");
            return;
        }
        if (row != s->row || row == 0 || col > 16384) {
            hi_xml_stop(x, "a cell outside its row");
            return;
        }
        s->col = col;
        snprintf(s->type, sizeof s->type, "%s", t != NULL ? t : "n");
        s->in_c = true;
        s->text.len = 0;
        if (s->text.data != NULL)
            s->text.data[0] = '\0';
    } else if (s->in_c && strcmp(l, "v") == 0) {
        s->in_v = true;
    } else if (s->in_c && strcmp(l, "is") == 0) {
        s->in_is = true;
    } else if (s->in_is && strcmp(l, "t") == 0) {
        s->in_t = true;
    } else if (s->in_is && strcmp(l, "rPh") == 0) {
        s->in_rph++;
    }
}

static char *cell_value(hi_xml *x, sheet_rd *s)
{
    const char *raw = s->text.len > 0 ? s->text.data : "";
    if (text_failed(x, &s->text, "a cell longer than 8192 bytes"))
        return NULL;
    if (strcmp(s->type, "s") == 0) {
        long i = 0;
        if (!hoshi_parse_long(raw, 0, (long)s->ss->n - 1, &i)) {
            hi_xml_stop(x, "a cell names a shared string that does not exist");
            return NULL;
        }
        raw = s->ss->v[i];
    } else if (strcmp(s->type, "b") == 0) {
        raw = strcmp(raw, "1") == 0 ? "TRUE" : "FALSE";
    } else if (strcmp(s->type, "e") == 0) {
        hi_xml_stop(x, "a cell holds a formula error");
        return NULL;
    }
    return dup_or_stop(x, raw);
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
    hi_xml *x = ud;
    sheet_rd *s = x->ctx;
    const char *l = hi_xml_local(name);
    if (strcmp(l, "v") == 0) {
        s->in_v = false;
    } else if (strcmp(l, "is") == 0) {
        s->in_is = false;
    } else if (strcmp(l, "t") == 0) {
        s->in_t = false;
    } else if (strcmp(l, "rPh") == 0 && s->in_rph > 0) {
        s->in_rph--;
    } else if (strcmp(l, "c") == 0 && s->in_c) {
        s->in_c = false;
        char *v = cell_value(x, s);
        if (v == NULL)
            return;
        if (v[0] == '\0') {
            free(v);
            return;
        }
        if (s->n == s->cap) {
            size_t cap = s->cap ? s->cap * 2 : 64;
            cell *c = s->n < HI_XLSX_MAX_CELLS ? hi_realloc(s->cells, cap * sizeof *c) : NULL;
            if (c == NULL) {
                free(v);
                if (s->n < HI_XLSX_MAX_CELLS)
                    out_of_memory(x);
                else
                    hi_xml_stop(x, "too many cells");
                return;
            }
            s->cells = c;
            s->cap = cap;
        }
        s->cells[s->n++] = (cell){s->row, s->col, v};
    }
}

static void XMLCALL sheet_text(void *ud, const XML_Char *t, int len)
{
    hi_xml *x = ud;
    sheet_rd *s = x->ctx;
    if (s->in_c && (s->in_v || (s->in_is && s->in_t && s->in_rph == 0)))
        hoshi_buf_append(&s->text, t, (size_t)len);
}

static int cell_cmp(const void *a, const void *b)
{
    const cell *p = a, *q = b;
    if (p->row != q->row)
        return p->row < q->row ? -1 : 1;
    return p->col < q->col ? -1 : p->col > q->col;
}

/* The sorted cells as a sheet headed by the first row. */
static hoshi_err cells_to_sheet(sheet_rd *s, hi_sheet *out)
{
    qsort(s->cells, s->n, sizeof *s->cells, cell_cmp);
    size_t i = 0, hrow = s->n > 0 ? s->cells[0].row : 0;
    size_t nh = 0;
    while (nh < s->n && s->cells[nh].row == hrow)
        nh++;
    char **head = hi_calloc(nh + 1, sizeof *head);
    size_t *colno = hi_calloc(nh + 1, sizeof *colno);
    if (head == NULL || colno == NULL) {
        free(head);
        free(colno);
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    }
    for (; i < nh; i++) {
        head[i] = s->cells[i].v;
        colno[i] = s->cells[i].col;
        s->cells[i].v = NULL;
    }
    hoshi_err err = hi_sheet_set_head(out, head, nh, colno);
    while (err == HOSHI_OK && i < s->n) {
        size_t row = s->cells[i].row;
        char **cells = hi_calloc(nh + 1, sizeof *cells);
        if (cells == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        for (; i < s->n && s->cells[i].row == row; i++) {
            size_t h = 0;
            while (h < nh && colno[h] != s->cells[i].col)
                h++;
            if (h == nh || cells[h] != NULL) {
                char where[64];
                snprintf(where, sizeof where, "%s:%zu", out->name, row);
                err = hi_fail(HOSHI_ERR_INPUT, "%s: %s", where, h == nh
                              ? "a value in a column without a header" : "the same cell twice");
                break;
            }
            cells[h] = s->cells[i].v;
            s->cells[i].v = NULL;
        }
        for (size_t h = 0; h < nh; h++)
            if (cells[h] == NULL && (cells[h] = hi_strdup("")) == NULL && err == HOSHI_OK)
                err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        if (err != HOSHI_OK) {
            for (size_t h = 0; h < nh; h++)
                free(cells[h]);
            free(cells);
            break;
        }
        err = hi_sheet_add_row(out, cells, row);
    }
    return err;
}

static hoshi_err read_sheet(hi_xlsx_zip *z, const char *part, const strings *ss, hi_sheet *out)
{
    char *xml = NULL;
    size_t len = 0;
    hoshi_err err = hi_xlsx_zip_read(z, part, true, &xml, &len);
    if (err != HOSHI_OK)
        return err;
    sheet_rd s = {.ss = ss, .text = HOSHI_BUF_INIT};
    s.text.limit = HI_FORM_MAX_CELL;
    hi_xml x = {.start = sheet_start, .end = sheet_end, .text = sheet_text, .ctx = &s};
    err = hi_xml_parse(&x, part, xml, len);
    free(xml);
    hoshi_buf_free(&s.text);
    if (err == HOSHI_OK)
        err = cells_to_sheet(&s, out);
    for (size_t i = 0; i < s.n; i++)
        free(s.cells[i].v);
    free(s.cells);
    return err;
}

static hoshi_err parse_part(hi_xlsx_zip *z, const char *part, bool need, hi_xml *x)
{
    char *xml = NULL;
    size_t len = 0;
    hoshi_err err = hi_xlsx_zip_read(z, part, need, &xml, &len);
    if (err == HOSHI_OK && xml != NULL)
        err = hi_xml_parse(x, part, xml, len);
    free(xml);
    return err;
}

hoshi_err hi_sheets_from_xlsx(hi_sheets *sh, const char *data, size_t len)
{
    hi_xlsx_zip *z = NULL;
    hoshi_err err = hi_xlsx_zip_open(data, len, &z);
    if (err != HOSHI_OK)
        return err;
    book b = {{NULL}, {NULL}};
    strings ss = {.text = HOSHI_BUF_INIT};
    ss.text.limit = HI_FORM_MAX_CELL;
    hi_xml xb = {.start = book_start, .end = ignore_end, .ctx = &b};
    hi_xml xr = {.start = rels_start, .end = ignore_end, .ctx = &b};
    hi_xml xs = {.start = ss_start, .end = ss_end, .text = ss_text, .ctx = &ss};
    if ((err = parse_part(z, "xl/workbook.xml", true, &xb)) == HOSHI_OK &&
        (err = parse_part(z, "xl/_rels/workbook.xml.rels", true, &xr)) == HOSHI_OK)
        err = parse_part(z, "xl/sharedStrings.xml", false, &xs);
    if (err == HOSHI_OK && b.rid[0] == NULL)
        err = hi_fail(HOSHI_ERR_INPUT, "xlsx: the workbook has no sheet named survey");
    for (int i = 0; i < 3 && err == HOSHI_OK; i++) {
        if (b.rid[i] == NULL)
            continue;
        if (b.target[i] == NULL)
            err = hi_fail(HOSHI_ERR_INPUT, "xlsx: sheet %s has no part", wanted[i]);
        else
            err = read_sheet(z, b.target[i], &ss, &sh->s[i]);
    }
    for (int i = 0; i < 3; i++) {
        free(b.rid[i]);
        free(b.target[i]);
    }
    strings_free(&ss);
    hi_xlsx_zip_close(z);
    return err;
}
