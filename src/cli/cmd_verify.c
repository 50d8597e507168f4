/*
 * cmd_verify.c — signed declarations on the command line (issue 11,
 * part 5): `hoshi verify --keys KEYS.json TOKEN` checks a token offline
 * against the published public keys (GET /api/v1/keys, saved once), and
 * `hoshi keys rotate|export` looks after the server's key file.  A thin
 * client of hoshi/sign.h.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char verify_help[] =
    "usage: hoshi verify --keys KEYS.json TOKEN\n"
    "\n"
    "Checks a signed declaration offline: TOKEN is the 'signed' field of the\n"
    "JSON API's declaration, or the link in a badge's QR code (its sig=\n"
    "parameter is taken).  KEYS.json is the registry's public keys, as\n"
    "GET /api/v1/keys serves them (or 'hoshi keys export').  When the token\n"
    "is valid, prints the declaration it carries as JSON.  A token shows the\n"
    "status when it was issued: ask the registry (the verify_url, or\n"
    "/api/v1/declarations/ID) whether it has been withdrawn since.\n"
    "\n"
    "options:\n"
    "  --keys FILE     the public keys JSON (required)\n"
    "  -h, --help      show this help\n"
    "\n"
    "exit status: 0 valid, 1 invalid (a byte changed, or a key not in\n"
    "KEYS.json), 2 bad usage or an unreadable keys file\n";

static const char keys_help[] =
    "usage: hoshi keys rotate --db DB [--key-file FILE]\n"
    "       hoshi keys export --db DB [--key-file FILE]\n"
    "\n"
    "The signing keys of 'hoshi serve' (Ed25519), kept in DB.keys (mode\n"
    "0600; made at the server's first start).  rotate retires the signing\n"
    "key and adds a new one: a running server notices the changed file at\n"
    "its next request and signs with the new key (no restart), and tokens\n"
    "of the old one still verify, as its public half stays published.  export prints the public keys as JSON,\n"
    "as GET /api/v1/keys serves them (for 'hoshi verify --keys').\n"
    "\n"
    "options:\n"
    "  --db DB           the database of 'hoshi serve'\n"
    "  --key-file FILE   the key file, when not DB.keys (required when DB is\n"
    "                    a postgresql:// URL)\n"
    "  -h, --help        show this help\n"
    "\n"
    "exit status: 0 done, 1 failure, 2 bad usage or a bad key file\n";

enum { KEYS_JSON_MAX = 1024 * 1024, O_KEYS = 256, O_DB, O_KEYFILE };

/* The token in arg: arg itself, or the value of a sig= parameter when arg
 * is the link of a QR code. */
static const char *token_of(const char *arg, char *buf, size_t size)
{
    const char *q = strchr(arg, '?');
    if (q == NULL)
        return arg;
    for (const char *p = q + 1; p != NULL && *p; p = strchr(p, '&') ? strchr(p, '&') + 1 : NULL) {
        if (strncmp(p, "sig=", 4) == 0) {
            size_t n = strcspn(p + 4, "&#");
            if (n >= size)
                return arg;
            memcpy(buf, p + 4, n);
            buf[n] = '\0';
            return buf;
        }
    }
    return arg;
}

int cmd_verify(int argc, char **argv)
{
    static const struct option opts[] = {
        {"keys", required_argument, NULL, O_KEYS},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *keys = NULL;
    opterr = 0;
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case O_KEYS: keys = optarg; break;
        case 'h': fputs(verify_help, stdout); return EXIT_OK;
        case ':': return cli_usage_error("verify", "option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error("verify", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (keys == NULL)
        return cli_usage_error("verify", "--keys is required");
    if (optind >= argc)
        return cli_usage_error("verify", "missing the token");
    if (optind + 1 < argc)
        return cli_usage_error("verify", "unexpected argument '%s'", argv[optind + 1]);
    char *json = NULL;
    int rc = cli_read_file("verify", keys, KEYS_JSON_MAX, &json);
    if (rc != EXIT_OK)
        return rc;
    hoshi_keyring *k = NULL;
    hoshi_err err = hoshi_keyring_from_json(json, strlen(json), &k);
    free(json);
    if (err != HOSHI_OK) {
        fprintf(stderr, "hoshi verify: %s: %s\n", keys, hoshi_error_detail());
        return err == HOSHI_ERR_NOMEM ? EXIT_FAIL : EXIT_USAGE;
    }
    char buf[HOSHI_SIGN_TOKEN_MAX + 1];
    hoshi_sign_decl d;
    char kid[HOSHI_SIGN_KEY_ID_LEN + 1];
    err = hoshi_sign_verify(k, token_of(argv[optind], buf, sizeof buf), &d, kid);
    hoshi_keyring_free(k);
    if (err != HOSHI_OK) {
        fprintf(stderr, "hoshi verify: invalid: %s\n", hoshi_error_detail());
        return EXIT_FAIL;
    }
    hoshi_buf out = HOSHI_BUF_INIT;
    hoshi_buf_puts(&out, "{\"valid\":true,\"declaration\":");
    hoshi_sign_decl_json(&out, &d, kid);
    hoshi_buf_puts(&out, "}\n");
    return cli_write_buf("verify", NULL, &out);
}

int cmd_keys(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, O_DB},
        {"key-file", required_argument, NULL, O_KEYFILE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(keys_help, stdout);
        return EXIT_OK;
    }
    if (argc < 2)
        return cli_usage_error("keys", "missing subcommand (rotate or export)");
    bool rotate = strcmp(argv[1], "rotate") == 0;
    if (!rotate && strcmp(argv[1], "export") != 0)
        return cli_usage_error("keys", "unknown subcommand '%s' (expected rotate or export)", argv[1]);
    const char *db = NULL, *file = NULL;
    opterr = 0;
    optind = 2;
    int ch;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case O_DB: db = optarg; break;
        case O_KEYFILE: file = optarg; break;
        case 'h': fputs(keys_help, stdout); return EXIT_OK;
        case ':': return cli_usage_error("keys", "option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error("keys", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("keys", "unexpected argument '%s'", argv[optind]);
    if (db == NULL && file == NULL)
        return cli_usage_error("keys", "--db or --key-file is required");
    /* The server's keys file is DB.keys only for an SQLite file; the URL
     * is not repeated (it may hold a password). */
    if (file == NULL && hoshi_store_is_url(db))
        return cli_usage_error("keys", "--db postgresql://… needs --key-file FILE (the same file on every server)");
    hoshi_buf path = HOSHI_BUF_INIT;
    if (file != NULL)
        hoshi_buf_puts(&path, file);
    else
        hoshi_buf_printf(&path, "%s%s", db, HOSHI_SIGN_KEYFILE_SUFFIX);
    if (path.err != HOSHI_OK) {
        hoshi_buf_free(&path);
        return cli_lib_error("keys", HOSHI_ERR_NOMEM);
    }
    int rc;
    if (rotate) {
        char id[HOSHI_SIGN_KEY_ID_LEN + 1];
        hoshi_err err = hoshi_keyring_rotate(path.data, id);
        rc = err == HOSHI_OK ? EXIT_OK : cli_input_error("keys", err);
        if (rc == EXIT_OK)
            printf("hoshi keys: %s now signs (a running hoshi serve takes it at its next request)\n", id);
    } else {
        hoshi_keyring *k = NULL;
        hoshi_err err = hoshi_keyring_open(path.data, false, &k);
        if (err != HOSHI_OK) {
            rc = cli_input_error("keys", err);
        } else {
            hoshi_buf out = HOSHI_BUF_INIT;
            hoshi_keyring_json(k, &out);
            rc = cli_write_buf("keys", NULL, &out);
        }
        hoshi_keyring_free(k);
    }
    hoshi_buf_free(&path);
    return rc;
}
