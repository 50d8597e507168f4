/*
 * test_survey_export.c — the survey export writer (hoshi/survey_export.h)
 * against exact expected text: the form's codebook then the attribute
 * questions, one data row per response with its respondent number, the
 * "shown" columns of routed bases, CP932, every kind of bad row (a stored
 * text that no longer decodes names its respondent), and every allocation
 * failed in turn.
 *
 * With arguments it is the test driver of tests/suites/survey_cli.sh,
 * which answers surveys through the store's API as the answering page
 * does (the CLI has no command to answer):
 *   test_survey_export submit DB TOKEN ANSWERS   prints the respondent number
 *   test_survey_export lookup DB TOKEN           prints "survey S org O" or "not found"
 *   test_survey_export shown DB SURVEY DIR       the export with HOSHI_EXPORT_SHOWN
 */
#include "hoshi/hoshi.h"
#include "hoshi/testing.h"
#include "pgtest.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Q2 is asked only of those who answer Q1 = 1 (routing). */
static const char survey_csv[] =
    "type,name,label,relevant\n"
    "select_one yn,Q1,使っていますか,\n"
    "select_multiple tool,Q2,使っている道具,\"selected(${Q1}, '1')\"\n"
    "integer,Q3,人数,\n"
    "text,Q4,ご意見,\n";
static const char choices_csv[] =
    "list_name,name,label\n"
    "yn,1,はい\n"
    "yn,2,いいえ\n"
    "tool,1,ウイルス対策\n"
    "tool,2,\"バックアップ, 定期\"\n"
    "tool,3,パスワード\n";
static const char settings_csv[] = "form_id,form_title\nt1,テスト\n";

static const char want_form_codebook[] =
    "qid,type,code,label\n"
    "Q1,SA,,使っていますか\n"
    "Q1,SA,1,はい\n"
    "Q1,SA,2,いいえ\n"
    "Q2,MA,,使っている道具\n"
    "Q2,MA,1,ウイルス対策\n"
    "Q2,MA,2,\"バックアップ, 定期\"\n"
    "Q2,MA,3,パスワード\n"
    "Q3,NUM,,人数\n"
    "Q4,FA,,ご意見\n"
    "DLEVEL,SA,,宣言の段階\n"
    "DLEVEL,SA,1,★ 一つ星\n"
    "DLEVEL,SA,2,★★ 二つ星\n"
    "DSIZE,SA,,従業員規模\n";

static const char want_data[] =
    "id,Q1,Q2_1,Q2_2,Q2_3,Q3,Q4,DLEVEL,DSIZE,DINDUSTRY,DPREF,DSCORE\n"
    "1,1,1,0,1,12,\"良い, とても\",2,3,5,13,87\n"
    "2,2,,,,,,1,,,,\n"
    "7,,,,,,,,,,,\n";

static const char want_data_shown[] =
    "id,Q1,Q2_1,Q2_2,Q2_3,Q3,Q4,DLEVEL,DSIZE,DINDUSTRY,DPREF,DSCORE,R__Q1,R__Q2,R__Q3,R__Q4\n"
    "1,1,1,0,1,12,\"良い, とても\",2,3,5,13,87,1,1,1,1\n"
    "2,2,,,,,,1,,,,,1,2,1,1\n"
    "7,,,,,,,,,,,,1,2,1,1\n";

/* The tiny form and the Japanese attribute texts, shared by the tests. */
static hoshi_form *tiny;
static hoshi_attrs *ja;

static hoshi_form *tiny_form(void)
{
    hoshi_form *f = NULL;
    CHECK_INT(hoshi_form_parse_sheets(survey_csv, strlen(survey_csv), choices_csv,
                                      strlen(choices_csv), settings_csv, strlen(settings_csv), &f),
              HOSHI_OK);
    return f;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Whether the n bytes at p hold the string s. */
static bool contains(const char *p, size_t n, const char *s)
{
    size_t m = strlen(s);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(p + i, s, m) == 0)
            return true;
    return false;
}

/* Three responses: everything answered; Q1 = 2 (Q2 not shown); nothing. */
static hoshi_err write_three(const hoshi_form *f, const hoshi_attrs *a, unsigned flags,
                             hoshi_encoding enc, char **cb, size_t *cb_len, char **data,
                             size_t *data_len)
{
    static const char full[] = "Q1=1&Q2=1&Q2=3&Q3=12&Q4=%E8%89%AF%E3%81%84%2C%20%E3%81%A8%E3%81%A6%E3%82%82";
    hoshi_org_attrs o1 = {2, 3, 5, 13, true, 87}, o2 = {1, 0, 0, 0, false, 0}, o3 = {0, 9, 0, 0, false, 0};
    hoshi_survey_export *w = NULL;
    hoshi_err err = hoshi_survey_export_new(f, a, HOSHI_LANG_JA, flags, &w);
    if (err == HOSHI_OK)
        err = hoshi_survey_export_add(w, 1, full, strlen(full), &o1);
    if (err == HOSHI_OK)
        err = hoshi_survey_export_add(w, 2, "Q1=2", 4, &o2);
    if (err == HOSHI_OK)
        err = hoshi_survey_export_add(w, 7, "", 0, &o3);
    if (err == HOSHI_OK)
        err = hoshi_survey_export_finish(w, enc, cb, cb_len, data, data_len);
    hoshi_survey_export_free(w);
    return err;
}

static void exact_output(void)
{
    const hoshi_form *f = tiny;
    const hoshi_attrs *a = ja;
    if (f == NULL || a == NULL)
        return;
    char *cb = NULL, *data = NULL;
    size_t cb_len = 0, data_len = 0;
    CHECK_INT(write_three(f, a, 0, HOSHI_ENC_UTF8, &cb, &cb_len, &data, &data_len), HOSHI_OK);
    if (cb == NULL)
        return;
    CHECK_STR(data, want_data);
    CHECK_INT((long)data_len, (long)strlen(want_data));
    CHECK(strncmp(cb, want_form_codebook, strlen(want_form_codebook)) == 0);
    CHECK(ends_with(cb, "DPREF,SA,47,沖縄県\nDSCORE,NUM,,自社診断の点数（最新）\n"));
    CHECK(strchr(cb, '\r') == NULL);
    CHECK(strstr(cb, "R__") == NULL);
    CHECK_INT((long)cb_len, (long)strlen(cb));
    /* hoshi tab reads the pair as it is. */
    hoshi_dataset *ds = NULL;
    CHECK_INT(hoshi_dataset_parse("codebook.csv", cb, cb_len, "data.csv", data, data_len,
                                  HOSHI_ENC_AUTO, &ds),
              HOSHI_OK);
    CHECK_INT((long)hoshi_dataset_rows(ds), 3);
    hoshi_dataset_free(ds);
    free(cb);
    free(data);
    /* The shown columns: Q2 was shown to respondent 1 only. */
    CHECK_INT(write_three(f, a, HOSHI_EXPORT_SHOWN, HOSHI_ENC_UTF8, &cb, &cb_len, &data, &data_len),
              HOSHI_OK);
    CHECK_STR(data, want_data_shown);
    CHECK(strstr(cb, "\nDSCORE,NUM,,自社診断の点数（最新）\n"
                     "R__Q1,SA,,Q1 の表示\nR__Q1,SA,1,表示された\nR__Q1,SA,2,表示されなかった\n"
                     "R__Q2,SA,,Q2 の表示\n") != NULL);
    CHECK(ends_with(cb, "R__Q4,SA,1,表示された\nR__Q4,SA,2,表示されなかった\n"));
    ds = NULL;
    CHECK_INT(hoshi_dataset_parse("codebook.csv", cb, cb_len, "data.csv", data, data_len,
                                  HOSHI_ENC_AUTO, &ds),
              HOSHI_OK);
    hoshi_dataset_free(ds);
    free(cb);
    free(data);
}

static void english_labels(void)
{
    hoshi_form *f = NULL;
    hoshi_attrs *a = NULL;
    CHECK_INT(hoshi_form_load("data/surveys/sa2018", &f), HOSHI_OK);
    CHECK_INT(hoshi_attrs_open(NULL, HOSHI_LANG_EN, &a), HOSHI_OK);
    hoshi_survey_export *w = NULL;
    if (f == NULL || a == NULL ||
        hoshi_survey_export_new(f, a, HOSHI_LANG_EN, HOSHI_EXPORT_SHOWN, &w) != HOSHI_OK)
        goto free_all;
    hoshi_org_attrs o = {1, 1, 1, 1, false, 0};
    CHECK_INT(hoshi_survey_export_add(w, 3, "Q13=4&Q14=1", 11, &o), HOSHI_OK);
    CHECK_INT(hoshi_survey_export_add(w, 4, "Q13=1", 5, &o), HOSHI_OK);
    CHECK_INT((long)hoshi_survey_export_rows(w), 2);
    char *cb = NULL, *data = NULL;
    size_t cb_len, data_len;
    CHECK_INT(hoshi_survey_export_finish(w, HOSHI_ENC_UTF8, &cb, &cb_len, &data, &data_len), HOSHI_OK);
    if (cb != NULL) {
        CHECK(strstr(cb, "\nQ14,SA,,What would most raise management's awareness\n") != NULL);
        CHECK(strstr(cb, "\nDLEVEL,SA,1,★ One star\n") != NULL);
        CHECK(strstr(cb, "\nR__Q14,SA,,Q14 shown\nR__Q14,SA,1,Shown\nR__Q14,SA,2,Not shown\n") != NULL);
        CHECK(strstr(data, ",R__Q12,R__Q13,R__Q14,R__Q15,R__Q16\n") != NULL);
        /* Q14 shown to respondent 3 (chose Q13 = 4), not to 4. */
        const char *r3 = strstr(data, "\n3,"), *r4 = strstr(data, "\n4,");
        CHECK(r3 != NULL && r4 != NULL);
        if (r3 != NULL && r4 != NULL) {
            CHECK(strncmp(r4 - 8, ",1,1,1,1", 8) == 0);   /* row 3 ends: Q13..Q16 shown */
            CHECK(ends_with(data, ",1,2,1,1\n"));           /* row 4: Q14 not shown */
        }
    }
    free(cb);
    free(data);
free_all:
    hoshi_survey_export_free(w);
    hoshi_attrs_free(a);
    hoshi_form_free(f);
}

static void cp932(void)
{
    const hoshi_form *f = tiny;
    const hoshi_attrs *a = ja;
    if (f == NULL || a == NULL)
        return;
    char *cb = NULL, *data = NULL;
    size_t cb_len = 0, data_len = 0;
    CHECK_INT(write_three(f, a, 0, HOSHI_ENC_CP932, &cb, &cb_len, &data, &data_len), HOSHI_OK);
    /* "良い" in CP932 is 97 C7 82 A2. */
    CHECK(data != NULL && contains(data, data_len, "\"\x97\xC7\x82\xA2, "));
    hoshi_dataset *ds = NULL;
    CHECK_INT(hoshi_dataset_parse("codebook.csv", cb, cb_len, "data.csv", data, data_len,
                                  HOSHI_ENC_CP932, &ds),
              HOSHI_OK);
    CHECK_INT((long)hoshi_dataset_rows(ds), 3);
    hoshi_dataset_free(ds);
    free(cb);
    free(data);
    /* A free answer CP932 cannot hold: an error, nothing made. */
    hoshi_survey_export *w = NULL;
    CHECK_INT(hoshi_survey_export_new(f, a, HOSHI_LANG_JA, 0, &w), HOSHI_OK);
    hoshi_org_attrs o = {1, 1, 1, 1, false, 0};
    static const char emoji[] = "Q4=%F0%9F%98%80";
    CHECK_INT(hoshi_survey_export_add(w, 1, emoji, strlen(emoji), &o), HOSHI_OK);
    cb = data = (char *)"x";
    CHECK_INT(hoshi_survey_export_finish(w, HOSHI_ENC_CP932, &cb, &cb_len, &data, &data_len),
              HOSHI_ERR_INPUT);
    CHECK(cb == NULL && data == NULL);
    CHECK(strncmp(hoshi_error_detail(), "data.csv in CP932: ", 19) == 0);
    hoshi_survey_export_free(w);
}

static void bad_rows(void)
{
    const hoshi_form *f = tiny;
    const hoshi_attrs *a = ja;
    hoshi_survey_export *w = NULL;
    if (f == NULL || a == NULL || hoshi_survey_export_new(f, a, HOSHI_LANG_JA, 0, &w) != HOSHI_OK)
        return;
    hoshi_org_attrs o = {1, 1, 1, 1, false, 0};
    static const struct {
        long long respondent;
        const char *text, *detail;
    } bad[] = {
        {5, "Q9=1", "respondent 5: the stored answers do not fit the questionnaire: "},
        {6, "Q1=7", "respondent 6: the stored answers do not fit the questionnaire: "},
        {8, "Q3=x", "respondent 8: the stored answers do not fit the questionnaire: "},
        {9, "Q1=1&Q1=2", "respondent 9: the stored answers do not fit the questionnaire: "},
        {10, "Q4=%FF", "respondent 10: the stored answers do not fit the questionnaire: "},
        {0, "Q1=1", "respondent 0: a respondent number must be positive"},
        {-3, "Q1=1", "respondent -3: a respondent number must be positive"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT(hoshi_survey_export_add(w, bad[i].respondent, bad[i].text, strlen(bad[i].text), &o),
                  HOSHI_ERR_INPUT);
        CHECK(strncmp(hoshi_error_detail(), bad[i].detail, strlen(bad[i].detail)) == 0);
        if (strncmp(hoshi_error_detail(), bad[i].detail, strlen(bad[i].detail)) != 0)
            fprintf(stderr, "  got: %s\n", hoshi_error_detail());
    }
    CHECK_INT((long)hoshi_survey_export_rows(w), 0);
    /* Only len bytes are read: the rest of the buffer is not the text. */
    CHECK_INT(hoshi_survey_export_add(w, 11, "Q1=2&Q9=1", 4, &o), HOSHI_OK);
    char *cb = NULL, *data = NULL;
    size_t cb_len, data_len;
    CHECK_INT(hoshi_survey_export_finish(w, HOSHI_ENC_UTF8, &cb, &cb_len, &data, &data_len), HOSHI_OK);
    CHECK(data != NULL && ends_with(data, "\n11,2,,,,,,1,1,1,1,\n"));
    free(cb);
    free(data);
    hoshi_survey_export_free(w);
}

static void allocation_faults(void)
{
    const hoshi_form *f = tiny;
    const hoshi_attrs *a = ja;
    if (f == NULL || a == NULL)
        return;
    bool done = false;
    for (long n = 0; !done && n < 2000; n++) {
        char *cb = NULL, *data = NULL;
        size_t cb_len = 0, data_len = 0;
        hoshi_testing_fail_alloc(n, true);
        hoshi_err err = write_three(f, a, HOSHI_EXPORT_SHOWN, HOSHI_ENC_CP932, &cb, &cb_len, &data,
                                    &data_len);
        bool failed = hoshi_testing_alloc_failed();
        hoshi_testing_fail_alloc(-1, false);
        if (failed) {
            CHECK_INT(err, HOSHI_ERR_NOMEM);
            CHECK(cb == NULL && data == NULL);
        } else {
            CHECK_INT(err, HOSHI_OK);
            done = true;
        }
        free(cb);
        free(data);
    }
    CHECK(done);
}

static hoshi_err export_row(void *ctx, const hoshi_response_row *row)
{
    hoshi_org_attrs a = {row->level, row->size, hoshi_attrs_industry_code(row->industry),
                         row->prefecture, row->has_score, row->score};
    return hoshi_survey_export_add(ctx, row->respondent, row->answers, row->answers_len, &a);
}

/* The driver's commands (see the top of the file); exit 0 or 1. */
static int driver(int argc, char **argv)
{
    hoshi_store *s = NULL;
    if (argc < 4 || hi_test_store_open(argv[2], 1, &s) != HOSHI_OK) {
        fprintf(stderr, "driver: bad arguments or database\n");
        return 1;
    }
    char today[16];
    hoshi_date_iso(hoshi_date_today(), today, sizeof today);
    hoshi_err err = HOSHI_ERR_USAGE;
    if (strcmp(argv[1], "lookup") == 0) {
        hoshi_invitation inv;
        err = hoshi_store_invitation_by_token(s, argv[3], today, &inv);
        if (err == HOSHI_OK)
            printf("survey %lld org %lld\n", inv.survey_id, inv.org_id);
        else if (err == HOSHI_ERR_NOTFOUND)
            printf("not found\n"), err = HOSHI_OK;
        if (err == HOSHI_OK)
            free(inv.answers);
    } else if (strcmp(argv[1], "submit") == 0 && argc == 5) {
        hoshi_invitation inv;
        hoshi_answers_outcome outcome = HOSHI_ANSWERS_FAILED;
        long long respondent = 0;
        if ((err = hoshi_store_invitation_by_token(s, argv[3], today, &inv)) == HOSHI_OK) {
            free(inv.answers);
            err = hoshi_store_response_submit(s, inv.id, argv[4], today, &outcome, &respondent);
        }
        if (err == HOSHI_OK)
            printf("%lld\n", respondent);
        else if (err != HOSHI_ERR_NOTFOUND)
            fprintf(stderr, "driver submit: outcome %d\n", (int)outcome);
    } else if (strcmp(argv[1], "shown") == 0 && argc == 5) {
        hoshi_survey sv = {0};
        hoshi_form *f = NULL;
        hoshi_attrs *a = NULL;
        hoshi_survey_export *w = NULL;
        char *cb = NULL, *data = NULL, path[4096];
        size_t cb_len, data_len;
        long id = 0;
        if (!hoshi_parse_long(argv[3], 1, 1000000, &id))
            err = hoshi_error_set(HOSHI_ERR_USAGE, "bad survey id %s", argv[3]);
        else if ((err = hoshi_store_survey_get(s, id, today, &sv)) == HOSHI_OK &&
            (err = hoshi_form_parse("db", (const char *)sv.definition, sv.definition_len, &f)) == HOSHI_OK &&
            (err = hoshi_attrs_open(NULL, HOSHI_LANG_JA, &a)) == HOSHI_OK &&
            (err = hoshi_survey_export_new(f, a, HOSHI_LANG_JA, HOSHI_EXPORT_SHOWN, &w)) == HOSHI_OK &&
            (err = hoshi_store_survey_responses(s, id, export_row, w)) == HOSHI_OK &&
            (err = hoshi_survey_export_finish(w, HOSHI_ENC_UTF8, &cb, &cb_len, &data, &data_len)) == HOSHI_OK) {
            snprintf(path, sizeof path, "%s/codebook.csv", argv[4]);
            err = hoshi_file_write(path, cb, cb_len);
            snprintf(path, sizeof path, "%s/data.csv", argv[4]);
            if (err == HOSHI_OK)
                err = hoshi_file_write(path, data, data_len);
        }
        free(cb);
        free(data);
        hoshi_survey_export_free(w);
        hoshi_attrs_free(a);
        hoshi_form_free(f);
        free(sv.definition);
    }
    if (err != HOSHI_OK)
        fprintf(stderr, "driver %s: %s\n", argv[1], hoshi_error_detail());
    hoshi_store_close(s);
    return err == HOSHI_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return driver(argc, argv);
    tiny = tiny_form();
    CHECK_INT(hoshi_attrs_open(NULL, HOSHI_LANG_JA, &ja), HOSHI_OK);
    RUN(exact_output);
    RUN(english_labels);
    RUN(cp932);
    RUN(bad_rows);
    RUN(allocation_faults);
    hoshi_attrs_free(ja);
    hoshi_form_free(tiny);
    return UNIT_RESULT();
}
