/*
 * form_load.c — the front doors of a definition: a path (a directory of
 * CSV sheets or an .xlsx file), bytes in memory (an upload or the stored
 * blob), or the three CSV sheets; and the stored blob written back.  All
 * of them read into sheets first and build the form from the sheets, so
 * every source is checked by the same rules.
 */
#include "survey/form_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static hoshi_err build(hi_sheets *sh, hoshi_err err, hoshi_form **out)
{
    if (err == HOSHI_OK)
        err = hi_form_build(sh, out);
    hi_sheets_free(sh);
    return err;
}

hoshi_err hoshi_form_parse_sheets(const char *survey, size_t survey_len, const char *choices,
                                  size_t choices_len, const char *settings, size_t settings_len,
                                  hoshi_form **out)
{
    hi_clear_error();
    hi_sheets sh;
    hi_sheets_init(&sh);
    hoshi_err err = hi_sheet_from_csv(&sh.s[HI_SH_SURVEY], "survey", survey, survey_len);
    if (err == HOSHI_OK && choices != NULL)
        err = hi_sheet_from_csv(&sh.s[HI_SH_CHOICES], "choices", choices, choices_len);
    if (err == HOSHI_OK && settings != NULL)
        err = hi_sheet_from_csv(&sh.s[HI_SH_SETTINGS], "settings", settings, settings_len);
    return build(&sh, err, out);
}

static bool is_zip(const char *data, size_t len)
{
    return len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
}

hoshi_err hoshi_form_parse(const char *name, const char *data, size_t len, hoshi_form **out)
{
    hi_clear_error();
    hi_sheets sh;
    hi_sheets_init(&sh);
    hoshi_err err;
    if (is_zip(data, len))
        err = hi_sheets_from_xlsx(&sh, data, len);
    else if (hi_sheets_is_blob(data, len))
        err = hi_sheets_from_blob(&sh, data, len);
    else
        err = hi_fail(HOSHI_ERR_INPUT, "%s: neither an .xlsx workbook nor a stored definition",
                      name != NULL ? name : "definition");
    return build(&sh, err, out);
}

/* One sheet file of a directory; a missing choices or settings file is an
 * empty sheet (a form may have no selects and no settings). */
static hoshi_err read_sheet(const char *dir, const char *name, bool need, hi_sheet *s)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s.csv", dir, name);
    if (n < 0 || (size_t)n >= sizeof path)
        return hi_fail(HOSHI_ERR_USAGE, "path too long: %s", dir);
    struct stat st;
    if (!need && stat(path, &st) != 0)
        return HOSHI_OK;
    char *text = NULL;
    size_t len = 0;
    hoshi_err err = hoshi_file_read(path, HOSHI_FORM_MAX_DEF, &text, &len);
    if (err != HOSHI_OK)
        return err;
    err = hi_sheet_from_csv(s, name, text, len);
    free(text);
    return err;
}

hoshi_err hoshi_form_load(const char *path, hoshi_form **out)
{
    hi_clear_error();
    struct stat st;
    if (stat(path, &st) != 0)
        return hi_fail(HOSHI_ERR_IO, "%s: no such file or directory", path);
    hi_sheets sh;
    hi_sheets_init(&sh);
    hoshi_err err;
    if (S_ISDIR(st.st_mode)) {
        err = read_sheet(path, "survey", true, &sh.s[HI_SH_SURVEY]);
        if (err == HOSHI_OK)
            err = read_sheet(path, "choices", false, &sh.s[HI_SH_CHOICES]);
        if (err == HOSHI_OK)
            err = read_sheet(path, "settings", false, &sh.s[HI_SH_SETTINGS]);
        return build(&sh, err, out);
    }
    char *data = NULL;
    size_t len = 0;
    err = hoshi_file_read(path, HOSHI_FORM_MAX_XLSX, &data, &len);
    if (err != HOSHI_OK)
        return err;
    if (!is_zip(data, len)) {
        free(data);
        return hi_fail(HOSHI_ERR_INPUT, "%s: not an .xlsx workbook (nor a directory of CSV sheets)",
                       path);
    }
    err = hi_sheets_from_xlsx(&sh, data, len);
    free(data);
    return build(&sh, err, out);
}

hoshi_err hoshi_form_serialize(const hoshi_form *f, char **out, size_t *len)
{
    hi_clear_error();
    return hi_sheets_to_blob(&f->sheets, out, len);
}
