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
#include <sys/stat.h>

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

/* The one map from library errors to exit statuses.  What the user can fix
 * is 2: bad usage, bad input, input over a cap, and (reading) a file they
 * named that cannot be read.  Anything else is 1: memory, writing, a
 * missing data directory, a bug. */
int cli_exit_status(hoshi_err err, bool reading)
{
    switch (err) {
    case HOSHI_OK:
        return EXIT_OK;
    case HOSHI_ERR_USAGE:
    case HOSHI_ERR_INPUT:
    case HOSHI_ERR_LIMIT:
        return EXIT_USAGE;
    case HOSHI_ERR_IO:
    case HOSHI_ERR_NOTFOUND:
        return reading ? EXIT_USAGE : EXIT_FAIL;
    case HOSHI_ERR_NOMEM:
    case HOSHI_ERR_DATA:
    case HOSHI_ERR_INTERNAL:
        break;
    }
    return EXIT_FAIL;
}

static void print_lib_error(const char *cmd, hoshi_err err)
{
    const char *d = hoshi_error_detail();
    fprintf(stderr, "hoshi %s: %s\n", cmd, d != NULL && *d ? d : hoshi_error_message(err));
}

int cli_lib_error(const char *cmd, hoshi_err err)
{
    print_lib_error(cmd, err);
    return cli_exit_status(err, false);
}

int cli_input_error(const char *cmd, hoshi_err err)
{
    print_lib_error(cmd, err);
    return cli_exit_status(err, true);
}

hoshi_err cli_store_open(const char *db, const char *datadir, hoshi_store **out)
{
    *out = NULL;
    hoshi_err err = hoshi_namekey_default_dir(datadir);
    return err == HOSHI_OK ? hoshi_store_open(db, 1, out) : err;
}

bool cli_db_missing(const char *cmd, const char *db)
{
    struct stat st;
    if (hoshi_store_is_url(db) || (stat(db, &st) == 0 && S_ISREG(st.st_mode)))
        return false;
    fprintf(stderr, "hoshi %s: no database at %s\n", cmd, db);
    return true;
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

int cli_write_buf(const char *cmd, const char *path, hoshi_buf *b)
{
    char *text = NULL;
    size_t len = 0;
    hoshi_err err = hoshi_buf_finish(b, &text, &len);
    hoshi_buf_free(b);
    if (err != HOSHI_OK)
        return cli_lib_error(cmd, err);
    int rc = cli_write_output(cmd, path, text, len);
    free(text);
    return rc;
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
        return cli_exit_status(err, true);
    }
    if (strlen(buf) != n) {
        fprintf(stderr, "hoshi %s: %s: contains a NUL byte\n", cmd, path);
        free(buf);
        return EXIT_USAGE;
    }
    *out = buf;
    return EXIT_OK;
}
