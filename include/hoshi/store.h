/*
 * store.h — where the web application keeps its data: accounts, sessions,
 * organisations, diagnoses, basic policies and declarations.
 *
 * A hoshi_store is a handle over a backend given as a table of operations
 * (hoshi_store_ops); the table is its only public part, so a backend
 * embeds struct hoshi_store first and keeps the rest to itself.  A
 * PostgreSQL backend is one more table and open function, without
 * touching the request handlers, which call only the hoshi_store_*
 * functions.  The only
 * backend today is SQLite (hoshi_store_open_sqlite).  A store may be used
 * from any number of threads at once; every operation is one transaction,
 * so nothing is ever half-written.
 *
 * Records are plain structs with fixed-size text fields (NUL-terminated
 * UTF-8), filled by the store and owned by the caller; the one variable-
 * length field (a policy's body) is malloc'd and freed by the caller.
 * Text limits are counted in characters (code points), as the forms count
 * them; a field's buffer holds its limit in 4-byte characters and the NUL.
 * The store refuses longer text or invalid UTF-8 on write
 * (HOSHI_ERR_INPUT, the detail names the field) instead of cutting it on
 * read, so what is read back is what was written.
 * Operations return HOSHI_ERR_NOTFOUND when the thing asked for does not
 * exist (or belongs to another organisation), HOSHI_ERR_INPUT for a
 * conflict such as an e-mail address already registered or text over its
 * limit, HOSHI_ERR_IO for a database failure and HOSHI_ERR_NOMEM when
 * memory ran out (detail says which).  A write that fails never returns
 * HOSHI_OK and leaves nothing half-done.
 */
#ifndef HOSHI_STORE_H
#define HOSHI_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/diag.h"
#include "hoshi/error.h"
#include "hoshi/ids.h"

/* Limits in characters, and the buffer sizes (bytes) that hold them. */
#define HOSHI_STORE_NAME_CHARS 100    /* an organisation's name or contact person */
#define HOSHI_STORE_NAME (HOSHI_STORE_NAME_CHARS * 4 + 1)
#define HOSHI_STORE_FIELD_CHARS 200   /* a policy's representative or contact (HOSHI_POLICY_FIELD_MAX) */
#define HOSHI_STORE_FIELD (HOSHI_STORE_FIELD_CHARS * 4 + 1)
#define HOSHI_STORE_POLICY_CHARS 20000 /* the text of a policy */
/* ASCII fields, sizes in bytes with the NUL. */
#define HOSHI_STORE_EMAIL 256  /* an address is at most 254 octets (RFC 5321) */
#define HOSHI_STORE_HASH 160   /* Argon2id encoded hash */
#define HOSHI_STORE_TOKEN 72   /* hex session digests and CSRF tokens */
#define HOSHI_STORE_DATE 11    /* YYYY-MM-DD */

typedef struct hoshi_store hoshi_store;

typedef struct hoshi_user {
    long long id, org_id;
    char email[HOSHI_STORE_EMAIL];
    char pwhash[HOSHI_STORE_HASH];
} hoshi_user;

typedef struct hoshi_session {
    long long user_id, org_id;
    char csrf[HOSHI_STORE_TOKEN];
    long long expires;            /* Unix time */
    bool is_operator;             /* the user runs the programme (operator pages) */
} hoshi_session;

/* Counts for the programme operator's overview. */
typedef struct hoshi_stats {
    long long orgs, users, diagnoses, policies;
    long long active[3];          /* [1] ★ and [2] ★★ declarations in force */
    long long withdrawn;
} hoshi_stats;

typedef struct hoshi_org {
    long long id;
    char name[HOSHI_STORE_NAME];
    char corpnum[HOSHI_CORPNUM_LEN + 1]; /* "" for a sole proprietor */
    int prefecture;               /* 1..47 (JIS X 0401), 0 not yet given */
    char industry[2];             /* JSIC division "A".."T", "" not yet given */
    int employees;                /* employee band 1..6, 0 not yet given */
    char contact[HOSHI_STORE_NAME];
    char star1[6];                /* five '0'/'1': principle done */
    bool star1_committed;
    char draft[HOSHI_DIAG_ITEMS + 1]; /* '0' unanswered or '1'..'4' per item */
} hoshi_org;

typedef struct hoshi_diagnosis {
    long long id, org_id;
    char answers[HOSHI_DIAG_ITEMS + 1]; /* '1'..'4' per item */
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
    char id[HOSHI_DECL_ID_LEN + 1];
    long long org_id;
    int level;                    /* 1 ★, 2 ★★ */
    char declared_on[HOSHI_STORE_DATE];
    hoshi_decl_status status;
    char withdrawn_on[HOSHI_STORE_DATE];
    char org_name[HOSHI_STORE_NAME];
    char corpnum[HOSHI_CORPNUM_LEN + 1]; /* "" for a sole proprietor */
    int prefecture;
    char industry[2];
    bool has_policy;              /* the organisation has a published policy */
} hoshi_decl;

/* Registry search; empty / 0 fields do not filter. */
typedef struct hoshi_decl_query {
    const char *name;             /* partial match on the organisation name */
    int prefecture;
    const char *industry;
    int level;
    bool include_withdrawn;
    long long offset;
    size_t limit;
} hoshi_decl_query;

/* One organisation with a declaration, for seeding demo data in bulk. */
typedef struct hoshi_seed_decl {
    const hoshi_org *org;
    int level;
    const char *declared_on;
    const char *policy_body;      /* NULL: no published policy */
    const char *representative;
} hoshi_seed_decl;

/* The backend's operations.  Every function gets the store as its first
 * argument; see the hoshi_store_* wrappers below for what each does. */
typedef struct hoshi_store_ops {
    void (*close)(hoshi_store *s);
    hoshi_err (*signup)(hoshi_store *s, const char *email, const char *pwhash,
                        const char *org_name, long long *user_id, long long *org_id);
    hoshi_err (*user_by_email)(hoshi_store *s, const char *email, hoshi_user *out);
    hoshi_err (*session_create)(hoshi_store *s, const char *sid_digest, long long user_id,
                                const char *csrf, long long expires);
    hoshi_err (*session_get)(hoshi_store *s, const char *sid_digest, long long now,
                             hoshi_session *out);
    hoshi_err (*session_delete)(hoshi_store *s, const char *sid_digest);
    hoshi_err (*org_get)(hoshi_store *s, long long org_id, hoshi_org *out);
    hoshi_err (*org_update)(hoshi_store *s, const hoshi_org *org);
    hoshi_err (*draft_save)(hoshi_store *s, long long org_id, const char *draft);
    hoshi_err (*diagnosis_add)(hoshi_store *s, long long org_id, const char *answers,
                               int score, const char *taken_on, long long *id);
    hoshi_err (*diagnosis_get)(hoshi_store *s, long long org_id, long long id,
                               hoshi_diagnosis *out);
    hoshi_err (*diagnosis_list)(hoshi_store *s, long long org_id, hoshi_diagnosis *out,
                                size_t max, size_t *n);
    hoshi_err (*policy_get)(hoshi_store *s, long long org_id, hoshi_policy_rec *out);
    hoshi_err (*policy_save)(hoshi_store *s, const hoshi_policy_rec *p);
    hoshi_err (*policy_get_public)(hoshi_store *s, long long org_id, hoshi_policy_rec *out);
    hoshi_err (*policy_publish)(hoshi_store *s, long long org_id, const char *date);
    hoshi_err (*decl_create)(hoshi_store *s, long long org_id, int level, const char *date,
                             char id_out[HOSHI_DECL_ID_LEN + 1]);
    hoshi_err (*decl_withdraw)(hoshi_store *s, long long org_id, const char *date);
    hoshi_err (*decl_get)(hoshi_store *s, const char *id, hoshi_decl *out);
    hoshi_err (*decl_active)(hoshi_store *s, long long org_id, hoshi_decl *out);
    hoshi_err (*decl_search)(hoshi_store *s, const hoshi_decl_query *q, hoshi_decl *out,
                             size_t *n, long long *total);
    hoshi_err (*seed)(hoshi_store *s, const hoshi_seed_decl *items, size_t n);
    hoshi_err (*generation)(hoshi_store *s, long long *out);
    hoshi_err (*user_set_operator)(hoshi_store *s, long long user_id, bool on);
    hoshi_err (*decl_withdraw_id)(hoshi_store *s, const char *id, const char *date);
    hoshi_err (*stats)(hoshi_store *s, hoshi_stats *out);
} hoshi_store_ops;

/* What every backend's handle starts with. */
struct hoshi_store {
    const hoshi_store_ops *ops;
};

/* Opens (creating if needed) the SQLite database at path, turns on WAL and
 * foreign keys, and applies the schema migrations it has not seen yet (in
 * one transaction, so processes starting together migrate once).
 * `connections` is the size of the connection pool (at least 1; one per
 * server thread is right).  Fails with HOSHI_ERR_IO and a clear detail
 * when the database or its directory cannot be written (SQLite would
 * otherwise open it read-only and fail every write later) and when the
 * SQLite library is older than the schema needs (3.38.0).  Caller closes
 * with hoshi_store_close(). */
hoshi_err hoshi_store_open_sqlite(const char *path, int connections, hoshi_store **out);

/* For tests only: makes later opens take the SQLite library for version
 * `number` (as sqlite3_libversion_number() gives it; 0: the real one). */
void hoshi_store_testing_sqlite_version(int number);

/* Closes the store; NULL is ignored. */
void hoshi_store_close(hoshi_store *s);

/* The schema version the code migrates to. */
int hoshi_store_schema_version(void);

/* Creates an organisation named org_name and its first user in one
 * transaction.  HOSHI_ERR_INPUT when the e-mail address is taken. */
hoshi_err hoshi_store_signup(hoshi_store *s, const char *email, const char *pwhash,
                             const char *org_name, long long *user_id, long long *org_id);
hoshi_err hoshi_store_user_by_email(hoshi_store *s, const char *email, hoshi_user *out);

/* Sessions are found by a digest of the cookie value, never the value.
 * Creating one also deletes the sessions that have expired. */
hoshi_err hoshi_store_session_create(hoshi_store *s, const char *sid_digest, long long user_id,
                                     const char *csrf, long long expires);
/* NOTFOUND when missing or expired at `now`. */
hoshi_err hoshi_store_session_get(hoshi_store *s, const char *sid_digest, long long now,
                                  hoshi_session *out);
hoshi_err hoshi_store_session_delete(hoshi_store *s, const char *sid_digest);

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
                                  char id_out[HOSHI_DECL_ID_LEN + 1]);
/* NOTFOUND when the organisation has no active declaration. */
hoshi_err hoshi_store_decl_withdraw(hoshi_store *s, long long org_id, const char *date);
hoshi_err hoshi_store_decl_get(hoshi_store *s, const char *id, hoshi_decl *out);
hoshi_err hoshi_store_decl_active(hoshi_store *s, long long org_id, hoshi_decl *out);
/* Fills out[0..q->limit) with matches, newest first; *total counts all. */
hoshi_err hoshi_store_decl_search(hoshi_store *s, const hoshi_decl_query *q, hoshi_decl *out,
                                  size_t *n, long long *total);
/* Inserts organisations with declarations in one transaction (demo data). */
hoshi_err hoshi_store_seed(hoshi_store *s, const hoshi_seed_decl *items, size_t n);
/* A number that changes whenever this process changes public data
 * (declarations, organisations, policies), so callers can cache public
 * pages; one server process owns a database. */
hoshi_err hoshi_store_generation(hoshi_store *s, long long *out);

/* Grants or takes away the operator role. */
hoshi_err hoshi_store_user_set_operator(hoshi_store *s, long long user_id, bool on);
/* Withdraws one declaration by ID (the operator's action, e.g. on a
 * complaint).  NOTFOUND when it does not exist or is already withdrawn. */
hoshi_err hoshi_store_decl_withdraw_id(hoshi_store *s, const char *id, const char *date);
hoshi_err hoshi_store_stats(hoshi_store *s, hoshi_stats *out);

#endif
