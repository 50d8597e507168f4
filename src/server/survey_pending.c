/*
 * survey_pending.c — the dashboard's "a survey is waiting for you" block
 * (issue 9): the surveys the signed-in organisation is invited to, open
 * today and not yet answered, each linking to /surveys/{id} with its
 * closing day and whether a draft is saved.  Apart from the answering
 * pages so the dashboard and those pages do not call each other.
 */
#include "server.h"

hoshi_err srv_survey_pending_block(srv_req *r, long long org_id, hoshi_buf *b)
{
    hoshi_survey_pending ps[8];
    size_t n = 0;
    char day[HOSHI_STORE_DATE], date[40];
    hoshi_date_iso(hoshi_date_today(), day, sizeof day);
    hoshi_err err = hoshi_store_survey_pending(r->s->store, org_id, day, ps, sizeof ps / sizeof ps[0], &n);
    if (err != HOSHI_OK || n == 0)
        return err;
    hoshi_buf_puts(b, "<section class=\"card survey-waiting\"><h2>");
    hoshi_buf_html(b, srv_text(r, "survey", "waiting"));
    hoshi_buf_puts(b, "</h2><ul>");
    for (size_t i = 0; i < n; i++) {
        hoshi_buf_printf(b, "<li><a href=\"/surveys/%lld\">", ps[i].survey_id);
        srv_html_shown(b, ps[i].title);
        hoshi_buf_puts(b, "</a>");
        if (ps[i].closes_on[0] != '\0') {
            hoshi_buf_puts(b, " <span class=\"muted\">");
            hoshi_buf_html(b, srv_text(r, "survey", "closes"));
            hoshi_buf_html(b, srv_fmt_date(r, ps[i].closes_on, date, sizeof date));
            hoshi_buf_puts(b, "</span>");
        }
        if (ps[i].started) {
            hoshi_buf_puts(b, " <span class=\"muted\">");
            hoshi_buf_html(b, srv_text(r, "survey", "started"));
            hoshi_buf_puts(b, "</span>");
        }
        hoshi_buf_puts(b, "</li>");
    }
    hoshi_buf_puts(b, "</ul></section>");
    return HOSHI_OK;
}
