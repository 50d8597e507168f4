/*
 * store_member.h — several log-ins per organisation (issue 11 part 3):
 * members and their role (owner or member), and the one-time account
 * tokens a front end mails out: invitations to join an organisation,
 * password resets and e-mail address changes.
 *
 * The store keeps a token only as a digest chosen by the front end (never
 * the secret the link carries), with its kind, its organisation, its user
 * (none for an invitation), an address (the invited one, or the new one
 * of an e-mail change) and an expiry.  Using a token is one transaction
 * that does what the token is for and deletes it, so a link works once.
 * What a role may do is the front end's business; the store keeps one
 * owner per organisation through hoshi_store_owner_transfer.  Errors as in
 * hoshi/store.h.
 */
#ifndef HOSHI_STORE_MEMBER_H
#define HOSHI_STORE_MEMBER_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/error.h"
#include "hoshi/store.h"
#include "hoshi/store_accounts.h"

typedef enum hoshi_role {
    HOSHI_ROLE_MEMBER = 0,        /* prepares: diagnosis, profile, policy draft */
    HOSHI_ROLE_OWNER = 1          /* also declares, withdraws, manages members */
} hoshi_role;

typedef struct hoshi_member {
    long long id, org_id;
    char email[HOSHI_STORE_EMAIL];
    hoshi_role role;
} hoshi_member;

typedef enum hoshi_token_kind {
    HOSHI_TOKEN_INVITE = 1,       /* join org_id as a member with `email` */
    HOSHI_TOKEN_RESET = 2,        /* set user_id's password */
    HOSHI_TOKEN_EMAIL = 3         /* set user_id's address to `email` */
} hoshi_token_kind;

typedef struct hoshi_acct_token {
    long long id;                 /* set by the store */
    hoshi_token_kind kind;
    long long org_id;
    long long user_id;            /* 0 for an invitation */
    char email[HOSHI_STORE_EMAIL];
    long long expires;            /* Unix time */
} hoshi_acct_token;

/* The member user_id; NOTFOUND when there is none. */
hoshi_err hoshi_store_member_get(hoshi_store *s, long long user_id, hoshi_member *out);
/* The members of org_id, owner first, then by joining, up to max. */
hoshi_err hoshi_store_member_list(hoshi_store *s, long long org_id, hoshi_member *out, size_t max,
                                  size_t *n);

/* Keeps token t under digest (t->id is set).  A reset or e-mail change
 * replaces the user's earlier tokens of its kind; an invitation replaces
 * an earlier one of the same address to the same organisation, and is
 * HOSHI_ERR_INPUT when the address already has an account.  Expired
 * tokens are deleted on the way. */
hoshi_err hoshi_store_token_add(hoshi_store *s, const char *digest, hoshi_acct_token *t);
/* The token of kind under digest, unexpired at now; NOTFOUND otherwise. */
hoshi_err hoshi_store_token_get(hoshi_store *s, const char *digest, hoshi_token_kind kind, long long now,
                                hoshi_acct_token *out);
/* The unexpired invitations of org_id, oldest first, up to max. */
hoshi_err hoshi_store_invite_list(hoshi_store *s, long long org_id, long long now, hoshi_acct_token *out,
                                  size_t max, size_t *n);
/* Deletes invitation id of org_id; NOTFOUND when it is not one. */
hoshi_err hoshi_store_invite_revoke(hoshi_store *s, long long org_id, long long id);
/* Uses the token of kind under digest, unexpired at now, and deletes it,
 * in one transaction; NOTFOUND when there is no such token.
 *   INVITE: a new member of the token's organisation with its address and
 *           pwhash (HOSHI_ERR_INPUT when the address has an account now);
 *   RESET:  pwhash becomes the user's password and all their sessions end;
 *   EMAIL:  the token's address becomes the user's (HOSHI_ERR_INPUT when
 *           taken meanwhile); pwhash is not used (may be NULL).
 * *user_id gets the user concerned. */
hoshi_err hoshi_store_token_use(hoshi_store *s, const char *digest, hoshi_token_kind kind, long long now,
                                const char *pwhash, long long *user_id);

/* Sets user_id's password and ends their sessions but the one under
 * keep_digest (may be NULL: all). */
hoshi_err hoshi_store_password_set(hoshi_store *s, long long user_id, const char *pwhash,
                                   const char *keep_digest);
/* Deletes member user_id of org_id with their sessions; NOTFOUND unless a
 * member (not the owner) of org_id. */
hoshi_err hoshi_store_member_remove(hoshi_store *s, long long org_id, long long user_id);
/* Makes member to_user the owner of org_id and the owner from_user a
 * member; NOTFOUND unless from_user is org_id's owner and to_user another
 * of its members. */
hoshi_err hoshi_store_owner_transfer(hoshi_store *s, long long org_id, long long from_user,
                                     long long to_user);
/* Deletes user_id's log-in: the user, their sessions and tokens.  The
 * organisation and what it published stay.  HOSHI_ERR_INPUT when the
 * user is the owner and the organisation has other members (hand over
 * first); NOTFOUND when there is no such user. */
hoshi_err hoshi_store_user_delete(hoshi_store *s, long long user_id);

#endif
