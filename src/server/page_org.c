/*
 * page_org.c — the signed-in organisation's own pages: the dashboard
 * (where each step stands, the 12-month reminder, the policy review
 * reminder, the step-up box of page_stepup_guide.c after ★) and the
 * profile form.
 */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CONTACT_MAX 100
#define ORG_NAME_MAX 100

bool srv_load_org(srv_req *r, srv_resp *p, hoshi_org *org)
{
    if (!srv_need_login(r, p))
        return false;
    if (hoshi_store_org_get(r->s->store, r->ses.org_id, org) != HOSHI_OK) {
        srv_page_store_error(r, p, "org_get", false);
        return false;
    }
    return true;
}

static bool profile_complete(const hoshi_org *o)
{
    return o->prefecture != 0 && o->industry[0] != '\0' && o->employees != 0 && o->contact[0] != '\0';
}

/* Days from the ISO date to today (large when unparseable). */
static long days_since(const char *iso)
{
    hoshi_date d;
    if (hoshi_date_parse(iso, &d) != HOSHI_OK)
        return 100000;
    return hoshi_date_days(hoshi_date_today()) - hoshi_date_days(d);
}

static void status_line(hoshi_buf *b, srv_req *r, bool done, const char *key)
{
    hoshi_buf_printf(b, "<span class=\"status %s\">", done ? "done" : "todo");
    hoshi_buf_html(b, srv_text(r, "dashboard", done ? "done" : "todo"));
    hoshi_buf_puts(b, "</span> ");
    hoshi_buf_html(b, srv_text(r, "dashboard", key));
}

/* The review date of the policy in force after its status and, when it
 * is a month away or past, the reminder the mail also sends. */
static void policy_review(srv_req *r, srv_vars *v, const hoshi_policy_version *cur)
{
    char date[40], num[16];
    snprintf(num, sizeof num, "%d", cur->number);
    const char *vv[] = {"number", num, "date", srv_fmt_date(r, cur->review_on, date, sizeof date), NULL};
    hoshi_buf *ps = srv_var(v, "policy_status");
    hoshi_buf_puts(ps, " <span class=\"muted\">");
    hoshi_buf_subst(ps, srv_text(r, "dashboard", "policy_review_on"), vv, hoshi_buf_html);
    hoshi_buf_puts(ps, "</span>");
    if (!srv_policy_review_due(cur->review_on, hoshi_date_today()))
        return;
    hoshi_buf *rem = srv_var(v, "policy_reminder");
    hoshi_buf_puts(rem, "<p class=\"notice\" role=\"status\">");
    hoshi_buf_subst(rem, srv_text(r, "dashboard", "policy_reminder"), vv, hoshi_buf_html);
    hoshi_buf_puts(rem, " <a href=\"/policy\">");
    hoshi_buf_html(rem, srv_text(r, "dashboard", "policy_reminder_link"));
    hoshi_buf_puts(rem, "</a></p>");
}

void srv_page_dashboard(srv_req *r, srv_resp *p)
{
    hoshi_org org;
    if (!srv_load_org(r, p, &org))
        return;
    /* Every read first: a store that fails must give an error page, not a
     * dashboard that says "to do" for steps that are done. */
    hoshi_diagnosis last;
    size_t n = 0;
    if (hoshi_store_diagnosis_list(r->s->store, org.id, &last, 1, &n) != HOSHI_OK) {
        srv_page_store_error(r, p, "diagnosis_list", false);
        return;
    }
    hoshi_policy_rec pol;
    memset(&pol, 0, sizeof pol);
    hoshi_err got = hoshi_store_policy_get(r->s->store, org.id, &pol);
    bool published = got == HOSHI_OK && pol.published;
    free(pol.body); /* NULL when there is no policy */
    if (got != HOSHI_OK && got != HOSHI_ERR_NOTFOUND) {
        srv_page_store_error(r, p, "policy_get", false);
        return;
    }
    hoshi_policy_version cur;
    size_t versions = 0;
    if (hoshi_store_policy_versions(r->s->store, org.id, &cur, 1, &versions) != HOSHI_OK) {
        srv_page_store_error(r, p, "policy_versions", false);
        return;
    }
    hoshi_decl decl;
    got = hoshi_store_decl_active(r->s->store, org.id, &decl);
    bool declared = got == HOSHI_OK;
    if (got != HOSHI_OK && got != HOSHI_ERR_NOTFOUND) {
        srv_page_store_error(r, p, "decl_active", false);
        return;
    }

    srv_vars v = {0};
    if (srv_survey_pending_block(r, org.id, srv_var(&v, "surveys")) != HOSHI_OK) {
        srv_vars_free(&v);
        srv_page_store_error(r, p, "survey_pending", false);
        return;
    }
    srv_var_shown(&v, "org", org.name);
    status_line(srv_var(&v, "profile_status"), r, profile_complete(&org),
                profile_complete(&org) ? "profile_done" : "profile_todo");
    status_line(srv_var(&v, "star1_status"), r, org.star1_committed,
                org.star1_committed ? "star1_done" : "star1_todo");

    hoshi_buf *d = srv_var(&v, "diag_status");
    status_line(d, r, n == 1, n == 1 ? "diag_done" : "diag_todo");
    if (n == 1) {
        char date[40];
        hoshi_buf_printf(d, " <a href=\"/diagnosis/%lld\">", last.id);
        hoshi_buf_html(d, srv_fmt_date(r, last.taken_on, date, sizeof date));
        hoshi_buf_printf(d, " — %d ", last.score);
        hoshi_buf_html(d, srv_text(r, "common", "points"));
        hoshi_buf_puts(d, "</a>");
    }
    size_t answered = strlen(org.draft) - strspn(org.draft, "0") > 0 ? 1 : 0;
    if (answered) {
        hoshi_buf_puts(d, " <span class=\"muted\">");
        hoshi_buf_html(d, srv_text(r, "dashboard", "diag_draft"));
        hoshi_buf_puts(d, "</span>");
    }

    status_line(srv_var(&v, "policy_status"), r, published, published ? "policy_done" : "policy_todo");
    if (published) {
        hoshi_buf_printf(srv_var(&v, "policy_status"), " <a href=\"/policies/%lld\">", org.id);
        hoshi_buf_html(srv_var(&v, "policy_status"), srv_text(r, "dashboard", "policy_view"));
        hoshi_buf_puts(srv_var(&v, "policy_status"), "</a>");
    }

    if (versions == 1)
        policy_review(r, &v, &cur);
    /* The 12-month reminder: the last diagnosis a year old, or a
     * declaration a year old with none since (the mail's rule). */
    if ((n == 1 && days_since(last.taken_on) > 365) ||
        (n == 0 && declared && days_since(decl.declared_on) >= 365)) {
        hoshi_buf *rem = srv_var(&v, "reminder");
        hoshi_buf_puts(rem, "<p class=\"notice\" role=\"status\">");
        hoshi_buf_html(rem, srv_text(r, "dashboard", n == 1 ? "reminder" : "reminder_declared"));
        hoshi_buf_puts(rem, " <a href=\"/diagnosis\">");
        hoshi_buf_html(rem, srv_text(r, "dashboard", "reminder_link"));
        hoshi_buf_puts(rem, "</a></p>");
    }

    /* After ★, the way to ★★; a ★★ organisation has taken it. */
    if (declared && decl.level == 1)
        srv_stepup_guide(srv_var(&v, "stepup"), r, &org, n == 1, published);

    hoshi_buf *ds = srv_var(&v, "decl_status");
    status_line(ds, r, declared, declared ? "decl_done" : "decl_todo");
    if (declared) {
        hoshi_buf_printf(ds, " <strong class=\"stars\">%s</strong> <a href=\"/verify/%s\">%s</a>",
                      srv_level_stars(decl.level), decl.id, decl.id);
    }
    if (r->ses.is_operator) {
        hoshi_buf *ob = srv_var(&v, "operator");
        hoshi_buf_puts(ob, "<p><a class=\"button secondary\" href=\"/operator\">");
        hoshi_buf_html(ob, srv_text(r, "operator", "link"));
        hoshi_buf_puts(ob, "</a></p>");
    }
    srv_case_block(srv_var(&v, "case"), r, &org);
    srv_csrf_input(srv_var(&v, "csrf"), r);
    srv_page_render(r, p, "dashboard", &v);
}

/* What the profile form shows: the organisation (the record to save, or
 * as loaded) and, after a refused post, what was typed in the two text
 * fields and why each was refused. */
typedef struct profile_view {
    const hoshi_org *org;
    bool sole;
    const char *name, *contact;   /* shown in the fields */
    hoshi_text_problem name_why, contact_why;
    const char *errs[6];          /* web.ini keys of other field errors */
    bool saved;
    bool declared;                /* a declaration is in force: renaming re-confirms it */
} profile_view;

static void profile_form(srv_req *r, srv_resp *p, const profile_view *pv)
{
    const hoshi_org *o = pv->org;
    srv_vars v = {0};
    srv_csrf_input(srv_var(&v, "csrf"), r);
    srv_var_shown(&v, "name", pv->name);
    srv_var_text(&v, "corpnum", o->corpnum);
    srv_var_shown(&v, "contact", pv->contact);
    hoshi_buf_puts(srv_var(&v, "sole_checked"), pv->sole ? " checked" : "");
    const char *choose = srv_text(r, "profile", "choose");
    srv_select_options(srv_var(&v, "prefecture_options"), r, choose, HOSHI_ATTR_PREF, o->prefecture, false);
    srv_select_options(srv_var(&v, "industry_options"), r, choose, HOSHI_ATTR_INDUSTRY,
                       hoshi_attrs_industry_code(o->industry), true);
    srv_select_options(srv_var(&v, "employee_options"), r, choose, HOSHI_ATTR_SIZE, o->employees, false);
    static const char *const names[6] = {"err_name", "err_corpnum", "err_prefecture",
                                         "err_industry", "err_employees", "err_contact"};
    bool any = pv->name_why.fault != HOSHI_TEXT_OK || pv->contact_why.fault != HOSHI_TEXT_OK;
    for (int i = 0; i < 6; i++) {
        srv_var_error(&v, r, names[i], "profile", pv->errs[i]);
        any = any || pv->errs[i] != NULL;
    }
    srv_text_error(srv_var(&v, "err_name"), r, srv_text(r, "profile", "name"), &pv->name_why, ORG_NAME_MAX);
    srv_text_error(srv_var(&v, "err_contact"), r, srv_text(r, "profile", "contact"), &pv->contact_why, CONTACT_MAX);
    if (pv->declared) {
        /* Renaming a declared organisation re-confirms its declaration
         * (issue 11 part 2); the verification page then shows the change. */
        hoshi_buf *rb = srv_var(&v, "reconfirm");
        hoshi_buf_puts(rb, "<label class=\"check\"><input type=\"checkbox\" name=\"reconfirm\" value=\"1\"> ");
        hoshi_buf_html(rb, srv_text(r, "profile", "reconfirm"));
        hoshi_buf_puts(rb, "</label><p class=\"hint\">");
        hoshi_buf_html(rb, srv_text(r, "profile", "reconfirm_hint"));
        hoshi_buf_puts(rb, "</p>");
    }
    if (pv->saved) {
        hoshi_buf *nb = srv_var(&v, "notice");
        hoshi_buf_puts(nb, "<p class=\"notice\" role=\"status\">");
        hoshi_buf_html(nb, srv_text(r, "profile", "saved"));
        hoshi_buf_puts(nb, " <a href=\"/star1\">");
        hoshi_buf_html(nb, srv_text(r, "profile", "next"));
        hoshi_buf_puts(nb, "</a></p>");
    }
    if (any)
        p->status = 422;
    srv_page_render(r, p, "profile", &v);
}

/* Keeps only ASCII digits of a typed number (full-width digits become
 * ASCII; hyphens and blanks go).  False when anything else is in it. */
static bool digits_only(const char *in, char *out, size_t size)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p;) {
        if (*p >= '0' && *p <= '9') {
            if (n + 1 >= size)
                return false;
            out[n++] = (char)*p++;
        } else if (p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x90 && p[2] <= 0x99) {
            if (n + 1 >= size)
                return false;
            out[n++] = (char)('0' + (p[2] - 0x90));
            p += 3;
        } else if (*p == '-' || *p == ' ') {
            p++;
        } else {
            return false;
        }
    }
    out[n] = '\0';
    return true;
}

/* A declared organisation keeps its 法人番号 (a new one is a new
 * declaration, and may be another's: see disputes), and a new name needs
 * the owner's re-confirmation and, when checked, the register's.  Sets
 * pv->errs; false (the error page made) only when the store failed. */
static bool renamed_ok(srv_req *r, srv_resp *p, profile_view *pv, const hoshi_org *was, const hoshi_org *in,
                       bool name_ok)
{
    if (!pv->declared)
        return true;
    if (strcmp(in->corpnum, was->corpnum) != 0 && pv->errs[1] == NULL)
        pv->errs[1] = "err_corpnum_declared";
    if (!name_ok || strcmp(in->name, was->name) == 0)
        return true;
    if (strcmp(srv_req_form(r, "reconfirm"), "1") != 0) {
        pv->errs[0] = "err_reconfirm";
        return true;
    }
    hoshi_nta_verdict nv;
    char date[HOSHI_STORE_DATE];
    if (hoshi_store_nta_check(r->s->store, was->corpnum, in->name, &nv, date) != HOSHI_OK) {
        srv_page_store_error(r, p, "nta_check", true);
        return false;
    }
    pv->errs[0] = srv_nta_refusal(nv);
    return true;
}

void srv_page_profile(srv_req *r, srv_resp *p)
{
    hoshi_org org;
    if (!srv_load_org(r, p, &org))
        return;
    profile_view pv;
    memset(&pv, 0, sizeof pv);
    pv.org = &org;
    pv.sole = org.prefecture != 0 && org.corpnum[0] == '\0';
    pv.name = org.name;
    pv.contact = org.contact;
    hoshi_decl decl;
    hoshi_err got = hoshi_store_decl_active(r->s->store, org.id, &decl);
    if (got != HOSHI_OK && got != HOSHI_ERR_NOTFOUND) {
        srv_page_store_error(r, p, "decl_active", r->is_post);
        return;
    }
    pv.declared = got == HOSHI_OK;
    if (!r->is_post) {
        profile_form(r, p, &pv);
        return;
    }
    hoshi_org in = org;
    pv.org = &in;
    /* Name and contact: normalised and within their limits in characters
     * before anything reaches the store; refused text is shown back as
     * typed (sanitised), next to what is wrong with it. */
    pv.name = srv_req_form(r, "name");
    pv.contact = srv_req_form(r, "contact");
    bool name_ok = srv_form_text(pv.name, ORG_NAME_MAX, HOSHI_TEXT_REQUIRED, in.name, sizeof in.name, &pv.name_why);
    bool contact_ok = srv_form_text(pv.contact, CONTACT_MAX, HOSHI_TEXT_REQUIRED, in.contact, sizeof in.contact,
                                    &pv.contact_why);
    if ((!name_ok && pv.name_why.fault == HOSHI_TEXT_OK) || (!contact_ok && pv.contact_why.fault == HOSHI_TEXT_OK)) {
        srv_page_message(r, p, 500, "internal");
        return;
    }
    if (name_ok)
        pv.name = in.name;
    if (contact_ok)
        pv.contact = in.contact;
    /* 法人番号, unless a sole proprietor */
    pv.sole = strcmp(srv_req_form(r, "sole"), "1") == 0;
    char digits[32];
    const char *cn = srv_req_form(r, "corpnum");
    in.corpnum[0] = '\0';
    if (!pv.sole) {
        if (strlen(cn) > 60 || !digits_only(cn, digits, sizeof digits)) {
            pv.errs[1] = "err_corpnum";
        } else if (!hoshi_corpnum_is_valid(digits)) {
            pv.errs[1] = strlen(digits) == HOSHI_CORPNUM_LEN ? "err_corpnum_check" : "err_corpnum";
            size_t k = strlen(digits) > HOSHI_CORPNUM_LEN ? HOSHI_CORPNUM_LEN : strlen(digits);
            memcpy(in.corpnum, digits, k);
            in.corpnum[k] = '\0';
        } else {
            memcpy(in.corpnum, digits, HOSHI_CORPNUM_LEN + 1);
        }
    }
    long v;
    in.prefecture = hoshi_parse_long(srv_req_form(r, "prefecture"), 1, 47, &v) ? (int)v : 0;
    if (in.prefecture == 0)
        pv.errs[2] = "err_prefecture";
    const char *ind = srv_req_form(r, "industry");
    if (strlen(ind) == 1 && ind[0] >= 'A' && ind[0] <= 'T') {
        in.industry[0] = ind[0];
        in.industry[1] = '\0';
    } else {
        in.industry[0] = '\0';
        pv.errs[3] = "err_industry";
    }
    in.employees = hoshi_parse_long(srv_req_form(r, "employees"), 1, 6, &v) ? (int)v : 0;
    if (in.employees == 0)
        pv.errs[4] = "err_employees";
    if (!renamed_ok(r, p, &pv, &org, &in, name_ok))
        return;
    bool ok = name_ok && contact_ok;
    for (int i = 0; i < 6; i++)
        ok = ok && pv.errs[i] == NULL;
    if (!ok) {
        profile_form(r, p, &pv);
        return;
    }
    if (hoshi_store_org_update(r->s->store, &in) != HOSHI_OK) {
        srv_page_store_error(r, p, "org_update", true);
        return;
    }
    pv.saved = true;
    profile_form(r, p, &pv);
}
