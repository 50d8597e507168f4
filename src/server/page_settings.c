/*
 * page_settings.c — a signed-in user's own account (issue 11 part 3):
 * /account changes the password (the current one needed, the new one
 * through the sign-up rules, every other session of the user ended) and
 * the e-mail address (a confirmation link to the NEW address, mail
 * [email_change]; page_reset.c confirms and tells the old address);
 * /account/delete erases the log-in after the password, and says first
 * what goes and what stays.
 *
 * Each check of the current password counts against the log-in throttle
 * of the account and address, as a log-in would: a stolen session cannot
 * guess the password at leisure.  Checks and hashes run on the password
 * pool; a change takes two pool jobs in a row (srv_pw_await).
 */
#include "server.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define EMAIL_TTL 86400L

typedef struct account_errs {
    const char *current, *new_pw, *email, *email_current;
    long wait;                    /* throttled: seconds */
} account_errs;

static void notice(hoshi_buf *b, srv_req *r, const char *section, const char *key)
{
    hoshi_buf_puts(b, "<p class=\"notice\" role=\"status\">");
    hoshi_buf_html(b, srv_text(r, section, key));
    hoshi_buf_puts(b, "</p>");
}

static void throttled(hoshi_buf *b, srv_req *r, long wait)
{
    char num[24];
    snprintf(num, sizeof num, "%ld", (wait + 59) / 60);
    const char *subst[] = {"n", num, NULL};
    hoshi_buf_puts(b, "<p class=\"field-error\" role=\"alert\">");
    hoshi_buf_subst(b, srv_text(r, "account", "throttled"), subst, hoshi_buf_html);
    hoshi_buf_puts(b, "</p>");
}

static void account_page(srv_req *r, srv_resp *p, const hoshi_member *m, const account_errs *e)
{
    srv_vars v = {0};
    srv_csrf_input(srv_var(&v, "csrf"), r);
    srv_var_text(&v, "email", m->email);
    srv_var_text(&v, "role", srv_text(r, "members", m->role == HOSHI_ROLE_OWNER ? "owner" : "member"));
    srv_var_error(&v, r, "err_current", "account", e ? e->current : NULL);
    srv_var_error(&v, r, "err_new", "signup", e ? e->new_pw : NULL);
    srv_var_error(&v, r, "err_email", "account", e ? e->email : NULL);
    srv_var_error(&v, r, "err_email_current", "account", e ? e->email_current : NULL);
    if (r->is_post)
        srv_var_text(&v, "new_email", srv_req_form(r, "new_email"));
    static const char *const done[] = {"password_changed", "email_sent", NULL};
    const char *q = r->is_post ? NULL : srv_req_query(r, "done");
    for (size_t i = 0; q != NULL && done[i] != NULL; i++)
        if (strcmp(q, done[i]) == 0)
            notice(srv_var(&v, "notice"), r, "account", done[i]);
    if (e != NULL && e->wait > 0) {
        throttled(srv_var(&v, "notice"), r, e->wait);
        p->status = 429;
        p->retry_after = e->wait;
    } else if (e != NULL) {
        p->status = 422;
    }
    srv_page_render(r, p, "account", &v);
}

void srv_page_account(srv_req *r, srv_resp *p)
{
    hoshi_member m;
    if (srv_member_load(r, p, &m))
        account_page(r, p, &m, NULL);
}

/* The user's record with the password hash; false with the page made. */
static bool user_load(srv_req *r, srv_resp *p, hoshi_member *m, hoshi_user *u)
{
    if (!srv_member_load(r, p, m))
        return false;
    if (hoshi_store_user_by_email(r->s->store, m->email, u) != HOSHI_OK) {
        srv_page_store_error(r, p, "user_by_email", false);
        return false;
    }
    return true;
}

/* Counts a check of the current password as a log-in attempt; the seconds
 * to wait when refused, else 0; -1 (the error page made) when the
 * database failed, so the check is refused rather than unthrottled. */
static long guard(srv_req *r, srv_resp *p, const hoshi_member *m)
{
    const char *scope = "";
    srv_throttle_digest(r->s->throttle, m->email, r->wait.account);
    long wait = srv_throttle_login(r->s->throttle, r->client_ip, m->id, m->email, NULL, &r->wait.ticket, &scope);
    if (wait < 0)
        srv_page_store_error(r, p, "throttle_login", true);
    if (wait > 0) {
        char secs[24];
        snprintf(secs, sizeof secs, "%ld", wait);
        srv_log(r, "warn", "password_check_throttled", "scope", scope, "account", r->wait.account, "retry_after",
                secs, (const char *)NULL);
    }
    return wait;
}

/* After a password check: true when it matched (the throttle's failures
 * cleared); else false, logged. */
static bool checked(srv_req *r)
{
    if (r->job.ok) {
        srv_throttle_login_ok(r->s->throttle, &r->wait.ticket);
        return true;
    }
    srv_log(r, "warn", "password_check_failed", "account", r->wait.account, (const char *)NULL);
    return false;
}

/* --- password change */

static void password_hashed(srv_req *r, srv_resp *p)
{
    if (!r->job.ok) {
        srv_page_message(r, p, 503, "busy");
        return;
    }
    if (hoshi_store_password_set(r->s->store, r->ses.user_id, r->job.hash, r->sid_digest) != HOSHI_OK) {
        srv_page_store_error(r, p, "password_set", true);
        return;
    }
    char id[24];
    snprintf(id, sizeof id, "%lld", r->ses.user_id);
    srv_log(r, "info", "password_changed", "user", id, (const char *)NULL);
    srv_redirect(p, "/account?done=password_changed");
}

static void password_checked(srv_req *r, srv_resp *p)
{
    if (!checked(r)) {
        hoshi_member m;
        account_errs e = {.current = "err_current"};
        if (srv_member_load(r, p, &m))
            account_page(r, p, &m, &e);
        return;
    }
    srv_pw_await(r, p, srv_req_form(r, "new_password"), NULL, password_hashed);
}

void srv_page_account_password(srv_req *r, srv_resp *p)
{
    hoshi_member m;
    hoshi_user u;
    if (!user_load(r, p, &m, &u))
        return;
    account_errs e = {0};
    e.new_pw = srv_pwcheck(srv_req_form(r, "new_password"), m.email);
    if (e.new_pw != NULL || (e.wait = guard(r, p, &m)) != 0) {
        if (e.wait >= 0)
            account_page(r, p, &m, &e);
        return;
    }
    if (!srv_pw_await(r, p, srv_req_form(r, "current"), u.pwhash, password_checked))
        srv_throttle_undo(r->s->throttle, &r->wait.ticket);
}

/* --- e-mail change */

static void email_checked(srv_req *r, srv_resp *p)
{
    hoshi_member m;
    if (!srv_member_load(r, p, &m))
        return;
    if (!checked(r)) {
        account_errs e = {.email_current = "err_current"};
        account_page(r, p, &m, &e);
        return;
    }
    char token[SRV_ACCT_TOKEN_LEN + 1], digest[HOSHI_STORE_TOKEN];
    srv_acct_token_new(token, digest);
    hoshi_acct_token t = {.kind = HOSHI_TOKEN_EMAIL, .org_id = m.org_id, .user_id = m.id,
                          .expires = (long long)time(NULL) + EMAIL_TTL};
    size_t len = strnlen(r->wait.email, sizeof t.email - 1);   /* checked: at most SRV_EMAIL_MAX */
    memcpy(t.email, r->wait.email, len);
    t.email[len] = '\0';
    if (hoshi_store_token_add(r->s->store, digest, &t) != HOSHI_OK) {
        sodium_memzero(token, sizeof token);
        srv_page_store_error(r, p, "token_add", true);
        return;
    }
    const char *vars[] = {"old", m.email, NULL};
    srv_acct_mail(r, "email_change", t.email, "/email/confirm/", token, vars);
    sodium_memzero(token, sizeof token);
    char id[24];
    snprintf(id, sizeof id, "%lld", m.id);
    srv_log(r, "info", "email_change_requested", "user", id, (const char *)NULL);
    srv_redirect(p, "/account?done=email_sent");
}

void srv_page_account_email(srv_req *r, srv_resp *p)
{
    hoshi_member m;
    hoshi_user u;
    if (!user_load(r, p, &m, &u))
        return;
    char email[SRV_EMAIL_MAX + 1];
    account_errs e = {0};
    if (!srv_acct_email(srv_req_form(r, "new_email"), email))
        e.email = "err_email";
    else if (strcmp(email, m.email) == 0)
        e.email = "err_same";
    if (e.email != NULL || (e.wait = guard(r, p, &m)) != 0) {
        if (e.wait >= 0)
            account_page(r, p, &m, &e);
        return;
    }
    snprintf(r->wait.email, sizeof r->wait.email, "%s", email);
    if (!srv_pw_await(r, p, srv_req_form(r, "current"), u.pwhash, email_checked))
        srv_throttle_undo(r->s->throttle, &r->wait.ticket);
}

/* --- deletion */

static void delete_page(srv_req *r, srv_resp *p, const hoshi_member *m, const char *err, long wait)
{
    srv_vars v = {0};
    srv_csrf_input(srv_var(&v, "csrf"), r);
    hoshi_member list[2];
    size_t n = 0;
    bool blocked = m->role == HOSHI_ROLE_OWNER &&
                   hoshi_store_member_list(r->s->store, m->org_id, list, 2, &n) == HOSHI_OK && n > 1;
    if (blocked) {
        hoshi_buf *b = srv_var(&v, "blocked");
        hoshi_buf_puts(b, "<p class=\"field-error\" role=\"alert\">");
        hoshi_buf_html(b, srv_text(r, "account_delete", "blocked"));
        hoshi_buf_puts(b, " <a href=\"/members\">");
        hoshi_buf_html(b, srv_text(r, "account_delete", "to_members"));
        hoshi_buf_puts(b, "</a></p>");
    }
    if (wait > 0) {
        throttled(srv_var(&v, "err"), r, wait);
        p->status = 429;
        p->retry_after = wait;
    } else {
        srv_var_error(&v, r, "err", "account_delete", err);
        if (err != NULL)
            p->status = blocked ? 409 : 422;
    }
    srv_page_render(r, p, "account_delete", &v);
}

static void delete_checked(srv_req *r, srv_resp *p)
{
    hoshi_member m;
    if (!srv_member_load(r, p, &m))
        return;
    if (!checked(r)) {
        delete_page(r, p, &m, "err_password", 0);
        return;
    }
    hoshi_err err = hoshi_store_user_delete(r->s->store, m.id);
    if (err == HOSHI_ERR_INPUT) {
        delete_page(r, p, &m, "err_blocked", 0);
        return;
    }
    if (err != HOSHI_OK) {
        srv_page_store_error(r, p, "user_delete", true);
        return;
    }
    char id[24];
    snprintf(id, sizeof id, "%lld", m.id);
    srv_log(r, "info", "account_deleted", "user", id, (const char *)NULL);
    /* The session went with the user; the cookie goes now. */
    srv_add_cookie(r, p, "hoshi_sid", "", 0, true);
    r->logged_in = false;
    srv_page_message(r, p, 200, "account_deleted");
}

void srv_page_account_delete(srv_req *r, srv_resp *p)
{
    hoshi_member m;
    hoshi_user u;
    if (!user_load(r, p, &m, &u))
        return;
    if (!r->is_post) {
        delete_page(r, p, &m, NULL, 0);
        return;
    }
    long wait = guard(r, p, &m);
    if (wait != 0) {
        if (wait > 0)
            delete_page(r, p, &m, NULL, wait);
        return;
    }
    if (!srv_pw_await(r, p, srv_req_form(r, "password"), u.pwhash, delete_checked))
        srv_throttle_undo(r->s->throttle, &r->wait.ticket);
}
