/*
 * sav_labels.c — the codebook a .sav file's labels make (sav_read.c
 * gathers them): the document lines hoshi writes (sav.h) group variables
 * into MA, GRID and DIAG questions and keep the whole of labels SPSS cuts;
 * any other numeric variable with value labels is an SA question (values
 * declared user-missing are no answer, not codes), one without is NUM, a
 * string is FA.  The result is codebook CSV text, which the codebook
 * parser then checks as it checks a file.
 */
#include "tab/sav.h"
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoshi/text.h"

static const hi_sav_lset *find_set(const hi_sav_meta *R, const char *name)
{
    for (size_t i = 0; name != NULL && i < R->n_set; i++)
        if (strcmp(R->set[i].name, name) == 0)
            return &R->set[i];
    return NULL;
}

static bool user_missing(const hi_sav_var *s, double v)
{
    for (int i = 0; i < s->n_missing; i++)
        if (v >= s->lo[i] && v <= s->hi[i])
            return true;
    return false;
}

/* The text after "key " on the document line of kind (HI_SAV_NOTE_HEAD or
 * _LABEL) for key, or NULL when there is none. */
static const char *note_line(const hi_sav_meta *R, const char *kind, const char *key, size_t klen)
{
    const char *p = R->notes.data, *end = p ? p + R->notes.len : NULL;
    while (p != NULL && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)); /* every line ends in one */
        const char *q = p + 6;
        if (strncmp(p, kind, 6) == 0 && (size_t)(nl - q) > klen && memcmp(q, key, klen) == 0 &&
            q[klen] == ' ')
            return q + klen + 1;
        p = nl + 1;
    }
    return NULL;
}

/* Appends to text what follows from on its line and the lines that go on
 * from it. */
static void note_text(const hi_sav_meta *R, const char *from, hoshi_buf *text)
{
    const char *end = R->notes.data + R->notes.len;
    const char *nl = memchr(from, '\n', (size_t)(end - from));
    hoshi_buf_append(text, from, (size_t)(nl - from));
    for (const char *p = nl + 1; p < end && strncmp(p, HI_SAV_NOTE_MORE, 6) == 0;) {
        nl = memchr(p, '\n', (size_t)(end - p));
        hoshi_buf_append(text, p + 6, (size_t)(nl - p - 6));
        p = nl + 1;
    }
}

/* The type of question qid from the document (false when it has no line
 * there); its title is appended to title when that is not NULL. */
static bool note_question(const hi_sav_meta *R, const char *qid, size_t qlen, hoshi_buf *title,
                          char type[8])
{
    const char *t = note_line(R, HI_SAV_NOTE_HEAD, qid, qlen);
    if (t == NULL)
        return false;
    size_t tl = strcspn(t, " \n");
    snprintf(type, 8, "%.*s", (int)(tl < 7 ? tl : 7), t);
    if (title != NULL)
        note_text(R, t[tl] == ' ' ? t + tl + 1 : t + tl, title);
    return true;
}

/* A label as SPSS keeps it, or the whole of it from the document when the
 * label is still the cut start of that (an edited label wins); key names
 * it there.  Written into b, NUL-terminated; false when out of memory. */
static bool whole_label(const hi_sav_meta *R, const char *key, size_t klen, const char *label,
                        hoshi_buf *b)
{
    size_t n = strlen(label);
    const char *t = klen > 0 ? note_line(R, HI_SAV_NOTE_LABEL, key, klen) : NULL;
    b->len = 0;
    if (t != NULL)
        note_text(R, t, b);
    if (t == NULL || b->len <= n || b->data == NULL || memcmp(b->data, label, n) != 0) {
        b->len = 0;
        hoshi_buf_append(b, label, n);
    }
    hoshi_buf_putc(b, '\0');
    return b->err == HOSHI_OK;
}

/* The question a variable QID_<n> of a grouped question belongs to:
 * *qlen its length and *sub the number; false for a plain variable. */
static bool member_of(const hi_sav_meta *R, const char *name, size_t *qlen, long *sub)
{
    const char *us = strrchr(name, '_');
    if (us == NULL || us == name || !hoshi_parse_long(us + 1, 0, HI_TAB_MAX_CODE, sub))
        return false;
    char type[8];
    *qlen = (size_t)(us - name);
    return note_question(R, name, *qlen, NULL, type);
}

static hoshi_err no_memory(const hi_sav_meta *R)
{
    return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", R->name);
}

static void csv_row(hoshi_buf *b, const char *qid, size_t qlen, const char *type,
                    const char *code, const char *label)
{
    hoshi_buf_append(b, qid, qlen);
    hoshi_buf_printf(b, ",%s,%s,", type, code);
    hoshi_buf_csv(b, label, ',');
    hoshi_buf_putc(b, '\n');
}

static hoshi_err bad_name(const hi_sav_meta *R, const hi_sav_var *s)
{
    return hi_fail(HOSHI_ERR_INPUT,
                   "%s: variable %s: a question id is 1-64 of A-Z a-z 0-9 _ - . (rename it)",
                   R->name, s->name);
}

static bool valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return false;
    for (const char *c = s; *c; c++)
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              *c == '_' || *c == '-' || *c == '.'))
            return false;
    return true;
}

/* The rows of the value labels of s (SA, or the scale of GRID/DIAG). */
static hoshi_err code_rows(const hi_sav_meta *R, hoshi_buf *b, const hi_sav_var *s, const char *qid,
                           size_t qlen, const char *type)
{
    const hi_sav_lset *ls = find_set(R, s->lset);
    hoshi_buf whole = HOSHI_BUF_INIT;
    for (size_t i = 0; ls != NULL && i < ls->n; i++) {
        double v = ls->v[i].value;
        if (user_missing(s, v))
            continue; /* "無回答" and the like: no answer, not a code */
        if (!(v >= 0 && v <= HI_TAB_MAX_CODE && v == floor(v))) {
            hoshi_buf_free(&whole);
            return hi_fail(HOSHI_ERR_INPUT, "%s: variable %s: value label %g is not a code 0..%d",
                           R->name, s->name, v, HI_TAB_MAX_CODE);
        }
        char code[16], key[100];
        snprintf(code, sizeof code, "%ld", (long)v);
        int kl = snprintf(key, sizeof key, "%.*s:%s", (int)qlen, qid, code);
        if (kl < 0 || (size_t)kl >= sizeof key)
            kl = 0; /* a name longer than SPSS allows: no document line is looked for */
        if (!whole_label(R, key, (size_t)kl, ls->v[i].label[0] ? ls->v[i].label : code, &whole)) {
            hoshi_buf_free(&whole);
            return no_memory(R);
        }
        csv_row(b, qid, qlen, type, code, whole.data);
    }
    hoshi_buf_free(&whole);
    return HOSHI_OK;
}

/* A question of several variables, from its first member s; marks its
 * members done. */
static hoshi_err group_rows(const hi_sav_meta *R, hoshi_buf *b, size_t first, size_t qlen,
                            uint8_t *done)
{
    const hi_sav_var *s = &R->var[first];
    hoshi_buf title = HOSHI_BUF_INIT, whole = HOSHI_BUF_INIT;
    char ty[8];
    note_question(R, s->name, qlen, &title, ty);
    hoshi_buf_putc(&title, '\0');
    bool ma = strcmp(ty, "MA") == 0;
    hoshi_err err = HOSHI_OK;
    if (title.err != HOSHI_OK) {
        err = no_memory(R);
        goto free_title;
    }
    if (!ma && strcmp(ty, "GRID") != 0 && strcmp(ty, "DIAG") != 0) {
        err = hi_fail(HOSHI_ERR_INPUT, "%s: document line of %.*s: unknown type %s", R->name,
                      (int)qlen, s->name, ty);
        goto free_title;
    }
    csv_row(b, s->name, qlen, ty, "", title.data);
    for (size_t i = first; i < R->n_var; i++) {
        const hi_sav_var *m = &R->var[i];
        long sub;
        if (strlen(m->name) <= qlen + 1 || memcmp(m->name, s->name, qlen) != 0 ||
            m->name[qlen] != '_' || !hoshi_parse_long(m->name + qlen + 1, 0, HI_TAB_MAX_CODE, &sub))
            continue;
        if (m->string) {
            err = hi_fail(HOSHI_ERR_INPUT, "%s: variable %s of %s question %.*s is a string",
                          R->name, m->name, ty, (int)qlen, s->name);
            goto free_title;
        }
        done[i] = 1;
        char code[24];
        snprintf(code, sizeof code, ma ? "%ld" : "item:%ld", sub);
        if (!whole_label(R, m->name, strlen(m->name), m->label[0] ? m->label : m->name, &whole)) {
            err = no_memory(R);
            goto free_title;
        }
        csv_row(b, s->name, qlen, ty, code, whole.data);
    }
    if (!ma)
        err = code_rows(R, b, s, s->name, qlen, ty);
free_title:
    hoshi_buf_free(&whole);
    hoshi_buf_free(&title);
    return err;
}

hoshi_err hi_sav_labels_codebook(const hi_sav_meta *R, hoshi_buf *b)
{
    hoshi_err err = HOSHI_OK;
    hoshi_buf title = HOSHI_BUF_INIT;
    uint8_t *done = hi_calloc(R->n_var ? R->n_var : 1, 1);
    if (done == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading %s", R->name);
    hoshi_buf_puts(b, "qid,type,code,label\n");
    for (size_t i = 0; i < R->n_var && err == HOSHI_OK; i++) {
        const hi_sav_var *s = &R->var[i];
        size_t qlen;
        long sub;
        if (done[i] || strcmp(s->name, "id") == 0)
            continue;
        if (member_of(R, s->name, &qlen, &sub)) {
            err = group_rows(R, b, i, qlen, done);
            continue;
        }
        if (!valid_name(s->name)) {
            err = bad_name(R, s);
            break;
        }
        size_t n = strlen(s->name);
        if (!whole_label(R, s->name, n, s->label[0] ? s->label : s->name, &title)) {
            err = no_memory(R);
            break;
        }
        const char *t = title.data;
        if (s->string) {
            csv_row(b, s->name, n, "FA", "", t);
        } else if (find_set(R, s->lset) != NULL) {
            csv_row(b, s->name, n, "SA", "", t);
            err = code_rows(R, b, s, s->name, n, "SA");
        } else {
            csv_row(b, s->name, n, "NUM", "", t);
        }
    }
    if (err == HOSHI_OK && b->err != HOSHI_OK)
        err = no_memory(R);
    hoshi_buf_free(&title);
    free(done);
    return err;
}

