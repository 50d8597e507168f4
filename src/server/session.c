/*
 * session.c — log-in sessions, CSRF tokens and log-in rate limiting.
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

void add_cookie(srv_req *r, srv_resp *p, const char *name, const char *value, long max_age,
                bool http_only)
{
    if (p->n_cookies == sizeof p->cookies / sizeof p->cookies[0])
        return;
    snprintf(p->cookies[p->n_cookies++], sizeof p->cookies[0],
             "%s=%s; Path=/; Max-Age=%ld; SameSite=Lax%s%s", name, value, max_age,
             http_only ? "; HttpOnly" : "", r->s->cfg.secure_cookies ? "; Secure" : "");
}

void session_load(srv_req *r)
{
    const char *sid = req_cookie(r, "hoshi_sid");
    if (is_hex64(sid)) {
        digest_hex(sid, r->sid_digest);
        if (hoshi_store_session_get(r->s->store, r->sid_digest, (long long)time(NULL), &r->ses) ==
            HOSHI_OK) {
            r->logged_in = true;
            snprintf(r->csrf, sizeof r->csrf, "%s", r->ses.csrf);
            return;
        }
    }
    const char *tok = req_cookie(r, "hoshi_csrf");
    if (is_hex64(tok)) {
        snprintf(r->csrf, sizeof r->csrf, "%s", tok);
        return;
    }
    random_hex(r->csrf, 32);
    r->new_csrf_cookie = true;
}

void session_finish(srv_req *r, srv_resp *p)
{
    /* Only pages with a form set the cookie, so public pages stay
     * cacheable and free of Set-Cookie. */
    if (r->new_csrf_cookie && r->csrf_used)
        add_cookie(r, p, "hoshi_csrf", r->csrf, SRV_SESSION_TTL, true);
}

bool csrf_ok(srv_req *r)
{
    const char *sent = req_form(r, "csrf");
    if (r->new_csrf_cookie || strlen(sent) != 64 || strlen(r->csrf) != 64)
        return false;
    return sodium_memcmp(sent, r->csrf, 64) == 0;
}

hoshi_err session_start(srv_req *r, srv_resp *p, long long user_id)
{
    char sid[65], digest[HOSHI_STORE_TOKEN], csrf[65];
    random_hex(sid, 32);
    random_hex(csrf, 32);
    digest_hex(sid, digest);
    hoshi_err err = hoshi_store_session_create(r->s->store, digest, user_id, csrf,
                                               (long long)time(NULL) + SRV_SESSION_TTL);
    if (err != HOSHI_OK)
        return err;
    add_cookie(r, p, "hoshi_sid", sid, SRV_SESSION_TTL, true);
    return HOSHI_OK;
}

void session_end(srv_req *r, srv_resp *p)
{
    if (r->logged_in)
        hoshi_store_session_delete(r->s->store, r->sid_digest);
    add_cookie(r, p, "hoshi_sid", "", 0, true);
    r->logged_in = false;
}

/* --- rate limiting: at most RL_MAX failed log-ins per client address in
 * RL_WINDOW seconds.  A small open-addressed table; when it is full the
 * oldest window is reused, so memory stays fixed under any load. */

#define RL_SLOTS 1024
#define RL_MAX 10
#define RL_WINDOW 600

typedef struct rl_slot {
    char key[64];
    time_t start;
    int fails;
} rl_slot;

struct srv_ratelimit {
    pthread_mutex_t lock;
    rl_slot slot[RL_SLOTS];
};

hoshi_err ratelimit_new(srv_ratelimit **out)
{
    *out = calloc(1, sizeof **out);
    if (*out == NULL)
        return HOSHI_ERR_NOMEM;
    pthread_mutex_init(&(*out)->lock, NULL);
    return HOSHI_OK;
}

void ratelimit_free(srv_ratelimit *rl)
{
    if (rl == NULL)
        return;
    pthread_mutex_destroy(&rl->lock);
    free(rl);
}

static rl_slot *find(srv_ratelimit *rl, const char *key, bool create)
{
    unsigned long h = 5381;
    for (const char *p = key; *p; p++)
        h = h * 33 + (unsigned char)*p;
    time_t now = time(NULL);
    rl_slot *oldest = NULL;
    for (int i = 0; i < 8; i++) {
        rl_slot *s = &rl->slot[(h + (unsigned long)i) % RL_SLOTS];
        if (strcmp(s->key, key) == 0) {
            if (now - s->start >= RL_WINDOW) {
                s->start = now;
                s->fails = 0;
            }
            return s;
        }
        if (oldest == NULL || s->start < oldest->start)
            oldest = s;
    }
    if (!create)
        return NULL;
    snprintf(oldest->key, sizeof oldest->key, "%s", key);
    oldest->start = now;
    oldest->fails = 0;
    return oldest;
}

bool ratelimit_blocked(srv_ratelimit *rl, const char *key)
{
    pthread_mutex_lock(&rl->lock);
    rl_slot *s = find(rl, key, false);
    bool blocked = s != NULL && s->fails >= RL_MAX;
    pthread_mutex_unlock(&rl->lock);
    return blocked;
}

void ratelimit_fail(srv_ratelimit *rl, const char *key)
{
    pthread_mutex_lock(&rl->lock);
    find(rl, key, true)->fails++;
    pthread_mutex_unlock(&rl->lock);
}

void ratelimit_clear(srv_ratelimit *rl, const char *key)
{
    pthread_mutex_lock(&rl->lock);
    rl_slot *s = find(rl, key, false);
    if (s != NULL)
        s->fails = 0;
    pthread_mutex_unlock(&rl->lock);
}
