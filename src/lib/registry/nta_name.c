/*
 * nta_name.c — the name comparison of the 法人番号 check: a registered
 * name and the name an organisation typed are the same when their search
 * keys are (hoshi/namekey.h, the default legal forms), so the check folds
 * exactly as the registry search does: サクラ, ｻｸﾗ and さくら alike, (株),
 * ㈱ and 株式会社 alike.  Legal forms are left out of the comparison, as a
 * search leaves them out of what was typed: the register writes
 * 株式会社さくら where an owner may type さくら.
 */
#include "hoshi/namekey.h"
#include "hoshi/nta.h"
#include "hoshi/text.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

hoshi_err hoshi_nta_name_key(const char *name, char **out)
{
    *out = NULL;
    size_t len = name ? strlen(name) : 0;
    if (name == NULL || hoshi_utf8_invalid_at(name, len) != len)
        return hi_fail(HOSHI_ERR_INPUT, "name is not valid UTF-8");
    const hoshi_namekey *nk = NULL;
    hoshi_err err = hoshi_namekey_default(&nk);
    if (err != HOSHI_OK)
        return err;
    /* A name that is nothing but a legal form keeps it (the query key). */
    return hoshi_namekey_query(nk, name, out);
}

bool hoshi_nta_name_matches(const char *a, const char *b)
{
    char *ka = NULL, *kb = NULL;
    bool same = hoshi_nta_name_key(a, &ka) == HOSHI_OK && hoshi_nta_name_key(b, &kb) == HOSHI_OK &&
                strcmp(ka, kb) == 0;
    free(ka);
    free(kb);
    return same;
}
