/*
 * content_read.c — reads a folder of the operator's entry files (case
 * studies, support services) and checks every line of each against its
 * schema, so that bad data stops the server at start with the file and
 * line rather than showing a page with a hole in it.
 */
#include "content_int.h"
#include "internal.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_MAX_BYTES 1024

const char *hi_content_lang(hoshi_lang lang)
{
    return lang == HOSHI_LANG_EN ? "en" : "ja";
}

/* The id of a file name "<id>.ini", or false when it is not one. */
static bool id_of(const char *name, char id[HI_CONTENT_ID_MAX + 1])
{
    size_t n = strlen(name);
    if (n <= 4 || strcmp(name + n - 4, ".ini") != 0 || n - 4 > HI_CONTENT_ID_MAX)
        return false;
    for (size_t i = 0; i < n - 4; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    memcpy(id, name, n - 4);
    id[n - 4] = '\0';
    return true;
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const hi_content_file *)a)->id, ((const hi_content_file *)b)->id);
}

static const hi_content_key *find_key(const hi_content_key *keys, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(keys[i].key, key) == 0)
            return &keys[i];
    return NULL;
}

size_t hi_content_line(const hoshi_datafile *ini, const char *section, const char *key)
{
    hoshi_datafile_item it;
    for (size_t i = 0; hoshi_datafile_entry(ini, i, &it); i++)
        if (strcmp(it.section, section) == 0 && strcmp(it.key, key) == 0)
            return it.line;
    return 0;
}

/* Every line of ini belongs to the schema: a known section and key, a
 * value neither empty nor too long, a single key given once. */
static hoshi_err check_lines(const hoshi_datafile *ini, const hi_content_schema *sc)
{
    const char *path = hoshi_datafile_path(ini);
    hoshi_datafile_item it;
    for (size_t i = 0; hoshi_datafile_entry(ini, i, &it); i++) {
        bool facts = strcmp(it.section, sc->facts) == 0;
        bool text = strcmp(it.section, "ja") == 0 || strcmp(it.section, "en") == 0;
        if (!facts && !text)
            return hi_fail(HOSHI_ERR_DATA, "%s:%zu: unknown section [%s]: expected [%s], [ja] or [en]", path,
                           it.line, it.section, sc->facts);
        const hi_content_key *k = facts ? find_key(sc->fact_keys, sc->n_facts, it.key)
                                        : find_key(sc->text_keys, sc->n_texts, it.key);
        if (k == NULL)
            return hi_fail(HOSHI_ERR_DATA, "%s:%zu: unknown key '%s' in [%s]", path, it.line, it.key, it.section);
        if (it.value[0] == '\0')
            return hi_fail(HOSHI_ERR_DATA, "%s:%zu: %s is empty", path, it.line, it.key);
        if (strlen(it.value) > HI_CONTENT_VALUE_MAX)
            return hi_fail(HOSHI_ERR_DATA, "%s:%zu: %s is longer than %d bytes", path, it.line, it.key,
                           HI_CONTENT_VALUE_MAX);
        if (!k->list && hi_content_line(ini, it.section, it.key) != it.line)
            return hi_fail(HOSHI_ERR_DATA, "%s:%zu: %s is given twice in [%s] (first on line %zu)", path, it.line,
                           it.key, it.section, hi_content_line(ini, it.section, it.key));
    }
    return HOSHI_OK;
}

/* Every key the schema asks for is there, in both languages. */
static hoshi_err check_complete(const hoshi_datafile *ini, const hi_content_schema *sc)
{
    const char *path = hoshi_datafile_path(ini);
    for (size_t i = 0; i < sc->n_facts; i++)
        if (hoshi_datafile_get(ini, sc->facts, sc->fact_keys[i].key) == NULL)
            return hi_fail(HOSHI_ERR_DATA, "%s: [%s] has no `%s =` line", path, sc->facts, sc->fact_keys[i].key);
    static const char *const langs[] = {"ja", "en"};
    for (size_t l = 0; l < 2; l++)
        for (size_t i = 0; i < sc->n_texts; i++)
            if (hoshi_datafile_get(ini, langs[l], sc->text_keys[i].key) == NULL)
                return hi_fail(HOSHI_ERR_DATA, "%s: [%s] has no `%s =` line", path, langs[l],
                               sc->text_keys[i].key);
    return HOSHI_OK;
}

/* The ids of dir's entry files, sorted; a file ending in .ini with a name
 * that cannot be an id is an error (the operator meant it as an entry). */
static hoshi_err list_dir(const char *dir, hi_content_file **files, size_t *n)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return hi_fail(HOSHI_ERR_DATA, "cannot open the folder %s", dir);
    hoshi_err err = HOSHI_OK;
    hi_content_file *fs = NULL;
    size_t count = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (de->d_name[0] == '.' || len < 4 || strcmp(de->d_name + len - 4, ".ini") != 0)
            continue;
        if (count == HI_CONTENT_FILES_MAX) {
            err = hi_fail(HOSHI_ERR_LIMIT, "%s: more than %d .ini files", dir, HI_CONTENT_FILES_MAX);
            goto fail_free;
        }
        hi_content_file *more = hi_realloc(fs, (count + 1) * sizeof *fs);
        if (more == NULL) {
            err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
            goto fail_free;
        }
        fs = more;
        fs[count].ini = NULL;
        if (!id_of(de->d_name, fs[count].id)) {
            err = hi_fail(HOSHI_ERR_DATA, "%s/%s: a file name must be 1-%d characters of a-z, 0-9 and '-', then .ini",
                          dir, de->d_name, HI_CONTENT_ID_MAX);
            goto fail_free;
        }
        count++;
    }
    closedir(d);
    if (count > 1)
        qsort(fs, count, sizeof *fs, by_id);
    *files = fs;
    *n = count;
    return HOSHI_OK;

fail_free:
    closedir(d);
    free(fs);
    return err;
}

hoshi_err hi_content_read(const char *dir, const hi_content_schema *sc, hi_content_file **files, size_t *n)
{
    hi_content_file *fs = NULL;
    size_t count = 0;
    *files = NULL;
    *n = 0;
    hoshi_err err = list_dir(dir, &fs, &count);
    if (err != HOSHI_OK)
        return err;
    for (size_t i = 0; i < count; i++) {
        char path[PATH_MAX_BYTES];
        if ((size_t)snprintf(path, sizeof path, "%s/%s.ini", dir, fs[i].id) >= sizeof path) {
            err = hi_fail(HOSHI_ERR_LIMIT, "%s: the folder's path is too long", dir);
            goto fail_free;
        }
        if ((err = hoshi_datafile_load(path, &fs[i].ini)) != HOSHI_OK ||
            (err = check_lines(fs[i].ini, sc)) != HOSHI_OK || (err = check_complete(fs[i].ini, sc)) != HOSHI_OK)
            goto fail_free;
    }
    *files = fs;
    *n = count;
    return HOSHI_OK;

fail_free:
    hi_content_free(fs, count);
    return err;
}

hoshi_err hi_content_load(const char *dir, const hi_content_schema *sc, size_t elem_size,
                          hoshi_err (*facts)(const hi_content_file *f, void *elem), hi_content_file **files,
                          void **elems, size_t *n)
{
    hi_content_file *fs = NULL;
    unsigned char *es = NULL;
    size_t count = 0;
    *files = NULL;
    *elems = NULL;
    *n = 0;
    hoshi_err err = hi_content_read(dir, sc, &fs, &count);
    if (err != HOSHI_OK)
        return err;
    if (count > 0 && (es = hi_calloc(count, elem_size)) == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        goto fail_free;
    }
    for (size_t i = 0; i < count; i++)
        if ((err = facts(&fs[i], es + i * elem_size)) != HOSHI_OK)
            goto fail_free;
    *files = fs;
    *elems = es;
    *n = count;
    return HOSHI_OK;

fail_free:
    free(es);
    hi_content_free(fs, count);
    return err;
}

void hi_content_free(hi_content_file *files, size_t n)
{
    for (size_t i = 0; files != NULL && i < n; i++)
        hoshi_datafile_free(files[i].ini);
    free(files);
}

bool hi_content_word(const char **s, char *word, size_t size)
{
    const char *p = *s;
    while (*p == ' ' || *p == '\t' || *p == ',')
        p++;
    size_t n = 0;
    while (p[n] != '\0' && p[n] != ' ' && p[n] != '\t' && p[n] != ',')
        n++;
    if (n == 0)
        return false;
    /* A word too long for any valid value is "", which no check accepts. */
    size_t keep = n < size ? n : 0;
    memcpy(word, p, keep);
    word[keep] = '\0';
    *s = p + n;
    return true;
}
