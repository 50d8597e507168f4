/*
 * xlsx_file.h — starting a workbook file the way every workbook of the
 * engine is written: libxlsxwriter writes to a reserved temporary name
 * (with the mode of an output, 0666 less the umask, which it keeps) that
 * hi_file_commit() renames over the path at the end, so a failure leaves
 * nothing.
 */
#ifndef HOSHI_TAB_XLSX_FILE_H
#define HOSHI_TAB_XLSX_FILE_H

#include <xlsxwriter.h>

#include "hoshi/error.h"

/* Reserves *tmp next to path (malloc'd, caller frees) and opens the
 * workbook *wb on it.  On failure nothing is left: no file, *tmp NULL. */
hoshi_err hi_xlsx_create(const char *path, char **tmp, lxw_workbook **wb);

#endif
