/*
 * fuzz_answers.c — libFuzzer target for the parsers of what users type in
 * the self-diagnosis core: answer lists, dates, policy fields, templates,
 * and the text checks every typed field goes through (src/lib/selfcheck/
 * diag.c and policy.c, src/lib/core/date.c, text.c and utf8.c).  The input, as a string, is fed to
 * each; results are checked against their documented ranges and against
 * each other (hoshi_text_is_clean is hoshi_text_check as a predicate).
 * The first bytes, read as numbers, also make a date that did not come
 * from the parser, because hoshi_date_format takes any hoshi_date.
 */
#include "hoshi/hoshi.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *why)
{
    fprintf(stderr, "fuzz_answers: %s\n", why);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s == NULL)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    size_t len = strlen(s);
    hoshi_answer a[HOSHI_DIAG_ITEMS];
    if (hoshi_diag_parse_answers(s, a) == HOSHI_OK) {
        hoshi_diag_result r;
        if (hoshi_diag_score(a, &r) != HOSHI_OK || r.score < -25 || r.score > 100 ||
            r.band < 1 || r.band > HOSHI_DIAG_BANDS || r.n_unknown > HOSHI_DIAG_ITEMS)
            fail("a parsed answer list scores out of range");
    }
    char out[128];
    hoshi_date d;
    if (hoshi_date_parse(s, &d) == HOSHI_OK) {
        if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31)
            fail("a parsed date is out of range");
        hoshi_date_format(d, HOSHI_LANG_JA, out, sizeof out);
        hoshi_date_format(d, HOSHI_LANG_EN, out, sizeof out);
        hoshi_date_iso(d, out, sizeof out);
    }
    if (size >= 3) {
        /* any hoshi_date, as a caller holding a zeroed or stale one passes it */
        hoshi_date raw = {1900 + data[0] % 200, (int)(int8_t)data[1] % 16, (int)(int8_t)data[2] % 40};
        hoshi_date_format(raw, (data[0] & 1) ? HOSHI_LANG_EN : HOSHI_LANG_JA, out, sizeof out);
        hoshi_date_iso(raw, out, sizeof out);
    }
    hoshi_policy_info info = {s, s, "2026-01-01", s};
    (void)hoshi_policy_check(&info, NULL);
    const char *vars[] = {"x", s, "y", "", NULL};
    char *text = NULL;
    if (hoshi_text_subst(s, vars, &text, NULL) == HOSHI_OK)
        free(text);
    /* the text checks agree with each other and with the UTF-8 scanner */
    for (int multiline = 0; multiline < 2; multiline++) {
        bool clean = hoshi_text_is_clean(s, 100, multiline);
        if (clean && hoshi_utf8_invalid_at(s, len) != len)
            fail("hoshi_text_is_clean accepted invalid UTF-8");
        if (!multiline && clean != (hoshi_text_check("f", s, 100, false) == HOSHI_OK))
            fail("hoshi_text_is_clean and hoshi_text_check disagree");
    }
    if (hoshi_utf8_invalid_at(s, len) == len) {
        size_t n = hoshi_utf8_count(s);
        if (n > len || n < (len + 3) / 4)
            fail("hoshi_utf8_count out of range for valid UTF-8");
    }
    (void)hoshi_text_is_blank(s);
    long v;
    if (hoshi_parse_long(s, -1000, 1000, &v) && (v < -1000 || v > 1000))
        fail("hoshi_parse_long returned a value out of its range");
    free(s);
    return 0;
}
