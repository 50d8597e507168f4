/*
 * form_data.c — a form as SPEC-survey-data.md's files: the codebook rows
 * of its questions, and the data.csv columns and one respondent's values,
 * so an export is read by `hoshi tab` unchanged.  The exporter writes the
 * id column first and its own attribute columns after ours.
 */
#include "survey/form_int.h"

#include <stdio.h>
#include <string.h>

static const char *const cb_type[] = {
    [HI_E_SA] = "SA", [HI_E_MA] = "MA", [HI_E_INT] = "NUM", [HI_E_DEC] = "NUM",
    [HI_E_TEXT] = "FA", [HI_E_GRID] = "GRID",
};

static void cb_row(hoshi_buf *b, const char *qid, const char *type, const char *code,
                   const char *label)
{
    hoshi_buf_puts(b, qid);
    hoshi_buf_putc(b, ',');
    hoshi_buf_puts(b, type);
    hoshi_buf_putc(b, ',');
    hoshi_buf_puts(b, code);
    hoshi_buf_putc(b, ',');
    hoshi_buf_csv(b, label, ',');
    hoshi_buf_putc(b, '\n');
}

hoshi_err hoshi_form_codebook(const hoshi_form *f, hoshi_lang lang, hoshi_buf *b)
{
    hi_clear_error();
    hoshi_buf_puts(b, "qid,type,code,label\n");
    for (size_t q = 0; q < f->n_questions; q++) {
        const hi_ent *e = &f->ents[f->questions[q]];
        const char *type = cb_type[e->kind];
        cb_row(b, e->name, type, "", hi_text_get(&e->label, lang, f->deflang));
        char code[32];
        for (size_t r = 0; e->kind == HI_E_GRID && r < e->n_rows; r++) {
            const hi_ent *row = e + 1 + r;
            snprintf(code, sizeof code, "item:%zu", r + 1);
            cb_row(b, e->name, type, code, hi_text_get(&row->label, lang, f->deflang));
        }
        if (e->list == HI_FORM_NONE)
            continue;
        const hi_list *l = &f->lists[e->list];
        for (size_t k = 0; k < l->n; k++) {
            snprintf(code, sizeof code, "%ld", l->code[k]);
            cb_row(b, e->name, type, code, hi_text_get(&l->label[k], lang, f->deflang));
        }
    }
    if (b->err == HOSHI_ERR_NOMEM)
        return hi_fail(b->err, "out of memory writing the codebook");
    if (b->err != HOSHI_OK)
        return hi_fail(b->err, "the codebook does not fit in its buffer");
    return HOSHI_OK;
}

void hoshi_form_data_header(const hoshi_form *f, hoshi_buf *b)
{
    for (size_t q = 0; q < f->n_questions; q++) {
        const hi_ent *e = &f->ents[f->questions[q]];
        if (e->kind == HI_E_MA) {
            const hi_list *l = &f->lists[e->list];
            for (size_t k = 0; k < l->n; k++)
                hoshi_buf_printf(b, ",%s_%ld", e->name, l->code[k]);
        } else if (e->kind == HI_E_GRID) {
            for (size_t r = 0; r < e->n_rows; r++)
                hoshi_buf_printf(b, ",%s_%zu", e->name, r + 1);
        } else {
            hoshi_buf_printf(b, ",%s", e->name);
        }
    }
}

static void one_value(hoshi_buf *b, const hi_ans *x)
{
    hoshi_buf_putc(b, ',');
    if (x->n > 0)
        hoshi_buf_csv(b, x->v[0], ',');
}

void hoshi_answers_data_row(const hoshi_answers *a, hoshi_buf *b)
{
    const hoshi_form *f = a->f;
    for (size_t q = 0; q < f->n_questions; q++) {
        const hi_ent *e = &f->ents[f->questions[q]];
        if (e->kind == HI_E_GRID) {
            for (size_t r = 0; r < e->n_rows; r++)
                one_value(b, &a->a[e[1 + r].slot]);
        } else if (e->kind == HI_E_MA) {
            const hi_list *l = &f->lists[e->list];
            const hi_ans *x = &a->a[e->slot];
            for (size_t k = 0; k < l->n; k++)
                hoshi_buf_puts(b, x->n == 0 ? "," : hoshi_answers_chosen(a, e->name, l->code[k])
                                                        ? ",1" : ",0");
        } else {
            one_value(b, &a->a[e->slot]);
        }
    }
}
