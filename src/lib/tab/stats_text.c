/*
 * stats_text.c — the statistics of a table as the human formats show
 * them (md, html, xlsx): one line per test under the table ("Chi-square
 * test of independence: χ²=30.05, df=4, p<0.001"), and the notes that
 * explain the letters, the tests, the level and the correction, in the
 * words of tab.ini.  Each line is handed to a callback, which escapes and
 * places it as its format does, so the formats say the same.
 */
#include "tab/stats.h"
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* a block label and a column label (each at most 4096 bytes) and the words */
#define LINE_MAX_BYTES (2 * 4096 + 1024)

/* "p<0.001" or "p=0.047" */
static void p_text(char *out, size_t cap, double p)
{
    if (p < 0.001)
        snprintf(out, cap, "p<0.001");
    else
        snprintf(out, cap, "p=%.3f", p);
}

/* The opening of a test's line: "[block] name" ("name" alone for a
 * table's only block), then " col" when the test is of one column.
 * Returns the bytes written, as snprintf (out is always terminated). */
static size_t line_prefix(char *out, size_t cap, const char *block, const char *name,
                          const char *col)
{
    int n = snprintf(out, cap, "%s%s%s%s%s%s", block ? "[" : "", block ? block : "",
                     block ? "] " : "", name, col ? " " : "", col ? col : "");
    return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

/* The words of one test: "[block] name: χ²=…, df=…, p=…" and the warning
 * on small expected counts. */
static void chisq_line(char *out, size_t cap, const char *block, const char *name,
                       const char *col, const hi_test *ts, const hoshi_tab_texts *tx)
{
    char p[32];
    size_t n = line_prefix(out, cap, block, name, col);
    int m;
    if (!ts->ok) {
        snprintf(out + n, cap - n, ": %s", hi_tab_text(tx, "test_not_computed"));
        return;
    }
    p_text(p, sizeof p, ts->p);
    m = snprintf(out + n, cap - n, ": χ²=%.2f, df=%g, %s", ts->stat, ts->df1, p);
    if (m > 0 && (size_t)m < cap - n)
        n += (size_t)m;
    else
        return;
    if (ts->low_expected > 0)
        snprintf(out + n, cap - n, " (%s: %zu/%zu)", hi_tab_text(tx, "test_low_expected"),
                 ts->low_expected, ts->cells);
}

void hi_tab_test_lines(const hi_table *t, const hi_tab_stats *s, const hoshi_tab_texts *tx,
                       hi_line_fn line, void *ctx)
{
    char out[LINE_MAX_BYTES];
    for (size_t i = 0; s != NULL && i < s->n_blocks; i++) {
        const hi_block_stats *b = &s->block[i];
        if (b->n < 2)
            continue;
        if (!t->num && (s->which & HOSHI_TAB_STAT_CHISQ) && b->col_chisq == NULL) {
            chisq_line(out, sizeof out, b->label, hi_tab_text(tx, "test_chisq"), NULL, &b->chisq, tx);
            line(ctx, out);
        }
        for (size_t c = 0; b->col_chisq != NULL && c < t->n_cols; c++) {
            if (t->col_flag[c] & (HI_CF_NOANS | HI_CF_NET | HI_CF_TOPBOX))
                continue;
            chisq_line(out, sizeof out, b->label, hi_tab_text(tx, "test_chisq_ma"),
                       hi_tab_col_label(t, c, tx), &b->col_chisq[c], tx);
            line(ctx, out);
        }
        if (t->num && (s->which & HOSHI_TAB_STAT_ANOVA)) {
            const hi_test *a = &b->anova;
            char p[32];
            size_t n = line_prefix(out, sizeof out, b->label, hi_tab_text(tx, "test_anova"), NULL);
            if (a->ok) {
                p_text(p, sizeof p, a->p);
                snprintf(out + n, sizeof out - n, ": F=%.2f, df=%g, %g, %s", a->stat, a->df1, a->df2, p);
            } else {
                snprintf(out + n, sizeof out - n, ": %s", hi_tab_text(tx, "test_not_computed"));
            }
            line(ctx, out);
        }
    }
}

void hi_tab_stats_notes(const hi_tab_stats *s, size_t n, const hoshi_tab_texts *tx,
                        hi_line_fn line, void *ctx)
{
    static const char *const corr_keys[] = {"correction_bonferroni", "correction_holm",
                                            "correction_none"};
    size_t tested = 0;
    for (size_t i = 0; s != NULL && i < n; i++)
        tested += s[i].n_blocks;
    if (tested == 0) /* simple tabulations and grids: nothing was tested */
        return;
    char out[LINE_MAX_BYTES];
    if (s->which & HOSHI_TAB_STAT_LETTERS) {
        line(ctx, hi_tab_text(tx, "stats_note_letters"));
        snprintf(out, sizeof out, "%s: p<%g, %s", hi_tab_text(tx, "stats_note_level"), s->alpha,
                 hi_tab_text(tx, corr_keys[s->correction]));
        line(ctx, out);
        line(ctx, hi_tab_text(tx, "stats_note_letters_small"));
    }
    if (s->which & HOSHI_TAB_STAT_CHISQ)
        line(ctx, hi_tab_text(tx, "stats_note_chisq"));
    if (s->which & HOSHI_TAB_STAT_ANOVA)
        line(ctx, hi_tab_text(tx, "stats_note_anova"));
    if (hi_tab_stats_any_weighted(s, n))
        line(ctx, hi_tab_text(tx, "stats_note_weighted"));
}
