/*
 * test_store_throttle.c — the log-in and sign-up counters in the store
 * (issue 12 part 2): counters read, decided on and written back, new ones
 * made with their bounded flag and the bounded count kept beside them;
 * bad calls refused before anything is read; a write that fails half-way
 * leaving nothing behind; the sweep of quiet counters
 * and the recount; the shared secret made once and read alike by every
 * handle; and two threads on two handles of one SQLite file counting one
 * counter, which must end with the exact number of their increments.
 */
#include "hoshi/store.h"
#include "hoshi/store_throttle.h"
#include "pgtest.h"
#include "unit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/hoshi-throttle-XXXXXX";
static char path[128];

static hoshi_store *open_fresh(void)
{
    static int n;
    snprintf(path, sizeof path, "%s/t%d.db", dir, n++);
    hoshi_store *s = NULL;
    CHECK_INT(hi_test_store_open(path, 2, &s), HOSHI_OK);
    return s;
}

static hoshi_throttle_counter counter(unsigned char tag, bool bounded)
{
    hoshi_throttle_counter c = {.bounded = bounded};
    memset(c.key, tag, sizeof c.key);
    return c;
}

/* What a decision saw, and what it should do. */
typedef struct seen {
    int calls;
    long long bounded;
    bool found[HOSHI_THROTTLE_MAX];
    int n[HOSHI_THROTTLE_MAX];
    long long last[HOSHI_THROTTLE_MAX];
    bool was_bounded[HOSHI_THROTTLE_MAX];
    int add;                      /* added to every counter's n, and written */
    long long at;                 /* the new last */
    bool unbound;                 /* clear the bounded flag of the written ones */
} seen;

static void record(hoshi_throttle_counter *c, size_t n, long long bounded, void *ctx)
{
    seen *x = ctx;
    x->calls++;
    x->bounded = bounded;
    for (size_t i = 0; i < n; i++) {
        x->found[i] = c[i].found;
        x->n[i] = c[i].n;
        x->last[i] = c[i].last;
        x->was_bounded[i] = c[i].bounded;
        if (x->add != 0) {
            c[i].n += x->add;
            c[i].last = x->at;
            c[i].write = true;
            if (x->unbound)
                c[i].bounded = false;
        }
    }
}

static void counters_round_trip(void)
{
    hoshi_store *s = open_fresh();
    hoshi_throttle_counter c[3] = {counter(1, true), counter(2, false), counter(3, true)};
    /* Only looking: nothing is written. */
    seen x = {0};
    CHECK_INT(hoshi_store_throttle_update(s, c, 3, record, &x), HOSHI_OK);
    CHECK_INT(x.calls, 1);
    CHECK_INT(x.bounded, 0);
    CHECK(!x.found[0] && !x.found[1] && !x.found[2]);
    CHECK_INT(x.n[0], 0);
    CHECK_INT(x.last[0], 0);
    x = (seen){.add = 1, .at = 1000};
    CHECK_INT(hoshi_store_throttle_update(s, c, 2, record, &x), HOSHI_OK);
    /* Read back: two rows, one bounded. */
    hoshi_throttle_counter d[3] = {counter(1, false), counter(2, true), counter(3, false)};
    x = (seen){.add = 2, .at = 2500};
    CHECK_INT(hoshi_store_throttle_update(s, d, 3, record, &x), HOSHI_OK);
    CHECK_INT(x.bounded, 1);
    CHECK(x.found[0] && x.found[1] && !x.found[2]);
    CHECK_INT(x.n[0], 1);
    CHECK_INT(x.n[1], 1);
    CHECK_INT(x.last[0], 1000);
    CHECK(x.was_bounded[0] && !x.was_bounded[1] && !x.was_bounded[2]);
    CHECK(d[0].found && d[0].n == 3 && d[0].last == 2500);
    /* The third was new and not bounded: still one bounded row.  Then the
     * first stops being bounded: none. */
    x = (seen){0};
    CHECK_INT(hoshi_store_throttle_update(s, d, 1, record, &x), HOSHI_OK);
    CHECK_INT(x.bounded, 1);
    CHECK_INT(x.n[0], 3);
    x = (seen){.add = 1, .at = 3000, .unbound = true};
    CHECK_INT(hoshi_store_throttle_update(s, d, 1, record, &x), HOSHI_OK);
    x = (seen){0};
    CHECK_INT(hoshi_store_throttle_update(s, d, 3, record, &x), HOSHI_OK);
    CHECK_INT(x.bounded, 0);
    CHECK(!x.was_bounded[0]);
    CHECK_INT(x.n[0], 4);
    CHECK_INT(x.n[2], 2);
    hoshi_store_close(s);
}

static void bad_calls_refused(void)
{
    hoshi_store *s = open_fresh();
    hoshi_throttle_counter c[HOSHI_THROTTLE_MAX + 1];
    for (int i = 0; i <= HOSHI_THROTTLE_MAX; i++)
        c[i] = counter((unsigned char)(10 + i), true);
    seen x = {.add = 1, .at = 5};
    CHECK_INT(hoshi_store_throttle_update(s, c, 0, record, &x), HOSHI_ERR_USAGE);
    CHECK_INT(hoshi_store_throttle_update(s, c, HOSHI_THROTTLE_MAX + 1, record, &x), HOSHI_ERR_USAGE);
    CHECK_INT(hoshi_store_throttle_update(s, c, 1, NULL, &x), HOSHI_ERR_USAGE);
    CHECK_INT(hoshi_store_throttle_update(s, NULL, 1, record, &x), HOSHI_ERR_USAGE);
    c[2] = counter(10, true);   /* the same key as c[0] */
    CHECK_INT(hoshi_store_throttle_update(s, c, 3, record, &x), HOSHI_ERR_USAGE);
    CHECK(strstr(hoshi_error_detail(), "same key") != NULL);
    CHECK_INT(x.calls, 0);
    /* Nothing was written by the refused calls. */
    x = (seen){0};
    CHECK_INT(hoshi_store_throttle_update(s, c, 2, record, &x), HOSHI_OK);
    CHECK(!x.found[0] && !x.found[1]);
    CHECK_INT(x.bounded, 0);
    hoshi_store_close(s);
}

static void sweep_quiet_counters(void)
{
    hoshi_store *s = open_fresh();
    hoshi_throttle_counter a[2] = {counter(1, true), counter(2, false)}, b[2] = {counter(3, true), counter(4, true)};
    seen x = {.add = 1, .at = 1000};
    CHECK_INT(hoshi_store_throttle_update(s, a, 2, record, &x), HOSHI_OK);
    x = (seen){.add = 1, .at = 5000};
    CHECK_INT(hoshi_store_throttle_update(s, b, 2, record, &x), HOSHI_OK);
    long long removed = -1;
    CHECK_INT(hoshi_store_throttle_sweep(s, 999, &removed), HOSHI_OK);
    CHECK_INT(removed, 0);
    CHECK_INT(hoshi_store_throttle_sweep(s, 1000, &removed), HOSHI_OK);
    CHECK_INT(removed, 2);
    hoshi_throttle_counter all[4] = {counter(1, false), counter(2, false), counter(3, false), counter(4, false)};
    x = (seen){0};
    CHECK_INT(hoshi_store_throttle_update(s, all, 4, record, &x), HOSHI_OK);
    CHECK(!x.found[0] && !x.found[1] && x.found[2] && x.found[3]);
    CHECK_INT(x.bounded, 2);   /* the swept bounded one no longer counts */
    CHECK_INT(hoshi_store_throttle_sweep(s, 10000, NULL), HOSHI_OK);
    x = (seen){0};
    CHECK_INT(hoshi_store_throttle_update(s, all, 4, record, &x), HOSHI_OK);
    CHECK(!x.found[2] && !x.found[3]);
    CHECK_INT(x.bounded, 0);
    hoshi_store_close(s);
}

static void secret_made_once(void)
{
    hoshi_store *s = open_fresh(), *t = NULL;
    CHECK_INT(hi_test_store_open(path, 1, &t), HOSHI_OK);
    unsigned char a[HOSHI_THROTTLE_SECRET], b[HOSHI_THROTTLE_SECRET], zero[HOSHI_THROTTLE_SECRET] = {0};
    CHECK_INT(hoshi_store_throttle_secret(t, a), HOSHI_OK);
    CHECK_INT(hoshi_store_throttle_secret(s, b), HOSHI_OK);
    CHECK(memcmp(a, b, sizeof a) == 0);
    CHECK(memcmp(a, zero, sizeof a) != 0);
    CHECK_INT(hoshi_store_throttle_secret(s, b), HOSHI_OK);
    CHECK(memcmp(a, b, sizeof a) == 0);
    hoshi_store_close(t);
    hoshi_store_close(s);
    /* Another database has its own. */
    s = open_fresh();
    CHECK_INT(hoshi_store_throttle_secret(s, b), HOSHI_OK);
    CHECK(memcmp(a, b, sizeof a) != 0);
    hoshi_store_close(s);
}

/* The bounded count cannot be written (a trigger refuses it): the counter
 * row written before it in the same transaction is gone too. */
static void failed_write_leaves_nothing(void)
{
    hoshi_store *s = open_fresh();
    CHECK(hi_test_db_exec(path, hi_test_on_pg()
                                    ? "CREATE FUNCTION no_count() RETURNS trigger LANGUAGE plpgsql AS"
                                      " $$BEGIN RAISE EXCEPTION 'refused by the test'; END$$;"
                                      "CREATE TRIGGER no_count BEFORE UPDATE ON throttle_meta"
                                      " FOR EACH ROW EXECUTE FUNCTION no_count();"
                                    : "CREATE TRIGGER no_count BEFORE UPDATE ON throttle_meta"
                                      " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;"));
    hoshi_throttle_counter c[2] = {counter(1, false), counter(2, true)};
    seen x = {.add = 1, .at = 1000};
    CHECK_INT(hoshi_store_throttle_update(s, c, 2, record, &x), HOSHI_ERR_IO);
    CHECK(strstr(hoshi_error_detail(), "refused by the test") != NULL);
    CHECK_INT(x.calls, 1);
    CHECK(hi_test_db_exec(path, hi_test_on_pg() ? "DROP TRIGGER no_count ON throttle_meta" : "DROP TRIGGER no_count"));
    x = (seen){0};
    CHECK_INT(hoshi_store_throttle_update(s, c, 2, record, &x), HOSHI_OK);
    CHECK(!x.found[0] && !x.found[1]);
    CHECK_INT(x.bounded, 0);
    hoshi_store_close(s);
}

#define ROUNDS 150

typedef struct hammer {
    hoshi_store *s;
    pthread_barrier_t *go;
    int failed;
} hammer;

static void increment(hoshi_throttle_counter *c, size_t n, long long bounded, void *ctx)
{
    (void)n;
    (void)bounded;
    (void)ctx;
    c[0].n++;
    c[0].last = c[0].n;
    c[0].write = true;
}

static void *hammer_run(void *arg)
{
    hammer *h = arg;
    pthread_barrier_wait(h->go);
    for (int i = 0; i < ROUNDS; i++) {
        hoshi_throttle_counter c = counter(7, true);
        if (hoshi_store_throttle_update(h->s, &c, 1, increment, NULL) != HOSHI_OK)
            h->failed++;
    }
    return NULL;
}

static void two_handles_count_exactly(void)
{
    hoshi_store *s = open_fresh(), *t = NULL;
    CHECK_INT(hi_test_store_open(path, 2, &t), HOSHI_OK);
    pthread_barrier_t go;
    pthread_barrier_init(&go, NULL, 2);
    hammer h[2] = {{s, &go, 0}, {t, &go, 0}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        CHECK_INT(pthread_create(&th[i], NULL, hammer_run, &h[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&go);
    CHECK_INT(h[0].failed + h[1].failed, 0);
    hoshi_throttle_counter c = counter(7, false);
    seen x = {0};
    CHECK_INT(hoshi_store_throttle_update(s, &c, 1, record, &x), HOSHI_OK);
    CHECK_INT(x.n[0], 2 * ROUNDS);
    CHECK_INT(x.last[0], 2 * ROUNDS);
    CHECK_INT(x.bounded, 1);
    hoshi_store_close(t);
    hoshi_store_close(s);
}

int main(void)
{
    if (mkdtemp(dir) == NULL)
        return 1;
    RUN(counters_round_trip);
    RUN(bad_calls_refused);
    RUN(failed_write_leaves_nothing);
    RUN(sweep_quiet_counters);
    RUN(secret_made_once);
    RUN(two_handles_count_exactly);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return UNIT_RESULT();
}
