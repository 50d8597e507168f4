/*
 * report_html.c — a book as one HTML report (hoshi_book_render_html): the
 * book's title, a table of contents linking to every table, and each table
 * in a section of its own: heading, the table with a caption and th
 * scopes, its base line, its chart (one SVG per table, as an image with a
 * text alternative, so the charts' own ids cannot clash with the page's),
 * then the notes on method.  Printing starts each table on a new page when
 * it does not fit.  The cells are the walk's (walk.c), as in every format.
 */
#include "tab/stats.h"
#include "tab/tab.h"
#include "tab/walk.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

#include "hoshi/book.h"

static void pct(hoshi_buf *b, uint64_t p)
{
    hoshi_buf_printf(b, "%llu.%llu", (unsigned long long)(p / 10), (unsigned long long)(p % 10));
}

static const char *mark(int8_t s)
{
    return s == 2 ? "▲▲" : s == 1 ? "▲" : s == -1 ? "▼" : s == -2 ? "▼▼" : "";
}

/* What the walk writes to: the report, and the tests of each table
 * (NULL when no table asked for any). */
typedef struct rep_out {
    hoshi_buf *b;
    const hi_tab_stats *stats;
} rep_out;

/* The tests of the table being walked, or NULL. */
static const hi_tab_stats *rep_stats(void *ctx, const hi_walk_table *w)
{
    const rep_out *o = ctx;
    return o->stats != NULL ? &o->stats[w->index] : NULL;
}

/* A line of text as a paragraph (the tests under a table). */
static void rep_line(void *ctx, const char *text)
{
    hoshi_buf *b = ctx;
    hoshi_buf_puts(b, "<p class=\"test\">");
    hoshi_buf_html(b, text);
    hoshi_buf_puts(b, "</p>\n");
}

/* A note as an item of the notes' list. */
static void rep_note(void *ctx, const char *text)
{
    hoshi_buf *b = ctx;
    hoshi_buf_puts(b, "<li>");
    hoshi_buf_html(b, text);
    hoshi_buf_puts(b, "</li>\n");
}

/* The letters a cell shows after its percentage or mean (" BC"). */
static void rep_letters(void *ctx, const hi_walk_table *w, const hi_walk_row *row,
                        const hi_walk_cell *cell)
{
    const hi_tab_stats *st = rep_stats(ctx, w);
    char let[HI_STATS_MAX_LETTERS + 1] = "";
    if (st == NULL || !(st->which & HOSHI_TAB_STAT_LETTERS) || row->small)
        return;
    if (cell->kind == HI_WALK_PCT && row->line == HI_LINE_ROW)
        hi_tab_stats_letters(st, row->r, cell->cat, let);
    else if (cell->kind == HI_WALK_STAT && cell->st == HI_ST_MEAN)
        hi_tab_stats_letters(st, row->r, HI_ST_MEAN, let);
    if (*let) {
        hoshi_buf_putc(((rep_out *)ctx)->b, ' ');
        hoshi_buf_html(((rep_out *)ctx)->b, let);
    }
}

/* "Q8 title" of a table, escaped */
static void head_title(hoshi_buf *b, const hi_table *t)
{
    hoshi_buf_html(b, t->id);
    hoshi_buf_putc(b, ' ');
    hoshi_buf_html(b, t->title);
}

static void rep_table(void *ctx, const hi_walk_table *w)
{
    hoshi_buf *b = ((rep_out *)ctx)->b;
    const hi_table *t = w->t;
    hoshi_buf_printf(b, "<section id=\"tab-%zu\" aria-labelledby=\"tab-%zu-h\">\n<h2 id=\"tab-%zu-h\">",
                     w->index + 1, w->index + 1, w->index + 1);
    if (t->book_title != NULL)
        hoshi_buf_html(b, t->book_title);
    else
        head_title(b, t);
    hoshi_buf_puts(b, "</h2>\n<table>\n<caption>");
    head_title(b, t);
    if (t->side != NULL) {
        hoshi_buf_puts(b, "<br>");
        hoshi_buf_html(b, hi_tab_text(w->o->tx, "side"));
        hoshi_buf_puts(b, ": ");
        hoshi_buf_html(b, t->side);
    }
    hoshi_buf_puts(b, "</caption>\n<thead><tr><td></td>");
    if (w->kinds) /* over the column that names each line's kind (--cells) */
        hoshi_buf_puts(b, "<td></td>");
}

static void rep_head(void *ctx, const hi_walk_table *w, const hi_walk_col *col)
{
    hoshi_buf *b = ((rep_out *)ctx)->b;
    (void)w;
    hoshi_buf_puts(b, "<th scope=\"col\">");
    hoshi_buf_html(b, col->label);
    hoshi_buf_puts(b, "</th>");
}

static void rep_head_end(void *ctx, const hi_walk_table *w)
{
    (void)w;
    hoshi_buf_puts(((rep_out *)ctx)->b, "</tr></thead>\n<tbody>\n");
}

static void rep_row(void *ctx, const hi_walk_table *w, const hi_walk_row *row)
{
    hoshi_buf *b = ((rep_out *)ctx)->b;
    hoshi_buf_puts(b, row->r == 0 ? "<tr class=\"total\"><th scope=\"row\">" : "<tr><th scope=\"row\">");
    if (row->first) /* a row of several lines is labelled once */
        hoshi_buf_html(b, row->label);
    if (row->small) {
        hoshi_buf_puts(b, " <span class=\"ref\">");
        hoshi_buf_html(b, hi_tab_text(w->o->tx, "small_base"));
        hoshi_buf_puts(b, "</span>");
    }
    char letter = row->first ? hi_tab_stats_letter(rep_stats(ctx, w), row->r) : 0;
    if (letter != 0)
        hoshi_buf_printf(b, " (%c)", letter);
    hoshi_buf_puts(b, "</th>");
    if (w->kinds) {
        hoshi_buf_puts(b, "<td>");
        hoshi_buf_html(b, row->kind);
        hoshi_buf_puts(b, "</td>");
    }
}

/* a banner's block: a row spanning the table with the block's label */
static void rep_block(void *ctx, const hi_walk_table *w, size_t i, const char *label)
{
    hoshi_buf *b = ((rep_out *)ctx)->b;
    (void)i;
    hoshi_buf_printf(b, "<tr class=\"block\"><th scope=\"rowgroup\" colspan=\"%zu\">",
                     w->n_cols + w->kinds + 1);
    hoshi_buf_html(b, label);
    hoshi_buf_puts(b, "</th></tr>\n");
}

/* a mark is coloured only where it is shown (not on a small base) */
static void rep_cell(void *ctx, const hi_walk_table *w, const hi_walk_row *row,
                     const hi_walk_cell *cell)
{
    hoshi_buf *b = ((rep_out *)ctx)->b;
    (void)w, (void)row;
    switch (cell->kind) {
    case HI_WALK_BASE:
        hoshi_buf_printf(b, "<td class=\"n\">%llu</td>", (unsigned long long)cell->base);
        return;
    case HI_WALK_COUNT:
        hoshi_buf_printf(b, "<td class=\"n\">%llu</td>", (unsigned long long)cell->count);
        return;
    case HI_WALK_STAT:
        if (cell->no_values)
            hoshi_buf_puts(b, "<td class=\"n\"></td>");
        else if (cell->st == HI_ST_N)
            hoshi_buf_printf(b, "<td class=\"n\">%.0f</td>", cell->value);
        else
            hoshi_buf_printf(b, "<td class=\"n\">%.1f", cell->value);
        if (!cell->no_values && cell->st != HI_ST_N) {
            rep_letters(ctx, w, row, cell);
            hoshi_buf_puts(b, "</td>");
        }
        return;
    case HI_WALK_PCT:
        hoshi_buf_puts(b, cell->mark > 0 ? "<td class=\"p up\">"
                          : cell->mark < 0 ? "<td class=\"p dn\">" : "<td class=\"p\">");
        if (cell->zero)
            hoshi_buf_puts(b, "—");
        else
            pct(b, cell->pct10);
        hoshi_buf_puts(b, mark(cell->mark));
        rep_letters(ctx, w, row, cell);
        hoshi_buf_puts(b, "</td>");
        return;
    }
}

static void rep_row_end(void *ctx, const hi_walk_table *w, const hi_walk_row *row)
{
    (void)w, (void)row;
    hoshi_buf_puts(((rep_out *)ctx)->b, "</tr>\n");
}

/* the base line, then the chart of this one table as an image */
static void rep_table_end(void *ctx, const hi_walk_table *w)
{
    hoshi_buf *b = ((rep_out *)ctx)->b;
    const hi_table *t = w->t;
    hoshi_buf_puts(b, "</tbody>\n</table>\n<p class=\"base\">");
    hi_tab_base_line(b, t, w->o->tx, hoshi_buf_html);
    hoshi_buf_puts(b, "</p>\n");
    hi_tab_test_lines(t, rep_stats(ctx, w), w->o->tx, rep_line, b);
    if (!t->num) {
        hoshi_buf svg = HOSHI_BUF_INIT;
        svg.limit = (size_t)1 << 30;
        hi_tab_svg_table(&svg, t, w->index + 1, w->o->tx, -1);
        hoshi_buf_puts(b, "<figure><img src=\"data:image/svg+xml,");
        if (svg.err != HOSHI_OK)
            b->err = svg.err;
        else
            hoshi_buf_url(b, svg.data);
        hoshi_buf_puts(b, "\" alt=\"");
        hoshi_buf_html(b, hi_tab_text(w->o->tx, "chart_of"));
        hoshi_buf_puts(b, ": ");
        head_title(b, t);
        hoshi_buf_puts(b, "\"></figure>\n");
        hoshi_buf_free(&svg);
    }
    hoshi_buf_puts(b, "</section>\n");
}

static const hi_walk_fmt report_walk = {rep_table, rep_head, rep_head_end, rep_row,
                                        rep_cell, rep_row_end, rep_table_end, rep_block};

static void doc_open(hoshi_buf *b, const char *title, const hoshi_tab_texts *tx)
{
    hoshi_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
                        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                        "<title>", hi_tab_lang_code(tx));
    hoshi_buf_html(b, title);
    hoshi_buf_puts(b, "</title><style>"
                      "body{font-family:'Noto Sans CJK JP','Hiragino Sans',Meiryo,sans-serif;"
                      "margin:1em auto;max-width:60em;padding:0 1em}"
                      "table{border-collapse:collapse;margin:1em 0}"
                      "caption{text-align:left;font-weight:bold;padding:2px 0}"
                      "th,td{border:1px solid #999;padding:2px 6px;font-size:90%}"
                      "thead th{background:#eef;vertical-align:bottom;max-width:9em}"
                      "tbody th{text-align:left;font-weight:normal}"
                      "td.n,td.p{text-align:right}tr.total th,tr.total td{font-weight:bold}"
                      ".ref{color:#a60}.up{color:#c00}.dn{color:#06c}"
                      "figure{margin:1em 0}figure img{max-width:100%;height:auto}"
                      "@media print{nav{page-break-after:always}"
                      "section{page-break-inside:avoid}a{color:inherit;text-decoration:none}}"
                      "</style></head><body>\n<header><h1>");
    hoshi_buf_html(b, title);
    hoshi_buf_puts(b, "</h1></header>\n");
}

static void toc(hoshi_buf *b, const hoshi_tabset *ts, const hoshi_tab_texts *tx)
{
    hoshi_buf_puts(b, "<nav aria-labelledby=\"toc\"><h2 id=\"toc\">");
    hoshi_buf_html(b, hi_tab_text(tx, "contents"));
    hoshi_buf_puts(b, "</h2>\n<ol>\n");
    for (size_t i = 0; i < ts->n; i++) {
        const hi_table *t = &ts->t[i];
        hoshi_buf_printf(b, "<li><a href=\"#tab-%zu\">", i + 1);
        if (t->book_title != NULL)
            hoshi_buf_html(b, t->book_title);
        else
            head_title(b, t);
        hoshi_buf_puts(b, "</a></li>\n");
    }
    hoshi_buf_puts(b, "</ol></nav>\n<main>\n");
}

static void notes(hoshi_buf *b, const hoshi_tabset *ts, const hoshi_tab_texts *tx, bool sig,
                  const hi_tab_stats *stats)
{
    hoshi_buf_puts(b, "</main>\n<footer>");
    hi_tab_html_notes(b, tx, "h2", sig, hi_tab_cells_note(ts, tx));
    if (sig) {
        hoshi_buf_puts(b, "<li>");
        hoshi_buf_html(b, hi_tab_text(tx, "sig_legend_xlsx"));
        hoshi_buf_puts(b, "</li>\n");
    }
    hi_tab_stats_notes(stats, ts->n, tx, rep_note, b);
    hoshi_buf_puts(b, "</ul></footer>\n</body></html>\n");
}

hoshi_err hoshi_book_render_html(const hoshi_tabset *ts, const char *title,
                                 const hoshi_tab_render_opts *opts, char **out, size_t *len)
{
    hi_clear_error();
    const hoshi_tab_texts *tx = NULL;
    hoshi_tab_texts *owned = NULL;
    hoshi_err err = hi_tab_texts_use(opts, &tx, &owned);
    if (err != HOSHI_OK)
        return err;
    bool sig = opts == NULL || opts->sig;
    hi_tab_stats *stats = NULL;
    if ((err = hi_tab_stats_all(ts, opts, &stats)) != HOSHI_OK) {
        hoshi_tab_texts_free(owned);
        return err;
    }
    if (title == NULL || *title == '\0')
        title = hi_tab_text(tx, "report_title");
    hoshi_buf b = HOSHI_BUF_INIT;
    b.limit = (size_t)1 << 30;
    doc_open(&b, title, tx);
    toc(&b, ts, tx);
    hi_walk_opts wo = {tx, true, true, HI_ST_SD, sig, false, true};
    rep_out o = {&b, stats};
    hi_tab_walk(ts, &wo, &report_walk, &o);
    notes(&b, ts, tx, sig, stats);
    hi_tab_stats_free(stats, ts->n);
    hoshi_tab_texts_free(owned);
    return hoshi_buf_finish(&b, out, len);
}
