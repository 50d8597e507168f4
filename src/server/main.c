/*
 * main.c — the web application's one entry point, srv_main(): `hoshi
 * serve` hands its arguments here (the CLI's command table names it in
 * src/cli/cli.h and includes nothing of src/server/).  It parses the
 * options into a srv_config and runs the server (http.c) until SIGINT or
 * SIGTERM.  Help, usage errors and exit statuses are those of every
 * hoshi subcommand: 0 stopped cleanly, 1 failure, 2 bad usage.
 */
#include "server.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { SERVE_USAGE = 2 };

static const char help[] =
    "usage: hoshi serve --db FILE [options]\n"
    "\n"
    "Runs the web application: sign-up, the one-star check, the 25-item\n"
    "self-diagnosis, the basic policy, declarations, the public registry\n"
    "and verification pages, and the JSON API (see docs/web.md, docs/api.md).\n"
    "Stops cleanly on Ctrl-C (SIGINT) or SIGTERM.\n"
    "\n"
    "options:\n"
    "  --listen HOST:PORT    address to listen on (default 127.0.0.1:8080;\n"
    "                        port 0 picks a free port, printed at start)\n"
    "  --db FILE|URL         SQLite database, created if missing, or a PostgreSQL\n"
    "                        database (postgresql://…; needs --key-file) (required)\n"
    "  --demo                add a demo log-in and demo organisations\n"
    "  --demo-count N        with --demo: N demo declarations (default 4000)\n"
    "  --demo-password PW    with --demo: the demo log-in's password\n"
    "  --threads N           worker threads (default 4)\n"
    "  --secure-cookies      mark cookies Secure (when served over HTTPS)\n"
    "  --no-cache            do not cache public pages (for benchmarks)\n"
    "  --base-url URL        public address printed in badge code and QR codes\n"
    "                        (default: http://HOST:PORT of --listen)\n"
    "  --max-connections N   concurrent connections in all (default 4000)\n"
    "  --conn-per-ip N       concurrent connections per client address (default 32;\n"
    "                        behind a reverse proxy all clients share its address)\n"
    "  --trust-proxy ADDR    requests from ADDR (a reverse proxy) count as coming\n"
    "                        from the last address of their X-Forwarded-For header\n"
    "                        (for the log, sign-up limit and log-in delays)\n"
    "  --header-timeout S    seconds a client has to send a request's headers,\n"
    "                        in total (default 10)\n"
    "  --hash-workers N      threads hashing passwords (default 2)\n"
    "  --hash-queue N        password jobs that may wait; more get 503 (default 16)\n"
    "  --signup-limit N      sign-ups per client address per hour (default 5)\n"
    "  --key-file FILE       the keys that sign declarations (default: the --db\n"
    "                        file's name with .keys added; made at first start;\n"
    "                        required with a postgresql:// --db)\n"
    "  --data-dir DIR        hoshi's data directory\n"
    "  --site-dir DIR        the operator's texts of the terms, privacy, contact and\n"
    "                        about pages: DIR/ja/terms.md etc. (default: DATADIR/site)\n"
    "  --cases-dir DIR       the operator's case studies, DIR/ID.ini (default:\n"
    "                        DATADIR/cases)\n"
    "  --support-dir DIR     the operator's support services, DIR/ID.ini\n"
    "                        (default: DATADIR/support)\n"
    "  --smtp URL            send e-mail through this server (smtp://HOST:PORT,\n"
    "                        or smtps:// for TLS from the start)\n"
    "  --mail-from ADDR      the sender's address (required with --smtp)\n"
    "  --smtp-user USER      log in to the SMTP server as USER (TLS required);\n"
    "                        the password from --smtp-password-file or the\n"
    "                        environment variable HOSHI_SMTP_PASSWORD\n"
    "  --smtp-password-file FILE  the SMTP password (its first line)\n"
    "  --mail-dir DIR        without --smtp: write each message as an .eml file\n"
    "                        here (without either, messages wait in the outbox)\n"
    "  --mail-retry S        seconds before a failed message is tried again,\n"
    "                        doubled each time up to 6 hours (default 60)\n"
    "  --mail-attempts N     attempts before a message is given up and kept as\n"
    "                        failed for the operator to send again (default 8)\n"
    "  -h, --help            show this help\n"
    "\n"
    "exit status: 0 stopped cleanly, 1 failure, 2 bad usage\n";

enum {
    O_LISTEN = 256, O_DB, O_DEMO, O_DEMO_COUNT, O_DEMO_PW, O_THREADS, O_SECURE, O_NOCACHE, O_BASE, O_DATA,
    O_MAXCONN, O_PERIP, O_HDRTIME, O_HASHW, O_HASHQ, O_SIGNUP, O_KEYFILE, O_SMTP, O_FROM,
    O_SMTPUSER, O_SMTPPW, O_MAILDIR, O_RETRY, O_SITEDIR, O_ATTEMPTS, O_TRUSTPROXY, O_CASESDIR, O_SUPPORTDIR
};

/* The limits against abuse (issue 7): option, range, field of srv_config. */
static const struct {
    int opt;
    const char *name;
    long lo, hi;
    size_t field;
} limits[] = {
    {O_MAXCONN, "--max-connections", 16, 100000, offsetof(srv_config, max_conn)},
    {O_PERIP, "--conn-per-ip", 1, 100000, offsetof(srv_config, conn_per_ip)},
    {O_HDRTIME, "--header-timeout", 1, 600, offsetof(srv_config, header_timeout)},
    {O_HASHW, "--hash-workers", 1, 16, offsetof(srv_config, hash_workers)},
    {O_HASHQ, "--hash-queue", 1, 10000, offsetof(srv_config, hash_queue)},
    {O_SIGNUP, "--signup-limit", 1, 100000, offsetof(srv_config, signup_limit)},
    {O_RETRY, "--mail-retry", 1, 86400, offsetof(srv_config, mail_retry)},
    {O_ATTEMPTS, "--mail-attempts", 1, 100, offsetof(srv_config, mail_attempts)},
};

/* "hoshi serve: message" and the pointer to the help, as the CLI's
 * cli_usage_error() writes it for every other subcommand. */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs("hoshi serve: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n(see 'hoshi serve --help')\n", stderr);
    return SERVE_USAGE;
}

static bool split_listen(const char *s, char *host, size_t size, int *port)
{
    const char *colon = strrchr(s, ':');
    long p;
    if (colon == NULL || (size_t)(colon - s) >= size || colon == s ||
        !hoshi_parse_long(colon + 1, 0, 65535, &p))
        return false;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    *port = (int)p;
    return true;
}

/* A plain absolute URL without a trailing slash: it is written into pages
 * escaped, but it should not need escaping to be right. */
static bool url_ok(const char *u)
{
    size_t n = strlen(u);
    if (n < 9 || n > 200 || u[n - 1] == '/' ||
        (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0))
        return false;
    for (const char *p = u; *p; p++)
        if (*p <= ' ' || *p >= 0x7f || strchr("\"'<>\\`{}|^", *p) != NULL)
            return false;
    return true;
}

/* The spool folder exists, is a folder, and this process may write
 * there: else a message saying which, at start rather than as a failed
 * delivery of every message later. */
static bool mail_dir_ok(const char *dir)
{
    struct stat st;
    const char *why = NULL;
    if (stat(dir, &st) != 0)
        why = errno == ENOENT ? "no such folder (create it first)" : strerror(errno);
    else if (!S_ISDIR(st.st_mode))
        why = "not a folder";
    else if (access(dir, W_OK | X_OK) != 0)
        why = "this user cannot write there";
    if (why != NULL)
        fprintf(stderr, "hoshi serve: --mail-dir %s: %s\n", dir, why);
    return why == NULL;
}

static bool smtp_url_ok(const char *u)
{
    size_t n = strlen(u);
    if (n > 200 || (strncmp(u, "smtp://", 7) != 0 && strncmp(u, "smtps://", 8) != 0) ||
        n <= (size_t)(u[4] == 's' ? 8 : 7))
        return false;
    for (const char *p = u; *p; p++)
        if (*p <= ' ' || *p >= 0x7f)
            return false;
    return true;
}

/* The SMTP password: the first line of file, else $HOSHI_SMTP_PASSWORD;
 * kept for the life of the process, never printed. */
static bool read_password(const char *file, const char **out)
{
    static char pw[512];
    if (file == NULL) {
        const char *env = getenv("HOSHI_SMTP_PASSWORD");
        if (env == NULL || env[0] == '\0' || strlen(env) >= sizeof pw)
            return false;
        *out = env;
        return true;
    }
    FILE *f = fopen(file, "r");
    if (f == NULL)
        return false;
    bool ok = fgets(pw, sizeof pw, f) != NULL;
    fclose(f);
    pw[strcspn(pw, "\r\n")] = '\0';
    *out = pw;
    return ok && pw[0] != '\0';
}

int srv_main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"listen", required_argument, NULL, O_LISTEN},
        {"db", required_argument, NULL, O_DB},
        {"demo", no_argument, NULL, O_DEMO},
        {"demo-count", required_argument, NULL, O_DEMO_COUNT},
        {"demo-password", required_argument, NULL, O_DEMO_PW},
        {"threads", required_argument, NULL, O_THREADS},
        {"secure-cookies", no_argument, NULL, O_SECURE},
        {"no-cache", no_argument, NULL, O_NOCACHE},
        {"base-url", required_argument, NULL, O_BASE},
        {"data-dir", required_argument, NULL, O_DATA},
        {"site-dir", required_argument, NULL, O_SITEDIR},
        {"cases-dir", required_argument, NULL, O_CASESDIR},
        {"support-dir", required_argument, NULL, O_SUPPORTDIR},
        {"key-file", required_argument, NULL, O_KEYFILE},
        {"max-connections", required_argument, NULL, O_MAXCONN},
        {"conn-per-ip", required_argument, NULL, O_PERIP},
        {"header-timeout", required_argument, NULL, O_HDRTIME},
        {"hash-workers", required_argument, NULL, O_HASHW},
        {"hash-queue", required_argument, NULL, O_HASHQ},
        {"signup-limit", required_argument, NULL, O_SIGNUP},
        {"smtp", required_argument, NULL, O_SMTP},
        {"mail-from", required_argument, NULL, O_FROM},
        {"smtp-user", required_argument, NULL, O_SMTPUSER},
        {"smtp-password-file", required_argument, NULL, O_SMTPPW},
        {"mail-dir", required_argument, NULL, O_MAILDIR},
        {"mail-retry", required_argument, NULL, O_RETRY},
        {"mail-attempts", required_argument, NULL, O_ATTEMPTS},
        {"trust-proxy", required_argument, NULL, O_TRUSTPROXY},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    srv_config cfg = {.listen_host = "127.0.0.1", .port = 8080, .threads = 4, .max_conn = 4000,
                      .conn_per_ip = 32, .header_timeout = 10, .hash_workers = 2, .hash_queue = 16,
                      .signup_limit = 5, .mail_retry = 60, .mail_attempts = 8};
    const char *pw_file = NULL;
    static char host[64], proxy[64];
    const char *listen = "127.0.0.1:8080", *demo_pw = "hoshi-demo-2026";
    bool demo = false;
    long demo_count = SRV_DEMO_COUNT, threads = 4;
    opterr = 0;
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case O_LISTEN: listen = optarg; break;
        case O_DB: cfg.db_path = optarg; break;
        case O_DEMO: demo = true; break;
        case O_DEMO_COUNT:
            if (!hoshi_parse_long(optarg, 0, 10000000, &demo_count))
                return usage_error("--demo-count needs a number 0..10000000");
            break;
        case O_DEMO_PW: demo_pw = optarg; break;
        case O_THREADS:
            if (!hoshi_parse_long(optarg, 1, 64, &threads))
                return usage_error("--threads needs a number 1..64");
            break;
        case O_SECURE: cfg.secure_cookies = true; break;
        case O_NOCACHE: cfg.no_cache = true; break;
        case O_BASE:
            if (!url_ok(optarg))
                return usage_error("--base-url needs http:// or https:// and a host, got '%s'",
                                       optarg);
            cfg.base_url = optarg;
            break;
        case O_DATA: cfg.datadir = optarg; break;
        case O_SITEDIR: cfg.site_dir = optarg; break;
        case O_CASESDIR: cfg.cases_dir = optarg; break;
        case O_SUPPORTDIR: cfg.support_dir = optarg; break;
        case O_KEYFILE: cfg.key_file = optarg; break;
        case O_SMTP:
            if (!smtp_url_ok(optarg))
                return usage_error("--smtp needs smtp://HOST[:PORT] or smtps://HOST[:PORT]");
            cfg.smtp_url = optarg;
            break;
        case O_FROM:
            if (!hoshi_mail_address_ok(optarg))
                return usage_error("--mail-from needs a plain address like registry@example.jp");
            cfg.mail_from = optarg;
            break;
        case O_SMTPUSER:
            if (optarg[0] == '\0' || strpbrk(optarg, "\r\n") != NULL)
                return usage_error("--smtp-user needs a user name");
            cfg.smtp_user = optarg;
            break;
        case O_SMTPPW: pw_file = optarg; break;
        case O_MAILDIR: cfg.mail_dir = optarg; break;
        case O_TRUSTPROXY:
            if (!srv_addr_normalize(optarg, proxy, sizeof proxy))
                return usage_error("--trust-proxy needs an IPv4 or IPv6 address, got '%s'", optarg);
            cfg.trust_proxy = proxy;
            break;
        case O_MAXCONN:
        case O_PERIP:
        case O_HDRTIME:
        case O_HASHW:
        case O_HASHQ:
        case O_SIGNUP:
        case O_RETRY:
        case O_ATTEMPTS:
            for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
                long v;
                if (limits[i].opt != ch)
                    continue;
                if (!hoshi_parse_long(optarg, limits[i].lo, limits[i].hi, &v))
                    return usage_error("%s needs a number %ld..%ld", limits[i].name, limits[i].lo,
                                           limits[i].hi);
                *(int *)(void *)((char *)&cfg + limits[i].field) = (int)v;
            }
            break;
        case 'h': fputs(help, stdout); return 0;
        case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
        default: return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    if (cfg.db_path == NULL)
        return usage_error("--db is required");
    /* DB + ".keys" names no file for a URL, and every server sharing the
     * database must sign with the same keys; the URL is not repeated (it
     * may hold a password). */
    if (hoshi_store_is_url(cfg.db_path) && cfg.key_file == NULL)
        return usage_error("--db postgresql://… needs --key-file FILE (the same file on every server)");
    if (!split_listen(listen, host, sizeof host, &cfg.port))
        return usage_error("--listen needs HOST:PORT, got '%s'", listen);
    if (strlen(demo_pw) < 10)
        return usage_error("--demo-password needs at least 10 characters");
    if (cfg.smtp_url != NULL && cfg.mail_from == NULL)
        return usage_error("--smtp needs --mail-from");
    if (cfg.mail_from == NULL)
        cfg.mail_from = "hoshi@localhost";
    if (cfg.smtp_user != NULL && !read_password(pw_file, &cfg.smtp_password))
        return usage_error("--smtp-user needs a password: --smtp-password-file FILE or HOSHI_SMTP_PASSWORD");
    if (cfg.mail_dir != NULL && !mail_dir_ok(cfg.mail_dir))
        return 1;
    cfg.listen_host = host;
    cfg.threads = (int)threads;
    return srv_run(&cfg, demo ? demo_pw : NULL, demo_count);
}
