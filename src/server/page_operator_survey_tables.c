/*
 * page_operator_survey_tables.c — a survey's analysis in the browser and
 * its downloads (issue 9 item 5).  Every question's simple table, or
 * every question (or one) crossed by another question or an attribute of
 * the respondents (DLEVEL, DSIZE, DINDUSTRY, DPREF, DSCORE in score
 * bands), counted by the engine of `hoshi tab` on the survey's cached
 * dataset and rendered by it (HTML and its SVG charts), with the report's
 * conventions.  A head's base is the respondents it was shown to: each
 * table filters on the head question's R__NAME ("shown") column, which is what
 * `hoshi tab --where <routing>` does on the export.  Downloads: one table
 * in the SPEC's machine format (table.csv), the page's tables as CSV
 * (UTF-8 or CP932) or xlsx, and the export's codebook and data.  Free
 * answers are listed with the respondents' attributes only, filterable by
 * them, a page at a time.  A bad head or side is a 400 with the engine's
 * message.
 */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VAR_MAX 64
#define FA_PAGE 50

static const double shown_code[] = {1};

/* The score bands of a DSCORE side (as DIAG:band of SPEC-survey-data.md). */
static const struct { const char *key; double lo, hi; } score_bands[] = {
    {"band_1", 100, 100}, {"band_2", 70, 99}, {"band_3", 50, 69}, {"band_4", -25, 49},
};

/* One table's request: a head, a side (NULL: simple table). */
typedef struct tab_req {
    const char *head, *side;
    char shown[VAR_MAX + 8];
    hoshi_tab_where where;
    hoshi_tab_band bands[4];
} tab_req;

/* Whether v may name a variable: not empty, not an internal R__NAME
 * column, not "ALL" (a routed base is per question). */
static bool var_ok(const char *v)
{
    return v != NULL && v[0] != '\0' && strlen(v) <= VAR_MAX &&
           strncmp(v, HOSHI_EXPORT_SHOWN_PREFIX, strlen(HOSHI_EXPORT_SHOWN_PREFIX)) != 0 &&
           strcmp(v, "ALL") != 0;
}

/* The spec of one table on d; the question a head belongs to (before
 * "_" or ":") gives its base. */
static void spec_of(srv_req *r, const srv_svdata *d, tab_req *t, hoshi_tab_spec *spec)
{
    char q[VAR_MAX + 1];
    size_t n = strcspn(t->head, "_:");
    memcpy(q, t->head, n);
    q[n] = '\0';
    *spec = (hoshi_tab_spec){.side = t->side, .heads = &t->head, .n_heads = 1};
    const hoshi_form_item *it = hoshi_form_find(d->form, q, r->lang);
    bool is_question = false;
    for (size_t i = 0; it != NULL && i < hoshi_form_question_count(d->form); i++)
        is_question = is_question || strcmp(hoshi_form_question(d->form, i, r->lang)->name, q) == 0;
    if (is_question) {
        snprintf(t->shown, sizeof t->shown, "%s%s", HOSHI_EXPORT_SHOWN_PREFIX, q);
        t->where = (hoshi_tab_where){t->shown, HOSHI_TAB_IS, shown_code, 1};
        spec->wheres = &t->where;
        spec->n_wheres = 1;
    }
    if (t->side != NULL && strcmp(t->side, "DSCORE") == 0) {
        for (size_t i = 0; i < 4; i++)
            t->bands[i] = (hoshi_tab_band){srv_text(r, "operator_survey_tables", score_bands[i].key),
                                           score_bands[i].lo, score_bands[i].hi};
        spec->bands = t->bands;
        spec->n_bands = 4;
    }
}

static hoshi_err run_one(srv_req *r, const srv_svdata *d, const char *head, const char *side,
                         hoshi_tabset **ts)
{
    tab_req t = {.head = head, .side = side};
    hoshi_tab_spec spec;
    spec_of(r, d, &t, &spec);
    return hoshi_tab_run(d->ds, &spec, ts);
}

/* The 400 of a bad head or side: the engine's message. */
static void bad_request(srv_req *r, srv_resp *p, const char *detail)
{
    hoshi_buf_free(&p->body);
    p->status = 400;
    p->ctype = "text/plain; charset=utf-8";
    hoshi_buf_puts(&p->body, srv_text(r, "operator_survey_tables", "bad_var"));
    hoshi_buf_puts(&p->body, "\n");
    hoshi_buf_puts(&p->body, detail);
    hoshi_buf_puts(&p->body, "\n");
}

static void failed(srv_req *r, srv_resp *p, hoshi_err err)
{
    if (err == HOSHI_ERR_INPUT || err == HOSHI_ERR_USAGE || err == HOSHI_ERR_NOTFOUND || err == HOSHI_ERR_LIMIT)
        bad_request(r, p, hoshi_error_detail());
    else
        srv_page_store_error(r, p, "survey_tables", false);
}

/* The questions a page tabulates as heads: one, or every tabulable one. */
static size_t heads_of(srv_req *r, const srv_svdata *d, const char *only, const char **heads,
                       size_t max)
{
    if (only != NULL) {
        heads[0] = only;
        return 1;
    }
    size_t n = 0;
    for (size_t i = 0; i < hoshi_form_question_count(d->form) && n < max; i++) {
        const hoshi_form_item *q = hoshi_form_question(d->form, i, r->lang);
        if (q->kind != HOSHI_FORM_TEXT)
            heads[n++] = q->name;
    }
    return n;
}

/* GET …/table.csv?head=VAR[&side=VAR]: the SPEC's machine format. */
static void table_csv(srv_req *r, srv_resp *p, const srv_svdata *d, const char *head, const char *side)
{
    if (!var_ok(head) || (side != NULL && !var_ok(side))) {
        bad_request(r, p, srv_text(r, "operator_survey_tables", "need_head"));
        return;
    }
    hoshi_tabset *ts = NULL;
    char *out = NULL;
    size_t len = 0;
    hoshi_tab_render_opts opts = {.lang = r->lang};
    hoshi_err err = run_one(r, d, head, side, &ts);
    if (err == HOSHI_OK)
        err = hoshi_tab_render(ts, HOSHI_TAB_CSV, &opts, &out, &len);
    hoshi_tabset_free(ts);
    if (err != HOSHI_OK) {
        failed(r, p, err);
        return;
    }
    hoshi_buf_append(&p->body, out, len);
    free(out);
    p->ctype = "text/csv; charset=utf-8";
}

/* Every table of the page into one tabset list, rendered in fmt and
 * appended to b (CSV: tables one after another, a blank line between). */
static hoshi_err render_all(srv_req *r, const srv_svdata *d, const char **heads, size_t n,
                            const char *side, hoshi_tab_format fmt, const hoshi_tab_render_opts *opts,
                            hoshi_buf *b)
{
    hoshi_err err = HOSHI_OK;
    for (size_t i = 0; i < n && err == HOSHI_OK; i++) {
        hoshi_tabset *ts = NULL;
        char *out = NULL;
        size_t len = 0;
        if ((err = run_one(r, d, heads[i], side, &ts)) == HOSHI_OK &&
            (err = hoshi_tab_render(ts, fmt, opts, &out, &len)) == HOSHI_OK) {
            if (i > 0)
                hoshi_buf_puts(b, opts->cp932 ? "\r\n" : "\n");
            hoshi_buf_append(b, out, len);
        }
        free(out);
        hoshi_tabset_free(ts);
    }
    return err;
}

/* One table as an .xlsx workbook (a GRID crossed by a side: a sheet per
 * item): the engine writes a temporary file, read back and served.  A
 * workbook holds one run of the engine, and each head has its own base,
 * so the workbook is per head. */
static hoshi_err xlsx_one(srv_req *r, const srv_svdata *d, const char *head, const char *side,
                          hoshi_buf *b)
{
    char path[] = "/tmp/hoshi-table-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return hoshi_error_set(HOSHI_ERR_IO, "cannot make a temporary file");
    close(fd);
    hoshi_tabset *ts = NULL;
    char *data = NULL;
    size_t len = 0;
    hoshi_tab_render_opts opts = {.lang = r->lang};
    hoshi_err err = run_one(r, d, head, side, &ts);
    if (err == HOSHI_OK && (err = hoshi_tab_write_xlsx(ts, &opts, path)) == HOSHI_OK &&
        (err = hoshi_file_read(path, (size_t)64 << 20, &data, &len)) == HOSHI_OK)
        hoshi_buf_append(b, data, len);
    free(data);
    hoshi_tabset_free(ts);
    unlink(path);
    return err;
}

/* "?head=H&amp;side=S" for a link (HTML-escaped). */
static void query_of(hoshi_buf *b, const char *head, const char *side)
{
    hoshi_buf_puts(b, "?head=");
    hoshi_buf_url(b, head);
    if (side != NULL) {
        hoshi_buf_puts(b, "&amp;side=");
        hoshi_buf_url(b, side);
    }
}

/* The title of a head: its question's label, else the variable's name. */
static const char *head_title(srv_req *r, const srv_svdata *d, const char *head)
{
    const hoshi_form_item *it = hoshi_form_find(d->form, head, r->lang);
    return it != NULL && it->label[0] ? it->label : head;
}

static hoshi_err one_section(hoshi_buf *b, srv_req *r, const srv_svdata *d, const hoshi_tab_texts *tx,
                             size_t i, const char *head, const char *side)
{
    hoshi_tabset *ts = NULL;
    char key[24];
    hoshi_tab_render_opts opts = {.lang = r->lang, .texts = tx};
    hoshi_err err = run_one(r, d, head, side, &ts);
    if (err == HOSHI_OK) {
        snprintf(key, sizeof key, "t%zu", i);
        hoshi_buf_printf(b, "<section class=\"card regtab svtab\" id=\"%s\" data-head=\"", key);
        hoshi_buf_html(b, head);
        hoshi_buf_puts(b, "\"><h2>");
        hoshi_buf_html(b, head);
        hoshi_buf_puts(b, " ");
        srv_html_shown(b, head_title(r, d, head));
        hoshi_buf_printf(b, "</h2><p class=\"downloads\"><a href=\"/operator/surveys/%lld/table.csv", d->survey_id);
        query_of(b, head, side);
        hoshi_buf_puts(b, "\">CSV</a> · ");
        hoshi_buf_printf(b, "<a href=\"/operator/surveys/%lld/table.xlsx", d->survey_id);
        query_of(b, head, side);
        hoshi_buf_puts(b, "\">xlsx</a></p>");
        err = srv_tab_section(b, ts, &opts, key);
        hoshi_buf_puts(b, "</section>\n");
    }
    hoshi_tabset_free(ts);
    return err;
}

/* <option>s of the variables a table may be crossed by. */
static void side_options(hoshi_buf *b, srv_req *r, const srv_svdata *d, const char *chosen, bool heads)
{
    hoshi_buf_puts(b, "<option value=\"\">");
    hoshi_buf_html(b, srv_text(r, "operator_survey_tables", heads ? "every_question" : "no_side"));
    hoshi_buf_puts(b, "</option>");
    static const char *const attrs[] = {"DLEVEL", "DSIZE", "DINDUSTRY", "DPREF", "DSCORE"};
    for (size_t i = 0; !heads && i < sizeof attrs / sizeof attrs[0]; i++) {
        hoshi_buf_printf(b, "<option value=\"%s\"%s>%s ", attrs[i],
                         chosen && strcmp(chosen, attrs[i]) == 0 ? " selected" : "", attrs[i]);
        hoshi_buf_html(b, hoshi_attrs_text(r->s->attrs[r->lang], "questions", attrs[i]));
        hoshi_buf_puts(b, "</option>");
    }
    for (size_t i = 0; i < hoshi_form_question_count(d->form); i++) {
        const hoshi_form_item *q = hoshi_form_question(d->form, i, r->lang);
        bool coded = q->kind == HOSHI_FORM_SA || q->kind == HOSHI_FORM_MA;
        if (q->kind == HOSHI_FORM_TEXT || (!heads && !coded))
            continue;
        hoshi_buf_puts(b, "<option value=\"");
        hoshi_buf_html(b, q->name);
        hoshi_buf_printf(b, "\"%s>", chosen && strcmp(chosen, q->name) == 0 ? " selected" : "");
        hoshi_buf_html(b, q->name);
        hoshi_buf_puts(b, " ");
        srv_html_shown(b, q->label);
        hoshi_buf_puts(b, "</option>");
    }
}

static void tables_page(srv_req *r, srv_resp *p, const srv_svdata *d, const char *head, const char *side)
{
    const char *heads[256];
    size_t n = heads_of(r, d, head, heads, 256);
    hoshi_tab_texts *tx = NULL;
    srv_vars v = {0};
    hoshi_buf *tb = srv_var(&v, "tables");
    hoshi_err err = hoshi_tab_texts_open(r->s->cfg.datadir, r->lang, &tx);
    for (size_t i = 0; i < n && err == HOSHI_OK; i++)
        err = one_section(tb, r, d, tx, i, heads[i], side);
    hoshi_tab_texts_free(tx);
    if (err != HOSHI_OK) {
        srv_vars_free(&v);
        failed(r, p, err);
        return;
    }
    hoshi_buf_printf(srv_var(&v, "id"), "%lld", d->survey_id);
    hoshi_buf_printf(srv_var(&v, "count"), "%zu", hoshi_dataset_rows(d->ds));
    srv_var_shown(&v, "name", hoshi_form_title(d->form, r->lang));
    side_options(srv_var(&v, "sides"), r, d, side, false);
    side_options(srv_var(&v, "heads"), r, d, head, true);
    hoshi_buf *q = srv_var(&v, "side_q");
    if (side != NULL) {
        hoshi_buf_puts(q, "side=");
        hoshi_buf_url(q, side);
        hoshi_buf_puts(q, "&amp;");
    }
    srv_page_render(r, p, "operator_survey_tables", &v);
}

/* GET …/tables.csv[?side=S][&enc=cp932]: every question's table. */
static void tables_csv(srv_req *r, srv_resp *p, const srv_svdata *d, const char *side)
{
    const char *enc = srv_req_query(r, "enc");
    bool cp932 = enc != NULL && strcmp(enc, "cp932") == 0;
    if (enc != NULL && !cp932 && strcmp(enc, "utf-8") != 0) {
        bad_request(r, p, "enc: utf-8 or cp932");
        return;
    }
    const char *heads[256];
    size_t n = heads_of(r, d, NULL, heads, 256);
    hoshi_tab_render_opts opts = {.lang = r->lang, .cp932 = cp932, .bom = !cp932};
    hoshi_buf b = HOSHI_BUF_INIT;
    hoshi_err err = render_all(r, d, heads, n, side, HOSHI_TAB_CSV, &opts, &b);
    if (err != HOSHI_OK) {
        hoshi_buf_free(&b);
        failed(r, p, err);
        return;
    }
    hoshi_buf_free(&p->body);
    p->body = b;
    p->ctype = cp932 ? "text/csv; charset=Shift_JIS" : "text/csv; charset=utf-8";
    snprintf(p->filename, sizeof p->filename, "survey-%lld-tables%s.csv", d->survey_id,
             cp932 ? "-cp932" : "");
}

static bool fa_matches(const srv_svfa *a, const hoshi_invite_filter *f)
{
    return (!f->level || a->who.level == f->level) && (!f->prefecture || a->who.prefecture == f->prefecture) &&
           (!f->industry || a->who.industry == hoshi_attrs_industry_code(f->industry)) &&
           (!f->size || a->who.size == f->size);
}

static void attr_cell(hoshi_buf *b, srv_req *r, hoshi_attr which, int code)
{
    hoshi_buf_puts(b, "<td>");
    const char *l = code > 0 ? hoshi_attrs_label(r->s->attrs[r->lang], which, code) : NULL;
    hoshi_buf_html(b, l ? l : "—");
    hoshi_buf_puts(b, "</td>");
}

/* GET …/answers[?level=&size=&industry=&prefecture=&page=N]: the free
 * answers with who gave them (attributes only), FA_PAGE a page. */
static void answers_page(srv_req *r, srv_resp *p, const srv_svdata *d)
{
    hoshi_invite_filter f;
    long page = 1;
    const char *pg = srv_req_query(r, "page");
    if (!srv_survey_filter_read(r, &f) || (pg != NULL && !hoshi_parse_long(pg, 1, SRV_PAGE_MAX, &page))) {
        srv_page_message(r, p, 400, "bad_filter");
        return;
    }
    srv_vars v = {0};
    hoshi_buf *b = srv_var(&v, "rows");
    size_t matched = 0, from = (size_t)(page - 1) * FA_PAGE;
    for (size_t i = 0; i < d->n_fa; i++) {
        const srv_svfa *a = &d->fa[i];
        if (!fa_matches(a, &f) || matched++ < from || matched > from + FA_PAGE)
            continue;
        const hoshi_form_item *q = hoshi_form_question(d->form, a->question, r->lang);
        hoshi_buf_puts(b, "<tr><td>");
        hoshi_buf_html(b, q->name);
        hoshi_buf_puts(b, "</td>");
        attr_cell(b, r, HOSHI_ATTR_LEVEL, a->who.level);
        attr_cell(b, r, HOSHI_ATTR_SIZE, a->who.size);
        attr_cell(b, r, HOSHI_ATTR_INDUSTRY, a->who.industry);
        attr_cell(b, r, HOSHI_ATTR_PREF, a->who.prefecture);
        hoshi_buf_puts(b, "<td class=\"fa\">");
        srv_html_shown(b, a->text);
        hoshi_buf_puts(b, "</td></tr>");
    }
    hoshi_buf_printf(srv_var(&v, "id"), "%lld", d->survey_id);
    hoshi_buf_printf(srv_var(&v, "matched"), "%zu", matched);
    srv_var_shown(&v, "name", hoshi_form_title(d->form, r->lang));
    srv_survey_filter_fields(srv_var(&v, "filter"), r);
    hoshi_buf *nav = srv_var(&v, "nav");
    static const char *const keys[] = {"level", "prefecture", "industry", "size"};
    hoshi_buf q = HOSHI_BUF_INIT;
    for (size_t i = 0; i < 4; i++) {
        const char *x = srv_req_query(r, keys[i]);
        hoshi_buf_printf(&q, "%s=", keys[i]);
        hoshi_buf_url(&q, x ? x : "");
        hoshi_buf_puts(&q, "&amp;");
    }
    const char *qs = q.data ? q.data : "";
    if (page > 1)
        hoshi_buf_printf(nav, "<a rel=\"prev\" href=\"?%spage=%ld\">%s</a> ", qs, page - 1,
                         srv_text(r, "operator_survey_answers", "prev"));
    if (matched > from + FA_PAGE)
        hoshi_buf_printf(nav, "<a rel=\"next\" href=\"?%spage=%ld\">%s</a>", qs, page + 1,
                         srv_text(r, "operator_survey_answers", "next"));
    hoshi_buf_free(&q);
    srv_page_render(r, p, "operator_survey_answers", &v);
}

/* GET …/codebook.csv and …/data.csv[?enc=cp932]: the export, as `hoshi
 * survey export` writes it. */
static void export_file(srv_req *r, srv_resp *p, const hoshi_survey *sv, bool codebook)
{
    const char *enc = srv_req_query(r, "enc");
    bool cp932 = enc != NULL && strcmp(enc, "cp932") == 0;
    if (enc != NULL && !cp932 && strcmp(enc, "utf-8") != 0) {
        bad_request(r, p, "enc: utf-8 or cp932");
        return;
    }
    char *cb = NULL, *data = NULL;
    size_t cb_len = 0, data_len = 0;
    hoshi_err err = srv_survey_export(r->s, sv, r->lang, cp932 ? HOSHI_ENC_CP932 : HOSHI_ENC_UTF8, &cb, &cb_len,
                                      &data, &data_len);
    if (err == HOSHI_ERR_INPUT && cp932) {
        bad_request(r, p, hoshi_error_detail()); /* a character CP932 lacks */
        return;
    }
    if (err != HOSHI_OK) {
        srv_page_store_error(r, p, "survey_export", false);
        return;
    }
    hoshi_buf_append(&p->body, codebook ? cb : data, codebook ? cb_len : data_len);
    free(cb);
    free(data);
    p->ctype = cp932 ? "text/csv; charset=Shift_JIS" : "text/csv; charset=utf-8";
    snprintf(p->filename, sizeof p->filename, "survey-%lld-%s%s.csv", sv->id, codebook ? "codebook" : "data",
             cp932 ? "-cp932" : "");
}

void srv_survey_tables(srv_req *r, srv_resp *p, const hoshi_survey *sv, const char *what)
{
    if (strcmp(what, "codebook.csv") == 0 || strcmp(what, "data.csv") == 0) {
        export_file(r, p, sv, what[0] == 'c');
        return;
    }
    bool page = strcmp(what, "tables") == 0, csv = strcmp(what, "table.csv") == 0,
         xlsx = strcmp(what, "table.xlsx") == 0, all = strcmp(what, "tables.csv") == 0,
         fa = strcmp(what, "answers") == 0;
    if (!page && !csv && !xlsx && !all && !fa) {
        srv_page_message(r, p, 404, "not_found");
        return;
    }
    const char *head = srv_req_query(r, "head"), *side = srv_req_query(r, "side");
    if (head != NULL && head[0] == '\0' && page)
        head = NULL;
    if (side != NULL && side[0] == '\0')
        side = NULL;
    if ((page || all) && ((head != NULL && !var_ok(head)) || (side != NULL && !var_ok(side)))) {
        bad_request(r, p, srv_text(r, "operator_survey_tables", "need_head"));
        return;
    }
    if (xlsx && (!var_ok(head) || (side != NULL && !var_ok(side)))) {
        bad_request(r, p, srv_text(r, "operator_survey_tables", "need_head"));
        return;
    }
    const srv_svdata *d = NULL;
    hoshi_err err = srv_svdata_get(r->s, sv, r->lang, &d);
    if (err != HOSHI_OK) {
        srv_svdata_release(r->s);
        srv_page_store_error(r, p, "survey_data", false);
        return;
    }
    if (page)
        tables_page(r, p, d, head, side);
    else if (csv)
        table_csv(r, p, d, head, side);
    else if (all)
        tables_csv(r, p, d, side);
    else if (fa)
        answers_page(r, p, d);
    else {
        hoshi_buf b = HOSHI_BUF_INIT;
        if ((err = xlsx_one(r, d, head, side, &b)) != HOSHI_OK) {
            hoshi_buf_free(&b);
            failed(r, p, err);
        } else {
            hoshi_buf_free(&p->body);
            p->body = b;
            p->ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
            snprintf(p->filename, sizeof p->filename, "survey-%lld-table.xlsx", sv->id);
        }
    }
    srv_svdata_release(r->s);
}
