/*
 * buf.c — growable bounded buffer and the output-context escapers (HTML,
 * JSON, URL).  Escaping lives here, at the point text is written, so no
 * renderer can forget it.
 */
#include "hoshi/buf.h"
#include "internal.h"
#include "alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_LIMIT ((size_t)64 << 20)

static bool reserve(hoshi_buf *b, size_t extra)
{
    if (b->err != HOSHI_OK)
        return false;
    size_t limit = b->limit ? b->limit : DEFAULT_LIMIT;
    if (extra > limit - b->len) {
        b->err = hi_fail(HOSHI_ERR_LIMIT, "output exceeds %zu bytes", limit);
        return false;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *p = hi_realloc(b->data, cap);
    if (p == NULL) {
        b->err = hi_fail(HOSHI_ERR_NOMEM, "out of memory building output");
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void hoshi_buf_append(hoshi_buf *b, const void *p, size_t n)
{
    if (!reserve(b, n))
        return;
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void hoshi_buf_puts(hoshi_buf *b, const char *s)
{
    if (s != NULL)
        hoshi_buf_append(b, s, strlen(s));
}

void hoshi_buf_putc(hoshi_buf *b, char c)
{
    hoshi_buf_append(b, &c, 1);
}

void hoshi_buf_printf(hoshi_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        if (b->err == HOSHI_OK)
            b->err = hi_fail(HOSHI_ERR_INTERNAL, "format error");
        return;
    }
    if ((size_t)n < sizeof small) {
        hoshi_buf_append(b, small, (size_t)n);
        return;
    }
    if (!reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void hoshi_buf_html(hoshi_buf *b, const char *s)
{
    if (s == NULL)
        return;
    const char *run = s;
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '&': rep = "&amp;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        hoshi_buf_append(b, run, (size_t)(s - run));
        hoshi_buf_puts(b, rep);
        run = s + 1;
    }
    hoshi_buf_append(b, run, (size_t)(s - run));
}

void hoshi_buf_json(hoshi_buf *b, const char *s)
{
    if (s == NULL)
        return;
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        /* '<' and '>' are escaped too so JSON embedded in a page cannot
         * close a script element. */
        if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>')
            continue;
        hoshi_buf_append(b, run, (size_t)(s - run));
        switch (c) {
        case '"': hoshi_buf_puts(b, "\\\""); break;
        case '\\': hoshi_buf_puts(b, "\\\\"); break;
        case '\n': hoshi_buf_puts(b, "\\n"); break;
        case '\r': hoshi_buf_puts(b, "\\r"); break;
        case '\t': hoshi_buf_puts(b, "\\t"); break;
        default: hoshi_buf_printf(b, "\\u%04x", c); break;
        }
        run = s + 1;
    }
    hoshi_buf_append(b, run, (size_t)(s - run));
}

void hoshi_buf_json_str(hoshi_buf *b, const char *s)
{
    hoshi_buf_putc(b, '"');
    hoshi_buf_json(b, s);
    hoshi_buf_putc(b, '"');
}

void hoshi_buf_url(hoshi_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    if (s == NULL)
        return;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                     (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                     c == '.' || c == '~';
        if (plain) {
            hoshi_buf_putc(b, (char)c);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            hoshi_buf_append(b, e, 3);
        }
    }
}

void hoshi_buf_csv(hoshi_buf *b, const char *s, char sep)
{
    if (strchr(s, sep) == NULL && strpbrk(s, "\"\r\n") == NULL) {
        hoshi_buf_puts(b, s);
        return;
    }
    hoshi_buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"')
            hoshi_buf_putc(b, '"');
        hoshi_buf_putc(b, *s);
    }
    hoshi_buf_putc(b, '"');
}

void hoshi_buf_subst(hoshi_buf *b, const char *tmpl, const char *const *vars,
                  void (*esc)(hoshi_buf *, const char *))
{
    const char *p = tmpl;
    while (*p) {
        const char *open = strchr(p, '{');
        if (open == NULL)
            break;
        const char *close = strchr(open + 1, '}');
        if (close == NULL)
            break;
        hoshi_buf_append(b, p, (size_t)(open - p));
        size_t nlen = (size_t)(close - open - 1);
        const char *val = NULL;
        for (size_t i = 0; vars != NULL && vars[i] != NULL; i += 2) {
            if (strlen(vars[i]) == nlen && memcmp(vars[i], open + 1, nlen) == 0) {
                val = vars[i + 1] ? vars[i + 1] : "";
                break;
            }
        }
        if (val == NULL)
            hoshi_buf_append(b, open, (size_t)(close - open + 1));
        else if (esc != NULL)
            esc(b, val);
        else
            hoshi_buf_puts(b, val);
        p = close + 1;
    }
    hoshi_buf_puts(b, p);
}

hoshi_err hoshi_buf_finish(hoshi_buf *b, char **out, size_t *len)
{
    hoshi_err err = b->err;
    if (err == HOSHI_OK && b->data == NULL)
        hoshi_buf_append(b, "", 0), err = b->err;
    if (err != HOSHI_OK) {
        hoshi_buf_free(b);
        return err;
    }
    *out = b->data;
    if (len != NULL)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return HOSHI_OK;
}

void hoshi_buf_free(hoshi_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->err = HOSHI_OK;
}
