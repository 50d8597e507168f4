/*
 * withdraw_reasons.c — the fixed list of reasons an operator may give for
 * withdrawing a declaration (issue 11 part 6), read once at start from
 * DATADIR/registry/withdraw_reasons.ini: the keys in order, each with its
 * public label in Japanese and English.  A list that is missing, empty,
 * or has a key without both labels stops the server at start, so a form
 * never offers a reason the verification page cannot name.
 */
#include "server.h"

#include <stdio.h>
#include <string.h>

static bool key_ok(const char *k)
{
    size_t n = strlen(k);
    if (n == 0 || n > HOSHI_DECL_REASON_CHARS)
        return false;
    for (const char *p = k; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return true;
}

hoshi_err srv_reasons_load(srv *s)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/registry/withdraw_reasons.ini", s->cfg.datadir ? s->cfg.datadir : HOSHI_DATADIR);
    hoshi_err err = hoshi_datafile_load(path, &s->reasons);
    if (err != HOSHI_OK)
        return err;
    size_t n = hoshi_datafile_count(s->reasons, "reasons", "reason");
    if (n == 0)
        return hoshi_error_set(HOSHI_ERR_DATA, "%s: no `reason =` line in [reasons]", path);
    for (size_t i = 0; i < n; i++) {
        const char *k = hoshi_datafile_nth(s->reasons, "reasons", "reason", i);
        if (!key_ok(k))
            return hoshi_error_set(HOSHI_ERR_DATA, "%s: reason %zu is not a key of a-z, 0-9 and _ (at most %d)",
                                   path, i + 1, HOSHI_DECL_REASON_CHARS);
        const char *ja = hoshi_datafile_get(s->reasons, k, "ja"), *en = hoshi_datafile_get(s->reasons, k, "en");
        if (ja == NULL || en == NULL || ja[0] == '\0' || en[0] == '\0')
            return hoshi_error_set(HOSHI_ERR_DATA, "%s: [%s] needs both `ja =` and `en =`", path, k);
    }
    return HOSHI_OK;
}

void srv_reasons_free(srv *s)
{
    hoshi_datafile_free(s->reasons);
    s->reasons = NULL;
}

size_t srv_reasons_count(const srv *s)
{
    return hoshi_datafile_count(s->reasons, "reasons", "reason");
}

const char *srv_reason_key(const srv *s, size_t i)
{
    return hoshi_datafile_nth(s->reasons, "reasons", "reason", i);
}

bool srv_reason_ok(const srv *s, const char *key)
{
    for (size_t i = 0; key != NULL && i < srv_reasons_count(s); i++)
        if (strcmp(srv_reason_key(s, i), key) == 0)
            return true;
    return false;
}

const char *srv_reason_label(const srv *s, const char *key, hoshi_lang lang)
{
    const char *l = srv_reason_ok(s, key) ? hoshi_datafile_get(s->reasons, key, lang == HOSHI_LANG_EN ? "en" : "ja")
                                          : NULL;
    return l != NULL ? l : key;
}
