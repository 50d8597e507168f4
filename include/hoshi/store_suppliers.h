/*
 * store_suppliers.h — the supply chain in the store (issue 13 part 5): an
 * organisation (the client, 発注元) keeps a list of its suppliers, each
 * named by a 法人番号 or a declaration ID with a display name the client
 * gives (and optionally an e-mail address for invitations); each entry is
 * matched against the registry when it is read (its organisation, that
 * organisation's declaration in force or else its latest withdrawn one,
 * and its latest self-diagnosis).  An undeclared supplier can be invited
 * with a one-time-link whose digest only is kept; an organisation that
 * signs up or accepts through it is recorded as invited through a client.
 * A supplier organisation may let a client that lists it see its latest
 * score band and part scores: a consent it grants and revokes, kept as a
 * record (granted, revoked) per supplier and client.  Errors as in
 * hoshi/store.h.
 */
#ifndef HOSHI_STORE_SUPPLIERS_H
#define HOSHI_STORE_SUPPLIERS_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/diag.h"
#include "hoshi/error.h"
#include "hoshi/ids.h"
#include "hoshi/store.h"
#include "hoshi/store_accounts.h"
#include "hoshi/store_registry.h"

#define HOSHI_SUPPLIERS_MAX 1000      /* entries on one client's list */
#define HOSHI_SUPPLIER_NAME_CHARS 100 /* the client's name for a supplier */
#define HOSHI_SUPPLIER_NAME HOSHI_STORE_UTF8_SIZE(HOSHI_SUPPLIER_NAME_CHARS)
#define HOSHI_STORE_CORPNUM HOSHI_STORE_ASCII_SIZE(HOSHI_CORPNUM_LEN)

/* One entry to add: exactly one of corpnum (13 digits, check digit right)
 * and decl_id (11 digits, check digit right) is set, the other "" or
 * NULL; email "" or NULL for none. */
typedef struct hoshi_supplier_new {
    const char *corpnum;
    const char *decl_id;
    const char *name;             /* UTF-8, 1..HOSHI_SUPPLIER_NAME_CHARS characters */
    const char *email;            /* a plain address, or "" */
} hoshi_supplier_new;

/* Where a supplier stands in the registry when its entry was read. */
typedef enum hoshi_supplier_state {
    HOSHI_SUPPLIER_NONE = 0,      /* no declaration found */
    HOSHI_SUPPLIER_DECLARED = 1,  /* a declaration in force (level, declared_on) */
    HOSHI_SUPPLIER_WITHDRAWN = 2, /* none in force; the latest was withdrawn (withdrawn_on) */
} hoshi_supplier_state;

/* An entry of a client's list, as read back with its match. */
typedef struct hoshi_supplier {
    long long id, client_org;
    char corpnum[HOSHI_STORE_CORPNUM];   /* as listed ("" when by ID) */
    char listed_id[HOSHI_STORE_DECL_ID]; /* as listed ("" when by 法人番号) */
    char name[HOSHI_SUPPLIER_NAME];
    char email[HOSHI_STORE_EMAIL];
    long long created_at;         /* Unix seconds */
    long long invited_at;         /* the latest invitation link made, 0 never */
    long long joined_org;         /* signed up or accepted through the link, 0 not */
    /* The match: the supplier's organisation (by the listed ID's
     * declaration, else an organisation with the 法人番号 that has
     * declared, else the one that joined), 0 when none. */
    long long org_id;
    hoshi_supplier_state state;
    char decl_id[HOSHI_STORE_DECL_ID];   /* the declaration the state is of, "" none */
    int level;                    /* 1 ★, 2 ★★ (DECLARED and WITHDRAWN) */
    char declared_on[HOSHI_STORE_DATE];
    char withdrawn_on[HOSHI_STORE_DATE];
    char last_check[HOSHI_STORE_DATE];   /* latest diagnosis, else declared_on; "" none */
    /* The latest self-diagnosis, filled only while the supplier's consent
     * to this client stands (shared true). */
    bool shared;
    char answers[HOSHI_STORE_ASCII_SIZE(HOSHI_DIAG_ITEMS)]; /* '1'..'4' per item */
    int score;
    char taken_on[HOSHI_STORE_DATE];
} hoshi_supplier;

/* Adds items[0..n) to client_org's list in one transaction: all or
 * nothing.  HOSHI_ERR_INPUT (detail naming the item, 1-based) when an item
 * is malformed or already listed (by the same 法人番号 or ID); HOSHI_ERR_LIMIT
 * when the list would hold more than HOSHI_SUPPLIERS_MAX. */
hoshi_err hoshi_store_supplier_add(hoshi_store *s, long long client_org, const hoshi_supplier_new *items,
                                   size_t n, long long now);

/* Removes entry id of client_org's list (its invitation link stops
 * working).  HOSHI_ERR_NOTFOUND when client_org has no such entry. */
hoshi_err hoshi_store_supplier_remove(hoshi_store *s, long long client_org, long long id);

/* client_org's list, in the order added, matched against the registry,
 * into out[0..*n) (at most max). */
hoshi_err hoshi_store_supplier_list(hoshi_store *s, long long client_org, hoshi_supplier *out, size_t max,
                                    size_t *n);

/* Every client's entries matched (only those matched to supplier_org when
 * it is not 0), one callback per entry (the walk holds a store connection:
 * fn must not call the store); a callback's error ends the walk and is
 * returned.  For the withdrawal notices. */
typedef hoshi_err (*hoshi_supplier_fn)(void *ctx, const hoshi_supplier *sup);
hoshi_err hoshi_store_supplier_walk(hoshi_store *s, long long supplier_org, hoshi_supplier_fn fn, void *ctx);

/* A new invitation link for an entry: the digest of its secret. */
typedef struct hoshi_supplier_link {
    long long id;                 /* the entry */
    char digest[HOSHI_STORE_TOKEN];
} hoshi_supplier_link;
/* Gives entries links[0..n) of client_org's list their new link digests
 * (an older link of the entry stops working) and invited_at = now, in one
 * transaction.  HOSHI_ERR_NOTFOUND (nothing changed) when an entry is not
 * client_org's. */
hoshi_err hoshi_store_supplier_invite(hoshi_store *s, long long client_org, const hoshi_supplier_link *links,
                                      size_t n, long long now);

/* The entry whose link has digest into *out (unmatched: only the listed
 * fields) and its client's name into client_name.  HOSHI_ERR_NOTFOUND when
 * no entry has it. */
hoshi_err hoshi_store_supplier_by_link(hoshi_store *s, const char *digest, hoshi_supplier *out,
                                       char client_name[HOSHI_STORE_NAME]);

/* Records that org_id came through the link with digest (signed up or
 * accepted).  HOSHI_ERR_NOTFOUND when no entry has the link, HOSHI_ERR_INPUT
 * when org_id is the client itself; an entry another organisation already
 * joined through stays as it is (HOSHI_ERR_INPUT). */
hoshi_err hoshi_store_supplier_join(hoshi_store *s, const char *digest, long long org_id);

/* A client that lists supplier_org, and the consent given to it. */
typedef struct hoshi_supplier_client {
    long long client_org;
    char name[HOSHI_STORE_NAME];  /* the client organisation's name */
    bool granted;                 /* consent stands */
    long long granted_at, revoked_at; /* the record: 0 when never */
} hoshi_supplier_client;

/* The clients whose lists match supplier_org (as hoshi_store_supplier_list
 * matches), by name, into out[0..*n). */
hoshi_err hoshi_store_supplier_clients(hoshi_store *s, long long supplier_org, hoshi_supplier_client *out,
                                       size_t max, size_t *n);

/* Grants (grant true) or revokes supplier_org's consent to client_org at
 * time now.  HOSHI_ERR_NOTFOUND when client_org does not list supplier_org
 * (a grant) or no consent stands (a revocation). */
hoshi_err hoshi_store_supplier_consent(hoshi_store *s, long long supplier_org, long long client_org, bool grant,
                                       long long now);

/* The operator's figures: entries invited (a link made), organisations
 * that came through a link, and entries invited whose supplier has a
 * declaration in force. */
typedef struct hoshi_supplier_counts {
    long long invited, joined, declared;
} hoshi_supplier_counts;
hoshi_err hoshi_store_supplier_counts(hoshi_store *s, hoshi_supplier_counts *out);

#endif
