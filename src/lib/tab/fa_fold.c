/*
 * fa_fold.c — the folding free answers are matched under, by a search of
 * a listing (--contains) and by the keyword rules of a coding file: NFKC
 * with case folding through ICU (so "ＰＣ", "pc" and "PC" agree, and
 * half-width ｶﾀｶﾅ becomes full-width), then katakana as hiragana (so
 * "パスワード" and "ぱすわーど" agree).  Answers are typed by people in
 * every width and script; the rule is the same on both sides of a match.
 */
#include "tab/fa.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "hoshi/text.h"

/* Past any answer a listing shows; keeps lengths inside ICU's int32_t. */
#define FOLD_MAX_BYTES ((size_t)16 << 20)

hoshi_err hi_fa_fold(const char *s, size_t len, char **out)
{
    *out = NULL;
    if (len > FOLD_MAX_BYTES)
        return hi_fail(HOSHI_ERR_LIMIT, "text longer than %zu bytes to match", FOLD_MAX_BYTES);
    if (hoshi_utf8_invalid_at(s, len) != len)
        return hi_fail(HOSHI_ERR_INPUT, "text to match is not UTF-8");
    hoshi_err err = HOSHI_OK;
    UErrorCode st = U_ZERO_ERROR;
    UChar *src = hi_malloc((len + 1) * sizeof *src), *dst = NULL;
    char *res = NULL;
    if (src == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory folding text");
    int32_t n16 = 0;
    u_strFromUTF8(src, (int32_t)len + 1, &n16, s, (int32_t)len, &st);
    const UNormalizer2 *nf = unorm2_getNFKCCasefoldInstance(&st);
    if (U_FAILURE(st)) {
        err = hi_fail(HOSHI_ERR_INTERNAL, "ICU: %s", u_errorName(st));
        goto free_all;
    }
    /* NFKC_Casefold grows text at most 18 times (ICU's own bound is lower) */
    int32_t cap = n16 * 4 + 16, m = 0;
    for (int tries = 0; tries < 2; tries++) {
        UChar *g = hi_realloc(dst, (size_t)cap * sizeof *dst);
        if (g == NULL) {
            err = hi_fail(HOSHI_ERR_NOMEM, "out of memory folding text");
            goto free_all;
        }
        dst = g;
        st = U_ZERO_ERROR;
        m = unorm2_normalize(nf, src, n16, dst, cap, &st);
        if (st != U_BUFFER_OVERFLOW_ERROR)
            break;
        cap = m + 1;
    }
    if (U_FAILURE(st)) {
        err = hi_fail(HOSHI_ERR_INTERNAL, "ICU: folding failed: %s", u_errorName(st));
        goto free_all;
    }
    for (int32_t i = 0; i < m; i++)
        if (dst[i] >= 0x30A1 && dst[i] <= 0x30F6) /* ァ..ヶ -> ぁ..ゖ */
            dst[i] = (UChar)(dst[i] - 0x60);
    int32_t need = 0;
    st = U_ZERO_ERROR;
    u_strToUTF8(NULL, 0, &need, dst, m, &st);
    res = hi_malloc((size_t)need + 1);
    if (res == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory folding text");
        goto free_all;
    }
    st = U_ZERO_ERROR;
    u_strToUTF8(res, need + 1, NULL, dst, m, &st);
    if (U_FAILURE(st)) {
        free(res);
        err = hi_fail(HOSHI_ERR_INTERNAL, "ICU: %s", u_errorName(st));
        goto free_all;
    }
    res[need] = '\0';
    *out = res;
free_all:
    free(dst);
    free(src);
    return err;
}

hoshi_err hoshi_fa_fold(const char *text, char **out)
{
    hi_clear_error();
    if (text == NULL)
        return hi_fail(HOSHI_ERR_USAGE, "hoshi_fa_fold: no text given");
    return hi_fa_fold(text, strlen(text), out);
}
