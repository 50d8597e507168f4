/*
 * store_throttle.h — counters of log-in failures and sign-ups kept in the
 * store (issue 12 part 2), so every `hoshi serve` on one database counts
 * the same attempts: an attacker who spreads guesses over two servers
 * gets no more than against one.
 *
 * A counter is keyed by a 16-byte digest the caller makes (the store never
 * sees an address or an e-mail), and holds a count, the wall-clock time of
 * its last counted event in milliseconds, and whether it counts against
 * the caller's cap on counters an attacker can mint ("bounded").  The
 * store keeps the number of bounded counters itself, so checking the cap
 * costs one row, not a count.  What the counters mean is the caller's
 * (src/server/throttle.c): the store reads, lets the caller decide, and
 * writes back, all in one write transaction that excludes every other
 * writer on the database, so two servers deciding at once see each other.
 *
 * The store also keeps one random secret, made on first use, that every
 * server reads to key its digests alike.  Errors as in hoshi/store.h.
 */
#ifndef HOSHI_STORE_THROTTLE_H
#define HOSHI_STORE_THROTTLE_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/error.h"
#include "hoshi/store.h"

#define HOSHI_THROTTLE_KEY 16     /* bytes of a counter's key */
#define HOSHI_THROTTLE_SECRET 32  /* bytes of the shared secret */
#define HOSHI_THROTTLE_MAX 4      /* counters one update may read */

/* One counter as the decision sees it.  The caller fills key (distinct
 * within one update) and, for a counter that may be new, bounded; the
 * store fills found, n, last and bounded from the row (found false: no
 * row, n and last 0).  The decision sets write on the counters whose n
 * and last it changed: a row is written for each (made when missing, with
 * the bounded flag the decision left). */
typedef struct hoshi_throttle_counter {
    unsigned char key[HOSHI_THROTTLE_KEY];
    bool found;
    int n;
    long long last;               /* ms since the epoch, the caller's clock */
    bool bounded;
    bool write;
} hoshi_throttle_counter;

/* Decides on the counters c[0..n) read inside the transaction; bounded is
 * the number of bounded rows before this update.  Runs once, on the
 * calling thread, while the database is locked for writing: it must be
 * quick and must not call the store. */
typedef void (*hoshi_throttle_fn)(hoshi_throttle_counter *c, size_t n, long long bounded, void *ctx);

/* Reads the counters c[0..n) (1 <= n <= HOSHI_THROTTLE_MAX, keys
 * distinct, else HOSHI_ERR_USAGE), calls decide, and writes the ones it
 * marked, all in one transaction: on failure nothing is written (decide
 * may have run; what it changed in c is then not stored). */
hoshi_err hoshi_store_throttle_update(hoshi_store *s, hoshi_throttle_counter *c, size_t n,
                                      hoshi_throttle_fn decide, void *ctx);

/* Removes the counters whose last event is at or before `before` (ms),
 * and recounts the bounded ones; *removed (may be NULL) how many went. */
hoshi_err hoshi_store_throttle_sweep(hoshi_store *s, long long before, long long *removed);

/* The database's throttle secret in out: made from random bytes by the
 * first caller ever, the same for every caller after. */
hoshi_err hoshi_store_throttle_secret(hoshi_store *s, unsigned char out[HOSHI_THROTTLE_SECRET]);

#endif
