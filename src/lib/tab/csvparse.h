/*
 * csvparse.h — the CSV parser's interface to the code that drives it
 * (ingest.c: whole files, chunks, two threads).  A reader parses rows of
 * one byte range into a dataset's columns; it allocates nothing per
 * field and never reads the file itself.
 */
#ifndef HOSHI_TAB_CSVPARSE_H
#define HOSHI_TAB_CSVPARSE_H

#include "tab/tab_int.h"

enum fkind { F_SKIP, F_SA, F_BIT, F_NUM, F_FA };
enum { ROW_OK, ROW_NEED_MORE, ROW_ERR, ROW_REDO };

typedef struct hi_fplan {
    uint8_t kind;
    uint32_t run;       /* F_BIT: consecutive 0/1 fields from here, not counting the last field */
    hi_column *col;
    const hi_question *q;
} hi_fplan;

typedef struct hi_csv_reader {
    hoshi_dataset *ds;
    const char *name;
    hi_fplan *plan;
    size_t n_fields;
    size_t line;        /* physical line of the current row */
    bool auto_enc;      /* may still switch to CP932 */
    bool last;          /* the range ends at the end of the file (blank lines allowed there) */
    hoshi_buf scratch;     /* unescaped text of a quoted field */
    hoshi_err err;
} hi_csv_reader;

/* Reads the header record from buf (a BOM already skipped) and plans the
 * fields; *hdr_len gets its length in bytes, 0 when it is not complete yet
 * (!eof).  *redo: not UTF-8 while the encoding may still switch. */
hoshi_err hi_csv_header(hi_csv_reader *R, const char *buf, size_t len, bool eof,
                        size_t *hdr_len, bool *redo);
/* Parses rows from buf[0..len) into R->ds; *used gets the bytes consumed
 * (a row cut by the end is left for the next call unless eof).  Returns
 * ROW_OK, ROW_REDO (reread as CP932) or ROW_ERR (R->err says why). */
int hi_csv_rows(hi_csv_reader *R, const char *buf, size_t len, bool eof, size_t *used);
void hi_csv_reader_free(hi_csv_reader *R);
/* Parses a complete UTF-8 text (NUL at text[len]) into ds. */
hoshi_err hi_csv_parse_memory(hoshi_dataset *ds, const char *name, const char *text, size_t len);

#endif
