/*
 * throttle.c — how often log-ins and sign-ups may be tried (issue 7,
 * findings 2, 3 and 5), counted in the database so that every server on
 * it counts the same attempts (issue 12 part 2).
 *
 * Every counter is a row of the store (hoshi/store_throttle.h) keyed by a
 * 16-byte BLAKE2b MAC.  The MAC key is the secret the database keeps,
 * made at the first start of any server: every server then finds the same
 * counter for the same address, account or device, while nobody who sees
 * the table (a backup, a replica) can test which addresses or e-mails it
 * holds, as they could with an unkeyed digest of the 2^32 IPv4 addresses.
 * The log's account digest uses the same key, so one account carries one
 * digest in the logs of every server, across restarts.  Entries leave
 * only when they have been quiet for an hour (each server sweeps once a
 * minute).  Counters for things an attacker can mint freely (client
 * addresses, e-mail addresses that are not registered) are capped; past
 * the cap new addresses share one counter and new unknown e-mails are not
 * counted, while counters of real accounts and devices are never refused.
 *
 * A log-in attempt is counted as a failure the moment it is allowed,
 * before the slow password check, inside one write transaction of the
 * database, so parallel attempts on any server see each other; a success
 * takes its own count back (address) or clears the counter (account,
 * device).  Past a few free failures each further attempt must wait 2, 4,
 * 8 ... seconds (at most 15 minutes) after the last one: a delay that
 * grows, never a lock-out the right password cannot pass.  Times are
 * wall-clock milliseconds, as servers share no other clock; a wait is
 * never longer than its delay, whatever another server's clock says.
 *
 * When the database cannot be read or written the attempt is refused
 * (srv_throttle_login and _signup return -1 and the page says the
 * service failed): an attacker must not win unthrottled guesses by
 * loading the database.
 */
#include "server.h"

#include "hoshi/store_throttle.h"

#include <arpa/inet.h>
#include <sodium.h>
#include <stdatomic.h>
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
#define SWEEP_EVERY 60000LL  /* ms between one server's sweeps */

_Static_assert(THROTTLE_KEY == HOSHI_THROTTLE_KEY, "ticket keys are store keys");
_Static_assert(crypto_generichash_KEYBYTES == HOSHI_THROTTLE_SECRET, "the secret is the MAC key");

struct srv_throttle {
    hoshi_store *store;
    unsigned char mac_key[crypto_generichash_KEYBYTES];
    atomic_llong next_sweep;
    int signup_limit;
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whole seconds for Retry-After, rounded up. */
static long seconds(long long ms)
{
    return ms > 0 ? (long)((ms + 999) / 1000) : 0;
}

hoshi_err srv_throttle_new(hoshi_store *store, int signup_limit, srv_throttle **out)
{
    srv_throttle *t = calloc(1, sizeof *t);
    if (t == NULL)
        return HOSHI_ERR_NOMEM;
    hoshi_err err = hoshi_store_throttle_secret(store, t->mac_key);
    if (err != HOSHI_OK) {
        free(t);
        return err;
    }
    t->store = store;
    t->signup_limit = signup_limit;
    atomic_init(&t->next_sweep, now_ms() + SWEEP_EVERY);
    *out = t;
    return HOSHI_OK;
}

void srv_throttle_free(srv_throttle *t)
{
    if (t == NULL)
        return;
    sodium_memzero(t->mac_key, sizeof t->mac_key);
    free(t);
}

/* The keyed digest of tag and text: the counter's key, and the account
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

void srv_throttle_device_key(const srv_throttle *t, unsigned char out[32])
{
    static const char tag[] = "device-cookie-key";
    crypto_generichash(out, 32, (const unsigned char *)tag, sizeof tag, t->mac_key, sizeof t->mac_key);
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

/* Drops entries that have been quiet for an hour, at most once a minute
 * per server (a failure is logged and tried again a minute later). */
static void sweep(srv_throttle *t, long long now)
{
    long long due = atomic_load(&t->next_sweep);
    if (now < due || !atomic_compare_exchange_strong(&t->next_sweep, &due, now + SWEEP_EVERY))
        return;
    if (hoshi_store_throttle_sweep(t->store, now - QUIET, NULL) != HOSHI_OK)
        srv_log(NULL, "error", "throttle_sweep_failed", "detail", hoshi_error_detail(), (const char *)NULL);
}

/* The counter c may be used: one that exists or is not bounded, or a new
 * bounded one while fewer than BOUNDED_MAX exist (*bounded counts it). */
static hoshi_throttle_counter *admit(hoshi_throttle_counter *c, long long *bounded)
{
    if (c->found || !c->bounded)
        return c;
    if (*bounded >= BOUNDED_MAX)
        return NULL;
    ++*bounded;
    return c;
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

/* Milliseconds to wait before c allows another attempt (0: allowed now). */
static long long wait_for(const hoshi_throttle_counter *c, int free_tries, long long now)
{
    if (c == NULL || c->n == 0)
        return 0;
    long long d = delay(c->n, free_tries), ready = c->last + d;
    return ready <= now ? 0 : ready - now < d ? ready - now : d;
}

static void count(hoshi_throttle_counter *c, srv_throttle_ticket *tk, int role, long long now)
{
    int i = tk->n++;
    memcpy(tk->key[i], c->key, THROTTLE_KEY);
    tk->role[i] = role;
    tk->prev_last[i] = c->last;
    tk->at = now;
    c->n++;
    c->last = now;
    c->write = true;
}

/* What a log-in decision needs and answers. */
typedef struct login_ctx {
    srv_throttle_ticket *tk;
    long long now;
    bool device;
    long long wait;
    const char *scope;
} login_ctx;

enum { C_ADDRESS, C_OVERFLOW, C_ACCOUNT };

static void login_decide(hoshi_throttle_counter *c, size_t n, long long bounded, void *arg)
{
    (void)n;
    login_ctx *x = arg;
    if (x->device) {
        /* A device the account vouched for: only its own counter applies,
         * so an attacker elsewhere cannot keep the owner out. */
        x->wait = wait_for(&c[0], FREE_DEVICE, x->now);
        x->scope = "device";
        if (x->wait == 0)
            count(&c[0], x->tk, THROTTLE_DEVICE, x->now);
        return;
    }
    hoshi_throttle_counter *a = admit(&c[C_ADDRESS], &bounded);
    if (a == NULL)
        a = &c[C_OVERFLOW];   /* the table is full of addresses: newcomers share one counter */
    hoshi_throttle_counter *u = admit(&c[C_ACCOUNT], &bounded);
    long long wa = wait_for(a, FREE_ADDRESS, x->now), wu = wait_for(u, FREE_ACCOUNT, x->now);
    x->wait = wa > wu ? wa : wu;
    x->scope = wa >= wu ? "address" : "account";
    if (x->wait == 0) {
        count(a, x->tk, THROTTLE_ADDRESS, x->now);
        if (u != NULL)
            count(u, x->tk, THROTTLE_ACCOUNT, x->now);
    }
}

/* A counter with key k: bounded when it may be new and is one an attacker
 * can mint. */
static hoshi_throttle_counter counter(const unsigned char k[THROTTLE_KEY], bool bounded)
{
    hoshi_throttle_counter c = {.bounded = bounded};
    memcpy(c.key, k, THROTTLE_KEY);
    return c;
}

static void store_failed(const char *op)
{
    srv_log(NULL, "error", "throttle_store_error", "op", op, "detail", hoshi_error_detail(), (const char *)NULL);
}

long srv_throttle_login(srv_throttle *t, const char *ip, long long user_id, const char *email,
                        const unsigned char *device, srv_throttle_ticket *tk, const char **scope)
{
    unsigned char k[THROTTLE_KEY];
    hoshi_throttle_counter c[3];
    size_t n;
    memset(tk, 0, sizeof *tk);
    login_ctx x = {.tk = tk, .now = now_ms(), .device = device != NULL, .scope = "database"};
    if (device != NULL) {
        mac(t, "device", device, THROTTLE_KEY, k);
        c[0] = counter(k, false);
        n = 1;
    } else {
        address_key(t, "login-address", ip, k);
        c[C_ADDRESS] = counter(k, true);
        address_key(t, "login-address", "overflow", k);
        c[C_OVERFLOW] = counter(k, false);
        if (user_id > 0)
            mac(t, "account", &user_id, sizeof user_id, k);
        else
            mac(t, "email", email, strlen(email), k);
        c[C_ACCOUNT] = counter(k, user_id <= 0);
        n = 3;
    }
    sweep(t, x.now);
    hoshi_err err = hoshi_store_throttle_update(t->store, c, n, login_decide, &x);
    *scope = x.scope;
    if (err != HOSHI_OK) {
        memset(tk, 0, sizeof *tk);
        *scope = "database";
        return -1;
    }
    return seconds(x.wait);
}

/* Takes back or clears what a ticket counted.  undo: the attempt never ran. */
typedef struct settle_ctx {
    const srv_throttle_ticket *tk;
    bool undo;
} settle_ctx;

static void settle_decide(hoshi_throttle_counter *c, size_t n, long long bounded, void *arg)
{
    (void)bounded;
    const settle_ctx *x = arg;
    for (size_t i = 0; i < n; i++) {
        if (!c[i].found || c[i].n == 0)
            continue;
        int role = x->tk->role[i];
        if (x->undo || role == THROTTLE_ADDRESS || role == THROTTLE_SIGNUP) {
            /* Only this attempt is taken back: failures of other accounts
             * from the same address stay counted. */
            c[i].n--;
            if (c[i].last == x->tk->at)
                c[i].last = x->tk->prev_last[i];
        } else {
            c[i].n = 0;
        }
        c[i].write = true;
    }
}

static void settle(srv_throttle *t, const srv_throttle_ticket *tk, bool undo)
{
    if (tk->n < 1)
        return;
    hoshi_throttle_counter c[2];
    for (int i = 0; i < tk->n && i < 2; i++)
        c[i] = counter(tk->key[i], false);
    settle_ctx x = {tk, undo};
    /* A failure leaves the attempt counted: the safe side. */
    if (hoshi_store_throttle_update(t->store, c, (size_t)(tk->n < 2 ? tk->n : 2), settle_decide, &x) != HOSHI_OK)
        store_failed(undo ? "throttle_undo" : "throttle_login_ok");
}

void srv_throttle_login_ok(srv_throttle *t, const srv_throttle_ticket *tk)
{
    settle(t, tk, false);
}

void srv_throttle_undo(srv_throttle *t, const srv_throttle_ticket *tk)
{
    settle(t, tk, true);
}

typedef struct signup_ctx {
    srv_throttle_ticket *tk;
    long long now;
    int limit;
    long long wait;
} signup_ctx;

static void signup_decide(hoshi_throttle_counter *c, size_t n, long long bounded, void *arg)
{
    (void)n;
    signup_ctx *x = arg;
    hoshi_throttle_counter *e = admit(&c[0], &bounded);
    if (e == NULL)
        e = &c[1];
    if (e->n > 0 && x->now - e->last >= SIGNUP_WINDOW)
        e->n = 0;
    if (e->n >= x->limit) {
        long long w = e->last + SIGNUP_WINDOW - x->now;
        x->wait = w < SIGNUP_WINDOW ? w : SIGNUP_WINDOW;
        return;
    }
    int i = x->tk->n++;
    memcpy(x->tk->key[i], e->key, THROTTLE_KEY);
    x->tk->role[i] = THROTTLE_SIGNUP;
    x->tk->prev_last[i] = e->last;
    if (e->n == 0)
        e->last = x->now;   /* the window opens with its first sign-up */
    x->tk->at = e->last;
    e->n++;
    e->write = true;
}

long srv_throttle_signup(srv_throttle *t, const char *ip, srv_throttle_ticket *tk)
{
    unsigned char k[THROTTLE_KEY];
    hoshi_throttle_counter c[2];
    memset(tk, 0, sizeof *tk);
    address_key(t, "signup-address", ip, k);
    c[0] = counter(k, true);
    address_key(t, "signup-address", "overflow", k);
    c[1] = counter(k, false);
    signup_ctx x = {.tk = tk, .now = now_ms(), .limit = t->signup_limit};
    sweep(t, x.now);
    if (hoshi_store_throttle_update(t->store, c, 2, signup_decide, &x) != HOSHI_OK) {
        memset(tk, 0, sizeof *tk);
        return -1;
    }
    return seconds(x.wait);
}
