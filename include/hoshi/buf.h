/*
 * buf.h — a growable, bounded byte buffer, the only way libhoshi and its
 * front ends build strings.  Appends never overflow: past the cap (or on allocation failure)
 * the buffer enters a sticky failed state, later appends are no-ops, and
 * hoshi_buf_finish() reports the failure once.  Callers therefore check once
 * at the end instead of after every append.
 *
 * Escaping appenders write text for one output context each; use the one
 * for the context the text lands in.
 */
#ifndef HOSHI_BUF_H
#define HOSHI_BUF_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/error.h"

typedef struct hoshi_buf {
    char *data;   /* NUL-terminated while not failed; owned by the buffer */
    size_t len;
    size_t cap;   /* allocated bytes */
    size_t limit; /* maximum len; 0 means the default (64 MiB) */
    hoshi_err err;
} hoshi_buf;

#define HOSHI_BUF_INIT {NULL, 0, 0, 0, HOSHI_OK}

void hoshi_buf_append(hoshi_buf *b, const void *p, size_t n);
void hoshi_buf_puts(hoshi_buf *b, const char *s);
void hoshi_buf_putc(hoshi_buf *b, char c);
void hoshi_buf_printf(hoshi_buf *b, const char *fmt, ...) HOSHI_PRINTF(2, 3);

/* Escapes <, >, &, ", ' for HTML text and attribute values (also SVG). */
void hoshi_buf_html(hoshi_buf *b, const char *s);
/* Writes s as the inside of a JSON string (no quotes added). */
void hoshi_buf_json(hoshi_buf *b, const char *s);
/* Writes s as a quoted JSON string. */
void hoshi_buf_json_str(hoshi_buf *b, const char *s);
/* Percent-encodes s for a URL query value or path segment. */
void hoshi_buf_url(hoshi_buf *b, const char *s);
/* Writes s as one RFC 4180 field separated by sep (',' or '\t'): quoted,
 * with quotes doubled, when it holds sep, a quote or a line break. */
void hoshi_buf_csv(hoshi_buf *b, const char *s, char sep);

/* Replaces every {name} in tmpl by the value of vars (name/value pairs,
 * NULL-terminated), passed through esc (or verbatim when esc is NULL).
 * An unknown {name} is copied as is. */
void hoshi_buf_subst(hoshi_buf *b, const char *tmpl, const char *const *vars,
                  void (*esc)(hoshi_buf *, const char *));

/* Hands the contents to the caller: on success *out is a NUL-terminated
 * malloc'd string (caller frees with free()) and *len its length.  On
 * failure nothing is handed out.  Either way the buffer is reset. */
hoshi_err hoshi_buf_finish(hoshi_buf *b, char **out, size_t *len);

/* Frees the contents and resets the buffer. */
void hoshi_buf_free(hoshi_buf *b);

#endif
