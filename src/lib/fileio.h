/*
 * fileio.h — whole-file reading and all-or-nothing writing.
 */
#ifndef HOSHI_FILEIO_H
#define HOSHI_FILEIO_H

#include <stddef.h>

#include "internal.h"

/* Reads all of `path` (at most `max` bytes, else HOSHI_ERR_LIMIT) into a
 * NUL-terminated malloc'd buffer; caller frees *out with free(). */
hoshi_err hi_file_read(const char *path, size_t max, char **out, size_t *len);

#endif
