/*
 * side.h — the side of a run's tables as rows and blocks (see side.c):
 * several side variables stacked, a nested OUTER/INNER banner, and the
 * hidden rows that hold the column bases when column % is asked.
 */
#ifndef HOSHI_TAB_SIDE_H
#define HOSHI_TAB_SIDE_H

#include "tab/tab.h"

typedef struct hi_sides {
    hi_side sd;             /* rows: the total, the shown rows, then the hidden ones */
    size_t n_shown;         /* rows shown, the total included */
    hi_var *vars;           /* every side variable, outer before inner */
    size_t n_vars;
    hi_block *blocks;       /* labels borrowed from own */
    size_t n_blocks;
    const char *title;      /* "Q2 規模, Q1 業種 / Q3 地域"; NULL without a side */
    bool banner;            /* several entries or a nested one */
    const char *banded;     /* the NUM side --bands went to */
    uint8_t cells[HOSHI_TAB_CELL_KINDS];
    size_t n_cells;
    bool col;               /* column % asked: the hidden rows exist */
    char **own;             /* composed labels and titles */
    size_t n_own;
} hi_sides;

/* Opens the sides of spec within filter (borrowed: row 0's bits, not
 * freed here).  On failure S holds what was made; free it with
 * hi_sides_free() either way. */
hoshi_err hi_sides_open(hi_sides *S, const hoshi_dataset *ds, const hoshi_tab_spec *spec,
                        uint64_t *filter);
/* Whether question q is itself one of the sides (ALL leaves it out). */
bool hi_sides_has(const hi_sides *S, const hi_question *q);
/* A table built over S's rows: hides the hidden rows and gives it the
 * blocks (labels copied), the banner flag and the cell kinds. */
hoshi_err hi_sides_table(const hi_sides *S, hi_table *t);
void hi_sides_free(hi_sides *S);

#endif
