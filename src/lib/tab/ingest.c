/*
 * ingest.c — the raw-data reader: RFC 4180 CSV parsed straight into the
 * columnar store, validated as it goes.  It reads the file in large
 * chunks, walks each row once with per-column fast paths (a 0/1 MA cell
 * or a short SA code is a couple of byte compares), and allocates nothing
 * per field.  A row cut by the chunk end is parsed again after the next
 * read; storing a cell is idempotent, so the retry needs no undo except
 * for free-text arenas.
 *
 * Encoding: valid UTF-8 (BOM optional) is read as UTF-8.  Only free text,
 * skipped columns and the header may legitimately hold non-ASCII bytes;
 * they are validated field by field.  When the encoding is automatic and a
 * field is not UTF-8, the file is reread as CP932, converted in memory.
 */
#include "tab/tab_int.h"
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hoshi/text.h"

size_t hi_tab_chunk = (size_t)8 << 20;
#define MAX_ROW_BYTES ((size_t)256 << 20)

enum fkind { F_SKIP, F_SA, F_BIT, F_NUM, F_FA };
enum { ROW_OK, ROW_NEED_MORE, ROW_ERR, ROW_REDO };

typedef struct fplan {
    uint8_t kind;
    uint32_t run;       /* F_BIT: consecutive 0/1 fields from here, not counting the last field */
    hi_column *col;
    const hi_question *q;
} fplan;

typedef struct reader {
    hoshi_dataset *ds;
    const char *name;
    fplan *plan;
    size_t n_fields;
    size_t line;        /* physical line of the current row */
    bool auto_enc;      /* may still switch to CP932 */
    bool last;          /* the range ends at the end of the file (blank lines allowed there) */
    hoshi_buf scratch;     /* unescaped text of a quoted field */
    hoshi_err err;
} reader;

/* Bytes that end an unquoted field or need a closer look. */
static const uint8_t stop[256] = {[','] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1, [0] = 1};

hoshi_err hi_dataset_alloc(hi_codebook *cb, hoshi_dataset **out)
{
    hoshi_dataset *ds = hi_calloc(1, sizeof *ds);
    if (ds == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    ds->cb = cb;
    size_t n = 0;
    for (size_t i = 0; i < cb->n; i++) {
        const hi_question *q = &cb->q[i];
        n += q->type == HI_Q_MA ? q->n_codes
             : q->type == HI_Q_GRID || q->type == HI_Q_DIAG ? q->n_items : 1;
    }
    if (n > HI_TAB_MAX_COLUMNS) {
        free(ds);
        return hi_fail(HOSHI_ERR_LIMIT, "the codebook asks for more than %d columns",
                       HI_TAB_MAX_COLUMNS);
    }
    ds->col = hi_calloc(n ? n : 1, sizeof *ds->col);
    if (ds->col == NULL) {
        free(ds);
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    }
    size_t c = 0;
    for (size_t i = 0; i < cb->n; i++) {
        hi_question *q = &cb->q[i];
        q->first_col = c;
        size_t k = q->type == HI_Q_MA ? q->n_codes
                   : q->type == HI_Q_GRID || q->type == HI_Q_DIAG ? q->n_items : 1;
        for (size_t j = 0; j < k; j++, c++) {
            hi_column *col = &ds->col[c];
            col->q = i;
            col->sub = j;
            char name[128];
            switch (q->type) {
            case HI_Q_SA: col->type = HI_COL_SA; snprintf(name, sizeof name, "%s", q->qid); break;
            case HI_Q_NUM: col->type = HI_COL_NUM; snprintf(name, sizeof name, "%s", q->qid); break;
            case HI_Q_FA: col->type = HI_COL_FA; snprintf(name, sizeof name, "%s", q->qid); break;
            case HI_Q_MA:
                col->type = HI_COL_BIT;
                snprintf(name, sizeof name, "%s_%ld", q->qid, q->codes[j].code);
                break;
            case HI_Q_GRID:
            case HI_Q_DIAG:
                col->type = HI_COL_SA;
                snprintf(name, sizeof name, "%s_%ld", q->qid, q->items[j].code);
                break;
            }
            col->name = hi_strdup(name);
            if (col->name == NULL) {
                ds->n_col = c + 1;
                ds->cb = NULL; /* on failure the caller keeps the codebook */
                hoshi_dataset_free(ds);
                return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
            }
        }
    }
    ds->n_col = c;
    *out = ds;
    return HOSHI_OK;
}

void hoshi_dataset_free(hoshi_dataset *ds)
{
    if (ds == NULL)
        return;
    for (size_t i = 0; i < ds->n_col; i++) {
        hi_column *c = &ds->col[i];
        free(c->name);
        if (!ds->mapped) {
            free(c->sa);
            free(c->bits);
            free(c->num);
            free(c->fa_off);
            free(c->fa_text);
        }
    }
    free(ds->col);
    free(ds->verified);
    free(ds->source);
    if (ds->map != NULL)
        hi_hsd_unmap(ds);
    hi_codebook_free(ds->cb);
    free(ds);
}

size_t hoshi_dataset_rows(const hoshi_dataset *ds)
{
    return ds->n_rows;
}

static hoshi_err grow_bits(hi_column *c, size_t ow, size_t nw)
{
    uint64_t *p = hi_realloc(c->bits, nw * sizeof *p);
    if (p == NULL)
        return HOSHI_ERR_NOMEM;
    memset(p + ow, 0, (nw - ow) * sizeof *p);
    c->bits = p;
    return HOSHI_OK;
}

/* Makes room for `need` rows in every column; new bitset words are zero. */
static hoshi_err ensure_rows(hoshi_dataset *ds, size_t need)
{
    if (need <= ds->cap_rows)
        return HOSHI_OK;
    if (need > HI_TAB_MAX_ROWS)
        return hi_fail(HOSHI_ERR_LIMIT, "more than %u respondents", HI_TAB_MAX_ROWS);
    size_t cap = ds->cap_rows ? ds->cap_rows : 1024;
    while (cap < need)
        cap = cap + cap / 2;
    size_t ow = hi_words(ds->cap_rows), nw = hi_words(cap);
    for (size_t i = 0; i < ds->n_col; i++) {
        hi_column *c = &ds->col[i];
        switch (c->type) {
        case HI_COL_SA: {
            uint8_t *p = hi_realloc(c->sa, cap);
            if (p == NULL)
                goto nomem;
            c->sa = p;
            break;
        }
        case HI_COL_NUM: {
            double *p = hi_realloc(c->num, cap * sizeof *p);
            if (p == NULL)
                goto nomem;
            c->num = p;
            if (grow_bits(c, ow, nw) != HOSHI_OK)
                goto nomem;
            break;
        }
        case HI_COL_BIT:
            if (grow_bits(c, ow, nw) != HOSHI_OK)
                goto nomem;
            break;
        case HI_COL_FA: {
            uint64_t *p = hi_realloc(c->fa_off, (cap + 1) * sizeof *p);
            if (p == NULL)
                goto nomem;
            if (ds->cap_rows == 0)
                p[0] = 0;
            c->fa_off = p;
            break;
        }
        }
    }
    ds->cap_rows = cap;
    return HOSHI_OK;
nomem:
    return hi_fail(HOSHI_ERR_NOMEM, "out of memory for %zu respondents", need);
}

static hoshi_err fa_append(hi_column *c, const char *s, size_t n)
{
    if (n == 0)
        return HOSHI_OK;
    if (n > c->fa_cap - c->fa_len) {
        size_t cap = c->fa_cap ? c->fa_cap : 4096;
        while (cap - c->fa_len < n) {
            if (cap > ((size_t)1 << 32))
                return hi_fail(HOSHI_ERR_LIMIT, "free text of %s exceeds 4 GiB", c->name);
            cap *= 2;
        }
        char *p = hi_realloc(c->fa_text, cap);
        if (p == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory for free text");
        c->fa_text = p;
        c->fa_cap = cap;
    }
    memcpy(c->fa_text + c->fa_len, s, n);
    c->fa_len += n;
    return HOSHI_OK;
}

static int cmp_col_name(const void *a, const void *b)
{
    const hi_column *x = *(const hi_column *const *)a, *y = *(const hi_column *const *)b;
    return strcmp(x->name, y->name);
}

/* Maps header names to columns.  Unknown names are skipped unless they
 * look like a code column of a known question (QID_x with x not a code). */
static hoshi_err plan_header(reader *R, hi_csvrec *h)
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

static int row_fail(reader *R, size_t line, size_t field, const char *fmt, const char *a,
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
static int store_value(reader *R, size_t f, size_t r, const char *s, size_t n, size_t line)
{
    const fplan *pl = &R->plan[f];
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
        if ((R->err = fa_append(c, s, n)) != HOSHI_OK)
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
static int parse_row(reader *R, const char **pp, const char *end, bool eof)
{
    const char *p = *pp;
    hoshi_dataset *ds = R->ds;
    size_t r = ds->n_rows;
    size_t line = R->line;
    size_t nf = R->n_fields;
    const size_t w = r >> 6;
    const unsigned sh = (unsigned)(r & 63);
    for (size_t f = 0; f < nf; f++) {
        const fplan *pl = &R->plan[f];
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

/* Parses rows from p to end.  Returns the bytes consumed in *used. */
static int parse_rows(reader *R, const char *buf, size_t len, bool eof, size_t *used)
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
        if (hoshi_dataset_rows(R->ds) + 1 > R->ds->cap_rows &&
            (R->err = ensure_rows(R->ds, R->ds->n_rows + 1)) != HOSHI_OK)
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

static hoshi_err check_header_text(reader *R, hi_csvrec *h, bool *redo)
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

/* Reads the header record from buf; *hdr_len gets its length in bytes. */
static hoshi_err read_header(reader *R, const char *buf, size_t len, bool eof, size_t *hdr_len,
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

static void reader_free(reader *R)
{
    free(R->plan);
    R->plan = NULL;
    hoshi_buf_free(&R->scratch);
}

/* Parses a complete UTF-8 text (NUL at text[len]). */
static hoshi_err parse_memory(hoshi_dataset *ds, const char *name, const char *text, size_t len)
{
    reader R = {ds, name, NULL, 0, 1, false, true, HOSHI_BUF_INIT, HOSHI_OK};
    size_t hdr = 0, used = 0;
    bool redo = false;
    hoshi_err err = read_header(&R, text, len, true, &hdr, &redo);
    if (err != HOSHI_OK)
        goto free_reader;
    int st = parse_rows(&R, text + hdr, len - hdr, true, &used);
    if (st != ROW_OK)
        err = R.err;
    else if (hdr + used != len)
        err = hi_fail(HOSHI_ERR_INTERNAL, "%s: parser stopped early", name);
free_reader:
    reader_free(&R);
    return err;
}

/* Drops everything parsed so far, to start again. */
static void reset_rows(hoshi_dataset *ds)
{
    for (size_t i = 0; i < ds->n_col; i++) {
        hi_column *c = &ds->col[i];
        if (c->bits != NULL)
            memset(c->bits, 0, hi_words(ds->cap_rows) * sizeof *c->bits);
        c->fa_len = 0;
    }
    ds->n_rows = 0;
}

/* One byte range of the data file for one reader. */
typedef struct range_job {
    reader R;
    int fd;
    uint64_t start, end;    /* bytes [start, end) of the file; end may be UINT64_MAX */
    bool header;            /* the range starts with the header row */
    bool header_only;       /* stop after it (*header_end) */
    uint64_t header_end;
    uint64_t size_hint;     /* bytes in the range, to size the columns */
    bool redo;              /* not UTF-8: reread as CP932 */
    hoshi_err err;
} range_job;

static hoshi_err parse_range(range_job *J)
{
    reader *R = &J->R;
    hoshi_dataset *ds = R->ds;
    const char *name = R->name;
    hoshi_err err = HOSHI_OK;
    size_t cap = hi_tab_chunk, have = 0, off = 0, total = 0;
    uint64_t pos = J->start;
    bool eof = false, header = J->header;
    char *buf = hi_malloc(cap + 1);
    if (buf == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    for (;;) {
        /* fill the buffer after the unconsumed bytes */
        while (!eof && have < cap) {
            size_t want = cap - have;
            if (J->end != UINT64_MAX && J->end - pos < want)
                want = (size_t)(J->end - pos);
            ssize_t n = want ? pread(J->fd, buf + have, want, (off_t)pos) : 0;
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                err = hi_fail(HOSHI_ERR_IO, "%s: %s", name, strerror(errno));
                goto free_buf;
            }
            if (n == 0)
                eof = true;
            have += (size_t)n;
            total += (size_t)n;
            pos += (uint64_t)n;
        }
        buf[have] = '\0';
        off = 0;
        if (header) {
            if (have >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
                off = 3;
                R->auto_enc = false;
            }
            size_t hdr = 0;
            if ((err = read_header(R, buf + off, have - off, eof, &hdr, &J->redo)) != HOSHI_OK ||
                J->redo)
                goto free_buf;
            if (hdr == 0) {
                off = 0; /* incomplete: grow the buffer below */
                goto grow;
            }
            off += hdr;
            header = false;
            if (J->header_only) {
                J->header_end = J->start + off;
                goto free_buf;
            }
        }
        size_t used = 0;
        size_t rows_before = ds->n_rows;
        int st = parse_rows(R, buf + off, have - off, eof, &used);
        if (st == ROW_REDO) {
            J->redo = true;
            goto free_buf;
        }
        if (st != ROW_OK) {
            err = R->err;
            goto free_buf;
        }
        off += used;
        if (eof) {
            if (off != have)
                err = hi_fail(HOSHI_ERR_INTERNAL, "%s: parser stopped early", name);
            goto free_buf;
        }
        if (rows_before == 0 && ds->n_rows > 0 && J->size_hint > total) {
            /* size the columns once from the first chunk's row length */
            double per_row = (double)total / (double)ds->n_rows;
            size_t guess = (size_t)((double)J->size_hint / per_row * 1.02) + 64;
            if (guess < HI_TAB_MAX_ROWS && (err = ensure_rows(ds, guess)) != HOSHI_OK)
                goto free_buf;
        }
    grow:
        if (off == 0) {
            /* one row longer than the buffer */
            if (cap >= MAX_ROW_BYTES) {
                err = hi_fail(HOSHI_ERR_LIMIT, "%s:%zu: row longer than %zu bytes", name, R->line,
                              MAX_ROW_BYTES);
                goto free_buf;
            }
            char *nb = hi_realloc(buf, cap * 2 + 1);
            if (nb == NULL) {
                err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
                goto free_buf;
            }
            buf = nb;
            cap *= 2;
        } else {
            memmove(buf, buf + off, have - off);
            have -= off;
        }
    }
free_buf:
    free(buf);
    return err;
}

static void *range_thread(void *arg)
{
    range_job *J = arg;
    J->err = parse_range(J);
    return NULL;
}

/* Appends the rows of part (parsed from the second half) to ds. */
static hoshi_err merge_rows(hoshi_dataset *ds, const hoshi_dataset *part)
{
    size_t n1 = ds->n_rows, n2 = part->n_rows;
    hoshi_err err = ensure_rows(ds, n1 + n2 > 0 ? n1 + n2 : 1);
    if (err != HOSHI_OK)
        return err;
    size_t s = n1 & 63, d0 = n1 >> 6, w2 = hi_words(n2), wall = hi_words(ds->cap_rows);
    for (size_t i = 0; i < ds->n_col; i++) {
        hi_column *a = &ds->col[i];
        const hi_column *b = &part->col[i];
        if (n2 == 0)
            break;
        switch (a->type) {
        case HI_COL_SA: memcpy(a->sa + n1, b->sa, n2); break;
        case HI_COL_FA:
            if ((err = fa_append(a, b->fa_text, b->fa_off[n2])) != HOSHI_OK)
                return err;
            for (size_t r = 0; r < n2; r++)
                a->fa_off[n1 + r + 1] = a->fa_off[n1] + b->fa_off[r + 1];
            break;
        case HI_COL_NUM: memcpy(a->num + n1, b->num, n2 * sizeof *b->num);
            /* fall through */
        case HI_COL_BIT:
            for (size_t j = 0; j < w2; j++) {
                uint64_t v = b->bits[j];
                a->bits[d0 + j] |= v << s;
                if (s && d0 + j + 1 < wall)
                    a->bits[d0 + j + 1] |= v >> (64 - s);
            }
            break;
        }
    }
    ds->n_rows = n1 + n2;
    return HOSHI_OK;
}

size_t hi_tab_parallel_min = (size_t)32 << 20;

/* Splits the rows after the header in two halves at a line feed and
 * parses them on two threads.  The split is trusted only if the first
 * half parses as complete rows ending exactly there (no blank-line
 * leniency) and the second half parses too; anything else (an error, a
 * split inside a quoted field, an encoding switch) sets *fallback and
 * the caller parses the file again in one piece, which also gives the
 * exact line numbers for errors. */
static hoshi_err parse_parallel(hoshi_dataset *ds, const char *name, int fd, uint64_t size,
                                bool auto_enc, bool *fallback)
{
    *fallback = true;
    range_job A;
    memset(&A, 0, sizeof A);
    A.R = (reader){ds, name, NULL, 0, 1, auto_enc, false, HOSHI_BUF_INIT, HOSHI_OK};
    A.fd = fd;
    A.end = size;
    A.header = true;
    A.header_only = true;
    hoshi_err err = parse_range(&A);
    if (err != HOSHI_OK || A.redo) {
        reader_free(&A.R);
        return HOSHI_OK;
    }
    /* the split: the first line feed after the middle */
    uint64_t mid = A.header_end + (size - A.header_end) / 2, split = 0;
    char probe[1 << 16];
    ssize_t got = pread(fd, probe, sizeof probe, (off_t)mid);
    const char *nl = got > 0 ? memchr(probe, '\n', (size_t)got) : NULL;
    if (nl == NULL) {
        reader_free(&A.R);
        return HOSHI_OK;
    }
    split = mid + (uint64_t)(nl - probe) + 1;
    hoshi_dataset *part = NULL;
    if ((err = hi_dataset_alloc(ds->cb, &part)) != HOSHI_OK) {
        reader_free(&A.R);
        return err;
    }
    range_job B;
    memset(&B, 0, sizeof B);
    B.R = (reader){part, name, NULL, A.R.n_fields, 1, A.R.auto_enc, true, HOSHI_BUF_INIT, HOSHI_OK};
    B.R.plan = hi_malloc(A.R.n_fields * sizeof *B.R.plan);
    if (B.R.plan == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        goto free_part;
    }
    for (size_t f = 0; f < A.R.n_fields; f++) {
        B.R.plan[f] = A.R.plan[f];
        if (A.R.plan[f].col != NULL)
            B.R.plan[f].col = part->col + (A.R.plan[f].col - ds->col);
    }
    B.fd = fd;
    B.start = split;
    B.end = size;
    B.size_hint = size - split;
    A.start = A.header_end;
    A.end = split;
    A.size_hint = split - A.header_end;
    A.header = A.header_only = false;
    A.R.last = false;
    pthread_t th;
    if (pthread_create(&th, NULL, range_thread, &B) != 0)
        goto free_part; /* fall back to one thread */
    A.err = parse_range(&A);
    pthread_join(th, NULL);
    if (A.err == HOSHI_OK && B.err == HOSHI_OK && !A.redo && !B.redo) {
        if ((err = merge_rows(ds, part)) == HOSHI_OK)
            *fallback = false;
    }
free_part:
    reader_free(&A.R);
    reader_free(&B.R);
    part->cb = NULL; /* shared with ds */
    hoshi_dataset_free(part);
    return err;
}

/* Reads a file in chunks.  *redo asks the caller to reread it as CP932. */
static hoshi_err parse_stream(hoshi_dataset *ds, const char *name, int fd, bool auto_enc,
                              bool *redo)
{
    struct stat st;
    uint64_t size = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    if (size >= hi_tab_parallel_min) {
        bool fallback = true;
        hoshi_err err = parse_parallel(ds, name, fd, size, auto_enc, &fallback);
        if (err != HOSHI_OK || !fallback)
            return err;
        reset_rows(ds);
    }
    range_job J;
    memset(&J, 0, sizeof J);
    J.R = (reader){ds, name, NULL, 0, 1, auto_enc, true, HOSHI_BUF_INIT, HOSHI_OK};
    J.fd = fd;
    J.end = UINT64_MAX;
    J.header = true;
    J.size_hint = size;
    hoshi_err err = parse_range(&J);
    *redo = J.redo;
    reader_free(&J.R);
    return err;
}

static hoshi_err read_all(const char *path, int fd, char **out, size_t *len)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return hi_fail(HOSHI_ERR_IO, "%s: %s", path, strerror(errno));
    if ((size_t)st.st_size > HI_TAB_MAX_CP932)
        return hi_fail(HOSHI_ERR_LIMIT, "%s: CP932 files are limited to %zu bytes", path,
                       HI_TAB_MAX_CP932);
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = hi_malloc(cap + 1);
    if (buf == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", path);
    if (lseek(fd, 0, SEEK_SET) != 0) {
        free(buf);
        return hi_fail(HOSHI_ERR_IO, "%s: %s", path, strerror(errno));
    }
    for (;;) {
        if (n == cap) {
            free(buf);
            return hi_fail(HOSHI_ERR_IO, "%s: file grew while reading", path);
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(buf);
            return hi_fail(HOSHI_ERR_IO, "%s: %s", path, strerror(errno));
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *out = buf;
    *len = n;
    return HOSHI_OK;
}

hoshi_err hi_dataset_parse_csv(hi_codebook *cb, const char *name, int fd, const char *mem,
                               size_t mem_len, hoshi_encoding enc, hoshi_dataset **out)
{
    hoshi_dataset *ds = NULL;
    hoshi_err err = hi_dataset_alloc(cb, &ds);
    if (err != HOSHI_OK) {
        hi_codebook_free(cb);
        return err;
    }
    char *raw = NULL, *text = NULL;
    size_t raw_len = 0, text_len = 0;
    if (fd >= 0 && enc != HOSHI_ENC_CP932) {
        bool redo = false;
        if ((err = parse_stream(ds, name, fd, enc == HOSHI_ENC_AUTO, &redo)) != HOSHI_OK)
            goto fail;
        if (!redo)
            goto done;
        reset_rows(ds);
        enc = HOSHI_ENC_CP932;
    }
    if (fd >= 0) {
        if ((err = read_all(name, fd, &raw, &raw_len)) != HOSHI_OK)
            goto fail;
        mem = raw;
        mem_len = raw_len;
    }
    if ((err = hi_text_to_utf8(name, mem, mem_len, enc, &text, &text_len)) != HOSHI_OK)
        goto fail;
    if ((err = parse_memory(ds, name, text, text_len)) != HOSHI_OK)
        goto fail;
done:
    free(raw);
    free(text);
    *out = ds;
    return HOSHI_OK;
fail:
    free(raw);
    free(text);
    hoshi_dataset_free(ds);
    return err;
}
