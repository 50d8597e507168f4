/*
 * codebook.c — parses codebook.csv (qid,type,code,label[,…]) into
 * questions with their codes, GRID items and a code lookup table.  The
 * rows of one question must be together, its title row (empty code)
 * first; anything doubtful is an error naming the line, because a wrong
 * codebook silently mislabels every table made from it.
 */
#include "tab/tab_int.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct { const char *name; hi_qtype t; } types[] = {
    {"SA", HI_Q_SA}, {"MA", HI_Q_MA}, {"NUM", HI_Q_NUM},
    {"FA", HI_Q_FA}, {"GRID", HI_Q_GRID}, {"DIAG", HI_Q_DIAG},
};

static bool valid_qid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.'))
            return false;
    }
    return true;
}

static hoshi_err push_code(hi_code **arr, size_t *n, size_t max, long code, const char *label,
                           const char *what, const char *name, size_t line)
{
    if (*n >= max)
        return hi_fail(HOSHI_ERR_LIMIT, "%s:%zu:3: more than %zu %s", name, line, max, what);
    for (size_t i = 0; i < *n; i++)
        if ((*arr)[i].code == code)
            return hi_fail(HOSHI_ERR_INPUT, "%s:%zu:3: %s %ld listed twice", name, line, what,
                           code);
    hi_code *a = hi_realloc(*arr, (*n + 1) * sizeof **arr);
    if (a == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", name);
    *arr = a;
    a[*n].code = code;
    a[*n].label = hi_strdup(label);
    if (a[*n].label == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", name);
    (*n)++;
    return HOSHI_OK;
}

/* Checks a finished question and builds its lookup table. */
static hoshi_err finish_question(hi_question *q, const char *name, size_t line)
{
    if (q->type == HI_Q_DIAG) {
        if (q->n_codes != 4)
            return hi_fail(HOSHI_ERR_INPUT, "%s:%zu: DIAG question %s needs codes 1..4", name,
                           line, q->qid);
        for (size_t i = 0; i < 4; i++)
            if (q->codes[i].code < 1 || q->codes[i].code > 4)
                return hi_fail(HOSHI_ERR_INPUT, "%s:%zu: DIAG question %s needs codes 1..4",
                               name, line, q->qid);
        if (q->n_items == 0) {
            for (long i = 1; i <= 25; i++) {
                char label[32];
                snprintf(label, sizeof label, "%ld", i);
                hoshi_err err = push_code(&q->items, &q->n_items, 25, i, label, "items", name, line);
                if (err != HOSHI_OK)
                    return err;
            }
        } else if (q->n_items != 25) {
            return hi_fail(HOSHI_ERR_INPUT, "%s:%zu: DIAG question %s has 25 items, not %zu",
                           name, line, q->qid, q->n_items);
        }
    }
    if ((q->type == HI_Q_SA || q->type == HI_Q_MA || q->type == HI_Q_GRID) && q->n_codes == 0)
        return hi_fail(HOSHI_ERR_INPUT, "%s:%zu: question %s has no codes", name, line, q->qid);
    if (q->type == HI_Q_GRID && q->n_items == 0)
        return hi_fail(HOSHI_ERR_INPUT, "%s:%zu: GRID question %s has no item:<n> rows", name,
                       line, q->qid);
    long max = 0;
    for (size_t i = 0; i < q->n_codes; i++)
        if (q->codes[i].code > max)
            max = q->codes[i].code;
    q->max_code = max;
    q->lut = hi_calloc((size_t)max + 1, 1);
    if (q->lut == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", name);
    for (size_t i = 0; i < q->n_codes; i++)
        q->lut[q->codes[i].code] = (uint8_t)(i + 1);
    return HOSHI_OK;
}

static hoshi_err parse_rows(hi_codebook *cb, const char *name, const char *text, size_t len)
{
    hi_csvtok t = {text, text + len, name, 1, HOSHI_BUF_INIT};
    hi_csvrec r = {0};
    bool got = false;
    hoshi_err err;
    if ((err = hi_csvtok_next(&t, &r, &got)) != HOSHI_OK)
        goto free_rec;
    if (!got || r.n < 4 || strcmp(r.f[0], "qid") != 0 || strcmp(r.f[1], "type") != 0 ||
        strcmp(r.f[2], "code") != 0 || strcmp(r.f[3], "label") != 0) {
        err = hi_fail(HOSHI_ERR_INPUT, "%s:1:1: the header must start qid,type,code,label", name);
        goto free_rec;
    }
    size_t width = r.n;
    hi_question *cur = NULL;
    size_t cur_line = 0;
    for (;;) {
        if ((err = hi_csvtok_next(&t, &r, &got)) != HOSHI_OK)
            goto free_rec;
        if (!got)
            break;
        size_t line = r.line;
        if (r.n == 1 && r.f[0][0] == '\0')
            continue; /* a blank line */
        if (r.n != width) {
            err = hi_fail(HOSHI_ERR_INPUT, "%s:%zu:%zu: %zu fields where the header has %zu",
                          name, line, r.n < width ? r.n : width + 1, r.n, width);
            goto free_rec;
        }
        const char *qid = r.f[0], *type = r.f[1], *code = r.f[2], *label = r.f[3];
        if (!valid_qid(qid)) {
            err = hi_fail(HOSHI_ERR_INPUT,
                          "%s:%zu:1: question id '%.64s' must be 1-64 of A-Z a-z 0-9 _ - .",
                          name, line, qid);
            goto free_rec;
        }
        for (const unsigned char *c = (const unsigned char *)label; *c; c++)
            if ((*c < 0x20 && *c != '\n' && *c != '\t') || *c == 0x7F) {
                /* XML (xlsx, SVG) cannot carry these */
                err = hi_fail(HOSHI_ERR_INPUT, "%s:%zu:4: control character 0x%02X in a label",
                              name, line, *c);
                goto free_rec;
            }
        if (strlen(label) > HI_TAB_MAX_LABEL) {
            err = hi_fail(HOSHI_ERR_LIMIT, "%s:%zu:4: label longer than %d bytes", name, line,
                          HI_TAB_MAX_LABEL);
            goto free_rec;
        }
        size_t ti = 0;
        while (ti < sizeof types / sizeof types[0] && strcasecmp(types[ti].name, type) != 0)
            ti++;
        if (ti == sizeof types / sizeof types[0]) {
            err = hi_fail(HOSHI_ERR_INPUT, "%s:%zu:2: unknown type '%.32s' (SA, MA, NUM, FA, GRID, DIAG)",
                          name, line, type);
            goto free_rec;
        }
        if (code[0] == '\0') {
            if (cur != NULL && (err = finish_question(cur, name, cur_line)) != HOSHI_OK)
                goto free_rec;
            cur = NULL;
            if (hi_codebook_find(cb, qid, strlen(qid)) != NULL) {
                err = hi_fail(HOSHI_ERR_INPUT, "%s:%zu:1: question %s defined twice", name, line, qid);
                goto free_rec;
            }
            if (cb->n >= HI_TAB_MAX_QUESTIONS) {
                err = hi_fail(HOSHI_ERR_LIMIT, "%s:%zu: more than %d questions", name, line,
                              HI_TAB_MAX_QUESTIONS);
                goto free_rec;
            }
            if (cb->n == cb->cap) {
                size_t cap = cb->cap ? cb->cap * 2 : 16;
                hi_question *q = hi_realloc(cb->q, cap * sizeof *q);
                if (q == NULL) {
                    err = hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", name);
                    goto free_rec;
                }
                cb->q = q;
                cb->cap = cap;
            }
            cur = &cb->q[cb->n++];
            memset(cur, 0, sizeof *cur);
            cur->type = types[ti].t;
            cur->qid = hi_strdup(qid);
            cur->title = hi_strdup(label);
            cur_line = line;
            if (cur->qid == NULL || cur->title == NULL) {
                err = hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", name);
                goto free_rec;
            }
            continue;
        }
        if (cur == NULL || strcmp(cur->qid, qid) != 0) {
            err = hi_fail(HOSHI_ERR_INPUT,
                          "%s:%zu:1: code row of %s must follow its question's title row (empty code)",
                          name, line, qid);
            goto free_rec;
        }
        if (cur->type != types[ti].t) {
            err = hi_fail(HOSHI_ERR_INPUT, "%s:%zu:2: type %s differs from the title row of %s",
                          name, line, type, qid);
            goto free_rec;
        }
        if (cur->type == HI_Q_NUM || cur->type == HI_Q_FA) {
            err = hi_fail(HOSHI_ERR_INPUT, "%s:%zu:3: %s questions have no codes", name, line,
                          types[ti].name);
            goto free_rec;
        }
        long v;
        if (strncmp(code, "item:", 5) == 0) {
            if (cur->type != HI_Q_GRID && cur->type != HI_Q_DIAG) {
                err = hi_fail(HOSHI_ERR_INPUT, "%s:%zu:3: item rows belong to GRID questions",
                              name, line);
                goto free_rec;
            }
            long max_item = cur->type == HI_Q_DIAG ? 25 : HI_TAB_MAX_ITEMS;
            if (!hoshi_parse_long(code + 5, 1, max_item, &v)) {
                err = hi_fail(HOSHI_ERR_INPUT, "%s:%zu:3: item number '%.32s' is not 1..%ld",
                              name, line, code + 5, max_item);
                goto free_rec;
            }
            if ((err = push_code(&cur->items, &cur->n_items, (size_t)max_item, v, label, "items",
                                 name, line)) != HOSHI_OK)
                goto free_rec;
            continue;
        }
        if (!hoshi_parse_long(code, 0, HI_TAB_MAX_CODE, &v)) {
            err = hi_fail(HOSHI_ERR_INPUT, "%s:%zu:3: code '%.32s' is not a whole number 0..%d",
                          name, line, code, HI_TAB_MAX_CODE);
            goto free_rec;
        }
        if (label[0] == '\0') {
            err = hi_fail(HOSHI_ERR_INPUT, "%s:%zu:4: code %ld of %s has no label", name, line,
                          v, qid);
            goto free_rec;
        }
        if ((err = push_code(&cur->codes, &cur->n_codes, HI_TAB_MAX_CODES, v, label, "codes",
                             name, line)) != HOSHI_OK)
            goto free_rec;
    }
    if (cur != NULL && (err = finish_question(cur, name, cur_line)) != HOSHI_OK)
        goto free_rec;
    if (cb->n == 0)
        err = hi_fail(HOSHI_ERR_INPUT, "%s: no questions", name);

free_rec:
    hi_csvrec_free(&r);
    hoshi_buf_free(&t.field);
    return err;
}

hoshi_err hi_codebook_parse(const char *name, const char *text, size_t len, hi_codebook **out)
{
    /* Text read from a CSV file was checked when it was converted; the
     * copy inside a .hsd cache arrives here unchecked.  Labels are shown
     * in every output, so both must be UTF-8 without NUL bytes. */
    size_t bad = hoshi_utf8_invalid_at(text, len);
    const char *nul = bad == len ? memchr(text, '\0', len) : NULL;
    if (bad != len || nul != NULL) {
        size_t at = nul != NULL ? (size_t)(nul - text) : bad, line, field;
        hi_csv_position(text, at, &line, &field);
        if (nul != NULL)
            return hi_fail(HOSHI_ERR_INPUT, "%s:%zu:%zu: NUL byte in the codebook", name, line, field);
        return hi_fail(HOSHI_ERR_INPUT, "%s:%zu:%zu: invalid UTF-8 byte 0x%02X in the codebook",
                       name, line, field, (unsigned)(unsigned char)text[at]);
    }
    hi_codebook *cb = hi_calloc(1, sizeof *cb);
    if (cb == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    hoshi_err err = HOSHI_OK;
    cb->text = hi_malloc(len + 1);
    if (cb->text == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        goto free_cb;
    }
    memcpy(cb->text, text, len);
    cb->text[len] = '\0';
    cb->text_len = len;
    if ((err = parse_rows(cb, name, text, len)) != HOSHI_OK)
        goto free_cb;
    *out = cb;
    return HOSHI_OK;

free_cb:
    hi_codebook_free(cb);
    return err;
}

const hi_question *hi_codebook_find(const hi_codebook *cb, const char *qid, size_t len)
{
    for (size_t i = 0; i < cb->n; i++)
        if (strlen(cb->q[i].qid) == len && memcmp(cb->q[i].qid, qid, len) == 0)
            return &cb->q[i];
    return NULL;
}

void hi_codebook_free(hi_codebook *cb)
{
    if (cb == NULL)
        return;
    for (size_t i = 0; i < cb->n; i++) {
        hi_question *q = &cb->q[i];
        for (size_t k = 0; k < q->n_codes; k++)
            free(q->codes[k].label);
        for (size_t k = 0; k < q->n_items; k++)
            free(q->items[k].label);
        free(q->codes);
        free(q->items);
        free(q->lut);
        free(q->qid);
        free(q->title);
    }
    free(cb->q);
    free(cb->text);
    free(cb);
}
