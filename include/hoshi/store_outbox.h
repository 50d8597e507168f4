/*
 * store_outbox.h — the outbox of e-mail in the store (issue 11 part 4):
 * every message the server means to send is first written here, whole
 * (recipient, subject, body text, kind), and only marked sent once a mail
 * server has accepted it or it was written to the spool folder; so a
 * message acknowledged by hoshi_store_outbox_queue survives a crash and
 * is sent after a restart.  Failed attempts are counted with the last
 * error and the time of the next try (the sender's back-off); after the
 * sender's last attempt a message is given up: kept as failed (a dead
 * letter), never tried again unless the operator sends it again.  Also here:
 * the recipients the sender looks up (an organisation's address, the
 * declarations due for their 12-month reminder).  Errors as in
 * hoshi/store.h.
 */
#ifndef HOSHI_STORE_OUTBOX_H
#define HOSHI_STORE_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/error.h"
#include "hoshi/store.h"
#include "hoshi/store_accounts.h"
#include "hoshi/store_registry.h"

#define HOSHI_OUTBOX_KIND_CHARS 32
#define HOSHI_OUTBOX_SUBJECT_CHARS 200
#define HOSHI_OUTBOX_BODY_MAX (64 * 1024)   /* bytes of a body text */
#define HOSHI_OUTBOX_KEY_CHARS 128
#define HOSHI_OUTBOX_ERROR_CHARS 300
#define HOSHI_OUTBOX_KIND HOSHI_STORE_ASCII_SIZE(HOSHI_OUTBOX_KIND_CHARS)
#define HOSHI_OUTBOX_SUBJECT HOSHI_STORE_UTF8_SIZE(HOSHI_OUTBOX_SUBJECT_CHARS)
#define HOSHI_OUTBOX_ERROR HOSHI_STORE_UTF8_SIZE(HOSHI_OUTBOX_ERROR_CHARS)

/* A message to queue.  key (NULL or "": none) makes queueing idempotent:
 * a second message with the same key is not queued (a daily scan may run
 * again after a restart without mailing twice). */
typedef struct hoshi_outbox_new {
    const char *kind;             /* ASCII: "survey_invite", "rediag", … */
    const char *to;               /* one address (the caller checked it) */
    const char *subject;          /* UTF-8 text, no line breaks */
    const char *body;             /* UTF-8 text, lines ended by \n */
    const char *key;
} hoshi_outbox_new;

/* A queued message as the sender reads it.  body is malloc'd: free it
 * with hoshi_outbox_msg_clear(). */
typedef struct hoshi_outbox_msg {
    long long id;
    char kind[HOSHI_OUTBOX_KIND];
    char to[HOSHI_STORE_EMAIL];
    char subject[HOSHI_OUTBOX_SUBJECT];
    char *body;
    long long created, next_attempt, sent;  /* Unix seconds; sent 0 while unsent */
    long long failed;             /* Unix seconds it was given up, 0 while not */
    int attempts;
    char last_error[HOSHI_OUTBOX_ERROR];
} hoshi_outbox_msg;

void hoshi_outbox_msg_clear(hoshi_outbox_msg *m);

/* Queues m at time now (to be tried at once).  *queued is false, and
 * nothing changes, when m->key was queued before; *id (may be NULL) is
 * the new message's id.  HOSHI_ERR_INPUT when a text is over its limit,
 * not UTF-8, or the subject or address holds a control character. */
hoshi_err hoshi_store_outbox_queue(hoshi_store *s, const hoshi_outbox_new *m, long long now,
                                   long long *id, bool *queued);
/* Up to max unsent messages whose next attempt is at or before now,
 * oldest first, into out[0..*n); the caller clears each. */
hoshi_err hoshi_store_outbox_due(hoshi_store *s, long long now, hoshi_outbox_msg *out, size_t max,
                                 size_t *n);
/* Takes due message id for this sender: pushes its next attempt to
 * `until`, so other senders on the same database (several servers) skip
 * it while this one tries.  *claimed is false when another sender took it
 * first or it is no longer due; then it must not be sent.  A sender that
 * dies after claiming leaves the message due again at `until`. */
hoshi_err hoshi_store_outbox_claim(hoshi_store *s, long long id, long long now, long long until,
                                   bool *claimed);
/* One message by id (HOSHI_ERR_NOTFOUND when none); the caller clears it. */
hoshi_err hoshi_store_outbox_get(hoshi_store *s, long long id, hoshi_outbox_msg *out);
/* Marks message id sent at now (the mail server accepted it). */
hoshi_err hoshi_store_outbox_sent(hoshi_store *s, long long id, long long now);
/* Records a failed attempt: attempts + 1, the error (cut to its limit)
 * and the time of the next try. */
hoshi_err hoshi_store_outbox_failed(hoshi_store *s, long long id, const char *error,
                                    long long next_attempt);

/* Records the last failed attempt and gives the message up at now: it
 * stays, with its error, as failed and is no longer due.  NOTFOUND when
 * id is not an unsent message still being tried. */
hoshi_err hoshi_store_outbox_give_up(hoshi_store *s, long long id, const char *error, long long now);

/* How many messages wait to be sent (queued), were sent, were given up. */
typedef struct hoshi_outbox_counts {
    long long queued, sent, failed;
} hoshi_outbox_counts;
hoshi_err hoshi_store_outbox_counts(hoshi_store *s, hoshi_outbox_counts *out);
/* Up to max given-up messages, the latest given up first, into
 * out[0..*n); the caller clears each. */
hoshi_err hoshi_store_outbox_dead(hoshi_store *s, hoshi_outbox_msg *out, size_t max, size_t *n);
/* Queues a given-up message again (the operator's retry): due at now,
 * its attempts counted afresh, its last error kept until the next try.
 * NOTFOUND when id is not a given-up message. */
hoshi_err hoshi_store_outbox_retry(hoshi_store *s, long long id, long long now);

/* The address of organisation org_id's first account (its owner) into
 * out; HOSHI_ERR_NOTFOUND when it has none. */
hoshi_err hoshi_store_org_email(hoshi_store *s, long long org_id, char out[HOSHI_STORE_EMAIL]);

/* A declaration in force declared on or before the cut-off day, with its
 * organisation's address: one 12-month reminder to send. */
typedef struct hoshi_reminder_due {
    char decl_id[HOSHI_STORE_DECL_ID];
    int level;
    char declared_on[HOSHI_STORE_DATE];
    char org_name[HOSHI_STORE_NAME];
    char email[HOSHI_STORE_EMAIL];
} hoshi_reminder_due;
typedef hoshi_err (*hoshi_reminder_fn)(void *ctx, const hoshi_reminder_due *r);
/* Hands fn every declaration in force declared on or before cutoff
 * (YYYY-MM-DD) whose organisation has an account, in declaration order;
 * fn's non-OK return stops the walk and is returned.  fn must not call
 * the store (it runs on one of its connections): collect, then act. */
hoshi_err hoshi_store_reminders_due(hoshi_store *s, const char *cutoff, hoshi_reminder_fn fn, void *ctx);

#endif
