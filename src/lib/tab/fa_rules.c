/*
 * fa_rules.c — the coding file of a free-text question, as coders write
 * it (docs/tab.md, "Free answers"): a CSV with the header
 * code,label,keywords, one row per category (its code, its label, then
 * keywords, any number of fields; "a&b" needs both), rows
 * "name,QID,title" and "uncoded,label", and manual assignments
 * "id:ID,code,code…" that override the keywords for one respondent.
 * Anything doubtful is an error naming file:line:field, since a wrong
 * coding file silently miscounts every table made from it.  Keywords are
 * folded as the answers are (fa_fold.c).
 */
#include "tab/fa.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoshi/text.h"

static bool valid_qid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.", s[i]) == NULL)
            return false;
    return true;
}

/* A label: present, short enough, no control characters (XML carries none). */
static hoshi_err check_label(const hi_fa_coding *c, const char *label, size_t line, size_t field,
                             const char *what)
{
    if (label[0] == '\0')
        return hi_fail(HOSHI_ERR_INPUT, "%s:%zu:%zu: %s has no label", c->name, line, field, what);
    if (strlen(label) > HI_TAB_MAX_LABEL)
        return hi_fail(HOSHI_ERR_LIMIT, "%s:%zu:%zu: label longer than %d bytes", c->name, line,
                       field, HI_TAB_MAX_LABEL);
    for (const unsigned char *p = (const unsigned char *)label; *p; p++)
        if (*p < 0x20 || *p == 0x7F)
            return hi_fail(HOSHI_ERR_INPUT, "%s:%zu:%zu: control character 0x%02X in a label",
                           c->name, line, field, *p);
    return HOSHI_OK;
}

static void free_kw(hi_fa_kw *k)
{
    for (size_t i = 0; i < k->n; i++)
        free(k->part[i]);
    free(k->part);
}

void hi_fa_coding_free(hi_fa_coding *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->n_cat; i++) {
        for (size_t k = 0; k < c->cat[i].n_kw; k++)
            free_kw(&c->cat[i].kw[k]);
        free(c->cat[i].kw);
        free(c->cat[i].label);
    }
    for (size_t i = 0; i < c->n_man; i++) {
        free(c->man[i].id);
        free(c->man[i].cat);
    }
    free(c->cat);
    free(c->man);
    free(c->name);
    free(c->qid);
    free(c->title);
    free(c->uncoded);
    free(c);
}

/* Keyword text s (one field) folded into its parts. */
static hoshi_err parse_keyword(const hi_fa_coding *c, const char *s, size_t line, size_t field,
                               hi_fa_kw *k)
{
    memset(k, 0, sizeof *k);
    if (strlen(s) > HI_FA_MAX_KEYWORD)
        return hi_fail(HOSHI_ERR_LIMIT, "%s:%zu:%zu: keyword longer than %d bytes", c->name, line,
                       field, HI_FA_MAX_KEYWORD);
    for (const char *p = s;;) {
        size_t n = strcspn(p, "&");
        char *folded = NULL;
        hoshi_err err = hi_fa_fold(p, n, &folded);
        if (err != HOSHI_OK)
            return err;
        if (folded[strspn(folded, " \t")] == '\0') {
            free(folded);
            return hi_fail(HOSHI_ERR_INPUT, "%s:%zu:%zu: bad keyword '%s': an empty part (write a&b, each part some text)",
                           c->name, line, field, s);
        }
        char **parts = hi_realloc(k->part, (k->n + 1) * sizeof *parts);
        if (parts == NULL) {
            free(folded);
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        }
        k->part = parts;
        k->part[k->n++] = folded;
        if (p[n] == '\0')
            return HOSHI_OK;
        p += n + 1;
    }
}

static hoshi_err add_category(hi_fa_coding *c, const hi_csvrec *r, long code)
{
    for (size_t i = 0; i < c->n_cat; i++)
        if (c->cat[i].code == code)
            return hi_fail(HOSHI_ERR_INPUT, "%s:%zu:1: code %ld is used twice (first on line %zu)",
                           c->name, r->line, code, c->cat[i].line);
    if (c->n_cat >= HI_TAB_MAX_CODES - 1)
        return hi_fail(HOSHI_ERR_LIMIT, "%s:%zu:1: more than %d categories", c->name, r->line,
                       HI_TAB_MAX_CODES - 1);
    char what[48];
    snprintf(what, sizeof what, "code %ld", code);
    hoshi_err err = check_label(c, r->n > 1 ? r->f[1] : "", r->line, 2, what);
    if (err != HOSHI_OK)
        return err;
    hi_fa_cat *cat = hi_realloc(c->cat, (c->n_cat + 1) * sizeof *cat);
    if (cat == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    c->cat = cat;
    hi_fa_cat *k = &cat[c->n_cat];
    memset(k, 0, sizeof *k);
    k->code = code;
    k->line = r->line;
    if ((k->label = hi_strdup(r->f[1])) == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    c->n_cat++;
    for (size_t f = 2; f < r->n; f++) {
        if (r->f[f][0] == '\0')
            continue;
        if (k->n_kw >= HI_FA_MAX_KEYWORDS)
            return hi_fail(HOSHI_ERR_LIMIT, "%s:%zu:%zu: more than %d keywords", c->name, r->line,
                           f + 1, HI_FA_MAX_KEYWORDS);
        hi_fa_kw *kw = hi_realloc(k->kw, (k->n_kw + 1) * sizeof *kw);
        if (kw == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        k->kw = kw;
        if ((err = parse_keyword(c, r->f[f], r->line, f + 1, &kw[k->n_kw])) != HOSHI_OK) {
            free_kw(&kw[k->n_kw]);
            return err;
        }
        k->n_kw++;
    }
    return HOSHI_OK;
}

/* id:ID,codes…: the codes are kept as numbers in cat until every
 * category is known (resolve_manual). */
static hoshi_err add_manual(hi_fa_coding *c, const hi_csvrec *r)
{
    const char *id = r->f[0] + 3;
    if (id[0] == '\0')
        return hi_fail(HOSHI_ERR_INPUT, "%s:%zu:1: 'id:' needs a respondent id", c->name, r->line);
    if (c->n_man >= HI_FA_MAX_MANUAL)
        return hi_fail(HOSHI_ERR_LIMIT, "%s:%zu:1: more than %d manual assignments", c->name,
                       r->line, HI_FA_MAX_MANUAL);
    hi_fa_manual *m = hi_realloc(c->man, (c->n_man + 1) * sizeof *m);
    if (m == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    c->man = m;
    m = &m[c->n_man];
    memset(m, 0, sizeof *m);
    m->line = r->line;
    if ((m->id = hi_strdup(id)) == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    c->n_man++;
    for (size_t f = 1; f < r->n; f++)
        for (const char *p = r->f[f]; *p;) {
            size_t n = strcspn(p, "; ");
            if (n > 0) {
                char tok[16];
                long v;
                snprintf(tok, sizeof tok, "%.*s", (int)(n < 15 ? n : 15), p);
                if (n >= sizeof tok || !hoshi_parse_long(tok, 1, HI_TAB_MAX_CODE, &v))
                    return hi_fail(HOSHI_ERR_INPUT, "%s:%zu:%zu: '%.*s' is not a code 1..%d",
                                   c->name, r->line, f + 1, (int)(n < 32 ? n : 32), p,
                                   HI_TAB_MAX_CODE);
                if (m->n >= HI_TAB_MAX_CODES)
                    return hi_fail(HOSHI_ERR_LIMIT, "%s:%zu: too many codes", c->name, r->line);
                size_t *cat = hi_realloc(m->cat, (m->n + 1) * sizeof *cat);
                if (cat == NULL)
                    return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
                m->cat = cat;
                m->cat[m->n++] = (size_t)v;
            }
            p += n;
            p += *p != '\0';
        }
    return HOSHI_OK;
}

static int cmp_manual(const void *a, const void *b)
{
    const hi_fa_manual *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c != 0 ? c : (x->line > y->line) - (x->line < y->line);
}

/* The manual codes as category indices, and each id once. */
static hoshi_err resolve_manual(hi_fa_coding *c)
{
    for (size_t i = 0; i < c->n_man; i++) {
        hi_fa_manual *m = &c->man[i];
        for (size_t k = 0; k < m->n; k++) {
            size_t j = 0;
            while (j < c->n_cat && c->cat[j].code != (long)m->cat[k])
                j++;
            if (j == c->n_cat)
                return hi_fail(HOSHI_ERR_INPUT, "%s:%zu: code %zu of id:%s is not a category of the file",
                               c->name, m->line, m->cat[k], m->id);
            m->cat[k] = j;
        }
    }
    if (c->n_man > 1)
        qsort(c->man, c->n_man, sizeof *c->man, cmp_manual);
    for (size_t i = 1; i < c->n_man; i++)
        if (strcmp(c->man[i].id, c->man[i - 1].id) == 0)
            return hi_fail(HOSHI_ERR_INPUT, "%s:%zu:1: id %s is assigned twice (first on line %zu)",
                           c->name, c->man[i].line, c->man[i].id, c->man[i - 1].line);
    return HOSHI_OK;
}

/* A "name" or "uncoded" row. */
static hoshi_err set_text(hi_fa_coding *c, const hi_csvrec *r)
{
    bool name = strcmp(r->f[0], "name") == 0;
    const char *v = r->n > 1 ? r->f[1] : "";
    if (name ? c->qid != NULL : c->uncoded != NULL)
        return hi_fail(HOSHI_ERR_INPUT, "%s:%zu:1: a second '%s' row", c->name, r->line, r->f[0]);
    if (!name) {
        hoshi_err err = check_label(c, v, r->line, 2, "the uncoded category");
        if (err == HOSHI_OK && (c->uncoded = hi_strdup(v)) == NULL)
            err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        return err;
    }
    if (!valid_qid(v))
        return hi_fail(HOSHI_ERR_INPUT, "%s:%zu:2: question id '%.64s' must be 1-64 of A-Z a-z 0-9 _ - .",
                       c->name, r->line, v);
    const char *title = r->n > 2 ? r->f[2] : "";
    if (title[0] != '\0') {
        hoshi_err err = check_label(c, title, r->line, 3, "the question");
        if (err != HOSHI_OK)
            return err;
        if ((c->title = hi_strdup(title)) == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    }
    if ((c->qid = hi_strdup(v)) == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    c->name_line = r->line;
    return HOSHI_OK;
}

static hoshi_err parse_row(hi_fa_coding *c, const hi_csvrec *r)
{
    const char *code = r->f[0];
    if (strcmp(code, "name") == 0 || strcmp(code, "uncoded") == 0)
        return set_text(c, r);
    if (strncmp(code, "id:", 3) == 0)
        return add_manual(c, r);
    long v;
    if (!hoshi_parse_long(code, 1, HI_TAB_MAX_CODE, &v))
        return hi_fail(HOSHI_ERR_INPUT, "%s:%zu:1: '%.32s' is not a code 1..%d, name, uncoded or id:ID",
                       c->name, r->line, code, HI_TAB_MAX_CODE);
    return add_category(c, r, v);
}

hoshi_err hi_fa_coding_parse(const char *name, const char *text, size_t len, hi_fa_coding **out)
{
    if (len > HI_FA_MAX_FILE)
        return hi_fail(HOSHI_ERR_LIMIT, "%s: coding file larger than %zu bytes", name, HI_FA_MAX_FILE);
    if (hoshi_utf8_invalid_at(text, len) != len || memchr(text, '\0', len) != NULL)
        return hi_fail(HOSHI_ERR_INPUT, "%s: not UTF-8 text", name);
    hi_fa_coding *c = hi_calloc(1, sizeof *c);
    if (c == NULL || (c->name = hi_strdup(name)) == NULL) {
        hi_fa_coding_free(c);
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    }
    hi_csvtok t = {text, text + len, name, 1, HOSHI_BUF_INIT};
    hi_csvrec r = {0};
    bool got = false;
    hoshi_err err = hi_csvtok_next(&t, &r, &got);
    if (err != HOSHI_OK)
        goto fail;
    if (!got || r.n < 3 || strcmp(r.f[0], "code") != 0 || strcmp(r.f[1], "label") != 0 ||
        strcmp(r.f[2], "keywords") != 0) {
        err = hi_fail(HOSHI_ERR_INPUT, "%s:1:1: the header must start code,label,keywords", name);
        goto fail;
    }
    for (;;) {
        if ((err = hi_csvtok_next(&t, &r, &got)) != HOSHI_OK)
            goto fail;
        if (!got)
            break;
        if (r.n == 1 && r.f[0][0] == '\0')
            continue; /* a blank line */
        if ((err = parse_row(c, &r)) != HOSHI_OK)
            goto fail;
    }
    if (c->n_cat == 0) {
        err = hi_fail(HOSHI_ERR_INPUT, "%s: no categories (rows code,label,keywords…)", name);
        goto fail;
    }
    if ((err = resolve_manual(c)) != HOSHI_OK)
        goto fail;
    hi_csvrec_free(&r);
    hoshi_buf_free(&t.field);
    *out = c;
    return HOSHI_OK;
fail:
    hi_csvrec_free(&r);
    hoshi_buf_free(&t.field);
    hi_fa_coding_free(c);
    return err;
}

/* True when the folded answer holds every part of k. */
static bool kw_hit(const hi_fa_kw *k, const char *folded)
{
    for (size_t i = 0; i < k->n; i++)
        if (strstr(folded, k->part[i]) == NULL)
            return false;
    return true;
}

hoshi_err hi_fa_coding_match(const hi_fa_coding *c, const char *text, size_t len, uint8_t *sel)
{
    char *folded = NULL;
    hoshi_err err = hi_fa_fold(text, len, &folded);
    if (err != HOSHI_OK)
        return err;
    bool any = false;
    for (size_t i = 0; i < c->n_cat; i++) {
        sel[i] = 0;
        for (size_t k = 0; k < c->cat[i].n_kw && !sel[i]; k++)
            sel[i] = kw_hit(&c->cat[i].kw[k], folded);
        any = any || sel[i];
    }
    sel[c->n_cat] = !any;
    free(folded);
    return HOSHI_OK;
}

const hi_fa_manual *hi_fa_coding_manual(const hi_fa_coding *c, const char *id, size_t len)
{
    size_t lo = 0, hi = c->n_man;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *m = c->man[mid].id;
        size_t ml = strlen(m);
        int cmp = memcmp(m, id, ml < len ? ml : len);
        if (cmp == 0)
            cmp = ml < len ? -1 : ml > len;
        if (cmp == 0)
            return &c->man[mid];
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
