/*
 * test_nta.c — the register of corporate numbers (issue 11 parts 1 and 2):
 * a line of the agency's file read column by column, every kind of bad
 * line refused with the column named, the import into the store (all or
 * nothing, newest record wins, older states and deletions), the check of
 * a number and name, claims that become disputes, and the history the
 * store keeps of a declared organisation.
 */
#include "hoshi/hoshi.h"
#include "pgtest.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/hoshi-nta-XXXXXX";

/* A good line, as the agency writes one: 30 columns. */
#define GOOD_COLS                                                                                \
    "1", "\"8999900000001\"", "\"01\"", "\"0\"", "\"2024-04-01\"", "\"2015-10-05\"",             \
        "\"株式会社さくら技研\"", "", "\"301\"", "\"東京都\"", "\"千代田区\"",                    \
        "\"星ヶ丘１丁目２－３\"", "", "\"13\"", "\"101\"", "\"1000001\"", "", "", "", "", "", "", \
        "\"2015-10-05\"", "\"1\"", "", "", "", "", "\"サクラギケン\"", "\"0\""

/* The good line with column col (0-based) replaced by value. */
static const char *line_with(int col, const char *value)
{
    static char buf[HOSHI_NTA_LINE_MAX * 2];
    const char *cols[HOSHI_NTA_FIELDS] = {GOOD_COLS};
    buf[0] = '\0';
    size_t o = 0;
    for (int i = 0; i < HOSHI_NTA_FIELDS; i++)
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", i ? "," : "", i == col ? value : cols[i]);
    return buf;
}

static hoshi_err parse(const char *line, hoshi_nta_corp *out)
{
    return hoshi_nta_parse_line(line, strlen(line), out);
}

static void good_line_read(void)
{
    hoshi_nta_corp r;
    CHECK_INT(parse(line_with(-1, ""), &r), HOSHI_OK);
    CHECK_STR(r.corpnum, "8999900000001");
    CHECK_STR(r.process, "01");
    CHECK_STR(r.update_date, "2024-04-01");
    CHECK_STR(r.change_date, "2015-10-05");
    CHECK_STR(r.name, "株式会社さくら技研");
    CHECK_STR(r.kind, "301");
    CHECK_STR(r.prefecture, "東京都");
    CHECK_STR(r.city, "千代田区");
    CHECK_STR(r.street, "星ヶ丘１丁目２－３");
    CHECK_INT(r.pref_code, 13);
    CHECK_STR(r.close_date, "");
    CHECK_STR(r.close_cause, "");
    CHECK_STR(r.successor, "");
    CHECK(r.latest);
    CHECK(!r.hidden);
    CHECK_STR(r.furigana, "サクラギケン");
    /* Quotes doubled inside a quoted value; a closed corporation. */
    CHECK_INT(parse(line_with(6, "\"株式会社\"\"星\"\"\""), &r), HOSHI_OK);
    CHECK_STR(r.name, "株式会社\"星\"");
    CHECK_INT(parse(line_with(18, "\"2023-03-31\""), &r), HOSHI_OK);
    CHECK_STR(r.close_date, "2023-03-31");
    CHECK_INT(parse(line_with(20, "\"7999900000002\""), &r), HOSHI_OK);
    CHECK_STR(r.successor, "7999900000002");
}

/* Each bad line: the error and a piece of its detail. */
static void bad_lines_refused(void)
{
    static const struct {
        int col;
        const char *value;
        hoshi_err err;
        const char *detail;
    } cases[] = {
        {0, "", HOSHI_ERR_INPUT, "(sequenceNumber): not a sequence number"},
        {0, "x1", HOSHI_ERR_INPUT, "(sequenceNumber)"},
        {1, "\"899990000001\"", HOSHI_ERR_INPUT, "(corporateNumber): not 13 digits"},
        {1, "\"1999900000001\"", HOSHI_ERR_INPUT, "(corporateNumber): wrong check digit"},
        {1, "", HOSHI_ERR_INPUT, "(corporateNumber): not 13 digits"},
        {2, "\"02\"", HOSHI_ERR_INPUT, "(process): not a process code"},
        {3, "\"2\"", HOSHI_ERR_INPUT, "(correct): not 0 or 1"},
        {4, "\"2024-02-30\"", HOSHI_ERR_INPUT, "(updateDate): not a date"},
        {4, "", HOSHI_ERR_INPUT, "(updateDate): missing"},
        {5, "\"20240101\"", HOSHI_ERR_INPUT, "(changeDate): not a date"},
        {6, "", HOSHI_ERR_INPUT, "(name): missing"},
        {6, "\"\xff\xfe\"", HOSHI_ERR_INPUT, "(name): not valid UTF-8"},
        {7, "\"abc\"", HOSHI_ERR_INPUT, "(nameImageId): not an image id"},
        {8, "\"300\"", HOSHI_ERR_INPUT, "(kind): not a kind of corporation"},
        {13, "\"48\"", HOSHI_ERR_INPUT, "(prefectureCode): not a prefecture code"},
        {13, "\"1\"", HOSHI_ERR_INPUT, "(prefectureCode)"},
        {14, "\"10\"", HOSHI_ERR_INPUT, "(cityCode): not a city code"},
        {15, "\"100-0001\"", HOSHI_ERR_INPUT, "(postCode): not a postcode"},
        {18, "\"yesterday\"", HOSHI_ERR_INPUT, "(closeDate): not a date"},
        {19, "\"02\"", HOSHI_ERR_INPUT, "(closeCause): not a closing cause"},
        {19, "\"01\"", HOSHI_ERR_INPUT, "(closeDate): missing while a closing cause is given"},
        {20, "\"1234\"", HOSHI_ERR_INPUT, "(successorCorporateNumber): not 13 digits"},
        {22, "", HOSHI_ERR_INPUT, "(assignmentDate): missing"},
        {23, "\"2\"", HOSHI_ERR_INPUT, "(latest): not 0 or 1"},
        {29, "", HOSHI_ERR_INPUT, "(hihyoji): not 0 or 1"},
        {29, "\"unterminated", HOSHI_ERR_INPUT, "unterminated quote"},
        {6, "\"a\"b", HOSHI_ERR_INPUT, "text after the closing quote"},
        {6, "a\"b", HOSHI_ERR_INPUT, "a quote inside an unquoted value"},
        {29, "\"0\",\"extra\"", HOSHI_ERR_INPUT, "more than 30 columns"},
    };
    hoshi_nta_corp r;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hoshi_err err = parse(line_with(cases[i].col, cases[i].value), &r);
        CHECK_INT(err, cases[i].err);
        if (strstr(hoshi_error_detail(), cases[i].detail) == NULL)
            printf("  case %zu: detail \"%s\", expected \"%s\"\n", i, hoshi_error_detail(), cases[i].detail),
                unit_case_failed = 1;
    }
    CHECK_INT(parse("1,\"8999900000001\"", &r), HOSHI_ERR_INPUT);
    CHECK(strstr(hoshi_error_detail(), "2 columns, expected 30") != NULL);
    CHECK_INT(parse("", &r), HOSHI_ERR_INPUT);
    static char name[HOSHI_NTA_NAME_CHARS * 3 + 8];
    size_t o = 0;
    name[o++] = '"';
    for (int i = 0; i <= HOSHI_NTA_NAME_CHARS; i++, o += 3)
        memcpy(name + o, "あ", 3);
    name[o++] = '"';
    name[o] = '\0';
    CHECK_INT(parse(line_with(6, name), &r), HOSHI_ERR_INPUT);
    CHECK(strstr(hoshi_error_detail(), "(name): longer than 150 characters") != NULL);
    static char long_line[HOSHI_NTA_LINE_MAX + 2];
    memset(long_line, 'a', sizeof long_line - 1);
    CHECK_INT(hoshi_nta_parse_line(long_line, sizeof long_line - 1, &r), HOSHI_ERR_LIMIT);
    CHECK_INT(hoshi_nta_parse_line("1\0x", 3, &r), HOSHI_ERR_INPUT);
}

static void names_compare_folded(void)
{
    char *k = NULL;
    CHECK_INT(hoshi_nta_name_key("ＡＢＣソリューションズ 株式会社", &k), HOSHI_OK);
    CHECK_STR(k, "abcそりゅーしょんず");
    free(k);
    /* Nothing but a legal form: the form is the name. */
    CHECK_INT(hoshi_nta_name_key("㈱", &k), HOSHI_OK);
    CHECK_STR(k, "株式会社");
    free(k);
    CHECK(hoshi_nta_name_matches("株式会社さくら技研", "㈱さくら技研"));
    CHECK(hoshi_nta_name_matches("株式会社さくら技研", "さくら技研（株）"));
    CHECK(hoshi_nta_name_matches("株式会社さくら技研", "(株)さくら技研"));
    CHECK(hoshi_nta_name_matches("株式会社さくら技研", "ｶﾌﾞｼｷｶﾞｲｼｬ さくら技研"));
    CHECK(hoshi_nta_name_matches("有限会社みどり商店", "みどり商店"));
    CHECK(hoshi_nta_name_matches("有限会社みどり商店", "㈲みどり商店"));
    CHECK(hoshi_nta_name_matches("ＡＢＣ株式会社", "abc 株式会社"));
    /* Kana and width fold as in the registry search (issue 11 part 8). */
    CHECK(hoshi_nta_name_matches("ｻｸﾗ技研株式会社", "サクラ技研株式会社"));
    CHECK(hoshi_nta_name_matches("サクラ技研株式会社", "さくら技研株式会社"));
    CHECK(hoshi_nta_name_matches("ｻｸﾗ技研株式会社", "株式会社さくら技研"));
    CHECK(hoshi_nta_name_matches("株式会社サクラ・テック", "さくらテック（株）"));
    CHECK(hoshi_nta_name_matches("株式会社", "(株)"));
    CHECK(!hoshi_nta_name_matches("株式会社", "有限会社"));
    CHECK(!hoshi_nta_name_matches("株式会社さくら技研", "株式会社さくら商事"));
    CHECK(!hoshi_nta_name_matches("株式会社さくら技研", "株式会社さくら"));
    CHECK(!hoshi_nta_name_matches("株式会社さくら技研", "\xff"));
    CHECK(!hoshi_nta_name_matches(NULL, "さくら"));
    CHECK_INT(hoshi_nta_name_key("\xc3", &k), HOSHI_ERR_INPUT);
    CHECK(k == NULL);
    static char huge[HOSHI_NAMEKEY_INPUT_MAX + 2];
    memset(huge, 'a', sizeof huge - 1);
    CHECK_INT(hoshi_nta_name_key(huge, &k), HOSHI_ERR_LIMIT);
    CHECK(k == NULL);
}

/* A file: BOM, CR LF, a last line without a break, then a line too long. */
static void file_lines(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/lines.csv", dir);
    FILE *w = fopen(path, "wb");
    CHECK(w != NULL);
    if (w == NULL)
        return;
    char second[HOSHI_NTA_LINE_MAX];
    snprintf(second, sizeof second, "%s", line_with(1, "\"7999900000002\""));
    fprintf(w, "\xef\xbb\xbf%s\r\n%s", line_with(-1, ""), second);
    fclose(w);
    hoshi_nta_file *f = NULL;
    hoshi_nta_corp r;
    bool end = false;
    CHECK_INT(hoshi_nta_file_open(path, &f), HOSHI_OK);
    CHECK_INT(hoshi_nta_file_next(f, &r, &end), HOSHI_OK);
    CHECK(!end);
    CHECK_STR(r.corpnum, "8999900000001");
    CHECK_STR(r.furigana, "サクラギケン");
    CHECK_INT(hoshi_nta_file_next(f, &r, &end), HOSHI_OK);
    CHECK_STR(r.corpnum, "7999900000002");
    CHECK_INT(hoshi_nta_file_line(f), 2);
    CHECK_INT(hoshi_nta_file_next(f, &r, &end), HOSHI_OK);
    CHECK(end);
    hoshi_nta_file_close(f);
    w = fopen(path, "wb");
    CHECK(w != NULL);
    if (w == NULL)
        return;
    for (int i = 0; i <= HOSHI_NTA_LINE_MAX; i++)
        fputc('a', w);
    fputc('\n', w);
    fclose(w);
    CHECK_INT(hoshi_nta_file_open(path, &f), HOSHI_OK);
    CHECK_INT(hoshi_nta_file_next(f, &r, &end), HOSHI_ERR_LIMIT);
    CHECK_INT(hoshi_nta_file_line(f), 1);
    hoshi_nta_file_close(f);
    snprintf(path, sizeof path, "%s/missing.csv", dir);
    CHECK_INT(hoshi_nta_file_open(path, &f), HOSHI_ERR_IO);
    CHECK(f == NULL);
}

/* Records for an import, from lines in memory; a bad line stops it. */
typedef struct lines {
    const char *const *line;
    size_t n, i;
} lines;

static hoshi_err next_line(void *ctx, hoshi_nta_corp *out, bool *end)
{
    lines *l = ctx;
    if (l->i == l->n) {
        *end = true;
        return HOSHI_OK;
    }
    const char *s = l->line[l->i++];
    return hoshi_nta_parse_line(s, strlen(s), out);
}

static hoshi_store *open_fresh(void)
{
    static int n;
    char path[128];
    snprintf(path, sizeof path, "%s/t%d.db", dir, n++);
    hoshi_store *s = NULL;
    CHECK_INT(hi_test_store_open(path, 2, &s), HOSHI_OK);
    return s;
}

static hoshi_err import(hoshi_store *s, const char *const *l, size_t n, hoshi_nta_import_result *res)
{
    lines ls = {l, n, 0};
    return hoshi_store_nta_import(s, next_line, &ls, res);
}

static void import_newest_wins_all_or_nothing(void)
{
    hoshi_store *s = open_fresh();
    char date[HOSHI_STORE_DATE];
    CHECK_INT(hoshi_store_nta_date(s, date), HOSHI_OK);
    CHECK_STR(date, "");
    static char l[4][HOSHI_NTA_LINE_MAX];
    snprintf(l[0], sizeof l[0], "%s", line_with(-1, ""));
    /* An older state of the same number (最新履歴 0) and another number. */
    snprintf(l[1], sizeof l[1], "%s", line_with(23, "\"0\""));
    snprintf(l[2], sizeof l[2], "%s", line_with(1, "\"7999900000002\""));
    const char *const first[] = {l[0], l[1], l[2]};
    hoshi_nta_import_result res;
    CHECK_INT(import(s, first, 3, &res), HOSHI_OK);
    CHECK_INT(res.read, 3);
    CHECK_INT(res.kept, 2);
    CHECK_INT(res.history, 1);
    CHECK_STR(res.data_date, "2024-04-01");
    CHECK_INT(hoshi_store_nta_date(s, date), HOSHI_OK);
    CHECK_STR(date, "2024-04-01");
    hoshi_nta_corp r;
    CHECK_INT(hoshi_store_nta_get(s, "8999900000001", &r), HOSHI_OK);
    CHECK_STR(r.name, "株式会社さくら技研");
    CHECK_STR(r.street, "星ヶ丘１丁目２－３");
    /* Again: the same register. */
    CHECK_INT(import(s, first, 3, &res), HOSHI_OK);
    CHECK_INT(hoshi_store_nta_get(s, "8999900000001", &r), HOSHI_OK);
    CHECK_STR(r.name, "株式会社さくら技研");
    /* An older record does not replace a newer one. */
    char older[HOSHI_NTA_LINE_MAX];
    snprintf(older, sizeof older, "%s", line_with(4, "\"2020-01-01\""));
    char *at = strstr(older, "さくら技研");
    memcpy(at, "さくら商事", strlen("さくら商事"));
    const char *const old[] = {older};
    CHECK_INT(import(s, old, 1, &res), HOSHI_OK);
    CHECK_INT(hoshi_store_nta_get(s, "8999900000001", &r), HOSHI_OK);
    CHECK_STR(r.name, "株式会社さくら技研");
    /* A bad line after good ones: nothing of the import stays. */
    snprintf(l[3], sizeof l[3], "%s", line_with(1, "\"6999900000003\""));
    const char *const bad[] = {l[3], line_with(2, "\"00\"")};
    CHECK_INT(import(s, bad, 2, &res), HOSHI_ERR_INPUT);
    CHECK_INT(res.read, 0);
    CHECK_INT(hoshi_store_nta_get(s, "6999900000003", &r), HOSHI_ERR_NOTFOUND);
    /* 処理区分 99 takes a number out. */
    char del[HOSHI_NTA_LINE_MAX];
    snprintf(del, sizeof del, "%s", line_with(2, "\"99\""));
    memcpy(strstr(del, "2024-04-01"), "2024-05-01", 10);
    const char *const gone[] = {del};
    CHECK_INT(import(s, gone, 1, &res), HOSHI_OK);
    CHECK_INT(res.deleted, 1);
    CHECK_INT(hoshi_store_nta_get(s, "8999900000001", &r), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_nta_get(s, "7999900000002", &r), HOSHI_OK);
    hoshi_store_close(s);
}

static long long org_named(hoshi_store *s, const char *email, const char *name, const char *corpnum)
{
    long long user, org;
    CHECK_INT(hoshi_store_signup(s, email, "hash", name, &user, &org), HOSHI_OK);
    hoshi_org o;
    CHECK_INT(hoshi_store_org_get(s, org, &o), HOSHI_OK);
    snprintf(o.corpnum, sizeof o.corpnum, "%s", corpnum);
    o.prefecture = 13;
    CHECK_INT(hoshi_store_org_update(s, &o), HOSHI_OK);
    return org;
}

static void check_claims_and_history(void)
{
    hoshi_store *s = open_fresh();
    hoshi_nta_verdict v;
    char date[HOSHI_STORE_DATE];
    CHECK_INT(hoshi_store_nta_check(s, "8999900000001", "さくら技研", &v, date), HOSHI_OK);
    CHECK_INT(v, HOSHI_NTA_NOT_CHECKED);
    static char closed[HOSHI_NTA_LINE_MAX];
    snprintf(closed, sizeof closed, "%s", line_with(18, "\"2023-03-31\""));
    memcpy(strstr(closed, "8999900000001"), "6999900000003", 13);
    const char *const l[] = {line_with(-1, ""), closed};
    char first[HOSHI_NTA_LINE_MAX];
    snprintf(first, sizeof first, "%s", l[0]);
    const char *const both[] = {first, closed};
    hoshi_nta_import_result res;
    CHECK_INT(import(s, both, 2, &res), HOSHI_OK);
    CHECK_INT(hoshi_store_nta_check(s, "8999900000001", "㈱さくら技研", &v, date), HOSHI_OK);
    CHECK_INT(v, HOSHI_NTA_VERIFIED);
    CHECK_STR(date, "2024-04-01");
    CHECK_INT(hoshi_store_nta_check(s, "8999900000001", "さくら商事", &v, date), HOSHI_OK);
    CHECK_INT(v, HOSHI_NTA_NAME_DIFFERS);
    CHECK_INT(hoshi_store_nta_check(s, "6999900000003", "さくら技研", &v, date), HOSHI_OK);
    CHECK_INT(v, HOSHI_NTA_CLOSED);
    CHECK_INT(hoshi_store_nta_check(s, "7999900000002", "x", &v, date), HOSHI_OK);
    CHECK_INT(v, HOSHI_NTA_UNKNOWN);
    CHECK_INT(hoshi_store_nta_check(s, "", "x", &v, date), HOSHI_OK);
    CHECK_INT(v, HOSHI_NTA_NOT_CHECKED);

    long long a = org_named(s, "a@example.jp", "株式会社さくら技研", "8999900000001");
    long long b = org_named(s, "b@example.jp", "さくら技研", "8999900000001");
    char id[HOSHI_STORE_DECL_ID], id2[HOSHI_STORE_DECL_ID];
    long long dispute = -1;
    CHECK_INT(hoshi_store_decl_claim(s, a, 1, "2026-01-01", id, &dispute), HOSHI_OK);
    CHECK_INT(dispute, 0);
    CHECK_INT((long long)strlen(id), HOSHI_DECL_ID_LEN);
    /* The second claim on the number is a dispute, not a declaration. */
    CHECK_INT(hoshi_store_decl_claim(s, b, 2, "2026-01-02", id2, &dispute), HOSHI_OK);
    CHECK(dispute > 0);
    CHECK_STR(id2, "");
    hoshi_decl d;
    CHECK_INT(hoshi_store_decl_active(s, b, &d), HOSHI_ERR_NOTFOUND);
    long long again = -1;
    CHECK_INT(hoshi_store_decl_claim(s, b, 2, "2026-01-03", id2, &again), HOSHI_OK);
    CHECK_INT(again, dispute);
    hoshi_dispute x;
    CHECK_INT(hoshi_store_dispute_pending(s, b, &x), HOSHI_OK);
    CHECK_STR(x.corpnum, "8999900000001");
    CHECK_STR(x.holder_name, "株式会社さくら技研");
    CHECK_STR(x.holder_decl, id);
    CHECK_INT(x.level, 2);
    CHECK_STR(x.opened_on, "2026-01-02");
    CHECK_INT(hoshi_store_dispute_pending(s, a, &x), HOSHI_ERR_NOTFOUND);
    /* Rejected: the holder keeps its declaration. */
    CHECK_INT(hoshi_store_dispute_resolve(s, dispute, false, "2026-01-05"), HOSHI_OK);
    CHECK_INT(hoshi_store_dispute_resolve(s, dispute, true, "2026-01-05"), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_decl_active(s, a, &d), HOSHI_OK);
    /* Claimed again and upheld: the holder's declaration is withdrawn. */
    CHECK_INT(hoshi_store_decl_claim(s, b, 2, "2026-01-06", id2, &dispute), HOSHI_OK);
    CHECK_INT(hoshi_store_dispute_resolve(s, dispute, true, "2026-01-07"), HOSHI_OK);
    CHECK_INT(hoshi_store_decl_active(s, a, &d), HOSHI_ERR_NOTFOUND);
    hoshi_dispute list[4];
    size_t n = 0;
    CHECK_INT(hoshi_store_dispute_list(s, list, 4, &n), HOSHI_OK);
    CHECK_INT(n, 2);
    CHECK_INT(list[0].status, HOSHI_DISPUTE_UPHELD);
    CHECK_STR(list[0].resolved_on, "2026-01-07");
    CHECK_INT(list[1].status, HOSHI_DISPUTE_REJECTED);
    CHECK_INT(hoshi_store_decl_claim(s, b, 1, "2026-01-08", id2, &dispute), HOSHI_OK);
    CHECK_INT(dispute, 0);

    /* History: a step-up, a rename and a move of the declared b. */
    CHECK_INT(hoshi_store_decl_claim(s, b, 2, "2026-02-01", id2, &dispute), HOSHI_OK);
    hoshi_org o;
    CHECK_INT(hoshi_store_org_get(s, b, &o), HOSHI_OK);
    snprintf(o.name, sizeof o.name, "%s", "株式会社さくら技研");
    CHECK_INT(hoshi_store_org_update(s, &o), HOSHI_OK);
    o.prefecture = 27;
    CHECK_INT(hoshi_store_org_update(s, &o), HOSHI_OK);
    hoshi_org_change h[8];
    CHECK_INT(hoshi_store_org_history(s, b, h, 8, &n), HOSHI_OK);
    CHECK_INT(n, 3);
    CHECK_INT(h[0].field, HOSHI_CHANGE_PREFECTURE);
    CHECK_STR(h[0].before, "13");
    CHECK_STR(h[0].after, "27");
    CHECK_INT(h[1].field, HOSHI_CHANGE_NAME);
    CHECK_STR(h[1].before, "さくら技研");
    CHECK_STR(h[1].after, "株式会社さくら技研");
    CHECK_INT(h[2].field, HOSHI_CHANGE_LEVEL);
    CHECK_STR(h[2].changed_on, "2026-02-01");
    CHECK_STR(h[2].before, "1");
    CHECK_STR(h[2].after, "2");
    /* a has nothing in force: its changes are not the public's. */
    CHECK_INT(hoshi_store_org_get(s, a, &o), HOSHI_OK);
    snprintf(o.name, sizeof o.name, "%s", "別の名前");
    CHECK_INT(hoshi_store_org_update(s, &o), HOSHI_OK);
    CHECK_INT(hoshi_store_org_history(s, a, h, 8, &n), HOSHI_OK);
    CHECK_INT(n, 0);
    hoshi_store_close(s);
}

/* Another process's import (here a second store on the same file, as
 * hoshi nta import opens it) changes the generation a server's cache is
 * keyed by; a read or a write that is not public data does not. */
static void import_elsewhere_moves_the_generation(void)
{
    static int n;
    char path[128];
    snprintf(path, sizeof path, "%s/gen%d.db", dir, n++);
    hoshi_store *server = NULL, *cli = NULL;
    CHECK_INT(hi_test_store_open(path, 2, &server), HOSHI_OK);
    CHECK_INT(hi_test_store_open(path, 1, &cli), HOSHI_OK);
    long long g0 = 0, g1 = 0, g2 = 0, g3 = 0;
    CHECK_INT(hoshi_store_generation(server, &g0), HOSHI_OK);
    CHECK_INT(hoshi_store_generation(server, &g1), HOSHI_OK);
    CHECK(g0 == g1);
    long long user, org;
    CHECK_INT(hoshi_store_signup(cli, "g@example.jp", "hash", "さくら", &user, &org), HOSHI_OK);
    char date[HOSHI_STORE_DATE];
    CHECK_INT(hoshi_store_nta_date(cli, date), HOSHI_OK);
    CHECK_INT(hoshi_store_generation(server, &g1), HOSHI_OK);
    CHECK(g1 == g0);
    const char *const one[] = {line_with(-1, "")};
    hoshi_nta_import_result res;
    CHECK_INT(import(cli, one, 1, &res), HOSHI_OK);
    CHECK_INT(hoshi_store_generation(server, &g2), HOSHI_OK);
    CHECK(g2 > g1);
    /* A declaration made elsewhere moves it too. */
    char id[HOSHI_STORE_DECL_ID];
    CHECK_INT(hoshi_store_decl_create(cli, org, 1, "2026-01-01", id), HOSHI_OK);
    CHECK_INT(hoshi_store_generation(server, &g3), HOSHI_OK);
    CHECK(g3 > g2);
    hoshi_store_close(cli);
    hoshi_store_close(server);
}

int main(void)
{
    if (mkdtemp(dir) == NULL)
        return 1;
    RUN(good_line_read);
    RUN(import_elsewhere_moves_the_generation);
    RUN(bad_lines_refused);
    RUN(names_compare_folded);
    RUN(file_lines);
    RUN(import_newest_wins_all_or_nothing);
    RUN(check_claims_and_history);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return UNIT_RESULT();
}
