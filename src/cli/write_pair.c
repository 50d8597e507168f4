/*
 * write_pair.c — writing a codebook.csv + data.csv pair into a directory
 * all or nothing, for every command that exports a dataset (`hoshi
 * registry export`, `hoshi survey export`): both files are staged under
 * temporary names in DIR and renamed only when both are complete; DIR is
 * made when missing and removed again when nothing could be written.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Writes data to DIR/NAME's staging name (path gets it). */
static hoshi_err stage(const char *dir, const char *name, const char *data, size_t len, char *path,
                       size_t size)
{
    int n = snprintf(path, size, "%s/.%s.%ld.part", dir, name, (long)getpid());
    if (n < 0 || (size_t)n >= size)
        return hoshi_error_set(HOSHI_ERR_INPUT, "--out path too long: %s", dir);
    return hoshi_file_write(path, data, len);
}

/* Makes DIR when it is missing; *made tells the caller to remove it again
 * if nothing is written. */
static int ensure_dir(const char *cmd, const char *dir, bool *made)
{
    *made = false;
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return EXIT_OK;
        fprintf(stderr, "hoshi %s: --out %s is not a directory\n", cmd, dir);
        return EXIT_USAGE;
    }
    if (mkdir(dir, 0777) != 0) {
        fprintf(stderr, "hoshi %s: cannot make directory %s: %s\n", cmd, dir, strerror(errno));
        return EXIT_USAGE;
    }
    *made = true;
    return EXIT_OK;
}

/* Stages both files, then renames them into place; on failure nothing of
 * ours is left in DIR. */
static int stage_and_rename(const char *cmd, const char *dir, const char *cb, size_t cb_len,
                            const char *data, size_t data_len)
{
    char cb_tmp[4096] = "", data_tmp[4096] = "", cb_path[4096], data_path[4096];
    snprintf(cb_path, sizeof cb_path, "%s/codebook.csv", dir);
    snprintf(data_path, sizeof data_path, "%s/data.csv", dir);
    hoshi_err err = stage(dir, "codebook.csv", cb, cb_len, cb_tmp, sizeof cb_tmp);
    if (err == HOSHI_OK)
        err = stage(dir, "data.csv", data, data_len, data_tmp, sizeof data_tmp);
    if (err != HOSHI_OK) {
        unlink(cb_tmp);
        fprintf(stderr, "hoshi %s: cannot write to %s: %s\n", cmd, dir, hoshi_error_detail());
        return cli_exit_status(err, true);
    }
    if (rename(cb_tmp, cb_path) != 0 || rename(data_tmp, data_path) != 0) {
        fprintf(stderr, "hoshi %s: cannot rename into %s: %s\n", cmd, dir, strerror(errno));
        unlink(cb_tmp);
        unlink(data_tmp);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

int cli_write_pair(const char *cmd, const char *dir, const char *cb, size_t cb_len, const char *data,
                   size_t data_len)
{
    bool made;
    int rc = ensure_dir(cmd, dir, &made);
    if (rc != EXIT_OK)
        return rc;
    if ((rc = stage_and_rename(cmd, dir, cb, cb_len, data, data_len)) != EXIT_OK && made)
        rmdir(dir);
    return rc;
}
