/*
 * fuzz_codebook.c — libFuzzer target for the codebook reader
 * (src/lib/tab/codebook.c).  Input: a first byte picking the encoding
 * (bits 0-1) and render options (bits 2-5), then a codebook, optionally
 * followed by a line "--data--" and a data file for it (a codebook without
 * matching data stops at the header check, so the seeds carry both).
 * Whatever parses is tabulated: every question alone, and the first
 * categorical one against every other.
 */
#include <stddef.h>
#include <stdint.h>

#include "fixture.h"

/* The first occurrence of pat in s[0..n), or NULL (memmem is a GNU extension). */
static const char *find(const char *s, size_t n, const char *pat, size_t m)
{
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(s + i, pat, m) == 0)
            return s + i;
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char sep[] = "\n--data--\n";
    static const char no_data[] = "id\n1\n";
    if (size < 1)
        return 0;
    hoshi_encoding enc = (hoshi_encoding)((data[0] & 3) % 3);
    unsigned flags = data[0] >> 2;
    const char *cb = (const char *)data + 1, *d = no_data;
    size_t cb_len = size - 1, d_len = sizeof no_data - 1;
    const char *at = find(cb, cb_len, sep, sizeof sep - 1);
    if (at != NULL) {
        cb_len = (size_t)(at - cb) + 1; /* keeps the codebook's last line feed */
        d = at + sizeof sep - 1;
        d_len = size - 1 - (size_t)(d - cb);
    }
    hoshi_dataset *ds = NULL;
    if (hoshi_dataset_parse("codebook.csv", cb, cb_len, "data.csv", d, d_len, enc, &ds) == HOSHI_OK) {
        static const char *const all[] = {"ALL"};
        hoshi_tab_spec simple = {NULL, all, 1, NULL, 0, NULL, 0, NULL, 0, NULL, 0, true, 2, NULL, 0, NULL, 0, NULL};
        fx_tabulate(ds, &simple, flags);
        /* a side: the first question id the codebook names on line 2 */
        char side[80];
        const char *p = memchr(cb, '\n', cb_len);
        size_t n = 0;
        if (p != NULL)
            for (p++; p < cb + cb_len && *p != ',' && *p != '\n' && n < sizeof side - 1; p++)
                side[n++] = *p;
        side[n] = '\0';
        if (n > 0) {
            hoshi_tab_spec cross = {side, all, 1, NULL, 0, NULL, 0, NULL, 0, NULL, 0, false, 2, NULL, 0, NULL, 0, NULL};
            fx_tabulate(ds, &cross, flags);
        }
    }
    hoshi_dataset_free(ds);
    return 0;
}
