/*
 * tab_write.h — the outputs of `hoshi tab` written all or nothing
 * (tab_write.c).
 */
#ifndef HOSHI_CLI_TAB_WRITE_H
#define HOSHI_CLI_TAB_WRITE_H

#include "hoshi/survey.h"

/* Renders the tables of ts in fmt (to out, or standard output when out is
 * NULL or "-") and, when chart is not NULL, one SVG chart per table
 * (chart itself for one table, chart's name with -1 … -n before .svg for
 * several); writes them all or none.  Returns the exit status, having
 * said what went wrong. */
int tab_write(const char *cmd, const hoshi_tabset *ts, hoshi_tab_format fmt,
              const hoshi_tab_render_opts *ro, const char *out, const char *chart);

#endif
