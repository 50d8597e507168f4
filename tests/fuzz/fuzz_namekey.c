/*
 * fuzz_namekey.c — libFuzzer target for the search key of a name
 * (hoshi/namekey.h) and the 法人番号 name check built on it (hoshi/nta.h):
 * whatever a search box, a profile form or the register's file gives.  The
 * input is a name; or, when it holds a NUL byte, a legal_forms.ini before
 * it (the operator's data, read into a table of its own) and the name
 * after it.  Any bytes must give a key or a clean error, never a crash, and
 *   - a key is valid UTF-8 holding no ASCII but lower-case letters and
 *     digits (so never a LIKE wildcard, a space or a quote);
 *   - a key made without legal forms is never longer than the text's own
 *     key;
 *   - a name that has a key matches itself (hoshi_nta_name_matches);
 *   - hoshi_lookup_of gives digits only for a valid 法人番号 or ID.
 */
#include "hoshi/hoshi.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_key(const char *key)
{
    size_t len = strlen(key);
    if (hoshi_utf8_invalid_at(key, len) != len)
        abort();
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        if (*p < 0x80 && !((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
            abort();
}

/* A data directory of its own for the fuzzed legal forms, made once. */
static const char *forms_dir(void)
{
    static char dir[] = "/tmp/hoshi-fuzz-namekey-XXXXXX";
    static bool made;
    if (!made) {
        char sub[sizeof dir + 16];
        if (mkdtemp(dir) == NULL)
            abort();
        snprintf(sub, sizeof sub, "%s/registry", dir);
        if (mkdir(sub, 0700) != 0)
            abort();
        made = true;
    }
    return dir;
}

/* The table of the forms text, or NULL when it is refused. */
static hoshi_namekey *open_forms(const uint8_t *text, size_t len)
{
    const char *dir = forms_dir();
    char path[128];
    snprintf(path, sizeof path, "%s/registry/legal_forms.ini", dir);
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        abort();
    if (len > 0 && fwrite(text, 1, len, f) != len)
        abort();
    fclose(f);
    hoshi_namekey *nk = NULL;
    return hoshi_namekey_open(dir, &nk) == HOSHI_OK ? nk : NULL;
}

static void keys_of(const hoshi_namekey *nk, const char *name)
{
    char *full = NULL, *bare = NULL, *query = NULL;
    hoshi_err e1 = hoshi_namekey_make(nk, name, 0, &full);
    hoshi_err e2 = hoshi_namekey_make(nk, name, HOSHI_NAMEKEY_DROP_FORMS, &bare);
    hoshi_err e3 = hoshi_namekey_query(nk, name, &query);
    if ((e1 == HOSHI_OK) != (e2 == HOSHI_OK) || (e1 == HOSHI_OK) != (e3 == HOSHI_OK))
        abort();
    if (e1 == HOSHI_OK) {
        check_key(full);
        check_key(bare);
        check_key(query);
        /* Dropping forms only takes away; a query is one of the two. */
        if (strlen(bare) > strlen(full) || (strcmp(query, bare) != 0 && strcmp(query, full) != 0))
            abort();
    } else if (full != NULL || bare != NULL || query != NULL) {
        abort();
    }
    free(full);
    free(bare);
    free(query);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    size_t at = nul != NULL ? (size_t)(nul - data) + 1 : 0;
    char *name = malloc(size - at + 1);
    if (name == NULL)
        return 0;
    memcpy(name, data + at, size - at);
    name[size - at] = '\0';
    if (nul != NULL) {
        hoshi_namekey *nk = open_forms(data, (size_t)(nul - data));
        if (nk != NULL)
            keys_of(nk, name);
        hoshi_namekey_free(nk);
    } else {
        const hoshi_namekey *nk = NULL;
        if (hoshi_namekey_default(&nk) != HOSHI_OK)
            abort();
        keys_of(nk, name);
        char *k = NULL;
        if (hoshi_nta_name_key(name, &k) == HOSHI_OK) {
            check_key(k);
            if (!hoshi_nta_name_matches(name, name))
                abort();
        }
        free(k);
    }
    char digits[HOSHI_CORPNUM_LEN + 1];
    hoshi_lookup kind = hoshi_lookup_of(name, digits);
    if ((kind == HOSHI_LOOKUP_CORPNUM && !hoshi_corpnum_is_valid(digits)) ||
        (kind == HOSHI_LOOKUP_DECL_ID && !hoshi_decl_id_is_valid(digits)) ||
        (kind == HOSHI_LOOKUP_NAME && digits[0] != '\0'))
        abort();
    free(name);
    return 0;
}
