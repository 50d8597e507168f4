/*
 * report_int.h — what the report renderers share: the scored result and
 * the action plan computed once, then written in each format.
 */
#ifndef HOSHI_REPORT_INT_H
#define HOSHI_REPORT_INT_H

#include "hoshi/plan.h"
#include "hoshi/report.h"
#include "hoshi/buf.h"

typedef struct hi_report {
    const hoshi_catalog *c;
    const hoshi_answer *answers;
    const hoshi_report_opts *opts; /* never NULL inside the renderers */
    hoshi_diag_result r;
    int plan[HOSHI_DIAG_ITEMS];
    size_t n_plan;
} hi_report;

/* A string of the [report] section of the catalogue. */
static inline const char *T(const hi_report *m, const char *key)
{
    return hoshi_catalog_text(m->c, "report", key);
}

/* The HTML renderer (report_html.c), called only by report.c. */
void hi_report_html(hoshi_buf *b, const hi_report *m, bool whole_page);

#endif
