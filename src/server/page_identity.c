/*
 * page_identity.c — identity on the pages (issue 11 parts 1 and 2): the
 * line of the verification page that says whether the declared 法人番号
 * and name were verified against the National Tax Agency's register (and
 * of what date its data is), the dated history of a declared
 * organisation's changes, and the reasons a declaration is refused when
 * the register disagrees.  The data comes from hoshi/store_nta.h.
 */
#include "server.h"

#include <stdio.h>
#include <string.h>

const char *srv_nta_refusal(hoshi_nta_verdict v)
{
    switch (v) {
    case HOSHI_NTA_UNKNOWN: return "err_nta_unknown";
    case HOSHI_NTA_CLOSED: return "err_nta_closed";
    case HOSHI_NTA_NAME_DIFFERS: return "err_nta_name";
    default: return NULL;
    }
}

bool srv_nta_facts(srv_req *r, hoshi_buf *b, const hoshi_decl *d)
{
    hoshi_nta_verdict v;
    char data_date[HOSHI_STORE_DATE], date[40];
    if (hoshi_store_nta_check(r->s->store, d->corpnum, d->org_name, &v, data_date) != HOSHI_OK)
        return false;
    if (v == HOSHI_NTA_NOT_CHECKED)
        return true;
    const char *vars[] = {"date", srv_fmt_date(r, data_date, date, sizeof date), NULL};
    hoshi_buf_puts(b, "<dt>");
    hoshi_buf_html(b, srv_text(r, "verify", "nta"));
    hoshi_buf_printf(b, "</dt><dd class=\"nta %s\">", v == HOSHI_NTA_VERIFIED ? "verified" : "unverified");
    static const char *const keys[] = {
        [HOSHI_NTA_VERIFIED] = "nta_verified", [HOSHI_NTA_UNKNOWN] = "nta_unknown",
        [HOSHI_NTA_CLOSED] = "nta_closed", [HOSHI_NTA_NAME_DIFFERS] = "nta_name"};
    hoshi_buf_subst(b, srv_text(r, "verify", keys[v]), vars, hoshi_buf_html);
    hoshi_buf_puts(b, "</dd>");
    return true;
}

#define HISTORY_MAX 50

/* One side of a change, as the public reads it. */
static const char *shown(srv_req *r, hoshi_change_field f, const char *value)
{
    long n = 0;
    if (f == HOSHI_CHANGE_PREFECTURE)
        return hoshi_parse_long(value, 1, 47, &n) ? srv_prefecture_name(r, (int)n) : value;
    if (f == HOSHI_CHANGE_LEVEL)
        return hoshi_parse_long(value, 1, 2, &n) ? srv_level_stars((int)n) : value;
    return value;
}

bool srv_org_history(srv_req *r, hoshi_buf *b, long long org_id)
{
    static _Thread_local hoshi_org_change h[HISTORY_MAX];
    size_t n = 0;
    if (hoshi_store_org_history(r->s->store, org_id, h, HISTORY_MAX, &n) != HOSHI_OK)
        return false;
    if (n == 0)
        return true;
    hoshi_buf_puts(b, "<section class=\"history\"><h2>");
    hoshi_buf_html(b, srv_text(r, "verify", "history"));
    hoshi_buf_puts(b, "</h2><ul class=\"changes\">");
    static const char *const keys[] = {[HOSHI_CHANGE_NAME] = "change_name",
                                       [HOSHI_CHANGE_PREFECTURE] = "change_prefecture",
                                       [HOSHI_CHANGE_LEVEL] = "change_level"};
    for (size_t i = 0; i < n; i++) {
        char date[40];
        const char *vars[] = {"before", shown(r, h[i].field, h[i].before), "after",
                              shown(r, h[i].field, h[i].after), NULL};
        hoshi_buf_printf(b, "<li><time datetime=\"%s\">", h[i].changed_on);
        hoshi_buf_html(b, srv_fmt_date(r, h[i].changed_on, date, sizeof date));
        hoshi_buf_puts(b, "</time> ");
        /* Names were stored as typed then, maybe before today's rule. */
        hoshi_buf_subst(b, srv_text(r, "verify", keys[h[i].field]), vars, srv_html_shown);
        hoshi_buf_puts(b, "</li>");
    }
    hoshi_buf_puts(b, "</ul></section>");
    return true;
}
