/*
 * cache.c — a small cache of public responses (verification pages,
 * registry searches, the API, badges), so that a busy public page costs a
 * hash lookup and a copy instead of database queries.  Each entry records
 * the generation when it was made; any write to public data bumps the
 * generation and thereby retires every entry at once.  The generation is
 * the store's, which counts writes of other processes too (hoshi nta
 * import while the server runs), plus the loads of the signing keys
 * (hoshi keys rotate), so neither leaves stale pages behind.
 */
#include "server.h"

#include <stdlib.h>
#include <string.h>

#define CACHE_SETS 4096
#define CACHE_WAYS 4              /* a key may live in any of its set's 4 slots */
#define CACHE_LOCKS 64            /* striped: sets share a lock by set % 64 */
#define CACHE_KEY_MAX 512
#define CACHE_BODY_MAX (256 * 1024)
#define CACHE_TOTAL_MAX ((size_t)128 << 20) /* bytes of bodies in all */

typedef struct entry {
    char key[CACHE_KEY_MAX];
    long long gen;
    unsigned long long used;      /* tick of the last hit, for eviction */
    int status;
    const char *ctype;            /* static strings only */
    const char *csp;              /* static strings only, or NULL */
    bool embeddable;
    char *body;
    size_t len;
} entry;

struct srv_cache {
    pthread_mutex_t lock[CACHE_LOCKS];
    unsigned long long tick[CACHE_LOCKS];
    size_t total[CACHE_LOCKS];    /* bytes held by the sets of each lock */
    entry slot[CACHE_SETS][CACHE_WAYS];
};

hoshi_err srv_cache_new(srv_cache **out)
{
    *out = calloc(1, sizeof **out);
    if (*out == NULL)
        return HOSHI_ERR_NOMEM;
    for (int i = 0; i < CACHE_LOCKS; i++)
        pthread_mutex_init(&(*out)->lock[i], NULL);
    return HOSHI_OK;
}

void srv_cache_free(srv_cache *c)
{
    if (c == NULL)
        return;
    for (int i = 0; i < CACHE_SETS; i++)
        for (int w = 0; w < CACHE_WAYS; w++)
            free(c->slot[i][w].body);
    for (int i = 0; i < CACHE_LOCKS; i++)
        pthread_mutex_destroy(&c->lock[i]);
    free(c);
}

long long srv_cache_generation(srv_req *r)
{
    long long gen = 0;
    /* On a failure the store gives a number never given before: a miss. */
    hoshi_store_generation(r->s->store, &gen);
    return gen + srv_keys_refresh(r);
}

static size_t set_of(const char *key)
{
    unsigned long long h = 1469598103934665603ULL; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    return (size_t)(h % CACHE_SETS);
}

bool srv_cache_get(srv_cache *c, const char *key, long long gen, srv_resp *p)
{
    if (strlen(key) >= CACHE_KEY_MAX)
        return false;
    size_t set = set_of(key), l = set % CACHE_LOCKS;
    bool hit = false;
    pthread_mutex_lock(&c->lock[l]);
    for (int w = 0; w < CACHE_WAYS; w++) {
        entry *e = &c->slot[set][w];
        if (e->body != NULL && e->gen == gen && strcmp(e->key, key) == 0) {
            hoshi_buf_append(&p->body, e->body, e->len);
            p->status = e->status;
            p->ctype = e->ctype;
            p->csp = e->csp;
            p->embeddable = e->embeddable;
            p->cacheable = true;
            e->used = ++c->tick[l];
            hit = true;
            break;
        }
    }
    pthread_mutex_unlock(&c->lock[l]);
    return hit;
}

void srv_cache_put(srv_cache *c, const char *key, long long gen, const srv_resp *p)
{
    if (strlen(key) >= CACHE_KEY_MAX || p->body.err != HOSHI_OK || p->body.len > CACHE_BODY_MAX ||
        p->n_cookies > 0 || p->location[0])
        return;
    char *copy = malloc(p->body.len + 1);
    if (copy == NULL)
        return;
    memcpy(copy, p->body.data ? p->body.data : "", p->body.len);
    copy[p->body.len] = '\0';
    size_t set = set_of(key), l = set % CACHE_LOCKS;
    pthread_mutex_lock(&c->lock[l]);
    /* The slot of the same key, else a stale one, else the least used. */
    entry *victim = NULL;
    for (int w = 0; w < CACHE_WAYS && victim == NULL; w++)
        if (strcmp(c->slot[set][w].key, key) == 0)
            victim = &c->slot[set][w];
    for (int w = 0; w < CACHE_WAYS && victim == NULL; w++)
        if (c->slot[set][w].body == NULL || c->slot[set][w].gen != gen)
            victim = &c->slot[set][w];
    for (int w = 0; w < CACHE_WAYS; w++)
        if (victim == NULL || c->slot[set][w].used < victim->used)
            victim = &c->slot[set][w];
    size_t after = c->total[l] - victim->len + p->body.len;
    if (after > CACHE_TOTAL_MAX / CACHE_LOCKS) {
        pthread_mutex_unlock(&c->lock[l]);
        free(copy);
        return;
    }
    free(victim->body);
    memcpy(victim->key, key, strlen(key) + 1);
    victim->gen = gen;
    victim->used = ++c->tick[l];
    victim->status = p->status;
    victim->ctype = p->ctype;
    victim->csp = p->csp;
    victim->embeddable = p->embeddable;
    victim->body = copy;
    victim->len = p->body.len;
    c->total[l] = after;
    pthread_mutex_unlock(&c->lock[l]);
}
