/*
 * tab_fa.c — `hoshi tab --list Q10 …` and `--coding Q10=codes.csv`: the
 * free-answer options' syntax, and running them through the library's
 * listing and coding (include/hoshi/survey_fa.h).  The listing is made
 * and rendered before anything is written, as for tables.
 */
#include "tab_fa.h"
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static bool bad(tab_fa_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool bad(tab_fa_opts *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->msg, sizeof o->msg, fmt, ap);
    va_end(ap);
    return false;
}

void tab_fa_init(tab_fa_opts *o)
{
    memset(o, 0, sizeof *o);
}

void tab_fa_free(tab_fa_opts *o)
{
    for (size_t i = 0; i < o->n_attrs; i++)
        free(o->attrs[i]);
    for (size_t i = 0; i < o->n_coding; i++)
        free(o->coding_var[i]);
    tab_fa_init(o);
}

static bool add_attrs(tab_fa_opts *o, const char *list)
{
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        if (len > 0) {
            if (o->n_attrs >= TAB_FA_MAX)
                return bad(o, "--attrs: more than %d attributes", TAB_FA_MAX);
            char *a = strndup(p, len);
            if (a == NULL)
                return bad(o, "out of memory");
            o->attrs[o->n_attrs++] = a;
        }
        p += len;
        p += *p == ',';
    }
    return true;
}

static bool add_coding(tab_fa_opts *o, const char *text)
{
    const char *eq = strchr(text, '=');
    if (eq == NULL || eq == text || eq[1] == '\0')
        return bad(o, "--coding '%s': expected VAR=FILE", text);
    if (o->n_coding >= TAB_FA_MAX)
        return bad(o, "--coding: more than %d files", TAB_FA_MAX);
    char *var = strndup(text, (size_t)(eq - text));
    if (var == NULL)
        return bad(o, "out of memory");
    o->coding_var[o->n_coding] = var;
    o->coding_file[o->n_coding++] = eq + 1;
    return true;
}

static bool parse_count(tab_fa_opts *o, const char *opt, const char *s, long max, size_t *out)
{
    long v;
    if (!hoshi_parse_long(s, 1, max, &v))
        return bad(o, "%s needs a number 1..%ld", opt, max);
    *out = (size_t)v;
    return true;
}

bool tab_fa_option(tab_fa_opts *o, int which, const char *value)
{
    size_t n = strlen(value);
    if (hoshi_utf8_invalid_at(value, n) != n)
        return bad(o, "a free-answer option's value is not UTF-8 (byte %zu)",
                   hoshi_utf8_invalid_at(value, n) + 1);
    switch (which) {
    case TAB_FA_LIST: o->list = value; return true;
    case TAB_FA_ATTRS: return add_attrs(o, value);
    case TAB_FA_CONTAINS: o->contains = value; return true;
    case TAB_FA_SORT_BY: o->sort_by = value; return true;
    case TAB_FA_MAX_ANSWERS:
        return parse_count(o, "--max-answers", value, HOSHI_FA_MAX_ANSWERS, &o->max_answers);
    case TAB_FA_SHOW_BYTES: return parse_count(o, "--show-bytes", value, 100000, &o->show_bytes);
    case TAB_FA_CODING: return add_coding(o, value);
    default: return bad(o, "unknown free-answer option");
    }
}

int tab_fa_code(const char *cmd, hoshi_dataset *ds, const tab_fa_opts *o)
{
    for (size_t i = 0; i < o->n_coding; i++) {
        hoshi_err err = hoshi_fa_code_file(ds, o->coding_var[i], o->coding_file[i]);
        if (err != HOSHI_OK)
            return cli_input_error(cmd, err);
    }
    return EXIT_OK;
}

int tab_fa_list(const char *cmd, const hoshi_dataset *ds, const tab_fa_opts *o,
                const hoshi_tab_spec *spec, hoshi_tab_format fmt,
                const hoshi_fa_render_opts *ro, const char *out)
{
    hoshi_fa_spec fs = {o->list, (const char *const *)o->attrs, o->n_attrs, spec->wheres,
                        spec->n_wheres, o->contains, o->sort_by, o->max_answers};
    hoshi_falist *l = NULL;
    char *text = NULL;
    size_t len = 0;
    int rc;
    hoshi_err err = hoshi_fa_list(ds, &fs, &l);
    if (err != HOSHI_OK)
        return cli_lib_error(cmd, err);
    if (fmt == HOSHI_TAB_XLSX)
        err = hoshi_falist_write_xlsx(l, ro, out);
    else
        err = hoshi_falist_render(l, fmt, ro, &text, &len);
    if (err != HOSHI_OK)
        rc = cli_lib_error(cmd, err);
    else
        rc = fmt == HOSHI_TAB_XLSX ? EXIT_OK : cli_write_output(cmd, out, text, len);
    free(text);
    hoshi_falist_free(l);
    return rc;
}
