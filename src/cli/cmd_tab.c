/*
 * cmd_tab.c — `hoshi tab` (cross tabulation and banners), `hoshi gt`
 * (simple tabulation of every question) and `hoshi import` (CSV to a .hsd
 * cache or an SPSS .sav file).  Everything is computed and rendered before anything is
 * written, so bad input leaves stdout and --out untouched.  The option
 * languages (--where, --net, …) are parsed by tab_options.c; one option
 * is applied to the state by apply() (tab_cli.h), which table books use
 * too (cmd_book.c).
 */
#include "cli.h"
#include "tab_cli.h"
#include "tab_fa.h"
#include "tab_write.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char tab_help[] =
    "usage: hoshi tab --codebook FILE --data FILE [--side VAR] --head VAR[,VAR…]\n"
    "                 [--where COND]... [--bands SPEC] [--format FMT] [--out FILE]\n"
    "       hoshi gt  --codebook FILE --data FILE [--head VAR[,VAR…]] [options]\n"
    "\n"
    "Tabulates survey data: a simple tabulation (no --side), a cross table\n"
    "(--side × --head) or a banner (several heads, or ALL).  The data is CSV\n"
    "(UTF-8 with or without BOM, or CP932), a .hsd cache from 'hoshi import',\n"
    "or an SPSS .sav file (its variable and value labels are the codebook).\n"
    "\n"
    "options:\n"
    "  --codebook FILE      codebook.csv (qid,type,code,label); optional for .hsd and .sav\n"
    "  --data FILE          raw data: CSV with an id column, a .hsd cache or a .sav file\n"
    "  --side VAR           row variable (表側); repeatable or VAR,VAR: a banner of\n"
    "                       blocks; OUTER/INNER nests INNER within each OUTER category\n"
    "  --cells KINDS        count,row,col: what each row shows, in that order (row)\n"
    "  --head VAR[,VAR…]    column variable(s) (表頭); ALL for every question; repeatable\n"
    "  --where COND         VAR=c1,c2 or VAR!=c1,c2; repeatable, all must hold\n"
    "  --bands SPEC         'LABEL=LO..HI;…' categories for a NUM side (bounds inclusive)\n"
    "  --net VAR:LABEL=c1,c2     add a net category (e.g. 'Q2:1~20名=1,2')\n"
    "  --recode VAR:LABEL=c1,c2  replace codes by one category\n"
    "  --sort               order columns by the total, その他/特にない/… kept last\n"
    "  --top-box N          GRID heads: the first N scale codes form the TOP column (2)\n"
    "  --format FMT         csv (default), tsv, md, html, json, svg, xlsx\n"
    "  --chart FILE.svg     also write a chart of each table (FILE-1.svg … for several)\n"
    "  --no-sig             human formats: no significance marks\n"
    "  --stats LIST         tests: chisq, letters (column letters), anova, all (md, html,\n"
    "                       json, xlsx; csv and tsv never change)\n"
    "  --sig-level P        level of the --stats tests: 0.05 (default) or 0.01\n"
    "  --correction C       of the letters: bonferroni (default), holm, none\n"
    "  --lang LANG          language of notes and marks: ja (default) or en\n"
    "  --data-dir DIR       hoshi's data directory, for those words (default\n"
    "                       $HOSHI_DATA_DIR, else the installed one)\n"
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
    "  --list VAR           list the answers of a free-text (FA) question instead of\n"
    "                       tables, with --attrs VAR[,VAR…], --contains TEXT,\n"
    "                       --sort-by id|VAR, --max-answers N, --show-bytes N\n"
    "  --coding VAR=FILE    code free-text VAR with a coding file into an MA\n"
    "                       question (VARC, or named in the file); repeatable\n"
    "  -h, --help           show this help\n"
    "\n"
    "Variables: question ids; GRID/DIAG items as QID_n; DIAG derived variables\n"
    "QID:score (NUM), QID:band, QID:star1, QID:star2.\n"
    "exit status: 0 done, 1 failure, 2 bad usage or bad input\n";

static const char import_help[] =
    "usage: hoshi import --codebook FILE --data FILE --out FILE.hsd|FILE.sav [--encoding ENC]\n"
    "\n"
    "Validates the raw data against the codebook and writes a binary cache that\n"
    "'hoshi tab --data FILE.hsd' memory-maps, skipping CSV parsing, or (when\n"
    "--out ends in .sav) an SPSS file with variable and value labels.  --codebook\n"
    "is optional when --data is a .hsd or .sav file.\n"
    "exit status: 0 done, 1 failure, 2 bad usage or bad input\n";

enum {
    O_CODEBOOK = 256, O_DATA, O_SIDE, O_HEAD, O_WHERE, O_BANDS, O_NET, O_RECODE, O_SORT,
    O_TOPBOX, O_FORMAT, O_CHART, O_NOSIG, O_ENC, O_BOM, O_ENC_OUT, O_OUT, O_LANG, O_CELLS,
    O_STATS, O_SIG_LEVEL, O_CORRECTION, O_DATADIR,
    O_WEIGHT, /* … O_WEIGHT + TAB_W_COUNT - 1: the weighting options (tab_weight.h) */
    O_FA = O_WEIGHT + TAB_W_COUNT /* the free-answer options, TAB_FA_N of them */
};

static const struct option tab_long_opts[] = {
    {"codebook", required_argument, NULL, O_CODEBOOK},
    {"data", required_argument, NULL, O_DATA},
    {"side", required_argument, NULL, O_SIDE},
    {"head", required_argument, NULL, O_HEAD},
    {"where", required_argument, NULL, O_WHERE},
    {"bands", required_argument, NULL, O_BANDS},
    {"cells", required_argument, NULL, O_CELLS},
    {"stats", required_argument, NULL, O_STATS},
    {"sig-level", required_argument, NULL, O_SIG_LEVEL},
    {"correction", required_argument, NULL, O_CORRECTION},
    {"weight", required_argument, NULL, O_WEIGHT + TAB_W_WEIGHT},
    {"rake", required_argument, NULL, O_WEIGHT + TAB_W_RAKE},
    {"rake-tol", required_argument, NULL, O_WEIGHT + TAB_W_TOL},
    {"rake-iter", required_argument, NULL, O_WEIGHT + TAB_W_ITER},
    {"weight-cap", required_argument, NULL, O_WEIGHT + TAB_W_CAP},
    {"rake-report", required_argument, NULL, O_WEIGHT + TAB_W_REPORT},
    {"save-weights", required_argument, NULL, O_WEIGHT + TAB_W_SAVE},
    {"net", required_argument, NULL, O_NET},
    {"recode", required_argument, NULL, O_RECODE},
    {"sort", no_argument, NULL, O_SORT},
    {"top-box", required_argument, NULL, O_TOPBOX},
    {"format", required_argument, NULL, O_FORMAT},
    {"chart", required_argument, NULL, O_CHART},
    {"no-sig", no_argument, NULL, O_NOSIG},
    {"lang", required_argument, NULL, O_LANG},
    {"data-dir", required_argument, NULL, O_DATADIR},
    {"encoding", required_argument, NULL, O_ENC},
    {"bom", no_argument, NULL, O_BOM},
    {"encoding-out", required_argument, NULL, O_ENC_OUT},
    {"out", required_argument, NULL, O_OUT},
    /* the free answers: a listing or a coding is a run of its own (it
     * changes the dataset), so books do not take these (is_book_option) */
    {"list", required_argument, NULL, O_FA + TAB_FA_LIST},
    {"attrs", required_argument, NULL, O_FA + TAB_FA_ATTRS},
    {"contains", required_argument, NULL, O_FA + TAB_FA_CONTAINS},
    {"sort-by", required_argument, NULL, O_FA + TAB_FA_SORT_BY},
    {"max-answers", required_argument, NULL, O_FA + TAB_FA_MAX_ANSWERS},
    {"show-bytes", required_argument, NULL, O_FA + TAB_FA_SHOW_BYTES},
    {"coding", required_argument, NULL, O_FA + TAB_FA_CODING},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Options a book's table may set: every option but help and the run-only
 * ones: the free answers', the rake report and saved weights (files of
 * their own), and the data directory (the command line's). */
static bool is_book_option(const struct option *o)
{
    return o->val != 'h' && o->val < O_FA && o->val != O_WEIGHT + TAB_W_REPORT &&
           o->val != O_WEIGHT + TAB_W_SAVE && o->val != O_DATADIR;
}

void tab_cli_init(tab_cli *c)
{
    memset(c, 0, sizeof *c);
    tab_opts_init(&c->to);
    c->format = "csv";
    c->enc_s = "auto";
    c->enc_out = "utf-8";
    c->lang_s = "ja";
    c->sig = true;
    c->stats_s = "none";
    c->sig_level_s = "0.05";
    c->correction_s = "bonferroni";
}

void tab_cli_free(tab_cli *c)
{
    tab_opts_free(&c->to);
}

/* One option (getopt's code ch, its value arg) applied to c. */
static int apply(tab_cli *c, int ch, const char *arg)
{
    switch (ch) {
    case O_CODEBOOK: c->codebook = arg; return TAB_OPT_OK;
    case O_DATA: c->data = arg; return TAB_OPT_OK;
    case O_SIDE: return tab_opts_side(&c->to, arg);
    case O_HEAD: return tab_opts_head(&c->to, arg);
    case O_WHERE: return tab_opts_where(&c->to, arg);
    case O_BANDS: return tab_opts_bands(&c->to, arg);
    case O_CELLS: return tab_opts_cells(&c->to, arg);
    case O_STATS: c->stats_s = arg; return TAB_OPT_OK;
    case O_SIG_LEVEL: c->sig_level_s = arg; return TAB_OPT_OK;
    case O_CORRECTION: c->correction_s = arg; return TAB_OPT_OK;
    case O_NET: return tab_opts_net(&c->to, arg, false);
    case O_RECODE: return tab_opts_net(&c->to, arg, true);
    case O_SORT: c->to.sort = true; return TAB_OPT_OK;
    case O_TOPBOX: return tab_opts_top_box(&c->to, arg);
    case O_FORMAT: c->format = arg; return TAB_OPT_OK;
    case O_CHART: c->chart = arg; return TAB_OPT_OK;
    case O_NOSIG: c->sig = false; return TAB_OPT_OK;
    case O_LANG: c->lang_s = arg; return TAB_OPT_OK;
    case O_DATADIR: c->datadir = arg; return TAB_OPT_OK;
    case O_ENC: c->enc_s = arg; return TAB_OPT_OK;
    case O_BOM: c->bom = true; return TAB_OPT_OK;
    case O_ENC_OUT: c->enc_out = arg; return TAB_OPT_OK;
    case O_OUT: c->out = arg; return TAB_OPT_OK;
    default:
        if (ch >= O_WEIGHT && ch < O_WEIGHT + TAB_W_COUNT) {
            if (tab_wopts_set(&c->wo, ch - O_WEIGHT, arg))
                return TAB_OPT_OK;
            snprintf(c->to.msg, sizeof c->to.msg, "%s", c->wo.msg);
            return TAB_OPT_BAD;
        }
        return TAB_CLI_UNKNOWN;
    }
}

int tab_cli_option_kind(const char *name)
{
    for (const struct option *o = tab_long_opts; o->name != NULL; o++)
        if (strcmp(o->name, name) == 0)
            return !is_book_option(o) ? -2 : o->has_arg == no_argument ? 0 : 1;
    return -1;
}

int tab_cli_apply_name(tab_cli *c, const char *name, const char *value)
{
    for (const struct option *o = tab_long_opts; o->name != NULL; o++) {
        if (strcmp(o->name, name) != 0 || !is_book_option(o))
            continue;
        if (o->has_arg == no_argument && value != NULL)
            return TAB_CLI_FLAG;
        if (o->has_arg == required_argument && value == NULL)
            return TAB_CLI_NEEDS_VALUE;
        return apply(c, o->val, value);
    }
    return TAB_CLI_UNKNOWN;
}

int tab_cli_check(tab_cli *c)
{
    if (tab_wopts_check(&c->wo))
        return TAB_OPT_OK;
    snprintf(c->to.msg, sizeof c->to.msg, "%s", c->wo.msg);
    return TAB_OPT_BAD;
}

/* The tables of spec with the tests of c's --stats given to them. */
static hoshi_err run_stats(const tab_cli *c, const hoshi_dataset *ds, const hoshi_tab_spec *specp,
                           hoshi_tabset **out)
{
    hoshi_tab_spec spec = *specp;
    unsigned stats;
    double sig_level;
    hoshi_tab_correction correction;
    hoshi_err err;
    *out = NULL;
    if ((err = hoshi_tab_stats_parse(c->stats_s, &stats)) != HOSHI_OK ||
        (err = hoshi_tab_sig_level_parse(c->sig_level_s, &sig_level)) != HOSHI_OK ||
        (err = hoshi_tab_correction_parse(c->correction_s, &correction)) != HOSHI_OK ||
        (err = hoshi_tab_run(ds, &spec, out)) != HOSHI_OK)
        return err;
    /* the tests travel with the tables, so each table of a book keeps its own */
    hoshi_tabset_set_stats(*out, stats, sig_level, correction);
    return HOSHI_OK;
}

/* The weights of c's --weight or --rake when w was not given (a book's
 * table), into *own (NULL for none); the rake report is not kept. */
static hoshi_err own_weights(const tab_cli *c, const hoshi_dataset *ds, hoshi_weights **own)
{
    *own = NULL;
    if (c->wo.weight != NULL)
        return hoshi_weights_from_var(ds, c->wo.weight, own);
    if (c->wo.rake == NULL)
        return HOSHI_OK;
    hoshi_rake_report rep;
    return hoshi_weights_rake(ds, c->wo.rake, &c->wo.ro, own, &rep);
}

hoshi_err tab_cli_run(const tab_cli *c, const hoshi_dataset *ds, const hoshi_weights *w,
                      hoshi_tabset **out)
{
    hoshi_tab_spec spec = tab_opts_spec(&c->to);
    hoshi_weights *own = NULL;
    hoshi_err err;
    if (w == NULL && (err = own_weights(c, ds, &own)) != HOSHI_OK)
        return err;
    spec.weights = w != NULL ? w : own;
    err = run_stats(c, ds, &spec, out);
    hoshi_weights_free(own);
    return err;
}


static int run(const char *cmd, int argc, char **argv, bool gt)
{
    tab_cli c;
    tab_fa_opts fo;
    hoshi_weights *weights = NULL;
    char *rake_report = NULL;
    size_t rake_report_len = 0;
    int rc = EXIT_USAGE;
    hoshi_dataset *ds = NULL;
    hoshi_tabset *ts = NULL;
    hoshi_tab_texts *texts = NULL;
    hoshi_err err;

    tab_cli_init(&c);
    tab_fa_init(&fo);
    opterr = 0;
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, ":h", tab_long_opts, NULL)) != -1) {
        int bad = TAB_OPT_OK;
        switch (ch) {
        case 'h': fputs(tab_help, stdout); rc = EXIT_OK; goto done;
        case O_FA + TAB_FA_LIST: case O_FA + TAB_FA_ATTRS: case O_FA + TAB_FA_CONTAINS:
        case O_FA + TAB_FA_SORT_BY: case O_FA + TAB_FA_MAX_ANSWERS: case O_FA + TAB_FA_SHOW_BYTES:
        case O_FA + TAB_FA_CODING:
            if (!tab_fa_option(&fo, ch - O_FA, optarg)) {
                rc = cli_usage_error(cmd, "%s", fo.msg);
                goto done;
            }
            break;
        case ':': rc = cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]); goto done;
        case '?': rc = cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]); goto done;
        default: bad = apply(&c, ch, optarg); break;
        }
        if (bad == TAB_OPT_BAD && (ch == O_TOPBOX || (ch >= O_WEIGHT && ch < O_WEIGHT + TAB_W_COUNT))) {
            rc = cli_usage_error(cmd, "%s", c.to.msg);
            goto done;
        }
        if (bad == TAB_OPT_BAD) {
            /* said as the engine said it when it parsed these: no --help hint */
            fprintf(stderr, "hoshi %s: %s\n", cmd, c.to.msg);
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
    if (c.data == NULL) {
        rc = cli_usage_error(cmd, "--data is required");
        goto done;
    }
    if (!tab_wopts_check(&c.wo)) {
        rc = cli_usage_error(cmd, "%s", c.wo.msg);
        goto done;
    }
    if (gt && c.to.n_heads == 0 && fo.list == NULL && tab_opts_head(&c.to, "ALL") != TAB_OPT_OK) {
        fprintf(stderr, "hoshi %s: out of memory\n", cmd);
        rc = EXIT_FAIL;
        goto done;
    }
    if (fo.list != NULL && c.to.n_heads > 0) {
        rc = cli_usage_error(cmd, "--list lists free answers; tables (--head) are another run");
        goto done;
    }
    if (fo.list != NULL && (c.to.side != NULL || c.to.n_bands || c.to.n_nets || c.to.n_recodes || c.to.sort)) {
        rc = cli_usage_error(cmd, "--side, --bands, --net, --recode and --sort shape tables, not a listing of free answers");
        goto done;
    }
    if (fo.list != NULL && c.chart != NULL) {
        rc = cli_usage_error(cmd, "--chart charts tables, not a listing of free answers");
        goto done;
    }
    if (c.to.n_heads == 0 && fo.list == NULL) {
        rc = cli_usage_error(cmd, "--head is required (a question id, a list, or ALL)");
        goto done;
    }
    hoshi_encoding enc, encout;
    hoshi_tab_format fmt;
    hoshi_lang lang;
    unsigned stats;
    double sig_level;
    hoshi_tab_correction correction;
    if ((err = hoshi_tab_stats_parse(c.stats_s, &stats)) != HOSHI_OK ||
        (err = hoshi_tab_sig_level_parse(c.sig_level_s, &sig_level)) != HOSHI_OK ||
        (err = hoshi_tab_correction_parse(c.correction_s, &correction)) != HOSHI_OK ||
        (err = hoshi_lang_parse(c.lang_s, &lang)) != HOSHI_OK ||
        (err = hoshi_encoding_parse(c.enc_s, &enc)) != HOSHI_OK ||
        (err = hoshi_encoding_parse(c.enc_out, &encout)) != HOSHI_OK ||
        (err = hoshi_tab_format_parse(c.format, &fmt)) != HOSHI_OK) {
        rc = cli_lib_error(cmd, err);
        goto done;
    }
    const char *out = c.out, *chart = c.chart;
    if (fmt == HOSHI_TAB_XLSX && (out == NULL || strcmp(out, "-") == 0)) {
        rc = cli_usage_error(cmd, "--format xlsx needs --out FILE.xlsx");
        goto done;
    }
    if ((err = hoshi_dataset_open(c.codebook, c.data, enc, &ds)) != HOSHI_OK) {
        rc = cli_input_error(cmd, err);
        goto done;
    }
    if ((rc = tab_fa_code(cmd, ds, &fo)) != EXIT_OK)
        goto done;
    if (fo.list != NULL) {
        hoshi_tab_spec spec = tab_opts_spec(&c.to);
        hoshi_fa_render_opts fro = {c.bom, encout == HOSHI_ENC_CP932, fo.show_bytes, lang, NULL};
        rc = tab_fa_list(cmd, ds, &fo, &spec, fmt, &fro, out);
        goto done;
    }
    if ((rc = tab_wopts_make(cmd, &c.wo, ds, &weights, &rake_report, &rake_report_len)) != EXIT_OK)
        goto done;
    rc = EXIT_USAGE;
    if ((err = tab_cli_run(&c, ds, weights, &ts)) != HOSHI_OK) {
        rc = cli_lib_error(cmd, err);
        goto done;
    }
    /* the words around the tables: only the human formats need them (csv
     * and tsv run without a data directory) */
    bool human = fmt == HOSHI_TAB_MD || fmt == HOSHI_TAB_HTML || fmt == HOSHI_TAB_JSON ||
                 fmt == HOSHI_TAB_XLSX || fmt == HOSHI_TAB_SVG || chart != NULL;
    if (human && (err = hoshi_tab_texts_open(c.datadir, lang, &texts)) != HOSHI_OK) {
        rc = cli_lib_error(cmd, err);
        goto done;
    }
    hoshi_tab_render_opts ro = {.bom = c.bom, .cp932 = encout == HOSHI_ENC_CP932, .sig = c.sig,
                                .lang = lang, .texts = texts};
    if ((rc = tab_wopts_write(cmd, &c.wo, weights, c.data, rake_report, rake_report_len)) != EXIT_OK)
        goto done;
    rc = tab_write(cmd, ts, fmt, &ro, out, chart);
done:
    free(rake_report);
    hoshi_weights_free(weights);
    hoshi_tabset_free(ts);
    hoshi_tab_texts_free(texts);
    hoshi_dataset_free(ds);
    tab_cli_free(&c);
    tab_fa_free(&fo);
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

/* The extension chooses the format of `hoshi import --out`. */
static bool is_sav(const char *path)
{
    size_t n = strlen(path);
    return n >= 4 && strcasecmp(path + n - 4, ".sav") == 0;
}

/* The .sav file of `hoshi import`, with the ids of the data file. */
static int import_sav(const hoshi_dataset *ds, const char *data, hoshi_encoding enc,
                      const char *out)
{
    hoshi_ids *ids = NULL;
    hoshi_err err = hoshi_ids_read(data, enc, &ids);
    if (err == HOSHI_OK)
        err = hoshi_dataset_save_sav(ds, ids, out);
    hoshi_ids_free(ids);
    return err == HOSHI_OK ? EXIT_OK : cli_lib_error("import", err);
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
    if (data == NULL || out == NULL)
        return cli_usage_error("import", "--data and --out are required");
    hoshi_encoding enc;
    hoshi_err err = hoshi_encoding_parse(enc_s, &enc);
    if (err != HOSHI_OK)
        return cli_lib_error("import", err);
    hoshi_dataset *ds = NULL;
    if ((err = hoshi_dataset_open(codebook, data, enc, &ds)) != HOSHI_OK)
        return cli_input_error("import", err);
    int rc = EXIT_OK;
    if (is_sav(out))
        rc = import_sav(ds, data, enc, out);
    else if ((err = hoshi_dataset_save(ds, out)) != HOSHI_OK)
        rc = cli_lib_error("import", err);
    hoshi_dataset_free(ds);
    return rc;
}
