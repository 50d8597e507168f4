/*
 * fixture.h — what the tabulating fuzz targets share: a codebook with one
 * question of every type (SA, MA, NUM, FA, GRID, DIAG), 60 respondents made
 * by a fixed generator (so every run sees the same survey and a crash
 * reproduces), and tabulate(), which computes a spec and renders it in
 * every text format, checking that what comes out is valid UTF-8.  A
 * header of static functions: each target is one translation unit.
 */
#ifndef FUZZ_FIXTURE_H
#define FUZZ_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoshi/hoshi.h"

/* Not every target uses every helper. */
#define FX_HELPER static __attribute__((unused))

static const char FX_CODEBOOK[] =
    "qid,type,code,label\n"
    "S,SA,,業種\nS,SA,1,製造業\nS,SA,2,\"卸売業,小売業\"\nS,SA,12,その他\n"
    "M,MA,,課題\nM,MA,1,意識が低い\nM,MA,2,予算がない\nM,MA,3,特にない\n"
    "V,NUM,,従業員数\nT,FA,,自由回答\n"
    "G,GRID,,取組み\nG,GRID,item:1,バックアップ\nG,GRID,item:2,規程\n"
    "G,GRID,1,できている\nG,GRID,2,一部\nG,GRID,3,できていない\n"
    "D,DIAG,,自社診断\nD,DIAG,1,実施している\nD,DIAG,2,一部実施している\n"
    "D,DIAG,3,実施していない\nD,DIAG,4,わからない\n";

#define FX_ROWS 60

/* The next number in [0, m) of a fixed linear congruential generator. */
FX_HELPER int fx_next(unsigned *x, int m)
{
    *x = *x * 1103515245u + 12345u;
    return (int)((*x >> 16) % (unsigned)m);
}

/* The data file of FX_CODEBOOK: FX_ROWS rows from a fixed linear
 * congruential generator, blanks included.  Caller frees. */
FX_HELPER char *fx_data(size_t *len)
{
    hoshi_buf b = HOSHI_BUF_INIT;
    hoshi_buf_puts(&b, "id,S,M_1,M_2,M_3,V,T,G_1,G_2");
    for (int i = 1; i <= 25; i++)
        hoshi_buf_printf(&b, ",D_%d", i);
    hoshi_buf_puts(&b, "\n");
    static const int sa[] = {1, 2, 12};
    unsigned x = 12345;
    for (int r = 1; r <= FX_ROWS; r++) {
        int s = fx_next(&x, 4);
        hoshi_buf_printf(&b, "%d,", r);
        if (s < 3)
            hoshi_buf_printf(&b, "%d", sa[s]);
        for (int i = 0; i < 3; i++)
            hoshi_buf_printf(&b, ",%d", fx_next(&x, 2));
        int v = fx_next(&x, 60);
        if (v < 50)
            hoshi_buf_printf(&b, ",%d.%d", v, fx_next(&x, 10));
        else
            hoshi_buf_puts(&b, ",");
        hoshi_buf_puts(&b, fx_next(&x, 3) ? ",なし" : ",\"改善したい, \"\"早く\"\"\"");
        for (int i = 0; i < 2; i++) {
            int g = fx_next(&x, 4);
            hoshi_buf_puts(&b, ",");
            if (g)
                hoshi_buf_printf(&b, "%d", g);
        }
        for (int i = 0; i < 25; i++)
            hoshi_buf_printf(&b, ",%d", 1 + fx_next(&x, 4));
        hoshi_buf_puts(&b, "\n");
    }
    char *out = NULL;
    if (hoshi_buf_finish(&b, &out, len) != HOSHI_OK) {
        fprintf(stderr, "fixture: cannot build the data\n");
        abort();
    }
    return out;
}

/* The fixture survey, parsed; aborts when it does not parse (a fixture
 * the library refuses tests nothing). */
FX_HELPER hoshi_dataset *fx_dataset(void)
{
    size_t len = 0;
    char *data = fx_data(&len);
    hoshi_dataset *ds = NULL;
    if (hoshi_dataset_parse("fixture-codebook.csv", FX_CODEBOOK, sizeof FX_CODEBOOK - 1,
                            "fixture-data.csv", data, len, HOSHI_ENC_UTF8, &ds) != HOSHI_OK) {
        fprintf(stderr, "fixture: %s\n", hoshi_error_detail());
        abort();
    }
    free(data);
    return ds;
}

/* Every rendered text format is UTF-8 (CP932 only when asked for): output
 * that is not is a bug, even when nothing crashed. */
FX_HELPER void fx_check_utf8(const char *what, const char *s, size_t len)
{
    size_t bad = hoshi_utf8_invalid_at(s, len);
    if (bad != len) {
        fprintf(stderr, "%s output is not valid UTF-8 at byte %zu of %zu\n", what, bad, len);
        abort();
    }
}

/* Computes spec over ds and renders the tables in every text format;
 * flags picks the render options (bit 0 English, bit 1 no significance
 * marks, bit 2 BOM, bit 3 CP932 csv/tsv, bit 4 every --stats test, bit 5
 * with the Holm correction). */
FX_HELPER void fx_tabulate(const hoshi_dataset *ds, const hoshi_tab_spec *spec, unsigned flags)
{
    hoshi_tabset *ts = NULL;
    if (hoshi_tab_run(ds, spec, &ts) != HOSHI_OK)
        return;
    if (hoshi_tabset_count(ts) == 0) {
        fprintf(stderr, "hoshi_tab_run succeeded with no table\n");
        abort();
    }
    static const char *const names[] = {"csv", "tsv", "md", "html", "json", "svg"};
    hoshi_tab_render_opts ro = {.bom = (flags & 4) != 0, .cp932 = (flags & 8) != 0,
                                .sig = (flags & 2) == 0,
                                .lang = (flags & 1) ? HOSHI_LANG_EN : HOSHI_LANG_JA,
                                .stats = (flags & 16) ? 7u : 0u,
                                .correction = (flags & 32) ? HOSHI_TAB_HOLM : HOSHI_TAB_BONFERRONI};
    /* every format first, so a memory error shows before a wrong byte */
    char *out[HOSHI_TAB_SVG + 1] = {NULL};
    size_t len[HOSHI_TAB_SVG + 1] = {0};
    for (int f = HOSHI_TAB_CSV; f <= HOSHI_TAB_SVG; f++)
        if (hoshi_tab_render(ts, (hoshi_tab_format)f, &ro, &out[f], &len[f]) != HOSHI_OK)
            out[f] = NULL;
    for (int f = HOSHI_TAB_CSV; f <= HOSHI_TAB_SVG; f++) {
        if (out[f] != NULL && !(ro.cp932 && f <= HOSHI_TAB_TSV))
            fx_check_utf8(names[f], out[f], len[f]);
        free(out[f]);
    }
    hoshi_tabset_free(ts);
}

/* The JSON of a simple tabulation of everything, or NULL when ds cannot
 * be tabulated (the targets that write a dataset out compare the copy's
 * tables with the original's). */
FX_HELPER char *fx_tables(const hoshi_dataset *ds)
{
    static const char *const all[] = {"ALL"};
    hoshi_tab_spec spec = {.heads = all, .n_heads = 1, .top_box = 2};
    hoshi_tabset *ts = NULL;
    char *out = NULL;
    size_t len;
    if (hoshi_tab_run(ds, &spec, &ts) == HOSHI_OK &&
        hoshi_tab_render(ts, HOSHI_TAB_JSON, NULL, &out, &len) != HOSHI_OK)
        out = NULL;
    hoshi_tabset_free(ts);
    return out;
}

/* A new scratch directory under $TMPDIR (or /tmp) named for the target,
 * written into dir; aborts when it cannot be made. */
FX_HELPER void fx_scratch_dir(const char *target, char *dir, size_t size)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, size, "%s/%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", target);
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        abort();
    }
}

#endif
