/*
 * text.h — small text services for front ends: filling a UI template, and
 * the one rule for text a person types (a name, a contact, a search word,
 * a policy): Unicode NFC, no control, invisible or bidirectional control
 * characters, limits counted in characters.
 */
#ifndef HOSHI_TEXT_H
#define HOSHI_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/error.h"

/* Fills a text template: every {name} in tmpl is replaced by the value
 * paired with it in vars (name, value, name, value, …, NULL); unknown
 * names stay as they are.  No escaping.  Caller frees *out with free(). */
hoshi_err hoshi_text_subst(const char *tmpl, const char *const *vars, char **out, size_t *len);

/* --- the rule for typed text
 *
 * Text is normalised to NFC (so "が" typed as か + U+3099 is stored as the
 * one character が), then refused when it holds, anywhere:
 *   - bytes that are not UTF-8 (overlongs, encoded surrogates, past U+10FFFF);
 *   - C0 and C1 control characters and DEL (tab and line breaks are
 *     allowed in multi-line text), U+2028 and U+2029;
 *   - bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E,
 *     U+2066–U+2069), which reorder what is shown around them;
 *   - invisible format characters: general category Cf (zero-width space,
 *     joiners, BOM U+FEFF, soft hyphen, tags…) and the other
 *     default-ignorable code points (Hangul fillers, U+034F…), except the
 *     variation selectors, which pick a glyph of a kanji (IVS) or emoji;
 *   - noncharacters (U+FDD0–U+FDEF, U+xFFFE, U+xFFFF);
 *   - private-use characters (U+E000–U+F8FF, planes 15–16): legacy 外字
 *     that look different, or like nothing, on every other computer, so
 *     a name holding them is not the name others read;
 *   - code points not yet assigned in the Unicode version of the library;
 *   - U+FFFD, the mark of text damaged by a conversion.
 * Limits count characters (code points) of the normalised text.  Text
 * without a single visible character (letter, number, punctuation or
 * symbol) is refused when it is required, and whenever it is not blank. */

#define HOSHI_TEXT_MULTILINE 0x1u /* tabs and line breaks allowed; CR LF and CR become LF */
#define HOSHI_TEXT_REQUIRED 0x2u  /* at least one visible character */
#define HOSHI_TEXT_TRIM 0x4u      /* white space at both ends removed (U+3000 too) */

typedef enum hoshi_text_fault {
    HOSHI_TEXT_OK = 0,
    HOSHI_TEXT_BAD_UTF8,
    HOSHI_TEXT_CONTROL,
    HOSHI_TEXT_LINE_BREAK,        /* a line break in single-line text */
    HOSHI_TEXT_BIDI,
    HOSHI_TEXT_INVISIBLE,
    HOSHI_TEXT_NONCHARACTER,
    HOSHI_TEXT_PRIVATE_USE,
    HOSHI_TEXT_UNASSIGNED,
    HOSHI_TEXT_REPLACEMENT,       /* U+FFFD */
    HOSHI_TEXT_EMPTY,             /* no visible character */
    HOSHI_TEXT_TOO_LONG
} hoshi_text_fault;

/* What is wrong with a text, for front ends that word it themselves. */
typedef struct hoshi_text_problem {
    hoshi_text_fault fault;
    size_t position;              /* 1-based character of the normalised text
                                     (BAD_UTF8: of the text as given), 0 for
                                     EMPTY and TOO_LONG */
    size_t line;                  /* 1-based line of that character */
    unsigned long code_point;     /* the refused character (BAD_UTF8: the byte) */
    size_t length;                /* characters of the normalised text */
} hoshi_text_problem;

/* Normalises `in` to NFC and checks it against the rule above, with at
 * most max_chars characters; flags are HOSHI_TEXT_*.  On success *out is
 * the normalised text (caller frees with free()); out may be NULL to only
 * check.  On failure *out is NULL, HOSHI_ERR_INPUT with a detail saying
 * what and where ("text has an invisible bidirectional control at
 * character 3: U+202E RIGHT-TO-LEFT OVERRIDE"), and *why (why may be
 * NULL) says the same as data.  HOSHI_ERR_NOMEM when memory runs out. */
hoshi_err hoshi_text_normalize(const char *in, size_t max_chars, unsigned flags, char **out,
                               hoshi_text_problem *why);

/* A copy of s fit to show where the rule may not have held (text stored
 * before it): every byte that is not UTF-8 and every character the rule
 * refuses in single-line text becomes U+FFFD, so nothing invisible or
 * reordering reaches a reader.  Caller frees *out with free(). */
hoshi_err hoshi_text_sanitize(const char *s, char **out);

/* Checks one single-line field a user typed with the rule above, at most
 * max_chars characters, and — when required — with a visible character
 * (NULL counts as empty).
 * HOSHI_ERR_INPUT with a detail that starts with `name` ("org must not be
 * empty", "org has an invisible character at character 2: U+200B ZERO
 * WIDTH SPACE").  The value itself is not changed: front ends that store
 * it use hoshi_text_normalize(). */
hoshi_err hoshi_text_check(const char *name, const char *value, size_t max_chars, bool required);

/* True when hoshi_text_normalize(s, max_chars, multiline ?
 * HOSHI_TEXT_MULTILINE : 0, …) would succeed: the rule as a predicate,
 * blank text included.  False for NULL (and when memory runs out). */
bool hoshi_text_is_clean(const char *s, size_t max_chars, bool multiline);

/* True when s is NULL or holds only blanks: spaces, tabs and the
 * ideographic space U+3000. */
bool hoshi_text_is_blank(const char *s);

/* Offset of the first byte of s[0..len) that is not valid UTF-8 (RFC 3629:
 * no overlongs, surrogates or code points past U+10FFFF), or len. */
size_t hoshi_utf8_invalid_at(const char *s, size_t len);

/* Number of code points in the valid UTF-8 string s. */
size_t hoshi_utf8_count(const char *s);

/* Parses a whole decimal integer in [lo, hi]; false on anything else
 * (empty, blanks, '+', trailing bytes, overflow).  The checked alternative
 * to atoi. */
bool hoshi_parse_long(const char *s, long lo, long hi, long *out);

#endif
