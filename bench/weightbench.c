/*
 * weightbench.c — in-process timings of weighting (issue 10): the banner
 * S1 × every other question of a .hsd cache unweighted and weighted (with
 * weights of 0.3..3 in the data's order; then of the 400 values of a
 * 20 x 20 cell table; then continuous), wall and CPU time, and raking a
 * generated survey of RAKE_ROWS respondents to two variables of 20 codes
 * each.  The generated survey is also written to OUTDIR (rake.csv,
 * rake_targets.csv) so that a peer (bench/weights_peer.R) rakes the same
 * data.  Prints "key value" lines.
 *   usage: weightbench FILE.hsd RAKE_ROWS OUTDIR [REPEATS]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hoshi/hoshi.h"

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

/* CPU seconds of the process (both threads): steadier than wall time on a
 * machine others load too */
static double cpu(void)
{
    return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static double best_cpu; /* of the last banner() */

/* libhoshi's internal switch (tab/weights.h): -1 counts weighted tables
 * with the general kernels only, as before the fused pass, to compare */
extern int hi_wfused_mode;

static void die(const char *what)
{
    fprintf(stderr, "weightbench: %s: %s\n", what, hoshi_error_detail());
    exit(1);
}

static uint64_t state = 0x2545F4914F6CDD1Dull;
static uint64_t next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

/* The banner S1 × ALL, best of reps + 1 runs. */
static double banner(const hoshi_dataset *ds, const hoshi_weights *w, int reps)
{
    /* WB_HEADS: the heads, comma-separated (default ALL) */
    static char list[4096];
    const char *heads[64];
    size_t nh = 0;
    snprintf(list, sizeof list, "%s", getenv("WB_HEADS") ? getenv("WB_HEADS") : "ALL");
    for (char *p = list; p != NULL && nh < 64;) {
        heads[nh++] = p;
        p = strchr(p, ',');
        if (p != NULL)
            *p++ = '\0';
    }
    hoshi_tab_spec spec = {.side = getenv("WB_SIDE") ? getenv("WB_SIDE") : "S1", .heads = heads,
                           .n_heads = nh, .top_box = 2, .weights = w};
    double best = 1e30;
    best_cpu = 1e30;
    for (int i = 0; i <= reps; i++) {
        hoshi_tabset *ts = NULL;
        double t0 = now(), c0 = cpu();
        if (hoshi_tab_run(ds, &spec, &ts) != HOSHI_OK)
            die("banner");
        double t = now() - t0, c = cpu() - c0;
        best = t < best ? t : best;
        best_cpu = c < best_cpu ? c : best_cpu;
        hoshi_tabset_free(ts);
    }
    return best;
}


/* A code 1..20, skewed (code c about as likely as 1 + c / 4). */
static int code20(void)
{
    static const int cum[21] = {0, 5, 11, 18, 26, 35, 45, 56, 68, 81, 95, 110, 126, 143, 161,
                                180, 200, 221, 243, 266, 290};
    int x = (int)(next() % 290);
    int c = 1;
    while (cum[c] <= x)
        c++;
    return c;
}

static void write_file(const char *path, const char *s, size_t n)
{
    if (hoshi_file_write(path, s, n) != HOSHI_OK)
        die(path);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: weightbench FILE.hsd RAKE_ROWS OUTDIR [REPEATS]\n");
        return 2;
    }
    int reps = argc > 4 ? (int)strtol(argv[4], NULL, 10) : 3;
    size_t rake_rows = (size_t)strtoull(argv[2], NULL, 10);
    hoshi_dataset *ds = NULL;
    if (hoshi_dataset_open(NULL, argv[1], HOSHI_ENC_AUTO, &ds) != HOSHI_OK)
        die(argv[1]);
    printf("rows %zu\n", hoshi_dataset_rows(ds));
    printf("banner_unweighted %.4f\n", banner(ds, NULL, reps));
    printf("banner_unweighted_cpu %.4f\n", best_cpu);
    /* the generated data has blanks in every SA question, which raking
     * refuses: weights of 0.3..3 instead, in data order */
    hoshi_weights *w = NULL;
    hoshi_rake_report rep;
    size_t n = hoshi_dataset_rows(ds);
    double *wv = malloc((n ? n : 1) * sizeof *wv);
    if (wv == NULL)
        die("out of memory");
    /* three kinds of weights, each against the unweighted banner above:
     * 0.3..3 in steps of 0.001 (2,701 values), the 400 values of a 20 x 20
     * cell table (what raking or post-stratification on two variables
     * makes), and continuous (every respondent its own double) */
    double cellw[400];
    for (size_t k = 0; k < 400; k++)
        cellw[k] = 0.25 + (double)(next() >> 11) / 9007199254740992.0 * 3;
    static const char *const kinds[] = {"", "_cells", "_continuous"};
    for (int kind = 0; kind < 3; kind++) {
        for (size_t r = 0; r < n; r++) {
            uint64_t x = next();
            wv[r] = kind == 0   ? 0.3 + (double)(x % 2701) / 1000.0
                    : kind == 1 ? cellw[x % 400]
                                : 0.3 + (double)(x >> 11) / 9007199254740992.0 * 2.7;
        }
        if (hoshi_weights_from_array(wv, n, "bench", &w) != HOSHI_OK)
            die("weights");
        printf("banner_weighted%s %.4f\n", kinds[kind], banner(ds, w, reps));
        printf("banner_weighted%s_cpu %.4f\n", kinds[kind], best_cpu);
        if (kind == 0) {
            hi_wfused_mode = -1;
            printf("banner_weighted_general %.4f\n", banner(ds, w, reps));
            printf("banner_weighted_general_cpu %.4f\n", best_cpu);
            hi_wfused_mode = 0;
        }
        hoshi_weights_free(w);
    }
    free(wv);
    hoshi_dataset_free(ds);

    /* raking: RAKE_ROWS respondents, A and B of 20 codes each */
    const char *cb = "qid,type,code,label\n";
    hoshi_buf c = HOSHI_BUF_INIT, d = HOSHI_BUF_INIT, t = HOSHI_BUF_INIT;
    c.limit = d.limit = (size_t)1 << 32;
    hoshi_buf_puts(&c, cb);
    hoshi_buf_puts(&t, "variable,code,target\n");
    for (int q = 0; q < 2; q++) {
        hoshi_buf_printf(&c, "%c,SA,,%c\n", "AB"[q], "AB"[q]);
        for (int k = 1; k <= 20; k++) {
            hoshi_buf_printf(&c, "%c,SA,%d,%c%d\n", "AB"[q], k, "AB"[q], k);
            hoshi_buf_printf(&t, "%c,%d,0.05\n", "AB"[q], k); /* uniform targets */
        }
    }
    hoshi_buf_puts(&d, "id,A,B\n");
    for (size_t r = 0; r < rake_rows; r++) {
        int a = code20(), b = (code20() + a) % 20 + 1; /* A and B related */
        hoshi_buf_printf(&d, "%zu,%d,%d\n", r + 1, a, b);
    }
    char *cbs, *ds_text, *ts;
    size_t cbn, dn, tn;
    if (hoshi_buf_finish(&c, &cbs, &cbn) != HOSHI_OK || hoshi_buf_finish(&d, &ds_text, &dn) != HOSHI_OK ||
        hoshi_buf_finish(&t, &ts, &tn) != HOSHI_OK)
        die("out of memory");
    char path[4096];
    snprintf(path, sizeof path, "%s/rake_codebook.csv", argv[3]);
    write_file(path, cbs, cbn);
    snprintf(path, sizeof path, "%s/rake.csv", argv[3]);
    write_file(path, ds_text, dn);
    snprintf(path, sizeof path, "%s/rake_targets.csv", argv[3]);
    write_file(path, ts, tn);
    if (hoshi_dataset_parse("cb", cbs, cbn, "rake.csv", ds_text, dn, HOSHI_ENC_UTF8, &ds) != HOSHI_OK)
        die("rake data");
    double best = 1e30, t0;
    for (int i = 0; i <= reps; i++) {
        t0 = now();
        if (hoshi_weights_rake_parse(ds, "rake_targets.csv", ts, tn, NULL, &w, &rep) != HOSHI_OK)
            die("rake");
        double el = now() - t0;
        best = el < best ? el : best;
        hoshi_weights_free(w);
    }
    printf("rake_rows %zu\nrake_seconds %.4f\nrake_iterations %d\nrake_max_error %.3g\n", rake_rows,
           best, rep.iterations, rep.max_error);
    hoshi_dataset_free(ds);
    free(cbs);
    free(ds_text);
    free(ts);
    return 0;
}
