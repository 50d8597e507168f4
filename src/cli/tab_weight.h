/*
 * tab_weight.h — the weighting options of `hoshi tab` and `hoshi gt`
 * (--weight, --rake and the options of raking): parsed here, turned into a
 * hoshi_weights once the data is open, and the rake report and the saved
 * weights written.  Uses the public API only.
 */
#ifndef HOSHI_CLI_TAB_WEIGHT_H
#define HOSHI_CLI_TAB_WEIGHT_H

#include <stdbool.h>

#include "hoshi/hoshi.h"

typedef struct tab_wopts {
    const char *weight;        /* --weight VAR */
    const char *rake;          /* --rake TARGETS.csv */
    const char *rake_report;   /* --rake-report FILE (else the report goes to stderr) */
    const char *save;          /* --save-weights FILE.csv */
    hoshi_rake_opts ro;        /* --rake-tol, --rake-iter, --weight-cap */
    bool any_rake_opt;         /* a raking option was given */
    char msg[256];             /* why the last parse failed */
} tab_wopts;

/* The options, in the order of their getopt ids: --weight, --rake,
 * --rake-tol, --rake-iter, --weight-cap, --rake-report, --save-weights. */
enum { TAB_W_WEIGHT = 0, TAB_W_RAKE, TAB_W_TOL, TAB_W_ITER, TAB_W_CAP, TAB_W_REPORT,
       TAB_W_SAVE, TAB_W_COUNT };

/* Takes option which (TAB_W_*) with its value; false with msg when bad. */
bool tab_wopts_set(tab_wopts *o, int which, const char *val);
/* Checks the options together; false with msg when they conflict. */
bool tab_wopts_check(tab_wopts *o);
/* The weights the options ask for (*w NULL when none), the rake report
 * printed or kept; returns an exit status (messages printed). */
int tab_wopts_make(const char *cmd, const tab_wopts *o, const hoshi_dataset *ds,
                   hoshi_weights **w, char **report, size_t *report_len);
/* Writes the rake report (to --rake-report or stderr) and --save-weights;
 * returns an exit status. */
int tab_wopts_write(const char *cmd, const tab_wopts *o, const hoshi_weights *w,
                    const char *data_path, const char *report, size_t report_len);

#endif
