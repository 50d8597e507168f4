/*
 * policy.c — fills the basic-policy template with an organisation's
 * details and writes it as Markdown, HTML or plain text.  The template is
 * data; this file only knows its shape (meta, preamble, five numbered
 * sections, optional contact, closing) and escapes each value for the
 * format it lands in.
 */
#include "hoshi/policy.h"
#include "catalog_int.h"
#include "internal.h"
#include "hoshi/date.h"
#include "hoshi/text.h"
#include "hoshi/buf.h"
#include "hoshi/datafile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POLICY_SECTIONS 5

hoshi_err hoshi_policy_format_parse(const char *s, hoshi_policy_format *out)
{
    static const struct { const char *name; hoshi_policy_format f; } names[] = {
        {"md", HOSHI_POLICY_MD}, {"markdown", HOSHI_POLICY_MD},
        {"html", HOSHI_POLICY_HTML}, {"text", HOSHI_POLICY_TEXT},
    };
    hi_clear_error();
    for (size_t i = 0; s != NULL && i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].f;
            return HOSHI_OK;
        }
    }
    return hi_fail(HOSHI_ERR_USAGE, "unknown format '%s' (expected md, html or text)", s ? s : "");
}

hoshi_err hoshi_policy_check(const hoshi_policy_info *info, const char **field)
{
    hi_clear_error();
    struct { const char *name; const char *v; bool req; } f[] = {
        {"org", info->org, true},
        {"representative", info->representative, true},
        {"contact", info->contact, false},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        hoshi_err err = hoshi_text_check(f[i].name, f[i].v, HOSHI_POLICY_FIELD_MAX, f[i].req);
        if (err != HOSHI_OK) {
            if (field != NULL)
                *field = f[i].name;
            return err;
        }
    }
    hoshi_date d;
    hoshi_err err = hoshi_date_parse(info->date, &d);
    if (err != HOSHI_OK && field != NULL)
        *field = "date";
    return err;
}

/* Markdown: backslash-escape characters that would start markup. */
static void md_escape(hoshi_buf *b, const char *s)
{
    for (; *s; s++) {
        if (strchr("\\`*_{}[]()<>#+-.!|~", *s) != NULL)
            hoshi_buf_putc(b, '\\');
        hoshi_buf_putc(b, *s);
    }
}

typedef struct ctx {
    hoshi_buf *b;
    hoshi_policy_format fmt;
    const char *const *vars;
} ctx;

/* Writes one template value with the variables substituted and escaped
 * for the output format. */
static void put(ctx *x, const char *tmpl)
{
    switch (x->fmt) {
    case HOSHI_POLICY_MD: {
        /* The template's own text is trusted Markdown-free prose; only the
         * substituted values need escaping. */
        hoshi_buf_subst(x->b, tmpl, x->vars, md_escape);
        break;
    }
    case HOSHI_POLICY_HTML:
    case HOSHI_POLICY_HTML_FRAGMENT: {
        hoshi_buf tmp = HOSHI_BUF_INIT;
        hoshi_buf_subst(&tmp, tmpl, x->vars, NULL);
        if (tmp.err != HOSHI_OK)
            x->b->err = tmp.err;
        else
            hoshi_buf_html(x->b, tmp.data);
        hoshi_buf_free(&tmp);
        break;
    }
    case HOSHI_POLICY_TEXT:
        hoshi_buf_subst(x->b, tmpl, x->vars, NULL);
        break;
    }
}

static bool is_html(const ctx *x)
{
    return x->fmt == HOSHI_POLICY_HTML || x->fmt == HOSHI_POLICY_HTML_FRAGMENT;
}

static void heading(ctx *x, int level, const char *prefix, const char *tmpl)
{
    if (is_html(x)) {
        hoshi_buf_printf(x->b, "<h%d>", level);
        hoshi_buf_html(x->b, prefix);
        put(x, tmpl);
        hoshi_buf_printf(x->b, "</h%d>\n", level);
    } else if (x->fmt == HOSHI_POLICY_MD) {
        hoshi_buf_printf(x->b, "%.*s %s", level, "######", prefix);
        put(x, tmpl);
        hoshi_buf_puts(x->b, "\n\n");
    } else {
        size_t start = x->b->len;
        hoshi_buf_puts(x->b, prefix);
        put(x, tmpl);
        hoshi_buf_putc(x->b, '\n');
        /* Underline in display cells: CJK characters take two. */
        size_t cells = 0;
        for (const unsigned char *p = (const unsigned char *)x->b->data + start;
             x->b->err == HOSHI_OK && *p && *p != '\n'; p++)
            if ((*p & 0xC0) != 0x80)
                cells += *p < 0x80 ? 1 : 2;
        for (size_t i = 0; i < cells; i++)
            hoshi_buf_putc(x->b, level == 1 ? '=' : '-');
        hoshi_buf_puts(x->b, "\n\n");
    }
}

static void para(ctx *x, const char *tmpl)
{
    if (is_html(x)) {
        hoshi_buf_puts(x->b, "<p>");
        put(x, tmpl);
        hoshi_buf_puts(x->b, "</p>\n");
    } else {
        put(x, tmpl);
        hoshi_buf_puts(x->b, "\n\n");
    }
}

static void list(ctx *x, const hoshi_datafile *t, const char *sec)
{
    size_t n = hoshi_datafile_count(t, sec, "item");
    if (n == 0)
        return;
    if (is_html(x))
        hoshi_buf_puts(x->b, "<ol>\n");
    for (size_t i = 0; i < n; i++) {
        if (is_html(x)) {
            hoshi_buf_puts(x->b, "<li>");
            put(x, hoshi_datafile_nth(t, sec, "item", i));
            hoshi_buf_puts(x->b, "</li>\n");
        } else {
            hoshi_buf_printf(x->b, x->fmt == HOSHI_POLICY_MD ? "%zu. " : "  (%zu) ", i + 1);
            put(x, hoshi_datafile_nth(t, sec, "item", i));
            hoshi_buf_putc(x->b, '\n');
        }
    }
    hoshi_buf_puts(x->b, is_html(x) ? "</ol>\n" : "\n");
}

static const char *get(const hoshi_datafile *t, const char *sec, const char *key)
{
    const char *v = hoshi_datafile_get(t, sec, key);
    return v != NULL ? v : "";
}

static void closing(ctx *x, const hoshi_datafile *t, const char *date_text)
{
    const char *rows[][2] = {
        {get(t, "closing", "date_label"), date_text},
        {get(t, "closing", "org_label"), "{org}"},
        {get(t, "closing", "rep_label"), "{representative}"},
    };
    if (is_html(x))
        hoshi_buf_puts(x->b, "<dl class=\"closing\">\n");
    for (size_t i = 0; i < 3; i++) {
        if (is_html(x)) {
            hoshi_buf_puts(x->b, "<dt>");
            hoshi_buf_html(x->b, rows[i][0]);
            hoshi_buf_puts(x->b, "</dt><dd>");
            put(x, rows[i][1]);
            hoshi_buf_puts(x->b, "</dd>\n");
        } else {
            hoshi_buf_puts(x->b, rows[i][0]);
            hoshi_buf_puts(x->b, ": ");
            put(x, rows[i][1]);
            hoshi_buf_puts(x->b, x->fmt == HOSHI_POLICY_MD ? "  \n" : "\n");
        }
    }
    if (is_html(x))
        hoshi_buf_puts(x->b, "</dl>\n");
}

static void document(ctx *x, const hoshi_datafile *t, const char *date_text, bool has_contact)
{
    if (is_html(x))
        hoshi_buf_puts(x->b, "<article class=\"policy\">\n");
    heading(x, 1, "", get(t, "meta", "title"));
    for (size_t i = 0; i < hoshi_datafile_count(t, "preamble", "para"); i++)
        para(x, hoshi_datafile_nth(t, "preamble", "para", i));
    for (int s = 1; s <= POLICY_SECTIONS; s++) {
        char sec[32], prefix[32];
        snprintf(sec, sizeof sec, "section %d", s);
        snprintf(prefix, sizeof prefix, "%d. ", s);
        heading(x, 2, prefix, get(t, sec, "title"));
        for (size_t i = 0; i < hoshi_datafile_count(t, sec, "para"); i++)
            para(x, hoshi_datafile_nth(t, sec, "para", i));
        list(x, t, sec);
    }
    if (has_contact) {
        heading(x, 2, "", get(t, "contact", "title"));
        for (size_t i = 0; i < hoshi_datafile_count(t, "contact", "para"); i++)
            para(x, hoshi_datafile_nth(t, "contact", "para", i));
    }
    closing(x, t, date_text);
    if (is_html(x))
        hoshi_buf_puts(x->b, "</article>\n");
}

hoshi_err hoshi_policy_render(const hoshi_catalog *c, const hoshi_policy_info *info,
                              hoshi_policy_format fmt, char **out, size_t *len)
{
    hoshi_err err = hoshi_policy_check(info, NULL);
    if (err != HOSHI_OK)
        return err;
    hoshi_date d;
    hoshi_date_parse(info->date, &d);
    char date_text[64];
    hoshi_lang lang = hoshi_catalog_lang(c);
    hoshi_date_format(d, lang, date_text, sizeof date_text);
    bool has_contact = !hoshi_text_is_blank(info->contact);

    const hoshi_datafile *t = hi_catalog_policy_template(c);
    const char *vars[] = {"org", info->org, "representative", info->representative,
                          "date", date_text, "contact", has_contact ? info->contact : "",
                          NULL};
    hoshi_buf b = HOSHI_BUF_INIT;
    ctx x = {&b, fmt, vars};
    if (fmt == HOSHI_POLICY_HTML) {
        hoshi_buf inner = HOSHI_BUF_INIT, title = HOSHI_BUF_INIT;
        ctx xi = {&inner, HOSHI_POLICY_HTML_FRAGMENT, vars};
        document(&xi, t, date_text, has_contact);
        ctx xt = {&title, HOSHI_POLICY_HTML_FRAGMENT, vars};
        put(&xt, get(t, "meta", "title"));
        hoshi_buf_puts(&title, " — ");
        hoshi_buf_html(&title, info->org);
        if (inner.err != HOSHI_OK || title.err != HOSHI_OK) {
            b.err = inner.err != HOSHI_OK ? inner.err : title.err;
        } else {
            const char *pv[] = {"lang", hoshi_lang_code(lang), "title", title.data,
                                "body", inner.data, NULL};
            hoshi_buf_subst(&b, hi_catalog_page(c, HI_PAGE_POLICY), pv, NULL);
        }
        hoshi_buf_free(&inner);
        hoshi_buf_free(&title);
    } else {
        document(&x, t, date_text, has_contact);
    }
    return hoshi_buf_finish(&b, out, len);
}
