/*
 * ini.h — reader for hoshi's data files (data/catalog, data/text, data/templates).
 *
 * Format: UTF-8 text; `# comment` lines and blank lines are ignored;
 * `[section]` opens a section; `key = value` adds an entry (one physical
 * line per value; a repeated key makes an ordered list).  Anything else is
 * an error reported as file:line.
 */
#ifndef HOSHI_INI_H
#define HOSHI_INI_H

#include <stddef.h>

#include "internal.h"

typedef struct hi_ini hi_ini;

/* Loads and parses `path`.  On success *out is owned by the caller, who
 * frees it with hi_ini_free(). */
hoshi_err hi_ini_load(const char *path, hi_ini **out);
/* Parses `text` (len bytes, taken over by the ini on success or failure:
 * it must be malloc'd and NUL-terminated); `name` is used in messages. */
hoshi_err hi_ini_parse(char *text, size_t len, const char *name, hi_ini **out);
void hi_ini_free(hi_ini *ini);

/* The first value of key in section, or NULL.  Borrowed from ini. */
const char *hi_ini_get(const hi_ini *ini, const char *section, const char *key);
/* How many values key has in section. */
size_t hi_ini_count(const hi_ini *ini, const char *section, const char *key);
/* The i-th value (0-based) of key in section, or NULL. */
const char *hi_ini_nth(const hi_ini *ini, const char *section, const char *key, size_t i);
/* The file the ini was loaded from (for messages). */
const char *hi_ini_path(const hi_ini *ini);

#endif
