/*
 * form_cols.h — the column map of an XLSForm sheet (form_columns.c), used
 * by the form parser: where each known column is, per language for texts.
 */
#ifndef HOSHI_SURVEY_FORM_COLS_H
#define HOSHI_SURVEY_FORM_COLS_H

#include "survey/form_int.h"

typedef enum hi_col {
    HI_C_TYPE = 0, HI_C_NAME, HI_C_LABEL, HI_C_HINT, HI_C_REQUIRED, HI_C_RELEVANT,
    HI_C_CONSTRAINT, HI_C_CMSG, HI_C_APPEARANCE, HI_C_LIST, HI_C_FORM_ID, HI_C_FORM_TITLE,
    HI_C_VERSION, HI_C_DEFLANG, HI_C_COUNT
} hi_col;

typedef struct hi_cols {
    size_t col[HI_C_COUNT];           /* plain columns; HI_FORM_NONE when absent */
    size_t lang[HI_C_COUNT][HI_LANGS]; /* text columns per language (plain = default) */
} hi_cols;

/* A language name as XLSForm writes it ("日本語 (ja)", "English (en)",
 * "ja"); HOSHI_ERR_INPUT (no detail) when it is neither ja nor en. */
hoshi_err hi_lang_name(const char *s, hoshi_lang *out);
/* Maps the header of sheet s (HI_SH_*); unknown or duplicate columns fail. */
hoshi_err hi_cols_map(const hi_sheet *s, int sheet, hoshi_lang deflang, hi_cols *m);
/* Fails when text column c has language columns but none for deflang. */
hoshi_err hi_cols_check_default(const hi_sheet *s, const hi_cols *m, hi_col c, hoshi_lang deflang);
/* The texts of column c in row (copies; NULL where empty). */
hoshi_err hi_cols_text(const hi_sheet *s, const hi_cols *m, hi_col c, size_t row, hi_text *out);
/* The cell of plain column c in row ("" when the column is absent). */
const char *hi_cols_cell(const hi_sheet *s, const hi_cols *m, hi_col c, size_t row);

#endif
