/*
 * store_policy.h — the versions of an organisation's published basic
 * policy (issue 11 part 7): every publication is kept as a numbered
 * version with its text, the day it was published and the day it is due
 * for review (a year later unless the owner sets another), so the public
 * page can show the version in force, its review date and the history.
 * Also here: the versions whose review is due, for the reminder mail.
 * The draft and the published copy themselves are in store_registry.h.
 * Errors as in hoshi/store.h.
 */
#ifndef HOSHI_STORE_POLICY_H
#define HOSHI_STORE_POLICY_H

#include <stddef.h>

#include "hoshi/error.h"
#include "hoshi/store.h"
#include "hoshi/store_accounts.h"
#include "hoshi/store_registry.h"

/* Most versions a list returns (the page shows no more). */
#define HOSHI_POLICY_VERSIONS_MAX 50

/* One published version.  body is malloc'd by hoshi_store_policy_version_get
 * (the caller frees it) and NULL in a list. */
typedef struct hoshi_policy_version {
    long long org_id;
    int number;                            /* 1, 2, … per organisation */
    char published_on[HOSHI_STORE_DATE];
    char review_on[HOSHI_STORE_DATE];      /* when the owner means to review it */
    char representative[HOSHI_STORE_FIELD];
    char contact[HOSHI_STORE_FIELD];
    char established[HOSHI_STORE_DATE];
    char *body;
} hoshi_policy_version;

/* Publishes the saved draft as a new version dated `date`, due for review
 * on review_on (YYYY-MM-DD, not before date; NULL or "" for a year after
 * date), and makes it the public copy (as hoshi_store_policy_publish), in
 * one transaction.  *number (may be NULL) is the new version's number.
 * NOTFOUND when there is no draft; HOSHI_ERR_INPUT for a bad date. */
hoshi_err hoshi_store_policy_publish_version(hoshi_store *s, long long org_id, const char *date,
                                             const char *review_on, int *number);
/* The organisation's versions, newest first, without bodies, into
 * out[0..*n) (at most max). */
hoshi_err hoshi_store_policy_versions(hoshi_store *s, long long org_id, hoshi_policy_version *out,
                                      size_t max, size_t *n);
/* Version `number` with its body; NOTFOUND when there is none. */
hoshi_err hoshi_store_policy_version_get(hoshi_store *s, long long org_id, int number,
                                         hoshi_policy_version *out);
/* Sets the review date of the organisation's newest version (the one in
 * force) to review_on (YYYY-MM-DD, not before its publication);
 * NOTFOUND when nothing was published, HOSHI_ERR_INPUT for a bad date. */
hoshi_err hoshi_store_policy_set_review(hoshi_store *s, long long org_id, const char *review_on);

/* A version in force whose review day is on or before the cut-off, with
 * its organisation's address: one review reminder to send. */
typedef struct hoshi_policy_review_due {
    long long org_id;
    int number;
    char published_on[HOSHI_STORE_DATE];
    char review_on[HOSHI_STORE_DATE];
    char org_name[HOSHI_STORE_NAME];
    char email[HOSHI_STORE_EMAIL];
} hoshi_policy_review_due;
typedef hoshi_err (*hoshi_policy_review_fn)(void *ctx, const hoshi_policy_review_due *r);
/* Hands fn each organisation's newest version reviewed on or before
 * cutoff (YYYY-MM-DD) whose organisation has an account; fn's non-OK
 * return stops the walk and is returned.  fn must not call the store:
 * collect, then act. */
hoshi_err hoshi_store_policy_reviews_due(hoshi_store *s, const char *cutoff, hoshi_policy_review_fn fn,
                                         void *ctx);

#endif
