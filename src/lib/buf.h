/*
 * buf.h — a growable, bounded byte buffer, the only way libhoshi builds
 * strings.  Appends never overflow: past the cap (or on allocation failure)
 * the buffer enters a sticky failed state, later appends are no-ops, and
 * hi_buf_finish() reports the failure once.  Callers therefore check once
 * at the end instead of after every append.
 *
 * Escaping appenders write text for one output context each; use the one
 * for the context the text lands in.
 */
#ifndef HOSHI_BUF_H
#define HOSHI_BUF_H

#include <stdbool.h>
#include <stddef.h>

#include "internal.h"

typedef struct hi_buf {
    char *data;   /* NUL-terminated while not failed; owned by the buffer */
    size_t len;
    size_t cap;   /* allocated bytes */
    size_t limit; /* maximum len; 0 means the default (64 MiB) */
    hoshi_err err;
} hi_buf;

#define HI_BUF_INIT {NULL, 0, 0, 0, HOSHI_OK}

void hi_buf_append(hi_buf *b, const void *p, size_t n);
void hi_buf_puts(hi_buf *b, const char *s);
void hi_buf_putc(hi_buf *b, char c);
void hi_buf_printf(hi_buf *b, const char *fmt, ...) HI_PRINTF(2, 3);

/* Escapes <, >, &, ", ' for HTML text and attribute values (also SVG). */
void hi_buf_html(hi_buf *b, const char *s);
/* Writes s as the inside of a JSON string (no quotes added). */
void hi_buf_json(hi_buf *b, const char *s);
/* Writes s as a quoted JSON string. */
void hi_buf_json_str(hi_buf *b, const char *s);
/* Percent-encodes s for a URL query value or path segment. */
void hi_buf_url(hi_buf *b, const char *s);

/* Replaces every {name} in tmpl by the value of vars (name/value pairs,
 * NULL-terminated), passed through esc (or verbatim when esc is NULL).
 * An unknown {name} is copied as is. */
void hi_buf_subst(hi_buf *b, const char *tmpl, const char *const *vars,
                  void (*esc)(hi_buf *, const char *));

/* Hands the contents to the caller: on success *out is a NUL-terminated
 * malloc'd string (caller frees with free()) and *len its length.  On
 * failure nothing is handed out.  Either way the buffer is reset. */
hoshi_err hi_buf_finish(hi_buf *b, char **out, size_t *len);

/* Frees the contents and resets the buffer. */
void hi_buf_free(hi_buf *b);

#endif
