/*
 * store_accounts.h — the accounts the store keeps for a front end with
 * sign-in: users (an e-mail address, a password hash and the operator
 * flag) and their sessions.
 *
 * The store keeps these as records and does not interpret them: a session
 * is keyed by a digest of the cookie (never the cookie), carries one
 * opaque token chosen by the front end (the web application keeps its
 * CSRF token there) and an expiry, and is answered with its user's
 * organisation and operator flag.  What a session means — cookies, CSRF
 * checks, which pages an operator may see — is the web application's
 * business (src/server/session.c), not the engine's.  Errors as in
 * hoshi/store.h.
 */
#ifndef HOSHI_STORE_ACCOUNTS_H
#define HOSHI_STORE_ACCOUNTS_H

#include <stdbool.h>

#include "hoshi/error.h"
#include "hoshi/store.h"

/* Limits in characters.  These fields are ASCII, so each character is a
 * byte; the e-mail limit is in octets as RFC 5321 counts them (254 at
 * most), with one to spare. */
#define HOSHI_STORE_EMAIL_CHARS 255   /* an e-mail address */
#define HOSHI_STORE_HASH_CHARS 159    /* an encoded password hash (Argon2id) */
#define HOSHI_STORE_TOKEN_CHARS 71    /* a session digest or token (hex) */
/* Field sizes (bytes), derived from the limits above. */
#define HOSHI_STORE_EMAIL HOSHI_STORE_ASCII_SIZE(HOSHI_STORE_EMAIL_CHARS)
#define HOSHI_STORE_HASH HOSHI_STORE_ASCII_SIZE(HOSHI_STORE_HASH_CHARS)
#define HOSHI_STORE_TOKEN HOSHI_STORE_ASCII_SIZE(HOSHI_STORE_TOKEN_CHARS)

typedef struct hoshi_user {
    long long id, org_id;
    char email[HOSHI_STORE_EMAIL];
    char pwhash[HOSHI_STORE_HASH];
} hoshi_user;

/* A session as the store answers it. */
typedef struct hoshi_session {
    long long user_id, org_id;
    char token[HOSHI_STORE_TOKEN]; /* the token stored with the session (the web
                                      application's CSRF token) */
    long long expires;            /* Unix time */
    bool is_operator;             /* the user's operator flag */
} hoshi_session;

/* Creates an organisation named org_name and its first user in one
 * transaction.  HOSHI_ERR_INPUT when the e-mail address is taken. */
hoshi_err hoshi_store_signup(hoshi_store *s, const char *email, const char *pwhash,
                             const char *org_name, long long *user_id, long long *org_id);
hoshi_err hoshi_store_user_by_email(hoshi_store *s, const char *email, hoshi_user *out);

/* Sessions are found by a digest of the cookie value, never the value.
 * Creating one also deletes the sessions that have expired.  `token` is
 * kept as given and answered as hoshi_session.token. */
hoshi_err hoshi_store_session_create(hoshi_store *s, const char *sid_digest, long long user_id,
                                     const char *token, long long expires);
/* NOTFOUND when missing or expired at `now`. */
hoshi_err hoshi_store_session_get(hoshi_store *s, const char *sid_digest, long long now,
                                  hoshi_session *out);
hoshi_err hoshi_store_session_delete(hoshi_store *s, const char *sid_digest);

/* Sets or clears the user's operator flag (the programme operator's
 * pages); NOTFOUND when there is no such user. */
hoshi_err hoshi_store_user_set_operator(hoshi_store *s, long long user_id, bool on);

#endif
