/*
 * fileio.c — reading whole files with a size cap, so no input from outside
 * can make the library allocate without bound.
 */
#include "hoshi/datafile.h"
#include "internal.h"
#include "alloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

hoshi_err hoshi_file_read(const char *path, size_t max, char **out, size_t *len)
{
    hoshi_err err = HOSHI_OK;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return hi_fail(HOSHI_ERR_IO, "%s: %s", path, strerror(errno));
    size_t cap = 4096, n = 0;
    char *buf = hi_malloc(cap);
    if (buf == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", path);
        goto close_file;
    }
    for (;;) {
        if (cap - n < 2) {
            if (cap > max + 1) {
                err = hi_fail(HOSHI_ERR_LIMIT, "%s: larger than %zu bytes", path, max);
                goto free_buf;
            }
            char *p = hi_realloc(buf, cap * 2);
            if (p == NULL) {
                err = hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", path);
                goto free_buf;
            }
            buf = p;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (n > max) {
            err = hi_fail(HOSHI_ERR_LIMIT, "%s: larger than %zu bytes", path, max);
            goto free_buf;
        }
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        err = hi_fail(HOSHI_ERR_IO, "%s: read error", path);
        goto free_buf;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    goto close_file;

free_buf:
    free(buf);
close_file:
    fclose(f);
    return err;
}
