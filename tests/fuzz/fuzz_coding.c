/*
 * fuzz_coding.c — libFuzzer target for the free-answer coder and listing
 * (src/lib/tab/fa_*.c).  Input: a first byte picking render options (as
 * fx_tabulate's flags), then a line of search text, then a coding file
 * applied to the fixture's FA question T.  Whatever codes is tabulated
 * (every question, the coded one among them, and the coded one as a
 * side), and T is listed with the coded question beside it, filtered by
 * the search text, in every text format, each checked to be UTF-8.
 */
#include <stddef.h>
#include <stdint.h>

#include "fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void list(const hoshi_dataset *ds, const char *contains, const char *attr, unsigned flags)
{
    const char *attrs[] = {"S", attr};
    hoshi_fa_spec fs = {"T", attrs, attr ? 2 : 1, NULL, 0, contains, attr, (flags & 16) ? 3 : 0};
    hoshi_falist *l = NULL;
    if (hoshi_fa_list(ds, &fs, &l) != HOSHI_OK)
        return;
    hoshi_fa_render_opts ro = {(flags & 4) != 0, (flags & 8) != 0, (flags & 32) ? 5 : 0,
                               (flags & 1) ? HOSHI_LANG_EN : HOSHI_LANG_JA, NULL};
    static const char *const names[] = {"csv", "tsv", "md", "html", "json"};
    for (int f = HOSHI_TAB_CSV; f <= HOSHI_TAB_JSON; f++) {
        char *out = NULL;
        size_t len = 0;
        if (hoshi_falist_render(l, (hoshi_tab_format)f, &ro, &out, &len) != HOSHI_OK)
            continue;
        if (!(ro.cp932 && f <= HOSHI_TAB_TSV))
            fx_check_utf8(names[f], out, len);
        free(out);
    }
    hoshi_falist_free(l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned flags = data[0];
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    const char *nl = memchr(text, '\n', len);
    size_t cl = nl ? (size_t)(nl - text) : 0;
    char contains[256];
    if (cl >= sizeof contains || memchr(text, '\0', cl) != NULL)
        cl = 0;
    memcpy(contains, text, cl);
    contains[cl] = '\0';
    if (nl != NULL) {
        len -= (size_t)(nl - text) + 1;
        text = nl + 1;
    }
    hoshi_dataset *ds = fx_dataset();
    if (hoshi_fa_code(ds, "T", "codes.csv", text, len) == HOSHI_OK) {
        static const char *const all[] = {"ALL"};
        hoshi_tab_spec simple = {.heads = all, .n_heads = 1, .sort = true, .top_box = 2};
        fx_tabulate(ds, &simple, flags);
        /* the coded question is the last one; TC unless the file names it */
        hoshi_tab_spec by = {.side = "TC", .heads = all, .n_heads = 1, .top_box = 2};
        fx_tabulate(ds, &by, flags);
        list(ds, contains, "TC", flags);
    }
    list(ds, contains, NULL, flags);
    hoshi_dataset_free(ds);
    return 0;
}
