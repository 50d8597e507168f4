/*
 * http.c — the HTTP side of `hoshi serve` on libmicrohttpd: a thread pool,
 * request bodies collected up to a cap (413 past it), security headers on
 * every response, and graceful shutdown on SIGINT/SIGTERM.  Everything
 * about pages is elsewhere; this file only turns MHD callbacks into a
 * srv_req and a srv_resp into an MHD response.
 *
 * Limits (issue 7): connections in all and per client address (MHD's
 * own options), the total time for a request's headers (connwatch.c),
 * and requests that need a password hash: their connection is suspended
 * (MHD_suspend_connection) while the password pool works, so no HTTP
 * thread waits for Argon2id, and resumed when the job is done.
 *
 * libmicrohttpd answers a few malformed requests itself, before any
 * callback of ours runs, and those answers carry none of our headers:
 * a request line or headers that do not parse (400), headers larger than
 * the connection's memory (414/431), an unsupported HTTP version (505),
 * a Content-Length that is not a number or too large (400/413).  Their
 * bodies are MHD's fixed texts, so nothing of the request is reflected.
 * The one case that reaches us first, a body with Transfer-Encoding
 * (MHD would later answer a broken chunk itself), we refuse at once with
 * 411 and our headers: browsers send forms with a Content-Length.
 */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Content-Security-Policy for every page: nothing from elsewhere, no inline
 * script or style, never framed. */
static const char csp[] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                          "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/* One request on a connection, from its headers to its response. */
typedef struct conn_state {
    hoshi_buf body;
    bool too_big;
    struct MHD_Connection *conn;
    const srv *s;
    srv_req *r;                   /* while the request is being answered */
    srv_resp p;
    struct timespec t0;           /* the headers were in: the request log's ms counts from here */
    srv_await wait;               /* while a request waits for the password pool */
} conn_state;

static void add_security_headers(struct MHD_Response *resp, const srv_resp *p)
{
    MHD_add_response_header(resp, "Content-Security-Policy", p->csp ? p->csp : csp);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    if (!p->embeddable)
        MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    /* A response that sets a cookie is never for a shared cache. */
    bool shared = p->cacheable && p->n_cookies == 0;
    MHD_add_response_header(resp, "Cache-Control", shared ? "public, max-age=60" : "no-store");
    /* Public pages differ by the language cookie; caches must keep them apart. */
    if (shared)
        MHD_add_response_header(resp, "Vary", "Cookie");
}

static enum MHD_Result send_resp(struct MHD_Connection *conn, srv_resp *p)
{
    char *data = NULL;
    size_t len = 0;
    if (hoshi_buf_finish(&p->body, &data, &len) != HOSHI_OK) {
        p->status = 500;
        p->ctype = "text/plain; charset=utf-8";
        data = strdup("internal error\n");
        len = data ? strlen(data) : 0;
    }
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, data ? data : (void *)"", data ? MHD_RESPMEM_MUST_FREE
                                                                            : MHD_RESPMEM_PERSISTENT);
    if (resp == NULL) {
        free(data);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", p->ctype ? p->ctype : "text/html; charset=utf-8");
    add_security_headers(resp, p);
    if (p->location[0])
        MHD_add_response_header(resp, "Location", p->location);
    for (size_t i = 0; i < p->n_cookies; i++)
        MHD_add_response_header(resp, "Set-Cookie", p->cookies[i]);
    if (p->filename[0]) {
        char disp[160];
        snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", p->filename);
        MHD_add_response_header(resp, "Content-Disposition", disp);
    }
    if (p->retry_after > 0) {
        char secs[24];
        snprintf(secs, sizeof secs, "%ld", p->retry_after);
        MHD_add_response_header(resp, "Retry-After", secs);
    }
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)p->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static hoshi_lang pick_lang(srv_req *r)
{
    const char *q = srv_req_query(r, "lang");
    hoshi_lang l;
    if (q != NULL && hoshi_lang_parse(q, &l) == HOSHI_OK) {
        r->lang_from_query = true;
        return l;
    }
    const char *c = srv_req_cookie(r, "hoshi_lang");
    if (c != NULL && hoshi_lang_parse(c, &l) == HOSHI_OK)
        return l;
    return HOSHI_LANG_JA;
}

static void plain(srv_resp *p, int status, const char *msg)
{
    p->status = status;
    p->ctype = "text/plain; charset=utf-8";
    hoshi_buf_puts(&p->body, msg);
}

static void free_req(srv_req *r)
{
    if (r == NULL)
        return;
    /* Form values include passwords: wiped before they go back to malloc. */
    for (size_t i = 0; i < r->n_form; i++) {
        sodium_memzero(r->form[i].value, strlen(r->form[i].value));
        free(r->form[i].name);
        free(r->form[i].value);
    }
    free(r->upload);
    sodium_memzero(&r->job, sizeof r->job);
    free(r);
}

/* The request line of the log (docs/deploy.md, "What to watch"): one
 * per request answered, whoever answered it.  ip is passed here rather
 * than taken from a srv_req because the early refusals (405, 411, 413)
 * have none; the path goes through srv_log's redaction of secret links,
 * and MHD gives it without the query string, so no query is ever logged. */
static void log_request(const char *ip, const char *method, const char *path, int status,
                        const struct timespec *t0, size_t bytes)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    char st[8], ms[32], len[24];
    snprintf(st, sizeof st, "%d", status);
    snprintf(ms, sizeof ms, "%.3f",
             (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6);
    snprintf(len, sizeof len, "%zu", bytes);
    srv_log(NULL, status >= 500 ? "error" : "info", "request", "ip", ip, "method", method, "path", path,
            "status", st, "ms", ms, "bytes", len, (const char *)NULL);
}

/* Answers a request refused before it became a srv_req, and logs it. */
static enum MHD_Result refuse(conn_state *cs, const char *method, const char *url, srv_resp *p, int status,
                              const char *msg)
{
    plain(p, status, msg);
    size_t bytes = p->body.len;
    char ip[64];
    srv_client_addr(cs->s, cs->conn, ip, sizeof ip);
    enum MHD_Result ret = send_resp(cs->conn, p);
    log_request(ip, method, url, status, &cs->t0, bytes);
    return ret;
}

/* Logs the request, sends the response and forgets the request. */
static enum MHD_Result finish(conn_state *cs)
{
    srv_req *r = cs->r;
    srv_resp *p = &cs->p;
    if (r->lang_from_query)
        srv_add_cookie(r, p, "hoshi_lang", hoshi_lang_code(r->lang), 365L * 86400, false);
    if (p->body.err != HOSHI_OK) {
        /* The page could not be built (memory, or past the body cap):
         * logged with its cause, and answered as the 500 it becomes. */
        srv_log(r, "error", "error_page", "status", "500", "detail", hoshi_error_message(p->body.err),
                (const char *)NULL);
        hoshi_buf_free(&p->body);
        p->status = 500;
        p->ctype = "text/plain; charset=utf-8";
        p->location[0] = '\0';
        p->cacheable = false;
        hoshi_buf_puts(&p->body, "internal error\n");
    }
    log_request(r->client_ip[0] ? r->client_ip : "?", r->method, r->path, p->status, &cs->t0, p->body.len);
    enum MHD_Result ret = send_resp(cs->conn, p);
    free_req(r);
    cs->r = NULL;
    return ret;
}

/* The handler's continuation once the pool has done the job. */
static enum MHD_Result resume(conn_state *cs)
{
    srv_await_resumed(&cs->wait);
    srv_req *r = cs->r;
    void (*cont)(srv_req *, srv_resp *) = r->cont;
    r->cont = NULL;
    cont(r, &cs->p);
    if (r->cont != NULL) {
        /* The continuation asked the pool once more (a password checked,
         * then the new one hashed): this wait is over, the next begins. */
        srv_await_finished();
        return srv_await_suspend(&cs->wait) ? MHD_YES : resume(cs);
    }
    enum MHD_Result ret = finish(cs);
    srv_await_finished();
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    (void)version;
    srv *s = cls;
    conn_state *cs = *con_cls;
    if (cs == NULL) {
        /* The headers are in: the header clock stops. */
        srv_connwatch_mark(s->watch, conn, false);
        cs = calloc(1, sizeof *cs);
        if (cs == NULL)
            return MHD_NO;
        srv_await_init(&cs->wait, conn);
        cs->conn = conn;
        cs->s = s;
        clock_gettime(CLOCK_MONOTONIC, &cs->t0);
        /* Only the policy editor needs a large body; every other form
         * stays under the small cap. */
        cs->body.limit = strcmp(url, "/policy") == 0 ? SRV_POLICY_BODY_MAX
                         : srv_upload_cap(url) > 0   ? srv_upload_cap(url)
                                                     : SRV_BODY_MAX;
        *con_cls = cs;
        if (MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Transfer-Encoding") != NULL) {
            srv_resp p = {.status = 411, .body = HOSHI_BUF_INIT};
            return refuse(cs, method, url, &p, 411, "a request body needs a Content-Length\n");
        }
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        long n = 0;
        if (cl != NULL && (!hoshi_parse_long(cl, 0, (long)cs->body.limit, &n)))
            cs->too_big = true;
        if (cs->too_big) {
            /* Answer at once; MHD closes the connection instead of reading on. */
            srv_resp p = {.status = 413, .body = HOSHI_BUF_INIT};
            return refuse(cs, method, url, &p, 413, "request body too large\n");
        }
        return MHD_YES;
    }
    if (cs->r != NULL)
        return resume(cs);   /* called again after MHD_resume_connection */
    if (*upload_size != 0) {
        if (!cs->too_big) {
            hoshi_buf_append(&cs->body, upload, *upload_size);
            if (cs->body.err != HOSHI_OK)
                cs->too_big = true;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    srv_resp *p = &cs->p;
    *p = (srv_resp){.status = 200, .ctype = "text/html; charset=utf-8", .body = HOSHI_BUF_INIT};
    if (cs->too_big) {
        return refuse(cs, method, url, p, 413, "request body too large\n");
    }
    bool get = strcmp(method, "GET") == 0, head = strcmp(method, "HEAD") == 0,
         post = strcmp(method, "POST") == 0;
    if (!get && !head && !post) {
        return refuse(cs, method, url, p, 405, "method not allowed\n");
    }
    srv_req *r = calloc(1, sizeof *r);
    if (r == NULL)
        return MHD_NO;
    r->s = s;
    r->conn = conn;
    r->method = method;
    r->path = url;
    r->is_post = post;
    r->is_head = head;
    srv_await_attach(r, &cs->wait);
    srv_client_addr(s, conn, r->client_ip, sizeof r->client_ip);
    r->lang = pick_lang(r);
    if (post) {
        const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
        if (ct != NULL && strncmp(ct, "application/x-www-form-urlencoded", 33) == 0)
            srv_req_parse_form(r, cs->body.data ? cs->body.data : (char *)"", cs->body.len);
        else if (ct != NULL && strncmp(ct, "multipart/form-data", 19) == 0 && srv_upload_cap(url) > 0)
            srv_req_parse_multipart(r, cs->body.data ? cs->body.data : "", cs->body.len);
        else
            r->form_bad = cs->body.len > 0;
    }
    /* The body's bytes (a password, say) are no longer needed. */
    if (cs->body.data != NULL)
        sodium_memzero(cs->body.data, cs->body.len);
    hoshi_buf_free(&cs->body);
    cs->r = r;
    srv_route(r, p);
    if (r->cont != NULL)
        return srv_await_suspend(&cs->wait) ? MHD_YES : resume(cs);
    return finish(cs);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    srv *s = cls;
    (void)toe;
    conn_state *cs = *con_cls;
    if (cs != NULL) {
        free_req(cs->r);   /* a request cut off by shutdown */
        hoshi_buf_free(&cs->p.body);
        if (cs->body.data != NULL)
            sodium_memzero(cs->body.data, cs->body.len);
        hoshi_buf_free(&cs->body);
        srv_await_destroy(&cs->wait);
        free(cs);
    }
    *con_cls = NULL;
    /* A kept-alive connection now waits for its next request's headers. */
    srv_connwatch_mark(s->watch, conn, true);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    srv *s = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED)
        srv_connwatch_opened(s->watch, conn, socket_context);
    else
        srv_connwatch_closed(s->watch, socket_context);
}

/* Shutdown: no new hashing jobs; wait (a while) for those in flight and
 * for their answers. */
static void drain_awaiting(srv *s)
{
    srv_pwpool_drain(s->pool);
    srv_await_drain(10);
}

int srv_run(const srv_config *cfg, const char *demo_password, long demo_count)
{
    srv s;
    memset(&s, 0, sizeof s);
    s.cfg = *cfg;
    int rc = 1;
    hoshi_err err;
    if (sodium_init() < 0) {
        fprintf(stderr, "hoshi serve: libsodium failed to initialise\n");
        return 1;
    }
    /* Blocked before any thread starts, so every thread inherits the mask
     * and the signals wait for sigwait() below. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    hoshi_buf keyfile = HOSHI_BUF_INIT;
    if (cfg->key_file != NULL)
        hoshi_buf_puts(&keyfile, cfg->key_file);
    else
        hoshi_buf_printf(&keyfile, "%s%s", cfg->db_path, HOSHI_SIGN_KEYFILE_SUFFIX);
    /* The store first: a database that cannot be opened is the clearer
     * message when its directory is missing. */
    err = hoshi_namekey_default_dir(cfg->datadir);
    if (err == HOSHI_OK)
        err = hoshi_store_open(cfg->db_path, cfg->threads + 1, &s.store);
    if (err == HOSHI_OK)
        err = keyfile.err == HOSHI_OK ? srv_keys_open(keyfile.data, &s.keys) : keyfile.err;
    hoshi_buf_free(&keyfile);
    if (err != HOSHI_OK ||
        (err = hoshi_catalog_open(cfg->datadir, HOSHI_LANG_JA, &s.cat[0])) != HOSHI_OK ||
        (err = hoshi_catalog_open(cfg->datadir, HOSHI_LANG_EN, &s.cat[1])) != HOSHI_OK ||
        (err = srv_tpl_load(&s)) != HOSHI_OK || (err = srv_mail_load(&s)) != HOSHI_OK ||
        (err = srv_reasons_load(&s)) != HOSHI_OK || (err = srv_cases_load(&s)) != HOSHI_OK ||
        (err = srv_support_load(&s)) != HOSHI_OK ||
        (err = srv_mailwake_new(&s.mailwake)) != HOSHI_OK ||
        (err = srv_cache_new(&s.cache)) != HOSHI_OK ||
        (err = srv_regcache_new(cfg->datadir, &s.regcache)) != HOSHI_OK ||
        (err = srv_svcache_new(&s.svcache)) != HOSHI_OK ||
        (err = srv_surveyforms_new(cfg->datadir, &s.surveyforms)) != HOSHI_OK ||
        (err = srv_pwcheck_init()) != HOSHI_OK ||
        (err = srv_throttle_new(s.store, cfg->signup_limit, &s.throttle)) != HOSHI_OK ||
        (err = srv_pwpool_new(cfg->hash_workers, cfg->hash_queue, &s.pool)) != HOSHI_OK ||
        (err = srv_connwatch_start(cfg->header_timeout, &s.watch)) != HOSHI_OK) {
        fprintf(stderr, "hoshi serve: %s\n", *hoshi_error_detail() ? hoshi_error_detail()
                                                                   : hoshi_error_message(err));
        goto free_state;
    }
    srv_throttle_device_key(s.throttle, s.device_key);
    /* Log-ins for unknown addresses check a password too, so the time a
     * failure takes does not tell whether an address is registered. */
    if (crypto_pwhash_str(s.dummy_hash, "hoshi-no-such-user", 18, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        fprintf(stderr, "hoshi serve: out of memory\n");
        goto free_state;
    }
    if (demo_password != NULL && (err = srv_seed_demo(&s, demo_password, demo_count)) != HOSHI_OK) {
        fprintf(stderr, "hoshi serve: demo data: %s\n", hoshi_error_detail());
        goto free_state;
    }
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)cfg->port);
    if (inet_pton(AF_INET, cfg->listen_host, &addr.sin_addr) != 1) {
        fprintf(stderr, "hoshi serve: --listen needs an IPv4 address, got '%s'\n", cfg->listen_host);
        goto free_state;
    }
    /* The socket is bound here, before any worker thread exists, so the
     * base URL (which needs the port when --listen says 0) is written
     * once and only read afterwards. */
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int one = 1;
    if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(lfd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(lfd, 1024) != 0) {
        fprintf(stderr, "hoshi serve: cannot listen on %s:%d: %s\n", cfg->listen_host, cfg->port, strerror(errno));
        if (lfd >= 0)
            close(lfd);
        goto free_state;
    }
    struct sockaddr_in bound;
    socklen_t blen = sizeof bound;
    int port = getsockname(lfd, (struct sockaddr *)&bound, &blen) == 0 ? ntohs(bound.sin_port) : cfg->port;
    if (cfg->base_url != NULL)
        snprintf(s.base, sizeof s.base, "%s", cfg->base_url);
    else
        snprintf(s.base, sizeof s.base, "http://%s:%d", cfg->listen_host, port);
    /* The idle timeout stays for bodies and slow readers; the header
     * time is bounded in total by connwatch.c.  The daemon owns lfd from
     * here and closes it when stopped. */
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL, on_request, &s,
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)lfd, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)cfg->threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed, &s,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, &s, MHD_OPTION_CONNECTION_TIMEOUT, 30U,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_conn, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)cfg->conn_per_ip, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)128 * 1024, MHD_OPTION_END);
    if (d == NULL) {
        fprintf(stderr, "hoshi serve: cannot start the HTTP server on %s:%d\n", cfg->listen_host, port);
        close(lfd);
        goto free_state;
    }
    /* After the base URL is known: reminders link to the site. */
    if ((err = srv_mailer_start(&s, &s.mailer)) != HOSHI_OK) {
        fprintf(stderr, "hoshi serve: mail: %s\n", hoshi_error_detail());
        MHD_stop_daemon(d);
        goto free_state;
    }
    printf("hoshi serve: listening on http://%s:%d/\n", cfg->listen_host, port);
    if (demo_password != NULL)
        printf("hoshi serve: demo log-in: demo@example.jp / %s (operator: operator@example.jp, same password)\n",
               demo_password);
    fflush(stdout);
    int sig = 0;
    sigwait(&stop, &sig);
    if (!cfg->quiet)
        printf("hoshi serve: shutting down\n");
    /* No connection may stay suspended when the daemon stops (MHD would
     * abort): every hashing job ends, and so resumes its connection, first. */
    drain_awaiting(&s);
    MHD_stop_daemon(d);
    rc = 0;
free_state:
    srv_mailer_stop(s.mailer);
    srv_connwatch_stop(s.watch);
    srv_pwpool_free(s.pool);
    srv_throttle_free(s.throttle);
    srv_pwcheck_free();
    srv_cache_free(s.cache);
    srv_regcache_free(s.regcache);
    srv_svcache_free(s.svcache);
    srv_surveyforms_free(s.surveyforms);
    srv_tpl_free(&s);
    srv_mail_free(&s);
    srv_reasons_free(&s);
    srv_cases_free(&s);
    srv_support_free(&s);
    srv_mailwake_free(s.mailwake);
    hoshi_catalog_free(s.cat[1]);
    hoshi_catalog_free(s.cat[0]);
    hoshi_store_close(s.store);
    srv_keys_free(s.keys);
    sodium_memzero(s.device_key, sizeof s.device_key);
    return rc;
}
