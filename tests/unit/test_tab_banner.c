/*
 * test_tab_banner.c — banners through the engine's API (issue 10, part 3):
 * the blocks and hidden column-base rows that hoshi_tab_run() gives a table
 * of stacked and nested sides, the cell kinds a spec may ask for (checked
 * by the engine, not only the CLI), and every allocation of a banner
 * failing in turn (HOSHI_ERR_NOMEM, never a leak or other output).
 */
#include <stdlib.h>
#include <string.h>

#include "hoshi/hoshi.h"
#include "hoshi/testing.h"
#include "tab/table.h"
#include "unit.h"

static const char cb[] = "qid,type,code,label\nS,SA,,Side\nS,SA,1,a\nS,SA,2,b\n"
                         "M,MA,,Multi\nM,MA,1,x\nM,MA,2,y\nH,SA,,Head\nH,SA,1,p\nH,SA,2,q\n";
/* S: 1 1 2 2 _ ; M_1: 1 0 1 0 1 ; M_2: 1 1 0 0 0 ; H: 1 2 1 _ 2 */
static const char data[] = "id,S,M_1,M_2,H\n1,1,1,1,1\n2,1,0,1,2\n3,2,1,0,1\n4,2,0,0,\n5,,1,0,2\n";

static hoshi_dataset *open_data(void)
{
    hoshi_dataset *ds = NULL;
    CHECK_INT(hoshi_dataset_parse("cb", cb, sizeof cb - 1, "d", data, sizeof data - 1,
                                  HOSHI_ENC_UTF8, &ds), HOSHI_OK);
    return ds;
}

/* --side M --side S/M --cells count,col: blocks M, a / Multi, b / Multi. */
static void blocks_and_column_bases(void)
{
    hoshi_dataset *ds = open_data();
    if (ds == NULL)
        return;
    const char *heads[] = {"H"}, *sides[] = {"M", "S/M"};
    const hoshi_tab_cell cells[] = {HOSHI_TAB_CELL_COUNT, HOSHI_TAB_CELL_COL};
    hoshi_tab_spec spec = {.heads = heads, .n_heads = 1, .top_box = 2, .sides = sides,
                           .n_sides = 2, .cells = cells, .n_cells = 2};
    hoshi_tabset *ts = NULL;
    CHECK_INT(hoshi_tab_run(ds, &spec, &ts), HOSHI_OK);
    if (ts != NULL && ts->n == 1) {
        const hi_table *t = &ts->t[0];
        CHECK_INT(t->n_rows, 7); /* total, x, y, a/x, a/y, b/x, b/y */
        CHECK_INT(t->n_hidden, 3);
        CHECK(t->banner);
        CHECK_INT(t->n_cells, 2);
        CHECK_INT(hi_tab_block_count(t), 3);
        CHECK_STR(hi_tab_block(t, 0).label, "M Multi");
        CHECK_STR(hi_tab_block(t, 1).label, "a / M Multi");
        CHECK_STR(hi_tab_block(t, 2).label, "b / M Multi");
        CHECK_INT(hi_tab_block(t, 2).first, 5);
        CHECK_INT(hi_tab_block(t, 2).n, 2);
        CHECK_STR(t->row_label[3], "a / x");
        CHECK_INT(t->row_n[3], 1);
        /* block M: respondents 1,2,3,5 (4 chose nothing); column p: 1 and 3 */
        CHECK(hi_tab_block_base(t, 0) == 4);
        CHECK(hi_tab_col_base(t, 0, 0) == 2);
        CHECK(hi_tab_col_base(t, 0, 1) == 2);
        /* block a / Multi: respondents 1 and 2 */
        CHECK(hi_tab_block_base(t, 1) == 2);
        CHECK(hi_tab_col_base(t, 1, 0) == 1);
        /* the total row is its own column base */
        CHECK(hi_tab_col_base(t, SIZE_MAX, 0) == 2);
    } else {
        CHECK(0);
    }
    hoshi_tabset_free(ts);
    hoshi_dataset_free(ds);
}

/* A single side gets one block and no hidden rows without column %. */
static void one_side_is_one_block(void)
{
    hoshi_dataset *ds = open_data();
    if (ds == NULL)
        return;
    const char *heads[] = {"H"};
    hoshi_tab_spec spec = {.side = "S", .heads = heads, .n_heads = 1, .top_box = 2};
    hoshi_tabset *ts = NULL;
    CHECK_INT(hoshi_tab_run(ds, &spec, &ts), HOSHI_OK);
    if (ts != NULL) {
        const hi_table *t = &ts->t[0];
        CHECK_INT(t->n_rows, 3);
        CHECK_INT(t->n_hidden, 0);
        CHECK(!t->banner);
        CHECK_INT(hi_tab_block_count(t), 1);
        CHECK_STR(hi_tab_block(t, 0).label, "S Side");
    }
    hoshi_tabset_free(ts);
    hoshi_dataset_free(ds);
}

/* The engine checks the kinds of a spec made without the CLI. */
static void bad_cells_are_refused(void)
{
    hoshi_dataset *ds = open_data();
    if (ds == NULL)
        return;
    const char *heads[] = {"H"};
    const hoshi_tab_cell twice[] = {HOSHI_TAB_CELL_ROW, HOSHI_TAB_CELL_ROW};
    const hoshi_tab_cell unknown[] = {(hoshi_tab_cell)7};
    hoshi_tab_spec spec = {.side = "S", .heads = heads, .n_heads = 1, .top_box = 2,
                           .cells = twice, .n_cells = 2};
    hoshi_tabset *ts = NULL;
    CHECK_INT(hoshi_tab_run(ds, &spec, &ts), HOSHI_ERR_USAGE);
    CHECK_STR(hoshi_error_detail(), "--cells: a kind is given twice");
    spec.cells = unknown;
    spec.n_cells = 1;
    CHECK_INT(hoshi_tab_run(ds, &spec, &ts), HOSHI_ERR_USAGE);
    CHECK_STR(hoshi_error_detail(), "--cells: unknown kind 7");
    const char *deep[] = {"S/M/S"};
    spec = (hoshi_tab_spec){.heads = heads, .n_heads = 1, .top_box = 2, .sides = deep, .n_sides = 1};
    CHECK_INT(hoshi_tab_run(ds, &spec, &ts), HOSHI_ERR_USAGE);
    CHECK_STR(hoshi_error_detail(),
              "--side 'S/M/S': nesting goes two levels deep at most (OUTER/INNER)");
    hoshi_dataset_free(ds);
}

/* A banner with every kind, rendered as csv, md and json; NULL with *err. */
static char *banner_scenario(hoshi_err *err)
{
    hoshi_dataset *ds = NULL;
    hoshi_tabset *ts = NULL;
    char *a = NULL, *b = NULL, *c = NULL, *out = NULL;
    size_t na = 0, nb = 0, nc = 0;
    const char *heads[] = {"H", "M"}, *sides[] = {"S", "M/S"};
    const hoshi_tab_cell cells[] = {HOSHI_TAB_CELL_COL, HOSHI_TAB_CELL_COUNT, HOSHI_TAB_CELL_ROW};
    hoshi_tab_spec spec = {.heads = heads, .n_heads = 2, .top_box = 2, .sides = sides,
                           .n_sides = 2, .cells = cells, .n_cells = 3};
    hoshi_tab_render_opts ro = {.sig = true, .lang = HOSHI_LANG_EN};
    if ((*err = hoshi_dataset_parse("cb", cb, sizeof cb - 1, "d", data, sizeof data - 1,
                                    HOSHI_ENC_UTF8, &ds)) == HOSHI_OK &&
        (*err = hoshi_tab_run(ds, &spec, &ts)) == HOSHI_OK &&
        (*err = hoshi_tab_render(ts, HOSHI_TAB_CSV, &ro, &a, &na)) == HOSHI_OK &&
        (*err = hoshi_tab_render(ts, HOSHI_TAB_MD, &ro, &b, &nb)) == HOSHI_OK &&
        (*err = hoshi_tab_render(ts, HOSHI_TAB_JSON, &ro, &c, &nc)) == HOSHI_OK) {
        out = malloc(na + nb + nc + 1);
        if (out != NULL) {
            memcpy(out, a, na);
            memcpy(out + na, b, nb);
            memcpy(out + na + nb, c, nc + 1);
        }
    }
    free(a);
    free(b);
    free(c);
    hoshi_tabset_free(ts);
    hoshi_dataset_free(ds);
    return out;
}

static void every_banner_allocation_can_fail(void)
{
    hoshi_err err;
    char *ref = banner_scenario(&err);
    CHECK(ref != NULL);
    long n = 0;
    for (; ref != NULL && n < 100000; n++) {
        hoshi_testing_fail_alloc(n, true);
        char *out = banner_scenario(&err);
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
    free(ref);
}

int main(void)
{
    RUN(blocks_and_column_bases);
    RUN(one_side_is_one_block);
    RUN(bad_cells_are_refused);
    RUN(every_banner_allocation_can_fail);
    return UNIT_RESULT();
}
