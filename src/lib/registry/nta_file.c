/*
 * nta_file.c — the agency's bulk file as the operator downloads it: a
 * .zip holding one .csv, or that .csv unzipped.  Read in chunks (the
 * whole file is some 5.5 million lines, never held at once), cut into
 * lines of at most HOSHI_NTA_LINE_MAX bytes, each parsed by
 * hoshi_nta_parse_line; the line number is kept for error messages.
 */
#include "hoshi/nta.h"
#include "alloc.h"
#include "internal.h"

#include <zip.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 65536

struct hoshi_nta_file {
    FILE *f;                      /* a plain .csv, or NULL */
    zip_t *z;                     /* a zip archive, and its member: */
    zip_file_t *zf;
    char chunk[CHUNK];
    size_t pos, len;
    bool eof;
    long line;
    char text[HOSHI_NTA_LINE_MAX + 1];
};

/* The one member of the archive named *.csv. */
static hoshi_err open_member(hoshi_nta_file *f, const char *path)
{
    zip_int64_t n = zip_get_num_entries(f->z, 0), found = -1;
    for (zip_int64_t i = 0; i < n; i++) {
        const char *name = zip_get_name(f->z, (zip_uint64_t)i, 0);
        size_t len = name ? strlen(name) : 0;
        if (len < 4 || (strcmp(name + len - 4, ".csv") != 0 && strcmp(name + len - 4, ".CSV") != 0))
            continue;
        if (found >= 0)
            return hi_fail(HOSHI_ERR_INPUT, "%s: the archive holds more than one .csv", path);
        found = i;
    }
    if (found < 0)
        return hi_fail(HOSHI_ERR_INPUT, "%s: the archive holds no .csv", path);
    if ((f->zf = zip_fopen_index(f->z, (zip_uint64_t)found, 0)) == NULL)
        return hi_fail(HOSHI_ERR_INPUT, "%s: cannot read the .csv in the archive: %s", path,
                       zip_strerror(f->z));
    return HOSHI_OK;
}

hoshi_err hoshi_nta_file_open(const char *path, hoshi_nta_file **out)
{
    hi_clear_error();
    *out = NULL;
    hoshi_nta_file *f = hi_calloc(1, sizeof *f);
    if (f == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory opening %s", path);
    hoshi_err err = HOSHI_OK;
    if ((f->f = fopen(path, "rb")) == NULL) {
        err = hi_fail(HOSHI_ERR_IO, "cannot read %s: %s", path, strerror(errno));
        goto undo;
    }
    char magic[4] = {0};
    bool zipped = fread(magic, 1, 4, f->f) == 4 && memcmp(magic, "PK\x03\x04", 4) == 0;
    rewind(f->f);
    if (zipped) {
        fclose(f->f);
        f->f = NULL;
        int ze = 0;
        if ((f->z = zip_open(path, ZIP_RDONLY, &ze)) == NULL) {
            err = hi_fail(HOSHI_ERR_INPUT, "%s: not a readable zip archive", path);
            goto undo;
        }
        if ((err = open_member(f, path)) != HOSHI_OK)
            goto undo;
    }
    *out = f;
    return HOSHI_OK;
undo:
    hoshi_nta_file_close(f);
    return err;
}

void hoshi_nta_file_close(hoshi_nta_file *f)
{
    if (f == NULL)
        return;
    if (f->f != NULL)
        fclose(f->f);
    if (f->zf != NULL)
        zip_fclose(f->zf);
    if (f->z != NULL)
        zip_discard(f->z);
    free(f);
}

long hoshi_nta_file_line(const hoshi_nta_file *f)
{
    return f->line;
}

static hoshi_err refill(hoshi_nta_file *f)
{
    f->pos = 0;
    if (f->f != NULL) {
        f->len = fread(f->chunk, 1, CHUNK, f->f);
        if (f->len == 0 && ferror(f->f))
            return hi_fail(HOSHI_ERR_IO, "read error after line %ld", f->line);
    } else {
        zip_int64_t got = zip_fread(f->zf, f->chunk, CHUNK);
        if (got < 0)
            return hi_fail(HOSHI_ERR_INPUT, "the archive is damaged after line %ld", f->line);
        f->len = (size_t)got;
    }
    f->eof = f->len == 0;
    return HOSHI_OK;
}

/* The next line into f->text (*len bytes, no line break); *end at the end. */
static hoshi_err next_line(hoshi_nta_file *f, size_t *len, bool *end)
{
    size_t n = 0;
    bool any = false;
    for (;;) {
        hoshi_err err;
        if (f->pos == f->len && !f->eof && (err = refill(f)) != HOSHI_OK)
            return err;
        if (f->eof)
            break;
        char *nl = memchr(f->chunk + f->pos, '\n', f->len - f->pos);
        size_t take = (nl ? (size_t)(nl - f->chunk) : f->len) - f->pos;
        any = true;
        if (n + take > HOSHI_NTA_LINE_MAX) {
            f->line++;
            return hi_fail(HOSHI_ERR_LIMIT, "line longer than %d bytes", HOSHI_NTA_LINE_MAX);
        }
        memcpy(f->text + n, f->chunk + f->pos, take);
        n += take;
        f->pos += take;
        if (nl != NULL) {
            f->pos++;
            break;
        }
    }
    *end = !any;
    if (any)
        f->line++;
    if (n > 0 && f->text[n - 1] == '\r')
        n--;
    *len = n;
    return HOSHI_OK;
}

hoshi_err hoshi_nta_file_next(hoshi_nta_file *f, hoshi_nta_corp *out, bool *end)
{
    size_t len = 0;
    hoshi_err err = next_line(f, &len, end);
    if (err != HOSHI_OK || *end)
        return err;
    const char *p = f->text;
    if (f->line == 1 && len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
        p += 3;
        len -= 3;
    }
    return hoshi_nta_parse_line(p, len, out);
}
