/*
 * store_audit.h — the operator's audit log in the store (issue 11 part
 * 6): one row per action of a programme operator that changes a
 * declaration or an organisation (a withdrawal, a dispute decided, a
 * failed message sent again): who, when, what, on which declaration or
 * organisation, the reason's key and the operator's note.  The log is
 * append-only: there is no call to change or remove a row, and the
 * SQLite schema refuses UPDATE and DELETE on it.  The operator's
 * withdrawal of a declaration and its row are written in one
 * transaction, so neither exists without the other.  Errors as in
 * hoshi/store.h.
 */
#ifndef HOSHI_STORE_AUDIT_H
#define HOSHI_STORE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/error.h"
#include "hoshi/store.h"
#include "hoshi/store_accounts.h"
#include "hoshi/store_registry.h"

#define HOSHI_AUDIT_ACTION_CHARS 32
#define HOSHI_AUDIT_NOTE_CHARS 1000   /* the operator's private note */
#define HOSHI_AUDIT_ACTION HOSHI_STORE_ASCII_SIZE(HOSHI_AUDIT_ACTION_CHARS)
#define HOSHI_AUDIT_NOTE HOSHI_STORE_UTF8_SIZE(HOSHI_AUDIT_NOTE_CHARS)

/* One action to record.  Texts may be NULL (written as ""). */
typedef struct hoshi_audit_new {
    long long operator_id;        /* the operator's account (users.id) */
    const char *action;           /* ASCII: "withdraw", "dispute_uphold", … */
    const char *decl_id;          /* the declaration concerned, "" none */
    long long org_id;             /* the organisation concerned, 0 none */
    const char *reason;           /* ASCII key of the reason, "" none */
    const char *note;             /* UTF-8, at most HOSHI_AUDIT_NOTE_CHARS */
} hoshi_audit_new;

/* A row of the log as read back. */
typedef struct hoshi_audit_entry {
    long long id;
    long long at;                 /* Unix seconds */
    long long operator_id;
    char operator_email[HOSHI_STORE_EMAIL]; /* as it was when the row was written */
    char action[HOSHI_AUDIT_ACTION];
    char decl_id[HOSHI_STORE_DECL_ID];
    long long org_id;
    char reason[HOSHI_DECL_REASON];
    char note[HOSHI_AUDIT_NOTE];
} hoshi_audit_entry;

/* Appends a row for a at time now; *id (may be NULL) its number.
 * HOSHI_ERR_INPUT when a text is over its limit or not UTF-8, or the
 * action is empty. */
hoshi_err hoshi_store_audit_add(hoshi_store *s, const hoshi_audit_new *a, long long now, long long *id);

/* Up to max rows, newest first, skipping `offset`, of the whole log or
 * (decl_id not NULL or "") of one declaration, into out[0..*n); *total
 * counts all the matching rows. */
hoshi_err hoshi_store_audit_list(hoshi_store *s, const char *decl_id, long long offset,
                                 hoshi_audit_entry *out, size_t max, size_t *n, long long *total);

/* The operator's withdrawal (a->decl_id, in force) on date (YYYY-MM-DD):
 * marks the declaration withdrawn by the programme with a->reason, and
 * appends a's row (its org_id taken from the declaration) in the same
 * transaction.  *out (may be NULL) gets the declaration as it now is
 * (read before the change, so an error always means nothing changed).
 * HOSHI_ERR_NOTFOUND when there is no declaration in force with that ID;
 * HOSHI_ERR_INPUT as for hoshi_store_audit_add or when the reason is
 * empty. */
hoshi_err hoshi_store_decl_withdraw_programme(hoshi_store *s, const hoshi_audit_new *a, const char *date,
                                              long long now, hoshi_decl *out);

#endif
