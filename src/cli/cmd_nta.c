/*
 * cmd_nta.c — `hoshi nta import`: reads the National Tax Agency's bulk
 * file of corporate numbers (CSV, Unicode edition) line by line and hands
 * the records to the store, which writes all of them or none.  The glue
 * between a file (lines, their numbers, a cap on both) and the parser and
 * store of the library, which know nothing of files.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char help[] =
    "usage: hoshi nta import --db DB [--data-dir DIR] FILE\n"
    "\n"
    "Imports the National Tax Agency's register of corporate numbers\n"
    "(法人番号公表サイト, 全件データ or 差分データ, CSV, Unicode edition:\n"
    "FILE is the .zip as published or the .csv in it) into the database of\n"
    "'hoshi serve', which then checks the 法人番号 of every declaration\n"
    "against it.  Every line is checked; the first bad one is reported as\n"
    "FILE:LINE and nothing is imported.  A number's newest record wins, so\n"
    "importing a file again, or an older one after a newer one, changes\n"
    "nothing.\n"
    "\n"
    "options:\n"
    "  --db DB                 the database of 'hoshi serve' (required)\n"
    "  --data-dir DIR          hoshi's data directory, as given to 'hoshi serve'\n"
    "                          (default $HOSHI_DATA_DIR, else the installed one)\n"
    "  -h, --help              show this help\n"
    "\n"
    "exit status: 0 done, 1 failure, 2 bad usage or input\n";

/* Far above the agency's whole file (about 5.5 million numbers). */
#define NTA_LINES_MAX 20000000L

static hoshi_err next_record(void *ctx, hoshi_nta_corp *out, bool *end)
{
    hoshi_nta_file *f = ctx;
    if (hoshi_nta_file_line(f) >= NTA_LINES_MAX)
        return HOSHI_ERR_LIMIT;
    return hoshi_nta_file_next(f, out, end);
}

static int import(const char *db, const char *datadir, const char *path)
{
    if (cli_db_missing("nta", db))
        return EXIT_USAGE;
    hoshi_nta_file *f;
    hoshi_err err = hoshi_nta_file_open(path, &f);
    if (err != HOSHI_OK)
        return cli_input_error("nta", err);
    hoshi_store *s;
    if ((err = cli_store_open(db, datadir, &s)) != HOSHI_OK) {
        hoshi_nta_file_close(f);
        return cli_input_error("nta", err);
    }
    hoshi_nta_import_result res;
    err = hoshi_store_nta_import(s, next_record, f, &res);
    long line = hoshi_nta_file_line(f);
    hoshi_store_close(s);
    hoshi_nta_file_close(f);
    if (err == HOSHI_OK) {
        printf("imported %lld records from %s: %lld kept, %lld older states left out, %lld deleted;"
               " data of %s\n", res.read, path, res.kept, res.history, res.deleted,
               res.data_date[0] ? res.data_date : "(none)");
        return EXIT_OK;
    }
    if (err == HOSHI_ERR_LIMIT && line >= NTA_LINES_MAX)
        fprintf(stderr, "hoshi nta: %s: more than %ld lines; nothing imported\n", path, NTA_LINES_MAX);
    else if (err == HOSHI_ERR_INPUT || err == HOSHI_ERR_LIMIT || err == HOSHI_ERR_IO)
        fprintf(stderr, "hoshi nta: %s:%ld: %s; nothing imported\n", path, line,
                hoshi_error_detail()[0] ? hoshi_error_detail() : hoshi_error_message(err));
    else
        return cli_lib_error("nta", err);
    return cli_exit_status(err, true);
}

int cmd_nta(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"data-dir", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fputs(help, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (strcmp(argv[1], "import") != 0)
        return cli_usage_error("nta", "unknown action '%s' (try: hoshi nta import --help)", argv[1]);
    const char *db = NULL, *datadir = NULL;
    optind = 2;
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'd': db = optarg; break;
        case 'D': datadir = optarg; break;
        case 'h': fputs(help, stdout); return EXIT_OK;
        case ':': return cli_usage_error("nta", "option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error("nta", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (db == NULL)
        return cli_usage_error("nta", "--db DB is required");
    if (argc - optind != 1)
        return cli_usage_error("nta", "one FILE (.csv or .zip) is required");
    return import(db, datadir, argv[optind]);
}
