/*
 * render.c — tables as text: csv (the machine format of the SPEC, exactly),
 * tsv (the same cells), Markdown, HTML and JSON.  Percentages are made
 * here from the exact counts with integer arithmetic (hi_pct10), so
 * 1/16 is 6.3 and never 6.2.  Human formats show zero as —, mark small
 * bases 参考値 and significant cells ▲/▼, and end with notes on method.
 * Every label is escaped for the format it lands in.
 */
#include "tab/tab.h"
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

static void pct(hoshi_buf *b, uint64_t count, uint64_t n)
{
    uint64_t p = hi_pct10(count, n);
    hoshi_buf_printf(b, "%llu.%llu", (unsigned long long)(p / 10), (unsigned long long)(p % 10));
}

static const char *const stat_names[] = {"N", "mean", "median", "min", "max", "sd"};

/* One decimal, half away from zero (四捨五入) also on binary ties such
 * as 5.25, which printf would round to even. */
static void one_decimal(hoshi_buf *b, double v)
{
    double a = fabs(v) * 10, f = floor(a);
    double r = a - f >= 0.5 - 1e-9 * (a > 1 ? a : 1) ? f + 1 : f;
    long long t = (long long)r;
    hoshi_buf_printf(b, "%s%lld.%lld", v < 0 && t != 0 ? "-" : "", t / 10, t % 10);
}

static void fmt_stat(hoshi_buf *b, const double *st, int i)
{
    double v = st[i];
    if (isnan(v))
        return;
    if (i == HI_ST_N)
        hoshi_buf_printf(b, "%.0f", v);
    else if (i == HI_ST_MIN || i == HI_ST_MAX)
        hoshi_buf_printf(b, "%.15g", v);
    else if (fabs(v) < 1e15)
        one_decimal(b, v);
    else
        hoshi_buf_printf(b, "%.1f", v);
}

/* ---- csv / tsv ---- */

static void render_sv(hoshi_buf *b, const hoshi_tabset *ts, char sep)
{
    const char *nl = "\r\n";
    for (size_t ti = 0; ti < ts->n; ti++) {
        const hi_table *t = &ts->t[ti];
        if (ts->n > 1) {
            if (ti > 0)
                hoshi_buf_puts(b, nl);
            char title[HI_TAB_MAX_LABEL + 200];
            snprintf(title, sizeof title, "[%s] %s", t->id, t->title);
            hoshi_buf_csv(b, title, sep);
            hoshi_buf_puts(b, nl);
        }
        /* header */
        hoshi_buf_putc(b, sep);
        hoshi_buf_putc(b, 'N');
        if (t->num) {
            for (int i = HI_ST_MEAN; i <= HI_ST_MAX; i++) {
                hoshi_buf_putc(b, sep);
                hoshi_buf_puts(b, stat_names[i]);
            }
        } else {
            for (size_t c = 0; c < t->n_cols; c++) {
                hoshi_buf_putc(b, sep);
                hoshi_buf_csv(b, t->col_label[c], sep);
            }
        }
        hoshi_buf_puts(b, nl);
        for (size_t r = 0; r < t->n_rows; r++) {
            hoshi_buf_csv(b, t->row_label[r], sep);
            if (t->num) {
                const double *st = &t->stat[r * HI_ST_COUNT];
                for (int i = HI_ST_N; i <= HI_ST_MAX; i++) {
                    hoshi_buf_putc(b, sep);
                    fmt_stat(b, st, i);
                }
            } else {
                hoshi_buf_printf(b, "%c%llu", sep, (unsigned long long)t->row_n[r]);
                for (size_t c = 0; c < t->n_cols; c++) {
                    hoshi_buf_putc(b, sep);
                    pct(b, t->count[r * t->n_cols + c], t->row_n[r]);
                }
            }
            hoshi_buf_puts(b, nl);
        }
    }
}

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

static void human_pct(hoshi_buf *b, const hi_table *t, size_t r, size_t c, bool sig)
{
    uint64_t cnt = t->count[r * t->n_cols + c];
    if (cnt == 0 || t->row_n[r] == 0)
        hoshi_buf_puts(b, "—");
    else
        pct(b, cnt, t->row_n[r]);
    if (sig && t->row_n[r] >= HI_SMALL_BASE)
        hoshi_buf_puts(b, sig_mark(t->sig[r * t->n_cols + c]));
}

/* ---- the human formats (Markdown, HTML): one walk over the rows ---- */

/* What a human format writes around the parts of a table; the walk below
 * decides what comes in which order, so the formats cannot drift apart. */
typedef struct human_fmt {
    void (*text)(hoshi_buf *b, const char *s);  /* a label, escaped for the format */
    void (*doc_open)(hoshi_buf *b, const hoshi_tab_texts *tx);
    const char *title_open, *title_close;       /* around "ID title" */
    const char *side_open, *side_close;         /* around "Side: VAR title" */
    const char *head_open;                      /* up to the first column label */
    const char *head_cell_open, *head_cell_close;
    void (*head_close)(hoshi_buf *b, size_t n_cols);
    const char *row_open, *total_row_open;      /* up to the row label */
    void (*small_base)(hoshi_buf *b, const char *mark);
    const char *label_close;
    /* a number cell: the base or a statistic (pct false), or a percentage
     * with its significance s */
    void (*cell_open)(hoshi_buf *b, bool pct, int8_t s, bool sig);
    const char *cell_close, *row_close, *table_close;
    void (*notes)(hoshi_buf *b, const hoshi_tab_texts *tx);
} human_fmt;

static void render_human(hoshi_buf *b, const hoshi_tabset *ts, bool sig, const hoshi_tab_texts *tx,
                         const human_fmt *f)
{
    f->doc_open(b, tx);
    for (size_t ti = 0; ti < ts->n; ti++) {
        const hi_table *t = &ts->t[ti];
        hoshi_buf_puts(b, f->title_open);
        f->text(b, t->id);
        hoshi_buf_putc(b, ' ');
        f->text(b, t->title);
        hoshi_buf_puts(b, f->title_close);
        if (t->side) {
            hoshi_buf_puts(b, f->side_open);
            f->text(b, hi_tab_text(tx, "side"));
            hoshi_buf_puts(b, ": ");
            f->text(b, t->side);
            hoshi_buf_puts(b, f->side_close);
        }
        hoshi_buf_puts(b, f->head_open);
        size_t nc = t->num ? HI_ST_COUNT - 1 : t->n_cols;
        for (size_t c = 0; c < nc; c++) {
            hoshi_buf_puts(b, f->head_cell_open);
            f->text(b, t->num ? stat_names[c + 1] : hi_tab_col_label(t, c, tx));
            hoshi_buf_puts(b, f->head_cell_close);
        }
        f->head_close(b, nc);
        for (size_t r = 0; r < t->n_rows; r++) {
            hoshi_buf_puts(b, r == 0 ? f->total_row_open : f->row_open);
            f->text(b, hi_tab_row_label(t, r, tx));
            if (hi_tab_small_base(t, r))
                f->small_base(b, hi_tab_text(tx, "small_base"));
            hoshi_buf_puts(b, f->label_close);
            if (t->num) {
                const double *st = &t->stat[r * HI_ST_COUNT];
                for (int i = HI_ST_N; i < HI_ST_COUNT; i++) {
                    f->cell_open(b, false, 0, sig);
                    fmt_stat(b, st, i);
                    hoshi_buf_puts(b, f->cell_close);
                }
            } else {
                f->cell_open(b, false, 0, sig);
                hoshi_buf_printf(b, "%llu", (unsigned long long)t->row_n[r]);
                hoshi_buf_puts(b, f->cell_close);
                for (size_t c = 0; c < nc; c++) {
                    f->cell_open(b, true, t->sig[r * t->n_cols + c], sig);
                    human_pct(b, t, r, c, sig);
                    hoshi_buf_puts(b, f->cell_close);
                }
            }
            hoshi_buf_puts(b, f->row_close);
        }
        hoshi_buf_puts(b, f->table_close);
    }
    f->notes(b, tx);
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

static void md_cell_open(hoshi_buf *b, bool pct, int8_t s, bool sig)
{
    (void)pct, (void)s, (void)sig;
    hoshi_buf_puts(b, " | ");
}

static void md_notes(hoshi_buf *b, const hoshi_tab_texts *tx)
{
    hoshi_buf_printf(b, "%s:\n\n", hi_tab_text(tx, "notes_title"));
    for (size_t i = 0; i < hi_tab_note_count(tx); i++) {
        hoshi_buf_puts(b, "- ");
        md_text(b, hi_tab_note(tx, i));
        hoshi_buf_putc(b, '\n');
    }
}

static const human_fmt md_fmt = {
    md_text, md_doc_open, "### ", "\n\n", "", "\n\n", "| | N |", " ", " |", md_head_close,
    "| ", "| ", md_small_base, "", md_cell_open, "", " |\n", "\n", md_notes,
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

static void html_cell_open(hoshi_buf *b, bool pct, int8_t s, bool sig)
{
    hoshi_buf_puts(b, !pct ? "<td class=\"n\">"
                   : s > 0 && sig ? "<td class=\"p up\">"
                   : s < 0 && sig ? "<td class=\"p dn\">" : "<td class=\"p\">");
}

static void html_notes(hoshi_buf *b, const hoshi_tab_texts *tx)
{
    hoshi_buf_puts(b, "<h3>");
    hoshi_buf_html(b, hi_tab_text(tx, "notes_title"));
    hoshi_buf_puts(b, "</h3>\n<ul>\n");
    for (size_t i = 0; i < hi_tab_note_count(tx); i++) {
        hoshi_buf_puts(b, "<li>");
        hoshi_buf_html(b, hi_tab_note(tx, i));
        hoshi_buf_puts(b, "</li>\n");
    }
    hoshi_buf_puts(b, "</ul>\n</body></html>\n");
}

static const human_fmt html_fmt = {
    hoshi_buf_html, html_doc_open,
    "<h2>", "</h2>\n", "<p>", "</p>\n", "<table>\n<tr><th></th><th>N</th>", "<th>", "</th>",
    html_head_close, "<tr><td>", "<tr class=\"total\"><td>", html_small_base, "</td>",
    html_cell_open, "</td>", "</tr>\n", "</table>\n", html_notes,
};

/* ---- JSON ---- */

static void json_num(hoshi_buf *b, double v)
{
    if (isnan(v))
        hoshi_buf_puts(b, "null");
    else
        hoshi_buf_printf(b, "%.17g", v);
}

static void render_json(hoshi_buf *b, const hoshi_tabset *ts, const hoshi_tab_texts *tx)
{
    hoshi_buf_puts(b, "{\"tables\":[");
    for (size_t ti = 0; ti < ts->n; ti++) {
        const hi_table *t = &ts->t[ti];
        hoshi_buf_puts(b, ti ? ",\n{" : "\n{");
        hoshi_buf_puts(b, "\"id\":");
        hoshi_buf_json_str(b, t->id);
        hoshi_buf_puts(b, ",\"title\":");
        hoshi_buf_json_str(b, t->title);
        hoshi_buf_puts(b, ",\"side\":");
        if (t->side)
            hoshi_buf_json_str(b, t->side);
        else
            hoshi_buf_puts(b, "null");
        hoshi_buf_printf(b, ",\"kind\":\"%s\",\"columns\":[", t->num ? "num" : t->grid ? "grid" : "cat");
        size_t nc = t->num ? HI_ST_COUNT : t->n_cols;
        for (size_t c = 0; c < nc; c++) {
            if (c)
                hoshi_buf_putc(b, ',');
            if (t->num) {
                hoshi_buf_json_str(b, stat_names[c]);
                continue;
            }
            hoshi_buf_puts(b, "{\"label\":");
            hoshi_buf_json_str(b, t->col_label[c]);
            hoshi_buf_printf(b, ",\"no_answer\":%s,\"top_box\":%s,\"net\":%s}",
                          t->col_flag[c] & HI_CF_NOANS ? "true" : "false",
                          t->col_flag[c] & HI_CF_TOPBOX ? "true" : "false",
                          t->col_flag[c] & HI_CF_NET ? "true" : "false");
        }
        hoshi_buf_puts(b, "],\"rows\":[");
        for (size_t r = 0; r < t->n_rows; r++) {
            hoshi_buf_puts(b, r ? ",{\"label\":" : "{\"label\":");
            hoshi_buf_json_str(b, t->row_label[r]);
            hoshi_buf_printf(b, ",\"n\":%llu,\"small_base\":%s", (unsigned long long)t->row_n[r],
                          hi_tab_small_base(t, r) ? "true" : "false");
            if (t->num) {
                hoshi_buf_puts(b, ",\"stats\":[");
                for (int i = 0; i < HI_ST_COUNT; i++) {
                    if (i)
                        hoshi_buf_putc(b, ',');
                    json_num(b, t->stat[r * HI_ST_COUNT + i]);
                }
                hoshi_buf_puts(b, "]}");
                continue;
            }
            hoshi_buf_puts(b, ",\"counts\":[");
            for (size_t c = 0; c < nc; c++)
                hoshi_buf_printf(b, "%s%llu", c ? "," : "",
                              (unsigned long long)t->count[r * nc + c]);
            hoshi_buf_puts(b, "],\"percent\":[");
            for (size_t c = 0; c < nc; c++) {
                if (c)
                    hoshi_buf_putc(b, ',');
                pct(b, t->count[r * nc + c], t->row_n[r]);
            }
            hoshi_buf_puts(b, "],\"sig\":[");
            for (size_t c = 0; c < nc; c++)
                hoshi_buf_printf(b, "%s%d", c ? "," : "", t->sig[r * nc + c]);
            hoshi_buf_puts(b, "]}");
        }
        hoshi_buf_puts(b, "]}");
    }
    hoshi_buf_puts(b, "\n],\"notes\":[");
    for (size_t i = 0; i < hi_tab_note_count(tx); i++) {
        if (i)
            hoshi_buf_putc(b, ',');
        hoshi_buf_json_str(b, hi_tab_note(tx, i));
    }
    hoshi_buf_puts(b, "]}\n");
}

hoshi_err hoshi_tab_render(const hoshi_tabset *ts, hoshi_tab_format fmt,
                           const hoshi_tab_render_opts *opts, char **out, size_t *len)
{
    hi_clear_error();
    hoshi_tab_render_opts none = {false, false, false, HOSHI_LANG_JA, NULL};
    if (opts == NULL)
        opts = &none;
    const hoshi_tab_texts *tx = NULL;
    hoshi_tab_texts *owned = NULL;
    if (fmt == HOSHI_TAB_MD || fmt == HOSHI_TAB_HTML || fmt == HOSHI_TAB_JSON) {
        hoshi_err terr = hi_tab_texts_use(opts, &tx, &owned);
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
        render_sv(&b, ts, fmt == HOSHI_TAB_CSV ? ',' : '\t');
        break;
    case HOSHI_TAB_MD: render_human(&b, ts, opts->sig, tx, &md_fmt); break;
    case HOSHI_TAB_HTML: render_human(&b, ts, opts->sig, tx, &html_fmt); break;
    case HOSHI_TAB_JSON: render_json(&b, ts, tx); break;
    case HOSHI_TAB_SVG: hi_tab_svg(&b, ts); break;
    case HOSHI_TAB_XLSX:
        hoshi_buf_free(&b);
        return hi_fail(HOSHI_ERR_USAGE, "xlsx is written to a file (use --out)");
    }
    hoshi_tab_texts_free(owned);
    char *s = NULL;
    size_t n = 0;
    hoshi_err err = hoshi_buf_finish(&b, &s, &n);
    if (err != HOSHI_OK)
        return err;
    if (opts->cp932 && (fmt == HOSHI_TAB_CSV || fmt == HOSHI_TAB_TSV)) {
        char *c = NULL;
        size_t cn = 0;
        err = hi_utf8_to_cp932(s, n, &c, &cn);
        free(s);
        if (err != HOSHI_OK)
            return err;
        s = c;
        n = cn;
    }
    *out = s;
    *len = n;
    return HOSHI_OK;
}
