/*
 * store_nta.h — identity in the store (issue 11 parts 1 and 2): the
 * National Tax Agency's register of corporate numbers as imported by the
 * operator, the check of an organisation's number against it, claims on a
 * number that another organisation's declaration already holds (disputes
 * the operator resolves), and the dated history of what changed about a
 * declared organisation.  Errors as in hoshi/store.h.
 */
#ifndef HOSHI_STORE_NTA_H
#define HOSHI_STORE_NTA_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/error.h"
#include "hoshi/nta.h"
#include "hoshi/store.h"
#include "hoshi/store_registry.h"

/* Gives the next record of an import in *out, or sets *end.  Any error
 * but HOSHI_OK stops the import, which then leaves nothing behind. */
typedef hoshi_err (*hoshi_nta_next_fn)(void *ctx, hoshi_nta_corp *out, bool *end);

typedef struct hoshi_nta_import_result {
    long long read;               /* records given */
    long long kept;               /* written: the latest state of their number */
    long long history;            /* left out: older states (最新履歴 0) */
    long long deleted;            /* numbers taken out (処理区分 99) */
    char data_date[11];           /* newest 更新年月日 of the import, "" when empty */
} hoshi_nta_import_result;

/* Reads every record from next and writes it, all in one transaction:
 * the register gains them all or, on any error, none.  A number's record
 * replaces the one kept unless that one is newer, so importing a file
 * twice, or an older file after a newer one, changes nothing.  The
 * import is remembered with its data date (the newest update in it). */
hoshi_err hoshi_store_nta_import(hoshi_store *s, hoshi_nta_next_fn next, void *ctx,
                                 hoshi_nta_import_result *out);
/* The register's record of a number (the columns hoshi keeps; the rest
 * empty).  NOTFOUND when the register does not hold it. */
hoshi_err hoshi_store_nta_get(hoshi_store *s, const char *corpnum, hoshi_nta_corp *out);
/* The data date of the newest import, "" when none was ever made. */
hoshi_err hoshi_store_nta_date(hoshi_store *s, char out[HOSHI_STORE_DATE]);

typedef enum hoshi_nta_verdict {
    HOSHI_NTA_NOT_CHECKED = 0,    /* no number, or no register imported */
    HOSHI_NTA_VERIFIED,           /* held, open, and the name matches */
    HOSHI_NTA_UNKNOWN,            /* the register does not hold the number */
    HOSHI_NTA_CLOSED,             /* its registration was closed */
    HOSHI_NTA_NAME_DIFFERS        /* held and open, under another name */
} hoshi_nta_verdict;

/* Checks a number and name against the register (hoshi_nta_name_matches);
 * data_date gets the register's data date ("" when not checked).  Only
 * store failures are errors: every verdict is HOSHI_OK. */
hoshi_err hoshi_store_nta_check(hoshi_store *s, const char *corpnum, const char *name,
                                hoshi_nta_verdict *out, char data_date[HOSHI_STORE_DATE]);

typedef enum hoshi_dispute_status {
    HOSHI_DISPUTE_OPEN = 0,
    HOSHI_DISPUTE_UPHELD = 1,     /* the holder's declaration was withdrawn */
    HOSHI_DISPUTE_REJECTED = 2    /* the claim was turned down */
} hoshi_dispute_status;

/* A claim on a number another organisation's declaration holds. */
typedef struct hoshi_dispute {
    long long id, org_id, holder_org_id;
    char corpnum[HOSHI_CORPNUM_LEN + 1];
    char org_name[HOSHI_STORE_NAME];     /* the claimant */
    char holder_name[HOSHI_STORE_NAME];
    char holder_decl[HOSHI_STORE_DECL_ID]; /* its active declaration, "" when none now */
    int level;                    /* the level claimed */
    char opened_on[HOSHI_STORE_DATE];
    hoshi_dispute_status status;
    char resolved_on[HOSHI_STORE_DATE];
} hoshi_dispute;

/* Declares as hoshi_store_decl_create does, unless another organisation's
 * active declaration holds the same (non-empty) 法人番号: then, in the same
 * transaction, it opens a dispute instead (or keeps the organisation's
 * open one), writes "" to id_out and the dispute's id to *dispute_id (0
 * when declared).  An organisation with an open dispute cannot declare:
 * the dispute is returned again. */
hoshi_err hoshi_store_decl_claim(hoshi_store *s, long long org_id, int level, const char *date,
                                 char id_out[HOSHI_STORE_DECL_ID], long long *dispute_id);
/* Disputes, open ones first, then newest first; at most max. */
hoshi_err hoshi_store_dispute_list(hoshi_store *s, hoshi_dispute *out, size_t max, size_t *n);
/* The organisation's open dispute; NOTFOUND when it has none. */
hoshi_err hoshi_store_dispute_pending(hoshi_store *s, long long org_id, hoshi_dispute *out);
/* Resolves an open dispute on date: upheld withdraws the holder's active
 * declaration (so the claimant may declare), else the claim is rejected.
 * NOTFOUND when no open dispute has that id. */
hoshi_err hoshi_store_dispute_resolve(hoshi_store *s, long long id, bool upheld, const char *date);

typedef enum hoshi_change_field {
    HOSHI_CHANGE_NAME = 1,        /* re-confirmed by the owner when made */
    HOSHI_CHANGE_PREFECTURE,      /* the address: 1..47 as text */
    HOSHI_CHANGE_LEVEL            /* "1" or "2" */
} hoshi_change_field;

/* One change to a declared organisation.  Recorded by the store itself
 * whenever the name or prefecture of an organisation with a declaration
 * in force changes, or its level does (stepping up). */
typedef struct hoshi_org_change {
    char changed_on[HOSHI_STORE_DATE];
    hoshi_change_field field;
    char before[HOSHI_STORE_NAME], after[HOSHI_STORE_NAME];
} hoshi_org_change;

/* The newest max changes, newest first. */
hoshi_err hoshi_store_org_history(hoshi_store *s, long long org_id, hoshi_org_change *out, size_t max,
                                  size_t *n);

#endif
