/*
 * form_int.h — the questionnaire engine's internal model, shared by the
 * files of src/lib/survey/: the sheets a definition is read into (from CSV
 * or .xlsx), the parsed form (entities in sheet order, choice lists, the
 * per-language public views built once at parse time) and the answers.
 */
#ifndef HOSHI_SURVEY_FORM_INT_H
#define HOSHI_SURVEY_FORM_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/datafile.h"
#include "hoshi/form.h"
#include "hoshi/text.h"
#include "internal.h"
#include "survey/expr.h"

/* Caps on a definition. */
#define HI_FORM_MAX_ROWS 5000      /* rows of one sheet */
#define HI_FORM_MAX_COLS 64        /* columns of one sheet */
#define HI_FORM_MAX_CELL 8192      /* bytes of one cell */
#define HI_FORM_MAX_CHOICES 250    /* choices of one list (tab's cap on codes) */
#define HI_FORM_MAX_CODE 99999     /* largest answer code (tab's cap) */
#define HI_FORM_MAX_DEPTH 16       /* nesting of groups */
#define HI_FORM_NONE ((size_t)-1)
#define HI_LANGS 2

/* ---- sheets -------------------------------------------------------------- */

/* One sheet: a header row and the rows under it (blank rows dropped).
 * Cells are NUL-terminated, never NULL; all owned by the sheet. */
typedef struct hi_sheet {
    const char *name;      /* "survey", "choices", "settings" (static) */
    size_t ncols, nrows, caprows;
    char **head;           /* ncols column names */
    char **cells;          /* nrows * ncols, row-major */
    size_t *rowno;         /* the row number the user sees (header = 1) */
    size_t *colno;         /* xlsx: 1-based sheet column of each column; NULL for CSV */
} hi_sheet;

typedef struct hi_sheets {
    hi_sheet s[3];         /* survey, choices, settings (settings may have ncols 0) */
} hi_sheets;

enum { HI_SH_SURVEY = 0, HI_SH_CHOICES, HI_SH_SETTINGS };

void hi_sheets_init(hi_sheets *sh);
void hi_sheets_free(hi_sheets *sh);
static inline const char *hi_cell(const hi_sheet *s, size_t row, size_t col)
{
    return s->cells[row * s->ncols + col];
}
/* Starts sheet s with its header (takes the strings of head). */
hoshi_err hi_sheet_set_head(hi_sheet *s, char **head, size_t ncols, size_t *colno);
/* Appends a row (takes the strings; ncols of them); blank rows are freed
 * and dropped. */
hoshi_err hi_sheet_add_row(hi_sheet *s, char **cells, size_t rowno);
/* "survey:12:relevant" or, for xlsx, "survey:12:relevant (F12)" into buf. */
void hi_sheet_where(const hi_sheet *s, size_t row, size_t col, char *buf, size_t size);

/* sheets_csv.c: one sheet from CSV text (UTF-8, BOM dropped). */
hoshi_err hi_sheet_from_csv(hi_sheet *s, const char *name, const char *text, size_t len);
/* The stored blob of hoshi_form_serialize() to sheets, and back. */
bool hi_sheets_is_blob(const char *data, size_t len);
hoshi_err hi_sheets_from_blob(hi_sheets *sh, const char *data, size_t len);
hoshi_err hi_sheets_to_blob(const hi_sheets *sh, char **out, size_t *len);

/* xlsx_read.c: the three sheets of a workbook in memory. */
hoshi_err hi_sheets_from_xlsx(hi_sheets *sh, const char *data, size_t len);

/* ---- the parsed form ------------------------------------------------------ */

typedef enum hi_ekind {
    HI_E_SA = HOSHI_FORM_SA, HI_E_MA = HOSHI_FORM_MA, HI_E_INT = HOSHI_FORM_INT,
    HI_E_DEC = HOSHI_FORM_DEC, HI_E_TEXT = HOSHI_FORM_TEXT, HI_E_NOTE = HOSHI_FORM_NOTE,
    HI_E_GRID = HOSHI_FORM_GRID,
    HI_E_GROUP             /* a group that is not a GRID */
} hi_ekind;

typedef struct hi_text {
    char *t[HI_LANGS];     /* per language, NULL when absent */
} hi_text;

typedef struct hi_list {
    char *name;
    size_t n;
    long *code;
    hi_text *label;
    hoshi_form_choice *view[HI_LANGS];
} hi_list;

/* One row of the survey sheet that makes something: question, note,
 * group or GRID. */
typedef struct hi_ent {
    hi_ekind kind;
    char *name;
    hi_text label, hint, cmsg;
    char *appearance, *relevant_src, *constraint_src, *required_src;
    hi_expr *relevant, *constraint, *required_expr;
    bool required;         /* required = yes, or an expression */
    size_t list;           /* choice list (SA, MA, GRID) or HI_FORM_NONE */
    size_t parent;         /* enclosing group or GRID, HI_FORM_NONE at top */
    size_t page;           /* page index; HI_FORM_NONE for groups that are pages */
    size_t n_rows;         /* GRID: rows follow it in ents */
    size_t slot;           /* answerable: index of its answer, else HI_FORM_NONE */
    size_t row;            /* sheet row, for messages */
} hi_ent;

typedef struct hi_page {
    size_t group;          /* the page's group, or HI_FORM_NONE */
    size_t *ents;          /* the items: questions, notes and GRIDs in order */
    size_t n;
    hoshi_form_page view[HI_LANGS];
} hi_page;

struct hoshi_form {
    hi_sheets sheets;      /* kept for hoshi_form_serialize */
    char *id, *version;
    hi_text title;
    hoshi_lang deflang;
    hi_list *lists;
    size_t n_lists;
    hi_ent *ents;
    size_t n_ents;
    hoshi_form_item *items[HI_LANGS]; /* views, one per entity */
    hi_page *pages;
    size_t n_pages;
    size_t *questions;     /* codebook order: entity indexes */
    size_t n_questions;
    size_t *slots;         /* answerable entities by slot */
    size_t n_slots;
    size_t *by_name;       /* entities sorted by name (NULL while building) */
};

/* form_parse.c: the model from sheets (takes the sheets on success). */
hoshi_err hi_form_build(hi_sheets *sh, hoshi_form **out);
/* form_views.c: the per-language views of a built form. */
hoshi_err hi_form_views(hoshi_form *f);
const char *hi_text_get(const hi_text *t, hoshi_lang lang, hoshi_lang deflang);
void hi_text_free(hi_text *t);
size_t hi_form_find(const hoshi_form *f, const char *name);
bool hi_ent_answerable(const hi_ent *e);

/* ---- answers ------------------------------------------------------------- */

typedef struct hi_ans {
    char **v;              /* values as text; MA codes in list order */
    size_t n;
} hi_ans;

struct hoshi_answers {
    const hoshi_form *f;
    hi_ans *a;             /* one per slot */
};

/* answers.c: checks values for entity e; on success the answer is
 * replaced.  On bad values returns HOSHI_ERR_INPUT, *kind says which
 * problem, the answer is cleared. */
hoshi_err hi_answer_set(hoshi_answers *a, size_t ent, const char *const *vals, size_t n,
                        hoshi_form_problem_kind *kind);
void hi_ans_clear(hi_ans *x);
/* routing.c: the expression environment over answers, `.` = entity dot. */
bool hi_eval(const hoshi_answers *a, const hi_expr *e, size_t dot);
bool hi_ent_relevant(const hoshi_answers *a, size_t ent);
/* form_texts.c: the message of a problem for entity ent. */
const char *hi_problem_message(const hoshi_form *f, size_t ent, hoshi_form_problem_kind kind,
                               const hoshi_form_texts *tx);
hoshi_err hi_problem_add(hoshi_form_problems *p, hoshi_form_problem_kind kind, const char *name,
                         const char *message);

#endif
