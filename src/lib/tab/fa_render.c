/*
 * fa_render.c — a listing of free answers as text: csv and tsv (the full
 * answers, one line per answer, quoted as RFC 4180 asks), Markdown and
 * HTML (answers cut to a readable length with "…", line breaks kept as
 * <br>, everything else escaped so an answer cannot become markup), and
 * JSON (full answers).  The words around it come from tab.ini.
 */
#include "tab/fa.h"
#include "tab/table.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoshi/text.h"

size_t hi_fa_cut(const char *s, size_t max, bool *cut)
{
    size_t n = strlen(s);
    *cut = n > max;
    if (!*cut)
        return n;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

/* ---- csv / tsv ---- */

static void sv_line(hoshi_buf *b, const hoshi_falist *l, size_t i, char sep)
{
    hoshi_buf_csv(b, i == SIZE_MAX ? "id" : l->id[i], sep);
    for (size_t a = 0; a < l->n_attrs; a++) {
        hoshi_buf_putc(b, sep);
        hoshi_buf_csv(b, i == SIZE_MAX ? l->attr_name[a] : l->attr[i * l->n_attrs + a], sep);
    }
    hoshi_buf_putc(b, sep);
    hoshi_buf_csv(b, i == SIZE_MAX ? l->var : l->text[i], sep);
    hoshi_buf_puts(b, "\r\n");
}

static void render_sv(hoshi_buf *b, const hoshi_falist *l, char sep)
{
    sv_line(b, l, SIZE_MAX, sep);
    for (size_t i = 0; i < l->n; i++)
        sv_line(b, l, i, sep);
}

/* ---- Markdown and HTML ---- */

/* How a human format writes text: escaped, with line breaks as <br>. */
typedef struct human {
    void (*text)(hoshi_buf *b, const char *s, size_t n);
    const char *title_open, *title_close, *para_open, *para_close;
    const char *table_open, *head_open, *head_sep, *head_close, *row_open, *cell_sep, *row_close,
        *table_close, *note_open, *note_close, *doc_close;
} human;

static void md_text(hoshi_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\r')
            continue;
        if (c == '\n') {
            hoshi_buf_puts(b, "<br>");
            continue;
        }
        if (strchr("|\\*_`<>[]~#&!", c) != NULL)
            hoshi_buf_putc(b, '\\');
        hoshi_buf_putc(b, c == '\t' ? ' ' : c);
    }
}

static void html_text(hoshi_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': hoshi_buf_puts(b, "&amp;"); break;
        case '<': hoshi_buf_puts(b, "&lt;"); break;
        case '>': hoshi_buf_puts(b, "&gt;"); break;
        case '"': hoshi_buf_puts(b, "&quot;"); break;
        case '\'': hoshi_buf_puts(b, "&#39;"); break;
        case '\r': break;
        case '\n': hoshi_buf_puts(b, "<br>"); break;
        default: hoshi_buf_putc(b, s[i]);
        }
    }
}

static const human md = {
    md_text, "### ", "\n\n", "", "\n\n", "", "| ", " | ", " |\n", "| ", " | ", " |\n", "", "\n", "\n", "",
};

static const human html = {
    html_text, "<h2>", "</h2>\n", "<p>", "</p>\n", "<table>\n", "<tr><th>", "</th><th>",
    "</th></tr>\n", "<tr><td>", "</td><td>", "</td></tr>\n", "</table>\n", "<p>", "</p>\n",
    "</body></html>\n",
};

static void put_text(hoshi_buf *b, const human *h, const char *s)
{
    h->text(b, s, strlen(s));
}

/* "Q2 規模" */
static void put_named(hoshi_buf *b, const human *h, const char *name, const char *title)
{
    put_text(b, h, name);
    if (title[0] != '\0') {
        hoshi_buf_putc(b, ' ');
        put_text(b, h, title);
    }
}

hoshi_err hi_fa_count_text(const hoshi_falist *l, const hoshi_tab_texts *tx, char **out)
{
    char shown[32], matched[32], base[32];
    snprintf(shown, sizeof shown, "%zu", l->n);
    snprintf(matched, sizeof matched, "%zu", l->matched);
    snprintf(base, sizeof base, "%zu", l->base);
    const char *vars[] = {"shown", shown, "matched", matched, "base", base, NULL};
    size_t n = 0;
    return hoshi_text_subst(hi_tab_text(tx, "fa_count"), vars, out, &n);
}

static void put_count(hoshi_buf *b, const human *h, const hoshi_falist *l, const hoshi_tab_texts *tx)
{
    char *s = NULL;
    if (hi_fa_count_text(l, tx, &s) != HOSHI_OK) {
        b->err = HOSHI_ERR_NOMEM; /* the render fails as a whole */
        return;
    }
    hoshi_buf_puts(b, h->para_open);
    put_text(b, h, s);
    hoshi_buf_puts(b, h->para_close);
    free(s);
}

static void render_human(hoshi_buf *b, const hoshi_falist *l, const human *h, size_t show,
                         const hoshi_tab_texts *tx)
{
    if (h == &html) {
        hoshi_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"><title>",
                         hi_tab_lang_code(tx));
        put_named(b, h, l->var, l->title);
        hoshi_buf_puts(b, "</title><style>"
                       "body{font-family:'Noto Sans CJK JP','Hiragino Sans',Meiryo,sans-serif}"
                       "table{border-collapse:collapse;margin:1em 0}"
                       "th,td{border:1px solid #999;padding:2px 6px;font-size:90%;vertical-align:top}"
                       "th{background:#eef}"
                       "</style></head><body>\n");
    }
    hoshi_buf_puts(b, h->title_open);
    put_named(b, h, l->var, l->title);
    hoshi_buf_puts(b, h->title_close);
    put_count(b, h, l, tx);
    hoshi_buf_puts(b, h->table_open);
    hoshi_buf_puts(b, h->head_open);
    put_text(b, h, hi_tab_text(tx, "fa_id"));
    for (size_t a = 0; a < l->n_attrs; a++) {
        hoshi_buf_puts(b, h->head_sep);
        put_named(b, h, l->attr_name[a], l->attr_title[a]);
    }
    hoshi_buf_puts(b, h->head_sep);
    put_text(b, h, hi_tab_text(tx, "fa_answer"));
    hoshi_buf_puts(b, h->head_close);
    if (h == &md) {
        for (size_t a = 0; a < l->n_attrs + 2; a++)
            hoshi_buf_puts(b, a ? "---|" : "|---|");
        hoshi_buf_putc(b, '\n');
    }
    bool any_cut = false;
    for (size_t i = 0; i < l->n; i++) {
        hoshi_buf_puts(b, h->row_open);
        put_text(b, h, l->id[i]);
        for (size_t a = 0; a < l->n_attrs; a++) {
            hoshi_buf_puts(b, h->cell_sep);
            put_text(b, h, l->attr[i * l->n_attrs + a]);
        }
        hoshi_buf_puts(b, h->cell_sep);
        bool cut;
        size_t n = hi_fa_cut(l->text[i], show, &cut);
        h->text(b, l->text[i], n);
        if (cut)
            hoshi_buf_puts(b, "…");
        any_cut = any_cut || cut;
        hoshi_buf_puts(b, h->row_close);
    }
    hoshi_buf_puts(b, h->table_close);
    if (any_cut) {
        hoshi_buf_puts(b, h->note_open);
        put_text(b, h, hi_tab_text(tx, "fa_cut"));
        hoshi_buf_puts(b, h->note_close);
    }
    hoshi_buf_puts(b, h->doc_close);
}

/* ---- JSON ---- */

static void render_json(hoshi_buf *b, const hoshi_falist *l)
{
    hoshi_buf_puts(b, "{\"var\":");
    hoshi_buf_json_str(b, l->var);
    hoshi_buf_puts(b, ",\"title\":");
    hoshi_buf_json_str(b, l->title);
    hoshi_buf_printf(b, ",\"base\":%zu,\"matched\":%zu,\"shown\":%zu,\"attrs\":[", l->base,
                     l->matched, l->n);
    for (size_t a = 0; a < l->n_attrs; a++) {
        hoshi_buf_puts(b, a ? ",{\"name\":" : "{\"name\":");
        hoshi_buf_json_str(b, l->attr_name[a]);
        hoshi_buf_puts(b, ",\"title\":");
        hoshi_buf_json_str(b, l->attr_title[a]);
        hoshi_buf_putc(b, '}');
    }
    hoshi_buf_puts(b, "],\"answers\":[");
    for (size_t i = 0; i < l->n; i++) {
        hoshi_buf_puts(b, i ? ",\n{\"id\":" : "\n{\"id\":");
        hoshi_buf_json_str(b, l->id[i]);
        hoshi_buf_puts(b, ",\"attrs\":[");
        for (size_t a = 0; a < l->n_attrs; a++) {
            if (a)
                hoshi_buf_putc(b, ',');
            hoshi_buf_json_str(b, l->attr[i * l->n_attrs + a]);
        }
        hoshi_buf_puts(b, "],\"text\":");
        hoshi_buf_json_str(b, l->text[i]);
        hoshi_buf_putc(b, '}');
    }
    hoshi_buf_puts(b, "\n]}\n");
}

hoshi_err hoshi_falist_render(const hoshi_falist *l, hoshi_tab_format fmt,
                              const hoshi_fa_render_opts *opts, char **out, size_t *len)
{
    hi_clear_error();
    hoshi_fa_render_opts none = {false, false, 0, HOSHI_LANG_JA, NULL};
    if (opts == NULL)
        opts = &none;
    if (fmt == HOSHI_TAB_SVG || fmt == HOSHI_TAB_XLSX)
        return hi_fail(HOSHI_ERR_USAGE, "a listing of free answers is csv, tsv, md, html, json or xlsx (written with --out)");
    const hoshi_tab_texts *tx = NULL;
    hoshi_tab_texts *owned = NULL;
    if (fmt == HOSHI_TAB_MD || fmt == HOSHI_TAB_HTML) {
        hoshi_tab_render_opts ro = {.lang = opts->lang, .texts = opts->texts};
        hoshi_err terr = hi_tab_texts_use(&ro, &tx, &owned);
        if (terr != HOSHI_OK)
            return terr;
    }
    size_t show = opts->show_bytes ? opts->show_bytes : HOSHI_FA_SHOW_BYTES;
    hoshi_buf b = HOSHI_BUF_INIT;
    b.limit = (size_t)1 << 30;
    if ((fmt == HOSHI_TAB_CSV || fmt == HOSHI_TAB_TSV) && opts->bom && !opts->cp932)
        hoshi_buf_puts(&b, "\xEF\xBB\xBF");
    switch (fmt) {
    case HOSHI_TAB_CSV: render_sv(&b, l, ','); break;
    case HOSHI_TAB_TSV: render_sv(&b, l, '\t'); break;
    case HOSHI_TAB_MD: render_human(&b, l, &md, show, tx); break;
    case HOSHI_TAB_HTML: render_human(&b, l, &html, show, tx); break;
    default: render_json(&b, l); break;
    }
    hoshi_tab_texts_free(owned);
    return hi_buf_finish_enc(&b, opts->cp932 && (fmt == HOSHI_TAB_CSV || fmt == HOSHI_TAB_TSV),
                             out, len);
}
