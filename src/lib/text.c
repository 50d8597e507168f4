/*
 * text.c — filling UI templates and checking short free-text fields.  The
 * field check is the one rule for every name or contact a user types, in
 * the CLI and in the web forms alike.
 */
#include "hoshi/text.h"
#include "internal.h"
#include "hoshi/buf.h"
#include "hoshi/text.h"

#include <string.h>

hoshi_err hoshi_text_subst(const char *tmpl, const char *const *vars, char **out, size_t *len)
{
    hi_clear_error();
    hoshi_buf b = HOSHI_BUF_INIT;
    hoshi_buf_subst(&b, tmpl, vars, NULL);
    return hoshi_buf_finish(&b, out, len);
}

bool hoshi_text_is_blank(const char *s)
{
    while (s != NULL && *s) {
        if (*s == ' ' || *s == '\t')
            s++;
        else if (strncmp(s, "\xE3\x80\x80", 3) == 0) /* U+3000 ideographic space */
            s += 3;
        else
            return false;
    }
    return true;
}

typedef enum { TEXT_OK, TEXT_BAD_UTF8, TEXT_CONTROL, TEXT_TOO_LONG } text_fault;

/* The one rule for typed text, shared by the check and the predicate. */
static text_fault classify(const char *s, size_t max_chars, bool multiline)
{
    size_t len = strlen(s);
    if (hoshi_utf8_invalid_at(s, len) != len)
        return TEXT_BAD_UTF8;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p == 0x7F || (*p < 0x20 && !(multiline && (*p == '\n' || *p == '\r' || *p == '\t'))))
            return TEXT_CONTROL;
    return hoshi_utf8_count(s) > max_chars ? TEXT_TOO_LONG : TEXT_OK;
}

bool hoshi_text_is_clean(const char *s, size_t max_chars, bool multiline)
{
    return s != NULL && classify(s, max_chars, multiline) == TEXT_OK;
}

hoshi_err hoshi_text_check(const char *name, const char *value, size_t max_chars, bool required)
{
    hi_clear_error();
    if (hoshi_text_is_blank(value)) {
        if (required)
            return hi_fail(HOSHI_ERR_INPUT, "%s must not be empty", name);
        return HOSHI_OK;
    }
    switch (classify(value, max_chars, false)) {
    case TEXT_BAD_UTF8: return hi_fail(HOSHI_ERR_INPUT, "%s is not valid UTF-8", name);
    case TEXT_CONTROL: return hi_fail(HOSHI_ERR_INPUT, "%s contains a control character", name);
    case TEXT_TOO_LONG:
        return hi_fail(HOSHI_ERR_INPUT, "%s is longer than %zu characters", name, max_chars);
    case TEXT_OK: break;
    }
    return HOSHI_OK;
}
