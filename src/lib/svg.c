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

void hi_svg_hbars(hi_buf *b, const char *title, const hi_hbar *bars, size_t n, double scale)
{
    const int row_h = 28, bar_h = 18, top = 8, font = 13, plot_w = 220, text_w = 70;
    size_t lw = 0;
    for (size_t i = 0; i < n; i++) {
        size_t w = text_width(bars[i].label);
        if (w > lw)
            lw = w;
    }
    int label_w = (int)(lw * font * 0.55) + 12;
    if (label_w > 300)
        label_w = 300;
    int width = label_w + plot_w + text_w;
    int height = top * 2 + row_h * (int)n;
    hi_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" "
                     "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
                     "font-family=\"'Noto Sans CJK JP','Hiragino Sans','Yu Gothic',sans-serif\" "
                     "font-size=\"%d\">",
                  width, height, width, height, font);
    if (title != NULL) {
        hi_buf_puts(b, "<title>");
        hi_buf_html(b, title);
        hi_buf_puts(b, "</title>");
    }
    hi_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#eef1f5\"/>",
                  label_w, top, plot_w, row_h * (int)n);
    for (size_t i = 0; i < n; i++) {
        double v = bars[i].value;
        if (v < 0)
            v = 0;
        if (scale > 0 && v > scale)
            v = scale;
        double w = scale > 0 ? v / scale * plot_w : 0;
        int y = top + row_h * (int)i;
        hi_buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" "
                         "dominant-baseline=\"middle\" fill=\"#222\">",
                      label_w - 8, y + row_h / 2);
        hi_buf_html(b, bars[i].label);
        hi_buf_printf(b, "</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                         "fill=\"#2b6cb0\"/>",
                      label_w, y + (row_h - bar_h) / 2, w, bar_h);
        hi_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" dominant-baseline=\"middle\" fill=\"#222\">",
                      label_w + w + 6, y + row_h / 2);
        hi_buf_html(b, bars[i].text);
        hi_buf_puts(b, "</text>");
    }
    hi_buf_puts(b, "</svg>");
}
