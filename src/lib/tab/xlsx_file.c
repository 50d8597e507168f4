/*
 * xlsx_file.c — a workbook on a reserved temporary file (xlsx_file.h),
 * shared by the tables' workbook (xlsx.c) and the free-answer listing
 * (fa_xlsx.c).
 */
#include "tab/xlsx_file.h"
#include "internal.h"

#include <stdlib.h>
#include <unistd.h>

hoshi_err hi_xlsx_create(const char *path, char **tmp, lxw_workbook **wb)
{
    int fd = -1;
    *wb = NULL;
    hoshi_err err = hi_file_create_temp(path, tmp, &fd);
    if (err != HOSHI_OK)
        return err;
    close(fd);
    *wb = workbook_new(*tmp);
    if (*wb != NULL)
        return HOSHI_OK;
    /* its only failure is an allocation */
    unlink(*tmp);
    free(*tmp);
    *tmp = NULL;
    return hi_fail(HOSHI_ERR_NOMEM, "out of memory creating workbook %s", path);
}
