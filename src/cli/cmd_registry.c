/*
 * cmd_registry.c — `hoshi registry export`: the registry and the latest
 * self-diagnoses as a survey dataset (codebook.csv + data.csv in the
 * format of hoshi tab), so the operator's figures of the platform's own
 * data come from the same engine as any survey.  The glue between the
 * store (which reads the rows) and the dataset writer (which knows
 * nothing of the store).  The pair is written all or nothing
 * (cli_write_pair).
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: hoshi registry export --db DB --out DIR [options]\n"
    "\n"
    "Writes the registry as survey data: DIR/codebook.csv and DIR/data.csv,\n"
    "one row per organisation that has declared (in force or withdrawn),\n"
    "with its declaration level, employees, industry, prefecture, latest\n"
    "self-diagnosis score, declaration status and month, whether it stepped\n"
    "up from ★ to ★★, and its latest self-diagnosis (DIAG).  'hoshi tab'\n"
    "reads the pair as it is, e.g. --side DPREF --head DLEVEL, or\n"
    "--head DIAG:band.  Both files are written, or neither.\n"
    "\n"
    "options:\n"
    "  --db DB                 the database of 'hoshi serve' (required)\n"
    "  --out DIR               the directory to write to (required; made if\n"
    "                          missing)\n"
    "  --encoding ENC          utf-8 (default) or cp932\n"
    "  --lang LANG             ja (default) or en: the labels of the codebook\n"
    "  --data-dir DIR          hoshi's data directory\n"
    "  -h, --help              show this help\n"
    "\n"
    "exit status: 0 done, 1 failure, 2 bad usage or input\n";

enum { O_DB = 256, O_OUT, O_ENC, O_LANG, O_DATA };

static hoshi_err add_row(const hoshi_registry_row *row, void *ctx)
{
    return hoshi_registry_data_add(ctx, row);
}

/* Reads every row from the store at db_path into w. */
static int read_rows(const char *db_path, const char *datadir, hoshi_registry_data *w)
{
    if (cli_db_missing("registry", db_path))
        return EXIT_USAGE;
    hoshi_store *s;
    hoshi_err err = cli_store_open(db_path, datadir, &s);
    if (err != HOSHI_OK)
        return cli_input_error("registry", err);
    err = hoshi_store_registry_rows(s, add_row, w);
    hoshi_store_close(s);
    return err == HOSHI_OK ? EXIT_OK : cli_lib_error("registry", err);
}

static int export(const char *db, const char *dir, hoshi_encoding enc, hoshi_lang lang,
                  const char *datadir)
{
    hoshi_attrs *attrs = NULL;
    hoshi_catalog *cat = NULL;
    hoshi_registry_data *w = NULL;
    char *cb = NULL, *data = NULL;
    size_t cb_len, data_len;
    int rc;
    hoshi_err err;
    if ((err = hoshi_attrs_open(datadir, lang, &attrs)) != HOSHI_OK ||
        (err = hoshi_catalog_open(datadir, lang, &cat)) != HOSHI_OK ||
        (err = hoshi_registry_data_new(attrs, cat, &w)) != HOSHI_OK) {
        rc = cli_lib_error("registry", err);
        goto free_all;
    }
    if ((rc = read_rows(db, datadir, w)) != EXIT_OK)
        goto free_all;
    if ((err = hoshi_registry_data_finish(w, enc, &cb, &cb_len, &data, &data_len)) != HOSHI_OK) {
        rc = cli_lib_error("registry", err);
        goto free_all;
    }
    rc = cli_write_pair("registry", dir, cb, cb_len, data, data_len);
free_all:
    free(cb);
    free(data);
    hoshi_registry_data_free(w);
    hoshi_catalog_free(cat);
    hoshi_attrs_free(attrs);
    return rc;
}

int cmd_registry(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, O_DB},
        {"out", required_argument, NULL, O_OUT},
        {"encoding", required_argument, NULL, O_ENC},
        {"lang", required_argument, NULL, O_LANG},
        {"data-dir", required_argument, NULL, O_DATA},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(help, stdout);
        return EXIT_OK;
    }
    if (argc < 2)
        return cli_usage_error("registry", "missing subcommand (export)");
    if (strcmp(argv[1], "export") != 0)
        return cli_usage_error("registry", "unknown subcommand '%s' (expected export)", argv[1]);
    const char *db = NULL, *out = NULL, *enc_s = "utf-8", *lang_s = "ja", *datadir = NULL;
    opterr = 0;
    optind = 2;
    int ch;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case O_DB: db = optarg; break;
        case O_OUT: out = optarg; break;
        case O_ENC: enc_s = optarg; break;
        case O_LANG: lang_s = optarg; break;
        case O_DATA: datadir = optarg; break;
        case 'h': fputs(help, stdout); return EXIT_OK;
        case ':': return cli_usage_error("registry", "option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error("registry", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("registry", "unexpected argument '%s'", argv[optind]);
    if (db == NULL)
        return cli_usage_error("registry", "--db is required");
    if (out == NULL)
        return cli_usage_error("registry", "--out is required");
    hoshi_encoding enc;
    if (hoshi_encoding_parse(enc_s, &enc) != HOSHI_OK || enc == HOSHI_ENC_AUTO)
        return cli_usage_error("registry", "--encoding must be utf-8 or cp932, not '%s'", enc_s);
    hoshi_lang lang;
    if (hoshi_lang_parse(lang_s, &lang) != HOSHI_OK)
        return cli_usage_error("registry", "--lang must be ja or en, not '%s'", lang_s);
    return export(db, out, enc, lang, datadir);
}
