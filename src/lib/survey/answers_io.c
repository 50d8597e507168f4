/*
 * answers_io.c — answers in and out as name=value pairs: the fields a
 * page posts (grouped by question, unticked boxes of the page cleared,
 * bad values turned into problems) and the url-encoded text a response is
 * stored as, read back with every value checked again (a stored response
 * is input too).
 */
#include "survey/form_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The values of fields named name, borrowed, in *vals (room for n). */
static size_t gather(const hoshi_form_field *fields, size_t n, const char *name,
                     const char **vals)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (fields[i].name != NULL && fields[i].value != NULL && strcmp(fields[i].name, name) == 0)
            vals[k++] = fields[i].value;
    return k;
}

hoshi_err hoshi_answers_post(hoshi_answers *a, size_t page, const hoshi_form_field *fields,
                             size_t n, const hoshi_form_texts *tx,
                             hoshi_form_problems *problems)
{
    hi_clear_error();
    const hoshi_form *f = a->f;
    const char **vals = hi_calloc(n + 1, sizeof *vals);
    /* The problem of each slot, kept until the routing of all the answers
     * is known: a question that ends up hidden has its answer discarded,
     * and its problem with it. */
    int *kinds = hi_calloc(f->n_slots + 1, sizeof *kinds);
    if (vals == NULL || kinds == NULL) {
        free(vals);
        free(kinds);
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    }
    hoshi_err err = HOSHI_OK;
    for (size_t s = 0; s < f->n_slots && err == HOSHI_OK; s++) {
        size_t ent = f->slots[s];
        const hi_ent *e = &f->ents[ent];
        size_t k = gather(fields, n, e->name, vals);
        if (k == 0 && page != HOSHI_FORM_ALL && e->page != page)
            continue; /* not posted and not on this page: kept */
        hoshi_form_problem_kind kind;
        err = hi_answer_set(a, ent, vals, k, &kind);
        if (err == HOSHI_ERR_INPUT) {
            kinds[s] = (int)kind + 1;
            err = HOSHI_OK;
        }
    }
    free(vals);
    if (err == HOSHI_OK)
        hoshi_answers_prune(a);
    for (size_t s = 0; s < f->n_slots && err == HOSHI_OK; s++) {
        size_t ent = f->slots[s];
        if (kinds[s] == 0 || !hi_ent_relevant(a, ent))
            continue;
        hoshi_form_problem_kind kind = (hoshi_form_problem_kind)(kinds[s] - 1);
        err = hi_problem_add(problems, kind, f->ents[ent].name, hi_problem_message(f, ent, kind, tx));
    }
    free(kinds);
    return err;
}

hoshi_err hoshi_answers_encode(const hoshi_answers *a, char **out, size_t *len)
{
    hi_clear_error();
    hoshi_buf b = HOSHI_BUF_INIT;
    b.limit = HOSHI_FORM_MAX_ANSWERS;
    for (size_t s = 0; s < a->f->n_slots; s++) {
        const hi_ans *x = &a->a[s];
        for (size_t i = 0; i < x->n; i++) {
            if (b.len > 0)
                hoshi_buf_putc(&b, '&');
            hoshi_buf_puts(&b, a->f->ents[a->f->slots[s]].name);
            hoshi_buf_putc(&b, '=');
            hoshi_buf_url(&b, x->v[i]);
        }
    }
    if (b.len == 0 && b.err == HOSHI_OK) {
        *out = hi_strdup("");
        *len = 0;
        return *out != NULL ? HOSHI_OK : hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    }
    hoshi_err err = hoshi_buf_finish(&b, out, len);
    if (err == HOSHI_ERR_NOMEM)
        return hi_fail(err, "out of memory encoding the answers");
    return err == HOSHI_OK ? HOSHI_OK : hi_fail(err, "encoded answers over %zu bytes",
                                                HOSHI_FORM_MAX_ANSWERS);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Percent-decodes s[0..n) into a new string; NULL on a bad escape or NUL. */
static char *unescape(const char *s, size_t n, hoshi_err *err)
{
    char *o = hi_malloc(n + 1);
    if (o == NULL) {
        *err = HOSHI_ERR_NOMEM;
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                free(o);
                *err = HOSHI_ERR_INPUT;
                return NULL;
            }
            c = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+') {
            c = ' ';
        }
        o[k++] = c;
    }
    o[k] = '\0';
    return o;
}

typedef struct pairs {
    hoshi_form_field *v;
    size_t n;
} pairs;

static void pairs_free(pairs *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free((char *)p->v[i].name);
        free((char *)p->v[i].value);
    }
    free(p->v);
}

static hoshi_err split(const char *text, size_t len, pairs *p)
{
    size_t cap = 1;
    for (size_t i = 0; i < len; i++)
        cap += text[i] == '&';
    p->v = hi_calloc(cap, sizeof *p->v);
    if (p->v == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    const char *s = text, *end = text + len;
    while (s < end) {
        const char *amp = memchr(s, '&', (size_t)(end - s));
        const char *e = amp != NULL ? amp : end;
        const char *eq = memchr(s, '=', (size_t)(e - s));
        if (eq == NULL || eq == s)
            return hi_fail(HOSHI_ERR_INPUT, "stored answers: a pair without name=value at byte %zu",
                           (size_t)(s - text) + 1);
        hoshi_err err = HOSHI_OK;
        hoshi_form_field *fl = &p->v[p->n];
        fl->name = unescape(s, (size_t)(eq - s), &err);
        if (fl->name != NULL)
            fl->value = unescape(eq + 1, (size_t)(e - eq - 1), &err);
        if (fl->name != NULL && fl->value == NULL) {
            free((char *)fl->name);
            fl->name = NULL;
        }
        if (fl->name == NULL)
            return err == HOSHI_ERR_NOMEM ? hi_fail(err, "out of memory")
                   : hi_fail(err, "stored answers: a bad %%-escape at byte %zu", (size_t)(s - text) + 1);
        p->n++;
        s = amp != NULL ? amp + 1 : end;
    }
    return HOSHI_OK;
}

hoshi_err hoshi_answers_decode(hoshi_answers *a, const char *text, size_t len)
{
    hi_clear_error();
    if (len > HOSHI_FORM_MAX_ANSWERS)
        return hi_fail(HOSHI_ERR_LIMIT, "stored answers over %zu bytes", HOSHI_FORM_MAX_ANSWERS);
    const hoshi_form *f = a->f;
    pairs p = {NULL, 0};
    hoshi_answers *tmp = NULL;
    const char **vals = NULL;
    hoshi_err err = split(text, len, &p);
    if (err == HOSHI_OK)
        err = hoshi_answers_new(f, &tmp);
    if (err == HOSHI_OK && (vals = hi_calloc(p.n + 1, sizeof *vals)) == NULL)
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    size_t *slot_of = err == HOSHI_OK ? hi_calloc(p.n + 1, sizeof *slot_of) : NULL;
    if (err == HOSHI_OK && slot_of == NULL)
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < p.n && err == HOSHI_OK; i++) {
        size_t ent = hi_form_find(f, p.v[i].name);
        if (ent == HI_FORM_NONE || !hi_ent_answerable(&f->ents[ent]))
            err = hi_fail(HOSHI_ERR_INPUT, "stored answers: no question named %s", p.v[i].name);
        else
            slot_of[i] = f->ents[ent].slot;
    }
    for (size_t s = 0; s < f->n_slots && err == HOSHI_OK; s++) {
        size_t k = 0;
        for (size_t i = 0; i < p.n; i++)
            if (slot_of[i] == s)
                vals[k++] = p.v[i].value;
        hoshi_form_problem_kind kind;
        if (k > 0 && (err = hi_answer_set(tmp, f->slots[s], vals, k, &kind)) == HOSHI_ERR_INPUT) {
            char detail[256];
            snprintf(detail, sizeof detail, "%s", hoshi_error_detail());
            err = hi_fail(err, "stored answers: %s", detail);
        }
    }
    free(slot_of);
    if (err == HOSHI_OK) { /* swap the checked answers in */
        hi_ans *old = a->a;
        a->a = tmp->a;
        tmp->a = old;
    }
    hoshi_answers_free(tmp);
    free(vals);
    pairs_free(&p);
    return err;
}
