/*
 * tab_options.c — the command line's spelling of a tab spec: the lists of
 * --head, the conditions of --where, the nets of --net and --recode, the
 * bands of --bands.  Each parser checks syntax only (and that the text is
 * UTF-8, since it ends up in labels and messages), copies what it keeps
 * into the tab_opts, and leaves the meaning to hoshi_tab_run().
 */
#include "tab_options.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LIST 10000      /* values of one repeatable option */
#define MAX_VAR 128         /* bytes in a variable name of --where, with its NUL */
#define MAX_CODE_TEXT 32    /* bytes in one code of a list, with its NUL */
#define MAX_CODE 99999L     /* the largest code a codebook may have */
#define MAX_BAND 512        /* bytes in one LABEL=LO..HI, with its NUL */

/* DIAG derived variables carry a ':' of their own: QID:score:LABEL=… */
static const char *const derived[] = {"score:", "band:", "star1:", "star2:"};

static int bad(tab_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(tab_opts *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->msg, sizeof o->msg, fmt, ap);
    va_end(ap);
    return TAB_OPT_BAD;
}

/* Keeps p (malloc'd) to be freed with o; NULL (p freed) when out of memory. */
static void *keep(tab_opts *o, void *p)
{
    void **own = p ? realloc(o->own, (o->n_own + 1) * sizeof *own) : NULL;
    if (own == NULL) {
        free(p);
        return NULL;
    }
    o->own = own;
    o->own[o->n_own++] = p;
    return p;
}

static char *keep_copy(tab_opts *o, const char *s, size_t len)
{
    char *c = keep(o, malloc(len + 1));
    if (c != NULL) {
        memcpy(c, s, len);
        c[len] = '\0';
    }
    return c;
}

/* Grows *v (of *n elements of size) by one; the new one zeroed. */
static void *grow(void *v, size_t *n, size_t size, void **out)
{
    if (*n >= MAX_LIST)
        return NULL;
    char *g = realloc(v, (*n + 1) * size);
    if (g == NULL)
        return NULL;
    memset(g + *n * size, 0, size);
    *out = g;
    return g + (*n)++ * size;
}

/* s with every byte that is not part of valid UTF-8 as \xHH. */
static void quote_bytes(char *out, size_t cap, const char *s)
{
    size_t k = 0, n = strlen(s);
    while (*s && k + 5 < cap) {
        size_t ok = hoshi_utf8_invalid_at(s, n);
        size_t take = ok < cap - 5 - k ? ok : 0;
        if (take > 0) {
            memcpy(out + k, s, take);
            k += take;
            s += take;
            n -= take;
            continue;
        }
        if (ok > 0)
            break; /* a valid run that does not fit */
        k += (size_t)snprintf(out + k, cap - k, "\\x%02X", (unsigned)(unsigned char)*s);
        s++;
        n--;
    }
    out[k] = '\0';
}

/* The option's text must be UTF-8; the message names the byte (1-based). */
static int check_utf8(tab_opts *o, const char *opt, const char *s)
{
    size_t n = strlen(s), at = hoshi_utf8_invalid_at(s, n);
    if (at == n)
        return TAB_OPT_OK;
    char shown[160];
    quote_bytes(shown, sizeof shown, s);
    return bad(o, "%s '%s': invalid UTF-8 at byte %zu", opt, shown, at + 1);
}

void tab_opts_init(tab_opts *o)
{
    memset(o, 0, sizeof *o);
    o->top_box = 2;
}

void tab_opts_free(tab_opts *o)
{
    for (size_t i = 0; i < o->n_own; i++)
        free(o->own[i]);
    free(o->own);
    free(o->heads);
    free(o->sides);
    free(o->wheres);
    free(o->bands);
    free(o->nets);
    free(o->recodes);
    tab_opts_init(o);
}

int tab_opts_side(tab_opts *o, const char *var)
{
    int rc = check_utf8(o, "--side", var);
    if (rc != TAB_OPT_OK)
        return rc;
    o->side = keep_copy(o, var, strlen(var));
    if (o->side == NULL)
        return TAB_OPT_NOMEM;
    for (const char *p = var; *p;) {
        size_t len = strcspn(p, ",");
        if (len == 0)
            return bad(o, "--side '%s': an empty variable in the list", var);
        char *e = keep_copy(o, p, len);
        void *v = o->sides;
        const char **slot = e ? grow(v, &o->n_sides, sizeof *o->sides, &v) : NULL;
        o->sides = v;
        if (slot == NULL)
            return TAB_OPT_NOMEM;
        *slot = e;
        p += len;
        if (*p == ',' && *++p == '\0')
            return bad(o, "--side '%s': an empty variable in the list", var);
    }
    return o->n_sides > 0 ? TAB_OPT_OK : bad(o, "--side: no variable given");
}

int tab_opts_cells(tab_opts *o, const char *list)
{
    static const char *const names[] = {"row", "count", "col"}; /* as hoshi_tab_cell */
    o->n_cells = 0; /* the last --cells counts */
    for (const char *p = list; *p || o->n_cells == 0;) {
        size_t len = strcspn(p, ","), k = 0;
        while (k < HOSHI_TAB_CELL_KINDS && !(strlen(names[k]) == len && strncmp(p, names[k], len) == 0))
            k++;
        if (len == 0)
            return bad(o, "--cells '%s': expected a list of count, row, col", list);
        if (k == HOSHI_TAB_CELL_KINDS)
            return bad(o, "--cells: unknown kind '%.*s' (count, row, col)", (int)(len < 40 ? len : 40), p);
        for (size_t j = 0; j < o->n_cells; j++)
            if (o->cells[j] == (hoshi_tab_cell)k)
                return bad(o, "--cells: '%s' given twice", names[k]);
        o->cells[o->n_cells++] = (hoshi_tab_cell)k;
        p += len;
        if (*p == ',' && *++p == '\0')
            return bad(o, "--cells '%s': expected a list of count, row, col", list);
    }
    return TAB_OPT_OK;
}

int tab_opts_head(tab_opts *o, const char *list)
{
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        if (len > 0) {
            char *h = keep_copy(o, p, len);
            void *v = o->heads;
            const char **slot = h ? grow(v, &o->n_heads, sizeof *o->heads, &v) : NULL;
            o->heads = v;
            if (slot == NULL)
                return TAB_OPT_NOMEM;
            *slot = h;
            int rc = check_utf8(o, "--head", h);
            if (rc != TAB_OPT_OK)
                return rc;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return TAB_OPT_OK;
}

int tab_opts_where(tab_opts *o, const char *text)
{
    int rc = check_utf8(o, "--where", text);
    if (rc != TAB_OPT_OK)
        return rc;
    const char *eq = strchr(text, '=');
    if (eq == NULL || eq == text)
        return bad(o, "--where '%s': expected VAR=codes or VAR!=codes", text);
    bool neg = eq[-1] == '!';
    size_t len = (size_t)(eq - text) - (neg ? 1 : 0);
    if (len == 0 || len >= MAX_VAR)
        return bad(o, "--where '%s': bad variable", text);
    size_t n = 0;
    for (const char *p = eq + 1; *p; p++)
        n += *p == ',';
    double *values = keep(o, malloc((n + 1) * sizeof *values));
    const char *var = values ? keep_copy(o, text, len) : NULL;
    if (var == NULL)
        return TAB_OPT_NOMEM;
    size_t k = 0;
    for (const char *p = eq + 1; *p;) {
        char *end;
        double x = strtod(p, &end);
        if (end == p || (*end != ',' && *end != '\0'))
            return bad(o, "--where '%s': '%s' is not a number", text, p);
        values[k++] = x;
        p = *end == ',' ? end + 1 : end;
    }
    void *v = o->wheres;
    hoshi_tab_where *w = grow(v, &o->n_wheres, sizeof *o->wheres, &v);
    o->wheres = v;
    if (w == NULL)
        return TAB_OPT_NOMEM;
    *w = (hoshi_tab_where){var, neg ? HOSHI_TAB_IS_NOT : HOSHI_TAB_IS, values, k};
    return TAB_OPT_OK;
}

/* Reads the codes "c1,c2" of a net into codes[] (room for all). */
static int parse_codes(tab_opts *o, const char *opt, const char *list, long *codes, size_t *n)
{
    *n = 0;
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        char tok[MAX_CODE_TEXT];
        if (len == 0 || len >= sizeof tok)
            return bad(o, "%s: bad code list '%s'", opt, list);
        memcpy(tok, p, len);
        tok[len] = '\0';
        if (!hoshi_parse_long(tok, 0, MAX_CODE, &codes[*n]))
            return bad(o, "%s: '%s' is not a code", opt, tok);
        (*n)++;
        p += len;
        if (*p == ',')
            p++;
    }
    return TAB_OPT_OK;
}

int tab_opts_net(tab_opts *o, const char *text, bool recode)
{
    const char *opt = recode ? "--recode" : "--net";
    int rc = check_utf8(o, opt, text);
    if (rc != TAB_OPT_OK)
        return rc;
    const char *colon = strchr(text, ':');
    if (colon != NULL)
        for (size_t i = 0; i < sizeof derived / sizeof derived[0]; i++)
            if (strncmp(colon + 1, derived[i], strlen(derived[i])) == 0) {
                colon += strlen(derived[i]);
                break;
            }
    const char *label = colon ? colon + 1 : NULL;
    const char *eq = label ? strrchr(label, '=') : NULL;
    if (colon == NULL || colon == text || eq == NULL || eq == label)
        return bad(o, "%s '%s': expected VAR:LABEL=codes", opt, text);
    size_t n = 1;
    for (const char *p = eq + 1; *p; p++)
        n += *p == ',';
    long *codes = keep(o, malloc(n * sizeof *codes));
    if (codes == NULL)
        return TAB_OPT_NOMEM;
    if ((rc = parse_codes(o, opt, eq + 1, codes, &n)) != TAB_OPT_OK)
        return rc;
    const char *var = keep_copy(o, text, (size_t)(colon - text));
    const char *lab = var ? keep_copy(o, label, (size_t)(eq - label)) : NULL;
    if (lab == NULL)
        return TAB_OPT_NOMEM;
    void *v = recode ? o->recodes : o->nets;
    hoshi_tab_net *net = recode ? grow(v, &o->n_recodes, sizeof *o->recodes, &v)
                                : grow(v, &o->n_nets, sizeof *o->nets, &v);
    if (recode)
        o->recodes = v;
    else
        o->nets = v;
    if (net == NULL)
        return TAB_OPT_NOMEM;
    *net = (hoshi_tab_net){var, lab, codes, n};
    return TAB_OPT_OK;
}

/* One band "LABEL=LO..HI" (part, writable) into b. */
static int parse_band(tab_opts *o, char *part, hoshi_tab_band *b)
{
    char *eq = strrchr(part, '=');
    char *dots = eq ? strstr(eq + 1, "..") : NULL;
    if (eq == NULL || dots == NULL || eq == part)
        return bad(o, "--bands: '%s' is not LABEL=LO..HI", part);
    *eq = '\0';
    *dots = '\0';
    b->lo = -INFINITY;
    b->hi = INFINITY;
    char *end;
    if (eq[1] != '\0') {
        b->lo = strtod(eq + 1, &end);
        if (*end != '\0')
            return bad(o, "--bands: bad lower bound '%s'", eq + 1);
    }
    if (dots[2] != '\0') {
        b->hi = strtod(dots + 2, &end);
        if (*end != '\0')
            return bad(o, "--bands: bad upper bound '%s'", dots + 2);
    }
    b->label = keep_copy(o, part, strlen(part));
    return b->label ? TAB_OPT_OK : TAB_OPT_NOMEM;
}

int tab_opts_bands(tab_opts *o, const char *text)
{
    int rc = check_utf8(o, "--bands", text);
    if (rc != TAB_OPT_OK)
        return rc;
    o->n_bands = 0; /* the last --bands counts */
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, ";");
        char part[MAX_BAND];
        if (len >= sizeof part)
            return bad(o, "--bands: a band is too long");
        memcpy(part, p, len);
        part[len] = '\0';
        void *v = o->bands;
        hoshi_tab_band *b = grow(v, &o->n_bands, sizeof *o->bands, &v);
        o->bands = v;
        if (b == NULL)
            return TAB_OPT_NOMEM;
        if ((rc = parse_band(o, part, b)) != TAB_OPT_OK)
            return rc;
        p += len;
        if (*p == ';')
            p++;
    }
    return o->n_bands > 0 ? TAB_OPT_OK : bad(o, "--bands: no bands given");
}

int tab_opts_top_box(tab_opts *o, const char *text)
{
    char *end = NULL;
    long n = strtol(text, &end, 10);
    if (end == text || *end != '\0' || n < 0 || n > 250)
        return bad(o, "--top-box needs a number 0..250");
    o->top_box = (int)n;
    return TAB_OPT_OK;
}

hoshi_tab_spec tab_opts_spec(const tab_opts *o)
{
    return (hoshi_tab_spec){o->side, o->heads, o->n_heads, o->wheres, o->n_wheres,
                            o->bands, o->n_bands, o->nets, o->n_nets, o->recodes,
                            o->n_recodes, o->sort, o->top_box, o->sides, o->n_sides,
                            o->cells, o->n_cells, NULL};
}
