/*
 * main.c — the hoshi command: dispatches to a subcommand.  Each subcommand
 * lives in its own file and uses only the public libhoshi API.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoshi/testing.h"

static const char usage[] =
    "usage: hoshi <command> [options]\n"
    "\n"
    "SECURITY ACTION-style self-declaration tools for small businesses.\n"
    "\n"
    "commands:\n"
    "  diagnose   take the 25-item self-diagnosis, get a score and an action plan\n"
    "  policy     write an information-security basic policy\n"
    "  serve      run the web application (sign-up, declarations, registry)\n"
    "  tab        cross tabulations and banners of survey data\n"
    "  gt         simple tabulation (GT) of every survey question\n"
    "  import     validate survey data and write a .hsd cache or an SPSS .sav\n"
    "  book       table books: many tables, one run (xlsx, HTML report, CSVs)\n"
    "  registry   export the registry and self-diagnoses as survey data\n"
    "  survey     questionnaires (XLSForm): check a definition, print its codebook\n"
    "  verify     check a signed declaration offline against the public keys\n"
    "  keys       rotate or export the server's signing keys\n"
    "  help       show this help, or 'hoshi help COMMAND' for a command\n"
    "  version    print the version\n"
    "\n"
    "'hoshi COMMAND --help' describes a command; 'man hoshi' has the full manual.\n";

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
} command;

static const command commands[] = {
    {"diagnose", cmd_diagnose},
    {"policy", cmd_policy},
    {"serve", srv_main},
    {"tab", cmd_tab},
    {"gt", cmd_gt},
    {"import", cmd_import},
    {"book", cmd_book},
    {"registry", cmd_registry},
    {"survey", cmd_survey},
    {"verify", cmd_verify},
    {"keys", cmd_keys},
    {"nta", cmd_nta},
};

static const command *find(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* The test hooks of hoshi/testing.h, from the environment; true when the
 * allocation-failure injection is armed. */
static bool testing_hooks(void)
{
    const char *t = getenv("HOSHI_TESTING_THREADS");
    if (t != NULL && strcmp(t, "1") == 0)
        hoshi_testing_parallel(1, 1);
    const char *f = getenv("HOSHI_TESTING_FAIL_ALLOC_AFTER");
    long n;
    if (f == NULL || !hoshi_parse_long(f, 0, 1000000000L, &n))
        return false;
    const char *once = getenv("HOSHI_TESTING_FAIL_ALLOC_ONCE");
    hoshi_testing_fail_alloc(n, once != NULL && strcmp(once, "1") == 0);
    return true;
}

static int run(const command *c, int argc, char **argv)
{
    bool armed = testing_hooks();
    int rc = c->run(argc, argv);
    if (armed)
        fprintf(stderr, "hoshi: testing: injected allocation failure %s (%ld allocations)\n",
                hoshi_testing_alloc_failed() ? "returned" : "not reached",
                hoshi_testing_alloc_count());
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        if (argc > 2 && strcmp(name, "help") == 0) {
            const command *c = find(argv[2]);
            if (c == NULL) {
                fprintf(stderr, "hoshi: unknown command '%s'\n", argv[2]);
                return EXIT_USAGE;
            }
            char *help_argv[] = {argv[2], "--help", NULL};
            return c->run(2, help_argv);
        }
        fputs(usage, stdout);
        return EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("hoshi %s\n", HOSHI_VERSION);
        return EXIT_OK;
    }
    const command *c = find(name);
    if (c == NULL) {
        fprintf(stderr, "hoshi: unknown command '%s'\n\n%s", name, usage);
        return EXIT_USAGE;
    }
    return run(c, argc - 1, argv + 1);
}
