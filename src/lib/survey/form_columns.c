/*
 * form_columns.c — the column headers of the XLSForm sheets: which
 * columns each sheet may have, the per-language text columns
 * (`label::日本語 (ja)`), and the default language of the settings sheet.
 * An unknown column or language is an error naming the sheet and column,
 * never a column silently ignored.
 */
#include "survey/form_cols.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const col_names[HI_C_COUNT] = {
    "type", "name", "label", "hint", "required", "relevant", "constraint",
    "constraint_message", "appearance", "list_name", "form_id", "form_title", "version",
    "default_language",
};

/* Which columns each sheet allows (bit per hi_col). */
static const unsigned sheet_cols[3] = {
    [HI_SH_SURVEY] = 1u << HI_C_TYPE | 1u << HI_C_NAME | 1u << HI_C_LABEL | 1u << HI_C_HINT |
                     1u << HI_C_REQUIRED | 1u << HI_C_RELEVANT | 1u << HI_C_CONSTRAINT |
                     1u << HI_C_CMSG | 1u << HI_C_APPEARANCE,
    [HI_SH_CHOICES] = 1u << HI_C_LIST | 1u << HI_C_NAME | 1u << HI_C_LABEL,
    [HI_SH_SETTINGS] = 1u << HI_C_FORM_ID | 1u << HI_C_FORM_TITLE | 1u << HI_C_VERSION |
                       1u << HI_C_DEFLANG,
};

static bool is_text_col(hi_col c)
{
    return c == HI_C_LABEL || c == HI_C_HINT || c == HI_C_CMSG || c == HI_C_FORM_TITLE;
}

hoshi_err hi_lang_name(const char *s, hoshi_lang *out)
{
    const char *open = strrchr(s, '(');
    size_t n = strlen(s);
    char code[16];
    if (open != NULL && n > 0 && s[n - 1] == ')') {
        size_t len = (size_t)(s + n - 1 - (open + 1));
        if (len >= sizeof code)
            return HOSHI_ERR_INPUT;
        memcpy(code, open + 1, len);
        code[len] = '\0';
    } else if (n < sizeof code) {
        memcpy(code, s, n + 1);
    } else {
        return HOSHI_ERR_INPUT;
    }
    if (strcasecmp(code, "ja") == 0 || strcmp(code, "日本語") == 0 ||
        strcasecmp(code, "japanese") == 0) {
        *out = HOSHI_LANG_JA;
        return HOSHI_OK;
    }
    if (strcasecmp(code, "en") == 0 || strcasecmp(code, "english") == 0) {
        *out = HOSHI_LANG_EN;
        return HOSHI_OK;
    }
    return HOSHI_ERR_INPUT;
}

hoshi_err hi_cols_map(const hi_sheet *s, int sheet, hoshi_lang deflang, hi_cols *m)
{
    char where[160];
    for (int c = 0; c < HI_C_COUNT; c++) {
        m->col[c] = HI_FORM_NONE;
        for (int l = 0; l < HI_LANGS; l++)
            m->lang[c][l] = HI_FORM_NONE;
    }
    for (size_t i = 0; i < s->ncols; i++) {
        const char *h = s->head[i];
        const char *sep = strstr(h, "::");
        size_t base_len = sep != NULL ? (size_t)(sep - h) : strlen(h);
        int c = 0;
        for (; c < HI_C_COUNT; c++)
            if (strlen(col_names[c]) == base_len && strncmp(col_names[c], h, base_len) == 0)
                break;
        hi_sheet_where(s, HI_FORM_NONE, i, where, sizeof where);
        if (c == HI_C_COUNT || (sheet_cols[sheet] & 1u << c) == 0)
            return hi_fail(HOSHI_ERR_INPUT, "%s: unknown column", where);
        hoshi_lang lang = deflang;
        if (sep != NULL) {
            if (!is_text_col((hi_col)c))
                return hi_fail(HOSHI_ERR_INPUT, "%s: only label, hint and constraint_message "
                               "come per language", where);
            if (hi_lang_name(sep + 2, &lang) != HOSHI_OK)
                return hi_fail(HOSHI_ERR_INPUT, "%s: unknown language '%s' (ja or en)", where,
                               sep + 2);
        }
        size_t *slot = is_text_col((hi_col)c) ? &m->lang[c][lang] : &m->col[c];
        if (*slot != HI_FORM_NONE)
            return hi_fail(HOSHI_ERR_INPUT, "%s: duplicate column", where);
        *slot = i;
    }
    return HOSHI_OK;
}

hoshi_err hi_cols_check_default(const hi_sheet *s, const hi_cols *m, hi_col c, hoshi_lang deflang)
{
    if (m->lang[c][deflang] != HI_FORM_NONE)
        return HOSHI_OK;
    for (int l = 0; l < HI_LANGS; l++) {
        if (m->lang[c][l] != HI_FORM_NONE) {
            char where[160];
            hi_sheet_where(s, HI_FORM_NONE, m->lang[c][l], where, sizeof where);
            return hi_fail(HOSHI_ERR_INPUT, "%s: a language column without one for the default "
                           "language (%s); the settings sheet's default_language names it",
                           where, hoshi_lang_code(deflang));
        }
    }
    return HOSHI_OK;
}

hoshi_err hi_cols_text(const hi_sheet *s, const hi_cols *m, hi_col c, size_t row, hi_text *out)
{
    for (int l = 0; l < HI_LANGS; l++)
        out->t[l] = NULL;
    for (int l = 0; l < HI_LANGS; l++) {
        if (m->lang[c][l] == HI_FORM_NONE || hi_cell(s, row, m->lang[c][l])[0] == '\0')
            continue;
        out->t[l] = hi_strdup(hi_cell(s, row, m->lang[c][l]));
        if (out->t[l] == NULL) {
            hi_text_free(out);
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading the form");
        }
    }
    return HOSHI_OK;
}

const char *hi_cols_cell(const hi_sheet *s, const hi_cols *m, hi_col c, size_t row)
{
    return m->col[c] == HI_FORM_NONE ? "" : hi_cell(s, row, m->col[c]);
}
