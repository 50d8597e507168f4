/*
 * enc.c — character encodings at the edge: CP932 (Shift_JIS as Excel in
 * Japan writes it) in and out, through glibc's iconv.  Everything inside
 * the engine is UTF-8.  Errors name the line and the CSV field of the bad
 * byte, which is why this module knows a little about CSV quoting.
 */
#include "tab/tab_int.h"
#include "internal.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "hoshi/text.h"

void hi_csv_position(const char *text, size_t off, size_t *line, size_t *field)
{
    size_t ln = 1, fld = 1;
    bool quoted = false;
    for (size_t i = 0; i < off; i++) {
        char c = text[i];
        if (c == '"')
            quoted = !quoted; /* a doubled quote toggles twice */
        else if (c == '\n') {
            ln++;
            if (!quoted)
                fld = 1;
        } else if (c == ',' && !quoted)
            fld++;
    }
    *line = ln;
    *field = fld;
}

/* Converts with iconv into a growing buffer; *bad is the input offset of
 * an invalid or unmappable sequence when the result is HOSHI_ERR_INPUT. */
static hoshi_err convert(const char *to, const char *from, const char *in, size_t len,
                         size_t max, char **out, size_t *out_len, size_t *bad)
{
    iconv_t cd = iconv_open(to, from);
    if (cd == (iconv_t)-1)
        return hi_fail(errno == ENOMEM ? HOSHI_ERR_NOMEM : HOSHI_ERR_IO,
                       "iconv cannot convert %s to %s: %s", from, to, strerror(errno));
    hoshi_err err = HOSHI_OK;
    size_t cap = len + len / 2 + 16;
    char *buf = hi_malloc(cap + 1);
    if (buf == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory converting %s", from);
        goto close_cd;
    }
    char *ip = (char *)in;
    size_t ileft = len;
    char *op = buf;
    size_t oleft = cap;
    while (ileft > 0) {
        size_t r = iconv(cd, &ip, &ileft, &op, &oleft);
        if (r != (size_t)-1) {
            if (r > 0) { /* glibc counts irreversible conversions: treat as unmappable */
                *bad = (size_t)(ip - in);
                err = HOSHI_ERR_INPUT;
                goto free_buf;
            }
            break;
        }
        if (errno == E2BIG) {
            size_t used = (size_t)(op - buf);
            if (cap > max) {
                err = hi_fail(HOSHI_ERR_LIMIT, "converted text larger than %zu bytes", max);
                goto free_buf;
            }
            cap *= 2;
            char *nb = hi_realloc(buf, cap + 1);
            if (nb == NULL) {
                err = hi_fail(HOSHI_ERR_NOMEM, "out of memory converting %s", from);
                goto free_buf;
            }
            buf = nb;
            op = buf + used;
            oleft = cap - used;
            continue;
        }
        *bad = (size_t)(ip - in);
        err = HOSHI_ERR_INPUT;
        goto free_buf;
    }
    *op = '\0';
    *out = buf;
    *out_len = (size_t)(op - buf);
    goto close_cd;

free_buf:
    free(buf);
close_cd:
    iconv_close(cd);
    return err;
}

/* A file that is neither UTF-8 (it breaks at utf8_bad) nor CP932 (at
 * cp932_bad): the bad byte is most likely in the encoding that reads
 * further (a UTF-8 file with one stray byte near its end breaks as CP932
 * at its first kanji), so that byte is named, and where the other breaks. */
static hoshi_err neither(const char *name, const char *in, size_t utf8_bad, size_t cp932_bad)
{
    bool utf8 = utf8_bad >= cp932_bad;
    size_t at = utf8 ? utf8_bad : cp932_bad, other = utf8 ? cp932_bad : utf8_bad;
    size_t line, field, oline, ofield;
    hi_csv_position(in, at, &line, &field);
    hi_csv_position(in, other, &oline, &ofield);
    const char *enc = utf8 ? "UTF-8" : "CP932", *oenc = utf8 ? "CP932" : "UTF-8";
    unsigned byte = (unsigned)(unsigned char)in[at];
    if (at == other)
        return hi_fail(HOSHI_ERR_INPUT, "%s:%zu:%zu: invalid byte 0x%02X: the file is neither "
                       "%s nor %s", name, line, field, byte, enc, oenc);
    return hi_fail(HOSHI_ERR_INPUT, "%s:%zu:%zu: invalid byte 0x%02X: the file is neither %s nor "
                   "%s (read as %s, it breaks at %zu:%zu)", name, line, field, byte, enc, oenc,
                   oenc, oline, ofield);
}

/* CP932 to UTF-8; utf8_bad is where the bytes stop being UTF-8 when they
 * were read as CP932 only because of it (encoding detected), else len. */
static hoshi_err from_cp932(const char *name, const char *in, size_t len, size_t utf8_bad,
                            char **out, size_t *out_len)
{
    size_t bad = 0;
    hoshi_err err = convert("UTF-8", "CP932", in, len, HI_TAB_MAX_CP932 * 2, out, out_len, &bad);
    if (err == HOSHI_ERR_INPUT && utf8_bad < len)
        return neither(name, in, utf8_bad, bad);
    if (err == HOSHI_ERR_INPUT) {
        size_t line, field;
        hi_csv_position(in, bad, &line, &field);
        return hi_fail(HOSHI_ERR_INPUT, "%s:%zu:%zu: invalid CP932 byte 0x%02X", name, line,
                       field, (unsigned)(unsigned char)in[bad]);
    }
    if (err == HOSHI_OK && memchr(*out, '\0', *out_len) != NULL) {
        size_t line, field;
        size_t at = (size_t)((char *)memchr(in, '\0', len) - in);
        hi_csv_position(in, at, &line, &field);
        free(*out);
        *out = NULL;
        return hi_fail(HOSHI_ERR_INPUT, "%s:%zu:%zu: NUL byte", name, line, field);
    }
    return err;
}

hoshi_err hi_cp932_to_utf8(const char *name, const char *in, size_t len, char **out,
                           size_t *out_len)
{
    return from_cp932(name, in, len, len, out, out_len);
}

hoshi_err hi_utf8_to_cp932(const char *in, size_t len, char **out, size_t *out_len)
{
    size_t bad = 0;
    hoshi_err err = convert("CP932", "UTF-8", in, len, (size_t)1 << 31, out, out_len, &bad);
    if (err == HOSHI_ERR_INPUT) {
        size_t line, field;
        hi_csv_position(in, bad, &line, &field);
        return hi_fail(HOSHI_ERR_INPUT, "output line %zu, column %zu: a character has no CP932 form",
                       line, field);
    }
    return err;
}

hoshi_err hi_text_to_utf8(const char *name, const char *raw, size_t len, hoshi_encoding enc,
                          char **out, size_t *out_len)
{
    if (enc != HOSHI_ENC_CP932 && len >= 3 && memcmp(raw, "\xEF\xBB\xBF", 3) == 0) {
        raw += 3;
        len -= 3;
        enc = HOSHI_ENC_UTF8;
    }
    size_t bad = len;
    if (enc != HOSHI_ENC_CP932) {
        bad = hoshi_utf8_invalid_at(raw, len);
        if (bad == len) {
            const char *nul = memchr(raw, '\0', len);
            if (nul != NULL) {
                size_t line, field;
                hi_csv_position(raw, (size_t)(nul - raw), &line, &field);
                return hi_fail(HOSHI_ERR_INPUT, "%s:%zu:%zu: NUL byte", name, line, field);
            }
            char *s = hi_malloc(len + 1);
            if (s == NULL)
                return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", name);
            memcpy(s, raw, len);
            s[len] = '\0';
            *out = s;
            *out_len = len;
            return HOSHI_OK;
        }
        if (enc == HOSHI_ENC_UTF8) {
            size_t line, field;
            hi_csv_position(raw, bad, &line, &field);
            return hi_fail(HOSHI_ERR_INPUT, "%s:%zu:%zu: invalid UTF-8 byte 0x%02X", name, line,
                           field, (unsigned)(unsigned char)raw[bad]);
        }
    }
    if (len > HI_TAB_MAX_CP932)
        return hi_fail(HOSHI_ERR_LIMIT, "%s: CP932 files are limited to %zu bytes", name,
                       HI_TAB_MAX_CP932);
    return from_cp932(name, raw, len, bad, out, out_len);
}

hoshi_err hi_buf_finish_enc(hoshi_buf *b, bool cp932, char **out, size_t *len)
{
    char *s = NULL;
    size_t n = 0;
    hoshi_err err = hoshi_buf_finish(b, &s, &n);
    if (err != HOSHI_OK || !cp932) {
        *out = s;
        *len = n;
        return err;
    }
    char *c = NULL;
    size_t cn = 0;
    err = hi_utf8_to_cp932(s, n, &c, &cn);
    free(s);
    if (err != HOSHI_OK)
        return err;
    *out = c;
    *len = cn;
    return HOSHI_OK;
}
