/*
 * report.c — entry points of the diagnosis report: score once, build the
 * plan once, hand the model to the renderer of the requested format.
 * Also the plain-text and JSON renderers, which are short.
 */
#include "report_int.h"
#include "internal.h"

#include <stdio.h>
#include <string.h>

hoshi_err hoshi_report_format_parse(const char *s, hoshi_report_format *out)
{
    static const struct { const char *name; hoshi_report_format f; } names[] = {
        {"text", HOSHI_REPORT_TEXT}, {"json", HOSHI_REPORT_JSON}, {"html", HOSHI_REPORT_HTML},
    };
    hi_clear_error();
    for (size_t i = 0; s != NULL && i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].f;
            return HOSHI_OK;
        }
    }
    return hi_fail(HOSHI_ERR_USAGE, "unknown format '%s' (expected text, json or html)",
                   s ? s : "");
}

static void report_text(hoshi_buf *b, const hi_report *m)
{
    const hoshi_catalog *c = m->c;
    const hoshi_diag_result *r = &m->r;
    hoshi_buf_printf(b, "%s\n", T(m, "title"));
    if (m->opts->org != NULL)
        hoshi_buf_printf(b, "%s\n", m->opts->org);
    if (m->opts->date != NULL)
        hoshi_buf_printf(b, "%s: %s\n", T(m, "date"), m->opts->date);
    hoshi_buf_printf(b, "\n%s: %d %s / 100    %s: %s\n", T(m, "score"), r->score, T(m, "points"),
                  T(m, "band"), hoshi_catalog_band_label(c, r->band));
    hoshi_buf_printf(b, "%s\n%s\n\n", hoshi_catalog_band_message(c, r->band),
                  hoshi_catalog_band_next(c, r->band));
    hoshi_buf_printf(b, "%s\n", T(m, "parts"));
    for (int p = 0; p < HOSHI_DIAG_PARTS; p++) {
        int filled = r->part_score[p] > 0 ? (20 * r->part_score[p] + r->part_max[p] / 2) / r->part_max[p] : 0;
        hoshi_buf_printf(b, "  %d. %s: %d / %d  [", p + 1, hoshi_catalog_part_title(c, p + 1),
                      r->part_score[p], r->part_max[p]);
        for (int k = 0; k < 20; k++)
            hoshi_buf_putc(b, k < filled ? '#' : '.');
        hoshi_buf_puts(b, "]\n");
    }
    hoshi_buf_printf(b, "\n%s\n", T(m, r->star1_ready ? "star1_ready" : "star1_not_ready"));
    hoshi_buf_printf(b, "\n%s\n", T(m, "followup"));
    if (r->n_unknown == 0)
        hoshi_buf_printf(b, "  %s\n", T(m, "followup_none"));
    for (size_t i = 0; i < r->n_unknown; i++) {
        const hoshi_item_info *it = hoshi_catalog_item(c, r->unknown_items[i]);
        hoshi_buf_printf(b, "  - %s %d: %s\n", T(m, "item"), it->number, it->title);
    }
    hoshi_buf_printf(b, "\n%s\n", T(m, "actions"));
    if (m->n_plan == 0)
        hoshi_buf_printf(b, "  %s\n", T(m, "actions_none"));
    else
        hoshi_buf_printf(b, "  (%s)\n", T(m, "priority_note"));
    for (size_t i = 0; i < m->n_plan; i++) {
        const hoshi_item_info *it = hoshi_catalog_item(c, m->plan[i]);
        hoshi_buf_printf(b, "\n%2zu. %s %d: %s [%s: %s]\n", i + 1, T(m, "item"), it->number,
                      it->title, T(m, "status"),
                      hoshi_catalog_answer_label(c, m->answers[it->number - 1]));
        for (size_t s = 0; s < it->n_steps; s++)
            hoshi_buf_printf(b, "    - %s\n", it->steps[s]);
    }
}

static void report_json(hoshi_buf *b, const hi_report *m)
{
    const hoshi_catalog *c = m->c;
    const hoshi_diag_result *r = &m->r;
    /* `band` is always the scheme's own label (as the survey tables use it);
     * `band_label` is the label in the report's language. */
    hoshi_buf_printf(b, "{\n  \"score\": %d,\n  \"max\": 100,\n  \"band\": ", r->score);
    hoshi_buf_json_str(b, hoshi_diag_band_name(r->band));
    hoshi_buf_printf(b, ",\n  \"band_number\": %d,\n  \"band_label\": ", r->band);
    hoshi_buf_json_str(b, hoshi_catalog_band_label(c, r->band));
    hoshi_buf_puts(b, ",\n  \"message\": ");
    hoshi_buf_json_str(b, hoshi_catalog_band_message(c, r->band));
    hoshi_buf_puts(b, ",\n  \"next\": ");
    hoshi_buf_json_str(b, hoshi_catalog_band_next(c, r->band));
    hoshi_buf_puts(b, ",\n  \"parts\": [");
    for (int p = 0; p < HOSHI_DIAG_PARTS; p++) {
        hoshi_buf_printf(b, "%s\n    {\"part\": %d, \"title\": ", p ? "," : "", p + 1);
        hoshi_buf_json_str(b, hoshi_catalog_part_title(c, p + 1));
        hoshi_buf_printf(b, ", \"score\": %d, \"max\": %d}", r->part_score[p], r->part_max[p]);
    }
    hoshi_buf_printf(b, "\n  ],\n  \"star1_ready\": %s,\n  \"star2_ready\": %s,\n  \"answers\": [",
                  r->star1_ready ? "true" : "false", r->star2_ready ? "true" : "false");
    for (int i = 0; i < HOSHI_DIAG_ITEMS; i++)
        hoshi_buf_printf(b, "%s%d", i ? ", " : "", (int)m->answers[i]);
    hoshi_buf_puts(b, "],\n  \"unknown_items\": [");
    for (size_t i = 0; i < r->n_unknown; i++)
        hoshi_buf_printf(b, "%s%d", i ? ", " : "", r->unknown_items[i]);
    hoshi_buf_puts(b, "],\n  \"actions\": [");
    for (size_t i = 0; i < m->n_plan; i++) {
        const hoshi_item_info *it = hoshi_catalog_item(c, m->plan[i]);
        hoshi_buf_printf(b, "%s\n    {\"item\": %d, \"part\": %d, \"title\": ", i ? "," : "",
                      it->number, it->part);
        hoshi_buf_json_str(b, it->title);
        hoshi_buf_printf(b, ", \"answer\": %d, \"status\": ", (int)m->answers[it->number - 1]);
        hoshi_buf_json_str(b, hoshi_catalog_answer_label(c, m->answers[it->number - 1]));
        hoshi_buf_puts(b, ", \"how\": \"");
        for (size_t s = 0; s < it->n_steps; s++) {
            if (s > 0)
                hoshi_buf_json(b, hoshi_catalog_lang(c) == HOSHI_LANG_JA ? "" : " ");
            hoshi_buf_json(b, it->steps[s]);
        }
        hoshi_buf_puts(b, "\", \"steps\": [");
        for (size_t s = 0; s < it->n_steps; s++) {
            hoshi_buf_puts(b, s ? ", " : "");
            hoshi_buf_json_str(b, it->steps[s]);
        }
        hoshi_buf_puts(b, "]}");
    }
    hoshi_buf_printf(b, "%s]\n}\n", m->n_plan ? "\n  " : "");
}

hoshi_err hoshi_report_render(const hoshi_catalog *c, const hoshi_answer answers[HOSHI_DIAG_ITEMS],
                              hoshi_report_format fmt, const hoshi_report_opts *opts,
                              char **out, size_t *len)
{
    static const hoshi_report_opts no_opts = {NULL, NULL};
    hi_report m;
    memset(&m, 0, sizeof m);
    m.c = c;
    m.answers = answers;
    m.opts = opts != NULL ? opts : &no_opts;
    hoshi_err err = hoshi_diag_score(answers, &m.r);
    if (err != HOSHI_OK)
        return err;
    m.n_plan = hoshi_plan_build(c, answers, m.plan);
    hoshi_buf b = HOSHI_BUF_INIT;
    switch (fmt) {
    case HOSHI_REPORT_TEXT: report_text(&b, &m); break;
    case HOSHI_REPORT_JSON: report_json(&b, &m); break;
    case HOSHI_REPORT_HTML: hi_report_html(&b, &m, true); break;
    case HOSHI_REPORT_HTML_FRAGMENT: hi_report_html(&b, &m, false); break;
    }
    return hoshi_buf_finish(&b, out, len);
}
