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
    char dir[4000];
    fx_scratch_dir("fuzz_sav", dir, sizeof dir);
    snprintf(out_path, sizeof out_path, "%s/out.sav", dir);
    return 0;
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
        char *a = fx_tables(ds), *b = fx_tables(copy);
        if ((a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0)) {
            fprintf(stderr, "fuzz_sav: the written .sav gives other tables\n");
            /* the first line that differs, to route the input */
            const char *x = a ? a : "", *y = b ? b : "";
            size_t i = 0, line = 0;
            while (x[i] && x[i] == y[i])
                if (x[i++] == '\n')
                    line = i;
            fprintf(stderr, "  read:    %.200s\n  written: %.200s\n", x + line, y + line);
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
