/*
 * route.c — maps a method and path to a handler through one table of
 * routes, looked up once per request.  Every POST is checked for a
 * well-formed body and its CSRF token here, before the table is even
 * consulted, so no form can forget it and no route can opt out.  A route
 * says how its path matches (whole, or a prefix and an id after it), what
 * its handler gets of the path, whether it needs a log-in, and whether it
 * is a public page served whole from the response cache while the data it
 * shows has not changed.
 */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { GET = 1, POST = 2 };

/* How a route's path matches, and what of it reaches the handler. */
typedef enum route_match {
    EXACT,       /* the whole path; a numbered handler gets the route's n */
    NAMED,       /* a prefix and an id of fewer than ID_MAX bytes after it */
    NAMED_SVG,   /* as NAMED, the id ending in ".svg", which is taken off */
    NUMBERED,    /* a prefix and a positive number, digits only */
    NUMBERED_PRINT, /* as NUMBERED, optionally followed by "/print" */
} route_match;

enum {
    PUBLIC = 1 << 0, /* the same for everyone: cached whole (200 and 404) */
    LOGIN = 1 << 1,  /* nobody logged in: redirected to the log-in page */
    OWNER = 1 << 2,  /* only the organisation's owner (issue 11 part 3): 403 for a member */
};

#define ID_MAX 48 /* a survey invitation's token is 43 */

typedef struct route_entry {
    unsigned methods;   /* GET, POST or both; HEAD is served as GET */
    const char *path;   /* the whole path, or the prefix before the id */
    route_match match;
    unsigned flags;
    /* The handler: one of these, by what it needs of the path. */
    void (*plain)(srv_req *r, srv_resp *p);
    void (*named)(srv_req *r, srv_resp *p, const char *id);
    void (*numbered)(srv_req *r, srv_resp *p, long long n, bool print);
    long long n;        /* EXACT with numbered: the number it gets */
} route_entry;

/* --- handlers that live here: they are about the path, not a page */

static void static_file(srv_resp *p, const char *data, size_t len, const char *ctype)
{
    hoshi_buf_append(&p->body, data, len);
    p->ctype = ctype;
    p->cacheable = true;
}

static void style_css(srv_req *r, srv_resp *p)
{
    static_file(p, r->s->css, r->s->css_len, "text/css; charset=utf-8");
}

static void app_js(srv_req *r, srv_resp *p)
{
    static_file(p, r->s->js, r->s->js_len, "text/javascript; charset=utf-8");
}

static void favicon(srv_req *r, srv_resp *p)
{
    static_file(p, r->s->icon, r->s->icon_len, "image/svg+xml");
}

static void healthz(srv_req *r, srv_resp *p)
{
    (void)r;
    p->ctype = "application/json";
    hoshi_buf_puts(&p->body, "{\"status\":\"ok\"}\n");
}

/* The look-up form of the registry sends ?id=…; normalise and go. */
static void verify_lookup(srv_req *r, srv_resp *p)
{
    char norm[HOSHI_DECL_ID_LEN + 1], loc[64];
    if (hoshi_decl_id_normalize(srv_req_query(r, "id"), norm)) {
        snprintf(loc, sizeof loc, "/verify/%s", norm);
        srv_redirect(p, loc);
    } else {
        srv_page_message(r, p, 404, "bad_id");
    }
}

static void diag_part(srv_req *r, srv_resp *p, long long part, bool print)
{
    (void)print;
    srv_page_diag_part(r, p, (int)part);
}

static void policy_public(srv_req *r, srv_resp *p, long long org, bool print)
{
    (void)print;
    srv_page_policy_public(r, p, org);
}

/* Exact paths first: a prefix below never shadows them. */
static const route_entry routes[] = {
    {GET, "/", EXACT, 0, srv_page_home, NULL, NULL, 0},
    {GET, "/healthz", EXACT, 0, healthz, NULL, NULL, 0},
    {GET, "/static/style.css", EXACT, 0, style_css, NULL, NULL, 0},
    {GET, "/static/app.js", EXACT, 0, app_js, NULL, NULL, 0},
    {GET, "/favicon.ico", EXACT, 0, favicon, NULL, NULL, 0},
    {GET, "/static/favicon.svg", EXACT, 0, favicon, NULL, NULL, 0},
    {GET | POST, "/signup", EXACT, 0, srv_page_signup, NULL, NULL, 0},
    {GET | POST, "/login", EXACT, 0, srv_page_login, NULL, NULL, 0},
    {POST, "/logout", EXACT, 0, srv_page_logout, NULL, NULL, 0},
    {GET, "/dashboard", EXACT, LOGIN, srv_page_dashboard, NULL, NULL, 0},
    {GET | POST, "/profile", EXACT, LOGIN, srv_page_profile, NULL, NULL, 0},
    {GET | POST, "/star1", EXACT, LOGIN, srv_page_star1, NULL, NULL, 0},
    {GET, "/diagnosis", EXACT, LOGIN, NULL, NULL, diag_part, 0},
    {GET | POST, "/diagnosis/part/1", EXACT, LOGIN, NULL, NULL, diag_part, 1},
    {GET | POST, "/diagnosis/part/2", EXACT, LOGIN, NULL, NULL, diag_part, 2},
    {GET | POST, "/diagnosis/part/3", EXACT, LOGIN, NULL, NULL, diag_part, 3},
    /* Answers JSON 401 itself: a script, not a person, calls it. */
    {POST, "/diagnosis/autosave", EXACT, 0, srv_page_diag_autosave, NULL, NULL, 0},
    {GET, "/history", EXACT, LOGIN, srv_page_history, NULL, NULL, 0},
    {GET | POST, "/policy", EXACT, LOGIN, srv_page_policy, NULL, NULL, 0},
    {GET, "/declare", EXACT, LOGIN, srv_page_declare, NULL, NULL, 0},
    {POST, "/declare", EXACT, LOGIN | OWNER, srv_page_declare, NULL, NULL, 0},
    {POST, "/declare/withdraw", EXACT, LOGIN | OWNER, srv_page_withdraw, NULL, NULL, 0},
    /* Accounts (issue 11 part 3): members, settings, and mailed links. */
    {GET, "/members", EXACT, LOGIN, srv_page_members, NULL, NULL, 0},
    {POST, "/members/invite", EXACT, LOGIN | OWNER, srv_page_members_invite, NULL, NULL, 0},
    {POST, "/members/revoke", EXACT, LOGIN | OWNER, srv_page_members_revoke, NULL, NULL, 0},
    {POST, "/members/remove", EXACT, LOGIN | OWNER, srv_page_members_remove, NULL, NULL, 0},
    {POST, "/members/owner", EXACT, LOGIN | OWNER, srv_page_members_owner, NULL, NULL, 0},
    {GET, "/account", EXACT, LOGIN, srv_page_account, NULL, NULL, 0},
    {POST, "/account/password", EXACT, LOGIN, srv_page_account_password, NULL, NULL, 0},
    {POST, "/account/email", EXACT, LOGIN, srv_page_account_email, NULL, NULL, 0},
    {GET | POST, "/account/delete", EXACT, LOGIN, srv_page_account_delete, NULL, NULL, 0},
    {GET | POST, "/password/forgot", EXACT, 0, srv_page_password_forgot, NULL, NULL, 0},
    /* The supply chain (issue 13 part 5): a client's suppliers, and a
     * supplier's consent to its clients. */
    {GET, "/suppliers", EXACT, LOGIN, srv_page_suppliers, NULL, NULL, 0},
    {POST, "/suppliers/add", EXACT, LOGIN, srv_page_suppliers_add, NULL, NULL, 0},
    {POST, SRV_SUPPLIERS_UPLOAD_PATH, EXACT, LOGIN, srv_page_suppliers_upload, NULL, NULL, 0},
    {POST, "/suppliers/remove", EXACT, LOGIN, srv_page_suppliers_remove, NULL, NULL, 0},
    {POST, "/suppliers/invite", EXACT, LOGIN, srv_page_suppliers_invite, NULL, NULL, 0},
    {GET, "/account/clients", EXACT, LOGIN, srv_page_clients, NULL, NULL, 0},
    {POST, "/account/clients", EXACT, LOGIN | OWNER, srv_page_clients, NULL, NULL, 0},
    /* Everyone but an operator gets 404 (and a POST is logged) there. */
    {GET, "/operator", EXACT, 0, srv_page_operator, NULL, NULL, 0},
    {GET | POST, "/operator/withdraw", EXACT, 0, srv_page_operator_withdraw, NULL, NULL, 0},
    {GET, "/operator/audit", EXACT, 0, srv_page_operator_audit, NULL, NULL, 0},
    {GET | POST, "/operator/outbox", EXACT, 0, srv_page_operator_outbox, NULL, NULL, 0},
    {GET, "/operator/registry", EXACT, 0, srv_page_operator_registry, NULL, NULL, 0},
    {GET | POST, "/operator/disputes", EXACT, 0, srv_page_operator_disputes, NULL, NULL, 0},
    {GET | POST, "/operator/surveys", EXACT, 0, srv_page_operator_surveys, NULL, NULL, 0},
    {GET, "/verify", EXACT, 0, verify_lookup, NULL, NULL, 0},
    {GET, "/s/thanks", EXACT, 0, srv_page_survey_thanks, NULL, NULL, 0},
    /* Read from their files on each request (an edit shows at once): not cached. */
    {GET, "/terms", EXACT, 0, srv_page_terms, NULL, NULL, 0},
    {GET, "/privacy", EXACT, 0, srv_page_privacy, NULL, NULL, 0},
    {GET, "/contact", EXACT, 0, srv_page_contact, NULL, NULL, 0},
    {GET, "/about", EXACT, 0, srv_page_about, NULL, NULL, 0},
    {GET, "/registry", EXACT, PUBLIC, srv_page_registry, NULL, NULL, 0},
    /* Case studies and support services (issue 13 parts 3, 4): the
     * operator's data, in memory, so made each time rather than cached
     * under keys that would have to name every filter. */
    {GET, "/cases", EXACT, 0, srv_page_cases, NULL, NULL, 0},
    {GET, "/support", EXACT, 0, srv_page_support, NULL, NULL, 0},
    {GET, "/api/v1/declarations", EXACT, PUBLIC, srv_api_declarations, NULL, NULL, 0},
    {GET, "/api/v1/keys", EXACT, PUBLIC, srv_api_keys, NULL, NULL, 0},
    {GET, "/diagnosis/", NUMBERED_PRINT, LOGIN, NULL, NULL, srv_page_diag_result, 0},
    {GET, "/verify/", NAMED, PUBLIC, NULL, srv_page_verify, NULL, 0},
    {GET, "/badge/", NAMED_SVG, PUBLIC, NULL, srv_page_badge, NULL, 0},
    {GET, "/qr/", NAMED_SVG, PUBLIC, NULL, srv_page_qr, NULL, 0},
    {GET, "/api/v1/declarations/", NAMED, PUBLIC, NULL, srv_api_declaration, NULL, 0},
    {GET, "/policies/", NUMBERED, PUBLIC, NULL, NULL, policy_public, 0},
    {GET, "/cases/", NAMED, 0, NULL, srv_page_case, NULL, 0},
    /* ID/WHAT: the handler reads the survey's number and what of it. */
    {GET | POST, "/operator/surveys/", NAMED, 0, NULL, srv_page_operator_survey, NULL, 0},
    /* Answering a survey (issue 9): by an invitation's link, or as the
     * signed-in owner of an invited organisation. */
    {GET | POST, "/s/", NAMED, 0, NULL, srv_page_survey_token, NULL, 0},
    {GET | POST, "/surveys/", NUMBERED, LOGIN, NULL, NULL, srv_page_survey_owner, 0},
    {GET | POST, "/password/reset/", NAMED, 0, NULL, srv_page_password_reset, NULL, 0},
    {GET | POST, "/invite/", NAMED, 0, NULL, srv_page_invite, NULL, 0},
    {GET | POST, "/suppliers/invite/", NAMED, 0, NULL, srv_page_supplier_link, NULL, 0},
    {GET | POST, "/email/confirm/", NAMED, 0, NULL, srv_page_email_confirm, NULL, 0},
};

/* The route for method and path, and in *tail what follows its prefix. */
static const route_entry *find(unsigned method, const char *path, const char **tail)
{
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        const route_entry *e = &routes[i];
        if (!(e->methods & method))
            continue;
        if (e->match == EXACT ? strcmp(path, e->path) == 0
                              : strncmp(path, e->path, strlen(e->path)) == 0) {
            *tail = path + strlen(e->path);
            return e;
        }
    }
    return NULL;
}

/* Copies the id of a NAMED… or NUMBERED… route out of tail; false (the
 * path does not exist) when it is too long or not the shape asked for. */
static bool take_id(const route_entry *e, const char *tail, char id[ID_MAX])
{
    size_t n = strlen(tail);
    id[0] = '\0';
    if (e->match == EXACT)
        return true;
    if (n >= ID_MAX)
        return false;
    memcpy(id, tail, n + 1);
    if (e->match == NAMED_SVG) {
        if (n < 5 || strcmp(id + n - 4, ".svg") != 0)
            return false;
        id[n - 4] = '\0';
    }
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

/* The number of a NUMBERED… route, and whether "/print" followed it. */
static bool take_number(const route_entry *e, char *id, long long *n, bool *print)
{
    *print = false;
    if (e->match == EXACT) {
        *n = e->n;
        return true;
    }
    char *slash = strchr(id, '/');
    if (slash != NULL) {
        if (e->match != NUMBERED_PRINT || strcmp(slash, "/print") != 0)
            return false;
        *slash = '\0';
        *print = true;
    }
    return parse_id(id, n);
}

/* Runs e's handler: the id is checked before the log-in, so a path that
 * cannot exist is 404 for everyone. */
static void run(const route_entry *e, srv_req *r, srv_resp *p, char *id)
{
    long long n = 0;
    bool print = false;
    if (e->numbered != NULL && !take_number(e, id, &n, &print)) {
        srv_page_message(r, p, 404, "not_found");
        return;
    }
    if ((e->flags & LOGIN) && !srv_need_login(r, p))
        return;
    if ((e->flags & OWNER) && !srv_need_owner(r, p, NULL))
        return;
    if (e->plain != NULL)
        e->plain(r, p);
    else if (e->named != NULL)
        e->named(r, p, id);
    else
        e->numbered(r, p, n, print);
}

/* A public page, from the cache while the store's generation is the one it
 * was made at; made by run() otherwise and kept when 200 or 404. */
static void run_cached(const route_entry *e, srv_req *r, srv_resp *p, char *id)
{
    /* A signed-in visitor's page is personal (the header's log-out form
     * carries their CSRF token): made for them, never cached. */
    if (r->logged_in) {
        run(e, r, p, id);
        return;
    }
    /* The cache key names everything the page depends on. */
    hoshi_buf key = HOSHI_BUF_INIT;
    key.limit = 480;
    hoshi_buf_printf(&key, "%s|%s", hoshi_lang_code(r->lang), r->path);
    static const char *const params[] = {"q", "prefecture", "industry", "level", "page", "id", "v"};
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
        const char *v = srv_req_query(r, params[i]);
        hoshi_buf_putc(&key, '\x1f');
        hoshi_buf_puts(&key, v ? v : "");
    }
    long long gen = srv_cache_generation(r);
    bool cacheable = key.err == HOSHI_OK && key.data != NULL && !r->s->cfg.no_cache;
    if (cacheable && srv_cache_get(r->s->cache, key.data, gen, p)) {
        hoshi_buf_free(&key);
        return;
    }
    run(e, r, p, id);
    if (p->status == 200 || p->status == 404)
        p->cacheable = true;
    if (cacheable && p->cacheable)
        srv_cache_put(r->s->cache, key.data, gen, p);
    hoshi_buf_free(&key);
}

static void dispatch(srv_req *r, srv_resp *p)
{
    if (r->is_post) {
        if (r->form_bad) {
            srv_page_message(r, p, 400, "bad_form");
            return;
        }
        if (!srv_csrf_ok(r)) {
            srv_page_message(r, p, 403, "csrf");
            return;
        }
    }
    const char *tail = "";
    char id[ID_MAX];
    const route_entry *e = find(r->is_post ? POST : GET, r->path, &tail);
    if (e == NULL || !take_id(e, tail, id))
        srv_page_message(r, p, 404, "not_found");
    else if (e->flags & PUBLIC)
        run_cached(e, r, p, id);
    else
        run(e, r, p, id);
}

void srv_route(srv_req *r, srv_resp *p)
{
    srv_session_load(r);
    dispatch(r, p);
    srv_session_finish(r, p);
}
