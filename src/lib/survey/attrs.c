/*
 * attrs.c — the organisation's attributes as survey questions: the words
 * of data/text/<lang>/attrs.ini behind a read-only handle, checked whole
 * at open, and the codebook rows and data cells of DLEVEL, DSIZE,
 * DINDUSTRY, DPREF and DSCORE.  The web application's choices, the
 * registry dataset (registry_data.c) and survey exports all take these
 * codes and labels from here, so each is written once.
 */
#include "hoshi/attrs.h"
#include "hoshi/datafile.h"
#include "internal.h"
#include "tab/tab_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hoshi_attrs {
    hoshi_datafile *df;
};

/* Per attribute: its question id, its list in attrs.ini, its size. */
static const struct {
    const char *qid;
    const char *section;
    int count;
} attr_info[HOSHI_ATTR_COUNT] = {
    {"DLEVEL", "levels", 2},
    {"DSIZE", "employees", 6},
    {"DINDUSTRY", "industries", 20},
    {"DPREF", "prefectures", 47},
};

static hoshi_err check_complete(const hoshi_attrs *a)
{
    for (int w = 0; w < HOSHI_ATTR_COUNT; w++) {
        size_t have = hoshi_datafile_count(a->df, attr_info[w].section, "name");
        if (have != (size_t)attr_info[w].count)
            return hi_fail(HOSHI_ERR_DATA, "%s: [%s] has %zu names, expected %d",
                           hoshi_datafile_path(a->df), attr_info[w].section, have,
                           attr_info[w].count);
        if (hoshi_datafile_get(a->df, "questions", attr_info[w].qid) == NULL)
            return hi_fail(HOSHI_ERR_DATA, "%s: [questions] lacks %s", hoshi_datafile_path(a->df),
                           attr_info[w].qid);
    }
    if (hoshi_datafile_get(a->df, "questions", "DSCORE") == NULL)
        return hi_fail(HOSHI_ERR_DATA, "%s: [questions] lacks DSCORE", hoshi_datafile_path(a->df));
    return HOSHI_OK;
}

hoshi_err hoshi_attrs_open(const char *datadir, hoshi_lang lang, hoshi_attrs **out)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/text/%s/attrs.ini",
                     datadir != NULL ? datadir : hoshi_datadir_default(), hoshi_lang_code(lang));
    if (n < 0 || (size_t)n >= sizeof path)
        return hi_fail(HOSHI_ERR_DATA, "data directory path too long");
    hoshi_attrs *a = hi_calloc(1, sizeof *a);
    if (a == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory opening the attribute texts");
    hoshi_err err = hoshi_datafile_load(path, &a->df);
    if (err == HOSHI_OK)
        err = check_complete(a);
    if (err != HOSHI_OK) {
        hoshi_attrs_free(a);
        return err;
    }
    *out = a;
    return HOSHI_OK;
}

void hoshi_attrs_free(hoshi_attrs *a)
{
    if (a == NULL)
        return;
    hoshi_datafile_free(a->df);
    free(a);
}

int hoshi_attrs_count(hoshi_attr which)
{
    return (unsigned)which < HOSHI_ATTR_COUNT ? attr_info[which].count : 0;
}

const char *hoshi_attrs_label(const hoshi_attrs *a, hoshi_attr which, int code)
{
    if (code < 1 || code > hoshi_attrs_count(which))
        return NULL;
    return hoshi_datafile_nth(a->df, attr_info[which].section, "name", (size_t)code - 1);
}

const char *hoshi_attrs_text(const hoshi_attrs *a, const char *section, const char *key)
{
    const char *v = hoshi_datafile_get(a->df, section, key);
    return v != NULL ? v : "[missing text]";
}

const char *hoshi_attrs_nth(const hoshi_attrs *a, const char *section, const char *key, size_t n)
{
    return hoshi_datafile_nth(a->df, section, key, n);
}

int hoshi_attrs_industry_code(const char *letter)
{
    if (letter == NULL || letter[0] < 'A' || letter[0] > 'T' || letter[1] != '\0')
        return 0;
    return letter[0] - 'A' + 1;
}

void hoshi_codebook_row(hoshi_buf *b, const char *qid, const char *type, const char *code,
                        const char *label)
{
    hoshi_buf_csv(b, qid, ',');
    hoshi_buf_putc(b, ',');
    hoshi_buf_csv(b, type, ',');
    hoshi_buf_putc(b, ',');
    hoshi_buf_csv(b, code, ',');
    hoshi_buf_putc(b, ',');
    hoshi_buf_csv(b, label, ',');
    hoshi_buf_puts(b, "\r\n");
}

void hoshi_attrs_codebook(const hoshi_attrs *a, hoshi_buf *b)
{
    for (int w = 0; w < HOSHI_ATTR_COUNT; w++) {
        const char *qid = attr_info[w].qid;
        hoshi_codebook_row(b, qid, "SA", "", hoshi_attrs_text(a, "questions", qid));
        for (int code = 1; code <= attr_info[w].count; code++) {
            char num[16];
            snprintf(num, sizeof num, "%d", code);
            hoshi_codebook_row(b, qid, "SA", num, hoshi_attrs_label(a, (hoshi_attr)w, code));
        }
    }
    hoshi_codebook_row(b, "DSCORE", "NUM", "", hoshi_attrs_text(a, "questions", "DSCORE"));
}

void hoshi_attrs_header(hoshi_buf *b)
{
    for (int w = 0; w < HOSHI_ATTR_COUNT; w++) {
        hoshi_buf_putc(b, ',');
        hoshi_buf_puts(b, attr_info[w].qid);
    }
    hoshi_buf_puts(b, ",DSCORE");
}

/* A code cell: the code when it is in range, else empty. */
static void code_cell(hoshi_buf *b, hoshi_attr which, int code)
{
    hoshi_buf_putc(b, ',');
    if (code >= 1 && code <= attr_info[which].count)
        hoshi_buf_printf(b, "%d", code);
}

void hoshi_attrs_cells(hoshi_buf *b, const hoshi_org_attrs *o)
{
    code_cell(b, HOSHI_ATTR_LEVEL, o->level);
    code_cell(b, HOSHI_ATTR_SIZE, o->size);
    code_cell(b, HOSHI_ATTR_INDUSTRY, o->industry);
    code_cell(b, HOSHI_ATTR_PREF, o->prefecture);
    hoshi_buf_putc(b, ',');
    if (o->has_score)
        hoshi_buf_printf(b, "%d", o->score);
}
