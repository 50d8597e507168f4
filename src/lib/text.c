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

hoshi_err hoshi_text_check(const char *name, const char *value, size_t max_chars, bool required)
{
    hi_clear_error();
    if (hoshi_text_is_blank(value)) {
        if (required)
            return hi_fail(HOSHI_ERR_INPUT, "%s must not be empty", name);
        return HOSHI_OK;
    }
    size_t len = strlen(value);
    if (hoshi_utf8_invalid_at(value, len) != len)
        return hi_fail(HOSHI_ERR_INPUT, "%s is not valid UTF-8", name);
    for (const unsigned char *p = (const unsigned char *)value; *p; p++)
        if (*p < 0x20 || *p == 0x7F)
            return hi_fail(HOSHI_ERR_INPUT, "%s contains a control character", name);
    if (hoshi_utf8_count(value) > max_chars)
        return hi_fail(HOSHI_ERR_INPUT, "%s is longer than %zu characters", name, max_chars);
    return HOSHI_OK;
}
