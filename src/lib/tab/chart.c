/*
 * chart.c — SVG charts of computed tables, in one self-contained SVG
 * document (charts stacked vertically): horizontal bars of the total row
 * for a GT or an MA head, 100% stacked bars for an SA head by side
 * category (and for the items of a GRID).  Values are printed on the bars.
 * Labels are wrapped by estimated display width (CJK counts double, as in
 * svg.c) and cut with … after three lines, the full text kept in a
 * <title>; every text is escaped.
 */
#include "tab/tab.h"

#include <stdio.h>
#include <string.h>

#define FONT 12
#define LABEL_UNITS 30   /* half-width units per label line */
#define LINE_BYTES 400   /* bytes of one drawn line, at most */
#define LINE_H 15
#define WIDTH 760
#define LABEL_W 200
#define PLOT_W 480

static const char *const palette[] = {
    "#2b6cb0", "#e07b39", "#3c9d5d", "#c0392b", "#8e6cbf", "#8c564b",
    "#d16ba5", "#7f7f7f", "#b5a01c", "#17a2b8", "#1f3a60", "#a0522d",
};

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

/* Writes s as up to max_lines <tspan> lines starting at (x, y). */
static int wrapped(hoshi_buf *b, const char *s, int x, int y, const char *anchor, int max_lines,
                   size_t units)
{
    const unsigned char *p = (const unsigned char *)s;
    int lines = 0;
    while (*p && lines < max_lines) {
        size_t w = 0, n = 0;
        while (p[n] && w < units && n < LINE_BYTES - 8) {
            w += p[n] < 0x80 ? 1 : 2;
            n += char_len(p + n);
        }
        char line[LINE_BYTES];
        memcpy(line, p, n);
        line[n] = '\0';
        if (p[n] && lines == max_lines - 1)
            memcpy(line + n, "…", 4);
        hoshi_buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\">", x, y + lines * LINE_H,
                      anchor);
        hoshi_buf_html(b, line);
        hoshi_buf_puts(b, "</text>");
        p += n;
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

static void pct_text(char *out, size_t cap, uint64_t c, uint64_t n)
{
    uint64_t p = hi_pct10(c, n);
    snprintf(out, cap, "%llu.%llu", (unsigned long long)(p / 10), (unsigned long long)(p % 10));
}

static int chart_title(hoshi_buf *b, const hi_table *t, int y)
{
    char title[HI_TAB_MAX_LABEL + 160];
    snprintf(title, sizeof title, "%s %s (N=%llu)", t->id, t->title,
             (unsigned long long)(t->grid && t->n_rows > 1 ? t->row_n[1] : t->row_n[0]));
    hoshi_buf_puts(b, "<g font-weight=\"bold\">");
    int l = wrapped(b, title, 8, y + FONT, "start", 2, 110);
    hoshi_buf_puts(b, "</g>");
    return y + l * LINE_H + 10;
}

/* Horizontal bars: one per column of the total row. */
static int hbars(hoshi_buf *b, const hi_table *t, int y)
{
    uint64_t n = t->row_n[0];
    for (size_t c = 0; c < t->n_cols; c++) {
        int l = lines_needed(t->col_label[c], 3);
        int h = l * LINE_H + 8;
        double w = n ? (double)t->count[c] / (double)n * PLOT_W : 0;
        char v[32];
        pct_text(v, sizeof v, t->count[c], n);
        hoshi_buf_puts(b, "<g><title>");
        hoshi_buf_html(b, t->col_label[c]);
        hoshi_buf_printf(b, " %s%%</title>", v);
        wrapped(b, t->col_label[c], LABEL_W - 6, y + FONT + (h - l * LINE_H) / 2 - 2, "end", 3, LABEL_UNITS);
        hoshi_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
                      LABEL_W, y + (h - 16) / 2, w, 16,
                      t->col_flag[c] & HI_CF_NOANS ? "#bbb" : palette[0]);
        hoshi_buf_printf(b, "<text x=\"%.1f\" y=\"%d\">%s</text></g>", LABEL_W + w + 4,
                      y + h / 2 + FONT / 2 - 1, v);
        y += h;
    }
    return y;
}

/* 100% stacked bars: one per row, segments for the columns. */
static int stacked(hoshi_buf *b, const hi_table *t, int y)
{
    /* legend */
    int lx = 8;
    for (size_t c = 0; c < t->n_cols; c++) {
        if (t->col_flag[c] & HI_CF_TOPBOX)
            continue;
        int w = 0;
        for (const unsigned char *p = (const unsigned char *)t->col_label[c]; *p && w < 40;
             p += char_len(p))
            w += *p < 0x80 ? 1 : 2;
        int item_w = 18 + w * FONT / 2 + 12;
        if (lx + item_w > WIDTH - 8) {
            lx = 8;
            y += LINE_H + 4;
        }
        hoshi_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>", lx, y,
                      t->col_flag[c] & HI_CF_NOANS ? "#bbb" : palette[c % 12]);
        hoshi_buf_printf(b, "<text x=\"%d\" y=\"%d\">", lx + 16, y + 11);
        char lab[200];
        size_t n = 0;
        const char *s = t->col_label[c];
        int uw = 0;
        while (s[n] && uw < 40 && n < sizeof lab - 8) {
            uw += (unsigned char)s[n] < 0x80 ? 1 : 2;
            n += char_len((const unsigned char *)s + n);
        }
        memcpy(lab, s, n);
        lab[n] = '\0';
        if (s[n])
            memcpy(lab + n, "…", 4);
        hoshi_buf_html(b, lab);
        hoshi_buf_puts(b, "</text>");
        lx += item_w;
    }
    y += LINE_H + 10;
    for (size_t r = 0; r < t->n_rows; r++) {
        if (t->grid && r == 0)
            continue; /* the items, not their sum */
        int l = lines_needed(t->row_label[r], 2);
        int h = l * LINE_H + 10;
        uint64_t n = t->row_n[r];
        char lab[HI_TAB_MAX_LABEL + 40];
        snprintf(lab, sizeof lab, "%s (%llu)", t->row_label[r], (unsigned long long)n);
        hoshi_buf_puts(b, "<g><title>");
        hoshi_buf_html(b, lab);
        hoshi_buf_puts(b, "</title>");
        wrapped(b, lab, LABEL_W - 6, y + FONT + (h - l * LINE_H) / 2 - 2, "end", 2, LABEL_UNITS);
        double x = LABEL_W;
        for (size_t c = 0; c < t->n_cols; c++) {
            if (t->col_flag[c] & HI_CF_TOPBOX)
                continue;
            uint64_t cnt = t->count[r * t->n_cols + c];
            double w = n ? (double)cnt / (double)n * PLOT_W : 0;
            if (w <= 0)
                continue;
            hoshi_buf_printf(b, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
                          x, y + (h - 18) / 2, w, 18,
                          t->col_flag[c] & HI_CF_NOANS ? "#bbb" : palette[c % 12]);
            if (w >= 26) {
                char v[32];
                pct_text(v, sizeof v, cnt, n);
                hoshi_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#fff\" "
                                 "font-size=\"10\">%s</text>",
                              x + w / 2, y + h / 2 + 4, v);
            }
            x += w;
        }
        hoshi_buf_puts(b, "</g>");
        y += h;
    }
    return y;
}

void hi_tab_svg(hoshi_buf *b, const hoshi_tabset *ts)
{
    /* draw into a scratch buffer first: the height is known at the end */
    hoshi_buf body = HOSHI_BUF_INIT;
    body.limit = (size_t)1 << 30;
    int y = 8;
    for (size_t i = 0; i < ts->n; i++) {
        const hi_table *t = &ts->t[i];
        if (t->num)
            continue;
        hoshi_buf_printf(&body, "<g class=\"table\" id=\"t%zu\">", i);
        y = chart_title(&body, t, y);
        bool stack = t->grid || (!t->chart_ma && t->n_rows > 1);
        y = stack ? stacked(&body, t, y) : hbars(&body, t, y);
        hoshi_buf_puts(&body, "</g>");
        y += 24;
    }
    hoshi_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
                     "height=\"%d\" font-family=\"'Noto Sans CJK JP','Hiragino Sans','Yu Gothic',"
                     "Meiryo,sans-serif\" font-size=\"%d\" fill=\"#222\">\n"
                     "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n",
                  WIDTH, y, WIDTH, y, FONT);
    if (body.err != HOSHI_OK)
        b->err = body.err;
    else if (body.len)
        hoshi_buf_append(b, body.data, body.len);
    hoshi_buf_puts(b, "\n</svg>\n");
    hoshi_buf_free(&body);
}
