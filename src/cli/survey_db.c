/*
 * survey_db.c — `hoshi survey create|invite|close|export|list`: an
 * operator runs a survey of the registry's declarants from the command
 * line, on the database of `hoshi serve` (SPEC-survey-collection.md,
 * "Command line").  The glue between the store (surveys, invitations,
 * responses), the questionnaire engine (definitions) and the export
 * writer (hoshi/survey_export.h).  Every output is made whole before
 * anything is written: bad input leaves stdout and the files untouched.
 */
#include "cli.h"
#include "survey_db.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_WHERE 16
#define LIST_MAX 1000

/* The options of every database subcommand; each takes a subset. */
enum {
    O_DB = 1 << 0, O_SURVEY = 1 << 1, O_DEF = 1 << 2, O_OPENS = 1 << 3, O_CLOSES = 1 << 4,
    O_WHERE = 1 << 5, O_OUT = 1 << 6, O_BASE = 1 << 7, O_ENC = 1 << 8, O_LANG = 1 << 9,
    O_DATA = 1 << 10, O_DATE = 1 << 11, O_SHOWN = 1 << 12
};

typedef struct db_opts {
    const char *cmd;
    const char *db, *def, *opens, *closes, *out, *base_url, *datadir;
    long long survey;
    const char *where[MAX_WHERE];
    size_t n_where;
    hoshi_encoding enc;
    hoshi_lang lang;
    unsigned export_flags;  /* export: HOSHI_EXPORT_SHOWN with --shown */
    char today[16];
} db_opts;

static const char db_help[] =
    "usage: hoshi survey create --db DB --def DEF [--opens DATE] [--closes DATE]\n"
    "       hoshi survey invite --db DB --survey ID [--where COND]... [--out FILE]\n"
    "                           [--base-url URL]\n"
    "       hoshi survey close  --db DB --survey ID\n"
    "       hoshi survey export --db DB --survey ID --out DIR [--encoding utf-8|cp932]\n"
    "                           [--lang ja|en] [--shown]\n"
    "       hoshi survey list   --db DB\n"
    "\n"
    "Surveys of the declarants in the database of 'hoshi serve' (DB).\n"
    "\n"
    "  create   store the questionnaire DEF (.xlsx or a directory of CSV sheets)\n"
    "           as a new open survey and print its id; --opens/--closes\n"
    "           YYYY-MM-DD bound the days it answers (each end inclusive)\n"
    "  invite   one invitation per organisation with a declaration in force that\n"
    "           matches every --where and is not yet invited; prints the CSV\n"
    "           declaration_id,organization,url to --out FILE or standard output.\n"
    "           COND: level=1|2, prefecture=1..47 (JIS code), industry=A..T\n"
    "           (JSIC division), size=1..6 (employee band).  The url is\n"
    "           URL/s/TOKEN (default URL " SURVEY_DEFAULT_BASE_URL ", the address\n"
    "           'hoshi serve' listens on by default); the token is in this list\n"
    "           only, the database keeps its hash\n"
    "  close    close the survey for good: no more answers or invitations\n"
    "  export   the submitted responses as DIR/codebook.csv and DIR/data.csv for\n"
    "           'hoshi tab' (both files or neither); id is the respondent number,\n"
    "           then the questions, then DLEVEL DSIZE DINDUSTRY DPREF DSCORE;\n"
    "           --shown adds R__QID (1 shown, 2 not shown) per question, the\n"
    "           routed bases of 'hoshi book init --form'\n"
    "  list     the surveys: id,title,state,opens,closes,invited,started,submitted\n"
    "\n"
    "Also: --date YYYY-MM-DD (the day the command acts on; default today),\n"
    "--data-dir DIR (hoshi's data directory, as for 'hoshi serve'; default\n"
    "$HOSHI_DATA_DIR, else the installed one), for every subcommand.\n"
    "\n"
    "exit status: 0 done, 1 failure, 2 bad usage or bad input\n";

/* Parses the options in `allowed` into *o.  Returns EXIT_OK, an exit
 * status, or -1 when the help was printed. */
static int parse(const char *cmd, unsigned allowed, int argc, char **argv, db_opts *o)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, O_DB},
        {"survey", required_argument, NULL, O_SURVEY},
        {"def", required_argument, NULL, O_DEF},
        {"opens", required_argument, NULL, O_OPENS},
        {"closes", required_argument, NULL, O_CLOSES},
        {"where", required_argument, NULL, O_WHERE},
        {"out", required_argument, NULL, O_OUT},
        {"base-url", required_argument, NULL, O_BASE},
        {"encoding", required_argument, NULL, O_ENC},
        {"lang", required_argument, NULL, O_LANG},
        {"data-dir", required_argument, NULL, O_DATA},
        {"date", required_argument, NULL, O_DATE},
        {"shown", no_argument, NULL, O_SHOWN},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->cmd = cmd;
    o->enc = HOSHI_ENC_UTF8;
    o->lang = HOSHI_LANG_JA;
    o->base_url = SURVEY_DEFAULT_BASE_URL;
    hoshi_date_iso(hoshi_date_today(), o->today, sizeof o->today);
    opterr = 0;
    optind = 1;
    int ch, li = -1;
    while ((ch = getopt_long(argc, argv, ":h", opts, &li)) != -1) {
        if (ch == 'h') {
            fputs(db_help, stdout);
            return -1;
        }
        if (ch == ':')
            return cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
        if (ch == '?')
            return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        if (!((unsigned)ch & allowed)) /* a known option, but another subcommand's */
            return cli_usage_error(cmd, "option '--%s' is not one of %s", opts[li].name, cmd);
        long v;
        hoshi_date d;
        switch (ch) {
        case O_DB: o->db = optarg; break;
        case O_SHOWN: o->export_flags |= HOSHI_EXPORT_SHOWN; break;
        case O_SURVEY:
            if (!hoshi_parse_long(optarg, 1, LONG_MAX, &v))
                return cli_usage_error(cmd, "--survey takes a survey id (a number), not '%s'", optarg);
            o->survey = v;
            break;
        case O_DEF: o->def = optarg; break;
        case O_OPENS: o->opens = optarg; break;
        case O_CLOSES: o->closes = optarg; break;
        case O_WHERE:
            if (o->n_where == MAX_WHERE)
                return cli_usage_error(cmd, "at most %d --where conditions", MAX_WHERE);
            o->where[o->n_where++] = optarg;
            break;
        case O_OUT: o->out = optarg; break;
        case O_BASE:
            if (strncmp(optarg, "http://", 7) != 0 && strncmp(optarg, "https://", 8) != 0)
                return cli_usage_error(cmd, "--base-url needs http:// or https:// and a host, got '%s'",
                                       optarg);
            o->base_url = optarg;
            break;
        case O_ENC:
            if (hoshi_encoding_parse(optarg, &o->enc) != HOSHI_OK || o->enc == HOSHI_ENC_AUTO)
                return cli_usage_error(cmd, "--encoding must be utf-8 or cp932, not '%s'", optarg);
            break;
        case O_LANG:
            if (hoshi_lang_parse(optarg, &o->lang) != HOSHI_OK)
                return cli_usage_error(cmd, "--lang must be ja or en, not '%s'", optarg);
            break;
        case O_DATA: o->datadir = optarg; break;
        case O_DATE:
            if (hoshi_date_parse(optarg, &d) != HOSHI_OK)
                return cli_usage_error(cmd, "--date needs YYYY-MM-DD, not '%s'", optarg);
            hoshi_date_iso(d, o->today, sizeof o->today);
            break;
        }
    }
    if (optind < argc)
        return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (o->db == NULL)
        return cli_usage_error(cmd, "--db is required");
    if ((allowed & O_SURVEY) && o->survey == 0)
        return cli_usage_error(cmd, "--survey is required");
    if ((allowed & O_DEF) && o->def == NULL)
        return cli_usage_error(cmd, "--def is required");
    if ((allowed & O_ENC) && o->out == NULL)
        return cli_usage_error(cmd, "--out is required");
    return EXIT_OK;
}

/* Opens the database, which must exist (a typo must not make a new one). */
static int open_store(const db_opts *o, hoshi_store **s)
{
    if (cli_db_missing(o->cmd, o->db))
        return EXIT_USAGE;
    hoshi_err err = cli_store_open(o->db, o->datadir, s);
    return err == HOSHI_OK ? EXIT_OK : cli_input_error(o->cmd, err);
}

/* A store error about survey o->survey: "no survey N" for NOTFOUND. */
static int survey_error(const db_opts *o, hoshi_err err)
{
    if (err == HOSHI_ERR_NOTFOUND) {
        fprintf(stderr, "hoshi %s: no survey %lld in %s\n", o->cmd, o->survey, o->db);
        return EXIT_USAGE;
    }
    return cli_input_error(o->cmd, err);
}

int survey_create(int argc, char **argv)
{
    db_opts o;
    int rc = parse("survey create", O_DB | O_DEF | O_OPENS | O_CLOSES | O_DATE | O_DATA, argc, argv, &o);
    if (rc != EXIT_OK)
        return rc < 0 ? EXIT_OK : rc;
    hoshi_form *f = NULL;
    hoshi_store *s = NULL;
    char *blob = NULL;
    size_t blob_len;
    hoshi_err err = hoshi_form_load(o.def, &f);
    if (err != HOSHI_OK)
        return cli_input_error(o.cmd, err);
    if ((err = hoshi_form_serialize(f, &blob, &blob_len)) != HOSHI_OK) {
        rc = cli_input_error(o.cmd, err);
        goto free_form;
    }
    if ((rc = open_store(&o, &s)) != EXIT_OK)
        goto free_blob;
    hoshi_survey_new in = {
        .form_id = hoshi_form_id(f),
        .title = hoshi_form_title(f, hoshi_form_default_lang(f)),
        .version = hoshi_form_version(f),
        .definition = blob,
        .definition_len = blob_len,
        .created_on = o.today,
        .opens_on = o.opens,
        .closes_on = o.closes,
    };
    long long id;
    if ((err = hoshi_store_survey_create(s, &in, &id)) != HOSHI_OK)
        rc = cli_input_error(o.cmd, err);
    else
        printf("%lld\n", id);
    hoshi_store_close(s);
free_blob:
    free(blob);
free_form:
    hoshi_form_free(f);
    return rc;
}

/* One --where condition into the filter; a clear message when it is bad. */
static int add_condition(const db_opts *o, const char *cond, hoshi_invite_filter *flt)
{
    static const struct {
        const char *key;
        long hi;
    } keys[] = {{"level", 2}, {"prefecture", 47}, {"industry", 0}, {"size", 6}};
    const char *eq = strchr(cond, '=');
    size_t k = 0;
    while (eq != NULL && k < sizeof keys / sizeof keys[0] &&
           !(strlen(keys[k].key) == (size_t)(eq - cond) && strncmp(keys[k].key, cond, (size_t)(eq - cond)) == 0))
        k++;
    if (eq == NULL || k == sizeof keys / sizeof keys[0])
        return cli_usage_error(o->cmd, "bad --where '%s': expected level=, prefecture=, industry= or size=",
                               cond);
    const char *value = eq + 1;
    if (k == 2) {
        if (hoshi_attrs_industry_code(value) == 0)
            return cli_usage_error(o->cmd, "bad --where '%s': industry is a JSIC division letter A..T",
                                   cond);
        if (flt->industry != NULL && strcmp(flt->industry, value) != 0)
            goto conflict;
        flt->industry = value;
        return EXIT_OK;
    }
    long v;
    if (!hoshi_parse_long(value, 1, keys[k].hi, &v))
        return cli_usage_error(o->cmd, "bad --where '%s': %s is a number 1..%ld", cond, keys[k].key,
                               keys[k].hi);
    int *field = k == 0 ? &flt->level : k == 1 ? &flt->prefecture : &flt->size;
    if (*field != 0 && *field != (int)v)
        goto conflict;
    *field = (int)v;
    return EXIT_OK;
conflict:
    return cli_usage_error(o->cmd, "bad --where '%s': another --where gives %s a different value", cond,
                           keys[k].key);
}

typedef struct invite_ctx {
    hoshi_buf csv;
    const char *base;
    size_t base_len;
} invite_ctx;

static hoshi_err add_invitation(void *ctx, const hoshi_invitation_new *inv)
{
    invite_ctx *c = ctx;
    hoshi_buf_csv(&c->csv, inv->decl_id, ',');
    hoshi_buf_putc(&c->csv, ',');
    hoshi_buf_csv(&c->csv, inv->org_name, ',');
    hoshi_buf_putc(&c->csv, ',');
    hoshi_buf_append(&c->csv, c->base, c->base_len);
    hoshi_buf_puts(&c->csv, "/s/");
    hoshi_buf_puts(&c->csv, inv->token);
    hoshi_buf_puts(&c->csv, "\r\n");
    return HOSHI_OK;
}

/* Whether --out FILE can be written: its directory is writable and it is
 * not a directory.  Checked before inviting, since the tokens exist only
 * in this output. */
static int check_out(const db_opts *o)
{
    if (o->out == NULL || strcmp(o->out, "-") == 0)
        return EXIT_OK;
    struct stat st;
    if (stat(o->out, &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(stderr, "hoshi %s: --out %s is a directory\n", o->cmd, o->out);
        return EXIT_USAGE;
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", o->out);
    char *slash = strrchr(dir, '/');
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    if (access(dir, W_OK) != 0) {
        fprintf(stderr, "hoshi %s: cannot write to %s\n", o->cmd, dir);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

int survey_invite(int argc, char **argv)
{
    db_opts o;
    int rc = parse("survey invite", O_DB | O_SURVEY | O_WHERE | O_OUT | O_BASE | O_DATE | O_DATA, argc, argv,
                   &o);
    if (rc != EXIT_OK)
        return rc < 0 ? EXIT_OK : rc;
    hoshi_invite_filter flt = {0, 0, NULL, 0};
    for (size_t i = 0; i < o.n_where; i++)
        if ((rc = add_condition(&o, o.where[i], &flt)) != EXIT_OK)
            return rc;
    if ((rc = check_out(&o)) != EXIT_OK)
        return rc;
    hoshi_store *s = NULL;
    if ((rc = open_store(&o, &s)) != EXIT_OK)
        return rc;
    invite_ctx c = {HOSHI_BUF_INIT, o.base_url, strlen(o.base_url)};
    while (c.base_len > 0 && c.base[c.base_len - 1] == '/')
        c.base_len--;
    c.csv.limit = (size_t)1 << 30;
    hoshi_buf_puts(&c.csv, "declaration_id,organization,url\r\n");
    long long invited = 0, skipped = 0;
    hoshi_err err = hoshi_store_survey_invite(s, o.survey, &flt, o.today, add_invitation, &c, &invited,
                                              &skipped);
    hoshi_store_close(s);
    if (err != HOSHI_OK) {
        hoshi_buf_free(&c.csv);
        return survey_error(&o, err);
    }
    rc = cli_write_buf(o.cmd, o.out, &c.csv);
    if (rc != EXIT_OK)
        fprintf(stderr, "hoshi %s: the %lld invitations are stored but their links are lost; "
                        "close this survey and make a new one\n", o.cmd, invited);
    else
        fprintf(stderr, "hoshi %s: %lld invited, %lld already invited\n", o.cmd, invited, skipped);
    return rc;
}

int survey_close(int argc, char **argv)
{
    db_opts o;
    int rc = parse("survey close", O_DB | O_SURVEY | O_DATE | O_DATA, argc, argv, &o);
    if (rc != EXIT_OK)
        return rc < 0 ? EXIT_OK : rc;
    hoshi_store *s = NULL;
    if ((rc = open_store(&o, &s)) != EXIT_OK)
        return rc;
    hoshi_err err = hoshi_store_survey_close(s, o.survey, o.today);
    hoshi_store_close(s);
    return err == HOSHI_OK ? EXIT_OK : survey_error(&o, err);
}

/* The organisation's attributes of a response, as the export wants them. */
static hoshi_err add_response(void *ctx, const hoshi_response_row *row)
{
    hoshi_org_attrs a = {row->level, row->size, hoshi_attrs_industry_code(row->industry),
                         row->prefecture, row->has_score, row->score};
    return hoshi_survey_export_add(ctx, row->respondent, row->answers, row->answers_len, &a);
}

/* Reads survey o->survey's definition and every submitted response into
 * an export, and makes the pair. */
static int make_export(const db_opts *o, hoshi_store *s, const hoshi_attrs *attrs, char **cb,
                       size_t *cb_len, char **data, size_t *data_len)
{
    hoshi_survey sv;
    hoshi_err err = hoshi_store_survey_get(s, o->survey, o->today, &sv);
    if (err != HOSHI_OK)
        return survey_error(o, err);
    hoshi_form *f = NULL;
    hoshi_survey_export *w = NULL;
    char name[64];
    snprintf(name, sizeof name, "survey %lld", o->survey);
    if ((err = hoshi_form_parse(name, (const char *)sv.definition, sv.definition_len, &f)) != HOSHI_OK ||
        (err = hoshi_survey_export_new(f, attrs, o->lang, o->export_flags, &w)) != HOSHI_OK ||
        (err = hoshi_store_survey_responses(s, o->survey, add_response, w)) != HOSHI_OK ||
        (err = hoshi_survey_export_finish(w, o->enc, cb, cb_len, data, data_len)) != HOSHI_OK) {
        fprintf(stderr, "hoshi %s: survey %lld: %s\n", o->cmd, o->survey,
                *hoshi_error_detail() ? hoshi_error_detail() : hoshi_error_message(err));
    }
    hoshi_survey_export_free(w);
    hoshi_form_free(f);
    free(sv.definition);
    return cli_exit_status(err, true);
}

int survey_export(int argc, char **argv)
{
    db_opts o;
    int rc = parse("survey export", O_DB | O_SURVEY | O_OUT | O_ENC | O_LANG | O_DATA | O_DATE | O_SHOWN, argc,
                   argv, &o);
    if (rc != EXIT_OK)
        return rc < 0 ? EXIT_OK : rc;
    hoshi_attrs *attrs = NULL;
    hoshi_err err = hoshi_attrs_open(o.datadir, o.lang, &attrs);
    if (err != HOSHI_OK)
        return cli_lib_error(o.cmd, err);
    hoshi_store *s = NULL;
    char *cb = NULL, *data = NULL;
    size_t cb_len = 0, data_len = 0;
    if ((rc = open_store(&o, &s)) != EXIT_OK)
        goto free_attrs;
    rc = make_export(&o, s, attrs, &cb, &cb_len, &data, &data_len);
    hoshi_store_close(s);
    if (rc == EXIT_OK)
        rc = cli_write_pair(o.cmd, o.out, cb, cb_len, data, data_len);
    free(cb);
    free(data);
free_attrs:
    hoshi_attrs_free(attrs);
    return rc;
}

static const char *state_word(hoshi_survey_state st)
{
    switch (st) {
    case HOSHI_SURVEY_OPEN: return "open";
    case HOSHI_SURVEY_CLOSED: return "closed";
    case HOSHI_SURVEY_NOT_YET_OPEN: return "not-yet-open";
    case HOSHI_SURVEY_ENDED: return "ended";
    }
    return "?";
}

int survey_list(int argc, char **argv)
{
    db_opts o;
    int rc = parse("survey list", O_DB | O_DATE | O_DATA, argc, argv, &o);
    if (rc != EXIT_OK)
        return rc < 0 ? EXIT_OK : rc;
    hoshi_store *s = NULL;
    if ((rc = open_store(&o, &s)) != EXIT_OK)
        return rc;
    hoshi_survey *v = calloc(LIST_MAX, sizeof *v);
    size_t n = 0;
    hoshi_err err = v == NULL ? hoshi_error_set(HOSHI_ERR_NOMEM, "out of memory listing surveys")
                              : hoshi_store_survey_list(s, o.today, v, LIST_MAX, &n);
    hoshi_store_close(s);
    hoshi_buf b = HOSHI_BUF_INIT;
    hoshi_buf_puts(&b, "id,title,state,opens,closes,invited,started,submitted\r\n");
    for (size_t i = 0; err == HOSHI_OK && i < n; i++) {
        hoshi_buf_printf(&b, "%lld,", v[i].id);
        hoshi_buf_csv(&b, v[i].title, ',');
        hoshi_buf_printf(&b, ",%s,%s,%s,%lld,%lld,%lld\r\n", state_word(v[i].state), v[i].opens_on,
                         v[i].closes_on, v[i].counts.invited, v[i].counts.started,
                         v[i].counts.submitted);
    }
    free(v);
    if (err != HOSHI_OK) {
        hoshi_buf_free(&b);
        return cli_lib_error(o.cmd, err);
    }
    return cli_write_buf(o.cmd, NULL, &b);
}
