/*
 * fileio.c — whole files in and out.  Reading has a size cap, so no input
 * from outside can make the library allocate without bound.  Writing is
 * all or nothing: a temporary file beside the target, renamed over it when
 * complete.  Files are created with mode 0666 and the kernel applies the
 * process umask, so outputs get the permissions the user asked for and the
 * library never touches the umask (a process-wide setting other threads
 * rely on while they create files).
 */
#include "hoshi/datafile.h"
#include "internal.h"
#include "alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

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

/* Six characters for a temporary name; unpredictable when the kernel
 * gives random bytes, unique enough otherwise (O_EXCL catches the rest). */
static void random_suffix(char out[7])
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    unsigned char r[6];
    if (getrandom(r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t x = (uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15ull ^ (uint64_t)getpid() << 20 ^
                     (uint64_t)ts.tv_sec;
        for (size_t i = 0; i < sizeof r; i++, x >>= 8)
            r[i] = (unsigned char)x;
    }
    for (size_t i = 0; i < sizeof r; i++)
        out[i] = alphabet[r[i] % (sizeof alphabet - 1)];
    out[6] = '\0';
}

hoshi_err hi_file_create_temp(const char *path, char **tmp, int *fd)
{
    size_t n = strlen(path) + 16;
    char *name = hi_malloc(n);
    if (name == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory writing %s", path);
    for (int attempt = 0; attempt < 100; attempt++) {
        char suffix[7];
        random_suffix(suffix);
        snprintf(name, n, "%s.tmp%s", path, suffix);
        int f = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (f >= 0) {
            *tmp = name;
            *fd = f;
            return HOSHI_OK;
        }
        if (errno != EEXIST)
            break;
    }
    hoshi_err err = hi_fail(HOSHI_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    free(name);
    return err;
}

hoshi_err hi_file_commit(const char *tmp, const char *path, hoshi_err err)
{
    if (err == HOSHI_OK && rename(tmp, path) != 0)
        err = hi_fail(HOSHI_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    if (err != HOSHI_OK)
        unlink(tmp);
    return err;
}

hoshi_err hoshi_file_write(const char *path, const void *data, size_t len)
{
    hi_clear_error();
    char *tmp = NULL;
    int fd = -1;
    hoshi_err err = hi_file_create_temp(path, &tmp, &fd);
    if (err != HOSHI_OK)
        return err;
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            err = hi_fail(HOSHI_ERR_IO, "cannot write %s: %s", path,
                          w < 0 ? strerror(errno) : "nothing written");
            break;
        }
        p += w;
        left -= (size_t)w;
    }
    if (close(fd) != 0 && err == HOSHI_OK)
        err = hi_fail(HOSHI_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    err = hi_file_commit(tmp, path, err);
    free(tmp);
    return err;
}
