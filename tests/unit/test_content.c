/*
 * test_content.c — the operator's case studies and support services
 * (src/lib/content/, hoshi/cases.h, hoshi/support.h): the shipped folders
 * open, the closest case follows its rule tier by tier, services answer
 * for their regions and items, a wrong file is refused with its file and
 * line, and every allocation of opening can fail cleanly.
 */
#include "hoshi/hoshi.h"
#include "hoshi/testing.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char tmpdir_path[256];

static void write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir_path, name);
    FILE *f = fopen(path, "w");
    if (f != NULL) {
        fputs(text, f);
        fclose(f);
    }
}

static void remove_file(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir_path, name);
    unlink(path);
}

/* A case file of that size, industry and level, every text given. */
static void write_case(const char *name, int size, const char *industry)
{
    char text[2048];
    snprintf(text, sizeof text,
             "[case]\nsize = %d\nindustry = %s\nlevel = 2\n"
             "[ja]\ntitle = t\nfirm = f\nstarted = s\nchanged = c\nkept = k\nteam = t\nhard = h\ndeclared = d\n"
             "[en]\ntitle = T\nfirm = F\nstarted = S\nstarted = S2\nchanged = C\nkept = K\nteam = T\nhard = H\n"
             "declared = D\n",
             size, industry);
    write_file(name, text);
}

static void shipped_cases(void)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/cases", hoshi_datadir_default());
    hoshi_cases *c = NULL;
    CHECK_INT(hoshi_cases_open(dir, &c), HOSHI_OK);
    if (c == NULL)
        return;
    CHECK(hoshi_cases_count(c) >= 6);
    const hoshi_case *k = hoshi_cases_find(c, "cafe");
    CHECK(k != NULL);
    if (k != NULL) {
        CHECK_INT(k->size, 1);
        CHECK_INT(k->industry, 13); /* M */
        CHECK_INT(k->level, 1);
        CHECK(hoshi_case_text(c, k, HOSHI_LANG_EN, "title", 0) != NULL);
        CHECK(hoshi_case_text(c, k, HOSHI_LANG_EN, "title", 1) == NULL);
        for (size_t i = 0; i < HOSHI_CASE_PARTS; i++)
            CHECK(hoshi_case_text(c, k, HOSHI_LANG_JA, hoshi_case_parts[i], 0) != NULL);
    }
    CHECK(hoshi_cases_find(c, "no-such") == NULL);
    CHECK(hoshi_cases_find(c, NULL) == NULL);
    CHECK(hoshi_cases_at(c, hoshi_cases_count(c)) == NULL);
    hoshi_cases_free(c);
}

static void closest_case(void)
{
    write_case("a-first.ini", 3, "A");
    write_case("b-e-two.ini", 2, "E");
    write_case("c-e-five.ini", 5, "E");
    write_case("d-g-five.ini", 5, "G");
    write_file("notes.txt", "not an entry\n");
    hoshi_cases *c = NULL;
    CHECK_INT(hoshi_cases_open(tmpdir_path, &c), HOSHI_OK);
    if (c == NULL)
        return;
    CHECK_INT(hoshi_cases_count(c), 4);
    CHECK_STR(hoshi_cases_at(c, 0)->id, "a-first");
    CHECK_STR(hoshi_cases_match(c, 5, 5)->id, "c-e-five");   /* industry and size */
    CHECK_STR(hoshi_cases_match(c, 1, 5)->id, "b-e-two");    /* industry, the first by id */
    CHECK_STR(hoshi_cases_match(c, 5, 2)->id, "c-e-five");   /* no B: of size 5, the first by id */
    CHECK_STR(hoshi_cases_match(c, 5, 7)->id, "d-g-five");   /* both */
    CHECK_STR(hoshi_cases_match(c, 6, 20)->id, "a-first");   /* neither: the first */
    CHECK_STR(hoshi_cases_match(c, 0, 0)->id, "a-first");    /* nothing given */
    CHECK_STR(hoshi_case_text(c, hoshi_cases_at(c, 1), HOSHI_LANG_EN, "started", 1), "S2");
    hoshi_cases_free(c);
    remove_file("a-first.ini");
    remove_file("b-e-two.ini");
    remove_file("c-e-five.ini");
    remove_file("d-g-five.ini");
    remove_file("notes.txt");
}

/* Opening tmpdir fails with HOSHI_ERR_DATA and a detail containing want. */
static void refused(const char *want)
{
    hoshi_cases *c = NULL;
    hoshi_err err = hoshi_cases_open(tmpdir_path, &c);
    CHECK_INT(err, HOSHI_ERR_DATA);
    CHECK(c == NULL);
    if (strstr(hoshi_error_detail(), want) == NULL) {
        unit_case_failed = 1;
        printf("  detail '%s' lacks '%s'\n", hoshi_error_detail(), want);
    }
}

static void bad_cases(void)
{
    write_case("x.ini", 7, "A");
    refused("x.ini:2: size is '7'");
    write_case("x.ini", 1, "AB");
    refused("x.ini:3: industry is 'AB'");
    write_file("x.ini", "[case]\nsize = 1\nindustry = A\nlevel = 1\nmood = good\n");
    refused("x.ini:5: unknown key 'mood' in [case]");
    write_file("x.ini", "[case]\nsize = 1\nindustry = A\nlevel = 1\n[ja]\ntitle = a\ntitle = b\n");
    refused("x.ini:7: title is given twice in [ja] (first on line 6)");
    write_file("x.ini", "[case]\nsize = 1\nindustry = A\n");
    refused("x.ini: [case] has no `level =` line");
    remove_file("x.ini");
    write_case("Bad_Name.ini", 1, "A");
    refused("Bad_Name.ini: a file name must be");
    remove_file("Bad_Name.ini");
    hoshi_cases *c = NULL;
    CHECK_INT(hoshi_cases_open("/nonexistent/hoshi-cases", &c), HOSHI_ERR_DATA);
}

static void shipped_support(void)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/support", hoshi_datadir_default());
    hoshi_support *s = NULL;
    CHECK_INT(hoshi_support_open(dir, &s), HOSHI_OK);
    if (s == NULL)
        return;
    CHECK(hoshi_support_count(s) >= 4);
    size_t covering = 0;
    for (size_t i = 0; i < hoshi_support_count(s); i++) {
        const hoshi_service *sv = hoshi_support_at(s, i);
        covering += hoshi_service_covers(sv, 24);
        CHECK(hoshi_service_text(s, sv, HOSHI_LANG_JA, "name", 0) != NULL);
        CHECK(strncmp(sv->url, "https://example.jp/", 19) == 0);
    }
    CHECK_INT(hoshi_support_covering(s, 24), covering);
    hoshi_support_free(s);
    CHECK_INT(hoshi_support_kind_code("insurance"), 4);
    CHECK_INT(hoshi_support_kind_code("Insurance"), 0);
    CHECK_INT(hoshi_support_price_code("free"), 1);
    CHECK_INT(hoshi_support_price_code(""), 0);
}

static void service_facts(void)
{
    write_file("s.ini", "[service]\nkinds = desk, insurance\nregions = 13 14\nprice = mid\n"
                        "url = https://example.jp/x?a=1\nitems = 1,25\n"
                        "[ja]\nname = n\nprovider = p\ncovers = c\n[en]\nname = N\nprovider = P\ncovers = C\ncovers = C2\n");
    hoshi_support *s = NULL;
    CHECK_INT(hoshi_support_open(tmpdir_path, &s), HOSHI_OK);
    if (s != NULL) {
        const hoshi_service *sv = hoshi_support_at(s, 0);
        CHECK_INT(sv->kinds, 1u | 8u);
        CHECK(!sv->nationwide && hoshi_service_serves(sv, 13) && hoshi_service_serves(sv, 14));
        CHECK(!hoshi_service_serves(sv, 1) && !hoshi_service_serves(sv, 0) && !hoshi_service_serves(sv, 48));
        CHECK(hoshi_service_covers(sv, 1) && hoshi_service_covers(sv, 25) && !hoshi_service_covers(sv, 2));
        CHECK(!hoshi_service_covers(sv, 0) && !hoshi_service_covers(sv, 26));
        CHECK_INT(sv->price, 3);
        CHECK_STR(hoshi_service_text(s, sv, HOSHI_LANG_EN, "covers", 1), "C2");
        hoshi_support_free(s);
    }
    static const char *const bad[][2] = {
        {"url = https://example.jp/x?a=1", "url = ftp://example.jp/"},
        {"url = https://example.jp/x?a=1", "url = https://exa mple.jp/"},
        {"regions = 13 14", "regions = 0"},
        {"items = 1,25", "items = 1,,x"},
        {"price = mid", "price = middle"},
        {"kinds = desk, insurance", "kinds = desk helpdesk"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text, "[service]\n%s\n%s\n%s\n%s\n%s\n[ja]\nname = n\nprovider = p\ncovers = c\n"
                 "[en]\nname = N\nprovider = P\ncovers = C\n",
                 strncmp(bad[i][1], "kinds", 5) == 0 ? bad[i][1] : "kinds = desk",
                 strncmp(bad[i][1], "regions", 7) == 0 ? bad[i][1] : "regions = all",
                 strncmp(bad[i][1], "price", 5) == 0 ? bad[i][1] : "price = free",
                 strncmp(bad[i][1], "url", 3) == 0 ? bad[i][1] : "url = https://example.jp/",
                 strncmp(bad[i][1], "items", 5) == 0 ? bad[i][1] : "items = 1");
        write_file("s.ini", text);
        CHECK_INT(hoshi_support_open(tmpdir_path, &s), HOSHI_ERR_DATA);
        CHECK(strstr(hoshi_error_detail(), "s.ini:") != NULL);
    }
    remove_file("s.ini");
}

static void datafile_lines(void)
{
    char *text = strdup("# c\n[a]\nx = 1\n\n[b]\ny = 2\ny = 3\n");
    hoshi_datafile *ini = NULL;
    CHECK_INT(hoshi_datafile_parse(text, strlen(text), "t.ini", &ini), HOSHI_OK);
    if (ini == NULL)
        return;
    CHECK_INT(hoshi_datafile_entries(ini), 3);
    hoshi_datafile_item it;
    CHECK(hoshi_datafile_entry(ini, 2, &it));
    CHECK_STR(it.section, "b");
    CHECK_STR(it.key, "y");
    CHECK_STR(it.value, "3");
    CHECK_INT(it.line, 7);
    CHECK(hoshi_datafile_entry(ini, 0, &it) && it.line == 3);
    CHECK(!hoshi_datafile_entry(ini, 3, &it));
    hoshi_datafile_free(ini);
}

/* Opening the shipped folders with the n-th allocation failing. */
static bool open_both(void)
{
    char dir[1024];
    hoshi_cases *c = NULL;
    hoshi_support *s = NULL;
    snprintf(dir, sizeof dir, "%s/cases", hoshi_datadir_default());
    hoshi_err e1 = hoshi_cases_open(dir, &c);
    snprintf(dir, sizeof dir, "%s/support", hoshi_datadir_default());
    hoshi_err e2 = e1 == HOSHI_OK ? hoshi_support_open(dir, &s) : e1;
    CHECK(e1 == HOSHI_OK || e1 == HOSHI_ERR_NOMEM);
    CHECK(e2 == HOSHI_OK || e2 == HOSHI_ERR_NOMEM);
    CHECK((e1 == HOSHI_OK) == (c != NULL));
    CHECK((e2 == HOSHI_OK) == (s != NULL));
    hoshi_cases_free(c);
    hoshi_support_free(s);
    return e1 == HOSHI_OK && e2 == HOSHI_OK;
}

static void every_allocation_can_fail(void)
{
    long n = 0;
    for (; n < 10000; n++) {
        hoshi_testing_fail_alloc_after(n);
        bool ok = open_both();
        hoshi_testing_fail_alloc_after(-1);
        if (ok)
            break;
    }
    CHECK(n > 10);
    CHECK(n < 10000);
    CHECK(open_both());
}

int main(void)
{
    snprintf(tmpdir_path, sizeof tmpdir_path, "%s/hoshi-content-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(tmpdir_path) == NULL) {
        printf("FAIL mkdtemp\n");
        return 1;
    }
    RUN(shipped_cases);
    RUN(closest_case);
    RUN(bad_cases);
    RUN(shipped_support);
    RUN(service_facts);
    RUN(datafile_lines);
    RUN(every_allocation_can_fail);
    rmdir(tmpdir_path);
    return UNIT_RESULT();
}
