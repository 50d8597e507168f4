/*
 * pair_enc.c — the output encoding of a codebook.csv + data.csv pair
 * (pair_int.h), one place for the registry dataset and survey exports;
 * the CP932 encoder itself is the tab engine's.
 */
#include "pair_int.h"
#include "internal.h"
#include "tab/tab_int.h"

#include <stdio.h>
#include <stdlib.h>

/* Converts *text in place; the detail names the file. */
static hoshi_err to_cp932(const char *what, char **text, size_t *len)
{
    char *out;
    size_t out_len;
    hoshi_err err = hi_utf8_to_cp932(*text, *len, &out, &out_len);
    if (err != HOSHI_OK) {
        /* The detail lives in the buffer hi_fail writes to: copy it first. */
        char why[512];
        snprintf(why, sizeof why, "%s", hoshi_error_detail());
        return hi_fail(err, "%s in CP932: %s", what, why);
    }
    free(*text);
    *text = out;
    *len = out_len;
    return HOSHI_OK;
}

hoshi_err hi_pair_finish(hoshi_buf *cb, hoshi_buf *data, hoshi_encoding enc, char **codebook,
                         size_t *codebook_len, char **out, size_t *out_len)
{
    *codebook = *out = NULL;
    hoshi_err err = hoshi_buf_finish(cb, codebook, codebook_len);
    hoshi_err err2 = hoshi_buf_finish(data, out, out_len);
    hoshi_buf_free(cb);
    hoshi_buf_free(data);
    if (err == HOSHI_OK)
        err = err2;
    if (err == HOSHI_OK && enc == HOSHI_ENC_CP932) {
        err = to_cp932("codebook.csv", codebook, codebook_len);
        if (err == HOSHI_OK)
            err = to_cp932("data.csv", out, out_len);
    }
    if (err != HOSHI_OK) {
        free(*codebook);
        free(*out);
        *codebook = *out = NULL;
    }
    return err;
}
