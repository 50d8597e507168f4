/*
 * csv.h — reading a small CSV text record by record, for files people
 * upload (issue 13 part 5: a client's list of suppliers).  The bytes are
 * decoded as the survey data are (UTF-8 with or without a byte-order
 * mark, or CP932 from spreadsheet software in Japanese), then split by the
 * tab engine's RFC 4180 reader: quoted fields with doubled quotes and
 * embedded line breaks, CRLF or LF.  Nothing is kept: the caller gets each
 * record's fields and the line it starts on.
 */
#ifndef HOSHI_CSV_H
#define HOSHI_CSV_H

#include <stddef.h>

#include "hoshi/error.h"
#include "hoshi/survey.h"

/* One record: n fields (valid only during the call) and the physical line
 * (1-based) the record starts on.  A non-OK return ends the reading and is
 * returned by hoshi_csv_each. */
typedef hoshi_err (*hoshi_csv_fn)(void *ctx, size_t line, const char *const *fields, size_t n);

/* Calls fn for every record of raw (len bytes, read in enc; name names the
 * text in error details), in order, the header included.  HOSHI_ERR_INPUT
 * (detail "name:line:field: ...") when the bytes are neither UTF-8 nor
 * CP932, hold a NUL byte, or a record is malformed (a quote not closed,
 * text after a closing quote); HOSHI_ERR_LIMIT when a record has more
 * fields than the reader allows.  Nothing is called for what follows the
 * first problem. */
hoshi_err hoshi_csv_each(const char *name, const char *raw, size_t len, hoshi_encoding enc, hoshi_csv_fn fn,
                         void *ctx);

#endif
