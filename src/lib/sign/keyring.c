/*
 * keyring.c — the server's signing keys in their key file: loading,
 * generating the first key, rotation, and the public halves as JSON (the
 * body of GET /api/v1/keys).  The file holds secrets: it is written whole
 * (temporary file + rename) with mode 0600 and its content is never put in
 * an error message.  Format (docs/web.md, "Signed declarations"): lines
 * "ID ed25519 CREATED RETIRED PUBLIC SEED", RETIRED "-" while the key
 * signs, PUBLIC and SEED base64url without padding; '#' starts a comment.
 */
#include "sign/sign_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hoshi/datafile.h"
#include "internal.h"

enum { KEYFILE_MAX = 64 * 1024 };

hoshi_err hi_sign_init(void)
{
    if (sodium_init() < 0)
        return hi_fail(HOSHI_ERR_INTERNAL, "libsodium failed to initialise");
    return HOSHI_OK;
}

void hi_sign_key_id(const unsigned char pk[crypto_sign_PUBLICKEYBYTES], char id[HOSHI_SIGN_KEY_ID_LEN + 1])
{
    unsigned char h[crypto_generichash_BYTES_MIN];
    crypto_generichash(h, sizeof h, pk, crypto_sign_PUBLICKEYBYTES, NULL, 0);
    sodium_bin2hex(id, HOSHI_SIGN_KEY_ID_LEN + 1, h, HOSHI_SIGN_KEY_ID_LEN / 2);
}

const hi_sign_key *hi_sign_find(const hoshi_keyring *k, const char *id)
{
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->keys[i].id, id) == 0)
            return &k->keys[i];
    return NULL;
}

void hoshi_keyring_free(hoshi_keyring *k)
{
    if (k == NULL)
        return;
    sodium_memzero(k, sizeof *k);
    free(k);
}

const char *hoshi_keyring_signer(const hoshi_keyring *k)
{
    for (size_t i = k->n; i-- > 0;)
        if (k->keys[i].secret && k->keys[i].retired[0] == '\0')
            return k->keys[i].id;
    return NULL;
}

/* A time as written in the file: YYYY-MM-DDTHH:MM:SSZ, digits checked. */
static bool time_ok(const char *s)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
    if (strlen(s) != HOSHI_SIGN_TIME_LEN)
        return false;
    for (size_t i = 0; i < HOSHI_SIGN_TIME_LEN; i++)
        if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
            return false;
    return true;
}

static void now_utc(char out[HOSHI_SIGN_TIME_LEN + 1])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, HOSHI_SIGN_TIME_LEN + 1, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static bool b64_exact(const char *s, unsigned char *out, size_t n)
{
    size_t got = 0;
    const char *end = NULL;
    return strspn(s, B64URL) == strlen(s) &&
           sodium_base642bin(out, n, s, strlen(s), NULL, &got, &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
           got == n && *end == '\0';
}

/* One line "ID ed25519 CREATED RETIRED PUBLIC SEED" into key. */
static hoshi_err parse_line(const char *path, int lineno, char *line, hi_sign_key *key)
{
    char *f[7];
    size_t n = 0;
    for (char *p = line; n < 7;) {
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        f[n++] = p;
        p += strcspn(p, " ");
        if (*p != '\0')
            *p++ = '\0';
    }
    unsigned char seed[crypto_sign_SEEDBYTES];
    if (n != 6 || strlen(f[0]) != HOSHI_SIGN_KEY_ID_LEN || strcmp(f[1], "ed25519") != 0 || !time_ok(f[2]) ||
        (strcmp(f[3], "-") != 0 && !time_ok(f[3])) || !b64_exact(f[4], key->pk, sizeof key->pk) ||
        !b64_exact(f[5], seed, sizeof seed))
        return hi_fail(HOSHI_ERR_INPUT, "%s:%d: not a key line (ID ed25519 CREATED RETIRED PUBLIC SEED)", path,
                       lineno);
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    crypto_sign_seed_keypair(pk, key->sk, seed);
    sodium_memzero(seed, sizeof seed);
    hi_sign_key_id(pk, key->id);
    if (memcmp(pk, key->pk, sizeof pk) != 0 || strcmp(key->id, f[0]) != 0)
        return hi_fail(HOSHI_ERR_INPUT, "%s:%d: the key does not match its id %s", path, lineno, f[0]);
    memcpy(key->created, f[2], HOSHI_SIGN_TIME_LEN + 1);
    if (strcmp(f[3], "-") != 0)
        memcpy(key->retired, f[3], HOSHI_SIGN_TIME_LEN + 1);
    key->secret = true;
    return HOSHI_OK;
}

static hoshi_err parse_file(const char *path, char *text, hoshi_keyring *k)
{
    int lineno = 0;
    for (char *line = text; line != NULL;) {
        char *nl = strchr(line, '\n');
        if (nl != NULL)
            *nl = '\0';
        lineno++;
        if (line[0] != '\0' && line[0] != '#') {
            if (k->n == HOSHI_SIGN_KEYS_MAX)
                return hi_fail(HOSHI_ERR_LIMIT, "%s:%d: more than %d keys", path, lineno, HOSHI_SIGN_KEYS_MAX);
            hoshi_err err = parse_line(path, lineno, line, &k->keys[k->n]);
            if (err != HOSHI_OK)
                return err;
            if (hi_sign_find(k, k->keys[k->n].id) != NULL)
                return hi_fail(HOSHI_ERR_INPUT, "%s:%d: key %s is there twice", path, lineno, k->keys[k->n].id);
            k->n++;
        }
        line = nl != NULL ? nl + 1 : NULL;
    }
    return HOSHI_OK;
}

static hoshi_err add_key(hoshi_keyring *k)
{
    if (k->n == HOSHI_SIGN_KEYS_MAX)
        return hi_fail(HOSHI_ERR_LIMIT, "a key file holds at most %d keys", HOSHI_SIGN_KEYS_MAX);
    hi_sign_key *key = &k->keys[k->n];
    memset(key, 0, sizeof *key);
    crypto_sign_keypair(key->pk, key->sk);
    hi_sign_key_id(key->pk, key->id);
    now_utc(key->created);
    key->secret = true;
    k->n++;
    return HOSHI_OK;
}

/* Writes every key of k to path, mode 0600, whole or not at all. */
static hoshi_err save(const char *path, const hoshi_keyring *k)
{
    hoshi_buf b = HOSHI_BUF_INIT;
    hoshi_buf_puts(&b, "# hoshi signing keys (secret: mode 0600, never share; docs/web.md)\n"
                       "# ID ed25519 CREATED RETIRED PUBLIC SEED\n");
    for (size_t i = 0; i < k->n; i++) {
        const hi_sign_key *key = &k->keys[i];
        char pk[sodium_base64_ENCODED_LEN(crypto_sign_PUBLICKEYBYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
        char seed[sodium_base64_ENCODED_LEN(crypto_sign_SEEDBYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
        sodium_bin2base64(pk, sizeof pk, key->pk, sizeof key->pk, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        /* libsodium's secret key is the seed followed by the public key. */
        sodium_bin2base64(seed, sizeof seed, key->sk, crypto_sign_SEEDBYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        hoshi_buf_printf(&b, "%s ed25519 %s %s %s %s\n", key->id, key->created, key->retired[0] ? key->retired : "-",
                         pk, seed);
        sodium_memzero(seed, sizeof seed);
    }
    hoshi_err err = b.err;
    char *tmp = NULL;
    int fd = -1;
    if (err != HOSHI_OK) {
        err = hi_fail(err, "out of memory writing %s", path);
        goto wipe;
    }
    if ((err = hi_file_create_temp(path, &tmp, &fd)) != HOSHI_OK)
        goto wipe;
    size_t off = 0;
    if (fchmod(fd, 0600) != 0)
        err = hi_fail(HOSHI_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    while (err == HOSHI_OK && off < b.len) {
        ssize_t w = write(fd, b.data + off, b.len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            err = hi_fail(HOSHI_ERR_IO, "cannot write %s: %s", path, strerror(errno));
        else
            off += (size_t)w;
    }
    if (err == HOSHI_OK && fsync(fd) != 0)
        err = hi_fail(HOSHI_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    if (close(fd) != 0 && err == HOSHI_OK)
        err = hi_fail(HOSHI_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    err = hi_file_commit(tmp, path, err);
    free(tmp);
wipe:
    if (b.data != NULL)
        sodium_memzero(b.data, b.len);
    hoshi_buf_free(&b);
    return err;
}

/* Reads path into a new keyring; *missing tells a file that is not there. */
static hoshi_err load(const char *path, hoshi_keyring **out, bool *missing)
{
    *out = NULL;
    *missing = false;
    hoshi_err err = hi_sign_init();
    if (err != HOSHI_OK)
        return err;
    hoshi_keyring *k = hi_calloc(1, sizeof *k);
    if (k == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", path);
    char *text = NULL;
    size_t len = 0;
    if (access(path, F_OK) != 0 && errno == ENOENT) {
        *missing = true;
        *out = k;
        return HOSHI_OK;
    }
    if ((err = hoshi_file_read(path, KEYFILE_MAX, &text, &len)) == HOSHI_OK) {
        if (memchr(text, '\0', len) != NULL)
            err = hi_fail(HOSHI_ERR_INPUT, "%s: not a key file (a NUL byte)", path);
        else
            err = parse_file(path, text, k);
        sodium_memzero(text, len);
        free(text);
    }
    if (err != HOSHI_OK) {
        hoshi_keyring_free(k);
        return err;
    }
    *out = k;
    return HOSHI_OK;
}

hoshi_err hoshi_keyring_open(const char *path, bool create, hoshi_keyring **out)
{
    hi_clear_error();
    hoshi_keyring *k = NULL;
    bool missing;
    *out = NULL;
    hoshi_err err = load(path, &k, &missing);
    if (err != HOSHI_OK)
        return err;
    if (missing && !create)
        err = hi_fail(HOSHI_ERR_NOTFOUND, "%s: no key file", path);
    else if (missing && (err = add_key(k)) == HOSHI_OK)
        err = save(path, k);
    else if (!missing && hoshi_keyring_signer(k) == NULL)
        err = hi_fail(HOSHI_ERR_INPUT, "%s: every key is retired (hoshi keys rotate adds one)", path);
    if (err != HOSHI_OK) {
        hoshi_keyring_free(k);
        return err;
    }
    *out = k;
    return HOSHI_OK;
}

hoshi_err hoshi_keyring_rotate(const char *path, char new_id[HOSHI_SIGN_KEY_ID_LEN + 1])
{
    hi_clear_error();
    hoshi_keyring *k = NULL;
    bool missing;
    hoshi_err err = load(path, &k, &missing);
    if (err != HOSHI_OK)
        return err;
    char now[HOSHI_SIGN_TIME_LEN + 1];
    now_utc(now);
    for (size_t i = 0; i < k->n; i++)
        if (k->keys[i].retired[0] == '\0')
            memcpy(k->keys[i].retired, now, sizeof now);
    if ((err = add_key(k)) == HOSHI_OK && (err = save(path, k)) == HOSHI_OK && new_id != NULL)
        memcpy(new_id, k->keys[k->n - 1].id, HOSHI_SIGN_KEY_ID_LEN + 1);
    hoshi_keyring_free(k);
    return err;
}

void hoshi_keyring_json(const hoshi_keyring *k, hoshi_buf *b)
{
    hoshi_buf_puts(b, "{\"keys\":[");
    for (size_t i = 0; i < k->n; i++) {
        const hi_sign_key *key = &k->keys[i];
        char pk[sodium_base64_ENCODED_LEN(crypto_sign_PUBLICKEYBYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
        sodium_bin2base64(pk, sizeof pk, key->pk, sizeof key->pk, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        hoshi_buf_printf(b, "%s{\"id\":\"%s\",\"algorithm\":\"Ed25519\",\"public_key\":\"%s\",\"created\":", i ? "," : "",
                         key->id, pk);
        if (key->created[0])
            hoshi_buf_printf(b, "\"%s\"", key->created);
        else
            hoshi_buf_puts(b, "null");
        hoshi_buf_puts(b, ",\"retired\":");
        if (key->retired[0])
            hoshi_buf_printf(b, "\"%s\"", key->retired);
        else
            hoshi_buf_puts(b, "null");
        hoshi_buf_puts(b, "}");
    }
    hoshi_buf_puts(b, "]}\n");
}
