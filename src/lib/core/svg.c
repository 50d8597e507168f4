/*
 * svg.c — horizontal bar charts as self-contained SVG.  Widths of labels
 * are estimated (CJK characters count double) because SVG has no layout;
 * the estimate only has to keep labels clear of the bars.
 */
#include "svg.h"

#include <string.h>

/* Display width in half-width units: ASCII 1, everything else 2. */
static size_t text_width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x80)
            w += 1;
        else if ((*p & 0xC0) != 0x80)
            w += 2;
    }
    return w;
}

/* Writes label, cut to at most max_cells display cells with "…" when
 * longer, so right-aligned labels never run off the left edge. */
static void put_label(hoshi_buf *b, const char *label, size_t max_cells)
{
    if (text_width(label) <= max_cells) {
        hoshi_buf_html(b, label);
        return;
    }
    size_t cells = 0;
    const unsigned char *p = (const unsigned char *)label;
    const unsigned char *cut = p;
    while (*p) {
        size_t w = *p < 0x80 ? 1 : 2;
        if (cells + w > max_cells - 2) /* room for the ellipsis */
            break;
        cells += w;
        p++;
        while ((*p & 0xC0) == 0x80)
            p++;
        cut = p;
    }
    hoshi_buf tmp = HOSHI_BUF_INIT;
    hoshi_buf_append(&tmp, label, (size_t)(cut - (const unsigned char *)label));
    hoshi_buf_html(b, tmp.err == HOSHI_OK ? tmp.data : "");
    hoshi_buf_free(&tmp);
    hoshi_buf_puts(b, "\xE2\x80\xA6"); /* … */
}

void hi_svg_hbars(hoshi_buf *b, const char *title, const hi_hbar *bars, size_t n, double scale)
{
    const int row_h = 28, bar_h = 18, top = 8, font = 13, plot_w = 220, text_w = 70;
    size_t lw = 0;
    for (size_t i = 0; i < n; i++) {
        size_t w = text_width(bars[i].label);
        if (w > lw)
            lw = w;
    }
    const int label_max = 300;
    size_t max_cells = (size_t)((label_max - 12) / (font * 0.55));
    if (lw > max_cells)
        lw = max_cells;
    int label_w = (int)(lw * font * 0.55) + 12;
    int width = label_w + plot_w + text_w;
    int height = top * 2 + row_h * (int)n;
    hoshi_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" "
                     "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
                     "font-family=\"'Noto Sans CJK JP','Hiragino Sans','Yu Gothic',sans-serif\" "
                     "font-size=\"%d\">",
                  width, height, width, height, font);
    if (title != NULL) {
        hoshi_buf_puts(b, "<title>");
        hoshi_buf_html(b, title);
        hoshi_buf_puts(b, "</title>");
    }
    hoshi_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#eef1f5\"/>",
                  label_w, top, plot_w, row_h * (int)n);
    for (size_t i = 0; i < n; i++) {
        double v = bars[i].value;
        if (v < 0)
            v = 0;
        if (scale > 0 && v > scale)
            v = scale;
        double w = scale > 0 ? v / scale * plot_w : 0;
        int y = top + row_h * (int)i;
        hoshi_buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" "
                         "dominant-baseline=\"middle\" fill=\"#222\">",
                      label_w - 8, y + row_h / 2);
        if (text_width(bars[i].label) > max_cells) {
            hoshi_buf_puts(b, "<title>"); /* the whole label on hover */
            hoshi_buf_html(b, bars[i].label);
            hoshi_buf_puts(b, "</title>");
        }
        put_label(b, bars[i].label, max_cells);
        hoshi_buf_printf(b, "</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                         "fill=\"#2b6cb0\"/>",
                      label_w, y + (row_h - bar_h) / 2, w, bar_h);
        hoshi_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" dominant-baseline=\"middle\" fill=\"#222\">",
                      label_w + w + 6, y + row_h / 2);
        hoshi_buf_html(b, bars[i].text);
        hoshi_buf_puts(b, "</text>");
    }
    hoshi_buf_puts(b, "</svg>");
}
