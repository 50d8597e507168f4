/*
 * base.c — the base of a table in words: who was counted.  run.c fills
 * hi_table.base with the --where conditions spelled with the codebook's
 * labels ("Q11 ≠ 上記のいずれにもあてはまらない") and hi_table.base_n with
 * the respondents the filter keeps; a book may replace the words by its
 * own label.  The renderers print the line "基数: … (n = 1,234)" under
 * every table of the human formats (csv keeps the SPEC format).
 */
#include "tab/tab.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The label of code among v's categories (nets left out), or NULL. */
static const char *code_label(const hi_var *v, long code)
{
    for (size_t i = 0; i < v->n; i++)
        if (!v->cat[i].net && v->cat[i].code == code)
            return v->cat[i].label;
    return NULL;
}

/* One condition: "VAR = a, b" or "VAR ≠ a" with the codes' labels (the
 * numbers of a NUM variable as they are). */
static hoshi_err spell_cond(hoshi_buf *b, const hoshi_dataset *ds, const hoshi_tab_where *w)
{
    hi_var v;
    hoshi_err err = hi_var_open(ds, w->var, &v);
    if (err != HOSHI_OK)
        return err;
    hoshi_buf_printf(b, "%s %s ", w->var, w->op == HOSHI_TAB_IS_NOT ? "≠" : "=");
    for (size_t k = 0; k < w->n_values; k++) {
        const char *label = v.is_num ? NULL : code_label(&v, (long)w->values[k]);
        if (k)
            hoshi_buf_puts(b, ", ");
        if (label != NULL)
            hoshi_buf_puts(b, label);
        else
            hoshi_buf_printf(b, "%.15g", w->values[k]);
    }
    hi_var_free(&v);
    return HOSHI_OK;
}

hoshi_err hi_tab_base_words(const hoshi_dataset *ds, const hoshi_tab_spec *spec, char **out)
{
    *out = NULL;
    if (spec->n_wheres == 0)
        return HOSHI_OK;
    hoshi_buf b = HOSHI_BUF_INIT;
    for (size_t i = 0; i < spec->n_wheres; i++) {
        if (i)
            hoshi_buf_puts(&b, "; ");
        hoshi_err err = spell_cond(&b, ds, &spec->wheres[i]);
        if (err != HOSHI_OK) {
            hoshi_buf_free(&b);
            return err;
        }
    }
    size_t len;
    return hoshi_buf_finish(&b, out, &len);
}

hoshi_err hi_tab_set_base(hoshi_tabset *ts, size_t first, const char *words, uint64_t n)
{
    for (size_t i = first; i < ts->n; i++) {
        hi_table *t = &ts->t[i];
        free(t->base);
        t->base = NULL;
        t->base_n = n;
        if (words != NULL && (t->base = hi_strdup(words)) == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    }
    return HOSHI_OK;
}

void hi_tab_base_line(hoshi_buf *b, const hi_table *t, const hoshi_tab_texts *tx,
                      void (*esc)(hoshi_buf *, const char *))
{
    char n[32], grouped[48];
    int len = snprintf(n, sizeof n, "%llu", (unsigned long long)t->base_n);
    size_t k = 0;
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            grouped[k++] = ',';
        grouped[k++] = n[i];
    }
    grouped[k] = '\0';
    esc(b, hi_tab_text(tx, "base"));
    hoshi_buf_puts(b, ": ");
    esc(b, t->base != NULL ? t->base : hi_tab_text(tx, "base_all"));
    hoshi_buf_printf(b, " (n = %s)", grouped);
}
