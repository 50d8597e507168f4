/*
 * test_tab_banner.c — banners through the engine's API (issue 10, part 3):
 * the blocks and hidden column-base rows that hoshi_tab_run() gives a table
 * of stacked and nested sides, the cell kinds a spec may ask for (checked
 * by the engine, not only the CLI), and what the walk hands a format of a
 * weighted banner.  Every allocation of a banner failing in turn is in
 * test_faults.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoshi/hoshi.h"
#include "tab/walk.h"
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

/* What the walk hands a format, one line per call. */
static void w_row(void *ctx, const hi_walk_table *w, const hi_walk_row *row)
{
    (void)w;
    size_t n = strlen(ctx);
    snprintf((char *)ctx + n, 1024 - n, "%s|%s|%llu", row->kind, row->label,
             (unsigned long long)row->n);
}

static void w_cell(void *ctx, const hi_walk_table *w, const hi_walk_row *row, const hi_walk_cell *c)
{
    (void)w, (void)row;
    size_t n = strlen(ctx);
    if (c->kind == HI_WALK_COUNT)
        snprintf((char *)ctx + n, 1024 - n, " %llu", (unsigned long long)c->count);
    else if (c->kind == HI_WALK_PCT)
        snprintf((char *)ctx + n, 1024 - n, " %llu%s", (unsigned long long)c->pct10,
                 c->sig ? "*" : "");
}

static void w_row_end(void *ctx, const hi_walk_table *w, const hi_walk_row *row)
{
    (void)w, (void)row;
    size_t n = strlen(ctx);
    snprintf((char *)ctx + n, 1024 - n, "\n");
}

/* A weighted table (hi_table.w, as --weight fills it): counts and column %
 * read the weighted cells, whole counts half up; the row % line keeps its
 * mark, the others never have one. */
static void weighted_counts_and_column_percent(void)
{
    char *labels[] = {"全体", "a", "b", "hidden"};
    uint64_t row_n[] = {4, 2, 2, 4};
    uint64_t count[] = {2, 2, 1, 1, 1, 1, 2, 2};
    int8_t sig[8] = {0, 0, 1, 0, 0, 0, 0, 0};
    double wcount[] = {2.5, 3.5, 2.0, 0.5, 0.5, 3.0, 2.5, 3.5};
    double wrow[] = {6.0, 2.5, 3.5, 6.0}, ess[] = {4, 2, 2, 4};
    hi_table_w tw = {wcount, wrow, ess, NULL, NULL};
    char *cols[] = {"p", "q"};
    uint8_t flags[2] = {0, 0};
    hi_block blk = {1, 2, "S Side"};
    hi_table t = {.id = "H", .title = "Head", .n_rows = 3, .row_label = labels, .row_n = row_n,
                  .n_cols = 2, .col_label = cols, .col_flag = flags, .count = count, .sig = sig,
                  .w = &tw, .block = &blk, .n_blocks = 1, .n_hidden = 1,
                  .cells = {HOSHI_TAB_CELL_COUNT, HOSHI_TAB_CELL_ROW, HOSHI_TAB_CELL_COL},
                  .n_cells = 3};
    hi_walk_opts o = {NULL, false, false, HI_ST_MAX, true, false, false};
    hi_walk_fmt f = {.row = w_row, .cell = w_cell, .row_end = w_row_end};
    char out[1024] = "";
    hi_tab_walk_table(&t, 0, 1, &o, &f, out);
    /* row % still reads the unweighted counts until --weight makes it
     * weighted (another part of issue 10); counts and column % are weighted:
     * 0.5 is 1 (half up), a's p is 2.0 of the block's 2.5 (80.0%) */
    /* N and row % are weighted too: N the weighted base half up (2.5 -> 3) */
    CHECK_STR(out, "base||6 3 4\n"
                   "count|全体|6 3 4\n"
                   "row|全体|6 417 583\n"
                   "col|全体|6 1000 1000\n"
                   "base||6 3 4\n"
                   "count|a|3 2 1\n"
                   "row|a|3 800* 200\n"
                   "col|a|3 800 143\n"
                   "count|b|4 1 3\n"
                   "row|b|4 143 857\n"
                   "col|b|4 200 857\n");
}

int main(void)
{
    RUN(weighted_counts_and_column_percent);
    RUN(blocks_and_column_bases);
    RUN(one_side_is_one_block);
    RUN(bad_cells_are_refused);
    return UNIT_RESULT();
}
