/*
 * fuzz_sav.c — libFuzzer target for the SPSS .sav reader
 * (src/lib/tab/sav_read.c, ReadStat underneath).  Input: the bytes of a
 * .sav file, read from memory the way `hoshi tab --data F.sav` reads a
 * file with no codebook (its labels and document lines become one).
 *
 * What opens is tabulated in every format; then it is written as .sav
 * again (sav_write.c) and, if that succeeds, the copy must open and give
 * the same tables: whatever hoshi reads from a .sav it must write back.
 */
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "fixture.h"
#include "tab/sav.h"

static char out_path[4096];

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR");
    char dir[4000];
    snprintf(dir, sizeof dir, "%s/fuzz_sav.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) {
        perror("fuzz_sav: mkdtemp");
        abort();
    }
    snprintf(out_path, sizeof out_path, "%s/out.sav", dir);
    return 0;
}

/* The JSON of a simple tabulation of everything, or NULL when ds cannot
 * be tabulated. */
static char *tables(const hoshi_dataset *ds)
{
    static const char *const all[] = {"ALL"};
    hoshi_tab_spec spec = {.heads = all, .n_heads = 1, .top_box = 2};
    hoshi_tabset *ts = NULL;
    char *out = NULL;
    size_t len;
    if (hoshi_tab_run(ds, &spec, &ts) == HOSHI_OK &&
        hoshi_tab_render(ts, HOSHI_TAB_JSON, NULL, &out, &len) != HOSHI_OK)
        out = NULL;
    hoshi_tabset_free(ts);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hoshi_dataset *ds = NULL;
    if (hi_sav_parse("fuzz.sav", data, size, NULL, NULL, 0, &ds) != HOSHI_OK)
        return 0;
    static const char *const all[] = {"ALL"};
    hoshi_tab_spec simple = {.heads = all, .n_heads = 1, .sort = true, .top_box = 2};
    fx_tabulate(ds, &simple, 0);
    if (hoshi_dataset_save_sav(ds, NULL, out_path) == HOSHI_OK) {
        hoshi_dataset *copy = NULL;
        if (hoshi_dataset_open(NULL, out_path, HOSHI_ENC_AUTO, &copy) != HOSHI_OK) {
            fprintf(stderr, "fuzz_sav: a written .sav does not open: %s\n", hoshi_error_detail());
            abort();
        }
        char *a = tables(ds), *b = tables(copy);
        if ((a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0)) {
            fprintf(stderr, "fuzz_sav: the written .sav gives other tables\n");
            abort();
        }
        free(a);
        free(b);
        hoshi_dataset_free(copy);
        unlink(out_path);
    }
    hoshi_dataset_free(ds);
    return 0;
}
