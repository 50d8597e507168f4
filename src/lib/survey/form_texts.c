/*
 * form_texts.c — the words a respondent reads about a problem with an
 * answer: a question's own constraint_message when it has one, otherwise
 * the default of data/text/<lang>/survey.ini, through a handle the caller
 * opens once (as the tab engine's texts), so no message lives in C.
 */
#include "survey/form_int.h"

#include <stdio.h>
#include <stdlib.h>

struct hoshi_form_texts {
    hoshi_datafile *df;
    hoshi_lang lang;
};

static const char *const problem_keys[] = {
    [HOSHI_FORM_P_REQUIRED] = "required",       [HOSHI_FORM_P_CONSTRAINT] = "constraint",
    [HOSHI_FORM_P_NOT_CODE] = "not_code",       [HOSHI_FORM_P_ONE_VALUE] = "one_value",
    [HOSHI_FORM_P_NOT_INTEGER] = "not_integer", [HOSHI_FORM_P_NOT_NUMBER] = "not_number",
    [HOSHI_FORM_P_TOO_LONG] = "too_long",       [HOSHI_FORM_P_BAD_TEXT] = "bad_text",
};

hoshi_err hoshi_form_texts_open(const char *datadir, hoshi_lang lang, hoshi_form_texts **out)
{
    hi_clear_error();
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/text/%s/survey.ini",
                     datadir != NULL ? datadir : hoshi_datadir_default(), hoshi_lang_code(lang));
    if (n < 0 || (size_t)n >= sizeof path)
        return hi_fail(HOSHI_ERR_DATA, "data directory path too long");
    hoshi_form_texts *tx = hi_calloc(1, sizeof *tx);
    if (tx == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    tx->lang = lang;
    hoshi_err err = hoshi_datafile_load(path, &tx->df);
    for (size_t k = 0; err == HOSHI_OK && k < sizeof problem_keys / sizeof problem_keys[0]; k++)
        if (hoshi_datafile_get(tx->df, "survey", problem_keys[k]) == NULL)
            err = hi_fail(HOSHI_ERR_DATA, "%s: [survey] %s missing", path, problem_keys[k]);
    if (err != HOSHI_OK) {
        hoshi_form_texts_free(tx);
        return err;
    }
    *out = tx;
    return HOSHI_OK;
}

void hoshi_form_texts_free(hoshi_form_texts *tx)
{
    if (tx == NULL)
        return;
    hoshi_datafile_free(tx->df);
    free(tx);
}

hoshi_lang hoshi_form_texts_lang(const hoshi_form_texts *tx)
{
    return tx->lang;
}

const char *hi_problem_message(const hoshi_form *f, size_t ent, hoshi_form_problem_kind kind,
                               const hoshi_form_texts *tx)
{
    if (kind == HOSHI_FORM_P_CONSTRAINT) {
        const char *own = hi_text_get(&f->ents[ent].cmsg, tx->lang, f->deflang);
        if (own[0] != '\0')
            return own;
    }
    const char *m = hoshi_datafile_get(tx->df, "survey", problem_keys[kind]);
    return m != NULL ? m : "";
}

hoshi_err hi_problem_add(hoshi_form_problems *p, hoshi_form_problem_kind kind, const char *name,
                         const char *message)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 8;
        hoshi_form_problem *v = hi_realloc(p->v, cap * sizeof *v);
        if (v == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n++] = (hoshi_form_problem){kind, name, message};
    return HOSHI_OK;
}

void hoshi_form_problems_free(hoshi_form_problems *p)
{
    free(p->v);
    p->v = NULL;
    p->n = p->cap = 0;
}
