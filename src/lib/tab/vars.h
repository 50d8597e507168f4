/*
 * vars.h — categorical and numeric views of survey variables (see vars.c).
 */
#ifndef HOSHI_TAB_VARS_H
#define HOSHI_TAB_VARS_H

#include "tab/tab_int.h"

typedef struct hi_cat {
    char *label;
    long code;          /* codebook code; band/derived categories count from 1 */
    uint64_t *bits;     /* respondents in the category */
    bool own;           /* bits belong to the variable (else to the store) */
    bool net;           /* made by --net */
} hi_cat;

typedef struct hi_var {
    char *name;
    char *title;
    const hi_question *q;   /* NULL for derived variables */
    hi_cat *cat;
    size_t n;
    uint64_t *present;      /* answered at all (owned) */
    const uint8_t *sa;      /* an SA column not yet turned into bitsets (lazy) */
    size_t sa_rows;
    bool ma;                /* categories overlap */
    bool grid;              /* a whole GRID/DIAG question: open its items instead */
    bool is_num;
    const double *num;
    const uint64_t *num_present;
    double *num_own;
    uint64_t *num_present_own;
} hi_var;

/* Checks the .hsd columns that variable `name` reads (a no-op for CSV
 * data and for names that are not variables).  Call it on the thread that
 * owns the run before opening the variable: hi_var_open() only confirms
 * that the check was done, so threads opening variables never write. */
hoshi_err hi_var_verify(const hoshi_dataset *ds, const char *name);
/* Opens variable `name`; on failure v is left empty.  Free with hi_var_free(). */
hoshi_err hi_var_open(const hoshi_dataset *ds, const char *name, hi_var *v);
void hi_var_free(hi_var *v);
/* Builds the category bitsets of a lazy SA variable (a no-op otherwise);
 * everything but the streaming counter in tab.c needs them. */
hoshi_err hi_var_materialize(hi_var *v);
/* Turns a NUM variable into the categories of bands. */
hoshi_err hi_var_bands(hi_var *v, size_t n_rows, const hoshi_tab_band *bands, size_t n);
/* Inserts a category at position at (takes bits when own). */
hoshi_err hi_var_add_cat(hi_var *v, const char *label, long code, uint64_t *bits, bool own,
                         size_t at);

#endif
