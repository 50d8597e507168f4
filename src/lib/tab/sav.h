/*
 * sav.h — what the SPSS .sav writer (sav_write.c) and reader (sav_read.c)
 * agree on beyond the format itself, which ReadStat handles.
 *
 * A .sav file has no place for a question made of several variables, so
 * hoshi writes one line per MA, GRID and DIAG question into the file's
 * document record (ReadStat "notes", 80 bytes a line):
 *
 *   hoshi:QID TYPE TITLE        the question, its type and its title
 *   hoshi=NAME LABEL            the whole of a variable label SPSS cuts
 *   hoshi=QID:CODE LABEL        the whole of a value label SPSS cuts
 *   hoshi+MORE                  the record goes on (no line ends in a space)
 *
 * SPSS keeps 255 bytes of a variable label and 120 of a value label (85
 * and 40 Japanese characters); the reader takes the whole label from the
 * document while the file's label is still its cut start, so a label
 * edited in SPSS wins.
 * Its variables are QID_<code> (MA, 0/1) or QID_<item> (GRID, DIAG, coded
 * with the scale's value labels), labelled with the code or item label.
 * SA, NUM and FA questions are single variables labelled with their title;
 * a reader rebuilds them from their types and value labels alone, so an
 * SPSS or R file needs no document at all.
 */
#ifndef HOSHI_TAB_SAV_H
#define HOSHI_TAB_SAV_H

#include "tab/tab_int.h"

#define HI_SAV_NOTE_HEAD "hoshi:"
#define HI_SAV_NOTE_MORE "hoshi+"
#define HI_SAV_NOTE_LABEL "hoshi="
#define HI_SAV_NOTE_LEN 80      /* bytes in a document line */
#define HI_SAV_MAX_VAR_LABEL 255 /* bytes SPSS keeps of a variable label */
#define HI_SAV_MAX_VALUE_LABEL 120 /* bytes SPSS keeps of a value label */
#define HI_SAV_MAX_STRING 32767 /* bytes in an SPSS string variable */

/* The ids of hoshi_ids_read(), one string per respondent. */
struct hoshi_ids {
    char **v;
    size_t n, cap;
};

/* What a .sav file says of its variables (gathered by sav_read.c). */
typedef struct hi_sav_vlabel {
    double value;
    char *label;
} hi_sav_vlabel;

typedef struct hi_sav_lset {
    char *name;
    hi_sav_vlabel *v;
    size_t n;
} hi_sav_lset;

typedef struct hi_sav_var {
    char *name;
    char *label;
    char *lset;          /* value label set name, NULL when none */
    bool string;
    int n_missing;       /* user-missing ranges */
    double lo[32], hi[32];
    size_t col;          /* store column, SIZE_MAX when skipped */
} hi_sav_var;

typedef struct hi_sav_meta {
    const char *name;    /* the file, for messages */
    hi_sav_var *var;
    size_t n_var, cap_var;
    hi_sav_lset *set;
    size_t n_set;
    hoshi_buf notes;     /* the hoshi lines of the document, one per line */
} hi_sav_meta;

/* sav_labels.c: the codebook CSV text the labels and document lines of m
 * make, appended to b. */
hoshi_err hi_sav_labels_codebook(const hi_sav_meta *m, hoshi_buf *b);

/* True when path starts with the magic of a .sav file ("$FL2" or "$FL3"). */
bool hi_sav_sniff(const char *path);
/* Reads a .sav file into a dataset.  codebook_text (codebook_name in
 * messages) overrides the labels of the file when not NULL. */
hoshi_err hi_sav_open(const char *path, const char *codebook_name, const char *codebook_text,
                      size_t codebook_len, hoshi_dataset **out);
/* The same over the bytes of a file in memory (the fuzz target). */
hoshi_err hi_sav_parse(const char *name, const void *data, size_t len, const char *codebook_name,
                       const char *codebook_text, size_t codebook_len, hoshi_dataset **out);

/* The length of the longest prefix of s[0..len) of at most max bytes
 * that does not cut a UTF-8 character. */
static inline size_t hi_sav_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

#endif
