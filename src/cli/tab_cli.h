/*
 * tab_cli.h — the option handling of `hoshi tab` as one function that
 * applies one `--name value` to the state of a command line, so that a
 * table book (cmd_book.c) builds each table's state through exactly the
 * code the command line uses: an option added to `hoshi tab` works in a
 * book with no code of its own.
 */
#ifndef HOSHI_CLI_TAB_CLI_H
#define HOSHI_CLI_TAB_CLI_H

#include <stdbool.h>

#include "tab_options.h"
#include "tab_weight.h"

/* Everything the options of `hoshi tab` set.  Borrowed texts point into
 * argv (or the book); tab_opts owns its copies.  Start from
 * tab_cli_init(), end with tab_cli_free(). */
typedef struct tab_cli {
    tab_opts to;
    const char *codebook, *data, *format, *chart, *enc_s, *enc_out, *out, *lang_s;
    const char *datadir;    /* --data-dir: hoshi's data directory (NULL: the default) */
    const char *stats_s, *sig_level_s, *correction_s;   /* --stats, --sig-level, --correction */
    tab_wopts wo;       /* --weight, --rake and the raking options */
    bool sig, bom;
} tab_cli;

void tab_cli_init(tab_cli *c);
void tab_cli_free(tab_cli *c);

/* Results of tab_cli_apply_name besides the TAB_OPT_* of tab_options.h. */
enum { TAB_CLI_UNKNOWN = 10, TAB_CLI_FLAG = 11, TAB_CLI_NEEDS_VALUE = 12 };

/* Applies option --name (without the dashes) with value (NULL for a flag)
 * to c, as `hoshi tab` does: TAB_OPT_OK; TAB_OPT_BAD with the option's own
 * message in c->to.msg; TAB_OPT_NOMEM; TAB_CLI_UNKNOWN (no such option);
 * TAB_CLI_FLAG (a value given to a flag); TAB_CLI_NEEDS_VALUE. */
int tab_cli_apply_name(tab_cli *c, const char *name, const char *value);

/* Whether --name is an option of `hoshi tab`: -1 no, -2 one a book's table
 * cannot take (a run of its own: help, free answers, the rake report,
 * saved weights), 0 a flag, 1 one taking a value. */
int tab_cli_option_kind(const char *name);

/* Checks the options of c together once all are applied: TAB_OPT_OK, or
 * TAB_OPT_BAD with the message in c->to.msg (--weight with --rake, …). */
int tab_cli_check(tab_cli *c);

/* Runs the tabulation the options of c ask for on ds, weighted by w, or
 * when w is NULL by the weights c's --weight or --rake make (a book's
 * table: the rake report is not kept). */
hoshi_err tab_cli_run(const tab_cli *c, const hoshi_dataset *ds, const hoshi_weights *w,
                      hoshi_tabset **out);

#endif
