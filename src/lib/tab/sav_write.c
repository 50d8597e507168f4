/*
 * sav_write.c — writes a dataset as an SPSS .sav file through ReadStat:
 * SA questions and GRID/DIAG items as numeric variables with the value
 * labels of their codes, MA questions as one 0/1 variable per code, NUM
 * as numbers, FA as UTF-8 strings, and the id variable (the ids read
 * by hoshi_ids_read(), or the row numbers).  A respondent without an answer
 * gets the system-missing value, in every variable of an MA question.
 * What SPSS cannot hold is refused before anything is written; the file
 * appears whole under its name or not at all (see sav.h for the document
 * lines that describe MA, GRID and DIAG questions).
 */
#include "tab/sav.h"
#include "internal.h"

#include <errno.h>
#include <readstat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hoshi/text.h"

typedef struct sink {
    int fd;
    bool failed;
    int errnum;
} sink;

static ssize_t sink_write(const void *data, size_t len, void *ctx)
{
    sink *s = ctx;
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(s->fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            s->failed = true;
            s->errnum = w < 0 ? errno : EIO;
            return -1;
        }
        p += w;
        left -= (size_t)w;
    }
    return (ssize_t)len;
}

/* label cut to what SPSS keeps, into buf (at least max + 1 bytes) */
static const char *cut(char *buf, const char *label, size_t max)
{
    size_t n = hi_sav_cut(label, strlen(label), max);
    memcpy(buf, label, n);
    buf[n] = '\0';
    return buf;
}

/* The longest free answer of column c (bytes); *row gets its row. */
static size_t fa_width(const hoshi_dataset *ds, const hi_column *c, size_t *row)
{
    size_t w = 0;
    for (size_t r = 0; r < ds->n_rows; r++) {
        size_t n = (size_t)(c->fa_off[r + 1] - c->fa_off[r]);
        if (n > w) {
            w = n;
            *row = r;
        }
    }
    return w;
}

/* True when every id is a whole number a double holds exactly. */
static bool numeric_ids(const hoshi_ids *ids)
{
    for (size_t i = 0; i < ids->n; i++) {
        long v;
        if (strlen(ids->v[i]) > 15 || !hoshi_parse_long(ids->v[i], -999999999999999L,
                                                        999999999999999L, &v))
            return false;
    }
    return true;
}

/* Everything SPSS would refuse, said before a file is made. */
static hoshi_err check(const hoshi_dataset *ds, const hoshi_ids *ids, const char *path)
{
    if (ids != NULL && ids->n != ds->n_rows)
        return hi_fail(HOSHI_ERR_INTERNAL, "%s: %zu ids for %zu respondents", path, ids->n,
                       ds->n_rows);
    for (size_t i = 0; i < ds->n_col; i++) {
        const hi_column *c = &ds->col[i];
        size_t row = 0;
        if (strlen(c->name) > 64)
            return hi_fail(HOSHI_ERR_INPUT, "%s: variable name %s is longer than the 64 bytes of SPSS",
                           path, c->name);
        if (c->type == HI_COL_FA && fa_width(ds, c, &row) > HI_SAV_MAX_STRING)
            return hi_fail(HOSHI_ERR_LIMIT,
                           "%s: the answer to %s of respondent %zu is longer than the %d bytes of an SPSS string",
                           path, c->name, row + 1, HI_SAV_MAX_STRING);
    }
    return HOSHI_OK;
}

/* One record of the document (sav.h): head, then text over as many
 * lines as it takes. */
static void add_note(readstat_writer_t *w, const char *head, const char *t)
{
    char line[HI_SAV_NOTE_LEN + 1];
    int n0 = snprintf(line, sizeof line, "%s", head);
    size_t at = n0 < 0 ? 0 : (size_t)n0 < sizeof line ? (size_t)n0 : sizeof line - 1;
    size_t left = strlen(t);
    if (at + 8 > HI_SAV_NOTE_LEN)
        return; /* cannot happen: ids are at most 64 bytes */
    for (;;) {
        size_t room = HI_SAV_NOTE_LEN - at;
        size_t n = hi_sav_cut(t, left, room);
        while (n < left && n > 0 && t[n - 1] == ' ')
            n--; /* ReadStat drops a line's trailing spaces */
        if (n == 0 && left > 0)
            n = hi_sav_cut(t, left, room); /* a run of spaces longer than a line */
        memcpy(line + at, t, n);
        line[at + n] = '\0';
        readstat_add_note(w, line);
        t += n;
        left -= n;
        if (left == 0)
            break;
        at = strlen(HI_SAV_NOTE_MORE);
        memcpy(line, HI_SAV_NOTE_MORE, at);
    }
}

/* The whole of a label SPSS keeps only max bytes of, in the document,
 * keyed by a variable name (or QID:code for a value label). */
static void keep_long(readstat_writer_t *w, const char *key, const char *label, size_t max)
{
    if (strlen(label) <= max)
        return;
    char head[160]; /* the key is at most 64 + 6 bytes (add_note checks) */
    snprintf(head, sizeof head, "%s%s ", HI_SAV_NOTE_LABEL, key);
    add_note(w, head, label);
}

static readstat_label_set_t *code_labels(readstat_writer_t *w, const hi_question *q)
{
    char buf[HI_SAV_MAX_VALUE_LABEL + 1];
    readstat_label_set_t *ls = readstat_add_label_set(w, READSTAT_TYPE_DOUBLE, q->qid);
    if (ls == NULL)
        return NULL;
    for (size_t k = 0; k < q->n_codes; k++) {
        char key[100];
        snprintf(key, sizeof key, "%s:%ld", q->qid, q->codes[k].code);
        keep_long(w, key, q->codes[k].label, HI_SAV_MAX_VALUE_LABEL);
        readstat_label_double_value(ls, (double)q->codes[k].code,
                                    cut(buf, q->codes[k].label, HI_SAV_MAX_VALUE_LABEL));
    }
    return ls;
}

static readstat_variable_t *add_var(readstat_writer_t *w, const char *name, readstat_type_t type,
                                    size_t width, const char *label, const char *format,
                                    readstat_measure_t measure, readstat_label_set_t *ls)
{
    char buf[HI_SAV_MAX_VAR_LABEL + 1];
    readstat_variable_t *v = readstat_add_variable(w, name, type, width);
    if (v == NULL)
        return NULL;
    if (label != NULL) {
        keep_long(w, name, label, HI_SAV_MAX_VAR_LABEL);
        readstat_variable_set_label(v, cut(buf, label, HI_SAV_MAX_VAR_LABEL));
    }
    if (format != NULL)
        readstat_variable_set_format(v, format);
    readstat_variable_set_measure(v, measure);
    if (ls != NULL)
        readstat_variable_set_label_set(v, ls);
    return v;
}

/* The variables (vars[0] the id, then one per column) and the notes. */
static hoshi_err define(readstat_writer_t *w, const hoshi_dataset *ds, const hoshi_ids *ids,
                        bool num_ids, readstat_variable_t **vars)
{
    static const char *const type_names[] = {"SA", "MA", "NUM", "FA", "GRID", "DIAG"};
    size_t id_width = 1;
    for (size_t i = 0; ids != NULL && i < ids->n; i++)
        id_width = strlen(ids->v[i]) > id_width ? strlen(ids->v[i]) : id_width;
    vars[0] = num_ids ? add_var(w, "id", READSTAT_TYPE_DOUBLE, 0, NULL, "F15.0",
                                READSTAT_MEASURE_NOMINAL, NULL)
                      : add_var(w, "id", READSTAT_TYPE_STRING, id_width, NULL, NULL,
                                READSTAT_MEASURE_NOMINAL, NULL);
    if (vars[0] == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory defining SPSS variables");
    for (size_t qi = 0; qi < ds->cb->n; qi++) {
        const hi_question *q = &ds->cb->q[qi];
        readstat_label_set_t *ls = NULL;
        if (q->type == HI_Q_SA || q->type == HI_Q_GRID || q->type == HI_Q_DIAG) {
            if ((ls = code_labels(w, q)) == NULL)
                return hi_fail(HOSHI_ERR_NOMEM, "out of memory defining SPSS value labels");
        }
        if (q->type == HI_Q_MA || q->type == HI_Q_GRID || q->type == HI_Q_DIAG) {
            char head[160]; /* ids are at most 64 bytes (add_note checks) */
            snprintf(head, sizeof head, "%s%s %s ", HI_SAV_NOTE_HEAD, q->qid, type_names[q->type]);
            add_note(w, head, q->title);
        }
        size_t k = q->type == HI_Q_MA ? q->n_codes
                   : q->type == HI_Q_GRID || q->type == HI_Q_DIAG ? q->n_items : 1;
        for (size_t j = 0; j < k; j++) {
            const hi_column *c = &ds->col[q->first_col + j];
            readstat_variable_t *v = NULL;
            size_t row = 0;
            switch (q->type) {
            case HI_Q_SA:
                v = add_var(w, c->name, READSTAT_TYPE_DOUBLE, 0, q->title, "F5.0",
                            READSTAT_MEASURE_NOMINAL, ls);
                break;
            case HI_Q_NUM:
                v = add_var(w, c->name, READSTAT_TYPE_DOUBLE, 0, q->title, NULL,
                            READSTAT_MEASURE_SCALE, NULL);
                break;
            case HI_Q_FA: {
                size_t width = fa_width(ds, c, &row);
                v = add_var(w, c->name, READSTAT_TYPE_STRING, width ? width : 1, q->title, NULL,
                            READSTAT_MEASURE_NOMINAL, NULL);
                break;
            }
            case HI_Q_MA:
                v = add_var(w, c->name, READSTAT_TYPE_DOUBLE, 0, q->codes[j].label, "F1.0",
                            READSTAT_MEASURE_NOMINAL, NULL);
                break;
            case HI_Q_GRID:
            case HI_Q_DIAG:
                v = add_var(w, c->name, READSTAT_TYPE_DOUBLE, 0, q->items[j].label, "F5.0",
                            READSTAT_MEASURE_ORDINAL, ls);
                break;
            }
            if (v == NULL)
                return hi_fail(HOSHI_ERR_NOMEM, "out of memory defining SPSS variables");
            vars[q->first_col + j + 1] = v;
        }
    }
    return HOSHI_OK;
}

static bool bit(const uint64_t *b, size_t r)
{
    return (b[r / 64] >> (r % 64)) & 1;
}

/* One respondent's values, in the order of define(). */
static readstat_error_t put_row(readstat_writer_t *w, const hoshi_dataset *ds,
                                const hoshi_ids *ids, bool num_ids, readstat_variable_t **vars,
                                size_t r, char *text)
{
    long id = (long)r + 1;
    if (ids != NULL && num_ids)
        hoshi_parse_long(ids->v[r], -999999999999999L, 999999999999999L, &id);
    readstat_error_t e = ids != NULL && !num_ids
                             ? readstat_insert_string_value(w, vars[0], ids->v[r])
                             : readstat_insert_double_value(w, vars[0], (double)id);
    for (size_t qi = 0; e == READSTAT_OK && qi < ds->cb->n; qi++) {
        const hi_question *q = &ds->cb->q[qi];
        const hi_column *c = &ds->col[q->first_col];
        readstat_variable_t **v = &vars[q->first_col + 1];
        switch (q->type) {
        case HI_Q_SA:
        case HI_Q_GRID:
        case HI_Q_DIAG: {
            size_t k = q->type == HI_Q_SA ? 1 : q->n_items;
            for (size_t j = 0; e == READSTAT_OK && j < k; j++) {
                unsigned s = c[j].sa[r];
                e = s == 0 ? readstat_insert_missing_value(w, v[j])
                           : readstat_insert_double_value(w, v[j], (double)q->codes[s - 1].code);
            }
            break;
        }
        case HI_Q_MA: {
            bool any = false;
            for (size_t j = 0; !any && j < q->n_codes; j++)
                any = bit(c[j].bits, r);
            for (size_t j = 0; e == READSTAT_OK && j < q->n_codes; j++)
                e = any ? readstat_insert_double_value(w, v[j], bit(c[j].bits, r) ? 1.0 : 0.0)
                        : readstat_insert_missing_value(w, v[j]);
            break;
        }
        case HI_Q_NUM:
            e = bit(c->bits, r) ? readstat_insert_double_value(w, v[0], c->num[r])
                                : readstat_insert_missing_value(w, v[0]);
            break;
        case HI_Q_FA: {
            size_t n = (size_t)(c->fa_off[r + 1] - c->fa_off[r]);
            if (n > 0)
                memcpy(text, c->fa_text + c->fa_off[r], n);
            text[n] = '\0';
            e = readstat_insert_string_value(w, v[0], text);
            break;
        }
        }
    }
    return e;
}

/* The longest free answer of the dataset, for the row buffer. */
static size_t longest_text(const hoshi_dataset *ds)
{
    size_t most = 0, row = 0;
    for (size_t i = 0; i < ds->n_col; i++)
        if (ds->col[i].type == HI_COL_FA) {
            size_t w = fa_width(ds, &ds->col[i], &row);
            most = w > most ? w : most;
        }
    return most;
}

static hoshi_err write_file(const hoshi_dataset *ds, const hoshi_ids *ids, const char *path,
                            sink *out)
{
    bool num_ids = ids == NULL || numeric_ids(ids);
    hoshi_err err = HOSHI_OK;
    readstat_error_t e = READSTAT_OK;
    readstat_variable_t **vars = hi_calloc(ds->n_col + 1, sizeof *vars);
    char *text = hi_malloc(longest_text(ds) + 1);
    readstat_writer_t *w = readstat_writer_init();
    if (vars == NULL || text == NULL || w == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory writing %s", path);
        goto free_writer;
    }
    readstat_set_data_writer(w, sink_write);
    readstat_writer_set_compression(w, READSTAT_COMPRESS_ROWS);
    if ((err = define(w, ds, ids, num_ids, vars)) != HOSHI_OK)
        goto free_writer;
    if ((e = readstat_begin_writing_sav(w, out, (long)ds->n_rows)) != READSTAT_OK)
        goto report;
    for (size_t i = 0; i <= ds->n_col; i++)
        if ((e = readstat_validate_variable(w, vars[i])) != READSTAT_OK) {
            err = hi_fail(HOSHI_ERR_INPUT, "%s: variable %s: %s", path,
                          i == 0 ? "id" : ds->col[i - 1].name, readstat_error_message(e));
            goto free_writer;
        }
    if ((e = readstat_validate_metadata(w)) != READSTAT_OK)
        goto report;
    for (size_t r = 0; r < ds->n_rows && e == READSTAT_OK; r++) {
        if ((e = readstat_begin_row(w)) == READSTAT_OK &&
            (e = put_row(w, ds, ids, num_ids, vars, r, text)) == READSTAT_OK)
            e = readstat_end_row(w);
    }
    if (e == READSTAT_OK)
        e = readstat_end_writing(w);
report:
    if (out->failed)
        err = hi_fail(HOSHI_ERR_IO, "cannot write %s: %s", path, strerror(out->errnum));
    else if (e == READSTAT_ERROR_MALLOC)
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory writing %s", path);
    else if (e != READSTAT_OK)
        err = hi_fail(HOSHI_ERR_INPUT, "%s: %s", path, readstat_error_message(e));
free_writer:
    if (w != NULL)
        readstat_writer_free(w);
    free(text);
    free(vars);
    return err;
}

hoshi_err hoshi_dataset_save_sav(const hoshi_dataset *ds, const hoshi_ids *ids, const char *path)
{
    hi_clear_error();
    hoshi_err err = HOSHI_OK;
    for (size_t i = 0; i < ds->n_col; i++)
        if (ds->mapped && (err = hi_hsd_verify_column(ds, i)) != HOSHI_OK)
            return err;
    if ((err = check(ds, ids, path)) != HOSHI_OK)
        return err;
    char *tmp = NULL;
    sink out = {-1, false, 0};
    if ((err = hi_file_create_temp(path, &tmp, &out.fd)) != HOSHI_OK)
        return err;
    err = write_file(ds, ids, path, &out);
    if (close(out.fd) != 0 && err == HOSHI_OK)
        err = hi_fail(HOSHI_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    err = hi_file_commit(tmp, path, err);
    free(tmp);
    return err;
}
