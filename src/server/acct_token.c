/*
 * acct_token.c — what the account pages (issue 11 part 3) share: the
 * one-time link secrets mailed for invitations, password resets and
 * e-mail changes, the mails that carry them, the owner check, and a
 * password waiting for the pool.
 *
 * A link carries 32 random bytes as 43 base64url characters; the store
 * keeps only their BLAKE2b digest, so a copy of the database opens no
 * account.  The mail itself sits in the outbox until sent, as every
 * message does (mailer.c), and is gone from the link's point of view
 * once used: the token is deleted when it is.
 */
#include "server.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define TOKEN_BYTES 32

static void digest_of(const char *token, char digest[HOSHI_STORE_TOKEN])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(digest, 65, h, sizeof h);
}

void srv_acct_token_new(char token[SRV_ACCT_TOKEN_LEN + 1], char digest[HOSHI_STORE_TOKEN])
{
    unsigned char raw[TOKEN_BYTES];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(token, SRV_ACCT_TOKEN_LEN + 1, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    digest_of(token, digest);
}

bool srv_acct_token_digest(const char *token, char digest[HOSHI_STORE_TOKEN])
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    if (token == NULL || strlen(token) != SRV_ACCT_TOKEN_LEN || strspn(token, alphabet) != SRV_ACCT_TOKEN_LEN)
        return false;
    digest_of(token, digest);
    return true;
}

bool srv_acct_mail(srv_req *r, const char *kind, const char *to, const char *path, const char *token,
                   const char *const *vars)
{
    hoshi_buf url = HOSHI_BUF_INIT;
    srv_base_url(r, &url);
    hoshi_buf_printf(&url, "%s%s", path, token);
    const char *all[24];
    size_t n = 0;
    all[n++] = "url";
    all[n++] = url.data ? url.data : "";
    all[n++] = "email";
    all[n++] = to;
    for (size_t i = 0; vars != NULL && vars[i] != NULL && n + 3 < sizeof all / sizeof all[0]; i += 2) {
        all[n++] = vars[i];
        all[n++] = vars[i + 1];
    }
    all[n] = NULL;
    hoshi_err err = url.err != HOSHI_OK ? url.err : srv_mail_send(r->s, kind, r->lang, to, all, NULL, NULL);
    if (url.data != NULL)
        sodium_memzero(url.data, url.len);
    hoshi_buf_free(&url);
    if (err != HOSHI_OK) {
        srv_log(r, "error", "mail_queue", "kind", kind, "detail", hoshi_error_detail(), (const char *)NULL);
        return false;
    }
    return true;
}

bool srv_member_load(srv_req *r, srv_resp *p, hoshi_member *m)
{
    if (!srv_need_login(r, p))
        return false;
    if (hoshi_store_member_get(r->s->store, r->ses.user_id, m) != HOSHI_OK) {
        srv_page_store_error(r, p, "member_get", false);
        return false;
    }
    return true;
}

bool srv_need_owner(srv_req *r, srv_resp *p, hoshi_member *m)
{
    hoshi_member own;
    if (m == NULL)
        m = &own;
    if (!srv_member_load(r, p, m))
        return false;
    if (m->role == HOSHI_ROLE_OWNER)
        return true;
    char id[24];
    snprintf(id, sizeof id, "%lld", m->id);
    srv_log(r, "warn", "owner_only", "user", id, "path", r->path, (const char *)NULL);
    srv_page_message(r, p, 403, "owner_only");
    return false;
}

bool srv_pw_await(srv_req *r, srv_resp *p, const char *password, const char *verify_hash,
                  void (*cont)(srv_req *r, srv_resp *p))
{
    r->job.verify = verify_hash != NULL;
    snprintf(r->job.hash, sizeof r->job.hash, "%s", verify_hash ? verify_hash : "");
    snprintf(r->job.password, sizeof r->job.password, "%s", password);
    if (srv_req_await(r, cont))
        return true;
    sodium_memzero(r->job.password, sizeof r->job.password);
    char queued[16];
    snprintf(queued, sizeof queued, "%d", srv_pwpool_queued(r->s->pool));
    srv_log(r, "warn", "pool_busy", "op", r->path, "queued", queued, (const char *)NULL);
    srv_page_message(r, p, 503, "busy");
    p->retry_after = 2;
    return false;
}

bool srv_acct_email(const char *raw, char out[SRV_EMAIL_MAX + 1])
{
    bool fits = strlen(raw) <= SRV_EMAIL_MAX + 8;   /* room for blanks around it */
    char buf[SRV_EMAIL_MAX + 9];
    snprintf(buf, sizeof buf, "%s", fits ? raw : "");
    srv_trim(buf);
    for (char *c = buf; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    const char *at = strchr(buf, '@');
    bool ok = fits && strlen(buf) <= SRV_EMAIL_MAX && at != NULL && at != buf && strchr(at + 1, '@') == NULL &&
              strchr(at, '.') != NULL && hoshi_mail_address_ok(buf);
    snprintf(out, SRV_EMAIL_MAX + 1, "%.*s", SRV_EMAIL_MAX, fits ? buf : "");
    return ok;
}
