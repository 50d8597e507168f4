/*
 * page_account.c — the home page, sign-up, log-in and log-out.  Passwords
 * are hashed with Argon2id (libsodium's crypto_pwhash_str); failed log-ins
 * are counted per client address and refused for a while past the limit.
 */
#include "server.h"
#include "hoshi/text.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define EMAIL_MAX 254
#define PASSWORD_MIN 10
#define PASSWORD_MAX 128
#define ORG_NAME_MAX 100

void page_home(srv_req *r, srv_resp *p)
{
    /* Signed-in owners are offered their page instead of sign-up. */
    vars v = {0};
    hoshi_buf *act = var(&v, "actions");
    if (r->logged_in) {
        hoshi_buf_puts(act, "<a class=\"button\" href=\"/dashboard\">");
        hoshi_buf_html(act, T(r, "home", "mypage"));
        hoshi_buf_puts(act, "</a>");
    } else {
        hoshi_buf_puts(act, "<a class=\"button\" href=\"/signup\">");
        hoshi_buf_html(act, T(r, "home", "start"));
        hoshi_buf_puts(act, "</a> <a class=\"button secondary\" href=\"/login\">");
        hoshi_buf_html(act, T(r, "home", "login"));
        hoshi_buf_puts(act, "</a>");
    }
    page_render(r, p, "home", &v);
}

/* Lower-cases ASCII in place (addresses are compared case-insensitively
 * in practice) and checks the shape: one '@' with text on both sides. */
static bool email_ok(char *e)
{
    if (!hoshi_text_is_clean(e, EMAIL_MAX, false) || strlen(e) > EMAIL_MAX)
        return false;
    const char *at = strchr(e, '@');
    if (at == NULL || at == e || at[1] == '\0' || strchr(at + 1, '@') != NULL || strchr(e, ' '))
        return false;
    for (char *p = e; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return strchr(at, '.') != NULL;
}

static void signup_form(srv_req *r, srv_resp *p, const char *email, const char *org,
                        const char *err_email, const char *err_password, const char *err_org)
{
    vars v = {0};
    csrf_input(var(&v, "csrf"), r);
    var_text(&v, "email", email);
    var_text(&v, "org", org);
    var_error(&v, r, "err_email", "signup", err_email);
    var_error(&v, r, "err_password", "signup", err_password);
    var_error(&v, r, "err_org", "signup", err_org);
    hoshi_buf body = HOSHI_BUF_INIT;
    tpl_render(&body, r, "signup", "signup", vars_list(&v));
    vars_free(&v);
    if (err_email || err_password || err_org)
        p->status = 422;
    page_finish(r, p, T(r, "signup", "title"), &body);
}

void page_signup(srv_req *r, srv_resp *p)
{
    if (!r->is_post) {
        signup_form(r, p, "", "", NULL, NULL, NULL);
        return;
    }
    char email[EMAIL_MAX * 4 + 1], org[ORG_NAME_MAX * 4 + 1];
    const char *pw = req_form(r, "password");
    snprintf(email, sizeof email, "%s", req_form(r, "email"));
    snprintf(org, sizeof org, "%s", req_form(r, "org"));
    trim(email);
    trim(org);
    const char *e_email = NULL, *e_pw = NULL, *e_org = NULL;
    if (strlen(req_form(r, "email")) >= sizeof email || !email_ok(email))
        e_email = "err_email";
    size_t pwlen = strlen(pw);
    if (!hoshi_text_is_clean(pw, PASSWORD_MAX, false) || pwlen > PASSWORD_MAX)
        e_pw = "err_password";
    else if (hoshi_utf8_count(pw) < PASSWORD_MIN)
        e_pw = "err_password_short";
    if (strlen(req_form(r, "org")) >= sizeof org || *org == '\0' || !hoshi_text_is_clean(org, ORG_NAME_MAX, false))
        e_org = "err_org";
    if (e_email || e_pw || e_org) {
        signup_form(r, p, e_email && strlen(req_form(r, "email")) >= sizeof email ? "" : email,
                    e_org && strlen(req_form(r, "org")) >= sizeof org ? "" : org, e_email, e_pw, e_org);
        return;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, pw, pwlen, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        page_message(r, p, 503, "busy");
        return;
    }
    long long uid, oid;
    hoshi_err err = hoshi_store_signup(r->s->store, email, hash, org, &uid, &oid);
    if (err == HOSHI_ERR_INPUT) {
        signup_form(r, p, email, org, "err_email_taken", NULL, NULL);
        return;
    }
    if (err != HOSHI_OK || session_start(r, p, uid) != HOSHI_OK) {
        page_message(r, p, 500, "internal");
        return;
    }
    redirect(p, "/profile");
}

static void login_form(srv_req *r, srv_resp *p, const char *email, const char *err)
{
    vars v = {0};
    csrf_input(var(&v, "csrf"), r);
    var_text(&v, "email", email);
    var_error(&v, r, "err", "login", err);
    page_render(r, p, "login", &v);
}

/* The rate-limit key of an account: a short digest of the typed address
 * (lower-cased), never the address itself. */
static void account_key(const char *email, char out[40])
{
    unsigned char h[16];
    char lower[EMAIL_MAX + 1];
    size_t n = 0;
    for (const char *p = email; *p && n < EMAIL_MAX; p++)
        lower[n++] = (char)tolower((unsigned char)*p);
    lower[n] = '\0';
    crypto_generichash(h, sizeof h, (const unsigned char *)lower, n, NULL, 0);
    out[0] = 'm';
    out[1] = ':';
    sodium_bin2hex(out + 2, 33, h, sizeof h);
}

void page_login(srv_req *r, srv_resp *p)
{
    if (!r->is_post) {
        if (r->logged_in)
            redirect(p, "/dashboard");
        else
            login_form(r, p, "", NULL);
        return;
    }
    char email[EMAIL_MAX * 4 + 1], account[40];
    snprintf(email, sizeof email, "%s", req_form(r, "email"));
    trim(email);
    account_key(email, account);
    /* Limited per client address and per account, so neither one address
     * trying many accounts nor many addresses trying one account get far. */
    if (ratelimit_blocked(r->s->rl, r->client_ip) || ratelimit_blocked(r->s->rl, account)) {
        page_message(r, p, 429, "too_many");
        return;
    }
    const char *pw = req_form(r, "password");
    hoshi_user u;
    bool known = strlen(req_form(r, "email")) < sizeof email && email_ok(email) &&
                 strlen(pw) <= PASSWORD_MAX &&
                 hoshi_store_user_by_email(r->s->store, email, &u) == HOSHI_OK;
    bool ok = crypto_pwhash_str_verify(known ? u.pwhash : r->s->dummy_hash, pw,
                                       strlen(pw) <= PASSWORD_MAX ? strlen(pw) : 0) == 0 && known;
    if (!ok) {
        ratelimit_fail(r->s->rl, r->client_ip);
        ratelimit_fail(r->s->rl, account);
        p->status = 401;
        login_form(r, p, strlen(req_form(r, "email")) < sizeof email ? email : "", "err_login");
        return;
    }
    ratelimit_clear(r->s->rl, r->client_ip);
    ratelimit_clear(r->s->rl, account);
    if (r->logged_in)
        session_end(r, p);
    if (session_start(r, p, u.id) != HOSHI_OK) {
        page_message(r, p, 500, "internal");
        return;
    }
    redirect(p, "/dashboard");
}

void page_logout(srv_req *r, srv_resp *p)
{
    session_end(r, p);
    redirect(p, "/");
}
