/*
 * report_html.c — the printable one-page HTML report and the fragment
 * web pages embed.  The page shell and its stylesheet are data
 * (data/templates/report.html); this file writes the body with its part
 * chart, escaping every text it takes from the catalogue or the user.
 * Called only by report.c, which scores and plans once for every format.
 */
#include "report_int.h"
#include "catalog_int.h"
#include "svg.h"

#include <stdio.h>
#include <stdlib.h>

/* On the printed page the first actions get up to three steps, the next
 * ones their first step, the rest a line in a compact list, so it stays on
 * one A4 sheet even when everything is still to do.  The fragment for web
 * pages, the text and the JSON have every action with every step. */
#define FULL_STEPS_ACTIONS 3
#define MAX_STEPS_SHOWN 3
#define FIRST_STEP_ACTIONS 5

/* The part chart: one bar per part. */
static void parts_chart(hoshi_buf *b, const hoshi_catalog *c, const hoshi_diag_result *r)
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

/* `compact`: the printed page's limits on rows and steps (see above); the
 * fragment embedded in a web page shows every action with every step. */
static void body(hoshi_buf *b, const hi_report *m, bool compact)
{
    const hoshi_catalog *c = m->c;
    const hoshi_diag_result *r = &m->r;
    hoshi_buf_printf(b, "<section class=\"report band-%d\">\n<header><h1>", r->band);
    hoshi_buf_html(b, T(m, "title"));
    hoshi_buf_puts(b, "</h1>");
    if (m->opts->org != NULL || m->opts->date != NULL) {
        hoshi_buf_puts(b, "<p class=\"meta\">");
        if (m->opts->org != NULL) {
            hoshi_buf_puts(b, "<span class=\"org\">");
            hoshi_buf_html(b, m->opts->org);
            hoshi_buf_puts(b, "</span> ");
        }
        if (m->opts->date != NULL) {
            hoshi_buf_puts(b, "<span class=\"date\">");
            hoshi_buf_html(b, T(m, "date"));
            hoshi_buf_puts(b, ": ");
            hoshi_buf_html(b, m->opts->date);
            hoshi_buf_puts(b, "</span>");
        }
        hoshi_buf_puts(b, "</p>");
    }
    hoshi_buf_puts(b, "</header>\n<div class=\"summary\"><div class=\"score\"><span class=\"label\">");
    hoshi_buf_html(b, T(m, "score"));
    hoshi_buf_printf(b, "</span><span class=\"value\">%d</span><span class=\"unit\">/ 100 ", r->score);
    hoshi_buf_html(b, T(m, "points"));
    hoshi_buf_puts(b, "</span><span class=\"bandlabel\">");
    hoshi_buf_html(b, hoshi_catalog_band_label(c, r->band));
    hoshi_buf_puts(b, "</span></div>\n<div class=\"message\"><p>");
    hoshi_buf_html(b, hoshi_catalog_band_message(c, r->band));
    hoshi_buf_puts(b, "</p><p class=\"next\">");
    hoshi_buf_html(b, hoshi_catalog_band_next(c, r->band));
    hoshi_buf_printf(b, "</p><p class=\"star1 %s\">", r->star1_ready ? "ready" : "notready");
    hoshi_buf_html(b, T(m, r->star1_ready ? "star1_ready" : "star1_not_ready"));
    hoshi_buf_puts(b, "</p></div></div>\n<div class=\"cols\"><div class=\"parts\"><h2>");
    hoshi_buf_html(b, T(m, "parts"));
    hoshi_buf_puts(b, "</h2>");
    parts_chart(b, c, r);
    hoshi_buf_puts(b, "</div>\n<div class=\"followup\"><h2>");
    hoshi_buf_html(b, T(m, "followup"));
    hoshi_buf_puts(b, "</h2>");
    if (r->n_unknown == 0) {
        hoshi_buf_puts(b, "<p>");
        hoshi_buf_html(b, T(m, "followup_none"));
        hoshi_buf_puts(b, "</p>");
    } else {
        hoshi_buf_puts(b, "<ul>");
        for (size_t i = 0; i < r->n_unknown; i++) {
            const hoshi_item_info *it = hoshi_catalog_item(c, r->unknown_items[i]);
            hoshi_buf_printf(b, "<li><span class=\"num\">%d</span> ", it->number);
            hoshi_buf_html(b, it->title);
            hoshi_buf_puts(b, "</li>");
        }
        hoshi_buf_puts(b, "</ul>");
    }
    hoshi_buf_puts(b, "</div></div>\n<div class=\"plan\"><h2>");
    hoshi_buf_html(b, T(m, "actions"));
    hoshi_buf_puts(b, "</h2>");
    if (m->n_plan == 0) {
        hoshi_buf_puts(b, "<p>");
        hoshi_buf_html(b, T(m, "actions_none"));
        hoshi_buf_puts(b, "</p>");
    } else {
        hoshi_buf_puts(b, "<p class=\"note\">");
        hoshi_buf_html(b, T(m, "priority_note"));
        hoshi_buf_puts(b, "</p><table><thead><tr><th>#</th><th>");
        hoshi_buf_html(b, T(m, "item"));
        hoshi_buf_puts(b, "</th><th>");
        hoshi_buf_html(b, T(m, "status"));
        hoshi_buf_puts(b, "</th><th>");
        hoshi_buf_html(b, T(m, "how"));
        hoshi_buf_puts(b, "</th></tr></thead><tbody>\n");
        size_t rows = !compact || m->n_plan < FIRST_STEP_ACTIONS ? m->n_plan : FIRST_STEP_ACTIONS;
        for (size_t i = 0; i < rows; i++) {
            const hoshi_item_info *it = hoshi_catalog_item(c, m->plan[i]);
            hoshi_answer a = m->answers[it->number - 1];
            hoshi_buf_printf(b, "<tr><td class=\"rank\">%zu</td><td class=\"title\">"
                             "<span class=\"num\">%d</span> ", i + 1, it->number);
            hoshi_buf_html(b, it->title);
            hoshi_buf_printf(b, "</td><td class=\"status a%d\">", (int)a);
            hoshi_buf_html(b, hoshi_catalog_answer_label(c, a));
            hoshi_buf_puts(b, "</td><td><ul>");
            size_t steps = !compact ? it->n_steps : i < FULL_STEPS_ACTIONS ? MAX_STEPS_SHOWN : 1;
            for (size_t s = 0; s < steps && s < it->n_steps; s++) {
                hoshi_buf_puts(b, "<li>");
                hoshi_buf_html(b, it->steps[s]);
                hoshi_buf_puts(b, "</li>");
            }
            hoshi_buf_puts(b, "</ul></td></tr>\n");
        }
        hoshi_buf_puts(b, "</tbody></table>");
        if (m->n_plan > rows) {
            hoshi_buf_puts(b, "<h3>");
            hoshi_buf_html(b, T(m, "more_actions"));
            hoshi_buf_printf(b, "</h3><ol class=\"more\" start=\"%zu\">", rows + 1);
            for (size_t i = rows; i < m->n_plan; i++) {
                const hoshi_item_info *it = hoshi_catalog_item(c, m->plan[i]);
                hoshi_answer a = m->answers[it->number - 1];
                hoshi_buf_printf(b, "<li><span class=\"num\">%d</span> ", it->number);
                hoshi_buf_html(b, it->title);
                hoshi_buf_printf(b, " <span class=\"status a%d\">(", (int)a);
                hoshi_buf_html(b, hoshi_catalog_answer_label(c, a));
                hoshi_buf_puts(b, ")</span></li>");
            }
            hoshi_buf_puts(b, "</ol>");
        }
    }
    hoshi_buf_puts(b, "</div>\n</section>\n");
}

void hi_report_html(hoshi_buf *b, const hi_report *m, bool whole_page)
{
    if (!whole_page) {
        body(b, m, false);
        return;
    }
    hoshi_buf inner = HOSHI_BUF_INIT, title = HOSHI_BUF_INIT;
    body(&inner, m, true);
    hoshi_buf_html(&title, T(m, "title"));
    if (inner.err != HOSHI_OK || title.err != HOSHI_OK) {
        b->err = inner.err != HOSHI_OK ? inner.err : title.err;
    } else {
        const char *vars[] = {"lang", hoshi_lang_code(hoshi_catalog_lang(m->c)),
                              "title", title.data, "body", inner.data, NULL};
        hoshi_buf_subst(b, hi_catalog_page(m->c, HI_PAGE_REPORT), vars, NULL);
    }
    hoshi_buf_free(&inner);
    hoshi_buf_free(&title);
}
