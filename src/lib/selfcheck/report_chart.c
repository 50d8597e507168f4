/*
 * report_chart.c — the part chart of a diagnosis: one bar per part, each
 * the share of its own part's maximum.  A file of its own because both
 * the HTML report and the web pages (through hoshi_report_parts_svg) draw
 * it, so the renderers call it and it calls none of them.
 */
#include "report_int.h"
#include "internal.h"
#include "svg.h"

#include <stdio.h>

void hi_report_chart(hoshi_buf *b, const hoshi_catalog *c, const hoshi_diag_result *r)
{
    hi_hbar bars[HOSHI_DIAG_PARTS];
    char text[HOSHI_DIAG_PARTS][32];
    for (int p = 0; p < HOSHI_DIAG_PARTS; p++) {
        snprintf(text[p], sizeof text[p], "%d / %d", r->part_score[p], r->part_max[p]);
        /* Each bar is the share of its own part's maximum, so parts of
         * different size compare fairly. */
        double share = r->part_max[p] > 0 ? 100.0 * r->part_score[p] / r->part_max[p] : 0;
        bars[p] = (hi_hbar){hoshi_catalog_part_title(c, p + 1), share, text[p]};
    }
    hi_svg_hbars(b, hoshi_catalog_text(c, "report", "parts"), bars, HOSHI_DIAG_PARTS, 100.0);
}

hoshi_err hoshi_report_parts_svg(const hoshi_catalog *c, const hoshi_diag_result *r,
                                 char **out, size_t *len)
{
    hi_clear_error();
    hoshi_buf b = HOSHI_BUF_INIT;
    hi_report_chart(&b, c, r);
    return hoshi_buf_finish(&b, out, len);
}
