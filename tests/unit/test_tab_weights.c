/*
 * test_tab_weights.c — weights through the library API: made from an
 * array (checked), handed to a run over a dataset of another size
 * (refused), the weighted median on an exact tie (the mean of the two
 * values, as unweighted), zero weights, raking from memory with its report,
 * and the counting kernels on a side whose rows overlap (an MA side, no
 * row_of) agreeing with the one-bucket path of an SA side.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoshi/hoshi.h"
#include "tab/table.h"
#include "unit.h"

static const char CB[] =
    "qid,type,code,label\n"
    "S,SA,,size\n"
    "S,SA,1,small\n"
    "S,SA,2,big\n"
    "M,MA,,multi\n"
    "M,MA,1,a\n"
    "M,MA,2,b\n"
    "V,NUM,,value\n";
static const char DATA[] =
    "id,S,M_1,M_2,V\n"
    "1,1,1,0,10\n"
    "2,1,1,1,20\n"
    "3,2,0,1,30\n"
    "4,2,1,1,40\n";

static hoshi_dataset *open_ds(void)
{
    hoshi_dataset *ds = NULL;
    CHECK_INT(hoshi_dataset_parse("cb", CB, strlen(CB), "d", DATA, strlen(DATA), HOSHI_ENC_UTF8, &ds),
              HOSHI_OK);
    return ds;
}

static hoshi_tabset *run_w(const hoshi_dataset *ds, const char *side, const char *head,
                           const hoshi_weights *w)
{
    const char *heads[] = {head};
    hoshi_tab_spec spec = {.side = side, .heads = heads, .n_heads = 1, .top_box = 2, .weights = w};
    hoshi_tabset *ts = NULL;
    CHECK_INT(hoshi_tab_run(ds, &spec, &ts), HOSHI_OK);
    return ts;
}

static void from_array_is_checked(void)
{
    double bad[] = {1, -2, 3};
    hoshi_weights *w = NULL;
    CHECK_INT(hoshi_weights_from_array(bad, 3, "x", &w), HOSHI_ERR_INPUT);
    CHECK_STR(hoshi_error_detail(), "weight 2 is -2 (weights are 0 or more)");
    double nan[] = {1, NAN};
    CHECK_INT(hoshi_weights_from_array(nan, 2, "x", &w), HOSHI_ERR_INPUT);
    double ok[] = {0.5, 0, 2};
    CHECK_INT(hoshi_weights_from_array(ok, 3, "design", &w), HOSHI_OK);
    CHECK(hoshi_weights_count(w) == 3);
    CHECK(hoshi_weights_get(w, 2) == 2);
    CHECK(isnan(hoshi_weights_get(w, 3)));
    CHECK_STR(hoshi_weights_label(w), "design");
    hoshi_dataset *ds = open_ds();
    const char *heads[] = {"S"};
    hoshi_tab_spec spec = {.heads = heads, .n_heads = 1, .weights = w};
    hoshi_tabset *ts = NULL;
    CHECK_INT(hoshi_tab_run(ds, &spec, &ts), HOSHI_ERR_USAGE);
    CHECK_STR(hoshi_error_detail(), "the weights are for 3 respondents, the data has 4");
    hoshi_weights_free(w);
    hoshi_dataset_free(ds);
}

static void median_tie_and_zero_weights(void)
{
    hoshi_dataset *ds = open_ds();
    /* weights 1,1,2,0: cumulative weight reaches exactly half (2 of 4) at 20 */
    double wv[] = {1, 1, 2, 0};
    hoshi_weights *w = NULL;
    CHECK_INT(hoshi_weights_from_array(wv, 4, "W", &w), HOSHI_OK);
    hoshi_tabset *ts = run_w(ds, NULL, "V", w);
    if (ts != NULL) {
        const hi_table *t = &ts->t[0];
        CHECK(t->w != NULL);
        CHECK(t->stat[HI_ST_N] == 4);                      /* weighted, the zero one too */
        CHECK(fabs(t->stat[HI_ST_MEAN] - 22.5) < 1e-12);   /* (10 + 20 + 60) / 4 */
        CHECK(t->stat[HI_ST_MEDIAN] == 25.0);              /* tie: (20 + 30) / 2 */
        CHECK(t->stat[HI_ST_MIN] == 10 && t->stat[HI_ST_MAX] == 40);
        CHECK(fabs(t->w->ess[0] - 16.0 / 6.0) < 1e-12);
    }
    hoshi_tabset_free(ts);
    hoshi_weights_free(w);
    hoshi_dataset_free(ds);
}

/* The same cells counted by the side's buckets (SA side) and row by row
 * (MA side with one category per row is the same split). */
static void overlapping_side_rows_count_alike(void)
{
    hoshi_dataset *ds = open_ds();
    double wv[] = {0.5, 1.5, 2, 4};
    hoshi_weights *w = NULL;
    CHECK_INT(hoshi_weights_from_array(wv, 4, "W", &w), HOSHI_OK);
    hoshi_tabset *ts = run_w(ds, "M", "S", w); /* rows a = {1,2,4}, b = {2,3,4} overlap */
    if (ts != NULL) {
        const hi_table *t = &ts->t[0];
        CHECK(t->n_rows == 3);
        CHECK(hi_tab_base(t, 0) == 8 && hi_tab_base(t, 1) == 6 && hi_tab_base(t, 2) == 7.5);
        CHECK(hi_tab_cell(t, 1, 0) == 2 && hi_tab_cell(t, 1, 1) == 4);   /* a: small 0.5+1.5, big 4 */
        CHECK(hi_tab_cell(t, 2, 0) == 1.5 && hi_tab_cell(t, 2, 1) == 6); /* b: small 1.5, big 2+4 */
    }
    hoshi_tabset_free(ts);
    ts = run_w(ds, "S", "M", w); /* disjoint rows: one bucket each */
    if (ts != NULL) {
        const hi_table *t = &ts->t[0];
        CHECK(hi_tab_cell(t, 0, 0) == 6 && hi_tab_cell(t, 0, 1) == 7.5);
        CHECK(hi_tab_cell(t, 1, 0) == 2 && hi_tab_cell(t, 1, 1) == 1.5);
        CHECK(hi_tab_cell(t, 2, 0) == 4 && hi_tab_cell(t, 2, 1) == 6);
    }
    hoshi_tabset_free(ts);
    hoshi_weights_free(w);
    hoshi_dataset_free(ds);
}

static void rake_from_memory(void)
{
    hoshi_dataset *ds = open_ds();
    static const char T[] = "variable,code,target\nS,1,0.25\nS,2,0.75\n";
    hoshi_weights *w = NULL;
    hoshi_rake_report rep;
    CHECK_INT(hoshi_weights_rake_parse(ds, "t.csv", T, strlen(T), NULL, &w, &rep), HOSHI_OK);
    if (w != NULL) {
        CHECK(fabs(hoshi_weights_get(w, 0) - 0.5) < 1e-12 && fabs(hoshi_weights_get(w, 3) - 1.5) < 1e-12);
        CHECK(rep.converged && rep.n == 4 && rep.n_vars == 1 && rep.trims == 0);
        CHECK(fabs(rep.mean - 1) < 1e-12 && fabs(rep.deff - 1.25) < 1e-12);
        char *text = NULL;
        size_t len = 0;
        CHECK_INT(hoshi_rake_report_text(&rep, &text, &len), HOSHI_OK);
        CHECK(text != NULL && strstr(text, "design effect 1.2500, effective base 3.2\n") != NULL);
        free(text);
    }
    hoshi_weights_free(w);
    hoshi_rake_opts o = {2, 0, 0, 0};
    CHECK_INT(hoshi_weights_rake_parse(ds, "t.csv", T, strlen(T), &o, &w, NULL), HOSHI_ERR_USAGE);
    hoshi_dataset_free(ds);
}

int main(void)
{
    RUN(from_array_is_checked);
    RUN(median_tie_and_zero_weights);
    RUN(overlapping_side_rows_count_alike);
    RUN(rake_from_memory);
    return UNIT_RESULT();
}
