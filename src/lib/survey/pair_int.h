/*
 * pair_int.h — internal to src/lib/survey: the last step every dataset
 * writer (the registry dataset, survey exports) takes, turning its
 * finished codebook.csv + data.csv pair into the asked output encoding.
 */
#ifndef HOSHI_SURVEY_PAIR_INT_H
#define HOSHI_SURVEY_PAIR_INT_H

#include <stddef.h>

#include "hoshi/error.h"
#include "hoshi/survey.h"

/* Converts both malloc'd UTF-8 texts in place to CP932 when enc asks for
 * it (AUTO and UTF8 leave them).  On failure both are freed and set to
 * NULL, and the detail names the file ("data.csv in CP932: …"). */
hoshi_err hi_pair_encode(hoshi_encoding enc, char **codebook, size_t *codebook_len, char **data,
                         size_t *data_len);

#endif
