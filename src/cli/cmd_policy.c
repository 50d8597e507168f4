/*
 * cmd_policy.c — `hoshi policy`: writes the information-security basic
 * policy for an organisation, in Japanese or English, as Markdown, HTML or
 * plain text.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static const char help[] =
    "usage: hoshi policy --org NAME --representative NAME [options]\n"
    "\n"
    "Writes an information-security basic policy (情報セキュリティ基本方針)\n"
    "for the organisation: a preamble, five numbered sections (management's\n"
    "responsibility, internal organisation, employees' duties, compliance,\n"
    "response to violations and incidents), and a closing with the date,\n"
    "organisation and representative.\n"
    "\n"
    "options:\n"
    "  --org NAME              organisation name (required)\n"
    "  --representative NAME   representative's title and name (required),\n"
    "                          e.g. \"代表取締役 山田太郎\"\n"
    "  --date YYYY-MM-DD       date the policy is established (default: today)\n"
    "  --contact TEXT          contact point for questions about the policy;\n"
    "                          adds a contact section\n"
    "  --format FMT            md (default), html (a printable page) or text\n"
    "  --lang LANG             ja (default) or en\n"
    "  --out FILE              write to FILE instead of standard output\n"
    "  --data-dir DIR          hoshi's data directory\n"
    "  -h, --help              show this help\n"
    "\n"
    "exit status: 0 done, 1 failure, 2 bad usage or input\n";

enum { O_ORG = 256, O_REP, O_DATE, O_CONTACT, O_FORMAT, O_LANG, O_OUT, O_DATA };

int cmd_policy(int argc, char **argv)
{
    static const struct option opts[] = {
        {"org", required_argument, NULL, O_ORG},
        {"representative", required_argument, NULL, O_REP},
        {"date", required_argument, NULL, O_DATE},
        {"contact", required_argument, NULL, O_CONTACT},
        {"format", required_argument, NULL, O_FORMAT},
        {"lang", required_argument, NULL, O_LANG},
        {"out", required_argument, NULL, O_OUT},
        {"data-dir", required_argument, NULL, O_DATA},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    hoshi_policy_info info = {NULL, NULL, NULL, NULL};
    const char *format = "md", *lang_s = "ja", *out = NULL, *datadir = NULL;
    opterr = 0;
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case O_ORG: info.org = optarg; break;
        case O_REP: info.representative = optarg; break;
        case O_DATE: info.date = optarg; break;
        case O_CONTACT: info.contact = optarg; break;
        case O_FORMAT: format = optarg; break;
        case O_LANG: lang_s = optarg; break;
        case O_OUT: out = optarg; break;
        case O_DATA: datadir = optarg; break;
        case 'h': fputs(help, stdout); return EXIT_OK;
        case ':': return cli_usage_error("policy", "option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error("policy", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("policy", "unexpected argument '%s'", argv[optind]);
    if (info.org == NULL)
        return cli_usage_error("policy", "--org is required");
    if (info.representative == NULL)
        return cli_usage_error("policy", "--representative is required");
    char today[16];
    if (info.date == NULL)
        info.date = hoshi_date_iso(hoshi_date_today(), today, sizeof today);

    hoshi_lang lang;
    hoshi_policy_format fmt;
    hoshi_err err;
    const char *field = NULL;
    if ((err = hoshi_lang_parse(lang_s, &lang)) != HOSHI_OK ||
        (err = hoshi_policy_format_parse(format, &fmt)) != HOSHI_OK ||
        (err = hoshi_policy_check(&info, &field)) != HOSHI_OK)
        return cli_lib_error("policy", err);

    hoshi_catalog *cat = NULL;
    char *text = NULL;
    size_t len = 0;
    int rc;
    if ((err = hoshi_catalog_open(datadir, lang, &cat)) != HOSHI_OK ||
        (err = hoshi_policy_render(cat, &info, fmt, &text, &len)) != HOSHI_OK)
        rc = cli_lib_error("policy", err);
    else
        rc = cli_write_output("policy", out, text, len);
    free(text);
    hoshi_catalog_free(cat);
    return rc;
}
