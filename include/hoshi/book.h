/*
 * book.h — table books: the tables of a report in one text file an
 * analyst edits by hand and keeps in version control, and the outputs
 * that gather them (one workbook with a contents sheet, one HTML report).
 *
 * The file is the ini syntax of hoshi's data files (hoshi/datafile.h):
 *
 *   # comments, blank lines
 *   [book]
 *   title = 2018 自己宣言者調査
 *   codebook = codebook.csv      # paths relative to the book file
 *   data = data.hsd
 *   side = DSIZE                 # any other key: a default for every table
 *   [table Q11]
 *   title = 実施している対策
 *   head = Q11
 *   where = Q11!=9
 *   base = 「該当なし」を除く
 *
 * A [table ID] section is one table of the report (ID: letters, digits,
 * '_', '-', '.', not starting with '.'; it names the table's CSV file and
 * sheet).  Its keys other than title and base are the long options of
 * `hoshi tab` without "--" (side, head, where, net, …), in file order; a
 * repeated key is a repeated option.  A key of the table replaces the
 * book's default of the same name (all its values).  The library checks
 * the structure (sections, ids, a head for every table); what each option
 * means is the command line's (src/cli/cmd_book.c applies each through the
 * option handling of `hoshi tab`).  Errors: HOSHI_ERR_INPUT with the
 * detail "FILE:LINE: message".
 */
#ifndef HOSHI_BOOK_H
#define HOSHI_BOOK_H

#include <stddef.h>

#include "hoshi/buf.h"
#include "hoshi/catalog.h"
#include "hoshi/error.h"
#include "hoshi/form.h"
#include "hoshi/survey.h"

#define HOSHI_BOOK_MAX_BYTES ((size_t)4 << 20)
#define HOSHI_BOOK_MAX_TABLES 10000

typedef struct hoshi_book hoshi_book;

/* One option of a table: name without "--", value ("" for an empty one),
 * and the line it was read from. */
typedef struct hoshi_book_opt {
    const char *name;
    const char *value;
    size_t line;
} hoshi_book_opt;

/* One [table ID] section; every pointer is owned by the book. */
typedef struct hoshi_book_table {
    const char *id;
    const char *title;          /* NULL when not given */
    const char *base;           /* the base's label, NULL: the conditions in words */
    size_t line;                /* the line of its [table ID] header */
    const hoshi_book_opt *opts; /* the book's defaults it keeps, then its own */
    size_t n_opts;
} hoshi_book_table;

/* Reads the book at path (at most HOSHI_BOOK_MAX_BYTES).  Caller frees
 * *out with hoshi_book_free().  HOSHI_ERR_IO when it cannot be read. */
hoshi_err hoshi_book_load(const char *path, hoshi_book **out);
/* The same from memory (len bytes of text, copied); name is the file's
 * name in messages and its directory the base of relative paths. */
hoshi_err hoshi_book_parse(const char *name, const char *text, size_t len, hoshi_book **out);
void hoshi_book_free(hoshi_book *b);

/* The settings of [book]: title, codebook, data (paths made relative to
 * the book file's directory), lang and encoding; NULL when not given.
 * Every other key of [book] is a default option of the tables.  Owned by
 * the book. */
const char *hoshi_book_title(const hoshi_book *b);
const char *hoshi_book_codebook(const hoshi_book *b);
const char *hoshi_book_data(const hoshi_book *b);
const char *hoshi_book_lang(const hoshi_book *b);
const char *hoshi_book_encoding(const hoshi_book *b);
/* The file name given to load/parse, for messages. */
const char *hoshi_book_name(const hoshi_book *b);
size_t hoshi_book_table_count(const hoshi_book *b);
const hoshi_book_table *hoshi_book_table_get(const hoshi_book *b, size_t i);

/* ---- gathering the tables of several runs ------------------------------- */

/* An empty tabset to append runs to; free with hoshi_tabset_free(). */
hoshi_err hoshi_tabset_new(hoshi_tabset **out);
/* Moves every table of src to the end of dst, marking them as book table
 * id with its title (may be NULL) and, when base is not NULL, that label
 * as their base instead of the conditions in words.  Texts are copied.
 * src is left empty (still the caller's to free).  On failure both are
 * unchanged. */
hoshi_err hoshi_tabset_append(hoshi_tabset *dst, hoshi_tabset *src, const char *id,
                              const char *title, const char *base);

/* ---- the outputs of a book ------------------------------------------- */

/* Writes one workbook (all or nothing): a contents sheet (title, then a
 * row per table linking to its sheet, with its title and base) and a
 * sheet per table named by its book id. */
hoshi_err hoshi_book_write_xlsx(const hoshi_tabset *ts, const char *title,
                                const hoshi_tab_render_opts *opts, const char *path);
/* One HTML document: title, a table of contents linking to every table,
 * each table with its caption, its base, its chart (one SVG per table)
 * and the notes.  *out malloc'd, caller frees. */
hoshi_err hoshi_book_render_html(const hoshi_tabset *ts, const char *title,
                                 const hoshi_tab_render_opts *opts, char **out, size_t *len);

/* ---- the default book --------------------------------------------------- */

/* The default book of a survey definition, appended to b: [book] with
 * title (the form's, in lang), codebook and data as given (NULL: left
 * out), then the simple table of every question in order (a GRID as its
 * grid table), titled by its label; a question with a `relevant` condition
 * gets where = R__QID=1, the "shown" column of `hoshi survey export
 * --shown` (hoshi/survey_export.h). */
hoshi_err hoshi_book_from_form(const hoshi_form *f, hoshi_lang lang, const char *codebook,
                               const char *data, hoshi_buf *b);
/* The same from a codebook.csv (codebook_text, len bytes, named name in
 * messages): every question but free text, titled by its title, no base. */
hoshi_err hoshi_book_from_codebook(const char *name, const char *codebook_text, size_t len,
                                   const char *codebook, const char *data, hoshi_buf *b);

#endif
