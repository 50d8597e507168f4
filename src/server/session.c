/*
 * session.c — log-in sessions, CSRF tokens and device cookies.
 *
 * The session cookie holds 32 random bytes; the database keeps only their
 * BLAKE2b digest, so a copy of the database does not let anyone in.  Each
 * session has its own CSRF token.  A visitor who is not logged in gets a
 * random hoshi_csrf cookie instead, and the forms they see (sign-up,
 * log-in) carry its value: a POST is accepted only when the field and the
 * cookie (or session) agree, compared in constant time.
 */
#include "server.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void random_hex(char *out, size_t bytes)
{
    unsigned char raw[32];
    randombytes_buf(raw, bytes);
    sodium_bin2hex(out, bytes * 2 + 1, raw, bytes);
}

static void digest_hex(const char *sid, char out[HOSHI_STORE_TOKEN])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)sid, strlen(sid), NULL, 0);
    sodium_bin2hex(out, 65, h, sizeof h);
}

static bool is_hex64(const char *s)
{
    if (s == NULL || strlen(s) != 64)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

void srv_add_cookie(srv_req *r, srv_resp *p, const char *name, const char *value, long max_age,
                    bool http_only)
{
    if (p->n_cookies == sizeof p->cookies / sizeof p->cookies[0])
        return;
    snprintf(p->cookies[p->n_cookies++], sizeof p->cookies[0],
             "%s=%s; Path=/; Max-Age=%ld; SameSite=Lax%s%s", name, value, max_age,
             http_only ? "; HttpOnly" : "", r->s->cfg.secure_cookies ? "; Secure" : "");
}

void srv_session_load(srv_req *r)
{
    const char *sid = srv_req_cookie(r, "hoshi_sid");
    if (is_hex64(sid)) {
        digest_hex(sid, r->sid_digest);
        if (hoshi_store_session_get(r->s->store, r->sid_digest, (long long)time(NULL), &r->ses) ==
            HOSHI_OK) {
            r->logged_in = true;
            snprintf(r->csrf, sizeof r->csrf, "%s", r->ses.token);
            return;
        }
    }
    const char *tok = srv_req_cookie(r, "hoshi_csrf");
    if (is_hex64(tok)) {
        snprintf(r->csrf, sizeof r->csrf, "%s", tok);
        return;
    }
    random_hex(r->csrf, 32);
    r->new_csrf_cookie = true;
}

void srv_session_finish(srv_req *r, srv_resp *p)
{
    /* Only pages with a form set the cookie, so public pages stay
     * cacheable and free of Set-Cookie. */
    if (r->new_csrf_cookie && r->csrf_used)
        srv_add_cookie(r, p, "hoshi_csrf", r->csrf, SRV_SESSION_TTL, true);
}

bool srv_csrf_ok(srv_req *r)
{
    const char *sent = srv_req_form(r, "csrf");
    if (r->new_csrf_cookie || strlen(sent) != 64 || strlen(r->csrf) != 64)
        return false;
    return sodium_memcmp(sent, r->csrf, 64) == 0;
}

hoshi_err srv_session_start(srv_req *r, srv_resp *p, long long user_id)
{
    char sid[65], digest[HOSHI_STORE_TOKEN], csrf[65];
    random_hex(sid, 32);
    random_hex(csrf, 32);
    digest_hex(sid, digest);
    hoshi_err err = hoshi_store_session_create(r->s->store, digest, user_id, csrf,
                                               (long long)time(NULL) + SRV_SESSION_TTL);
    if (err != HOSHI_OK)
        return err;
    srv_add_cookie(r, p, "hoshi_sid", sid, SRV_SESSION_TTL, true);
    return HOSHI_OK;
}

hoshi_err srv_session_end(srv_req *r, srv_resp *p)
{
    if (r->logged_in) {
        hoshi_err err = hoshi_store_session_delete(r->s->store, r->sid_digest);
        /* NOTFOUND: already gone (expired, or logged out elsewhere). */
        if (err != HOSHI_OK && err != HOSHI_ERR_NOTFOUND)
            return err;
    }
    srv_add_cookie(r, p, "hoshi_sid", "", 0, true);
    r->logged_in = false;
    return HOSHI_OK;
}

/* --- device cookies: "1.<user id>.<device id>.<MAC>", the MAC an
 * HMAC-SHA-512-256 under a key derived from the database's throttle
 * secret (srv_throttle_device_key): every server on the database accepts
 * the cookies any of them issued, as they share the device counters. */

#define DEVICE_TTL (180L * 86400)

static void device_mac(srv *s, const char *payload, char out[2 * crypto_auth_BYTES + 1])
{
    unsigned char m[crypto_auth_BYTES];
    crypto_auth(m, (const unsigned char *)payload, strlen(payload), s->device_key);
    sodium_bin2hex(out, 2 * crypto_auth_BYTES + 1, m, sizeof m);
}

void srv_device_cookie_set(srv_req *r, srv_resp *p, long long user_id)
{
    unsigned char id[THROTTLE_KEY];
    if (srv_device_cookie_get(r, user_id, id))
        return;   /* this browser already speaks for the account */
    char hex[2 * THROTTLE_KEY + 1], payload[64], mac[2 * crypto_auth_BYTES + 1], value[160];
    randombytes_buf(id, sizeof id);
    sodium_bin2hex(hex, sizeof hex, id, sizeof id);
    snprintf(payload, sizeof payload, "1.%lld.%s", user_id, hex);
    device_mac(r->s, payload, mac);
    snprintf(value, sizeof value, "%s.%s", payload, mac);
    srv_add_cookie(r, p, "hoshi_device", value, DEVICE_TTL, true);
}

bool srv_device_cookie_get(srv_req *r, long long user_id, unsigned char id[THROTTLE_KEY])
{
    const char *c = srv_req_cookie(r, "hoshi_device");
    char payload[64], want[2 * crypto_auth_BYTES + 1];
    if (c == NULL || strlen(c) >= 200)
        return false;
    const char *dot = strrchr(c, '.');
    if (dot == NULL || (size_t)(dot - c) >= sizeof payload || strlen(dot + 1) != 2 * crypto_auth_BYTES)
        return false;
    memcpy(payload, c, (size_t)(dot - c));
    payload[dot - c] = '\0';
    device_mac(r->s, payload, want);
    if (sodium_memcmp(want, dot + 1, 2 * crypto_auth_BYTES) != 0)
        return false;
    /* Signed by us, so the fields are as we wrote them. */
    char prefix[32];
    snprintf(prefix, sizeof prefix, "1.%lld.", user_id);
    size_t n = strlen(prefix);
    if (strncmp(payload, prefix, n) != 0 || strlen(payload + n) != 2 * THROTTLE_KEY)
        return false;
    return sodium_hex2bin(id, THROTTLE_KEY, payload + n, 2 * THROTTLE_KEY, NULL, NULL, NULL) == 0;
}
