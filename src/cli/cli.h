/*
 * cli.h — what the subcommands of the hoshi command share: exit codes,
 * error printing and all-or-nothing output.  The CLI is a thin client of
 * the public libhoshi API.
 */
#ifndef HOSHI_CLI_H
#define HOSHI_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/hoshi.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* Prints "hoshi CMD: message" to stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The exit status of a library error (util.c holds the one map): 2 for
 * what the user can fix (bad usage or input, a cap), else 1.  reading: the
 * call was reading files the user named, so failing to read one is bad
 * input (2) rather than a failure (1). */
int cli_exit_status(hoshi_err err, bool reading);

/* Prints a library error (its detail, else its description) for cmd and
 * returns its exit status (cli_exit_status(err, false)). */
int cli_lib_error(const char *cmd, hoshi_err err);

/* The same for a call that reads the user's input files: returns
 * cli_exit_status(err, true). */
int cli_input_error(const char *cmd, hoshi_err err);

/* Writes data to path atomically (temporary file + rename), or to stdout
 * when path is NULL or "-".  Returns 0, or prints why and returns 1. */
int cli_write_output(const char *cmd, const char *path, const char *data, size_t len);

/* The same for the text built in b, which it frees in every case (a
 * buffer that failed while growing is reported, nothing written). */
int cli_write_buf(const char *cmd, const char *path, hoshi_buf *b);

/* Writes DIR/codebook.csv and DIR/data.csv, both or neither (DIR is
 * made when missing).  Returns 0, or prints why (as "hoshi CMD: …") and
 * returns the exit status. */
int cli_write_pair(const char *cmd, const char *dir, const char *cb, size_t cb_len, const char *data,
                   size_t data_len);

/* Reads a whole (small, at most max bytes) file; caller frees *out with
 * free().  Returns 0, or prints why and returns 2 (1 when out of memory). */
int cli_read_file(const char *cmd, const char *path, size_t max, char **out);

/* Opens the database of 'hoshi serve' at db (one connection) as serve
 * does: the legal forms of the search key are read from datadir first
 * (NULL: HOSHI_DATA_DIR, else the built-in data directory), so a command
 * writing names or migrating the schema keys them as the server would.
 * Errors as hoshi_namekey_default_dir and hoshi_store_open_sqlite. */
hoshi_err cli_store_open(const char *db, const char *datadir, hoshi_store **out);

/* Whether db names no database, said on stderr as "hoshi CMD: no database
 * at DB" (a typo must not make a new SQLite file).  A postgresql:// URL
 * is never missing here: opening it fails by itself when the database is
 * not there (PostgreSQL makes none), and the URL, which may hold a
 * password, is not printed. */
bool cli_db_missing(const char *cmd, const char *db);

/* Subcommands: each returns the process exit status. */
int cmd_diagnose(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_tab(int argc, char **argv);
int cmd_gt(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_book(int argc, char **argv);
int cmd_registry(int argc, char **argv);
int cmd_survey(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_keys(int argc, char **argv);
int cmd_nta(int argc, char **argv);

/* `hoshi serve`: the other front end, the web application, whose one
 * entry point this is (src/server/main.c; it parses its own options and
 * returns the exit status).  Declared here, not by including anything of
 * src/server/, so the CLI sees nothing else of the server. */
int srv_main(int argc, char **argv);

/* The interactive diagnosis: fills answers[] or returns with *quit set.
 * Returns 0, or an exit status on failure. */
int cli_interactive(const hoshi_catalog *c, const char *state_path,
                    hoshi_answer answers[HOSHI_DIAG_ITEMS], bool *quit);

#endif
