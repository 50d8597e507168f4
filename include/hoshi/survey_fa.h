/*
 * survey_fa.h — the free answers (自由回答, FA questions) of a survey:
 * listing them beside chosen attributes of each respondent, and coding
 * them into categories from a coding file (アフターコーディング), which
 * adds an MA question to the dataset that every table path then treats
 * like any other.  The coding file format is described in docs/tab.md
 * ("Free answers").  Handles are opaque; errors carry a detail naming the
 * file and line.
 */
#ifndef HOSHI_SURVEY_FA_H
#define HOSHI_SURVEY_FA_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/error.h"
#include "hoshi/survey.h"

#define HOSHI_FA_MAX_ANSWERS 100000  /* answers a listing holds at most */
#define HOSHI_FA_SHOW_BYTES 200      /* bytes of an answer the human formats show by default */

typedef struct hoshi_falist hoshi_falist;

/* What to list.  Every pointer is borrowed for the call; texts are UTF-8. */
typedef struct hoshi_fa_spec {
    const char *var;                /* the FA question */
    const char *const *attrs;       /* shown beside each answer: any variable hoshi_tab_run
                                       accepts, or another FA question */
    size_t n_attrs;
    const hoshi_tab_where *wheres;  /* all must hold, as in hoshi_tab_spec */
    size_t n_wheres;
    const char *contains;           /* only answers holding this text, both folded by
                                       hoshi_fa_fold(); NULL or "" for all */
    const char *sort;               /* NULL or "id": by id (numerically when both are
                                       whole numbers); else one of attrs: by its value
                                       (codebook order, numbers ascending, blanks last),
                                       ties by id */
    size_t max_answers;             /* at most this many (0: HOSHI_FA_MAX_ANSWERS) */
} hoshi_fa_spec;

/* Lists the non-empty answers of spec->var of the respondents every
 * where holds for.  Caller frees *out with hoshi_falist_free(). */
hoshi_err hoshi_fa_list(const hoshi_dataset *ds, const hoshi_fa_spec *spec, hoshi_falist **out);
/* Answers listed; answers that matched (more when the cap cut the list). */
size_t hoshi_falist_count(const hoshi_falist *l);
size_t hoshi_falist_matched(const hoshi_falist *l);
void hoshi_falist_free(hoshi_falist *l);

typedef struct hoshi_fa_render_opts {
    bool bom;                       /* csv/tsv: start with a UTF-8 byte-order mark */
    bool cp932;                     /* csv/tsv: encode as CP932 */
    size_t show_bytes;              /* md/html/xlsx: bytes of an answer shown, cut at a
                                       character with "…" (0: HOSHI_FA_SHOW_BYTES);
                                       csv, tsv and json carry the full text */
    hoshi_lang lang;                /* md/html/json/xlsx: language, when texts is NULL */
    const hoshi_tab_texts *texts;   /* the texts to use (borrowed), or NULL */
} hoshi_fa_render_opts;

/* Renders the listing as csv, tsv, md, html or json (svg and xlsx are
 * refused: xlsx goes to hoshi_falist_write_xlsx()).  *out is malloc'd,
 * caller frees it with free(). */
hoshi_err hoshi_falist_render(const hoshi_falist *l, hoshi_tab_format fmt,
                              const hoshi_fa_render_opts *opts, char **out, size_t *len);
/* Writes the listing as a one-sheet workbook to path, all or nothing. */
hoshi_err hoshi_falist_write_xlsx(const hoshi_falist *l, const hoshi_fa_render_opts *opts,
                                  const char *path);

/* Folds text for matching: NFKC with case folding (full-width letters and
 * digits become ASCII, half-width katakana full-width, upper case lower)
 * and katakana as hiragana.  *out is malloc'd (caller frees). */
hoshi_err hoshi_fa_fold(const char *text, char **out);

/* Codes the FA question var with the coding file at path (format in
 * docs/tab.md): adds an MA question (named in the file, else var + "C")
 * with one code per category, an "uncoded" category for answers no rule
 * matched; blank answers stay blank (無回答).  The dataset then tabulates
 * it as any MA question, and hoshi_dataset_save() keeps it.  On failure
 * the dataset is unchanged; HOSHI_ERR_INPUT names path:line. */
hoshi_err hoshi_fa_code_file(hoshi_dataset *ds, const char *var, const char *path);
/* The same from memory; name is used in messages. */
hoshi_err hoshi_fa_code(hoshi_dataset *ds, const char *var, const char *name, const char *text,
                        size_t len);

#endif
