/*
 * survey_export.h — a survey's submitted responses as the codebook.csv +
 * data.csv pair of SPEC-survey-data.md, so `hoshi tab` reads an export
 * unchanged (SPEC-survey-collection.md "export").  The one writer behind
 * `hoshi survey export`, the operator's downloads and the operator's
 * in-browser tables.
 *
 * codebook.csv: the form's codebook (hoshi_form_codebook) then the
 * attribute questions DLEVEL, DSIZE, DINDUSTRY, DPREF (SA) and DSCORE
 * (NUM) of hoshi/attrs.h.  data.csv: `id` (the respondent number, which
 * nothing links to the organisation), the form's columns
 * (hoshi_form_data_header / hoshi_answers_data_row), then the attribute
 * cells.  LF line ends, no BOM in UTF-8.
 *
 * Streaming: the writer knows nothing of the store.  new() → add() once
 * per response, as hoshi_store_survey_responses() hands them over →
 * finish().  A stored answers text that no longer decodes against the
 * form is an error naming the respondent (HOSHI_ERR_INPUT), never a row
 * silently skipped.
 *
 * "Shown" columns (HOSHI_EXPORT_SHOWN, for table bases): a table's base
 * is the respondents its head question was shown to (SPEC "Tables in the
 * browser").  With the flag, the writer adds after the attributes one SA
 * column `R__NAME` per codebook question NAME (a GRID by its own name):
 * 1 shown, 2 not shown — hoshi_form_relevant() on the decoded answers.
 * So the table of head NAME over the respondents it was shown to is the
 * table with `--where R__NAME=1` (hoshi_tab_where {"R__NAME", IS, {1}}),
 * which equals `hoshi tab --where` with the routing condition on the
 * plain export.  No question name holds `_` and MA columns are NAME_<code>
 * with a number, so `R__…` never clashes with the form's columns.  The
 * flag is for in-memory datasets and `hoshi survey export --shown`; downloads
 * leave it out.  Labels come from data/text/<lang>/attrs.ini [shown].
 */
#ifndef HOSHI_SURVEY_EXPORT_H
#define HOSHI_SURVEY_EXPORT_H

#include <stddef.h>

#include "hoshi/attrs.h"
#include "hoshi/catalog.h"
#include "hoshi/error.h"
#include "hoshi/form.h"
#include "hoshi/survey.h"

/* Add the R__NAME "was NAME shown" columns (see above). */
#define HOSHI_EXPORT_SHOWN 1u
/* The prefix of those columns. */
#define HOSHI_EXPORT_SHOWN_PREFIX "R__"

typedef struct hoshi_survey_export hoshi_survey_export;

/* Starts an export of responses to form f, labelled in lang (the form's
 * texts and attrs, which must be open in the same language).  f and attrs
 * are borrowed and must outlive the writer.  flags: 0 or
 * HOSHI_EXPORT_SHOWN.  Free with hoshi_survey_export_free(). */
hoshi_err hoshi_survey_export_new(const hoshi_form *f, const hoshi_attrs *attrs, hoshi_lang lang,
                                  unsigned flags, hoshi_survey_export **out);
/* Adds one submitted response: its respondent number (> 0), its stored
 * answers text (hoshi_answers_encode's; len bytes, need not be
 * NUL-terminated) and the organisation's attributes at submission.
 * HOSHI_ERR_INPUT "respondent N: …" when the text does not decode against
 * the form or N is not positive; the row is then not added.  NOMEM. */
hoshi_err hoshi_survey_export_add(hoshi_survey_export *w, long long respondent, const char *answers,
                                  size_t len, const hoshi_org_attrs *o);
/* Number of rows added. */
size_t hoshi_survey_export_rows(const hoshi_survey_export *w);
/* Makes both files in enc (HOSHI_ENC_AUTO and UTF8: UTF-8; CP932 through
 * the tab engine's encoder — a character CP932 lacks is HOSHI_ERR_INPUT).
 * *codebook and *data are malloc'd, the caller frees both; on failure
 * both are NULL.  The writer may be used no further than
 * hoshi_survey_export_free(). */
hoshi_err hoshi_survey_export_finish(hoshi_survey_export *w, hoshi_encoding enc, char **codebook,
                                     size_t *codebook_len, char **data, size_t *data_len);
void hoshi_survey_export_free(hoshi_survey_export *w);

#endif
