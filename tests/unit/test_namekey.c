/*
 * test_namekey.c — the search key of a name (hoshi/namekey.h): width,
 * kana and case folded to one; legal forms folded to their full name or
 * dropped; spaces and punctuation gone; odd and invalid input; a broken
 * forms file refused with its line; and the look-up kind of a query
 * (法人番号, declaration ID, name) however its digits were typed.
 */
#include "hoshi/hoshi.h"
#include "hoshi/namekey.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const hoshi_namekey *nk;

/* The key of s (flags as given; as_query: hoshi_namekey_query's) into a
 * static buffer; "(error)" on failure. */
static const char *keyed(const char *s, unsigned flags, bool as_query)
{
    static char buf[1024];
    char *out = NULL;
    hoshi_err err = as_query ? hoshi_namekey_query(nk, s, &out) : hoshi_namekey_make(nk, s, flags, &out);
    if (err != HOSHI_OK)
        return "(error)";
    snprintf(buf, sizeof buf, "%s", out);
    free(out);
    return buf;
}

static const char *key(const char *s, unsigned flags)
{
    return keyed(s, flags, false);
}

static const char *query(const char *s)
{
    return keyed(s, 0, true);
}

/* Each cases[i][0] has the key cases[i][1]. */
static void check_keys(const char *const (*cases)[2], size_t n)
{
    for (size_t i = 0; i < n; i++)
        CHECK_STR(key(cases[i][0], 0), cases[i][1]);
}

static void kana_width_case(void)
{
    static const char *const cases[][2] = {
        {"サクラ", "さくら"},
        {"ｻｸﾗ", "さくら"},
        {"さくら", "さくら"},
        {"ＳＡＫＵＲＡ", "sakura"},
        {"Sakura", "sakura"},
        /* half-width voiced marks compose: ｶﾞ is ガ is が */
        {"ｶﾞｸｾｲ", "がくせい"},
        {"ヴ", "ゔ"},
        /* the long vowel mark is part of the word; ヽヾ fold too */
        {"コーヒー", "こーひー"},
        {"ヽヾ", "ゝゞ"},
        /* full-width digits become ASCII; kanji stay */
        {"第１２工場", "第12工場"},
    };
    check_keys(cases, sizeof cases / sizeof cases[0]);
}

static void legal_forms(void)
{
    const char *kk = "株式会社さくら";
    CHECK_STR(key("株式会社さくら", 0), kk);
    CHECK_STR(key("(株)さくら", 0), kk);
    CHECK_STR(key("（株）サクラ", 0), kk);
    CHECK_STR(key("㈱ｻｸﾗ", 0), kk);
    CHECK_STR(key("( 株 ) さくら", 0), kk);
    CHECK_STR(key("カブシキガイシャ　サクラ", 0), kk);
    CHECK_STR(key("ｶﾌﾞｼｷｶﾞｲｼｬｻｸﾗ", 0), kk);
    CHECK_STR(key("さくら(有)", 0), "さくら有限会社");
    CHECK_STR(key("㈲さくら", 0), "有限会社さくら");
    CHECK_STR(key("(同)さくら", 0), "合同会社さくら");
    CHECK_STR(key("(一社)さくら協会", 0), "一般社団法人さくら協会");
    /* the longest spelling wins: 一般社団法人 is not 一般 + 社団法人 */
    CHECK_STR(key("一般社団法人さくら", 0), "一般社団法人さくら");
    /* dropped on request, wherever they stand */
    CHECK_STR(key("(株)さくら", HOSHI_NAMEKEY_DROP_FORMS), "さくら");
    CHECK_STR(key("さくら株式会社", HOSHI_NAMEKEY_DROP_FORMS), "さくら");
    /* a 株 that is no legal form stays */
    CHECK_STR(key("株田商店", HOSHI_NAMEKEY_DROP_FORMS), "株田商店");
    /* a query drops the forms unless nothing else is left */
    CHECK_STR(query("(株)さくら"), "さくら");
    CHECK_STR(query("㈱"), "株式会社");
    CHECK_STR(query("ｶﾌﾞｼｷｶﾞｲｼｬ"), "株式会社");
}

static void spaces_and_punctuation(void)
{
    static const char *const cases[][2] = {
        {" さくら　テック ", "さくらてっく"},
        {"サクラ・テック", "さくらてっく"},
        {"A&B-Tech.", "abtech"},
        {"★さくら☆", "さくら"},
        {"\t\n", ""},
        {"", ""},
        {"!!!", ""},
        {NULL, ""},
        /* no LIKE wildcard survives */
        {"100%_off\\", "100off"},
    };
    check_keys(cases, sizeof cases / sizeof cases[0]);
}

static void odd_input(void)
{
    char *out = (char *)"untouched";
    /* invalid UTF-8: a lone continuation byte, a truncated sequence, an
     * encoded surrogate, an overlong */
    const char *bad[] = {"\x80", "\xE3\x81", "a\xED\xA0\x80", "\xC0\xAF"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT(hoshi_namekey_make(nk, bad[i], 0, &out), HOSHI_ERR_INPUT);
        CHECK(out == NULL);
        out = (char *)"untouched";
    }
    /* too long */
    char *big = malloc(HOSHI_NAMEKEY_INPUT_MAX + 2);
    memset(big, 'a', HOSHI_NAMEKEY_INPUT_MAX + 1);
    big[HOSHI_NAMEKEY_INPUT_MAX + 1] = '\0';
    CHECK_INT(hoshi_namekey_make(nk, big, 0, &out), HOSHI_ERR_LIMIT);
    CHECK(out == NULL);
    big[HOSHI_NAMEKEY_INPUT_MAX] = '\0';
    CHECK_INT(hoshi_namekey_make(nk, big, 0, &out), HOSHI_OK);
    CHECK_INT(strlen(out), HOSHI_NAMEKEY_INPUT_MAX);
    free(out);
    free(big);
    /* text that NFKC lengthens a lot, and emoji outside the BMP */
    CHECK_STR(key("\xEF\xB7\xBA", 0), "صلىاللهعليهوسلم"); /* U+FDFA */
    CHECK_STR(key("𠮷野家😀", 0), "𠮷野家");
    /* without a table, no form folds */
    const hoshi_namekey *saved = nk;
    nk = NULL;
    CHECK_STR(key("(株)さくら", 0), "株さくら");
    nk = saved;
}

/* Writes a forms file into a fresh data directory; returns its path. */
static const char *forms_dir(const char *body)
{
    static char dir[64];
    char path[128];
    snprintf(dir, sizeof dir, "/tmp/hoshi_nk_%ld", (long)getpid());
    snprintf(path, sizeof path, "%s/registry", dir);
    mkdir(dir, 0700);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/registry/legal_forms.ini", dir);
    FILE *f = fopen(path, "w");
    fputs(body, f);
    fclose(f);
    return dir;
}

static void bad_forms_file(void)
{
    hoshi_namekey *t = NULL;
    CHECK_INT(hoshi_namekey_open(forms_dir("[forms]\nform = 株式会社 (株)\nform = ・・ (x)\n"), &t),
              HOSHI_ERR_DATA);
    CHECK(strstr(hoshi_error_detail(), "form 2") != NULL);
    CHECK(t == NULL);
    CHECK_INT(hoshi_namekey_open(forms_dir("[forms]\nform = 株式会社 ・\n"), &t), HOSHI_ERR_DATA);
    CHECK(strstr(hoshi_error_detail(), "has no letter or number") != NULL);
    CHECK_INT(hoshi_namekey_open(forms_dir("[forms]\nform = 株式会社 \xE3\x81\n"), &t), HOSHI_ERR_DATA);
    CHECK_INT(hoshi_namekey_open("/nonexistent/hoshi", &t), HOSHI_ERR_DATA);
    CHECK(t == NULL);
    /* an operator's own form works */
    CHECK_INT(hoshi_namekey_open(forms_dir("[forms]\nform = 株式会社 KK\n"), &t), HOSHI_OK);
    char *out = NULL;
    CHECK_INT(hoshi_namekey_make(t, "さくらKK", 0, &out), HOSHI_OK);
    CHECK_STR(out, "さくら株式会社");
    free(out);
    hoshi_namekey_free(t);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf /tmp/hoshi_nk_%ld", (long)getpid());
    CHECK_INT(system(cmd), 0);
}

static void lookup_kind(void)
{
    char out[HOSHI_CORPNUM_LEN + 1];
    CHECK_INT(hoshi_lookup_of("7000012050002", out), HOSHI_LOOKUP_CORPNUM);
    CHECK_STR(out, "7000012050002");
    CHECK_INT(hoshi_lookup_of(" 7-0000-1205-0002 ", out), HOSHI_LOOKUP_CORPNUM);
    CHECK_STR(out, "7000012050002");
    CHECK_INT(hoshi_lookup_of("７０００ ０１２０ ５０００２", out), HOSHI_LOOKUP_CORPNUM);
    CHECK_STR(out, "7000012050002");
    CHECK_INT(hoshi_lookup_of("７ー０００ー０１２０ー５０００２", out), HOSHI_LOOKUP_CORPNUM);
    /* a wrong check digit is no 法人番号 */
    CHECK_INT(hoshi_lookup_of("8000012050002", out), HOSHI_LOOKUP_NAME);
    CHECK_STR(out, "");
    char id[HOSHI_DECL_ID_LEN + 1];
    CHECK_INT(hoshi_decl_id_make(1234567890, id), HOSHI_OK);
    CHECK_INT(hoshi_lookup_of(id, out), HOSHI_LOOKUP_DECL_ID);
    CHECK_STR(out, id);
    char typed[64];
    snprintf(typed, sizeof typed, "%.4s-%.4s-%s", id, id + 4, id + 8);
    CHECK_INT(hoshi_lookup_of(typed, out), HOSHI_LOOKUP_DECL_ID);
    CHECK_STR(out, id);
    id[10] = id[10] == '9' ? '0' : (char)(id[10] + 1);
    CHECK_INT(hoshi_lookup_of(id, out), HOSHI_LOOKUP_NAME);
    const char *names[] = {"さくら", "", "12345", "70000120500021", "7000012050002x", "\xE3\x81", "-",
                           "12345678901234567890123456789012345678901234567890123456789012345678901234567890"
                           "12345678901234567890123456789012345678901234567890123456789012345678901234567890"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        CHECK_INT(hoshi_lookup_of(names[i], out), HOSHI_LOOKUP_NAME);
        CHECK_STR(out, "");
    }
    CHECK_INT(hoshi_lookup_of(NULL, out), HOSHI_LOOKUP_NAME);
}

static void default_dir(void)
{
    /* The default came from the default directory: asking for it again
     * is fine, another directory is refused. */
    CHECK_INT(hoshi_namekey_default_dir(NULL), HOSHI_OK);
    CHECK_INT(hoshi_namekey_default_dir(hoshi_datadir_default()), HOSHI_OK);
    CHECK_INT(hoshi_namekey_default_dir("/nonexistent/hoshi"), HOSHI_ERR_USAGE);
    CHECK(strstr(hoshi_error_detail(), "already read from") != NULL);
    const hoshi_namekey *again = NULL;
    CHECK_INT(hoshi_namekey_default(&again), HOSHI_OK);
    CHECK(again == nk);
}

int main(void)
{
    if (hoshi_namekey_default(&nk) != HOSHI_OK) {
        printf("FAIL load: %s\n", hoshi_error_detail());
        return 1;
    }
    RUN(kana_width_case);
    RUN(legal_forms);
    RUN(spaces_and_punctuation);
    RUN(odd_input);
    RUN(bad_forms_file);
    RUN(lookup_kind);
    RUN(default_dir);
    return UNIT_RESULT();
}
