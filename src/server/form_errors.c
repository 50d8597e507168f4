/*
 * form_errors.c — how every form shows what was wrong (issue 11 part 9),
 * done once here for all pages rendered through srv_page_render or
 * srv_render_form, so no template or handler has to remember it.
 *
 * A template variable is an error when its name is "err" or "error" (an
 * error of the whole form) or "err_X" (an error of the field whose id is
 * X), and it is not empty.  Then:
 *  - each field error is wrapped in an element with id "err-X", and the
 *    field (input, select or textarea with id="X") gets aria-invalid="true"
 *    and that id added to its aria-describedby;
 *  - an error summary (role="alert", tabindex="-1", id "error-summary",
 *    which app.js focuses) lists every error, a field's as a link to it.
 *    It takes the place of the form's own error variable, else of
 *    {error_summary}, else goes before the first <form>, else first.
 * The error texts are the handlers' own HTML (escaped at their output), so
 * the summary repeats them with the tags taken out and nothing unescaped.
 */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUMMARY_MARK "<!--hoshi:error-summary-->"

/* The field an error variable belongs to ("" for the whole form), or NULL
 * when name is not an error variable. */
static const char *error_field(const char *name)
{
    if (strcmp(name, "err") == 0 || strcmp(name, "error") == 0)
        return "";
    if (strncmp(name, "err_", 4) == 0 && name[4] != '\0')
        return name + 4;
    return NULL;
}

/* Appends html without its tags and with its white space folded: what is
 * left is text, escaped as it was. */
static void put_text_of(hoshi_buf *b, const char *html)
{
    bool in_tag = false, space = false, any = false;
    for (const char *c = html; *c; c++) {
        if (*c == '<')
            in_tag = true;
        else if (*c == '>')
            in_tag = false;
        else if (!in_tag && (*c == ' ' || *c == '\n' || *c == '\t' || *c == '\r'))
            space = any;
        else if (!in_tag) {
            if (space)
                hoshi_buf_putc(b, ' ');
            hoshi_buf_putc(b, *c);
            space = false;
            any = true;
        }
    }
}

/* The start of the field tag with id="field" in html, or NULL when there
 * is none or it is not a form control. */
static const char *find_control(const char *html, const char *field)
{
    char pat[80];
    if ((size_t)snprintf(pat, sizeof pat, " id=\"%s\"", field) >= sizeof pat)
        return NULL;
    const char *at = strstr(html, pat);
    if (at == NULL)
        return NULL;
    const char *open = at;
    while (open > html && *open != '<')
        open--;
    if (strncmp(open, "<input", 6) != 0 && strncmp(open, "<select", 7) != 0 &&
        strncmp(open, "<textarea", 9) != 0)
        return NULL;
    const char *close = strchr(open, '>');
    return close != NULL && close > at ? open : NULL;
}

/* html with the field tags of the errors marked invalid and described by
 * their messages, into out. */
static void mark_controls(hoshi_buf *out, const char *html, const char *const *fields, size_t n)
{
    const char *at = html;
    for (;;) {
        /* the next marked control in document order */
        const char *next = NULL, *field = NULL;
        for (size_t i = 0; i < n; i++) {
            const char *c = fields[i][0] ? find_control(at, fields[i]) : NULL;
            if (c != NULL && (next == NULL || c < next)) {
                next = c;
                field = fields[i];
            }
        }
        if (next == NULL)
            break;
        const char *close = strchr(next, '>');
        const char *desc = strstr(next, "aria-describedby=\"");
        if (desc != NULL && desc < close) {
            /* its hint stays: the message is added to the ids */
            desc += strlen("aria-describedby=\"");
            hoshi_buf_append(out, at, (size_t)(desc - at));
            hoshi_buf_printf(out, "err-%s ", field);
            at = desc;
        } else {
            const char *name_end = next + strcspn(next, " >");
            hoshi_buf_append(out, at, (size_t)(name_end - at));
            hoshi_buf_printf(out, " aria-describedby=\"err-%s\"", field);
            at = name_end;
        }
        const char *close2 = strchr(at, '>');
        hoshi_buf_append(out, at, (size_t)(close2 - at));
        hoshi_buf_puts(out, " aria-invalid=\"true\"");
        at = close2;
    }
    hoshi_buf_puts(out, at);
}

static void put_summary(hoshi_buf *b, srv_req *r, srv_vars *v, const char *html)
{
    hoshi_buf_puts(b, "<div class=\"error-summary\" id=\"error-summary\" role=\"alert\" tabindex=\"-1\" "
                      "aria-labelledby=\"error-summary-title\"><h2 id=\"error-summary-title\">");
    hoshi_buf_html(b, srv_text(r, "common", "errors_title"));
    hoshi_buf_puts(b, "</h2><ul>");
    for (size_t i = 0; i < v->n; i++) {
        const char *field = error_field(v->name[i]);
        if (field == NULL || v->val[i].len == 0)
            continue;
        bool link = field[0] && find_control(html, field) != NULL;
        hoshi_buf_puts(b, "<li>");
        if (link)
            hoshi_buf_printf(b, "<a href=\"#%s\">", field);
        put_text_of(b, v->val[i].data);
        hoshi_buf_puts(b, link ? "</a></li>" : "</li>");
    }
    hoshi_buf_puts(b, "</ul></div>\n");
}

void srv_render_form(hoshi_buf *b, srv_req *r, const char *name, const char *section, srv_vars *v)
{
    const char *fields[VARS_MAX];
    size_t n = 0;
    const char *form_var = NULL;
    for (size_t i = 0; i < v->n; i++) {
        const char *field = error_field(v->name[i]);
        if (field != NULL && v->val[i].len > 0) {
            fields[n++] = field;
            if (field[0] == '\0' && form_var == NULL)
                form_var = v->name[i];
        }
    }
    if (n == 0) {
        srv_tpl_render(b, r, name, section, srv_vars_list(v));
        srv_vars_free(v);
        return;
    }
    /* The texts the summary lists, before the variables are changed. */
    srv_vars texts = {0};
    for (size_t i = 0; i < v->n; i++)
        if (error_field(v->name[i]) != NULL && v->val[i].len > 0)
            hoshi_buf_puts(srv_var(&texts, v->name[i]), v->val[i].data);
    /* The whole form's error moves into the summary, which takes its place. */
    for (size_t i = 0; i < v->n; i++) {
        const char *field = error_field(v->name[i]);
        if (field == NULL || v->val[i].len == 0)
            continue;
        hoshi_buf wrapped = HOSHI_BUF_INIT;
        if (field[0])
            hoshi_buf_printf(&wrapped, "<div id=\"err-%s\">%s</div>", field, v->val[i].data);
        hoshi_buf_free(&v->val[i]);
        v->val[i] = wrapped;
    }
    hoshi_buf_puts(srv_var(v, form_var ? form_var : "error_summary"), SUMMARY_MARK);
    hoshi_buf page = HOSHI_BUF_INIT;
    srv_tpl_render(&page, r, name, section, srv_vars_list(v));
    srv_vars_free(v);
    hoshi_buf marked = HOSHI_BUF_INIT, summary = HOSHI_BUF_INIT;
    const char *html = page.data ? page.data : "";
    mark_controls(&marked, html, fields, n);
    put_summary(&summary, r, &texts, html);
    srv_vars_free(&texts);
    const char *m = marked.data ? marked.data : "";
    const char *at = strstr(m, SUMMARY_MARK);
    size_t skip = at ? strlen(SUMMARY_MARK) : 0;
    if (at == NULL)
        at = strstr(m, "<form");
    if (at == NULL)
        at = m;
    hoshi_buf_append(b, m, (size_t)(at - m));
    hoshi_buf_puts(b, summary.data ? summary.data : "");
    hoshi_buf_puts(b, at + skip);
    if ((page.err || marked.err || summary.err) && b->err == HOSHI_OK)
        b->err = HOSHI_ERR_NOMEM;
    hoshi_buf_free(&page);
    hoshi_buf_free(&marked);
    hoshi_buf_free(&summary);
}

/* A page of the site: its template with the error markup above, in the
 * layout.  Here rather than in pages_common.c, which form_errors.c builds on. */
void srv_page_render(srv_req *r, srv_resp *p, const char *name, srv_vars *v)
{
    hoshi_buf body = HOSHI_BUF_INIT;
    srv_render_form(&body, r, name, name, v);
    srv_page_finish(r, p, srv_text(r, name, "title"), &body);
}
