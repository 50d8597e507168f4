/*
 * stats_json.c — the tests of the tables in JSON (--stats): the member
 * "tests" that follows "tables", one entry per table with its level, its
 * correction, whether it was tested on effective bases, and per block the
 * chi-square(s), the ANOVA and every pair with its p value before and
 * after the correction — all a differential test needs to compare with R.
 */
#include "tab/stats.h"
#include "internal.h"

#include <math.h>

/* A number as JSON: null when there is none. */
static void num(hoshi_buf *b, double v)
{
    if (isnan(v) || isinf(v))
        hoshi_buf_puts(b, "null");
    else
        hoshi_buf_printf(b, "%.17g", v);
}

/* One test as an object, null when it could not be made. */
static void json_test(hoshi_buf *b, const hi_test *ts, bool anova)
{
    if (!ts->ok) {
        hoshi_buf_puts(b, "null");
        return;
    }
    hoshi_buf_puts(b, anova ? "{\"F\":" : "{\"chisq\":");
    num(b, ts->stat);
    hoshi_buf_puts(b, anova ? ",\"df1\":" : ",\"df\":");
    num(b, ts->df1);
    if (anova) {
        hoshi_buf_puts(b, ",\"df2\":");
        num(b, ts->df2);
    }
    hoshi_buf_puts(b, ",\"p\":");
    num(b, ts->p);
    if (!anova)
        hoshi_buf_printf(b, ",\"low_expected\":%zu,\"cells\":%zu", ts->low_expected, ts->cells);
    hoshi_buf_putc(b, '}');
}

static void json_block_tests(hoshi_buf *b, const hi_table *t, const hi_block_stats *bs)
{
    hoshi_buf_printf(b, "{\"first\":%zu,\"rows\":%zu,\"label\":", bs->first, bs->n);
    if (bs->label)
        hoshi_buf_json_str(b, bs->label);
    else
        hoshi_buf_puts(b, "null");
    hoshi_buf_puts(b, ",\"chisq\":");
    json_test(b, &bs->chisq, false);
    if (bs->col_chisq != NULL) {
        hoshi_buf_puts(b, ",\"chisq_columns\":[");
        for (size_t c = 0; c < t->n_cols; c++) {
            if (c)
                hoshi_buf_putc(b, ',');
            json_test(b, &bs->col_chisq[c], false);
        }
        hoshi_buf_putc(b, ']');
    }
    hoshi_buf_puts(b, ",\"anova\":");
    json_test(b, &bs->anova, true);
    hoshi_buf_puts(b, ",\"pairs\":[");
    for (size_t i = 0; i < bs->n_pairs; i++) {
        const hi_pair *p = &bs->pair[i];
        hoshi_buf_printf(b, "%s{\"col\":%zu,\"a\":%zu,\"b\":%zu,\"%s\":", i ? "," : "", p->col, p->a,
                         p->b, t->num ? "t" : "z");
        num(b, p->stat);
        if (t->num) {
            hoshi_buf_puts(b, ",\"df\":");
            num(b, p->df);
        }
        hoshi_buf_puts(b, ",\"p\":");
        num(b, p->p);
        hoshi_buf_puts(b, ",\"p_adj\":");
        num(b, p->p_adj);
        hoshi_buf_putc(b, '}');
    }
    hoshi_buf_puts(b, "]}");
}

void hi_tab_stats_json(hoshi_buf *b, const hoshi_tabset *ts, const hi_tab_stats *stats)
{
    static const char *const corr[] = {"bonferroni", "holm", "none"};
    hoshi_buf_puts(b, ",\"tests\":[");
    for (size_t i = 0; i < ts->n; i++) {
        const hi_tab_stats *st = &stats[i];
        hoshi_buf_puts(b, i ? ",\n{\"id\":" : "\n{\"id\":");
        hoshi_buf_json_str(b, ts->t[i].id);
        hoshi_buf_printf(b, ",\"level\":%g,\"correction\":\"%s\",\"effective_base\":%s,\"blocks\":[",
                         st->alpha, corr[st->correction], st->weighted ? "true" : "false");
        for (size_t k = 0; k < st->n_blocks; k++) {
            if (k)
                hoshi_buf_putc(b, ',');
            json_block_tests(b, &ts->t[i], &st->block[k]);
        }
        hoshi_buf_puts(b, "]}");
    }
    hoshi_buf_puts(b, "\n]");
}
