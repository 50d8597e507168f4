/*
 * registry_data.h — the registry as a survey dataset: one respondent per
 * organisation that has declared, as a codebook.csv and a data.csv in the
 * format of hoshi tab, so the operator tabulates the platform's own data
 * (declarations by level, prefecture, industry, size and month, the
 * step-up ★ → ★★, score bands, per-item implementation) with the same
 * engine as any survey.
 *
 * Questions, in this order: DLEVEL DSIZE DINDUSTRY DPREF DSCORE (the
 * attributes of hoshi/attrs.h, of the latest declaration and diagnosis),
 * DSTATUS (SA: 1 in force, 2 withdrawn — withdrawn declarations stay
 * in the data so the funnel counts every organisation that declared),
 * DMONTH (SA: the month of the latest declaration, coded YYMM counted
 * from 2000 — 2601 is January 2026 — as codebook codes stop at 99999;
 * only months present are in the codebook, in order), DSTEP (SA: 1 the
 * latest declaration is ★★ and a ★ one came before it, 2 otherwise)
 * and DIAG (the latest self-diagnosis, DIAG_1..DIAG_25, empty if none).
 * The id column counts rows from 1; nothing identifies an organisation.
 *
 * The writer knows nothing of where rows come from (the caller reads
 * them, e.g. with hoshi_store_registry_rows()): rows are added one at a
 * time, the files are made at the end.
 */
#ifndef HOSHI_REGISTRY_DATA_H
#define HOSHI_REGISTRY_DATA_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/attrs.h"
#include "hoshi/catalog.h"
#include "hoshi/diag.h"
#include "hoshi/error.h"
#include "hoshi/survey.h"

/* One organisation that has declared. */
typedef struct hoshi_registry_row {
    hoshi_org_attrs attrs;                 /* level: of the latest declaration (1 or 2) */
    int status;                            /* 1 in force, 2 withdrawn */
    int month;                             /* YYYYMM of the latest declaration, year 2000-2999 */
    bool stepped_up;                       /* latest is ★★ after a ★ declaration */
    char answers[HOSHI_DIAG_ITEMS + 1];    /* latest diagnosis, '1'..'4' per item; "" none */
} hoshi_registry_row;

typedef struct hoshi_registry_data hoshi_registry_data;

/* Starts a dataset whose labels come from attrs (attribute questions,
 * month labels) and c (the DIAG question's answer labels); both are
 * borrowed and must outlive the writer.  Free with hoshi_registry_data_free(). */
hoshi_err hoshi_registry_data_new(const hoshi_attrs *attrs, const hoshi_catalog *c,
                                  hoshi_registry_data **out);
/* Adds one row (copied).  HOSHI_ERR_INPUT, naming the row and field,
 * when a field is out of range (level, status, month, answers); the row
 * is then not added. */
hoshi_err hoshi_registry_data_add(hoshi_registry_data *w, const hoshi_registry_row *row);
/* Number of rows added. */
size_t hoshi_registry_data_rows(const hoshi_registry_data *w);
/* Makes both files in enc (HOSHI_ENC_AUTO and UTF8: UTF-8 without BOM;
 * CP932).  *codebook and *data are malloc'd (caller frees both with
 * free()); on failure both are NULL.  The writer may be used no further
 * than hoshi_registry_data_free(). */
hoshi_err hoshi_registry_data_finish(hoshi_registry_data *w, hoshi_encoding enc, char **codebook,
                                     size_t *codebook_len, char **data, size_t *data_len);
void hoshi_registry_data_free(hoshi_registry_data *w);

#endif
