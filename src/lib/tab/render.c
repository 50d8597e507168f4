/*
 * render.c — tables as text: csv (the machine format of the SPEC, exactly),
 * tsv (the same cells), Markdown, HTML and JSON.  What a table shows is
 * decided by the one row walk of walk.c (percentages from the exact counts
 * with integer arithmetic, hi_pct10, so 1/16 is 6.3 and never 6.2; which
 * marks are shown); each format here only prints it.  Human formats show
 * zero as —, mark small bases 参考値 and significant cells ▲/▼, and end
 * with notes on method.  Every label is escaped for the format it lands in.
 */
#include "tab/tab.h"
#include "tab/stats.h"
#include "tab/walk.h"
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

hoshi_err hoshi_tab_format_parse(const char *name, hoshi_tab_format *out)
{
    static const char *const names[] = {"csv", "tsv", "md", "html", "json", "svg", "xlsx"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (name != NULL && strcasecmp(name, names[i]) == 0) {
            *out = (hoshi_tab_format)i;
            return HOSHI_OK;
        }
    return hi_fail(HOSHI_ERR_USAGE, "unknown format '%s' (csv, tsv, md, html, json, svg, xlsx)",
                   name ? name : "");
}

/* A percentage in tenths as text with one decimal. */
static void pct(hoshi_buf *b, uint64_t p)
{
    hoshi_buf_printf(b, "%llu.%llu", (unsigned long long)(p / 10), (unsigned long long)(p % 10));
}

/* One decimal, half away from zero (四捨五入) also on binary ties such
 * as 5.25, which printf would round to even. */
static void one_decimal(hoshi_buf *b, double v)
{
    double a = fabs(v) * 10, f = floor(a);
    double r = a - f >= 0.5 - 1e-9 * (a > 1 ? a : 1) ? f + 1 : f;
    long long t = (long long)r;
    hoshi_buf_printf(b, "%s%lld.%lld", v < 0 && t != 0 ? "-" : "", t / 10, t % 10);
}

/* A statistic as text: nothing when there is none. */
static void fmt_stat(hoshi_buf *b, double v, int i)
{
    if (isnan(v))
        return;
    if (i == HI_ST_N) /* weighted: half up, as every N */
        hoshi_buf_printf(b, "%.0f", floor(v + 0.5 + 1e-9 * (v > 1 ? v : 1)));
    else if (i == HI_ST_MIN || i == HI_ST_MAX)
        hoshi_buf_printf(b, "%.15g", v);
    else if (fabs(v) < 1e15)
        one_decimal(b, v);
    else
        hoshi_buf_printf(b, "%.1f", v);
}

/* ---- csv / tsv ---- */

typedef struct sv_out {
    hoshi_buf *b;
    char sep;
} sv_out;

static const char *const sv_nl = "\r\n";

/* A banner or other cells than row % alone: each line also says its
 * block (the side column) and its kind (the cell column). */
static bool sv_extended(const hi_walk_table *w)
{
    return w->banner || w->kinds;
}

/* The label of block b ("" for the total). */
static const char *block_label(const hi_walk_table *w, size_t b)
{
    if (b == HI_WALK_NO_BLOCK || b >= w->t->n_blocks || w->t->block[b].label == NULL)
        return "";
    return w->t->block[b].label;
}

/* several tables: each after a line "[ID] title", apart by an empty line */
static void sv_table(void *ctx, const hi_walk_table *w)
{
    sv_out *o = ctx;
    if (w->count < 2) {
        if (sv_extended(w))
            hoshi_buf_printf(o->b, "side%c%ccell", o->sep, o->sep);
        return;
    }
    if (w->index > 0)
        hoshi_buf_puts(o->b, sv_nl);
    char title[HI_TAB_MAX_LABEL + 200];
    snprintf(title, sizeof title, "[%s] %s", w->t->id, w->t->title);
    hoshi_buf_csv(o->b, title, o->sep);
    hoshi_buf_puts(o->b, sv_nl);
    if (sv_extended(w))
        hoshi_buf_printf(o->b, "side%c%ccell", o->sep, o->sep);
}

static void sv_head(void *ctx, const hi_walk_table *w, const hi_walk_col *col)
{
    sv_out *o = ctx;
    (void)w;
    hoshi_buf_putc(o->b, o->sep);
    hoshi_buf_csv(o->b, col->label, o->sep);
}

static void sv_end(void *ctx, const hi_walk_table *w)
{
    (void)w;
    hoshi_buf_puts(((sv_out *)ctx)->b, sv_nl);
}

static void sv_row(void *ctx, const hi_walk_table *w, const hi_walk_row *row)
{
    sv_out *o = ctx;
    if (sv_extended(w)) {
        hoshi_buf_csv(o->b, block_label(w, row->block), o->sep);
        hoshi_buf_putc(o->b, o->sep);
    }
    hoshi_buf_csv(o->b, row->label, o->sep);
    if (sv_extended(w)) {
        hoshi_buf_putc(o->b, o->sep);
        hoshi_buf_puts(o->b, hi_walk_line_name(row->line));
    }
}

static void sv_cell(void *ctx, const hi_walk_table *w, const hi_walk_row *row,
                    const hi_walk_cell *cell)
{
    sv_out *o = ctx;
    (void)w, (void)row;
    hoshi_buf_putc(o->b, o->sep);
    switch (cell->kind) {
    case HI_WALK_BASE: hoshi_buf_printf(o->b, "%llu", (unsigned long long)cell->base); break;
    case HI_WALK_STAT: fmt_stat(o->b, cell->value, cell->st); break;
    case HI_WALK_PCT:
        if (!cell->none)
            pct(o->b, cell->pct10);
        break;
    case HI_WALK_COUNT:
        if (!cell->none)
            hoshi_buf_printf(o->b, "%llu", (unsigned long long)cell->count);
        break;
    }
}

static void sv_row_end(void *ctx, const hi_walk_table *w, const hi_walk_row *row)
{
    (void)row;
    sv_end(ctx, w);
}

static const hi_walk_fmt sv_fmt = {sv_table, sv_head, sv_end, sv_row, sv_cell, sv_row_end, NULL, NULL};

/* ---- human formats: shared cell text ---- */

static const char *sig_mark(int8_t s)
{
    switch (s) {
    case 2: return "▲▲";
    case 1: return "▲";
    case -1: return "▼";
    case -2: return "▼▼";
    default: return "";
    }
}

/* ---- the human formats (Markdown, HTML): what each writes around the parts ---- */

/* What a human format writes around the parts of a table; the walk
 * decides what comes in which order, so the formats cannot drift apart. */
typedef struct human_fmt {
    void (*text)(hoshi_buf *b, const char *s);  /* a label, escaped for the format */
    void (*doc_open)(hoshi_buf *b, const hoshi_tab_texts *tx);
    const char *title_open, *title_close;       /* around "ID title" */
    const char *side_open, *side_close;         /* around "Side: VAR title" */
    const char *head_open;                      /* up to the first column label (N) */
    const char *head_cell_open, *head_cell_close;
    void (*head_close)(hoshi_buf *b, size_t n_cols);
    const char *row_open, *total_row_open;      /* up to the row label */
    void (*small_base)(hoshi_buf *b, const char *mark);
    const char *label_close;
    /* a number cell: the base or a statistic (pct false), or a percentage
     * with the significance mark shown, s */
    void (*cell_open)(hoshi_buf *b, bool pct, int8_t s);
    const char *cell_close, *row_close, *table_close;
    const char *base_open, *base_close;         /* around the base line under the table */
    /* the notes (that on the marks only with sig); cells_note (or NULL) one more, on column %; then those on
     * the tests of stats (n tables, or NULL) */
    void (*notes)(hoshi_buf *b, const hoshi_tab_texts *tx, bool sig, const char *cells_note,
                  const hi_tab_stats *stats, size_t n);
    /* a row spanning the table: a banner's block label over span cells */
    void (*block_row)(hoshi_buf *b, const char *label, size_t span);
} human_fmt;

typedef struct human_out {
    hoshi_buf *b;
    const human_fmt *f;
    const hi_tab_stats *stats;  /* per table, NULL without --stats */
} human_out;

/* The tests of the table being walked, or NULL. */
static const hi_tab_stats *walk_stats(const hi_tab_stats *stats, const hi_walk_table *w)
{
    return stats != NULL ? &stats[w->index] : NULL;
}

/* A line of text as its own paragraph (the test lines under a table). */
static void human_line(void *ctx, const char *text)
{
    human_out *o = ctx;
    hoshi_buf_puts(o->b, o->f->side_open);
    o->f->text(o->b, text);
    hoshi_buf_puts(o->b, o->f->side_close);
}

/* The letters a cell shows after its percentage or mean (" BC"). */
static void human_letters(human_out *o, const hi_walk_table *w, const hi_walk_row *row,
                          const hi_walk_cell *cell)
{
    const hi_tab_stats *st = walk_stats(o->stats, w);
    char let[HI_STATS_MAX_LETTERS + 1];
    if (st == NULL || !(st->which & HOSHI_TAB_STAT_LETTERS))
        return;
    if (cell->kind == HI_WALK_PCT)
        hi_tab_stats_letters(st, row->r, cell->cat, let);
    else if (cell->kind == HI_WALK_STAT && cell->st == HI_ST_MEAN)
        hi_tab_stats_letters(st, row->r, HI_ST_MEAN, let);
    else
        return;
    if (*let) {
        hoshi_buf_putc(o->b, ' ');
        o->f->text(o->b, let);
    }
}

static void human_table(void *ctx, const hi_walk_table *w)
{
    human_out *o = ctx;
    const human_fmt *f = o->f;
    hoshi_buf_puts(o->b, f->title_open);
    f->text(o->b, w->t->id);
    hoshi_buf_putc(o->b, ' ');
    f->text(o->b, w->t->title);
    hoshi_buf_puts(o->b, f->title_close);
    if (w->t->side) {
        hoshi_buf_puts(o->b, f->side_open);
        f->text(o->b, hi_tab_text(w->o->tx, "side"));
        hoshi_buf_puts(o->b, ": ");
        f->text(o->b, w->t->side);
        hoshi_buf_puts(o->b, f->side_close);
    }
    if (w->t->w != NULL) { /* what the table is weighted by */
        hoshi_buf_puts(o->b, f->side_open);
        f->text(o->b, hi_tab_text(w->o->tx, "weighted"));
        hoshi_buf_puts(o->b, ": ");
        f->text(o->b, w->t->w->by);
        hoshi_buf_puts(o->b, f->side_close);
    }
    hoshi_buf_puts(o->b, f->head_open);
    if (w->kinds) { /* over the column that names each line's kind */
        hoshi_buf_puts(o->b, f->head_cell_open);
        hoshi_buf_puts(o->b, f->head_cell_close);
    }
}

static void human_head(void *ctx, const hi_walk_table *w, const hi_walk_col *col)
{
    human_out *o = ctx;
    (void)w;
    hoshi_buf_puts(o->b, o->f->head_cell_open);
    o->f->text(o->b, col->label);
    hoshi_buf_puts(o->b, o->f->head_cell_close);
}

static void human_head_end(void *ctx, const hi_walk_table *w)
{
    human_out *o = ctx;
    o->f->head_close(o->b, w->n_cols - 1 + w->kinds);
}

static void human_row(void *ctx, const hi_walk_table *w, const hi_walk_row *row)
{
    human_out *o = ctx;
    hoshi_buf_puts(o->b, row->r == 0 ? o->f->total_row_open : o->f->row_open);
    if (row->first) /* a row of several lines is labelled once */
        o->f->text(o->b, row->label);
    if (row->small)
        o->f->small_base(o->b, hi_tab_text(w->o->tx, "small_base"));
    char letter = row->first ? hi_tab_stats_letter(walk_stats(o->stats, w), row->r) : 0;
    if (letter != 0)
        hoshi_buf_printf(o->b, " (%c)", letter);
    hoshi_buf_puts(o->b, o->f->label_close);
    if (w->kinds) {
        o->f->cell_open(o->b, false, 0);
        o->f->text(o->b, row->kind);
        hoshi_buf_puts(o->b, o->f->cell_close);
    }
}

static void human_block(void *ctx, const hi_walk_table *w, size_t i, const char *label)
{
    human_out *o = ctx;
    (void)i;
    o->f->block_row(o->b, label, w->n_cols + w->kinds);
}

static void human_cell(void *ctx, const hi_walk_table *w, const hi_walk_row *row,
                       const hi_walk_cell *cell)
{
    human_out *o = ctx;
    (void)w, (void)row;
    /* coloured by the mark shown: none where the walk withholds it */
    o->f->cell_open(o->b, cell->kind == HI_WALK_PCT, cell->mark);
    switch (cell->kind) {
    case HI_WALK_BASE:
        if (cell->base_kind == HI_WALK_EFFECTIVE)
            one_decimal(o->b, cell->value);
        else
            hoshi_buf_printf(o->b, "%llu", (unsigned long long)cell->base);
        break;
    case HI_WALK_STAT: fmt_stat(o->b, cell->value, cell->st); break;
    case HI_WALK_PCT:
        if (cell->none)
            break;
        if (cell->zero)
            hoshi_buf_puts(o->b, "—");
        else
            pct(o->b, cell->pct10);
        hoshi_buf_puts(o->b, sig_mark(cell->mark));
        break;
    case HI_WALK_COUNT:
        if (!cell->none)
            hoshi_buf_printf(o->b, "%llu", (unsigned long long)cell->count);
        break;
    }
    if (!row->small)
        human_letters(o, w, row, cell);
    hoshi_buf_puts(o->b, o->f->cell_close);
}

static void human_row_end(void *ctx, const hi_walk_table *w, const hi_walk_row *row)
{
    human_out *o = ctx;
    (void)w, (void)row;
    hoshi_buf_puts(o->b, o->f->row_close);
}

static void human_table_end(void *ctx, const hi_walk_table *w)
{
    human_out *o = ctx;
    hoshi_buf_puts(o->b, o->f->table_close);
    hoshi_buf_puts(o->b, o->f->base_open);
    hi_tab_base_line(o->b, w->t, w->o->tx, o->f->text);
    hoshi_buf_puts(o->b, o->f->base_close);
    hi_tab_test_lines(w->t, walk_stats(o->stats, w), w->o->tx, human_line, o);
}

static const hi_walk_fmt human_walk = {human_table, human_head, human_head_end, human_row,
                                       human_cell, human_row_end, human_table_end, human_block};

const char *hi_tab_cells_note(const hoshi_tabset *ts, const hoshi_tab_texts *tx)
{
    for (size_t i = 0; i < ts->n; i++)
        if (hi_walk_shows_col(&ts->t[i]))
            return hi_tab_text(tx, "note_col");
    return NULL;
}

static void render_human(hoshi_buf *b, const hoshi_tabset *ts, bool sig, const hoshi_tab_texts *tx,
                         const human_fmt *f, const hi_tab_stats *stats)
{
    hi_walk_opts wo = {tx, true, true, HI_ST_SD, sig, false, true};
    human_out o = {b, f, stats};
    f->doc_open(b, tx);
    hi_tab_walk(ts, &wo, &human_walk, &o);
    f->notes(b, tx, sig, hi_tab_cells_note(ts, tx), stats, ts->n);
}
static void md_text(hoshi_buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '|' || *s == '\\' || *s == '*' || *s == '_' || *s == '`' || *s == '<' || *s == '~' ||
            *s == '>' || *s == '[' || *s == ']')
            hoshi_buf_putc(b, '\\');
        hoshi_buf_putc(b, *s == '\n' || *s == '\r' ? ' ' : *s);
    }
}

static void md_doc_open(hoshi_buf *b, const hoshi_tab_texts *tx)
{
    (void)b, (void)tx;
}

static void md_head_close(hoshi_buf *b, size_t n_cols)
{
    hoshi_buf_puts(b, "\n|---|---:|");
    for (size_t c = 0; c < n_cols; c++)
        hoshi_buf_puts(b, "---:|");
    hoshi_buf_putc(b, '\n');
}

static void md_small_base(hoshi_buf *b, const char *mark)
{
    hoshi_buf_printf(b, " %s", mark);
}

static void md_cell_open(hoshi_buf *b, bool pct, int8_t s)
{
    (void)pct, (void)s;
    hoshi_buf_puts(b, " | ");
}

static void md_note(void *ctx, const char *text)
{
    hoshi_buf_puts(ctx, "- ");
    md_text(ctx, text);
    hoshi_buf_putc(ctx, '\n');
}

static void md_notes(hoshi_buf *b, const hoshi_tab_texts *tx, bool sig, const char *cells_note,
                     const hi_tab_stats *stats, size_t n)
{
    hoshi_buf_printf(b, "%s:\n\n", hi_tab_text(tx, "notes_title"));
    for (size_t i = 0; i < hi_tab_note_count(tx, sig); i++)
        md_note(b, hi_tab_note(tx, sig, i));
    if (cells_note != NULL)
        md_note(b, cells_note);
    hi_tab_stats_notes(stats, n, tx, md_note, b);
}

static void md_block_row(hoshi_buf *b, const char *label, size_t span)
{
    hoshi_buf_puts(b, "| **");
    md_text(b, label);
    hoshi_buf_puts(b, "** |");
    for (size_t i = 0; i < span; i++)
        hoshi_buf_puts(b, " |");
    hoshi_buf_putc(b, '\n');
}

static const human_fmt md_fmt = {
    md_text, md_doc_open, "### ", "\n\n", "", "\n\n", "| |", " ", " |", md_head_close,
    "| ", "| ", md_small_base, "", md_cell_open, "", " |\n", "\n", "", "\n\n", md_notes, md_block_row,
};

static void html_doc_open(hoshi_buf *b, const hoshi_tab_texts *tx)
{
    hoshi_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"><title>",
                     hi_tab_lang_code(tx));
    hoshi_buf_html(b, hi_tab_text(tx, "html_title"));
    hoshi_buf_puts(b, "</title><style>"
                   "body{font-family:'Noto Sans CJK JP','Hiragino Sans',Meiryo,sans-serif}"
                   "table{border-collapse:collapse;margin:1em 0}"
                   "th,td{border:1px solid #999;padding:2px 6px;font-size:90%}"
                   "th{background:#eef;vertical-align:bottom;max-width:9em}"
                   "td.n,td.p{text-align:right}tr.total td{font-weight:bold}"
                   ".ref{color:#a60}.up{color:#c00}.dn{color:#06c}"
                   "</style></head><body>\n");
}

static void html_head_close(hoshi_buf *b, size_t n_cols)
{
    (void)n_cols;
    hoshi_buf_puts(b, "</tr>\n");
}

static void html_small_base(hoshi_buf *b, const char *mark)
{
    hoshi_buf_puts(b, " <span class=\"ref\">");
    hoshi_buf_html(b, mark);
    hoshi_buf_puts(b, "</span>");
}

static void html_cell_open(hoshi_buf *b, bool pct, int8_t s)
{
    hoshi_buf_puts(b, !pct ? "<td class=\"n\">"
                   : s > 0 ? "<td class=\"p up\">"
                   : s < 0 ? "<td class=\"p dn\">" : "<td class=\"p\">");
}

static void html_note(void *ctx, const char *text)
{
    hoshi_buf_puts(ctx, "<li>");
    hoshi_buf_html(ctx, text);
    hoshi_buf_puts(ctx, "</li>\n");
}

void hi_tab_html_notes(hoshi_buf *b, const hoshi_tab_texts *tx, const char *h, bool sig,
                       const char *cells_note)
{
    hoshi_buf_printf(b, "<%s>", h);
    hoshi_buf_html(b, hi_tab_text(tx, "notes_title"));
    hoshi_buf_printf(b, "</%s>\n<ul>\n", h);
    for (size_t i = 0; i < hi_tab_note_count(tx, sig); i++)
        html_note(b, hi_tab_note(tx, sig, i));
    if (cells_note != NULL)
        html_note(b, cells_note);
}

static void html_notes(hoshi_buf *b, const hoshi_tab_texts *tx, bool sig, const char *cells_note,
                       const hi_tab_stats *stats, size_t n)
{
    hi_tab_html_notes(b, tx, "h3", sig, cells_note);
    hi_tab_stats_notes(stats, n, tx, html_note, b);
    hoshi_buf_puts(b, "</ul>\n</body></html>\n");
}

static void html_block_row(hoshi_buf *b, const char *label, size_t span)
{
    hoshi_buf_printf(b, "<tr class=\"block\"><th colspan=\"%zu\">", span + 1);
    hoshi_buf_html(b, label);
    hoshi_buf_puts(b, "</th></tr>\n");
}

static const human_fmt html_fmt = {
    hoshi_buf_html, html_doc_open,
    "<h2>", "</h2>\n", "<p>", "</p>\n", "<table>\n<tr><td></td>", "<th>", "</th>",
    html_head_close, "<tr><td>", "<tr class=\"total\"><td>", html_small_base, "</td>",
    html_cell_open, "</td>", "</tr>\n", "</table>\n", "<p class=\"base\">", "</p>\n",
    html_notes, html_block_row,
};

/* ---- JSON ---- */

static void json_num(hoshi_buf *b, double v)
{
    if (isnan(v))
        hoshi_buf_puts(b, "null");
    else
        hoshi_buf_printf(b, "%.17g", v);
}

/* A banner's or other cells' fields: the kinds, and the blocks with their
 * bases (with column %: the column bases too). */
static void json_banner(hoshi_buf *b, const hi_walk_table *w)
{
    const hi_table *t = w->t;
    hoshi_buf_puts(b, "\"cells\":[");
    for (size_t k = 0; k < w->n_cells; k++)
        hoshi_buf_printf(b, "%s\"%s\"", k ? "," : "", hi_walk_line_name((hi_walk_line)w->cells[k]));
    hoshi_buf_puts(b, "],\"blocks\":[");
    for (size_t i = 0; i < t->n_blocks; i++) {
        hoshi_buf_puts(b, i ? ",{\"label\":" : "{\"label\":");
        hoshi_buf_json_str(b, t->block[i].label ? t->block[i].label : "");
        hoshi_buf_printf(b, ",\"first\":%zu,\"rows\":%zu", t->block[i].first, t->block[i].n);
        if (hi_walk_shows_col(t) && i < t->n_hidden) {
            hoshi_buf_puts(b, ",\"base\":");
            json_num(b, hi_tab_block_base(t, i));
            hoshi_buf_puts(b, ",\"col_base\":[");
            for (size_t c = 0; c < t->n_cols; c++) {
                if (c)
                    hoshi_buf_putc(b, ',');
                json_num(b, hi_tab_col_base(t, i, c));
            }
            hoshi_buf_putc(b, ']');
        }
        hoshi_buf_putc(b, '}');
    }
    hoshi_buf_puts(b, "],");
}

/* JSON puts a row's counts, percentages and marks in arrays of their own,
 * so it lays out the cells the walk gives it when the row ends. */
static void json_table(void *ctx, const hi_walk_table *w)
{
    hoshi_buf *b = ctx;
    const hi_table *t = w->t;
    hoshi_buf_puts(b, w->index ? ",\n{" : "\n{");
    hoshi_buf_puts(b, "\"id\":");
    hoshi_buf_json_str(b, t->id);
    hoshi_buf_puts(b, ",\"title\":");
    hoshi_buf_json_str(b, t->title);
    hoshi_buf_puts(b, ",\"side\":");
    if (t->side)
        hoshi_buf_json_str(b, t->side);
    else
        hoshi_buf_puts(b, "null");
    if (t->w != NULL) {
        hoshi_buf_puts(b, ",\"weight\":");
        hoshi_buf_json_str(b, t->w->by);
    }
    hoshi_buf_printf(b, ",\"kind\":\"%s\",", t->num ? "num" : t->grid ? "grid" : "cat");
    if (sv_extended(w))
        json_banner(b, w);
    hoshi_buf_puts(b, "\"columns\":[");
}

/* the columns: the statistics of a NUM table, N among them; else the
 * categories (the base N is a field of each row) */
static void json_head(void *ctx, const hi_walk_table *w, const hi_walk_col *col)
{
    hoshi_buf *b = ctx;
    if (col->kind == HI_WALK_BASE)
        return;
    if (col->c > (w->t->num ? 0u : 1u))
        hoshi_buf_putc(b, ',');
    if (col->kind == HI_WALK_STAT) {
        hoshi_buf_json_str(b, col->label);
        return;
    }
    hoshi_buf_puts(b, "{\"label\":");
    hoshi_buf_json_str(b, col->label);
    hoshi_buf_printf(b, ",\"no_answer\":%s,\"top_box\":%s,\"net\":%s}",
                     col->flags & HI_CF_NOANS ? "true" : "false",
                     col->flags & HI_CF_TOPBOX ? "true" : "false",
                     col->flags & HI_CF_NET ? "true" : "false");
}

static void json_head_end(void *ctx, const hi_walk_table *w)
{
    (void)w;
    hoshi_buf_puts(ctx, "],\"rows\":[");
}

static void json_row(void *ctx, const hi_walk_table *w, const hi_walk_row *row)
{
    hoshi_buf *b = ctx;
    (void)w;
    hoshi_buf_puts(b, row->r ? ",{\"label\":" : "{\"label\":");
    hoshi_buf_json_str(b, row->label);
    hoshi_buf_printf(b, ",\"n\":%llu,\"small_base\":%s", (unsigned long long)row->n,
                     row->small ? "true" : "false");
    if (sv_extended(w)) {
        if (row->block == HI_WALK_NO_BLOCK)
            hoshi_buf_puts(b, ",\"block\":null");
        else
            hoshi_buf_printf(b, ",\"block\":%zu", row->block);
    }
    if (row->weighted) { /* n is the weighted base rounded; the exact bases too */
        hoshi_buf_printf(b, ",\"unweighted_n\":%llu,\"weighted_n\":", (unsigned long long)row->unweighted);
        json_num(b, row->wbase);
        hoshi_buf_puts(b, ",\"effective_n\":");
        json_num(b, row->ess);
    }
}

static void json_row_end(void *ctx, const hi_walk_table *w, const hi_walk_row *row)
{
    hoshi_buf *b = ctx;
    if (w->t->num) {
        hoshi_buf_puts(b, ",\"stats\":[");
        for (size_t c = 0; c < w->n_cols; c++) {
            if (c)
                hoshi_buf_putc(b, ',');
            json_num(b, hi_walk_cell_at(w, row, c).value);
        }
        hoshi_buf_puts(b, "]}");
        return;
    }
    hoshi_buf_puts(b, ",\"counts\":[");
    for (size_t c = 1; c < w->n_cols; c++)
        hoshi_buf_printf(b, "%s%llu", c > 1 ? "," : "",
                         (unsigned long long)hi_walk_cell_at(w, row, c).count);
    if (row->weighted) {
        hoshi_buf_puts(b, "],\"weighted_counts\":[");
        for (size_t c = 1; c < w->n_cols; c++) {
            if (c > 1)
                hoshi_buf_putc(b, ',');
            json_num(b, hi_walk_cell_at(w, row, c).wcount);
        }
    }
    hoshi_buf_puts(b, "],\"percent\":[");
    for (size_t c = 1; c < w->n_cols; c++) {
        if (c > 1)
            hoshi_buf_putc(b, ',');
        hi_walk_cell cell = hi_walk_cell_at(w, row, c);
        if (cell.none)
            hoshi_buf_puts(b, "null");
        else
            pct(b, cell.pct10);
    }
    hoshi_buf_puts(b, "],\"sig\":[");
    for (size_t c = 1; c < w->n_cols; c++)
        hoshi_buf_printf(b, "%s%d", c > 1 ? "," : "", hi_walk_cell_at(w, row, c).sig);
    if (hi_walk_shows_col(w->t)) {
        hoshi_buf_puts(b, "],\"col_percent\":[");
        for (size_t c = 1; c < w->n_cols; c++) {
            if (c > 1)
                hoshi_buf_putc(b, ',');
            pct(b, hi_walk_col_pct10(w->t, row->r, row->block, c - 1));
        }
    }
    hoshi_buf_puts(b, "]}");
}

/* the base: its words (null for every respondent) and its respondents */
static void json_table_end(void *ctx, const hi_walk_table *w)
{
    hoshi_buf *b = ctx;
    hoshi_buf_puts(b, "],\"base\":{\"text\":");
    if (w->t->base != NULL)
        hoshi_buf_json_str(b, w->t->base);
    else
        hoshi_buf_puts(b, "null");
    hoshi_buf_printf(b, ",\"n\":%llu}}", (unsigned long long)w->t->base_n);
}

static const hi_walk_fmt json_walk = {json_table, json_head, json_head_end, json_row,
                                      NULL, json_row_end, json_table_end, NULL};

/* ---- JSON with --stats: the walk above, each row given its letter and
 * its cells' letters; the tests of every table follow the tables ---- */

typedef struct json_out {
    hoshi_buf *b;
    const hi_tab_stats *stats;  /* per table */
} json_out;

static void jst_table(void *ctx, const hi_walk_table *w)
{
    json_table(((json_out *)ctx)->b, w);
}

static void jst_head(void *ctx, const hi_walk_table *w, const hi_walk_col *col)
{
    json_head(((json_out *)ctx)->b, w, col);
}

static void jst_head_end(void *ctx, const hi_walk_table *w)
{
    json_head_end(((json_out *)ctx)->b, w);
}

/* "letter" of the row (null without one) and "letters" of each column */
static void jst_row(void *ctx, const hi_walk_table *w, const hi_walk_row *row)
{
    json_out *o = ctx;
    const hi_tab_stats *st = &o->stats[w->index];
    json_row(o->b, w, row);
    char let[HI_STATS_MAX_LETTERS + 1] = {hi_tab_stats_letter(st, row->r), '\0'};
    hoshi_buf_puts(o->b, ",\"letter\":");
    if (*let)
        hoshi_buf_json_str(o->b, let);
    else
        hoshi_buf_puts(o->b, "null");
    hoshi_buf_puts(o->b, ",\"letters\":[");
    for (size_t c = w->t->num ? 0 : 1; c < w->n_cols; c++) {
        if (c > (w->t->num ? 0u : 1u))
            hoshi_buf_putc(o->b, ',');
        *let = '\0';
        if (!w->t->num || c == HI_ST_MEAN)
            hi_tab_stats_letters(st, row->r, w->t->num ? c : c - 1, let);
        hoshi_buf_json_str(o->b, let);
    }
    hoshi_buf_putc(o->b, ']');
}

static void jst_row_end(void *ctx, const hi_walk_table *w, const hi_walk_row *row)
{
    json_row_end(((json_out *)ctx)->b, w, row);
}

static void jst_table_end(void *ctx, const hi_walk_table *w)
{
    json_table_end(((json_out *)ctx)->b, w);
}

static const hi_walk_fmt json_stats_walk = {jst_table, jst_head, jst_head_end, jst_row,
                                            NULL, jst_row_end, jst_table_end, NULL};

/* A note as an element of the notes array: n counts those written. */
typedef struct json_notes {
    hoshi_buf *b;
    size_t n;
} json_notes;

static void json_note(void *ctx, const char *text)
{
    json_notes *o = ctx;
    if (o->n++)
        hoshi_buf_putc(o->b, ',');
    hoshi_buf_json_str(o->b, text);
}

static void render_json(hoshi_buf *b, const hoshi_tabset *ts, const hoshi_tab_texts *tx,
                        const hi_tab_stats *stats)
{
    hi_walk_opts wo = {tx, false, false, HI_ST_SD, false, true, false};
    json_out o = {b, stats};
    hoshi_buf_puts(b, "{\"tables\":[");
    if (stats != NULL)
        hi_tab_walk(ts, &wo, &json_stats_walk, &o);
    else
        hi_tab_walk(ts, &wo, &json_walk, b);
    hoshi_buf_puts(b, "\n]");
    if (stats != NULL)
        hi_tab_stats_json(b, ts, stats);
    hoshi_buf_puts(b, ",\"notes\":[");
    json_notes notes = {b, 0};
    /* the sig arrays are always there (--no-sig is of the human formats),
     * so is the note on them */
    for (size_t i = 0; i < hi_tab_note_count(tx, true); i++)
        json_note(&notes, hi_tab_note(tx, true, i));
    const char *cells_note = hi_tab_cells_note(ts, tx);
    if (cells_note != NULL)
        json_note(&notes, cells_note);
    hi_tab_stats_notes(stats, ts->n, tx, json_note, &notes);
    hoshi_buf_puts(b, "]}\n");
}

hoshi_err hoshi_tab_render(const hoshi_tabset *ts, hoshi_tab_format fmt,
                           const hoshi_tab_render_opts *opts, char **out, size_t *len)
{
    hi_clear_error();
    hoshi_tab_render_opts none = {.lang = HOSHI_LANG_JA};
    if (opts == NULL)
        opts = &none;
    const hoshi_tab_texts *tx = NULL;
    hoshi_tab_texts *owned = NULL;
    hi_tab_stats *stats = NULL;
    if (fmt == HOSHI_TAB_MD || fmt == HOSHI_TAB_HTML || fmt == HOSHI_TAB_JSON ||
        fmt == HOSHI_TAB_SVG) {
        hoshi_err terr = hi_tab_texts_use(opts, &tx, &owned);
        if (terr == HOSHI_OK && (terr = hi_tab_stats_all(ts, opts, &stats)) != HOSHI_OK)
            hoshi_tab_texts_free(owned);
        if (terr != HOSHI_OK)
            return terr;
    }
    hoshi_buf b = HOSHI_BUF_INIT;
    b.limit = (size_t)1 << 30;
    switch (fmt) {
    case HOSHI_TAB_CSV:
    case HOSHI_TAB_TSV:
        if (opts->bom && !opts->cp932)
            hoshi_buf_puts(&b, "\xEF\xBB\xBF");
    {
        hi_walk_opts wo = {NULL, false, false, HI_ST_MAX, false, false, false};
        sv_out o = {&b, fmt == HOSHI_TAB_CSV ? ',' : '\t'};
        hi_tab_walk(ts, &wo, &sv_fmt, &o);
        break;
    }
    case HOSHI_TAB_MD: render_human(&b, ts, opts->sig, tx, &md_fmt, stats); break;
    case HOSHI_TAB_HTML: render_human(&b, ts, opts->sig, tx, &html_fmt, stats); break;
    case HOSHI_TAB_JSON: render_json(&b, ts, tx, stats); break;
    case HOSHI_TAB_SVG: hi_tab_svg(&b, ts, tx); break;
    case HOSHI_TAB_XLSX:
        hoshi_buf_free(&b);
        return hi_fail(HOSHI_ERR_USAGE, "xlsx is written to a file (use --out)");
    }
    hi_tab_stats_free(stats, ts->n);
    hoshi_tab_texts_free(owned);
    return hi_buf_finish_enc(&b, opts->cp932 && (fmt == HOSHI_TAB_CSV || fmt == HOSHI_TAB_TSV),
                             out, len);
}
