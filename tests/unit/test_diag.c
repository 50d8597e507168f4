/*
 * test_diag.c — the scoring rules, table-driven: every band edge, the −1
 * of わからない, part subtotals, star readiness, and answer parsing.
 */
#include "hoshi/hoshi.h"
#include "unit.h"

/* Builds an answer set from counts of each code, in item order: first the
 * 1s, then the 2s, 3s and 4s. */
static void make(hoshi_answer a[HOSHI_DIAG_ITEMS], int ones, int twos, int threes, int fours)
{
    int i = 0;
    for (int k = 0; k < ones; k++) a[i++] = HOSHI_ANSWER_YES;
    for (int k = 0; k < twos; k++) a[i++] = HOSHI_ANSWER_PARTLY;
    for (int k = 0; k < threes; k++) a[i++] = HOSHI_ANSWER_NO;
    for (int k = 0; k < fours; k++) a[i++] = HOSHI_ANSWER_UNKNOWN;
}

static void band_edges(void)
{
    static const struct { int ones, twos, threes, fours, score, band; } cases[] = {
        {25, 0, 0, 0, 100, 1},  /* the only way to 100 */
        {24, 1, 0, 0, 98, 2},   /* the best score below 100 */
        {17, 1, 7, 0, 70, 2},
        {17, 1, 6, 1, 69, 3},   /* わからない costs a point: 70 → 69 */
        {12, 1, 12, 0, 50, 3},
        {12, 1, 11, 1, 49, 4},
        {0, 0, 25, 0, 0, 4},
        {0, 0, 24, 1, -1, 4},   /* a single わからない makes the score negative */
        {0, 0, 0, 25, -25, 4},  /* the minimum */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hoshi_answer a[HOSHI_DIAG_ITEMS];
        make(a, cases[i].ones, cases[i].twos, cases[i].threes, cases[i].fours);
        hoshi_diag_result r;
        CHECK_INT(hoshi_diag_score(a, &r), HOSHI_OK);
        CHECK_INT(r.score, cases[i].score);
        CHECK_INT(r.band, cases[i].band);
        CHECK_INT(hoshi_diag_band(cases[i].score), cases[i].band);
    }
    /* the scheme's band names, one per band, named by the same edges */
    CHECK_STR(hoshi_diag_band_name(1), "100点");
    CHECK_STR(hoshi_diag_band_name(2), "70~99点");
    CHECK_STR(hoshi_diag_band_name(3), "50~69点");
    CHECK_STR(hoshi_diag_band_name(4), "49点以下");
    CHECK_STR(hoshi_diag_band_name(0), "");
    CHECK_STR(hoshi_diag_band_name(5), "");
}

static void points(void)
{
    CHECK_INT(hoshi_answer_points(HOSHI_ANSWER_YES), 4);
    CHECK_INT(hoshi_answer_points(HOSHI_ANSWER_PARTLY), 2);
    CHECK_INT(hoshi_answer_points(HOSHI_ANSWER_NO), 0);
    CHECK_INT(hoshi_answer_points(HOSHI_ANSWER_UNKNOWN), -1);
}

static void parts_and_stars(void)
{
    hoshi_answer a[HOSHI_DIAG_ITEMS];
    make(a, 25, 0, 0, 0);
    hoshi_diag_result r;
    CHECK_INT(hoshi_diag_score(a, &r), HOSHI_OK);
    CHECK_INT(r.part_max[0], 20);
    CHECK_INT(r.part_max[1], 52);
    CHECK_INT(r.part_max[2], 28);
    CHECK_INT(r.part_score[0] + r.part_score[1] + r.part_score[2], 100);
    CHECK(r.star1_ready && r.star2_ready);

    a[24] = HOSHI_ANSWER_UNKNOWN; /* item 25 */
    a[9] = HOSHI_ANSWER_UNKNOWN;  /* item 10 */
    CHECK_INT(hoshi_diag_score(a, &r), HOSHI_OK);
    CHECK(r.star1_ready);
    CHECK(!r.star2_ready);
    CHECK_INT(r.part_score[1], 47);
    CHECK_INT(r.part_score[2], 23);
    CHECK_INT(r.n_unknown, 2);
    CHECK_INT(r.unknown_items[0], 10);
    CHECK_INT(r.unknown_items[1], 25);

    a[4] = HOSHI_ANSWER_PARTLY;   /* item 5: ★ needs items 1–5 all 実施している */
    CHECK_INT(hoshi_diag_score(a, &r), HOSHI_OK);
    CHECK(!r.star1_ready);
    CHECK_INT(r.part_score[0], 18);
}

static void incomplete_is_refused(void)
{
    hoshi_answer a[HOSHI_DIAG_ITEMS];
    make(a, 25, 0, 0, 0);
    a[7] = HOSHI_ANSWER_NONE;
    hoshi_diag_result r;
    CHECK_INT(hoshi_diag_score(a, &r), HOSHI_ERR_INPUT);
    CHECK(strstr(hoshi_error_detail(), "item 8") != NULL);
}

static void parsing(void)
{
    hoshi_answer a[HOSHI_DIAG_ITEMS];
    CHECK_INT(hoshi_diag_parse_answers("1,1,1,1,1,2,2,2,2,2,3,3,3,3,3,4,4,4,4,4,1,2,3,4,1", a), HOSHI_OK);
    CHECK_INT(a[0], 1);
    CHECK_INT(a[5], 2);
    CHECK_INT(a[24], 1);
    CHECK_INT(hoshi_diag_parse_answers(" 1, 1,1 ,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,4 ", a), HOSHI_OK);
    CHECK_INT(a[24], 4);
    /* one code per line, as an answers file may have them */
    CHECK_INT(hoshi_diag_parse_answers("1\n2\n3\n4\n1\n2\n3\n4\n1\n2\n3\n4\n1\n2\n3\n4\n"
                                       "1\n2\n3\n4\n1\n2\n3\n4\n1\n", a), HOSHI_OK);
    CHECK_INT(a[3], 4);
    CHECK_INT(hoshi_diag_parse_answers("1,1,1,1,1,\n1,1,1,1,1,\n1,1,1,1,1,\n1,1,1,1,1,\n1,1,1,1,2\n", a), HOSHI_OK);
    CHECK_INT(a[24], 2);

    static const struct { const char *text; const char *detail; } bad[] = {
        {"1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1", "got 24"},
        {"1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1", "too many"},
        {"1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,5", "answer 25 is '5'"},
        {"0,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1", "answer 1 is '0'"},
        {"1,1,x,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1", "answer 3 is 'x'"},
        {"1,,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1", "answer 2 is empty"},
        {"1 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1", "separated by commas"},
        {"", "answer 1 is empty"},
        {"+1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1", "answer 1 is '+1'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT(hoshi_diag_parse_answers(bad[i].text, a), HOSHI_ERR_INPUT);
        if (strstr(hoshi_error_detail(), bad[i].detail) == NULL)
            printf("  case %zu: detail '%s' lacks '%s'\n", i, hoshi_error_detail(), bad[i].detail),
                unit_case_failed = 1;
    }
}

static void item_parts(void)
{
    CHECK_INT(hoshi_diag_item_part(1), 1);
    for (int i = -1; i <= 27; i++) /* items 1–5 are the principles; no other item has one */
        CHECK_INT(hoshi_diag_item_principle(i), i >= 1 && i <= 5 ? i : 0);
    CHECK_INT(hoshi_diag_item_part(5), 1);
    CHECK_INT(hoshi_diag_item_part(6), 2);
    CHECK_INT(hoshi_diag_item_part(18), 2);
    CHECK_INT(hoshi_diag_item_part(19), 3);
    CHECK_INT(hoshi_diag_item_part(25), 3);
    CHECK_INT(hoshi_diag_item_part(0), 0);
    CHECK_INT(hoshi_diag_item_part(26), 0);
}

int main(void)
{
    RUN(band_edges);
    RUN(points);
    RUN(parts_and_stars);
    RUN(incomplete_is_refused);
    RUN(parsing);
    RUN(item_parts);
    return UNIT_RESULT();
}
