/*
 * page_operator_survey_invite.c — choosing a survey's recipients and
 * issuing their invitations (issue 9 item 3).  The conditions are those
 * of `hoshi survey invite --where`: ★ level, prefecture, industry (JSIC
 * division) and employee band, all of which must hold.  GET …/invite
 * shows how many organisations with a declaration in force match; POST
 * issues one invitation to each not yet invited and answers with the CSV
 * declaration_id,organization,url to mail-merge.  The links' tokens exist
 * only in that response (the store keeps their hashes), which the page
 * says before the button is pressed.  When the operator leaves "mail"
 * ticked, each link is also queued as an e-mail to its organisation's
 * address (issue 11 part 4), after the invitations are stored.
 */
#include "server.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A condition as typed: from the query (GET) or the form (POST). */
static const char *cond(srv_req *r, const char *name)
{
    if (r->is_post)
        return srv_req_form(r, name);
    const char *v = srv_req_query(r, name);
    return v ? v : "";
}

static bool number_in(const char *s, long lo, long hi, int *out)
{
    long v = 0;
    if (s[0] == '\0') {
        *out = 0;
        return true;
    }
    for (const char *c = s; *c; c++)
        if (*c < '0' || *c > '9')
            return false;
    if (!hoshi_parse_long(s, lo, hi, &v))
        return false;
    *out = (int)v;
    return true;
}

bool srv_survey_filter_read(srv_req *r, hoshi_invite_filter *f)
{
    memset(f, 0, sizeof *f);
    const char *ind = cond(r, "industry");
    if (ind[0] != '\0' && hoshi_attrs_industry_code(ind) == 0)
        return false;
    f->industry = ind[0] ? ind : NULL;
    return number_in(cond(r, "level"), 1, 2, &f->level) &&
           number_in(cond(r, "prefecture"), 1, 47, &f->prefecture) &&
           number_in(cond(r, "size"), 1, hoshi_attrs_count(HOSHI_ATTR_SIZE), &f->size);
}

void srv_survey_filter_fields(hoshi_buf *b, srv_req *r)
{
    hoshi_invite_filter f;
    if (!srv_survey_filter_read(r, &f))
        memset(&f, 0, sizeof f);
    const char *any = srv_text(r, "operator_survey", "any");
    static const struct { const char *name; hoshi_attr which; bool letters; } sel[] = {
        {"level", HOSHI_ATTR_LEVEL, false},
        {"prefecture", HOSHI_ATTR_PREF, false},
        {"industry", HOSHI_ATTR_INDUSTRY, true},
        {"size", HOSHI_ATTR_SIZE, false},
    };
    int chosen[] = {f.level, f.prefecture, f.industry ? hoshi_attrs_industry_code(f.industry) : 0, f.size};
    for (size_t i = 0; i < sizeof sel / sizeof sel[0]; i++) {
        hoshi_buf_printf(b, "<div class=\"field\"><label for=\"f-%s\">", sel[i].name);
        hoshi_buf_html(b, srv_text(r, "operator_survey", sel[i].name));
        hoshi_buf_printf(b, "</label><select id=\"f-%s\" name=\"%s\">", sel[i].name, sel[i].name);
        srv_select_options(b, r, any, sel[i].which, chosen[i], sel[i].letters);
        hoshi_buf_puts(b, "</select></div>");
    }
}

typedef struct match_ctx {
    const hoshi_invite_filter *f;
    long long n;
} match_ctx;

static hoshi_err count_row(const hoshi_registry_row *row, void *ctx)
{
    match_ctx *m = ctx;
    const hoshi_invite_filter *f = m->f;
    const hoshi_org_attrs *a = &row->attrs;
    if (row->status == 1 && (!f->level || a->level == f->level) &&
        (!f->prefecture || a->prefecture == f->prefecture) &&
        (!f->industry || a->industry == hoshi_attrs_industry_code(f->industry)) &&
        (!f->size || a->size == f->size))
        m->n++;
    return HOSHI_OK;
}

/* What the store's invite callback builds: the CSV, and the invitations
 * to mail once the store has committed them (the callback runs inside its
 * transaction, where queueing mail would wait for the same lock). */
typedef struct issue_ctx {
    srv_req *r;
    hoshi_buf *csv;
    hoshi_buf mail;               /* hoshi_invitation_new records, when want_mail */
    bool want_mail;
} issue_ctx;

static hoshi_err add_invitation(void *ctx, const hoshi_invitation_new *inv)
{
    issue_ctx *ic = ctx;
    srv_req *r = ic->r;
    hoshi_buf *b = ic->csv;
    if (ic->want_mail) {
        hoshi_buf_append(&ic->mail, inv, sizeof *inv);
        if (ic->mail.err != HOSHI_OK)
            return hoshi_error_set(ic->mail.err, "invitations: no memory for the mail list");
    }
    hoshi_buf_csv(b, inv->decl_id, ',');
    hoshi_buf_putc(b, ',');
    hoshi_buf_csv(b, inv->org_name, ',');
    hoshi_buf_putc(b, ',');
    srv_base_url(r, b);
    hoshi_buf_printf(b, "/s/%s\r\n", inv->token);
    return b->err;
}

/* Queues the survey_invite message of each invitation whose organisation
 * has an address; returns how many were queued. */
static long long mail_links(srv_req *r, const hoshi_survey *sv, const issue_ctx *ic)
{
    long long queued = 0;
    size_t n = ic->mail.len / sizeof(hoshi_invitation_new);
    for (size_t i = 0; i < n; i++) {
        const hoshi_invitation_new *inv = (const hoshi_invitation_new *)(void *)ic->mail.data + i;
        char to[HOSHI_STORE_EMAIL];
        if (hoshi_store_org_email(r->s->store, inv->org_id, to) != HOSHI_OK || !hoshi_mail_address_ok(to))
            continue;
        hoshi_buf url = HOSHI_BUF_INIT;
        srv_base_url(r, &url);
        hoshi_buf_printf(&url, "/s/%s", inv->token);
        const char *vars[] = {"org", inv->org_name, "survey", sv->title, "id", inv->decl_id, "url",
                              url.data ? url.data : "", NULL};
        bool q = false;
        if (srv_mail_send(r->s, "survey_invite", HOSHI_LANG_JA, to, vars, NULL, &q) == HOSHI_OK && q)
            queued++;
        else
            srv_log(r, "error", "mail_queue", "kind", "survey_invite", "result", hoshi_error_detail(),
                    (const char *)NULL);
        sodium_memzero(url.data, url.len);
        hoshi_buf_free(&url);
    }
    return queued;
}

static void issue(srv_req *r, srv_resp *p, const hoshi_survey *sv, const hoshi_invite_filter *f)
{
    char today[16], user[24], sid[24], num[24];
    hoshi_date_iso(hoshi_date_today(), today, sizeof today);
    hoshi_buf csv = HOSHI_BUF_INIT;
    hoshi_buf_puts(&csv, "declaration_id,organization,url\r\n");
    const char *want = srv_req_form(r, "mail");
    issue_ctx ic = {r, &csv, HOSHI_BUF_INIT, want != NULL && strcmp(want, "1") == 0};
    ic.mail.limit = SRV_MAIL_LIST_MAX;
    long long invited = 0, skipped = 0, mailed = 0;
    hoshi_err err = hoshi_store_survey_invite(r->s->store, sv->id, f, today, add_invitation, &ic,
                                              &invited, &skipped);
    if (err == HOSHI_OK)
        mailed = mail_links(r, sv, &ic);
    if (ic.mail.data != NULL)
        sodium_memzero(ic.mail.data, ic.mail.cap);
    hoshi_buf_free(&ic.mail);
    char nmail[24];
    snprintf(nmail, sizeof nmail, "%lld", mailed);
    snprintf(user, sizeof user, "%lld", r->ses.user_id);
    snprintf(sid, sizeof sid, "%lld", sv->id);
    snprintf(num, sizeof num, "%lld", invited);
    srv_log(r, err == HOSHI_OK ? "info" : "warn", "survey_invited", "operator", user, "survey", sid,
            "invited", num, "mailed", nmail, "result", err == HOSHI_OK ? "ok" : hoshi_error_message(err), (const char *)NULL);
    if (err == HOSHI_ERR_INPUT) {
        hoshi_buf_free(&csv);
        srv_page_message(r, p, 409, "survey_not_invitable");
        return;
    }
    if (err != HOSHI_OK) {
        hoshi_buf_free(&csv);
        srv_page_store_error(r, p, "survey_invite", true);
        return;
    }
    hoshi_buf_free(&p->body);
    p->body = csv;
    p->ctype = "text/csv; charset=utf-8";
    snprintf(p->filename, sizeof p->filename, "invitations-%lld.csv", sv->id);
}

void srv_survey_invite(srv_req *r, srv_resp *p, const hoshi_survey *sv, bool post)
{
    hoshi_invite_filter f;
    if (!srv_survey_filter_read(r, &f)) {
        srv_page_message(r, p, 400, "bad_filter");
        return;
    }
    if (post) {
        issue(r, p, sv, &f);
        return;
    }
    match_ctx m = {&f, 0};
    if (hoshi_store_registry_rows(r->s->store, count_row, &m) != HOSHI_OK) {
        srv_page_store_error(r, p, "registry_rows", false);
        return;
    }
    srv_vars v = {0};
    hoshi_buf_printf(srv_var(&v, "id"), "%lld", sv->id);
    srv_var_shown(&v, "name", sv->title);
    hoshi_buf_printf(srv_var(&v, "matches"), "%lld", m.n);
    hoshi_buf *hb = srv_var(&v, "hidden");
    static const char *const names[] = {"level", "prefecture", "industry", "size"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        hoshi_buf_printf(hb, "<input type=\"hidden\" name=\"%s\" value=\"", names[i]);
        hoshi_buf_html(hb, cond(r, names[i]));
        hoshi_buf_puts(hb, "\">");
    }
    srv_csrf_input(srv_var(&v, "csrf"), r);
    srv_survey_filter_fields(srv_var(&v, "filter"), r);
    srv_page_render(r, p, "operator_survey_invite", &v);
}
