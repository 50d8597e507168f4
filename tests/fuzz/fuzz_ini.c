/*
 * fuzz_ini.c — libFuzzer target for the data-file reader (src/lib/ini.c):
 * any bytes must give either a parsed file or a clean HOSHI_ERR_DATA.
 */
#include "ini.h"

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
    hi_ini *ini = NULL;
    if (hi_ini_parse(text, size, "fuzz.ini", &ini) == HOSHI_OK) {
        /* walk what was parsed so every pointer is touched */
        size_t n = hi_ini_count(ini, "item 1", "step");
        for (size_t i = 0; i < n; i++)
            (void)strlen(hi_ini_nth(ini, "item 1", "step", i));
        hi_ini_free(ini);
    }
    return 0;
}
