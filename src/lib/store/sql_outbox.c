/*
 * sql_outbox.c — the e-mail outbox in the SQL store (issue 11
 * part 4; hoshi/store_outbox.h): queueing (idempotent by key), the due
 * messages, marking sent or failed, giving up (dead letters), the
 * operator's counts and retry, and the recipient look-ups of the
 * sender (an organisation's address, the 12-month reminders due).
 */
#include "sql_int.h"
#include "alloc.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

void hoshi_outbox_msg_clear(hoshi_outbox_msg *m)
{
    if (m == NULL)
        return;
    free(m->body);
    m->body = NULL;
}

/* A control character (below U+0020 or DEL) anywhere in s: never in a
 * subject or an address, which become header lines. */
static bool has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return true;
    return false;
}

static hoshi_err check_new(const hoshi_outbox_new *m)
{
    if (m->to == NULL || m->to[0] == '\0' || m->kind == NULL || m->kind[0] == '\0')
        return hi_fail(HOSHI_ERR_INPUT, "outbox: a message needs a kind and a recipient");
    if (has_control(m->to) || has_control(m->subject) || has_control(m->kind))
        return hi_fail(HOSHI_ERR_INPUT, "outbox: control character in the recipient, kind or subject");
    hi_sq_field f[] = {
        HI_SQ_ASCII("outbox kind", m->kind, HOSHI_OUTBOX_KIND_CHARS),
        HI_SQ_ASCII("outbox recipient", m->to, HOSHI_STORE_EMAIL_CHARS),
        HI_SQ_UTF8("outbox subject", m->subject, HOSHI_OUTBOX_SUBJECT_CHARS),
        {"outbox body", m->body, HOSHI_OUTBOX_BODY_MAX, HOSHI_OUTBOX_BODY_MAX},
        HI_SQ_UTF8("outbox key", m->key, HOSHI_OUTBOX_KEY_CHARS),
    };
    return hi_sq_check(f, sizeof f / sizeof f[0]);
}

hoshi_err hi_sq_outbox_queue(hoshi_store *base, const hoshi_outbox_new *m, long long now, long long *id,
                             bool *queued)
{
    *queued = false;
    if (id != NULL)
        *id = 0;
    hoshi_err err = check_new(m);
    if (err != HOSHI_OK)
        return err;
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hi_stmt *st;
    /* A message already queued under the same key inserts nothing and
     * returns no row. */
    if ((err = hi_sq_prep(c, "INSERT INTO outbox(kind, rcpt, subject, body, dedup, created,"
                             " next_attempt) VALUES (?1, ?2, ?3, ?4, nullif(?5, ''), ?6, ?6)"
                             " ON CONFLICT DO NOTHING RETURNING id", &st)) != HOSHI_OK)
        goto release;
    hi_bind_text(st, 1, m->kind);
    hi_bind_text(st, 2, m->to);
    hi_bind_text(st, 3, m->subject);
    hi_bind_text(st, 4, m->body);
    hi_bind_text(st, 5, m->key);
    hi_bind_int64(st, 6, now);
    int rc = hi_step(st);
    if (rc == HI_ROW) {
        *queued = true;
        if (id != NULL)
            *id = hi_col_int64(st, 0);
    } else if (rc != HI_DONE) {
        err = hi_sq_fail(c, "queue message");
    }
    hi_sq_done(st);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}

#define MSG_COLS "id, kind, rcpt, subject, body, created, next_attempt, coalesce(sent, 0), attempts, last_error," \
                 " coalesce(failed, 0)"

static void copy_msg(hi_stmt *st, void *rec)
{
    hoshi_outbox_msg *m = rec;
    memset(m, 0, sizeof *m);
    m->id = hi_col_int64(st, 0);
    hi_sq_text(st, 1, m->kind, sizeof m->kind);
    hi_sq_text(st, 2, m->to, sizeof m->to);
    hi_sq_text(st, 3, m->subject, sizeof m->subject);
    m->created = hi_col_int64(st, 5);
    m->next_attempt = hi_col_int64(st, 6);
    m->sent = hi_col_int64(st, 7);
    m->attempts = hi_col_int(st, 8);
    hi_sq_text(st, 9, m->last_error, sizeof m->last_error);
    m->failed = hi_col_int64(st, 10);
}

static hoshi_err finish_msg(hi_stmt *st, void *rec)
{
    hoshi_outbox_msg *m = rec;
    const char *body = hi_col_text(st, 4);
    m->body = hi_strdup(body ? body : "");
    return m->body ? HOSHI_OK : hi_fail(HOSHI_ERR_NOMEM, "outbox: no memory for a message body");
}

static void bind_due(hi_stmt *st, const void *ctx)
{
    hi_bind_int64(st, 1, *(const long long *)ctx);
}

hoshi_err hi_sq_outbox_due(hoshi_store *base, long long now, hoshi_outbox_msg *out, size_t max, size_t *n)
{
    memset(out, 0, max * sizeof *out);
    hi_sq_query q = {"SELECT " MSG_COLS " FROM outbox WHERE sent IS NULL AND failed IS NULL AND next_attempt <= ?1"
                     " ORDER BY next_attempt, id",
                     bind_due, &now, copy_msg, finish_msg, "outbox messages", NULL};
    hoshi_err err = hi_sq_readn(base, &q, out, sizeof *out, max, n);
    if (err != HOSHI_OK)
        for (size_t i = 0; i < max; i++)
            hoshi_outbox_msg_clear(&out[i]);
    return err;
}

hoshi_err hi_sq_outbox_get(hoshi_store *base, long long id, hoshi_outbox_msg *out)
{
    memset(out, 0, sizeof *out);
    hi_sq_query q = {"SELECT " MSG_COLS " FROM outbox WHERE id = ?1", hi_sq_bind_key_id, &id, copy_msg,
                     finish_msg, "outbox message", "no such outbox message"};
    return hi_sq_read1(base, &q, out);
}

typedef struct mark_ctx {
    long long id, when;
    const char *error;
} mark_ctx;

static void bind_mark(hi_stmt *st, const void *ctx)
{
    const mark_ctx *m = ctx;
    hi_bind_int64(st, 1, m->id);
    hi_bind_int64(st, 2, m->when);
    if (m->error != NULL)
        hi_bind_text(st, 3, m->error);
}

static hoshi_err mark(hoshi_store *base, const char *sql, const mark_ctx *m)
{
    int changes = 0;
    hoshi_err err = hi_sq_write1(base, sql, bind_mark, m, &changes);
    if (err == HOSHI_OK && changes != 1)
        err = hi_fail(HOSHI_ERR_NOTFOUND, "no unsent outbox message %lld", m->id);
    return err;
}

struct claim_args {
    long long id, now, until;
};

static void bind_claim(hi_stmt *st, const void *ctx)
{
    const struct claim_args *a = ctx;
    hi_bind_int64(st, 1, a->id);
    hi_bind_int64(st, 2, a->now);
    hi_bind_int64(st, 3, a->until);
}

/* One UPDATE decides between senders: the row changes for the first only. */
hoshi_err hi_sq_outbox_claim(hoshi_store *base, long long id, long long now, long long until, bool *claimed)
{
    *claimed = false;
    struct claim_args a = {id, now, until};
    int changes = 0;
    hoshi_err err = hi_sq_write1(base, "UPDATE outbox SET next_attempt = ?3 WHERE id = ?1 AND sent IS NULL"
                                       " AND failed IS NULL AND next_attempt <= ?2", bind_claim, &a, &changes);
    *claimed = err == HOSHI_OK && changes == 1;
    return err;
}

hoshi_err hi_sq_outbox_sent(hoshi_store *base, long long id, long long now)
{
    mark_ctx m = {id, now, NULL};
    return mark(base, "UPDATE outbox SET sent = ?2, attempts = attempts + 1, last_error = ''"
                      " WHERE id = ?1 AND sent IS NULL", &m);
}

/* The error of a failed attempt cut to its limit, control and non-ASCII
 * bytes as '?', so a long or odd error never makes the record of a
 * failure fail. */
static void cut_error(const char *error, char cut[HOSHI_OUTBOX_ERROR_CHARS + 1])
{
    size_t len = 0;
    for (const char *p = error ? error : ""; *p && len < HOSHI_OUTBOX_ERROR_CHARS; p++)
        cut[len++] = (*(const unsigned char *)p < 0x20 || *(const unsigned char *)p >= 0x7f) ? '?' : *p;
    cut[len] = '\0';
}

hoshi_err hi_sq_outbox_failed(hoshi_store *base, long long id, const char *error, long long next_attempt)
{
    char cut[HOSHI_OUTBOX_ERROR_CHARS + 1];
    cut_error(error, cut);
    mark_ctx m = {id, next_attempt, cut};
    return mark(base, "UPDATE outbox SET attempts = attempts + 1, next_attempt = ?2, last_error = ?3"
                      " WHERE id = ?1 AND sent IS NULL AND failed IS NULL", &m);
}

hoshi_err hi_sq_outbox_give_up(hoshi_store *base, long long id, const char *error, long long now)
{
    char cut[HOSHI_OUTBOX_ERROR_CHARS + 1];
    cut_error(error, cut);
    mark_ctx m = {id, now, cut};
    return mark(base, "UPDATE outbox SET attempts = attempts + 1, failed = ?2, last_error = ?3"
                      " WHERE id = ?1 AND sent IS NULL AND failed IS NULL", &m);
}

hoshi_err hi_sq_outbox_retry(hoshi_store *base, long long id, long long now)
{
    mark_ctx m = {id, now, NULL};
    int changes = 0;
    hoshi_err err = hi_sq_write1(base, "UPDATE outbox SET failed = NULL, attempts = 0, next_attempt = ?2"
                                       " WHERE id = ?1 AND sent IS NULL AND failed IS NOT NULL",
                                 bind_mark, &m, &changes);
    if (err == HOSHI_OK && changes != 1)
        err = hi_fail(HOSHI_ERR_NOTFOUND, "no given-up outbox message %lld", id);
    return err;
}

static void copy_counts(hi_stmt *st, void *rec)
{
    hoshi_outbox_counts *c = rec;
    c->queued = hi_col_int64(st, 0);
    c->sent = hi_col_int64(st, 1);
    c->failed = hi_col_int64(st, 2);
}

hoshi_err hi_sq_outbox_counts(hoshi_store *base, hoshi_outbox_counts *out)
{
    memset(out, 0, sizeof *out);
    hi_sq_query q = {"SELECT coalesce(sum(sent IS NULL AND failed IS NULL), 0),"
                     " coalesce(sum(sent IS NOT NULL), 0), coalesce(sum(failed IS NOT NULL), 0) FROM outbox",
                     NULL, NULL, copy_counts, NULL, "outbox counts", "no outbox counts"};
    return hi_sq_read1(base, &q, out);
}

hoshi_err hi_sq_outbox_dead(hoshi_store *base, hoshi_outbox_msg *out, size_t max, size_t *n)
{
    memset(out, 0, max * sizeof *out);
    /* The limit lets the database keep only the latest max while it
     * sorts, however many messages were given up. */
    long long limit = (long long)max;
    hi_sq_query q = {"SELECT " MSG_COLS " FROM outbox WHERE sent IS NULL AND failed IS NOT NULL"
                     " ORDER BY failed DESC, id DESC LIMIT ?1",
                     hi_sq_bind_key_id, &limit, copy_msg, finish_msg, "failed outbox messages", NULL};
    hoshi_err err = hi_sq_readn(base, &q, out, sizeof *out, max, n);
    if (err != HOSHI_OK)
        for (size_t i = 0; i < max; i++)
            hoshi_outbox_msg_clear(&out[i]);
    return err;
}

static void copy_email(hi_stmt *st, void *rec)
{
    hi_sq_text(st, 0, rec, HOSHI_STORE_EMAIL);
}

hoshi_err hi_sq_org_email(hoshi_store *base, long long org_id, char out[HOSHI_STORE_EMAIL])
{
    out[0] = '\0';
    hi_sq_query q = {"SELECT email FROM users WHERE org_id = ?1 ORDER BY role DESC, id LIMIT 1", hi_sq_bind_key_id,
                     &org_id, copy_email, NULL, "organisation address", "the organisation has no account"};
    return hi_sq_read1(base, &q, out);
}

static void copy_due(hi_stmt *st, hoshi_reminder_due *r)
{
    hi_sq_text(st, 0, r->decl_id, sizeof r->decl_id);
    r->level = hi_col_int(st, 1);
    hi_sq_text(st, 2, r->declared_on, sizeof r->declared_on);
    hi_sq_text(st, 3, r->org_name, sizeof r->org_name);
    hi_sq_text(st, 4, r->email, sizeof r->email);
}

hoshi_err hi_sq_reminders_due(hoshi_store *base, const char *cutoff, hoshi_reminder_fn fn, void *ctx)
{
    hoshi_err err = hi_sq_check_day("reminder cut-off", cutoff);
    if (err != HOSHI_OK)
        return err;
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hi_stmt *st;
    if ((err = hi_sq_prep(c, "SELECT d.id, d.level, d.declared_on, o.name,"
                             " (SELECT u.email FROM users u WHERE u.org_id = o.id ORDER BY u.id LIMIT 1) AS email"
                             " FROM declarations d JOIN orgs o ON o.id = d.org_id"
                             " WHERE d.status = 1 AND d.declared_on <= ?1 AND EXISTS (SELECT 1 FROM users x WHERE x.org_id = o.id)"
                             " ORDER BY d.seq", &st)) != HOSHI_OK)
        goto release;
    hi_bind_text(st, 1, cutoff);
    int rc;
    hoshi_reminder_due r;
    while ((rc = hi_step(st)) == HI_ROW) {
        memset(&r, 0, sizeof r);
        copy_due(st, &r);
        if ((err = hi_sq_read_ok(c, "reminders due")) != HOSHI_OK || (err = fn(ctx, &r)) != HOSHI_OK)
            break;
    }
    if (err == HOSHI_OK && rc != HI_DONE)
        err = hi_sq_fail(c, "reminders due");
    hi_sq_done(st);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}
