/*
 * tabbench.c — in-process timings of the table engine on a .hsd cache,
 * excluding process start-up: opening (mapping + checks), one cross tab
 * S1 × M1 (best of several runs, reported per respondent), and the banner
 * S1 × every other question.
 *   usage: tabbench FILE.hsd [REPEATS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "hoshi/hoshi.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double run(const hoshi_dataset *ds, const char *side, const char *head)
{
    const char *heads[] = {head};
    hoshi_tab_spec spec = {side, heads, 1, NULL, 0, NULL, 0, NULL, 0, NULL, 0, false, 2, NULL, 0, NULL, 0, NULL};
    hoshi_tabset *ts = NULL;
    double t0 = now();
    if (hoshi_tab_run(ds, &spec, &ts) != HOSHI_OK) {
        fprintf(stderr, "tabbench: %s\n", hoshi_error_detail());
        exit(1);
    }
    double t = now() - t0;
    hoshi_tabset_free(ts);
    return t;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: tabbench FILE.hsd [REPEATS]\n");
        return 2;
    }
    int reps = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 5;
    hoshi_dataset *ds = NULL;
    double t0 = now();
    if (hoshi_dataset_open(NULL, argv[1], HOSHI_ENC_AUTO, &ds) != HOSHI_OK) {
        fprintf(stderr, "tabbench: %s\n", hoshi_error_detail());
        return 1;
    }
    double t_open = now() - t0;
    double n = (double)hoshi_dataset_rows(ds);
    double first = run(ds, "S1", "M1"); /* verifies the columns it reads */
    double best = first;
    for (int i = 0; i < reps; i++) {
        double t = run(ds, "S1", "M1");
        if (t < best)
            best = t;
    }
    double banner_first = run(ds, "S1", "ALL");
    double banner = banner_first;
    for (int i = 0; i < reps; i++) {
        double t = run(ds, "S1", "ALL");
        if (t < banner)
            banner = t;
    }
    printf("rows %.0f\nopen_s %.4f\ncrosstab_first_s %.4f\ncrosstab_ns_per_resp %.3f\n"
           "banner_first_s %.4f\nbanner_s %.4f\nbanner_ns_per_resp %.3f\n",
           n, t_open, first, best / n * 1e9, banner_first, banner, banner / n * 1e9);
    hoshi_dataset_free(ds);
    return 0;
}
