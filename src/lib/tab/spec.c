/*
 * spec.c — what the conditions and the nets of a spec mean for the
 * counting: a --where condition ANDed into the filter bitset (and the
 * codes it drops from a head), a --net or --recode turned into a category
 * of its variable.
 */
#include "tab/tab.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Splits "a,b,c" and finds each code among v's categories. */
static hoshi_err parse_code_list(const hi_var *v, const char *list, const char *what,
                                 uint8_t *sel)
{
    const char *p = list;
    if (*p == '\0')
        return hi_fail(HOSHI_ERR_USAGE, "%s: no codes given", what);
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char tok[32];
        long code;
        if (len == 0 || len >= sizeof tok)
            return hi_fail(HOSHI_ERR_USAGE, "%s: bad code list '%s'", what, list);
        memcpy(tok, p, len);
        tok[len] = '\0';
        if (!hoshi_parse_long(tok, 0, HI_TAB_MAX_CODE, &code))
            return hi_fail(HOSHI_ERR_USAGE, "%s: '%s' is not a code", what, tok);
        size_t i = 0;
        while (i < v->n && (v->cat[i].code != code || v->cat[i].net))
            i++;
        if (i == v->n)
            return hi_fail(HOSHI_ERR_USAGE, "%s: %s has no code %ld", what, v->name, code);
        sel[i] = 1;
        p += len;
        if (*p == ',')
            p++;
    }
    return HOSHI_OK;
}

/* Parses "VAR=list" / "VAR!=list". */
static hoshi_err split_cond(const char *cond, char *var, size_t cap, bool *neg, const char **list)
{
    const char *eq = strchr(cond, '=');
    if (eq == NULL || eq == cond)
        return hi_fail(HOSHI_ERR_USAGE, "--where '%s': expected VAR=codes or VAR!=codes", cond);
    *neg = eq[-1] == '!';
    size_t len = (size_t)(eq - cond) - (*neg ? 1 : 0);
    if (len == 0 || len >= cap)
        return hi_fail(HOSHI_ERR_USAGE, "--where '%s': bad variable", cond);
    memcpy(var, cond, len);
    var[len] = '\0';
    *list = eq + 1;
    return HOSHI_OK;
}

/* Codes of the head excluded by --where HEAD!=codes. */
hoshi_err hi_tab_where(const hoshi_dataset *ds, const char *cond, uint64_t *f, hi_drop *dr,
                       bool *dropped)
{
    char var[128];
    bool neg = false;
    const char *list = "";
    size_t n = ds->n_rows, words = hi_words(n);
    hoshi_err err = split_cond(cond, var, sizeof var, &neg, &list);
    if (err != HOSHI_OK)
        return err;
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
        const char *p = list;
        while (*p) {
            char *end;
            double x = strtod(p, &end);
            if (end == p || (*end != ',' && *end != '\0')) {
                err = hi_fail(HOSHI_ERR_USAGE, "--where '%s': '%s' is not a number", cond, p);
                goto free_m;
            }
            for (size_t r = 0; r < n; r++)
                if ((v.num_present[r >> 6] >> (r & 63) & 1) && v.num[r] == x)
                    m[r >> 6] |= (uint64_t)1 << (r & 63);
            p = *end == ',' ? end + 1 : end;
        }
    } else {
        uint8_t sel[HI_TAB_MAX_CODES + 1] = {0};
        char what[160];
        snprintf(what, sizeof what, "--where %.100s", cond);
        if ((err = parse_code_list(&v, list, what, sel)) != HOSHI_OK)
            goto free_m;
        for (size_t i = 0; i < v.n; i++)
            if (sel[i])
                for (size_t w = 0; w < words; w++)
                    m[w] |= v.cat[i].bits[w];
        if (neg) {
            snprintf(dr->var, sizeof dr->var, "%s", var);
            dr->n = 0;
            for (size_t i = 0; i < v.n; i++)
                if (sel[i])
                    dr->code[dr->n++] = v.cat[i].code;
            *dropped = true;
        }
    }
    for (size_t w = 0; w < words; w++)
        f[w] &= neg ? ~m[w] : m[w];
    if (n % 64 && words)
        f[words - 1] &= ((uint64_t)1 << (n % 64)) - 1;
free_m:
    free(m);
free_var:
    hi_var_free(&v);
    return err;
}

/* Applies --net / --recode "VAR:LABEL=codes" entries that name v. */
hoshi_err hi_tab_nets(hi_var *v, size_t n_rows, const char *const *specs, size_t n,
                      bool recode)
{
    size_t words = hi_words(n_rows);
    for (size_t s = 0; s < n; s++) {
        const char *spec = specs[s];
        size_t vl = strlen(v->name);
        if (strncmp(spec, v->name, vl) != 0 || spec[vl] != ':')
            continue;
        const char *label = spec + vl + 1;
        const char *eq = strrchr(label, '=');
        const char *opt = recode ? "--recode" : "--net";
        if (eq == NULL || eq == label)
            return hi_fail(HOSHI_ERR_USAGE, "%s '%s': expected VAR:LABEL=codes", opt, spec);
        if (v->is_num || v->grid)
            return hi_fail(HOSHI_ERR_USAGE, "%s: %s is not a categorical variable", opt, v->name);
        hoshi_err merr = hi_var_materialize(v);
        if (merr != HOSHI_OK)
            return merr;
        char lab[HI_TAB_MAX_LABEL];
        size_t ll = (size_t)(eq - label);
        if (ll >= sizeof lab)
            return hi_fail(HOSHI_ERR_USAGE, "%s: label too long", opt);
        memcpy(lab, label, ll);
        lab[ll] = '\0';
        uint8_t sel[HI_TAB_MAX_CODES + 1] = {0};
        hoshi_err err = parse_code_list(v, eq + 1, opt, sel);
        if (err != HOSHI_OK)
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
