/*
 * export.c — submitted responses to a codebook.csv + data.csv pair
 * (hoshi/survey_export.h).  The data file grows one row per response as
 * the store hands them over (a 100,000-response survey makes tens of MB,
 * past hoshi_buf's default cap, hence a cap of its own); the codebook is
 * made at the end.  The form writes its own columns and codebook rows,
 * attrs.c the attributes', so this file only joins them, decodes each
 * stored response and, on request, adds the "was it shown" columns that
 * make a routed question's base.  Encoding to CP932 is the tab engine's.
 */
#include "hoshi/survey_export.h"
#include "internal.h"
#include "pair_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EX_DATA_LIMIT ((size_t)1 << 30)

struct hoshi_survey_export {
    const hoshi_form *form;
    const hoshi_attrs *attrs;
    hoshi_lang lang;
    unsigned flags;
    hoshi_answers *ans;  /* reused for every row */
    hoshi_buf data;
    size_t rows;
};

/* The names of the codebook questions, for the shown columns. */
static const char *question_name(const hoshi_survey_export *w, size_t i)
{
    return hoshi_form_question(w->form, i, w->lang)->name;
}

hoshi_err hoshi_survey_export_new(const hoshi_form *f, const hoshi_attrs *attrs, hoshi_lang lang,
                                  unsigned flags, hoshi_survey_export **out)
{
    *out = NULL;
    hoshi_survey_export *w = hi_calloc(1, sizeof *w);
    if (w == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory starting a survey export");
    w->form = f;
    w->attrs = attrs;
    w->lang = lang;
    w->flags = flags;
    hoshi_err err = hoshi_answers_new(f, &w->ans);
    if (err != HOSHI_OK) {
        free(w);
        return err;
    }
    w->data.limit = EX_DATA_LIMIT;
    hoshi_buf_puts(&w->data, "id");
    hoshi_form_data_header(f, &w->data);
    hoshi_attrs_header(&w->data);
    if (flags & HOSHI_EXPORT_SHOWN)
        for (size_t i = 0; i < hoshi_form_question_count(f); i++)
            hoshi_buf_printf(&w->data, "," HOSHI_EXPORT_SHOWN_PREFIX "%s", question_name(w, i));
    hoshi_buf_putc(&w->data, '\n');
    *out = w;
    return HOSHI_OK;
}

void hoshi_survey_export_free(hoshi_survey_export *w)
{
    if (w == NULL)
        return;
    hoshi_answers_free(w->ans);
    hoshi_buf_free(&w->data);
    free(w);
}

size_t hoshi_survey_export_rows(const hoshi_survey_export *w)
{
    return w->rows;
}

hoshi_err hoshi_survey_export_add(hoshi_survey_export *w, long long respondent, const char *answers,
                                  size_t len, const hoshi_org_attrs *o)
{
    if (respondent <= 0)
        return hi_fail(HOSHI_ERR_INPUT, "respondent %lld: a respondent number must be positive",
                       respondent);
    hoshi_err err = hoshi_answers_decode(w->ans, answers, len);
    if (err != HOSHI_OK) {
        /* The detail lives in the buffer hi_fail writes to: copy it first. */
        char why[512];
        snprintf(why, sizeof why, "%s", hoshi_error_detail());
        return hi_fail(err, "respondent %lld: the stored answers do not fit the questionnaire: %s",
                       respondent, why);
    }
    hoshi_buf *b = &w->data;
    hoshi_buf_printf(b, "%lld", respondent);
    hoshi_answers_data_row(w->ans, b);
    hoshi_attrs_cells(b, o);
    if (w->flags & HOSHI_EXPORT_SHOWN)
        for (size_t i = 0; i < hoshi_form_question_count(w->form); i++)
            hoshi_buf_puts(b, hoshi_form_relevant(w->ans, question_name(w, i)) ? ",1" : ",2");
    hoshi_buf_putc(b, '\n');
    w->rows++;
    return HOSHI_OK;
}

/* The codebook rows of the shown columns, CRLF-ended as attrs.c writes. */
static hoshi_err shown_codebook(const hoshi_survey_export *w, hoshi_buf *b)
{
    const char *yes = hoshi_attrs_nth(w->attrs, "shown", "name", 0);
    const char *no = hoshi_attrs_nth(w->attrs, "shown", "name", 1);
    for (size_t i = 0; i < hoshi_form_question_count(w->form); i++) {
        const char *name = question_name(w, i);
        char qid[128];
        snprintf(qid, sizeof qid, HOSHI_EXPORT_SHOWN_PREFIX "%s", name);
        const char *vars[] = {"name", name, NULL};
        hoshi_buf tb = HOSHI_BUF_INIT;
        hoshi_buf_subst(&tb, hoshi_attrs_text(w->attrs, "shown", "title"), vars, NULL);
        char *title;
        hoshi_err err = hoshi_buf_finish(&tb, &title, NULL);
        if (err != HOSHI_OK)
            return err;
        hoshi_codebook_row(b, qid, "SA", "", title);
        free(title);
        hoshi_codebook_row(b, qid, "SA", "1", yes != NULL ? yes : "[missing text]");
        hoshi_codebook_row(b, qid, "SA", "2", no != NULL ? no : "[missing text]");
    }
    return HOSHI_OK;
}

/* The attribute (and shown) rows, with attrs.c's CRLF turned into the
 * form codebook's LF so the file has one kind of line end (the texts of
 * attrs.ini hold no CR of their own). */
static hoshi_err extra_codebook(const hoshi_survey_export *w, hoshi_buf *cb)
{
    hoshi_buf x = HOSHI_BUF_INIT;
    hoshi_attrs_codebook(w->attrs, &x);
    hoshi_err err = HOSHI_OK;
    if (w->flags & HOSHI_EXPORT_SHOWN)
        err = shown_codebook(w, &x);
    char *text = NULL;
    size_t len = 0;
    if (err == HOSHI_OK)
        err = hoshi_buf_finish(&x, &text, &len);
    hoshi_buf_free(&x);
    if (err != HOSHI_OK)
        return err;
    for (size_t i = 0; i < len; i++)
        if (text[i] != '\r')
            hoshi_buf_putc(cb, text[i]);
    free(text);
    return HOSHI_OK;
}

hoshi_err hoshi_survey_export_finish(hoshi_survey_export *w, hoshi_encoding enc, char **codebook,
                                     size_t *codebook_len, char **data, size_t *data_len)
{
    *codebook = *data = NULL;
    hoshi_buf cb = HOSHI_BUF_INIT;
    hoshi_err err = hoshi_form_codebook(w->form, w->lang, &cb);
    if (err == HOSHI_OK)
        err = extra_codebook(w, &cb);
    if (err != HOSHI_OK) {
        hoshi_buf_free(&cb);
        return err;
    }
    return hi_pair_finish(&cb, &w->data, enc, codebook, codebook_len, data, data_len);
}
