/*
 * test_tab_fa.c — the coder of free answers and the listing, through the
 * library: the folding both sides of a match go through, a coding file's
 * rules on answers, the coded MA question added to a dataset (tabulated,
 * saved to .hsd and read back with the respondents' ids), a failed
 * coding leaving the dataset as it was, and every allocation failure of
 * a coding and a listing reported as such, with nothing leaked (ASan).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hoshi/hoshi.h"
#include "hoshi/testing.h"
#include "tab/fa.h"
#include "unit.h"

static const char CB[] =
    "qid,type,code,label,note\n"
    "Q1,SA,,規模,\n"
    "Q1,SA,1,小,\n"
    "Q1,SA,2,大,\n"
    "Q10,FA,,課題,\n";
static const char DATA[] =
    "id,Q1,Q10\n"
    "a7,1,パスワードの管理が大変\n"
    "b2,2,ＵＳＢを紛失した\n"
    "c3,1,\n"
    "d4,2,\"ぱすわーど と usb\"\n"
    "e5,1,特になし\n";
static const char CODES[] =
    "code,label,keywords\n"
    "name,Q10X,課題（コード）\n"
    "1,パスワード,パスワード\n"
    "2,USB,usb&紛失,USBメモリ\n"
    "uncoded,分類不能\n"
    "id:d4,1;2\n";

static hoshi_dataset *open_data(void)
{
    hoshi_dataset *ds = NULL;
    CHECK_INT(hoshi_dataset_parse("cb", CB, strlen(CB), "d", DATA, strlen(DATA), HOSHI_ENC_UTF8,
                                  &ds), HOSHI_OK);
    return ds;
}

/* The csv of the simple table of head, or NULL when it fails. */
static char *table(const hoshi_dataset *ds, const char *head)
{
    const char *heads[] = {head};
    hoshi_tab_spec spec = {0};
    spec.heads = heads;
    spec.n_heads = 1;
    hoshi_tabset *ts = NULL;
    char *out = NULL;
    size_t len = 0;
    if (hoshi_tab_run(ds, &spec, &ts) == HOSHI_OK)
        hoshi_tab_render(ts, HOSHI_TAB_CSV, NULL, &out, &len);
    hoshi_tabset_free(ts);
    return out;
}

static void fold_agrees(void)
{
    char *s = NULL;
    CHECK_INT(hoshi_fa_fold("ＰＣとﾊﾟｿｺﾝ、USBメモリ", &s), HOSHI_OK);
    CHECK_STR(s, "pcとぱそこん、usbめもり");
    free(s);
    CHECK_INT(hoshi_fa_fold("ＡＢＣ　ｱｲｳ", &s), HOSHI_OK);
    CHECK_STR(s, "abc あいう");
    free(s);
    CHECK_INT(hoshi_fa_fold("ab\xE3", &s), HOSHI_ERR_INPUT);
    CHECK(s == NULL);
}

static void rules_match(void)
{
    hi_fa_coding *c = NULL;
    CHECK_INT(hi_fa_coding_parse("codes", CODES, strlen(CODES), &c), HOSHI_OK);
    if (c == NULL)
        return;
    CHECK_STR(c->qid, "Q10X");
    CHECK_STR(c->title, "課題（コード）");
    CHECK_STR(c->uncoded, "分類不能");
    CHECK_INT(c->n_cat, 2);
    CHECK_INT(c->cat[1].n_kw, 2);
    CHECK_INT(c->cat[1].kw[0].n, 2);
    uint8_t sel[3];
    const char *a = "ＵＳＢ を紛失";
    CHECK_INT(hi_fa_coding_match(c, a, strlen(a), sel), HOSHI_OK);
    CHECK(sel[0] == 0 && sel[1] == 1 && sel[2] == 0);
    a = "usbだけ"; /* half of an AND keyword */
    CHECK_INT(hi_fa_coding_match(c, a, strlen(a), sel), HOSHI_OK);
    CHECK(sel[0] == 0 && sel[1] == 0 && sel[2] == 1);
    a = "ﾊﾟｽﾜｰﾄﾞとUSBﾒﾓﾘ";
    CHECK_INT(hi_fa_coding_match(c, a, strlen(a), sel), HOSHI_OK);
    CHECK(sel[0] == 1 && sel[1] == 1 && sel[2] == 0);
    const hi_fa_manual *m = hi_fa_coding_manual(c, "d4", 2);
    CHECK(m != NULL && m->n == 2 && m->cat[0] == 0 && m->cat[1] == 1);
    CHECK(hi_fa_coding_manual(c, "d", 1) == NULL);
    hi_fa_coding_free(c);
}

static const char CODED[] =
    ",N,パスワード,USB,分類不能,無回答\r\n"
    "全体,5,40.0,40.0,20.0,20.0\r\n";

static void coded_question_tabulates_and_is_saved(void)
{
    hoshi_dataset *ds = open_data(), *back = NULL;
    if (ds == NULL)
        return;
    CHECK_INT(hoshi_fa_code(ds, "Q10", "codes", CODES, strlen(CODES)), HOSHI_OK);
    char *t = table(ds, "Q10X");
    CHECK_STR(t, CODED);
    free(t);
    char path[] = "/tmp/hoshi-test-fa-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    CHECK_INT(hoshi_dataset_save(ds, path), HOSHI_OK);
    CHECK_INT(hoshi_dataset_open(NULL, path, HOSHI_ENC_AUTO, &back), HOSHI_OK);
    if (back != NULL) {
        t = table(back, "Q10X");
        CHECK_STR(t, CODED);
        free(t);
        /* the ids came along: a manual assignment finds d4 in the cache */
        static const char again[] = "code,label,keywords\n1,x,該当なし\nid:d4,1\n";
        CHECK_INT(hoshi_fa_code(back, "Q10", "again", again, strlen(again)), HOSHI_OK);
        t = table(back, "Q10C");
        CHECK_STR(t, ",N,x,未分類,無回答\r\n全体,5,20.0,60.0,20.0\r\n");
        free(t);
        const char *attrs[] = {"Q10X", "Q1"};
        hoshi_fa_spec fs = {"Q10", attrs, 2, NULL, 0, NULL, "Q1", 0};
        hoshi_falist *l = NULL;
        CHECK_INT(hoshi_fa_list(back, &fs, &l), HOSHI_OK);
        char *out = NULL;
        size_t len = 0;
        if (l != NULL)
            CHECK_INT(hoshi_falist_render(l, HOSHI_TAB_CSV, NULL, &out, &len), HOSHI_OK);
        CHECK_STR(out, "id,Q10X,Q1,Q10\r\n"
                       "a7,パスワード,小,パスワードの管理が大変\r\n"
                       "e5,分類不能,小,特になし\r\n"
                       "b2,USB,大,ＵＳＢを紛失した\r\n"
                       "d4,パスワード / USB,大,ぱすわーど と usb\r\n");
        free(out);
        hoshi_falist_free(l);
    }
    hoshi_dataset_free(back);
    unlink(path);
    hoshi_dataset_free(ds);
}

static void failed_coding_changes_nothing(void)
{
    hoshi_dataset *ds = open_data();
    if (ds == NULL)
        return;
    static const char bad[] = "code,label,keywords\n1,a,b\nid:zz,1\n";
    CHECK_INT(hoshi_fa_code(ds, "Q10", "bad.csv", bad, strlen(bad)), HOSHI_ERR_INPUT);
    CHECK_STR(hoshi_error_detail(), "bad.csv:3:1: unknown id 'zz' (no respondent has it)");
    CHECK(table(ds, "Q10C") == NULL);
    CHECK_INT(hoshi_fa_code(ds, "Q1", "x", bad, strlen(bad)), HOSHI_ERR_USAGE);
    CHECK_INT(hoshi_fa_code(ds, "Q10", "codes", CODES, strlen(CODES)), HOSHI_OK);
    char *t = table(ds, "Q10X");
    CHECK_STR(t, CODED);
    free(t);
    /* coding the same question again under the same name is refused */
    CHECK_INT(hoshi_fa_code(ds, "Q10", "codes", CODES, strlen(CODES)), HOSHI_ERR_INPUT);
    CHECK_STR(hoshi_error_detail(), "codes:2:2: the codebook already has a question Q10X");
    hoshi_dataset_free(ds);
}

/* The ids of a .hsd cache are checked when a listing or a coding first
 * reads them: damaged ids do not stop tables, and are never shown. */
static void damaged_ids_are_found(void)
{
    hoshi_dataset *ds = open_data(), *back = NULL;
    char path[] = "/tmp/hoshi-test-fa-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0 && ds != NULL);
    close(fd);
    CHECK_INT(hoshi_dataset_save(ds, path), HOSHI_OK);
    hoshi_dataset_free(ds);
    FILE *f = fopen(path, "r+b");
    char buf[65536];
    size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
    char *at = NULL;
    for (size_t i = 0; i + 10 <= n && at == NULL; i++)
        if (memcmp(buf + i, "a7b2c3d4e5", 10) == 0) /* the ids' text */
            at = buf + i;
    CHECK(at != NULL);
    if (f != NULL && at != NULL) {
        fseek(f, (long)(at - buf) + 1, SEEK_SET);
        fputc('8', f);
    }
    if (f != NULL)
        fclose(f);
    CHECK_INT(hoshi_dataset_open(NULL, path, HOSHI_ENC_AUTO, &back), HOSHI_OK);
    char *t = back ? table(back, "Q1") : NULL;
    CHECK_STR(t, ",N,小,大\r\n全体,5,60.0,40.0\r\n");
    free(t);
    hoshi_fa_spec fs = {"Q10", NULL, 0, NULL, 0, NULL, NULL, 0};
    hoshi_falist *l = NULL;
    CHECK_INT(back ? hoshi_fa_list(back, &fs, &l) : HOSHI_OK, HOSHI_ERR_INPUT);
    CHECK(strstr(hoshi_error_detail(), "damaged cache: checksum of column id does not match") != NULL);
    CHECK(l == NULL);
    CHECK_INT(back ? hoshi_fa_code(back, "Q10", "codes", CODES, strlen(CODES)) : HOSHI_OK,
              HOSHI_ERR_INPUT);
    hoshi_dataset_free(back);
    unlink(path);
}

/* Every allocation of a coding and of a listing may fail: each failure is
 * HOSHI_ERR_NOMEM, the dataset stays as it was, nothing leaks. */
static void allocation_failures(void)
{
    int failures = 0;
    for (long n = 0; n < 100000; n++) {
        hoshi_dataset *ds = open_data();
        if (ds == NULL)
            return;
        hoshi_testing_fail_alloc(n, false);
        hoshi_err err = hoshi_fa_code(ds, "Q10", "codes", CODES, strlen(CODES));
        bool failed = hoshi_testing_alloc_failed();
        hoshi_testing_fail_alloc(-1, false);
        char *t = table(ds, "Q10X");
        if (failed) {
            failures++;
            CHECK_INT(err, HOSHI_ERR_NOMEM);
            CHECK(t == NULL);
        } else {
            CHECK_INT(err, HOSHI_OK);
            CHECK_STR(t, CODED);
        }
        free(t);
        if (!failed) {
            hoshi_dataset_free(ds);
            break;
        }
        hoshi_dataset_free(ds);
    }
    CHECK(failures > 10);
    failures = 0;
    hoshi_dataset *ds = open_data();
    const char *attrs[] = {"Q1"};
    hoshi_fa_spec fs = {"Q10", attrs, 1, NULL, 0, "パスワード", NULL, 0};
    for (long n = 0; ds != NULL && n < 100000; n++) {
        hoshi_falist *l = NULL;
        char *out = NULL;
        size_t len = 0;
        hoshi_testing_fail_alloc(n, false);
        hoshi_err err = hoshi_fa_list(ds, &fs, &l);
        if (err == HOSHI_OK)
            err = hoshi_falist_render(l, HOSHI_TAB_JSON, NULL, &out, &len);
        bool failed = hoshi_testing_alloc_failed();
        hoshi_testing_fail_alloc(-1, false);
        hoshi_falist_free(l);
        free(out);
        if (!failed) {
            CHECK_INT(err, HOSHI_OK);
            break;
        }
        failures++;
        CHECK_INT(err, HOSHI_ERR_NOMEM);
    }
    CHECK(failures > 10);
    hoshi_dataset_free(ds);
}

int main(void)
{
    RUN(fold_agrees);
    RUN(rules_match);
    RUN(coded_question_tabulates_and_is_saved);
    RUN(failed_coding_changes_nothing);
    RUN(damaged_ids_are_found);
    RUN(allocation_failures);
    return unit_total_failed != 0;
}
