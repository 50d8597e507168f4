/*
 * datafile.h — reader for hoshi's data files (data/catalog, data/text,
 * data/templates), capped whole-file reading and all-or-nothing writing.
 *
 * Format: UTF-8 text; `# comment` lines and blank lines are ignored;
 * `[section]` opens a section; `key = value` adds an entry (one physical
 * line per value; a repeated key makes an ordered list).  Anything else is
 * an error reported as file:line.
 */
#ifndef HOSHI_DATAFILE_H
#define HOSHI_DATAFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/error.h"

typedef struct hoshi_datafile hoshi_datafile;

/* The data directory used when none is given: $HOSHI_DATA_DIR if set, else
 * the directory compiled in at build time.  Static or environment storage. */
const char *hoshi_datadir_default(void);

/* Loads and parses `path`.  On success *out is owned by the caller, who
 * frees it with hoshi_datafile_free(). */
hoshi_err hoshi_datafile_load(const char *path, hoshi_datafile **out);
/* Parses `text` (len bytes, taken over by the ini on success or failure:
 * it must be malloc'd and NUL-terminated); `name` is used in messages. */
hoshi_err hoshi_datafile_parse(char *text, size_t len, const char *name, hoshi_datafile **out);
void hoshi_datafile_free(hoshi_datafile *ini);

/* The first value of key in section, or NULL.  Borrowed from ini. */
const char *hoshi_datafile_get(const hoshi_datafile *ini, const char *section, const char *key);
/* How many values key has in section. */
size_t hoshi_datafile_count(const hoshi_datafile *ini, const char *section, const char *key);
/* The i-th value (0-based) of key in section, or NULL. */
const char *hoshi_datafile_nth(const hoshi_datafile *ini, const char *section, const char *key, size_t i);
/* One `key = value` line of a file: section, key and value borrowed from
 * the ini, and the line it is on (from 1), for messages about the value. */
typedef struct hoshi_datafile_item {
    const char *section, *key, *value;
    size_t line;
} hoshi_datafile_item;
/* How many `key = value` lines the file has. */
size_t hoshi_datafile_entries(const hoshi_datafile *ini);
/* The i-th of them (0-based, in file order) into *out; false past the end.
 * Readers that check every key of a file (no unknown key, each value's
 * line in a message) walk the file with it. */
bool hoshi_datafile_entry(const hoshi_datafile *ini, size_t i, hoshi_datafile_item *out);
/* The file the ini was loaded from (for messages). */
const char *hoshi_datafile_path(const hoshi_datafile *ini);

/* Reads all of `path` (at most `max` bytes, else HOSHI_ERR_LIMIT) into a
 * NUL-terminated malloc'd buffer; caller frees *out with free(). */
hoshi_err hoshi_file_read(const char *path, size_t max, char **out, size_t *len);

/* Writes len bytes of data to path, all or nothing: into a new temporary
 * file beside it (mode 0666 less the process umask, which is not changed),
 * renamed over path when complete.  On failure path is untouched and no
 * temporary file is left.  HOSHI_ERR_IO names the path and the reason. */
hoshi_err hoshi_file_write(const char *path, const void *data, size_t len);

#endif
