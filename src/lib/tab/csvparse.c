/*
 * csvparse.c — the raw-data parser: RFC 4180 CSV parsed straight into the
 * columnar store, validated as it goes.  It is handed the file in large
 * chunks (ingest.c), walks each row once with per-column fast paths (a
 * 0/1 MA cell or a short SA code is a couple of byte compares), and
 * allocates nothing per field.  A row cut by the chunk end is parsed again after the next
 * read; storing a cell is idempotent, so the retry needs no undo except
 * for free-text arenas.
 *
 * Encoding: valid UTF-8 (BOM optional) is read as UTF-8.  Only free text,
 * skipped columns and the header may legitimately hold non-ASCII bytes;
 * they are validated field by field.  When the encoding is automatic and a
 * field is not UTF-8, the file is reread as CP932, converted in memory.
 */
#include "tab/csvparse.h"
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoshi/text.h"

/* Bytes that end an unquoted field or need a closer look. */
static const uint8_t stop[256] = {[','] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1, [0] = 1};

static int cmp_col_name(const void *a, const void *b)
{
    const hi_column *x = *(const hi_column *const *)a, *y = *(const hi_column *const *)b;
    return strcmp(x->name, y->name);
}

/* Maps header names to columns.  Unknown names are skipped unless they
 * look like a code column of a known question (QID_x with x not a code). */
static hoshi_err plan_header(hi_csv_reader *R, hi_csvrec *h)
{
    hoshi_dataset *ds = R->ds;
    hoshi_err err = HOSHI_OK;
    uint8_t *seen = NULL;
    if (h->n == 0 || strcmp(h->f[0], "id") != 0)
        return hi_fail(HOSHI_ERR_INPUT, "%s:1:1: the first column must be 'id'", R->name);
    R->plan = hi_calloc(h->n, sizeof *R->plan);
    seen = hi_calloc(ds->n_col ? ds->n_col : 1, 1);
    /* column names sorted, so a wide header is matched in n log n */
    const hi_column **byname = hi_malloc((ds->n_col ? ds->n_col : 1) * sizeof *byname);
    if (R->plan == NULL || seen == NULL || byname == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        goto free_seen;
    }
    for (size_t ci = 0; ci < ds->n_col; ci++)
        byname[ci] = &ds->col[ci];
    qsort(byname, ds->n_col, sizeof *byname, cmp_col_name);
    R->n_fields = h->n;
    R->plan[0] = (hi_fplan){F_FA, 0, &ds->id, NULL}; /* the ids, kept for listings */
    for (size_t f = 1; f < h->n; f++) {
        const char *nm = h->f[f];
        if (strlen(nm) > HI_TAB_MAX_LABEL) {
            err = hi_fail(HOSHI_ERR_LIMIT, "%s:1:%zu: column name too long", R->name, f + 1);
            goto free_seen;
        }
        hi_column key = {0};
        key.name = (char *)nm;
        const hi_column *kp = &key;
        const hi_column **hit = ds->n_col ? bsearch(&kp, byname, ds->n_col, sizeof *byname,
                                                    cmp_col_name) : NULL;
        size_t ci = hit ? (size_t)(*hit - ds->col) : ds->n_col;
        if (ci == ds->n_col) {
            const char *us = strrchr(nm, '_');
            const hi_question *q = us ? hi_codebook_find(ds->cb, nm, (size_t)(us - nm)) : NULL;
            if (q == NULL)
                q = hi_codebook_find(ds->cb, nm, strlen(nm));
            if (q != NULL && q->type != HI_Q_SA && q->type != HI_Q_NUM && q->type != HI_Q_FA) {
                err = hi_fail(HOSHI_ERR_INPUT, "%s:1:%zu: column %s: %s %s has no such %s", R->name,
                              f + 1, nm, q->type == HI_Q_MA ? "MA question" : "question", q->qid,
                              q->type == HI_Q_MA ? "code" : "item");
                goto free_seen;
            }
            R->plan[f].kind = F_SKIP;
            continue;
        }
        if (seen[ci]) {
            err = hi_fail(HOSHI_ERR_INPUT, "%s:1:%zu: column %s appears twice", R->name, f + 1, nm);
            goto free_seen;
        }
        seen[ci] = 1;
        hi_column *c = &ds->col[ci];
        R->plan[f].col = c;
        R->plan[f].q = &ds->cb->q[c->q];
        R->plan[f].kind = c->type == HI_COL_SA ? F_SA : c->type == HI_COL_BIT ? F_BIT
                          : c->type == HI_COL_NUM ? F_NUM : F_FA;
    }
    for (size_t f = h->n - 1; f-- > 0;)
        R->plan[f].run = R->plan[f].kind == F_BIT ? R->plan[f + 1].run + 1 : 0;
    for (size_t ci = 0; ci < ds->n_col; ci++)
        if (!seen[ci]) {
            err = hi_fail(HOSHI_ERR_INPUT, "%s:1:%zu: missing column %s (question %s)", R->name,
                          h->n + 1, ds->col[ci].name, ds->cb->q[ds->col[ci].q].qid);
            goto free_seen;
        }
free_seen:
    free(byname);
    free(seen);
    return err;
}

static int row_fail(hi_csv_reader *R, size_t line, size_t field, const char *fmt, const char *a,
                    const char *b)
{
    char msg[600];
    snprintf(msg, sizeof msg, fmt, a, b);
    R->err = hi_fail(HOSHI_ERR_INPUT, "%s:%zu:%zu: %s", R->name, line, field, msg);
    return ROW_ERR;
}

/* A short, printable quote of a bad field for a message. */
static const char *quote_field(char *out, size_t cap, const char *s, size_t n)
{
    if (n > cap - 4) {
        n = cap - 4;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        out[k++] = (unsigned char)s[i] < 0x20 ? '?' : s[i];
    out[k] = '\0';
    return out;
}

static bool parse_number(const char *s, size_t n, double *out)
{
    char tmp[64];
    if (n == 0 || n >= sizeof tmp)
        return false;
    size_t i = 0, digits = 0;
    if (s[i] == '-')
        i++;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++, digits++;
    }
    if (digits == 0)
        return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t ed = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++, ed++;
        if (ed == 0)
            return false;
    }
    if (i != n)
        return false;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    char *end = NULL;
    errno = 0;
    double v = strtod(tmp, &end);
    if (end != tmp + n || errno == ERANGE || !isfinite(v))
        return false;
    *out = v;
    return true;
}

static bool has_high(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return true;
    return false;
}

/* Stores the value s[0..n) of field f of row r.  Returns ROW_OK or an error. */
static int store_value(hi_csv_reader *R, size_t f, size_t r, const char *s, size_t n, size_t line)
{
    const hi_fplan *pl = &R->plan[f];
    hi_column *c = pl->col;
    char q[80];
    if (has_high(s, n) && hoshi_utf8_invalid_at(s, n) != n) {
        if (R->auto_enc)
            return ROW_REDO;
        return row_fail(R, line, f + 1, "invalid UTF-8%s%s", "", "");
    }
    switch (pl->kind) {
    case F_SKIP:
        return ROW_OK;
    case F_FA:
        if ((R->err = hi_column_fa_append(c, s, n)) != HOSHI_OK)
            return ROW_ERR;
        return ROW_OK;
    case F_BIT:
        if (n == 0 || (n == 1 && s[0] == '0'))
            return ROW_OK;
        if (n == 1 && s[0] == '1') {
            c->bits[r >> 6] |= (uint64_t)1 << (r & 63);
            return ROW_OK;
        }
        return row_fail(R, line, f + 1, "%s: '%s' is not 0 or 1 (empty means 0)", c->name,
                        quote_field(q, sizeof q, s, n));
    case F_SA: {
        if (n == 0) {
            c->sa[r] = 0;
            return ROW_OK;
        }
        long v = 0;
        size_t i = 0;
        while (i < n && i < 6 && s[i] >= '0' && s[i] <= '9')
            v = v * 10 + (s[i++] - '0');
        unsigned idx = i == n ? hi_code_index(pl->q, v) : 0;
        if (idx == 0)
            return row_fail(R, line, f + 1, "%s: unknown code '%s'", c->name,
                            quote_field(q, sizeof q, s, n));
        c->sa[r] = (uint8_t)idx;
        return ROW_OK;
    }
    case F_NUM: {
        double v;
        if (n == 0) {
            c->num[r] = 0;
            return ROW_OK;
        }
        if (!parse_number(s, n, &v))
            return row_fail(R, line, f + 1, "%s: '%s' is not a number", c->name,
                            quote_field(q, sizeof q, s, n));
        c->num[r] = v;
        c->bits[r >> 6] |= (uint64_t)1 << (r & 63);
        return ROW_OK;
    }
    }
    return ROW_OK;
}

/* Parses one row starting at *pp.  buf[end] is a NUL sentinel. */
static int parse_row(hi_csv_reader *R, const char **pp, const char *end, bool eof)
{
    const char *p = *pp;
    hoshi_dataset *ds = R->ds;
    size_t r = ds->n_rows;
    size_t line = R->line;
    size_t nf = R->n_fields;
    const size_t w = r >> 6;
    const unsigned sh = (unsigned)(r & 63);
    for (size_t f = 0; f < nf; f++) {
        const hi_fplan *pl = &R->plan[f];
        /* Fast paths.  Four 0/1 cells "d,d,d,d," are one 8-byte word:
         * XOR with "0,0,0,0," leaves only the digits' low bits. */
        if (pl->kind == F_BIT) {
            uint32_t k = pl->run;
            while (k >= 4 && end - p >= 8) {
                uint64_t x;
                memcpy(&x, p, 8);
                x ^= 0x2C302C302C302C30ull;
                if (x & ~0x0001000100010001ull)
                    break;
                pl[0].col->bits[w] |= (x & 1) << sh;
                pl[1].col->bits[w] |= ((x >> 16) & 1) << sh;
                pl[2].col->bits[w] |= ((x >> 32) & 1) << sh;
                pl[3].col->bits[w] |= ((x >> 48) & 1) << sh;
                pl += 4;
                f += 4;
                k -= 4;
                p += 8;
            }
            while (k > 0 && (p[0] == '0' || p[0] == '1') && p[1] == ',') {
                pl->col->bits[w] |= (uint64_t)(p[0] - '0') << sh;
                pl++;
                f++;
                k--;
                p += 2;
            }
            if (f == nf)
                break; /* cannot happen: runs stop before the last field */
            if (k > 0 || pl->kind != F_BIT)
                goto general; /* an odd cell, or the run ended: look closely */
        } else if (pl->kind == F_SA && f + 1 < nf) {
            unsigned d0 = (unsigned char)p[0] - (unsigned)'0';
            if (d0 < 10) {
                unsigned v = d0;
                const char *q = p + 1;
                unsigned d1 = (unsigned char)*q - (unsigned)'0';
                if (d1 < 10) {
                    v = v * 10 + d1;
                    q++;
                }
                unsigned idx = *q == ',' ? hi_code_index(pl->q, (long)v) : 0;
                if (idx != 0) {
                    pl->col->sa[r] = (uint8_t)idx;
                    p = q + 1;
                    continue;
                }
            } else if (p[0] == ',') {
                pl->col->sa[r] = 0;
                p++;
                continue;
            }
        }
    general:;
        const char *s = p, *v;
        size_t n;
        if (*p == '"') {
            hoshi_buf *b = &R->scratch;
            b->len = 0;
            p++;
            for (;;) {
                const char *q = memchr(p, '"', (size_t)(end - p));
                if (q == NULL) {
                    if (!eof)
                        return ROW_NEED_MORE;
                    return row_fail(R, line, f + 1, "quoted field never closed%s%s", "", "");
                }
                if (q + 1 == end && !eof)
                    return ROW_NEED_MORE;
                for (const char *t = p; t < q; t++)
                    line += *t == '\n';
                hoshi_buf_append(b, p, (size_t)(q - p));
                if (q[1] == '"') {
                    hoshi_buf_putc(b, '"');
                    p = q + 2;
                    continue;
                }
                p = q + 1;
                break;
            }
            if (b->err == HOSHI_ERR_NOMEM) {
                R->err = hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", R->name);
                return ROW_ERR;
            }
            if (b->err != HOSHI_OK || b->len > HI_TAB_MAX_FIELD) {
                R->err = hi_fail(HOSHI_ERR_LIMIT, "%s:%zu:%zu: field longer than %zu bytes",
                                 R->name, line, f + 1, HI_TAB_MAX_FIELD);
                return ROW_ERR;
            }
            if (b->len && memchr(b->data, '\0', b->len) != NULL)
                return row_fail(R, line, f + 1, "NUL byte%s%s", "", "");
            v = b->data ? b->data : "";
            n = b->len;
            if (*p != ',' && *p != '\n' && *p != '\r' && !(*p == '\0' && p == end))
                return row_fail(R, line, f + 1, "text after a closing quote%s%s", "", "");
        } else {
            while (!stop[(unsigned char)*p])
                p++;
            if (*p == '\0') {
                if (p == end) {
                    if (!eof)
                        return ROW_NEED_MORE;
                } else {
                    return row_fail(R, line, f + 1, "NUL byte%s%s", "", "");
                }
            } else if (*p == '"') {
                return row_fail(R, line, f + 1, "quote inside an unquoted field%s%s", "", "");
            }
            v = s;
            n = (size_t)(p - s);
            if (n > HI_TAB_MAX_FIELD) {
                R->err = hi_fail(HOSHI_ERR_LIMIT, "%s:%zu:%zu: field longer than %zu bytes",
                                 R->name, line, f + 1, HI_TAB_MAX_FIELD);
                return ROW_ERR;
            }
        }
        int st = store_value(R, f, r, v, n, line);
        if (st != ROW_OK)
            return st;
        char c = *p;
        if (c == ',') {
            if (f + 1 == nf) {
                char msg[64];
                snprintf(msg, sizeof msg, "%zu", nf);
                return row_fail(R, line, f + 2, "more fields than the header's %s%s", msg, "");
            }
            p++;
            continue;
        }
        /* end of the row: '\n', "\r\n" or the end of the input */
        if (c == '\r') {
            if (p + 1 == end && !eof)
                return ROW_NEED_MORE;
            if (p[1] != '\n')
                return row_fail(R, line, f + 1, "carriage return without line feed%s%s", "", "");
            p++;
        }
        if (f + 1 < nf) {
            char a[32], b2[32];
            snprintf(a, sizeof a, "%zu", f + 1);
            snprintf(b2, sizeof b2, "%zu", nf);
            return row_fail(R, line, f + 1, "row has %s fields, the header has %s", a, b2);
        }
        if (p < end)
            p++; /* the '\n' */
        line++;
        break;
    }
    for (size_t f = 0; f < nf; f++)
        if (R->plan[f].kind == F_FA)
            R->plan[f].col->fa_off[r + 1] = R->plan[f].col->fa_len;
    ds->n_rows = r + 1;
    R->line = line;
    *pp = p;
    return ROW_OK;
}

int hi_csv_rows(hi_csv_reader *R, const char *buf, size_t len, bool eof, size_t *used)
{
    const char *p = buf, *end = buf + len;
    int st = ROW_OK;
    while (p < end) {
        if (*p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n')) {
            /* blank lines are allowed only at the very end */
            const char *q = p;
            while (q < end && (*q == '\n' || *q == '\r'))
                q++;
            if (q == end && eof && R->last) {
                p = q;
                break;
            }
            if (q == end) {
                break;
            }
            R->err = hi_fail(HOSHI_ERR_INPUT, "%s:%zu:1: empty line", R->name, R->line);
            return ROW_ERR;
        }
        if (R->ds->n_rows + 1 > R->ds->cap_rows &&
            (R->err = hi_dataset_ensure_rows(R->ds, R->ds->n_rows + 1)) != HOSHI_OK)
            return ROW_ERR;
        size_t r = R->ds->n_rows;
        const char *rs = p;
        st = parse_row(R, &p, end, eof);
        if (st == ROW_NEED_MORE) {
            for (size_t f = 0; f < R->n_fields; f++)
                if (R->plan[f].kind == F_FA)
                    R->plan[f].col->fa_len = R->plan[f].col->fa_off[r];
            p = rs;
            st = ROW_OK;
            break;
        }
        if (st != ROW_OK)
            return st;
    }
    *used = (size_t)(p - buf);
    return st;
}

static hoshi_err check_header_text(hi_csv_reader *R, hi_csvrec *h, bool *redo)
{
    for (size_t f = 0; f < h->n; f++) {
        size_t n = strlen(h->f[f]);
        if (hoshi_utf8_invalid_at(h->f[f], n) != n) {
            if (R->auto_enc) {
                *redo = true;
                return HOSHI_OK;
            }
            return hi_fail(HOSHI_ERR_INPUT, "%s:1:%zu: invalid UTF-8 in the header", R->name, f + 1);
        }
    }
    return HOSHI_OK;
}

hoshi_err hi_csv_header(hi_csv_reader *R, const char *buf, size_t len, bool eof, size_t *hdr_len,
                             bool *redo)
{
    *hdr_len = 0;
    if (!eof) {
        /* the header must be complete: a newline outside quotes */
        bool quoted = false;
        size_t i = 0;
        for (; i < len; i++) {
            if (buf[i] == '"')
                quoted = !quoted;
            else if (buf[i] == '\n' && !quoted)
                break;
        }
        if (i == len)
            return HOSHI_OK; /* ask for more */
    }
    hi_csvtok t = {buf, buf + len, R->name, 1, HOSHI_BUF_INIT};
    hi_csvrec h = {0};
    bool got = false;
    hoshi_err err = hi_csvtok_next(&t, &h, &got);
    if (err != HOSHI_OK)
        goto free_rec;
    if (!got) {
        err = hi_fail(HOSHI_ERR_INPUT, "%s:1:1: empty file (no header row)", R->name);
        goto free_rec;
    }
    if ((err = check_header_text(R, &h, redo)) != HOSHI_OK || *redo)
        goto free_rec;
    if ((err = plan_header(R, &h)) != HOSHI_OK)
        goto free_rec;
    R->line = t.line;
    *hdr_len = (size_t)(t.p - buf);
free_rec:
    hi_csvrec_free(&h);
    hoshi_buf_free(&t.field);
    return err;
}

void hi_csv_reader_free(hi_csv_reader *R)
{
    free(R->plan);
    R->plan = NULL;
    hoshi_buf_free(&R->scratch);
}

hoshi_err hi_csv_parse_memory(hoshi_dataset *ds, const char *name, const char *text, size_t len)
{
    hi_csv_reader R = {ds, name, NULL, 0, 1, false, true, HOSHI_BUF_INIT, HOSHI_OK};
    size_t hdr = 0, used = 0;
    bool redo = false;
    hoshi_err err = hi_csv_header(&R, text, len, true, &hdr, &redo);
    if (err != HOSHI_OK)
        goto free_reader;
    int st = hi_csv_rows(&R, text + hdr, len - hdr, true, &used);
    if (st != ROW_OK)
        err = R.err;
    else if (hdr + used != len)
        err = hi_fail(HOSHI_ERR_INTERNAL, "%s: parser stopped early", name);
free_reader:
    hi_csv_reader_free(&R);
    return err;
}
