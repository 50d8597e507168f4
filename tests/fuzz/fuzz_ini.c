/*
 * fuzz_ini.c — libFuzzer target for the data-file reader (src/lib/core/datafile.c):
 * any bytes must give either a parsed file or a clean HOSHI_ERR_DATA.
 */
#include "hoshi/datafile.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    hoshi_datafile *ini = NULL;
    if (hoshi_datafile_parse(text, size, "fuzz.ini", &ini) == HOSHI_OK) {
        /* walk what was parsed so every pointer is touched */
        size_t n = hoshi_datafile_count(ini, "item 1", "step");
        for (size_t i = 0; i < n; i++)
            (void)strlen(hoshi_datafile_nth(ini, "item 1", "step", i));
        hoshi_datafile_free(ini);
    }
    return 0;
}
