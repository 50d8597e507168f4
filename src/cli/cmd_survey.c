/*
 * cmd_survey.c — `hoshi survey SUBCOMMAND`: questionnaire definitions
 * (check, codebook) and, added by the store's commands, the surveys of a
 * database.  The subcommands are a table: a new one is a function and a
 * row, with its line in the help.  Everything is computed before anything
 * is written, so bad input leaves stdout untouched.
 */
#include "cli.h"
#include "survey_db.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char survey_help[] =
    "usage: hoshi survey check DEF\n"
    "       hoshi survey codebook DEF [--lang ja|en] [--out FILE]\n"
    "       hoshi survey create|invite|close|export|list --db DB ...\n"
    "\n"
    "Questionnaires in XLSForm: DEF is an .xlsx workbook (sheets survey, choices,\n"
    "settings) or a directory holding survey.csv, choices.csv and settings.csv.\n"
    "\n"
    "  check       validate DEF; prints a one-line summary, or sheet:row:column: message\n"
    "  codebook    print the codebook.csv of DEF (qid,type,code,label) for 'hoshi tab';\n"
    "              labels in --lang (default: the form's default language),\n"
    "              to --out FILE (written whole or not at all) or standard output\n"
    "  create, invite, close, export, list: the surveys of a database\n"
    "              (hoshi survey create --help tells more)\n"
    "\n"
    "exit status: 0 done, 1 failure, 2 bad usage or bad definition\n";

/* Parses [--lang L] [--out FILE] (when out is not NULL) and exactly one
 * DEF, and loads DEF into *f; returns EXIT_OK, an exit status, or -1 when
 * the help was asked for (and printed).  *lang is the form's default
 * language unless --lang is given. */
static int open_def(const char *cmd, int argc, char **argv, const char **out, hoshi_form **f,
                    hoshi_lang *lang)
{
    static const struct option opts[] = {
        {"lang", required_argument, NULL, 'l'},
        {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool have_lang = false;
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 'h': fputs(survey_help, stdout); return -1;
        case 'o':
            if (out == NULL)
                return cli_usage_error(cmd, "unknown option '--out'");
            *out = optarg;
            break;
        case 'l':
            if (out == NULL)
                return cli_usage_error(cmd, "unknown option '--lang'");
            if (hoshi_lang_parse(optarg, lang) != HOSHI_OK)
                return cli_usage_error(cmd, "--lang takes ja or en, not '%s'", optarg);
            have_lang = true;
            break;
        case ':': return cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error(cmd, optind >= argc ? "a definition (DEF) is needed"
                                                   : "one definition (DEF) only");
    hoshi_err err = hoshi_form_load(argv[optind], f);
    if (err != HOSHI_OK)
        return cli_input_error(cmd, err);
    if (!have_lang)
        *lang = hoshi_form_default_lang(*f);
    return EXIT_OK;
}

static int survey_check(int argc, char **argv)
{
    hoshi_form *f = NULL;
    hoshi_lang lang;
    int rc = open_def("survey check", argc, argv, NULL, &f, &lang);
    if (rc != EXIT_OK)
        return rc < 0 ? EXIT_OK : rc;
    size_t pages = hoshi_form_page_count(f);
    printf("%s: %zu questions on %zu page%s\n", hoshi_form_id(f), hoshi_form_question_count(f),
           pages, pages == 1 ? "" : "s");
    hoshi_form_free(f);
    return EXIT_OK;
}

static int survey_codebook(int argc, char **argv)
{
    const char *cmd = "survey codebook", *out = NULL;
    hoshi_form *f = NULL;
    hoshi_lang lang = HOSHI_LANG_JA;
    int rc = open_def(cmd, argc, argv, &out, &f, &lang);
    if (rc != EXIT_OK)
        return rc < 0 ? EXIT_OK : rc;
    hoshi_buf b = HOSHI_BUF_INIT;
    hoshi_err err = hoshi_form_codebook(f, lang, &b);
    hoshi_form_free(f);
    if (err != HOSHI_OK) {
        hoshi_buf_free(&b);
        return cli_lib_error(cmd, err);
    }
    return cli_write_buf(cmd, out, &b);
}

typedef struct subcommand {
    const char *name;
    int (*run)(int argc, char **argv);
} subcommand;

static const subcommand subcommands[] = {
    {"check", survey_check},
    {"codebook", survey_codebook},
    {"create", survey_create},
    {"invite", survey_invite},
    {"close", survey_close},
    {"export", survey_export},
    {"list", survey_list},
};

int cmd_survey(int argc, char **argv)
{
    if (argc < 2) {
        fputs(survey_help, stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(survey_help, stdout);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
        if (strcmp(subcommands[i].name, argv[1]) == 0)
            return subcommands[i].run(argc - 1, argv + 1);
    return cli_usage_error("survey", "unknown subcommand '%s' (check, codebook, create, invite, close, export, list)", argv[1]);
}
