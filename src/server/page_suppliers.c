/*
 * page_suppliers.c — the supply chain at /suppliers (issue 13 part 5):
 * an organisation that asks its suppliers to declare keeps its list here
 * (one by one, or a CSV upload that is written whole or not at all),
 * sees a status board — none, ★, ★★, withdrawn, re-check overdue — made
 * from the registry each time it is shown, and invites the undeclared:
 * a CSV of one-time links, each also e-mailed when the entry has an
 * address.  The latest score band and part scores of a supplier show only
 * while that supplier's consent to this client stands.  Every member of
 * the organisation may keep the list; every POST carries the CSRF token
 * (route.c).
 */
#include "server.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The board's columns of status, in the order of the summary. */
typedef enum board_status { ST_NONE, ST_STAR1, ST_STAR2, ST_OVERDUE, ST_WITHDRAWN, ST_COUNT } board_status;
static const char *const status_keys[ST_COUNT] = {"st_none", "st_star1", "st_star2", "st_overdue",
                                                  "st_withdrawn"};
static const char *const status_class[ST_COUNT] = {"none", "star1", "star2", "overdue", "withdrawn"};

static board_status status_of(const hoshi_supplier *s, const char *cutoff)
{
    if (s->state == HOSHI_SUPPLIER_WITHDRAWN)
        return ST_WITHDRAWN;
    if (s->state != HOSHI_SUPPLIER_DECLARED)
        return ST_NONE;
    if (s->last_check[0] != '\0' && strcmp(s->last_check, cutoff) <= 0)
        return ST_OVERDUE;
    return s->level == 2 ? ST_STAR2 : ST_STAR1;
}

/* Days before a renewed invitation is mailed to the same supplier again. */
#define SUPPLIER_REMAIL_DAYS 7

/* What the forms show again after a refusal. */
typedef struct board_form {
    const char *number, *name, *email;
    hoshi_buf err[3];             /* the add form's fields: number, name, e-mail */
    hoshi_buf csv;                /* the upload's refused lines, <li>s */
    size_t csv_errors;
} board_form;

static void row_button(hoshi_buf *b, srv_req *r, long long id, const char *label)
{
    hoshi_buf_puts(b, "<form method=\"post\" action=\"/suppliers/remove\" class=\"inline\">");
    srv_csrf_input(b, r);
    hoshi_buf_printf(b, "<input type=\"hidden\" name=\"id\" value=\"%lld\"><button type=\"submit\" class=\"secondary\">",
                     id);
    hoshi_buf_html(b, label);
    hoshi_buf_puts(b, "</button></form>");
}

/* The shared scores: the band's label and each part's score. */
static void scores_cell(hoshi_buf *b, srv_req *r, const hoshi_supplier *s)
{
    hoshi_answer a[HOSHI_DIAG_ITEMS];
    hoshi_diag_result res;
    bool ok = s->shared && strlen(s->answers) == HOSHI_DIAG_ITEMS;
    for (int i = 0; ok && i < HOSHI_DIAG_ITEMS; i++)
        a[i] = (hoshi_answer)(s->answers[i] - '0');
    if (!ok || hoshi_diag_score(a, &res) != HOSHI_OK) {
        hoshi_buf_puts(b, "<span class=\"muted\">");
        hoshi_buf_html(b, srv_text(r, "suppliers", "not_shared"));
        hoshi_buf_puts(b, "</span>");
        return;
    }
    const hoshi_catalog *cat = r->s->cat[r->lang];
    char date[40];
    hoshi_buf_puts(b, "<strong>");
    hoshi_buf_html(b, hoshi_catalog_band_label(cat, res.band));
    hoshi_buf_printf(b, "</strong> (%d ", res.score);
    hoshi_buf_html(b, srv_text(r, "common", "points"));
    hoshi_buf_puts(b, ", ");
    hoshi_buf_html(b, srv_fmt_date(r, s->taken_on, date, sizeof date));
    hoshi_buf_puts(b, ")<ul class=\"parts\">");
    for (int p = 0; p < HOSHI_DIAG_PARTS; p++) {
        hoshi_buf_puts(b, "<li>");
        hoshi_buf_html(b, hoshi_catalog_part_title(cat, p + 1));
        hoshi_buf_printf(b, " %d / %d</li>", res.part_score[p], res.part_max[p]);
    }
    hoshi_buf_puts(b, "</ul>");
}

static void status_cell(hoshi_buf *b, srv_req *r, const hoshi_supplier *s, board_status st)
{
    char date[40];
    hoshi_buf_printf(b, "<span class=\"supplier-status %s\">", status_class[st]);
    hoshi_buf_html(b, srv_text(r, "suppliers", status_keys[st]));
    hoshi_buf_puts(b, "</span>");
    if (s->decl_id[0] != '\0') {
        hoshi_buf_printf(b, "<br><a href=\"/verify/%s\">%s</a> ", s->decl_id, s->decl_id);
        hoshi_buf_html(b, srv_level_stars(s->level));
    }
    const char *key = NULL, *iso = NULL;
    if (st == ST_WITHDRAWN)
        key = "withdrawn_on", iso = s->withdrawn_on;
    else if (st == ST_OVERDUE)
        key = "checked_on", iso = s->last_check;
    if (key != NULL) {
        const char *vl[] = {"date", srv_fmt_date(r, iso, date, sizeof date), NULL};
        hoshi_buf_puts(b, "<br><span class=\"muted\">");
        hoshi_buf_subst(b, srv_text(r, "suppliers", key), vl, hoshi_buf_html);
        hoshi_buf_puts(b, "</span>");
    }
}

static void board_rows(hoshi_buf *b, srv_req *r, const hoshi_supplier *list, size_t n, const char *cutoff)
{
    for (size_t i = 0; i < n; i++) {
        const hoshi_supplier *s = &list[i];
        board_status st = status_of(s, cutoff);
        hoshi_buf_printf(b, "<tr id=\"supplier-%lld\"><th scope=\"row\">", s->id);
        srv_html_shown(b, s->name);
        if (s->email[0] != '\0') {
            hoshi_buf_puts(b, "<br><span class=\"muted\">");
            hoshi_buf_html(b, s->email);
            hoshi_buf_puts(b, "</span>");
        }
        hoshi_buf_puts(b, "</th><td>");
        hoshi_buf_html(b, srv_text(r, "suppliers", s->corpnum[0] ? "by_corpnum" : "by_id"));
        hoshi_buf_printf(b, "<br><span class=\"idnum\">%s</span></td><td>", s->corpnum[0] ? s->corpnum : s->listed_id);
        status_cell(b, r, s, st);
        hoshi_buf_puts(b, "</td><td>");
        scores_cell(b, r, s);
        hoshi_buf_puts(b, "</td><td>");
        if (s->invited_at > 0) {
            char iso[16], date[40];
            time_t t = (time_t)s->invited_at;
            struct tm tm;
            localtime_r(&t, &tm);
            strftime(iso, sizeof iso, "%Y-%m-%d", &tm);
            const char *vl[] = {"date", srv_fmt_date(r, iso, date, sizeof date), NULL};
            hoshi_buf_subst(b, srv_text(r, "suppliers", "invited_on"), vl, hoshi_buf_html);
            if (s->joined_org != 0) {
                hoshi_buf_puts(b, "<br>");
                hoshi_buf_html(b, srv_text(r, "suppliers", "joined"));
            }
        } else {
            hoshi_buf_puts(b, "<span class=\"muted\">");
            hoshi_buf_html(b, srv_text(r, "suppliers", "not_invited"));
            hoshi_buf_puts(b, "</span>");
        }
        hoshi_buf_puts(b, "</td><td>");
        row_button(b, r, s->id, srv_text(r, "suppliers", "remove"));
        hoshi_buf_puts(b, "</td></tr>\n");
    }
}

/* The counts by status, and a notice naming each withdrawn supplier. */
static void summary(srv_vars *v, srv_req *r, const hoshi_supplier *list, size_t n, const char *cutoff)
{
    size_t count[ST_COUNT] = {0};
    for (size_t i = 0; i < n; i++)
        count[status_of(&list[i], cutoff)]++;
    hoshi_buf *b = srv_var(v, "summary");
    hoshi_buf_puts(b, "<ul class=\"supplier-summary\">");
    for (int st = 0; st < ST_COUNT; st++) {
        hoshi_buf_printf(b, "<li class=\"supplier-status %s\">", status_class[st]);
        hoshi_buf_html(b, srv_text(r, "suppliers", status_keys[st]));
        hoshi_buf_printf(b, " <strong>%zu</strong></li>", count[st]);
    }
    hoshi_buf_puts(b, "</ul>");
    if (count[ST_WITHDRAWN] == 0)
        return;
    hoshi_buf *w = srv_var(v, "withdrawn");
    hoshi_buf_puts(w, "<div class=\"notice warn\" role=\"status\"><p>");
    hoshi_buf_html(w, srv_text(r, "suppliers", "withdrawn_notice"));
    hoshi_buf_puts(w, "</p><ul>");
    for (size_t i = 0; i < n; i++) {
        if (status_of(&list[i], cutoff) != ST_WITHDRAWN)
            continue;
        char date[40];
        const char *vl[] = {"date", srv_fmt_date(r, list[i].withdrawn_on, date, sizeof date), NULL};
        hoshi_buf_puts(w, "<li>");
        srv_html_shown(w, list[i].name);
        hoshi_buf_printf(w, " (<a href=\"/verify/%s\">%s</a>) ", list[i].decl_id, list[i].decl_id);
        hoshi_buf_subst(w, srv_text(r, "suppliers", "withdrawn_on"), vl, hoshi_buf_html);
        hoshi_buf_puts(w, "</li>");
    }
    hoshi_buf_puts(w, "</ul></div>");
}

static const char *const notices[] = {"added", "uploaded", "removed", "none_to_invite", NULL};

/* The client's list, read whole (malloc'd into *out). */
static hoshi_err load_list(srv_req *r, long long org_id, hoshi_supplier **out, size_t *n)
{
    *out = malloc(HOSHI_SUPPLIERS_MAX * sizeof **out);
    *n = 0;
    if (*out == NULL)
        return hoshi_error_set(HOSHI_ERR_NOMEM, "suppliers: no memory for the list%s", "");
    hoshi_err err = hoshi_store_supplier_list(r->s->store, org_id, *out, HOSHI_SUPPLIERS_MAX, n);
    if (err != HOSHI_OK) {
        free(*out);
        *out = NULL;
    }
    return err;
}

/* The member and the organisation's list, or false with the page made. */
static bool open_list(srv_req *r, srv_resp *p, hoshi_member *me, hoshi_supplier **list, size_t *n)
{
    if (!srv_member_load(r, p, me))
        return false;
    if (load_list(r, me->org_id, list, n) != HOSHI_OK) {
        srv_page_store_error(r, p, "supplier_list", false);
        return false;
    }
    return true;
}

/* The page; f (may be NULL) refills the forms after a refusal (422). */
static void board(srv_req *r, srv_resp *p, const hoshi_supplier *list, size_t n, board_form *f)
{
    char cutoff[16];
    srv_rediag_cutoff(hoshi_date_today(), cutoff);
    srv_vars v = {0};
    summary(&v, r, list, n, cutoff);
    board_rows(srv_var(&v, "rows"), r, list, n, cutoff);
    if (n == 0)
        srv_none_row(srv_var(&v, "rows"), r, "suppliers", 6);
    char max[24];
    snprintf(max, sizeof max, "%d", HOSHI_SUPPLIERS_MAX);
    const char *vl[] = {"n", max, NULL};
    hoshi_buf_subst(srv_var(&v, "cap"), srv_text(r, "suppliers", "upload_hint"), vl, hoshi_buf_html);
    srv_csrf_input(srv_var(&v, "csrf"), r);
    srv_var_text(&v, "number", f ? f->number : "");
    srv_var_shown(&v, "name", f ? f->name : "");
    srv_var_text(&v, "email", f ? f->email : "");
    static const char *const errs[3] = {"err_number", "err_name", "err_email"};
    for (int i = 0; f != NULL && i < 3; i++)
        if (f->err[i].len)
            hoshi_buf_append(srv_var(&v, errs[i]), f->err[i].data, f->err[i].len);
    if (f != NULL && f->csv.len) {
        char k[24];
        snprintf(k, sizeof k, "%zu", f->csv_errors);
        const char *cv[] = {"n", k, NULL};
        hoshi_buf *e = srv_var(&v, "err_file");
        hoshi_buf_puts(e, "<div class=\"field-error\"><p>");
        hoshi_buf_subst(e, srv_text(r, "suppliers", "csv_refused"), cv, hoshi_buf_html);
        hoshi_buf_puts(e, "</p><ul class=\"csv-errors\">");
        hoshi_buf_append(e, f->csv.data, f->csv.len);
        hoshi_buf_puts(e, "</ul></div>");
    }
    for (size_t i = 0; !r->is_post && notices[i] != NULL; i++) {
        const char *q = srv_req_query(r, "done");
        if (q != NULL && strcmp(q, notices[i]) == 0) {
            hoshi_buf *b = srv_var(&v, "notice");
            hoshi_buf_puts(b, "<p class=\"notice\" role=\"status\">");
            hoshi_buf_html(b, srv_text(r, "suppliers", notices[i]));
            hoshi_buf_puts(b, "</p>");
        }
    }
    if (f != NULL)
        p->status = 422;
    srv_page_render(r, p, "suppliers", &v);
}

void srv_page_suppliers(srv_req *r, srv_resp *p)
{
    hoshi_member me;
    hoshi_supplier *list;
    size_t n;
    if (!open_list(r, p, &me, &list, &n))
        return;
    board(r, p, list, n, NULL);
    free(list);
}

static void form_free(board_form *f)
{
    for (int i = 0; i < 3; i++)
        hoshi_buf_free(&f->err[i]);
    hoshi_buf_free(&f->csv);
}

/* Writes rows[0..n) to the list: all or nothing. */
static hoshi_err add_rows(srv_req *r, long long org_id, const srv_supplier_row *rows, size_t n)
{
    hoshi_supplier_new *items = calloc(n ? n : 1, sizeof *items);
    if (items == NULL)
        return hoshi_error_set(HOSHI_ERR_NOMEM, "suppliers: no memory for the rows%s", "");
    for (size_t i = 0; i < n; i++)
        items[i] = (hoshi_supplier_new){rows[i].is_corpnum ? rows[i].number : "",
                                        rows[i].is_corpnum ? "" : rows[i].number, rows[i].name, rows[i].email};
    hoshi_err err = hoshi_store_supplier_add(r->s->store, org_id, items, n, (long long)time(NULL));
    free(items);
    return err;
}

static void log_added(srv_req *r, const char *event, size_t n)
{
    char k[24];
    snprintf(k, sizeof k, "%zu", n);
    srv_log(r, "info", event, "entries", k, (const char *)NULL);
}

void srv_page_suppliers_add(srv_req *r, srv_resp *p)
{
    hoshi_member me;
    hoshi_supplier *list;
    size_t n;
    if (!open_list(r, p, &me, &list, &n))
        return;
    board_form f = {srv_req_form(r, "number"), srv_req_form(r, "name"), srv_req_form(r, "email"),
                    {HOSHI_BUF_INIT, HOSHI_BUF_INIT, HOSHI_BUF_INIT}, HOSHI_BUF_INIT, 0};
    hoshi_buf *ep[3] = {&f.err[0], &f.err[1], &f.err[2]};
    srv_supplier_row row;
    bool fault = false;
    bool ok = srv_supplier_check(r, f.number, f.name, f.email, &row, ep, &fault);
    for (size_t i = 0; ok && i < n; i++) {
        if (strcmp(list[i].corpnum, row.number) == 0 || strcmp(list[i].listed_id, row.number) == 0) {
            srv_field_error(&f.err[0], r, "suppliers", "err_listed");
            ok = false;
        }
    }
    if (ok && n >= HOSHI_SUPPLIERS_MAX) {
        srv_field_error(&f.err[0], r, "suppliers", "err_full");
        ok = false;
    }
    if (fault) {
        srv_page_message(r, p, 500, "internal");
    } else if (!ok) {
        board(r, p, list, n, &f);
    } else {
        hoshi_err err = add_rows(r, me.org_id, &row, 1);
        if (err != HOSHI_OK) {
            srv_page_store_error(r, p, "supplier_add", true);
        } else {
            log_added(r, "supplier_added", 1);
            srv_redirect(p, "/suppliers?done=added");
        }
    }
    free(list);
    form_free(&f);
}

void srv_page_suppliers_upload(srv_req *r, srv_resp *p)
{
    hoshi_member me;
    hoshi_supplier *list;
    size_t n;
    if (!open_list(r, p, &me, &list, &n))
        return;
    board_form f = {"", "", "", {HOSHI_BUF_INIT, HOSHI_BUF_INIT, HOSHI_BUF_INIT}, HOSHI_BUF_INIT, 0};
    srv_supplier_row *rows = NULL;
    size_t nr = 0;
    bool fault = false;
    if (r->upload == NULL || r->upload_len == 0) {
        hoshi_buf_puts(&f.csv, "<li>");
        hoshi_buf_html(&f.csv, srv_text(r, "suppliers", "csv_none"));
        hoshi_buf_puts(&f.csv, "</li>");
        f.csv_errors = 1;
    } else {
        srv_supplier_csv(r, r->upload, r->upload_len, list, n, &rows, &nr, &f.csv, &f.csv_errors, &fault);
    }
    if (fault) {
        srv_page_message(r, p, 500, "internal");
    } else if (f.csv_errors > 0) {
        char k[24];
        snprintf(k, sizeof k, "%zu", f.csv_errors);
        srv_log(r, "info", "supplier_upload_refused", "lines", k, (const char *)NULL);
        board(r, p, list, n, &f);
    } else if (add_rows(r, me.org_id, rows, nr) != HOSHI_OK) {
        srv_page_store_error(r, p, "supplier_add", true);
    } else {
        log_added(r, "supplier_uploaded", nr);
        srv_redirect(p, "/suppliers?done=uploaded");
    }
    free(rows);
    free(list);
    form_free(&f);
}

void srv_page_suppliers_remove(srv_req *r, srv_resp *p)
{
    hoshi_member me;
    if (!srv_member_load(r, p, &me))
        return;
    long long id = srv_supplier_form_id(r, "id");
    if (id == 0) {
        srv_page_message(r, p, 404, "not_found");
        return;
    }
    hoshi_err err = hoshi_store_supplier_remove(r->s->store, me.org_id, id);
    if (err == HOSHI_ERR_NOTFOUND)
        srv_page_message(r, p, 404, "not_found");
    else if (err != HOSHI_OK)
        srv_page_store_error(r, p, "supplier_remove", true);
    else
        srv_redirect(p, "/suppliers?done=removed");
}

/* --- invitations to the undeclared */

typedef struct invite_item {
    const hoshi_supplier *s;
    char token[SRV_ACCT_TOKEN_LEN + 1];
} invite_item;

/* The CSV of links (number, name, e-mail, link) as the response. */
static void links_csv(srv_req *r, srv_resp *p, const invite_item *it, size_t n)
{
    hoshi_buf csv = HOSHI_BUF_INIT;
    hoshi_buf_puts(&csv, "\xEF\xBB\xBF");  /* spreadsheets then read it as UTF-8 */
    hoshi_buf_puts(&csv, "number,name,email,url\r\n");
    for (size_t i = 0; i < n; i++) {
        const hoshi_supplier *s = it[i].s;
        hoshi_buf_csv(&csv, s->corpnum[0] ? s->corpnum : s->listed_id, ',');
        hoshi_buf_putc(&csv, ',');
        hoshi_buf_csv(&csv, s->name, ',');
        hoshi_buf_putc(&csv, ',');
        hoshi_buf_csv(&csv, s->email, ',');
        hoshi_buf_putc(&csv, ',');
        srv_base_url(r, &csv);
        hoshi_buf_printf(&csv, "/suppliers/invite/%s\r\n", it[i].token);
    }
    if (csv.err != HOSHI_OK) {
        hoshi_buf_free(&csv);
        srv_page_message(r, p, 500, "internal");
        return;
    }
    p->body = csv;
    p->ctype = "text/csv; charset=utf-8";
    snprintf(p->filename, sizeof p->filename, "supplier-invitations.csv");
}

void srv_page_suppliers_invite(srv_req *r, srv_resp *p)
{
    hoshi_member me;
    hoshi_org org;
    hoshi_supplier *list;
    size_t n;
    if (!open_list(r, p, &me, &list, &n))
        return;
    if (hoshi_store_org_get(r->s->store, me.org_id, &org) != HOSHI_OK) {
        free(list);
        srv_page_store_error(r, p, "org_get", false);
        return;
    }
    invite_item *it = calloc(n ? n : 1, sizeof *it);
    hoshi_supplier_link *links = calloc(n ? n : 1, sizeof *links);
    if (it == NULL || links == NULL) {
        srv_page_message(r, p, 500, "internal");
        goto free_all;
    }
    /* Only the undeclared are invited; those invited before only when
     * asked, as their earlier links (perhaps mailed) then stop working. */
    bool again = strcmp(srv_req_form(r, "again"), "1") == 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (list[i].state != HOSHI_SUPPLIER_NONE || (list[i].invited_at > 0 && !again))
            continue;
        it[k].s = &list[i];
        links[k].id = list[i].id;
        srv_acct_token_new(it[k].token, links[k].digest);
        k++;
    }
    if (k == 0) {
        srv_redirect(p, "/suppliers?done=none_to_invite");
        goto free_all;
    }
    if (hoshi_store_supplier_invite(r->s->store, me.org_id, links, k, (long long)time(NULL)) != HOSHI_OK) {
        srv_page_store_error(r, p, "supplier_invite", true);
        goto free_all;
    }
    bool mail = strcmp(srv_req_form(r, "mail"), "1") == 0;
    size_t mailed = 0;
    long long remail_after = (long long)time(NULL) - SUPPLIER_REMAIL_DAYS * 86400LL;
    for (size_t i = 0; mail && i < k; i++) {
        /* A link renewed within the week is not mailed again: the server
         * must not become a way to mail someone over and over. */
        if (it[i].s->email[0] == '\0' || it[i].s->invited_at > remail_after)
            continue;
        const char *vars[] = {"client", org.name, "supplier", it[i].s->name, NULL};
        mailed += srv_acct_mail(r, "supplier_invite", it[i].s->email, "/suppliers/invite/", it[i].token, vars);
    }
    char kn[24], mn[24];
    snprintf(kn, sizeof kn, "%zu", k);
    snprintf(mn, sizeof mn, "%zu", mailed);
    srv_log(r, "info", "supplier_invited", "links", kn, "mailed", mn, (const char *)NULL);
    links_csv(r, p, it, k);
free_all:
    if (it != NULL)
        sodium_memzero(it, (n ? n : 1) * sizeof *it);
    free(it);
    free(links);
    free(list);
}
