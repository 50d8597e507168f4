/*
 * cache.c — a small cache of public responses (verification pages,
 * registry searches, the API, badges), so that a busy public page costs a
 * hash lookup and a copy instead of database queries.  Each entry records
 * the store's generation when it was made; any write to public data bumps
 * the generation and thereby retires every entry at once.
 */
#include "server.h"

#include <stdlib.h>
#include <string.h>

#define CACHE_SLOTS 4096
#define CACHE_KEY_MAX 512
#define CACHE_BODY_MAX (256 * 1024)

typedef struct entry {
    char key[CACHE_KEY_MAX];
    long long gen;
    int status;
    const char *ctype;            /* static strings only */
    char *body;
    size_t len;
} entry;

struct srv_cache {
    pthread_mutex_t lock[64];     /* striped: one lock per 64 slots */
    entry slot[CACHE_SLOTS];
};

hoshi_err cache_new(srv_cache **out)
{
    *out = calloc(1, sizeof **out);
    if (*out == NULL)
        return HOSHI_ERR_NOMEM;
    for (int i = 0; i < 64; i++)
        pthread_mutex_init(&(*out)->lock[i], NULL);
    return HOSHI_OK;
}

void cache_free(srv_cache *c)
{
    if (c == NULL)
        return;
    for (int i = 0; i < CACHE_SLOTS; i++)
        free(c->slot[i].body);
    for (int i = 0; i < 64; i++)
        pthread_mutex_destroy(&c->lock[i]);
    free(c);
}

static size_t slot_of(const char *key)
{
    unsigned long long h = 1469598103934665603ULL; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    return (size_t)(h % CACHE_SLOTS);
}

bool cache_get(srv_cache *c, const char *key, long long gen, srv_resp *p)
{
    if (strlen(key) >= CACHE_KEY_MAX)
        return false;
    size_t i = slot_of(key);
    pthread_mutex_t *lk = &c->lock[i % 64];
    bool hit = false;
    pthread_mutex_lock(lk);
    entry *e = &c->slot[i];
    if (e->body != NULL && e->gen == gen && strcmp(e->key, key) == 0) {
        hi_buf_append(&p->body, e->body, e->len);
        p->status = e->status;
        p->ctype = e->ctype;
        p->cacheable = true;
        hit = true;
    }
    pthread_mutex_unlock(lk);
    return hit;
}

void cache_put(srv_cache *c, const char *key, long long gen, const srv_resp *p)
{
    if (strlen(key) >= CACHE_KEY_MAX || p->body.err != HOSHI_OK || p->body.len > CACHE_BODY_MAX ||
        p->n_cookies > 0 || p->location[0])
        return;
    char *copy = malloc(p->body.len + 1);
    if (copy == NULL)
        return;
    memcpy(copy, p->body.data ? p->body.data : "", p->body.len);
    copy[p->body.len] = '\0';
    size_t i = slot_of(key);
    pthread_mutex_t *lk = &c->lock[i % 64];
    pthread_mutex_lock(lk);
    entry *e = &c->slot[i];
    free(e->body);
    memcpy(e->key, key, strlen(key) + 1);
    e->gen = gen;
    e->status = p->status;
    e->ctype = p->ctype;
    e->body = copy;
    e->len = p->body.len;
    pthread_mutex_unlock(lk);
}
