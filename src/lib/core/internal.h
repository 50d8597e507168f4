/*
 * internal.h — helpers shared by the modules of libhoshi, not part of the
 * public API.  Internal names start with hi_.
 */
#ifndef HOSHI_INTERNAL_H
#define HOSHI_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "hoshi/error.h"
#include "hoshi/text.h"

/* Records a detailed message for hoshi_error_detail() and returns `code`,
 * so that a failing path reads `return hi_fail(HOSHI_ERR_INPUT, "...")`.
 * The same function front ends call as hoshi_error_set(). */
#define hi_fail hoshi_error_set

/* Clears the detail message (called at the start of public entry points
 * that may fail, so a stale message never describes a new error). */
void hi_clear_error(void);

/* The one way the library writes a file whole or not at all (fileio.c):
 * hi_file_create_temp makes a new file "<path>.tmpXXXXXX" beside path,
 * with mode 0666 less the umask; *tmp (malloc'd, caller frees) is its name,
 * *fd open for writing.  Once it is written and closed, hi_file_commit
 * renames it over path when err is HOSHI_OK, else (or when the rename
 * fails) removes it; it returns err, or the rename's failure. */
hoshi_err hi_file_create_temp(const char *path, char **tmp, int *fd);
hoshi_err hi_file_commit(const char *tmp, const char *path, hoshi_err err);

/* datafile.c: the text of [s, end) without blanks (spaces, tabs, a CR) at
 * either end; *end becomes the terminating NUL.  The ini readers' trim. */
char *hi_trim_blanks(char *s, char *end);

/* hi_strdup and the other allocators with fault injection. */
#include "alloc.h"

#endif
