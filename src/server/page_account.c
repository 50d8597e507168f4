/*
 * page_account.c — the home page, sign-up, log-in and log-out.
 *
 * Passwords are hashed with Argon2id on the password pool (pwpool.c):
 * both handlers do their checks and reserve their attempt with the
 * throttle (throttle.c) first, then hand the hash to the pool and finish
 * in a continuation once it is done (srv_req_await, http.c).
 *
 * Sign-up answers the same whether or not the address is registered:
 * the hash is always computed, and both cases are sent to the log-in page
 * with a notice that covers both (a taken address is logged as a
 * security event).  Log-in failures, throttling and a full pool are
 * logged with a keyed digest of the address, never the address itself.
 * Log-in returns to the page asked for (`next`, a local path only).
 */
#include "server.h"
#include "hoshi/text.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define ORG_NAME_MAX 100
#define BUSY_RETRY 2      /* seconds a client is asked to wait when the pool is full */

void srv_page_home(srv_req *r, srv_resp *p)
{
    /* Signed-in owners are offered their page instead of sign-up. */
    srv_vars v = {0};
    hoshi_buf *act = srv_var(&v, "actions");
    if (r->logged_in) {
        hoshi_buf_puts(act, "<a class=\"button\" href=\"/dashboard\">");
        hoshi_buf_html(act, srv_text(r, "home", "mypage"));
        hoshi_buf_puts(act, "</a>");
    } else {
        hoshi_buf_puts(act, "<a class=\"button\" href=\"/signup\">");
        hoshi_buf_html(act, srv_text(r, "home", "start"));
        hoshi_buf_puts(act, "</a> <a class=\"button secondary\" href=\"/login\">");
        hoshi_buf_html(act, srv_text(r, "home", "login"));
        hoshi_buf_puts(act, "</a>");
    }
    srv_page_render(r, p, "home", &v);
}

/* Lower-cases ASCII in place (addresses are compared case-insensitively
 * in practice) and checks the shape: one '@' with text on both sides. */
static bool email_ok(char *e)
{
    if (!hoshi_text_is_clean(e, SRV_EMAIL_MAX, false) || strlen(e) > SRV_EMAIL_MAX)
        return false;
    const char *at = strchr(e, '@');
    if (at == NULL || at == e || at[1] == '\0' || strchr(at + 1, '@') != NULL || strchr(e, ' '))
        return false;
    for (char *p = e; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return strchr(at, '.') != NULL;
}

/* "3 minutes", "40秒": how long to wait, in the visitor's language. */
static void wait_text(srv_req *r, long seconds, char *out, size_t size)
{
    long n = seconds < 60 ? seconds : (seconds + 59) / 60;
    const char *key = seconds < 60 ? (n == 1 ? "second" : "seconds") : (n == 1 ? "minute" : "minutes");
    char num[24];
    snprintf(num, sizeof num, "%ld", n);
    const char *subst[] = {"n", num, NULL};
    hoshi_buf b = HOSHI_BUF_INIT;
    hoshi_buf_subst(&b, srv_text(r, "throttle", key), subst, NULL);
    snprintf(out, size, "%s", b.data ? b.data : num);
    hoshi_buf_free(&b);
}

/* The error paragraph saying that attempts are paused and for how long. */
static void throttled_error(hoshi_buf *b, srv_req *r, const char *key, long seconds)
{
    char wait[64];
    wait_text(r, seconds, wait, sizeof wait);
    const char *subst[] = {"wait", wait, NULL};
    hoshi_buf_puts(b, "<p class=\"field-error\" role=\"alert\">");
    hoshi_buf_subst(b, srv_text(r, "throttle", key), subst, hoshi_buf_html);
    hoshi_buf_puts(b, "</p>");
}

/* 503 when the password pool is full: nothing was done, try again soon. */
static void pool_busy(srv_req *r, srv_resp *p, const char *what)
{
    char queued[16];
    snprintf(queued, sizeof queued, "%d", srv_pwpool_queued(r->s->pool));
    srv_log(r, "warn", "pool_busy", "op", what, "queued", queued, (const char *)NULL);
    srv_page_message(r, p, 503, "busy");
    p->retry_after = BUSY_RETRY;
}

/* The sign-up form; org_why (or NULL) says what the name's text rule
 * refused, shown in place of the generic err_org message. */
static void signup_form(srv_req *r, srv_resp *p, const char *email, const char *org,
                        const char *err_email, const char *err_password, const char *err_org,
                        const hoshi_text_problem *org_why)
{
    srv_vars v = {0};
    srv_csrf_input(srv_var(&v, "csrf"), r);
    srv_supplier_via_field(srv_var(&v, "via"), r); /* came through a client's invitation */
    srv_var_text(&v, "email", email);
    srv_var_shown(&v, "org", org);
    srv_var_error(&v, r, "err_email", "signup", err_email);
    srv_var_error(&v, r, "err_password", "signup", err_password);
    if (err_org != NULL && org_why != NULL && org_why->fault != HOSHI_TEXT_OK)
        srv_text_error(srv_var(&v, "err_org"), r, srv_text(r, "signup", "org"), org_why, ORG_NAME_MAX);
    else
        srv_var_error(&v, r, "err_org", "signup", err_org);
    if (p->status == 429)
        throttled_error(srv_var(&v, "err"), r, "signup", p->retry_after);
    hoshi_buf body = HOSHI_BUF_INIT;
    srv_render_form(&body, r, "signup", "signup", &v);
    if (err_email || err_password || err_org)
        p->status = 422;
    srv_page_finish(r, p, srv_text(r, "signup", "title"), &body);
}

/* After the hash: store the account unless the address is taken.  Both
 * cases end on the same redirect, so the answer does not tell them apart. */
static void signup_finish(srv_req *r, srv_resp *p)
{
    if (!r->job.ok) {
        srv_page_message(r, p, 503, "busy");
        p->retry_after = BUSY_RETRY;
        return;
    }
    long long uid = 0, oid = 0;
    hoshi_err err = hoshi_store_signup(r->s->store, r->wait.email, r->job.hash, r->wait.org, &uid, &oid);
    if (err == HOSHI_ERR_INPUT) {
        srv_log(r, "warn", "signup_taken", "account", r->wait.account, (const char *)NULL);
    } else if (err != HOSHI_OK) {
        srv_log(r, "error", "store", "op", "signup", "detail", hoshi_error_detail(), (const char *)NULL);
        srv_page_message(r, p, 500, "internal");
        return;
    } else {
        char id[24];
        snprintf(id, sizeof id, "%lld", uid);
        srv_log(r, "info", "signup", "user", id, (const char *)NULL);
        srv_supplier_signed_up(r, oid);
    }
    srv_redirect(p, "/login?signed_up=1");
}

void srv_page_signup(srv_req *r, srv_resp *p)
{
    if (!r->is_post) {
        signup_form(r, p, "", "", NULL, NULL, NULL, NULL);
        return;
    }
    char email[SRV_EMAIL_MAX * 4 + 1], org[HOSHI_STORE_NAME];
    const char *pw = srv_req_form(r, "password");
    snprintf(email, sizeof email, "%s", srv_req_form(r, "email"));
    srv_trim(email);
    const char *e_email = NULL, *e_pw = NULL, *e_org = NULL;
    bool email_long = strlen(srv_req_form(r, "email")) >= sizeof email;
    if (email_long || !email_ok(email))
        e_email = "err_email";
    e_pw = srv_pwcheck(pw, e_email ? "" : email);
    /* The name goes through the one rule for typed text: NFC, nothing
     * invisible or reordering, at most ORG_NAME_MAX characters. */
    hoshi_text_problem org_why = {0};
    if (!srv_form_text(srv_req_form(r, "org"), ORG_NAME_MAX, HOSHI_TEXT_REQUIRED, org, sizeof org, &org_why)) {
        if (org_why.fault == HOSHI_TEXT_OK) {
            srv_page_message(r, p, 500, "internal");
            return;
        }
        e_org = "err_org";
    }
    if (e_email || e_pw || e_org) {
        /* A refused name is shown again as typed (sanitised when shown),
         * unless it is too long to be worth keeping. */
        const char *typed = srv_req_form(r, "org");
        signup_form(r, p, email_long ? "" : email, e_org && strlen(typed) < sizeof org ? typed : org, e_email,
                    e_pw, e_org, &org_why);
        return;
    }
    long wait = srv_throttle_signup(r->s->throttle, r->client_ip, &r->wait.ticket);
    if (wait < 0) {
        srv_page_store_error(r, p, "throttle_signup", true);
        return;
    }
    if (wait > 0) {
        char secs[24];
        snprintf(secs, sizeof secs, "%ld", wait);
        srv_log(r, "warn", "signup_throttled", "retry_after", secs, (const char *)NULL);
        p->status = 429;
        p->retry_after = wait;
        signup_form(r, p, email, org, NULL, NULL, NULL, NULL);
        return;
    }
    snprintf(r->wait.email, sizeof r->wait.email, "%s", email);
    snprintf(r->wait.org, sizeof r->wait.org, "%s", org);
    srv_throttle_digest(r->s->throttle, email, r->wait.account);
    r->job.verify = false;
    snprintf(r->job.password, sizeof r->job.password, "%s", pw);
    if (!srv_req_await(r, signup_finish)) {
        sodium_memzero(r->job.password, sizeof r->job.password);
        srv_throttle_undo(r->s->throttle, &r->wait.ticket);
        pool_busy(r, p, "signup");
    }
}

/* Where to go after logging in: `next` (query on GET, form on POST) when
 * it is a local path (srv_local_path), else the dashboard. */
static const char *login_next(srv_req *r)
{
    const char *n = r->is_post ? srv_req_form(r, "next") : srv_req_query(r, "next");
    return n != NULL && srv_local_path(n) ? n : "/dashboard";
}

static void login_form(srv_req *r, srv_resp *p, const char *email, const char *err)
{
    srv_vars v = {0};
    srv_csrf_input(srv_var(&v, "csrf"), r);
    const char *next = login_next(r);
    if (strcmp(next, "/dashboard") != 0) {
        hoshi_buf *h = srv_var(&v, "next");
        hoshi_buf_puts(h, "<input type=\"hidden\" name=\"next\" value=\"");
        hoshi_buf_html(h, next);
        hoshi_buf_puts(h, "\">");
    }
    srv_var_text(&v, "email", email);
    if (p->status == 429)
        throttled_error(srv_var(&v, "err"), r, "login", p->retry_after);
    else
        srv_var_error(&v, r, "err", "login", err);
    static const char *const notices[] = {"signed_up", "reset", NULL};
    for (size_t i = 0; !r->is_post && notices[i] != NULL; i++) {
        if (srv_req_query(r, notices[i]) == NULL)
            continue;
        hoshi_buf *n = srv_var(&v, "notice");
        hoshi_buf_puts(n, "<p class=\"notice\" role=\"status\">");
        hoshi_buf_html(n, srv_text(r, "login", notices[i]));
        hoshi_buf_puts(n, "</p>");
    }
    srv_page_render(r, p, "login", &v);
}

/* After the password check. */
static void login_finish(srv_req *r, srv_resp *p)
{
    srv_auth_wait *w = &r->wait;
    char id[24];
    snprintf(id, sizeof id, "%lld", w->user_id);
    if (!(r->job.ok && w->user_id > 0 && w->usable)) {
        srv_log(r, "warn", "login_failed", "account", w->account, "user", w->user_id > 0 ? id : "",
                "device", w->trusted ? "trusted" : "none", (const char *)NULL);
        p->status = 401;
        login_form(r, p, w->email, "err_login");
        return;
    }
    srv_throttle_login_ok(r->s->throttle, &w->ticket);
    if (r->logged_in)
        srv_session_end(r, p);
    if (srv_session_start(r, p, w->user_id) != HOSHI_OK) {
        srv_page_message(r, p, 500, "internal");
        return;
    }
    srv_device_cookie_set(r, p, w->user_id);
    srv_log(r, "info", "login", "user", id, "device", w->trusted ? "trusted" : "none", (const char *)NULL);
    srv_redirect(p, login_next(r));
}

void srv_page_login(srv_req *r, srv_resp *p)
{
    if (!r->is_post) {
        if (r->logged_in)
            srv_redirect(p, login_next(r));
        else
            login_form(r, p, "", NULL);
        return;
    }
    srv_auth_wait *w = &r->wait;
    char email[SRV_EMAIL_MAX * 4 + 1];
    const char *raw = srv_req_form(r, "email"), *pw = srv_req_form(r, "password");
    bool email_long = strlen(raw) >= sizeof email;
    snprintf(email, sizeof email, "%s", raw);
    srv_trim(email);
    bool shaped = !email_long && email_ok(email);
    for (char *c = email; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    size_t pwlen = strlen(pw);
    w->usable = pwlen < SRV_PASSWORD_BYTES && hoshi_utf8_invalid_at(pw, pwlen) == pwlen &&
                hoshi_utf8_count(pw) <= SRV_PASSWORD_MAX;
    hoshi_user u;
    bool known = shaped && hoshi_store_user_by_email(r->s->store, email, &u) == HOSHI_OK;
    unsigned char device[THROTTLE_KEY];
    w->trusted = known && srv_device_cookie_get(r, u.id, device);
    w->user_id = known ? u.id : 0;
    snprintf(w->email, sizeof w->email, "%s", email_long ? "" : email);
    srv_throttle_digest(r->s->throttle, email, w->account);
    /* Counted before the slow check, so parallel guesses see each other. */
    const char *scope = "";
    long wait = srv_throttle_login(r->s->throttle, r->client_ip, w->user_id, email, w->trusted ? device : NULL,
                                   &w->ticket, &scope);
    if (wait < 0) {
        srv_page_store_error(r, p, "throttle_login", true);
        return;
    }
    if (wait > 0) {
        char secs[24];
        snprintf(secs, sizeof secs, "%ld", wait);
        srv_log(r, "warn", "login_throttled", "scope", scope, "account", w->account, "retry_after", secs,
                (const char *)NULL);
        p->status = 429;
        p->retry_after = wait;
        login_form(r, p, w->email, NULL);
        return;
    }
    /* Unknown addresses cost the same Argon2id check as known ones, so the
     * time a failure takes does not tell whether an address is registered. */
    r->job.verify = true;
    snprintf(r->job.hash, sizeof r->job.hash, "%s", known ? u.pwhash : r->s->dummy_hash);
    snprintf(r->job.password, sizeof r->job.password, "%s", w->usable ? pw : "");
    if (!srv_req_await(r, login_finish)) {
        sodium_memzero(r->job.password, sizeof r->job.password);
        srv_throttle_undo(r->s->throttle, &w->ticket);
        pool_busy(r, p, "login");
    }
}

void srv_page_logout(srv_req *r, srv_resp *p)
{
    /* A session the store could not delete would still open the
     * dashboard: say so, and keep the cookie so the owner can try again. */
    if (srv_session_end(r, p) != HOSHI_OK) {
        srv_page_store_error(r, p, "session_delete", true);
        return;
    }
    srv_log(r, "info", "logout", (const char *)NULL);
    srv_redirect(p, "/");
}
