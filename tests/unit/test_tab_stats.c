/*
 * test_tab_stats.c — the statistics of tables (src/lib/tab/stats.c and
 * dist.c): the distribution tails against values R printed (pchisq, pt,
 * pf, pnorm, pgamma, pbeta), and the tests of hand-built tables against
 * R's chisq.test(correct = FALSE), prop.test(correct = FALSE) with
 * p.adjust, and the ANOVA and Welch formulas with R's pf and pt: the
 * letters each cell gets, the corrections, small bases left out, a
 * multiple-answer head's per-column tests, blocks, and a weighted table
 * (hand-filled hi_table.w) tested on its effective bases.  Also the
 * option parsers, good and bad input.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoshi/hoshi.h"
#include "tab/stats.h"
#include "unit.h"

static bool near(double a, double b, double rel)
{
    return fabs(a - b) <= rel * fabs(b) || (a == b);
}

#define CHECK_NEAR(a, b, rel)                                                      \
    do {                                                                           \
        double unit_x = (a), unit_y = (b);                                         \
        if (!near(unit_x, unit_y, rel)) {                                          \
            unit_case_failed = 1;                                                  \
            printf("  %s:%d: %s == %.17g, expected %.17g\n", __FILE__, __LINE__, #a, \
                   unit_x, unit_y);                                                \
        }                                                                          \
    } while (0)

static void dist_tails(void)
{
    CHECK_NEAR(hi_chisq_upper(3.84, 1), 5.0043521248705224e-02, 1e-12);
    CHECK_NEAR(hi_chisq_upper(10, 4), 4.0427681994512805e-02, 1e-12);
    CHECK_NEAR(hi_chisq_upper(200, 100), 1.1784500720979420e-08, 1e-10);
    CHECK_NEAR(hi_chisq_upper(0.5, 3), 9.1889141165467592e-01, 1e-12);
    CHECK_NEAR(hi_chisq_upper(1000, 2), 7.1245764067412855e-218, 1e-10);
    CHECK_NEAR(hi_t_two_sided(2.1, 5), 8.9753249884598679e-02, 1e-12);
    CHECK_NEAR(hi_t_two_sided(-0.3, 30.5), 7.6621234830304463e-01, 1e-12);
    CHECK_NEAR(hi_t_two_sided(40, 12), 3.8512295807720369e-14, 1e-10);
    CHECK_NEAR(hi_f_upper(3.2, 2, 27), 5.6602226408500836e-02, 1e-12);
    CHECK_NEAR(hi_f_upper(0.8, 5, 100), 5.5224536590438134e-01, 1e-12);
    CHECK_NEAR(hi_f_upper(150, 3, 4000), 4.0401718976052364e-92, 1e-9);
    CHECK_NEAR(hi_norm_two_sided(1.96), 4.9995790296440856e-02, 1e-12);
    CHECK_NEAR(hi_norm_two_sided(-8), 1.2441921148543570e-15, 1e-12);
    CHECK_NEAR(hi_gamma_q(2.5, 3), 3.0621891841327842e-01, 1e-12);
    CHECK_NEAR(hi_beta_i(2, 5, 0.3), 5.7982500000000015e-01, 1e-12);
    /* the edges and outside the domains */
    CHECK(hi_chisq_upper(0, 3) == 1.0);
    CHECK(hi_chisq_upper(INFINITY, 3) == 0.0);
    CHECK(hi_f_upper(0, 2, 3) == 1.0);
    CHECK(hi_t_two_sided(0, 7) == 1.0);
    CHECK(isnan(hi_chisq_upper(1, 0)));
    CHECK(isnan(hi_t_two_sided(1, -1)));
    CHECK(isnan(hi_f_upper(1, 0, 3)));
    CHECK(isnan(hi_beta_i(1, 1, 1.5)));
    CHECK(isnan(hi_gamma_q(-1, 1)));
}

/* A table of three side rows A, B, C (and the total) by three categories
 * and 無回答, the counts R was given. */
static const uint64_t cat_counts[] = {
    85, 85, 70, 0,  /* total */
    50, 30, 20, 0,  /* A, base 100 */
    20, 40, 20, 0,  /* B, base 80 */
    15, 15, 30, 0,  /* C, base 60 */
};
static uint64_t cat_n[] = {240, 100, 80, 60};
static uint8_t cat_flags[] = {0, 0, 0, HI_CF_NOANS};

static hi_table cat_table(uint64_t *count, uint64_t *row_n)
{
    hi_table t = {0};
    t.id = "Q";
    t.n_rows = 4;
    t.n_cols = 4;
    t.row_n = row_n;
    t.count = count;
    t.col_flag = cat_flags;
    return t;
}

static void chisq_sa(void)
{
    uint64_t count[16];
    memcpy(count, cat_counts, sizeof count);
    hi_table t = cat_table(count, cat_n);
    hi_tab_stats s = {0};
    CHECK(hi_tab_stats_table(&t, HOSHI_TAB_STAT_CHISQ, 0, HOSHI_TAB_BONFERRONI, &s) == HOSHI_OK);
    CHECK_INT(s.n_blocks, 1);
    CHECK(s.block[0].chisq.ok);
    CHECK_NEAR(s.block[0].chisq.stat, 3.0050420168067230e+01, 1e-12);
    CHECK_NEAR(s.block[0].chisq.df1, 4, 0);
    CHECK_NEAR(s.block[0].chisq.p, 4.7801101320680719e-06, 1e-10);
    CHECK_INT(s.block[0].chisq.low_expected, 0);
    CHECK_INT(s.block[0].chisq.cells, 9);
    CHECK(s.block[0].col_chisq == NULL);
    CHECK(s.block[0].n_pairs == 0);          /* letters not asked */
    CHECK(hi_tab_stats_letter(&s, 1) == 0);
    hi_tab_stats_clear(&s);

    /* an empty row and an empty column are dropped: same test */
    uint64_t big[5 * 4] = {0};
    uint64_t big_n[] = {240, 100, 80, 0, 60};
    memcpy(big, cat_counts, 12 * sizeof *big);
    memcpy(big + 16, cat_counts + 12, 4 * sizeof *big);
    hi_table t2 = cat_table(big, big_n);
    t2.n_rows = 5;
    CHECK(hi_tab_stats_table(&t2, HOSHI_TAB_STAT_CHISQ, 0, HOSHI_TAB_BONFERRONI, &s) == HOSHI_OK);
    CHECK_NEAR(s.block[0].chisq.stat, 3.0050420168067230e+01, 1e-12);
    CHECK_NEAR(s.block[0].chisq.df1, 4, 0);
    hi_tab_stats_clear(&s);

    /* one row with answers: no test */
    uint64_t one[] = {85, 85, 70, 0, 85, 85, 70, 0};
    uint64_t one_n[] = {240, 240};
    hi_table t3 = cat_table(one, one_n);
    t3.n_rows = 2;
    CHECK(hi_tab_stats_table(&t3, HOSHI_TAB_STAT_CHISQ | HOSHI_TAB_STAT_LETTERS, 0,
                             HOSHI_TAB_BONFERRONI, &s) == HOSHI_OK);
    CHECK(!s.block[0].chisq.ok);
    CHECK(hi_tab_stats_letter(&s, 1) == 0);  /* a block of one row has no letter */
    hi_tab_stats_clear(&s);
}

static void letters_bonferroni_holm(void)
{
    uint64_t count[16];
    memcpy(count, cat_counts, sizeof count);
    hi_table t = cat_table(count, cat_n);
    hi_tab_stats s = {0};
    char out[HI_STATS_MAX_LETTERS + 1];
    CHECK(hi_tab_stats_table(&t, HOSHI_TAB_STAT_LETTERS, 0.05, HOSHI_TAB_BONFERRONI, &s) == HOSHI_OK);
    CHECK(hi_tab_stats_letter(&s, 0) == 0);
    CHECK(hi_tab_stats_letter(&s, 1) == 'A');
    CHECK(hi_tab_stats_letter(&s, 3) == 'C');
    CHECK_INT(s.block[0].n_pairs, 9);        /* 3 pairs × 3 categories, not 無回答 */
    const hi_pair *p = s.block[0].pair;
    CHECK(p[0].col == 0 && p[0].a == 1 && p[0].b == 2);
    CHECK_NEAR(p[0].p, 0.00062893942065460741, 1e-10);
    CHECK_NEAR(p[0].p_adj, 0.0018868182619638223, 1e-10);
    CHECK_NEAR(p[1].p_adj, 0.0054783333345304842, 1e-10);
    CHECK_NEAR(p[2].p, 1.0, 1e-12);
    hi_tab_stats_letters(&s, 1, 0, out);
    CHECK_STR(out, "BC");
    hi_tab_stats_letters(&s, 2, 0, out);
    CHECK_STR(out, "");
    hi_tab_stats_letters(&s, 3, 2, out);
    CHECK_STR(out, "AB");
    hi_tab_stats_letters(&s, 1, 3, out);     /* 無回答 is never tested */
    CHECK_STR(out, "");
    hi_tab_stats_clear(&s);

    CHECK(hi_tab_stats_table(&t, HOSHI_TAB_STAT_LETTERS, 0.05, HOSHI_TAB_HOLM, &s) == HOSHI_OK);
    p = s.block[0].pair;
    CHECK_NEAR(p[1].p_adj, 0.0036522222230203228, 1e-10);
    CHECK_NEAR(p[6].p_adj, 0.42267807417063568698, 1e-10);
    CHECK_NEAR(p[7].p_adj, 0.00022160486381283439, 1e-10);
    CHECK_NEAR(p[8].p_adj, 0.00450045313617158330, 1e-10);
    hi_tab_stats_clear(&s);

    /* at a level of 0.005, B–C in category 3 (p 0.00225) is significant
     * uncorrected and after Holm (0.0045), not after Bonferroni (0.00675) */
    CHECK(hi_tab_stats_table(&t, HOSHI_TAB_STAT_LETTERS, 0.005, HOSHI_TAB_BONFERRONI, &s) == HOSHI_OK);
    hi_tab_stats_letters(&s, 3, 2, out);
    CHECK_STR(out, "A");
    hi_tab_stats_clear(&s);
    CHECK(hi_tab_stats_table(&t, HOSHI_TAB_STAT_LETTERS, 0.005, HOSHI_TAB_HOLM, &s) == HOSHI_OK);
    hi_tab_stats_letters(&s, 3, 2, out);
    CHECK_STR(out, "AB");
    hi_tab_stats_clear(&s);
    CHECK(hi_tab_stats_table(&t, HOSHI_TAB_STAT_LETTERS, 0.005, HOSHI_TAB_UNCORRECTED, &s) == HOSHI_OK);
    hi_tab_stats_letters(&s, 3, 2, out);
    CHECK_STR(out, "AB");
    CHECK_NEAR(s.block[0].pair[8].p_adj, 2.2502265680857917e-03, 1e-10);
    hi_tab_stats_clear(&s);

    /* a small base (< 30) takes no part: C with base 20 */
    uint64_t small_n[] = {200, 100, 80, 20};
    uint64_t small[16];
    memcpy(small, cat_counts, sizeof small);
    small[12] = 5, small[13] = 5, small[14] = 10;
    hi_table ts = cat_table(small, small_n);
    CHECK(hi_tab_stats_table(&ts, HOSHI_TAB_STAT_LETTERS, 0.05, HOSHI_TAB_BONFERRONI, &s) == HOSHI_OK);
    CHECK_INT(s.block[0].n_pairs, 3);        /* only A–B, per category */
    CHECK(hi_tab_stats_letter(&s, 3) == 'C'); /* it keeps its letter */
    hi_tab_stats_letters(&s, 1, 0, out);
    CHECK_STR(out, "B");
    CHECK_NEAR(s.block[0].pair[0].p_adj, 0.00062893942065460741, 1e-10); /* m = 1 */
    hi_tab_stats_clear(&s);
}

static void chisq_ma_per_column(void)
{
    uint64_t count[16];
    memcpy(count, cat_counts, sizeof count);
    hi_table t = cat_table(count, cat_n);
    t.chart_ma = true;
    hi_tab_stats s = {0};
    CHECK(hi_tab_stats_table(&t, HOSHI_TAB_STAT_CHISQ, 0, HOSHI_TAB_BONFERRONI, &s) == HOSHI_OK);
    CHECK(!s.block[0].chisq.ok);
    CHECK(s.block[0].col_chisq != NULL);
    CHECK(s.block[0].col_chisq[0].ok);
    CHECK_NEAR(s.block[0].col_chisq[0].stat, 1.5939278937381404e+01, 1e-12);
    CHECK_NEAR(s.block[0].col_chisq[0].df1, 2, 0);
    CHECK_NEAR(s.block[0].col_chisq[0].p, 3.4580363646035176e-04, 1e-10);
    CHECK(!s.block[0].col_chisq[3].ok);      /* 無回答 */
    hi_tab_stats_clear(&s);
}

static void blocks_apart(void)
{
    /* two blocks: A,B and C alone; C is compared with nobody */
    uint64_t count[16];
    memcpy(count, cat_counts, sizeof count);
    hi_table t = cat_table(count, cat_n);
    hi_block blocks[] = {{1, 2, "X"}, {3, 1, "Y"}};
    t.block = blocks;
    t.n_blocks = 2;
    hi_tab_stats s = {0};
    char out[HI_STATS_MAX_LETTERS + 1];
    CHECK(hi_tab_stats_table(&t, HOSHI_TAB_STAT_LETTERS | HOSHI_TAB_STAT_CHISQ, 0.05,
                             HOSHI_TAB_BONFERRONI, &s) == HOSHI_OK);
    CHECK_INT(s.n_blocks, 2);
    CHECK_INT(s.block[0].n_pairs, 3);
    CHECK_INT(s.block[1].n_pairs, 0);
    CHECK(s.block[0].chisq.ok && !s.block[1].chisq.ok);
    CHECK_STR(s.block[0].label, "X");
    CHECK(hi_tab_stats_letter(&s, 3) == 0);
    hi_tab_stats_letters(&s, 1, 0, out);
    CHECK_STR(out, "B");
    hi_tab_stats_clear(&s);
}

static void weighted_effective_base(void)
{
    /* weights of 2 with an effective base of half the respondents: the
     * tests are those of the halved counts */
    uint64_t count[16];
    memcpy(count, cat_counts, sizeof count);
    hi_table t = cat_table(count, cat_n);
    double wc[16], wn[4], ess[4];
    for (size_t i = 0; i < 16; i++)
        wc[i] = 2.0 * (double)cat_counts[i];
    for (size_t i = 0; i < 4; i++) {
        wn[i] = 2.0 * (double)cat_n[i];
        ess[i] = (double)cat_n[i] / 2.0;
    }
    hi_table_w w = {wc, wn, ess, NULL, NULL};
    t.w = &w;
    hi_tab_stats s = {0};
    CHECK(hi_tab_stats_table(&t, HOSHI_TAB_STAT_CHISQ | HOSHI_TAB_STAT_LETTERS, 0.05,
                             HOSHI_TAB_BONFERRONI, &s) == HOSHI_OK);
    CHECK(s.weighted);
    CHECK(hi_tab_stats_any_weighted(&s, 1));
    CHECK_NEAR(s.block[0].chisq.stat, 15.0252100840336151322, 1e-12);
    CHECK_NEAR(s.block[0].chisq.p, 0.0046492143489181553, 1e-10);
    hi_tab_stats_clear(&s);
}

/* The ▲/▼ marks: a row against the rest of the total; weighted, on the
 * effective bases of the row and of the rest (from Σw and Σw² = base² /
 * ess), so a design effect of 4 takes a ▲▲ (z 2.83) down to nothing
 * (z 1.41, prop.test(c(15, 10), c(25, 25)) gives X-squared 2). */
static void rest_marks_weighted(void)
{
    uint64_t count[] = {100, 0, 60, 0, 40, 0};
    uint64_t row_n[] = {200, 100, 100};
    uint8_t flags[] = {0, HI_CF_NOANS};
    int8_t sig[6] = {0};
    hi_table t = {0};
    t.id = "Q";
    t.n_rows = 3;
    t.n_cols = 2;
    t.row_n = row_n;
    t.count = count;
    t.col_flag = flags;
    t.sig = sig;
    hi_tab_rest_marks(&t);
    CHECK_INT(sig[2], 2);
    CHECK_INT(sig[4], -2);
    CHECK_INT(sig[0], 0);
    CHECK_INT(sig[3], 0);   /* 無回答 is not marked */

    double wc[] = {100, 0, 60, 0, 40, 0}, wn[] = {200, 100, 100}, ess[] = {50, 25, 25};
    hi_table_w w = {wc, wn, ess, NULL, NULL};
    t.w = &w;
    memset(sig, 0, sizeof sig);
    hi_tab_rest_marks(&t);
    CHECK_INT(sig[2], 0);
    CHECK_INT(sig[4], 0);
    /* an effective base of 50 each: z = 2 */
    double ess2[] = {100, 50, 50};
    w.ess = ess2;
    hi_tab_rest_marks(&t);
    CHECK_INT(sig[2], 1);
    CHECK_INT(sig[4], -1);
}

static void num_anova_welch(void)
{
    double stat[4 * HI_ST_COUNT] = {0};
    const double n[] = {125, 40, 35, 50}, mu[] = {5.5, 5.0, 6.2, 5.5}, sd[] = {1.8, 1.2, 1.5, 2.0};
    for (size_t r = 0; r < 4; r++) {
        stat[r * HI_ST_COUNT + HI_ST_N] = n[r];
        stat[r * HI_ST_COUNT + HI_ST_MEAN] = mu[r];
        stat[r * HI_ST_COUNT + HI_ST_SD] = sd[r];
    }
    uint64_t row_n[] = {125, 40, 35, 50};
    hi_table t = {0};
    t.id = "V";
    t.n_rows = 4;
    t.row_n = row_n;
    t.num = true;
    t.stat = stat;
    hi_tab_stats s = {0};
    char out[HI_STATS_MAX_LETTERS + 1];
    CHECK(hi_tab_stats_table(&t, HOSHI_TAB_STAT_ANOVA | HOSHI_TAB_STAT_LETTERS | HOSHI_TAB_STAT_CHISQ,
                             0.05, HOSHI_TAB_BONFERRONI, &s) == HOSHI_OK);
    CHECK(s.block[0].anova.ok);
    CHECK(!s.block[0].chisq.ok);
    CHECK_NEAR(s.block[0].anova.stat, 5.009030609140147305, 1e-12);
    CHECK_NEAR(s.block[0].anova.df1, 2, 0);
    CHECK_NEAR(s.block[0].anova.df2, 122, 0);
    CHECK_NEAR(s.block[0].anova.p, 0.008115500125434022, 1e-10);
    CHECK_INT(s.block[0].n_pairs, 3);
    const hi_pair *p = &s.block[0].pair[0];
    CHECK(p->col == HI_ST_MEAN && p->a == 1 && p->b == 2);
    CHECK_NEAR(p->stat, -3.78932373372536801526, 1e-12);
    CHECK_NEAR(p->df, 64.97780211991366172697, 1e-12);
    CHECK_NEAR(p->p, 0.00033292384819267527, 1e-10);
    hi_tab_stats_letters(&s, 2, HI_ST_MEAN, out);
    CHECK_STR(out, "A");
    hi_tab_stats_clear(&s);

    /* no variance at all: no ANOVA */
    for (size_t r = 0; r < 4; r++)
        stat[r * HI_ST_COUNT + HI_ST_SD] = 0;
    CHECK(hi_tab_stats_table(&t, HOSHI_TAB_STAT_ANOVA | HOSHI_TAB_STAT_LETTERS, 0.05,
                             HOSHI_TAB_BONFERRONI, &s) == HOSHI_OK);
    CHECK(!s.block[0].anova.ok);
    CHECK_INT(s.block[0].n_pairs, 0);
    hi_tab_stats_clear(&s);
}

static void grid_and_total_only(void)
{
    uint64_t count[16];
    memcpy(count, cat_counts, sizeof count);
    hi_table t = cat_table(count, cat_n);
    t.grid = true;
    hi_tab_stats s = {0};
    CHECK(hi_tab_stats_table(&t, HOSHI_TAB_STAT_CHISQ, 0, HOSHI_TAB_BONFERRONI, &s) == HOSHI_OK);
    CHECK_INT(s.n_blocks, 0);
    hi_tab_stats_clear(&s);
    t.grid = false;
    t.n_rows = 1; /* a simple tabulation: the total row alone */
    CHECK(hi_tab_stats_table(&t, HOSHI_TAB_STAT_CHISQ | HOSHI_TAB_STAT_LETTERS, 0,
                             HOSHI_TAB_BONFERRONI, &s) == HOSHI_OK);
    CHECK_INT(s.n_blocks, 0);
    CHECK(hi_tab_stats_letter(&s, 0) == 0);
    hi_tab_stats_clear(&s);
}

static void option_parsers(void)
{
    unsigned st = 99;
    CHECK(hoshi_tab_stats_parse("chisq,letters", &st) == HOSHI_OK);
    CHECK_INT(st, HOSHI_TAB_STAT_CHISQ | HOSHI_TAB_STAT_LETTERS);
    CHECK(hoshi_tab_stats_parse("ANOVA", &st) == HOSHI_OK);
    CHECK_INT(st, HOSHI_TAB_STAT_ANOVA);
    CHECK(hoshi_tab_stats_parse("all", &st) == HOSHI_OK);
    CHECK_INT(st, 7);
    CHECK(hoshi_tab_stats_parse("none", &st) == HOSHI_OK);
    CHECK_INT(st, 0);
    CHECK(hoshi_tab_stats_parse("", &st) == HOSHI_ERR_USAGE);
    CHECK(hoshi_tab_stats_parse("chisq,", &st) == HOSHI_ERR_USAGE);
    CHECK(hoshi_tab_stats_parse("chisq,,anova", &st) == HOSHI_ERR_USAGE);
    CHECK(hoshi_tab_stats_parse("ttest", &st) == HOSHI_ERR_USAGE);
    CHECK(strstr(hoshi_error_detail(), "ttest") != NULL);
    hoshi_tab_correction c = HOSHI_TAB_UNCORRECTED;
    CHECK(hoshi_tab_correction_parse("Holm", &c) == HOSHI_OK && c == HOSHI_TAB_HOLM);
    CHECK(hoshi_tab_correction_parse("bonferroni", &c) == HOSHI_OK && c == HOSHI_TAB_BONFERRONI);
    CHECK(hoshi_tab_correction_parse("none", &c) == HOSHI_OK && c == HOSHI_TAB_UNCORRECTED);
    CHECK(hoshi_tab_correction_parse("sidak", &c) == HOSHI_ERR_USAGE);
    double a = 0;
    CHECK(hoshi_tab_sig_level_parse("0.01", &a) == HOSHI_OK && a == 0.01);
    CHECK(hoshi_tab_sig_level_parse("0.05", &a) == HOSHI_OK && a == 0.05);
    CHECK(hoshi_tab_sig_level_parse("0.1", &a) == HOSHI_ERR_USAGE);
    CHECK(hoshi_tab_sig_level_parse("5%", &a) == HOSHI_ERR_USAGE);
}

int main(void)
{
    RUN(dist_tails);
    RUN(chisq_sa);
    RUN(letters_bonferroni_holm);
    RUN(chisq_ma_per_column);
    RUN(blocks_apart);
    RUN(weighted_effective_base);
    RUN(rest_marks_weighted);
    RUN(num_anova_welch);
    RUN(grid_and_total_only);
    RUN(option_parsers);
    return UNIT_RESULT();
}
