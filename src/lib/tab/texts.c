/*
 * texts.c — the words around the tables of the human formats (notes on
 * method, the small-base mark, the significance legend, the total row,
 * the side, the names of statistics), from data/text/<lang>/tab.ini
 * through a handle the caller opens: the machine formats (csv, tsv) and
 * the computation never need them, and no engine C code holds them.
 */
#include "tab/table.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

struct hoshi_tab_texts {
    hoshi_datafile *df;
    hoshi_lang lang;
};

hoshi_err hoshi_tab_texts_open(const char *datadir, hoshi_lang lang, hoshi_tab_texts **out)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/text/%s/tab.ini",
                     datadir != NULL ? datadir : hoshi_datadir_default(), hoshi_lang_code(lang));
    if (n < 0 || (size_t)n >= sizeof path)
        return hi_fail(HOSHI_ERR_DATA, "data directory path too long");
    hoshi_tab_texts *tx = hi_calloc(1, sizeof *tx);
    if (tx == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    tx->lang = lang;
    hoshi_err err = hoshi_datafile_load(path, &tx->df);
    if (err != HOSHI_OK) {
        free(tx);
        return err;
    }
    *out = tx;
    return HOSHI_OK;
}

void hoshi_tab_texts_free(hoshi_tab_texts *tx)
{
    if (tx == NULL)
        return;
    hoshi_datafile_free(tx->df);
    free(tx);
}

hoshi_err hi_tab_texts_use(const hoshi_tab_render_opts *opts, const hoshi_tab_texts **use,
                           hoshi_tab_texts **owned)
{
    *owned = NULL;
    if (opts != NULL && opts->texts != NULL) {
        *use = opts->texts;
        return HOSHI_OK;
    }
    hoshi_err err = hoshi_tab_texts_open(NULL, opts != NULL ? opts->lang : HOSHI_LANG_JA, owned);
    *use = *owned;
    return err;
}

const char *hi_tab_text(const hoshi_tab_texts *texts, const char *key)
{
    const char *v = hoshi_datafile_get(texts->df, "tab", key);
    return v != NULL ? v : "";
}

/* The note on significance (note_sig) comes second, after the one on
 * percentages, and only when the marks are shown. */
size_t hi_tab_note_count(const hoshi_tab_texts *texts, bool sig)
{
    size_t n = hoshi_datafile_count(texts->df, "tab", "note");
    return n + (sig && *hi_tab_text(texts, "note_sig") ? 1 : 0);
}

const char *hi_tab_note(const hoshi_tab_texts *texts, bool sig, size_t i)
{
    if (sig && *hi_tab_text(texts, "note_sig") && i >= 1) {
        if (i == 1)
            return hi_tab_text(texts, "note_sig");
        i--;
    }
    return hoshi_datafile_nth(texts->df, "tab", "note", i);
}

const char *hi_tab_lang_code(const hoshi_tab_texts *texts)
{
    return hoshi_lang_code(texts->lang);
}

/* A text of tab.ini, or the label the table holds when there is none. */
static const char *text_or(const hoshi_tab_texts *tx, const char *key, const char *label)
{
    const char *v = hi_tab_text(tx, key);
    return *v ? v : label;
}

const char *hi_tab_row_label(const hi_table *t, size_t r, const hoshi_tab_texts *tx)
{
    return r == 0 ? text_or(tx, "total", t->row_label[r]) : t->row_label[r];
}

const char *hi_tab_col_label(const hi_table *t, size_t c, const hoshi_tab_texts *tx)
{
    return t->col_flag[c] & HI_CF_NOANS ? text_or(tx, "no_answer", t->col_label[c])
                                        : t->col_label[c];
}
