/*
 * dataset.c — opening a survey: the codebook file, then the data as CSV,
 * as a .hsd cache or as an SPSS .sav file (told apart by the file's magic,
 * not its name).
 */
#include "tab/sav.h"
#include "tab/tab_int.h"
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "hoshi/datafile.h"
#include "hoshi/testing.h"

hoshi_err hoshi_encoding_parse(const char *name, hoshi_encoding *out)
{
    static const struct { const char *n; hoshi_encoding e; } names[] = {
        {"auto", HOSHI_ENC_AUTO}, {"utf-8", HOSHI_ENC_UTF8}, {"utf8", HOSHI_ENC_UTF8},
        {"cp932", HOSHI_ENC_CP932}, {"sjis", HOSHI_ENC_CP932}, {"shift_jis", HOSHI_ENC_CP932},
        {"windows-31j", HOSHI_ENC_CP932},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (name != NULL && strcasecmp(name, names[i].n) == 0) {
            *out = names[i].e;
            return HOSHI_OK;
        }
    return hi_fail(HOSHI_ERR_USAGE, "unknown encoding '%s' (auto, utf-8 or cp932)",
                   name ? name : "");
}

static hoshi_err load_codebook_text(const char *path, hoshi_encoding enc, char **text, size_t *len)
{
    char *raw = NULL;
    size_t raw_len = 0;
    hoshi_err err = hoshi_file_read(path, HI_TAB_MAX_CODEBOOK, &raw, &raw_len);
    if (err != HOSHI_OK)
        return err;
    err = hi_text_to_utf8(path, raw, raw_len, enc, text, len);
    free(raw);
    return err;
}

hoshi_err hoshi_dataset_open(const char *codebook_path, const char *data_path,
                             hoshi_encoding enc, hoshi_dataset **out)
{
    hi_clear_error();
    char *cbtext = NULL;
    size_t cblen = 0;
    hoshi_err err = HOSHI_OK;
    if (data_path == NULL)
        return hi_fail(HOSHI_ERR_USAGE, "no data file given");
    if (codebook_path != NULL &&
        (err = load_codebook_text(codebook_path, enc, &cbtext, &cblen)) != HOSHI_OK)
        return err;
    if (hi_hsd_sniff(data_path)) {
        err = hi_hsd_open(data_path, cbtext, cblen, out);
        goto free_text;
    }
    if (hi_sav_sniff(data_path)) {
        err = hi_sav_open(data_path, codebook_path, cbtext, cblen, out);
        goto free_text;
    }
    if (codebook_path == NULL) {
        err = hi_fail(HOSHI_ERR_USAGE, "a CSV data file needs --codebook");
        goto free_text;
    }
    hi_codebook *cb = NULL;
    if ((err = hi_codebook_parse(codebook_path, cbtext, cblen, &cb)) != HOSHI_OK)
        goto free_text;
    int fd = open(data_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        err = hi_fail(HOSHI_ERR_IO, "%s: %s", data_path, strerror(errno));
        hi_codebook_free(cb);
        goto free_text;
    }
    err = hi_dataset_parse_csv(cb, data_path, fd, NULL, 0, enc, out);
    close(fd);
free_text:
    free(cbtext);
    return err;
}

hoshi_err hoshi_dataset_parse(const char *codebook_name, const char *codebook, size_t codebook_len,
                              const char *data_name, const char *data, size_t data_len,
                              hoshi_encoding enc, hoshi_dataset **out)
{
    hi_clear_error();
    char *cbtext = NULL;
    size_t cblen = 0;
    hi_codebook *cb = NULL;
    hoshi_err err = hi_text_to_utf8(codebook_name, codebook, codebook_len, enc, &cbtext, &cblen);
    if (err != HOSHI_OK)
        return err;
    err = hi_codebook_parse(codebook_name, cbtext, cblen, &cb);
    free(cbtext);
    if (err != HOSHI_OK)
        return err;
    return hi_dataset_parse_csv(cb, data_name, -1, data, data_len, enc, out);
}

void hoshi_testing_parallel(size_t rows, size_t bytes)
{
    if (rows > 0)
        hi_tab_parallel_rows = rows;
    if (bytes > 0)
        hi_tab_parallel_min = bytes;
}
