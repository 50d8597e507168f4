/*
 * tab_fa.h — the free-answer options of `hoshi tab`: --list and its
 * companions (--attrs, --contains, --sort-by, --max-answers,
 * --show-bytes) and --coding VAR=FILE, gathered while the command line is
 * read and carried out on the opened dataset (tab_fa.c).
 */
#ifndef HOSHI_CLI_TAB_FA_H
#define HOSHI_CLI_TAB_FA_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/hoshi.h"

#define TAB_FA_MAX 64   /* --attrs and --coding values */

typedef struct tab_fa_opts {
    const char *list;
    char *attrs[TAB_FA_MAX];
    size_t n_attrs;
    const char *contains, *sort_by;
    size_t max_answers, show_bytes;
    char *coding_var[TAB_FA_MAX];
    const char *coding_file[TAB_FA_MAX];
    size_t n_coding;
    char msg[256];      /* why the last call failed */
} tab_fa_opts;

/* The options, in the order of their getopt codes from `first`. */
enum { TAB_FA_LIST, TAB_FA_ATTRS, TAB_FA_CONTAINS, TAB_FA_SORT_BY, TAB_FA_MAX_ANSWERS,
       TAB_FA_SHOW_BYTES, TAB_FA_CODING, TAB_FA_N };

void tab_fa_init(tab_fa_opts *o);
void tab_fa_free(tab_fa_opts *o);
/* Takes option `which` (TAB_FA_*) with its value; false with o->msg. */
bool tab_fa_option(tab_fa_opts *o, int which, const char *value);
/* Codes the FA questions --coding names; an exit status. */
int tab_fa_code(const char *cmd, hoshi_dataset *ds, const tab_fa_opts *o);
/* The listing --list asks for, written to out (stdout when NULL or "-");
 * an exit status. */
int tab_fa_list(const char *cmd, const hoshi_dataset *ds, const tab_fa_opts *o,
                const hoshi_tab_spec *spec, hoshi_tab_format fmt,
                const hoshi_fa_render_opts *ro, const char *out);

#endif
