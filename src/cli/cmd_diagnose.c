/*
 * cmd_diagnose.c — `hoshi diagnose`: the 25-item self-diagnosis, either
 * interactive (one item at a time, resumable) or from given answers, with
 * the report as text, JSON or printable HTML.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: hoshi diagnose [options]\n"
    "\n"
    "Takes the 25-item information-security self-diagnosis and prints the\n"
    "result: score, rating, part subtotals, items to follow up and a\n"
    "prioritised action plan.  Without --answers or --answers-file the check\n"
    "is interactive: one item at a time; b goes back, q saves and quits, and\n"
    "the next run offers to resume.\n"
    "\n"
    "options:\n"
    "  --answers LIST        25 comma-separated codes: 1 implemented,\n"
    "                        2 partly, 3 not implemented, 4 don't know\n"
    "  --answers-file FILE   the same codes from a file (commas or newlines)\n"
    "  --format FMT          text (default), json or html (a printable page)\n"
    "  --lang LANG           ja (default) or en\n"
    "  --org NAME            organisation name shown in the report\n"
    "  --date YYYY-MM-DD     date shown in the report (default: today)\n"
    "  --out FILE            write the report to FILE instead of standard output\n"
    "  --state FILE          where interactive progress is saved (default:\n"
    "                        $XDG_STATE_HOME/hoshi/diagnose.state)\n"
    "  --data-dir DIR        hoshi's data directory\n"
    "  -h, --help            show this help\n"
    "\n"
    "exit status: 0 done (or progress saved on quit), 1 failure, 2 bad usage or input\n";

#define ANSWERS_FILE_MAX 4096

enum { O_ANSWERS = 256, O_ANSWERS_FILE, O_FORMAT, O_LANG, O_ORG, O_DATE, O_OUT, O_STATE, O_DATA };

static char *default_state_path(void)
{
    const char *xdg = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    const char *fmt = xdg != NULL && *xdg ? "%s/hoshi/diagnose.state" : "%s/.local/state/hoshi/diagnose.state";
    const char *base = xdg != NULL && *xdg ? xdg : home;
    if (base == NULL || *base == '\0')
        return NULL;
    size_t n = strlen(base) + 40;
    char *p = malloc(n);
    if (p != NULL)
        snprintf(p, n, fmt, base);
    return p;
}

int cmd_diagnose(int argc, char **argv)
{
    static const struct option opts[] = {
        {"answers", required_argument, NULL, O_ANSWERS},
        {"answers-file", required_argument, NULL, O_ANSWERS_FILE},
        {"format", required_argument, NULL, O_FORMAT},
        {"lang", required_argument, NULL, O_LANG},
        {"org", required_argument, NULL, O_ORG},
        {"date", required_argument, NULL, O_DATE},
        {"out", required_argument, NULL, O_OUT},
        {"state", required_argument, NULL, O_STATE},
        {"data-dir", required_argument, NULL, O_DATA},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *answers_text = NULL, *answers_file = NULL, *format = "text", *lang_s = "ja";
    const char *org = NULL, *date_s = NULL, *out = NULL, *state = NULL, *datadir = NULL;
    int rc = EXIT_USAGE;
    char *file_text = NULL, *state_default = NULL;
    hoshi_catalog *cat = NULL;
    char *report = NULL;

    opterr = 0;
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case O_ANSWERS: answers_text = optarg; break;
        case O_ANSWERS_FILE: answers_file = optarg; break;
        case O_FORMAT: format = optarg; break;
        case O_LANG: lang_s = optarg; break;
        case O_ORG: org = optarg; break;
        case O_DATE: date_s = optarg; break;
        case O_OUT: out = optarg; break;
        case O_STATE: state = optarg; break;
        case O_DATA: datadir = optarg; break;
        case 'h': fputs(help, stdout); return EXIT_OK;
        case ':': return cli_usage_error("diagnose", "option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error("diagnose", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("diagnose", "unexpected argument '%s'", argv[optind]);
    if (answers_text != NULL && answers_file != NULL)
        return cli_usage_error("diagnose", "give either --answers or --answers-file, not both");

    hoshi_lang lang;
    hoshi_report_format fmt;
    hoshi_err err;
    if ((err = hoshi_lang_parse(lang_s, &lang)) != HOSHI_OK ||
        (err = hoshi_report_format_parse(format, &fmt)) != HOSHI_OK)
        return cli_lib_error("diagnose", err);
    hoshi_date date = hoshi_date_today();
    if (date_s != NULL && (err = hoshi_date_parse(date_s, &date)) != HOSHI_OK)
        return cli_lib_error("diagnose", err);
    if (org != NULL && (err = hoshi_text_check("org", org, HOSHI_POLICY_FIELD_MAX, true)) != HOSHI_OK)
        return cli_lib_error("diagnose", err);

    hoshi_answer answers[HOSHI_DIAG_ITEMS];
    if (answers_file != NULL) {
        if ((rc = cli_read_file("diagnose", answers_file, ANSWERS_FILE_MAX, &file_text)) != EXIT_OK)
            goto done;
        answers_text = file_text;
    }
    if (answers_text != NULL && (err = hoshi_diag_parse_answers(answers_text, answers)) != HOSHI_OK) {
        rc = cli_lib_error("diagnose", err);
        goto done;
    }
    if ((err = hoshi_catalog_open(datadir, lang, &cat)) != HOSHI_OK) {
        rc = cli_lib_error("diagnose", err);
        goto done;
    }
    if (answers_text == NULL) {
        if (state == NULL)
            state = state_default = default_state_path();
        bool quit = false;
        rc = cli_interactive(cat, state, answers, &quit);
        if (rc != EXIT_OK || quit)
            goto done;
    }
    char date_text[64];
    hoshi_report_opts ro = {org, hoshi_date_format(date, lang, date_text, sizeof date_text)};
    size_t len = 0;
    if ((err = hoshi_report_render(cat, answers, fmt, &ro, &report, &len)) != HOSHI_OK) {
        rc = cli_lib_error("diagnose", err);
        goto done;
    }
    rc = cli_write_output("diagnose", out, report, len);

done:
    free(report);
    hoshi_catalog_free(cat);
    free(file_text);
    free(state_default);
    return rc;
}
