/*
 * test_tab_files.c — the files the library writes: an output (--out, a
 * .hsd cache, a workbook) gets mode 0666 less the umask, the library never
 * calls umask() (a process-wide setting other threads depend on), a failed
 * write leaves neither the file nor a temporary one, and an error inside
 * libxlsxwriter is an error of ours instead of a quietly missing sheet.
 *
 * umask() and two libxlsxwriter functions are replaced here for the test:
 * the library is linked into this program, so its calls reach these.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "hoshi/hoshi.h"
#include "unit.h"

#ifndef DATA
#define DATA "tests/data/tab"
#endif

static int umask_calls;

mode_t umask(mode_t mask)
{
    umask_calls++;
    return (mode_t)syscall(SYS_umask, mask);
}

/* workbook_add_worksheet() fails from call number add_fail_from on (0: never). */
static int add_calls, add_fail_from;

lxw_worksheet *workbook_add_worksheet(lxw_workbook *wb, const char *name)
{
    static lxw_worksheet *(*real)(lxw_workbook *, const char *);
    if (real == NULL)
        *(void **)&real = dlsym(RTLD_NEXT, "workbook_add_worksheet");
    if (add_fail_from > 0 && ++add_calls >= add_fail_from)
        return NULL;
    return real(wb, name);
}

/* worksheet_write_string() fails as out of memory at call write_fail_at. */
static int write_calls, write_fail_at;

lxw_error worksheet_write_string(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                                 const char *s, lxw_format *fmt)
{
    static lxw_error (*real)(lxw_worksheet *, lxw_row_t, lxw_col_t, const char *, lxw_format *);
    if (real == NULL)
        *(void **)&real = dlsym(RTLD_NEXT, "worksheet_write_string");
    if (write_fail_at > 0 && ++write_calls == write_fail_at)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    return real(ws, row, col, s, fmt);
}

static char dir[] = "/tmp/hoshi_files_XXXXXX";

static unsigned mode_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (unsigned)(st.st_mode & 0777) : 0u;
}

/* Number of entries in dir (besides . and ..). */
static int entries(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d != NULL)
        closedir(d);
    return n;
}

static void clear_dir(void)
{
    DIR *d = opendir(dir);
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char p[320];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        remove(p);
    }
    if (d != NULL)
        closedir(d);
}

static hoshi_tabset *banner(hoshi_dataset **ds)
{
    hoshi_tabset *ts = NULL;
    const char *heads[] = {"ALL"};
    hoshi_tab_spec spec = {"Q1", heads, 1, NULL, 0, NULL, 0, NULL, 0, NULL, 0, false, 2, NULL, 0, NULL, 0, NULL};
    CHECK(hoshi_dataset_open(DATA "/cb.csv", DATA "/data.csv", HOSHI_ENC_AUTO, ds) == HOSHI_OK);
    CHECK(*ds && hoshi_tab_run(*ds, &spec, &ts) == HOSHI_OK);
    return ts;
}

static void modes_follow_the_umask(void)
{
    hoshi_dataset *ds = NULL;
    hoshi_tabset *ts = banner(&ds);
    char out[128], hsd[128], xlsx[128];
    snprintf(out, sizeof out, "%s/out.csv", dir);
    snprintf(hsd, sizeof hsd, "%s/x.hsd", dir);
    snprintf(xlsx, sizeof xlsx, "%s/t.xlsx", dir);
    static const mode_t masks[] = {022, 007, 077};
    for (size_t i = 0; i < sizeof masks / sizeof masks[0] && ts; i++) {
        umask(masks[i]);
        umask_calls = 0;
        CHECK_INT(hoshi_file_write(out, "a,b\n", 4), HOSHI_OK);
        CHECK_INT(hoshi_dataset_save(ds, hsd), HOSHI_OK);
        CHECK_INT(hoshi_tab_write_xlsx(ts, NULL, xlsx), HOSHI_OK);
        unsigned want = 0666 & ~(unsigned)masks[i];
        CHECK_INT(mode_of(out), want);
        CHECK_INT(mode_of(hsd), want);
        CHECK_INT(mode_of(xlsx), want);
        CHECK_INT(umask_calls, 0); /* the library read nothing through umask() */
        CHECK_INT(entries(), 3);   /* no temporary file left */
        clear_dir();
    }
    umask(022);
    hoshi_tabset_free(ts);
    hoshi_dataset_free(ds);
}

static void failed_writes_leave_nothing(void)
{
    char path[160];
    snprintf(path, sizeof path, "%s/no/such/dir/out.csv", dir);
    CHECK_INT(hoshi_file_write(path, "x", 1), HOSHI_ERR_IO);
    CHECK(strstr(hoshi_error_detail(), "cannot write") != NULL);
    /* the target is a directory: the rename fails after the data was written */
    snprintf(path, sizeof path, "%s/sub", dir);
    CHECK(mkdir(path, 0700) == 0);
    CHECK_INT(hoshi_file_write(path, "x", 1), HOSHI_ERR_IO);
    CHECK_INT(entries(), 1); /* only sub */
    clear_dir();
}

/* The engine says what happened: a file that cannot be opened is an I/O
 * error (the CLI decides that an unreadable input is exit 2), not bad
 * input chosen for its exit status. */
static void unreadable_inputs_are_io_errors(void)
{
    char path[160];
    snprintf(path, sizeof path, "%s/nope.csv", dir);
    hoshi_dataset *ds = NULL;
    CHECK_INT(hoshi_dataset_open(path, DATA "/data.csv", HOSHI_ENC_AUTO, &ds), HOSHI_ERR_IO);
    CHECK(strstr(hoshi_error_detail(), "No such file or directory") != NULL);
    CHECK_INT(hoshi_dataset_open(DATA "/cb.csv", path, HOSHI_ENC_AUTO, &ds), HOSHI_ERR_IO);
    CHECK(strstr(hoshi_error_detail(), "nope.csv: No such file or directory") != NULL);
    CHECK(ds == NULL);
}

static void workbook_errors_are_errors(void)
{
    hoshi_dataset *ds = NULL;
    hoshi_tabset *ts = banner(&ds);
    char xlsx[128];
    snprintf(xlsx, sizeof xlsx, "%s/t.xlsx", dir);
    /* the second sheet cannot be added: no workbook with a table missing */
    add_calls = 0;
    add_fail_from = 2;
    CHECK_INT(hoshi_tab_write_xlsx(ts, NULL, xlsx), HOSHI_ERR_NOMEM);
    CHECK(strstr(hoshi_error_detail(), "out of memory adding sheet 2") != NULL);
    add_fail_from = 0;
    CHECK_INT(entries(), 0);
    /* a cell that cannot be written */
    for (int at = 1; at <= 3; at++) {
        write_calls = 0;
        write_fail_at = at * 7;
        CHECK_INT(hoshi_tab_write_xlsx(ts, NULL, xlsx), HOSHI_ERR_NOMEM);
        CHECK_INT(entries(), 0);
    }
    write_fail_at = 0;
    CHECK_INT(hoshi_tab_write_xlsx(ts, NULL, xlsx), HOSHI_OK);
    CHECK_INT(entries(), 1);
    clear_dir();
    hoshi_tabset_free(ts);
    hoshi_dataset_free(ds);
}

int main(void)
{
    if (mkdtemp(dir) == NULL)
        return 1;
    RUN(modes_follow_the_umask);
    RUN(failed_writes_leave_nothing);
    RUN(workbook_errors_are_errors);
    RUN(unreadable_inputs_are_io_errors);
    clear_dir();
    rmdir(dir);
    return UNIT_RESULT();
}
