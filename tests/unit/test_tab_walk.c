/*
 * test_tab_walk.c — the one row walk every format renders decides, once,
 * what a table shows: N first, the categories (無回答 in the texts'
 * language for the human formats, as in the table for csv and json) or
 * the statistics up to the last a format shows; the total row's label;
 * small bases; zero cells; and significance marks, withheld with --no-sig
 * and on a small base while the computed mark stays for JSON.  Tables are
 * built by hand so each decision is seen on its own.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoshi/hoshi.h"
#include "tab/walk.h"
#include "unit.h"

/* What the walk called, one line per call, as "kind:fields". */
typedef struct trace {
    char text[2048];
    size_t len;
} trace;

static void put(trace *tr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(trace *tr, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tr->text + tr->len, sizeof tr->text - tr->len, fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < sizeof tr->text - tr->len)
        tr->len += (size_t)n;
}

static void t_table(void *ctx, const hi_walk_table *w)
{
    put(ctx, "table %s %zu/%zu cols %zu\n", w->t->id, w->index, w->count, w->n_cols);
}

static void t_head(void *ctx, const hi_walk_table *w, const hi_walk_col *col)
{
    (void)w;
    put(ctx, "head %zu k%d %s f%u\n", col->c, (int)col->kind, col->label, col->flags);
}

static void t_row(void *ctx, const hi_walk_table *w, const hi_walk_row *row)
{
    (void)w;
    put(ctx, "row %zu %s n%llu%s\n", row->r, row->label, (unsigned long long)row->n,
        row->small ? " small" : "");
}

static void t_cell(void *ctx, const hi_walk_table *w, const hi_walk_row *row,
                   const hi_walk_cell *c)
{
    (void)w, (void)row;
    if (c->kind == HI_WALK_BASE)
        put(ctx, " base %llu", (unsigned long long)c->base);
    else if (c->kind == HI_WALK_PCT)
        put(ctx, " %llu/%llu=%llu%s s%d m%d", (unsigned long long)c->count,
            (unsigned long long)c->base, (unsigned long long)c->pct10, c->zero ? " zero" : "",
            c->sig, c->mark);
    else if (isnan(c->value))
        put(ctx, " st%d none%s", c->st, c->no_values ? " novalues" : "");
    else
        put(ctx, " st%d %g%s", c->st, c->value, c->no_values ? " novalues" : "");
}

static void t_cell_none(void *ctx, const hi_walk_table *w, const hi_walk_row *row,
                        const hi_walk_cell *c)
{
    t_cell(ctx, w, row, c);
    if (c->kind == HI_WALK_PCT && c->none)
        put(ctx, " nopct");
}

static void t_row_end(void *ctx, const hi_walk_table *w, const hi_walk_row *row)
{
    (void)w, (void)row;
    put(ctx, "\n");
}

static void t_table_end(void *ctx, const hi_walk_table *w)
{
    (void)w;
    put(ctx, "end\n");
}

static const hi_walk_fmt tracer = {t_table, t_head, NULL, t_row, t_cell_none, t_row_end, t_table_end, NULL};

/* The trace of walking t, the index-th of count, with o. */
static const char *walked(trace *tr, const hi_table *t, size_t index, size_t count,
                          const hi_walk_opts *o)
{
    tr->len = 0;
    tr->text[0] = '\0';
    hi_tab_walk_table(t, index, count, o, &tracer, tr);
    return tr->text;
}

/* A cross table: total, a side category of 40 and one of 10 (small);
 * columns "a", "b" and 無回答. */
static char *row_label[] = {"全体", "big", "small"};
static uint64_t row_n[] = {50, 40, 10};
static char *col_label[] = {"a", "b", "無回答"};
static uint8_t col_flag[] = {0, HI_CF_NET, HI_CF_NOANS};
static uint64_t count[] = {25, 20, 5, /**/ 30, 0, 4, /**/ 1, 0, 1};
static int8_t sig[] = {0, 0, 0, /**/ 2, -1, 0, /**/ -1, 0, 0};

static hi_table cat_table(void)
{
    hi_table t = {.id = "Q1", .title = "T", .side = "S", .n_rows = 3, .row_label = row_label,
                  .row_n = row_n, .n_cols = 3, .col_label = col_label, .col_flag = col_flag,
                  .count = count, .sig = sig};
    return t;
}

static hoshi_tab_texts *english(void)
{
    hoshi_tab_texts *tx = NULL;
    CHECK(hoshi_tab_texts_open(HOSHI_DATADIR, HOSHI_LANG_EN, &tx) == HOSHI_OK);
    return tx;
}

static void human_view_of_a_cross_table(void)
{
    hoshi_tab_texts *tx = english();
    if (tx == NULL)
        return;
    hi_table t = cat_table();
    hi_walk_opts o = {tx, true, false, HI_ST_SD, true, false, false};
    trace tr;
    CHECK_STR(walked(&tr, &t, 1, 3, &o), "table Q1 1/3 cols 4\n"
                       "head 0 k0 N f0\nhead 1 k1 a f0\nhead 2 k1 b f4\nhead 3 k1 No answer f1\n"
                       "row 0 Total n50\n base 50 25/50=500 s0 m0 20/50=400 s0 m0 5/50=100 s0 m0\n"
                       "row 1 big n40\n base 40 30/40=750 s2 m2 0/40=0 zero s-1 m-1 4/40=100 s0 m0\n"
                       "row 2 small n10 small\n base 10 1/10=100 s-1 m0 0/10=0 zero s0 m0 1/10=100 s0 m0\n"
                       "end\n");
    hoshi_tab_texts_free(tx);
}

static void machine_view_without_marks(void)
{
    hi_table t = cat_table();
    hi_walk_opts o = {NULL, false, false, HI_ST_MAX, false, false, false};
    trace tr;
    CHECK_STR(walked(&tr, &t, 0, 1, &o), "table Q1 0/1 cols 4\n"
                       "head 0 k0 N f0\nhead 1 k1 a f0\nhead 2 k1 b f4\nhead 3 k1 無回答 f1\n"
                       "row 0 全体 n50\n base 50 25/50=500 s0 m0 20/50=400 s0 m0 5/50=100 s0 m0\n"
                       "row 1 big n40\n base 40 30/40=750 s2 m0 0/40=0 zero s-1 m0 4/40=100 s0 m0\n"
                       "row 2 small n10 small\n base 10 1/10=100 s-1 m0 0/10=0 zero s0 m0 1/10=100 s0 m0\n"
                       "end\n");
}

/* A NUM head: csv stops at max, the others show sd; the human formats name
 * them from tab.ini; a row with no value has none.  A row is small by the
 * statistic N shown (2 of 40 here), not by its base (issue 10). */
static void statistics_of_a_num_head(void)
{
    static char *labels[] = {"全体", "none"};
    static uint64_t n[] = {40, 3};
    double stat[2 * HI_ST_COUNT] = {2, 1.5, 1.5, 1, 2, 0.70710678, 0, NAN, NAN, NAN, NAN, NAN};
    hi_table t = {.id = "N", .title = "T", .n_rows = 2, .row_label = labels, .row_n = n,
                  .num = true, .stat = stat};
    hi_walk_opts csv = {NULL, false, false, HI_ST_MAX, false, false, false};
    trace tr;
    CHECK_STR(walked(&tr, &t, 0, 1, &csv), "table N 0/1 cols 5\n"
                       "head 0 k2 N f0\nhead 1 k2 mean f0\nhead 2 k2 median f0\nhead 3 k2 min f0\n"
                       "head 4 k2 max f0\n"
                       "row 0 全体 n40 small\n st0 2 st1 1.5 st2 1.5 st3 1 st4 2\n"
                       "row 1 none n3 small\n st0 0 novalues st1 none novalues st2 none novalues"
                       " st3 none novalues st4 none novalues\n"
                       "end\n");
    hoshi_tab_texts *tx = english();
    if (tx == NULL)
        return;
    hi_walk_opts xlsx = {tx, true, true, HI_ST_SD, true, false, false};
    t.n_rows = 1;
    walked(&tr, &t, 0, 1, &xlsx);
    char want[512];
    snprintf(want, sizeof want,
             "table N 0/1 cols 6\nhead 0 k2 N f0\nhead 1 k2 %s f0\nhead 2 k2 %s f0\n"
             "head 3 k2 %s f0\nhead 4 k2 %s f0\nhead 5 k2 %s f0\n"
             "row 0 Total n40 small\n st0 2 st1 1.5 st2 1.5 st3 1 st4 2 st5 0.707107\nend\n",
             hi_tab_text(tx, "stat_mean"), hi_tab_text(tx, "stat_median"),
             hi_tab_text(tx, "stat_min"), hi_tab_text(tx, "stat_max"), hi_tab_text(tx, "stat_sd"));
    CHECK_STR(tr.text, want);
    CHECK(strcmp(hi_tab_text(tx, "stat_mean"), "") != 0);
    hoshi_tab_texts_free(tx);
}

/* The total row of a GRID counts the respondents (each item's base) and
 * has no percentages: it pools no items (issue 10); its base is small as
 * any other below 30. */
static void grid_total_has_no_percentages(void)
{
    static char *labels[] = {"全体", "item"};
    static uint64_t n[] = {40, 10};
    static char *cols[] = {"x"};
    static uint8_t flags[] = {0};
    static uint64_t cnt[] = {0, 10};
    static int8_t sg[] = {0, 0};
    hi_table t = {.id = "G", .title = "T", .n_rows = 2, .row_label = labels, .row_n = n,
                  .n_cols = 1, .col_label = cols, .col_flag = flags, .count = cnt, .sig = sg,
                  .grid = true};
    hi_walk_opts o = {NULL, false, false, HI_ST_SD, true, false, false};
    trace tr;
    CHECK_STR(walked(&tr, &t, 0, 1, &o), "table G 0/1 cols 2\nhead 0 k0 N f0\nhead 1 k1 x f0\n"
                       "row 0 全体 n40\n base 40 0/40=0 zero s0 m0 nopct\n"
                       "row 1 item n10 small\n base 10 10/10=1000 s0 m0\nend\n");
    n[0] = 20;
    CHECK_STR(walked(&tr, &t, 0, 1, &o), "table G 0/1 cols 2\nhead 0 k0 N f0\nhead 1 k1 x f0\n"
                       "row 0 全体 n20 small\n base 20 0/20=0 zero s0 m0 nopct\n"
                       "row 1 item n10 small\n base 10 10/10=1000 s0 m0\nend\n");
}

/* A row with no base has no percentages (every format leaves the cells
 * empty), while a zero count in a row with a base is a zero (issue 10). */
static void row_without_base_has_no_percentages(void)
{
    static char *labels[] = {"全体", "empty"};
    static uint64_t n[] = {5, 0};
    static char *cols[] = {"x"};
    static uint8_t flags[] = {0};
    static uint64_t cnt[] = {0, 0};
    static int8_t sg[] = {0, 0};
    hi_table t = {.id = "E", .title = "T", .n_rows = 2, .row_label = labels, .row_n = n,
                  .n_cols = 1, .col_label = cols, .col_flag = flags, .count = cnt, .sig = sg};
    hi_walk_opts o = {NULL, false, false, HI_ST_MAX, false, false, false};
    trace tr;
    CHECK_STR(walked(&tr, &t, 0, 1, &o), "table E 0/1 cols 2\nhead 0 k0 N f0\nhead 1 k1 x f0\n"
                       "row 0 全体 n5 small\n base 5 0/5=0 zero s0 m0\n"
                       "row 1 empty n0 small\n base 0 0/0=0 zero s0 m0 nopct\nend\n");
}

/* cell_at gives what the walk hands the cell callback (JSON reads it). */
static void cell_at_is_the_cell_the_walk_gives(void)
{
    hi_table t = cat_table();
    hi_walk_opts o = {NULL, false, false, HI_ST_SD, true, false, false};
    hi_walk_table w = {&t, 0, 1, 4, &o, false, false, false, NULL, 0};
    hi_walk_row big = {1, "big", 40, false, HI_LINE_ROW, true, 0, NULL, false, 40, 0, 0};
    hi_walk_cell c = hi_walk_cell_at(&w, &big, 1);
    CHECK_INT(c.kind, HI_WALK_PCT);
    CHECK_INT(c.count, 30);
    CHECK_INT(c.pct10, 750);
    CHECK_INT(c.mark, 2);
    c = hi_walk_cell_at(&w, &big, 0);
    CHECK_INT(c.kind, HI_WALK_BASE);
    CHECK_INT(c.base, 40);
}

/* hi_tab_share10, the one rounding of a share that tables and charts
 * show: exact half up on the counts unweighted (1/16 is 6.3, never 6.2),
 * half up on the ratio weighted, with a slack of 1e-9 tenth so a sum of
 * weights a hair under .5 rounds up; 0 of nothing. */
static void share10_rounds_half_up(void)
{
    hi_table t = {0};
    CHECK_INT(hi_tab_share10(&t, 1, 16), 63);
    CHECK_INT(hi_tab_share10(&t, 1, 3), 333);
    CHECK_INT(hi_tab_share10(&t, 2, 3), 667);
    CHECK_INT(hi_tab_share10(&t, 0, 0), 0);
    hi_table_w w = {0};
    t.w = &w;
    CHECK_INT(hi_tab_share10(&t, 0.00049999999999999, 1.0), 1); /* .05% a hair under: 0.1 */
    CHECK_INT(hi_tab_share10(&t, 1.0, 16.0), 63);
    CHECK_INT(hi_tab_share10(&t, 0.24, 1.0), 240);
    CHECK_INT(hi_tab_share10(&t, 0.0004, 1.0), 0);
    CHECK_INT(hi_tab_share10(&t, 0.0005, 1.0), 1);
    CHECK_INT(hi_tab_share10(&t, 1.5, 0.0), 0);
    CHECK_INT(hi_tab_share10(&t, 0.0, 2.0), 0);
}

int main(void)
{
    RUN(human_view_of_a_cross_table);
    RUN(machine_view_without_marks);
    RUN(statistics_of_a_num_head);
    RUN(grid_total_has_no_percentages);
    RUN(row_without_base_has_no_percentages);
    RUN(cell_at_is_the_cell_the_walk_gives);
    RUN(share10_rounds_half_up);
    return UNIT_RESULT();
}
