/*
 * tab_write.c — writing what `hoshi tab` made, all or nothing: the tables
 * (--out: a text format or a workbook) and their charts (--chart FILE.svg:
 * one SVG per table, FILE.svg itself for one table, FILE-1.svg … FILE-n.svg
 * in table order for several).  Everything is rendered first; then every
 * file is staged under a temporary name beside its target and renamed only
 * when all are complete, and a failure removes what was staged or renamed.
 * A chart that would land on the --out file is refused before anything is
 * written (paths compared after resolving their directories).
 */
#include "cli.h"
#include "tab_write.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* One file to write: where it goes, its staging name, and what to write
 * (text, or the workbook when xlsx). */
typedef struct outfile {
    char path[PATH_MAX];
    char stage[PATH_MAX + 64];
    char *data;
    size_t len;
    bool xlsx;
    bool staged, placed;
} outfile;

/* The chart path of table i (0-based) of n. */
static bool chart_path(const char *chart, size_t i, size_t n, char *out, size_t cap)
{
    if (n == 1)
        return (size_t)snprintf(out, cap, "%s", chart) < cap;
    size_t len = strlen(chart);
    if (len > 4 && strcasecmp(chart + len - 4, ".svg") == 0)
        len -= 4;
    return (size_t)snprintf(out, cap, "%.*s-%zu.svg", (int)len, chart, i + 1) < cap;
}

/* The directory of path and its last part (the directory "." when none). */
static void split(const char *path, char *dir, size_t cap, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        snprintf(dir, cap, ".");
        *base = path;
    } else if (slash == path) {
        snprintf(dir, cap, "/");
        *base = slash + 1;
    } else {
        snprintf(dir, cap, "%.*s", (int)(slash - path), path);
        *base = slash + 1;
    }
}

/* True when a and b name one file: the same resolved directory and name,
 * or (both existing) the same inode. */
static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    char da[PATH_MAX], db[PATH_MAX], ra[PATH_MAX], rb[PATH_MAX];
    const char *na, *nb;
    split(a, da, sizeof da, &na);
    split(b, db, sizeof db, &nb);
    if (realpath(da, ra) == NULL || realpath(db, rb) == NULL)
        return strcmp(a, b) == 0;
    return strcmp(ra, rb) == 0 && strcmp(na, nb) == 0;
}

static void set_stage(outfile *f)
{
    char dir[PATH_MAX];
    const char *base;
    split(f->path, dir, sizeof dir, &base);
    snprintf(f->stage, sizeof f->stage, "%s/.%s.%ld.part", dir, base, (long)getpid());
}

/* Writes f to its staging name. */
static hoshi_err stage(outfile *f, const hoshi_tabset *ts, const hoshi_tab_render_opts *ro)
{
    set_stage(f);
    hoshi_err err = f->xlsx ? hoshi_tab_write_xlsx(ts, ro, f->stage)
                            : hoshi_file_write(f->stage, f->data, f->len);
    f->staged = err == HOSHI_OK;
    return err;
}

/* Removes every staged file and every file already renamed into place. */
static void undo(outfile *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (f[i].placed)
            unlink(f[i].path);
        else if (f[i].staged)
            unlink(f[i].stage);
    }
}

/* Stages every file, then renames each into place; all or nothing. */
static int write_files(const char *cmd, outfile *f, size_t n, const hoshi_tabset *ts,
                       const hoshi_tab_render_opts *ro)
{
    for (size_t i = 0; i < n; i++) {
        hoshi_err err = stage(&f[i], ts, ro);
        if (err != HOSHI_OK) {
            undo(f, n);
            if (err != HOSHI_ERR_IO)
                return cli_lib_error(cmd, err);
            /* said with the name the user gave, not the staging name: the
             * reason is what the detail says after its last ": " */
            const char *why = strrchr(hoshi_error_detail(), ':');
            fprintf(stderr, "hoshi %s: cannot write %s: %s\n", cmd, f[i].path,
                    why != NULL && why[1] == ' ' ? why + 2 : hoshi_error_detail());
            return cli_exit_status(err, false);
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (rename(f[i].stage, f[i].path) != 0) {
            fprintf(stderr, "hoshi %s: cannot write %s: %s\n", cmd, f[i].path, strerror(errno));
            undo(f, n);
            return EXIT_FAIL;
        }
        f[i].placed = true;
    }
    return EXIT_OK;
}

static void free_files(outfile *f, size_t n)
{
    for (size_t i = 0; f != NULL && i < n; i++)
        free(f[i].data);
    free(f);
}

int tab_write(const char *cmd, const hoshi_tabset *ts, hoshi_tab_format fmt,
              const hoshi_tab_render_opts *ro, const char *out, const char *chart)
{
    bool to_stdout = out == NULL || strcmp(out, "-") == 0;
    size_t n_tables = hoshi_tabset_count(ts);
    size_t n_charts = chart != NULL ? n_tables : 0;
    size_t n = n_charts + (to_stdout ? 0 : 1);
    outfile *f = calloc(n ? n : 1, sizeof *f);
    char *text = NULL;
    size_t text_len = 0;
    int rc = EXIT_FAIL;
    hoshi_err err = HOSHI_OK;
    if (f == NULL) {
        fprintf(stderr, "hoshi %s: out of memory\n", cmd);
        return EXIT_FAIL;
    }
    for (size_t i = 0; i < n_charts; i++) {
        if (!chart_path(chart, i, n_tables, f[i].path, sizeof f[i].path)) {
            rc = cli_usage_error(cmd, "--chart path too long: %s", chart);
            goto free_files;
        }
        if (!to_stdout && same_file(f[i].path, out)) {
            rc = n_tables == 1 ? cli_usage_error(cmd, "--chart %s is the --out file", chart)
                               : cli_usage_error(cmd, "--chart %s writes %s, the --out file",
                                                 chart, f[i].path);
            goto free_files;
        }
    }
    /* everything is rendered before anything is written */
    for (size_t i = 0; i < n_charts && err == HOSHI_OK; i++)
        err = hoshi_tab_chart(ts, i, ro, &f[i].data, &f[i].len);
    if (err == HOSHI_OK && fmt != HOSHI_TAB_XLSX)
        err = hoshi_tab_render(ts, fmt, ro, &text, &text_len);
    if (err != HOSHI_OK) {
        rc = cli_lib_error(cmd, err);
        goto free_files;
    }
    if (!to_stdout) {
        outfile *o = &f[n_charts];
        if ((size_t)snprintf(o->path, sizeof o->path, "%s", out) >= sizeof o->path) {
            rc = cli_usage_error(cmd, "--out path too long: %s", out);
            goto free_files;
        }
        o->xlsx = fmt == HOSHI_TAB_XLSX;
        o->data = text;
        o->len = text_len;
        text = NULL;
    }
    rc = write_files(cmd, f, n, ts, ro);
    if (rc == EXIT_OK && to_stdout && (rc = cli_write_output(cmd, NULL, text, text_len)) != EXIT_OK)
        undo(f, n);
free_files:
    free(text);
    free_files(f, n);
    return rc;
}
