/*
 * test_tab.c — the tabulation engine against tables computed by hand:
 * half-up rounding on exact ratios, empty categories, blank columns,
 * filters that leave nobody, NUM statistics, DIAG derived variables,
 * nets/recodes/sorting, and the CSV reader's syntax and error positions.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hoshi/hoshi.h"
#include "unit.h"

/* the CLI's parser of the option languages, whose spec the engine runs */
#include "../../src/cli/tab_options.c"

static const char CB[] =
    "qid,type,code,label\n"
    "S,SA,,Side\n"
    "S,SA,1,A\n"
    "S,SA,2,B\n"
    "H,SA,,Head\n"
    "H,SA,1,one\n"
    "H,SA,2,two\n"
    "H,SA,3,three\n"
    "M,MA,,Multi\n"
    "M,MA,1,x\n"
    "M,MA,2,その他\n"
    "M,MA,3,z\n"
    "V,NUM,,Value\n"
    "T,FA,,Text\n";

/* Appends s to the NUL-terminated text in buf of size cap (truncating). */
static void add(char *buf, size_t cap, const char *s)
{
    size_t n = strlen(buf), m = strlen(s);
    if (n + m >= cap)
        m = cap - n - 1;
    memcpy(buf + n, s, m);
    buf[n + m] = '\0';
}

/* Runs one table and renders csv; returns malloc'd text or NULL. */
static char *tab(const char *cb, const char *data, const char *side, const char *head,
                 const char *where, const char *net, bool sort)
{
    hoshi_dataset *ds = NULL;
    hoshi_tabset *ts = NULL;
    char *out = NULL;
    size_t len = 0;
    if (hoshi_dataset_parse("cb.csv", cb, strlen(cb), "data.csv", data, strlen(data),
                            HOSHI_ENC_AUTO, &ds) != HOSHI_OK) {
        printf("  parse: %s\n", hoshi_error_detail());
        return NULL;
    }
    /* the options as the command line spells them, parsed by the CLI's parser */
    tab_opts o;
    tab_opts_init(&o);
    o.sort = sort;
    if ((side && tab_opts_side(&o, side) != TAB_OPT_OK) || tab_opts_head(&o, head) != TAB_OPT_OK ||
        (where && tab_opts_where(&o, where) != TAB_OPT_OK) ||
        (net && tab_opts_net(&o, net, false) != TAB_OPT_OK)) {
        printf("  options: %s\n", o.msg);
        tab_opts_free(&o);
        hoshi_dataset_free(ds);
        return NULL;
    }
    hoshi_tab_spec spec = tab_opts_spec(&o);
    if (hoshi_tab_run(ds, &spec, &ts) != HOSHI_OK)
        printf("  run: %s\n", hoshi_error_detail());
    else if (hoshi_tab_render(ts, HOSHI_TAB_CSV, NULL, &out, &len) != HOSHI_OK)
        printf("  render: %s\n", hoshi_error_detail());
    hoshi_tabset_free(ts);
    hoshi_dataset_free(ds);
    tab_opts_free(&o);
    return out;
}

static void check_tab(const char *data, const char *side, const char *head, const char *where,
                      const char *expect)
{
    char *got = tab(CB, data, side, head, where, NULL, false);
    CHECK_STR(got, expect);
    free(got);
}

/* 16 respondents: one chose 1, so 6.25 % shows as 6.3 (half up). */
static void half_up_one_in_sixteen(void)
{
    char data[2048] = "id,S,H,M_1,M_2,M_3,V,T\n";
    for (int i = 0; i < 16; i++) {
        char row[64];
        snprintf(row, sizeof row, "%d,1,%d,0,0,0,,\n", i, i == 0 ? 1 : 2);
        add(data, sizeof data, row);
    }
    check_tab(data, NULL, "H", NULL,
              ",N,one,two,three\r\n"
              "全体,16,6.3,93.8,0.0\r\n");
}

static void half_up_other_ratios(void)
{
    /* 80 respondents, 1 → 1.25 → 1.3; 9 → 11.25 → 11.3; 70 → 87.5 */
    char data[4096] = "id,S,H,M_1,M_2,M_3,V,T\n";
    for (int i = 0; i < 80; i++) {
        char row[64];
        snprintf(row, sizeof row, "%d,1,%d,0,0,0,,\n", i, i == 0 ? 1 : i <= 9 ? 2 : 3);
        add(data, sizeof data, row);
    }
    check_tab(data, NULL, "H", NULL, ",N,one,two,three\r\n全体,80,1.3,11.3,87.5\r\n");
}

static const char SMALL[] =
    "id,S,H,M_1,M_2,M_3,V,T\n"
    "1,1,1,1,0,0,10,a\n"
    "2,1,2,1,1,0,20,\n"
    "3,2,,0,0,0,,\"multi\nline, \"\"quoted\"\"\"\n"
    "4,2,1,0,1,0,5.5,\n"
    "5,,2,,,1,,\n";

static void crosstab_with_noanswer_and_empty_category(void)
{
    check_tab(SMALL, "S", "H", NULL,
              ",N,one,two,three,無回答\r\n"
              "全体,5,40.0,40.0,0.0,20.0\r\n"
              "A,2,50.0,50.0,0.0,0.0\r\n"
              "B,2,50.0,0.0,0.0,50.0\r\n");
}

static void ma_head_and_where(void)
{
    check_tab(SMALL, "S", "M", NULL,
              ",N,x,その他,z,無回答\r\n"
              "全体,5,40.0,40.0,20.0,20.0\r\n"
              "A,2,100.0,50.0,0.0,0.0\r\n"
              "B,2,0.0,50.0,0.0,50.0\r\n");
    /* the head's own != drops the column and the respondents */
    check_tab(SMALL, NULL, "M", "M!=3",
              ",N,x,その他,無回答\r\n"
              "全体,4,50.0,50.0,25.0\r\n");
}

/* Rows with no base have no percentages: empty cells, not 0.0 (issue 10). */
static void filter_leaving_nobody(void)
{
    check_tab(SMALL, "S", "H", "H=3",
              ",N,one,two,three\r\n"
              "全体,0,,,\r\n"
              "A,0,,,\r\n"
              "B,0,,,\r\n");
}

static void all_blank_column(void)
{
    const char *data = "id,S,H,M_1,M_2,M_3,V,T\n1,1,,0,0,0,,\n2,2,,,,,,\n";
    check_tab(data, "S", "H", NULL,
              ",N,one,two,three,無回答\r\n"
              "全体,2,0.0,0.0,0.0,100.0\r\n"
              "A,1,0.0,0.0,0.0,100.0\r\n"
              "B,1,0.0,0.0,0.0,100.0\r\n");
    check_tab(data, NULL, "V", NULL, ",N,mean,median,min,max\r\n全体,0,,,,\r\n");
}

static void num_head(void)
{
    check_tab(SMALL, "S", "V", NULL,
              ",N,mean,median,min,max\r\n"
              "全体,3,11.8,10.0,5.5,20\r\n"
              "A,2,15.0,15.0,10,20\r\n"
              "B,1,5.5,5.5,5.5,5.5\r\n");
}

static void num_where_and_bands(void)
{
    check_tab(SMALL, NULL, "H", "V=10,5.5", ",N,one,two,three\r\n全体,2,100.0,0.0,0.0\r\n");
    hoshi_dataset *ds = NULL;
    hoshi_tabset *ts = NULL;
    char *out = NULL;
    size_t len;
    CHECK(hoshi_dataset_parse("cb", CB, strlen(CB), "d", SMALL, strlen(SMALL), HOSHI_ENC_AUTO,
                              &ds) == HOSHI_OK);
    const char *heads[] = {"H"};
    /* the typed bands of '低=..9.99;高=10..' */
    const hoshi_tab_band bands[] = {{"低", -INFINITY, 9.99}, {"高", 10, INFINITY}};
    hoshi_tab_spec spec = {"V", heads, 1, NULL, 0, bands, 2, NULL, 0, NULL, 0, false, 2, NULL, 0, NULL, 0, NULL};
    CHECK(hoshi_tab_run(ds, &spec, &ts) == HOSHI_OK);
    CHECK(ts && hoshi_tab_render(ts, HOSHI_TAB_CSV, NULL, &out, &len) == HOSHI_OK);
    CHECK_STR(out, ",N,one,two,three,無回答\r\n"
                   "全体,5,40.0,40.0,0.0,20.0\r\n"
                   "低,1,100.0,0.0,0.0,0.0\r\n"
                   "高,2,50.0,50.0,0.0,0.0\r\n");
    free(out);
    hoshi_tabset_free(ts);
    hoshi_dataset_free(ds);
}

static void net_and_sort(void)
{
    char *got = tab(CB, SMALL, NULL, "M", NULL, "M:x+z=1,3", true);
    /* sorted by total: x (2) and the net (3) first, その他 kept last */
    CHECK_STR(got, ",N,x+z,x,z,その他,無回答\r\n全体,5,60.0,40.0,20.0,40.0,20.0\r\n");
    free(got);
}

static const char DIAG_CB[] =
    "qid,type,code,label\n"
    "D,DIAG,,自社診断\n"
    "D,DIAG,1,実施している\n"
    "D,DIAG,2,一部実施している\n"
    "D,DIAG,3,実施していない\n"
    "D,DIAG,4,わからない\n";

static void diag_derived(void)
{
    char data[4096] = "id";
    for (int i = 1; i <= 25; i++) {
        char h[16];
        snprintf(h, sizeof h, ",D_%d", i);
        add(data, sizeof data, h);
    }
    add(data, sizeof data, "\n1");                       /* all 実施している: 100 */
    for (int i = 0; i < 25; i++) add(data, sizeof data, ",1");
    add(data, sizeof data, "\n2");                       /* items 1-5 yes, rest partly: 20+40 = 60 */
    for (int i = 0; i < 25; i++) add(data, sizeof data, i < 5 ? ",1" : ",2");
    add(data, sizeof data, "\n3");                       /* one blank: missing */
    for (int i = 0; i < 25; i++) add(data, sizeof data, i == 0 ? "," : ",4");
    add(data, sizeof data, "\n");
    char *got = tab(DIAG_CB, data, NULL, "D:score", NULL, NULL, false);
    CHECK_STR(got, ",N,mean,median,min,max\r\n全体,2,80.0,80.0,60,100\r\n");
    free(got);
    got = tab(DIAG_CB, data, "D:star1", "D:band", NULL, NULL, false);
    CHECK_STR(got, ",N,100点,70~99点,50~69点,49点以下,無回答\r\n"
                   "全体,3,33.3,0.0,33.3,0.0,33.3\r\n"
                   "該当,2,50.0,0.0,50.0,0.0,0.0\r\n"
                   "非該当,0,,,,,\r\n");
    free(got);
}

static void expect_error(const char *cb, const char *data, const char *msg)
{
    hoshi_dataset *ds = NULL;
    hoshi_err err = hoshi_dataset_parse("cb.csv", cb, strlen(cb), "data.csv", data, strlen(data),
                                        HOSHI_ENC_AUTO, &ds);
    CHECK(err == HOSHI_ERR_INPUT);
    CHECK(ds == NULL);
    if (strstr(hoshi_error_detail(), msg) == NULL) {
        unit_case_failed = 1;
        printf("  detail \"%s\" lacks \"%s\"\n", hoshi_error_detail(), msg);
    }
    hoshi_dataset_free(ds);
}

static void reader_errors(void)
{
    const char *h = "id,S,H,M_1,M_2,M_3,V,T\n";
    char d[512];
#define ERR(rows, msg) (snprintf(d, sizeof d, "%s%s", h, rows), expect_error(CB, d, msg))
    ERR("1,1,7,0,0,0,,\n", "data.csv:2:3: H: unknown code '7'");
    ERR("1,1,1,0,0,0,,\n2,1,1,0,0\n", "data.csv:3:5: row has 5 fields, the header has 8");
    ERR("1,1,1,0,0,0,,,\n", "data.csv:2:9: more fields");
    ERR("1,1,1,2,0,0,,\n", "data.csv:2:4: M_1: '2' is not 0 or 1");
    ERR("1,1,1,0,0,0,1e,\n", "data.csv:2:7: V: '1e' is not a number");
    ERR("1,1,1,0,0,0,abc,\n", "data.csv:2:7: V: 'abc' is not a number");
    ERR("1,1,1,0,0,0,,\"a\nb\n2,1,1,0,0,0,,x\n", "quoted field never closed");
    ERR("1,1,1,0,0,0,,a\"b\n", "data.csv:2:8: quote inside an unquoted field");
    ERR("1,\"1\"x,1,0,0,0,,\n", "data.csv:2:2: text after a closing quote");
    ERR("1,1,1,0,0,0,,\"a\nb\"\n2,9,1,0,0,0,,\n", "data.csv:4:2: S: unknown code '9'");
#undef ERR
    expect_error(CB, "id,S,H,M_1,M_2,V,T\n", "data.csv:1:8: missing column M_3");
    expect_error(CB, "id,S,H,M_1,M_2,M_3,M_4,V,T\n", "column M_4: MA question M has no such code");
    expect_error(CB, "S,H\n", "data.csv:1:1: the first column must be 'id'");
    expect_error("qid,type,code,label\nQ,SA,,t\nQ,SA,x,y\n", "id,Q\n", "cb.csv:3:3: code 'x'");
    expect_error("qid,type,code,label\nQ,XX,,t\n", "id,Q\n", "cb.csv:2:2: unknown type");
    expect_error("qid,type,code,label\nQ,SA,1,t\n", "id,Q\n", "must follow its question's title");
    expect_error("qid,type,code,label\nQ,SA,,t\nQ,SA,1,a\x01" "b\n", "id,Q\n",
                 "cb.csv:3:4: control character 0x01");
}

static void reader_syntax(void)
{
    /* BOM, CRLF, quoted codes, blank MA cells, trailing blank line */
    const char *data = "\xEF\xBB\xBFid,S,H,M_1,M_2,M_3,V,T\r\n"
                       "1,\"1\",1,,,1,\"3\",\"x,y\"\r\n"
                       "2,2,2,0,0,0,,\r\n\r\n";
    check_tab(data, "S", "H", NULL,
              ",N,one,two,three\r\n全体,2,50.0,50.0,0.0\r\nA,1,100.0,0.0,0.0\r\n"
              "B,1,0.0,100.0,0.0\r\n");
}

static void cp932_detected(void)
{
    /* "その他" in CP932 is 82 BB 82 CC 91 BC */
    const char cb[] = "qid,type,code,label\nQ,SA,,\x8E\xBF\x96\xE2\nQ,SA,1,\x82\xBB\x82\xCC\x91\xBC\n";
    char *got = tab(cb, "id,Q\n1,1\n", NULL, "Q", NULL, NULL, false);
    CHECK_STR(got, ",N,その他\r\n全体,1,100.0\r\n");
    free(got);
    hoshi_dataset *ds = NULL;
    const char bad[] = "id,Q\n1,1\n2,\x82\n";
    CHECK(hoshi_dataset_parse("cb", cb, strlen(cb), "d.csv", bad, strlen(bad), HOSHI_ENC_AUTO,
                              &ds) == HOSHI_ERR_INPUT);
    CHECK(strstr(hoshi_error_detail(),
                 "d.csv:3:2: invalid byte 0x82: the file is neither UTF-8 nor CP932") != NULL);
    CHECK(hoshi_dataset_parse("cb", cb, strlen(cb), "d.csv", bad, strlen(bad), HOSHI_ENC_UTF8,
                              &ds) == HOSHI_ERR_INPUT);
}

extern size_t hi_tab_chunk;        /* internal: the reader's chunk size */
extern size_t hi_tab_parallel_min; /* internal: two threads from this file size */

static char *tab_file(const char *cbpath, const char *datapath, const char *head)
{
    hoshi_dataset *ds = NULL;
    hoshi_tabset *ts = NULL;
    char *out = NULL;
    size_t len;
    if (hoshi_dataset_open(cbpath, datapath, HOSHI_ENC_AUTO, &ds) != HOSHI_OK) {
        printf("  open: %s\n", hoshi_error_detail());
        return NULL;
    }
    const char *heads[] = {head};
    hoshi_tab_spec spec = {"S", heads, 1, NULL, 0, NULL, 0, NULL, 0, NULL, 0, false, 2, NULL, 0, NULL, 0, NULL};
    if (hoshi_tab_run(ds, &spec, &ts) == HOSHI_OK)
        hoshi_tab_render(ts, HOSHI_TAB_CSV, NULL, &out, &len);
    hoshi_tabset_free(ts);
    hoshi_dataset_free(ds);
    return out;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return;
    fputs(text, f);
    fclose(f);
}

/* The streaming reader cut at every possible place gives the same tables. */
static void chunk_boundaries(void)
{
    char dir[] = "/tmp/hoshi_tab_XXXXXX";
    if (mkdtemp(dir) == NULL) {
        CHECK(0);
        return;
    }
    char cbp[64], dp[64];
    snprintf(cbp, sizeof cbp, "%s/cb.csv", dir);
    snprintf(dp, sizeof dp, "%s/d.csv", dir);
    write_file(cbp, CB);
    const char *crlf = "id,S,H,M_1,M_2,M_3,V,T\r\n1,1,1,1,0,0,10,\"a\r\nb\"\r\n2,2,2,0,1,1,2.5,\r\n";
    const char *datas[] = {SMALL, crlf};
    const char *heads[] = {"H", "M", "V"};
    size_t saved = hi_tab_chunk;
    for (size_t d = 0; d < 2; d++) {
        write_file(dp, datas[d]);
        for (size_t h = 0; h < 3; h++) {
            hi_tab_chunk = (size_t)8 << 20;
            char *want = tab_file(cbp, dp, heads[h]);
            CHECK(want != NULL);
            for (size_t c = 1; c < 80 && want; c++) {
                for (int par = 0; par < 2; par++) {
                    hi_tab_chunk = c;
                    hi_tab_parallel_min = par ? 0 : (size_t)32 << 20;
                    char *got = tab_file(cbp, dp, heads[h]);
                    if (got == NULL || strcmp(got, want) != 0) {
                        unit_case_failed = 1;
                        printf("  chunk %zu head %s data %zu parallel %d differs\n", c, heads[h], d, par);
                    }
                    free(got);
                }
            }
            free(want);
        }
    }
    /* errors keep exact positions when the file is split between threads */
    const char *bad[] = {
        "id,S,H,M_1,M_2,M_3,V,T\n1,1,1,0,0,0,,\n2,1,1,0,0,0,,\n3,1,1,0,0,0,,\n4,1,9,0,0,0,,\n",
        "id,S,H,M_1,M_2,M_3,V,T\n1,1,1,0,0,0,,\n2,1,1,0,0,0,,\n\n3,1,1,0,0,0,,\n4,1,1,0,0,0,,\n",
        "id,S,H,M_1,M_2,M_3,V,T\n1,1,1,0,0,0,,\"x\n2,1,1,0,0,0,,\n3\"\n4,1,1,0,0,0,,\n5,1,1,0,0,0,,7\"\n",
    };
    const char *msg[] = {":5:3: H: unknown code '9'", ":4:1: empty line", ":6:8: quote inside"};
    for (size_t i = 0; i < 3; i++) {
        write_file(dp, bad[i]);
        for (size_t c = 4; c < 60; c += 7) {
            hi_tab_chunk = c;
            hi_tab_parallel_min = 0;
            hoshi_dataset *ds = NULL;
            hoshi_err err = hoshi_dataset_open(cbp, dp, HOSHI_ENC_AUTO, &ds);
            if (err != HOSHI_ERR_INPUT || strstr(hoshi_error_detail(), msg[i]) == NULL) {
                unit_case_failed = 1;
                printf("  case %zu chunk %zu: %s\n", i, c, hoshi_error_detail());
            }
            hoshi_dataset_free(ds);
        }
    }
    hi_tab_parallel_min = (size_t)32 << 20;
    hi_tab_chunk = saved;
    remove(cbp);
    remove(dp);
    remove(dir);
}

extern size_t hi_tab_parallel_rows; /* internal: banners on two threads from this size */

/* A banner computed on two threads is the banner computed on one. */
static void banner_threads(void)
{
    hoshi_dataset *ds = NULL;
    CHECK(hoshi_dataset_parse("cb", CB, strlen(CB), "d", SMALL, strlen(SMALL), HOSHI_ENC_AUTO,
                              &ds) == HOSHI_OK);
    const char *heads[] = {"ALL", "M", "V"};
    hoshi_tab_spec spec = {"S", heads, 3, NULL, 0, NULL, 0, NULL, 0, NULL, 0, false, 2, NULL, 0, NULL, 0, NULL};
    char *out[2] = {NULL, NULL};
    size_t saved = hi_tab_parallel_rows;
    for (int par = 0; par < 2 && ds; par++) {
        hi_tab_parallel_rows = par ? 0 : (size_t)1 << 40;
        hoshi_tabset *ts = NULL;
        size_t len;
        CHECK(hoshi_tab_run(ds, &spec, &ts) == HOSHI_OK);
        CHECK(ts && hoshi_tabset_count(ts) == 5);
        if (ts)
            hoshi_tab_render(ts, HOSHI_TAB_JSON, NULL, &out[par], &len);
        hoshi_tabset_free(ts);
    }
    CHECK(out[0] && out[1] && strcmp(out[0], out[1]) == 0);
    /* an error in the second thread's share keeps its message */
    const char *bad[] = {"H", "M", "Nope"};
    hoshi_tab_spec spec2 = {"S", bad, 3, NULL, 0, NULL, 0, NULL, 0, NULL, 0, false, 2, NULL, 0, NULL, 0, NULL};
    hoshi_tabset *ts = NULL;
    hi_tab_parallel_rows = 0;
    CHECK(ds && hoshi_tab_run(ds, &spec2, &ts) == HOSHI_ERR_USAGE);
    CHECK(strstr(hoshi_error_detail(), "unknown variable 'Nope'") != NULL);
    hoshi_tabset_free(ts);
    hi_tab_parallel_rows = saved;
    free(out[0]);
    free(out[1]);
    hoshi_dataset_free(ds);
}

static void formats(void)
{
    hoshi_dataset *ds = NULL;
    hoshi_tabset *ts = NULL;
    CHECK(hoshi_dataset_parse("cb", CB, strlen(CB), "d", SMALL, strlen(SMALL), HOSHI_ENC_AUTO,
                              &ds) == HOSHI_OK);
    const char *heads[] = {"ALL"};
    hoshi_tab_spec spec = {"S", heads, 1, NULL, 0, NULL, 0, NULL, 0, NULL, 0, false, 2, NULL, 0, NULL, 0, NULL};
    CHECK(hoshi_tab_run(ds, &spec, &ts) == HOSHI_OK);
    CHECK(ts != NULL && hoshi_tabset_count(ts) == 3); /* H, M, V (not S itself, not FA) */
    hoshi_tab_render_opts ro = {.sig = true, .lang = HOSHI_LANG_JA};
    for (int f = HOSHI_TAB_CSV; f <= HOSHI_TAB_SVG && ts; f++) {
        char *out = NULL;
        size_t len = 0;
        CHECK(hoshi_tab_render(ts, (hoshi_tab_format)f, &ro, &out, &len) == HOSHI_OK);
        CHECK(out != NULL && strlen(out) == len && len > 20);
        if (f == HOSHI_TAB_MD)
            CHECK(out && strstr(out, "※参考値") != NULL);
        if (f == HOSHI_TAB_HTML)
            CHECK(out && strstr(out, "<td class=\"p\">—</td>") != NULL);
        free(out);
    }
    hoshi_tabset_free(ts);
    hoshi_dataset_free(ds);
}

int main(void)
{
    RUN(half_up_one_in_sixteen);
    RUN(half_up_other_ratios);
    RUN(crosstab_with_noanswer_and_empty_category);
    RUN(ma_head_and_where);
    RUN(filter_leaving_nobody);
    RUN(all_blank_column);
    RUN(num_head);
    RUN(num_where_and_bands);
    RUN(net_and_sort);
    RUN(diag_derived);
    RUN(reader_errors);
    RUN(reader_syntax);
    RUN(cp932_detected);
    RUN(chunk_boundaries);
    RUN(banner_threads);
    RUN(formats);
    return UNIT_RESULT();
}
