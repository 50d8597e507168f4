/*
 * csv_each.c — the public door to the tab engine's CSV reading for small
 * texts (hoshi/csv.h): the decoding of enc.c and the record reader of
 * csvtok.c, one callback per record, so a front end that takes an
 * uploaded list reads it exactly as `hoshi tab` reads a codebook.
 */
#include "tab/tab_int.h"
#include "hoshi/csv.h"
#include "internal.h"

#include <stdlib.h>

hoshi_err hoshi_csv_each(const char *name, const char *raw, size_t len, hoshi_encoding enc, hoshi_csv_fn fn,
                         void *ctx)
{
    hi_clear_error();
    char *text = NULL;
    size_t text_len = 0;
    hoshi_err err = hi_text_to_utf8(name, raw, len, enc, &text, &text_len);
    if (err != HOSHI_OK)
        return err;
    hi_csvtok tok = {text, text + text_len, name, 1, HOSHI_BUF_INIT};
    hi_csvrec rec = {0};
    bool got = true;
    while (err == HOSHI_OK && (err = hi_csvtok_next(&tok, &rec, &got)) == HOSHI_OK && got)
        err = fn(ctx, rec.line, (const char *const *)rec.f, rec.n);
    hi_csvrec_free(&rec);
    hoshi_buf_free(&tok.field);
    free(text);
    return err;
}
