/*
 * namekey.c — the search key of an organisation's name (hoshi/namekey.h)
 * and what a search box was given.  The folding is ICU's (NFKC_Casefold,
 * character properties); the legal forms come from a data file, each
 * spelling folded once at load the way names are folded, so the matching
 * compares like with like.  Working form is UTF-16, as ICU's normaliser
 * speaks it.
 */
#include "hoshi/namekey.h"
#include "hoshi/buf.h"
#include "hoshi/datafile.h"
#include "alloc.h"
#include "internal.h"

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One spelling of a legal form, folded (steps 1–3), and the key of the
 * form's full name (steps 1–5). */
typedef struct spelling {
    UChar *text;
    int32_t len;
    const char *full_key;         /* borrowed from the form's first spelling */
} spelling;

struct hoshi_namekey {
    spelling *sp;                 /* longest first, so the longest match wins */
    size_t n;
    char **full_keys;             /* one per form, owned */
    size_t n_forms;
};

/* Folds NFKC_CF text: katakana as hiragana, white space dropped.  In
 * place: neither makes the text longer. */
static int32_t fold_kana_space(UChar *s, int32_t len)
{
    int32_t i = 0, o = 0;
    while (i < len) {
        UChar32 c;
        U16_NEXT(s, i, len, c);
        if (u_isUWhiteSpace(c))
            continue;
        if ((c >= 0x30A1 && c <= 0x30F6) || c == 0x30FD || c == 0x30FE)
            c -= 0x60;
        U16_APPEND_UNSAFE(s, o, c);
    }
    return o;
}

/* Steps 1–3 of the key: *out malloc'd UTF-16 of *len units. */
static hoshi_err fold(const char *text, UChar **out, int32_t *len)
{
    *out = NULL;
    size_t bytes = strlen(text);
    if (bytes > HOSHI_NAMEKEY_INPUT_MAX)
        return hi_fail(HOSHI_ERR_LIMIT, "search key: text longer than %d bytes", HOSHI_NAMEKEY_INPUT_MAX);
    UErrorCode st = U_ZERO_ERROR;
    int32_t n16 = 0;
    u_strFromUTF8(NULL, 0, &n16, text, (int32_t)bytes, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
        return hi_fail(HOSHI_ERR_INPUT, "search key: text is not valid UTF-8");
    UChar *src = hi_malloc(((size_t)n16 + 1) * sizeof *src);
    if (src == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory making a search key");
    st = U_ZERO_ERROR;
    u_strFromUTF8(src, n16 + 1, NULL, text, (int32_t)bytes, &st);
    const UNormalizer2 *nfkc_cf = unorm2_getNFKCCasefoldInstance(&st);
    if (U_FAILURE(st)) {
        free(src);
        return hi_fail(HOSHI_ERR_INTERNAL, "search key: ICU: %s", u_errorName(st));
    }
    /* NFKC_CF may lengthen text (ﷺ becomes 18 letters): ask, then make. */
    int32_t need = unorm2_normalize(nfkc_cf, src, n16, NULL, 0, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st)) {
        free(src);
        return hi_fail(HOSHI_ERR_INTERNAL, "search key: ICU: %s", u_errorName(st));
    }
    UChar *dst = hi_malloc(((size_t)need + 1) * sizeof *dst);
    if (dst == NULL) {
        free(src);
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory making a search key");
    }
    st = U_ZERO_ERROR;
    need = unorm2_normalize(nfkc_cf, src, n16, dst, need + 1, &st);
    free(src);
    if (U_FAILURE(st)) {
        free(dst);
        return hi_fail(HOSHI_ERR_INTERNAL, "search key: ICU: %s", u_errorName(st));
    }
    *len = fold_kana_space(dst, need);
    *out = dst;
    return HOSHI_OK;
}

static bool kept(UChar32 c)
{
    return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK)) != 0;
}

/* Steps 4–5 over folded text s: the key, appended to b.  nk NULL: no
 * legal forms (for the forms' own full names). */
static void key_of_folded(const hoshi_namekey *nk, const UChar *s, int32_t len, unsigned flags, hoshi_buf *b)
{
    int32_t i = 0;
    while (i < len) {
        const spelling *hit = NULL;
        for (size_t k = 0; nk != NULL && k < nk->n && hit == NULL; k++)
            if (nk->sp[k].len <= len - i && memcmp(s + i, nk->sp[k].text, (size_t)nk->sp[k].len * sizeof *s) == 0)
                hit = &nk->sp[k];
        if (hit != NULL) {
            if (!(flags & HOSHI_NAMEKEY_DROP_FORMS))
                hoshi_buf_puts(b, hit->full_key);
            i += hit->len;
            continue;
        }
        UChar32 c;
        U16_NEXT(s, i, len, c);
        if (!kept(c))
            continue;
        char u8[4];
        int32_t o = 0;
        U8_APPEND_UNSAFE(u8, o, c);
        hoshi_buf_append(b, u8, (size_t)o);
    }
}

static hoshi_err make_key(const hoshi_namekey *nk, const char *text, unsigned flags, char **out)
{
    *out = NULL;
    UChar *f;
    int32_t len;
    hoshi_err err = fold(text, &f, &len);
    if (err != HOSHI_OK)
        return err;
    hoshi_buf b = HOSHI_BUF_INIT;
    key_of_folded(nk, f, len, flags, &b);
    free(f);
    if (hoshi_buf_finish(&b, out, NULL) != HOSHI_OK)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory making a search key");
    return HOSHI_OK;
}

hoshi_err hoshi_namekey_make(const hoshi_namekey *nk, const char *text, unsigned flags, char **out)
{
    return make_key(nk, text != NULL ? text : "", flags, out);
}

hoshi_err hoshi_namekey_query(const hoshi_namekey *nk, const char *query, char **out)
{
    hoshi_err err = hoshi_namekey_make(nk, query, HOSHI_NAMEKEY_DROP_FORMS, out);
    if (err != HOSHI_OK || **out != '\0')
        return err;
    free(*out);
    return hoshi_namekey_make(nk, query, 0, out);
}

void hoshi_namekey_free(hoshi_namekey *nk)
{
    if (nk == NULL)
        return;
    for (size_t i = 0; i < nk->n; i++)
        free(nk->sp[i].text);
    for (size_t i = 0; i < nk->n_forms; i++)
        free(nk->full_keys[i]);
    free(nk->sp);
    free(nk->full_keys);
    free(nk);
}

static int longest_first(const void *a, const void *b)
{
    const spelling *x = a, *y = b;
    return (x->len < y->len) - (x->len > y->len);
}

/* Adds the spellings of one `form =` line (full name first). */
static hoshi_err add_form(hoshi_namekey *nk, const char *path, size_t line, const char *value)
{
    char *copy = hi_strdup(value);
    if (copy == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", path);
    hoshi_err err = HOSHI_OK;
    const char *full_key = NULL;
    for (char *p = copy, *word; err == HOSHI_OK && *p; p = word) {
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        word = p + strcspn(p, " ");
        if (*word)
            *word++ = '\0';
        spelling sp = {0};
        if ((err = fold(p, &sp.text, &sp.len)) != HOSHI_OK)
            break;
        /* A spelling with no letter or number would eat punctuation. */
        hoshi_buf b = HOSHI_BUF_INIT;
        key_of_folded(NULL, sp.text, sp.len, 0, &b);
        char *key = NULL;
        if (hoshi_buf_finish(&b, &key, NULL) != HOSHI_OK)
            err = hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", path);
        else if (*key == '\0')
            err = hi_fail(HOSHI_ERR_DATA, "%s: form %zu: \"%s\" has no letter or number", path, line, p);
        if (err != HOSHI_OK) {
            free(key);
            free(sp.text);
            break;
        }
        if (full_key == NULL)
            full_key = nk->full_keys[nk->n_forms++] = key;
        else
            free(key);
        spelling *grown = hi_realloc(nk->sp, (nk->n + 1) * sizeof *grown);
        if (grown == NULL) {
            free(sp.text);
            err = hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", path);
            break;
        }
        nk->sp = grown;
        sp.full_key = full_key;
        nk->sp[nk->n++] = sp;
    }
    free(copy);
    if (err == HOSHI_OK && full_key == NULL)
        err = hi_fail(HOSHI_ERR_DATA, "%s: form %zu is empty", path, line);
    return err;
}

hoshi_err hoshi_namekey_open(const char *datadir, hoshi_namekey **out)
{
    *out = NULL;
    char path[4096];
    int w = snprintf(path, sizeof path, "%s/registry/legal_forms.ini",
                     datadir != NULL ? datadir : hoshi_datadir_default());
    if (w < 0 || (size_t)w >= sizeof path)
        return hi_fail(HOSHI_ERR_DATA, "data directory path too long");
    hoshi_datafile *df = NULL;
    hoshi_err err = hoshi_datafile_load(path, &df);
    if (err != HOSHI_OK)
        return err;
    hoshi_namekey *nk = hi_calloc(1, sizeof *nk);
    size_t forms = hoshi_datafile_count(df, "forms", "form");
    if (nk == NULL || (forms > 0 && (nk->full_keys = hi_calloc(forms, sizeof *nk->full_keys)) == NULL)) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", path);
        goto fail;
    }
    for (size_t i = 0; i < forms; i++)
        if ((err = add_form(nk, path, i + 1, hoshi_datafile_nth(df, "forms", "form", i))) != HOSHI_OK)
            goto fail;
    if (nk->n > 1)
        qsort(nk->sp, nk->n, sizeof *nk->sp, longest_first);
    hoshi_datafile_free(df);
    *out = nk;
    return HOSHI_OK;
fail:
    hoshi_datafile_free(df);
    hoshi_namekey_free(nk);
    return err;
}

static pthread_mutex_t default_lock = PTHREAD_MUTEX_INITIALIZER;
static hoshi_namekey *default_nk;
static char default_dir[4096];    /* where default_nk came from */

/* Under default_lock: the default table, loaded from datadir if there is
 * none yet. */
static hoshi_err load_default(const char *datadir)
{
    if (default_nk != NULL)
        return strcmp(default_dir, datadir) == 0
                   ? HOSHI_OK
                   : hi_fail(HOSHI_ERR_USAGE, "legal forms already read from %s, not %s", default_dir, datadir);
    hoshi_err err = hoshi_namekey_open(datadir, &default_nk);
    if (err == HOSHI_OK)
        snprintf(default_dir, sizeof default_dir, "%s", datadir);
    return err;
}

hoshi_err hoshi_namekey_default(const hoshi_namekey **out)
{
    pthread_mutex_lock(&default_lock);
    hoshi_err err = default_nk != NULL ? HOSHI_OK : load_default(hoshi_datadir_default());
    *out = default_nk;
    pthread_mutex_unlock(&default_lock);
    return err;
}

hoshi_err hoshi_namekey_default_dir(const char *datadir)
{
    pthread_mutex_lock(&default_lock);
    hoshi_err err = load_default(datadir != NULL ? datadir : hoshi_datadir_default());
    pthread_mutex_unlock(&default_lock);
    return err;
}

/* Hyphens and long-vowel marks people type between the digits of a number. */
static bool is_separator(UChar32 c)
{
    return u_isUWhiteSpace(c) || u_charType(c) == U_DASH_PUNCTUATION || c == 0x2212 || c == 0x30FC;
}

hoshi_lookup hoshi_lookup_of(const char *query, char out[HOSHI_CORPNUM_LEN + 1])
{
    out[0] = '\0';
    /* Far past 13 full-width digits with a separator between each. */
    enum { MAX = 160 };
    UChar src[MAX], dst[MAX];
    size_t bytes = query != NULL ? strlen(query) : 0;
    if (bytes == 0 || bytes >= MAX)
        return HOSHI_LOOKUP_NAME;
    UErrorCode st = U_ZERO_ERROR;
    int32_t n16 = 0;
    u_strFromUTF8(src, MAX, &n16, query, (int32_t)bytes, &st);
    const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&st);
    int32_t len = U_SUCCESS(st) ? unorm2_normalize(nfkc, src, n16, dst, MAX, &st) : 0;
    if (U_FAILURE(st))
        return HOSHI_LOOKUP_NAME;
    char digits[HOSHI_CORPNUM_LEN + 1];
    size_t nd = 0;
    for (int32_t i = 0; i < len;) {
        UChar32 c;
        U16_NEXT(dst, i, len, c);
        if (is_separator(c))
            continue;
        if (c < '0' || c > '9' || nd == HOSHI_CORPNUM_LEN)
            return HOSHI_LOOKUP_NAME;
        digits[nd++] = (char)c;
    }
    digits[nd] = '\0';
    hoshi_lookup kind = nd == HOSHI_CORPNUM_LEN && hoshi_corpnum_is_valid(digits) ? HOSHI_LOOKUP_CORPNUM
                        : nd == HOSHI_DECL_ID_LEN && hoshi_decl_id_is_valid(digits) ? HOSHI_LOOKUP_DECL_ID
                                                                                     : HOSHI_LOOKUP_NAME;
    if (kind != HOSHI_LOOKUP_NAME)
        memcpy(out, digits, nd + 1);
    return kind;
}
