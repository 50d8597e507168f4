/*
 * fuzz_xlsform.c — libFuzzer target for the questionnaire definition
 * readers (src/lib/survey/): the .xlsx reader (libzip + expat) and the
 * stored blob through hoshi_form_parse(), and the CSV sheets through
 * hoshi_form_parse_sheets().  Input: a mode byte, then
 *   mode 0: the bytes of a workbook or of a stored definition;
 *   mode 1: survey.csv, a line "--choices--", choices.csv, a line
 *           "--settings--", settings.csv (missing parts: no sheet).
 *
 * Beyond not crashing or leaking, whatever parses must hold together: its
 * stored blob parses again to the same blob and codebook, every page and
 * question view is complete, and a response that picks the first choice
 * (or "1") everywhere survives encode → decode unchanged, is validated,
 * pruned and written as a data row with as many columns as the header.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoshi/hoshi.h"

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_xlsform: %s\n", what);
    abort();
}

static const char *find(const char *s, size_t n, const char *pat)
{
    size_t m = strlen(pat);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(s + i, pat, m) == 0)
            return s + i;
    return NULL;
}

static char *codebook(const hoshi_form *f, hoshi_lang lang)
{
    hoshi_buf b = HOSHI_BUF_INIT;
    char *s = NULL;
    size_t n;
    if (hoshi_form_codebook(f, lang, &b) != HOSHI_OK || hoshi_buf_finish(&b, &s, &n) != HOSHI_OK)
        fail("codebook failed");
    hoshi_buf_free(&b);
    return s;
}

static size_t commas(const char *s)
{
    size_t n = 0;
    bool quoted = false;
    for (; *s; s++) {
        if (*s == '"')
            quoted = !quoted;
        else if (*s == ',' && !quoted)
            n++;
    }
    return n;
}

static void check_views(const hoshi_form *f)
{
    for (int lang = 0; lang < 2; lang++) {
        for (size_t p = 0; p < hoshi_form_page_count(f); p++) {
            const hoshi_form_page *pg = hoshi_form_page_get(f, p, (hoshi_lang)lang);
            if (pg == NULL || pg->name == NULL || pg->label == NULL || pg->n_items == 0)
                fail("page view incomplete");
            for (size_t i = 0; i < pg->n_items; i++) {
                const hoshi_form_item *it = &pg->items[i];
                if (it->name == NULL || it->label == NULL || it->hint == NULL)
                    fail("item view incomplete");
                if (hoshi_form_find(f, it->name, (hoshi_lang)lang) == NULL)
                    fail("page item not found by name");
                for (size_t r = 0; r < it->n_rows; r++)
                    if (it->rows[r].n_choices != it->n_choices)
                        fail("GRID row with another scale");
            }
        }
    }
}

/* Answers every question with its first choice, or "1". */
static void answer_all(const hoshi_form *f)
{
    hoshi_answers *a = NULL, *b = NULL;
    if (hoshi_answers_new(f, &a) != HOSHI_OK || hoshi_answers_new(f, &b) != HOSHI_OK)
        fail("answers_new failed");
    for (size_t q = 0; q < hoshi_form_question_count(f); q++) {
        const hoshi_form_item *it = hoshi_form_question(f, q, HOSHI_LANG_JA);
        char code[24];
        snprintf(code, sizeof code, "%ld", it->n_choices > 0 ? it->choices[0].code : 1L);
        const char *v[] = {code};
        if (it->kind == HOSHI_FORM_GRID) {
            for (size_t r = 0; r < it->n_rows; r++)
                if (hoshi_answers_set(a, it->rows[r].name, v, 1) != HOSHI_OK)
                    fail("a GRID row refused its first code");
        } else if (hoshi_answers_set(a, it->name, v, 1) != HOSHI_OK) {
            fail("a question refused its first code or 1");
        }
    }
    hoshi_answers_prune(a);
    char *e1 = NULL, *e2 = NULL;
    size_t n1, n2;
    if (hoshi_answers_encode(a, &e1, &n1) != HOSHI_OK ||
        hoshi_answers_decode(b, e1, n1) != HOSHI_OK ||
        hoshi_answers_encode(b, &e2, &n2) != HOSHI_OK || n1 != n2 || memcmp(e1, e2, n1) != 0)
        fail("answers do not survive encode and decode");
    for (size_t p = 0; p < hoshi_form_page_count(f); p++)
        (void)hoshi_form_page_relevant(a, p);
    (void)hoshi_form_page_step(a, HOSHI_FORM_ALL, true);
    static hoshi_form_texts *tx; /* opened once: reading the file is not what is fuzzed */
    if (tx != NULL || hoshi_form_texts_open(NULL, HOSHI_LANG_EN, &tx) == HOSHI_OK) {
        hoshi_form_problems pr = HOSHI_FORM_PROBLEMS_INIT;
        if (hoshi_answers_validate(a, HOSHI_FORM_ALL, tx, &pr) != HOSHI_OK)
            fail("validate failed");
        for (size_t i = 0; i < pr.n; i++)
            if (pr.v[i].name == NULL || pr.v[i].message == NULL || pr.v[i].message[0] == '\0')
                fail("a problem without a name or message");
        hoshi_form_problems_free(&pr);
    }
    hoshi_buf head = HOSHI_BUF_INIT, row = HOSHI_BUF_INIT;
    hoshi_buf_puts(&head, "id");
    hoshi_buf_puts(&row, "1");
    hoshi_form_data_header(f, &head);
    hoshi_answers_data_row(a, &row);
    if (head.err == HOSHI_OK && row.err == HOSHI_OK && commas(head.data) != commas(row.data))
        fail("a data row with another number of columns than the header");
    hoshi_buf_free(&head);
    hoshi_buf_free(&row);
    free(e1);
    free(e2);
    hoshi_answers_free(a);
    hoshi_answers_free(b);
}

static void exercise(const hoshi_form *f)
{
    char *s1 = NULL, *s2 = NULL;
    size_t n1, n2;
    hoshi_form *g = NULL;
    if (hoshi_form_serialize(f, &s1, &n1) == HOSHI_OK) {
        if (hoshi_form_parse("blob", s1, n1, &g) != HOSHI_OK)
            fail("the stored blob does not parse");
        if (hoshi_form_serialize(g, &s2, &n2) != HOSHI_OK || n1 != n2 || memcmp(s1, s2, n1) != 0)
            fail("the stored blob changes when parsed again");
        char *c1 = codebook(f, HOSHI_LANG_EN), *c2 = codebook(g, HOSHI_LANG_EN);
        if (strcmp(c1, c2) != 0)
            fail("the stored blob gives another codebook");
        free(c1);
        free(c2);
    }
    free(codebook(f, HOSHI_LANG_JA));
    check_views(f);
    answer_all(f);
    free(s1);
    free(s2);
    hoshi_form_free(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *p = (const char *)data + 1;
    size_t n = size - 1;
    hoshi_form *f = NULL;
    hoshi_err err;
    if ((data[0] & 1) == 0) {
        err = hoshi_form_parse("fuzz", p, n, &f);
    } else {
        const char *ch = find(p, n, "--choices--\n");
        const char *st = find(p, n, "--settings--\n");
        if (ch != NULL && st != NULL && st < ch)
            st = NULL;
        size_t sv_len = ch != NULL ? (size_t)(ch - p) : st != NULL ? (size_t)(st - p) : n;
        const char *c = ch != NULL ? ch + 12 : NULL;
        size_t c_len = c == NULL ? 0 : st != NULL ? (size_t)(st - c) : n - (size_t)(c - p);
        const char *s = st != NULL ? st + 13 : NULL;
        size_t s_len = s != NULL ? n - (size_t)(s - p) : 0;
        err = hoshi_form_parse_sheets(p, sv_len, c, c_len, s, s_len, &f);
    }
    if (err == HOSHI_OK) {
        if (f == NULL)
            fail("OK without a form");
        exercise(f);
    } else if (f != NULL) {
        fail("a form handed out with an error");
    } else if (hoshi_error_detail()[0] == '\0') {
        fail("an error without a detail");
    }
    hoshi_form_free(f);
    return 0;
}
