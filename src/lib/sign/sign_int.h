/*
 * sign_int.h — what the files of src/lib/sign/ share: the keyring's
 * layout and the key id of a public key.  Not part of the public API.
 */
#ifndef HOSHI_SIGN_INT_H
#define HOSHI_SIGN_INT_H

#include <sodium.h>
#include <stdbool.h>

#include "hoshi/sign.h"

/* The base64url alphabet: text is checked against it before libsodium
 * decodes it (its decoder does not refuse bytes past 0x7f). */
#define B64URL "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

typedef struct hi_sign_key {
    char id[HOSHI_SIGN_KEY_ID_LEN + 1];
    char created[HOSHI_SIGN_TIME_LEN + 1];
    char retired[HOSHI_SIGN_TIME_LEN + 1]; /* "" while it signs */
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    bool secret;                  /* sk is known (a server's own key) */
} hi_sign_key;

struct hoshi_keyring {
    size_t n;
    hi_sign_key keys[HOSHI_SIGN_KEYS_MAX];
};

/* The id of public key pk: the first 8 bytes of its BLAKE2b-128 hash in
 * lowercase hex, so a verifier can compute it from the key alone. */
void hi_sign_key_id(const unsigned char pk[crypto_sign_PUBLICKEYBYTES], char id[HOSHI_SIGN_KEY_ID_LEN + 1]);

/* libsodium ready for use (idempotent); INTERNAL when it cannot start. */
hoshi_err hi_sign_init(void);

/* The key of k with id, or NULL. */
const hi_sign_key *hi_sign_find(const hoshi_keyring *k, const char *id);

#endif
