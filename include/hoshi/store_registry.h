/*
 * store_registry.h — the programme's records in the store: organisations
 * (with their ★ answers and the draft of their self-diagnosis), completed
 * diagnoses, basic policies (a draft and a published version),
 * declarations with the public registry search over them, the operator's
 * figures and bulk seeding of demo data.  Errors as in hoshi/store.h.
 */
#ifndef HOSHI_STORE_REGISTRY_H
#define HOSHI_STORE_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/diag.h"
#include "hoshi/error.h"
#include "hoshi/ids.h"
#include "hoshi/policy.h"
#include "hoshi/registry_data.h"
#include "hoshi/store.h"

/* Limits in characters. */
#define HOSHI_STORE_NAME_CHARS 100    /* an organisation's name or contact person */
#define HOSHI_STORE_FIELD_CHARS HOSHI_POLICY_FIELD_MAX /* a policy's representative or contact */
#define HOSHI_STORE_POLICY_CHARS 20000 /* the text of a policy (malloc'd, no fixed field) */
#define HOSHI_STORE_DATE_CHARS 10     /* YYYY-MM-DD */
#define HOSHI_STORE_INDUSTRY_CHARS 1  /* a JSIC division letter */
#define HOSHI_STORE_STAR1_CHARS 5     /* one '0'/'1' per principle of ★ */
/* Field sizes (bytes), derived from the limits above: names and policy
 * fields are free text (UTF-8), the rest ASCII codes. */
#define HOSHI_STORE_NAME HOSHI_STORE_UTF8_SIZE(HOSHI_STORE_NAME_CHARS)
#define HOSHI_STORE_FIELD HOSHI_STORE_UTF8_SIZE(HOSHI_STORE_FIELD_CHARS)
#define HOSHI_STORE_DATE HOSHI_STORE_ASCII_SIZE(HOSHI_STORE_DATE_CHARS)
#define HOSHI_STORE_DECL_ID HOSHI_STORE_ASCII_SIZE(HOSHI_DECL_ID_LEN) /* a declaration ID */
#define HOSHI_DECL_REASON_CHARS 32    /* the key of a withdrawal reason */
#define HOSHI_DECL_REASON HOSHI_STORE_ASCII_SIZE(HOSHI_DECL_REASON_CHARS)

/* Counts for the programme operator's overview. */
typedef struct hoshi_stats {
    long long orgs, users, diagnoses, policies;
    long long active[3];          /* [1] ★ and [2] ★★ declarations in force */
    long long withdrawn;
} hoshi_stats;

typedef struct hoshi_org {
    long long id;
    char name[HOSHI_STORE_NAME];
    char corpnum[HOSHI_STORE_ASCII_SIZE(HOSHI_CORPNUM_LEN)]; /* "" for a sole proprietor */
    int prefecture;               /* 1..47 (JIS X 0401), 0 not yet given */
    char industry[HOSHI_STORE_ASCII_SIZE(HOSHI_STORE_INDUSTRY_CHARS)]; /* "A".."T", "" not yet given */
    int employees;                /* employee band 1..6, 0 not yet given */
    char contact[HOSHI_STORE_NAME];
    char star1[HOSHI_STORE_ASCII_SIZE(HOSHI_STORE_STAR1_CHARS)]; /* '1': principle done */
    bool star1_committed;
    char draft[HOSHI_STORE_ASCII_SIZE(HOSHI_DIAG_ITEMS)]; /* '0' unanswered or '1'..'4' per item */
} hoshi_org;

typedef struct hoshi_diagnosis {
    long long id, org_id;
    char answers[HOSHI_STORE_ASCII_SIZE(HOSHI_DIAG_ITEMS)]; /* '1'..'4' per item */
    int score;
    char taken_on[HOSHI_STORE_DATE];
} hoshi_diagnosis;

/* A basic policy.  The owner edits a draft; publishing copies the draft
 * to the published version, which is all the public ever sees, so editing
 * after publishing changes nothing public until the next publication. */
typedef struct hoshi_policy_rec {
    long long org_id;
    char representative[HOSHI_STORE_FIELD];
    char contact[HOSHI_STORE_FIELD];
    char established[HOSHI_STORE_DATE];
    char *body;                   /* malloc'd; the caller frees it */
    bool published;               /* a version has been published */
    char published_on[HOSHI_STORE_DATE]; /* date of that publication, "" when none */
    bool unpublished_changes;     /* published, and the draft differs from it */
} hoshi_policy_rec;

typedef enum hoshi_decl_status { HOSHI_DECL_WITHDRAWN = 0, HOSHI_DECL_ACTIVE = 1 } hoshi_decl_status;

/* A declaration joined with the public facts of its organisation. */
typedef struct hoshi_decl {
    char id[HOSHI_STORE_DECL_ID];
    long long org_id;
    int level;                    /* 1 ★, 2 ★★ */
    char declared_on[HOSHI_STORE_DATE];
    hoshi_decl_status status;
    char withdrawn_on[HOSHI_STORE_DATE];
    /* Withdrawn by the programme's operator (issue 11 part 6), with the
     * key of the reason (data/registry/withdraw_reasons.ini), rather
     * than by the owner or a step-up. */
    bool by_programme;
    char withdraw_reason[HOSHI_DECL_REASON];
    char org_name[HOSHI_STORE_NAME];
    char corpnum[HOSHI_STORE_ASCII_SIZE(HOSHI_CORPNUM_LEN)]; /* "" for a sole proprietor */
    int prefecture;
    char industry[HOSHI_STORE_ASCII_SIZE(HOSHI_STORE_INDUSTRY_CHARS)];
    bool has_policy;              /* the organisation has a published policy */
} hoshi_decl;

/* Registry search; empty / 0 fields do not filter. */
typedef struct hoshi_decl_query {
    const char *name;             /* part of the organisation name, compared by
                                     search key (hoshi_namekey_query): サクラ
                                     finds さくら, (株) 株式会社 */
    int prefecture;
    const char *industry;
    int level;
    bool include_withdrawn;
    long long offset;
    size_t limit;
    /* When > 0: a capped result (more than HOSHI_STORE_COUNT_CAP) gives no
     * rows at an offset at or past this, without walking to it, so a
     * caller that offers only a capped search's first pages learns so
     * from one search. */
    long long capped_offset_max;
} hoshi_decl_query;

/* One organisation with a declaration, for seeding demo data in bulk. */
typedef struct hoshi_seed_decl {
    const hoshi_org *org;
    int level;
    const char *declared_on;
    const char *policy_body;      /* NULL: no published policy */
    const char *representative;
    const char *diagnosis;        /* NULL: none; else 25 codes 1..4 taken on declared_on */
    int score;                    /* the diagnosis's score (hoshi_diag_score) */
} hoshi_seed_decl;

hoshi_err hoshi_store_org_get(hoshi_store *s, long long org_id, hoshi_org *out);
/* Writes every field of org except draft. */
hoshi_err hoshi_store_org_update(hoshi_store *s, const hoshi_org *org);
/* Saves the unfinished answers of the organisation's diagnosis. */
hoshi_err hoshi_store_draft_save(hoshi_store *s, long long org_id, const char *draft);

/* Records a completed diagnosis and clears the draft, in one transaction. */
hoshi_err hoshi_store_diagnosis_add(hoshi_store *s, long long org_id, const char *answers,
                                    int score, const char *taken_on, long long *id);
/* NOTFOUND also when diagnosis id belongs to another organisation. */
hoshi_err hoshi_store_diagnosis_get(hoshi_store *s, long long org_id, long long id,
                                    hoshi_diagnosis *out);
/* The newest `max` diagnoses of the organisation, newest first. */
hoshi_err hoshi_store_diagnosis_list(hoshi_store *s, long long org_id, hoshi_diagnosis *out,
                                     size_t max, size_t *n);

/* The owner's draft, for the editor: never show it publicly.  published,
 * published_on and unpublished_changes describe the published version.
 * NOTFOUND when no draft was ever saved.  On success out->body is
 * malloc'd (the caller frees it); on failure it is NULL. */
hoshi_err hoshi_store_policy_get(hoshi_store *s, long long org_id, hoshi_policy_rec *out);
/* The published version, as the public sees it (published is true,
 * unpublished_changes false).  NOTFOUND when none was ever published.
 * out->body as for hoshi_store_policy_get. */
hoshi_err hoshi_store_policy_get_public(hoshi_store *s, long long org_id, hoshi_policy_rec *out);
/* Saves the draft: representative, contact, established and body of p
 * (the caller keeps p).  The published version stays as it was; p's
 * published fields are ignored. */
hoshi_err hoshi_store_policy_save(hoshi_store *s, const hoshi_policy_rec *p);
/* Publishes the saved draft as it is, dated `date` (YYYY-MM-DD), replacing
 * any earlier published version.  NOTFOUND when there is no draft. */
hoshi_err hoshi_store_policy_publish(hoshi_store *s, long long org_id, const char *date);

/* Issues a new declaration (a fresh random ID) for the organisation and,
 * in the same transaction, withdraws its active one if any: that is how
 * ★ steps up to ★★. */
hoshi_err hoshi_store_decl_create(hoshi_store *s, long long org_id, int level, const char *date,
                                  char id_out[HOSHI_STORE_DECL_ID]);
/* NOTFOUND when the organisation has no active declaration. */
hoshi_err hoshi_store_decl_withdraw(hoshi_store *s, long long org_id, const char *date);
hoshi_err hoshi_store_decl_get(hoshi_store *s, const char *id, hoshi_decl *out);
hoshi_err hoshi_store_decl_active(hoshi_store *s, long long org_id, hoshi_decl *out);
/* Matches are counted exactly up to this many; above, only that there
 * are more (counting every match of a common name at a million
 * declarations costs more than the page itself). */
#define HOSHI_STORE_COUNT_CAP 10000
/* Fills out[0..q->limit) with the matches from q->offset on, newest
 * first.  *total is the number of matches when it is at most
 * HOSHI_STORE_COUNT_CAP, else HOSHI_STORE_COUNT_CAP + 1 ("more than");
 * an offset at or past *total gives no rows, and q->limit 0 only counts.
 * A capped search reaches a page by walking the newest declarations, so
 * a caller offers only its first pages (the registry: 50) and says where
 * they end in q->capped_offset_max.
 * A name whose key is empty (only punctuation) matches nothing.
 * HOSHI_ERR_INPUT when the name is not UTF-8, HOSHI_ERR_LIMIT when it is
 * longer than HOSHI_NAMEKEY_INPUT_MAX bytes, HOSHI_ERR_DATA when the
 * legal forms (hoshi_namekey_default) cannot be read. */
hoshi_err hoshi_store_decl_search(hoshi_store *s, const hoshi_decl_query *q, hoshi_decl *out,
                                  size_t *n, long long *total);
/* The active declarations of the organisations with 法人番号 corpnum (13
 * digits), newest first, at most max; normally one (part 1 of issue 11
 * keeps it so).  *n 0 when there is none. */
hoshi_err hoshi_store_decl_by_corpnum(hoshi_store *s, const char *corpnum, hoshi_decl *out, size_t max,
                                      size_t *n);
/* Withdraws one declaration by ID (the operator's action, e.g. on a
 * complaint).  NOTFOUND when it does not exist or is already withdrawn. */
hoshi_err hoshi_store_decl_withdraw_id(hoshi_store *s, const char *id, const char *date);

/* Inserts organisations with declarations in one transaction (demo data). */
hoshi_err hoshi_store_seed(hoshi_store *s, const hoshi_seed_decl *items, size_t n);
hoshi_err hoshi_store_stats(hoshi_store *s, hoshi_stats *out);

/* Called once per row of hoshi_store_registry_rows(); the row is borrowed
 * for the call.  Any error but HOSHI_OK stops the read and is returned. */
typedef hoshi_err (*hoshi_registry_row_fn)(const hoshi_registry_row *row, void *ctx);
/* Streams every organisation that has declared (its latest declaration
 * in force or withdrawn), in the order of its number, with its attributes,
 * its latest declaration (level, month, status, whether it stepped up
 * from ★ to ★★) and its latest self-diagnosis: the rows of the registry
 * dataset (hoshi/registry_data.h).  One read of one snapshot, so the rows
 * agree with each other however many there are and whatever is written
 * meanwhile; the store holds one connection until fn has seen the last. */
hoshi_err hoshi_store_registry_rows(hoshi_store *s, hoshi_registry_row_fn fn, void *ctx);

#endif
