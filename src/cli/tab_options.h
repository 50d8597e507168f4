/*
 * tab_options.h — the mini-languages of `hoshi tab` and `hoshi gt`
 * (--head, --where, --net, --recode, --bands, --top-box), parsed into
 * the typed hoshi_tab_spec of include/hoshi/survey.h.  The syntax and its
 * messages are the CLI's; what the names and codes mean (does the
 * variable exist, is 3 one of its codes) the engine checks in
 * hoshi_tab_run().  Self-contained (public API only), so the fuzz target
 * tests/fuzz/fuzz_options.c can include it.
 */
#ifndef HOSHI_CLI_TAB_OPTIONS_H
#define HOSHI_CLI_TAB_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/hoshi.h"

/* What the tab options of one command line gathered.  Everything is
 * owned by the struct (texts copied); free with tab_opts_free().  Start
 * from tab_opts_init(). */
typedef struct tab_opts {
    const char *side;    /* the last --side (the spec reads sides) */
    const char **sides;  /* every side entry: VAR or OUTER/INNER */
    size_t n_sides;
    hoshi_tab_cell cells[HOSHI_TAB_CELL_KINDS];
    size_t n_cells;
    const char **heads;
    size_t n_heads;
    hoshi_tab_where *wheres;
    size_t n_wheres;
    hoshi_tab_band *bands;
    size_t n_bands;
    hoshi_tab_net *nets;
    size_t n_nets;
    hoshi_tab_net *recodes;
    size_t n_recodes;
    bool sort;
    int top_box;
    void **own;          /* every block allocated for the above */
    size_t n_own;
    char msg[512];       /* why the last call failed */
} tab_opts;

/* Results of the parsers: TAB_OPT_BAD with msg saying what is wrong. */
enum { TAB_OPT_OK = 0, TAB_OPT_BAD = 1, TAB_OPT_NOMEM = 2 };

void tab_opts_init(tab_opts *o);
void tab_opts_free(tab_opts *o);

/* "VAR", "OUTER/INNER" or a list "A,B/C" of them; repeatable: the
 * entries stack as blocks of one banner. */
int tab_opts_side(tab_opts *o, const char *var);
/* "count,row,col": a non-empty list of cell kinds, each once. */
int tab_opts_cells(tab_opts *o, const char *list);
/* "A,B,C": each non-empty part a head; repeatable. */
int tab_opts_head(tab_opts *o, const char *list);
/* "VAR=v1,v2" or "VAR!=v1,v2"; values are numbers. */
int tab_opts_where(tab_opts *o, const char *text);
/* "LABEL=LO..HI;…", a bound may be left out (open). */
int tab_opts_bands(tab_opts *o, const char *text);
/* "VAR:LABEL=c1,c2" (a net, or with recode a recode). */
int tab_opts_net(tab_opts *o, const char *text, bool recode);
/* "N", 0..250. */
int tab_opts_top_box(tab_opts *o, const char *text);

/* The spec the options say (borrowing from o). */
hoshi_tab_spec tab_opts_spec(const tab_opts *o);

#endif
