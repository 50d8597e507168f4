/*
 * chart.c — SVG charts of computed tables, one chart per table, the kind
 * following the table: plain horizontal bars for a simple tabulation (one
 * row), grouped bars for an MA head by a side (a cluster per answer, a bar
 * per row: an MA head's shares do not add up to 100), 100% stacked bars for
 * an SA head by a side (a bar per row) and for a GRID (a bar per item), and
 * bars of the mean per row for a NUM head.  Every chart is an accessible
 * image (role="img" with a <title> and a <desc> in the texts' language), has
 * a legend when it has more than one series, and prints its values.  Labels
 * are wrapped by estimated display width (CJK counts double, as in svg.c)
 * and cut with … after a few lines, the full text kept in a <title>; every
 * text is escaped.  hi_tab_svg_table() writes one table's chart (books
 * embed it); hi_tab_svg() stacks every table's chart in one document.
 */
#include "tab/tab.h"
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define FONT 12
#define LABEL_UNITS 30   /* half-width units per label line */
#define LINE_BYTES 400   /* bytes of one drawn line, at most */
#define LINE_H 15
#define WIDTH 760
#define LABEL_W 200
#define PLOT_W 480
#define LEGEND_UNITS 40  /* half-width units of a legend entry, at most */

static const char *const palette[] = {
    "#2b6cb0", "#e07b39", "#3c9d5d", "#c0392b", "#8e6cbf", "#8c564b",
    "#d16ba5", "#7f7f7f", "#b5a01c", "#17a2b8", "#1f3a60", "#a0522d",
};
#define NO_ANSWER_FILL "#bbb"

hi_chart_kind hi_tab_chart_kind(const hi_table *t)
{
    if (t->num)
        return HI_CHART_MEAN;
    if (t->grid)
        return HI_CHART_STACKED;
    if (t->n_rows < 2)
        return HI_CHART_BARS;
    return t->chart_ma ? HI_CHART_GROUPED : HI_CHART_STACKED;
}

bool hi_tab_chart_stacks(const hi_table *t, size_t c)
{
    return !(t->col_flag[c] & (HI_CF_TOPBOX | HI_CF_NET));
}

/* Bytes of the character at p.  Labels are checked as UTF-8 where they
 * enter the engine, but the reader does not rely on it: a sequence ends at
 * the first byte that does not continue it, so it never steps over the
 * terminating NUL. */
static size_t char_len(const unsigned char *p)
{
    size_t n = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return i;
    return n;
}

/* Bytes of s that fit in units half-width units (and in a drawn line). */
static size_t fit(const char *s, size_t units, size_t *width)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t w = 0, n = 0;
    while (p[n] && w < units && n < LINE_BYTES - 8) {
        w += p[n] < 0x80 ? 1 : 2;
        n += char_len(p + n);
    }
    if (width != NULL)
        *width = w;
    return n;
}

/* Writes s as up to max_lines <text> lines starting at (x, y). */
static int wrapped(hoshi_buf *b, const char *s, int x, int y, const char *anchor, int max_lines,
                   size_t units)
{
    int lines = 0;
    while (*s && lines < max_lines) {
        size_t n = fit(s, units, NULL);
        char line[LINE_BYTES];
        memcpy(line, s, n);
        line[n] = '\0';
        if (s[n] && lines == max_lines - 1)
            memcpy(line + n, "…", 4);
        hoshi_buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\">", x, y + lines * LINE_H,
                         anchor);
        hoshi_buf_html(b, line);
        hoshi_buf_puts(b, "</text>");
        s += n;
        lines++;
    }
    return lines ? lines : 1;
}

static int lines_needed(const char *s, int max_lines)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p += char_len(p))
        w += *p < 0x80 ? 1 : 2;
    int n = (int)((w + LABEL_UNITS - 1) / LABEL_UNITS);
    return n < 1 ? 1 : n > max_lines ? max_lines : n;
}

/* The base of row r as shown: the weighted base rounded when weighted,
 * the statistic N of a NUM head (the respondents with a value). */
static unsigned long long base_shown(const hi_table *t, size_t r)
{
    if (t->num)
        return (unsigned long long)t->stat[r * HI_ST_COUNT + HI_ST_N];
    return t->w != NULL ? (unsigned long long)llround(hi_tab_base(t, r))
                        : (unsigned long long)t->row_n[r];
}

/* The share of cell (r, c) in its row, 0..1, and as text with one
 * decimal, rounded as the tables print it (hi_tab_share10). */
static double share(const hi_table *t, size_t r, size_t c, char *text, size_t cap)
{
    double n = hi_tab_base(t, r), x = hi_tab_cell(t, r, c);
    uint64_t p10 = hi_tab_share10(t, x, n);
    snprintf(text, cap, "%llu.%llu", (unsigned long long)(p10 / 10),
             (unsigned long long)(p10 % 10));
    return n > 0 ? x / n : 0;
}

/* The colour of column c: by its place among the columns drawn, 無回答 grey. */
static const char *col_fill(const hi_table *t, size_t c)
{
    size_t k = 0;
    for (size_t i = 0; i < c; i++)
        k += hi_tab_chart_stacks(t, i);
    return t->col_flag[c] & HI_CF_NOANS ? NO_ANSWER_FILL : palette[k % 12];
}

static void text_key(hoshi_buf *b, const hoshi_tab_texts *tx, const char *key)
{
    hoshi_buf_html(b, hi_tab_text(tx, key));
}

/* One legend entry at (*x, *y), wrapping to a new line when full. */
static void legend_entry(hoshi_buf *b, const char *label, const char *fill, int *x, int *y)
{
    size_t w;
    size_t n = fit(label, LEGEND_UNITS, &w);
    int item_w = 18 + (int)w * FONT / 2 + 12;
    if (*x + item_w > WIDTH - 8 && *x > 8) {
        *x = 8;
        *y += LINE_H + 4;
    }
    char lab[LINE_BYTES];
    memcpy(lab, label, n);
    lab[n] = '\0';
    if (label[n])
        memcpy(lab + n, "…", 4);
    hoshi_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>", *x, *y,
                     fill);
    hoshi_buf_printf(b, "<text x=\"%d\" y=\"%d\">", *x + 16, *y + 11);
    hoshi_buf_html(b, lab);
    hoshi_buf_puts(b, "</text>");
    *x += item_w;
}

/* The legend of a stacked chart (the columns) or of a grouped one (the
 * rows); returns y below it. */
static int legend(hoshi_buf *b, const hi_table *t, const hoshi_tab_texts *tx, hi_chart_kind k,
                  int y)
{
    int x = 8;
    hoshi_buf_puts(b, "<g class=\"legend\">");
    if (k == HI_CHART_STACKED) {
        for (size_t c = 0; c < t->n_cols; c++)
            if (hi_tab_chart_stacks(t, c))
                legend_entry(b, hi_tab_col_label(t, c, tx), col_fill(t, c), &x, &y);
    } else {
        for (size_t r = 0; r < t->n_rows; r++)
            legend_entry(b, hi_tab_row_label(t, r, tx), palette[r % 12], &x, &y);
    }
    hoshi_buf_puts(b, "</g>");
    return y + LINE_H + 10;
}

/* A label on the left of a band of height h at y, the full text in a <title>. */
static void band_label(hoshi_buf *b, const char *label, int lines, int y, int h)
{
    hoshi_buf_puts(b, "<title>");
    hoshi_buf_html(b, label);
    hoshi_buf_puts(b, "</title>");
    wrapped(b, label, LABEL_W - 6, y + FONT + (h - lines * LINE_H) / 2 - 2, "end", lines,
            LABEL_UNITS);
}

/* One horizontal bar of width w at (LABEL_W, y) of height bh, its value after it. */
static void bar(hoshi_buf *b, double w, int y, int bh, const char *fill, const char *value)
{
    hoshi_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
                     LABEL_W, y, w, bh, fill);
    if (bh < 14) /* a thin bar of a group: a smaller value beside it */
        hoshi_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\">%s</text>",
                         LABEL_W + w + 4, y + bh - 1, value);
    else
        hoshi_buf_printf(b, "<text x=\"%.1f\" y=\"%d\">%s</text>", LABEL_W + w + 4,
                         y + bh / 2 + FONT / 2 - 1, value);
}

/* Plain bars: the shares of the total row, one bar per column. */
static int bars(hoshi_buf *b, const hi_table *t, const hoshi_tab_texts *tx, int y)
{
    for (size_t c = 0; c < t->n_cols; c++) {
        const char *label = hi_tab_col_label(t, c, tx);
        int l = lines_needed(label, 3);
        int h = l * LINE_H + 8;
        char v[32];
        double s = share(t, 0, c, v, sizeof v);
        hoshi_buf_puts(b, "<g>");
        band_label(b, label, l, y, h);
        bar(b, s * PLOT_W, y + (h - 16) / 2, 16,
            t->col_flag[c] & HI_CF_NOANS ? NO_ANSWER_FILL : palette[0], v);
        hoshi_buf_puts(b, "</g>");
        y += h;
    }
    return y;
}

/* Grouped bars: a cluster per column, a bar per row (colour of the row). */
static int grouped(hoshi_buf *b, const hi_table *t, const hoshi_tab_texts *tx, int y)
{
    const int bh = 10;
    for (size_t c = 0; c < t->n_cols; c++) {
        const char *label = hi_tab_col_label(t, c, tx);
        int l = lines_needed(label, 3);
        int need = (int)t->n_rows * (bh + 2);
        int h = (l * LINE_H > need ? l * LINE_H : need) + 10;
        hoshi_buf_puts(b, "<g>");
        band_label(b, label, l, y, h);
        int by = y + (h - need) / 2;
        for (size_t r = 0; r < t->n_rows; r++) {
            char v[32];
            double s = share(t, r, c, v, sizeof v);
            if (hi_tab_base(t, r) > 0)
                bar(b, s * PLOT_W, by, bh, palette[r % 12], v);
            by += bh + 2;
        }
        hoshi_buf_puts(b, "</g>");
        y += h;
    }
    return y;
}

/* 100% stacked bars: a bar per row (a GRID: per item, not the total),
 * segments for the columns; a row with no base has no bar. */
static int stacked(hoshi_buf *b, const hi_table *t, const hoshi_tab_texts *tx, int y)
{
    for (size_t r = t->grid ? 1 : 0; r < t->n_rows; r++) {
        char lab[HI_TAB_MAX_LABEL + 40];
        snprintf(lab, sizeof lab, "%s (%llu)", hi_tab_row_label(t, r, tx), base_shown(t, r));
        int l = lines_needed(lab, 2);
        int h = l * LINE_H + 10;
        hoshi_buf_puts(b, "<g>");
        band_label(b, lab, l, y, h);
        double x = LABEL_W;
        for (size_t c = 0; c < t->n_cols; c++) {
            if (!hi_tab_chart_stacks(t, c))
                continue;
            char v[32];
            double w = share(t, r, c, v, sizeof v) * PLOT_W;
            if (w <= 0)
                continue;
            hoshi_buf_printf(b, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"18\" "
                             "fill=\"%s\"/>", x, y + (h - 18) / 2, w, col_fill(t, c));
            if (w >= 26)
                hoshi_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#fff\" "
                                 "font-size=\"10\">%s</text>", x + w / 2, y + h / 2 + 4, v);
            x += w;
        }
        hoshi_buf_puts(b, "</g>");
        y += h;
    }
    return y;
}

/* Bars of the mean per row, scaled to the largest absolute mean; negative
 * means grow left of a zero line in the middle. */
static int means(hoshi_buf *b, const hi_table *t, const hoshi_tab_texts *tx, int y)
{
    double top = 0;
    bool neg = false;
    for (size_t r = 0; r < t->n_rows; r++) {
        double m = t->stat[r * HI_ST_COUNT + HI_ST_MEAN];
        if (!isnan(m) && fabs(m) > top)
            top = fabs(m);
        neg = neg || m < 0;
    }
    double span = neg ? PLOT_W / 2.0 - 40 : PLOT_W;
    double zero = neg ? LABEL_W + PLOT_W / 2.0 : LABEL_W;
    for (size_t r = 0; r < t->n_rows; r++) {
        char lab[HI_TAB_MAX_LABEL + 40];
        snprintf(lab, sizeof lab, "%s (%llu)", hi_tab_row_label(t, r, tx), base_shown(t, r));
        int l = lines_needed(lab, 2);
        int h = l * LINE_H + 10;
        double m = t->stat[r * HI_ST_COUNT + HI_ST_MEAN];
        hoshi_buf_puts(b, "<g>");
        band_label(b, lab, l, y, h);
        if (!isnan(m)) {
            double w = top > 0 ? fabs(m) / top * span : 0;
            double x = m < 0 ? zero - w : zero;
            char v[48];
            snprintf(v, sizeof v, "%.1f", m);
            hoshi_buf_printf(b, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"16\" "
                             "fill=\"%s\"/>", x, y + (h - 16) / 2, w, palette[0]);
            hoshi_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s</text>",
                             m < 0 ? x - 4 : x + w + 4, y + h / 2 + FONT / 2 - 1,
                             m < 0 ? "end" : "start", v);
        }
        hoshi_buf_puts(b, "</g>");
        y += h;
    }
    return y;
}

static const char *desc_key(const hi_table *t, hi_chart_kind k)
{
    switch (k) {
    case HI_CHART_GROUPED: return "chart_grouped";
    case HI_CHART_STACKED: return t->grid ? "chart_stacked_items" : "chart_stacked";
    case HI_CHART_MEAN: return "chart_mean";
    case HI_CHART_BARS: break;
    }
    return "chart_bars";
}

/* The chart of t below its title, from y; returns y below it. */
static int chart_body(hoshi_buf *b, const hi_table *t, const hoshi_tab_texts *tx, int y)
{
    hi_chart_kind k = hi_tab_chart_kind(t);
    if (k == HI_CHART_STACKED || k == HI_CHART_GROUPED)
        y = legend(b, t, tx, k, y);
    if (k == HI_CHART_MEAN) {
        hoshi_buf_printf(b, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">", LABEL_W, y + FONT);
        text_key(b, tx, "stat_mean");
        hoshi_buf_puts(b, "</text>");
        y += LINE_H + 6;
    }
    switch (k) {
    case HI_CHART_BARS: return bars(b, t, tx, y);
    case HI_CHART_GROUPED: return grouped(b, t, tx, y);
    case HI_CHART_STACKED: return stacked(b, t, tx, y);
    case HI_CHART_MEAN: return means(b, t, tx, y);
    }
    return y;
}

/* Appends what was drawn into the scratch buffer body (or its error) to b,
 * and frees it. */
static void take_body(hoshi_buf *b, hoshi_buf *body)
{
    if (body->err != HOSHI_OK)
        b->err = body->err;
    else if (body->len)
        hoshi_buf_append(b, body->data, body->len);
    hoshi_buf_free(body);
}

int hi_tab_svg_table(hoshi_buf *b, const hi_table *t, size_t n, const hoshi_tab_texts *tx, int y)
{
    char title[HI_TAB_MAX_LABEL * 2 + 160];
    snprintf(title, sizeof title, "%s %s (N=%llu)", t->id, t->title, base_shown(t, 0));
    /* drawn first into a scratch buffer: the height is known at the end */
    hoshi_buf body = HOSHI_BUF_INIT;
    body.limit = (size_t)1 << 30;
    hoshi_buf_puts(&body, "<g font-weight=\"bold\">");
    int h = 8 + wrapped(&body, title, 8, 8 + FONT, "start", 2, 110) * LINE_H + 10;
    hoshi_buf_puts(&body, "</g>");
    if (t->side != NULL) {
        char side[HI_TAB_MAX_LABEL + 80];
        snprintf(side, sizeof side, "%s: %s", hi_tab_text(tx, "side"), t->side);
        wrapped(&body, side, 8, h + FONT - 6, "start", 1, 110);
        h += LINE_H + 4;
    }
    h = chart_body(&body, t, tx, h) + 16;
    hoshi_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\"");
    if (y >= 0)
        hoshi_buf_printf(b, " y=\"%d\"", y);
    hoshi_buf_printf(b, " viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
                     "aria-labelledby=\"chart%zu-title\" aria-describedby=\"chart%zu-desc\" "
                     "font-family=\"'Noto Sans CJK JP','Hiragino Sans','Yu Gothic',Meiryo,sans-serif\" "
                     "font-size=\"%d\" fill=\"#222\">\n<title id=\"chart%zu-title\">",
                     WIDTH, h, WIDTH, h, n, n, FONT, n);
    hoshi_buf_html(b, title);
    hoshi_buf_printf(b, "</title>\n<desc id=\"chart%zu-desc\">", n);
    text_key(b, tx, desc_key(t, hi_tab_chart_kind(t)));
    hoshi_buf_puts(b, "</desc>\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
    take_body(b, &body);
    hoshi_buf_puts(b, "\n</svg>\n");
    return h;
}

void hi_tab_svg(hoshi_buf *b, const hoshi_tabset *ts, const hoshi_tab_texts *tx)
{
    /* each table's chart is a nested <svg> placed below the one before */
    hoshi_buf body = HOSHI_BUF_INIT;
    body.limit = (size_t)1 << 30;
    int y = 0;
    for (size_t i = 0; i < ts->n; i++)
        y += hi_tab_svg_table(&body, &ts->t[i], i + 1, tx, y) + 8;
    hoshi_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                     "width=\"%d\" height=\"%d\">\n<title>", WIDTH, y, WIDTH, y);
    text_key(b, tx, "html_title");
    hoshi_buf_puts(b, "</title>\n");
    take_body(b, &body);
    hoshi_buf_puts(b, "</svg>\n");
}

hoshi_err hoshi_tab_chart(const hoshi_tabset *ts, size_t i, const hoshi_tab_render_opts *opts,
                          char **out, size_t *len)
{
    hi_clear_error();
    if (i >= ts->n)
        return hi_fail(HOSHI_ERR_USAGE, "no table %zu (there are %zu)", i + 1, ts->n);
    const hoshi_tab_texts *tx = NULL;
    hoshi_tab_texts *owned = NULL;
    hoshi_err err = hi_tab_texts_use(opts, &tx, &owned);
    if (err != HOSHI_OK)
        return err;
    hoshi_buf b = HOSHI_BUF_INIT;
    b.limit = (size_t)1 << 30;
    hi_tab_svg_table(&b, &ts->t[i], i + 1, tx, -1);
    hoshi_tab_texts_free(owned);
    return hoshi_buf_finish(&b, out, len);
}
