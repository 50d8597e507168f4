/*
 * namekey.h — the search key of an organisation's name, so that the ways
 * one name is written find each other: サクラ, ｻｸﾗ and さくら; ＳＡＫＵＲＡ
 * and sakura; (株), ㈱, （株）, カブシキガイシャ and 株式会社.  And what a
 * registry search box was given: a name, a 法人番号 or a declaration ID.
 *
 * The key of a text is, in order:
 *   1. Unicode NFKC with case folding (ICU's NFKC_Casefold): half- and
 *      full-width forms become one, ㈱ becomes (株), letters lower case;
 *   2. katakana as hiragana (ァ..ヶ, ヽ, ヾ), so サクラ and さくら agree;
 *   3. white space dropped (U+3000 too);
 *   4. each legal form of DATADIR/registry/legal_forms.ini (compared after
 *      steps 1–3) replaced by its full name — or dropped, on request;
 *   5. everything but letters, marks and numbers dropped (punctuation,
 *      symbols: ・, -, &, ★…).
 * A key holds only letters, marks and numbers, so it never holds a LIKE
 * wildcard.  The forms are data the operator may extend, not C literals.
 */
#ifndef HOSHI_NAMEKEY_H
#define HOSHI_NAMEKEY_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/error.h"
#include "hoshi/ids.h"

typedef struct hoshi_namekey hoshi_namekey;

/* Loads the legal forms from DATADIR/registry/legal_forms.ini (datadir
 * NULL: hoshi_datadir_default()).  HOSHI_ERR_DATA naming the file and
 * line when a form is unusable (no full name, a spelling that folds to
 * nothing).  On success the caller owns *out (hoshi_namekey_free). */
hoshi_err hoshi_namekey_open(const char *datadir, hoshi_namekey **out);
void hoshi_namekey_free(hoshi_namekey *nk);

/* The table of hoshi_datadir_default(), loaded on first use and kept for
 * the life of the process (shared, never freed by the caller).  A failed
 * load is not remembered: the next call tries again. */
hoshi_err hoshi_namekey_default(const hoshi_namekey **out);
/* Loads the default table now, from datadir (NULL: hoshi_datadir_default()),
 * so a front end with its own data directory (hoshi serve --data-dir) has
 * the store use its forms, and a broken file stops it at start.  Call it
 * before opening a store.  HOSHI_ERR_USAGE when the default was already
 * loaded from another directory; errors of hoshi_namekey_open. */
hoshi_err hoshi_namekey_default_dir(const char *datadir);

#define HOSHI_NAMEKEY_DROP_FORMS 0x1u /* step 4 drops legal forms instead */
/* Longest text a key is made of, in bytes (far past any name). */
#define HOSHI_NAMEKEY_INPUT_MAX 4096

/* The key of `text` (flags: HOSHI_NAMEKEY_*) in *out, malloc'd UTF-8 that
 * the caller frees; "" when nothing is left.  HOSHI_ERR_INPUT when text
 * is not UTF-8, HOSHI_ERR_LIMIT past HOSHI_NAMEKEY_INPUT_MAX bytes,
 * HOSHI_ERR_NOMEM; *out is NULL on failure. */
hoshi_err hoshi_namekey_make(const hoshi_namekey *nk, const char *text, unsigned flags, char **out);

/* The key a search for `query` looks for: its key without legal forms, so
 * (株)さくら finds さくら株式会社 and 株式会社さくら alike — unless the
 * query is nothing but legal forms, then its key with them (株式会社).
 * Errors as hoshi_namekey_make. */
hoshi_err hoshi_namekey_query(const hoshi_namekey *nk, const char *query, char **out);

/* What a search box was given. */
typedef enum hoshi_lookup {
    HOSHI_LOOKUP_NAME = 0,
    HOSHI_LOOKUP_CORPNUM,         /* a valid 法人番号 */
    HOSHI_LOOKUP_DECL_ID          /* a valid declaration ID */
} hoshi_lookup;

/* Tells a 法人番号 or a declaration ID from a name: after NFKC (so
 * full-width digits count), spaces and hyphens of any kind (‐ - − ー ｰ)
 * dropped, 13 digits passing the 法人番号 check digit are a CORPNUM and 11
 * digits passing the Damm check a DECL_ID; the digits go to out (""
 * otherwise).  Anything else, invalid UTF-8 and text past
 * HOSHI_NAMEKEY_INPUT_MAX bytes included, is a NAME.  Never allocates
 * with the library's allocator, never fails. */
hoshi_lookup hoshi_lookup_of(const char *query, char out[HOSHI_CORPNUM_LEN + 1]);

#endif
