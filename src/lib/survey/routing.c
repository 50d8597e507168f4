/*
 * routing.c — what the answers imply: which questions, groups and pages
 * are shown (a question's own relevant and every ancestor group's), the
 * answers discarded because their question is no longer shown, and the
 * checks of a page or a whole response (required, then constraint, on the
 * questions shown).  Expressions are evaluated by expr.c through a lookup
 * of answers by name.
 */
#include "survey/form_int.h"

typedef struct env_ctx {
    const hoshi_answers *a;
    size_t dot;
} env_ctx;

static void lookup(void *ctx, const char *name, const char *const **vals, size_t *n)
{
    const env_ctx *c = ctx;
    const hoshi_form *f = c->a->f;
    size_t ent = name == NULL ? c->dot : hi_form_find(f, name);
    *vals = NULL;
    *n = 0;
    if (ent == HI_FORM_NONE || !hi_ent_answerable(&f->ents[ent]))
        return;
    const hi_ans *x = &c->a->a[f->ents[ent].slot];
    *vals = (const char *const *)x->v;
    *n = x->n;
}

bool hi_eval(const hoshi_answers *a, const hi_expr *e, size_t dot)
{
    env_ctx ctx = {a, dot};
    hi_expr_env env = {lookup, &ctx};
    return hi_expr_eval(e, &env);
}

bool hi_ent_relevant(const hoshi_answers *a, size_t ent)
{
    for (size_t i = ent; i != HI_FORM_NONE; i = a->f->ents[i].parent)
        if (a->f->ents[i].relevant != NULL && !hi_eval(a, a->f->ents[i].relevant, i))
            return false;
    return true;
}

bool hoshi_form_relevant(const hoshi_answers *a, const char *name)
{
    size_t ent = hi_form_find(a->f, name);
    return ent != HI_FORM_NONE && hi_ent_relevant(a, ent);
}

bool hoshi_form_page_relevant(const hoshi_answers *a, size_t page)
{
    const hoshi_form *f = a->f;
    if (page >= f->n_pages)
        return false;
    const hi_page *p = &f->pages[page];
    if (p->group != HI_FORM_NONE && !hi_ent_relevant(a, p->group))
        return false;
    for (size_t i = 0; i < p->n; i++)
        if (hi_ent_relevant(a, p->ents[i]))
            return true;
    return false;
}

size_t hoshi_form_page_step(const hoshi_answers *a, size_t page, bool forward)
{
    size_t n = a->f->n_pages;
    if (forward) {
        for (size_t p = page == HOSHI_FORM_ALL ? 0 : page + 1; p < n; p++)
            if (hoshi_form_page_relevant(a, p))
                return p;
        return n;
    }
    for (size_t p = page > n ? n : page; p-- > 0;)
        if (hoshi_form_page_relevant(a, p))
            return p;
    return HOSHI_FORM_ALL;
}

void hoshi_answers_prune(hoshi_answers *a)
{
    const hoshi_form *f = a->f;
    /* Clearing one answer may hide a question routed on it: repeat until
     * nothing changes (at most once per question). */
    for (size_t round = 0; round <= f->n_slots; round++) {
        bool changed = false;
        for (size_t s = 0; s < f->n_slots; s++) {
            if (a->a[s].n > 0 && !hi_ent_relevant(a, f->slots[s])) {
                hi_ans_clear(&a->a[s]);
                changed = true;
            }
        }
        if (!changed)
            return;
    }
}

hoshi_err hoshi_answers_validate(const hoshi_answers *a, size_t page, const hoshi_form_texts *tx,
                                 hoshi_form_problems *problems)
{
    hi_clear_error();
    const hoshi_form *f = a->f;
    for (size_t s = 0; s < f->n_slots; s++) {
        size_t ent = f->slots[s];
        const hi_ent *e = &f->ents[ent];
        if ((page != HOSHI_FORM_ALL && e->page != page) || !hi_ent_relevant(a, ent))
            continue;
        hoshi_form_problem_kind kind;
        if (a->a[s].n == 0) {
            bool req = e->required_expr != NULL ? hi_eval(a, e->required_expr, ent) : e->required;
            if (!req)
                continue;
            kind = HOSHI_FORM_P_REQUIRED;
        } else if (e->constraint != NULL && !hi_eval(a, e->constraint, ent)) {
            kind = HOSHI_FORM_P_CONSTRAINT;
        } else {
            continue;
        }
        hoshi_err err = hi_problem_add(problems, kind, e->name, hi_problem_message(f, ent, kind, tx));
        if (err != HOSHI_OK)
            return err;
    }
    return HOSHI_OK;
}
