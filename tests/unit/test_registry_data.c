/*
 * test_registry_data.c — the organisation attributes as survey questions
 * (hoshi/attrs.h), the registry dataset writer (hoshi/registry_data.h)
 * and the store's read of the registry (hoshi_store_registry_rows), each
 * against exact expected text; every kind of bad row; every allocation of
 * the writer failed in turn.
 */
#include "hoshi/hoshi.h"
#include "hoshi/testing.h"
#include "pgtest.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/hoshi-regdata-XXXXXX";

static char *finish(hoshi_buf *b)
{
    char *s = NULL;
    CHECK_INT(hoshi_buf_finish(b, &s, NULL), HOSHI_OK);
    return s;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void attrs_labels_and_counts(void)
{
    for (int l = 0; l < 2; l++) {
        hoshi_attrs *a = NULL;
        CHECK_INT(hoshi_attrs_open(NULL, (hoshi_lang)l, &a), HOSHI_OK);
        if (a == NULL)
            return;
        static const int counts[HOSHI_ATTR_COUNT] = {2, 6, 20, 47};
        for (int w = 0; w < HOSHI_ATTR_COUNT; w++) {
            CHECK_INT(hoshi_attrs_count((hoshi_attr)w), counts[w]);
            CHECK(hoshi_attrs_label(a, (hoshi_attr)w, 0) == NULL);
            CHECK(hoshi_attrs_label(a, (hoshi_attr)w, counts[w] + 1) == NULL);
            CHECK(hoshi_attrs_label(a, (hoshi_attr)w, counts[w]) != NULL);
        }
        CHECK_INT(hoshi_attrs_count(HOSHI_ATTR_COUNT), 0);
        if (l == 0) {
            CHECK_STR(hoshi_attrs_label(a, HOSHI_ATTR_PREF, 13), "東京都");
            CHECK_STR(hoshi_attrs_label(a, HOSHI_ATTR_INDUSTRY, 5), "E 製造業");
            CHECK_STR(hoshi_attrs_label(a, HOSHI_ATTR_SIZE, 6), "301人以上");
            CHECK_STR(hoshi_attrs_label(a, HOSHI_ATTR_LEVEL, 2), "★★ 二つ星");
        } else {
            CHECK_STR(hoshi_attrs_label(a, HOSHI_ATTR_PREF, 47), "Okinawa");
            CHECK_STR(hoshi_attrs_label(a, HOSHI_ATTR_INDUSTRY, 20), "T Industries unable to classify");
        }
        CHECK_STR(hoshi_attrs_text(a, "questions", "nothing"), "[missing text]");
        hoshi_attrs_free(a);
    }
    CHECK_INT(hoshi_attrs_industry_code("A"), 1);
    CHECK_INT(hoshi_attrs_industry_code("T"), 20);
    CHECK_INT(hoshi_attrs_industry_code("U"), 0);
    CHECK_INT(hoshi_attrs_industry_code("a"), 0);
    CHECK_INT(hoshi_attrs_industry_code("AB"), 0);
    CHECK_INT(hoshi_attrs_industry_code(""), 0);
    CHECK_INT(hoshi_attrs_industry_code(NULL), 0);
}

/* A data directory whose ja/attrs.ini is `text`. */
static const char *datadir_with(const char *text)
{
    static char root[256];
    snprintf(root, sizeof root, "%s/data", dir);
    char p[512];
    mkdir(root, 0777);
    snprintf(p, sizeof p, "%s/text", root);
    mkdir(p, 0777);
    snprintf(p, sizeof p, "%s/text/ja", root);
    mkdir(p, 0777);
    snprintf(p, sizeof p, "%s/text/ja/attrs.ini", root);
    FILE *f = fopen(p, "w");
    fputs(text, f);
    fclose(f);
    return root;
}

static void attrs_open_refuses_gaps(void)
{
    hoshi_attrs *a = NULL;
    CHECK_INT(hoshi_attrs_open("/nonexistent/hoshi", HOSHI_LANG_JA, &a), HOSHI_ERR_DATA);
    CHECK(a == NULL);
    CHECK_INT(hoshi_attrs_open(datadir_with("[questions]\nDLEVEL = x\n[levels]\nname = a\n"),
                               HOSHI_LANG_JA, &a),
              HOSHI_ERR_DATA);
    CHECK(strstr(hoshi_error_detail(), "[levels] has 1 names, expected 2") != NULL);
    /* every list complete but a question without its title */
    hoshi_buf b = HOSHI_BUF_INIT;
    hoshi_buf_puts(&b, "[questions]\nDLEVEL = a\nDSIZE = b\nDINDUSTRY = c\nDPREF = d\n");
    static const struct { const char *s; int n; } lists[] = {
        {"levels", 2}, {"employees", 6}, {"industries", 20}, {"prefectures", 47}};
    for (int i = 0; i < 4; i++) {
        hoshi_buf_printf(&b, "[%s]\n", lists[i].s);
        for (int k = 0; k < lists[i].n; k++)
            hoshi_buf_puts(&b, "name = x\n");
    }
    char *text = finish(&b);
    CHECK_INT(hoshi_attrs_open(datadir_with(text), HOSHI_LANG_JA, &a), HOSHI_ERR_DATA);
    CHECK(strstr(hoshi_error_detail(), "[questions] lacks DSCORE") != NULL);
    free(text);
}

static void codebook_row_quotes(void)
{
    hoshi_buf b = HOSHI_BUF_INIT;
    hoshi_codebook_row(&b, "Q1", "SA", "", "plain");
    hoshi_codebook_row(&b, "Q1", "SA", "1", "a, b");
    hoshi_codebook_row(&b, "Q1", "SA", "2", "say \"hi\"");
    hoshi_codebook_row(&b, "Q1", "SA", "3", "two\nlines");
    char *s = finish(&b);
    CHECK_STR(s, "Q1,SA,,plain\r\nQ1,SA,1,\"a, b\"\r\nQ1,SA,2,\"say \"\"hi\"\"\"\r\n"
                 "Q1,SA,3,\"two\nlines\"\r\n");
    free(s);
}

static void attrs_codebook_and_cells(void)
{
    hoshi_attrs *a = NULL;
    CHECK_INT(hoshi_attrs_open(NULL, HOSHI_LANG_EN, &a), HOSHI_OK);
    if (a == NULL)
        return;
    hoshi_buf b = HOSHI_BUF_INIT;
    hoshi_attrs_codebook(a, &b);
    char *s = finish(&b);
    /* 4 titles + 75 codes + DSCORE */
    size_t lines = 0;
    for (const char *p = s; (p = strstr(p, "\r\n")) != NULL; p += 2)
        lines++;
    CHECK_INT(lines, 4 + 2 + 6 + 20 + 47 + 1);
    CHECK(starts_with(s, "DLEVEL,SA,,Declaration level\r\nDLEVEL,SA,1,★ One star\r\n"));
    CHECK(strstr(s, "\r\nDINDUSTRY,SA,6,\"F Electricity, gas, heat supply and water\"\r\n") != NULL);
    CHECK(strstr(s, "\r\nDPREF,SA,47,Okinawa\r\nDSCORE,NUM,,Self-diagnosis score (latest)\r\n") != NULL);
    free(s);
    hoshi_attrs_header(&b);
    hoshi_buf_putc(&b, '|');
    hoshi_attrs_cells(&b, &(hoshi_org_attrs){2, 6, 20, 47, true, -25});
    hoshi_buf_putc(&b, '|');
    hoshi_attrs_cells(&b, &(hoshi_org_attrs){0, 0, 0, 0, false, 0});
    hoshi_buf_putc(&b, '|');
    hoshi_attrs_cells(&b, &(hoshi_org_attrs){3, 7, 21, 48, true, 0});
    s = finish(&b);
    CHECK_STR(s, ",DLEVEL,DSIZE,DINDUSTRY,DPREF,DSCORE|,2,6,20,47,-25|,,,,,|,,,,,0");
    free(s);
    hoshi_attrs_free(a);
}

static const hoshi_registry_row row_a = {{1, 2, 5, 13, false, 0}, 1, 202601, false, ""};
static const hoshi_registry_row row_b = {{2, 3, 7, 1, true, 95}, 2, 202512, true,
                                         "1111111111111111111111114"};

static const char expected_data[] =
    "id,DLEVEL,DSIZE,DINDUSTRY,DPREF,DSCORE,DSTATUS,DMONTH,DSTEP,DIAG_1,DIAG_2,DIAG_3,DIAG_4,"
    "DIAG_5,DIAG_6,DIAG_7,DIAG_8,DIAG_9,DIAG_10,DIAG_11,DIAG_12,DIAG_13,DIAG_14,DIAG_15,DIAG_16,"
    "DIAG_17,DIAG_18,DIAG_19,DIAG_20,DIAG_21,DIAG_22,DIAG_23,DIAG_24,DIAG_25\r\n"
    "1,1,2,5,13,,1,2601,2,,,,,,,,,,,,,,,,,,,,,,,,,\r\n"
    "2,2,3,7,1,95,2,2512,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,4\r\n";

static const char expected_tail[] =
    "DSTATUS,SA,,宣言の状態\r\nDSTATUS,SA,1,宣言中\r\nDSTATUS,SA,2,取り下げ済み\r\n"
    "DMONTH,SA,,宣言した月（最新の宣言）\r\nDMONTH,SA,2512,2025年12月\r\nDMONTH,SA,2601,2026年1月\r\n"
    "DSTEP,SA,,★から★★へのステップアップ\r\nDSTEP,SA,1,★から★★へステップアップした\r\n"
    "DSTEP,SA,2,ステップアップしていない\r\n"
    "DIAG,DIAG,,情報セキュリティ自社診断（最新）\r\nDIAG,DIAG,1,実施している\r\n"
    "DIAG,DIAG,2,一部実施している\r\nDIAG,DIAG,3,実施していない\r\nDIAG,DIAG,4,わからない\r\n";

/* The Japanese attribute texts and catalogue of the default data directory. */
static void open_ja(hoshi_attrs **a, hoshi_catalog **c)
{
    CHECK_INT(hoshi_attrs_open(NULL, HOSHI_LANG_JA, a), HOSHI_OK);
    CHECK_INT(hoshi_catalog_open(NULL, HOSHI_LANG_JA, c), HOSHI_OK);
}

/* Runs the writer over row_a and row_b; HOSHI_OK and both files, or the error. */
static hoshi_err write_two(const hoshi_attrs *a, const hoshi_catalog *c, hoshi_encoding enc,
                           char **cb, size_t *cb_len, char **data, size_t *data_len)
{
    hoshi_registry_data *w = NULL;
    hoshi_err err = hoshi_registry_data_new(a, c, &w);
    if (err != HOSHI_OK)
        return err;
    if ((err = hoshi_registry_data_add(w, &row_b)) == HOSHI_OK &&
        (err = hoshi_registry_data_add(w, &row_a)) == HOSHI_OK)
        err = hoshi_registry_data_finish(w, enc, cb, cb_len, data, data_len);
    hoshi_registry_data_free(w);
    return err;
}

static void writer_exact_output(void)
{
    hoshi_attrs *a = NULL;
    hoshi_catalog *c = NULL;
    open_ja(&a, &c);
    if (a == NULL || c == NULL)
        goto free_all;
    hoshi_registry_data *w = NULL;
    CHECK_INT(hoshi_registry_data_new(a, c, &w), HOSHI_OK);
    CHECK_INT(hoshi_registry_data_add(w, &row_a), HOSHI_OK);
    CHECK_INT(hoshi_registry_data_add(w, &row_b), HOSHI_OK);
    CHECK_INT(hoshi_registry_data_rows(w), 2);
    char *cb = NULL, *data = NULL;
    size_t cb_len = 0, data_len = 0;
    CHECK_INT(hoshi_registry_data_finish(w, HOSHI_ENC_UTF8, &cb, &cb_len, &data, &data_len), HOSHI_OK);
    hoshi_registry_data_free(w);
    CHECK_STR(data, expected_data);
    CHECK_INT(data_len, strlen(expected_data));
    CHECK(cb != NULL && starts_with(cb, "qid,type,code,label\r\nDLEVEL,SA,,宣言の段階\r\n"));
    CHECK(cb != NULL && cb_len > strlen(expected_tail) &&
          strcmp(cb + cb_len - strlen(expected_tail), expected_tail) == 0);
    /* hoshi tab reads the pair: the DIAG question and its derived variables work */
    hoshi_dataset *ds = NULL;
    CHECK_INT(hoshi_dataset_parse("codebook.csv", cb, cb_len, "data.csv", data, data_len,
                                  HOSHI_ENC_UTF8, &ds),
              HOSHI_OK);
    if (ds != NULL)
        CHECK_INT(hoshi_dataset_rows(ds), 2);
    hoshi_dataset_free(ds);
    free(cb);
    free(data);
    /* CP932: the same text, converted */
    CHECK_INT(write_two(a, c, HOSHI_ENC_CP932, &cb, &cb_len, &data, &data_len), HOSHI_OK);
    CHECK(cb != NULL && strstr(cb, "DLEVEL,SA,1,\x81\x9a \x88\xea\x82\xc2\x90\xaf\r\n") != NULL);
    free(cb);
    free(data);
free_all:
    hoshi_catalog_free(c);
    hoshi_attrs_free(a);
}

static void writer_refuses_bad_rows(void)
{
    hoshi_attrs *a = NULL;
    hoshi_catalog *c = NULL;
    open_ja(&a, &c);
    hoshi_registry_data *w = NULL;
    CHECK_INT(hoshi_registry_data_new(a, c, &w), HOSHI_OK);
    if (w == NULL)
        goto free_all;
    hoshi_registry_row r;
    static const char *const details[] = {
        "registry row 1: level is 3, expected 1 or 2",
        "registry row 1: level is 0, expected 1 or 2",
        "registry row 1: status is 0, expected 1 or 2",
        "registry row 1: month is 199912, expected YYYYMM of 2000-2999",
        "registry row 1: month is 202613, expected YYYYMM of 2000-2999",
        "registry row 1: month is 202600, expected YYYYMM of 2000-2999",
        "registry row 1: 24 diagnosis answers, expected 25 or none",
        "registry row 1: diagnosis answer 25 is not 1-4",
        "registry row 1: diagnosis answer 1 is not 1-4",
    };
    for (size_t k = 0; k < sizeof details / sizeof details[0]; k++) {
        r = row_b;
        switch (k) {
        case 0: r.attrs.level = 3; break;
        case 1: r.attrs.level = 0; break;
        case 2: r.status = 0; break;
        case 3: r.month = 199912; break;
        case 4: r.month = 202613; break;
        case 5: r.month = 202600; break;
        case 6: r.answers[24] = '\0'; break;
        case 7: r.answers[24] = '5'; break;
        default: r.answers[0] = '0'; break;
        }
        CHECK_INT(hoshi_registry_data_add(w, &r), HOSHI_ERR_INPUT);
        CHECK_STR(hoshi_error_detail(), details[k]);
    }
    CHECK_INT(hoshi_registry_data_rows(w), 0);
    /* attributes out of range are not an error: they are empty cells */
    r = row_a;
    r.attrs.prefecture = 48;
    CHECK_INT(hoshi_registry_data_add(w, &r), HOSHI_OK);
    char *cb = NULL, *data = NULL;
    size_t cb_len, data_len;
    CHECK_INT(hoshi_registry_data_finish(w, HOSHI_ENC_UTF8, &cb, &cb_len, &data, &data_len), HOSHI_OK);
    CHECK(data != NULL && strstr(data, "\r\n1,1,2,5,,,1,2601,2,") != NULL);
    free(cb);
    free(data);
free_all:
    hoshi_registry_data_free(w);
    hoshi_catalog_free(c);
    hoshi_attrs_free(a);
}

/* Every allocation of the writer failed in turn: out of memory, or exactly
 * the normal output. */
static void writer_allocation_faults(void)
{
    hoshi_attrs *a = NULL;
    hoshi_catalog *c = NULL;
    open_ja(&a, &c);
    if (a == NULL || c == NULL)
        goto free_all;
    char *want_cb = NULL, *want_data = NULL;
    size_t want_cb_len, want_data_len;
    CHECK_INT(write_two(a, c, HOSHI_ENC_CP932, &want_cb, &want_cb_len, &want_data, &want_data_len),
              HOSHI_OK);
    bool done = false;
    for (long n = 0; !done && n < 1000; n++) {
        char *cb = NULL, *data = NULL;
        size_t cb_len = 0, data_len = 0;
        hoshi_testing_fail_alloc(n, true);
        hoshi_err err = write_two(a, c, HOSHI_ENC_CP932, &cb, &cb_len, &data, &data_len);
        bool failed = hoshi_testing_alloc_failed();
        hoshi_testing_fail_alloc(-1, false);
        if (failed) {
            CHECK_INT(err, HOSHI_ERR_NOMEM);
        } else {
            CHECK_INT(err, HOSHI_OK);
            CHECK(cb_len == want_cb_len && memcmp(cb, want_cb, cb_len) == 0);
            CHECK(data_len == want_data_len && memcmp(data, want_data, data_len) == 0);
            done = true;
        }
        free(cb);
        free(data);
    }
    CHECK(done);
    free(want_cb);
    free(want_data);
free_all:
    hoshi_catalog_free(c);
    hoshi_attrs_free(a);
}

static hoshi_err collect(const hoshi_registry_row *row, void *ctx)
{
    hoshi_buf *b = ctx;
    hoshi_buf_printf(b, "%d,%d,%d,%d,%d:%d,%d,%d,%d,%s\n", row->attrs.level, row->attrs.size,
                     row->attrs.industry, row->attrs.prefecture, row->attrs.has_score,
                     row->attrs.score, row->status, row->month, row->stepped_up, row->answers);
    return HOSHI_OK;
}

static hoshi_err stop_at_first(const hoshi_registry_row *row, void *ctx)
{
    (void)row;
    ++*(int *)ctx;
    return hoshi_error_set(HOSHI_ERR_INPUT, "stopped by the caller");
}

static long long add_org(hoshi_store *s, const char *email, int pref, const char *industry, int emp)
{
    long long user = 0, org = 0;
    CHECK_INT(hoshi_store_signup(s, email, "hash", "org", &user, &org), HOSHI_OK);
    hoshi_org o;
    CHECK_INT(hoshi_store_org_get(s, org, &o), HOSHI_OK);
    o.prefecture = pref;
    snprintf(o.industry, sizeof o.industry, "%s", industry);
    o.employees = emp;
    CHECK_INT(hoshi_store_org_update(s, &o), HOSHI_OK);
    return org;
}

static void store_streams_registry_rows(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/reg.db", dir);
    hoshi_store *s = NULL;
    CHECK_INT(hi_test_store_open(path, 1, &s), HOSHI_OK);
    if (s == NULL)
        return;
    char id[HOSHI_STORE_DECL_ID];
    long long diag;
    /* 1: ★ then ★★ (a step-up), two diagnoses, the latest counts */
    long long o1 = add_org(s, "a@example.com", 13, "E", 2);
    CHECK_INT(hoshi_store_decl_create(s, o1, 1, "2025-12-01", id), HOSHI_OK);
    CHECK_INT(hoshi_store_diagnosis_add(s, o1, "3333333333333333333333333", 0, "2025-12-02", &diag),
              HOSHI_OK);
    CHECK_INT(hoshi_store_diagnosis_add(s, o1, "1111111111111111111111114", 95, "2026-01-02", &diag),
              HOSHI_OK);
    CHECK_INT(hoshi_store_decl_create(s, o1, 2, "2026-01-05", id), HOSHI_OK);
    /* 2: never declared: not a row */
    add_org(s, "b@example.com", 1, "A", 1);
    /* 3: ★ withdrawn, attributes not given */
    long long o3 = add_org(s, "c@example.com", 0, "", 0);
    CHECK_INT(hoshi_store_decl_create(s, o3, 1, "2026-02-10", id), HOSHI_OK);
    CHECK_INT(hoshi_store_decl_withdraw(s, o3, "2026-03-01"), HOSHI_OK);
    /* 4: ★★ at once: not a step-up */
    long long o4 = add_org(s, "d@example.com", 47, "T", 6);
    CHECK_INT(hoshi_store_decl_create(s, o4, 2, "2026-03-31", id), HOSHI_OK);
    hoshi_buf b = HOSHI_BUF_INIT;
    CHECK_INT(hoshi_store_registry_rows(s, collect, &b), HOSHI_OK);
    char *got = finish(&b);
    CHECK_STR(got, "2,2,5,13,1:95,1,202601,1,1111111111111111111111114\n"
                   "1,0,0,0,0:0,2,202602,0,\n"
                   "2,6,20,47,0:0,1,202603,0,\n");
    free(got);
    int calls = 0;
    CHECK_INT(hoshi_store_registry_rows(s, stop_at_first, &calls), HOSHI_ERR_INPUT);
    CHECK_INT(calls, 1);
    CHECK_STR(hoshi_error_detail(), "stopped by the caller");
    hoshi_store_close(s);
}

int main(void)
{
    if (mkdtemp(dir) == NULL)
        return 1;
    RUN(attrs_labels_and_counts);
    RUN(attrs_open_refuses_gaps);
    RUN(codebook_row_quotes);
    RUN(attrs_codebook_and_cells);
    RUN(writer_exact_output);
    RUN(writer_refuses_bad_rows);
    RUN(writer_allocation_faults);
    RUN(store_streams_registry_rows);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return 1;
    return UNIT_RESULT();
}
