/*
 * page_supplier_link.c — the supplier's side of the supply chain (issue 13
 * part 5).  An invitation link /suppliers/invite/TOKEN names the client
 * that asked; a visitor signs up through it (the token rides along in the
 * sign-up form, and the new organisation is recorded as invited through a
 * client), an organisation with an account accepts it with one POST.
 * /account/clients lists every client whose list names this organisation
 * and lets its owner grant or revoke each one the right to see the latest
 * score band and part scores; revoking hides them from the client's
 * board at once.
 */
#include "server.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define CLIENTS_MAX 200

/* The entry and client of a link, or a 404 page (false). */
static bool link_load(srv_req *r, srv_resp *p, const char *token, char digest[HOSHI_STORE_TOKEN],
                      hoshi_supplier *s, char client[HOSHI_STORE_NAME])
{
    hoshi_err err = srv_acct_token_digest(token, digest) ? hoshi_store_supplier_by_link(r->s->store, digest, s, client)
                                                         : HOSHI_ERR_NOTFOUND;
    if (err == HOSHI_ERR_NOTFOUND) {
        srv_page_message(r, p, 404, "supplier_link_bad");
        return false;
    }
    if (err != HOSHI_OK) {
        srv_page_store_error(r, p, "supplier_link", false);
        return false;
    }
    return true;
}

void srv_page_supplier_link(srv_req *r, srv_resp *p, const char *token)
{
    char digest[HOSHI_STORE_TOKEN], client[HOSHI_STORE_NAME];
    hoshi_supplier s;
    if (!link_load(r, p, token, digest, &s, client))
        return;
    hoshi_member me = {0};
    if (r->logged_in && hoshi_store_member_get(r->s->store, r->ses.user_id, &me) != HOSHI_OK) {
        srv_page_store_error(r, p, "member_get", false);
        return;
    }
    if (r->is_post) {
        if (!srv_need_login(r, p))
            return;
        hoshi_err err = hoshi_store_supplier_join(r->s->store, digest, me.org_id);
        if (err == HOSHI_ERR_NOTFOUND) {
            srv_page_message(r, p, 404, "supplier_link_bad");
        } else if (err == HOSHI_ERR_INPUT) {
            srv_page_message(r, p, 409, "supplier_link_taken");
        } else if (err != HOSHI_OK) {
            srv_page_store_error(r, p, "supplier_join", true);
        } else {
            srv_log(r, "info", "supplier_joined", (const char *)NULL);
            srv_redirect(p, "/account/clients?done=joined");
        }
        return;
    }
    srv_vars v = {0};
    srv_var_shown(&v, "client", client);
    const char *vl[] = {"client", client, NULL};
    hoshi_buf_subst(srv_var(&v, "asks"), srv_text(r, "suppliers_invite", "asks"), vl, hoshi_buf_html);
    hoshi_buf *act = srv_var(&v, "action");
    if (!r->logged_in) {
        hoshi_buf_printf(act, "<p><a class=\"button\" href=\"/signup?via=%s\">", token);
        hoshi_buf_html(act, srv_text(r, "suppliers_invite", "signup"));
        hoshi_buf_printf(act, "</a></p><p>");
        hoshi_buf_html(act, srv_text(r, "suppliers_invite", "have_account"));
        hoshi_buf_printf(act, " <a href=\"/login?next=/suppliers/invite/%s\">", token);
        hoshi_buf_html(act, srv_text(r, "suppliers_invite", "login"));
        hoshi_buf_puts(act, "</a></p>");
    } else if (me.org_id == s.client_org || (s.joined_org != 0 && s.joined_org != me.org_id)) {
        hoshi_buf_puts(act, "<p class=\"muted\">");
        hoshi_buf_html(act, srv_text(r, "suppliers_invite", me.org_id == s.client_org ? "own_list" : "taken"));
        hoshi_buf_puts(act, "</p>");
    } else if (s.joined_org == me.org_id) {
        hoshi_buf_puts(act, "<p>");
        hoshi_buf_html(act, srv_text(r, "suppliers_invite", "already"));
        hoshi_buf_puts(act, " <a href=\"/account/clients\">");
        hoshi_buf_html(act, srv_text(r, "suppliers_invite", "clients_link"));
        hoshi_buf_puts(act, "</a></p>");
    } else {
        hoshi_buf_printf(act, "<form method=\"post\" action=\"/suppliers/invite/%s\">", token);
        srv_csrf_input(act, r);
        hoshi_buf_puts(act, "<p><button type=\"submit\">");
        hoshi_buf_html(act, srv_text(r, "suppliers_invite", "accept"));
        hoshi_buf_puts(act, "</button></p></form>");
    }
    srv_page_render(r, p, "suppliers_invite", &v);
}

void srv_supplier_via_field(hoshi_buf *b, srv_req *r)
{
    const char *via = r->is_post ? srv_req_form(r, "via") : srv_req_query(r, "via");
    char digest[HOSHI_STORE_TOKEN];
    if (via == NULL || !srv_acct_token_digest(via, digest))
        return;
    hoshi_buf_printf(b, "<input type=\"hidden\" name=\"via\" value=\"%s\">", via);
}

void srv_supplier_signed_up(srv_req *r, long long org_id)
{
    char digest[HOSHI_STORE_TOKEN];
    if (!srv_acct_token_digest(srv_req_form(r, "via"), digest))
        return;
    hoshi_err err = hoshi_store_supplier_join(r->s->store, digest, org_id);
    char id[24];
    snprintf(id, sizeof id, "%lld", org_id);
    if (err == HOSHI_OK)
        srv_log(r, "info", "supplier_joined", "org", id, "via", "signup", (const char *)NULL);
    else
        srv_log(r, "warn", "supplier_join_failed", "org", id, "detail", hoshi_error_detail(), (const char *)NULL);
}

/* --- /account/clients: consent */

static void client_rows(hoshi_buf *b, srv_req *r, const hoshi_supplier_client *c, size_t n, bool owner)
{
    for (size_t i = 0; i < n; i++) {
        hoshi_buf_puts(b, "<tr><th scope=\"row\">");
        srv_html_shown(b, c[i].name);
        hoshi_buf_puts(b, "</th><td>");
        char iso[16] = "", date[40];
        long long at = c[i].granted ? c[i].granted_at : c[i].revoked_at;
        if (at > 0) {
            time_t t = (time_t)at;
            struct tm tm;
            localtime_r(&t, &tm);
            strftime(iso, sizeof iso, "%Y-%m-%d", &tm);
        }
        const char *vl[] = {"date", srv_fmt_date(r, iso, date, sizeof date), NULL};
        const char *key = c[i].granted ? "shared_since" : c[i].revoked_at ? "revoked_on" : "not_shared";
        hoshi_buf_subst(b, srv_text(r, "suppliers_clients", key), vl, hoshi_buf_html);
        hoshi_buf_puts(b, "</td><td>");
        if (owner) {
            hoshi_buf_puts(b, "<form method=\"post\" action=\"/account/clients\" class=\"inline\">");
            srv_csrf_input(b, r);
            hoshi_buf_printf(b, "<input type=\"hidden\" name=\"client\" value=\"%lld\">"
                                "<input type=\"hidden\" name=\"action\" value=\"%s\">"
                                "<button type=\"submit\"%s>",
                             c[i].client_org, c[i].granted ? "revoke" : "grant",
                             c[i].granted ? " class=\"secondary\"" : "");
            hoshi_buf_html(b, srv_text(r, "suppliers_clients", c[i].granted ? "revoke" : "grant"));
            hoshi_buf_puts(b, "</button></form>");
        }
        hoshi_buf_puts(b, "</td></tr>\n");
    }
}

static const char *const notices[] = {"joined", "granted", "revoked", NULL};

static void clients_page(srv_req *r, srv_resp *p, const hoshi_member *me)
{
    hoshi_supplier_client c[CLIENTS_MAX];
    size_t n = 0;
    if (hoshi_store_supplier_clients(r->s->store, me->org_id, c, CLIENTS_MAX, &n) != HOSHI_OK) {
        srv_page_store_error(r, p, "supplier_clients", false);
        return;
    }
    srv_vars v = {0};
    client_rows(srv_var(&v, "rows"), r, c, n, me->role == HOSHI_ROLE_OWNER);
    if (n == 0)
        srv_none_row(srv_var(&v, "rows"), r, "suppliers_clients", 3);
    if (me->role != HOSHI_ROLE_OWNER) {
        hoshi_buf *b = srv_var(&v, "member_note");
        hoshi_buf_puts(b, "<p class=\"muted\">");
        hoshi_buf_html(b, srv_text(r, "suppliers_clients", "member_note"));
        hoshi_buf_puts(b, "</p>");
    }
    for (size_t i = 0; notices[i] != NULL; i++) {
        const char *q = srv_req_query(r, "done");
        if (q != NULL && strcmp(q, notices[i]) == 0) {
            hoshi_buf *b = srv_var(&v, "notice");
            hoshi_buf_puts(b, "<p class=\"notice\" role=\"status\">");
            hoshi_buf_html(b, srv_text(r, "suppliers_clients", notices[i]));
            hoshi_buf_puts(b, "</p>");
        }
    }
    srv_page_render(r, p, "suppliers_clients", &v);
}

void srv_page_clients(srv_req *r, srv_resp *p)
{
    hoshi_member me;
    if (!r->is_post) {
        if (srv_member_load(r, p, &me))
            clients_page(r, p, &me);
        return;
    }
    if (!srv_need_owner(r, p, &me))
        return;
    long long client = srv_supplier_form_id(r, "client");
    const char *action = srv_req_form(r, "action");
    bool grant = strcmp(action, "grant") == 0;
    if (client == 0 || (!grant && strcmp(action, "revoke") != 0)) {
        srv_page_message(r, p, 404, "not_found");
        return;
    }
    hoshi_err err = hoshi_store_supplier_consent(r->s->store, me.org_id, client, grant, (long long)time(NULL));
    if (err == HOSHI_ERR_NOTFOUND) {
        srv_page_message(r, p, 404, "not_found");
        return;
    }
    if (err != HOSHI_OK) {
        srv_page_store_error(r, p, "supplier_consent", true);
        return;
    }
    char cid[24];
    snprintf(cid, sizeof cid, "%lld", client);
    srv_log(r, "info", grant ? "consent_granted" : "consent_revoked", "client", cid, (const char *)NULL);
    srv_redirect(p, grant ? "/account/clients?done=granted" : "/account/clients?done=revoked");
}
