/*
 * cases.h — the case studies the web application shows at /cases (issue
 * 13 part 3): illustrative stories of fictional firms, written for hoshi
 * in the shape of the 2018 report's visit survey (what started it, what
 * it changed, what kept it going, how the team was set up, what was hard,
 * how they declared), kept as data the operator edits: one file per case,
 * DATADIR/cases/<id>.ini (format: docs/web.md, "Case studies").
 *
 * hoshi_cases_open() reads and checks every file once; the handle is then
 * read-only, shared by any number of threads, and every string it hands
 * out is borrowed until hoshi_cases_free().
 */
#ifndef HOSHI_CASES_H
#define HOSHI_CASES_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/catalog.h"
#include "hoshi/error.h"

typedef struct hoshi_cases hoshi_cases;

/* The facts of one case (its words: hoshi_case_text). */
typedef struct hoshi_case {
    const char *id;       /* the file's name less ".ini": a-z, 0-9 and '-' */
    int size;             /* employee band 1..6, as an organisation's (hoshi/attrs.h DSIZE) */
    int industry;         /* JSIC division A..T as 1..20 (DINDUSTRY) */
    int level;            /* what the firm declared: 1 ★, 2 ★★ */
} hoshi_case;

/* The story's parts, in the order a case page tells them (each key of
 * [ja] and [en] in a case file; a part may have several paragraphs). */
#define HOSHI_CASE_PARTS 6
extern const char *const hoshi_case_parts[HOSHI_CASE_PARTS];

/* Reads every DIR/<id>.ini (dir: usually DATADIR/cases), sorted by id.
 * HOSHI_ERR_DATA with a detail naming the file and line (an unknown key,
 * a size, industry or level out of range, a missing text in ja or en)
 * when any file is wrong; nothing is kept then.  The caller frees *out
 * with hoshi_cases_free(). */
hoshi_err hoshi_cases_open(const char *dir, hoshi_cases **out);
void hoshi_cases_free(hoshi_cases *c);

size_t hoshi_cases_count(const hoshi_cases *c);
/* The i-th case (0-based, by id), or NULL past the end. */
const hoshi_case *hoshi_cases_at(const hoshi_cases *c, size_t i);
/* The case with that id, or NULL. */
const hoshi_case *hoshi_cases_find(const hoshi_cases *c, const char *id);
/* The case closest to an organisation of that size band and industry
 * code (0: not given): the first of the same industry and size, else of
 * the same industry, else of the same size, else the first; NULL when
 * there are no cases. */
const hoshi_case *hoshi_cases_match(const hoshi_cases *c, int size, int industry);
/* The n-th (0-based) value of key (title, firm, or one of
 * hoshi_case_parts) of case k in lang, or NULL past the last. */
const char *hoshi_case_text(const hoshi_cases *c, const hoshi_case *k, hoshi_lang lang, const char *key, size_t n);

#endif
