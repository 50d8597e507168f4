/*
 * util.c — error reporting and file output for the hoshi command.  Output
 * files are written by hoshi_file_write(), to a temporary name renamed into
 * place, so a failure never leaves a half-written report behind.
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "hoshi %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see 'hoshi %s --help')\n", cmd);
    return EXIT_USAGE;
}

int cli_lib_error(const char *cmd, hoshi_err err)
{
    const char *d = hoshi_error_detail();
    fprintf(stderr, "hoshi %s: %s\n", cmd, d != NULL && *d ? d : hoshi_error_message(err));
    return err == HOSHI_ERR_INPUT || err == HOSHI_ERR_USAGE || err == HOSHI_ERR_LIMIT
               ? EXIT_USAGE : EXIT_FAIL;
}

static int write_all(FILE *f, const char *data, size_t len)
{
    return fwrite(data, 1, len, f) == len && fflush(f) == 0 ? 0 : -1;
}

int cli_write_output(const char *cmd, const char *path, const char *data, size_t len)
{
    if (path == NULL || strcmp(path, "-") == 0) {
        if (write_all(stdout, data, len) != 0) {
            fprintf(stderr, "hoshi %s: writing standard output: %s\n", cmd, strerror(errno));
            return EXIT_FAIL;
        }
        return EXIT_OK;
    }
    hoshi_err err = hoshi_file_write(path, data, len);
    return err == HOSHI_OK ? EXIT_OK : cli_lib_error(cmd, err);
}

int cli_read_file(const char *cmd, const char *path, size_t max, char **out)
{
    char *buf = NULL;
    size_t n = 0;
    hoshi_err err = hoshi_file_read(path, max, &buf, &n);
    if (err == HOSHI_ERR_NOMEM)
        return cli_lib_error(cmd, err);
    if (err != HOSHI_OK) {
        fprintf(stderr, "hoshi %s: cannot read %s\n", cmd, hoshi_error_detail());
        return EXIT_USAGE;
    }
    if (strlen(buf) != n) {
        fprintf(stderr, "hoshi %s: %s: contains a NUL byte\n", cmd, path);
        free(buf);
        return EXIT_USAGE;
    }
    *out = buf;
    return EXIT_OK;
}
