/*
 * attrs.h — the attributes of an organisation (declaration level,
 * employees, industry, prefecture, latest self-diagnosis score) as survey
 * questions: their labels in ja or en, their codebook rows and the data
 * cells of one organisation, in the format of hoshi tab (SA codes, a NUM
 * score).  The one place the web application's choices, the registry
 * dataset and survey exports take these words and codes from.
 *
 * The words live in DATADIR/text/<lang>/attrs.ini.  A hoshi_attrs is an
 * opaque read-only handle: after hoshi_attrs_open() any number of threads
 * may share it; every string it hands out is borrowed and lives until
 * hoshi_attrs_free().
 *
 * Codes: DLEVEL 1 ★, 2 ★★; DSIZE the employee bands 1..6; DINDUSTRY the
 * JSIC divisions A..T as 1..20 (survey codes are positive integers, so the
 * letter's position stands for it); DPREF the JIS X 0401 prefecture codes
 * 1..47; DSCORE the score −25..100.  Code 0 (and no score) is "not given",
 * an empty cell.
 */
#ifndef HOSHI_ATTRS_H
#define HOSHI_ATTRS_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/buf.h"
#include "hoshi/catalog.h"
#include "hoshi/error.h"

typedef struct hoshi_attrs hoshi_attrs;

/* The coded attributes (DSCORE, a number, is not among them). */
typedef enum hoshi_attr {
    HOSHI_ATTR_LEVEL = 0,  /* DLEVEL: 2 codes */
    HOSHI_ATTR_SIZE,       /* DSIZE: 6 employee bands */
    HOSHI_ATTR_INDUSTRY,   /* DINDUSTRY: 20 JSIC divisions */
    HOSHI_ATTR_PREF,       /* DPREF: 47 prefectures */
    HOSHI_ATTR_COUNT
} hoshi_attr;

/* One organisation's attributes (codes as above, 0: not given). */
typedef struct hoshi_org_attrs {
    int level;
    int size;
    int industry;
    int prefecture;
    bool has_score;        /* false: no completed self-diagnosis */
    int score;
} hoshi_org_attrs;

/* Loads DATADIR/text/<lang>/attrs.ini (datadir NULL: the default) and
 * checks that every code of every attribute has its label and every
 * question its title.  The caller frees *out with hoshi_attrs_free().
 * HOSHI_ERR_DATA (detail: the file and what is missing) otherwise. */
hoshi_err hoshi_attrs_open(const char *datadir, hoshi_lang lang, hoshi_attrs **out);
void hoshi_attrs_free(hoshi_attrs *a);

/* How many codes attribute `which` has (2, 6, 20, 47). */
int hoshi_attrs_count(hoshi_attr which);
/* The label of code 1..hoshi_attrs_count(which), or NULL out of range. */
const char *hoshi_attrs_label(const hoshi_attrs *a, hoshi_attr which, int code);
/* A text of attrs.ini by section and key (a question's title is
 * ("questions", QID)); "[missing text]" when there is none. */
const char *hoshi_attrs_text(const hoshi_attrs *a, const char *section, const char *key);
/* The n-th (from 0) value of a list of attrs.ini, or NULL past its end. */
const char *hoshi_attrs_nth(const hoshi_attrs *a, const char *section, const char *key, size_t n);
/* The code 1..20 of a JSIC division letter "A".."T"; 0 for anything else. */
int hoshi_attrs_industry_code(const char *letter);

/* Appends one codebook row qid,type,code,label with CRLF, quoting fields
 * as RFC 4180 asks (code may be "" for a question's title row). */
void hoshi_codebook_row(hoshi_buf *b, const char *qid, const char *type, const char *code,
                        const char *label);
/* Appends the codebook rows of DLEVEL, DSIZE, DINDUSTRY, DPREF (SA) and
 * DSCORE (NUM), in that order. */
void hoshi_attrs_codebook(const hoshi_attrs *a, hoshi_buf *b);
/* Appends the data columns' names, each preceded by a comma:
 * ",DLEVEL,DSIZE,DINDUSTRY,DPREF,DSCORE". */
void hoshi_attrs_header(hoshi_buf *b);
/* Appends one organisation's cells in the order of hoshi_attrs_header,
 * each preceded by a comma; a code out of range or 0 is an empty cell. */
void hoshi_attrs_cells(hoshi_buf *b, const hoshi_org_attrs *o);

#endif
