/*
 * pair_int.h — internal to src/lib/survey: the last step every dataset
 * writer (the registry dataset, survey exports) takes, turning its
 * finished codebook.csv + data.csv pair into the asked output encoding.
 */
#ifndef HOSHI_SURVEY_PAIR_INT_H
#define HOSHI_SURVEY_PAIR_INT_H

#include <stddef.h>

#include "hoshi/buf.h"
#include "hoshi/error.h"
#include "hoshi/survey.h"

/* Hands the finished buffers cb and data (both released, whatever
 * happens) to the caller as *codebook and *out (malloc'd), converted to
 * CP932 when enc asks for it (AUTO and UTF8 leave UTF-8).  On failure
 * both are NULL, and a conversion's detail names the file ("data.csv in
 * CP932: …"). */
hoshi_err hi_pair_finish(hoshi_buf *cb, hoshi_buf *data, hoshi_encoding enc, char **codebook,
                         size_t *codebook_len, char **out, size_t *out_len);

#endif
