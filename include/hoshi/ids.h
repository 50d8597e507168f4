/*
 * ids.h — the identifiers hoshi checks or issues: the 13-digit corporate
 * number (法人番号) an organisation may give, and the 11-digit declaration
 * ID hoshi issues for every ★ / ★★ declaration.
 *
 * 法人番号: 13 digits, the first being a check digit over the 12 base digits
 * that follow: check = 9 − (Σ P_n × Q_n mod 9), P_n the n-th base digit
 * counted from the right (n = 1..12), Q_n = 1 for odd n and 2 for even n.
 *
 * Declaration ID: 10 base digits (the first never 0) followed by one check
 * digit computed with the Damm algorithm (a quasigroup of order 10).  Damm
 * catches every single-digit error and every swap of two adjacent digits —
 * the two mistakes people make most when typing a number from a business
 * card — and, unlike Luhn, never needs a non-digit check character.
 * A valid ID passes the Damm check over all 11 digits (interim digit 0).
 * Nothing in this header allocates.
 */
#ifndef HOSHI_IDS_H
#define HOSHI_IDS_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/error.h"

#define HOSHI_CORPNUM_LEN 13
#define HOSHI_DECL_ID_LEN 11

/* True when s is exactly 13 ASCII digits whose first digit is the correct
 * check digit of the other twelve. */
bool hoshi_corpnum_is_valid(const char *s);

/* The check digit (1..9) of the 12 base digits base12,
 * or -1 when base12 is not exactly 12 ASCII digits. */
int hoshi_corpnum_check_digit(const char *base12);

/* The Damm check digit of a string of ASCII digits, or -1 when s is empty
 * or has a non-digit. */
int hoshi_damm_check_digit(const char *s);

/* True when s is exactly 11 ASCII digits, the first not 0, and the last is
 * the Damm check digit of the first ten. */
bool hoshi_decl_id_is_valid(const char *s);

/* Builds a declaration ID from a number in [1000000000, 9999999999]: its
 * ten digits followed by the check digit, into out (at least 12 bytes).
 * HOSHI_ERR_USAGE when base is out of range. */
hoshi_err hoshi_decl_id_make(long long base, char out[HOSHI_DECL_ID_LEN + 1]);

/* Copies a user-typed declaration ID to out (at least 12 bytes), dropping
 * spaces and hyphens ("1234-5678-901" → "12345678901").  Returns false (out
 * set to "") when the result is not a valid ID. */
bool hoshi_decl_id_normalize(const char *in, char out[HOSHI_DECL_ID_LEN + 1]);

#endif
