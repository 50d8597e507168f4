/*
 * fuzz_csv.c — libFuzzer target for the survey readers.  The first input
 * byte picks what the rest is: raw data under a fixed codebook (SA, MA,
 * NUM, FA, GRID), a codebook read with a fixed one-line data file, or
 * (first byte 0xFF) a .hsd cache file, opened through a temporary file.
 * Whatever parses is also tabulated and rendered, so the engine sees
 * every store the reader can produce.  Built by `make fuzz` with clang.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "hoshi/hoshi.h"

static const char CB[] =
    "qid,type,code,label\n"
    "S,SA,,side\nS,SA,1,a\nS,SA,2,b\nS,SA,12,c\n"
    "M,MA,,multi\nM,MA,1,x\nM,MA,2,y\n"
    "V,NUM,,value\nT,FA,,text\n"
    "G,GRID,,grid\nG,GRID,item:1,i1\nG,GRID,item:2,i2\nG,GRID,1,good\nG,GRID,2,bad\n";

static void tabulate(const hoshi_dataset *ds, const char *side)
{
    const char *heads[] = {"ALL"};
    hoshi_tab_spec spec = {side, heads, 1, NULL, 0, NULL, NULL, 0, NULL, 0, true, 2};
    hoshi_tabset *ts = NULL;
    if (hoshi_tab_run(ds, &spec, &ts) != HOSHI_OK)
        return;
    for (int f = HOSHI_TAB_CSV; f <= HOSHI_TAB_SVG; f++) {
        char *out = NULL;
        size_t len = 0;
        if (hoshi_tab_render(ts, (hoshi_tab_format)f, NULL, &out, &len) == HOSHI_OK)
            free(out);
    }
    hoshi_tabset_free(ts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    hoshi_encoding enc = (hoshi_encoding)((data[0] >> 1) % 3);
    const char *rest = (const char *)data + 1;
    size_t n = size - 1;
    hoshi_dataset *ds = NULL;
    hoshi_err err;
    if (data[0] == 0xFF) {
        static char path[64];
        if (path[0] == '\0')
            snprintf(path, sizeof path, "/tmp/fuzz_hsd_%ld.hsd", (long)getpid());
        FILE *f = fopen(path, "wb");
        if (f == NULL)
            return 0;
        fwrite(rest, 1, n, f);
        fclose(f);
        err = hoshi_dataset_open(NULL, path, HOSHI_ENC_AUTO, &ds);
        if (err == HOSHI_OK) {
            tabulate(ds, NULL);
            tabulate(ds, "Q1");
            hoshi_dataset_save(ds, "/dev/null/x"); /* verifies every column, then fails */
        }
        hoshi_dataset_free(ds);
        return 0;
    }
    if (data[0] & 1) {
        static const char one[] = "id\n1\n";
        err = hoshi_dataset_parse("cb.csv", rest, n, "d.csv", one, sizeof one - 1, enc, &ds);
    } else {
        err = hoshi_dataset_parse("cb.csv", CB, sizeof CB - 1, "d.csv", rest, n, enc, &ds);
    }
    if (err == HOSHI_OK) {
        tabulate(ds, NULL);
        if (!(data[0] & 1))
            tabulate(ds, "S");
    }
    hoshi_dataset_free(ds);
    return 0;
}
