/*
 * throttle.c — how often log-ins and sign-ups may be tried (issue 7,
 * findings 2, 3 and 5).
 *
 * Every counter lives in one growable hash table under one lock, keyed by
 * a 16-byte BLAKE2b MAC with a key made at start: nobody can compute where
 * a counter sits, and since the table grows instead of reusing slots,
 * nobody can push a counter out by filling the table.  Entries leave only
 * when they have been quiet for an hour.  Counters for things an attacker
 * can mint freely (client addresses, e-mail addresses that are not
 * registered) are capped; past the cap new addresses share one counter
 * and new unknown e-mails are not counted, while counters of real
 * accounts and devices are never refused.
 *
 * A log-in attempt is counted as a failure the moment it is allowed,
 * before the slow password check, so parallel attempts see each other;
 * a success takes its own count back (address) or clears the counter
 * (account, device).  Past a few free failures each further attempt must
 * wait 2, 4, 8 ... seconds (at most 15 minutes) after the last one: a
 * delay that grows, never a lock-out the right password cannot pass.
 */
#include "server.h"

#include <arpa/inet.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FREE_ADDRESS 20      /* failed log-ins per client address before delays */
#define FREE_ACCOUNT 5       /* per account, from devices it has not vouched for */
#define FREE_DEVICE 5        /* per device cookie */
#define DELAY_MAX 900000LL  /* ms: the longest wait between attempts (15 minutes) */
#define QUIET 3600000LL      /* ms without a counted event before an entry goes */
#define SIGNUP_WINDOW 3600000LL /* ms: sign-ups are counted per address per hour */
#define BOUNDED_MAX (1 << 18) /* entries for addresses and unknown e-mails */
#define BUCKETS_MIN 64

typedef struct entry {
    unsigned char key[THROTTLE_KEY];
    int n;                   /* counted failures, or sign-ups in the window */
    long long last;          /* ms: last counted failure, or start of the sign-up window */
    bool bounded;            /* counts against BOUNDED_MAX */
    struct entry *next;
} entry;

struct srv_throttle {
    pthread_mutex_t lock;
    unsigned char mac_key[crypto_generichash_KEYBYTES];
    entry **bucket;
    size_t n_bucket, n_entry, n_bounded;
    long long next_sweep;
    int signup_limit;
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whole seconds for Retry-After, rounded up. */
static long seconds(long long ms)
{
    return ms > 0 ? (long)((ms + 999) / 1000) : 0;
}

hoshi_err srv_throttle_new(int signup_limit, srv_throttle **out)
{
    srv_throttle *t = calloc(1, sizeof *t);
    if (t == NULL)
        return HOSHI_ERR_NOMEM;
    t->bucket = calloc(BUCKETS_MIN, sizeof *t->bucket);
    if (t->bucket == NULL) {
        free(t);
        return HOSHI_ERR_NOMEM;
    }
    t->n_bucket = BUCKETS_MIN;
    t->signup_limit = signup_limit;
    randombytes_buf(t->mac_key, sizeof t->mac_key);
    t->next_sweep = now_ms() + 60000;
    pthread_mutex_init(&t->lock, NULL);
    *out = t;
    return HOSHI_OK;
}

void srv_throttle_free(srv_throttle *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->n_bucket; i++) {
        entry *e = t->bucket[i];
        while (e != NULL) {
            entry *next = e->next;
            free(e);
            e = next;
        }
    }
    free(t->bucket);
    sodium_memzero(t->mac_key, sizeof t->mac_key);
    pthread_mutex_destroy(&t->lock);
    free(t);
}

/* The keyed digest of tag and text: the table key, and the account
 * digest the log shows instead of an e-mail address. */
static void mac(const srv_throttle *t, const char *tag, const void *data, size_t len,
                unsigned char out[THROTTLE_KEY])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, t->mac_key, sizeof t->mac_key, THROTTLE_KEY);
    crypto_generichash_update(&st, (const unsigned char *)tag, strlen(tag) + 1);
    crypto_generichash_update(&st, data, len);
    crypto_generichash_final(&st, out, THROTTLE_KEY);
}

void srv_throttle_digest(const srv_throttle *t, const char *email, char out[2 * THROTTLE_KEY + 1])
{
    unsigned char k[THROTTLE_KEY];
    mac(t, "log", email, strlen(email), k);
    sodium_bin2hex(out, 2 * THROTTLE_KEY + 1, k, sizeof k);
}

/* A client address as counted: IPv4 whole, IPv6 by its /64, which one
 * subscriber usually holds in full. */
static void address_key(const srv_throttle *t, const char *tag, const char *ip,
                        unsigned char out[THROTTLE_KEY])
{
    unsigned char a6[16];
    if (strchr(ip, ':') != NULL && inet_pton(AF_INET6, ip, a6) == 1) {
        memset(a6 + 8, 0, 8);
        mac(t, tag, a6, 8, out);
        return;
    }
    mac(t, tag, ip, strlen(ip), out);
}

static size_t slot(const srv_throttle *t, const unsigned char *key)
{
    size_t h;
    memcpy(&h, key, sizeof h);   /* the key is a MAC: its bytes are already uniform */
    return h & (t->n_bucket - 1);
}

static entry *lookup(srv_throttle *t, const unsigned char *key)
{
    for (entry *e = t->bucket[slot(t, key)]; e != NULL; e = e->next)
        if (memcmp(e->key, key, THROTTLE_KEY) == 0)
            return e;
    return NULL;
}

/* Doubles the table; on allocation failure the table stays as it is
 * (only longer chains). */
static void grow(srv_throttle *t)
{
    size_t n = t->n_bucket * 2;
    entry **b = calloc(n, sizeof *b);
    if (b == NULL)
        return;
    for (size_t i = 0; i < t->n_bucket; i++) {
        entry *e = t->bucket[i];
        while (e != NULL) {
            entry *next = e->next;
            size_t h;
            memcpy(&h, e->key, sizeof h);
            e->next = b[h & (n - 1)];
            b[h & (n - 1)] = e;
            e = next;
        }
    }
    free(t->bucket);
    t->bucket = b;
    t->n_bucket = n;
}

/* The entry of key, created when missing; NULL when it is missing and
 * may not be made (a bounded entry past the cap, or out of memory). */
static entry *get(srv_throttle *t, const unsigned char *key, bool bounded)
{
    entry *e = lookup(t, key);
    if (e != NULL)
        return e;
    if (bounded && t->n_bounded >= BOUNDED_MAX)
        return NULL;
    e = calloc(1, sizeof *e);
    if (e == NULL)
        return NULL;
    memcpy(e->key, key, THROTTLE_KEY);
    e->bounded = bounded;
    size_t i = slot(t, key);
    e->next = t->bucket[i];
    t->bucket[i] = e;
    t->n_entry++;
    t->n_bounded += bounded;
    if (t->n_entry > t->n_bucket)
        grow(t);
    return e;
}

/* Drops entries that have been quiet for an hour, at most once a minute. */
static void sweep(srv_throttle *t, long long now)
{
    if (now < t->next_sweep)
        return;
    t->next_sweep = now + 60000;
    for (size_t i = 0; i < t->n_bucket; i++) {
        entry **pp = &t->bucket[i];
        while (*pp != NULL) {
            entry *e = *pp;
            if (now - e->last >= QUIET) {
                *pp = e->next;
                t->n_entry--;
                t->n_bounded -= e->bounded;
                free(e);
            } else {
                pp = &e->next;
            }
        }
    }
}

/* Milliseconds that must pass after the last failure before the next
 * attempt, once n failures are counted: 2 s, 4 s, 8 s ... */
static long long delay(int n, int free_tries)
{
    if (n < free_tries)
        return 0;
    int k = n - free_tries + 1;
    if (k >= 10)
        return DELAY_MAX;
    return (1000LL << k) < DELAY_MAX ? (1000LL << k) : DELAY_MAX;
}

/* Milliseconds to wait before e allows another attempt (0: allowed now). */
static long long wait_for(const entry *e, int free_tries, long long now)
{
    if (e == NULL || e->n == 0)
        return 0;
    long long ready = e->last + delay(e->n, free_tries);
    return ready > now ? ready - now : 0;
}

static void count(entry *e, srv_throttle_ticket *tk, int role, long long now)
{
    int i = tk->n++;
    memcpy(tk->key[i], e->key, THROTTLE_KEY);
    tk->role[i] = role;
    tk->prev_last[i] = e->last;
    tk->at = now;
    e->n++;
    e->last = now;
}

long srv_throttle_login(srv_throttle *t, const char *ip, long long user_id, const char *email,
                        const unsigned char *device, srv_throttle_ticket *tk, const char **scope)
{
    unsigned char kaddr[THROTTLE_KEY], kacct[THROTTLE_KEY], kdev[THROTTLE_KEY];
    memset(tk, 0, sizeof *tk);
    if (device != NULL)
        mac(t, "device", device, THROTTLE_KEY, kdev);
    address_key(t, "login-address", ip, kaddr);
    if (user_id > 0)
        mac(t, "account", &user_id, sizeof user_id, kacct);
    else
        mac(t, "email", email, strlen(email), kacct);
    long long now = now_ms();
    pthread_mutex_lock(&t->lock);
    sweep(t, now);
    long long wait = 0;
    if (device != NULL) {
        /* A device the account vouched for: only its own counter applies,
         * so an attacker elsewhere cannot keep the owner out. */
        entry *d = get(t, kdev, false);
        wait = wait_for(d, FREE_DEVICE, now);
        *scope = "device";
        if (wait == 0 && d != NULL)
            count(d, tk, THROTTLE_DEVICE, now);
        goto unlock;
    }
    entry *a = get(t, kaddr, true);
    if (a == NULL) {
        /* The table is full of addresses: newcomers share one counter. */
        address_key(t, "login-address", "overflow", kaddr);
        a = get(t, kaddr, false);
    }
    entry *u = get(t, kacct, user_id <= 0);
    long long wa = wait_for(a, FREE_ADDRESS, now), wu = wait_for(u, FREE_ACCOUNT, now);
    wait = wa > wu ? wa : wu;
    *scope = wa >= wu ? "address" : "account";
    if (wait == 0) {
        if (a != NULL)
            count(a, tk, THROTTLE_ADDRESS, now);
        if (u != NULL)
            count(u, tk, THROTTLE_ACCOUNT, now);
    }
unlock:
    pthread_mutex_unlock(&t->lock);
    return seconds(wait);
}

/* Takes back or clears what ticket counted.  undo: the attempt never ran. */
static void settle(srv_throttle *t, const srv_throttle_ticket *tk, bool undo)
{
    pthread_mutex_lock(&t->lock);
    for (int i = 0; i < tk->n; i++) {
        entry *e = lookup(t, tk->key[i]);
        if (e == NULL || e->n == 0)
            continue;
        if (undo || tk->role[i] == THROTTLE_ADDRESS || tk->role[i] == THROTTLE_SIGNUP) {
            /* Only this attempt is taken back: failures of other accounts
             * from the same address stay counted. */
            e->n--;
            if (e->last == tk->at)
                e->last = tk->prev_last[i];
        } else {
            e->n = 0;
        }
    }
    pthread_mutex_unlock(&t->lock);
}

void srv_throttle_login_ok(srv_throttle *t, const srv_throttle_ticket *tk)
{
    settle(t, tk, false);
}

void srv_throttle_undo(srv_throttle *t, const srv_throttle_ticket *tk)
{
    settle(t, tk, true);
}

long srv_throttle_signup(srv_throttle *t, const char *ip, srv_throttle_ticket *tk)
{
    unsigned char k[THROTTLE_KEY];
    memset(tk, 0, sizeof *tk);
    address_key(t, "signup-address", ip, k);
    long long now = now_ms();
    pthread_mutex_lock(&t->lock);
    sweep(t, now);
    entry *e = get(t, k, true);
    if (e == NULL) {
        address_key(t, "signup-address", "overflow", k);
        e = get(t, k, false);
    }
    long long wait = 0;
    if (e != NULL) {
        if (e->n > 0 && now - e->last >= SIGNUP_WINDOW)
            e->n = 0;
        if (e->n >= t->signup_limit) {
            wait = e->last + SIGNUP_WINDOW - now;
        } else {
            int i = tk->n++;
            memcpy(tk->key[i], e->key, THROTTLE_KEY);
            tk->role[i] = THROTTLE_SIGNUP;
            tk->prev_last[i] = e->last;
            if (e->n == 0)
                e->last = now;   /* the window opens with its first sign-up */
            tk->at = e->last;
            e->n++;
        }
    }
    pthread_mutex_unlock(&t->lock);
    return seconds(wait);
}
