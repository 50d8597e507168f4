/*
 * test_faults.c — allocation-failure injection: the n-th allocation inside
 * the library fails, for every n until the whole scenario succeeds.  Each
 * step must then report HOSHI_ERR_NOMEM (never crash, never leak — the
 * sanitizers watch) or succeed.
 */
#include "hoshi/hoshi.h"
#include "hoshi/testing.h"
#include "unit.h"

#include <stdlib.h>

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

int main(void)
{
    RUN(every_allocation_can_fail);
    return UNIT_RESULT();
}
