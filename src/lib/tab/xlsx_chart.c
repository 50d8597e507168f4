/*
 * xlsx_chart.c — a native Excel chart on each table sheet of a workbook,
 * of the kind the table's SVG chart has (hi_tab_chart_kind, chart.c): 100%
 * stacked bars of the answers per row (SA by a side) or per item (GRID),
 * clustered bars of the rows per answer (MA by a side), plain bars of the
 * total row (a simple tabulation) or of the mean per row (NUM).  The
 * series are ranges of the sheet's own cells, so the chart shows what the
 * table shows (and follows it when an analyst edits a number); categories
 * run top to bottom in the table's order.  The chart sits right of the
 * table, tall enough for its bars.
 */
#include "tab/xlsx_chart.h"
#include "tab/tab_int.h"

#include <stdio.h>

/* Where the table lies on its sheet. */
typedef struct layout {
    char sheet[80];         /* the sheet's name quoted for a formula: '1_Q2' */
    lxw_row_t head;         /* the header row; table row r is head + 1 + r */
    lxw_col_t first;        /* the column of the table's first cell (after N) */
} layout;

/* The sheet name in quotes, quotes in it doubled: libxlsxwriter would leave
 * a name that starts with a digit (1_Q2) bare, which Excel does not read. */
static void quote_sheet(layout *l, const char *name)
{
    size_t k = 0;
    l->sheet[k++] = '\'';
    for (; *name && k < sizeof l->sheet - 4; name++) {
        if (*name == '\'')
            l->sheet[k++] = '\'';
        l->sheet[k++] = *name;
    }
    l->sheet[k++] = '\'';
    l->sheet[k] = '\0';
}

static lxw_row_t row_of(const layout *l, size_t r)
{
    return (lxw_row_t)(l->head + 1 + r);
}

static lxw_col_t col_of(const layout *l, size_t c)
{
    return (lxw_col_t)(l->first + c);
}

/* "='sheet'!$C$5:$H$5": the formula of a range of the sheet. */
typedef struct formula {
    char s[160];
} formula;

static formula range(const layout *l, lxw_row_t r0, lxw_col_t c0, lxw_row_t r1, lxw_col_t c1)
{
    formula f;
    char cells[64];
    if (r0 == r1 && c0 == c1)
        lxw_rowcol_to_cell_abs(cells, r0, c0, 1, 1);
    else
        lxw_rowcol_to_range_abs(cells, r0, c0, r1, c1);
    snprintf(f.s, sizeof f.s, "=%s!%s", l->sheet, cells);
    return f;
}

/* A series of the chart (categories, values and name as ranges); NULL
 * when libxlsxwriter ran out of memory. */
static lxw_chart_series *series(lxw_chart *ch, formula cats, formula vals, formula name, bool *ok)
{
    lxw_chart_series *s = *ok ? chart_add_series(ch, cats.s, vals.s) : NULL;
    *ok = s != NULL;
    if (s != NULL)
        chart_series_set_name(s, name.s);
    return s;
}

/* A series per column: its values down the rows [r0, r1]. */
static void by_column(lxw_chart *ch, const layout *l, const hi_table *t, size_t r0, size_t r1,
                      bool *ok)
{
    for (size_t c = 0; c < t->n_cols && *ok; c++) {
        if (!hi_tab_chart_stacks(t, c))
            continue;
        lxw_chart_series *s =
            series(ch, range(l, row_of(l, r0), 0, row_of(l, r1), 0),
                   range(l, row_of(l, r0), col_of(l, c), row_of(l, r1), col_of(l, c)),
                   range(l, l->head, col_of(l, c), l->head, col_of(l, c)), ok);
        if (s != NULL)
            chart_series_set_labels(s);
    }
}

/* A series per row: its values across the columns. */
static void by_row(lxw_chart *ch, const layout *l, const hi_table *t, size_t n_rows, bool *ok)
{
    lxw_col_t last = col_of(l, t->n_cols - 1);
    for (size_t r = 0; r < n_rows && *ok; r++) {
        lxw_chart_series *s = series(ch, range(l, l->head, col_of(l, 0), l->head, last),
                                     range(l, row_of(l, r), col_of(l, 0), row_of(l, r), last),
                                     range(l, row_of(l, r), 0, row_of(l, r), 0), ok);
        if (s != NULL && n_rows == 1)
            chart_series_set_labels(s);
    }
}

/* The mean of each row (the first cell of a NUM table is the mean). */
static void means(lxw_chart *ch, const layout *l, const hi_table *t, bool *ok)
{
    lxw_col_t c = col_of(l, HI_ST_MEAN - 1);
    lxw_row_t last = row_of(l, t->n_rows - 1);
    lxw_chart_series *s = series(ch, range(l, row_of(l, 0), 0, last, 0),
                                 range(l, row_of(l, 0), c, last, c), range(l, l->head, c, l->head, c),
                                 ok);
    if (s == NULL)
        return;
    chart_series_set_labels(s);
    chart_series_set_labels_num_format(s, "0.0");
}

lxw_error hi_xlsx_chart(lxw_workbook *wb, lxw_worksheet *ws, const hi_table *t,
                        lxw_row_t header_row)
{
    hi_chart_kind k = hi_tab_chart_kind(t);
    if (k != HI_CHART_MEAN && t->n_cols == 0)
        return LXW_NO_ERROR;
    lxw_chart *ch = workbook_add_chart(wb, k == HI_CHART_STACKED ? LXW_CHART_BAR_STACKED_PERCENT
                                                                 : LXW_CHART_BAR);
    if (ch == NULL)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    layout l = {"", header_row, 2};
    quote_sheet(&l, ws->name);
    bool ok = true;
    size_t bars = t->n_rows;
    switch (k) {
    case HI_CHART_STACKED:
        by_column(ch, &l, t, t->grid ? 1 : 0, t->n_rows - 1, &ok);
        bars = t->n_rows - (t->grid ? 1 : 0);
        break;
    case HI_CHART_GROUPED:
        by_row(ch, &l, t, t->n_rows, &ok);
        bars = t->n_rows * t->n_cols;
        break;
    case HI_CHART_BARS:
        by_row(ch, &l, t, 1, &ok);
        bars = t->n_cols;
        break;
    case HI_CHART_MEAN: means(ch, &l, t, &ok); break;
    }
    if (!ok)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    char title[HI_TAB_MAX_LABEL * 2 + 8];
    snprintf(title, sizeof title, "%s %s", t->id, t->title);
    chart_title_set_name(ch, title);
    /* bar charts list categories bottom up: reversed, they read as the table */
    chart_axis_set_reverse(ch->y_axis);
    if (k == HI_CHART_BARS || k == HI_CHART_GROUPED) {
        chart_axis_set_min(ch->x_axis, 0);
        chart_axis_set_max(ch->x_axis, 100);
    }
    if (k == HI_CHART_BARS || k == HI_CHART_MEAN)
        chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
    else
        chart_legend_set_position(ch, LXW_CHART_LEGEND_TOP);
    double tall = 0.6 + 0.07 * (double)bars;
    lxw_chart_options where = {.x_offset = 10, .y_offset = 0, .x_scale = 1.6,
                               .y_scale = tall < 1 ? 1 : tall > 6 ? 6 : tall};
    lxw_col_t right = (lxw_col_t)(l.first + (t->num ? HI_ST_COUNT - 1 : t->n_cols) + 1);
    return worksheet_insert_chart_opt(ws, header_row, right, ch, &where);
}
