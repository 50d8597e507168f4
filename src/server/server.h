/*
 * server.h — what the parts of the web application (`hoshi serve`) share:
 * the server state (store, catalogues, texts, templates, caches), one
 * request as the handlers see it, and the response they fill in.
 *
 * The server is a front end like the CLI; it builds strings with the
 * library's bounded buffer (buf.h) so every byte written to a page goes
 * through an escaper chosen for its context.
 */
#ifndef HOSHI_SERVER_H
#define HOSHI_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "hoshi/hoshi.h"
#include "hoshi/buf.h"
#include "hoshi/datafile.h"

#define SRV_BODY_MAX (64 * 1024)  /* bytes of a request body; more gets 413 */
/* POST /policy carries up to 20,000 characters of text: a kanji is 9 bytes
 * once URL-encoded, so the form needs 180 KB plus its other fields. */
#define SRV_POLICY_BODY_MAX (256 * 1024)
#define SRV_FIELDS_MAX 128        /* form fields per request */
#define SRV_PAGE_SIZE 20          /* registry rows per page */
#define SRV_PAGE_MAX 10000        /* highest page number accepted */
#define SRV_SESSION_TTL (12 * 3600)

typedef struct srv_cache srv_cache;
typedef struct srv_keys srv_keys;
typedef struct srv_regcache srv_regcache;
typedef struct srv_svcache srv_svcache;
typedef struct srv_surveyforms srv_surveyforms;
typedef struct srv_throttle srv_throttle;
typedef struct srv_pwpool srv_pwpool;
typedef struct srv_connwatch srv_connwatch;
typedef struct srv_mailer srv_mailer;
typedef struct srv_mailwake srv_mailwake;
typedef struct srv_req srv_req;
typedef struct srv_resp srv_resp;

typedef struct srv_config {
    const char *listen_host;
    int port;
    const char *db_path;
    const char *datadir;
    const char *site_dir;         /* the operator's texts of /terms, /privacy, /contact, /about, or NULL */
    const char *cases_dir;        /* the case studies (issue 13 part 3), or NULL: DATADIR/cases */
    const char *support_dir;      /* the support services (issue 13 part 4), or NULL: DATADIR/support */
    int threads;
    bool secure_cookies;          /* add Secure to cookies (behind TLS) */
    bool quiet;
    bool no_cache;                /* benchmarking: always go to the database */
    const char *base_url;         /* public address for badges and QR codes, or NULL */
    const char *key_file;         /* signing keys (issue 11), or NULL for DB.keys */
    /* Limits against abuse (issue 7; docs/web.md, Security). */
    int max_conn;                 /* concurrent connections in all */
    int conn_per_ip;              /* concurrent connections per client address */
    int header_timeout;           /* seconds to receive a request's headers, in total */
    int hash_workers;             /* threads computing password hashes */
    int hash_queue;               /* hashing jobs that may wait; more get 503 */
    int signup_limit;             /* sign-ups per client address per hour */
    const char *trust_proxy;      /* a proxy's address (normalized): its X-Forwarded-For names the client */
    /* E-mail (issue 11 part 4; mailer.c): SMTP when smtp_url is set, else
     * .eml files in mail_dir; neither: messages wait in the outbox. */
    const char *smtp_url;         /* smtp://host:port or smtps://… */
    const char *mail_from;        /* the sender's plain address */
    const char *smtp_user;        /* NULL: no authentication */
    const char *smtp_password;    /* never logged */
    const char *mail_dir;
    int mail_retry;               /* seconds before the first retry, doubled after */
    int mail_attempts;            /* attempts before a message is given up (a dead letter) */
} srv_config;

typedef struct srv {
    srv_config cfg;
    hoshi_store *store;
    hoshi_catalog *cat[2];        /* by hoshi_lang */
    hoshi_datafile *text[2];              /* data/text/<lang>/web.ini */
    hoshi_attrs *attrs[2];                /* data/text/<lang>/attrs.ini: sizes, industries, prefectures */
    char *tpl_src[64];            /* data/templates/web/<name>.html */
    char tpl_name[64][32];
    size_t n_tpl;
    char *css, *js, *icon;
    size_t css_len, js_len, icon_len;
    srv_cache *cache;
    srv_regcache *regcache;               /* the operator's registry tables (page_operator_registry.c) */
    srv_svcache *svcache;                 /* surveys' datasets (page_operator_survey_data.c) */
    srv_surveyforms *surveyforms;         /* parsed questionnaires, respondent texts (survey_forms.c) */
    srv_throttle *throttle;
    srv_pwpool *pool;
    srv_connwatch *watch;
    srv_mailer *mailer;                   /* NULL when mail is off */
    srv_mailwake *mailwake;               /* "the outbox has news" (mail_wake.c) */
    hoshi_datafile *mailtext[2];          /* data/text/<lang>/mail.ini: the messages */
    hoshi_datafile *reasons;              /* data/registry/withdraw_reasons.ini (withdraw_reasons.c) */
    hoshi_cases *cases;                   /* DATADIR/cases: the case studies (page_cases.c) */
    hoshi_support *support;               /* DATADIR/support: the support services (page_support.c) */
    unsigned char device_key[32]; /* signs device cookies (srv_throttle_device_key) */
    srv_keys *keys;               /* signs declarations (page_signed.c); reloaded when its file changes */
    char base[256];               /* public address, no trailing slash */
    char dummy_hash[160];         /* verified against when an address is unknown */
} srv;

typedef struct srv_field {
    char *name, *value;
} srv_field;

/* --- password pool jobs, throttling (issue 7; see pwpool.c, throttle.c) */
#define SRV_EMAIL_MAX 254         /* bytes of an e-mail address */
#define SRV_PASSWORD_MIN 12       /* characters */
#define SRV_PASSWORD_MAX 128      /* characters */
#define SRV_PASSWORD_BYTES (SRV_PASSWORD_MAX * 4 + 1)
#define THROTTLE_KEY 16

typedef struct srv_pwjob {
    bool verify;                  /* check password against hash; else make hash */
    char password[SRV_PASSWORD_BYTES];  /* wiped once used */
    char hash[HOSHI_STORE_HASH];  /* verify: the stored hash; else: the result */
    bool ok;                      /* the password matched, or the hash was made */
    void (*done)(struct srv_pwjob *job);  /* called on a pool thread when finished */
    void *arg;                    /* for done */
    struct srv_pwjob *next;       /* the pool's queue */
} srv_pwjob;

enum { THROTTLE_ADDRESS = 1, THROTTLE_ACCOUNT, THROTTLE_DEVICE, THROTTLE_SIGNUP };

/* What an allowed attempt counted, to take back or clear afterwards. */
typedef struct srv_throttle_ticket {
    unsigned char key[2][THROTTLE_KEY];
    int role[2];
    long long prev_last[2];
    long long at;
    int n;
} srv_throttle_ticket;

/* A log-in or sign-up waiting for the password pool. */
typedef struct srv_auth_wait {
    srv_throttle_ticket ticket;
    long long user_id;            /* log-in: the account, 0 when unknown */
    bool trusted;                 /* log-in: a device cookie of this account came along */
    bool usable;                  /* log-in: the password could be a valid one at all */
    char email[SRV_EMAIL_MAX * 4 + 1];  /* as typed (trimmed), to show again */
    char org[404];                /* sign-up: the organisation's name */
    char account[2 * THROTTLE_KEY + 1];  /* keyed digest of the e-mail, for the log */
} srv_auth_wait;

typedef struct srv_req {
    srv *s;
    void *conn;                   /* struct MHD_Connection * */
    const char *method, *path;
    bool is_post, is_head;
    hoshi_lang lang;
    bool lang_from_query;         /* ?lang= given: remember it in a cookie */
    char client_ip[64];
    srv_field form[SRV_FIELDS_MAX];
    size_t n_form;
    bool form_bad;                /* the body was not a well-formed form */
    /* The file part of a multipart body (upload.c), malloc'd, or NULL. */
    char *upload;
    size_t upload_len;
    char upload_name[128];
    /* Session, when logged in. */
    bool logged_in;
    hoshi_session ses;
    char sid_digest[HOSHI_STORE_TOKEN];
    char csrf[HOSHI_STORE_TOKEN]; /* the token forms on this page carry */
    bool new_csrf_cookie;         /* anonymous visitor without a hoshi_csrf cookie */
    bool csrf_used;               /* a form on this page carries the token */
    /* A handler that needs the password pool fills job and calls
     * srv_req_await(); await.c and http.c suspend the connection and call cont once
     * the job is done.  wait keeps what the handler needs meanwhile. */
    void (*cont)(srv_req *r, srv_resp *p);
    srv_pwjob job;
    srv_auth_wait wait;
} srv_req;

typedef struct srv_resp {
    int status;
    const char *ctype;
    hoshi_buf body;
    char location[512];
    char cookies[6][300];
    size_t n_cookies;
    bool cacheable;               /* public: may be cached by browsers and us */
    const char *csp;              /* replaces the default policy when set */
    bool embeddable;              /* may be framed by other sites (badge, QR code) */
    long retry_after;             /* seconds for a Retry-After header (429, 503), or 0 */
    char filename[96];            /* a download: Content-Disposition attachment with this name */
} srv_resp;

/* --- main.c */
/* `hoshi serve ARGS`: parses the options (argv[0] is "serve") and runs the
 * server; returns the exit status.  src/cli/cli.h declares it too, as the
 * one thing the CLI calls of the server. */
int srv_main(int argc, char **argv);

/* --- http.c */
/* Runs the server until SIGINT or SIGTERM; demo_password non-NULL seeds
 * the demo data first.  Returns the process exit status. */
int srv_run(const srv_config *cfg, const char *demo_password, long demo_count);

/* --- log.c: structured log lines on stderr */
/* Writes one line `ts=… level=LEVEL event=EVENT [ip=…] key=value …` to
 * stderr.  After event come name, value string pairs ending with NULL;
 * values are quoted and escaped here.  r (may be NULL) adds the client
 * address.  Never pass a password, token or cookie. */
void srv_log(srv_req *r, const char *level, const char *event, ...) __attribute__((sentinel));

/* --- client_addr.c */
/* Writes the address conn (a struct MHD_Connection *) counts as: its
 * peer, or with --trust-proxy and that peer, the last address of its
 * X-Forwarded-For header when that is a plain address. */
void srv_client_addr(const srv *s, void *conn, char *out, size_t size);
/* text as inet_ntop writes it (IPv4 or IPv6); false when not an address. */
bool srv_addr_normalize(const char *text, char *out, size_t size);

/* --- log_redact.c */
/* value, or in its place a static text naming its route, when value is
 * a path whose link is a credential (/s/TOKEN, /password/reset/TOKEN,
 * /invite/TOKEN, /email/confirm/TOKEN): srv_log passes every value
 * through it, so no caller can log such a token by mistake. */
const char *srv_log_redact(const char *value);

/* --- demo.c */
/* Demo organisations of plain --demo: the demo survey (demo_survey.c)
 * invites up to this many, so it gets a few thousand responses. */
#define SRV_DEMO_COUNT 4000
/* Seeds the demo log-in and demo_count demo organisations, once. */
hoshi_err srv_seed_demo(srv *s, const char *demo_password, long demo_count);

/* --- form.c: request inputs */
/* Query argument (decoded), or NULL. */
const char *srv_req_query(srv_req *r, const char *name);
/* Form field from the POST body, or "" when absent. */
const char *srv_req_form(srv_req *r, const char *name);
bool srv_req_form_has(srv_req *r, const char *name);
const char *srv_req_cookie(srv_req *r, const char *name);
/* Parses an application/x-www-form-urlencoded body into r->form. */
void srv_req_parse_form(srv_req *r, char *body, size_t len);
/* --- upload.c: the one path that takes a multipart/form-data body (a
 * questionnaire's .xlsx), and its cap. */
#define SRV_UPLOAD_PATH "/operator/surveys"
#define SRV_UPLOAD_MAX (HOSHI_FORM_MAX_XLSX + 64 * 1024)
/* Its text parts into r->form (as srv_req_parse_form), its file part into
 * r->upload; form_bad when malformed. */
void srv_req_parse_multipart(srv_req *r, const char *body, size_t len);
/* Trims ASCII blanks and ideographic spaces at both ends, in place. */
char *srv_trim(char *s);
/* A typed field through the library's rule for typed text: white space at
 * both ends trimmed, NFC, at most max_chars characters (flags: more
 * HOSHI_TEXT_*).  True when it passed and fits out[size]; then out holds
 * the text to store.  Otherwise out is "" and *why says what is wrong,
 * or why->fault is HOSHI_TEXT_OK when memory ran out (an error page). */
bool srv_form_text(const char *typed, size_t max_chars, unsigned flags, char *out, size_t size,
                   hoshi_text_problem *why);

/* --- session.c */
/* Looks up the session cookie and prepares the CSRF token for forms. */
void srv_session_load(srv_req *r);
/* Sets the hoshi_csrf cookie when a form used a freshly made token. */
void srv_session_finish(srv_req *r, srv_resp *p);
/* True when the POST carries the right CSRF token. */
bool srv_csrf_ok(srv_req *r);
/* Starts a logged-in session for user (after sign-up or log-in). */
hoshi_err srv_session_start(srv_req *r, srv_resp *p, long long user_id);
/* Deletes the session and clears its cookie; on a store failure nothing
 * is cleared and the error is returned (the session is still live). */
hoshi_err srv_session_end(srv_req *r, srv_resp *p);
void srv_add_cookie(srv_req *r, srv_resp *p, const char *name, const char *value, long max_age,
                    bool http_only);
/* Device cookies (OWASP): after a log-in the browser keeps a signed cookie
 * naming the account, and its attempts at that account are throttled on
 * their own (throttle.c), so an attacker cannot keep the owner out. */
void srv_device_cookie_set(srv_req *r, srv_resp *p, long long user_id);
/* True when the request carries a valid device cookie for user_id; its
 * id (for the device's own counter) goes to id. */
bool srv_device_cookie_get(srv_req *r, long long user_id, unsigned char id[THROTTLE_KEY]);

/* --- issue 7: log-in and sign-up protection (auth helper's block) */
/* throttle.c: counters of log-in failures and sign-ups, kept in the
 * store so every server on the database counts alike.  Returns 0 when
 * the attempt may go ahead (and is counted in *tk), else the seconds to
 * wait; *scope then says which counter refused.  -1 when the database
 * failed (the detail is hoshi_error_detail()): the attempt must be
 * refused with an error page. */
hoshi_err srv_throttle_new(hoshi_store *store, int signup_limit, srv_throttle **out);
void srv_throttle_free(srv_throttle *t);
long srv_throttle_login(srv_throttle *t, const char *ip, long long user_id, const char *email,
                        const unsigned char *device, srv_throttle_ticket *tk, const char **scope);
/* A log-in succeeded: the address's count of it is taken back, the
 * account's or device's failures are cleared. */
void srv_throttle_login_ok(srv_throttle *t, const srv_throttle_ticket *tk);
/* The attempt never ran (the pool was full): taken back everywhere. */
void srv_throttle_undo(srv_throttle *t, const srv_throttle_ticket *tk);
long srv_throttle_signup(srv_throttle *t, const char *ip, srv_throttle_ticket *tk);
/* The keyed digest of an e-mail address the log shows instead of it. */
void srv_throttle_digest(const srv_throttle *t, const char *email, char out[2 * THROTTLE_KEY + 1]);
/* The key that signs device cookies, derived from the database's throttle
 * secret, so a cookie one server signed passes on every other. */
void srv_throttle_device_key(const srv_throttle *t, unsigned char out[32]);

/* pwpool.c: Argon2id off the HTTP threads. */
hoshi_err srv_pwpool_new(int workers, int queue_max, srv_pwpool **out);
/* Queues job (the pool owns it until job->done runs); false when the
 * queue is full or the pool drains. */
bool srv_pwpool_submit(srv_pwpool *pool, srv_pwjob *job);
/* Jobs queued or running. */
int srv_pwpool_queued(srv_pwpool *pool);
/* Refuses new jobs and returns once every job's done has run. */
void srv_pwpool_drain(srv_pwpool *pool);
void srv_pwpool_free(srv_pwpool *pool);

/* --- await.c: a request waiting for the password pool */
/* What a connection needs while its request waits; the request layer
 * embeds one per connection. */
typedef struct srv_await {
    pthread_mutex_t lock;
    void *conn;                   /* struct MHD_Connection * */
    bool job_done, suspended;
} srv_await;
void srv_await_init(srv_await *a, void *conn);
void srv_await_destroy(srv_await *a);
/* Makes r's pool job report to a when it ends. */
void srv_await_attach(srv_req *r, srv_await *a);
/* For handlers: runs r->job on the pool and then r->cont with the
 * connection suspended meanwhile; false (nothing queued, the handler
 * answers 503) when the pool is full. */
bool srv_req_await(srv_req *r, void (*cont)(srv_req *r, srv_resp *p));
/* For the request layer, after the handler asked to wait: suspends the
 * connection unless the job is already done (true when suspended). */
bool srv_await_suspend(srv_await *a);
/* The connection was resumed (or never suspended): before r->cont runs. */
void srv_await_resumed(srv_await *a);
/* The waiting request has been answered. */
void srv_await_finished(void);
/* Shutdown: waits up to seconds for every waiting request's answer. */
void srv_await_drain(int seconds);

/* pwcheck.c: password rules of sign-up.  NULL when pw is acceptable for
 * the (lower-cased) e-mail address, else the [signup] key of what is wrong. */
hoshi_err srv_pwcheck_init(void);
void srv_pwcheck_free(void);
const char *srv_pwcheck(const char *pw, const char *email);

/* connwatch.c: the total time allowed for a request's headers. */
hoshi_err srv_connwatch_start(int limit_s, srv_connwatch **out);
void srv_connwatch_stop(srv_connwatch *w);
void srv_connwatch_opened(srv_connwatch *w, void *conn, void **socket_context);
void srv_connwatch_closed(srv_connwatch *w, void **socket_context);
/* receiving: the connection now waits for a request's headers (the clock
 * restarts); false: they have arrived. */
void srv_connwatch_mark(srv_connwatch *w, void *conn, bool receiving);

/* --- mailer.c, mail_send.c: e-mail (issue 11 part 4) */
/* Bytes of the lists of recipients gathered before queueing (a buffer of
 * records: about a million reminders or invitations). */
#define SRV_MAIL_LIST_MAX ((size_t)1 << 30)
/* Starts the sender thread (*out NULL, and HOSHI_OK, when the
 * configuration names neither --smtp nor --mail-dir). */
hoshi_err srv_mailer_start(srv *s, srv_mailer **out);
/* Ends the thread after the message it is sending, if any (NULL: nothing). */
void srv_mailer_stop(srv_mailer *ml);
/* mail_wake.c: the sender waits (at most seconds; false once told to
 * stop), the queueing side signals. */
hoshi_err srv_mailwake_new(srv_mailwake **out);
void srv_mailwake_free(srv_mailwake *w);
void srv_mailwake_signal(srv_mailwake *w);
void srv_mailwake_stop(srv_mailwake *w);
bool srv_mailwake_wait(srv_mailwake *w, int seconds);
hoshi_err srv_mail_load(srv *s);
void srv_mail_free(srv *s);
/* The subject and body (malloc'd, the caller frees both) of message
 * `kind` of mail.ini in lang, {name} replaced from vars (name/value pairs,
 * NULL-terminated; control characters in a subject value become spaces). */
hoshi_err srv_mail_render(srv *s, const char *kind, hoshi_lang lang, const char *const *vars,
                          char **subject, char **body);
/* The API for the rest of the server: renders message `kind` for `to` and
 * queues it in the outbox (sent by the mailer, kept across restarts).
 * key (NULL: none) makes it idempotent: *queued (may be NULL) is false
 * when a message with that key was queued before.  HOSHI_ERR_INPUT when
 * `to` is not a plain address. */
hoshi_err srv_mail_send(srv *s, const char *kind, hoshi_lang lang, const char *to, const char *const *vars,
                        const char *key, bool *queued);
/* Queues the 12-month re-diagnosis reminder of every declaration in force
 * declared a year or more before today, once per declaration. */
hoshi_err srv_mail_reminders(srv *s, hoshi_date today, long long *queued);
/* mail_remind_policy.c: queues the [policy_review] mail of every policy
 * version in force whose review day is on or before the cut-off (a month
 * after today), once per version; the mailer runs it after srv_mail_reminders. */
hoshi_err srv_mail_policy_reviews(srv *s, hoshi_date today, long long *queued);
/* The last review day that counts as due on `today` (a month ahead). */
void srv_policy_review_cutoff(hoshi_date today, char out[16]);
/* Whether a version reviewed on review_on is due (near or past) today. */
bool srv_policy_review_due(const char *review_on, hoshi_date today);

/* --- withdraw_reasons.c: the operator's reasons for a withdrawal (issue
 * 11 part 6), from data/registry/withdraw_reasons.ini */
hoshi_err srv_reasons_load(srv *s);
void srv_reasons_free(srv *s);
size_t srv_reasons_count(const srv *s);
/* The i-th key (0-based), in the order the form offers them. */
const char *srv_reason_key(const srv *s, size_t i);
bool srv_reason_ok(const srv *s, const char *key);
/* The public label of key in lang (the key itself when it is not listed,
 * e.g. removed from the file after it was used). */
const char *srv_reason_label(const srv *s, const char *key, hoshi_lang lang);
/* --- page_cases.c, page_support.c: case studies and support services
 * (issue 13 parts 3, 4), the operator's data read once at start. */
hoshi_err srv_cases_load(srv *s);
void srv_cases_free(srv *s);
hoshi_err srv_support_load(srv *s);
void srv_support_free(srv *s);
void srv_page_cases(srv_req *r, srv_resp *p);
void srv_page_case(srv_req *r, srv_resp *p, const char *id);
void srv_page_support(srv_req *r, srv_resp *p);
/* The dashboard's block: the case closest to org's size and industry. */
void srv_case_block(hoshi_buf *b, srv_req *r, const hoshi_org *org);
/* The result page's block: each action of the plan of answers with a
 * link to the services that help with it (/support?item=N). */
void srv_plan_support(hoshi_buf *b, srv_req *r, const hoshi_answer answers[HOSHI_DIAG_ITEMS]);
/* content_pages.c: what both share.  The folder: own (an option) or
 * DATADIR/sub. */
void srv_content_dir(const srv *s, const char *own, const char *sub, char *path, size_t size);
/* A number lo..hi of the query (digits only): 0 when absent or empty,
 * -1 when anything else. */
int srv_query_number(srv_req *r, const char *name, int lo, int hi);
/* "N entries" (section's count, {n}) or section's none when shown is 0. */
void srv_count_line(hoshi_buf *b, srv_req *r, const char *section, size_t shown);
/* --- page_operator_audit.c: the audit log (issue 11 part 6) */
/* Appends a row for an operator action on the store (action, declaration
 * or organisation, note); a failure is logged as store_error, and false. */
bool srv_audit(srv_req *r, const char *action, const char *decl_id, long long org_id, const char *note);
/* Queues the withdrawal notice of declaration d (withdrawn by the programme) to
 * its organisation's account address, once per declaration (page_operator_withdraw.c). */
void srv_withdrawal_notify(srv_req *r, const hoshi_decl *d);
void srv_page_operator_audit(srv_req *r, srv_resp *p);
void srv_page_operator_outbox(srv_req *r, srv_resp *p);

/* --- tpl.c: texts and templates */
hoshi_err srv_tpl_load(srv *s);
void srv_tpl_free(srv *s);
/* A text of web.ini ([section] key, else [common] key); never NULL. */
const char *srv_text(srv_req *r, const char *section, const char *key);
/* The n-th value (0-based) of a list in web.ini, or NULL. */
const char *srv_text_nth(srv_req *r, const char *section, const char *key, size_t n);
/* Renders template `name`: {x} takes the value of x from vars (already
 * safe HTML, written verbatim; nothing when not set), {@key} the
 * HTML-escaped text `key` of `section` in web.ini. */
void srv_tpl_render(hoshi_buf *b, srv_req *r, const char *name, const char *section,
                    const char *const *vars);
/* Wraps body_html in the layout and makes it the response. */
void srv_page_finish(srv_req *r, srv_resp *p, const char *title, hoshi_buf *body);
/* A short page with a title and a message (errors, 404, 403).  A 5xx
 * page logs its cause (hoshi_error_detail()) as event error_page. */
void srv_page_message(srv_req *r, srv_resp *p, int status, const char *key);
/* The page for a store operation `op` that failed with err: logged as
 * event store_error with the detail, then 503 "your change was not saved,
 * try again" when `saving`, else 500.  Never a success, never a 404. */
void srv_page_store_error(srv_req *r, srv_resp *p, const char *op, bool saving);
void srv_redirect(srv_resp *p, const char *location);
/* Appends the HTML of an error message for field `key` if `errs` names it. */
void srv_field_error(hoshi_buf *b, srv_req *r, const char *section, const char *err_key);
/* Hidden CSRF input. */
void srv_csrf_input(hoshi_buf *b, srv_req *r);

/* --- cache.c: public responses, invalidated by the store's generation */
hoshi_err srv_cache_new(srv_cache **out);
void srv_cache_free(srv_cache *c);
/* The generation public pages are cached at: the store's (public data
 * written by this process or another) plus the key file's loads (pages
 * carry signed tokens and the public keys).  Looks at both each time. */
long long srv_cache_generation(srv_req *r);
bool srv_cache_get(srv_cache *c, const char *key, long long gen, srv_resp *p);
void srv_cache_put(srv_cache *c, const char *key, long long gen, const srv_resp *p);

/* --- pages */
void srv_route(srv_req *r, srv_resp *p);
void srv_page_home(srv_req *r, srv_resp *p);
void srv_page_signup(srv_req *r, srv_resp *p);
void srv_page_login(srv_req *r, srv_resp *p);
void srv_page_logout(srv_req *r, srv_resp *p);
void srv_page_dashboard(srv_req *r, srv_resp *p);
void srv_page_profile(srv_req *r, srv_resp *p);
void srv_page_star1(srv_req *r, srv_resp *p);
void srv_page_diag_part(srv_req *r, srv_resp *p, int part);
void srv_page_diag_autosave(srv_req *r, srv_resp *p);
void srv_page_diag_result(srv_req *r, srv_resp *p, long long id, bool print);
void srv_page_history(srv_req *r, srv_resp *p);
void srv_page_policy(srv_req *r, srv_resp *p);
/* --- badge_name.c: the organisation's name on the badge */
#define SRV_BADGE_NAME_CELLS 24
/* name shortened to SRV_BADGE_NAME_CELLS half-width cells (legal forms
 * abbreviated, then cut with "…") into out. */
void srv_badge_name(const char *name, char *out, size_t size);
/* --- page_stepup.c: telling of a step-up from ★ to ★★ (issue 11 part 7) */
/* HOSHI_OK with *now the declaration that replaced d when d was withdrawn
 * by stepping up; HOSHI_ERR_NOTFOUND when d is in force or was withdrawn
 * otherwise; another error when the store failed. */
hoshi_err srv_decl_superseded_by(srv_req *r, const hoshi_decl *d, hoshi_decl *now);
/* Queues the [stepup_notice] mail to the organisation's owner (once per
 * old ID); a failure is logged, never shown: the step-up stands. */
void srv_stepup_notify(srv_req *r, const hoshi_org *org, const char *old_id, const char *new_id);
/* The notice on the declaration page after a step-up. */
void srv_stepup_notice(hoshi_buf *b, srv_req *r, const char *old_id, const char *new_id);
void srv_page_policy_public(srv_req *r, srv_resp *p, long long org_id);
/* Writes a policy's plain text as HTML (page_policy_public.c): a line
 * underlined with '=' becomes an h<top>, with '-' an h<top + 1>, "(n)"
 * lines an ordered list, other lines paragraphs, every text escaped; no
 * underline character is left.  True when it wrote an h<top>. */
bool srv_policy_text_html(hoshi_buf *b, const char *text, int top);
void srv_page_declare(srv_req *r, srv_resp *p);
void srv_page_withdraw(srv_req *r, srv_resp *p);
void srv_page_verify(srv_req *r, srv_resp *p, const char *id);
void srv_page_badge(srv_req *r, srv_resp *p, const char *id);
void srv_page_qr(srv_req *r, srv_resp *p, const char *id);
void srv_page_registry(srv_req *r, srv_resp *p);
void srv_page_operator(srv_req *r, srv_resp *p);
void srv_page_operator_withdraw(srv_req *r, srv_resp *p);
/* True for an operator; anyone else gets the 404 page (a POST is logged
 * as a security event) and false. */
bool srv_need_operator(srv_req *r, srv_resp *p);
/* --- page_identity.c, page_operator_disputes.c: the 法人番号 against the
 * National Tax Agency's register, disputes, history (issue 11 parts 1, 2).
 * The web.ini key ([declare], [profile]) refusing a declaration or a
 * rename for the verdict, NULL when it passes. */
const char *srv_nta_refusal(hoshi_nta_verdict v);
/* The register's line of the verification page's facts for d (nothing
 * when unchecked); false when the store failed. */
bool srv_nta_facts(srv_req *r, hoshi_buf *b, const hoshi_decl *d);
/* The dated changes of a declared organisation (nothing when none);
 * false when the store failed. */
bool srv_org_history(srv_req *r, hoshi_buf *b, long long org_id);
void srv_page_operator_disputes(srv_req *r, srv_resp *p);
/* --- page_operator_registry.c: the registry's tables, and the dataset
 * they are counted from, kept per language until the store's generation
 * moves (the texts around tables from datadir, NULL: the default). */
void srv_page_operator_registry(srv_req *r, srv_resp *p);
hoshi_err srv_regcache_new(const char *datadir, srv_regcache **out);
void srv_regcache_free(srv_regcache *c);
/* --- page_operator_survey*.c: the operator's surveys (issue 9 items 3, 5).
 * /operator/surveys lists and creates; /operator/surveys/{id}[/what] is
 * one survey's page, preview, dates, close, invitations, tables and
 * downloads (the handler reads the tail after the prefix). */
void srv_page_operator_surveys(srv_req *r, srv_resp *p);
void srv_page_operator_survey(srv_req *r, srv_resp *p, const char *tail);
/* The parts of one survey's pages, each given the survey as read today
 * (definition included) and its parsed form. */
void srv_survey_invite(srv_req *r, srv_resp *p, const hoshi_survey *sv, bool issue);
void srv_survey_tables(srv_req *r, srv_resp *p, const hoshi_survey *sv, const char *what);
/* Appends to b the invitation conditions' form fields (level, prefecture,
 * industry, size) as chosen in the request. */
void srv_survey_filter_fields(hoshi_buf *b, srv_req *r);
/* The conditions of the request (query for GET, form for POST); false
 * when a value is not one of its choices.  f->industry points into the
 * request. */
bool srv_survey_filter_read(srv_req *r, hoshi_invite_filter *f);
/* page_operator_registry.c: the tables of ts as a page shows them: the
 * engine's chart (its table ids prefixed by key, unique in a page of
 * several charts) and its HTML table up to the notes, appended to b. */
hoshi_err srv_tab_section(hoshi_buf *b, const hoshi_tabset *ts, const hoshi_tab_render_opts *opts,
                          const char *key);
/* A survey's analysis data, built from its submitted responses and kept
 * per survey and language until another response is submitted. */
typedef struct srv_svfa {
    hoshi_org_attrs who;          /* the respondent's attributes, never the organisation */
    size_t question;              /* index among hoshi_form_question() */
    char *text;
} srv_svfa;
typedef struct srv_svdata {
    long long survey_id, submitted;
    hoshi_lang lang;
    hoshi_form *form;
    hoshi_dataset *ds;            /* the export's columns and its R__NAME "shown" columns */
    srv_svfa *fa;                 /* free answers by respondent, in form order */
    size_t n_fa;
    unsigned long long used;
} srv_svdata;
hoshi_err srv_svcache_new(srv_svcache **out);
void srv_svcache_free(srv_svcache *c);
/* Locks the cache and gives the current data of sv in lang (built when
 * missing or older than sv's submitted count); the caller calls
 * srv_svdata_release() when done with it, on success or failure. */
hoshi_err srv_svdata_get(srv *s, const hoshi_survey *sv, hoshi_lang lang, const srv_svdata **out);
void srv_svdata_release(srv *s);
/* The export of sv in enc (as `hoshi survey export` writes it); *cb and
 * *data malloc'd, the caller frees both. */
hoshi_err srv_survey_export(srv *s, const hoshi_survey *sv, hoshi_lang lang, hoshi_encoding enc,
                            char **cb, size_t *cb_len, char **data, size_t *data_len);
/* --- demo_survey.c: the 2018 questionnaire as a closed demo survey
 * answered by the demo organisations, once. */
hoshi_err srv_seed_demo_survey(srv *s, const hoshi_datafile *ini);
void srv_api_declarations(srv_req *r, srv_resp *p);
/* --- survey_forms.c: questionnaires parsed once per survey (issue 9) */
hoshi_err srv_surveyforms_new(const char *datadir, srv_surveyforms **out);
void srv_surveyforms_free(srv_surveyforms *c);
/* The respondent messages (survey.ini) in lang; owned by the cache. */
const hoshi_form_texts *srv_surveyforms_texts(srv_surveyforms *c, hoshi_lang lang);
/* The parsed questionnaire of survey_id: the cache's (shared, read-only)
 * or, when *owned, the caller's to free with hoshi_form_free(). */
hoshi_err srv_surveyforms_get(srv_surveyforms *c, hoshi_store *st, long long survey_id,
                              const char *today, hoshi_form **form, bool *owned);
/* --- page_survey_answer.c: answering a survey (issue 9 item 4) */
void srv_page_survey_token(srv_req *r, srv_resp *p, const char *token);
void srv_page_survey_owner(srv_req *r, srv_resp *p, long long survey_id, bool print);
void srv_page_survey_thanks(srv_req *r, srv_resp *p);
/* The pages about the site (page_site.c): terms of use, privacy notice,
 * contact, and who runs the registry; texts from --site-dir or DATADIR/site. */
void srv_page_terms(srv_req *r, srv_resp *p);
void srv_page_privacy(srv_req *r, srv_resp *p);
void srv_page_contact(srv_req *r, srv_resp *p);
void srv_page_about(srv_req *r, srv_resp *p);
/* survey_render.c: the items of page pg as accessible controls with the
 * answers of a and the problems pr (may be NULL); reshow: the page comes
 * back after a POST, so a refused typed value is shown again. */
void srv_survey_render_items(hoshi_buf *b, srv_req *r, const hoshi_form_page *pg, const hoshi_answers *a,
                             const hoshi_form_problems *pr, bool reshow);
/* The same markup read-only for the operator's preview: every item of pg
 * shown whatever its routing (the condition written out), every control
 * disabled; a is an empty hoshi_answers of the form (borrowed). */
void srv_survey_render_preview(hoshi_buf *b, srv_req *r, const hoshi_form_page *pg, const hoshi_answers *a);
/* Every answer of a as JSON {"NAME":["v",...],...} for app.js. */
void srv_survey_answers_json(hoshi_buf *b, const hoshi_answers *a);
/* The dashboard's "a survey is waiting for you" block (nothing when none). */
hoshi_err srv_survey_pending_block(srv_req *r, long long org_id, hoshi_buf *b);
void srv_api_declaration(srv_req *r, srv_resp *p, const char *id);

/* --- signed declarations (issue 11, part 5; page_signed.c) */
/* The server's signing keys from the key file at path (made with a first
 * key when missing, as hoshi_keyring_open does).  Freed by srv_keys_free. */
hoshi_err srv_keys_open(const char *path, srv_keys **out);
void srv_keys_free(srv_keys *k);
/* Loads the key file again when it changed since last looked at (hoshi
 * keys rotate while the server runs; a file that cannot be read is logged
 * and the keys in force stay); returns the number of loads since start,
 * which the cache's generation includes (pages carry tokens and keys). */
long long srv_keys_refresh(srv_req *r);
/* GET /api/v1/keys: the public keys that verify the tokens. */
void srv_api_keys(srv_req *r, srv_resp *p);
/* Appends the token of d (hoshi/sign.h) to b; false (b unchanged, the
 * failure logged) when it cannot be made. */
bool srv_decl_token(srv_req *r, const hoshi_decl *d, hoshi_buf *b);

/* --- accounts (issue 11 part 3): members and roles, invitations, password
 * reset and change, e-mail change, deletion (acct_token.c, page_members.c,
 * page_reset.c, page_settings.c). */
#define SRV_ACCT_TOKEN_LEN 43     /* a link's secret: 32 bytes, base64url */
/* A fresh link secret and the digest the store keeps of it. */
void srv_acct_token_new(char token[SRV_ACCT_TOKEN_LEN + 1], char digest[HOSHI_STORE_TOKEN]);
/* The digest of a secret taken from a link; false when not shaped like one. */
bool srv_acct_token_digest(const char *token, char digest[HOSHI_STORE_TOKEN]);
/* Queues mail `kind` (mail.ini) to `to` in the request's language with
 * {url} = the public base + path + token, {email} = to, and vars
 * (name/value pairs, NULL-terminated, may be NULL); false (logged) when
 * it could not be queued. */
bool srv_acct_mail(srv_req *r, const char *kind, const char *to, const char *path, const char *token,
                   const char *const *vars);
/* An e-mail address as typed: blanks around it trimmed, lower-cased, into
 * out (or "" when far too long); true when it is a plain address. */
bool srv_acct_email(const char *raw, char out[SRV_EMAIL_MAX + 1]);
/* srv_need_login, then the session's member record into *m; on failure
 * the response is made and it returns false. */
bool srv_member_load(srv_req *r, srv_resp *p, hoshi_member *m);
/* True for the organisation's owner (its record into *m unless NULL);
 * anyone else gets 403 (logged), nobody logged in the log-in page. */
bool srv_need_owner(srv_req *r, srv_resp *p, hoshi_member *m);
/* Runs the password pool on password: verified against verify_hash, or
 * hashed when that is NULL; then cont.  False (a 503 page made) when the
 * pool is full.  A continuation may call it again (http.c). */
bool srv_pw_await(srv_req *r, srv_resp *p, const char *password, const char *verify_hash,
                  void (*cont)(srv_req *r, srv_resp *p));
/* True for a local path to return to after log-in: "/…", not "//…",
 * plain path characters only, no dot segment. */
bool srv_local_path(const char *s);
void srv_page_members(srv_req *r, srv_resp *p);
void srv_page_members_invite(srv_req *r, srv_resp *p);
void srv_page_members_revoke(srv_req *r, srv_resp *p);
void srv_page_members_remove(srv_req *r, srv_resp *p);
void srv_page_members_owner(srv_req *r, srv_resp *p);
void srv_page_invite(srv_req *r, srv_resp *p, const char *token);
void srv_page_password_forgot(srv_req *r, srv_resp *p);
void srv_page_password_reset(srv_req *r, srv_resp *p, const char *token);
void srv_page_account(srv_req *r, srv_resp *p);
void srv_page_account_password(srv_req *r, srv_resp *p);
void srv_page_account_email(srv_req *r, srv_resp *p);
void srv_page_email_confirm(srv_req *r, srv_resp *p, const char *token);
void srv_page_account_delete(srv_req *r, srv_resp *p);
/* The step-up box of the dashboard (page_stepup_guide.c) for an
 * organisation whose declaration in force is ★: appends it to out, with
 * the two steps of ★★ marked done by diagnosed (a finished diagnosis) and
 * published (a published policy), and the principles org marked "will
 * work on it". */
void srv_stepup_guide(hoshi_buf *out, srv_req *r, const hoshi_org *org, bool diagnosed, bool published);

/* --- the supply chain (issue 13 part 5): a client's suppliers at
 * /suppliers (page_suppliers.c, suppliers_check.c), the invitation link
 * and a supplier's consent to its clients (page_supplier_link.c), the
 * notice of a supplier's withdrawal (mail_suppliers.c). */
#define SRV_SUPPLIERS_UPLOAD_PATH "/suppliers/upload"
#define SRV_SUPPLIERS_UPLOAD_MAX (256 * 1024)   /* bytes of an uploaded list */
/* One entry as typed or read from a CSV line, checked. */
typedef struct srv_supplier_row {
    size_t line;                  /* of the CSV file, 0 for the form */
    char number[HOSHI_CORPNUM_LEN + 1];
    bool is_corpnum;              /* number is a 法人番号, else a declaration ID */
    char name[HOSHI_SUPPLIER_NAME];
    char email[SRV_EMAIL_MAX + 1];
} srv_supplier_row;
/* Checks the typed number (法人番号 or declaration ID, full-width digits
 * and hyphens allowed), name and e-mail address (may be empty) into *row;
 * each refusal is appended as HTML to err[0] (number), err[1] (name) or
 * err[2] (e-mail).  False when anything was refused; a memory failure of
 * the text rule sets *fault. */
bool srv_supplier_check(srv_req *r, const char *number, const char *name, const char *email,
                        srv_supplier_row *row, hoshi_buf *err[3], bool *fault);
/* Reads an uploaded list (UTF-8 or CP932 CSV: number, name, e-mail; an
 * optional header line) against the entries already listed (have[0..nh)):
 * the good rows into *rows (malloc'd, the caller frees), every refused
 * line as an <li> into errs.  False when the file could not be read at
 * all (errs says why) or memory ran out (*fault). */
bool srv_supplier_csv(srv_req *r, const char *raw, size_t len, const hoshi_supplier *have, size_t nh,
                      srv_supplier_row **rows, size_t *n, hoshi_buf *errs, size_t *n_errs, bool *fault);
/* The positive id in form field name, or 0 (suppliers_check.c). */
long long srv_supplier_form_id(srv_req *r, const char *name);
/* The body cap of a multipart upload to url, 0 when url takes none (upload.c). */
size_t srv_upload_cap(const char *url);
void srv_page_suppliers(srv_req *r, srv_resp *p);
void srv_page_suppliers_add(srv_req *r, srv_resp *p);
void srv_page_suppliers_upload(srv_req *r, srv_resp *p);
void srv_page_suppliers_remove(srv_req *r, srv_resp *p);
void srv_page_suppliers_invite(srv_req *r, srv_resp *p);
void srv_page_supplier_link(srv_req *r, srv_resp *p, const char *token);
void srv_page_clients(srv_req *r, srv_resp *p);
/* The hidden field that carries an invitation link's token through the
 * sign-up form (nothing when the visitor came without one), and what
 * sign-up does with it once org_id exists: records that it came through
 * the link (a failure is logged; the sign-up stands). */
void srv_supplier_via_field(hoshi_buf *b, srv_req *r);
void srv_supplier_signed_up(srv_req *r, long long org_id);
/* The day on or before which a last check makes the yearly re-check
 * overdue: twelve months before today, the rule of the re-diagnosis
 * reminder (mail_send.c). */
void srv_rediag_cutoff(hoshi_date today, char out[16]);
/* Queues [supplier_withdrawn] to each client whose listed supplier (of
 * every organisation, or supplier_org when not 0) has lost its declaration
 * since the entry was added, once per entry and declaration; the mailer
 * runs it for all with the reminders. */
hoshi_err srv_mail_supplier_withdrawals(srv *s, long long supplier_org, long long *queued);
/* The same for org_id right after a withdrawal; failures are logged. */
void srv_supplier_withdrawn(srv_req *r, long long org_id);

/* --- shared page helpers (pages_common.c) */
/* Appends the field error for *why in the visitor's language, naming the
 * field by its label ("会社名・屋号の3文字目に…"). */
void srv_text_error(hoshi_buf *b, srv_req *r, const char *label, const hoshi_text_problem *why,
                    size_t max_chars);

/* Template variables: each a name and a buffer of safe HTML. */
#define VARS_MAX 48
typedef struct srv_vars {
    char name[VARS_MAX][32];
    hoshi_buf val[VARS_MAX];
    const char *list[2 * VARS_MAX + 1];
    size_t n;
} srv_vars;
/* The buffer of variable `name` (created empty on first use). */
hoshi_buf *srv_var(srv_vars *v, const char *name);
/* Sets name to the HTML-escaped text. */
void srv_var_text(srv_vars *v, const char *name, const char *text);
/* Appends text that came from the store or a visitor as HTML, through
 * hoshi_text_sanitize: text saved before the input rule, or echoed back
 * after failing it, shows refused characters as U+FFFD, never invisible
 * or reordering ones, and never bytes that are not UTF-8. */
void srv_html_shown(hoshi_buf *b, const char *text);
/* Sets name to srv_html_shown(text). */
void srv_var_shown(srv_vars *v, const char *name, const char *text);
/* Sets name to the error paragraph of err_key in section, or nothing. */
void srv_var_error(srv_vars *v, srv_req *r, const char *name, const char *section, const char *err_key);
/* The name/value list for srv_tpl_render (valid until the next var call). */
const char *const *srv_vars_list(srv_vars *v);
void srv_vars_free(srv_vars *v);
/* After a redirect to ?done=1: sets "notice" to the status paragraph of
 * section's "done" text. */
void srv_var_done(srv_vars *v, srv_req *r, const char *section);
/* A table row across cols columns saying section's "none" (an empty list). */
void srv_none_row(hoshi_buf *b, srv_req *r, const char *section, int cols);
/* The common ending of a page handler: renders template `name` with the
 * texts of section `name` and the variables v, frees v, and finishes the
 * page titled by that section's "title". */
void srv_page_render(srv_req *r, srv_resp *p, const char *name, srv_vars *v);
/* Renders template name with the texts of section and the variables v into
 * b, and frees v; error variables ("err", "error", "err_FIELD") become an
 * error summary the focus goes to and fields marked aria-invalid and
 * described by their messages (form_errors.c). */
void srv_render_form(hoshi_buf *b, srv_req *r, const char *name, const char *section, srv_vars *v);
/* Redirects to the log-in page and returns false when nobody is logged in. */
bool srv_need_login(srv_req *r, srv_resp *p);
/* srv_need_login, then loads the session's organisation into *org; on failure
 * the response is already made and it returns false. */
bool srv_load_org(srv_req *r, srv_resp *p, hoshi_org *org);
/* <option>s of a <select>: first an empty choice labelled empty_label, then
 * the labels of attribute `which` (hoshi/attrs.h, attrs.ini), valued 1..
 * (or A.. when letters, as JSIC divisions are); the selected-th is marked. */
void srv_select_options(hoshi_buf *b, srv_req *r, const char *empty_label, hoshi_attr which,
                        int selected, bool letters);
const char *srv_prefecture_name(srv_req *r, int code);
const char *srv_industry_name(srv_req *r, const char *code);
/* "2026年11月22日" / "22 November 2026" from YYYY-MM-DD (or the input). */
const char *srv_fmt_date(srv_req *r, const char *iso, char *buf, size_t size);
/* The ★ / ★★ label. */
const char *srv_level_stars(int level);
/* Absolute URL base for links printed on badges and QR codes: --base-url,
 * else the listening address.  Never the Host header, which a client
 * chooses and which would end up in cached pages. */
void srv_base_url(srv_req *r, hoshi_buf *b);

#endif
