/*
 * nta_name.c — the name comparison of the 法人番号 check: a registered
 * name and the name an organisation typed are the same when their keys
 * are.  Deliberately small and in one place (hoshi_nta_name_key): the
 * search normaliser of issue 11 part 8 may take its place.
 */
#include "hoshi/nta.h"
#include "hoshi/text.h"
#include "alloc.h"
#include "internal.h"

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include <stdlib.h>
#include <string.h>

/* Legal forms as they read after NFKC (so ㈱ and （株） are "(株)"). */
static const char *const legal_forms[] = {
    "株式会社", "有限会社", "合同会社", "合名会社", "合資会社", "一般社団法人", "一般財団法人",
    "公益社団法人", "公益財団法人", "特定非営利活動法人", "社会福祉法人", "医療法人", "学校法人",
    "(株)", "(有)", "(同)", "(名)", "(資)", "(一社)", "(一財)", "(公社)", "(公財)", "(特非)",
    "(福)", "(医)", "(学)",
};

/* NFKC of the UTF-8 text s, as malloc'd UTF-8. */
static hoshi_err nfkc(const char *s, char **out)
{
    UErrorCode ec = U_ZERO_ERROR;
    const UNormalizer2 *n = unorm2_getNFKCInstance(&ec);
    int32_t len16 = 0;
    u_strFromUTF8(NULL, 0, &len16, s, -1, &ec);
    if (ec == U_BUFFER_OVERFLOW_ERROR)
        ec = U_ZERO_ERROR;
    if (U_FAILURE(ec))
        return hi_fail(HOSHI_ERR_INPUT, "name is not valid UTF-8");
    hoshi_err err = HOSHI_ERR_NOMEM;
    UChar *in = hi_malloc(((size_t)len16 + 1) * sizeof *in);
    UChar *norm = hi_malloc(((size_t)len16 * 18 + 1) * sizeof *norm);
    char *utf8 = NULL;
    if (in == NULL || norm == NULL)
        goto free_all;
    u_strFromUTF8(in, len16 + 1, NULL, s, -1, &ec);
    int32_t nlen = unorm2_normalize(n, in, len16, norm, len16 * 18 + 1, &ec);
    int32_t len8 = 0;
    if (U_SUCCESS(ec))
        u_strToUTF8(NULL, 0, &len8, norm, nlen, &ec);
    if (ec == U_BUFFER_OVERFLOW_ERROR)
        ec = U_ZERO_ERROR;
    if (U_FAILURE(ec)) {
        err = hi_fail(HOSHI_ERR_INPUT, "name cannot be normalised");
        goto free_all;
    }
    if ((utf8 = hi_malloc((size_t)len8 + 1)) == NULL)
        goto free_all;
    u_strToUTF8(utf8, len8 + 1, NULL, norm, nlen, &ec);
    *out = utf8;
    err = HOSHI_OK;
free_all:
    free(in);
    free(norm);
    if (err == HOSHI_ERR_NOMEM)
        hi_fail(err, "out of memory normalising a name");
    return err;
}

/* Length of the legal form or white space at p, 0 when there is none. */
static size_t folded_at(const char *p)
{
    if (*p == ' ' || *p == '\t')
        return 1;
    if (strncmp(p, "\xe3\x80\x80", 3) == 0) /* U+3000, should NFKC have kept it */
        return 3;
    for (size_t i = 0; i < sizeof legal_forms / sizeof legal_forms[0]; i++) {
        size_t n = strlen(legal_forms[i]);
        if (strncmp(p, legal_forms[i], n) == 0)
            return n;
    }
    return 0;
}

hoshi_err hoshi_nta_name_key(const char *name, char **out)
{
    *out = NULL;
    size_t len = name ? strlen(name) : 0;
    if (name == NULL || hoshi_utf8_invalid_at(name, len) != len)
        return hi_fail(HOSHI_ERR_INPUT, "name is not valid UTF-8");
    char *norm = NULL;
    hoshi_err err = nfkc(name, &norm);
    if (err != HOSHI_OK)
        return err;
    char *w = norm;
    for (const char *p = norm; *p;) {
        size_t skip = folded_at(p);
        if (skip > 0) {
            p += skip;
            continue;
        }
        char c = *p++;
        *w++ = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    *w = '\0';
    *out = norm;
    return HOSHI_OK;
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
