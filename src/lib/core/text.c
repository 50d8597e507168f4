/*
 * text.c — filling UI templates, and the front doors of the one rule for
 * typed text (normalize.c): the check the CLI applies to a name or
 * contact, and the predicate the web forms used before they normalised.
 */
#include "hoshi/text.h"
#include "internal.h"
#include "hoshi/buf.h"
#include "text_int.h"

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

bool hoshi_text_is_clean(const char *s, size_t max_chars, bool multiline)
{
    if (s == NULL)
        return false;
    hi_clear_error();
    return hi_text_normalize("text", s, max_chars, multiline ? HOSHI_TEXT_MULTILINE : 0, NULL, NULL) ==
           HOSHI_OK;
}

hoshi_err hoshi_text_check(const char *name, const char *value, size_t max_chars, bool required)
{
    hi_clear_error();
    if (value == NULL) /* an optional field not given */
        return required ? hi_fail(HOSHI_ERR_INPUT, "%s must not be empty", name) : HOSHI_OK;
    return hi_text_normalize(name, value, max_chars, required ? HOSHI_TEXT_REQUIRED : 0, NULL, NULL);
}
