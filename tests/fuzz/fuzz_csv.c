/*
 * fuzz_csv.c — libFuzzer target for the survey data reader
 * (src/lib/tab/ingest.c, csvtok.c, enc.c): the input after its first byte
 * is a data file read under the fixed codebook of fixture.h, which has a
 * question of every type.  The first byte picks the encoding (bits 0-1:
 * auto, UTF-8, CP932) and the render options (bits 2-5, see
 * fx_tabulate).  Whatever parses is tabulated as a simple tabulation, a
 * cross table and a DIAG-derived banner, and rendered in every format.
 */
#include <stddef.h>
#include <stdint.h>

#include "fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    hoshi_encoding enc = (hoshi_encoding)((data[0] & 3) % 3);
    unsigned flags = data[0] >> 2;
    hoshi_dataset *ds = NULL;
    if (hoshi_dataset_parse("codebook.csv", FX_CODEBOOK, sizeof FX_CODEBOOK - 1, "data.csv",
                            (const char *)data + 1, size - 1, enc, &ds) == HOSHI_OK) {
        static const char *const all[] = {"ALL"};
        static const char *const some[] = {"M", "G_1", "D_3"};
        hoshi_tab_spec simple = {NULL, all, 1, NULL, 0, NULL, 0, NULL, 0, NULL, 0, false, 2, NULL, 0, NULL, 0, NULL};
        hoshi_tab_spec cross = {"S", all, 1, NULL, 0, NULL, 0, NULL, 0, NULL, 0, true, 2, NULL, 0, NULL, 0, NULL};
        hoshi_tab_spec derived = {"D:band", some, 3, NULL, 0, NULL, 0, NULL, 0, NULL, 0, false, 1, NULL, 0, NULL, 0, NULL};
        fx_tabulate(ds, &simple, flags);
        fx_tabulate(ds, &cross, flags);
        fx_tabulate(ds, &derived, flags);
    }
    hoshi_dataset_free(ds);
    return 0;
}
