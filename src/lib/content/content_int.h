/*
 * content_int.h — what the operator's content folders (case studies,
 * support services) share inside src/lib/content/: a folder of entry
 * files DIR/<id>.ini read in the order of their names, each checked
 * against a schema of its sections and keys so that a typo is an error
 * naming the file and line, never a text that silently goes missing.
 */
#ifndef HOSHI_CONTENT_INT_H
#define HOSHI_CONTENT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/catalog.h"
#include "hoshi/datafile.h"
#include "hoshi/error.h"

#define HI_CONTENT_ID_MAX 40        /* bytes of an entry's id (its file name less ".ini") */
#define HI_CONTENT_FILES_MAX 500    /* entries of one folder */
#define HI_CONTENT_VALUE_MAX 4000   /* bytes of one value */

/* A key a section may have: list keys may repeat (paragraphs, lists). */
typedef struct hi_content_key {
    const char *key;
    bool list;
} hi_content_key;

/* What an entry file must hold: [facts] with facts[] (each once), and
 * [ja] and [en] with texts[] (each at least once). */
typedef struct hi_content_schema {
    const char *facts;              /* the section of the language-free facts */
    const hi_content_key *fact_keys;
    size_t n_facts;
    const hi_content_key *text_keys;
    size_t n_texts;
} hi_content_schema;

typedef struct hi_content_file {
    char id[HI_CONTENT_ID_MAX + 1];
    hoshi_datafile *ini;
} hi_content_file;

/* Reads every DIR/<id>.ini (ids of a-z, 0-9 and '-', sorted) and checks
 * each against sc.  *files (the caller frees it with hi_content_free)
 * may be empty; a missing folder is HOSHI_ERR_DATA. */
hoshi_err hi_content_read(const char *dir, const hi_content_schema *sc, hi_content_file **files, size_t *n);
void hi_content_free(hi_content_file *files, size_t n);
/* hi_content_read, then an array of n records of elem_size bytes (zeroed)
 * each filled by facts(file, record) from its file, which checks the
 * facts and fails with their file and line.  On failure nothing is kept. */
hoshi_err hi_content_load(const char *dir, const hi_content_schema *sc, size_t elem_size,
                          hoshi_err (*facts)(const hi_content_file *f, void *elem), hi_content_file **files,
                          void **elems, size_t *n);
/* The line of key's first value in section of ini (0 when absent). */
size_t hi_content_line(const hoshi_datafile *ini, const char *section, const char *key);
/* The section of the texts in lang: "ja" or "en". */
const char *hi_content_lang(hoshi_lang lang);
/* Splits a value of words separated by blanks or commas: the next word of
 * *s into word[size] ("" when it does not fit); false at the end. */
bool hi_content_word(const char **s, char *word, size_t size);

#endif
