/*
 * pages_common.c — small helpers the page handlers share: template
 * variables, showing stored or typed text safely, the log-in guard, names
 * of prefectures and industries (hoshi/attrs.h, attrs.ini), dates for
 * display and the absolute base URL for badges.  It builds on tpl.c (texts, templates,
 * the layout), which never calls back here.
 */
#include "server.h"
#include "hoshi/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

hoshi_buf *srv_var(srv_vars *v, const char *name)
{
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->name[i], name) == 0)
            return &v->val[i];
    if (v->n == VARS_MAX)
        return &v->val[VARS_MAX - 1]; /* a bug: too many variables; output shows it */
    snprintf(v->name[v->n], sizeof v->name[0], "%s", name);
    v->val[v->n] = (hoshi_buf)HOSHI_BUF_INIT;
    return &v->val[v->n++];
}

void srv_var_text(srv_vars *v, const char *name, const char *text)
{
    hoshi_buf_html(srv_var(v, name), text);
}

void srv_html_shown(hoshi_buf *b, const char *text)
{
    char *safe = NULL;
    if (hoshi_text_sanitize(text ? text : "", &safe) != HOSHI_OK) {
        /* Out of memory: the text is left out rather than shown
         * unchecked, and the buffer records the failure (the page body
         * fails as a whole when b is it). */
        if (b->err == HOSHI_OK)
            b->err = HOSHI_ERR_NOMEM;
        return;
    }
    hoshi_buf_html(b, safe);
    free(safe);
}

void srv_var_shown(srv_vars *v, const char *name, const char *text)
{
    srv_html_shown(srv_var(v, name), text);
}

void srv_var_error(srv_vars *v, srv_req *r, const char *name, const char *section, const char *err_key)
{
    srv_field_error(srv_var(v, name), r, section, err_key);
}

const char *const *srv_vars_list(srv_vars *v)
{
    size_t k = 0;
    for (size_t i = 0; i < v->n; i++) {
        v->list[k++] = v->name[i];
        v->list[k++] = v->val[i].data ? v->val[i].data : "";
    }
    v->list[k] = NULL;
    return v->list;
}

void srv_vars_free(srv_vars *v)
{
    for (size_t i = 0; i < v->n; i++)
        hoshi_buf_free(&v->val[i]);
    v->n = 0;
}

bool srv_local_path(const char *s)
{
    static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_.-";
    size_t n = s ? strlen(s) : 0;
    return n > 0 && n < 200 && s[0] == '/' && s[1] != '/' && strspn(s, ok) == n && strstr(s, "/.") == NULL;
}

bool srv_need_login(srv_req *r, srv_resp *p)
{
    if (r->logged_in)
        return true;
    /* The log-in page brings the visitor back here (issue 11 part 3). */
    char loc[300];
    if (!r->is_post && srv_local_path(r->path) && strlen(r->path) < 200)
        snprintf(loc, sizeof loc, "/login?next=%s", r->path);
    else
        snprintf(loc, sizeof loc, "/login");
    srv_redirect(p, loc);
    return false;
}

const char *srv_prefecture_name(srv_req *r, int code)
{
    const char *v = hoshi_attrs_label(r->s->attrs[r->lang], HOSHI_ATTR_PREF, code);
    return v ? v : "";
}

const char *srv_industry_name(srv_req *r, const char *code)
{
    const char *v = hoshi_attrs_label(r->s->attrs[r->lang], HOSHI_ATTR_INDUSTRY,
                                      hoshi_attrs_industry_code(code));
    return v ? v : "";
}

const char *srv_fmt_date(srv_req *r, const char *iso, char *buf, size_t size)
{
    hoshi_date d;
    if (hoshi_date_parse(iso, &d) != HOSHI_OK || size < 32) {
        snprintf(buf, size, "%s", iso);
        return buf;
    }
    return hoshi_date_format(d, r->lang, buf, size);
}

const char *srv_level_stars(int level)
{
    return level == 2 ? "\xe2\x98\x85\xe2\x98\x85" : "\xe2\x98\x85";
}

void srv_base_url(srv_req *r, hoshi_buf *b)
{
    hoshi_buf_puts(b, r->s->base);
}

void srv_select_options(hoshi_buf *b, srv_req *r, const char *empty_label, hoshi_attr which,
                        int selected, bool letters)
{
    size_t count = (size_t)hoshi_attrs_count(which);
    hoshi_buf_puts(b, "<option value=\"\">");
    hoshi_buf_html(b, empty_label);
    hoshi_buf_puts(b, "</option>");
    for (size_t i = 0; i < count; i++) {
        const char *name = hoshi_attrs_label(r->s->attrs[r->lang], which, (int)i + 1);
        if (name == NULL)
            break;
        const char *sel = (int)i + 1 == selected ? " selected" : "";
        if (letters)
            hoshi_buf_printf(b, "<option value=\"%c\"%s>", (char)('A' + i), sel);
        else
            hoshi_buf_printf(b, "<option value=\"%zu\"%s>", i + 1, sel);
        hoshi_buf_html(b, name);
        hoshi_buf_puts(b, "</option>");
    }
}

/* The field error of a refused typed text (form.c srv_form_text), in the
 * visitor's language from [input] of web.ini. */
void srv_text_error(hoshi_buf *b, srv_req *r, const char *label, const hoshi_text_problem *why,
                    size_t max_chars)
{
    static const char *const keys[] = {
        [HOSHI_TEXT_OK] = NULL,
        [HOSHI_TEXT_BAD_UTF8] = "bad_utf8",
        [HOSHI_TEXT_CONTROL] = "control",
        [HOSHI_TEXT_LINE_BREAK] = "line_break",
        [HOSHI_TEXT_BIDI] = "bidi",
        [HOSHI_TEXT_INVISIBLE] = "invisible",
        [HOSHI_TEXT_NONCHARACTER] = "noncharacter",
        [HOSHI_TEXT_PRIVATE_USE] = "private_use",
        [HOSHI_TEXT_UNASSIGNED] = "unassigned",
        [HOSHI_TEXT_REPLACEMENT] = "replacement",
        [HOSHI_TEXT_EMPTY] = "empty",
        [HOSHI_TEXT_TOO_LONG] = "too_long",
    };
    if ((size_t)why->fault >= sizeof keys / sizeof keys[0] || keys[why->fault] == NULL)
        return;
    char pos[24], cp[16], max[24], n[24];
    snprintf(pos, sizeof pos, "%zu", why->position);
    snprintf(cp, sizeof cp, "U+%04lX", why->code_point);
    snprintf(max, sizeof max, "%zu", max_chars);
    snprintf(n, sizeof n, "%zu", why->length);
    const char *vl[] = {"field", label, "pos", pos, "cp", cp, "max", max, "n", n, NULL};
    hoshi_buf_puts(b, "<p class=\"field-error\">");
    hoshi_buf_subst(b, srv_text(r, "input", keys[why->fault]), vl, hoshi_buf_html);
    hoshi_buf_puts(b, "</p>");
}

void srv_var_done(srv_vars *v, srv_req *r, const char *section)
{
    if (srv_req_query(r, "done") == NULL)
        return;
    hoshi_buf *b = srv_var(v, "notice");
    hoshi_buf_puts(b, "<p class=\"notice\" role=\"status\">");
    hoshi_buf_html(b, srv_text(r, section, "done"));
    hoshi_buf_puts(b, "</p>");
}

void srv_none_row(hoshi_buf *b, srv_req *r, const char *section, int cols)
{
    hoshi_buf_printf(b, "<tr><td colspan=\"%d\">", cols);
    hoshi_buf_html(b, srv_text(r, section, "none"));
    hoshi_buf_puts(b, "</td></tr>");
}
