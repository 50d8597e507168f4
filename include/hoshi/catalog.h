/*
 * catalog.h — the self-diagnosis catalogue and user-facing texts, in
 * Japanese or English, loaded from hoshi's data directory.
 *
 * A hoshi_catalog is an opaque, read-only handle: after hoshi_catalog_open()
 * it may be shared by any number of threads.  Every string and struct it
 * hands out is borrowed and lives until hoshi_catalog_free().
 */
#ifndef HOSHI_CATALOG_H
#define HOSHI_CATALOG_H

#include <stddef.h>

#include "hoshi/datafile.h"
#include "hoshi/error.h"
#include "hoshi/text.h"

typedef enum hoshi_lang { HOSHI_LANG_JA = 0, HOSHI_LANG_EN = 1 } hoshi_lang;

typedef struct hoshi_catalog hoshi_catalog;

/* One of the 25 self-diagnosis items. */
typedef struct hoshi_item_info {
    int number;              /* 1..25 */
    int part;                /* 1..3 */
    int principle;           /* the ★ principle it is: 1..5 for items 1–5, 0 for 6–25 */
    int priority;            /* 1 high .. 3 lower: impact class for the action plan */
    const char *title;
    const char *question;
    const char *why;         /* why it matters */
    const char *const *steps;/* how to do it, cheapest first */
    size_t n_steps;
} hoshi_item_info;

/* One of the five principles of the one-star level. */
typedef struct hoshi_principle_info {
    int number;              /* 1..5 */
    const char *title;
    const char *summary;     /* the commitment in one line */
    const char *explain;
    const char *const *todo;
    size_t n_todo;
} hoshi_principle_info;

/* Parses "ja" or "en". */
hoshi_err hoshi_lang_parse(const char *s, hoshi_lang *out);
/* "ja" or "en". */
const char *hoshi_lang_code(hoshi_lang lang);

/* hoshi_datadir_default() is declared in hoshi/datafile.h. */

/* Loads the catalogue for `lang` from `datadir` (NULL: the default).  On
 * success the caller owns *out and frees it with hoshi_catalog_free().
 * HOSHI_ERR_DATA (detail names the file and line) when a file is missing or
 * incomplete. */
hoshi_err hoshi_catalog_open(const char *datadir, hoshi_lang lang, hoshi_catalog **out);
void hoshi_catalog_free(hoshi_catalog *c);

hoshi_lang hoshi_catalog_lang(const hoshi_catalog *c);
const char *hoshi_catalog_datadir(const hoshi_catalog *c);

/* Item 1..25 or principle 1..5; NULL when out of range. */
const hoshi_item_info *hoshi_catalog_item(const hoshi_catalog *c, int number);
const hoshi_principle_info *hoshi_catalog_principle(const hoshi_catalog *c, int number);

/* Title and one-line summary of part 1..3. */
const char *hoshi_catalog_part_title(const hoshi_catalog *c, int part);
const char *hoshi_catalog_part_summary(const hoshi_catalog *c, int part);
/* Label ("70~99点"), meaning and next step of band 1..4. */
const char *hoshi_catalog_band_label(const hoshi_catalog *c, int band);
const char *hoshi_catalog_band_message(const hoshi_catalog *c, int band);
const char *hoshi_catalog_band_next(const hoshi_catalog *c, int band);
/* Label and hint of answer code 1..4. */
const char *hoshi_catalog_answer_label(const hoshi_catalog *c, int code);
const char *hoshi_catalog_answer_hint(const hoshi_catalog *c, int code);

/* A user-interface string, e.g. ("report", "title").  Returns a visible
 * "[missing text]" marker, never NULL, when the text is missing so the gap
 * shows up in use and in tests rather than as an empty space. */
const char *hoshi_catalog_text(const hoshi_catalog *c, const char *section, const char *key);

#endif
