/*
 * form.h — questionnaire definitions (XLSForm) and a respondent's answers.
 *
 * A questionnaire is an XLSForm (../shared/SPEC-survey-collection.md): an
 * .xlsx workbook or a directory of survey.csv, choices.csv, settings.csv.
 * hoshi_form_load()/hoshi_form_parse() read it into an immutable, opaque
 * hoshi_form that any number of threads share.  Everything the rest of
 * hoshi needs comes from it: the codebook of SPEC-survey-data.md, the pages
 * a respondent walks through, the data.csv columns, and — through a
 * hoshi_answers handle — setting answers from posted fields, relevance
 * (routing), validation, and the stored text of a response.
 *
 * Labels, hints and constraint messages come in ja and en; a text missing
 * in the asked language falls back to the form's default language (the
 * settings sheet's default_language; ja when not set).  Plain `label`
 * columns are the default language.
 *
 * Pages: each top-level `begin_group` (not table-list) is one page;
 * questions outside any group, and table-list groups (GRIDs) outside any
 * group, that follow each other make one page together.  Groups nested in
 * a page are flattened into it; their `relevant` applies to their
 * questions (a question is relevant when it and all its ancestor groups
 * are).  A page is relevant when its group is and at least one of its
 * items is.
 *
 * Errors in a definition: HOSHI_ERR_INPUT with a detail
 * "sheet:row:column: message" (row 1-based as the user sees it, the header
 * is row 1; e.g. "survey:12:relevant: unknown question ${Q99}"); the xlsx
 * reader adds the cell ("survey:12:relevant (F12): ...").  HOSHI_ERR_LIMIT
 * over a cap, HOSHI_ERR_IO when a file cannot be read.
 */
#ifndef HOSHI_FORM_H
#define HOSHI_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/buf.h"
#include "hoshi/catalog.h"
#include "hoshi/error.h"

#define HOSHI_FORM_MAX_DEF ((size_t)1 << 20)      /* bytes of a serialised definition */
#define HOSHI_FORM_MAX_XLSX ((size_t)8 << 20)     /* bytes of an .xlsx file */
#define HOSHI_FORM_MAX_TEXT 2000                  /* characters of one free-text / number answer */
#define HOSHI_FORM_MAX_ANSWERS ((size_t)256 << 10) /* bytes of an encoded response */
#define HOSHI_FORM_ALL ((size_t)-1)               /* "every page" for validate and post */

typedef struct hoshi_form hoshi_form;
typedef struct hoshi_answers hoshi_answers;
typedef struct hoshi_form_texts hoshi_form_texts;

/* ---- reading a definition ---------------------------------------------- */

/* Reads a definition from path: a directory of CSV sheets, or an .xlsx
 * file.  Caller frees *out with hoshi_form_free(). */
hoshi_err hoshi_form_load(const char *path, hoshi_form **out);

/* Reads a definition from memory: .xlsx bytes (an upload; told by the zip
 * signature) or the text of hoshi_form_serialize().  name is used in
 * messages only (may be NULL). */
hoshi_err hoshi_form_parse(const char *name, const char *data, size_t len, hoshi_form **out);

/* Reads the three CSV sheets from memory (settings may be NULL). */
hoshi_err hoshi_form_parse_sheets(const char *survey, size_t survey_len, const char *choices,
                                  size_t choices_len, const char *settings, size_t settings_len,
                                  hoshi_form **out);

/* The stable stored form of the definition, for the store: the three
 * sheets as CSV text in one blob,
 *   "hoshi-form 1\n" then for survey, choices, settings in that order:
 *   "sheet NAME BYTES\n" BYTES bytes of RFC 4180 CSV (LF) "\n"
 * made from the parsed cells (so an .xlsx and its CSV export give the same
 * blob).  hoshi_form_parse() of it gives the same form.  At most
 * HOSHI_FORM_MAX_DEF bytes (HOSHI_ERR_LIMIT).  *out malloc'd, caller frees. */
hoshi_err hoshi_form_serialize(const hoshi_form *f, char **out, size_t *len);

void hoshi_form_free(hoshi_form *f);

/* settings sheet: form_id, version ("" when not given), and the title in
 * lang (falls back to the default language, then to form_id). */
const char *hoshi_form_id(const hoshi_form *f);
const char *hoshi_form_version(const hoshi_form *f);
const char *hoshi_form_title(const hoshi_form *f, hoshi_lang lang);
hoshi_lang hoshi_form_default_lang(const hoshi_form *f);

/* ---- the model: questions, GRIDs, pages ---------------------------------- */

typedef enum hoshi_form_kind {
    HOSHI_FORM_SA = 0,  /* select_one: one code */
    HOSHI_FORM_MA,      /* select_multiple: a set of codes */
    HOSHI_FORM_INT,     /* integer (codebook NUM) */
    HOSHI_FORM_DEC,     /* decimal (codebook NUM) */
    HOSHI_FORM_TEXT,    /* text (codebook FA) */
    HOSHI_FORM_NOTE,    /* text shown only; no answer, no codebook row */
    HOSHI_FORM_GRID     /* table-list group: rows are SA questions sharing the choices */
} hoshi_form_kind;

typedef struct hoshi_form_choice {
    long code;          /* the answer code (choice name), a positive integer */
    const char *label;  /* in the asked language */
} hoshi_form_choice;

/* One item of a page, in one language.  Every pointer is owned by the form
 * and valid while it lives; strings are never NULL ("" when absent). */
typedef struct hoshi_form_item {
    hoshi_form_kind kind;
    const char *name;        /* question name; the group's name for a GRID */
    const char *label;
    const char *hint;
    const char *appearance;  /* as written ("" when none) */
    const char *relevant;    /* the expression as written ("" when none) */
    bool required;           /* required = yes, or a required expression (may hold) */
    const hoshi_form_choice *choices; /* SA, MA, GRID: the list in order */
    size_t n_choices;
    const struct hoshi_form_item *rows; /* GRID: its SA rows (item i+1 = rows[i]) */
    size_t n_rows;
} hoshi_form_item;

typedef struct hoshi_form_page {
    const char *name;        /* the group's name; "" for a page of loose questions */
    const char *label;       /* the group's label ("" when none) */
    const hoshi_form_item *items;
    size_t n_items;
} hoshi_form_page;

size_t hoshi_form_page_count(const hoshi_form *f);
/* Page i (0-based) in lang; NULL when i is out of range.  Owned by the form. */
const hoshi_form_page *hoshi_form_page_get(const hoshi_form *f, size_t i, hoshi_lang lang);

/* The codebook questions in order (SA, MA, INT, DEC, TEXT, GRID; no notes,
 * GRID rows only inside their GRID).  NULL when i is out of range. */
size_t hoshi_form_question_count(const hoshi_form *f);
const hoshi_form_item *hoshi_form_question(const hoshi_form *f, size_t i, hoshi_lang lang);
/* The item named name: a question, a GRID, a GRID row or a note; NULL when
 * there is none. */
const hoshi_form_item *hoshi_form_find(const hoshi_form *f, const char *name, hoshi_lang lang);

/* The codebook.csv of SPEC-survey-data.md (header "qid,type,code,label",
 * LF line ends, labels in lang), appended to b.  The exporter appends its
 * own attribute questions after it. */
hoshi_err hoshi_form_codebook(const hoshi_form *f, hoshi_lang lang, hoshi_buf *b);

/* The data.csv columns of the form, each as "," NAME appended to b
 * (NAME, NAME_<code> for MA, GROUP_<i> for GRID), so the caller writes
 * "id" first and its own columns and the line end after. */
void hoshi_form_data_header(const hoshi_form *f, hoshi_buf *b);

/* ---- texts for respondents ---------------------------------------------- */

/* The default messages of data/text/<lang>/survey.ini (datadir NULL: the
 * default data directory).  Read-only, shared by threads.  Caller frees
 * with hoshi_form_texts_free(). */
hoshi_err hoshi_form_texts_open(const char *datadir, hoshi_lang lang, hoshi_form_texts **out);
void hoshi_form_texts_free(hoshi_form_texts *tx);
hoshi_lang hoshi_form_texts_lang(const hoshi_form_texts *tx);

/* ---- answers ------------------------------------------------------------- */

typedef enum hoshi_form_problem_kind {
    HOSHI_FORM_P_REQUIRED = 0,  /* a required, relevant question is unanswered */
    HOSHI_FORM_P_CONSTRAINT,    /* its constraint does not hold */
    HOSHI_FORM_P_NOT_CODE,      /* a value that is not a code of the question's list */
    HOSHI_FORM_P_ONE_VALUE,     /* several values for a question that takes one */
    HOSHI_FORM_P_NOT_INTEGER,
    HOSHI_FORM_P_NOT_NUMBER,
    HOSHI_FORM_P_TOO_LONG,      /* over HOSHI_FORM_MAX_TEXT characters */
    HOSHI_FORM_P_BAD_TEXT       /* not valid UTF-8, or control characters */
} hoshi_form_problem_kind;

typedef struct hoshi_form_problem {
    hoshi_form_problem_kind kind;
    const char *name;     /* the question (a GRID row by its own name); the form's */
    const char *message;  /* the constraint_message in the texts' language, or survey.ini's;
                             the form's or the texts' (both must outlive the list) */
} hoshi_form_problem;

/* A list of problems; fill with the calls below, release with
 * hoshi_form_problems_free() (the struct itself is the caller's). */
typedef struct hoshi_form_problems {
    hoshi_form_problem *v;
    size_t n, cap;
} hoshi_form_problems;
#define HOSHI_FORM_PROBLEMS_INIT {NULL, 0, 0}
void hoshi_form_problems_free(hoshi_form_problems *p);

/* One posted field (name=value; MA repeats the name). */
typedef struct hoshi_form_field {
    const char *name;
    const char *value;
} hoshi_form_field;

/* An empty response to form f (which must outlive it).  Caller frees with
 * hoshi_answers_free(). */
hoshi_err hoshi_answers_new(const hoshi_form *f, hoshi_answers **out);
void hoshi_answers_free(hoshi_answers *a);
const hoshi_form *hoshi_answers_form(const hoshi_answers *a);

/* Sets answers from posted fields.  Every field named after a question
 * (a GRID row by its own name) sets that question; other names (csrf,
 * action, …) are ignored.  The questions of page `page` (HOSHI_FORM_ALL:
 * all pages; SIZE_MAX-1 or any out-of-range page: none) that have no field
 * are cleared, so an unticked checkbox clears an MA.  An empty value is no
 * answer.  A bad value (not a code, not an integer, …) leaves the
 * question unanswered and adds a problem to *problems, with messages from
 * tx.  Answers of questions that are then not relevant are pruned, and
 * the problems of those questions dropped with them.
 * Returns HOSHI_OK (problems or not) or HOSHI_ERR_NOMEM. */
hoshi_err hoshi_answers_post(hoshi_answers *a, size_t page, const hoshi_form_field *fields,
                             size_t n, const hoshi_form_texts *tx,
                             hoshi_form_problems *problems);

/* Sets one question from values (n may be 0: clears), as post does for one
 * question.  HOSHI_ERR_INPUT when the values are bad (detail says why;
 * the question is then unanswered), HOSHI_ERR_NOTFOUND for an unknown name.
 * Does not prune. */
hoshi_err hoshi_answers_set(hoshi_answers *a, const char *name, const char *const *values,
                            size_t n);

/* The answer of question name as text values, borrowed until the next
 * change: SA and GRID rows one code ("2"), MA the codes in list order,
 * INT/DEC/TEXT one text; *n = 0 when unanswered or unknown. */
void hoshi_answers_get(const hoshi_answers *a, const char *name, const char *const **values,
                       size_t *n);
/* Whether code is (among) the answer of question name (SA, MA, GRID row). */
bool hoshi_answers_chosen(const hoshi_answers *a, const char *name, long code);
/* Whether no question is answered. */
bool hoshi_answers_empty(const hoshi_answers *a);

/* Whether a question, GRID, GRID row, note or group named name is shown
 * given the answers: its own relevant and every ancestor group's hold.
 * False for an unknown name.  Also the "was X shown" of a stored response
 * (decode it first): a table's base is the respondents it was shown to. */
bool hoshi_form_relevant(const hoshi_answers *a, const char *name);
/* Whether page i is relevant (its group is and at least one item is). */
bool hoshi_form_page_relevant(const hoshi_answers *a, size_t page);
/* The next relevant page after `page` (forward) or before it (!forward);
 * returns hoshi_form_page_count() when there is none forward and
 * HOSHI_FORM_ALL when none backward.  page = HOSHI_FORM_ALL forward gives
 * the first relevant page; page = hoshi_form_page_count() backward the
 * last. */
size_t hoshi_form_page_step(const hoshi_answers *a, size_t page, bool forward);

/* Drops the answers of questions that are not relevant (SPEC: an answer
 * to a question not shown is discarded), repeated until nothing changes. */
void hoshi_answers_prune(hoshi_answers *a);

/* Validates page `page` (HOSHI_FORM_ALL: the whole response) of relevant
 * questions: required, then constraint (with `.` = the question).
 * Problems are appended to *problems, in form order, with messages from
 * tx.  Returns HOSHI_OK (valid when no problem was added) or
 * HOSHI_ERR_NOMEM. */
hoshi_err hoshi_answers_validate(const hoshi_answers *a, size_t page, const hoshi_form_texts *tx,
                                 hoshi_form_problems *problems);

/* The stored text of a response: url-encoded name=value pairs in form
 * order ("Q1=2&Q8=1&Q8=3&Q9=%E3%81%82"); "" when nothing is answered.
 * *out malloc'd, caller frees. */
hoshi_err hoshi_answers_encode(const hoshi_answers *a, char **out, size_t *len);
/* Replaces the answers with those of text (as encode writes it).  Every
 * name must be a question and every value valid: HOSHI_ERR_INPUT (detail
 * names the question), the answers unchanged; HOSHI_ERR_LIMIT over
 * HOSHI_FORM_MAX_ANSWERS. */
hoshi_err hoshi_answers_decode(hoshi_answers *a, const char *text, size_t len);

/* One data.csv row's form part, matching hoshi_form_data_header(): each
 * value as "," VALUE (CSV-quoted when needed).  SA/NUM/FA/GRID rows: the
 * answer or empty; MA: 0/1 per code when answered, all empty when not.
 * Caller writes the id first and its columns after. */
void hoshi_answers_data_row(const hoshi_answers *a, hoshi_buf *b);

#endif
