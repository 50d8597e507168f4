/*
 * page_signed.c — signed declarations on the web (issue 11, part 5): the
 * token of a declaration (the JSON API's "signed" field and the link in
 * its QR code) and GET /api/v1/keys, the public keys that verify tokens
 * offline (hoshi verify).  Tokens are made on each request from the
 * declaration as it stands: Ed25519 is deterministic, so the same facts
 * give the same token, and a withdrawal gives a new one.
 */
#include "server.h"

#include <stdlib.h>
#include <string.h>

/* Copies s into dst of size n; false when it does not fit. */
static bool fits(char *dst, size_t n, const char *s)
{
    size_t len = strlen(s);
    if (len >= n)
        return false;
    memcpy(dst, s, len + 1);
    return true;
}

bool srv_decl_token(srv_req *r, const hoshi_decl *d, hoshi_buf *b)
{
    hoshi_sign_decl sd;
    memset(&sd, 0, sizeof sd);
    /* The name as the pages and the API show it, so the token signs what
     * a reader sees. */
    char *org = NULL;
    hoshi_err err = hoshi_text_sanitize(d->org_name, &org);
    sd.level = d->level;
    sd.active = d->status == HOSHI_DECL_ACTIVE;
    if (err == HOSHI_OK &&
        (!fits(sd.id, sizeof sd.id, d->id) || !fits(sd.org, sizeof sd.org, org) ||
         !fits(sd.corpnum, sizeof sd.corpnum, d->corpnum) || !fits(sd.declared_on, sizeof sd.declared_on, d->declared_on) ||
         !fits(sd.withdrawn_on, sizeof sd.withdrawn_on, sd.active ? "" : d->withdrawn_on)))
        err = hoshi_error_set(HOSHI_ERR_LIMIT, "a field of declaration %s is too long to sign", d->id);
    free(org);
    hoshi_buf t = HOSHI_BUF_INIT;
    if (err == HOSHI_OK)
        err = hoshi_sign_token(r->s->keys, &sd, &t);
    if (err != HOSHI_OK) {
        srv_log(r, "error", "sign_error", "decl", d->id, "detail", hoshi_error_detail(), (const char *)NULL);
        hoshi_buf_free(&t);
        return false;
    }
    hoshi_buf_append(b, t.data, t.len);
    hoshi_buf_free(&t);
    return true;
}

void srv_api_keys(srv_req *r, srv_resp *p)
{
    p->ctype = "application/json";
    hoshi_keyring_json(r->s->keys, &p->body);
}
