/*
 * keys_json.c — a verifier's keyring from the published public keys, the
 * JSON of GET /api/v1/keys.  A small strict JSON reader (RFC 8259, nesting
 * capped) that keeps only what verifying needs: each key's id, algorithm
 * and public key, and checks that the id is the one the key hashes to, so
 * a key file edited by hand cannot pass one key off under another's id.
 */
#include "sign/sign_int.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum { DEPTH_MAX = 16, STR_KEEP = 128 };

typedef struct reader {
    const char *p, *end, *start;
    hoshi_keyring *k;
} reader;

static hoshi_err bad(const reader *r, const char *what)
{
    return hi_fail(HOSHI_ERR_INPUT, "keys JSON at byte %zu: %s", (size_t)(r->p - r->start) + 1, what);
}

static void blanks(reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static bool hex4(const char *p)
{
    for (int i = 0; i < 4; i++)
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f') || (p[i] >= 'A' && p[i] <= 'F')))
            return false;
    return true;
}

/* A string at r->p; its ASCII content into keep (size STR_KEEP) when it
 * fits and has no escapes, else keep is "" and *kept false. */
static hoshi_err string(reader *r, char keep[STR_KEEP], bool *kept)
{
    size_t n = 0;
    *kept = true;
    keep[0] = '\0';
    if (r->p >= r->end || *r->p != '"')
        return bad(r, "a string was expected");
    const char *s = ++r->p;
    while (r->p < r->end && *r->p != '"') {
        unsigned char c = (unsigned char)*r->p;
        if (c < 0x20)
            return bad(r, "a control character in a string");
        if (c == '\\') {
            *kept = false;
            if (r->end - r->p < 2)
                return bad(r, "an unfinished escape");
            char e = r->p[1];
            if (e == 'u') {
                if (r->end - r->p < 6 || !hex4(r->p + 2))
                    return bad(r, "a bad \\u escape");
                r->p += 6;
            } else if (e != '\0' && strchr("\"\\/bfnrt", e) != NULL) {
                r->p += 2;
            } else {
                return bad(r, "an unknown escape");
            }
            continue;
        }
        if (c >= 0x80)
            *kept = false;
        r->p++;
    }
    if (r->p >= r->end)
        return bad(r, "an unfinished string");
    size_t len = (size_t)(r->p - s);
    if (hoshi_utf8_invalid_at(s, len) != len)
        return bad(r, "a string that is not UTF-8");
    r->p++;
    if (*kept && len < STR_KEEP) {
        memcpy(keep, s, len);
        n = len;
    } else {
        *kept = false;
    }
    keep[n] = '\0';
    return HOSHI_OK;
}

static hoshi_err number(reader *r)
{
    if (r->p < r->end && *r->p == '-')
        r->p++;
    if (r->p < r->end && *r->p == '0')
        r->p++;
    else if (r->p < r->end && *r->p >= '1' && *r->p <= '9')
        while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
            r->p++;
    else
        return bad(r, "a value was expected");
    if (r->p < r->end && *r->p == '.') {
        const char *f = ++r->p;
        while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
            r->p++;
        if (r->p == f)
            return bad(r, "digits after '.' were expected");
    }
    if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
        r->p++;
        if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
            r->p++;
        const char *f = r->p;
        while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
            r->p++;
        if (r->p == f)
            return bad(r, "digits of an exponent were expected");
    }
    return HOSHI_OK;
}

static hoshi_err value(reader *r, int depth);

static hoshi_err word(reader *r, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n) != 0)
        return bad(r, "a value was expected");
    r->p += n;
    return HOSHI_OK;
}

/* One key object of the "keys" array: its members, kept or skipped. */
typedef struct key_seen {
    char id[STR_KEEP], alg[STR_KEEP], pk[STR_KEEP];
    bool has_id, has_alg, has_pk;
} key_seen;

/* An object; when seen is not NULL its id/algorithm/public_key are kept,
 * and when keys_at_top, the array under "keys" is read as the key list. */
static hoshi_err object(reader *r, int depth, key_seen *seen, bool keys_at_top, bool *had_keys)
{
    r->p++;
    blanks(r);
    if (r->p < r->end && *r->p == '}') {
        r->p++;
        return HOSHI_OK;
    }
    for (;;) {
        char name[STR_KEEP];
        bool kept;
        hoshi_err err = string(r, name, &kept);
        if (err != HOSHI_OK)
            return err;
        blanks(r);
        if (r->p >= r->end || *r->p != ':')
            return bad(r, "':' was expected");
        r->p++;
        blanks(r);
        char *dst = NULL;
        bool *has = NULL;
        if (seen != NULL && kept) {
            if (strcmp(name, "id") == 0)
                dst = seen->id, has = &seen->has_id;
            else if (strcmp(name, "algorithm") == 0)
                dst = seen->alg, has = &seen->has_alg;
            else if (strcmp(name, "public_key") == 0)
                dst = seen->pk, has = &seen->has_pk;
        }
        if (dst != NULL) {
            bool ok;
            if (*has)
                return bad(r, "a member given twice");
            if ((err = string(r, dst, &ok)) != HOSHI_OK)
                return err;
            *has = true;
        } else if (keys_at_top && kept && strcmp(name, "keys") == 0) {
            if (*had_keys)
                return bad(r, "\"keys\" given twice");
            *had_keys = true;
            if (r->p >= r->end || *r->p != '[')
                return bad(r, "\"keys\" must be an array");
            r->p++;
            blanks(r);
            if (r->p < r->end && *r->p == ']')
                r->p++;
            else
                for (;;) {
                    key_seen ks;
                    memset(&ks, 0, sizeof ks);
                    if (r->p >= r->end || *r->p != '{')
                        return bad(r, "each key must be an object");
                    if ((err = object(r, depth + 1, &ks, false, NULL)) != HOSHI_OK)
                        return err;
                    if (!ks.has_id || !ks.has_alg || !ks.has_pk)
                        return bad(r, "a key needs id, algorithm and public_key");
                    if (strcmp(ks.alg, "Ed25519") != 0)
                        return bad(r, "a key's algorithm is not Ed25519");
                    if (r->k->n == HOSHI_SIGN_KEYS_MAX)
                        return hi_fail(HOSHI_ERR_LIMIT, "keys JSON: more than %d keys", HOSHI_SIGN_KEYS_MAX);
                    hi_sign_key *key = &r->k->keys[r->k->n];
                    size_t got = 0;
                    const char *stop = NULL;
                    if (strspn(ks.pk, B64URL) != strlen(ks.pk) ||
                        sodium_base642bin(key->pk, sizeof key->pk, ks.pk, strlen(ks.pk), NULL, &got, &stop,
                                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
                        got != sizeof key->pk || *stop != '\0')
                        return bad(r, "a public_key is not 32 bytes of base64url");
                    hi_sign_key_id(key->pk, key->id);
                    if (strcmp(key->id, ks.id) != 0)
                        return bad(r, "a key's id is not the id of its public key");
                    if (hi_sign_find(r->k, key->id) != NULL)
                        return bad(r, "a key is given twice");
                    r->k->n++;
                    blanks(r);
                    if (r->p < r->end && *r->p == ',') {
                        r->p++;
                        blanks(r);
                        continue;
                    }
                    if (r->p < r->end && *r->p == ']') {
                        r->p++;
                        break;
                    }
                    return bad(r, "',' or ']' was expected");
                }
        } else if ((err = value(r, depth + 1)) != HOSHI_OK) {
            return err;
        }
        blanks(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            blanks(r);
            continue;
        }
        if (r->p < r->end && *r->p == '}') {
            r->p++;
            return HOSHI_OK;
        }
        return bad(r, "',' or '}' was expected");
    }
}

static hoshi_err value(reader *r, int depth)
{
    if (depth > DEPTH_MAX)
        return bad(r, "nested too deeply");
    if (r->p >= r->end)
        return bad(r, "a value was expected");
    char keep[STR_KEEP];
    bool kept;
    switch (*r->p) {
    case '{': return object(r, depth, NULL, false, NULL);
    case '"': return string(r, keep, &kept);
    case 't': return word(r, "true");
    case 'f': return word(r, "false");
    case 'n': return word(r, "null");
    case '[':
        r->p++;
        blanks(r);
        if (r->p < r->end && *r->p == ']') {
            r->p++;
            return HOSHI_OK;
        }
        for (;;) {
            hoshi_err err = value(r, depth + 1);
            if (err != HOSHI_OK)
                return err;
            blanks(r);
            if (r->p < r->end && *r->p == ',') {
                r->p++;
                blanks(r);
                continue;
            }
            if (r->p < r->end && *r->p == ']') {
                r->p++;
                return HOSHI_OK;
            }
            return bad(r, "',' or ']' was expected");
        }
    default: return number(r);
    }
}

hoshi_err hoshi_keyring_from_json(const char *json, size_t len, hoshi_keyring **out)
{
    hi_clear_error();
    *out = NULL;
    hoshi_err err = hi_sign_init();
    if (err != HOSHI_OK)
        return err;
    reader r = {json, json + len, json, hi_calloc(1, sizeof(hoshi_keyring))};
    if (r.k == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading the keys JSON");
    bool had_keys = false;
    blanks(&r);
    if (r.p >= r.end || *r.p != '{')
        err = bad(&r, "an object {\"keys\":[…]} was expected");
    else if ((err = object(&r, 0, NULL, true, &had_keys)) == HOSHI_OK) {
        blanks(&r);
        if (r.p != r.end)
            err = bad(&r, "text after the object");
        else if (!had_keys)
            err = hi_fail(HOSHI_ERR_INPUT, "keys JSON: no \"keys\" array");
    }
    if (err != HOSHI_OK) {
        hoshi_keyring_free(r.k);
        return err;
    }
    *out = r.k;
    return HOSHI_OK;
}
