/*
 * fuzz_answers.c — libFuzzer target for the parsers of user input in the
 * self-diagnosis core: answer lists, dates, policy fields, templates.
 */
#include "hoshi/hoshi.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s == NULL)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    hoshi_answer a[HOSHI_DIAG_ITEMS];
    if (hoshi_diag_parse_answers(s, a) == HOSHI_OK) {
        hoshi_diag_result r;
        if (hoshi_diag_score(a, &r) != HOSHI_OK || r.score < -25 || r.score > 100)
            abort();
    }
    hoshi_date d;
    if (hoshi_date_parse(s, &d) == HOSHI_OK && (d.month < 1 || d.month > 12 || d.day < 1))
        abort();
    hoshi_policy_info info = {s, s, "2026-01-01", s};
    (void)hoshi_policy_check(&info, NULL);
    const char *vars[] = {"x", s, "y", "", NULL};
    char *out = NULL;
    if (hoshi_text_subst(s, vars, &out, NULL) == HOSHI_OK)
        free(out);
    free(s);
    return 0;
}
