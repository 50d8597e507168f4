/*
 * svg.h — small SVG chart primitives shared by the diagnosis report and
 * the survey charts.  All text is escaped on output.
 */
#ifndef HOSHI_SVG_H
#define HOSHI_SVG_H

#include <stddef.h>

#include "hoshi/buf.h"

typedef struct hi_hbar {
    const char *label;   /* category label, left of the bar */
    double value;        /* bar length in units of `scale` (clamped to 0..scale) */
    const char *text;    /* value text printed at the end of the bar */
} hi_hbar;

/* Horizontal bar chart, one bar per row, bars scaled so `scale` fills the
 * plot width.  `title` (may be NULL) becomes the accessible <title>. */
void hi_svg_hbars(hoshi_buf *b, const char *title, const hi_hbar *bars, size_t n, double scale);

#endif
