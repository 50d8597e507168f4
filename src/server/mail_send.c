/*
 * mail_send.c — what the rest of the server calls to send e-mail (issue
 * 11 part 4): srv_mail_send() makes a message from its template in
 * data/text/<lang>/mail.ini ([kind] subject and body lines, {name}
 * replaced by the caller's values) and queues it in the store's outbox,
 * then wakes the sender (through mail_wake.c).  Also the daily scan for 12-month
 * re-diagnosis reminders, which queues each declaration's reminder once
 * (keyed by its ID) however often it runs; the mailer runs the policy
 * review reminders (mail_remind_policy.c) after it.
 */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

hoshi_err srv_mail_load(srv *s)
{
    static const char *const langs[2] = {"ja", "en"};
    for (int l = 0; l < 2; l++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/text/%s/mail.ini", s->cfg.datadir ? s->cfg.datadir : HOSHI_DATADIR,
                 langs[l]);
        hoshi_err err = hoshi_datafile_load(path, &s->mailtext[l]);
        if (err != HOSHI_OK)
            return err;
    }
    return HOSHI_OK;
}

void srv_mail_free(srv *s)
{
    for (int l = 0; l < 2; l++) {
        hoshi_datafile_free(s->mailtext[l]);
        s->mailtext[l] = NULL;
    }
}

/* A value put into a subject: control characters become spaces, so a
 * value can never start a header line (the store refuses them anyway). */
static void subject_value(hoshi_buf *b, const char *v)
{
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        hoshi_buf_putc(b, (*p < 0x20 || *p == 0x7f) ? ' ' : (char)*p);
}

hoshi_err srv_mail_render(srv *s, const char *kind, hoshi_lang lang, const char *const *vars,
                          char **subject, char **body)
{
    *subject = *body = NULL;
    const hoshi_datafile *ini = s->mailtext[lang == HOSHI_LANG_EN ? 1 : 0];
    const char *subj = hoshi_datafile_get(ini, kind, "subject");
    size_t lines = hoshi_datafile_count(ini, kind, "body");
    if (subj == NULL || lines == 0)
        return hoshi_error_set(HOSHI_ERR_DATA, "mail.ini has no subject or body for [%s]", kind);
    hoshi_buf sb = HOSHI_BUF_INIT, bb = HOSHI_BUF_INIT;
    hoshi_buf_subst(&sb, subj, vars, subject_value);
    for (size_t i = 0; i < lines; i++) {
        hoshi_buf_subst(&bb, hoshi_datafile_nth(ini, kind, "body", i), vars, NULL);
        hoshi_buf_putc(&bb, '\n');
    }
    size_t len;
    hoshi_err err = hoshi_buf_finish(&sb, subject, &len);
    if (err == HOSHI_OK)
        err = hoshi_buf_finish(&bb, body, &len);
    hoshi_buf_free(&bb);
    if (err != HOSHI_OK) {
        free(*subject);
        *subject = NULL;
    }
    return err;
}

hoshi_err srv_mail_send(srv *s, const char *kind, hoshi_lang lang, const char *to, const char *const *vars,
                        const char *key, bool *queued)
{
    bool q = false;
    if (queued != NULL)
        *queued = false;
    if (!hoshi_mail_address_ok(to))
        return hoshi_error_set(HOSHI_ERR_INPUT, "mail: the recipient is not a plain address%s", "");
    char *subject = NULL, *body = NULL;
    hoshi_err err = srv_mail_render(s, kind, lang, vars, &subject, &body);
    if (err != HOSHI_OK)
        return err;
    hoshi_outbox_new m = {kind, to, subject, body, key};
    err = hoshi_store_outbox_queue(s->store, &m, (long long)time(NULL), NULL, &q);
    free(subject);
    free(body);
    if (queued != NULL)
        *queued = q;
    if (err == HOSHI_OK && q)
        srv_mailwake_signal(s->mailwake);
    return err;
}

/* --- the 12-month re-diagnosis reminders */

/* Collects the reminders due into a buffer used as an array (the walk
 * runs on a store connection, so nothing is queued during it). */
static hoshi_err collect(void *ctx, const hoshi_reminder_due *r)
{
    hoshi_buf *list = ctx;
    hoshi_buf_append(list, r, sizeof *r);
    return list->err == HOSHI_OK ? HOSHI_OK : hoshi_error_set(list->err, "reminders: no memory for the list");
}

/* The day twelve months before today (29 February gives 28 February). */
void srv_rediag_cutoff(hoshi_date today, char out[16])
{
    hoshi_date d = {today.year - 1, today.month, today.day};
    if (d.month == 2 && d.day == 29)
        d.day = 28;
    hoshi_date_iso(d, out, 16);
}

hoshi_err srv_mail_reminders(srv *s, hoshi_date today, long long *queued_out)
{
    char cutoff[16];
    srv_rediag_cutoff(today, cutoff);
    hoshi_buf list = HOSHI_BUF_INIT;
    list.limit = SRV_MAIL_LIST_MAX;
    long long queued = 0;
    hoshi_err err = hoshi_store_reminders_due(s->store, cutoff, collect, &list);
    size_t n = err == HOSHI_OK ? list.len / sizeof(hoshi_reminder_due) : 0;
    for (size_t i = 0; err == HOSHI_OK && i < n; i++) {
        const hoshi_reminder_due *r = (const hoshi_reminder_due *)(void *)list.data + i;
        if (!hoshi_mail_address_ok(r->email))
            continue;  /* an address the sender could not use: nothing to queue */
        char key[64], date_ja[40];
        hoshi_date d;
        snprintf(key, sizeof key, "rediag:%s", r->decl_id);
        if (hoshi_date_parse(r->declared_on, &d) == HOSHI_OK)
            hoshi_date_format(d, HOSHI_LANG_JA, date_ja, sizeof date_ja);
        else
            snprintf(date_ja, sizeof date_ja, "%s", r->declared_on);
        hoshi_buf url = HOSHI_BUF_INIT;
        hoshi_buf_printf(&url, "%s/diagnosis", s->base);
        const char *vars[] = {"org", r->org_name, "id", r->decl_id, "declared", date_ja, "stars",
                              srv_level_stars(r->level), "url", url.data ? url.data : "", NULL};
        bool q = false;
        err = srv_mail_send(s, "rediag", HOSHI_LANG_JA, r->email, vars, key, &q);
        hoshi_buf_free(&url);
        queued += q;
    }
    hoshi_buf_free(&list);
    if (queued_out != NULL)
        *queued_out = queued;
    return err;
}
