/*
 * test_faults.c — allocation-failure injection: the n-th allocation inside
 * the library fails, for every n until the whole scenario succeeds.  Each
 * step must then report HOSHI_ERR_NOMEM (never crash, never leak — the
 * sanitizers watch) or succeed; when only the n-th allocation fails, a
 * success must give exactly the output of a run without failures.
 */
#include "hoshi/hoshi.h"
#include "hoshi/testing.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

static bool step_ok(hoshi_err err, bool *all_ok)
{
    if (err != HOSHI_OK && err != HOSHI_ERR_NOMEM) {
        printf("  unexpected error %d: %s\n", (int)err, hoshi_error_detail());
        unit_case_failed = 1;
    }
    if (err != HOSHI_OK)
        *all_ok = false;
    return err == HOSHI_OK;
}

/* Runs the whole core once; true when every step succeeded. */
static bool scenario(void)
{
    bool all_ok = true;
    hoshi_catalog *c = NULL;
    if (!step_ok(hoshi_catalog_open(NULL, HOSHI_LANG_JA, &c), &all_ok))
        return false;
    hoshi_answer a[HOSHI_DIAG_ITEMS];
    for (int i = 0; i < HOSHI_DIAG_ITEMS; i++)
        a[i] = (hoshi_answer)(1 + i % 4);
    const hoshi_report_format fmts[] = {HOSHI_REPORT_TEXT, HOSHI_REPORT_JSON, HOSHI_REPORT_HTML,
                                        HOSHI_REPORT_HTML_FRAGMENT};
    hoshi_report_opts ro = {"星野商店", "2026年4月1日"};
    for (size_t f = 0; f < sizeof fmts / sizeof fmts[0]; f++) {
        char *out = NULL;
        if (step_ok(hoshi_report_render(c, a, fmts[f], &ro, &out, NULL), &all_ok))
            CHECK(out != NULL && out[0] != '\0');
        free(out);
    }
    const hoshi_policy_format pf[] = {HOSHI_POLICY_MD, HOSHI_POLICY_HTML, HOSHI_POLICY_TEXT};
    hoshi_policy_info info = {"星野商店", "代表 星野花子", "2026-04-01", "総務部"};
    for (size_t f = 0; f < sizeof pf / sizeof pf[0]; f++) {
        char *out = NULL;
        if (step_ok(hoshi_policy_render(c, &info, pf[f], &out, NULL), &all_ok))
            CHECK(out != NULL && out[0] != '\0');
        free(out);
    }
    hoshi_catalog_free(c);
    return all_ok;
}

static void every_allocation_can_fail(void)
{
    long n = 0;
    for (; n < 100000; n++) {
        hoshi_testing_fail_alloc_after(n);
        bool ok = scenario();
        hoshi_testing_fail_alloc_after(-1);
        if (ok)
            break;
    }
    CHECK(n > 10);       /* the scenario does allocate: failures were really injected */
    CHECK(n < 100000);   /* and it eventually succeeds */
    printf("  %ld allocation points exercised\n", n);
    CHECK(scenario());
}

extern size_t hi_tab_parallel_rows; /* internal: banners on two threads from this size */

/* The tabulation engine in one process: parse, a sorted cross table with
 * a net on two threads, rendered as JSON and SVG.  Returns the output, or
 * NULL with *err set. */
static char *tab_scenario(hoshi_err *err)
{
    static const char cb[] = "qid,type,code,label\nS,SA,,Side\nS,SA,1,a\nS,SA,2,b\n"
                             "M,MA,,Multi\nM,MA,1,x\nM,MA,2,y\nM,MA,3,z\nV,NUM,,Value\n";
    static const char data[] = "id,S,M_1,M_2,M_3,V\n1,1,0,1,1,3\n2,2,0,0,1,5\n3,1,1,1,1,\n"
                               "4,2,0,0,1,8\n";
    hoshi_dataset *ds = NULL;
    hoshi_tabset *ts = NULL;
    char *json = NULL, *svg = NULL, *out = NULL;
    const char *heads[] = {"M", "S", "V"};
    const long xy[] = {1, 2};
    const hoshi_tab_net nets[] = {{"M", "xy", xy, 2}}; /* --net M:xy=1,2 */
    hoshi_tab_spec spec = {"S", heads, 3, NULL, 0, NULL, 0, nets, 1, NULL, 0, true, 2, NULL, 0, NULL, 0, NULL};
    /* a banner too: stacked and nested sides, every cell kind (issue 10) */
    const char *sides[] = {"M", "S/M"};
    const hoshi_tab_cell cells[] = {HOSHI_TAB_CELL_COL, HOSHI_TAB_CELL_COUNT, HOSHI_TAB_CELL_ROW};
    hoshi_tab_spec banner = {.heads = heads, .n_heads = 2, .top_box = 2, .sides = sides,
                             .n_sides = 2, .cells = cells, .n_cells = 3};
    hoshi_tabset *bs = NULL;
    char *md = NULL;
    size_t n1 = 0, n2 = 0, n3 = 0;
    if ((*err = hoshi_dataset_parse("cb", cb, sizeof cb - 1, "d", data, sizeof data - 1,
                                    HOSHI_ENC_UTF8, &ds)) == HOSHI_OK &&
        (*err = hoshi_tab_run(ds, &spec, &ts)) == HOSHI_OK &&
        (*err = hoshi_tab_render(ts, HOSHI_TAB_JSON, NULL, &json, &n1)) == HOSHI_OK &&
        (*err = hoshi_tab_render(ts, HOSHI_TAB_SVG, NULL, &svg, &n2)) == HOSHI_OK &&
        (*err = hoshi_tab_run(ds, &banner, &bs)) == HOSHI_OK &&
        (*err = hoshi_tab_render(bs, HOSHI_TAB_MD, NULL, &md, &n3)) == HOSHI_OK) {
        out = malloc(n1 + n2 + n3 + 1);
        if (out != NULL) {
            memcpy(out, json, n1);
            memcpy(out + n1, svg, n2);
            memcpy(out + n1 + n2, md, n3 + 1);
        }
    }
    free(json);
    free(svg);
    free(md);
    hoshi_tabset_free(bs);
    hoshi_tabset_free(ts);
    hoshi_dataset_free(ds);
    return out;
}

/* Each allocation of the scenario fails once (the later ones succeed, so
 * a swallowed failure would show as other output) and from then on. */
static void every_tab_allocation_can_fail(void)
{
    size_t saved = hi_tab_parallel_rows;
    hi_tab_parallel_rows = 1;
    hoshi_err err;
    char *ref = tab_scenario(&err);
    CHECK(ref != NULL);
    for (int once = 0; once < 2 && ref; once++) {
        long n = 0;
        for (; n < 100000; n++) {
            hoshi_testing_fail_alloc(n, once);
            char *out = tab_scenario(&err);
            bool fired = hoshi_testing_alloc_failed();
            hoshi_testing_fail_alloc_after(-1);
            if (out != NULL && strcmp(out, ref) != 0) {
                printf("  n=%ld: other output (an error was swallowed)\n", n);
                unit_case_failed = 1;
            }
            if (out == NULL && err != HOSHI_ERR_NOMEM) {
                printf("  n=%ld: error %d: %s\n", n, (int)err, hoshi_error_detail());
                unit_case_failed = 1;
            }
            free(out);
            if (!fired)
                break;
        }
        CHECK(n > 50 && n < 100000);
        printf("  %ld allocation points exercised (%s)\n", n, once ? "one failure" : "from n on");
    }
    free(ref);
    hi_tab_parallel_rows = saved;
}

int main(void)
{
    RUN(every_allocation_can_fail);
    RUN(every_tab_allocation_can_fail);
    return UNIT_RESULT();
}
