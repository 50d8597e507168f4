/*
 * text.h — small text services for front ends: filling a UI template and
 * checking a short free-text field a user typed (a name, a contact).
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

/* Checks one field a user typed: valid UTF-8, no control characters, at
 * most max_chars characters, and — when required — not blank (spaces,
 * tabs and the ideographic space U+3000 count as blank).  HOSHI_ERR_INPUT
 * with a detail that starts with `name` ("org must not be empty"). */
hoshi_err hoshi_text_check(const char *name, const char *value, size_t max_chars, bool required);

/* True when s is valid UTF-8 of at most max_chars characters without
 * control characters (line breaks and tabs allowed when multiline): the
 * rule of hoshi_text_check() as a predicate, blank text included. */
bool hoshi_text_is_clean(const char *s, size_t max_chars, bool multiline);

/* True when s is NULL or holds only blanks (as above). */
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
