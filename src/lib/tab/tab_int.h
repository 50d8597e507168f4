/*
 * tab_int.h — the internal model of the tabulation engine, shared by its
 * modules: the parsed codebook, the columnar store a data file is loaded
 * into, and the categorical views the table builder counts with.  The
 * store's arrays either belong to the dataset (CSV ingest) or point into a
 * memory-mapped .hsd cache; the code that reads them does not care which.
 */
#ifndef HOSHI_TAB_INT_H
#define HOSHI_TAB_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hoshi/buf.h"
#include "hoshi/survey.h"
#include "internal.h"

/* Caps on everything that comes from outside. */
#define HI_TAB_MAX_QUESTIONS 10000
#define HI_TAB_MAX_CODES 250        /* codes per question: SA values fit a byte */
#define HI_TAB_MAX_CODE 99999       /* largest code value */
#define HI_TAB_MAX_ITEMS 200        /* GRID items per question */
#define HI_TAB_MAX_LABEL 4096       /* bytes in a label or a column name */
#define HI_TAB_MAX_COLUMNS 100000   /* data columns */
#define HI_TAB_MAX_ROWS 200000000u  /* respondents */
#define HI_TAB_MAX_CODEBOOK ((size_t)16 << 20)
#define HI_TAB_MAX_CP932 ((size_t)1 << 30)  /* CP932 files are converted in memory */
#define HI_TAB_MAX_FIELD ((size_t)1 << 20)  /* bytes in one field */

typedef enum hi_qtype { HI_Q_SA, HI_Q_MA, HI_Q_NUM, HI_Q_FA, HI_Q_GRID, HI_Q_DIAG } hi_qtype;

typedef struct hi_code {
    long code;
    char *label;
} hi_code;

typedef struct hi_question {
    char *qid;
    hi_qtype type;
    char *title;
    hi_code *codes;     /* answer codes (the scale of a GRID or DIAG), codebook order */
    size_t n_codes;
    hi_code *items;     /* GRID items (code = item number); DIAG items 1..25 */
    size_t n_items;
    uint8_t *lut;       /* code value -> index+1 (0 = unknown), size max_code+1 */
    long max_code;
    size_t first_col;   /* first data column of this question in the store */
} hi_question;

typedef struct hi_codebook {
    hi_question *q;
    size_t n, cap;
    char *text;         /* the codebook as UTF-8 CSV (stored in .hsd files) */
    size_t text_len;
} hi_codebook;

/* One data column of the store (the id column is not stored). */
typedef enum hi_coltype { HI_COL_SA, HI_COL_BIT, HI_COL_NUM, HI_COL_FA } hi_coltype;

typedef struct hi_column {
    char *name;
    hi_coltype type;
    size_t q;          /* question index */
    size_t sub;        /* MA: code index; GRID/DIAG: item index; else 0 */
    uint8_t *sa;       /* SA/GRID/DIAG item: code index + 1 per row, 0 = blank */
    uint64_t *bits;    /* MA code: chosen; NUM: value present */
    double *num;       /* NUM value (0 where absent) */
    uint64_t *fa_off;  /* FA: n_rows + 1 offsets into fa_text */
    char *fa_text;
    size_t fa_len, fa_cap;
    bool own;          /* its arrays are freed even in a mapped dataset (a coded FA) */
} hi_column;

struct hoshi_dataset {
    hi_codebook *cb;
    hi_column *col;
    size_t n_col;
    size_t n_rows;
    size_t cap_rows;    /* allocated rows (CSV ingest) */
    bool mapped;        /* arrays point into map; nothing per column is freed */
    void *map;
    size_t map_len;
    /* .hsd: per column, 1 once its checksum and values were checked.  The
     * one thing that changes in an open dataset: atomic flags that only go
     * from 0 to 1 (two runs on one dataset may check a column twice). */
    atomic_uchar *verified;
    char *source;       /* .hsd: the file name, for messages */
    /* The respondents' ids (the data's first column), kept like free text
     * but outside col: not a question.  fa_off is NULL when a .hsd cache
     * holds no ids; rows are then known by their number (hi_dataset_id). */
    hi_column id;
    /* .hsd: the ids' directory entry, and 1 once they were checked (only
     * listings and codings read them, so tables never pay for it); like
     * verified, a flag that only goes from 0 to 1 in an open dataset */
    size_t id_entry;
    atomic_uchar id_verified;
};

static inline size_t hi_words(size_t n_rows)
{
    return (n_rows + 63) / 64;
}

/* codebook.c */
hoshi_err hi_codebook_parse(const char *name, const char *text, size_t len,
                            hi_codebook **out);
void hi_codebook_free(hi_codebook *cb);
const hi_question *hi_codebook_find(const hi_codebook *cb, const char *qid, size_t len);
/* Index + 1 of code in q, 0 if not a code of q. */
static inline unsigned hi_code_index(const hi_question *q, long code)
{
    return code >= 0 && code <= q->max_code ? q->lut[code] : 0;
}

/* enc.c: input bytes to UTF-8 */
/* Converts CP932 bytes to UTF-8 (malloc'd, NUL-terminated; caller frees);
 * invalid bytes are an error naming name:line:column. */
hoshi_err hi_cp932_to_utf8(const char *name, const char *in, size_t len, char **out,
                           size_t *out_len);
/* Converts UTF-8 to CP932 (output encodings); unmappable characters are an error. */
hoshi_err hi_utf8_to_cp932(const char *in, size_t len, char **out, size_t *out_len);
/* Finishes text b into *out (malloc'd, caller frees), as CP932 when
 * cp932 (csv and tsv output); b is freed either way. */
hoshi_err hi_buf_finish_enc(hoshi_buf *b, bool cp932, char **out, size_t *len);
/* Turns raw file bytes into UTF-8 (BOM dropped; AUTO: valid UTF-8 stays,
 * anything else is read as CP932, and bytes that are neither are reported
 * at the first that is not UTF-8).  *out is malloc'd, caller frees. */
hoshi_err hi_text_to_utf8(const char *name, const char *raw, size_t len, hoshi_encoding enc,
                          char **out, size_t *out_len);
/* Line and field (1-based) of byte offset off in CSV text, honouring quotes. */
void hi_csv_position(const char *text, size_t off, size_t *line, size_t *field);

/* csvtok.c: a simple RFC 4180 record reader over a complete buffer (the
 * codebook and small files; the data reader has its own fast path). */
typedef struct hi_csvtok {
    const char *p, *end;
    const char *name;
    size_t line;        /* physical line of the next record */
    hoshi_buf field;       /* scratch for unquoted field text */
} hi_csvtok;
typedef struct hi_csvrec {
    char **f;           /* fields, NUL-terminated, owned by the record */
    size_t n, cap;
    size_t line;
} hi_csvrec;
/* Reads the next record; *got is false at the end of the input. */
hoshi_err hi_csvtok_next(hi_csvtok *t, hi_csvrec *r, bool *got);
void hi_csvrec_free(hi_csvrec *r);

/* columns.c: the store's life.  On failure of hi_dataset_alloc the caller
 * keeps cb; on success the dataset owns it. */
hoshi_err hi_dataset_alloc(hi_codebook *cb, hoshi_dataset **out);
/* Makes room for `need` rows in every column; new bitset words are zero. */
hoshi_err hi_dataset_ensure_rows(hoshi_dataset *ds, size_t need);
/* The id of respondent r (its row number when the data has no ids):
 * a pointer into the store (*len bytes, not NUL-terminated) or into buf. */
const char *hi_dataset_id(const hoshi_dataset *ds, size_t r, char *buf, size_t cap,
                          size_t *len);
/* Drops everything parsed so far, to start again. */
void hi_dataset_reset_rows(hoshi_dataset *ds);
/* Grows the free-text arena of c for n more bytes (4 GiB at most). */
hoshi_err hi_column_fa_grow(hi_column *c, size_t n);
static inline hoshi_err hi_column_fa_append(hi_column *c, const char *s, size_t n)
{
    hoshi_err err;
    if (n == 0)
        return HOSHI_OK;
    if (n > c->fa_cap - c->fa_len && (err = hi_column_fa_grow(c, n)) != HOSHI_OK)
        return err;
    memcpy(c->fa_text + c->fa_len, s, n);
    c->fa_len += n;
    return HOSHI_OK;
}

/* ingest.c; hi_tab_chunk is the read size (tests make it tiny) */
extern size_t hi_tab_chunk;
/* files at least this large are parsed by two threads (tests lower it) */
extern size_t hi_tab_parallel_min;
/* run.c: banners of at least this many respondents use two threads */
extern size_t hi_tab_parallel_rows;
hoshi_err hi_dataset_parse_csv(hi_codebook *cb, const char *name, int fd, const char *mem,
                               size_t mem_len, hoshi_encoding enc, hoshi_dataset **out);

/* hsd.c */
/* The checksum of the .hsd format over data[0..len) with a seed per use
 * (exported so the fuzz target can write files that pass it). */
uint64_t hi_hsd_checksum(const void *data, size_t len, uint64_t seed);
bool hi_hsd_sniff(const char *path);
hoshi_err hi_hsd_open(const char *path, const char *codebook_text, size_t codebook_len,
                      hoshi_dataset **out);
/* Checks the checksum (and value ranges) of column i of a mapped dataset
 * once; thread-safe (see hoshi_dataset.verified). */
hoshi_err hi_hsd_verify_column(const hoshi_dataset *ds, size_t i);
/* Checks the ids of a mapped dataset once (a no-op for CSV data and for
 * caches without ids); call before hi_dataset_id().  Thread-safe. */
hoshi_err hi_hsd_verify_ids(const hoshi_dataset *ds);
/* True when column i may be read: CSV data, or a checked .hsd column. */
bool hi_hsd_column_verified(const hoshi_dataset *ds, size_t i);

/* Bitset helpers (bits past n_rows are always zero). */
uint64_t hi_popcount_and(const uint64_t *a, const uint64_t *b, size_t words);
uint64_t hi_popcount(const uint64_t *a, size_t words);
/* hist[k * 256 + code index] += respondents of side row k with that SA
 * value (index 0 = blank): one streaming pass over the column. */
void hi_count_codes(const uint8_t *sa, size_t n_rows, unsigned n_codes,
                    const uint64_t *const *rows, size_t n_side, uint64_t *hist);
uint8_t hi_max_byte(const uint8_t *p, size_t n);
/* bits[c - 1] = respondents with SA value c (1..n_codes); present = any. */
void hi_one_hot_column(const uint8_t *sa, size_t n_rows, unsigned n_codes,
                       uint64_t *const *bits, uint64_t *present);

#endif
