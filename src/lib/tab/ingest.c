/*
 * ingest.c — reading a raw-data file: in large chunks by one thread, or
 * split at a line feed and parsed by two when the file is large, or read
 * whole and converted when it is CP932.  The parsing itself is
 * csvparse.c; the columns it fills are columns.c.
 */
#include "tab/csvparse.h"
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

size_t hi_tab_chunk = (size_t)8 << 20;
#define MAX_ROW_BYTES ((size_t)256 << 20)

/* One byte range of the data file for one hi_csv_reader. */
typedef struct range_job {
    hi_csv_reader R;
    int fd;
    uint64_t start, end;    /* bytes [start, end) of the file; end may be UINT64_MAX */
    bool header;            /* the range starts with the header row */
    bool header_only;       /* stop after it (*header_end) */
    uint64_t header_end;
    uint64_t size_hint;     /* bytes in the range, to size the columns */
    bool redo;              /* not UTF-8: reread as CP932 */
    hoshi_err err;
} range_job;

static hoshi_err parse_range(range_job *J)
{
    hi_csv_reader *R = &J->R;
    hoshi_dataset *ds = R->ds;
    const char *name = R->name;
    hoshi_err err = HOSHI_OK;
    size_t cap = hi_tab_chunk, have = 0, off = 0, total = 0;
    uint64_t pos = J->start;
    bool eof = false, header = J->header;
    char *buf = hi_malloc(cap + 1);
    if (buf == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    for (;;) {
        /* fill the buffer after the unconsumed bytes */
        while (!eof && have < cap) {
            size_t want = cap - have;
            if (J->end != UINT64_MAX && J->end - pos < want)
                want = (size_t)(J->end - pos);
            ssize_t n = want ? pread(J->fd, buf + have, want, (off_t)pos) : 0;
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                err = hi_fail(HOSHI_ERR_IO, "%s: %s", name, strerror(errno));
                goto free_buf;
            }
            if (n == 0)
                eof = true;
            have += (size_t)n;
            total += (size_t)n;
            pos += (uint64_t)n;
        }
        buf[have] = '\0';
        off = 0;
        if (header) {
            if (have >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
                off = 3;
                R->auto_enc = false;
            }
            size_t hdr = 0;
            if ((err = hi_csv_header(R, buf + off, have - off, eof, &hdr, &J->redo)) != HOSHI_OK ||
                J->redo)
                goto free_buf;
            if (hdr == 0) {
                off = 0; /* incomplete: grow the buffer below */
                goto grow;
            }
            off += hdr;
            header = false;
            if (J->header_only) {
                J->header_end = J->start + off;
                goto free_buf;
            }
        }
        size_t used = 0;
        size_t rows_before = ds->n_rows;
        int st = hi_csv_rows(R, buf + off, have - off, eof, &used);
        if (st == ROW_REDO) {
            J->redo = true;
            goto free_buf;
        }
        if (st != ROW_OK) {
            err = R->err;
            goto free_buf;
        }
        off += used;
        if (eof) {
            if (off != have)
                err = hi_fail(HOSHI_ERR_INTERNAL, "%s: parser stopped early", name);
            goto free_buf;
        }
        if (rows_before == 0 && ds->n_rows > 0 && J->size_hint > total) {
            /* size the columns once from the first chunk's row length */
            double per_row = (double)total / (double)ds->n_rows;
            size_t guess = (size_t)((double)J->size_hint / per_row * 1.02) + 64;
            if (guess < HI_TAB_MAX_ROWS && (err = hi_dataset_ensure_rows(ds, guess)) != HOSHI_OK)
                goto free_buf;
        }
    grow:
        if (off == 0) {
            /* one row longer than the buffer */
            if (cap >= MAX_ROW_BYTES) {
                err = hi_fail(HOSHI_ERR_LIMIT, "%s:%zu: row longer than %zu bytes", name, R->line,
                              MAX_ROW_BYTES);
                goto free_buf;
            }
            char *nb = hi_realloc(buf, cap * 2 + 1);
            if (nb == NULL) {
                err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
                goto free_buf;
            }
            buf = nb;
            cap *= 2;
        } else {
            memmove(buf, buf + off, have - off);
            have -= off;
        }
    }
free_buf:
    free(buf);
    return err;
}

static void *range_thread(void *arg)
{
    range_job *J = arg;
    J->err = parse_range(J);
    return NULL;
}

/* Appends the rows of part (parsed from the second half) to ds. */
static hoshi_err merge_rows(hoshi_dataset *ds, const hoshi_dataset *part)
{
    size_t n1 = ds->n_rows, n2 = part->n_rows;
    hoshi_err err = hi_dataset_ensure_rows(ds, n1 + n2 > 0 ? n1 + n2 : 1);
    if (err != HOSHI_OK)
        return err;
    size_t s = n1 & 63, d0 = n1 >> 6, w2 = hi_words(n2), wall = hi_words(ds->cap_rows);
    for (size_t i = 0; i <= ds->n_col; i++) {
        /* the columns, then the ids */
        hi_column *a = i < ds->n_col ? &ds->col[i] : &ds->id;
        const hi_column *b = i < ds->n_col ? &part->col[i] : &part->id;
        if (n2 == 0)
            break;
        switch (a->type) {
        case HI_COL_SA: memcpy(a->sa + n1, b->sa, n2); break;
        case HI_COL_FA:
            if ((err = hi_column_fa_append(a, b->fa_text, b->fa_off[n2])) != HOSHI_OK)
                return err;
            for (size_t r = 0; r < n2; r++)
                a->fa_off[n1 + r + 1] = a->fa_off[n1] + b->fa_off[r + 1];
            break;
        case HI_COL_NUM: memcpy(a->num + n1, b->num, n2 * sizeof *b->num);
            /* fall through */
        case HI_COL_BIT:
            for (size_t j = 0; j < w2; j++) {
                uint64_t v = b->bits[j];
                a->bits[d0 + j] |= v << s;
                if (s && d0 + j + 1 < wall)
                    a->bits[d0 + j + 1] |= v >> (64 - s);
            }
            break;
        }
    }
    ds->n_rows = n1 + n2;
    return HOSHI_OK;
}

size_t hi_tab_parallel_min = (size_t)32 << 20;

/* Splits the rows after the header in two halves at a line feed and
 * parses them on two threads.  The split is trusted only if the first
 * half parses as complete rows ending exactly there (no blank-line
 * leniency) and the second half parses too; anything else (an error, a
 * split inside a quoted field, an encoding switch) sets *fallback and
 * the caller parses the file again in one piece, which also gives the
 * exact line numbers for errors. */
static hoshi_err parse_parallel(hoshi_dataset *ds, const char *name, int fd, uint64_t size,
                                bool auto_enc, bool *fallback)
{
    *fallback = true;
    range_job A;
    memset(&A, 0, sizeof A);
    A.R = (hi_csv_reader){ds, name, NULL, 0, 1, auto_enc, false, HOSHI_BUF_INIT, HOSHI_OK};
    A.fd = fd;
    A.end = size;
    A.header = true;
    A.header_only = true;
    hoshi_err err = parse_range(&A);
    if (err != HOSHI_OK || A.redo) {
        hi_csv_reader_free(&A.R);
        return HOSHI_OK;
    }
    /* the split: the first line feed after the middle */
    uint64_t mid = A.header_end + (size - A.header_end) / 2, split = 0;
    char probe[1 << 16];
    ssize_t got = pread(fd, probe, sizeof probe, (off_t)mid);
    const char *nl = got > 0 ? memchr(probe, '\n', (size_t)got) : NULL;
    if (nl == NULL) {
        hi_csv_reader_free(&A.R);
        return HOSHI_OK;
    }
    split = mid + (uint64_t)(nl - probe) + 1;
    hoshi_dataset *part = NULL;
    if ((err = hi_dataset_alloc(ds->cb, &part)) != HOSHI_OK) {
        hi_csv_reader_free(&A.R);
        return err;
    }
    range_job B;
    memset(&B, 0, sizeof B);
    B.R = (hi_csv_reader){part, name, NULL, A.R.n_fields, 1, A.R.auto_enc, true, HOSHI_BUF_INIT, HOSHI_OK};
    B.R.plan = hi_malloc(A.R.n_fields * sizeof *B.R.plan);
    if (B.R.plan == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        goto free_part;
    }
    for (size_t f = 0; f < A.R.n_fields; f++) {
        B.R.plan[f] = A.R.plan[f];
        if (A.R.plan[f].col == &ds->id)
            B.R.plan[f].col = &part->id;
        else if (A.R.plan[f].col != NULL)
            B.R.plan[f].col = part->col + (A.R.plan[f].col - ds->col);
    }
    B.fd = fd;
    B.start = split;
    B.end = size;
    B.size_hint = size - split;
    A.start = A.header_end;
    A.end = split;
    A.size_hint = split - A.header_end;
    A.header = A.header_only = false;
    A.R.last = false;
    pthread_t th;
    if (pthread_create(&th, NULL, range_thread, &B) != 0)
        goto free_part; /* fall back to one thread */
    A.err = parse_range(&A);
    pthread_join(th, NULL);
    if (A.err == HOSHI_OK && B.err == HOSHI_OK && !A.redo && !B.redo) {
        if ((err = merge_rows(ds, part)) == HOSHI_OK)
            *fallback = false;
    }
free_part:
    hi_csv_reader_free(&A.R);
    hi_csv_reader_free(&B.R);
    part->cb = NULL; /* shared with ds */
    hoshi_dataset_free(part);
    return err;
}

/* Reads a file in chunks.  *redo asks the caller to reread it as CP932. */
static hoshi_err parse_stream(hoshi_dataset *ds, const char *name, int fd, bool auto_enc,
                              bool *redo)
{
    struct stat st;
    uint64_t size = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    if (size >= hi_tab_parallel_min) {
        bool fallback = true;
        hoshi_err err = parse_parallel(ds, name, fd, size, auto_enc, &fallback);
        if (err != HOSHI_OK || !fallback)
            return err;
        hi_dataset_reset_rows(ds);
    }
    range_job J;
    memset(&J, 0, sizeof J);
    J.R = (hi_csv_reader){ds, name, NULL, 0, 1, auto_enc, true, HOSHI_BUF_INIT, HOSHI_OK};
    J.fd = fd;
    J.end = UINT64_MAX;
    J.header = true;
    J.size_hint = size;
    hoshi_err err = parse_range(&J);
    *redo = J.redo;
    hi_csv_reader_free(&J.R);
    return err;
}

static hoshi_err read_all(const char *path, int fd, char **out, size_t *len)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return hi_fail(HOSHI_ERR_IO, "%s: %s", path, strerror(errno));
    if ((size_t)st.st_size > HI_TAB_MAX_CP932)
        return hi_fail(HOSHI_ERR_LIMIT, "%s: CP932 files are limited to %zu bytes", path,
                       HI_TAB_MAX_CP932);
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = hi_malloc(cap + 1);
    if (buf == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", path);
    if (lseek(fd, 0, SEEK_SET) != 0) {
        free(buf);
        return hi_fail(HOSHI_ERR_IO, "%s: %s", path, strerror(errno));
    }
    for (;;) {
        if (n == cap) {
            free(buf);
            return hi_fail(HOSHI_ERR_IO, "%s: file grew while reading", path);
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(buf);
            return hi_fail(HOSHI_ERR_IO, "%s: %s", path, strerror(errno));
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *out = buf;
    *len = n;
    return HOSHI_OK;
}

hoshi_err hi_dataset_parse_csv(hi_codebook *cb, const char *name, int fd, const char *mem,
                               size_t mem_len, hoshi_encoding enc, hoshi_dataset **out)
{
    hoshi_dataset *ds = NULL;
    hoshi_err err = hi_dataset_alloc(cb, &ds);
    if (err != HOSHI_OK) {
        hi_codebook_free(cb);
        return err;
    }
    char *raw = NULL, *text = NULL;
    size_t raw_len = 0, text_len = 0;
    if (fd >= 0 && enc != HOSHI_ENC_CP932) {
        bool redo = false;
        if ((err = parse_stream(ds, name, fd, enc == HOSHI_ENC_AUTO, &redo)) != HOSHI_OK)
            goto fail;
        if (!redo)
            goto done;
        /* enc stays AUTO: a file that is not CP932 either is reported at
         * its first byte that is not UTF-8 */
        hi_dataset_reset_rows(ds);
    }
    if (fd >= 0) {
        if ((err = read_all(name, fd, &raw, &raw_len)) != HOSHI_OK)
            goto fail;
        mem = raw;
        mem_len = raw_len;
    }
    if ((err = hi_text_to_utf8(name, mem, mem_len, enc, &text, &text_len)) != HOSHI_OK)
        goto fail;
    if ((err = hi_csv_parse_memory(ds, name, text, text_len)) != HOSHI_OK)
        goto fail;
done:
    free(raw);
    free(text);
    *out = ds;
    return HOSHI_OK;
fail:
    free(raw);
    free(text);
    hoshi_dataset_free(ds);
    return err;
}
