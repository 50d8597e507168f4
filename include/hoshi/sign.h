/*
 * sign.h — signed declarations (issue 11, part 5): the server's Ed25519
 * keys (libsodium), the canonical form of a declaration and the compact
 * token that carries it with its signature, checked offline against the
 * published public keys.  The token format and the key file are defined in
 * docs/web.md, "Signed declarations".
 *
 * A token is ASCII: "hoshi1." KEY-ID "." PAYLOAD "." SIGNATURE, where
 * KEY-ID is 16 lowercase hex digits, PAYLOAD the canonical form in
 * base64url without padding and SIGNATURE the 64-byte Ed25519 signature of
 * the token's bytes before the last ".", in base64url without padding.
 */
#ifndef HOSHI_SIGN_H
#define HOSHI_SIGN_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/buf.h"
#include "hoshi/error.h"

#define HOSHI_SIGN_KEY_ID_LEN 16      /* hex digits of a key id */
#define HOSHI_SIGN_TIME_LEN 20        /* YYYY-MM-DDTHH:MM:SSZ */
#define HOSHI_SIGN_ORG_MAX 400        /* bytes of an organisation's name (UTF-8) */
#define HOSHI_SIGN_TOKEN_MAX 1000     /* bytes of a token: it must fit a QR code */
#define HOSHI_SIGN_KEYS_MAX 64        /* keys in one keyring */
/* The server's key file is its database's path with this added, unless
 * named otherwise (hoshi serve --key-file, hoshi keys --key-file). */
#define HOSHI_SIGN_KEYFILE_SUFFIX ".keys"

/* The signed facts of one declaration (all text NUL-terminated). */
typedef struct hoshi_sign_decl {
    char id[12];                  /* the declaration ID, 11 digits */
    int level;                    /* 1 ★, 2 ★★ */
    char org[HOSHI_SIGN_ORG_MAX + 1]; /* the organisation's name as published */
    char corpnum[14];             /* 法人番号, 13 digits, "" for a sole proprietor */
    char declared_on[11];         /* YYYY-MM-DD */
    bool active;                  /* false: withdrawn */
    char withdrawn_on[11];        /* YYYY-MM-DD when withdrawn, else "" */
} hoshi_sign_decl;

/* A set of keys: a server's own (with their secret halves, read from its
 * key file) or a verifier's (public halves only, from the published JSON). */
typedef struct hoshi_keyring hoshi_keyring;

/* Loads the key file at path.  When it does not exist and create is true,
 * a first key is generated and written (mode 0600); otherwise NOTFOUND.
 * INPUT when the file is malformed or a key does not match its id.  The
 * caller frees *out with hoshi_keyring_free(). */
hoshi_err hoshi_keyring_open(const char *path, bool create, hoshi_keyring **out);

/* Rotation: retires the signing key of the key file at path (its public
 * half stays, so tokens it signed still verify) and adds a new one that
 * signs from then on; the file is replaced atomically, mode 0600.
 * Creates the file when missing.  *new_id (may be NULL) receives the new
 * key's id. */
hoshi_err hoshi_keyring_rotate(const char *path, char new_id[HOSHI_SIGN_KEY_ID_LEN + 1]);

/* Reads the public keys JSON that hoshi_keyring_json() writes (the body of
 * GET /api/v1/keys): {"keys":[{"id":…,"algorithm":"Ed25519","public_key":…,
 * …},…]}.  Members other than id, algorithm and public_key are ignored.
 * INPUT (with where) on malformed JSON, LIMIT beyond HOSHI_SIGN_KEYS_MAX
 * keys.  The caller frees *out with hoshi_keyring_free(). */
hoshi_err hoshi_keyring_from_json(const char *json, size_t len, hoshi_keyring **out);

/* Appends the public keys as JSON (id, algorithm, public_key in base64url,
 * created, retired or null), oldest first, and a newline.  Never the
 * secret halves. */
void hoshi_keyring_json(const hoshi_keyring *k, hoshi_buf *b);

/* The id of the key that signs (the newest not retired), or NULL for a
 * keyring without secret keys.  Owned by k. */
const char *hoshi_keyring_signer(const hoshi_keyring *k);

/* Wipes the secret keys and frees k; NULL is allowed. */
void hoshi_keyring_free(hoshi_keyring *k);

/* Appends the canonical form (version 1) of d to out: the fields in the
 * order ID, level, organisation, 法人番号, declared, status, withdrawn, each
 * followed by one LF.  INPUT when a field is not in its exact form. */
hoshi_err hoshi_sign_canonical(const hoshi_sign_decl *d, hoshi_buf *out);

/* Appends the token of d signed by k's signing key to out.  USAGE when k
 * has no secret key, INPUT as for hoshi_sign_canonical. */
hoshi_err hoshi_sign_token(const hoshi_keyring *k, const hoshi_sign_decl *d, hoshi_buf *out);

/* Checks token against k: on HOSHI_OK *out holds the signed facts and
 * key_id (may be NULL) the signing key's id.  INPUT when the token is
 * malformed or its signature does not match (any byte changed),
 * NOTFOUND when its key is not in k. */
hoshi_err hoshi_sign_verify(const hoshi_keyring *k, const char *token, hoshi_sign_decl *out,
                            char key_id[HOSHI_SIGN_KEY_ID_LEN + 1]);

/* Appends d as a JSON object (the API's field names; "key_id" when key_id
 * is not NULL) and no newline. */
void hoshi_sign_decl_json(hoshi_buf *b, const hoshi_sign_decl *d, const char *key_id);

#endif
