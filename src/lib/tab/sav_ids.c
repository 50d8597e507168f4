/*
 * sav_ids.c — the respondents' ids of a data file, for the id variable of
 * a .sav file.  The columnar store keeps no ids (no table needs them), so
 * `hoshi import --out F.sav` reads them again from the data file: the
 * first field of every record of a CSV file (already checked when the
 * dataset was loaded, so this scan only splits records), or the id
 * variable of a .sav file.  A .hsd cache has none, nor a .sav file
 * without a variable named id.
 */
#include "tab/sav.h"
#include "internal.h"

#include <readstat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoshi/datafile.h"
#include "hoshi/survey.h"

#define IDS_MAX_FILE ((size_t)1 << 34)

static hoshi_err push(hoshi_ids *ids, const char *s, size_t n)
{
    if (n > HI_SAV_MAX_STRING)
        return hi_fail(HOSHI_ERR_LIMIT, "id of respondent %zu is longer than %d bytes",
                       ids->n + 1, HI_SAV_MAX_STRING);
    if (ids->n == ids->cap) {
        size_t cap = ids->cap ? ids->cap + ids->cap / 2 : 1024;
        char **v = hi_realloc(ids->v, cap * sizeof *v);
        if (v == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading ids");
        ids->v = v;
        ids->cap = cap;
    }
    char *c = hi_malloc(n + 1);
    if (c == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading ids");
    memcpy(c, s, n);
    c[n] = '\0';
    ids->v[ids->n++] = c;
    return HOSHI_OK;
}

/* The first field of every record after the header; blank records (the
 * loader allows them at the end) are skipped. */
static hoshi_err csv_ids(hoshi_ids *ids, const char *p, const char *end)
{
    hoshi_buf f = HOSHI_BUF_INIT;
    hoshi_err err = HOSHI_OK;
    bool header = true;
    while (p < end && err == HOSHI_OK) {
        if (*p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n')) {
            p += *p == '\r' ? 2 : 1; /* a blank record */
            continue;
        }
        f.len = 0;
        bool quoted = false;
        if (*p == '"') {
            for (p++; p < end; p++) {
                if (*p == '"' && p + 1 < end && p[1] == '"')
                    hoshi_buf_putc(&f, *p++);
                else if (*p == '"')
                    break;
                else
                    hoshi_buf_putc(&f, *p);
            }
            if (p < end)
                p++;
        } else {
            const char *s = p;
            while (p < end && *p != ',' && *p != '\n' && *p != '\r')
                p++;
            hoshi_buf_append(&f, s, (size_t)(p - s));
        }
        for (; p < end; p++) { /* the rest of the record */
            if (*p == '"')
                quoted = !quoted;
            else if (*p == '\n' && !quoted)
                break;
        }
        if (p < end)
            p++;
        if (f.err != HOSHI_OK)
            err = hi_fail(HOSHI_ERR_NOMEM, "out of memory reading ids");
        else if (!header)
            err = push(ids, f.len ? f.data : "", f.len);
        header = false;
    }
    hoshi_buf_free(&f);
    return err;
}

/* ---- the id variable of a .sav file ---- */

typedef struct sav_ctx {
    hoshi_ids *ids;
    int id_index;
    hoshi_err err;
} sav_ctx;

static int sav_var(int index, readstat_variable_t *v, const char *labels, void *ctx)
{
    sav_ctx *c = ctx;
    (void)labels;
    if (c->id_index < 0 && strcmp(readstat_variable_get_name(v), "id") == 0) {
        c->id_index = index;
        return READSTAT_HANDLER_OK;
    }
    return READSTAT_HANDLER_SKIP_VARIABLE;
}

static int sav_value(int obs, readstat_variable_t *v, readstat_value_t value, void *ctx)
{
    sav_ctx *c = ctx;
    char num[40];
    const char *s = num;
    (void)obs;
    if (readstat_variable_get_index(v) != c->id_index)
        return READSTAT_HANDLER_OK;
    if (readstat_value_type_class(value) == READSTAT_TYPE_CLASS_STRING)
        s = readstat_string_value(value) ? readstat_string_value(value) : "";
    else if (readstat_value_is_system_missing(value))
        num[0] = '\0';
    else
        snprintf(num, sizeof num, "%.15g", readstat_double_value(value));
    c->err = push(c->ids, s, strlen(s));
    return c->err == HOSHI_OK ? READSTAT_HANDLER_OK : READSTAT_HANDLER_ABORT;
}

static hoshi_err sav_ids(hoshi_ids *ids, const char *path)
{
    sav_ctx c = {ids, -1, HOSHI_OK};
    readstat_parser_t *p = readstat_parser_init();
    if (p == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading ids");
    readstat_set_variable_handler(p, sav_var);
    readstat_set_value_handler(p, sav_value);
    readstat_error_t e = readstat_parse_sav(p, path, &c);
    readstat_parser_free(p);
    if (c.err != HOSHI_OK)
        return c.err;
    if (e != READSTAT_OK)
        return hi_fail(HOSHI_ERR_INPUT, "%s: not a readable SPSS file (%s)", path,
                       readstat_error_message(e));
    return HOSHI_OK;
}

hoshi_err hoshi_ids_read(const char *data_path, hoshi_encoding enc, hoshi_ids **out)
{
    hi_clear_error();
    *out = NULL;
    if (hi_hsd_sniff(data_path))
        return HOSHI_OK;
    hoshi_ids *ids = hi_calloc(1, sizeof *ids);
    if (ids == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading ids");
    hoshi_err err;
    if (hi_sav_sniff(data_path)) {
        err = sav_ids(ids, data_path);
        if (err == HOSHI_OK && ids->n == 0) { /* no id variable: row numbers */
            hoshi_ids_free(ids);
            return HOSHI_OK;
        }
    } else {
        char *raw = NULL, *text = NULL;
        size_t raw_len = 0, len = 0;
        err = hoshi_file_read(data_path, IDS_MAX_FILE, &raw, &raw_len);
        if (err == HOSHI_OK)
            err = hi_text_to_utf8(data_path, raw, raw_len, enc, &text, &len);
        free(raw);
        if (err == HOSHI_OK)
            err = csv_ids(ids, text, text + len);
        free(text);
    }
    if (err != HOSHI_OK) {
        hoshi_ids_free(ids);
        return err;
    }
    *out = ids;
    return HOSHI_OK;
}

void hoshi_ids_free(hoshi_ids *ids)
{
    if (ids == NULL)
        return;
    for (size_t i = 0; i < ids->n; i++)
        free(ids->v[i]);
    free(ids->v);
    free(ids);
}
