/*
 * survey_render.c — the markup of one page of a questionnaire: each item
 * as an accessible control (radios and checkboxes in a fieldset, numbers
 * with an inputmode, free text in a textarea, a GRID as a table of radios
 * that app.js and style.css stack on a phone), its hint, its required
 * mark and its problem.  Every control is labelled and points at its hint
 * and problem (aria-describedby); a question not relevant now is in the
 * page but hidden with its inputs disabled, so nothing of it is posted
 * and app.js can show it the moment it becomes relevant.  Its relevant
 * expression goes as written into data-relevant for app.js to evaluate.
 * The operator's preview uses the same markup read-only: every item shown,
 * every control disabled, each routing condition written out.
 */
#include "server.h"

#include <stdio.h>
#include <string.h>

/* The first problem of question name, or NULL. */
static const hoshi_form_problem *problem_of(const hoshi_form_problems *pr, const char *name)
{
    for (size_t i = 0; pr != NULL && i < pr->n; i++)
        if (strcmp(pr->v[i].name, name) == 0)
            return &pr->v[i];
    return NULL;
}

typedef struct item_ctx {
    srv_req *r;
    const hoshi_answers *a;
    const hoshi_form_problems *pr;
    bool reshow;         /* the page is shown again after a POST: typed values come back */
    bool focused;        /* the first invalid control has its autofocus */
    bool preview;        /* read-only: every item shown, every control disabled */
} item_ctx;

/* Whether question name is shown: always in the preview. */
static bool shown_now(const item_ctx *x, const char *name)
{
    return x->preview || hoshi_form_relevant(x->a, name);
}

/* Attributes shared by every control of question name. */
static void control_attrs(hoshi_buf *b, item_ctx *x, const hoshi_form_item *it, bool shown,
                          const char *label_id)
{
    const hoshi_form_problem *pb = problem_of(x->pr, it->name);
    hoshi_buf_puts(b, " aria-describedby=\"");
    if (label_id != NULL)
        hoshi_buf_printf(b, "%s ", label_id);
    hoshi_buf_puts(b, "h-");
    hoshi_buf_html(b, it->name);
    hoshi_buf_puts(b, " e-");
    hoshi_buf_html(b, it->name);
    hoshi_buf_puts(b, "\"");
    if (pb != NULL) {
        hoshi_buf_puts(b, " aria-invalid=\"true\"");
        if (!x->focused) {
            hoshi_buf_puts(b, " autofocus");
            x->focused = true;
        }
    }
    if (!shown || x->preview)
        hoshi_buf_puts(b, " disabled");
}

/* The hint and the problem paragraphs (always there, so describedby
 * never points at nothing; empty ones are hidden by CSS). */
static void hint_error(hoshi_buf *b, item_ctx *x, const hoshi_form_item *it)
{
    const hoshi_form_problem *pb = problem_of(x->pr, it->name);
    hoshi_buf_puts(b, "<p class=\"hint\" id=\"h-");
    hoshi_buf_html(b, it->name);
    hoshi_buf_puts(b, "\">");
    hoshi_buf_html(b, it->hint);
    hoshi_buf_puts(b, "</p><p class=\"err\" id=\"e-");
    hoshi_buf_html(b, it->name);
    hoshi_buf_puts(b, "\">");
    if (pb != NULL)
        hoshi_buf_html(b, pb->message);
    hoshi_buf_puts(b, "</p>");
    if (x->preview && it->relevant[0] != '\0') {
        hoshi_buf_puts(b, "<p class=\"hint cond\">⇢ <code>");
        hoshi_buf_html(b, it->relevant);
        hoshi_buf_puts(b, "</code></p>");
    }
}

/* id, data-name, data-relevant and hidden of an item's wrapper. */
static void wrapper_attrs(hoshi_buf *b, const hoshi_form_item *it, bool shown)
{
    hoshi_buf_puts(b, " id=\"q-");
    hoshi_buf_html(b, it->name);
    hoshi_buf_puts(b, "\" data-name=\"");
    hoshi_buf_html(b, it->name);
    hoshi_buf_puts(b, "\"");
    if (it->relevant[0] != '\0') {
        hoshi_buf_puts(b, " data-relevant=\"");
        hoshi_buf_html(b, it->relevant);
        hoshi_buf_puts(b, "\"");
    }
    if (!shown)
        hoshi_buf_puts(b, " hidden");
}

static void required_mark(hoshi_buf *b, item_ctx *x, const hoshi_form_item *it)
{
    if (!it->required)
        return;
    hoshi_buf_puts(b, " <span class=\"req\">");
    hoshi_buf_html(b, srv_text(x->r, "survey", "required"));
    hoshi_buf_puts(b, "</span>");
}

/* One choice of question it as a labelled radio or checkbox; span_class
 * ("" or "gl") styles the label text, label_id as for control_attrs. */
static void option(hoshi_buf *b, item_ctx *x, const hoshi_form_item *it, const hoshi_form_choice *c,
                   bool multi, bool shown, const char *label_id, const char *span_class)
{
    hoshi_buf_printf(b, "<label class=\"opt\"><input type=\"%s\" name=\"", multi ? "checkbox" : "radio");
    hoshi_buf_html(b, it->name);
    hoshi_buf_printf(b, "\" value=\"%ld\"%s", c->code, hoshi_answers_chosen(x->a, it->name, c->code) ? " checked" : "");
    control_attrs(b, x, it, shown, label_id);
    hoshi_buf_puts(b, *span_class ? "> <span class=\"" : "> <span");
    if (*span_class)
        hoshi_buf_printf(b, "%s\"", span_class);
    hoshi_buf_puts(b, ">");
    hoshi_buf_html(b, c->label);
    hoshi_buf_puts(b, "</span></label>");
}

static void choices(hoshi_buf *b, item_ctx *x, const hoshi_form_item *it, bool shown, bool multi)
{
    hoshi_buf_puts(b, "<div class=\"opts\">");
    for (size_t i = 0; i < it->n_choices; i++)
        option(b, x, it, &it->choices[i], multi, shown, NULL, "");
    hoshi_buf_puts(b, "</div>");
}

/* The value an input shows: what was typed when the page comes back
 * with problems (a bad value is not kept as an answer), else the answer. */
static void typed_value(hoshi_buf *b, item_ctx *x, const hoshi_form_item *it)
{
    if (x->reshow && problem_of(x->pr, it->name) != NULL && srv_req_form_has(x->r, it->name)) {
        srv_html_shown(b, srv_req_form(x->r, it->name));
        return;
    }
    const char *const *v;
    size_t n;
    hoshi_answers_get(x->a, it->name, &v, &n);
    if (n > 0)
        srv_html_shown(b, v[0]);
}

static void grid(hoshi_buf *b, item_ctx *x, const hoshi_form_item *it, bool shown)
{
    hoshi_buf_puts(b, "<fieldset class=\"q grid\"");
    wrapper_attrs(b, it, shown);
    hoshi_buf_puts(b, "><legend class=\"ql\">");
    hoshi_buf_html(b, it->label);
    hoshi_buf_puts(b, "</legend>");
    hint_error(b, x, it);
    hoshi_buf_puts(b, "<table class=\"grid\"><thead><tr><td></td>");
    for (size_t i = 0; i < it->n_choices; i++) {
        hoshi_buf_puts(b, "<th scope=\"col\">");
        hoshi_buf_html(b, it->choices[i].label);
        hoshi_buf_puts(b, "</th>");
    }
    hoshi_buf_puts(b, "</tr></thead><tbody>");
    for (size_t k = 0; k < it->n_rows; k++) {
        const hoshi_form_item *row = &it->rows[k];
        bool row_shown = shown && shown_now(x, row->name);
        hoshi_buf_puts(b, "<tr");
        wrapper_attrs(b, row, row_shown);
        hoshi_buf_puts(b, "><th scope=\"row\"><span id=\"l-");
        hoshi_buf_html(b, row->name);
        hoshi_buf_puts(b, "\">");
        hoshi_buf_html(b, row->label);
        hoshi_buf_puts(b, "</span>");
        required_mark(b, x, row);
        hint_error(b, x, row);
        hoshi_buf_puts(b, "</th>");
        char lid[80];
        snprintf(lid, sizeof lid, "l-%s", row->name);
        for (size_t i = 0; i < row->n_choices; i++) {
            hoshi_buf_puts(b, "<td>");
            option(b, x, row, &row->choices[i], false, row_shown, lid, "gl");
            hoshi_buf_puts(b, "</td>");
        }
        hoshi_buf_puts(b, "</tr>");
    }
    hoshi_buf_puts(b, "</tbody></table></fieldset>\n");
}

static void item(hoshi_buf *b, item_ctx *x, const hoshi_form_item *it)
{
    bool shown = shown_now(x, it->name);
    switch (it->kind) {
    case HOSHI_FORM_GRID:
        grid(b, x, it, shown);
        return;
    case HOSHI_FORM_NOTE:
        hoshi_buf_puts(b, "<div class=\"q note\"");
        wrapper_attrs(b, it, shown);
        hoshi_buf_puts(b, "><p>");
        hoshi_buf_html(b, it->label);
        hoshi_buf_puts(b, "</p></div>\n");
        return;
    case HOSHI_FORM_SA:
    case HOSHI_FORM_MA:
        hoshi_buf_puts(b, "<fieldset class=\"q\"");
        wrapper_attrs(b, it, shown);
        hoshi_buf_puts(b, "><legend class=\"ql\">");
        hoshi_buf_html(b, it->label);
        required_mark(b, x, it);
        hoshi_buf_puts(b, "</legend>");
        hint_error(b, x, it);
        choices(b, x, it, shown, it->kind == HOSHI_FORM_MA);
        hoshi_buf_puts(b, "</fieldset>\n");
        return;
    default:
        break;
    }
    hoshi_buf_puts(b, "<div class=\"q\"");
    wrapper_attrs(b, it, shown);
    hoshi_buf_puts(b, "><label class=\"ql\" for=\"i-");
    hoshi_buf_html(b, it->name);
    hoshi_buf_puts(b, "\">");
    hoshi_buf_html(b, it->label);
    required_mark(b, x, it);
    hoshi_buf_puts(b, "</label>");
    hint_error(b, x, it);
    if (it->kind == HOSHI_FORM_TEXT) {
        hoshi_buf_puts(b, "<textarea rows=\"4\" maxlength=\"2000\" id=\"i-");
        hoshi_buf_html(b, it->name);
        hoshi_buf_puts(b, "\" name=\"");
        hoshi_buf_html(b, it->name);
        hoshi_buf_puts(b, "\"");
        control_attrs(b, x, it, shown, NULL);
        hoshi_buf_puts(b, ">");
        typed_value(b, x, it);
        hoshi_buf_puts(b, "</textarea>");
    } else {
        hoshi_buf_printf(b, "<input type=\"text\" inputmode=\"%s\" autocomplete=\"off\" id=\"i-",
                         it->kind == HOSHI_FORM_INT ? "numeric" : "decimal");
        hoshi_buf_html(b, it->name);
        hoshi_buf_puts(b, "\" name=\"");
        hoshi_buf_html(b, it->name);
        hoshi_buf_puts(b, "\" value=\"");
        typed_value(b, x, it);
        hoshi_buf_puts(b, "\"");
        control_attrs(b, x, it, shown, NULL);
        hoshi_buf_puts(b, ">");
    }
    hoshi_buf_puts(b, "</div>\n");
}

void srv_survey_render_items(hoshi_buf *b, srv_req *r, const hoshi_form_page *pg, const hoshi_answers *a,
                             const hoshi_form_problems *pr, bool reshow)
{
    item_ctx x = {r, a, pr, reshow, false, false};
    for (size_t i = 0; i < pg->n_items; i++)
        item(b, &x, &pg->items[i]);
}

void srv_survey_render_preview(hoshi_buf *b, srv_req *r, const hoshi_form_page *pg, const hoshi_answers *a)
{
    item_ctx x = {r, a, NULL, false, false, true};
    for (size_t i = 0; i < pg->n_items; i++)
        item(b, &x, &pg->items[i]);
}

/* One question's answer as a JSON array of strings. */
static void answer_json(hoshi_buf *b, const hoshi_answers *a, const char *name, bool *first)
{
    const char *const *v;
    size_t n;
    hoshi_answers_get(a, name, &v, &n);
    if (n == 0)
        return;
    hoshi_buf_puts(b, *first ? "" : ",");
    *first = false;
    hoshi_buf_json_str(b, name);
    hoshi_buf_puts(b, ":[");
    for (size_t i = 0; i < n; i++) {
        hoshi_buf_puts(b, i ? "," : "");
        hoshi_buf_json_str(b, v[i]);
    }
    hoshi_buf_puts(b, "]");
}

void srv_survey_answers_json(hoshi_buf *b, const hoshi_answers *a)
{
    const hoshi_form *f = hoshi_answers_form(a);
    bool first = true;
    hoshi_buf_puts(b, "{");
    for (size_t i = 0; i < hoshi_form_question_count(f); i++) {
        const hoshi_form_item *q = hoshi_form_question(f, i, HOSHI_LANG_JA);
        if (q->kind == HOSHI_FORM_GRID)
            for (size_t k = 0; k < q->n_rows; k++)
                answer_json(b, a, q->rows[k].name, &first);
        else
            answer_json(b, a, q->name, &first);
    }
    hoshi_buf_puts(b, "}");
}
