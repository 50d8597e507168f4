/*
 * route.c — maps a method and path to a handler.  Every POST is checked
 * for its CSRF token here, before any handler runs, so no form can forget
 * it.  Public GET pages are served from the response cache when the data
 * they show has not changed.
 */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool starts(const char *s, const char *prefix, const char **rest)
{
    size_t n = strlen(prefix);
    if (strncmp(s, prefix, n) != 0)
        return false;
    *rest = s + n;
    return true;
}

/* Parses a positive id made of digits only, the whole string. */
static bool parse_id(const char *s, long long *out)
{
    long v;
    if (!hoshi_parse_long(s, 1, 999999999999L, &v))
        return false;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    *out = v;
    return true;
}

static void static_file(srv_req *r, srv_resp *p, const char *data, size_t len, const char *ctype)
{
    hoshi_buf_append(&p->body, data, len);
    p->ctype = ctype;
    p->cacheable = true;
    (void)r;
}

/* The public pages, cached whole.  Returns true when it handled the path. */
static bool public_page(srv_req *r, srv_resp *p)
{
    const char *rest;
    enum { NONE, VERIFY, BADGE, QR, REGISTRY, API_LIST, API_ONE, POLICY } kind = NONE;
    char id[40] = "";
    if (starts(r->path, "/verify/", &rest))
        kind = VERIFY;
    else if (starts(r->path, "/badge/", &rest))
        kind = BADGE;
    else if (starts(r->path, "/qr/", &rest))
        kind = QR;
    else if (strcmp(r->path, "/registry") == 0)
        kind = REGISTRY, rest = "";
    else if (strcmp(r->path, "/api/v1/declarations") == 0)
        kind = API_LIST, rest = "";
    else if (starts(r->path, "/api/v1/declarations/", &rest))
        kind = API_ONE;
    else if (starts(r->path, "/policies/", &rest))
        kind = POLICY;
    if (kind == NONE)
        return false;
    if (strlen(rest) >= sizeof id) {
        page_message(r, p, 404, "not_found");
        return true;
    }
    snprintf(id, sizeof id, "%s", rest);
    if (kind == BADGE || kind == QR) {
        size_t n = strlen(id);
        if (n < 5 || strcmp(id + n - 4, ".svg") != 0) {
            page_message(r, p, 404, "not_found");
            return true;
        }
        id[n - 4] = '\0';
    }
    /* The cache key names everything the page depends on. */
    hoshi_buf key = HOSHI_BUF_INIT;
    key.limit = 480;
    hoshi_buf_printf(&key, "%s|%s", hoshi_lang_code(r->lang), r->path);
    static const char *const params[] = {"q", "prefecture", "industry", "level", "page", "id"};
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
        const char *v = req_query(r, params[i]);
        hoshi_buf_putc(&key, '\x1f');
        hoshi_buf_puts(&key, v ? v : "");
    }
    long long gen = 0;
    hoshi_store_generation(r->s->store, &gen);
    bool cacheable = key.err == HOSHI_OK && key.data != NULL && !r->s->cfg.no_cache;
    if (cacheable && cache_get(r->s->cache, key.data, gen, p)) {
        hoshi_buf_free(&key);
        return true;
    }
    switch (kind) {
    case VERIFY: page_verify(r, p, id); break;
    case BADGE: page_badge(r, p, id); break;
    case QR: page_qr(r, p, id); break;
    case REGISTRY: page_registry(r, p); break;
    case API_LIST: api_declarations(r, p); break;
    case API_ONE: api_declaration(r, p, id); break;
    case POLICY: {
        long long org;
        if (parse_id(id, &org))
            page_policy_public(r, p, org);
        else
            page_message(r, p, 404, "not_found");
        break;
    }
    case NONE: break;
    }
    if (p->status == 200 || p->status == 404)
        p->cacheable = true;
    if (cacheable && p->cacheable)
        cache_put(r->s->cache, key.data, gen, p);
    hoshi_buf_free(&key);
    return true;
}

static void route_get(srv_req *r, srv_resp *p)
{
    const char *path = r->path, *rest;
    long long id;
    if (strcmp(path, "/") == 0)
        page_home(r, p);
    else if (strcmp(path, "/healthz") == 0) {
        p->ctype = "application/json";
        hoshi_buf_puts(&p->body, "{\"status\":\"ok\"}\n");
    } else if (strcmp(path, "/static/style.css") == 0)
        static_file(r, p, r->s->css, r->s->css_len, "text/css; charset=utf-8");
    else if (strcmp(path, "/static/app.js") == 0)
        static_file(r, p, r->s->js, r->s->js_len, "text/javascript; charset=utf-8");
    else if (strcmp(path, "/favicon.ico") == 0 || strcmp(path, "/static/favicon.svg") == 0)
        static_file(r, p, r->s->icon, r->s->icon_len, "image/svg+xml");
    else if (strcmp(path, "/signup") == 0)
        page_signup(r, p);
    else if (strcmp(path, "/login") == 0)
        page_login(r, p);
    else if (strcmp(path, "/dashboard") == 0)
        page_dashboard(r, p);
    else if (strcmp(path, "/profile") == 0)
        page_profile(r, p);
    else if (strcmp(path, "/star1") == 0)
        page_star1(r, p);
    else if (strcmp(path, "/diagnosis") == 0)
        page_diag_part(r, p, 0);
    else if (strcmp(path, "/diagnosis/part/1") == 0 || strcmp(path, "/diagnosis/part/2") == 0 ||
             strcmp(path, "/diagnosis/part/3") == 0)
        page_diag_part(r, p, path[16] - '0');
    else if (strcmp(path, "/history") == 0)
        page_history(r, p);
    else if (strcmp(path, "/policy") == 0)
        page_policy(r, p);
    else if (strcmp(path, "/declare") == 0)
        page_declare(r, p);
    else if (strcmp(path, "/operator") == 0)
        page_operator(r, p);
    else if (strcmp(path, "/verify") == 0) {
        /* The look-up form of the registry sends ?id=…; normalise and go. */
        char norm[HOSHI_DECL_ID_LEN + 1], loc[64];
        if (hoshi_decl_id_normalize(req_query(r, "id"), norm)) {
            snprintf(loc, sizeof loc, "/verify/%s", norm);
            redirect(p, loc);
        } else {
            page_message(r, p, 404, "bad_id");
        }
    } else if (starts(path, "/diagnosis/", &rest)) {
        char num[24];
        const char *slash = strchr(rest, '/');
        size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
        bool print = slash != NULL && strcmp(slash, "/print") == 0;
        if (n < sizeof num && (slash == NULL || print)) {
            memcpy(num, rest, n);
            num[n] = '\0';
            if (parse_id(num, &id)) {
                page_diag_result(r, p, id, print);
                return;
            }
        }
        page_message(r, p, 404, "not_found");
    } else if (!public_page(r, p))
        page_message(r, p, 404, "not_found");
}

static void route_post(srv_req *r, srv_resp *p)
{
    const char *path = r->path;
    if (r->form_bad) {
        page_message(r, p, 400, "bad_form");
        return;
    }
    if (!csrf_ok(r)) {
        page_message(r, p, 403, "csrf");
        return;
    }
    if (strcmp(path, "/signup") == 0)
        page_signup(r, p);
    else if (strcmp(path, "/login") == 0)
        page_login(r, p);
    else if (strcmp(path, "/logout") == 0)
        page_logout(r, p);
    else if (strcmp(path, "/profile") == 0)
        page_profile(r, p);
    else if (strcmp(path, "/star1") == 0)
        page_star1(r, p);
    else if (strcmp(path, "/diagnosis/part/1") == 0 || strcmp(path, "/diagnosis/part/2") == 0 ||
             strcmp(path, "/diagnosis/part/3") == 0)
        page_diag_part(r, p, path[16] - '0');
    else if (strcmp(path, "/diagnosis/autosave") == 0)
        page_diag_autosave(r, p);
    else if (strcmp(path, "/policy") == 0)
        page_policy(r, p);
    else if (strcmp(path, "/declare") == 0)
        page_declare(r, p);
    else if (strcmp(path, "/declare/withdraw") == 0)
        page_withdraw(r, p);
    else if (strcmp(path, "/operator/withdraw") == 0)
        page_operator_withdraw(r, p);
    else
        page_message(r, p, 404, "not_found");
}

void route(srv_req *r, srv_resp *p)
{
    session_load(r);
    if (r->is_post)
        route_post(r, p);
    else
        route_get(r, p);
    session_finish(r, p);
}
