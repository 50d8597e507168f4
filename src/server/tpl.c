/*
 * tpl.c — the texts (data/text/<lang>/web.ini) and page templates
 * (data/templates/web/, .html and .svg) of the web application, loaded once at start
 * and shared read-only by all threads, and the layout every page is
 * wrapped in.  Templates hold the structure, web.ini the wording, C only
 * the data: so a translator or designer never has to touch C.
 *
 * Calls go one way: the page helpers (pages_common.c) and handlers use
 * this file; it uses none of them (template variables live there).
 */
#include "server.h"
#include "hoshi/datafile.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TPL_MAX_BYTES (256 * 1024)

static hoshi_err load_file(const char *dir, const char *rel, char **out, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    return hoshi_file_read(path, TPL_MAX_BYTES, out, len);
}

hoshi_err srv_tpl_load(srv *s)
{
    const char *dir = s->cfg.datadir ? s->cfg.datadir : hoshi_datadir_default();
    char path[1024];
    hoshi_err err;
    for (int l = 0; l < 2; l++) {
        snprintf(path, sizeof path, "%s/text/%s/web.ini", dir, hoshi_lang_code((hoshi_lang)l));
        if ((err = hoshi_datafile_load(path, &s->text[l])) != HOSHI_OK ||
            (err = hoshi_attrs_open(dir, (hoshi_lang)l, &s->attrs[l])) != HOSHI_OK)
            return err;
    }
    if ((err = load_file(dir, "web/style.css", &s->css, &s->css_len)) != HOSHI_OK ||
        (err = load_file(dir, "web/app.js", &s->js, &s->js_len)) != HOSHI_OK ||
        (err = load_file(dir, "web/favicon.svg", &s->icon, &s->icon_len)) != HOSHI_OK)
        return err;
    snprintf(path, sizeof path, "%s/templates/web", dir);
    DIR *d = opendir(path);
    if (d == NULL)
        return hoshi_error_set(HOSHI_ERR_DATA, "cannot open %s", path);
    struct dirent *de;
    err = HOSHI_OK;
    while ((de = readdir(d)) != NULL && err == HOSHI_OK) {
        /* "x.html" is template "x"; "x.svg" keeps its name. */
        size_t n = strlen(de->d_name), keep;
        if (n > 5 && strcmp(de->d_name + n - 5, ".html") == 0)
            keep = n - 5;
        else if (n > 4 && strcmp(de->d_name + n - 4, ".svg") == 0)
            keep = n;
        else
            continue;
        if (keep >= sizeof s->tpl_name[0])
            continue;
        if (s->n_tpl == sizeof s->tpl_src / sizeof s->tpl_src[0]) {
            err = hoshi_error_set(HOSHI_ERR_DATA, "too many templates in %s", path);
            break;
        }
        char rel[300];
        snprintf(rel, sizeof rel, "templates/web/%s", de->d_name);
        size_t len;
        if ((err = load_file(dir, rel, &s->tpl_src[s->n_tpl], &len)) != HOSHI_OK)
            break;
        memcpy(s->tpl_name[s->n_tpl], de->d_name, keep);
        s->tpl_name[s->n_tpl][keep] = '\0';
        s->n_tpl++;
    }
    closedir(d);
    return err;
}

void srv_tpl_free(srv *s)
{
    for (int l = 0; l < 2; l++) {
        hoshi_datafile_free(s->text[l]);
        hoshi_attrs_free(s->attrs[l]);
    }
    for (size_t i = 0; i < s->n_tpl; i++)
        free(s->tpl_src[i]);
    free(s->css);
    free(s->js);
    free(s->icon);
}

const char *srv_text(srv_req *r, const char *section, const char *key)
{
    const hoshi_datafile *ini = r->s->text[r->lang];
    const char *v = hoshi_datafile_get(ini, section, key);
    if (v == NULL)
        v = hoshi_datafile_get(ini, "common", key);
    return v ? v : "[missing text]";
}

const char *srv_text_nth(srv_req *r, const char *section, const char *key, size_t n)
{
    return hoshi_datafile_nth(r->s->text[r->lang], section, key, n);
}

static const char *find_tpl(srv *s, const char *name)
{
    for (size_t i = 0; i < s->n_tpl; i++)
        if (strcmp(s->tpl_name[i], name) == 0)
            return s->tpl_src[i];
    return NULL;
}

void srv_tpl_render(hoshi_buf *b, srv_req *r, const char *name, const char *section,
                    const char *const *vl)
{
    const char *t = find_tpl(r->s, name);
    if (t == NULL) {
        hoshi_buf_puts(b, "[missing template]");
        return;
    }
    while (*t) {
        const char *open = strchr(t, '{');
        if (open == NULL) {
            hoshi_buf_puts(b, t);
            return;
        }
        hoshi_buf_append(b, t, (size_t)(open - t));
        const char *close = strchr(open, '}');
        size_t n = close ? (size_t)(close - open - 1) : 0;
        if (close == NULL || n == 0 || n > 63) {
            hoshi_buf_putc(b, '{');
            t = open + 1;
            continue;
        }
        char key[64];
        memcpy(key, open + 1, n);
        key[n] = '\0';
        bool done = false;
        if (key[0] == '@') {
            hoshi_buf_html(b, srv_text(r, section, key + 1));
            done = true;
        } else {
            for (size_t i = 0; vl != NULL && vl[i] != NULL; i += 2) {
                if (strcmp(vl[i], key) == 0) {
                    hoshi_buf_puts(b, vl[i + 1]);
                    done = true;
                    break;
                }
            }
        }
        /* A variable the handler did not set is an optional part left
         * out (a notice, an error); anything not shaped like a name is
         * kept as written. */
        if (!done && strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_") != n)
            hoshi_buf_append(b, open, n + 2);
        t = close + 1;
    }
}

void srv_csrf_input(hoshi_buf *b, srv_req *r)
{
    r->csrf_used = true;
    hoshi_buf_puts(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
    hoshi_buf_html(b, r->csrf);
    hoshi_buf_puts(b, "\">");
}

void srv_field_error(hoshi_buf *b, srv_req *r, const char *section, const char *err_key)
{
    if (err_key == NULL)
        return;
    hoshi_buf_puts(b, "<p class=\"field-error\">");
    hoshi_buf_html(b, srv_text(r, section, err_key));
    hoshi_buf_puts(b, "</p>");
}

void srv_page_finish(srv_req *r, srv_resp *p, const char *title, hoshi_buf *body)
{
    hoshi_buf title_h = HOSHI_BUF_INIT, other = HOSHI_BUF_INIT;
    hoshi_buf_html(&title_h, title);
    /* The language switch keeps the visitor on the same page, but only a
     * plain local path is echoed: "//host/…" would lead off the site. */
    const char *path = r->path;
    bool plain = path[0] == '/' && path[1] != '/' &&
                 strspn(path, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_.-") ==
                     strlen(path);
    hoshi_buf_html(&other, plain ? path : "/");
    hoshi_buf_puts(&other, r->lang == HOSHI_LANG_JA ? "?lang=en" : "?lang=ja");
    /* Signed in: the header's log-out button, a POST with the CSRF token
     * like every form (issue 11 part 3). */
    hoshi_buf account = HOSHI_BUF_INIT;
    if (r->logged_in) {
        hoshi_buf_puts(&account, "<a href=\"/account\">");
        hoshi_buf_html(&account, srv_text(r, "layout", "nav_account"));
        hoshi_buf_puts(&account, "</a><form method=\"post\" action=\"/logout\" class=\"logout\">");
        srv_csrf_input(&account, r);
        hoshi_buf_puts(&account, "<button type=\"submit\" class=\"link\">");
        hoshi_buf_html(&account, srv_text(r, "layout", "logout"));
        hoshi_buf_puts(&account, "</button></form>");
    }
    const char *vl[] = {
        "lang", hoshi_lang_code(r->lang),
        "title", title_h.data ? title_h.data : "",
        "body", body->data ? body->data : "",
        "lang_href", other.data ? other.data : "",
        "account", account.data ? account.data : "",
        NULL,
    };
    srv_tpl_render(&p->body, r, "layout", "layout", vl);
    if (body->err != HOSHI_OK && p->body.err == HOSHI_OK)
        p->body.err = body->err;
    hoshi_buf_free(&title_h);
    hoshi_buf_free(&other);
    hoshi_buf_free(&account);
    hoshi_buf_free(body);
}

static void message_page(srv_req *r, srv_resp *p, int status, const char *key)
{
    char k[64];
    snprintf(k, sizeof k, "%s_title", key);
    hoshi_buf body = HOSHI_BUF_INIT;
    const char *sect = "messages";
    hoshi_buf msg = HOSHI_BUF_INIT;
    hoshi_buf_html(&msg, srv_text(r, sect, key));
    const char *vl[] = {"message", msg.data ? msg.data : "", NULL};
    hoshi_buf_puts(&body, "<section class=\"card narrow\"><h1>");
    hoshi_buf_html(&body, srv_text(r, sect, k));
    hoshi_buf_puts(&body, "</h1>");
    srv_tpl_render(&body, r, "message", sect, vl);
    hoshi_buf_puts(&body, "</section>");
    hoshi_buf_free(&msg);
    p->status = status;
    p->ctype = "text/html; charset=utf-8";
    hoshi_buf_free(&p->body);
    srv_page_finish(r, p, srv_text(r, sect, k), &body);
}

void srv_page_message(srv_req *r, srv_resp *p, int status, const char *key)
{
    if (status >= 500) {
        char st[12];
        snprintf(st, sizeof st, "%d", status);
        const char *detail = hoshi_error_detail();
        srv_log(r, "error", "error_page", "status", st, "page", key, "path", r->path, "detail",
                *detail ? detail : "(no detail)", (const char *)NULL);
    }
    message_page(r, p, status, key);
}

void srv_page_store_error(srv_req *r, srv_resp *p, const char *op, bool saving)
{
    const char *detail = hoshi_error_detail();
    srv_log(r, "error", "store_error", "op", op, "path", r->path, "detail", *detail ? detail : "(no detail)",
            (const char *)NULL);
    if (saving)
        message_page(r, p, 503, "not_saved");
    else
        message_page(r, p, 500, "internal");
}

void srv_redirect(srv_resp *p, const char *location)
{
    p->status = 303;
    snprintf(p->location, sizeof p->location, "%s", location);
}
