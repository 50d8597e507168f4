/*
 * normalize.c — the rule for text people type (names, contacts, search
 * words, policies), described in hoshi/text.h: NFC through ICU's
 * normaliser, then every character of the result checked against the
 * classes that are refused, using ICU's character properties, so the rule
 * follows the Unicode data rather than a hand-kept list of ranges.
 *
 * Working form is UTF-16 because ICU's C normalisation API speaks it; the
 * text is validated as UTF-8 first, so conversion cannot meet a bad byte.
 */
#include "hoshi/text.h"
#include "alloc.h"
#include "internal.h"
#include "text_int.h"

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Far past any field a person types; keeps every length inside ICU's
 * int32_t however the text grows when normalised (at most 3 times). */
#define TEXT_BYTES_MAX (64u * 1024 * 1024)

static bool is_line_break(UChar32 c)
{
    return c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029;
}

/* The class a single character falls in under the rule (HOSHI_TEXT_OK
 * when it is allowed). */
static hoshi_text_fault char_fault(UChar32 c, unsigned flags)
{
    bool multiline = (flags & HOSHI_TEXT_MULTILINE) != 0;
    if (is_line_break(c))
        return multiline && c < 0x80 ? HOSHI_TEXT_OK : HOSHI_TEXT_LINE_BREAK;
    if (c == '\t')
        return multiline ? HOSHI_TEXT_OK : HOSHI_TEXT_CONTROL;
    if (c == 0xFFFD)
        return HOSHI_TEXT_REPLACEMENT;
    int8_t type = u_charType(c);
    if (type == U_CONTROL_CHAR)
        return HOSHI_TEXT_CONTROL;
    if (u_hasBinaryProperty(c, UCHAR_BIDI_CONTROL))
        return HOSHI_TEXT_BIDI;
    if (u_hasBinaryProperty(c, UCHAR_NONCHARACTER_CODE_POINT))
        return HOSHI_TEXT_NONCHARACTER;
    if (type == U_FORMAT_CHAR || (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) &&
                                  !u_hasBinaryProperty(c, UCHAR_VARIATION_SELECTOR)))
        return HOSHI_TEXT_INVISIBLE;
    if (type == U_PRIVATE_USE_CHAR)
        return HOSHI_TEXT_PRIVATE_USE;
    if (type == U_SURROGATE) /* cannot come from valid UTF-8; kept for safety */
        return HOSHI_TEXT_BAD_UTF8;
    if (type == U_UNASSIGNED)
        return HOSHI_TEXT_UNASSIGNED;
    return HOSHI_TEXT_OK;
}

/* A letter, number, punctuation or symbol that leaves a mark on the page.
 * U+2800 (braille pattern blank) is a symbol that shows nothing. */
static bool is_visible(UChar32 c)
{
    return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_N_MASK | U_GC_P_MASK | U_GC_S_MASK)) != 0 &&
           c != 0x2800;
}

/* "U+202E RIGHT-TO-LEFT OVERRIDE", or just the code point when unnamed. */
static void describe(unsigned long cp, char *buf, size_t size)
{
    char name[128] = "";
    UErrorCode st = U_ZERO_ERROR;
    u_charName((UChar32)cp, U_UNICODE_CHAR_NAME, name, (int32_t)sizeof name, &st);
    if (U_FAILURE(st))
        name[0] = '\0';
    snprintf(buf, size, "U+%04lX%s%s", cp, name[0] ? " " : "", name);
}

/* Records the detail for pr: what, where, which character.  `blank`: the
 * text held only white space (for HOSHI_TEXT_EMPTY). */
static hoshi_err fail_problem(const char *label, const hoshi_text_problem *pr, size_t max_chars,
                              unsigned flags, bool blank)
{
    char where[64], what[160];
    if (pr->line > 1 || (flags & HOSHI_TEXT_MULTILINE))
        snprintf(where, sizeof where, "line %zu, character %zu", pr->line, pr->position);
    else
        snprintf(where, sizeof where, "character %zu", pr->position);
    describe(pr->code_point, what, sizeof what);
    switch (pr->fault) {
    case HOSHI_TEXT_BAD_UTF8:
        return hi_fail(HOSHI_ERR_INPUT, "%s is not valid UTF-8 at %s (byte 0x%02lX)", label, where,
                       pr->code_point);
    case HOSHI_TEXT_CONTROL:
        return hi_fail(HOSHI_ERR_INPUT, "%s has a control character at %s: %s", label, where, what);
    case HOSHI_TEXT_LINE_BREAK:
        return hi_fail(HOSHI_ERR_INPUT, "%s has a line break at %s: %s", label, where, what);
    case HOSHI_TEXT_BIDI:
        return hi_fail(HOSHI_ERR_INPUT, "%s has an invisible bidirectional control at %s: %s", label,
                       where, what);
    case HOSHI_TEXT_INVISIBLE:
        return hi_fail(HOSHI_ERR_INPUT, "%s has an invisible character at %s: %s", label, where, what);
    case HOSHI_TEXT_NONCHARACTER:
        return hi_fail(HOSHI_ERR_INPUT, "%s has a noncharacter at %s: %s", label, where, what);
    case HOSHI_TEXT_PRIVATE_USE:
        return hi_fail(HOSHI_ERR_INPUT,
                       "%s has a private-use character at %s: %s (it shows differently on every "
                       "computer)", label, where, what);
    case HOSHI_TEXT_UNASSIGNED:
        return hi_fail(HOSHI_ERR_INPUT, "%s has a code point not assigned in Unicode %s at %s: %s",
                       label, U_UNICODE_VERSION, where, what);
    case HOSHI_TEXT_REPLACEMENT:
        return hi_fail(HOSHI_ERR_INPUT,
                       "%s has the replacement character at %s: %s (text damaged by a conversion)",
                       label, where, what);
    case HOSHI_TEXT_EMPTY:
        if (blank)
            return hi_fail(HOSHI_ERR_INPUT, "%s must not be empty", label);
        return hi_fail(HOSHI_ERR_INPUT, "%s has no visible character", label);
    case HOSHI_TEXT_TOO_LONG:
        return hi_fail(HOSHI_ERR_INPUT, "%s is longer than %zu characters (it has %zu)", label,
                       max_chars, pr->length);
    case HOSHI_TEXT_OK: break;
    }
    return hi_fail(HOSHI_ERR_INTERNAL, "%s: unknown text fault %d", label, (int)pr->fault);
}

/* The first invalid byte of `in` as a problem: character and line of it. */
static void bad_utf8_at(const char *in, size_t bad, hoshi_text_problem *pr)
{
    pr->fault = HOSHI_TEXT_BAD_UTF8;
    pr->position = 1;
    pr->line = 1;
    for (size_t i = 0; i < bad; i++) {
        pr->position += ((unsigned char)in[i] & 0xC0) != 0x80;
        pr->line += in[i] == '\n';
    }
    pr->code_point = (unsigned char)in[bad];
}

/* NFC of the UTF-8 text in[0..len) (valid) into a new UTF-16 buffer. */
static hoshi_err to_nfc(const char *in, size_t len, UChar **out, int32_t *out_len)
{
    hoshi_err err = HOSHI_ERR_NOMEM;
    UErrorCode st = U_ZERO_ERROR;
    UChar *dst = NULL, *src = hi_malloc((len + 1) * sizeof *src);
    if (src == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory normalising text");
    int32_t n16 = 0;
    u_strFromUTF8(src, (int32_t)len + 1, &n16, in, (int32_t)len, &st);
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
    if (U_FAILURE(st)) {
        err = hi_fail(HOSHI_ERR_INTERNAL, "ICU: %s", u_errorName(st));
        goto free_src;
    }
    int32_t cap = n16 + 16;
    for (int tries = 0; tries < 2; tries++) {
        UChar *grown = hi_realloc(dst, (size_t)cap * sizeof *dst);
        if (grown == NULL) {
            err = hi_fail(HOSHI_ERR_NOMEM, "out of memory normalising text");
            goto free_dst;
        }
        dst = grown;
        st = U_ZERO_ERROR;
        int32_t m = unorm2_normalize(nfc, src, n16, dst, cap, &st);
        if (st == U_BUFFER_OVERFLOW_ERROR) {
            cap = m + 1;
            continue;
        }
        if (U_FAILURE(st)) {
            err = hi_fail(HOSHI_ERR_INTERNAL, "ICU: NFC failed: %s", u_errorName(st));
            goto free_dst;
        }
        *out = dst;
        *out_len = m;
        free(src);
        return HOSHI_OK;
    }
    err = hi_fail(HOSHI_ERR_INTERNAL, "ICU: NFC did not fit the length it asked for");
free_dst:
    free(dst);
free_src:
    free(src);
    return err;
}

/* UTF-16 s[0..n) as a new UTF-8 string. */
static hoshi_err to_utf8(const UChar *s, int32_t n, char **out)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t need = 0;
    u_strToUTF8(NULL, 0, &need, s, n, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
        return hi_fail(HOSHI_ERR_INTERNAL, "ICU: %s", u_errorName(st));
    char *buf = hi_malloc((size_t)need + 1);
    if (buf == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory normalising text");
    st = U_ZERO_ERROR;
    u_strToUTF8(buf, need + 1, NULL, s, n, &st);
    if (U_FAILURE(st)) {
        free(buf);
        return hi_fail(HOSHI_ERR_INTERNAL, "ICU: %s", u_errorName(st));
    }
    buf[need] = '\0';
    *out = buf;
    return HOSHI_OK;
}

/* Checks every character of the normalised text t[0..n) and compacts it
 * in place, CR LF and CR becoming LF (the write index never passes the
 * read index); *n becomes the new length.  The first refused character
 * goes to *pr. */
static void check_chars(UChar *t, int32_t *n, unsigned flags, hoshi_text_problem *pr)
{
    int32_t w = 0, len = *n;
    size_t pos = 0, line = 1;
    for (int32_t i = 0; i < len;) {
        UChar32 c;
        U16_NEXT(t, i, len, c);
        pos++;
        hoshi_text_fault f = char_fault(c, flags);
        if (f != HOSHI_TEXT_OK) {
            pr->fault = f;
            pr->position = pos;
            pr->line = line;
            pr->code_point = (unsigned long)c;
            return;
        }
        if (c == '\r') {
            if (i < len && t[i] == '\n')
                continue;
            c = '\n';
        }
        line += c == '\n';
        U16_APPEND_UNSAFE(t, w, c);
    }
    *n = w;
}

/* The part of t[0..n) left after trimming white space at both ends (when
 * HOSHI_TEXT_TRIM), as [*start, *end). */
static void trim_ends(const UChar *t, int32_t n, unsigned flags, int32_t *start, int32_t *end)
{
    *start = 0;
    *end = n;
    if (!(flags & HOSHI_TEXT_TRIM))
        return;
    while (*start < *end) {
        UChar32 c;
        int32_t next = *start;
        U16_NEXT(t, next, *end, c);
        if (!u_isUWhiteSpace(c))
            break;
        *start = next;
    }
    while (*end > *start) {
        UChar32 c;
        int32_t prev = *end;
        U16_PREV(t, *start, prev, c);
        if (!u_isUWhiteSpace(c))
            break;
        *end = prev;
    }
}

hoshi_err hi_text_normalize(const char *label, const char *in, size_t max_chars, unsigned flags,
                            char **out, hoshi_text_problem *why)
{
    hoshi_text_problem pr;
    memset(&pr, 0, sizeof pr);
    if (why != NULL)
        *why = pr;
    if (out != NULL)
        *out = NULL;
    if (in == NULL)
        return hi_fail(HOSHI_ERR_USAGE, "%s: no text given", label);
    size_t len = strlen(in);
    if (len > TEXT_BYTES_MAX)
        return hi_fail(HOSHI_ERR_LIMIT, "%s is longer than %u bytes", label, TEXT_BYTES_MAX);
    size_t bad = hoshi_utf8_invalid_at(in, len);
    if (bad != len) {
        bad_utf8_at(in, bad, &pr);
        if (why != NULL)
            *why = pr;
        return fail_problem(label, &pr, max_chars, flags, false);
    }
    UChar *t = NULL;
    int32_t n = 0;
    hoshi_err err = to_nfc(in, len, &t, &n);
    if (err != HOSHI_OK)
        return err;
    check_chars(t, &n, flags, &pr);
    bool visible = false, blank = true;
    if (pr.fault == HOSHI_TEXT_OK) {
        int32_t start, end;
        trim_ends(t, n, flags, &start, &end);
        for (int32_t i = start; i < end;) {
            UChar32 c;
            U16_NEXT(t, i, end, c);
            pr.length++;
            visible = visible || is_visible(c);
            blank = blank && u_isUWhiteSpace(c);
        }
        if (!visible && ((flags & HOSHI_TEXT_REQUIRED) || !blank))
            pr.fault = HOSHI_TEXT_EMPTY;
        else if (pr.length > max_chars)
            pr.fault = HOSHI_TEXT_TOO_LONG;
        else if (out != NULL)
            err = to_utf8(t + start, end - start, out);
    }
    free(t);
    if (why != NULL)
        *why = pr;
    return pr.fault == HOSHI_TEXT_OK ? err : fail_problem(label, &pr, max_chars, flags, blank);
}

hoshi_err hoshi_text_normalize(const char *in, size_t max_chars, unsigned flags, char **out,
                               hoshi_text_problem *why)
{
    hi_clear_error();
    return hi_text_normalize("text", in, max_chars, flags, out, why);
}

/* Appends code point c as UTF-8. */
static void put_utf8(char *dst, size_t *n, UChar32 c)
{
    unsigned long u = (unsigned long)c;
    if (u < 0x80) {
        dst[(*n)++] = (char)u;
    } else if (u < 0x800) {
        dst[(*n)++] = (char)(0xC0 | (u >> 6));
        dst[(*n)++] = (char)(0x80 | (u & 0x3F));
    } else if (u < 0x10000) {
        dst[(*n)++] = (char)(0xE0 | (u >> 12));
        dst[(*n)++] = (char)(0x80 | ((u >> 6) & 0x3F));
        dst[(*n)++] = (char)(0x80 | (u & 0x3F));
    } else {
        dst[(*n)++] = (char)(0xF0 | (u >> 18));
        dst[(*n)++] = (char)(0x80 | ((u >> 12) & 0x3F));
        dst[(*n)++] = (char)(0x80 | ((u >> 6) & 0x3F));
        dst[(*n)++] = (char)(0x80 | (u & 0x3F));
    }
}

hoshi_err hoshi_text_sanitize(const char *s, char **out)
{
    hi_clear_error();
    *out = NULL;
    if (s == NULL)
        return hi_fail(HOSHI_ERR_USAGE, "hoshi_text_sanitize: no text given");
    size_t len = strlen(s);
    /* Each byte becomes at most one U+FFFD (3 bytes). */
    if (len > TEXT_BYTES_MAX)
        return hi_fail(HOSHI_ERR_LIMIT, "text is longer than %u bytes", TEXT_BYTES_MAX);
    char *buf = hi_malloc(3 * len + 1);
    if (buf == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory sanitising text");
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        /* The longest valid sequence here, or one bad byte. */
        size_t k = len - i < 4 ? len - i : 4;
        size_t ok = hoshi_utf8_invalid_at(s + i, k);
        if (ok == 0) {
            put_utf8(buf, &n, 0xFFFD);
            i++;
            continue;
        }
        UChar32 c;
        int32_t at = 0;
        U8_NEXT((const uint8_t *)(s + i), at, (int32_t)ok, c);
        i += (size_t)at;
        hoshi_text_fault f = c < 0 ? HOSHI_TEXT_BAD_UTF8 : char_fault(c, 0);
        put_utf8(buf, &n, f == HOSHI_TEXT_OK || f == HOSHI_TEXT_REPLACEMENT ? c : 0xFFFD);
    }
    buf[n] = '\0';
    *out = buf;
    return HOSHI_OK;
}
