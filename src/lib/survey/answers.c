/*
 * answers.c — one respondent's answers to a form: values by question,
 * always valid (a bad value is refused with the kind of problem and leaves
 * the question unanswered), set one question at a time or from a page's
 * posted fields, and the url-encoded text a response is stored as.
 */
#include "survey/form_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

hoshi_err hoshi_answers_new(const hoshi_form *f, hoshi_answers **out)
{
    hoshi_answers *a = hi_calloc(1, sizeof *a);
    if (a != NULL)
        a->a = hi_calloc(f->n_slots + 1, sizeof *a->a);
    if (a == NULL || a->a == NULL) {
        free(a);
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    }
    a->f = f;
    *out = a;
    return HOSHI_OK;
}

void hi_ans_clear(hi_ans *x)
{
    for (size_t i = 0; i < x->n; i++)
        free(x->v[i]);
    free(x->v);
    x->v = NULL;
    x->n = 0;
}

void hoshi_answers_free(hoshi_answers *a)
{
    if (a == NULL)
        return;
    for (size_t i = 0; i < a->f->n_slots; i++)
        hi_ans_clear(&a->a[i]);
    free(a->a);
    free(a);
}

const hoshi_form *hoshi_answers_form(const hoshi_answers *a)
{
    return a->f;
}

/* ---- checking one question's values -------------------------------------------- */

static size_t code_index(const hi_list *l, const char *v)
{
    long c = 0;
    if (!hoshi_parse_long(v, 1, HI_FORM_MAX_CODE, &c))
        return HI_FORM_NONE;
    for (size_t k = 0; k < l->n; k++)
        if (l->code[k] == c)
            return k;
    return HI_FORM_NONE;
}

static bool is_number(const char *s, bool integer)
{
    const char *p = s + (*s == '-');
    size_t digits = 0, frac = 0;
    for (; *p >= '0' && *p <= '9'; p++)
        digits++;
    if (!integer && *p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++)
            frac++;
        if (frac == 0)
            return false;
    }
    return *p == '\0' && digits > 0 && digits + frac <= 15;
}

/* Full-width digits, minus and full stop (as Japanese phones type them)
 * become ASCII, in place: a number is the same number either way. */
static void ascii_number(char *s)
{
    char *o = s;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x90 && p[2] <= 0x99) {
            *o++ = (char)('0' + (p[2] - 0x90));
            p += 3;
        } else if (p[0] == 0xEF && p[1] == 0xBC && (p[2] == 0x8D || p[2] == 0x8E)) {
            *o++ = p[2] == 0x8D ? '-' : '.';
            p += 3;
        } else if (p[0] == 0xE2 && p[1] == 0x88 && p[2] == 0x92) { /* U+2212 MINUS SIGN */
            *o++ = '-';
            p += 3;
        } else {
            *o++ = (char)*p++;
        }
    }
    *o = '\0';
}

/* The values kept for entity e (malloc'd strings, in *kept) or the problem. */
static hoshi_err check_values(const hoshi_form *f, const hi_ent *e, const char *const *vals,
                              size_t n, hi_ans *kept, hoshi_form_problem_kind *kind)
{
    const hi_list *l = e->list != HI_FORM_NONE ? &f->lists[e->list] : NULL;
    size_t given = 0;
    for (size_t i = 0; i < n; i++)
        given += vals[i][0] != '\0';
    if (given == 0)
        return HOSHI_OK;
    if (e->kind != HI_E_MA && given > 1) {
        *kind = HOSHI_FORM_P_ONE_VALUE;
        return hi_fail(HOSHI_ERR_INPUT, "%s takes one value", e->name);
    }
    kept->v = hi_calloc(e->kind == HI_E_MA ? l->n + 1 : 2, sizeof *kept->v);
    if (kept->v == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    if (e->kind == HI_E_MA || e->kind == HI_E_SA) {
        bool *on = hi_calloc(l->n + 1, sizeof *on);
        if (on == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < n; i++) {
            if (vals[i][0] == '\0')
                continue;
            size_t k = code_index(l, vals[i]);
            if (k == HI_FORM_NONE) {
                free(on);
                *kind = HOSHI_FORM_P_NOT_CODE;
                return hi_fail(HOSHI_ERR_INPUT, "%s: not a code of list %s", e->name, l->name);
            }
            on[k] = true;
        }
        for (size_t k = 0; k < l->n; k++) {
            if (!on[k])
                continue;
            char code[24];
            snprintf(code, sizeof code, "%ld", l->code[k]);
            if ((kept->v[kept->n] = hi_strdup(code)) == NULL) {
                free(on);
                return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
            }
            kept->n++;
        }
        free(on);
        return HOSHI_OK;
    }
    const char *v = NULL;
    for (size_t i = 0; i < n && v == NULL; i++)
        if (vals[i][0] != '\0')
            v = vals[i];
    hoshi_text_problem why;
    char *norm = NULL;
    hoshi_err err = hoshi_text_normalize(v, HOSHI_FORM_MAX_TEXT,
                                         HOSHI_TEXT_TRIM | (e->kind == HI_E_TEXT ? HOSHI_TEXT_MULTILINE : 0),
                                         &norm, &why);
    if (err == HOSHI_ERR_NOMEM)
        return err;
    if (err != HOSHI_OK) {
        *kind = why.fault == HOSHI_TEXT_TOO_LONG ? HOSHI_FORM_P_TOO_LONG
                : why.fault == HOSHI_TEXT_EMPTY && e->kind == HI_E_TEXT ? HOSHI_FORM_P_BAD_TEXT
                : e->kind == HI_E_INT ? HOSHI_FORM_P_NOT_INTEGER
                : e->kind == HI_E_DEC ? HOSHI_FORM_P_NOT_NUMBER : HOSHI_FORM_P_BAD_TEXT;
        return hi_fail(HOSHI_ERR_INPUT, "%s: %s", e->name, hoshi_error_detail());
    }
    if (norm[0] == '\0') { /* blanks only: no answer */
        free(norm);
        return HOSHI_OK;
    }
    if (e->kind != HI_E_TEXT)
        ascii_number(norm);
    if (e->kind != HI_E_TEXT && !is_number(norm, e->kind == HI_E_INT)) {
        free(norm);
        *kind = e->kind == HI_E_INT ? HOSHI_FORM_P_NOT_INTEGER : HOSHI_FORM_P_NOT_NUMBER;
        return hi_fail(HOSHI_ERR_INPUT, "%s: not %s", e->name,
                       e->kind == HI_E_INT ? "an integer" : "a number");
    }
    kept->v[0] = norm;
    kept->n = 1;
    return HOSHI_OK;
}

hoshi_err hi_answer_set(hoshi_answers *a, size_t ent, const char *const *vals, size_t n,
                        hoshi_form_problem_kind *kind)
{
    const hi_ent *e = &a->f->ents[ent];
    hi_ans kept = {NULL, 0};
    hoshi_err err = check_values(a->f, e, vals, n, &kept, kind);
    hi_ans_clear(&a->a[e->slot]);
    if (err != HOSHI_OK) {
        hi_ans_clear(&kept);
        return err;
    }
    if (kept.n == 0)
        hi_ans_clear(&kept);
    a->a[e->slot] = kept;
    return HOSHI_OK;
}

hoshi_err hoshi_answers_set(hoshi_answers *a, const char *name, const char *const *values,
                            size_t n)
{
    hi_clear_error();
    size_t i = hi_form_find(a->f, name);
    if (i == HI_FORM_NONE || !hi_ent_answerable(&a->f->ents[i]))
        return hi_fail(HOSHI_ERR_NOTFOUND, "no question named %s", name);
    hoshi_form_problem_kind kind;
    return hi_answer_set(a, i, values, n, &kind);
}

void hoshi_answers_get(const hoshi_answers *a, const char *name, const char *const **values,
                       size_t *n)
{
    size_t i = hi_form_find(a->f, name);
    *values = NULL;
    *n = 0;
    if (i == HI_FORM_NONE || !hi_ent_answerable(&a->f->ents[i]))
        return;
    const hi_ans *x = &a->a[a->f->ents[i].slot];
    *values = (const char *const *)x->v;
    *n = x->n;
}

bool hoshi_answers_chosen(const hoshi_answers *a, const char *name, long code)
{
    const char *const *v;
    size_t n;
    hoshi_answers_get(a, name, &v, &n);
    char want[24];
    snprintf(want, sizeof want, "%ld", code);
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], want) == 0)
            return true;
    return false;
}

bool hoshi_answers_empty(const hoshi_answers *a)
{
    for (size_t i = 0; i < a->f->n_slots; i++)
        if (a->a[i].n > 0)
            return false;
    return true;
}
