/*
 * report_html.c — the printable one-page HTML report.  The page shell and
 * its stylesheet are data (data/templates/report.html); this file writes
 * the body, escaping every text it takes from the catalogue or the user.
 */
#include "report_int.h"
#include "fileio.h"

#include <stdlib.h>

/* The first actions get every step, the next ones their first step, the
 * rest a line in a compact list, so the report stays on one printed page
 * even when everything is still to do (text and JSON have all steps). */
#define FULL_STEPS_ACTIONS 3
#define MAX_STEPS_SHOWN 3
#define FIRST_STEP_ACTIONS 5

static const char *T(const hi_report *m, const char *key)
{
    return hoshi_catalog_text(m->c, "report", key);
}

static void body(hi_buf *b, const hi_report *m)
{
    const hoshi_catalog *c = m->c;
    const hoshi_diag_result *r = &m->r;
    hi_buf_printf(b, "<section class=\"report band-%d\">\n<header><h1>", r->band);
    hi_buf_html(b, T(m, "title"));
    hi_buf_puts(b, "</h1>");
    if (m->opts->org != NULL || m->opts->date != NULL) {
        hi_buf_puts(b, "<p class=\"meta\">");
        if (m->opts->org != NULL) {
            hi_buf_puts(b, "<span class=\"org\">");
            hi_buf_html(b, m->opts->org);
            hi_buf_puts(b, "</span> ");
        }
        if (m->opts->date != NULL) {
            hi_buf_puts(b, "<span class=\"date\">");
            hi_buf_html(b, T(m, "date"));
            hi_buf_puts(b, ": ");
            hi_buf_html(b, m->opts->date);
            hi_buf_puts(b, "</span>");
        }
        hi_buf_puts(b, "</p>");
    }
    hi_buf_puts(b, "</header>\n<div class=\"summary\"><div class=\"score\"><span class=\"label\">");
    hi_buf_html(b, T(m, "score"));
    hi_buf_printf(b, "</span><span class=\"value\">%d</span><span class=\"unit\">/ 100 ", r->score);
    hi_buf_html(b, T(m, "points"));
    hi_buf_puts(b, "</span><span class=\"bandlabel\">");
    hi_buf_html(b, hoshi_catalog_band_label(c, r->band));
    hi_buf_puts(b, "</span></div>\n<div class=\"message\"><p>");
    hi_buf_html(b, hoshi_catalog_band_message(c, r->band));
    hi_buf_puts(b, "</p><p class=\"next\">");
    hi_buf_html(b, hoshi_catalog_band_next(c, r->band));
    hi_buf_printf(b, "</p><p class=\"star1 %s\">", r->star1_ready ? "ready" : "notready");
    hi_buf_html(b, T(m, r->star1_ready ? "star1_ready" : "star1_not_ready"));
    hi_buf_puts(b, "</p></div></div>\n<div class=\"cols\"><div class=\"parts\"><h2>");
    hi_buf_html(b, T(m, "parts"));
    hi_buf_puts(b, "</h2>");
    hi_report_chart(b, c, r);
    hi_buf_puts(b, "</div>\n<div class=\"followup\"><h2>");
    hi_buf_html(b, T(m, "followup"));
    hi_buf_puts(b, "</h2>");
    if (r->n_unknown == 0) {
        hi_buf_puts(b, "<p>");
        hi_buf_html(b, T(m, "followup_none"));
        hi_buf_puts(b, "</p>");
    } else {
        hi_buf_puts(b, "<ul>");
        for (size_t i = 0; i < r->n_unknown; i++) {
            const hoshi_item_info *it = hoshi_catalog_item(c, r->unknown_items[i]);
            hi_buf_printf(b, "<li><span class=\"num\">%d</span> ", it->number);
            hi_buf_html(b, it->title);
            hi_buf_puts(b, "</li>");
        }
        hi_buf_puts(b, "</ul>");
    }
    hi_buf_puts(b, "</div></div>\n<div class=\"plan\"><h2>");
    hi_buf_html(b, T(m, "actions"));
    hi_buf_puts(b, "</h2>");
    if (m->n_plan == 0) {
        hi_buf_puts(b, "<p>");
        hi_buf_html(b, T(m, "actions_none"));
        hi_buf_puts(b, "</p>");
    } else {
        hi_buf_puts(b, "<p class=\"note\">");
        hi_buf_html(b, T(m, "priority_note"));
        hi_buf_puts(b, "</p><table><thead><tr><th>#</th><th>");
        hi_buf_html(b, T(m, "item"));
        hi_buf_puts(b, "</th><th>");
        hi_buf_html(b, T(m, "status"));
        hi_buf_puts(b, "</th><th>");
        hi_buf_html(b, T(m, "how"));
        hi_buf_puts(b, "</th></tr></thead><tbody>\n");
        size_t rows = m->n_plan < FIRST_STEP_ACTIONS ? m->n_plan : FIRST_STEP_ACTIONS;
        for (size_t i = 0; i < rows; i++) {
            const hoshi_item_info *it = hoshi_catalog_item(c, m->plan[i]);
            hoshi_answer a = m->answers[it->number - 1];
            hi_buf_printf(b, "<tr><td class=\"rank\">%zu</td><td class=\"title\">"
                             "<span class=\"num\">%d</span> ", i + 1, it->number);
            hi_buf_html(b, it->title);
            hi_buf_printf(b, "</td><td class=\"status a%d\">", (int)a);
            hi_buf_html(b, hoshi_catalog_answer_label(c, a));
            hi_buf_puts(b, "</td><td><ul>");
            size_t steps = i < FULL_STEPS_ACTIONS ? MAX_STEPS_SHOWN : 1;
            for (size_t s = 0; s < steps && s < it->n_steps; s++) {
                hi_buf_puts(b, "<li>");
                hi_buf_html(b, it->steps[s]);
                hi_buf_puts(b, "</li>");
            }
            hi_buf_puts(b, "</ul></td></tr>\n");
        }
        hi_buf_puts(b, "</tbody></table>");
        if (m->n_plan > rows) {
            hi_buf_puts(b, "<h3>");
            hi_buf_html(b, T(m, "more_actions"));
            hi_buf_printf(b, "</h3><ol class=\"more\" start=\"%zu\">", rows + 1);
            for (size_t i = rows; i < m->n_plan; i++) {
                const hoshi_item_info *it = hoshi_catalog_item(c, m->plan[i]);
                hoshi_answer a = m->answers[it->number - 1];
                hi_buf_printf(b, "<li><span class=\"num\">%d</span> ", it->number);
                hi_buf_html(b, it->title);
                hi_buf_printf(b, " <span class=\"status a%d\">(", (int)a);
                hi_buf_html(b, hoshi_catalog_answer_label(c, a));
                hi_buf_puts(b, ")</span></li>");
            }
            hi_buf_puts(b, "</ol>");
        }
    }
    hi_buf_puts(b, "</div>\n</section>\n");
}

void hi_report_html(hi_buf *b, const hi_report *m, bool whole_page)
{
    if (!whole_page) {
        body(b, m);
        return;
    }
    hi_buf path = HI_BUF_INIT;
    hi_buf_printf(&path, "%s/templates/report.html", hoshi_catalog_datadir(m->c));
    char *p = NULL, *tmpl = NULL;
    size_t len = 0;
    if (hi_buf_finish(&path, &p, NULL) != HOSHI_OK)
        goto fail;
    hoshi_err err = hi_file_read(p, 1 << 20, &tmpl, &len);
    free(p);
    if (err != HOSHI_OK) {
        b->err = err == HOSHI_ERR_IO ? HOSHI_ERR_DATA : err;
        return;
    }
    hi_buf inner = HI_BUF_INIT, title = HI_BUF_INIT;
    body(&inner, m);
    hi_buf_html(&title, T(m, "title"));
    if (inner.err != HOSHI_OK || title.err != HOSHI_OK) {
        b->err = inner.err != HOSHI_OK ? inner.err : title.err;
    } else {
        const char *vars[] = {"lang", hoshi_lang_code(hoshi_catalog_lang(m->c)),
                              "title", title.data, "body", inner.data, NULL};
        hi_buf_subst(b, tmpl, vars, NULL);
    }
    hi_buf_free(&inner);
    hi_buf_free(&title);
    free(tmpl);
    return;
fail:
    if (b->err == HOSHI_OK)
        b->err = HOSHI_ERR_NOMEM;
}
