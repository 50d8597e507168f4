/*
 * cmd_book.c — `hoshi book run|init`: table books (hoshi/book.h).  run
 * builds each table's `hoshi tab` state from the book's keys through the
 * same option handling as the command line (tab_cli_apply_name), computes
 * every table, renders every output in memory, and only then writes: a
 * mistake in any table writes nothing, and the files written before a
 * failed write are removed again.  init writes the default book of a
 * survey definition or a codebook.
 */
#include "cli.h"
#include "tab_cli.h"

#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char book_help[] =
    "usage: hoshi book run BOOK.ini [--xlsx FILE] [--html FILE] [--csv-dir DIR]\n"
    "                      [--lang ja|en] [--no-sig] [--data-dir DIR]\n"
    "       hoshi book init (--form DEF | --codebook FILE) [--data FILE] [--out BOOK.ini]\n"
    "                      [--lang ja|en]\n"
    "\n"
    "A table book lists the tables of a report in an ini file: a [book] section\n"
    "(title, codebook, data — paths relative to the book —, lang, encoding, and\n"
    "defaults for every table) and one [table ID] section per table whose keys\n"
    "are the options of 'hoshi tab' without -- (head, side, where, net, recode,\n"
    "bands, sort = yes, top-box, …) plus title and base (a label for the base).\n"
    "\n"
    "  run    computes every table and writes any of: one workbook with a\n"
    "         contents sheet (--xlsx), one HTML report with contents and charts\n"
    "         (--html), one CSV per table named ID.csv (--csv-dir, made when\n"
    "         missing).  Any error writes nothing.\n"
    "  init   writes the default book (to --out or standard output): the simple\n"
    "         table of every question of the survey definition DEF (.xlsx or a\n"
    "         directory of CSV sheets), a routed question over the respondents\n"
    "         it was shown to (where = R__QID=1: export with 'hoshi survey\n"
    "         export --shown'); or of every question of a codebook.  --codebook\n"
    "         and --data with --form are the paths written into the book\n"
    "         (default codebook.csv and data.csv, as 'hoshi survey export' writes).\n"
    "\n"
    "--data-dir DIR: hoshi's data directory, for the words around the tables\n"
    "(default $HOSHI_DATA_DIR, else the installed one).\n"
    "\n"
    "exit status: 0 done, 1 failure, 2 bad usage or bad input\n";

enum { B_XLSX = 256, B_HTML, B_CSVDIR, B_LANG, B_NOSIG, B_FORM, B_CODEBOOK, B_DATA, B_OUT, B_DATADIR };

/* Options of `hoshi tab` that are the run's, not a table's. */
static const char *const not_table[] = {"codebook", "data", "format", "chart", "out", "lang",
                                        "encoding", "encoding-out", "bom", "no-sig", "help"};

typedef struct book_run {
    const char *path;        /* the book */
    const char *xlsx, *html, *csv_dir, *lang_s, *datadir;
    bool sig;
    hoshi_book *book;
    hoshi_dataset *ds;
    hoshi_tabset *all;       /* every table, marked with its book table */
    char **csv;              /* per book table: its CSV (with --csv-dir) */
    size_t *csv_len;
} book_run;

/* "FILE:LINE: message" for a table's key, as the book's parser says it. */
static int key_error(const book_run *r, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int key_error(const book_run *r, size_t line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "hoshi book: %s:%zu: ", hoshi_book_name(r->book), line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return EXIT_USAGE;
}

/* One key of a table applied as `hoshi tab --NAME VALUE` would be.  A flag
 * takes yes/true (given) or no/false (not given); an empty value gives
 * nothing (so a table can drop a default). */
static int apply_key(const book_run *r, tab_cli *c, const hoshi_book_opt *o)
{
    for (size_t i = 0; i < sizeof not_table / sizeof not_table[0]; i++)
        if (strcmp(o->name, not_table[i]) == 0)
            return key_error(r, o->line, "'%s' is not a table option (it belongs to the run or [book])",
                             o->name);
    int kind = tab_cli_option_kind(o->name), rc;
    if (kind == -2)
        return key_error(r, o->line, "'%s' is a run of its own, not an option of a table", o->name);
    if (kind < 0)
        return key_error(r, o->line, "unknown key '%s' (not an option of hoshi tab)", o->name);
    if (kind == 0 && (strcmp(o->value, "yes") == 0 || strcmp(o->value, "true") == 0))
        rc = tab_cli_apply_name(c, o->name, NULL);
    else if (kind == 0 && (strcmp(o->value, "no") == 0 || strcmp(o->value, "false") == 0))
        return EXIT_OK;
    else if (kind == 0)
        return key_error(r, o->line, "%s takes yes or no, not '%s'", o->name, o->value);
    else if (o->value[0] == '\0')
        return EXIT_OK; /* empty: the option is not given */
    else
        rc = tab_cli_apply_name(c, o->name, o->value);
    switch (rc) {
    case TAB_OPT_OK: return EXIT_OK;
    case TAB_OPT_BAD: return key_error(r, o->line, "%s", c->to.msg);
    default:
        fprintf(stderr, "hoshi book: %s:%zu: too many values or out of memory\n",
                hoshi_book_name(r->book), o->line);
        return EXIT_FAIL;
    }
}

/* One table of the book: its `hoshi tab` state, then its tables (computed
 * on one of the worker threads) or why they failed. */
typedef struct table_job {
    tab_cli c;
    hoshi_tabset *ts;
    hoshi_err err;
    char detail[1024];      /* the error's detail, set on the worker's thread */
} table_job;

typedef struct job_pool {
    const hoshi_dataset *ds;
    table_job *jobs;
    size_t n;
    atomic_size_t next;     /* the next table to take */
    atomic_size_t failed;   /* the first table that failed (n: none): later ones are skipped */
} job_pool;

static void *table_worker(void *arg)
{
    job_pool *p = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&p->next, 1);
        if (i >= p->n || i > atomic_load(&p->failed))
            return NULL;
        table_job *j = &p->jobs[i];
        j->err = tab_cli_run(&j->c, p->ds, NULL, &j->ts);
        if (j->err == HOSHI_OK)
            continue;
        snprintf(j->detail, sizeof j->detail, "%s",
                 *hoshi_error_detail() ? hoshi_error_detail() : hoshi_error_message(j->err));
        size_t f = atomic_load(&p->failed);
        while (i < f && !atomic_compare_exchange_weak(&p->failed, &f, i))
            ;
    }
}

/* Every table of the book: each one's keys applied in order (the first
 * mistake reported), then the tables computed on two threads (they are
 * independent and share the read-only dataset), then, in the book's order,
 * each one's CSV made and its tables gathered into r->all. */
static int run_tables(book_run *r, const hoshi_tab_render_opts *csv_opts)
{
    size_t n = hoshi_book_table_count(r->book), made = 0;
    job_pool p = {r->ds, calloc(n, sizeof *p.jobs), n, 0, n};
    if (p.jobs == NULL) {
        fputs("hoshi book: out of memory\n", stderr);
        return EXIT_FAIL;
    }
    int rc = EXIT_OK;
    for (; made < n && rc == EXIT_OK; made++) {
        const hoshi_book_table *bt = hoshi_book_table_get(r->book, made);
        tab_cli_init(&p.jobs[made].c);
        for (size_t k = 0; k < bt->n_opts && rc == EXIT_OK; k++)
            rc = apply_key(r, &p.jobs[made].c, &bt->opts[k]);
        if (rc == EXIT_OK && tab_cli_check(&p.jobs[made].c) != TAB_OPT_OK)
            rc = key_error(r, bt->line, "table %s: %s", bt->id, p.jobs[made].c.to.msg);
    }
    if (rc != EXIT_OK)
        goto free_jobs;
    pthread_t th;
    bool threaded = n > 1 && pthread_create(&th, NULL, table_worker, &p) == 0;
    table_worker(&p);
    if (threaded)
        pthread_join(th, NULL);
    for (size_t i = 0; i < n && rc == EXIT_OK; i++) {
        const hoshi_book_table *bt = hoshi_book_table_get(r->book, i);
        table_job *j = &p.jobs[i];
        hoshi_err err = j->err;
        if (err == HOSHI_OK && r->csv != NULL &&
            (err = hoshi_tab_render(j->ts, HOSHI_TAB_CSV, csv_opts, &r->csv[i], &r->csv_len[i])) != HOSHI_OK)
            snprintf(j->detail, sizeof j->detail, "%s", hoshi_error_detail());
        if (err == HOSHI_OK && (err = hoshi_tabset_append(r->all, j->ts, bt->id, bt->title, bt->base)) != HOSHI_OK)
            snprintf(j->detail, sizeof j->detail, "%s", hoshi_error_detail());
        if (err != HOSHI_OK) {
            fprintf(stderr, "hoshi book: %s:%zu: table %s: %s\n", hoshi_book_name(r->book), bt->line,
                    bt->id, *j->detail ? j->detail : hoshi_error_message(err));
            rc = cli_exit_status(err, false);
        }
    }
free_jobs:
    for (size_t i = 0; i < made; i++) {
        hoshi_tabset_free(p.jobs[i].ts);
        tab_cli_free(&p.jobs[i].c);
    }
    free(p.jobs);
    return rc;
}

/* The outputs, in memory (all but the workbook), then written. */
typedef struct written {
    char *path[3 + HOSHI_BOOK_MAX_TABLES];
    size_t n;
} written;

static int keep_written(written *w, const char *dir, const char *name)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *p = malloc(len);
    if (p == NULL)
        return EXIT_FAIL;
    if (name[0] != '\0')
        snprintf(p, len, "%s/%s", dir, name);
    else
        snprintf(p, len, "%s", dir);
    w->path[w->n++] = p;
    return EXIT_OK;
}

/* The CSV files, each ID.csv in the directory (made when missing: *made). */
static int write_csvs(const book_run *r, written *w, bool *made)
{
    *made = mkdir(r->csv_dir, 0777) == 0;
    if (!*made && errno != EEXIST) {
        fprintf(stderr, "hoshi book: cannot make %s: %s\n", r->csv_dir, strerror(errno));
        return EXIT_FAIL;
    }
    for (size_t i = 0; i < hoshi_book_table_count(r->book); i++) {
        char name[80];
        snprintf(name, sizeof name, "%s.csv", hoshi_book_table_get(r->book, i)->id);
        if (keep_written(w, r->csv_dir, name) != EXIT_OK)
            return EXIT_FAIL;
        int rc = cli_write_output("book", w->path[w->n - 1], r->csv[i], r->csv_len[i]);
        if (rc != EXIT_OK) {
            free(w->path[--w->n]);
            return rc;
        }
    }
    return EXIT_OK;
}

static int write_outputs(book_run *r, const hoshi_tab_render_opts *ro)
{
    char *html = NULL;
    size_t html_len = 0;
    hoshi_err err;
    written *w = calloc(1, sizeof *w);
    if (w == NULL)
        return EXIT_FAIL;
    int rc = EXIT_OK;
    bool made = false;
    if (r->html != NULL &&
        (err = hoshi_book_render_html(r->all, hoshi_book_title(r->book), ro, &html, &html_len)) != HOSHI_OK) {
        rc = cli_lib_error("book", err);
        goto done;
    }
    if (r->csv_dir != NULL && (rc = write_csvs(r, w, &made)) != EXIT_OK)
        goto undo;
    if (r->html != NULL) {
        if ((rc = keep_written(w, r->html, "")) != EXIT_OK ||
            (rc = cli_write_output("book", r->html, html, html_len)) != EXIT_OK) {
            if (w->n > 0 && rc != EXIT_OK && strcmp(w->path[w->n - 1], r->html) == 0)
                free(w->path[--w->n]); /* not written: not ours to remove */
            goto undo;
        }
    }
    if (r->xlsx != NULL &&
        (err = hoshi_book_write_xlsx(r->all, hoshi_book_title(r->book), ro, r->xlsx)) != HOSHI_OK) {
        rc = cli_lib_error("book", err);
        goto undo;
    }
    goto done;
undo:
    for (size_t i = 0; i < w->n; i++)
        remove(w->path[i]);
    if (made)
        rmdir(r->csv_dir);
done:
    for (size_t i = 0; i < w->n; i++)
        free(w->path[i]);
    free(w);
    free(html);
    return rc;
}

static int book_run_cmd(int argc, char **argv)
{
    static const struct option opts[] = {
        {"xlsx", required_argument, NULL, B_XLSX},
        {"html", required_argument, NULL, B_HTML},
        {"csv-dir", required_argument, NULL, B_CSVDIR},
        {"lang", required_argument, NULL, B_LANG},
        {"no-sig", no_argument, NULL, B_NOSIG},
        {"data-dir", required_argument, NULL, B_DATADIR},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    book_run r;
    memset(&r, 0, sizeof r);
    r.sig = true;
    opterr = 0;
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case B_XLSX: r.xlsx = optarg; break;
        case B_HTML: r.html = optarg; break;
        case B_CSVDIR: r.csv_dir = optarg; break;
        case B_LANG: r.lang_s = optarg; break;
        case B_NOSIG: r.sig = false; break;
        case B_DATADIR: r.datadir = optarg; break;
        case 'h': fputs(book_help, stdout); return EXIT_OK;
        case ':': return cli_usage_error("book", "option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error("book", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error("book", optind < argc ? "one book at a time" : "run needs BOOK.ini");
    if (r.xlsx == NULL && r.html == NULL && r.csv_dir == NULL)
        return cli_usage_error("book", "nothing to write: give --xlsx, --html or --csv-dir");
    r.path = argv[optind];
    int rc;
    hoshi_tab_texts *texts = NULL;
    hoshi_err err = hoshi_book_load(r.path, &r.book);
    if (err != HOSHI_OK)
        return cli_input_error("book", err);
    const char *lang_s = r.lang_s ? r.lang_s : hoshi_book_lang(r.book) ? hoshi_book_lang(r.book) : "ja";
    const char *enc_s = hoshi_book_encoding(r.book) ? hoshi_book_encoding(r.book) : "auto";
    hoshi_lang lang;
    hoshi_encoding enc;
    if ((err = hoshi_lang_parse(lang_s, &lang)) != HOSHI_OK ||
        (err = hoshi_encoding_parse(enc_s, &enc)) != HOSHI_OK) {
        /* a setting of the book (or --lang): said with the book's name */
        fprintf(stderr, "hoshi book: %s: %s\n", r.path, hoshi_error_detail());
        rc = cli_exit_status(err, true);
        goto free_book;
    }
    if (hoshi_book_data(r.book) == NULL) {
        fprintf(stderr, "hoshi book: %s: [book] has no data (data = FILE)\n", r.path);
        rc = EXIT_USAGE;
        goto free_book;
    }
    if ((err = hoshi_dataset_open(hoshi_book_codebook(r.book), hoshi_book_data(r.book), enc, &r.ds)) != HOSHI_OK) {
        rc = cli_input_error("book", err);
        goto free_book;
    }
    size_t n = hoshi_book_table_count(r.book);
    if ((err = hoshi_tabset_new(&r.all)) != HOSHI_OK ||
        (r.csv_dir != NULL && ((r.csv = calloc(n, sizeof *r.csv)) == NULL ||
                               (r.csv_len = calloc(n, sizeof *r.csv_len)) == NULL))) {
        fputs("hoshi book: out of memory\n", stderr);
        rc = EXIT_FAIL;
        goto free_all;
    }
    hoshi_tab_render_opts csv_opts = {.lang = lang};
    if ((rc = run_tables(&r, &csv_opts)) != EXIT_OK)
        goto free_all;
    if ((err = hoshi_tab_texts_open(r.datadir, lang, &texts)) != HOSHI_OK) {
        rc = cli_lib_error("book", err);
        goto free_all;
    }
    hoshi_tab_render_opts ro = {.sig = r.sig, .lang = lang, .texts = texts};
    rc = write_outputs(&r, &ro);
free_all:
    for (size_t i = 0; r.csv != NULL && i < n; i++)
        free(r.csv[i]);
    free(r.csv);
    free(r.csv_len);
    hoshi_tab_texts_free(texts);
    hoshi_tabset_free(r.all);
    hoshi_dataset_free(r.ds);
free_book:
    hoshi_book_free(r.book);
    return rc;
}

static int book_init_cmd(int argc, char **argv)
{
    static const struct option opts[] = {
        {"form", required_argument, NULL, B_FORM},
        {"codebook", required_argument, NULL, B_CODEBOOK},
        {"data", required_argument, NULL, B_DATA},
        {"out", required_argument, NULL, B_OUT},
        {"lang", required_argument, NULL, B_LANG},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *form = NULL, *codebook = NULL, *data = NULL, *out = NULL, *lang_s = "ja";
    opterr = 0;
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case B_FORM: form = optarg; break;
        case B_CODEBOOK: codebook = optarg; break;
        case B_DATA: data = optarg; break;
        case B_OUT: out = optarg; break;
        case B_LANG: lang_s = optarg; break;
        case 'h': fputs(book_help, stdout); return EXIT_OK;
        case ':': return cli_usage_error("book", "option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error("book", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("book", "unexpected argument '%s'", argv[optind]);
    if (form == NULL && codebook == NULL)
        return cli_usage_error("book", "init needs --form DEF or --codebook FILE");
    hoshi_lang lang;
    hoshi_err err = hoshi_lang_parse(lang_s, &lang);
    if (err != HOSHI_OK)
        return cli_lib_error("book", err);
    hoshi_buf b = HOSHI_BUF_INIT;
    if (form != NULL) {
        hoshi_form *f = NULL;
        if ((err = hoshi_form_load(form, &f)) != HOSHI_OK)
            return cli_input_error("book", err);
        err = hoshi_book_from_form(f, lang, codebook ? codebook : "codebook.csv",
                                   data ? data : "data.csv", &b);
        hoshi_form_free(f);
    } else {
        char *text = NULL;
        size_t len = 0;
        if ((err = hoshi_file_read(codebook, (size_t)16 << 20, &text, &len)) != HOSHI_OK)
            return cli_input_error("book", err);
        err = hoshi_book_from_codebook(codebook, text, len, codebook, data, &b);
        free(text);
    }
    if (err != HOSHI_OK) {
        hoshi_buf_free(&b);
        return cli_input_error("book", err);
    }
    return cli_write_buf("book", out, &b);
}

int cmd_book(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        if (argc < 2)
            return cli_usage_error("book", "expected a subcommand: run or init");
        fputs(book_help, stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "run") == 0)
        return book_run_cmd(argc - 1, argv + 1);
    if (strcmp(argv[1], "init") == 0)
        return book_init_cmd(argc - 1, argv + 1);
    return cli_usage_error("book", "unknown subcommand '%s' (run, init)", argv[1]);
}
