/*
 * csvtok.c — a plain RFC 4180 record reader over a complete in-memory
 * buffer, for the codebook and other small files.  The data reader
 * (csvparse.c) parses straight into columns and does not use this; both
 * accept the same syntax: quoted fields with doubled quotes, embedded
 * newlines, CRLF or LF, and nothing after a closing quote but a separator.
 */
#include "tab/tab_int.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static hoshi_err add_field(hi_csvrec *r, hoshi_buf *b)
{
    if (r->n == r->cap) {
        if (r->n > HI_TAB_MAX_COLUMNS) /* the id column plus the cap */
            return hi_fail(HOSHI_ERR_LIMIT, "more than %d fields in a record", HI_TAB_MAX_COLUMNS);
        size_t cap = r->cap ? r->cap * 2 : 8;
        if (cap > HI_TAB_MAX_COLUMNS + 1)
            cap = HI_TAB_MAX_COLUMNS + 1;
        char **f = hi_realloc(r->f, cap * sizeof *f);
        if (f == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading CSV");
        r->f = f;
        r->cap = cap;
    }
    char *s = NULL;
    size_t len = 0;
    if (b->len == 0) {
        s = hi_strdup("");
        if (s == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading CSV");
    } else {
        hoshi_err err = hoshi_buf_finish(b, &s, &len);
        if (err != HOSHI_OK)
            return err;
    }
    r->f[r->n++] = s;
    return HOSHI_OK;
}

static void clear_rec(hi_csvrec *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->f[i]);
    r->n = 0;
}

void hi_csvrec_free(hi_csvrec *r)
{
    clear_rec(r);
    free(r->f);
    r->f = NULL;
    r->cap = 0;
}

hoshi_err hi_csvtok_next(hi_csvtok *t, hi_csvrec *r, bool *got)
{
    clear_rec(r);
    *got = false;
    if (t->p >= t->end)
        return HOSHI_OK;
    r->line = t->line;
    hoshi_buf *b = &t->field;
    b->limit = HI_TAB_MAX_FIELD;
    b->len = 0;
    const char *p = t->p;
    hoshi_err err;
    for (;;) {
        size_t fieldno = r->n + 1;
        if (p < t->end && *p == '"') {
            p++;
            for (;;) {
                const char *q = memchr(p, '"', (size_t)(t->end - p));
                if (q == NULL) {
                    return hi_fail(HOSHI_ERR_INPUT, "%s:%zu:%zu: quoted field never closed",
                                   t->name, r->line, fieldno);
                }
                for (const char *s = p; s < q; s++)
                    t->line += *s == '\n';
                hoshi_buf_append(b, p, (size_t)(q - p));
                if (q + 1 < t->end && q[1] == '"') {
                    hoshi_buf_putc(b, '"');
                    p = q + 2;
                    continue;
                }
                p = q + 1;
                break;
            }
            if (p < t->end && *p != ',' && *p != '\n' && *p != '\r')
                return hi_fail(HOSHI_ERR_INPUT, "%s:%zu:%zu: text after a closing quote",
                               t->name, t->line, fieldno);
        } else {
            const char *s = p;
            while (p < t->end && *p != ',' && *p != '\n' && *p != '\r') {
                if (*p == '"')
                    return hi_fail(HOSHI_ERR_INPUT, "%s:%zu:%zu: quote inside an unquoted field",
                                   t->name, t->line, fieldno);
                if (*p == '\0')
                    return hi_fail(HOSHI_ERR_INPUT, "%s:%zu:%zu: NUL byte", t->name, t->line,
                                   fieldno);
                p++;
            }
            hoshi_buf_append(b, s, (size_t)(p - s));
        }
        if (b->err == HOSHI_ERR_NOMEM)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", t->name);
        if (b->err != HOSHI_OK)
            return hi_fail(b->err, "%s:%zu:%zu: field longer than %zu bytes", t->name, t->line,
                           fieldno, HI_TAB_MAX_FIELD);
        if ((err = add_field(r, b)) != HOSHI_OK)
            return err;
        b->len = 0;
        if (p >= t->end)
            break;
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p == '\r') {
            if (p + 1 < t->end && p[1] == '\n')
                p++;
            else
                return hi_fail(HOSHI_ERR_INPUT, "%s:%zu:%zu: carriage return without line feed",
                               t->name, t->line, fieldno);
        }
        p++; /* the '\n' */
        t->line++;
        break;
    }
    t->p = p;
    *got = true;
    return HOSHI_OK;
}
