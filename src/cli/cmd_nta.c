/*
 * cmd_nta.c — `hoshi nta import`: reads the National Tax Agency's bulk
 * file of corporate numbers (CSV, Unicode edition) line by line and hands
 * the records to the store, which writes all of them or none.  The glue
 * between a file (lines, their numbers, a cap on both) and the parser and
 * store of the library, which know nothing of files.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char help[] =
    "usage: hoshi nta import --db DB FILE.csv\n"
    "\n"
    "Imports the National Tax Agency's register of corporate numbers\n"
    "(法人番号公表サイト, 全件データ or 差分データ, CSV, Unicode edition,\n"
    "unzipped) into the database of 'hoshi serve', which then checks the\n"
    "法人番号 of every declaration against it.  Every line is checked; the\n"
    "first bad one is reported as FILE:LINE and nothing is imported.  A\n"
    "number's newest record wins, so importing a file again, or an older\n"
    "one after a newer one, changes nothing.\n"
    "\n"
    "options:\n"
    "  --db DB                 the database of 'hoshi serve' (required)\n"
    "  -h, --help              show this help\n"
    "\n"
    "exit status: 0 done, 1 failure, 2 bad usage or input\n";

/* Far above the agency's whole file (about 5.5 million numbers). */
#define NTA_LINES_MAX 20000000L

typedef struct reader {
    FILE *f;
    const char *path;
    long line;
    char buf[HOSHI_NTA_LINE_MAX + 3];
    char where[512];              /* FILE:LINE of a bad line, "" else */
} reader;

static hoshi_err next_record(void *ctx, hoshi_nta_corp *out, bool *end)
{
    reader *r = ctx;
    if (fgets(r->buf, sizeof r->buf, r->f) == NULL) {
        *end = true;
        return ferror(r->f) ? HOSHI_ERR_IO : HOSHI_OK;
    }
    r->line++;
    snprintf(r->where, sizeof r->where, "%s:%ld", r->path, r->line);
    if (r->line > NTA_LINES_MAX)
        return HOSHI_ERR_LIMIT;
    size_t len = strlen(r->buf);
    const char *p = r->buf;
    if (len > 0 && p[len - 1] == '\n')
        len--;
    else if (!feof(r->f))
        return hoshi_nta_parse_line(p, HOSHI_NTA_LINE_MAX + 1, out); /* too long */
    if (len > 0 && p[len - 1] == '\r')
        len--;
    if (r->line == 1 && len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
        p += 3;
        len -= 3;
    }
    hoshi_err err = hoshi_nta_parse_line(p, len, out);
    if (err == HOSHI_OK)
        r->where[0] = '\0';
    return err;
}

static int import(const char *db, const char *path)
{
    struct stat st;
    if (stat(db, &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "hoshi nta: no database at %s\n", db);
        return EXIT_USAGE;
    }
    static reader r;
    memset(&r, 0, sizeof r);
    r.path = path;
    if ((r.f = fopen(path, "rb")) == NULL) {
        fprintf(stderr, "hoshi nta: cannot read %s: %s\n", path, strerror(errno));
        return EXIT_USAGE;
    }
    char magic[4] = {0};
    if (fread(magic, 1, 4, r.f) == 4 && memcmp(magic, "PK\x03\x04", 4) == 0) {
        fprintf(stderr, "hoshi nta: %s is a zip archive: unzip it and import the .csv inside\n", path);
        fclose(r.f);
        return EXIT_USAGE;
    }
    rewind(r.f);
    hoshi_store *s;
    hoshi_err err = hoshi_store_open_sqlite(db, 1, &s);
    if (err != HOSHI_OK) {
        fclose(r.f);
        return cli_input_error("nta", err);
    }
    hoshi_nta_import_result res;
    err = hoshi_store_nta_import(s, next_record, &r, &res);
    hoshi_store_close(s);
    fclose(r.f);
    if (err == HOSHI_OK) {
        printf("imported %lld records from %s: %lld kept, %lld older states left out, %lld deleted;"
               " data of %s\n", res.read, path, res.kept, res.history, res.deleted,
               res.data_date[0] ? res.data_date : "(none)");
        return EXIT_OK;
    }
    if (r.where[0] == '\0')
        return cli_lib_error("nta", err);
    if (err == HOSHI_ERR_LIMIT && r.line > NTA_LINES_MAX)
        fprintf(stderr, "hoshi nta: %s: more than %ld lines; nothing imported\n", r.where, NTA_LINES_MAX);
    else
        fprintf(stderr, "hoshi nta: %s: %s; nothing imported\n", r.where,
                hoshi_error_detail()[0] ? hoshi_error_detail() : hoshi_error_message(err));
    return EXIT_USAGE;
}

int cmd_nta(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fputs(help, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (strcmp(argv[1], "import") != 0)
        return cli_usage_error("nta", "unknown action '%s' (try: hoshi nta import --help)", argv[1]);
    const char *db = NULL;
    optind = 2;
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'd': db = optarg; break;
        case 'h': fputs(help, stdout); return EXIT_OK;
        case ':': return cli_usage_error("nta", "option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error("nta", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (db == NULL)
        return cli_usage_error("nta", "--db DB is required");
    if (argc - optind != 1)
        return cli_usage_error("nta", "one FILE.csv is required");
    return import(db, argv[optind]);
}
