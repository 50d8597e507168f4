/*
 * form_views.c — the public face of a parsed form: the per-language views
 * (items, choices, pages) built once after parsing so that readers only
 * hand out pointers, the accessors, lookup by name, and freeing.  Texts
 * missing in a language fall back to the default language here, once.
 */
#include "survey/form_int.h"

#include <stdlib.h>
#include <string.h>

const char *hi_text_get(const hi_text *t, hoshi_lang lang, hoshi_lang deflang)
{
    if (t->t[lang] != NULL)
        return t->t[lang];
    if (t->t[deflang] != NULL)
        return t->t[deflang];
    return "";
}

void hi_text_free(hi_text *t)
{
    for (int l = 0; l < HI_LANGS; l++) {
        free(t->t[l]);
        t->t[l] = NULL;
    }
}

bool hi_ent_answerable(const hi_ent *e)
{
    return e->kind == HI_E_SA || e->kind == HI_E_MA || e->kind == HI_E_INT ||
           e->kind == HI_E_DEC || e->kind == HI_E_TEXT;
}

size_t hi_form_find(const hoshi_form *f, const char *name)
{
    if (f->by_name == NULL) { /* while building: the names so far */
        for (size_t i = 0; i < f->n_ents; i++)
            if (f->ents[i].name != NULL && strcmp(f->ents[i].name, name) == 0)
                return i;
        return HI_FORM_NONE;
    }
    size_t lo = 0, hi = f->n_ents;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(f->ents[f->by_name[mid]].name, name);
        if (c == 0)
            return f->by_name[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return HI_FORM_NONE;
}

typedef struct name_ent {
    const char *name;
    size_t ent;
} name_ent;

static int name_ent_cmp(const void *a, const void *b)
{
    return strcmp(((const name_ent *)a)->name, ((const name_ent *)b)->name);
}

/* The entities sorted by name, for lookups by binary search. */
static hoshi_err name_index(hoshi_form *f)
{
    name_ent *tmp = hi_calloc(f->n_ents + 1, sizeof *tmp);
    size_t *v = hi_calloc(f->n_ents + 1, sizeof *v);
    if (tmp == NULL || v == NULL) {
        free(tmp);
        free(v);
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading the form");
    }
    for (size_t i = 0; i < f->n_ents; i++)
        tmp[i] = (name_ent){f->ents[i].name, i};
    qsort(tmp, f->n_ents, sizeof *tmp, name_ent_cmp);
    for (size_t i = 0; i < f->n_ents; i++)
        v[i] = tmp[i].ent;
    free(tmp);
    f->by_name = v;
    return HOSHI_OK;
}

static hoshi_err list_views(hoshi_form *f)
{
    for (size_t i = 0; i < f->n_lists; i++) {
        hi_list *l = &f->lists[i];
        for (int g = 0; g < HI_LANGS; g++) {
            l->view[g] = hi_calloc(l->n + 1, sizeof *l->view[g]);
            if (l->view[g] == NULL)
                return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading the form");
            for (size_t k = 0; k < l->n; k++) {
                l->view[g][k].code = l->code[k];
                l->view[g][k].label = hi_text_get(&l->label[k], (hoshi_lang)g, f->deflang);
            }
        }
    }
    return HOSHI_OK;
}

static void ent_view(const hoshi_form *f, size_t i, hoshi_lang g, hoshi_form_item *it)
{
    const hi_ent *e = &f->ents[i];
    it->kind = e->kind == HI_E_GROUP ? HOSHI_FORM_NOTE : (hoshi_form_kind)e->kind;
    it->name = e->name;
    it->label = hi_text_get(&e->label, g, f->deflang);
    it->hint = hi_text_get(&e->hint, g, f->deflang);
    it->appearance = e->appearance;
    it->relevant = e->relevant_src;
    it->required = e->required;
    if (e->list != HI_FORM_NONE) {
        it->choices = f->lists[e->list].view[g];
        it->n_choices = f->lists[e->list].n;
    }
    if (e->kind == HI_E_GRID) {
        it->rows = &f->items[g][i + 1];
        it->n_rows = e->n_rows;
    }
}

hoshi_err hi_form_views(hoshi_form *f)
{
    hoshi_err err = name_index(f);
    if (err == HOSHI_OK)
        err = list_views(f);
    if (err != HOSHI_OK)
        return err;
    for (int g = 0; g < HI_LANGS; g++) {
        f->items[g] = hi_calloc(f->n_ents + 1, sizeof *f->items[g]);
        if (f->items[g] == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading the form");
        for (size_t i = 0; i < f->n_ents; i++)
            ent_view(f, i, (hoshi_lang)g, &f->items[g][i]);
        for (size_t p = 0; p < f->n_pages; p++) {
            hi_page *pg = &f->pages[p];
            hoshi_form_item *items = hi_calloc(pg->n + 1, sizeof *items);
            if (items == NULL)
                return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading the form");
            for (size_t k = 0; k < pg->n; k++)
                items[k] = f->items[g][pg->ents[k]];
            pg->view[g].items = items;
            pg->view[g].n_items = pg->n;
            pg->view[g].name = pg->group != HI_FORM_NONE ? f->ents[pg->group].name : "";
            pg->view[g].label = pg->group != HI_FORM_NONE
                                    ? hi_text_get(&f->ents[pg->group].label, (hoshi_lang)g,
                                                  f->deflang)
                                    : "";
        }
    }
    return HOSHI_OK;
}

void hoshi_form_free(hoshi_form *f)
{
    if (f == NULL)
        return;
    hi_sheets_free(&f->sheets);
    free(f->id);
    free(f->version);
    hi_text_free(&f->title);
    for (size_t i = 0; i < f->n_lists; i++) {
        hi_list *l = &f->lists[i];
        free(l->name);
        free(l->code);
        for (size_t k = 0; k < l->n; k++)
            hi_text_free(&l->label[k]);
        free(l->label);
        for (int g = 0; g < HI_LANGS; g++)
            free(l->view[g]);
    }
    free(f->lists);
    for (size_t i = 0; i < f->n_ents; i++) {
        hi_ent *e = &f->ents[i];
        free(e->name);
        hi_text_free(&e->label);
        hi_text_free(&e->hint);
        hi_text_free(&e->cmsg);
        free(e->appearance);
        free(e->relevant_src);
        free(e->constraint_src);
        free(e->required_src);
        hi_expr_free(e->relevant);
        hi_expr_free(e->constraint);
        hi_expr_free(e->required_expr);
    }
    free(f->ents);
    for (size_t p = 0; f->pages != NULL && p < f->n_pages; p++) {
        free(f->pages[p].ents);
        for (int g = 0; g < HI_LANGS; g++)
            free((void *)f->pages[p].view[g].items);
    }
    free(f->pages);
    for (int g = 0; g < HI_LANGS; g++)
        free(f->items[g]);
    free(f->questions);
    free(f->slots);
    free(f->by_name);
    free(f);
}

const char *hoshi_form_id(const hoshi_form *f)
{
    return f->id;
}

const char *hoshi_form_version(const hoshi_form *f)
{
    return f->version;
}

const char *hoshi_form_title(const hoshi_form *f, hoshi_lang lang)
{
    const char *t = hi_text_get(&f->title, lang, f->deflang);
    return t[0] != '\0' ? t : f->id;
}

hoshi_lang hoshi_form_default_lang(const hoshi_form *f)
{
    return f->deflang;
}

size_t hoshi_form_page_count(const hoshi_form *f)
{
    return f->n_pages;
}

const hoshi_form_page *hoshi_form_page_get(const hoshi_form *f, size_t i, hoshi_lang lang)
{
    return i < f->n_pages ? &f->pages[i].view[lang != HOSHI_LANG_JA] : NULL;
}

size_t hoshi_form_question_count(const hoshi_form *f)
{
    return f->n_questions;
}

const hoshi_form_item *hoshi_form_question(const hoshi_form *f, size_t i, hoshi_lang lang)
{
    return i < f->n_questions ? &f->items[lang != HOSHI_LANG_JA][f->questions[i]] : NULL;
}

const hoshi_form_item *hoshi_form_find(const hoshi_form *f, const char *name, hoshi_lang lang)
{
    size_t i = hi_form_find(f, name);
    if (i == HI_FORM_NONE || f->ents[i].kind == HI_E_GROUP)
        return NULL;
    return &f->items[lang != HOSHI_LANG_JA][i];
}
