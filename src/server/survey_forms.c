/*
 * survey_forms.c — the questionnaires the answering pages show, parsed
 * once per survey and kept for the life of the server, and the
 * respondent messages (survey.ini) in both languages.  A survey's
 * definition never changes once stored, so a parsed form needs no
 * invalidation; the cache holds a bounded number of them and a survey
 * beyond that is parsed for its request alone (the caller frees it).
 */
#include "server.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "hoshi/form.h"
#include "hoshi/store_survey.h"

#define FORMS_MAX 32

struct srv_surveyforms {
    pthread_mutex_t lock;
    long long id[FORMS_MAX];
    hoshi_form *form[FORMS_MAX];
    size_t n;
    hoshi_form_texts *tx[2];
};

hoshi_err srv_surveyforms_new(const char *datadir, srv_surveyforms **out)
{
    srv_surveyforms *c = calloc(1, sizeof *c);
    if (c == NULL)
        return hoshi_error_set(HOSHI_ERR_NOMEM, "survey form cache");
    hoshi_err err;
    if ((err = hoshi_form_texts_open(datadir, HOSHI_LANG_JA, &c->tx[0])) != HOSHI_OK ||
        (err = hoshi_form_texts_open(datadir, HOSHI_LANG_EN, &c->tx[1])) != HOSHI_OK) {
        srv_surveyforms_free(c);
        return err;
    }
    pthread_mutex_init(&c->lock, NULL);
    *out = c;
    return HOSHI_OK;
}

void srv_surveyforms_free(srv_surveyforms *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->n; i++)
        hoshi_form_free(c->form[i]);
    hoshi_form_texts_free(c->tx[0]);
    hoshi_form_texts_free(c->tx[1]);
    if (c->tx[0] != NULL && c->tx[1] != NULL)
        pthread_mutex_destroy(&c->lock);
    free(c);
}

const hoshi_form_texts *srv_surveyforms_texts(srv_surveyforms *c, hoshi_lang lang)
{
    return c->tx[lang == HOSHI_LANG_EN ? 1 : 0];
}

static hoshi_form *cached(srv_surveyforms *c, long long id)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->id[i] == id)
            return c->form[i];
    return NULL;
}

hoshi_err srv_surveyforms_get(srv_surveyforms *c, hoshi_store *st, long long survey_id,
                              const char *today, hoshi_form **form, bool *owned)
{
    *form = NULL;
    *owned = false;
    pthread_mutex_lock(&c->lock);
    hoshi_form *f = cached(c, survey_id);
    pthread_mutex_unlock(&c->lock);
    if (f != NULL) {
        *form = f;
        return HOSHI_OK;
    }
    hoshi_survey sv;
    hoshi_err err = hoshi_store_survey_get(st, survey_id, today, &sv);
    if (err != HOSHI_OK)
        return err;
    err = hoshi_form_parse("survey", (const char *)sv.definition, sv.definition_len, &f);
    free(sv.definition);
    if (err != HOSHI_OK)
        return err;
    pthread_mutex_lock(&c->lock);
    hoshi_form *other = cached(c, survey_id);
    if (other != NULL) {          /* another thread parsed it meanwhile */
        hoshi_form_free(f);
        f = other;
    } else if (c->n < FORMS_MAX) {
        c->id[c->n] = survey_id;
        c->form[c->n++] = f;
    } else {
        *owned = true;
    }
    pthread_mutex_unlock(&c->lock);
    *form = f;
    return HOSHI_OK;
}
