/*
 * page_signed.c — signed declarations on the web (issue 11, part 5): the
 * token of a declaration (the JSON API's "signed" field and the link in
 * its QR code) and GET /api/v1/keys, the public keys that verify tokens
 * offline (hoshi verify).  Tokens are made on each request from the
 * declaration as it stands: Ed25519 is deterministic, so the same facts
 * give the same token, and a withdrawal gives a new one.
 *
 * The key file is watched: `hoshi keys rotate` (another process) replaces
 * it, and the next request that needs the keys finds the file changed
 * (stat: device, inode, size, modification time) and loads it, so the
 * new key signs without a restart.  A keyring once in use is kept until
 * the server stops, as a thread may still be signing with it; rotations
 * are rare, so that costs little.
 */
#include "server.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Rotations kept before further changes are refused (and logged): far
 * past any real use, it caps what a file changing in a loop can hold. */
#define KEYS_LOADS_MAX 1000

struct srv_keys {
    pthread_mutex_t lock;         /* serialises reloads; readers never wait */
    char *path;
    _Atomic(hoshi_keyring *) now; /* signs from now on */
    atomic_llong version;         /* loads so far: part of the cache's generation */
    atomic_ullong seen;           /* fingerprint of the file as last looked at (loaded or refused) */
    hoshi_keyring **all;          /* every keyring loaded, freed at the end */
    size_t n;
};

/* The file's identity as far as stat tells (FNV-1a of device, inode,
 * size and modification time), one word so every thread may compare it
 * without the lock.  Rotation writes a new file and renames it into
 * place, so the inode alone changes on every rotation. */
static unsigned long long fingerprint(const struct stat *st)
{
    const unsigned long long v[] = {(unsigned long long)st->st_dev, (unsigned long long)st->st_ino,
                                    (unsigned long long)st->st_size, (unsigned long long)st->st_mtim.tv_sec,
                                    (unsigned long long)st->st_mtim.tv_nsec};
    unsigned long long h = 1469598103934665603ULL;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        for (int b = 0; b < 64; b += 8) {
            h ^= (v[i] >> b) & 0xff;
            h *= 1099511628211ULL;
        }
    return h;
}

hoshi_err srv_keys_open(const char *path, srv_keys **out)
{
    *out = NULL;
    srv_keys *k = calloc(1, sizeof *k);
    if (k == NULL)
        return hoshi_error_set(HOSHI_ERR_NOMEM, "out of memory reading the key file");
    pthread_mutex_init(&k->lock, NULL);
    hoshi_keyring *first = NULL;
    hoshi_err err = HOSHI_OK;
    struct stat st;
    if ((k->path = strdup(path)) == NULL || (k->all = calloc(1, sizeof *k->all)) == NULL)
        err = hoshi_error_set(HOSHI_ERR_NOMEM, "out of memory reading the key file");
    if (err == HOSHI_OK)
        err = hoshi_keyring_open(path, true, &first);
    if (err == HOSHI_OK && stat(path, &st) != 0)
        err = hoshi_error_set(HOSHI_ERR_IO, "key file %s: %s", path, strerror(errno));
    if (err != HOSHI_OK) {
        hoshi_keyring_free(first);
        srv_keys_free(k);
        return err;
    }
    k->all[k->n++] = first;
    atomic_init(&k->now, first);
    atomic_init(&k->version, 0);
    atomic_init(&k->seen, fingerprint(&st));
    *out = k;
    return HOSHI_OK;
}

void srv_keys_free(srv_keys *k)
{
    if (k == NULL)
        return;
    for (size_t i = 0; i < k->n; i++)
        hoshi_keyring_free(k->all[i]);
    pthread_mutex_destroy(&k->lock);
    free(k->all);
    free(k->path);
    free(k);
}

/* Under k->lock: loads the changed file.  The old keys stay in force
 * when the new file cannot be read (logged once per change). */
static void reload(srv_req *r, srv_keys *k, unsigned long long print)
{
    atomic_store(&k->seen, print);
    hoshi_keyring *next = NULL;
    hoshi_keyring **grown = NULL;
    hoshi_err err = k->n >= KEYS_LOADS_MAX
                        ? hoshi_error_set(HOSHI_ERR_LIMIT, "key file loaded %d times; restart the server",
                                          KEYS_LOADS_MAX)
                        : hoshi_keyring_open(k->path, false, &next);
    if (err == HOSHI_OK && (grown = realloc(k->all, (k->n + 1) * sizeof *grown)) == NULL)
        err = hoshi_error_set(HOSHI_ERR_NOMEM, "out of memory reloading the key file");
    if (grown != NULL)
        k->all = grown;
    if (err == HOSHI_OK && hoshi_keyring_signer(next) == NULL)
        err = hoshi_error_set(HOSHI_ERR_INPUT, "the key file has no signing key");
    if (err != HOSHI_OK) {
        hoshi_keyring_free(next);
        srv_log(r, "error", "keys_reload_failed", "file", k->path, "detail", hoshi_error_detail(),
                (const char *)NULL);
        return;
    }
    k->all[k->n++] = next;
    atomic_store(&k->now, next);
    atomic_fetch_add(&k->version, 1);
    srv_log(r, "info", "keys_reloaded", "file", k->path, "signer", hoshi_keyring_signer(next),
            (const char *)NULL);
}

long long srv_keys_refresh(srv_req *r)
{
    srv_keys *k = r->s->keys;
    struct stat st;
    /* A file gone or unreadable for a moment keeps the keys in force. */
    if (stat(k->path, &st) == 0) {
        unsigned long long print = fingerprint(&st);
        if (print != atomic_load(&k->seen)) {
            pthread_mutex_lock(&k->lock);
            if (print != atomic_load(&k->seen))
                reload(r, k, print);
            pthread_mutex_unlock(&k->lock);
        }
    }
    return atomic_load(&k->version);
}

/* The keyring in force, the file looked at first. */
static const hoshi_keyring *keys_now(srv_req *r)
{
    srv_keys_refresh(r);
    return atomic_load(&r->s->keys->now);
}

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
        err = hoshi_sign_token(keys_now(r), &sd, &t);
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
    hoshi_keyring_json(keys_now(r), &p->body);
}
