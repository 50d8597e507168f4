/*
 * weights.h — respondent weights for survey tables: read from a NUM
 * column of the data (--weight VAR) or computed by raking (rim weighting,
 * iterative proportional fitting) to target shares of SA variables
 * (--rake TARGETS.csv).  A hoshi_weights holds one weight per respondent
 * of the dataset it was made for; hoshi_tab_spec.weights hands it to
 * hoshi_tab_run(), which then fills the weighted counts, bases and
 * effective bases of every table.  Made once, used by any number of runs.
 */
#ifndef HOSHI_WEIGHTS_H
#define HOSHI_WEIGHTS_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/error.h"

typedef struct hoshi_dataset hoshi_dataset;
typedef struct hoshi_weights hoshi_weights;

/* Weights from the NUM variable var of ds.  A respondent without a value
 * or with a negative (or infinite) one is HOSHI_ERR_INPUT naming the
 * respondent's data row; var not NUM is HOSHI_ERR_USAGE.  Caller frees
 * *out with hoshi_weights_free(). */
hoshi_err hoshi_weights_from_var(const hoshi_dataset *ds, const char *var, hoshi_weights **out);

/* Weights from an array of n (the dataset's respondents, in data order),
 * copied; label says what they are in the tables ("W", "design").  A
 * negative, NaN or infinite weight is HOSHI_ERR_INPUT naming its row.
 * Caller frees *out with hoshi_weights_free(). */
hoshi_err hoshi_weights_from_array(const double *w, size_t n, const char *label,
                                   hoshi_weights **out);

/* How raking runs.  Zeroed fields take the defaults. */
typedef struct hoshi_rake_opts {
    double tolerance;     /* largest |weighted share − target| accepted (1e-9) */
    int max_iter;         /* IPF sweeps at most, over all trimming rounds (1000) */
    double cap_lo, cap_hi;/* weights kept in [cap_lo, cap_hi] × the mean weight; 0 = no cap */
} hoshi_rake_opts;

/* What raking did. */
typedef struct hoshi_rake_report {
    size_t n;             /* respondents */
    size_t n_vars;        /* rake variables */
    int iterations;       /* IPF sweeps done */
    int trims;            /* trimming rounds (caps only) */
    bool converged;
    double max_error;     /* largest |weighted share − target| at the end */
    double min, max, mean;/* of the weights (the mean is 1: weights sum to n) */
    double deff;          /* Kish design effect n·Σw²/(Σw)² */
    double ess;           /* effective base (Σw)²/Σw² */
} hoshi_rake_report;

/* Rakes the respondents of ds to the targets of the file at path
 * ("variable,code,target", UTF-8 or CP932; see docs/tab.md).  Bad targets
 * are HOSHI_ERR_INPUT naming path:line; a respondent with no answer to a
 * rake variable is HOSHI_ERR_INPUT naming the variable and data row.  Not
 * converging in opts->max_iter sweeps is HOSHI_ERR_INPUT with the margin
 * error reached.  rep (may be NULL) is filled on success.  Caller frees
 * *out with hoshi_weights_free(). */
hoshi_err hoshi_weights_rake(const hoshi_dataset *ds, const char *path,
                             const hoshi_rake_opts *opts, hoshi_weights **out,
                             hoshi_rake_report *rep);
/* The same with the targets file in memory; name is used in messages. */
hoshi_err hoshi_weights_rake_parse(const hoshi_dataset *ds, const char *name, const char *text,
                                   size_t len, const hoshi_rake_opts *opts, hoshi_weights **out,
                                   hoshi_rake_report *rep);

/* The report as the lines `hoshi tab --rake` prints (malloc'd, caller frees). */
hoshi_err hoshi_rake_report_text(const hoshi_rake_report *rep, char **out, size_t *len);

/* How many weights (the dataset's respondents), and weight i (0-based). */
size_t hoshi_weights_count(const hoshi_weights *w);
double hoshi_weights_get(const hoshi_weights *w, size_t i);
/* What the weights are, as tables show it: the variable, or "rake: FILE". */
const char *hoshi_weights_label(const hoshi_weights *w);

/* Writes "id,weight" CSV, one line per respondent in data order, all or
 * nothing.  ids are read from the id column of the CSV file data_path;
 * when data_path is NULL or a .hsd cache (which keeps no ids) the first
 * column is "row", the 1-based data row. */
hoshi_err hoshi_weights_save(const hoshi_weights *w, const char *data_path, const char *path);

void hoshi_weights_free(hoshi_weights *w);

#endif
