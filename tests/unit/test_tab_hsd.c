/*
 * test_tab_hsd.c — the .hsd cache: a round trip gives the same tables as
 * the CSV, and every truncation and every single-byte change of a cache
 * file is either harmless (padding) or a clean error, never a crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoshi/hoshi.h"
#include "unit.h"

#ifndef DATA
#define DATA "tests/data/tab"
#endif

static char dir[] = "/tmp/hoshi_hsd_XXXXXX";
static char hsd[64], bad[64];

static char *table(hoshi_dataset *ds, hoshi_err *err)
{
    const char *heads[] = {"ALL"};
    hoshi_tab_spec spec = {"Q1", heads, 1, NULL, 0, NULL, 0, NULL, 0, NULL, 0, false, 2, NULL, 0, NULL, 0, NULL};
    hoshi_tabset *ts = NULL;
    char *out = NULL;
    size_t len;
    *err = hoshi_tab_run(ds, &spec, &ts);
    if (*err == HOSHI_OK)
        *err = hoshi_tab_render(ts, HOSHI_TAB_JSON, NULL, &out, &len);
    hoshi_tabset_free(ts);
    return out;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    unsigned char *buf = malloc(1 << 20);
    *len = buf ? fread(buf, 1, 1 << 20, f) : 0;
    fclose(f);
    return buf;
}

static void spit(const char *path, const unsigned char *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return;
    fwrite(p, 1, n, f);
    fclose(f);
}


static void round_trip(void)
{
    hoshi_dataset *csv = NULL, *cache = NULL;
    hoshi_err err;
    CHECK(hoshi_dataset_open(DATA "/cb.csv", DATA "/data.csv", HOSHI_ENC_AUTO, &csv) == HOSHI_OK);
    CHECK(csv && hoshi_dataset_save(csv, hsd) == HOSHI_OK);
    CHECK(hoshi_dataset_open(NULL, hsd, HOSHI_ENC_AUTO, &cache) == HOSHI_OK);
    CHECK(cache && hoshi_dataset_rows(cache) == 6);
    char *a = csv ? table(csv, &err) : NULL;
    char *b = cache ? table(cache, &err) : NULL;
    CHECK(a != NULL && b != NULL && strcmp(a, b) == 0);
    /* a cache of a cache is the same file */
    char again[80];
    snprintf(again, sizeof again, "%s/again.hsd", dir);
    CHECK(cache && hoshi_dataset_save(cache, again) == HOSHI_OK);
    size_t l1 = 0, l2 = 0;
    unsigned char *f1 = slurp(hsd, &l1), *f2 = slurp(again, &l2);
    CHECK(f1 && f2 && l1 == l2 && memcmp(f1, f2, l1) == 0);
    free(f1);
    free(f2);
    remove(again);
    /* a different codebook is refused */
    hoshi_dataset *x = NULL;
    CHECK(hoshi_dataset_open(DATA "/../tab/cb.csv", hsd, HOSHI_ENC_AUTO, &x) == HOSHI_OK);
    hoshi_dataset_free(x);
    free(a);
    free(b);
    hoshi_dataset_free(csv);
    hoshi_dataset_free(cache);
}

extern size_t hi_tab_parallel_rows; /* internal: banners on two threads from this size */

/* A banner over a freshly opened cache on two threads: each column is
 * checked once before the threads start, so they only read (run under
 * ThreadSanitizer this was a data race on the checked flags), and the
 * tables are those of one thread. */
static void banner_threads_on_a_cache(void)
{
    const char *heads[] = {"Q1", "Q1", "Q2", "Q3", "Q5", "Q1"};
    hoshi_tab_spec spec = {"Q5_1", heads, 6, NULL, 0, NULL, 0, NULL, 0, NULL, 0, false, 2, NULL, 0, NULL, 0, NULL};
    char *out[2] = {NULL, NULL};
    size_t saved = hi_tab_parallel_rows;
    for (int par = 0; par < 2; par++) {
        hi_tab_parallel_rows = par ? 1 : (size_t)1 << 40;
        hoshi_dataset *ds = NULL;
        hoshi_tabset *ts = NULL;
        size_t len = 0;
        CHECK(hoshi_dataset_open(NULL, hsd, HOSHI_ENC_AUTO, &ds) == HOSHI_OK);
        CHECK(ds && hoshi_tab_run(ds, &spec, &ts) == HOSHI_OK);
        CHECK(ts && hoshi_tabset_count(ts) == 7);
        if (ts)
            CHECK(hoshi_tab_render(ts, HOSHI_TAB_JSON, NULL, &out[par], &len) == HOSHI_OK);
        hoshi_tabset_free(ts);
        hoshi_dataset_free(ds);
    }
    hi_tab_parallel_rows = saved;
    CHECK(out[0] && out[1] && strcmp(out[0], out[1]) == 0);
    free(out[0]);
    free(out[1]);
}

/* Opens and tabulates a damaged copy; returns true if it was rejected. */
static bool try_damaged(const unsigned char *p, size_t n)
{
    spit(bad, p, n);
    hoshi_dataset *ds = NULL;
    hoshi_err err = hoshi_dataset_open(NULL, bad, HOSHI_ENC_AUTO, &ds);
    if (err != HOSHI_OK) {
        if (*hoshi_error_detail() == '\0') {
            unit_case_failed = 1;
            printf("  error without detail\n");
        }
        return true;
    }
    char *out = table(ds, &err);
    free(out);
    /* saving checks every column, also the FA ones no table reads */
    char again[80];
    snprintf(again, sizeof again, "%s/again.hsd", dir);
    if (err == HOSHI_OK)
        err = hoshi_dataset_save(ds, again);
    remove(again);
    hoshi_dataset_free(ds);
    return err != HOSHI_OK;
}

static void truncated_and_flipped(void)
{
    size_t n = 0;
    unsigned char *orig = slurp(hsd, &n);
    CHECK(orig != NULL && n > 100);
    if (orig == NULL)
        return;
    for (size_t len = 0; len < n; len++)
        if (!try_damaged(orig, len)) {
            unit_case_failed = 1;
            printf("  truncated to %zu bytes was accepted\n", len);
        }
    size_t accepted = 0;
    unsigned char *copy = malloc(n);
    for (size_t i = 0; copy && i < n; i++) {
        memcpy(copy, orig, n);
        copy[i] ^= (unsigned char)(1u << (i % 8));
        if (!try_damaged(copy, n)) {
            accepted++;
            if (getenv("HSD_VERBOSE"))
                printf("  flip at %zu accepted\n", i);
        }
    }
    /* only alignment padding (16 bytes here) may change unnoticed */
    CHECK(accepted < 32);
    free(copy);
    free(orig);
}

int main(void)
{
    if (mkdtemp(dir) == NULL)
        return 1;
    snprintf(hsd, sizeof hsd, "%s/s.hsd", dir);
    snprintf(bad, sizeof bad, "%s/bad.hsd", dir);
    RUN(round_trip);
    RUN(banner_threads_on_a_cache);
    RUN(truncated_and_flipped);
    remove(hsd);
    remove(bad);
    remove(dir);
    return UNIT_RESULT();
}
