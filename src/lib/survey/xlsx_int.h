/*
 * xlsx_int.h — the layers under the .xlsx reader (xlsx_read.c): the zip
 * archive and XML parsing with their caps (xlsx_zip.c).
 */
#ifndef HOSHI_SURVEY_XLSX_INT_H
#define HOSHI_SURVEY_XLSX_INT_H

#include <expat.h>

#include "survey/form_int.h"

#define HI_XLSX_MAX_PART ((size_t)16 << 20)   /* uncompressed bytes of one part */
#define HI_XLSX_MAX_TOTAL ((size_t)48 << 20)  /* uncompressed bytes of all parts read */
#define HI_XLSX_MAX_STRINGS 200000            /* shared strings */
#define HI_XLSX_MAX_CELLS 300000              /* cells of one sheet */

typedef struct hi_xlsx_zip hi_xlsx_zip;
hoshi_err hi_xlsx_zip_open(const char *data, size_t len, hi_xlsx_zip **out);
void hi_xlsx_zip_close(hi_xlsx_zip *x);
/* Part name, read whole (NUL-terminated, caller frees); a missing part is
 * an error when need, else *out = NULL. */
hoshi_err hi_xlsx_zip_read(hi_xlsx_zip *x, const char *name, bool need, char **out, size_t *len);

/* One XML parse: handlers get the hi_xml as their user data. */
typedef struct hi_xml {
    XML_Parser p;
    XML_StartElementHandler start;
    XML_EndElementHandler end;
    XML_CharacterDataHandler text;
    const char *stop;      /* why a handler stopped the parser (static text) */
    hoshi_err err;         /* or the error a handler set with its detail */
    void *ctx;
} hi_xml;
hoshi_err hi_xml_parse(hi_xml *x, const char *part, const char *text, size_t len);
void hi_xml_stop(hi_xml *x, const char *why);
/* An element or attribute name without its namespace prefix. */
const char *hi_xml_local(const char *name);
/* The value of the attribute with local name `local`, or NULL. */
const char *hi_xml_attr(const char **atts, const char *local);

#endif
