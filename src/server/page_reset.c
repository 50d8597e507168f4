/*
 * page_reset.c — the pages a mailed link opens (issue 11 part 3), and the
 * request for a password reset.
 *
 *   /password/forgot        asks for a reset link; answers the same
 *                           whether or not the address has an account,
 *                           and is throttled with the log-in counters;
 *   /password/reset/TOKEN   chooses a new password (the link works once,
 *                           for an hour; every session of the user ends);
 *   /invite/TOKEN           joins an organisation as a member with a new
 *                           password, and logs in;
 *   /email/confirm/TOKEN    makes the new address the log-in address and
 *                           tells the old one.
 * A GET only shows the form; the POST uses the token.  A link that is not
 * (or no longer) valid gets one 404 page whatever the reason.
 */
#include "server.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define RESET_TTL 3600L

/* The token of kind behind the link secret `token` into *t (and its
 * digest into the wait area, for the continuation); false with the 404
 * page made when there is none. */
static bool link_token(srv_req *r, srv_resp *p, const char *token, hoshi_token_kind kind, hoshi_acct_token *t)
{
    char digest[HOSHI_STORE_TOKEN];
    if (!srv_acct_token_digest(token, digest)) {
        srv_page_message(r, p, 404, "link_invalid");
        return false;
    }
    hoshi_err err = hoshi_store_token_get(r->s->store, digest, kind, (long long)time(NULL), t);
    if (err == HOSHI_ERR_NOTFOUND) {
        srv_page_message(r, p, 404, "link_invalid");
        return false;
    }
    if (err != HOSHI_OK) {
        srv_page_store_error(r, p, "token_get", false);
        return false;
    }
    snprintf(r->wait.email, sizeof r->wait.email, "%s", digest);
    return true;
}

/* Uses the link's token (its digest in the wait area) with pwhash; the
 * user into *uid and logged as `event`, or false with the page made: 404
 * for a link no longer valid, 409 `taken` when the address has an
 * account now. */
static bool use_token(srv_req *r, srv_resp *p, hoshi_token_kind kind, const char *pwhash, const char *taken,
                      const char *event, long long *uid)
{
    hoshi_err err = hoshi_store_token_use(r->s->store, r->wait.email, kind, (long long)time(NULL), pwhash, uid);
    if (err == HOSHI_ERR_NOTFOUND || err == HOSHI_ERR_INPUT) {
        srv_page_message(r, p, err == HOSHI_ERR_INPUT ? 409 : 404, err == HOSHI_ERR_INPUT ? taken : "link_invalid");
        return false;
    }
    if (err != HOSHI_OK) {
        srv_page_store_error(r, p, "token_use", true);
        return false;
    }
    char id[24];
    snprintf(id, sizeof id, "%lld", *uid);
    srv_log(r, "info", event, "user", id, (const char *)NULL);
    return true;
}

/* The new-password form of section (reset or invite). */
static void password_form(srv_req *r, srv_resp *p, const char *section, const char *info_html,
                          const char *err)
{
    srv_vars v = {0};
    srv_csrf_input(srv_var(&v, "csrf"), r);
    srv_var_text(&v, "action", r->path);
    hoshi_buf_puts(srv_var(&v, "info"), info_html ? info_html : "");
    srv_var_error(&v, r, "err", "signup", err);
    if (err != NULL)
        p->status = 422;
    hoshi_buf body = HOSHI_BUF_INIT;
    srv_tpl_render(&body, r, "password_set", section, srv_vars_list(&v));
    srv_vars_free(&v);
    srv_page_finish(r, p, srv_text(r, section, "title"), &body);
}

/* --- /password/forgot */

static void forgot_form(srv_req *r, srv_resp *p, const char *email, bool sent, long wait)
{
    srv_vars v = {0};
    srv_csrf_input(srv_var(&v, "csrf"), r);
    srv_var_text(&v, "email", email);
    if (sent) {
        hoshi_buf *n = srv_var(&v, "notice");
        hoshi_buf_puts(n, "<p class=\"notice\" role=\"status\">");
        hoshi_buf_html(n, srv_text(r, "forgot", "sent"));
        hoshi_buf_puts(n, "</p>");
    }
    if (wait > 0) {
        char num[24];
        snprintf(num, sizeof num, "%ld", (wait + 59) / 60);
        const char *subst[] = {"n", num, NULL};
        hoshi_buf *e = srv_var(&v, "err");
        hoshi_buf_puts(e, "<p class=\"field-error\" role=\"alert\">");
        hoshi_buf_subst(e, srv_text(r, "forgot", "throttled"), subst, hoshi_buf_html);
        hoshi_buf_puts(e, "</p>");
    }
    srv_page_render(r, p, "password_forgot", &v);
}

void srv_page_password_forgot(srv_req *r, srv_resp *p)
{
    if (!r->is_post) {
        forgot_form(r, p, "", srv_req_query(r, "sent") != NULL, 0);
        return;
    }
    char email[SRV_EMAIL_MAX + 1];
    bool shaped = srv_acct_email(srv_req_form(r, "email"), email);
    hoshi_user u;
    bool known = shaped && hoshi_store_user_by_email(r->s->store, email, &u) == HOSHI_OK;
    srv_throttle_ticket tk;
    const char *scope = "";
    /* Counted as a failed log-in would be, so asking for links cannot be
     * used to flood an inbox or probe faster than guessing passwords. */
    long wait = srv_throttle_login(r->s->throttle, r->client_ip, known ? u.id : 0, email, NULL, &tk, &scope);
    srv_throttle_digest(r->s->throttle, email, r->wait.account);
    if (wait < 0) {
        srv_page_store_error(r, p, "throttle_login", true);
        return;
    }
    if (wait > 0) {
        char secs[24];
        snprintf(secs, sizeof secs, "%ld", wait);
        srv_log(r, "warn", "reset_throttled", "scope", scope, "account", r->wait.account, "retry_after", secs,
                (const char *)NULL);
        p->status = 429;
        p->retry_after = wait;
        forgot_form(r, p, shaped ? email : "", false, wait);
        return;
    }
    if (known) {
        char token[SRV_ACCT_TOKEN_LEN + 1], digest[HOSHI_STORE_TOKEN];
        srv_acct_token_new(token, digest);
        hoshi_acct_token t = {.kind = HOSHI_TOKEN_RESET, .org_id = u.org_id, .user_id = u.id,
                              .expires = (long long)time(NULL) + RESET_TTL};
        snprintf(t.email, sizeof t.email, "%s", u.email);
        if (hoshi_store_token_add(r->s->store, digest, &t) != HOSHI_OK) {
            sodium_memzero(token, sizeof token);
            srv_page_store_error(r, p, "token_add", true);
            return;
        }
        srv_acct_mail(r, "password_reset", u.email, "/password/reset/", token, NULL);
        sodium_memzero(token, sizeof token);
    }
    srv_log(r, "info", "reset_requested", "account", r->wait.account, "known", known ? "yes" : "no",
            (const char *)NULL);
    srv_redirect(p, "/password/forgot?sent=1");
}

/* --- /password/reset/TOKEN */

static void reset_finish(srv_req *r, srv_resp *p)
{
    if (!r->job.ok) {
        srv_page_message(r, p, 503, "busy");
        return;
    }
    long long uid = 0;
    if (!use_token(r, p, HOSHI_TOKEN_RESET, r->job.hash, "link_invalid", "password_reset", &uid))
        return;
    if (r->logged_in)
        srv_session_end(r, p);
    srv_redirect(p, "/login?reset=1");
}

void srv_page_password_reset(srv_req *r, srv_resp *p, const char *token)
{
    hoshi_acct_token t;
    if (!link_token(r, p, token, HOSHI_TOKEN_RESET, &t))
        return;
    if (!r->is_post) {
        password_form(r, p, "reset", NULL, NULL);
        return;
    }
    const char *pw = srv_req_form(r, "password");
    const char *e = srv_pwcheck(pw, t.email);
    if (e != NULL) {
        password_form(r, p, "reset", NULL, e);
        return;
    }
    srv_pw_await(r, p, pw, NULL, reset_finish);
}

/* --- /invite/TOKEN */

static void invite_finish(srv_req *r, srv_resp *p)
{
    if (!r->job.ok) {
        srv_page_message(r, p, 503, "busy");
        return;
    }
    long long uid = 0;
    if (!use_token(r, p, HOSHI_TOKEN_INVITE, r->job.hash, "invite_taken", "member_joined", &uid))
        return;
    if (r->logged_in)
        srv_session_end(r, p);
    if (srv_session_start(r, p, uid) != HOSHI_OK) {
        srv_redirect(p, "/login");
        return;
    }
    srv_redirect(p, "/dashboard");
}

void srv_page_invite(srv_req *r, srv_resp *p, const char *token)
{
    hoshi_acct_token t;
    if (!link_token(r, p, token, HOSHI_TOKEN_INVITE, &t))
        return;
    hoshi_org org;
    if (hoshi_store_org_get(r->s->store, t.org_id, &org) != HOSHI_OK) {
        srv_page_store_error(r, p, "org_get", false);
        return;
    }
    hoshi_buf info = HOSHI_BUF_INIT;
    const char *subst[] = {"org", org.name, "email", t.email, NULL};
    hoshi_buf_puts(&info, "<p class=\"notice\">");
    hoshi_buf_subst(&info, srv_text(r, "invite", "info"), subst, srv_html_shown);
    hoshi_buf_puts(&info, "</p>");
    const char *e = NULL;
    if (r->is_post && (e = srv_pwcheck(srv_req_form(r, "password"), t.email)) == NULL) {
        hoshi_buf_free(&info);
        srv_pw_await(r, p, srv_req_form(r, "password"), NULL, invite_finish);
        return;
    }
    password_form(r, p, "invite", info.data, e);
    hoshi_buf_free(&info);
}

/* --- /email/confirm/TOKEN */

void srv_page_email_confirm(srv_req *r, srv_resp *p, const char *token)
{
    hoshi_acct_token t;
    if (!link_token(r, p, token, HOSHI_TOKEN_EMAIL, &t))
        return;
    hoshi_member before;
    if (hoshi_store_member_get(r->s->store, t.user_id, &before) != HOSHI_OK) {
        srv_page_store_error(r, p, "member_get", false);
        return;
    }
    if (!r->is_post) {
        srv_vars v = {0};
        srv_csrf_input(srv_var(&v, "csrf"), r);
        srv_var_text(&v, "action", r->path);
        const char *subst[] = {"old", before.email, "email", t.email, NULL};
        hoshi_buf_subst(srv_var(&v, "info"), srv_text(r, "email_confirm", "info"), subst, hoshi_buf_html);
        srv_page_render(r, p, "email_confirm", &v);
        return;
    }
    long long uid = 0;
    if (!use_token(r, p, HOSHI_TOKEN_EMAIL, NULL, "email_taken", "email_changed", &uid))
        return;
    const char *vars[] = {"old", before.email, "email", t.email, NULL};
    /* Sent to the old address, so its holder hears of a change they did not make. */
    if (srv_mail_send(r->s, "email_changed_notice", r->lang, before.email, vars, NULL, NULL) != HOSHI_OK)
        srv_log(r, "error", "mail_queue", "kind", "email_changed_notice", "detail", hoshi_error_detail(),
                (const char *)NULL);
    srv_page_message(r, p, 200, "email_changed");
}
