/*
 * registry_data.c — the registry as a survey dataset (hoshi/registry_data.h):
 * rows of organisations in, a codebook.csv and a data.csv of the format of
 * hoshi tab out.  The data file grows row by row (a million organisations
 * make some 90 MB, past hoshi_buf's default cap, hence a cap of its own);
 * the codebook is made at the end, when the months present are known.
 * Labels come from the attribute texts (attrs.c) and the catalogue, never
 * from here.
 */
#include "hoshi/registry_data.h"
#include "hoshi/datafile.h"
#include "internal.h"
#include "pair_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Month codes are YYMM counted from 2000 (2026-01 is 2601): readable, and
 * within the codes a codebook allows (0..99999) until the year 2999. */
#define RD_FIRST_YEAR 2000
#define RD_YEARS 1000
#define RD_DATA_LIMIT ((size_t)1 << 30)

struct hoshi_registry_data {
    const hoshi_attrs *attrs;
    const hoshi_catalog *cat;
    hoshi_buf data;
    size_t rows;
    bool month_seen[RD_YEARS * 12];  /* (year - RD_FIRST_YEAR) * 12 + month - 1 */
};

hoshi_err hoshi_registry_data_new(const hoshi_attrs *attrs, const hoshi_catalog *c,
                                  hoshi_registry_data **out)
{
    hoshi_registry_data *w = hi_calloc(1, sizeof *w);
    if (w == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory starting the registry dataset");
    w->attrs = attrs;
    w->cat = c;
    w->data.limit = RD_DATA_LIMIT;
    hoshi_buf_puts(&w->data, "id");
    hoshi_attrs_header(&w->data);
    hoshi_buf_puts(&w->data, ",DSTATUS,DMONTH,DSTEP");
    for (int i = 1; i <= HOSHI_DIAG_ITEMS; i++)
        hoshi_buf_printf(&w->data, ",DIAG_%d", i);
    hoshi_buf_puts(&w->data, "\r\n");
    *out = w;
    return HOSHI_OK;
}

void hoshi_registry_data_free(hoshi_registry_data *w)
{
    if (w == NULL)
        return;
    hoshi_buf_free(&w->data);
    free(w);
}

size_t hoshi_registry_data_rows(const hoshi_registry_data *w)
{
    return w->rows;
}

/* The checks of one row; n is its number from 1 (for the message). */
static hoshi_err check_row(const hoshi_registry_row *row, size_t n)
{
    if (row->attrs.level != 1 && row->attrs.level != 2)
        return hi_fail(HOSHI_ERR_INPUT, "registry row %zu: level is %d, expected 1 or 2", n,
                       row->attrs.level);
    if (row->status != 1 && row->status != 2)
        return hi_fail(HOSHI_ERR_INPUT, "registry row %zu: status is %d, expected 1 or 2", n,
                       row->status);
    int year = row->month / 100, month = row->month % 100;
    if (year < RD_FIRST_YEAR || year >= RD_FIRST_YEAR + RD_YEARS || month < 1 || month > 12)
        return hi_fail(HOSHI_ERR_INPUT, "registry row %zu: month is %d, expected YYYYMM of 2000-2999", n,
                       row->month);
    size_t len = strnlen(row->answers, sizeof row->answers);
    if (len != 0 && len != HOSHI_DIAG_ITEMS)
        return hi_fail(HOSHI_ERR_INPUT, "registry row %zu: %zu diagnosis answers, expected %d or none",
                       n, len, HOSHI_DIAG_ITEMS);
    for (size_t i = 0; i < len; i++)
        if (row->answers[i] < '1' || row->answers[i] > '4')
            return hi_fail(HOSHI_ERR_INPUT, "registry row %zu: diagnosis answer %zu is not 1-4", n,
                           i + 1);
    return HOSHI_OK;
}

hoshi_err hoshi_registry_data_add(hoshi_registry_data *w, const hoshi_registry_row *row)
{
    hoshi_err err = check_row(row, w->rows + 1);
    if (err != HOSHI_OK)
        return err;
    w->rows++;
    hoshi_buf *b = &w->data;
    hoshi_buf_printf(b, "%zu", w->rows);
    hoshi_attrs_cells(b, &row->attrs);
    hoshi_buf_printf(b, ",%d,%d,%d", row->status, (row->month / 100 - RD_FIRST_YEAR) * 100 + row->month % 100,
                     row->stepped_up ? 1 : 2);
    bool has = row->answers[0] != '\0';
    for (int i = 0; i < HOSHI_DIAG_ITEMS; i++) {
        hoshi_buf_putc(b, ',');
        if (has)
            hoshi_buf_putc(b, row->answers[i]);
    }
    hoshi_buf_puts(b, "\r\n");
    w->month_seen[(row->month / 100 - RD_FIRST_YEAR) * 12 + row->month % 100 - 1] = true;
    return HOSHI_OK;
}

/* An SA question whose code labels are the list [section] name of attrs.ini. */
static void list_question(const hoshi_registry_data *w, hoshi_buf *b, const char *qid,
                          const char *section, int count)
{
    hoshi_codebook_row(b, qid, "SA", "", hoshi_attrs_text(w->attrs, "questions", qid));
    for (int code = 1; code <= count; code++) {
        char num[16];
        snprintf(num, sizeof num, "%d", code);
        const char *label = hoshi_attrs_nth(w->attrs, section, "name", (size_t)code - 1);
        hoshi_codebook_row(b, qid, "SA", num, label != NULL ? label : "[missing text]");
    }
}

/* DMONTH: one code per month present, labelled by [month] label. */
static hoshi_err month_question(const hoshi_registry_data *w, hoshi_buf *b)
{
    hoshi_codebook_row(b, "DMONTH", "SA", "", hoshi_attrs_text(w->attrs, "questions", "DMONTH"));
    for (size_t k = 0; k < RD_YEARS * 12; k++) {
        if (!w->month_seen[k])
            continue;
        int year = RD_FIRST_YEAR + (int)(k / 12), month = (int)(k % 12) + 1;
        char code[16], y[8], m[8];
        snprintf(code, sizeof code, "%d", (year - RD_FIRST_YEAR) * 100 + month);
        snprintf(y, sizeof y, "%d", year);
        snprintf(m, sizeof m, "%d", month);
        const char *name = hoshi_attrs_nth(w->attrs, "month", "month_name", (size_t)month - 1);
        const char *vars[] = {"year", y, "month", m, "month_name", name != NULL ? name : m, NULL};
        hoshi_buf lb = HOSHI_BUF_INIT;
        hoshi_buf_subst(&lb, hoshi_attrs_text(w->attrs, "month", "label"), vars, NULL);
        char *label;
        hoshi_err err = hoshi_buf_finish(&lb, &label, NULL);
        if (err != HOSHI_OK)
            return err;
        hoshi_codebook_row(b, "DMONTH", "SA", code, label);
        free(label);
    }
    return HOSHI_OK;
}

static void diag_question(const hoshi_registry_data *w, hoshi_buf *b)
{
    hoshi_codebook_row(b, "DIAG", "DIAG", "", hoshi_attrs_text(w->attrs, "questions", "DIAG"));
    for (int code = 1; code <= 4; code++) {
        char num[16];
        snprintf(num, sizeof num, "%d", code);
        hoshi_codebook_row(b, "DIAG", "DIAG", num, hoshi_catalog_answer_label(w->cat, code));
    }
}

hoshi_err hoshi_registry_data_finish(hoshi_registry_data *w, hoshi_encoding enc, char **codebook,
                                     size_t *codebook_len, char **data, size_t *data_len)
{
    *codebook = *data = NULL;
    hoshi_buf cb = HOSHI_BUF_INIT;
    hoshi_buf_puts(&cb, "qid,type,code,label\r\n");
    hoshi_attrs_codebook(w->attrs, &cb);
    list_question(w, &cb, "DSTATUS", "statuses", 2);
    hoshi_err err = month_question(w, &cb);
    if (err != HOSHI_OK) {
        hoshi_buf_free(&cb);
        return err;
    }
    list_question(w, &cb, "DSTEP", "steps", 2);
    diag_question(w, &cb);
    return hi_pair_finish(&cb, &w->data, enc, codebook, codebook_len, data, data_len);
}
