/*
 * cmd_tab.c — `hoshi tab` (cross tabulation and banners), `hoshi gt`
 * (simple tabulation of every question) and `hoshi import` (CSV to a .hsd
 * cache).  Everything is computed and rendered before anything is
 * written, so bad input leaves stdout and --out untouched.  The option
 * languages (--where, --net, …) are parsed by tab_options.c.
 */
#include "cli.h"
#include "tab_options.h"
#include "tab_weight.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char tab_help[] =
    "usage: hoshi tab --codebook FILE --data FILE [--side VAR] --head VAR[,VAR…]\n"
    "                 [--where COND]... [--bands SPEC] [--format FMT] [--out FILE]\n"
    "       hoshi gt  --codebook FILE --data FILE [--head VAR[,VAR…]] [options]\n"
    "\n"
    "Tabulates survey data: a simple tabulation (no --side), a cross table\n"
    "(--side × --head) or a banner (several heads, or ALL).  The data is CSV\n"
    "(UTF-8 with or without BOM, or CP932) or a .hsd cache from 'hoshi import'.\n"
    "\n"
    "options:\n"
    "  --codebook FILE      codebook.csv (qid,type,code,label); optional for .hsd data\n"
    "  --data FILE          raw data: CSV with an id column, or a .hsd cache\n"
    "  --side VAR           row variable (表側)\n"
    "  --head VAR[,VAR…]    column variable(s) (表頭); ALL for every question; repeatable\n"
    "  --where COND         VAR=c1,c2 or VAR!=c1,c2; repeatable, all must hold\n"
    "  --bands SPEC         'LABEL=LO..HI;…' categories for a NUM side (bounds inclusive)\n"
    "  --net VAR:LABEL=c1,c2     add a net category (e.g. 'Q2:1~20名=1,2')\n"
    "  --recode VAR:LABEL=c1,c2  replace codes by one category\n"
    "  --sort               order columns by the total, その他/特にない/… kept last\n"
    "  --top-box N          GRID heads: the first N scale codes form the TOP column (2)\n"
    "  --format FMT         csv (default), tsv, md, html, json, svg, xlsx\n"
    "  --chart FILE.svg     also write a chart of the tables\n"
    "  --no-sig             human formats: no significance marks\n"
    "  --lang LANG          language of notes and marks: ja (default) or en\n"
    "  --encoding ENC       input encoding: auto (default), utf-8, cp932\n"
    "  --bom                csv/tsv: start with a UTF-8 byte-order mark (for Excel)\n"
    "  --encoding-out ENC   csv/tsv: utf-8 (default) or cp932\n"
    "  --out FILE           write to FILE instead of standard output\n"
    "  --weight VAR         weight respondents by the NUM variable VAR\n"
    "  --rake TARGETS.csv   weight by raking to target shares (variable,code,target)\n"
    "  --rake-tol X         raking: largest margin error accepted (1e-9)\n"
    "  --rake-iter N        raking: iterations at most (10000)\n"
    "  --weight-cap LO..HI  raking: keep weights within LO..HI times the mean (trim and rake again)\n"
    "  --rake-report FILE   raking: write the convergence report to FILE (else stderr)\n"
    "  --save-weights FILE  write the weights as id,weight CSV\n"
    "  -h, --help           show this help\n"
    "\n"
    "Variables: question ids; GRID/DIAG items as QID_n; DIAG derived variables\n"
    "QID:score (NUM), QID:band, QID:star1, QID:star2.\n"
    "exit status: 0 done, 1 failure, 2 bad usage or bad input\n";

static const char import_help[] =
    "usage: hoshi import --codebook FILE --data FILE --out FILE.hsd [--encoding ENC]\n"
    "\n"
    "Validates the raw data against the codebook and writes a binary cache that\n"
    "'hoshi tab --data FILE.hsd' memory-maps, skipping CSV parsing.\n"
    "exit status: 0 done, 1 failure, 2 bad usage or bad input\n";

enum {
    O_CODEBOOK = 256, O_DATA, O_SIDE, O_HEAD, O_WHERE, O_BANDS, O_NET, O_RECODE, O_SORT,
    O_TOPBOX, O_FORMAT, O_CHART, O_NOSIG, O_ENC, O_BOM, O_ENC_OUT, O_OUT, O_LANG,
    O_WEIGHT /* … O_WEIGHT + TAB_W_COUNT - 1: the weighting options (tab_weight.h) */
};

/* Writes the chart after the tables went to out; if that fails, the
 * tables are removed again, so a failed command leaves no output. */
static int write_chart(const char *cmd, const char *out, const char *chart, const char *svg,
                       size_t len)
{
    int rc = cli_write_output(cmd, chart, svg, len);
    if (rc != EXIT_OK && out != NULL && strcmp(out, "-") != 0)
        remove(out);
    return rc;
}

static int run(const char *cmd, int argc, char **argv, bool gt)
{
    static const struct option opts[] = {
        {"codebook", required_argument, NULL, O_CODEBOOK},
        {"data", required_argument, NULL, O_DATA},
        {"side", required_argument, NULL, O_SIDE},
        {"head", required_argument, NULL, O_HEAD},
        {"where", required_argument, NULL, O_WHERE},
        {"bands", required_argument, NULL, O_BANDS},
        {"net", required_argument, NULL, O_NET},
        {"recode", required_argument, NULL, O_RECODE},
        {"sort", no_argument, NULL, O_SORT},
        {"top-box", required_argument, NULL, O_TOPBOX},
        {"format", required_argument, NULL, O_FORMAT},
        {"chart", required_argument, NULL, O_CHART},
        {"no-sig", no_argument, NULL, O_NOSIG},
        {"lang", required_argument, NULL, O_LANG},
        {"encoding", required_argument, NULL, O_ENC},
        {"bom", no_argument, NULL, O_BOM},
        {"encoding-out", required_argument, NULL, O_ENC_OUT},
        {"out", required_argument, NULL, O_OUT},
        {"weight", required_argument, NULL, O_WEIGHT + TAB_W_WEIGHT},
        {"rake", required_argument, NULL, O_WEIGHT + TAB_W_RAKE},
        {"rake-tol", required_argument, NULL, O_WEIGHT + TAB_W_TOL},
        {"rake-iter", required_argument, NULL, O_WEIGHT + TAB_W_ITER},
        {"weight-cap", required_argument, NULL, O_WEIGHT + TAB_W_CAP},
        {"rake-report", required_argument, NULL, O_WEIGHT + TAB_W_REPORT},
        {"save-weights", required_argument, NULL, O_WEIGHT + TAB_W_SAVE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    tab_wopts wo = {0};
    hoshi_weights *weights = NULL;
    char *rake_report = NULL;
    size_t rake_report_len = 0;
    const char *codebook = NULL, *data = NULL, *format = "csv";
    const char *chart = NULL, *enc_s = "auto", *enc_out = "utf-8", *out = NULL;
    tab_opts to;
    bool sig = true, bom = false;
    const char *lang_s = "ja";
    int rc = EXIT_USAGE;
    hoshi_dataset *ds = NULL;
    hoshi_tabset *ts = NULL;
    hoshi_tab_texts *texts = NULL;
    char *text = NULL, *svg = NULL;
    size_t text_len = 0, svg_len = 0;
    hoshi_err err;

    tab_opts_init(&to);
    opterr = 0;
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        int bad = TAB_OPT_OK;
        switch (ch) {
        case O_CODEBOOK: codebook = optarg; break;
        case O_DATA: data = optarg; break;
        case O_SIDE: bad = tab_opts_side(&to, optarg); break;
        case O_HEAD: bad = tab_opts_head(&to, optarg); break;
        case O_WHERE: bad = tab_opts_where(&to, optarg); break;
        case O_BANDS: bad = tab_opts_bands(&to, optarg); break;
        case O_NET: bad = tab_opts_net(&to, optarg, false); break;
        case O_RECODE: bad = tab_opts_net(&to, optarg, true); break;
        case O_SORT: to.sort = true; break;
        case O_TOPBOX: bad = tab_opts_top_box(&to, optarg); break;
        case O_FORMAT: format = optarg; break;
        case O_CHART: chart = optarg; break;
        case O_NOSIG: sig = false; break;
        case O_LANG: lang_s = optarg; break;
        case O_ENC: enc_s = optarg; break;
        case O_BOM: bom = true; break;
        case O_ENC_OUT: enc_out = optarg; break;
        case O_OUT: out = optarg; break;
        case 'h': fputs(tab_help, stdout); rc = EXIT_OK; goto done;
        case O_WEIGHT + TAB_W_WEIGHT: case O_WEIGHT + TAB_W_RAKE: case O_WEIGHT + TAB_W_TOL:
        case O_WEIGHT + TAB_W_ITER: case O_WEIGHT + TAB_W_CAP: case O_WEIGHT + TAB_W_REPORT:
        case O_WEIGHT + TAB_W_SAVE:
            if (!tab_wopts_set(&wo, ch - O_WEIGHT, optarg)) {
                rc = cli_usage_error(cmd, "%s", wo.msg);
                goto done;
            }
            break;
        case ':': rc = cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]); goto done;
        default: rc = cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]); goto done;
        }
        if (bad == TAB_OPT_BAD && ch == O_TOPBOX) {
            rc = cli_usage_error(cmd, "%s", to.msg);
            goto done;
        }
        if (bad == TAB_OPT_BAD) {
            /* said as the engine said it when it parsed these: no --help hint */
            fprintf(stderr, "hoshi %s: %s\n", cmd, to.msg);
            rc = EXIT_USAGE;
            goto done;
        }
        if (bad != TAB_OPT_OK) {
            rc = cli_usage_error(cmd, "too many values or out of memory");
            goto done;
        }
    }
    if (optind < argc) {
        rc = cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
        goto done;
    }
    if (data == NULL) {
        rc = cli_usage_error(cmd, "--data is required");
        goto done;
    }
    if (!tab_wopts_check(&wo)) {
        rc = cli_usage_error(cmd, "%s", wo.msg);
        goto done;
    }
    if (gt && to.n_heads == 0 && tab_opts_head(&to, "ALL") != TAB_OPT_OK) {
        fprintf(stderr, "hoshi %s: out of memory\n", cmd);
        rc = EXIT_FAIL;
        goto done;
    }
    if (to.n_heads == 0) {
        rc = cli_usage_error(cmd, "--head is required (a question id, a list, or ALL)");
        goto done;
    }
    hoshi_encoding enc, encout;
    hoshi_tab_format fmt;
    hoshi_lang lang;
    if ((err = hoshi_lang_parse(lang_s, &lang)) != HOSHI_OK ||
        (err = hoshi_encoding_parse(enc_s, &enc)) != HOSHI_OK ||
        (err = hoshi_encoding_parse(enc_out, &encout)) != HOSHI_OK ||
        (err = hoshi_tab_format_parse(format, &fmt)) != HOSHI_OK) {
        rc = cli_lib_error(cmd, err);
        goto done;
    }
    if (fmt == HOSHI_TAB_XLSX && (out == NULL || strcmp(out, "-") == 0)) {
        rc = cli_usage_error(cmd, "--format xlsx needs --out FILE.xlsx");
        goto done;
    }
    if ((err = hoshi_dataset_open(codebook, data, enc, &ds)) != HOSHI_OK) {
        rc = cli_input_error(cmd, err);
        goto done;
    }
    if ((rc = tab_wopts_make(cmd, &wo, ds, &weights, &rake_report, &rake_report_len)) != EXIT_OK)
        goto done;
    rc = EXIT_USAGE;
    hoshi_tab_spec spec = tab_opts_spec(&to);
    spec.weights = weights;
    if ((err = hoshi_tab_run(ds, &spec, &ts)) != HOSHI_OK) {
        rc = cli_lib_error(cmd, err);
        goto done;
    }
    /* the words around the tables: only the human formats need them (csv
     * and tsv run without a data directory) */
    bool human = fmt == HOSHI_TAB_MD || fmt == HOSHI_TAB_HTML || fmt == HOSHI_TAB_JSON ||
                 fmt == HOSHI_TAB_XLSX;
    if (human && (err = hoshi_tab_texts_open(NULL, lang, &texts)) != HOSHI_OK) {
        rc = cli_lib_error(cmd, err);
        goto done;
    }
    hoshi_tab_render_opts ro = {bom, encout == HOSHI_ENC_CP932, sig, lang, texts};
    if ((rc = tab_wopts_write(cmd, &wo, weights, data, rake_report, rake_report_len)) != EXIT_OK)
        goto done;
    rc = EXIT_USAGE;
    if (fmt == HOSHI_TAB_XLSX) {
        if (chart != NULL && (err = hoshi_tab_render(ts, HOSHI_TAB_SVG, &ro, &svg, &svg_len)) != HOSHI_OK) {
            rc = cli_lib_error(cmd, err);
            goto done;
        }
        if ((err = hoshi_tab_write_xlsx(ts, &ro, out)) != HOSHI_OK) {
            rc = cli_lib_error(cmd, err);
            goto done;
        }
        rc = chart ? write_chart(cmd, out, chart, svg, svg_len) : EXIT_OK;
        goto done;
    }
    if ((err = hoshi_tab_render(ts, fmt, &ro, &text, &text_len)) != HOSHI_OK ||
        (chart != NULL && (err = hoshi_tab_render(ts, HOSHI_TAB_SVG, &ro, &svg, &svg_len)) != HOSHI_OK)) {
        rc = cli_lib_error(cmd, err);
        goto done;
    }
    rc = cli_write_output(cmd, out, text, text_len);
    if (rc == EXIT_OK && chart != NULL)
        rc = write_chart(cmd, out, chart, svg, svg_len);
done:
    free(rake_report);
    hoshi_weights_free(weights);
    free(text);
    free(svg);
    hoshi_tabset_free(ts);
    hoshi_tab_texts_free(texts);
    hoshi_dataset_free(ds);
    tab_opts_free(&to);
    return rc;
}

int cmd_tab(int argc, char **argv)
{
    return run("tab", argc, argv, false);
}

int cmd_gt(int argc, char **argv)
{
    return run("gt", argc, argv, true);
}

int cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {
        {"codebook", required_argument, NULL, O_CODEBOOK},
        {"data", required_argument, NULL, O_DATA},
        {"encoding", required_argument, NULL, O_ENC},
        {"out", required_argument, NULL, O_OUT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *codebook = NULL, *data = NULL, *enc_s = "auto", *out = NULL;
    opterr = 0;
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case O_CODEBOOK: codebook = optarg; break;
        case O_DATA: data = optarg; break;
        case O_ENC: enc_s = optarg; break;
        case O_OUT: out = optarg; break;
        case 'h': fputs(import_help, stdout); return EXIT_OK;
        case ':': return cli_usage_error("import", "option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error("import", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("import", "unexpected argument '%s'", argv[optind]);
    if (codebook == NULL || data == NULL || out == NULL)
        return cli_usage_error("import", "--codebook, --data and --out are required");
    hoshi_encoding enc;
    hoshi_err err = hoshi_encoding_parse(enc_s, &enc);
    if (err != HOSHI_OK)
        return cli_lib_error("import", err);
    hoshi_dataset *ds = NULL;
    if ((err = hoshi_dataset_open(codebook, data, enc, &ds)) != HOSHI_OK)
        return cli_input_error("import", err);
    int rc = EXIT_OK;
    if ((err = hoshi_dataset_save(ds, out)) != HOSHI_OK)
        rc = cli_lib_error("import", err);
    hoshi_dataset_free(ds);
    return rc;
}
