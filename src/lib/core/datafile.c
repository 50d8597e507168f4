/*
 * datafile.c — parses hoshi's own data files into a flat list of
 * (section, key, value) entries.  The files are small (a few hundred
 * entries), so lookups are linear scans; simplicity beats a hash here.
 */
#include "hoshi/datafile.h"
#include "alloc.h"
#include "internal.h"
#include "hoshi/text.h"

#include <stdlib.h>
#include <string.h>

#define INI_MAX_BYTES ((size_t)4 << 20)

typedef struct entry {
    const char *section;
    const char *key;
    const char *value;
    size_t line;    /* from 1, for messages about a value */
} entry;

struct hoshi_datafile {
    char *text;     /* the file, modified in place: entries point into it */
    char *path;
    entry *entries;
    size_t n;
};

const char *hoshi_datadir_default(void)
{
    const char *env = getenv("HOSHI_DATA_DIR");
    return env != NULL && *env ? env : HOSHI_DATADIR;
}

char *hi_trim_blanks(char *s, char *end)
{
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        end--;
    *end = '\0';
    return s;
}

hoshi_err hoshi_datafile_load(const char *path, hoshi_datafile **out)
{
    char *text = NULL;
    size_t len = 0;
    hoshi_err err = hoshi_file_read(path, INI_MAX_BYTES, &text, &len);
    if (err != HOSHI_OK)
        return err == HOSHI_ERR_IO ? HOSHI_ERR_DATA : err;
    return hoshi_datafile_parse(text, len, path, out);
}

hoshi_err hoshi_datafile_parse(char *text, size_t len, const char *path, hoshi_datafile **out)
{
    hoshi_err err;
    hoshi_datafile *ini = hi_calloc(1, sizeof *ini);
    if (ini == NULL) {
        free(text);
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    }
    ini->text = text;
    ini->path = hi_strdup(path);
    if (ini->path == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        goto fail_free;
    }
    if (strlen(text) != len) {
        err = hi_fail(HOSHI_ERR_DATA, "%s: contains a NUL byte", path);
        goto fail_free;
    }
    size_t bad = hoshi_utf8_invalid_at(ini->text, len);
    if (bad != len) {
        err = hi_fail(HOSHI_ERR_DATA, "%s: invalid UTF-8 at byte %zu", path, bad + 1);
        goto fail_free;
    }
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += ini->text[i] == '\n';
    ini->entries = hi_calloc(lines, sizeof *ini->entries);
    if (ini->entries == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        goto fail_free;
    }
    const char *section = NULL;
    char *p = ini->text, *end = ini->text + len;
    for (size_t lineno = 1; p < end; lineno++) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *eol = nl ? nl : end;
        char *next = nl ? nl + 1 : end;
        char *line = hi_trim_blanks(p, eol);
        if (*line == '\0' || *line == '#') {
            p = next;
            continue;
        }
        if (*line == '[') {
            size_t l = strlen(line);
            if (l < 3 || line[l - 1] != ']') {
                err = hi_fail(HOSHI_ERR_DATA, "%s:%zu: malformed section header", path, lineno);
                goto fail_free;
            }
            line[l - 1] = '\0';
            section = hi_trim_blanks(line + 1, line + l - 1);
            p = next;
            continue;
        }
        char *eq = strchr(line, '=');
        if (eq == NULL || section == NULL) {
            err = hi_fail(HOSHI_ERR_DATA, "%s:%zu: expected 'key = value'%s", path,
                          lineno, section == NULL ? " inside a [section]" : "");
            goto fail_free;
        }
        char *key = hi_trim_blanks(line, eq);
        char *value = hi_trim_blanks(eq + 1, eq + 1 + strlen(eq + 1));
        if (*key == '\0') {
            err = hi_fail(HOSHI_ERR_DATA, "%s:%zu: empty key", path, lineno);
            goto fail_free;
        }
        ini->entries[ini->n++] = (entry){section, key, value, lineno};
        p = next;
    }
    *out = ini;
    return HOSHI_OK;

fail_free:
    hoshi_datafile_free(ini);
    return err;
}

void hoshi_datafile_free(hoshi_datafile *ini)
{
    if (ini == NULL)
        return;
    free(ini->entries);
    free(ini->text);
    free(ini->path);
    free(ini);
}

const char *hoshi_datafile_nth(const hoshi_datafile *ini, const char *section, const char *key, size_t i)
{
    for (size_t k = 0; k < ini->n; k++) {
        const entry *e = &ini->entries[k];
        if (strcmp(e->section, section) == 0 && strcmp(e->key, key) == 0 && i-- == 0)
            return e->value;
    }
    return NULL;
}

const char *hoshi_datafile_get(const hoshi_datafile *ini, const char *section, const char *key)
{
    return hoshi_datafile_nth(ini, section, key, 0);
}

size_t hoshi_datafile_count(const hoshi_datafile *ini, const char *section, const char *key)
{
    size_t c = 0;
    for (size_t k = 0; k < ini->n; k++)
        c += strcmp(ini->entries[k].section, section) == 0 && strcmp(ini->entries[k].key, key) == 0;
    return c;
}

const char *hoshi_datafile_path(const hoshi_datafile *ini)
{
    return ini->path;
}

size_t hoshi_datafile_entries(const hoshi_datafile *ini)
{
    return ini->n;
}

bool hoshi_datafile_entry(const hoshi_datafile *ini, size_t i, hoshi_datafile_item *out)
{
    if (i >= ini->n)
        return false;
    const entry *e = &ini->entries[i];
    *out = (hoshi_datafile_item){e->section, e->key, e->value, e->line};
    return true;
}
