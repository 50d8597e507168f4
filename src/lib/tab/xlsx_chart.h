/*
 * xlsx_chart.h — a native Excel chart beside a table sheet (xlsx_chart.c).
 */
#ifndef HOSHI_TAB_XLSX_CHART_H
#define HOSHI_TAB_XLSX_CHART_H

#include <xlsxwriter.h>

#include "tab/table.h"

/* Adds to ws (a sheet of wb laid out by xlsx.c: the header row at
 * header_row, then row r of t below it; labels in column A, N in B, the
 * cells of t from C) the chart of t, of the kind its SVG chart has, its
 * series reading those cells, placed right of the table.  Returns the
 * first error libxlsxwriter reported. */
lxw_error hi_xlsx_chart(lxw_workbook *wb, lxw_worksheet *ws, const hi_table *t,
                        lxw_row_t header_row);

#endif
