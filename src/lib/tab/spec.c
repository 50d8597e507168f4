/*
 * spec.c — what the conditions and the nets of a spec mean for the
 * counting: a --where condition ANDed into the filter bitset (and the
 * codes it drops from a head), a --net or --recode turned into a category
 * of its variable.  The spec comes typed; the command line's spelling of
 * it is parsed by the CLI (src/cli/tab_options.c), so here are only the
 * checks of meaning: the variable exists, each value is one of its codes.
 */
#include "tab/tab.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Finds code among v's categories (nets left out) and selects it. */
static hoshi_err find_code(const hi_var *v, long code, const char *what, uint8_t *sel)
{
    size_t i = 0;
    while (i < v->n && (v->cat[i].code != code || v->cat[i].net))
        i++;
    if (i == v->n)
        return hi_fail(HOSHI_ERR_USAGE, "%s: %s has no code %ld", what, v->name, code);
    sel[i] = 1;
    return HOSHI_OK;
}

/* The condition as the command line spells it, for messages. */
static void spell_where(const hoshi_tab_where *w, char *out, size_t cap)
{
    size_t k = (size_t)snprintf(out, cap, "--where %.100s%s", w->var,
                                w->op == HOSHI_TAB_IS_NOT ? "!=" : "=");
    for (size_t i = 0; i < w->n_values && k < cap; i++)
        k += (size_t)snprintf(out + k, cap - k, "%s%.15g", i ? "," : "", w->values[i]);
}

/* Codes of the head excluded by --where HEAD!=codes. */
hoshi_err hi_tab_where(const hoshi_dataset *ds, const hoshi_tab_where *w, uint64_t *f,
                       hi_drop *dr, bool *dropped)
{
    const char *var = w->var;
    bool neg = w->op == HOSHI_TAB_IS_NOT;
    size_t n = ds->n_rows, words = hi_words(n);
    hoshi_err err;
    if (w->op != HOSHI_TAB_IS && w->op != HOSHI_TAB_IS_NOT)
        return hi_fail(HOSHI_ERR_USAGE, "--where %s: unknown comparison", var);
    hi_var v;
    if ((err = hi_var_verify(ds, var)) != HOSHI_OK || (err = hi_var_open(ds, var, &v)) != HOSHI_OK)
        return err;
    if ((err = hi_var_materialize(&v)) != HOSHI_OK)
        goto free_var;
    uint64_t *m = hi_bits_new(words);
    if (m == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        goto free_var;
    }
    if (v.grid) {
        err = hi_fail(HOSHI_ERR_USAGE, "--where: %s is a GRID; name one item, e.g. %s_1", var, var);
        goto free_m;
    }
    if (v.is_num) {
        for (size_t k = 0; k < w->n_values; k++)
            for (size_t r = 0; r < n; r++)
                if ((v.num_present[r >> 6] >> (r & 63) & 1) && v.num[r] == w->values[k])
                    m[r >> 6] |= (uint64_t)1 << (r & 63);
    } else {
        uint8_t sel[HI_TAB_MAX_CODES + 1] = {0};
        char what[400];
        spell_where(w, what, sizeof what);
        if (w->n_values == 0) {
            err = hi_fail(HOSHI_ERR_USAGE, "%s: no codes given", what);
            goto free_m;
        }
        for (size_t k = 0; k < w->n_values; k++) {
            double x = w->values[k];
            if (!(x >= 0 && x <= HI_TAB_MAX_CODE && x == (double)(long)x)) {
                err = hi_fail(HOSHI_ERR_USAGE, "%s: '%.15g' is not a code", what, x);
                goto free_m;
            }
            if ((err = find_code(&v, (long)x, what, sel)) != HOSHI_OK)
                goto free_m;
        }
        for (size_t i = 0; i < v.n; i++)
            if (sel[i])
                for (size_t k = 0; k < words; k++)
                    m[k] |= v.cat[i].bits[k];
        if (neg) {
            snprintf(dr->var, sizeof dr->var, "%s", var);
            dr->n = 0;
            for (size_t i = 0; i < v.n; i++)
                if (sel[i])
                    dr->code[dr->n++] = v.cat[i].code;
            *dropped = true;
        }
    }
    for (size_t k = 0; k < words; k++)
        f[k] &= neg ? ~m[k] : m[k];
    if (n % 64 && words)
        f[words - 1] &= ((uint64_t)1 << (n % 64)) - 1;
free_m:
    free(m);
free_var:
    hi_var_free(&v);
    return err;
}

/* Applies the nets (or recodes) that name v. */
hoshi_err hi_tab_nets(hi_var *v, size_t n_rows, const hoshi_tab_net *nets, size_t n,
                      bool recode)
{
    size_t words = hi_words(n_rows);
    for (size_t s = 0; s < n; s++) {
        const hoshi_tab_net *net = &nets[s];
        if (strcmp(net->var, v->name) != 0)
            continue;
        const char *opt = recode ? "--recode" : "--net";
        if (v->is_num || v->grid)
            return hi_fail(HOSHI_ERR_USAGE, "%s: %s is not a categorical variable", opt, v->name);
        hoshi_err merr = hi_var_materialize(v);
        if (merr != HOSHI_OK)
            return merr;
        if (strlen(net->label) >= HI_TAB_MAX_LABEL)
            return hi_fail(HOSHI_ERR_USAGE, "%s: label too long", opt);
        const char *lab = net->label;
        uint8_t sel[HI_TAB_MAX_CODES + 1] = {0};
        if (net->n_codes == 0)
            return hi_fail(HOSHI_ERR_USAGE, "%s: no codes given", opt);
        hoshi_err err = HOSHI_OK;
        for (size_t k = 0; k < net->n_codes; k++)
            if ((err = find_code(v, net->codes[k], opt, sel)) != HOSHI_OK)
                return err;
        if (v->n >= HI_TAB_MAX_CODES)
            return hi_fail(HOSHI_ERR_USAGE, "%s: too many categories", opt);
        uint64_t *b = hi_bits_new(words);
        if (b == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        size_t first = v->n, last = 0;
        for (size_t i = 0; i < v->n; i++)
            if (sel[i]) {
                for (size_t w = 0; w < words; w++)
                    b[w] |= v->cat[i].bits[w];
                if (first == v->n)
                    first = i;
                last = i;
            }
        if (!recode) {
            if ((err = hi_var_add_cat(v, lab, -1, b, true, last + 1)) != HOSHI_OK)
                return err;
            v->cat[last + 1].net = true;
            v->ma = true;
            continue;
        }
        /* recode: the new category takes the place of its first member */
        if ((err = hi_var_add_cat(v, lab, v->cat[first].code, b, true, first)) != HOSHI_OK)
            return err;
        size_t k = 0;
        for (size_t i = 0; i < v->n; i++) {
            bool member = i > first && sel[i - 1];
            if (member) {
                free(v->cat[i].label);
                if (v->cat[i].own)
                    free(v->cat[i].bits);
                continue;
            }
            v->cat[k++] = v->cat[i];
        }
        v->n = k;
    }
    return HOSHI_OK;
}
