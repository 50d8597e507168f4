/*
 * page_decl.c — declaring ★ or ★★ (with the rules for each), stepping up
 * and withdrawing, and the public side of a declaration: its verification
 * page, the badge for web sites and business cards, and the QR code of
 * the verification link.
 */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct readiness {
    bool profile, star1, diagnosis, policy;
} readiness;

/* Where the organisation stands, and its active declaration if any
 * (*active).  False, with the error page made, when the store failed:
 * a failed read must not look like a step not yet taken. */
static bool check_ready(srv_req *r, srv_resp *p, const hoshi_org *org, readiness *rd, hoshi_decl *decl,
                        bool *active)
{
    rd->profile = org->prefecture && org->industry[0] && org->employees && org->contact[0];
    rd->star1 = org->star1_committed;
    hoshi_diagnosis d;
    size_t n = 0;
    if (hoshi_store_diagnosis_list(r->s->store, org->id, &d, 1, &n) != HOSHI_OK) {
        srv_page_store_error(r, p, "diagnosis_list", false);
        return false;
    }
    rd->diagnosis = n == 1;
    hoshi_policy_rec pol;
    memset(&pol, 0, sizeof pol);
    hoshi_err err = hoshi_store_policy_get(r->s->store, org->id, &pol);
    rd->policy = err == HOSHI_OK && pol.published;
    free(pol.body);
    if (err != HOSHI_OK && err != HOSHI_ERR_NOTFOUND) {
        srv_page_store_error(r, p, "policy_get", false);
        return false;
    }
    err = hoshi_store_decl_active(r->s->store, org->id, decl);
    *active = err == HOSHI_OK;
    if (err != HOSHI_OK && err != HOSHI_ERR_NOTFOUND) {
        srv_page_store_error(r, p, "decl_active", false);
        return false;
    }
    return true;
}

static void req_line(hoshi_buf *b, srv_req *r, bool ok, const char *key, const char *href)
{
    hoshi_buf_printf(b, "<li class=\"%s\"><span class=\"status %s\">", ok ? "ok" : "missing", ok ? "done" : "todo");
    hoshi_buf_html(b, srv_text(r, "dashboard", ok ? "done" : "todo"));
    hoshi_buf_printf(b, "</span> <a href=\"%s\">", href);
    hoshi_buf_html(b, srv_text(r, "declare", key));
    hoshi_buf_puts(b, "</a></li>");
}

static void embed_code(hoshi_buf *b, srv_req *r, const char *id)
{
    /* The snippet is shown as text, so it is built first, then escaped. */
    hoshi_buf snip = HOSHI_BUF_INIT;
    hoshi_buf_puts(&snip, "<a href=\"");
    srv_base_url(r, &snip);
    hoshi_buf_printf(&snip, "/verify/%s\"><img src=\"", id);
    srv_base_url(r, &snip);
    hoshi_buf_printf(&snip, "/badge/%s.svg\" alt=\"", id);
    hoshi_buf_html(&snip, srv_text(r, "badge", "alt"));
    hoshi_buf_puts(&snip, "\" width=\"240\" height=\"64\"></a>");
    hoshi_buf_html(b, snip.data ? snip.data : "");
    hoshi_buf_free(&snip);
}

/* After a step-up (?from=<the old ID>): what became of the old ID, when
 * it is this organisation's and was superseded by cur.  Anything else in
 * ?from= shows nothing. */
static void stepped_up(srv_req *r, hoshi_buf *b, const hoshi_decl *cur)
{
    const char *from = srv_req_query(r, "from");
    hoshi_decl old, now;
    if (from == NULL || !hoshi_decl_id_is_valid(from) || hoshi_store_decl_get(r->s->store, from, &old) != HOSHI_OK ||
        old.org_id != cur->org_id || srv_decl_superseded_by(r, &old, &now) != HOSHI_OK ||
        strcmp(now.id, cur->id) != 0)
        return;
    srv_stepup_notice(b, r, old.id, cur->id);
}

static void declare_page(srv_req *r, srv_resp *p, const hoshi_org *org, const char *err, bool issued)
{
    readiness rd;
    hoshi_decl decl;
    bool active;
    if (!check_ready(r, p, org, &rd, &decl, &active))
        return;
    srv_vars v = {0};
    srv_csrf_input(srv_var(&v, "csrf"), r);
    hoshi_buf *req1 = srv_var(&v, "req1"), *req2 = srv_var(&v, "req2");
    req_line(req1, r, rd.profile, "need_profile", "/profile");
    req_line(req1, r, rd.star1, "need_star1", "/star1");
    req_line(req2, r, rd.profile, "need_profile", "/profile");
    req_line(req2, r, rd.diagnosis, "need_diagnosis", "/diagnosis");
    req_line(req2, r, rd.policy, "need_policy", "/policy");
    /* A member sees what is missing but cannot declare: the owner does. */
    hoshi_member me;
    if (!srv_member_load(r, p, &me)) {
        srv_vars_free(&v);
        return;
    }
    bool owner = me.role == HOSHI_ROLE_OWNER;
    if (!owner) {
        hoshi_buf *mb = srv_var(&v, "member");
        hoshi_buf_puts(mb, "<p class=\"notice\" role=\"status\">");
        hoshi_buf_html(mb, srv_text(r, "declare", "member_only"));
        hoshi_buf_puts(mb, "</p>");
    }
    bool can1 = owner && rd.profile && rd.star1 && !active;
    bool can2 = owner && rd.profile && rd.diagnosis && rd.policy && !(active && decl.level == 2);
    hoshi_buf_puts(srv_var(&v, "disabled1"), can1 ? "" : " disabled");
    hoshi_buf_puts(srv_var(&v, "disabled2"), can2 ? "" : " disabled");
    srv_var_text(&v, "label2", srv_text(r, "declare", active && decl.level == 1 ? "step_up" : "declare2"));
    if (err != NULL) {
        srv_var_error(&v, r, "err", "declare", err);
        p->status = 422;
    }
    hoshi_dispute dsp;
    hoshi_err got = hoshi_store_dispute_pending(r->s->store, org->id, &dsp);
    if (got != HOSHI_OK && got != HOSHI_ERR_NOTFOUND) {
        srv_vars_free(&v);
        srv_page_store_error(r, p, "dispute_pending", false);
        return;
    }
    if (got == HOSHI_OK) {
        char date[40];
        const char *dv[] = {"corpnum", dsp.corpnum, "date", srv_fmt_date(r, dsp.opened_on, date, sizeof date), NULL};
        hoshi_buf *pb = srv_var(&v, "pending");
        hoshi_buf_puts(pb, "<p class=\"notice\" role=\"status\">");
        hoshi_buf_subst(pb, srv_text(r, "declare", "pending"), dv, hoshi_buf_html);
        hoshi_buf_puts(pb, "</p>");
    }
    hoshi_buf *cur = srv_var(&v, "current");
    if (active) {
        char date[40];
        srv_vars c = {0};
        hoshi_buf_puts(srv_var(&c, "stars"), srv_level_stars(decl.level));
        srv_var_text(&c, "id", decl.id);
        srv_var_text(&c, "date", srv_fmt_date(r, decl.declared_on, date, sizeof date));
        embed_code(srv_var(&c, "embed"), r, decl.id);
        srv_csrf_input(srv_var(&c, "csrf"), r);
        hoshi_buf_puts(srv_var(&c, "disabled_w"), owner ? "" : " disabled");
        srv_var_text(&c, "withdraw_hint", srv_text(r, "declare", owner ? "withdraw_hint" : "member_only"));
        if (issued) {
            hoshi_buf_puts(srv_var(&c, "notice"), "<p class=\"notice\" role=\"status\">");
            hoshi_buf_html(srv_var(&c, "notice"), srv_text(r, "declare", "issued"));
            hoshi_buf_puts(srv_var(&c, "notice"), "</p>");
            stepped_up(r, srv_var(&c, "notice"), &decl);
        }
        srv_tpl_render(cur, r, "declaration", "declare", srv_vars_list(&c));
        srv_vars_free(&c);
    }
    srv_page_render(r, p, "declare", &v);
}

void srv_page_declare(srv_req *r, srv_resp *p)
{
    hoshi_org org;
    if (!srv_load_org(r, p, &org))
        return;
    if (!r->is_post) {
        declare_page(r, p, &org, NULL, srv_req_query(r, "issued") != NULL);
        return;
    }
    long level;
    if (!hoshi_parse_long(srv_req_form(r, "level"), 1, 2, &level)) {
        declare_page(r, p, &org, "err_level", false);
        return;
    }
    readiness rd;
    hoshi_decl decl;
    bool active;
    if (!check_ready(r, p, &org, &rd, &decl, &active))
        return;
    const char *err = NULL;
    if (!rd.profile)
        err = "err_profile";
    else if (level == 1 && !rd.star1)
        err = "err_star1";
    else if (level == 2 && !rd.diagnosis)
        err = "err_diagnosis";
    else if (level == 2 && !rd.policy)
        err = "err_policy";
    else if (active && decl.level >= level)
        err = "err_already";
    if (err != NULL) {
        declare_page(r, p, &org, err, false);
        return;
    }
    /* The 法人番号 must be open in the register, under this name. */
    hoshi_nta_verdict nv;
    char nta_date[HOSHI_STORE_DATE];
    if (hoshi_store_nta_check(r->s->store, org.corpnum, org.name, &nv, nta_date) != HOSHI_OK) {
        srv_page_store_error(r, p, "nta_check", true);
        return;
    }
    if ((err = srv_nta_refusal(nv)) != NULL) {
        declare_page(r, p, &org, err, false);
        return;
    }
    char today[16], id[HOSHI_DECL_ID_LEN + 1];
    long long dispute = 0;
    hoshi_date_iso(hoshi_date_today(), today, sizeof today);
    if (hoshi_store_decl_claim(r->s->store, org.id, (int)level, today, id, &dispute) != HOSHI_OK) {
        srv_page_store_error(r, p, "decl_claim", true);
        return;
    }
    if (dispute != 0) {
        /* Another organisation's declaration holds the number: the
         * operator decides, and nothing is issued meanwhile. */
        char ids[24];
        snprintf(ids, sizeof ids, "%lld", dispute);
        srv_log(r, "warn", "decl_disputed", "dispute", ids, (const char *)NULL);
        srv_redirect(p, "/declare?pending=1");
        return;
    }
    if (active && decl.level < level) {
        /* Stepped up: the ★ ID is withdrawn; tell the owner which, and
         * what to do with its printed badges and QR codes. */
        srv_stepup_notify(r, &org, decl.id, id);
        char loc[64];
        snprintf(loc, sizeof loc, "/declare?issued=1&from=%s", decl.id);
        srv_redirect(p, loc);
        return;
    }
    srv_redirect(p, "/declare?issued=1");
}

void srv_page_withdraw(srv_req *r, srv_resp *p)
{
    /* Only logged-in visitors get here (route.c, LOGIN). */
    char today[16];
    hoshi_date_iso(hoshi_date_today(), today, sizeof today);
    hoshi_err err = hoshi_store_decl_withdraw(r->s->store, r->ses.org_id, today);
    /* NOTFOUND: nothing was in force, which is what was asked for. */
    if (err != HOSHI_OK && err != HOSHI_ERR_NOTFOUND) {
        srv_page_store_error(r, p, "decl_withdraw", true);
        return;
    }
    if (err == HOSHI_OK)
        srv_supplier_withdrawn(r, r->ses.org_id); /* clients that list it (issue 13 part 5) */
    srv_redirect(p, "/declare");
}

/* Loads declaration id; 404 only when there is no such declaration, an
 * error page when the store failed (a public 404 is cached, and would
 * say a valid declaration does not exist). */
static bool find_decl(srv_req *r, srv_resp *p, const char *id, hoshi_decl *d)
{
    hoshi_err err = hoshi_decl_id_is_valid(id) ? hoshi_store_decl_get(r->s->store, id, d) : HOSHI_ERR_NOTFOUND;
    if (err == HOSHI_ERR_NOTFOUND)
        srv_page_message(r, p, 404, "decl_not_found");
    else if (err != HOSHI_OK)
        srv_page_store_error(r, p, "decl_get", false);
    return err == HOSHI_OK;
}

void srv_page_verify(srv_req *r, srv_resp *p, const char *id)
{
    hoshi_decl d;
    if (!find_decl(r, p, id, &d))
        return;
    char date[40];
    srv_vars v = {0};
    bool active = d.status == HOSHI_DECL_ACTIVE;
    hoshi_decl now;
    hoshi_err got = srv_decl_superseded_by(r, &d, &now);
    if (got != HOSHI_OK && got != HOSHI_ERR_NOTFOUND) {
        srv_page_store_error(r, p, "decl_active", false);
        return;
    }
    /* Superseded by a step-up is not withdrawn: a printed ★ code leads on. */
    const char *state = active ? "active" : got == HOSHI_OK ? "superseded" : "withdrawn";
    hoshi_buf_puts(srv_var(&v, "status_class"), state);
    srv_var_text(&v, "status", srv_text(r, "verify", got == HOSHI_OK ? "superseded_status"
                                                     : !active && d.by_programme ? "withdrawn_programme" : state));
    hoshi_buf_puts(srv_var(&v, "stars"), srv_level_stars(d.level));
    srv_var_text(&v, "level", srv_text(r, "verify", d.level == 2 ? "level2" : "level1"));
    srv_var_text(&v, "id", d.id);
    srv_var_shown(&v, "org", d.org_name);
    if (d.corpnum[0]) {
        /* The corporate number lets a reader cross-check the National Tax
         * Agency's public register. */
        hoshi_buf *cn = srv_var(&v, "corpnum");
        hoshi_buf_puts(cn, "<dt>");
        hoshi_buf_html(cn, srv_text(r, "verify", "corpnum"));
        hoshi_buf_puts(cn, "</dt><dd class=\"declid\">");
        hoshi_buf_html(cn, d.corpnum);
        hoshi_buf_puts(cn, "</dd>");
    }
    if (!srv_nta_facts(r, srv_var(&v, "nta"), &d) || !srv_org_history(r, srv_var(&v, "history"), d.org_id)) {
        srv_vars_free(&v);
        srv_page_store_error(r, p, "nta_check", false);
        return;
    }
    srv_var_text(&v, "prefecture", srv_prefecture_name(r, d.prefecture));
    srv_var_text(&v, "industry", srv_industry_name(r, d.industry));
    srv_var_text(&v, "date", srv_fmt_date(r, d.declared_on, date, sizeof date));
    if (got == HOSHI_OK) {
        /* Withdrawn by stepping up: point to the declaration that replaced it. */
        hoshi_buf *su = srv_var(&v, "superseded");
        const char *idv[] = {"id", now.id, NULL};
        hoshi_buf_printf(su, "<p class=\"notice\"><a href=\"/verify/%s\">", now.id);
        hoshi_buf_subst(su, srv_text(r, "verify", "superseded"), idv, hoshi_buf_html);
        hoshi_buf_puts(su, "</a></p>");
    }
    if (!active) {
        hoshi_buf *w = srv_var(&v, "withdrawn");
        hoshi_buf_puts(w, "<dt>");
        hoshi_buf_html(w, srv_text(r, "verify", got == HOSHI_OK ? "superseded_on" : "withdrawn_on"));
        hoshi_buf_puts(w, "</dt><dd>");
        hoshi_buf_html(w, srv_fmt_date(r, d.withdrawn_on, date, sizeof date));
        hoshi_buf_puts(w, "</dd>");
        if (d.by_programme) {
            /* The reason's public label (issue 11 part 6); the operator's
             * note stays in the audit log. */
            hoshi_buf_puts(w, "<dt>");
            hoshi_buf_html(w, srv_text(r, "verify", "withdraw_reason"));
            hoshi_buf_puts(w, "</dt><dd class=\"withdraw-reason\">");
            hoshi_buf_html(w, srv_reason_label(r->s, d.withdraw_reason, r->lang));
            hoshi_buf_puts(w, "</dd>");
        }
    }
    hoshi_policy_rec pol;
    memset(&pol, 0, sizeof pol);
    got = d.has_policy ? hoshi_store_policy_get_public(r->s->store, d.org_id, &pol) : HOSHI_ERR_NOTFOUND;
    if (got != HOSHI_OK && got != HOSHI_ERR_NOTFOUND) {
        srv_vars_free(&v);
        srv_page_store_error(r, p, "policy_get_public", false);
        return;
    }
    if (got == HOSHI_OK) {
        /* The policy itself, folded, and a link to its own page. */
        hoshi_buf *pl = srv_var(&v, "policy");
        hoshi_buf_puts(pl, "<details class=\"policy\"><summary>");
        hoshi_buf_html(pl, srv_text(r, "verify", "policy_show"));
        hoshi_buf_puts(pl, "</summary>");
        srv_policy_text_html(pl, pol.body, 2);
        hoshi_buf_printf(pl, "</details><p><a class=\"button secondary\" href=\"/policies/%lld\">", d.org_id);
        hoshi_buf_html(pl, srv_text(r, "verify", "policy"));
        hoshi_buf_puts(pl, "</a></p>");
    }
    free(pol.body);
    srv_page_render(r, p, "verify", &v);
}

/* Badges and QR codes are made to be shown on other sites, also with
 * <object> or <iframe>: they may be framed, and still run nothing. */
static void set_embeddable(srv_resp *p)
{
    p->embeddable = true;
    p->csp = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";
}

void srv_page_badge(srv_req *r, srv_resp *p, const char *id)
{
    hoshi_decl d;
    if (!find_decl(r, p, id, &d))
        return;
    bool active = d.status == HOSHI_DECL_ACTIVE;
    srv_vars v = {0};
    hoshi_buf_puts(srv_var(&v, "stars"), srv_level_stars(d.level));
    hoshi_buf_puts(srv_var(&v, "stars_size"), d.level == 2 ? "22" : "30");
    srv_var_text(&v, "id", d.id);
    hoshi_decl now;
    hoshi_err got = srv_decl_superseded_by(r, &d, &now);
    if (got != HOSHI_OK && got != HOSHI_ERR_NOTFOUND) {
        srv_vars_free(&v);
        srv_page_store_error(r, p, "decl_active", false);
        return;
    }
    const char *status = active ? "" : srv_text(r, "badge", got == HOSHI_OK ? "superseded" : "withdrawn");
    srv_var_text(&v, "label", srv_text(r, "badge", "label"));
    srv_var_text(&v, "status", status);
    /* The first line: what the badge is, or in red that it is no longer in force. */
    srv_var_text(&v, "line1", active ? srv_text(r, "badge", "label") : status);
    hoshi_buf_puts(srv_var(&v, "line1_fill"), active ? "#4a5568" : "#c53030");
    char name[HOSHI_STORE_NAME];
    srv_badge_name(d.org_name, name, sizeof name);
    srv_var_text(&v, "org", name);
    srv_var_text(&v, "org_full", d.org_name);
    hoshi_buf_puts(srv_var(&v, "fill"), !active ? "#718096" : d.level == 2 ? "#1c4f8c" : "#2f855a");
    /* The badge links to its verification page itself too, for sites that
     * embed it with <object> or open it directly. */
    hoshi_buf url = HOSHI_BUF_INIT;
    srv_base_url(r, &url);
    hoshi_buf_printf(&url, "/verify/%s", d.id);
    srv_var_text(&v, "verify_url", url.data ? url.data : "");
    hoshi_buf_free(&url);
    srv_tpl_render(&p->body, r, "badge.svg", "badge", srv_vars_list(&v));
    srv_vars_free(&v);
    p->ctype = "image/svg+xml";
    set_embeddable(p);
}

void srv_page_qr(srv_req *r, srv_resp *p, const char *id)
{
    hoshi_decl d;
    if (!find_decl(r, p, id, &d))
        return;
    /* The link carries the signed token, so a printed code can be checked
     * offline (hoshi verify takes the link as it is). */
    hoshi_buf url = HOSHI_BUF_INIT;
    srv_base_url(r, &url);
    hoshi_buf_printf(&url, "/verify/%s", d.id);
    hoshi_buf tok = HOSHI_BUF_INIT;
    if (srv_decl_token(r, &d, &tok) && tok.err == HOSHI_OK)
        hoshi_buf_printf(&url, "?sig=%s", tok.data);
    hoshi_buf_free(&tok);
    char *svg = NULL;
    size_t len = 0;
    if (url.err != HOSHI_OK || hoshi_qr_svg(url.data, srv_text(r, "badge", "qr_title"), &svg, &len) != HOSHI_OK) {
        hoshi_buf_free(&url);
        srv_page_message(r, p, 500, "internal");
        return;
    }
    hoshi_buf_free(&url);
    hoshi_buf_append(&p->body, svg, len);
    free(svg);
    p->ctype = "image/svg+xml";
    set_embeddable(p);
}
