/*
 * report.h — the self-diagnosis report: score, band message, part
 * subtotals (with an SVG chart), follow-up items and the action plan, as
 * plain text, JSON or a printable HTML page.
 */
#ifndef HOSHI_REPORT_H
#define HOSHI_REPORT_H

#include <stddef.h>

#include "hoshi/catalog.h"
#include "hoshi/diag.h"

typedef enum hoshi_report_format {
    HOSHI_REPORT_TEXT,
    HOSHI_REPORT_JSON,
    HOSHI_REPORT_HTML,          /* a whole page that prints on one A4 sheet */
    HOSHI_REPORT_HTML_FRAGMENT  /* the report's <section>, for embedding in a page;
                                   every action with every step */
} hoshi_report_format;

/* Optional details shown in the report header; any field may be NULL. */
typedef struct hoshi_report_opts {
    const char *org;   /* organisation name */
    const char *date;  /* date of the diagnosis, already formatted for display */
} hoshi_report_opts;

/* Parses "text", "json" or "html". */
hoshi_err hoshi_report_format_parse(const char *s, hoshi_report_format *out);

/* Renders the report of a complete answer set.  opts may be NULL.  On
 * success *out is a NUL-terminated string the caller frees with free(), and
 * *len (if len is not NULL) its length. */
hoshi_err hoshi_report_render(const hoshi_catalog *c, const hoshi_answer answers[HOSHI_DIAG_ITEMS],
                              hoshi_report_format fmt, const hoshi_report_opts *opts,
                              char **out, size_t *len);

#endif
