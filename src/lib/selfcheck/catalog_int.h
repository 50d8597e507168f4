/*
 * catalog_int.h — what the catalogue hands to the library's own renderers
 * beyond the public API: the policy template and the HTML page shells,
 * loaded once with the catalogue.  Borrowed from the catalogue.
 */
#ifndef HOSHI_CATALOG_INT_H
#define HOSHI_CATALOG_INT_H

#include "hoshi/catalog.h"
#include "hoshi/datafile.h"

typedef enum hi_page { HI_PAGE_REPORT, HI_PAGE_POLICY, HI_PAGE_COUNT } hi_page;

/* data/templates/policy.<lang>.ini of the catalogue's language. */
const hoshi_datafile *hi_catalog_policy_template(const hoshi_catalog *c);
/* data/templates/report.html or policy.html, with {lang}, {title}, {body}. */
const char *hi_catalog_page(const hoshi_catalog *c, hi_page which);

#endif
