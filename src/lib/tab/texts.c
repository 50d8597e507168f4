/*
 * texts.c — the words around the tables of the human formats (notes on
 * method, the small-base mark, the significance legend), read from
 * data/text/<lang>/tab.ini when such a format is written: the machine
 * formats (csv, tsv) and the computation never need them.
 */
#include "tab/table.h"
#include "internal.h"

#include <stdio.h>

hoshi_err hi_tab_texts_load(hoshi_lang lang, hoshi_datafile **out)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/text/%s/tab.ini", hoshi_datadir_default(),
                     hoshi_lang_code(lang));
    if (n < 0 || (size_t)n >= sizeof path)
        return hi_fail(HOSHI_ERR_DATA, "data directory path too long");
    return hoshi_datafile_load(path, out);
}

const char *hi_tab_text(const hoshi_datafile *texts, const char *key)
{
    const char *v = hoshi_datafile_get(texts, "tab", key);
    return v != NULL ? v : "";
}

size_t hi_tab_note_count(const hoshi_datafile *texts)
{
    return hoshi_datafile_count(texts, "tab", "note");
}

const char *hi_tab_note(const hoshi_datafile *texts, size_t i)
{
    return hoshi_datafile_nth(texts, "tab", "note", i);
}
