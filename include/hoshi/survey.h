/*
 * survey.h — survey data and its tabulation (単純集計, クロス集計, banners).
 *
 * A survey is a codebook (questions, types, codes, labels) and raw data
 * (one row per respondent).  hoshi_dataset_open() loads both into a
 * columnar store, from CSV (UTF-8 with or without BOM, or CP932) or from a
 * .hsd cache written by hoshi_dataset_save(); hoshi_tab_run() computes the
 * tables a hoshi_tab_spec asks for; hoshi_tab_render() and
 * hoshi_tab_write_xlsx() turn them into text or a workbook.  The contract
 * for files and the csv table format is ../shared/SPEC-survey-data.md.
 *
 * Handles are opaque.  Errors carry a detail naming file:line:column.
 */
#ifndef HOSHI_SURVEY_H
#define HOSHI_SURVEY_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/catalog.h"
#include "hoshi/error.h"

typedef struct hoshi_dataset hoshi_dataset;
typedef struct hoshi_tabset hoshi_tabset;
typedef struct hoshi_weights hoshi_weights; /* hoshi/weights.h */

typedef enum hoshi_encoding {
    HOSHI_ENC_AUTO = 0,  /* valid UTF-8 (BOM optional) is UTF-8, anything else CP932 */
    HOSHI_ENC_UTF8,
    HOSHI_ENC_CP932
} hoshi_encoding;

/* "auto", "utf-8"/"utf8", "cp932"/"sjis"/"shift_jis". */
hoshi_err hoshi_encoding_parse(const char *name, hoshi_encoding *out);

/* Loads a survey: codebook_path (may be NULL when data_path is a .hsd
 * cache, which embeds its codebook, or an SPSS .sav file, whose variable
 * and value labels become the codebook) and data_path (CSV, .hsd or .sav,
 * told apart by content).  enc applies to the CSV files.  Caller frees *out with
 * hoshi_dataset_free().  HOSHI_ERR_IO when a file cannot be read,
 * HOSHI_ERR_INPUT when its content is wrong, HOSHI_ERR_LIMIT over a cap. */
hoshi_err hoshi_dataset_open(const char *codebook_path, const char *data_path,
                             hoshi_encoding enc, hoshi_dataset **out);

/* The same from memory (tests, fuzzing); names are used in messages. */
hoshi_err hoshi_dataset_parse(const char *codebook_name, const char *codebook, size_t codebook_len,
                              const char *data_name, const char *data, size_t data_len,
                              hoshi_encoding enc, hoshi_dataset **out);

/* Writes the dataset as a .hsd cache (all or nothing). */
hoshi_err hoshi_dataset_save(const hoshi_dataset *ds, const char *path);

/* The respondents' ids of a data file, in row order: the id column of a
 * CSV file (enc as for hoshi_dataset_open), the id variable of a .sav
 * file; *out is NULL for a .hsd cache, which keeps none.  The dataset's
 * store keeps no ids, so `hoshi import` reads them again for the .sav
 * file it writes.  Caller frees *out with hoshi_ids_free(). */
typedef struct hoshi_ids hoshi_ids;
hoshi_err hoshi_ids_read(const char *data_path, hoshi_encoding enc, hoshi_ids **out);
void hoshi_ids_free(hoshi_ids *ids);

/* Writes the dataset as an SPSS .sav file (all or nothing), with the id
 * variable from ids (numeric when every id is a whole number; NULL: the
 * row numbers 1..n): SA questions
 * and GRID/DIAG items numeric with value labels, MA one 0/1 variable per
 * code, NUM numeric, FA UTF-8 strings, titles as variable labels, no
 * answer as system-missing; MA, GRID and DIAG questions are described in
 * the document record so that hoshi_dataset_open() reads them back.
 * HOSHI_ERR_INPUT/LIMIT for what SPSS cannot hold (a variable name,
 * a free answer over 32767 bytes), HOSHI_ERR_IO when it cannot write. */
hoshi_err hoshi_dataset_save_sav(const hoshi_dataset *ds, const hoshi_ids *ids, const char *path);

size_t hoshi_dataset_rows(const hoshi_dataset *ds);
void hoshi_dataset_free(hoshi_dataset *ds);

/* A filter: respondents whose var is (op IS) or is not (op IS_NOT) one of
 * values.  For a NUM variable the values are numbers; for a coded one each
 * must be one of its codes.  IS_NOT on a head also drops those columns. */
typedef enum hoshi_tab_op { HOSHI_TAB_IS = 0, HOSHI_TAB_IS_NOT } hoshi_tab_op;
typedef struct hoshi_tab_where {
    const char *var;
    hoshi_tab_op op;
    const double *values;
    size_t n_values;
} hoshi_tab_where;

/* A net (added category) or a recode (one category replacing codes) of
 * the categorical variable var, labelled label (UTF-8). */
typedef struct hoshi_tab_net {
    const char *var;
    const char *label;
    const long *codes;
    size_t n_codes;
} hoshi_tab_net;

/* A category of a NUM side: lo <= value <= hi (bounds may be infinite). */
typedef struct hoshi_tab_band {
    const char *label;
    double lo, hi;
} hoshi_tab_band;

/* What each row of a categorical table shows, in the order asked:
 * ROW the percent of the row's base (the default), COUNT the respondents
 * (weighted when the table is), COL the percent of the column's total
 * within the row's block of the side (the total row: 100). */
typedef enum hoshi_tab_cell {
    HOSHI_TAB_CELL_ROW = 0,
    HOSHI_TAB_CELL_COUNT,
    HOSHI_TAB_CELL_COL
} hoshi_tab_cell;
#define HOSHI_TAB_CELL_KINDS 3

/* What to tabulate.  Variables are question ids (SA, MA, NUM, GRID, DIAG),
 * GRID/DIAG items as QID_n, and DIAG derived variables QID:score,
 * QID:band, QID:star1, QID:star2.  Every pointer is borrowed for the call;
 * texts must be UTF-8.  The command line's syntax for these is the CLI's
 * (src/cli/tab_options.c), not the engine's. */
typedef struct hoshi_tab_spec {
    const char *side;                 /* row variable, or NULL for the total row only */
    const char *const *heads;         /* column variables; "ALL" means every question */
    size_t n_heads;
    const hoshi_tab_where *wheres;    /* all must hold */
    size_t n_wheres;
    const hoshi_tab_band *bands;      /* categories of a NUM side */
    size_t n_bands;
    const hoshi_tab_net *nets;        /* each adds a net category to its variable */
    size_t n_nets;
    const hoshi_tab_net *recodes;     /* each replaces codes of its variable by one */
    size_t n_recodes;
    bool sort;                        /* columns by total, descending; "other" kept last */
    int top_box;                      /* GRID heads: codes counted in the top box (default 2) */
    /* A banner: several sides stacked, each a block of rows after the
     * total; an entry "OUTER/INNER" nests INNER within each category of
     * OUTER.  When n_sides > 0, side is not read; side may also be
     * "OUTER/INNER".  --bands apply to the one NUM side variable. */
    const char *const *sides;
    size_t n_sides;
    const hoshi_tab_cell *cells;      /* the kinds each row shows; none: ROW only */
    size_t n_cells;
    const hoshi_weights *weights;     /* respondent weights (hoshi/weights.h), NULL = unweighted */
} hoshi_tab_spec;

/* Computes the tables of spec (one per head; a GRID head with a side
 * gives one per item).  Caller frees *out with hoshi_tabset_free(). */
hoshi_err hoshi_tab_run(const hoshi_dataset *ds, const hoshi_tab_spec *spec,
                        hoshi_tabset **out);
size_t hoshi_tabset_count(const hoshi_tabset *ts);
void hoshi_tabset_free(hoshi_tabset *ts);

typedef enum hoshi_tab_format {
    HOSHI_TAB_CSV = 0,  /* the machine format of the SPEC */
    HOSHI_TAB_TSV,
    HOSHI_TAB_MD,
    HOSHI_TAB_HTML,
    HOSHI_TAB_JSON,
    HOSHI_TAB_SVG,
    HOSHI_TAB_XLSX      /* hoshi_tab_write_xlsx() only */
} hoshi_tab_format;

hoshi_err hoshi_tab_format_parse(const char *name, hoshi_tab_format *out);

/* The words around the tables of the human formats (md, html, json,
 * xlsx) and of the charts (svg): notes, marks, the total row, the side,
 * statistics' names, what a chart shows, from
 * DATADIR/text/<lang>/tab.ini (datadir NULL: hoshi_datadir_default()).
 * csv and tsv need none.  Caller frees *out with hoshi_tab_texts_free(). */
typedef struct hoshi_tab_texts hoshi_tab_texts;
hoshi_err hoshi_tab_texts_open(const char *datadir, hoshi_lang lang, hoshi_tab_texts **out);
void hoshi_tab_texts_free(hoshi_tab_texts *tx);

/* Statistical tests (hoshi_tab_render_opts.stats, a set of these): the
 * chi-square test of independence per table, the pairwise column letters
 * (proportions, and means of NUM heads) and the one-way ANOVA of NUM
 * heads.  Shown by md, html, json and xlsx; csv and tsv never change. */
enum { HOSHI_TAB_STAT_CHISQ = 1, HOSHI_TAB_STAT_LETTERS = 2, HOSHI_TAB_STAT_ANOVA = 4 };
/* The multiple-comparison correction of the letters, over the pairs of
 * rows of one block in one column. */
typedef enum hoshi_tab_correction {
    HOSHI_TAB_BONFERRONI = 0,
    HOSHI_TAB_HOLM,
    HOSHI_TAB_UNCORRECTED
} hoshi_tab_correction;
/* "chisq,letters,anova" (any of them, or "all", or "none") into *out. */
hoshi_err hoshi_tab_stats_parse(const char *list, unsigned *out);
/* "bonferroni", "holm" or "none". */
hoshi_err hoshi_tab_correction_parse(const char *name, hoshi_tab_correction *out);
/* The significance level of the tests: "0.05" or "0.01". */
hoshi_err hoshi_tab_sig_level_parse(const char *text, double *out);

typedef struct hoshi_tab_render_opts {
    bool bom;              /* csv/tsv: start with a UTF-8 byte-order mark */
    bool cp932;            /* csv/tsv: encode as CP932 */
    bool sig;              /* human formats: significance marks (default on via the CLI) */
    hoshi_lang lang;       /* human formats: language, when texts is NULL (ja) */
    /* human formats: the texts to use (borrowed); NULL opens those of lang
     * in the default data directory for this call */
    const hoshi_tab_texts *texts;
    unsigned stats;        /* HOSHI_TAB_STAT_* to add (0: none, the output as before) */
    double sig_level;      /* of stats: 0.05 or 0.01 (0 means 0.05) */
    hoshi_tab_correction correction;  /* of the letters (Bonferroni by default) */
} hoshi_tab_render_opts;

/* Gives every table of ts these statistics (HOSHI_TAB_STAT_*, 0 for none),
 * which then stand instead of those of the render options: each table of
 * a table book keeps the tests its own options asked for. */
void hoshi_tabset_set_stats(hoshi_tabset *ts, unsigned stats, double sig_level,
                            hoshi_tab_correction correction);

/* Renders every table of ts.  *out is malloc'd (caller frees with free()). */
hoshi_err hoshi_tab_render(const hoshi_tabset *ts, hoshi_tab_format fmt,
                           const hoshi_tab_render_opts *opts, char **out, size_t *len);

/* The chart of table i (0-based) of ts as one SVG document, its kind
 * following the table (docs/tab.md): bars, grouped bars for an MA head by
 * a side, 100% stacked bars for an SA head by a side and for a GRID, bars
 * of the mean for a NUM head.  Its words are in opts' texts or language.
 * *out is malloc'd (caller frees with free()). */
hoshi_err hoshi_tab_chart(const hoshi_tabset *ts, size_t i, const hoshi_tab_render_opts *opts,
                          char **out, size_t *len);

/* Writes an .xlsx workbook (one sheet per table) to path, all or nothing. */
hoshi_err hoshi_tab_write_xlsx(const hoshi_tabset *ts, const hoshi_tab_render_opts *opts,
                               const char *path);

#endif
