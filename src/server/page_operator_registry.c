/*
 * page_operator_registry.c — the operator's tables of the platform's own
 * data (/operator/registry): declarations by level and prefecture,
 * industry, size and month, the step-up funnel ★ → ★★, score bands
 * overall and by size and industry, per-item implementation, the shares
 * that do all five ★ items and all 25.  The registry is made into the
 * dataset `hoshi registry export` writes (the store's rows through the
 * library's writer) and tabulated by the engine of `hoshi tab`, so the
 * page and the command agree to the digit.  The dataset is kept per
 * language until the store's generation moves, so a view does not
 * rebuild it; the lock that guards it is held while a page is tabulated
 * (operators are few; a view is milliseconds).
 */
#include "server.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct srv_regcache {
    pthread_mutex_t lock;
    hoshi_tab_texts *texts[2];
    hoshi_dataset *ds[2];
    long long gen[2];
};

hoshi_err srv_regcache_new(const char *datadir, srv_regcache **out)
{
    srv_regcache *c = calloc(1, sizeof *c);
    if (c == NULL)
        return HOSHI_ERR_NOMEM;
    pthread_mutex_init(&c->lock, NULL);
    hoshi_err err = HOSHI_OK;
    for (int l = 0; l < 2 && err == HOSHI_OK; l++)
        err = hoshi_tab_texts_open(datadir, (hoshi_lang)l, &c->texts[l]);
    if (err != HOSHI_OK) {
        srv_regcache_free(c);
        return err;
    }
    *out = c;
    return HOSHI_OK;
}

void srv_regcache_free(srv_regcache *c)
{
    if (c == NULL)
        return;
    for (int l = 0; l < 2; l++) {
        hoshi_dataset_free(c->ds[l]);
        hoshi_tab_texts_free(c->texts[l]);
    }
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static hoshi_err add_row(const hoshi_registry_row *row, void *ctx)
{
    return hoshi_registry_data_add(ctx, row);
}

/* The registry as a dataset, labelled in lang. */
static hoshi_err build(srv *s, hoshi_lang lang, hoshi_dataset **out)
{
    hoshi_registry_data *w = NULL;
    char *cb = NULL, *data = NULL;
    size_t cb_len = 0, data_len = 0;
    hoshi_err err = hoshi_registry_data_new(s->attrs[lang], s->cat[lang], &w);
    if (err == HOSHI_OK && (err = hoshi_store_registry_rows(s->store, add_row, w)) == HOSHI_OK &&
        (err = hoshi_registry_data_finish(w, HOSHI_ENC_UTF8, &cb, &cb_len, &data, &data_len)) == HOSHI_OK)
        err = hoshi_dataset_parse("codebook.csv", cb, cb_len, "data.csv", data, data_len,
                                  HOSHI_ENC_UTF8, out);
    free(cb);
    free(data);
    hoshi_registry_data_free(w);
    return err;
}

/* With c->lock held: the dataset of lang for the store's current
 * generation, built when the one kept is older.  The generation is read
 * before the rows, so a write meanwhile makes the next view rebuild. */
static hoshi_err current(srv *s, srv_regcache *c, hoshi_lang lang, const hoshi_dataset **out)
{
    long long gen;
    hoshi_err err = hoshi_store_generation(s->store, &gen);
    if (err != HOSHI_OK)
        return err;
    if (c->ds[lang] == NULL || c->gen[lang] != gen) {
        hoshi_dataset *ds = NULL;
        if ((err = build(s, lang, &ds)) != HOSHI_OK)
            return err;
        hoshi_dataset_free(c->ds[lang]);
        c->ds[lang] = ds;
        c->gen[lang] = gen;
    }
    *out = c->ds[lang];
    return HOSHI_OK;
}

static const double in_force[] = {1};
static const double diagnosed[] = {1, 2};
static const hoshi_tab_where where_in_force[] = {{"DSTATUS", HOSHI_TAB_IS, in_force, 1}};
static const hoshi_tab_where where_diagnosed[] = {{"DIAG:star1", HOSHI_TAB_IS, diagnosed, 2}};

/* The page's tables: a heading key of [operator_registry] in web.ini, the
 * side, the heads and a filter, as `hoshi tab --side --head --where`. */
static const struct reg_table {
    const char *key;
    const char *side;
    const char *heads[2];
    size_t n_heads;
    const hoshi_tab_where *where;
} tables[] = {
    {"by_pref", "DPREF", {"DLEVEL"}, 1, where_in_force},
    {"by_industry", "DINDUSTRY", {"DLEVEL"}, 1, where_in_force},
    {"by_size", "DSIZE", {"DLEVEL"}, 1, where_in_force},
    {"by_month", "DMONTH", {"DLEVEL"}, 1, NULL},
    {"funnel", "DLEVEL", {"DSTEP"}, 1, NULL},
    {"bands", NULL, {"DIAG:band"}, 1, where_diagnosed},
    {"bands_size", "DSIZE", {"DIAG:band"}, 1, where_diagnosed},
    {"bands_industry", "DINDUSTRY", {"DIAG:band"}, 1, where_diagnosed},
    {"items", NULL, {"DIAG"}, 1, where_diagnosed},
    {"all_items", NULL, {"DIAG:star1", "DIAG:star2"}, 2, where_diagnosed},
};

/* The inside of the <body> of a rendered HTML document, up to its notes
 * (the page states them once). */
static void body_of(hoshi_buf *b, const char *html)
{
    const char *from = strstr(html, "<body>");
    from = from != NULL ? from + strlen("<body>") : html;
    const char *to = strstr(from, "<h3>");
    if (to == NULL)
        to = strstr(from, "</body>");
    hoshi_buf_append(b, from, to != NULL ? (size_t)(to - from) : strlen(from));
}

/* The engine's charts, their ids ("chart1-title", …, unique in one SVG
 * document, each in an attribute as "chart…") prefixed with the section's
 * key, so they stay unique in a page of several charts.  Labels are
 * escaped, so a quote only opens or closes an attribute. */
static void chart_of(hoshi_buf *b, const char *svg, const char *key)
{
    static const char mark[] = "\"chart";
    const char *at;
    while ((at = strstr(svg, mark)) != NULL) {
        at += 1;
        hoshi_buf_append(b, svg, (size_t)(at - svg));
        hoshi_buf_printf(b, "%s-", key);
        svg = at;
    }
    hoshi_buf_puts(b, svg);
}

hoshi_err srv_tab_section(hoshi_buf *b, const hoshi_tabset *ts, const hoshi_tab_render_opts *opts,
                          const char *key)
{
    char *html = NULL, *svg = NULL;
    size_t html_len, svg_len;
    hoshi_err err = hoshi_tab_render(ts, HOSHI_TAB_HTML, opts, &html, &html_len);
    if (err == HOSHI_OK)
        err = hoshi_tab_render(ts, HOSHI_TAB_SVG, opts, &svg, &svg_len);
    if (err == HOSHI_OK) {
        hoshi_buf_puts(b, "<div class=\"chart\">");
        chart_of(b, svg, key);
        /* focusable, so a keyboard can scroll a table wider than the screen */
        hoshi_buf_puts(b, "</div><div class=\"table-wrap\" tabindex=\"0\">");
        body_of(b, html);
        hoshi_buf_puts(b, "</div>");
    }
    free(html);
    free(svg);
    return err;
}

/* One table: its heading, the chart the engine draws and the table. */
static hoshi_err one_table(hoshi_buf *b, srv_req *r, const hoshi_dataset *ds,
                           const hoshi_tab_texts *texts, const struct reg_table *t)
{
    hoshi_tab_spec spec = {.side = t->side, .heads = t->heads, .n_heads = t->n_heads,
                           .wheres = t->where, .n_wheres = t->where != NULL ? 1 : 0};
    hoshi_tab_render_opts opts = {.lang = r->lang, .texts = texts};
    hoshi_tabset *ts = NULL;
    hoshi_err err = hoshi_tab_run(ds, &spec, &ts);
    if (err == HOSHI_OK) {
        hoshi_buf_printf(b, "<section class=\"card regtab\" id=\"%s\"><h2>", t->key);
        hoshi_buf_html(b, srv_text(r, "operator_registry", t->key));
        hoshi_buf_puts(b, "</h2>");
        err = srv_tab_section(b, ts, &opts, t->key);
        hoshi_buf_puts(b, "</section>\n");
    }
    hoshi_tabset_free(ts);
    return err;
}

void srv_page_operator_registry(srv_req *r, srv_resp *p)
{
    if (!srv_need_operator(r, p))
        return;
    srv_regcache *c = r->s->regcache;
    srv_vars v = {0};
    hoshi_buf *tb = srv_var(&v, "tables");
    pthread_mutex_lock(&c->lock);
    const hoshi_dataset *ds = NULL;
    hoshi_err err = current(r->s, c, r->lang, &ds);
    if (err == HOSHI_OK) {
        char n[24];
        snprintf(n, sizeof n, "%zu", hoshi_dataset_rows(ds));
        hoshi_buf_puts(srv_var(&v, "count"), n);
    }
    for (size_t i = 0; err == HOSHI_OK && i < sizeof tables / sizeof tables[0]; i++)
        err = one_table(tb, r, ds, c->texts[r->lang], &tables[i]);
    pthread_mutex_unlock(&c->lock);
    if (err != HOSHI_OK) {
        srv_vars_free(&v);
        srv_page_store_error(r, p, "registry_tables", false);
        return;
    }
    srv_page_render(r, p, "operator_registry", &v);
}
