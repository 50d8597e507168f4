/*
 * weights.c — respondent weights as a value: made from a NUM column of the
 * data (--weight VAR) or by raking (rake.c), read by the table builder
 * through hoshi_tab_spec.weights, and saved as "id,weight" CSV so that an
 * analyst can reuse them.  The weights are checked once here (present,
 * finite, not negative), so the counting code trusts them.
 */
#include "tab/weights.h"
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoshi/datafile.h"

hoshi_err hi_weights_new(size_t n, const char *label, hoshi_weights **out)
{
    hoshi_weights *w = hi_calloc(1, sizeof *w);
    if (w == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    w->n = n;
    w->w = hi_malloc((n ? n : 1) * sizeof *w->w);
    w->label = hi_strdup(label);
    if (w->w == NULL || w->label == NULL) {
        hoshi_weights_free(w);
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        w->w[i] = 1.0;
    *out = w;
    return HOSHI_OK;
}

void hoshi_weights_free(hoshi_weights *w)
{
    if (w == NULL)
        return;
    free(w->w);
    free(w->label);
    free(w);
}

size_t hoshi_weights_count(const hoshi_weights *w)
{
    return w->n;
}

double hoshi_weights_get(const hoshi_weights *w, size_t i)
{
    return i < w->n ? w->w[i] : NAN;
}

const char *hoshi_weights_label(const hoshi_weights *w)
{
    return w->label;
}

hoshi_err hoshi_weights_from_array(const double *w, size_t n, const char *label,
                                   hoshi_weights **out)
{
    hi_clear_error();
    for (size_t r = 0; r < n; r++)
        if (!(w[r] >= 0) || isinf(w[r]))
            return hi_fail(HOSHI_ERR_INPUT, "weight %zu is %.15g (weights are 0 or more)", r + 1,
                           w[r]);
    hoshi_err err = hi_weights_new(n, label ? label : "", out);
    if (err == HOSHI_OK && n > 0)
        memcpy((*out)->w, w, n * sizeof *w);
    return err;
}

hoshi_err hoshi_weights_from_var(const hoshi_dataset *ds, const char *var, hoshi_weights **out)
{
    hi_clear_error();
    hi_var v;
    hoshi_weights *w = NULL;
    hoshi_err err;
    if (var == NULL || *var == '\0')
        return hi_fail(HOSHI_ERR_USAGE, "--weight: no variable given");
    if ((err = hi_var_verify(ds, var)) != HOSHI_OK || (err = hi_var_open(ds, var, &v)) != HOSHI_OK)
        return err;
    if (!v.is_num) {
        err = hi_fail(HOSHI_ERR_USAGE, "--weight %s: a weight must be a NUM variable", var);
        goto free_var;
    }
    if ((err = hi_weights_new(ds->n_rows, var, &w)) != HOSHI_OK)
        goto free_var;
    for (size_t r = 0; r < ds->n_rows; r++) {
        if (!(v.num_present[r >> 6] >> (r & 63) & 1)) {
            err = hi_fail(HOSHI_ERR_INPUT, "--weight %s: the respondent of data row %zu has no weight",
                          var, r + 1);
            goto free_w;
        }
        double x = v.num[r];
        if (!(x >= 0) || isinf(x)) {
            err = hi_fail(HOSHI_ERR_INPUT,
                          "--weight %s: the respondent of data row %zu has the weight %.15g "
                          "(weights are 0 or more)", var, r + 1, x);
            goto free_w;
        }
        w->w[r] = x;
    }
    *out = w;
    w = NULL;
free_w:
    hoshi_weights_free(w);
free_var:
    hi_var_free(&v);
    return err;
}

/* The ids of the CSV data file path, in data order, into one buffer of
 * NUL-terminated strings; *ids NULL (and no error) for a .hsd cache. */
static hoshi_err read_ids(const char *path, size_t n, char **ids, size_t **off)
{
    char *raw = NULL, *text = NULL;
    size_t raw_len = 0, len = 0;
    hoshi_buf b = HOSHI_BUF_INIT;
    hi_csvtok tok = {0};
    hi_csvrec rec = {0};
    *ids = NULL;
    *off = NULL;
    if (path == NULL || hi_hsd_sniff(path))
        return HOSHI_OK;
    b.limit = (size_t)1 << 36;
    hoshi_err err = hoshi_file_read(path, (size_t)1 << 40, &raw, &raw_len);
    if (err != HOSHI_OK || (err = hi_text_to_utf8(path, raw, raw_len, HOSHI_ENC_AUTO, &text, &len)) != HOSHI_OK)
        goto free_raw;
    size_t *o = hi_malloc((n ? n : 1) * sizeof *o);
    if (o == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        goto free_raw;
    }
    tok.p = text;
    tok.end = text + len;
    tok.name = path;
    tok.line = 1;
    size_t k = 0;
    bool got = true;
    for (size_t rec_no = 0; err == HOSHI_OK; rec_no++) {
        if ((err = hi_csvtok_next(&tok, &rec, &got)) != HOSHI_OK || !got)
            break;
        if (rec_no == 0 || (rec.n == 1 && rec.f[0][0] == '\0'))
            continue; /* the header; an empty line */
        if (k == n) {
            err = hi_fail(HOSHI_ERR_INPUT, "%s: more rows than the data read before", path);
            break;
        }
        o[k++] = b.len;
        hoshi_buf_puts(&b, rec.f[0]);
        hoshi_buf_putc(&b, '\0');
    }
    if (err == HOSHI_OK && k != n)
        err = hi_fail(HOSHI_ERR_INPUT, "%s: fewer rows than the data read before", path);
    char *s = NULL;
    size_t sl = 0;
    if (err == HOSHI_OK && (err = hoshi_buf_finish(&b, &s, &sl)) == HOSHI_OK) {
        *ids = s;
        *off = o;
        o = NULL;
    }
    free(o);
free_raw:
    hoshi_buf_free(&b);
    hi_csvrec_free(&rec);
    hoshi_buf_free(&tok.field);
    free(text);
    free(raw);
    return err;
}

hoshi_err hoshi_weights_save(const hoshi_weights *w, const char *data_path, const char *path)
{
    hi_clear_error();
    char *ids = NULL;
    size_t *off = NULL;
    hoshi_err err = read_ids(data_path, w->n, &ids, &off);
    if (err != HOSHI_OK)
        return err;
    hoshi_buf b = HOSHI_BUF_INIT;
    b.limit = (size_t)1 << 36;
    hoshi_buf_puts(&b, ids ? "id,weight\r\n" : "row,weight\r\n");
    for (size_t r = 0; r < w->n; r++) {
        if (ids)
            hoshi_buf_csv(&b, ids + off[r], ',');
        else
            hoshi_buf_printf(&b, "%zu", r + 1);
        hoshi_buf_printf(&b, ",%.17g\r\n", w->w[r]);
    }
    char *s = NULL;
    size_t len = 0;
    if ((err = hoshi_buf_finish(&b, &s, &len)) == HOSHI_OK)
        err = hoshi_file_write(path, s, len);
    free(s);
    free(ids);
    free(off);
    return err;
}
