/*
 * suppliers_check.c — what a client may put on its list of suppliers
 * (issue 13 part 5), typed in the form or uploaded as CSV: a 法人番号 or a
 * declaration ID with its check digit (as the registry search reads one:
 * full-width digits, spaces and hyphens allowed), a name through the rule
 * for typed text, an optional plain e-mail address.  An uploaded file is
 * read by the library (hoshi/csv.h: UTF-8 or CP932), and every line that
 * is refused is reported with its number, so the client can fix the file
 * and send it again; nothing of a file with a refused line is written.
 */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* True when s holds nothing but white space (ASCII or U+3000). */
static bool blank(const char *s)
{
    char c[256];
    snprintf(c, sizeof c, "%s", s);
    return strlen(s) < sizeof c && srv_trim(c)[0] == '\0';
}

bool srv_supplier_check(srv_req *r, const char *number, const char *name, const char *email,
                        srv_supplier_row *row, hoshi_buf *err[3], bool *fault)
{
    bool ok = true;
    memset(row, 0, sizeof *row);
    char digits[HOSHI_CORPNUM_LEN + 1];
    hoshi_lookup kind = hoshi_lookup_of(number, digits);
    if (kind == HOSHI_LOOKUP_NAME) {
        srv_field_error(err[0], r, "suppliers", blank(number) ? "err_number_empty" : "err_number");
        ok = false;
    } else {
        memcpy(row->number, digits, sizeof row->number);
        row->is_corpnum = kind == HOSHI_LOOKUP_CORPNUM;
    }
    hoshi_text_problem why = {0};
    if (!srv_form_text(name, HOSHI_SUPPLIER_NAME_CHARS, HOSHI_TEXT_REQUIRED, row->name, sizeof row->name, &why)) {
        if (why.fault == HOSHI_TEXT_OK)
            *fault = true;
        srv_text_error(err[1], r, srv_text(r, "suppliers", "name"), &why, HOSHI_SUPPLIER_NAME_CHARS);
        ok = false;
    }
    char addr[SRV_EMAIL_MAX + 1] = "";
    if (!blank(email) && !srv_acct_email(email, addr)) {
        srv_field_error(err[2], r, "suppliers", "err_email");
        ok = false;
    } else {
        memcpy(row->email, addr, sizeof row->email);
    }
    return ok;
}

long long srv_supplier_form_id(srv_req *r, const char *name)
{
    long v = 0;
    const char *s = srv_req_form(r, name);
    if (strspn(s, "0123456789") != strlen(s) || !hoshi_parse_long(s, 1, 999999999999L, &v))
        return 0;
    return v;
}

/* --- an uploaded list */

/* First cells that make the first line a header, not an entry. */
static const char *const header_words[] = {"number", "corporate number or declaration id", "法人番号",
                                           "宣言ID", "法人番号または宣言ID", "番号"};

static bool is_header(const char *cell)
{
    char c[128];
    snprintf(c, sizeof c, "%s", cell);
    srv_trim(c);
    for (size_t i = 0; i < sizeof header_words / sizeof header_words[0]; i++)
        if (strcasecmp(c, header_words[i]) == 0)
            return true;
    return false;
}

typedef struct csv_ctx {
    srv_req *r;
    const hoshi_supplier *have;
    size_t nh;
    srv_supplier_row *rows;
    size_t n, cap;
    hoshi_buf *errs;
    size_t n_errs, entries;
    bool fault;
} csv_ctx;

#define ERRORS_SHOWN 100   /* refused lines listed; the count covers all */

static void line_error(csv_ctx *c, size_t line, const char *html)
{
    c->n_errs++;
    if (c->n_errs > ERRORS_SHOWN)
        return;
    char n[24];
    snprintf(n, sizeof n, "%zu", line);
    const char *vl[] = {"line", n, NULL};
    hoshi_buf_puts(c->errs, "<li><strong>");
    hoshi_buf_subst(c->errs, srv_text(c->r, "suppliers", "csv_line"), vl, hoshi_buf_html);
    hoshi_buf_puts(c->errs, "</strong> ");
    hoshi_buf_puts(c->errs, html);
    hoshi_buf_puts(c->errs, "</li>");
}

/* The line of an earlier row of the file with the same number, or 0. */
static size_t repeated(const csv_ctx *c, const char *number)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->rows[i].number, number) == 0)
            return c->rows[i].line;
    return 0;
}

static bool listed(const csv_ctx *c, const char *number)
{
    for (size_t i = 0; i < c->nh; i++)
        if (strcmp(c->have[i].corpnum, number) == 0 || strcmp(c->have[i].listed_id, number) == 0)
            return true;
    return false;
}

static hoshi_err one_record(void *ctx, size_t line, const char *const *f, size_t n)
{
    csv_ctx *c = ctx;
    if (n == 1 && blank(f[0]))
        return HOSHI_OK;  /* an empty line */
    if (line == 1 && n > 0 && is_header(f[0]))
        return HOSHI_OK;
    c->entries++;
    hoshi_buf e[3] = {HOSHI_BUF_INIT, HOSHI_BUF_INIT, HOSHI_BUF_INIT};
    hoshi_buf *ep[3] = {&e[0], &e[1], &e[2]};
    srv_supplier_row row;
    bool ok;
    if (n < 2 || n > 3) {
        srv_field_error(&e[0], c->r, "suppliers", "csv_columns");
        ok = false;
    } else {
        ok = srv_supplier_check(c->r, f[0], f[1], n == 3 ? f[2] : "", &row, ep, &c->fault);
    }
    size_t earlier = ok ? repeated(c, row.number) : 0;
    if (ok && earlier != 0) {
        char l[24];
        snprintf(l, sizeof l, "%zu", earlier);
        const char *vl[] = {"line", l, NULL};
        hoshi_buf_puts(&e[0], "<p class=\"field-error\">");
        hoshi_buf_subst(&e[0], srv_text(c->r, "suppliers", "csv_repeat"), vl, hoshi_buf_html);
        hoshi_buf_puts(&e[0], "</p>");
        ok = false;
    } else if (ok && listed(c, row.number)) {
        srv_field_error(&e[0], c->r, "suppliers", "err_listed");
        ok = false;
    }
    if (!ok) {
        hoshi_buf all = HOSHI_BUF_INIT;
        for (int i = 0; i < 3; i++)
            if (e[i].len)
                hoshi_buf_append(&all, e[i].data, e[i].len);
        line_error(c, line, all.data ? all.data : "");
        hoshi_buf_free(&all);
    }
    for (int i = 0; i < 3; i++)
        hoshi_buf_free(&e[i]);
    if (!ok)
        return HOSHI_OK;
    if (c->n == c->cap) {
        if (c->cap >= HOSHI_SUPPLIERS_MAX)
            return HOSHI_OK;  /* counted in entries: the caller refuses the file */
        size_t cap = c->cap ? c->cap * 2 : 64;
        srv_supplier_row *m = realloc(c->rows, cap * sizeof *m);
        if (m == NULL)
            return hoshi_error_set(HOSHI_ERR_NOMEM, "suppliers: no memory for the rows%s", "");
        c->rows = m;
        c->cap = cap;
    }
    row.line = line;
    c->rows[c->n++] = row;
    return HOSHI_OK;
}

bool srv_supplier_csv(srv_req *r, const char *raw, size_t len, const hoshi_supplier *have, size_t nh,
                      srv_supplier_row **rows, size_t *n, hoshi_buf *errs, size_t *n_errs, bool *fault)
{
    csv_ctx c = {.r = r, .have = have, .nh = nh, .errs = errs};
    *rows = NULL;
    *n = 0;
    *n_errs = 0;
    hoshi_err err = hoshi_csv_each("upload", raw, len, HOSHI_ENC_AUTO, one_record, &c);
    if (err == HOSHI_ERR_NOMEM || c.fault) {
        free(c.rows);
        *fault = true;
        return false;
    }
    if (err != HOSHI_OK) {
        /* The bytes or the quoting: the library's detail names the line. */
        free(c.rows);
        hoshi_buf_puts(errs, "<li>");
        hoshi_buf_html(errs, srv_text(r, "suppliers", "csv_unreadable"));
        hoshi_buf_puts(errs, " <code>");
        hoshi_buf_html(errs, hoshi_error_detail());
        hoshi_buf_puts(errs, "</code></li>");
        *n_errs = 1;
        return false;
    }
    *rows = c.rows;
    *n = c.n;
    *n_errs = c.n_errs;
    if (c.entries == 0 || nh + c.entries > HOSHI_SUPPLIERS_MAX) {
        char max[24];
        snprintf(max, sizeof max, "%d", HOSHI_SUPPLIERS_MAX);
        const char *vl[] = {"max", max, NULL};
        hoshi_buf_puts(errs, "<li>");
        hoshi_buf_subst(errs, srv_text(r, "suppliers", c.entries == 0 ? "csv_empty" : "csv_too_many"), vl,
                        hoshi_buf_html);
        hoshi_buf_puts(errs, "</li>");
        (*n_errs)++;
    }
    return true;
}
