/*
 * test_catalog.c — the catalogue data is complete in both languages, the
 * action plan follows its documented order, dates are strict, the policy
 * is filled and escaped, and the buffer's escapers are right.
 */
#include "hoshi/hoshi.h"
#include "hoshi/buf.h"
#include "svg.h"
#include "unit.h"

#include <stdlib.h>
#include <time.h>

static void complete_in_both_languages(void)
{
    static const char *const ja_bands[] = {"100点", "70~99点", "50~69点", "49点以下"};
    static const char *const ja_answers[] = {"実施している", "一部実施している", "実施していない", "わからない"};
    for (int l = 0; l < 2; l++) {
        hoshi_catalog *c = NULL;
        CHECK_INT(hoshi_catalog_open(NULL, (hoshi_lang)l, &c), HOSHI_OK);
        if (c == NULL)
            return;
        for (int i = 1; i <= HOSHI_DIAG_ITEMS; i++) {
            const hoshi_item_info *it = hoshi_catalog_item(c, i);
            CHECK(it != NULL && it->number == i);
            CHECK(it->n_steps >= 3);
            CHECK_INT(it->principle, i <= 5 ? i : 0);
            CHECK_INT(it->part, hoshi_diag_item_part(i));
        }
        CHECK(hoshi_catalog_item(c, 0) == NULL);
        CHECK(hoshi_catalog_item(c, 26) == NULL);
        for (int p = 1; p <= 5; p++)
            CHECK(hoshi_catalog_principle(c, p)->n_todo >= 2);
        for (int b = 1; b <= 4 && l == 0; b++)
            CHECK_STR(hoshi_catalog_band_label(c, b), ja_bands[b - 1]);
        for (int a = 1; a <= 4 && l == 0; a++)
            CHECK_STR(hoshi_catalog_answer_label(c, a), ja_answers[a - 1]);
        /* every report string the renderers use exists */
        static const char *const keys[] = {"title", "score", "points", "band", "parts", "followup",
                                           "followup_none", "actions", "actions_none", "star1_ready",
                                           "star1_not_ready", "priority_note", "more_actions", "item", "status",
                                           "how", "date"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            CHECK(strcmp(hoshi_catalog_text(c, "report", keys[k]), "[missing text]") != 0);
        static const char *const ui[] = {"intro", "keys", "part", "progress", "current", "prompt",
                                         "invalid", "first", "why", "how", "resume", "resumed",
                                         "restart", "saved", "done"};
        for (size_t k = 0; k < sizeof ui / sizeof ui[0]; k++)
            CHECK(strcmp(hoshi_catalog_text(c, "diagnose", ui[k]), "[missing text]") != 0);
        CHECK_STR(hoshi_catalog_text(c, "nosuch", "key"), "[missing text]");
        hoshi_catalog_free(c);
    }
}

static void missing_data_dir(void)
{
    hoshi_catalog *c = NULL;
    CHECK_INT(hoshi_catalog_open("/nonexistent/hoshi", HOSHI_LANG_JA, &c), HOSHI_ERR_DATA);
    CHECK(c == NULL);
    CHECK(strstr(hoshi_error_detail(), "/nonexistent/hoshi/catalog/items.ini") != NULL);
}

static void plan_order(void)
{
    hoshi_catalog *c = NULL;
    CHECK_INT(hoshi_catalog_open(NULL, HOSHI_LANG_JA, &c), HOSHI_OK);
    if (c == NULL)
        return;
    hoshi_answer a[HOSHI_DIAG_ITEMS];
    for (int i = 0; i < HOSHI_DIAG_ITEMS; i++)
        a[i] = HOSHI_ANSWER_YES;
    int items[HOSHI_DIAG_ITEMS];
    CHECK_INT(hoshi_plan_build(c, a, items), 0);

    a[4] = HOSHI_ANSWER_PARTLY;   /* item 5, part 1: first despite being partly done */
    a[19] = HOSHI_ANSWER_NO;      /* item 20, class 3 */
    a[5] = HOSHI_ANSWER_NO;       /* item 6, class 1 */
    a[10] = HOSHI_ANSWER_UNKNOWN; /* item 11 */
    a[6] = HOSHI_ANSWER_PARTLY;   /* item 7, class 3 */
    a[7] = HOSHI_ANSWER_PARTLY;   /* item 8, class 2 */
    size_t n = hoshi_plan_build(c, a, items);
    CHECK_INT(n, 6);
    static const int want[] = {5, 6, 20, 11, 8, 7};
    for (size_t i = 0; i < n && i < 6; i++)
        CHECK_INT(items[i], want[i]);
    hoshi_catalog_free(c);
}

static void dates(void)
{
    hoshi_date d;
    CHECK_INT(hoshi_date_parse("2024-02-29", &d), HOSHI_OK);
    CHECK_INT(d.day, 29);
    char buf[64];
    CHECK_STR(hoshi_date_format(d, HOSHI_LANG_JA, buf, sizeof buf), "2024年2月29日");
    CHECK_STR(hoshi_date_format(d, HOSHI_LANG_EN, buf, sizeof buf), "29 February 2024");
    CHECK_STR(hoshi_date_iso(d, buf, sizeof buf), "2024-02-29");
    /* day numbers agree with the Unix epoch and with timegm on every day
     * of four centuries, leap days and century years included */
    CHECK_INT(hoshi_date_days((hoshi_date){1970, 1, 1}), 0);
    CHECK_INT(hoshi_date_days((hoshi_date){2000, 3, 1}), 11017);
    long mismatches = 0;
    for (int y = 1900; y < 2300; y++)
        for (int m = 1; m <= 12; m++)
            for (int day = 1; day <= 28; day += 9) {
                struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = day};
                if (hoshi_date_days((hoshi_date){y, m, day}) != (long)(timegm(&tm) / 86400))
                    mismatches++;
            }
    CHECK_INT(mismatches, 0);
    /* a hand-made date with no month has no month name to look up */
    hoshi_date none = {2026, 0, 1}, past = {2026, 13, 1};
    CHECK_STR(hoshi_date_format(none, HOSHI_LANG_EN, buf, sizeof buf), "2026-00-01");
    CHECK_STR(hoshi_date_format(none, HOSHI_LANG_JA, buf, sizeof buf), "2026-00-01");
    CHECK_STR(hoshi_date_format(past, HOSHI_LANG_EN, buf, sizeof buf), "2026-13-01");
    d.month = 12;
    CHECK_STR(hoshi_date_format(d, HOSHI_LANG_EN, buf, sizeof buf), "29 December 2024");
    static const char *const bad[] = {"2025-02-29", "2026-13-01", "2026-00-10", "2026-04-31",
                                      "2026-1-01", "2026/01/01", "", "20260101", "2026-01-01x",
                                      "1899-12-31", "２０２６-01-01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_INT(hoshi_date_parse(bad[i], &d), HOSHI_ERR_INPUT);
    CHECK_INT(hoshi_date_parse(NULL, &d), HOSHI_ERR_INPUT);
}

static void policy(void)
{
    hoshi_catalog *c = NULL;
    CHECK_INT(hoshi_catalog_open(NULL, HOSHI_LANG_JA, &c), HOSHI_OK);
    if (c == NULL)
        return;
    hoshi_policy_info info = {"株式会社<星>&Co", "代表取締役 山田太郎", "2026-04-01", NULL};
    char *out = NULL;
    size_t len = 0;
    CHECK_INT(hoshi_policy_render(c, &info, HOSHI_POLICY_HTML_FRAGMENT, &out, &len), HOSHI_OK);
    if (out != NULL) {
        CHECK(strstr(out, "株式会社&lt;星&gt;&amp;Co") != NULL);
        CHECK(strstr(out, "<星>") == NULL);
        CHECK(strstr(out, "2026年4月1日") != NULL);
        CHECK(strstr(out, "代表取締役 山田太郎") != NULL);
        CHECK(strstr(out, "<h2>5. ") != NULL);
        CHECK(strstr(out, "{") == NULL);
        CHECK_INT(len, strlen(out));
        free(out);
    }
    out = NULL;
    info.contact = "総務部 info@example.jp";
    CHECK_INT(hoshi_policy_render(c, &info, HOSHI_POLICY_TEXT, &out, &len), HOSHI_OK);
    if (out != NULL) {
        CHECK(strstr(out, "総務部 info@example.jp") != NULL);
        CHECK(strstr(out, "株式会社<星>&Co") != NULL);
        free(out);
    }
    const char *field = NULL;
    hoshi_policy_info empty = {" \xE3\x80\x80 ", "x", "2026-04-01", NULL};
    CHECK_INT(hoshi_policy_check(&empty, &field), HOSHI_ERR_INPUT);
    CHECK_STR(field, "org");
    hoshi_policy_info baddate = {"a", "b", "2026-02-30", NULL};
    CHECK_INT(hoshi_policy_check(&baddate, &field), HOSHI_ERR_INPUT);
    CHECK_STR(field, "date");
    hoshi_policy_info ctrl = {"a", "b\x01", "2026-02-03", NULL};
    CHECK_INT(hoshi_policy_check(&ctrl, &field), HOSHI_ERR_INPUT);
    CHECK_STR(field, "representative");
    CHECK(hoshi_text_is_clean("星野\n商店", 10, true));
    CHECK(!hoshi_text_is_clean("星野\n商店", 10, false));
    CHECK(!hoshi_text_is_clean("a\x7f", 10, true));
    CHECK(!hoshi_text_is_clean("星野商店", 3, false));
    CHECK(!hoshi_text_is_clean("\xe3\x80", 10, false));
    CHECK(hoshi_text_is_clean("", 0, false));
    hoshi_policy_info badutf = {"\xff", "b", "2026-02-03", NULL};
    CHECK_INT(hoshi_policy_check(&badutf, &field), HOSHI_ERR_INPUT);
    hoshi_catalog_free(c);
}

static void escapers(void)
{
    hoshi_buf b = HOSHI_BUF_INIT;
    hoshi_buf_html(&b, "<a href=\"x\">'&'</a>");
    CHECK_STR(b.data, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    hoshi_buf_free(&b);
    hoshi_buf_json(&b, "a\"b\\c\n\x01</script>");
    CHECK_STR(b.data, "a\\\"b\\\\c\\n\\u0001\\u003c/script\\u003e");
    hoshi_buf_free(&b);
    hoshi_buf_url(&b, "東 a/b");
    CHECK_STR(b.data, "%E6%9D%B1%20a%2Fb");
    hoshi_buf_free(&b);
    const char *vars[] = {"x", "<1>", NULL};
    hoshi_buf_subst(&b, "{x}{y}{x", vars, hoshi_buf_html);
    CHECK_STR(b.data, "&lt;1&gt;{y}{x");
    hoshi_buf_free(&b);
    b.limit = 4;
    hoshi_buf_puts(&b, "12345");
    char *out = NULL;
    CHECK_INT(hoshi_buf_finish(&b, &out, NULL), HOSHI_ERR_LIMIT);
    CHECK(out == NULL);
}

static void chart_labels(void)
{
    const char *longl = "ITコーディネーターや中小企業診断士、税理士、社会保険労務士、商工会、知人等から勧められた";
    hi_hbar bars[] = {{"短い<ラベル>", 50, "50%"}, {longl, 120, "120%"}};
    hoshi_buf b = HOSHI_BUF_INIT;
    hi_svg_hbars(&b, "t&t", bars, 2, 100);
    CHECK(b.err == HOSHI_OK);
    if (b.data == NULL)
        return;
    CHECK(strstr(b.data, "短い&lt;ラベル&gt;") != NULL);
    CHECK(strstr(b.data, "<title>t&amp;t</title>") != NULL);
    CHECK(strstr(b.data, "\xE2\x80\xA6") != NULL);          /* cut long label ends in … */
    CHECK(strstr(b.data, longl) != NULL);                    /* and is whole in its <title> */
    CHECK(strstr(b.data, "width=\"220.0\"") != NULL);       /* 120 of 100 is clamped */
    hoshi_buf_free(&b);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

static void html_page_and_fragment(void)
{
    hoshi_catalog *c = NULL;
    CHECK_INT(hoshi_catalog_open(NULL, HOSHI_LANG_JA, &c), HOSHI_OK);
    if (c == NULL)
        return;
    hoshi_answer a[HOSHI_DIAG_ITEMS];
    for (int i = 0; i < HOSHI_DIAG_ITEMS; i++)
        a[i] = HOSHI_ANSWER_NO;
    char *page = NULL, *frag = NULL;
    CHECK_INT(hoshi_report_render(c, a, HOSHI_REPORT_HTML, NULL, &page, NULL), HOSHI_OK);
    CHECK_INT(hoshi_report_render(c, a, HOSHI_REPORT_HTML_FRAGMENT, NULL, &frag, NULL), HOSHI_OK);
    if (page != NULL && frag != NULL) {
        /* the printed page: 5 rows in the table, 20 in the compact list */
        CHECK_INT(count(page, "<td class=\"rank\">"), 5);
        CHECK(strstr(page, "<ol class=\"more\" start=\"6\">") != NULL);
        /* the web fragment: all 25 actions with every step */
        CHECK_INT(count(frag, "<td class=\"rank\">"), 25);
        CHECK(strstr(frag, "class=\"more\"") == NULL);
        size_t steps = 0;
        for (int i = 1; i <= HOSHI_DIAG_ITEMS; i++)
            steps += hoshi_catalog_item(c, i)->n_steps;
        CHECK_INT(count(frag, "<li>"), steps);
        CHECK(strncmp(frag, "<section", 8) == 0);
    }
    free(page);
    free(frag);
    hoshi_catalog_free(c);
}

int main(void)
{
    RUN(html_page_and_fragment);
    RUN(chart_labels);
    RUN(complete_in_both_languages);
    RUN(missing_data_dir);
    RUN(plan_order);
    RUN(dates);
    RUN(policy);
    RUN(escapers);
    return UNIT_RESULT();
}
