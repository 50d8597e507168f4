/*
 * test_tab_chart.c — the chart of a table (issue 10, part 7): the kind of
 * chart of each table (the same for SVG and the workbook), what a 100% stacked bar
 * leaves out, and hoshi_tab_chart(): one accessible SVG document per table,
 * its words in the texts' language, every label escaped, a table number out
 * of range refused.  Tables are built by hand, or run on a small survey.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoshi/hoshi.h"
#include "tab/table.h"
#include "unit.h"

static void kind_follows_the_table(void)
{
    hi_table t = {.n_rows = 1, .n_cols = 2};
    CHECK_INT(hi_tab_chart_kind(&t), HI_CHART_BARS);        /* SA, no side */
    t.chart_ma = true;
    CHECK_INT(hi_tab_chart_kind(&t), HI_CHART_BARS);        /* MA, no side */
    t.n_rows = 3;
    CHECK_INT(hi_tab_chart_kind(&t), HI_CHART_GROUPED);     /* MA by a side */
    t.chart_ma = false;
    CHECK_INT(hi_tab_chart_kind(&t), HI_CHART_STACKED);     /* SA by a side */
    t.grid = true;
    CHECK_INT(hi_tab_chart_kind(&t), HI_CHART_STACKED);     /* GRID items */
    t.grid = false;
    t.num = true;
    CHECK_INT(hi_tab_chart_kind(&t), HI_CHART_MEAN);        /* NUM */
}

static void stacked_bars_leave_out_nets_and_top_box(void)
{
    static uint8_t flags[] = {0, HI_CF_NET, HI_CF_TOPBOX, HI_CF_NOANS};
    hi_table t = {.n_rows = 2, .n_cols = 4, .col_flag = flags};
    CHECK(hi_tab_chart_stacks(&t, 0));
    CHECK(!hi_tab_chart_stacks(&t, 1));
    CHECK(!hi_tab_chart_stacks(&t, 2));
    CHECK(hi_tab_chart_stacks(&t, 3));
}

static const char CB[] = "qid,type,code,label\n"
                         "S,SA,,Side\nS,SA,1,A&B\nS,SA,2,<C>\n"
                         "H,SA,,\"Head \"\"h\"\"\"\nH,SA,1,yes\nH,SA,2,no\n"
                         "M,MA,,Multi\nM,MA,1,x\nM,MA,2,y\n"
                         "V,NUM,,Value\n";
static const char DATA[] = "id,S,H,M_1,M_2,V\n1,1,1,1,0,3\n2,2,2,1,1,5\n3,1,1,0,1,\n";

static void one_svg_per_table(void)
{
    hoshi_dataset *ds = NULL;
    hoshi_tabset *ts = NULL;
    hoshi_tab_texts *tx = NULL;
    if (hoshi_dataset_parse("cb.csv", CB, strlen(CB), "d.csv", DATA, strlen(DATA), HOSHI_ENC_AUTO,
                            &ds) != HOSHI_OK) {
        printf("  parse: %s\n", hoshi_error_detail());
        CHECK(false);
        return;
    }
    const char *heads[] = {"H", "M", "V"};
    hoshi_tab_spec spec = {.side = "S", .heads = heads, .n_heads = 3};
    CHECK(hoshi_tab_run(ds, &spec, &ts) == HOSHI_OK);
    CHECK(hoshi_tab_texts_open(HOSHI_DATADIR, HOSHI_LANG_EN, &tx) == HOSHI_OK);
    if (ts == NULL || tx == NULL)
        goto free_all;
    hoshi_tab_render_opts ro = {.bom = false, .cp932 = false, .sig = true, .lang = HOSHI_LANG_EN, .texts = tx};
    char *svg = NULL;
    size_t len = 0;
    CHECK(hoshi_tab_chart(ts, 0, &ro, &svg, &len) == HOSHI_OK);
    if (svg != NULL) {
        CHECK(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=", 48) == 0);
        CHECK(strlen(svg) == len);
        CHECK(strstr(svg, "role=\"img\" aria-labelledby=\"chart1-title\" aria-describedby=\"chart1-desc\"") != NULL);
        CHECK(strstr(svg, "<title id=\"chart1-title\">H Head &quot;h&quot; (N=3)</title>") != NULL);
        CHECK(strstr(svg, "<desc id=\"chart1-desc\">100% stacked bars:") != NULL);
        CHECK(strstr(svg, "A&amp;B (2)") != NULL);     /* a row label, escaped */
        CHECK(strstr(svg, "&lt;C&gt; (1)") != NULL);
        CHECK(strstr(svg, "<C>") == NULL);
        CHECK(strstr(svg, ">Total (3)<") != NULL);      /* the total row in English */
        CHECK(strstr(svg, "</svg>\n") == svg + len - 7); /* one document: it ends there */
        free(svg);
    }
    svg = NULL;
    CHECK(hoshi_tab_chart(ts, 1, &ro, &svg, &len) == HOSHI_OK);
    CHECK(svg != NULL && strstr(svg, "<desc id=\"chart2-desc\">Grouped horizontal bars") != NULL);
    free(svg);
    svg = NULL;
    CHECK(hoshi_tab_chart(ts, 2, &ro, &svg, &len) == HOSHI_OK);
    CHECK(svg != NULL && strstr(svg, ">Mean<") != NULL && strstr(svg, ">4.0<") != NULL);
    free(svg);
    svg = NULL;
    CHECK(hoshi_tab_chart(ts, 3, &ro, &svg, &len) == HOSHI_ERR_USAGE);
    CHECK(svg == NULL);
    CHECK(strstr(hoshi_error_detail(), "no table 4 (there are 3)") != NULL);
free_all:
    hoshi_tab_texts_free(tx);
    hoshi_tabset_free(ts);
    hoshi_dataset_free(ds);
}

int main(void)
{
    RUN(kind_follows_the_table);
    RUN(stacked_bars_leave_out_nets_and_top_box);
    RUN(one_svg_per_table);
    return UNIT_RESULT();
}
