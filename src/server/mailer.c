/*
 * mailer.c — the sender thread of `hoshi serve` (issue 11 part 4).  It
 * takes due messages from the store's outbox and delivers each: over SMTP
 * with libcurl when --smtp names a server (the message is marked sent
 * only after the server accepted it), else as an .eml file in the spool
 * folder (--mail-dir, written whole or not at all).  A failed attempt is
 * recorded with its error and tried again after an exponential back-off
 * (--mail-retry seconds, doubled each time, at most six hours); after
 * --mail-attempts attempts it is given up: kept in the outbox as failed,
 * with its last error, for the operator to send again.  Since
 * the outbox is in the database, a message queued before a crash or a
 * stop is sent after the next start.  Once a day (and at start) it also
 * runs the 12-month reminder scan (mail_send.c).  The SMTP password is
 * never logged.
 */
#include "server.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH 16
#define BACKOFF_MAX (6 * 3600)
#define CLAIM_SECONDS 300 /* a claimed message waits this long for its sender: above CURLOPT_TIMEOUT */

struct srv_mailer {
    srv *s;
    pthread_t thread;
    char day[16];                 /* the day of the last reminder scan */
};

/* Feeds libcurl the message. */
typedef struct upload {
    const char *data;
    size_t len, off;
} upload;

static size_t read_cb(char *buf, size_t size, size_t n, void *ctx)
{
    upload *u = ctx;
    size_t want = size * n, left = u->len - u->off;
    size_t k = want < left ? want : left;
    memcpy(buf, u->data + u->off, k);
    u->off += k;
    return k;
}

/* Delivers msg over SMTP; on failure err gets why (never the password). */
static bool deliver_smtp(const srv_config *cfg, const char *to, const hoshi_buf *msg, char *why, size_t size)
{
    CURL *c = curl_easy_init();
    if (c == NULL) {
        snprintf(why, size, "libcurl could not start");
        return false;
    }
    struct curl_slist *rcpt = curl_slist_append(NULL, to);
    upload u = {msg->data, msg->len, 0};
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, cfg->mail_from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(c, CURLOPT_READDATA, &u);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    /* Credentials only over TLS (smtps://, or STARTTLS required). */
    if (cfg->smtp_user != NULL) {
        curl_easy_setopt(c, CURLOPT_USERNAME, cfg->smtp_user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->smtp_password ? cfg->smtp_password : "");
        curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    } else {
        curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    }
    bool ok = rcpt != NULL;
    CURLcode rc = ok ? curl_easy_perform(c) : CURLE_OUT_OF_MEMORY;
    if (rc != CURLE_OK) {
        long code = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
        snprintf(why, size, "%s (%ld)%s%s", curl_easy_strerror(rc), code, errbuf[0] ? ": " : "", errbuf);
        ok = false;
    }
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    return ok;
}

/* Writes msg into the spool folder as <id>-<kind>.eml. */
static bool deliver_spool(const srv_config *cfg, const hoshi_outbox_msg *m, const hoshi_buf *msg, char *why,
                          size_t size)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%08lld-%s.eml", cfg->mail_dir, m->id, m->kind);
    if (hoshi_file_write(path, msg->data, msg->len) != HOSHI_OK) {
        snprintf(why, size, "%s", hoshi_error_detail());
        return false;
    }
    return true;
}

static void log_msg(const char *level, const char *event, const hoshi_outbox_msg *m, const char *extra_k,
                    const char *extra_v)
{
    char id[24], att[24];
    snprintf(id, sizeof id, "%lld", m->id);
    snprintf(att, sizeof att, "%d", m->attempts + 1);
    srv_log(NULL, level, event, "id", id, "kind", m->kind, "attempt", att, extra_k, extra_v, (const char *)NULL);
}

static void send_one(srv_mailer *ml, const hoshi_outbox_msg *m)
{
    const srv_config *cfg = &ml->s->cfg;
    char msgid[80], why[512] = "";
    snprintf(msgid, sizeof msgid, "hoshi.%lld.%lld", m->id, m->created);
    hoshi_mail mail = {cfg->mail_from, m->to, m->subject, m->body, (time_t)m->created, msgid};
    hoshi_buf wire = HOSHI_BUF_INIT;
    bool ok;
    if (hoshi_mail_compose(&mail, &wire) != HOSHI_OK) {
        snprintf(why, sizeof why, "%s", hoshi_error_detail());
        ok = false;
    } else if (cfg->smtp_url != NULL) {
        ok = deliver_smtp(cfg, m->to, &wire, why, sizeof why);
    } else {
        ok = deliver_spool(cfg, m, &wire, why, sizeof why);
    }
    hoshi_buf_free(&wire);
    long long now = (long long)time(NULL);
    if (ok) {
        hoshi_err err = hoshi_store_outbox_sent(ml->s->store, m->id, now);
        log_msg(err == HOSHI_OK ? "info" : "error", "mail_sent", m, "result",
                err == HOSHI_OK ? "ok" : hoshi_error_detail());
        return;
    }
    if (m->attempts + 1 >= cfg->mail_attempts) {
        /* The last attempt: a dead letter, kept for the operator
         * (/operator/outbox), never tried again on its own. */
        hoshi_err err = hoshi_store_outbox_give_up(ml->s->store, m->id, why, now);
        log_msg("error", "mail_given_up", m, "error", err == HOSHI_OK ? why : hoshi_error_detail());
        return;
    }
    long long delay = cfg->mail_retry;
    for (int i = 0; i < m->attempts && delay < BACKOFF_MAX; i++)
        delay *= 2;
    if (delay > BACKOFF_MAX)
        delay = BACKOFF_MAX;
    hoshi_store_outbox_failed(ml->s->store, m->id, why, now + delay);
    log_msg("warn", "mail_failed", m, "error", why);
}

static void scan_reminders(srv_mailer *ml)
{
    char today[16];
    hoshi_date d = hoshi_date_today();
    hoshi_date_iso(d, today, sizeof today);
    if (strcmp(today, ml->day) == 0)
        return;
    /* The 12-month re-diagnosis reminders (mail_send.c), then the policy
     * review reminders (mail_remind_policy.c) and the notices of
     * suppliers' withdrawals (mail_suppliers.c), the same way. */
    long long n = 0, policy = 0, suppliers = 0;
    hoshi_err err = srv_mail_reminders(ml->s, d, &n);
    if (err == HOSHI_OK)
        err = srv_mail_policy_reviews(ml->s, d, &policy);
    if (err == HOSHI_OK)
        err = srv_mail_supplier_withdrawals(ml->s, 0, &suppliers);
    n += policy + suppliers;
    char num[24];
    snprintf(num, sizeof num, "%lld", n);
    srv_log(NULL, err == HOSHI_OK ? "info" : "error", "mail_reminders", "day", today, "queued", num,
            "result", err == HOSHI_OK ? "ok" : hoshi_error_detail(), (const char *)NULL);
    if (err == HOSHI_OK)
        memcpy(ml->day, today, sizeof ml->day);
}

static void *run(void *arg)
{
    srv_mailer *ml = arg;
    bool go_on = true;
    while (go_on) {
        scan_reminders(ml);
        hoshi_outbox_msg due[BATCH];
        size_t n = 0;
        if (hoshi_store_outbox_due(ml->s->store, (long long)time(NULL), due, BATCH, &n) != HOSHI_OK)
            srv_log(NULL, "error", "mail_outbox", "result", hoshi_error_detail(), (const char *)NULL);
        for (size_t i = 0; i < n; i++) {
            /* Servers sharing the database share the outbox: each message
             * goes to the one sender that claims it, for longer than one
             * SMTP attempt may take. */
            bool mine = false;
            long long now = (long long)time(NULL);
            if (hoshi_store_outbox_claim(ml->s->store, due[i].id, now, now + CLAIM_SECONDS, &mine) != HOSHI_OK)
                srv_log(NULL, "error", "mail_outbox", "result", hoshi_error_detail(), (const char *)NULL);
            if (mine)
                send_one(ml, &due[i]);
            hoshi_outbox_msg_clear(&due[i]);
        }
        /* A full batch may have more behind it: look again at once. */
        go_on = srv_mailwake_wait(ml->s->mailwake, n == BATCH ? 0 : 1);
    }
    return NULL;
}

hoshi_err srv_mailer_start(srv *s, srv_mailer **out)
{
    *out = NULL;
    if (s->cfg.smtp_url == NULL && s->cfg.mail_dir == NULL) {
        srv_log(NULL, "warn", "mail_off", "detail", "no --smtp or --mail-dir: messages wait in the outbox",
                (const char *)NULL);
        return HOSHI_OK;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return hoshi_error_set(HOSHI_ERR_INTERNAL, "libcurl failed to initialise");
    srv_mailer *ml = calloc(1, sizeof *ml);
    if (ml == NULL)
        return hoshi_error_set(HOSHI_ERR_NOMEM, "no memory for the mailer");
    ml->s = s;
    if (pthread_create(&ml->thread, NULL, run, ml) != 0) {
        free(ml);
        return hoshi_error_set(HOSHI_ERR_INTERNAL, "cannot start the mailer thread");
    }
    srv_log(NULL, "info", "mail_on", "via", s->cfg.smtp_url ? "smtp" : "spool", (const char *)NULL);
    *out = ml;
    return HOSHI_OK;
}

void srv_mailer_stop(srv_mailer *ml)
{
    if (ml == NULL)
        return;
    srv_mailwake_stop(ml->s->mailwake);
    pthread_join(ml->thread, NULL);
    free(ml);
    curl_global_cleanup();
}
