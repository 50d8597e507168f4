/*
 * xlsx_zip.c — the two container layers of an .xlsx workbook: the zip
 * archive (libzip, from memory) and the XML of its parts (expat).  Both
 * are capped against hostile uploads: an entry is read only up to its cap
 * whatever its header claims (zip bombs), the total read is capped, and a
 * DOCTYPE stops the XML parser (no entities, so no entity expansion).
 */
#include "survey/xlsx_int.h"

#include <stdlib.h>
#include <string.h>
#include <zip.h>

struct hi_xlsx_zip {
    zip_t *z;
    size_t total;          /* uncompressed bytes read so far */
};

hoshi_err hi_xlsx_zip_open(const char *data, size_t len, hi_xlsx_zip **out)
{
    if (len > HOSHI_FORM_MAX_XLSX)
        return hi_fail(HOSHI_ERR_LIMIT, "xlsx: the workbook is larger than %zu bytes",
                       HOSHI_FORM_MAX_XLSX);
    hi_xlsx_zip *x = hi_calloc(1, sizeof *x);
    if (x == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    if (src != NULL) {
        x->z = zip_open_from_source(src, ZIP_RDONLY, &ze);
        if (x->z == NULL)
            zip_source_free(src);
    }
    if (x->z == NULL) {
        hoshi_err err = hi_fail(HOSHI_ERR_INPUT, "xlsx: not a readable zip archive (%s)",
                                zip_error_strerror(&ze));
        zip_error_fini(&ze);
        free(x);
        return err;
    }
    zip_error_fini(&ze);
    *out = x;
    return HOSHI_OK;
}

void hi_xlsx_zip_close(hi_xlsx_zip *x)
{
    if (x == NULL)
        return;
    zip_discard(x->z);
    free(x);
}

hoshi_err hi_xlsx_zip_read(hi_xlsx_zip *x, const char *name, bool need, char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    zip_int64_t idx = zip_name_locate(x->z, name, 0);
    if (idx < 0)
        return need ? hi_fail(HOSHI_ERR_INPUT, "xlsx: part %s missing", name) : HOSHI_OK;
    zip_file_t *zf = zip_fopen_index(x->z, (zip_uint64_t)idx, 0);
    if (zf == NULL)
        return hi_fail(HOSHI_ERR_INPUT, "xlsx: %s cannot be read (%s)", name,
                       zip_strerror(x->z));
    size_t cap = HI_XLSX_MAX_PART, n = 0, room = 64 << 10;
    char *buf = hi_malloc(room + 1);
    hoshi_err err = buf != NULL ? HOSHI_OK : hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    while (err == HOSHI_OK) {
        if (n == room) {
            if (room >= cap + 1) {
                err = hi_fail(HOSHI_ERR_LIMIT, "xlsx: %s is larger than %zu bytes", name, cap);
                break;
            }
            room = room * 2 > cap + 1 ? cap + 1 : room * 2;
            char *nb = hi_realloc(buf, room + 1);
            if (nb == NULL) {
                err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
                break;
            }
            buf = nb;
        }
        zip_int64_t got = zip_fread(zf, buf + n, room - n);
        if (got < 0)
            err = hi_fail(HOSHI_ERR_INPUT, "xlsx: %s is damaged (%s)", name,
                          zip_file_strerror(zf));
        else if (got == 0)
            break;
        else
            n += (size_t)got;
    }
    zip_fclose(zf);
    if (err == HOSHI_OK && (x->total += n) > HI_XLSX_MAX_TOTAL)
        err = hi_fail(HOSHI_ERR_LIMIT, "xlsx: more than %zu bytes uncompressed",
                      (size_t)HI_XLSX_MAX_TOTAL);
    if (err != HOSHI_OK) {
        free(buf);
        return err;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return HOSHI_OK;
}

/* ---- XML ---------------------------------------------------------------------- */

const char *hi_xml_local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c != NULL ? c + 1 : name;
}

const char *hi_xml_attr(const char **atts, const char *local)
{
    for (size_t i = 0; atts[i] != NULL; i += 2)
        if (strcmp(hi_xml_local(atts[i]), local) == 0)
            return atts[i + 1];
    return NULL;
}

static void XMLCALL no_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal;
    hi_xml *x = ud;
    x->stop = "a DOCTYPE (not allowed in a workbook)";
    XML_StopParser(x->p, XML_FALSE);
}

void hi_xml_stop(hi_xml *x, const char *why)
{
    if (x->stop == NULL)
        x->stop = why;
    XML_StopParser(x->p, XML_FALSE);
}

hoshi_err hi_xml_parse(hi_xml *x, const char *part, const char *text, size_t len)
{
    x->p = XML_ParserCreate("UTF-8");
    if (x->p == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    XML_SetUserData(x->p, x);
    XML_SetElementHandler(x->p, x->start, x->end);
    if (x->text != NULL)
        XML_SetCharacterDataHandler(x->p, x->text);
    XML_SetStartDoctypeDeclHandler(x->p, no_doctype);
    hoshi_err err = HOSHI_OK;
    if (XML_Parse(x->p, text, (int)len, XML_TRUE) != XML_STATUS_OK) {
        if (x->err != HOSHI_OK)
            err = x->err; /* a handler failed with its own detail */
        else
            err = hi_fail(HOSHI_ERR_INPUT, "xlsx: %s:%lu: %s", part,
                          (unsigned long)XML_GetCurrentLineNumber(x->p),
                          x->stop != NULL ? x->stop : XML_ErrorString(XML_GetErrorCode(x->p)));
    }
    XML_ParserFree(x->p);
    x->p = NULL;
    return err;
}
