/*
 * test_tab_wfused.c — the fused counting of weighted tables (wfused.c)
 * against the general kernels (wcount.c) on generated data of 3,001
 * respondents (a partial last word of 64): SA heads (alone and in joint
 * histograms), MA heads of 6 and 12 categories (fused) and of 13 (not),
 * under weights of four distinct values, continuous weights, and weights
 * with zeros, on one thread and on two; an SA side with
 * blanks, no side, a --where filter, bands of a NUM side, and an MA side
 * or column % (rows overlap: never fused).  The unweighted counts must be the same
 * integers, the weighted ones the same sums to 1e-12 of their size, and
 * the rendered CSV and Markdown the same text.  The AVX-512 and the
 * portable pattern builders are both run, and the fused pass is seen to
 * be taken where it should be.  Sides of 13 and of 21 rows take the
 * per-cell counts of MA heads and the bucket-by-bucket bases; one MA head
 * is also counted against a direct sum over the respondents.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoshi/hoshi.h"
#include "tab/table.h"
#include "tab/weights.h"
#include "unit.h"

#define ROWS 3001

static uint64_t state = 0x853C49E6748FEA9Bull;
static uint64_t next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static hoshi_dataset *make_ds(void)
{
    hoshi_buf cb = HOSHI_BUF_INIT, d = HOSHI_BUF_INIT;
    hoshi_buf_puts(&cb, "qid,type,code,label\nS,SA,,side\nS,SA,1,s1\nS,SA,2,s2\nS,SA,3,s3\n"
                        "A,SA,,a\n");
    for (int c = 1; c <= 7; c++)
        hoshi_buf_printf(&cb, "A,SA,%d,a%d\n", c, c);
    hoshi_buf_puts(&cb, "E,SA,,e\nE,SA,1,e1\nE,SA,2,e2\nE,SA,3,e3\nF,SA,,f\n");
    for (int c = 1; c <= 12; c++)
        hoshi_buf_printf(&cb, "F,SA,%d,f%d\n", c, c);
    static const char *const ma[] = {"M", "B", "C"};
    static const int n_ma[] = {6, 12, 13};
    for (int q = 0; q < 3; q++) {
        hoshi_buf_printf(&cb, "%s,MA,,%s\n", ma[q], ma[q]);
        for (int c = 1; c <= n_ma[q]; c++)
            hoshi_buf_printf(&cb, "%s,MA,%d,%s%d\n", ma[q], c, ma[q], c);
    }
    hoshi_buf_puts(&cb, "V,NUM,,value\n");
    hoshi_buf_puts(&d, "id,S,A,E,F");
    for (int q = 0; q < 3; q++)
        for (int c = 1; c <= n_ma[q]; c++)
            hoshi_buf_printf(&d, ",%s_%d", ma[q], c);
    hoshi_buf_puts(&d, ",V\n");
    for (int r = 0; r < ROWS; r++) {
        uint64_t x = next();
        hoshi_buf_printf(&d, "%d,", r + 1);
        if (x % 10 != 0) /* a tenth blank */
            hoshi_buf_printf(&d, "%d", (int)((x >> 8) % 3) + 1);
        hoshi_buf_putc(&d, ',');
        if (x % 7 != 0)
            hoshi_buf_printf(&d, "%d", (int)((x >> 20) % 7) + 1);
        hoshi_buf_printf(&d, ",%d,", (int)((x >> 40) % 3) + 1); /* E never blank */
        if (x % 11 != 0)
            hoshi_buf_printf(&d, "%d", (int)((x >> 44) % 12) + 1);
        for (int q = 0; q < 3; q++) {
            uint64_t b = next(), none = next() % 5 == 0; /* a fifth chose nothing */
            for (int c = 0; c < n_ma[q]; c++)
                hoshi_buf_printf(&d, ",%d", !none && (b >> (c * 3) & 7) < 3);
        }
        hoshi_buf_printf(&d, ",%d\n", (int)((x >> 32) % 100));
    }
    char *cbs = NULL, *ds_text = NULL;
    size_t cbn = 0, dn = 0;
    hoshi_dataset *ds = NULL;
    CHECK_INT(hoshi_buf_finish(&cb, &cbs, &cbn), HOSHI_OK);
    CHECK_INT(hoshi_buf_finish(&d, &ds_text, &dn), HOSHI_OK);
    CHECK_INT(hoshi_dataset_parse("cb", cbs, cbn, "d", ds_text, dn, HOSHI_ENC_UTF8, &ds), HOSHI_OK);
    if (ds == NULL)
        printf("  %s\n", hoshi_error_detail());
    free(cbs);
    free(ds_text);
    return ds;
}

/* The weights of kind k: 0 four values, 1 continuous, 2 continuous with zeros. */
static hoshi_weights *make_w(int k)
{
    static const double four[] = {0.5, 1.25, 2, 3.5};
    double *v = malloc(ROWS * sizeof *v);
    for (size_t r = 0; r < ROWS; r++) {
        uint64_t x = next();
        double u = (double)(x >> 11) / 9007199254740992.0;
        v[r] = k == 0 ? four[x % 4] : (k == 2 && x % 3 == 0) ? 0 : 0.05 + 4 * u;
    }
    hoshi_weights *w = NULL;
    CHECK_INT(hoshi_weights_from_array(v, ROWS, "W", &w), HOSHI_OK);
    free(v);
    return w;
}

static bool near(double a, double b)
{
    return fabs(a - b) <= 1e-12 * (fabs(a) + fabs(b) + 1);
}

/* Tables a and b hold the same counts. */
static void same_tables(const hoshi_tabset *a, const hoshi_tabset *b)
{
    CHECK_INT(a->n, b->n);
    for (size_t i = 0; i < a->n && i < b->n; i++) {
        const hi_table *x = &a->t[i], *y = &b->t[i];
        CHECK_INT(x->n_rows, y->n_rows);
        CHECK_INT(x->n_cols, y->n_cols);
        if (x->n_rows != y->n_rows || x->n_cols != y->n_cols || x->num)
            continue;
        for (size_t r = 0; r < x->n_rows; r++) {
            CHECK_INT(x->row_n[r], y->row_n[r]);
            CHECK(near(x->w->row_n[r], y->w->row_n[r]) && near(x->w->ess[r], y->w->ess[r]));
            for (size_t c = 0; c < x->n_cols; c++) {
                size_t k = r * x->n_cols + c;
                CHECK_INT(x->count[k], y->count[k]);
                if (!near(x->w->count[k], y->w->count[k]))
                    printf("  %s row %zu col %zu: %.17g != %.17g\n", x->id, r, c, x->w->count[k],
                           y->w->count[k]);
                CHECK(near(x->w->count[k], y->w->count[k]));
            }
        }
    }
}

static void same_text(const hoshi_tabset *a, const hoshi_tabset *b, hoshi_tab_format f)
{
    hoshi_tab_render_opts o = {.sig = true};
    char *x = NULL, *y = NULL;
    size_t xn = 0, yn = 0;
    CHECK_INT(hoshi_tab_render(a, f, &o, &x, &xn), HOSHI_OK);
    CHECK_INT(hoshi_tab_render(b, f, &o, &y, &yn), HOSHI_OK);
    CHECK(x != NULL && y != NULL && xn == yn && memcmp(x, y, xn) == 0);
    free(x);
    free(y);
}

static size_t fused_runs;

/* spec run with the general kernels and with both fused builders: the same tables. */
static void compare(const hoshi_dataset *ds, hoshi_tab_spec *spec, bool fused)
{
    hoshi_tabset *general = NULL;
    hi_wfused_mode = -1;
    size_t before = hi_wfused_passes;
    CHECK_INT(hoshi_tab_run(ds, spec, &general), HOSHI_OK);
    CHECK_INT(hi_wfused_passes, before);
    for (int mode = 0; mode <= 1 && general != NULL; mode++) {
        hoshi_tabset *ts = NULL;
        hi_wfused_mode = mode;
        before = hi_wfused_passes;
        CHECK_INT(hoshi_tab_run(ds, spec, &ts), HOSHI_OK);
        if (fused != (hi_wfused_passes > before))
            printf("  side %s heads %zu: fused %d\n", spec->side ? spec->side : "-", spec->n_heads, !fused);
        CHECK(fused ? hi_wfused_passes > before : hi_wfused_passes == before);
        fused_runs += hi_wfused_passes > before;
        if (ts != NULL) {
            same_tables(general, ts);
            same_text(general, ts, HOSHI_TAB_CSV);
            same_text(general, ts, HOSHI_TAB_MD);
        }
        hoshi_tabset_free(ts);
    }
    hi_wfused_mode = 0;
    hoshi_tabset_free(general);
}

static void fused_counts_agree(void)
{
    hoshi_dataset *ds = make_ds();
    const char *all[] = {"A", "E", "F", "M", "B", "C", "V"};
    const char *fusable[] = {"A", "M", "B", "E", "F"};
    const char *not_fusable[] = {"C", "V"};
    const char *twice[] = {"M", "A", "M", "A"};
    double one[] = {1};
    hoshi_tab_where where = {"A", HOSHI_TAB_IS_NOT, one, 1};
    hoshi_tab_band bands[] = {{"low", 0, 39}, {"high", 40, 99}};
    hoshi_tab_cell cells[] = {HOSHI_TAB_CELL_ROW, HOSHI_TAB_CELL_COUNT, HOSHI_TAB_CELL_COL};
    hoshi_tab_band many[20];
    char labels[20][16];
    for (int b = 0; b < 20; b++) {
        snprintf(labels[b], sizeof labels[b], "b%d", b);
        many[b] = (hoshi_tab_band){labels[b], b * 5, b * 5 + 4};
    }
    size_t saved = hi_tab_parallel_rows;
    for (int k = 0; k < 6 && ds != NULL; k++) {
        hoshi_weights *w = make_w(k % 3);
        hi_tab_parallel_rows = k < 3 ? saved : 1; /* then on two threads */
        hoshi_tab_spec spec = {.side = "S", .heads = all, .n_heads = 7, .weights = w};
        compare(ds, &spec, true);
        spec.heads = fusable;
        spec.n_heads = 5;
        compare(ds, &spec, true);
        spec.heads = twice;
        spec.n_heads = 4;
        compare(ds, &spec, true); /* heads named twice: the second table opens its own */
        spec.heads = not_fusable;
        spec.n_heads = 2;
        compare(ds, &spec, false);
        spec = (hoshi_tab_spec){.heads = all, .n_heads = 7, .weights = w};
        compare(ds, &spec, true); /* no side */
        spec = (hoshi_tab_spec){.side = "S", .heads = all, .n_heads = 7, .wheres = &where,
                                .n_wheres = 1, .weights = w};
        compare(ds, &spec, true); /* a filter (dropping a code of A) */
        spec.cells = cells;
        spec.n_cells = 3;
        compare(ds, &spec, false); /* column %: the hidden rows of the column bases overlap */
        spec = (hoshi_tab_spec){.side = "V", .heads = all, .n_heads = 6, .bands = bands,
                                .n_bands = 2, .weights = w, .sort = true};
        compare(ds, &spec, true); /* bands of a NUM side, columns sorted */
        spec = (hoshi_tab_spec){.side = "M", .heads = all, .n_heads = 7, .weights = w};
        compare(ds, &spec, false); /* an MA side: rows overlap */
        spec = (hoshi_tab_spec){.side = "F", .heads = all, .n_heads = 7, .weights = w};
        compare(ds, &spec, true); /* 13 side rows: B's counts per cell, M's by popcounts */
        spec = (hoshi_tab_spec){.side = "V", .heads = all, .n_heads = 6, .bands = many,
                                .n_bands = 20, .weights = w};
        compare(ds, &spec, true); /* 21 side rows: row_of and the bases bucket by bucket */
        hoshi_weights_free(w);
    }
    hi_tab_parallel_rows = saved;
    CHECK(fused_runs > 0);
    hoshi_dataset_free(ds);
}

/* hi_wfused_cat on MA head B (12 categories) against a side made by hand
 * (everyone; the first half): the counts of a direct sum over the
 * respondents, under weights with zeros, with both pattern builders; and
 * not fused when a respondent who counts as having answered chose no
 * category (the kernels check it as they count). */
static void fused_head_direct(void)
{
    hoshi_dataset *ds = make_ds();
    hoshi_weights *w = make_w(2);
    hi_var h;
    CHECK_INT(hi_var_open(ds, "B", &h), HOSHI_OK);
    size_t words = (ROWS + 63) / 64, s = h.n + 1;
    uint64_t *rows[2] = {calloc(words, sizeof(uint64_t)), calloc(words, sizeof(uint64_t))};
    for (size_t r = 0; r < ROWS; r++)
        for (size_t k = 0; k < 2; k++)
            if (k == 0 || r < ROWS / 2)
                rows[k][r / 64] |= (uint64_t)1 << (r % 64);
    hi_side sd = {.n = 2, .bits = rows};
    CHECK_INT(hi_wside_init(&sd, w->w, ROWS, true), HOSHI_OK);
    CHECK(sd.row_of != NULL);
    uint64_t want_n[2 * 13] = {0}, cnt[2 * 13];
    double want_w[2 * 13] = {0}, wc[2 * 13];
    size_t chose = ROWS;
    for (size_t r = 0; r < ROWS; r++)
        for (size_t k = 0; k < 2; k++) {
            if (!(rows[k][r / 64] >> (r % 64) & 1))
                continue;
            bool any = false;
            for (size_t c = 0; c < h.n; c++)
                if (h.cat[c].bits[r / 64] >> (r % 64) & 1) {
                    want_n[k * s + c + 1]++;
                    want_w[k * s + c + 1] += w->w[r];
                    any = true;
                }
            if (!any) {
                want_n[k * s]++;
                want_w[k * s] += w->w[r];
            }
            chose = any && chose == ROWS ? r : chose;
        }
    for (int mode = 0; mode <= 1; mode++) {
        bool done = false;
        hi_wfused_mode = mode;
        CHECK_INT(hi_wfused_cat(&h, &sd, ROWS, cnt, wc, &done), HOSHI_OK);
        CHECK(done);
        for (size_t i = 0; i < 2 * s && done; i++) {
            CHECK_INT(cnt[i], want_n[i]);
            CHECK(near(wc[i], want_w[i]));
        }
    }
    /* a respondent who chose a category no longer counts as answering */
    CHECK(chose < ROWS);
    h.present[chose / 64] &= ~((uint64_t)1 << (chose % 64));
    for (int mode = 0; mode <= 1; mode++) {
        bool done = true;
        hi_wfused_mode = mode;
        CHECK_INT(hi_wfused_cat(&h, &sd, ROWS, cnt, wc, &done), HOSHI_OK);
        CHECK(!done);
    }
    hi_wfused_mode = 0;
    hi_wside_free(&sd);
    free(rows[0]);
    free(rows[1]);
    hi_var_free(&h);
    hoshi_weights_free(w);
    hoshi_dataset_free(ds);
}

int main(void)
{
    RUN(fused_counts_agree);
    RUN(fused_head_direct);
    return unit_total_failed != 0;
}
