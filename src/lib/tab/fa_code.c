/*
 * fa_code.c — hoshi_fa_code(): a coding file (fa_rules.c) applied to the
 * answers of an FA question, giving an MA question added to the dataset
 * as if the codebook had it: a codebook entry (also appended to the
 * codebook text, so a saved .hsd keeps it) and one bit column per
 * category, plus the uncoded category.  Blank answers choose nothing, so
 * tables show them as 無回答.  Every table path (heads, sides, --where,
 * nets) then works on it unchanged.  Everything is built aside first and
 * added at the end, so a failure leaves the dataset as it was.
 */
#include "tab/fa.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoshi/datafile.h"

/* The new question, built aside. */
typedef struct coded {
    hi_question q;
    hi_column *col;         /* n_codes columns */
    char *cb_rows;          /* its codebook rows */
    size_t cb_len;
} coded;

static void coded_free(coded *k)
{
    for (size_t i = 0; i < k->q.n_codes; i++) {
        free(k->q.codes[i].label);
        if (k->col != NULL) {
            free(k->col[i].name);
            free(k->col[i].bits);
        }
    }
    free(k->q.codes);
    free(k->q.lut);
    free(k->q.qid);
    free(k->q.title);
    free(k->col);
    free(k->cb_rows);
}

/* Fields in the codebook's header, so appended rows have as many. */
static size_t codebook_width(const hi_codebook *cb)
{
    hi_csvtok t = {cb->text, cb->text + cb->text_len, "codebook", 1, HOSHI_BUF_INIT};
    hi_csvrec r = {0};
    bool got = false;
    size_t n = hi_csvtok_next(&t, &r, &got) == HOSHI_OK && got ? r.n : 4;
    hi_csvrec_free(&r);
    hoshi_buf_free(&t.field);
    hi_clear_error();
    return n < 4 ? 4 : n;
}

static void cb_row(hoshi_buf *b, const char *qid, const char *code, const char *label, size_t width)
{
    hoshi_buf_csv(b, qid, ',');
    hoshi_buf_puts(b, ",MA,");
    hoshi_buf_puts(b, code);
    hoshi_buf_putc(b, ',');
    hoshi_buf_csv(b, label, ',');
    for (size_t i = 4; i < width; i++)
        hoshi_buf_putc(b, ',');
    hoshi_buf_putc(b, '\n');
}

/* The question (id, title, codes and lookup) and its codebook rows. */
static hoshi_err make_question(const hoshi_dataset *ds, const hi_question *fa,
                               const hi_fa_coding *c, coded *k)
{
    char qid[80], title[HI_TAB_MAX_LABEL + 64];
    snprintf(qid, sizeof qid, "%s", c->qid ? c->qid : fa->qid);
    if (c->qid == NULL && strlen(qid) < 64)
        snprintf(qid, sizeof qid, "%sC", fa->qid);
    if (hi_codebook_find(ds->cb, qid, strlen(qid)) != NULL && c->name_line > 0)
        return hi_fail(HOSHI_ERR_INPUT, "%s:%zu:2: the codebook already has a question %s",
                       c->name, c->name_line, qid);
    if (hi_codebook_find(ds->cb, qid, strlen(qid)) != NULL)
        return hi_fail(HOSHI_ERR_INPUT, "%s: the codebook already has %s; name the coded question with a row name,QID,title",
                       c->name, qid);
    snprintf(title, sizeof title, "%s", c->title ? c->title : fa->title);
    k->q.type = HI_Q_MA;
    k->q.codes = hi_calloc(c->n_cat + 1, sizeof *k->q.codes);
    k->q.n_codes = k->q.codes != NULL ? c->n_cat + 1 : 0;
    k->q.qid = hi_strdup(qid);
    k->q.title = hi_strdup(title);
    if (k->q.codes == NULL || k->q.qid == NULL || k->q.title == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    long max = 0;
    size_t max_line = 0;
    for (size_t i = 0; i < c->n_cat; i++)
        if (c->cat[i].code > max) {
            max = c->cat[i].code;
            max_line = c->cat[i].line;
        }
    if (max >= HI_TAB_MAX_CODE)
        return hi_fail(HOSHI_ERR_INPUT, "%s:%zu:1: code %d leaves no code for the uncoded category",
                       c->name, max_line, HI_TAB_MAX_CODE);
    for (size_t i = 0; i <= c->n_cat; i++) {
        k->q.codes[i].code = i < c->n_cat ? c->cat[i].code : max + 1;
        k->q.codes[i].label = hi_strdup(i < c->n_cat ? c->cat[i].label
                                        : c->uncoded ? c->uncoded : "未分類");
        if (k->q.codes[i].label == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    }
    k->q.max_code = max + 1;
    k->q.lut = hi_calloc((size_t)max + 2, 1);
    if (k->q.lut == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < k->q.n_codes; i++)
        k->q.lut[k->q.codes[i].code] = (uint8_t)(i + 1);
    size_t width = codebook_width(ds->cb);
    hoshi_buf b = HOSHI_BUF_INIT;
    if (ds->cb->text_len > 0 && ds->cb->text[ds->cb->text_len - 1] != '\n')
        hoshi_buf_putc(&b, '\n');
    cb_row(&b, qid, "", title, width);
    for (size_t i = 0; i < k->q.n_codes; i++) {
        char code[24];
        snprintf(code, sizeof code, "%ld", k->q.codes[i].code);
        cb_row(&b, qid, code, k->q.codes[i].label, width);
    }
    return hoshi_buf_finish(&b, &k->cb_rows, &k->cb_len);
}

/* The bit columns: the manual assignment of each respondent, else what
 * the keywords say; blank answers choose nothing. */
static hoshi_err make_columns(const hoshi_dataset *ds, const hi_question *fa,
                              const hi_fa_coding *c, coded *k, size_t q_index)
{
    size_t nc = k->q.n_codes, words = hi_words(ds->n_rows > ds->cap_rows ? ds->n_rows : ds->cap_rows);
    k->col = hi_calloc(nc, sizeof *k->col);
    if (k->col == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < nc; i++) {
        char name[128];
        snprintf(name, sizeof name, "%s_%ld", k->q.qid, k->q.codes[i].code);
        k->col[i] = (hi_column){.type = HI_COL_BIT, .q = q_index, .sub = i, .own = true};
        k->col[i].name = hi_strdup(name);
        k->col[i].bits = hi_calloc(words ? words : 1, sizeof(uint64_t));
        if (k->col[i].name == NULL || k->col[i].bits == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    }
    const hi_column *text = &ds->col[fa->first_col];
    uint8_t sel[HI_TAB_MAX_CODES + 1];
    uint8_t *used = hi_calloc(c->n_man ? c->n_man : 1, 1);
    if (used == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    for (size_t r = 0; r < ds->n_rows; r++) {
        size_t len = (size_t)(text->fa_off[r + 1] - text->fa_off[r]), idl;
        char idbuf[24];
        const char *id = hi_dataset_id(ds, r, idbuf, sizeof idbuf, &idl);
        const hi_fa_manual *m = c->n_man ? hi_fa_coding_manual(c, id, idl) : NULL;
        if (m != NULL) {
            used[m - c->man] = 1;
            memset(sel, 0, nc);
            for (size_t i = 0; i < m->n; i++)
                sel[m->cat[i]] = 1;
            sel[nc - 1] = m->n == 0;
        } else if (len == 0) {
            continue;
        } else {
            hoshi_err err = hi_fa_coding_match(c, text->fa_text + text->fa_off[r], len, sel);
            if (err != HOSHI_OK) {
                free(used);
                return err;
            }
        }
        for (size_t i = 0; i < nc; i++)
            if (sel[i])
                k->col[i].bits[r >> 6] |= (uint64_t)1 << (r & 63);
    }
    for (size_t i = 0; i < c->n_man; i++)
        if (!used[i]) {
            /* the first unknown id by line, as a coder reads the file */
            size_t first = i;
            for (size_t j = i + 1; j < c->n_man; j++)
                if (!used[j] && c->man[j].line < c->man[first].line)
                    first = j;
            free(used);
            return hi_fail(HOSHI_ERR_INPUT, "%s:%zu:1: unknown id '%s' (no respondent has it)",
                           c->name, c->man[first].line, c->man[first].id);
        }
    free(used);
    return HOSHI_OK;
}

/* Adds k to the dataset: room first, then nothing can fail. */
static hoshi_err add_coded(hoshi_dataset *ds, coded *k)
{
    hi_codebook *cb = ds->cb;
    size_t nc = k->q.n_codes, n_col = ds->n_col + nc;
    if (n_col > HI_TAB_MAX_COLUMNS || cb->n >= HI_TAB_MAX_QUESTIONS)
        return hi_fail(HOSHI_ERR_LIMIT, "coding %s would pass the limits of a dataset", k->q.qid);
    if (cb->n == cb->cap) {
        hi_question *q = hi_realloc(cb->q, (cb->n + 1) * sizeof *q);
        if (q == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        cb->q = q;
        cb->cap = cb->n + 1;
    }
    hi_column *col = hi_realloc(ds->col, n_col * sizeof *col);
    if (col == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    ds->col = col;
    char *text = hi_realloc(cb->text, cb->text_len + k->cb_len + 1);
    if (text == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    cb->text = text;
    if (ds->mapped) {
        atomic_uchar *v = hi_realloc(ds->verified, n_col * sizeof *v);
        if (v == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        ds->verified = v;
        for (size_t i = ds->n_col; i < n_col; i++)
            atomic_init(&v[i], 1); /* made here, nothing to check */
    }
    memcpy(cb->text + cb->text_len, k->cb_rows, k->cb_len);
    cb->text_len += k->cb_len;
    cb->text[cb->text_len] = '\0';
    k->q.first_col = ds->n_col;
    memcpy(ds->col + ds->n_col, k->col, nc * sizeof *col);
    ds->n_col = n_col;
    cb->q[cb->n++] = k->q;
    free(k->col);
    free(k->cb_rows);
    memset(k, 0, sizeof *k);
    return HOSHI_OK;
}

hoshi_err hoshi_fa_code(hoshi_dataset *ds, const char *var, const char *name, const char *text,
                        size_t len)
{
    hi_clear_error();
    const hi_question *fa = NULL;
    hi_fa_coding *c = NULL;
    coded k;
    memset(&k, 0, sizeof k);
    char *utf8 = NULL;
    size_t utf8_len = 0;
    hoshi_err err = hi_fa_question(ds, var, &fa);
    if (err == HOSHI_OK)
        err = hi_hsd_verify_ids(ds);
    if (err != HOSHI_OK)
        return err;
    if ((err = hi_text_to_utf8(name, text, len, HOSHI_ENC_AUTO, &utf8, &utf8_len)) != HOSHI_OK ||
        (err = hi_fa_coding_parse(name, utf8, utf8_len, &c)) != HOSHI_OK ||
        (err = make_question(ds, fa, c, &k)) != HOSHI_OK ||
        (err = make_columns(ds, fa, c, &k, ds->cb->n)) != HOSHI_OK)
        goto free_all;
    err = add_coded(ds, &k);
free_all:
    coded_free(&k);
    hi_fa_coding_free(c);
    free(utf8);
    return err;
}

hoshi_err hoshi_fa_code_file(hoshi_dataset *ds, const char *var, const char *path)
{
    hi_clear_error();
    char *raw = NULL;
    size_t len = 0;
    const hi_question *fa = NULL;
    hoshi_err err = hi_fa_question(ds, var, &fa); /* before the file: the usage first */
    if (err != HOSHI_OK)
        return err;
    err = hoshi_file_read(path, HI_FA_MAX_FILE, &raw, &len);
    if (err != HOSHI_OK)
        return err;
    err = hoshi_fa_code(ds, var, path, raw, len);
    free(raw);
    return err;
}
