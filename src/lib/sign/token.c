/*
 * token.c — the canonical form of a declaration (version 1) and the
 * token that carries it signed: "hoshi1.KEYID.PAYLOAD.SIG" (sign.h).  The
 * signature covers the token's own bytes before the last ".", so the
 * version, the key id and the encoded payload are all bound by it; the
 * payload is decoded strictly and its fields must be in their exact form,
 * so no two tokens carry the same facts under one signature.
 */
#include "sign/sign_int.h"

#include <string.h>

#include "hoshi/date.h"
#include "hoshi/ids.h"
#include "hoshi/text.h"
#include "internal.h"

#define PREFIX "hoshi1."
enum { FIELDS = 7, SIG_B64 = 86, PAYLOAD_MAX = 600 };

static bool digits(const char *s, size_t n)
{
    if (strlen(s) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* YYYY-MM-DD: the shape, and a real calendar date. */
static bool date_ok(const char *s)
{
    hoshi_date d;
    return strlen(s) == 10 && s[4] == '-' && s[7] == '-' && hoshi_date_parse(s, &d) == HOSHI_OK;
}

/* A name as published: valid UTF-8, no control character (so no LF can
 * split the canonical form), not empty, not too long. */
static bool org_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > HOSHI_SIGN_ORG_MAX || hoshi_utf8_invalid_at(s, n) != n)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

static hoshi_err check(const hoshi_sign_decl *d)
{
    const char *bad = NULL;
    if (!hoshi_decl_id_is_valid(d->id))
        bad = "ID";
    else if (d->level != 1 && d->level != 2)
        bad = "level";
    else if (!org_ok(d->org))
        bad = "organisation";
    else if (d->corpnum[0] != '\0' && !digits(d->corpnum, 13))
        bad = "corporate number";
    else if (!date_ok(d->declared_on))
        bad = "declared date";
    else if (d->active ? d->withdrawn_on[0] != '\0' : !date_ok(d->withdrawn_on))
        bad = "withdrawn date";
    if (bad != NULL)
        return hi_fail(HOSHI_ERR_INPUT, "signed declaration: the %s is not in its canonical form", bad);
    return HOSHI_OK;
}

hoshi_err hoshi_sign_canonical(const hoshi_sign_decl *d, hoshi_buf *out)
{
    hi_clear_error();
    hoshi_err err = check(d);
    if (err != HOSHI_OK)
        return err;
    hoshi_buf_printf(out, "%s\n%d\n%s\n%s\n%s\n%s\n%s\n", d->id, d->level, d->org, d->corpnum, d->declared_on,
                     d->active ? "active" : "withdrawn", d->withdrawn_on);
    return out->err;
}

hoshi_err hoshi_sign_token(const hoshi_keyring *k, const hoshi_sign_decl *d, hoshi_buf *out)
{
    hi_clear_error();
    const char *signer = hoshi_keyring_signer(k);
    if (signer == NULL)
        return hi_fail(HOSHI_ERR_USAGE, "signing: the keyring has no signing key");
    const hi_sign_key *key = hi_sign_find(k, signer);
    hoshi_buf canon = HOSHI_BUF_INIT, msg = HOSHI_BUF_INIT;
    hoshi_err err = hoshi_sign_canonical(d, &canon);
    if (err != HOSHI_OK)
        goto free_bufs;
    char b64[sodium_base64_ENCODED_LEN(PAYLOAD_MAX, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    if (canon.len > PAYLOAD_MAX) {
        err = hi_fail(HOSHI_ERR_LIMIT, "signing: the declaration is longer than %d bytes", PAYLOAD_MAX);
        goto free_bufs;
    }
    sodium_bin2base64(b64, sizeof b64, (const unsigned char *)canon.data, canon.len,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    hoshi_buf_printf(&msg, PREFIX "%s.%s", key->id, b64);
    if ((err = msg.err) != HOSHI_OK)
        goto free_bufs;
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, NULL, (const unsigned char *)msg.data, msg.len, key->sk);
    char sig64[SIG_B64 + 1];
    sodium_bin2base64(sig64, sizeof sig64, sig, sizeof sig, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    hoshi_buf_printf(out, "%s.%s", msg.data, sig64);
    err = out->err;
free_bufs:
    hoshi_buf_free(&canon);
    hoshi_buf_free(&msg);
    return err;
}

/* Copies field f (NUL-terminated) into dst of size n; false when longer. */
static bool take(char *dst, size_t n, const char *f)
{
    size_t len = strlen(f);
    if (len >= n)
        return false;
    memcpy(dst, f, len + 1);
    return true;
}

/* The canonical form back into its fields, exactly: seven LF-terminated
 * fields, nothing after them, each in its form. */
static hoshi_err parse_payload(char *p, size_t len, hoshi_sign_decl *d)
{
    char *f[FIELDS];
    size_t n = 0;
    char *at = p, *end = p + len;
    if (memchr(p, '\0', len) != NULL)
        return hi_fail(HOSHI_ERR_INPUT, "token: the declaration has a NUL byte");
    while (n < FIELDS && at < end) {
        char *nl = memchr(at, '\n', (size_t)(end - at));
        if (nl == NULL)
            break;
        *nl = '\0';
        f[n++] = at;
        at = nl + 1;
    }
    memset(d, 0, sizeof *d);
    if (n != FIELDS || at != end)
        return hi_fail(HOSHI_ERR_INPUT, "token: the declaration does not have its %d lines", FIELDS);
    d->level = strcmp(f[1], "1") == 0 ? 1 : strcmp(f[1], "2") == 0 ? 2 : 0;
    d->active = strcmp(f[5], "active") == 0;
    if (!take(d->id, sizeof d->id, f[0]) || !take(d->org, sizeof d->org, f[2]) ||
        !take(d->corpnum, sizeof d->corpnum, f[3]) || !take(d->declared_on, sizeof d->declared_on, f[4]) ||
        (!d->active && strcmp(f[5], "withdrawn") != 0) || !take(d->withdrawn_on, sizeof d->withdrawn_on, f[6]))
        return hi_fail(HOSHI_ERR_INPUT, "token: a field of the declaration is not in its form");
    return check(d);
}

hoshi_err hoshi_sign_verify(const hoshi_keyring *k, const char *token, hoshi_sign_decl *out,
                            char key_id[HOSHI_SIGN_KEY_ID_LEN + 1])
{
    hi_clear_error();
    memset(out, 0, sizeof *out);
    hoshi_err err = hi_sign_init();
    if (err != HOSHI_OK)
        return err;
    size_t len = strnlen(token, HOSHI_SIGN_TOKEN_MAX + 1);
    if (len > HOSHI_SIGN_TOKEN_MAX)
        return hi_fail(HOSHI_ERR_INPUT, "token: longer than %d bytes", HOSHI_SIGN_TOKEN_MAX);
    /* Only the token alphabet: libsodium's decoder reads a byte past 0x7f
     * as the ASCII character 128 below it, which would let a changed
     * signature byte pass. */
    if (strspn(token, B64URL ".") != len)
        return hi_fail(HOSHI_ERR_INPUT, "token: a byte that is not base64url or '.' at byte %zu",
                       strspn(token, B64URL ".") + 1);
    const size_t pre = sizeof PREFIX - 1;
    if (strncmp(token, PREFIX, pre) != 0)
        return hi_fail(HOSHI_ERR_INPUT, "token: does not start with %s (not a hoshi token, or another version)",
                       PREFIX);
    const char *id = token + pre, *dot1 = strchr(id, '.');
    const char *dot2 = dot1 != NULL ? strrchr(dot1 + 1, '.') : NULL;
    if (dot1 == NULL || dot2 == NULL || (size_t)(dot1 - id) != HOSHI_SIGN_KEY_ID_LEN ||
        strlen(dot2 + 1) != SIG_B64 || memchr(dot1 + 1, '.', (size_t)(dot2 - dot1 - 1)) != NULL)
        return hi_fail(HOSHI_ERR_INPUT, "token: not of the form hoshi1.KEYID.PAYLOAD.SIGNATURE");
    char kid[HOSHI_SIGN_KEY_ID_LEN + 1];
    memcpy(kid, id, HOSHI_SIGN_KEY_ID_LEN);
    kid[HOSHI_SIGN_KEY_ID_LEN] = '\0';
    const hi_sign_key *key = hi_sign_find(k, kid);
    if (key == NULL)
        return hi_fail(HOSHI_ERR_NOTFOUND, "token: signed by key %s, which is not among the keys given", kid);
    unsigned char sig[crypto_sign_BYTES];
    size_t got = 0;
    const char *stop = NULL;
    if (sodium_base642bin(sig, sizeof sig, dot2 + 1, SIG_B64, NULL, &got, &stop,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        got != sizeof sig || *stop != '\0')
        return hi_fail(HOSHI_ERR_INPUT, "token: the signature is not base64url");
    if (crypto_sign_verify_detached(sig, (const unsigned char *)token, (size_t)(dot2 - token), key->pk) != 0)
        return hi_fail(HOSHI_ERR_INPUT, "token: the signature does not match (the token was changed)");
    /* Signed by a key we trust; the payload is still decoded strictly. */
    char payload[PAYLOAD_MAX + 1];
    size_t plen = (size_t)(dot2 - dot1 - 1);
    if (sodium_base642bin((unsigned char *)payload, PAYLOAD_MAX, dot1 + 1, plen, NULL, &got, &stop,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        stop != dot2)
        return hi_fail(HOSHI_ERR_INPUT, "token: the declaration is not base64url");
    payload[got] = '\0';
    if ((err = parse_payload(payload, got, out)) != HOSHI_OK) {
        memset(out, 0, sizeof *out);
        return err;
    }
    if (key_id != NULL)
        memcpy(key_id, kid, sizeof kid);
    return HOSHI_OK;
}

void hoshi_sign_decl_json(hoshi_buf *b, const hoshi_sign_decl *d, const char *key_id)
{
    hoshi_buf_puts(b, "{");
    if (key_id != NULL) {
        hoshi_buf_puts(b, "\"key_id\":");
        hoshi_buf_json_str(b, key_id);
        hoshi_buf_puts(b, ",");
    }
    hoshi_buf_puts(b, "\"id\":");
    hoshi_buf_json_str(b, d->id);
    hoshi_buf_printf(b, ",\"level\":%d,\"organization\":", d->level);
    hoshi_buf_json_str(b, d->org);
    hoshi_buf_puts(b, ",\"corporate_number\":");
    if (d->corpnum[0])
        hoshi_buf_json_str(b, d->corpnum);
    else
        hoshi_buf_puts(b, "null");
    hoshi_buf_puts(b, ",\"declared_at\":");
    hoshi_buf_json_str(b, d->declared_on);
    hoshi_buf_printf(b, ",\"status\":\"%s\",\"withdrawn_at\":", d->active ? "active" : "withdrawn");
    if (d->active)
        hoshi_buf_puts(b, "null");
    else
        hoshi_buf_json_str(b, d->withdrawn_on);
    hoshi_buf_puts(b, "}");
}
