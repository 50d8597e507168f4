/*
 * sav_read.c — reads an SPSS .sav file (through ReadStat) into a dataset.
 * It gathers what the file says of its variables; without a codebook
 * sav_labels.c makes one of that, and the store is filled as the values
 * arrive (the first value comes after the whole dictionary, so the
 * codebook is made there).  With a codebook the variables are matched by
 * name, as the columns of a CSV file are.  User-defined missing values
 * are no answer, like the system-missing value.  Values are checked as
 * strictly as CSV fields: a number that is not a code is an error naming
 * the variable and the respondent (the case number, from 1).
 */
#include "tab/sav.h"
#include "internal.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <readstat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoshi/text.h"

typedef struct reader {
    hi_sav_meta m;       /* what the file says of its variables */
    const char *cb_name, *cb_text;
    size_t cb_len;
    hoshi_dataset *ds;
    size_t row;          /* the row being read + 1 (0 before the first) */
    size_t rows_hint;    /* respondents the header announces (it may lie) */
    hoshi_err err;       /* set by a handler that aborted */
} reader;

/* A copy of a label without its trailing spaces: SPSS pads labels with
 * them, and ReadStat drops them or not depending on the padding. */
static char *label_dup(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    while (n > 0 && s[n - 1] == ' ')
        n--;
    char *c = hi_malloc(n + 1);
    if (c != NULL) {
        if (n > 0)
            memcpy(c, s, n);
        c[n] = '\0';
    }
    return c;
}

static int fail_nomem(reader *R)
{
    R->err = hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", R->m.name);
    return READSTAT_HANDLER_ABORT;
}

static int on_note(int index, const char *note, void *ctx)
{
    reader *R = ctx;
    if (R->err != HOSHI_OK)
        return READSTAT_HANDLER_ABORT; /* ReadStat goes on after some aborts */
    (void)index;
    if (strncmp(note, HI_SAV_NOTE_HEAD, 6) == 0 || strncmp(note, HI_SAV_NOTE_MORE, 6) == 0 ||
        strncmp(note, HI_SAV_NOTE_LABEL, 6) == 0) {
        /* a document line is 80 bytes padded with spaces: trailing spaces
         * are padding, never text (the writer ends no line in one) */
        size_t n = strlen(note);
        while (n > 6 && note[n - 1] == ' ')
            n--;
        hoshi_buf_append(&R->m.notes, note, n);
        hoshi_buf_putc(&R->m.notes, '\n');
    }
    return R->m.notes.err == HOSHI_OK ? READSTAT_HANDLER_OK : fail_nomem(R);
}

static int on_variable(int index, readstat_variable_t *v, const char *val_labels, void *ctx)
{
    reader *R = ctx;
    if (R->err != HOSHI_OK)
        return READSTAT_HANDLER_ABORT; /* ReadStat goes on after some aborts */
    (void)index;
    if (R->m.n_var >= HI_TAB_MAX_COLUMNS) {
        R->err = hi_fail(HOSHI_ERR_LIMIT, "%s: more than %d variables", R->m.name, HI_TAB_MAX_COLUMNS);
        return READSTAT_HANDLER_ABORT;
    }
    if (R->m.n_var == R->m.cap_var) {
        size_t cap = R->m.cap_var ? R->m.cap_var * 2 : 64;
        hi_sav_var *p = hi_realloc(R->m.var, cap * sizeof *p);
        if (p == NULL)
            return fail_nomem(R);
        R->m.var = p;
        R->m.cap_var = cap;
    }
    hi_sav_var *s = &R->m.var[R->m.n_var];
    memset(s, 0, sizeof *s);
    s->col = SIZE_MAX;
    R->m.n_var++;
    const char *label = readstat_variable_get_label(v);
    s->name = hi_strdup(readstat_variable_get_name(v));
    s->label = label_dup(label);
    s->lset = val_labels ? hi_strdup(val_labels) : NULL;
    if (s->name == NULL || s->label == NULL || (val_labels && s->lset == NULL))
        return fail_nomem(R);
    s->string = readstat_variable_get_type_class(v) == READSTAT_TYPE_CLASS_STRING;
    int n = readstat_variable_get_missing_ranges_count(v);
    for (int i = 0; i < n && i < 32 && !s->string; i++) {
        readstat_value_t lo = readstat_variable_get_missing_range_lo(v, i);
        readstat_value_t hi = readstat_variable_get_missing_range_hi(v, i);
        s->lo[s->n_missing] = readstat_double_value(lo);
        s->hi[s->n_missing++] = readstat_double_value(hi);
    }
    return READSTAT_HANDLER_OK;
}

static int on_value_label(const char *val_labels, readstat_value_t value, const char *label,
                          void *ctx)
{
    reader *R = ctx;
    if (R->err != HOSHI_OK)
        return READSTAT_HANDLER_ABORT; /* ReadStat goes on after some aborts */
    if (readstat_value_type_class(value) != READSTAT_TYPE_CLASS_NUMERIC)
        return READSTAT_HANDLER_OK; /* labels of strings: an FA keeps its text */
    hi_sav_lset *s = R->m.n_set ? &R->m.set[R->m.n_set - 1] : NULL;
    if (s == NULL || strcmp(s->name, val_labels) != 0) {
        hi_sav_lset *p = hi_realloc(R->m.set, (R->m.n_set + 1) * sizeof *p);
        if (p == NULL)
            return fail_nomem(R);
        R->m.set = p;
        s = &R->m.set[R->m.n_set++];
        memset(s, 0, sizeof *s);
        if ((s->name = hi_strdup(val_labels)) == NULL)
            return fail_nomem(R);
    }
    if (s->n >= HI_TAB_MAX_CODES) {
        R->err = hi_fail(HOSHI_ERR_LIMIT, "%s: value labels %s: more than %d codes", R->m.name,
                         val_labels, HI_TAB_MAX_CODES);
        return READSTAT_HANDLER_ABORT;
    }
    hi_sav_vlabel *p = hi_realloc(s->v, (s->n + 1) * sizeof *p);
    if (p == NULL)
        return fail_nomem(R);
    s->v = p;
    p[s->n].value = readstat_double_value(value);
    if ((p[s->n].label = label_dup(label)) == NULL)
        return fail_nomem(R);
    s->n++;
    return READSTAT_HANDLER_OK;
}

/* ---- the store ---- */

static int cmp_col(const void *a, const void *b)
{
    const hi_column *x = *(const hi_column *const *)a, *y = *(const hi_column *const *)b;
    return strcmp(x->name, y->name);
}

/* Matches variables to columns; every column needs its variable. */
static hoshi_err match(reader *R)
{
    hoshi_dataset *ds = R->ds;
    hoshi_err err = HOSHI_OK;
    const hi_column **byname = hi_malloc((ds->n_col ? ds->n_col : 1) * sizeof *byname);
    uint8_t *seen = hi_calloc(ds->n_col ? ds->n_col : 1, 1);
    if (byname == NULL || seen == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", R->m.name);
        goto free_index;
    }
    for (size_t i = 0; i < ds->n_col; i++)
        byname[i] = &ds->col[i];
    qsort(byname, ds->n_col, sizeof *byname, cmp_col);
    for (size_t i = 0; i < R->m.n_var; i++) {
        hi_sav_var *s = &R->m.var[i];
        hi_column key = {0};
        key.name = s->name;
        const hi_column *kp = &key;
        const hi_column **hit = ds->n_col ? bsearch(&kp, byname, ds->n_col, sizeof *byname, cmp_col)
                                          : NULL;
        if (hit == NULL)
            continue; /* not in the codebook: skipped, as a CSV column is */
        size_t ci = (size_t)(*hit - ds->col);
        if (seen[ci]++) {
            err = hi_fail(HOSHI_ERR_INPUT, "%s: variable %s appears twice", R->m.name, s->name);
            goto free_index;
        }
        if (s->string != (ds->col[ci].type == HI_COL_FA)) {
            err = hi_fail(HOSHI_ERR_INPUT, "%s: variable %s is %s but question %s is %s", R->m.name,
                          s->name, s->string ? "a string" : "numeric", ds->cb->q[ds->col[ci].q].qid,
                          s->string ? "not FA" : "FA");
            goto free_index;
        }
        s->col = ci;
    }
    for (size_t ci = 0; ci < ds->n_col; ci++)
        if (!seen[ci]) {
            err = hi_fail(HOSHI_ERR_INPUT, "%s: no variable %s (question %s)", R->m.name,
                          ds->col[ci].name, ds->cb->q[ds->col[ci].q].qid);
            goto free_index;
        }
free_index:
    free(seen);
    free(byname);
    return err;
}

/* The codebook (given, or from the labels) and an empty store. */
static hoshi_err build(reader *R, size_t rows_hint)
{
    hi_codebook *cb = NULL;
    hoshi_err err;
    if (R->cb_text != NULL) {
        err = hi_codebook_parse(R->cb_name, R->cb_text, R->cb_len, &cb);
    } else {
        hoshi_buf b = HOSHI_BUF_INIT;
        char *text = NULL, name[300];
        size_t len = 0;
        snprintf(name, sizeof name, "%s (the codebook from its labels)", R->m.name);
        if ((err = hi_sav_labels_codebook(&R->m, &b)) == HOSHI_OK && (err = hoshi_buf_finish(&b, &text, &len)) != HOSHI_OK)
            err = hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", R->m.name);
        hoshi_buf_free(&b);
        if (err == HOSHI_OK)
            err = hi_codebook_parse(name, text, len, &cb);
        free(text);
    }
    if (err != HOSHI_OK)
        return err;
    if ((err = hi_dataset_alloc(cb, &R->ds)) != HOSHI_OK) {
        hi_codebook_free(cb);
        return err;
    }
    if ((err = match(R)) != HOSHI_OK)
        return err;
    /* room for the rows the header announces, within reason (it may lie:
     * the store grows as rows arrive) */
    size_t want = rows_hint < ((size_t)1 << 16) ? rows_hint : (size_t)1 << 16;
    return hi_dataset_ensure_rows(R->ds, want ? want : 1);
}

static int row_fail(reader *R, const hi_sav_var *s, const char *what, double v)
{
    char num[40];
    snprintf(num, sizeof num, "%.17g", v);
    R->err = hi_fail(HOSHI_ERR_INPUT, "%s: variable %s, respondent %zu: %s%s", R->m.name, s->name,
                     R->row, isnan(v) ? "" : num, what);
    return READSTAT_HANDLER_ABORT;
}

/* Starts row r with no answers; the free answers of the rows before it
 * are complete. */
static hoshi_err next_row(reader *R, size_t r)
{
    hoshi_dataset *ds = R->ds;
    hoshi_err err = hi_dataset_ensure_rows(ds, r + 1);
    if (err != HOSHI_OK)
        return err;
    for (size_t i = 0; i < ds->n_col; i++) {
        hi_column *c = &ds->col[i];
        if (c->type == HI_COL_FA)
            c->fa_off[r] = c->fa_len;
        else if (c->type == HI_COL_SA)
            c->sa[r] = 0; /* grown rows are not zeroed; bitsets are */
        else if (c->type == HI_COL_NUM)
            c->num[r] = 0;
    }
    ds->n_rows = r + 1;
    R->row = r + 1;
    return HOSHI_OK;
}

static int put_number(reader *R, const hi_sav_var *s, hi_column *c, double v, size_t r)
{
    const hi_question *q = &R->ds->cb->q[c->q];
    switch (c->type) {
    case HI_COL_SA: {
        unsigned k = v >= 0 && v <= HI_TAB_MAX_CODE && v == floor(v) ? hi_code_index(q, (long)v) : 0;
        if (k == 0)
            return row_fail(R, s, " is not a code of the question", v);
        c->sa[r] = (uint8_t)k;
        break;
    }
    case HI_COL_BIT:
        if (v != 0 && v != 1)
            return row_fail(R, s, " where an MA variable holds 0 or 1", v);
        if (v == 1)
            c->bits[r / 64] |= (uint64_t)1 << (r % 64);
        break;
    case HI_COL_NUM:
        if (!isfinite(v))
            return row_fail(R, s, " is not a finite number", v);
        c->num[r] = v;
        c->bits[r / 64] |= (uint64_t)1 << (r % 64);
        break;
    case HI_COL_FA:
        break;
    }
    return READSTAT_HANDLER_OK;
}

static int on_value(int obs, readstat_variable_t *v, readstat_value_t value, void *ctx)
{
    reader *R = ctx;
    if (R->err != HOSHI_OK)
        return READSTAT_HANDLER_ABORT; /* ReadStat goes on after some aborts */
    if (R->ds == NULL && (R->err = build(R, R->rows_hint)) != HOSHI_OK)
        return READSTAT_HANDLER_ABORT;
    size_t r = (size_t)obs;
    if (obs < 0 || r + 1 < R->row) {
        R->err = hi_fail(HOSHI_ERR_INPUT, "%s: respondents out of order", R->m.name);
        return READSTAT_HANDLER_ABORT;
    }
    if (r + 1 > R->row && (R->err = next_row(R, r)) != HOSHI_OK)
        return READSTAT_HANDLER_ABORT;
    int idx = readstat_variable_get_index(v);
    if (idx < 0 || (size_t)idx >= R->m.n_var)
        return READSTAT_HANDLER_OK;
    const hi_sav_var *s = &R->m.var[idx];
    if (s->col == SIZE_MAX)
        return READSTAT_HANDLER_OK;
    hi_column *c = &R->ds->col[s->col];
    if (c->type == HI_COL_FA) {
        const char *t = readstat_value_type_class(value) == READSTAT_TYPE_CLASS_STRING
                            ? readstat_string_value(value) : NULL;
        size_t n = t ? strlen(t) : 0;
        if (hoshi_utf8_invalid_at(t ? t : "", n) != n)
            return row_fail(R, s, "invalid UTF-8 in the text", NAN);
        if ((R->err = hi_column_fa_append(c, t, n)) != HOSHI_OK)
            return READSTAT_HANDLER_ABORT;
        return READSTAT_HANDLER_OK;
    }
    if (readstat_value_is_missing(value, v))
        return READSTAT_HANDLER_OK;
    double d;
    switch (readstat_value_type(value)) {
    case READSTAT_TYPE_INT8: d = readstat_int8_value(value); break;
    case READSTAT_TYPE_INT16: d = readstat_int16_value(value); break;
    case READSTAT_TYPE_INT32: d = readstat_int32_value(value); break;
    case READSTAT_TYPE_FLOAT: d = readstat_float_value(value); break;
    case READSTAT_TYPE_DOUBLE: d = readstat_double_value(value); break;
    default: return READSTAT_HANDLER_OK;
    }
    /* SPSS reserves the three largest magnitudes (system-missing, LOWEST
     * and HIGHEST).  A file may declare others in its machine record, but
     * every writer, ours included, uses these: read them as no answer
     * whatever the file says, so a dataset saved as .sav reads back equal. */
    if (d >= DBL_MAX || d <= nextafter(-DBL_MAX, 0.0))
        return READSTAT_HANDLER_OK;
    return put_number(R, s, c, d, r);
}

static int on_metadata(readstat_metadata_t *m, void *ctx)
{
    reader *R = ctx;
    int64_t n = readstat_get_var_count(m);
    if (n > HI_TAB_MAX_COLUMNS) {
        R->err = hi_fail(HOSHI_ERR_LIMIT, "%s: more than %d variables", R->m.name, HI_TAB_MAX_COLUMNS);
        return READSTAT_HANDLER_ABORT;
    }
    int64_t rows = readstat_get_row_count(m);
    if (rows > (int64_t)HI_TAB_MAX_ROWS) {
        R->err = hi_fail(HOSHI_ERR_LIMIT, "%s: more than %u respondents", R->m.name, HI_TAB_MAX_ROWS);
        return READSTAT_HANDLER_ABORT;
    }
    R->rows_hint = rows > 0 ? (size_t)rows : 0;
    return READSTAT_HANDLER_OK;
}

/* ---- reading from memory (the fuzz target) ---- */

typedef struct memio {
    const unsigned char *p;
    size_t len, pos;
} memio;

static int mem_open(const char *path, void *io)
{
    (void)path;
    ((memio *)io)->pos = 0;
    return 0;
}

static int mem_close(void *io)
{
    (void)io;
    return 0;
}

static readstat_off_t mem_seek(readstat_off_t off, readstat_io_flags_t whence, void *io)
{
    memio *m = io;
    readstat_off_t base = whence == READSTAT_SEEK_SET ? 0
                          : whence == READSTAT_SEEK_CUR ? (readstat_off_t)m->pos
                                                        : (readstat_off_t)m->len;
    if (off < -base || off > (readstat_off_t)m->len - base)
        return -1;
    m->pos = (size_t)(base + off);
    return (readstat_off_t)m->pos;
}

static ssize_t mem_read(void *buf, size_t n, void *io)
{
    memio *m = io;
    size_t k = m->len - m->pos < n ? m->len - m->pos : n;
    if (k == 0)
        return 0; /* ReadStat asks for 0 bytes into a NULL buffer */
    memcpy(buf, m->p + m->pos, k);
    m->pos += k;
    return (ssize_t)k;
}

static readstat_error_t mem_update(long size, readstat_progress_handler h, void *user, void *io)
{
    (void)size, (void)h, (void)user, (void)io;
    return READSTAT_OK;
}

/* ---- the parse ---- */

static void free_reader(reader *R)
{
    for (size_t i = 0; i < R->m.n_var; i++) {
        free(R->m.var[i].name);
        free(R->m.var[i].label);
        free(R->m.var[i].lset);
    }
    free(R->m.var);
    for (size_t i = 0; i < R->m.n_set; i++) {
        for (size_t k = 0; k < R->m.set[i].n; k++)
            free(R->m.set[i].v[k].label);
        free(R->m.set[i].v);
        free(R->m.set[i].name);
    }
    free(R->m.set);
    hoshi_buf_free(&R->m.notes);
    hoshi_dataset_free(R->ds);
}

static hoshi_err parse(reader *R, const char *path, memio *mem, hoshi_dataset **out)
{
    hoshi_err err = HOSHI_OK;
    readstat_parser_t *p = readstat_parser_init();
    if (p == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", R->m.name);
    readstat_set_metadata_handler(p, on_metadata);
    readstat_set_note_handler(p, on_note);
    readstat_set_variable_handler(p, on_variable);
    readstat_set_value_label_handler(p, on_value_label);
    readstat_set_value_handler(p, on_value);
    if (mem != NULL) {
        readstat_set_open_handler(p, mem_open);
        readstat_set_close_handler(p, mem_close);
        readstat_set_seek_handler(p, mem_seek);
        readstat_set_read_handler(p, mem_read);
        readstat_set_update_handler(p, mem_update);
        readstat_set_io_ctx(p, mem);
    }
    readstat_error_t e = readstat_parse_sav(p, path, R);
    readstat_parser_free(p);
    if (R->err != HOSHI_OK) {
        err = R->err;
    } else if (e == READSTAT_ERROR_OPEN) {
        err = hi_fail(HOSHI_ERR_IO, "%s: cannot open: %s", R->m.name, strerror(errno));
    } else if (e == READSTAT_ERROR_MALLOC) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", R->m.name);
    } else if (e != READSTAT_OK) {
        err = hi_fail(HOSHI_ERR_INPUT, "%s: not a readable SPSS file (%s)", R->m.name,
                      readstat_error_message(e));
    } else if (R->ds == NULL) {
        err = build(R, 0); /* no respondents */
    }
    if (err == HOSHI_OK) {
        hoshi_dataset *ds = R->ds;
        for (size_t i = 0; i < ds->n_col; i++)
            if (ds->col[i].type == HI_COL_FA)
                ds->col[i].fa_off[ds->n_rows] = ds->col[i].fa_len;
        /* the store's id column was made room for but not filled: a .sav
         * read here names its respondents by row (hi_dataset_id), so it
         * has none; its ids for an import are read by hoshi_ids_read() */
        free(ds->id.fa_off);
        free(ds->id.fa_text);
        ds->id.fa_off = NULL;
        ds->id.fa_text = NULL;
        ds->id.fa_len = ds->id.fa_cap = 0;
        *out = ds;
        R->ds = NULL;
    }
    free_reader(R);
    return err;
}

hoshi_err hi_sav_open(const char *path, const char *codebook_name, const char *codebook_text,
                      size_t codebook_len, hoshi_dataset **out)
{
    reader R = {.m = {.name = path, .notes = HOSHI_BUF_INIT}, .cb_name = codebook_name, .cb_text = codebook_text,
                .cb_len = codebook_len};
    return parse(&R, path, NULL, out);
}

hoshi_err hi_sav_parse(const char *name, const void *data, size_t len, const char *codebook_name,
                       const char *codebook_text, size_t codebook_len, hoshi_dataset **out)
{
    hi_clear_error();
    reader R = {.m = {.name = name, .notes = HOSHI_BUF_INIT}, .cb_name = codebook_name, .cb_text = codebook_text,
                .cb_len = codebook_len};
    memio m = {data, len, 0};
    return parse(&R, name, &m, out);
}

bool hi_sav_sniff(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return false;
    char magic[4];
    bool yes = fread(magic, 1, 4, f) == 4 &&
               (memcmp(magic, "$FL2", 4) == 0 || memcmp(magic, "$FL3", 4) == 0);
    fclose(f);
    return yes;
}
