/*
 * diag.c — the scoring rules of the self-diagnosis: points per answer,
 * part subtotals, bands and star readiness.  Pure functions; the tabulation
 * engine's derived DIAG variables use the same code, so the web, the CLI
 * and the survey tables can never disagree about a score.
 */
#include "hoshi/diag.h"
#include "internal.h"

#include <stdio.h>
#include <string.h>

int hoshi_answer_points(hoshi_answer a)
{
    switch (a) {
    case HOSHI_ANSWER_YES: return 4;
    case HOSHI_ANSWER_PARTLY: return 2;
    case HOSHI_ANSWER_NO: return 0;
    case HOSHI_ANSWER_UNKNOWN: return -1;
    case HOSHI_ANSWER_NONE: break;
    }
    return 0;
}

bool hoshi_answer_is_valid(int code)
{
    return code >= HOSHI_ANSWER_YES && code <= HOSHI_ANSWER_UNKNOWN;
}

int hoshi_diag_item_part(int item)
{
    if (item >= 1 && item <= 5)
        return 1;
    if (item >= 6 && item <= 18)
        return 2;
    if (item >= 19 && item <= 25)
        return 3;
    return 0;
}

int hoshi_diag_item_principle(int item)
{
    return item >= 1 && item <= 5 ? item : 0;
}

int hoshi_diag_band(int score)
{
    if (score >= 100)
        return 1;
    if (score >= 70)
        return 2;
    if (score >= 50)
        return 3;
    return 4;
}

const char *hoshi_diag_band_name(int band)
{
    /* Named by their score ranges, which hoshi_diag_band above defines. */
    static const char *const names[] = {"100点", "70~99点", "50~69点", "49点以下"};
    return band >= 1 && band <= 4 ? names[band - 1] : "";
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

hoshi_err hoshi_diag_parse_answers(const char *text, hoshi_answer out[HOSHI_DIAG_ITEMS])
{
    hi_clear_error();
    if (text == NULL)
        return hi_fail(HOSHI_ERR_INPUT, "no answers given");
    /* Codes are separated by a comma or a line break (an answers file may
     * hold one code per line); blanks around them are ignored. */
    const char *p = text;
    int n = 0;
    hoshi_answer tmp[HOSHI_DIAG_ITEMS];
    while (is_blank(*p) || *p == '\n')
        p++;
    for (;;) {
        const char *start = p;
        while (*p && *p != ',' && *p != '\n' && !is_blank(*p))
            p++;
        size_t len = (size_t)(p - start);
        while (is_blank(*p))
            p++;
        if (n >= HOSHI_DIAG_ITEMS)
            return hi_fail(HOSHI_ERR_INPUT,
                           "too many answers: expected exactly %d codes, got more",
                           HOSHI_DIAG_ITEMS);
        char tok[16];
        if (len == 0)
            return hi_fail(HOSHI_ERR_INPUT, "answer %d is empty (expected a code 1-4)", n + 1);
        if (len >= sizeof tok)
            return hi_fail(HOSHI_ERR_INPUT, "answer %d is not a code 1-4", n + 1);
        memcpy(tok, start, len);
        tok[len] = '\0';
        long v;
        if (!hoshi_parse_long(tok, 1, 4, &v))
            return hi_fail(HOSHI_ERR_INPUT,
                           "answer %d is '%s': expected a code 1-4 "
                           "(1 implemented, 2 partly, 3 not implemented, 4 don't know)",
                           n + 1, tok);
        tmp[n++] = (hoshi_answer)v;
        if (*p == ',') {
            p++;
            while (is_blank(*p))
                p++;
            if (*p == '\n') /* "1,\n2": the comma and the line break are one separator */
                p++;
        } else if (*p == '\n') {
            while (is_blank(*p) || *p == '\n')
                p++;
            if (*p == '\0')
                break;
        } else if (*p == '\0') {
            break;
        } else {
            return hi_fail(HOSHI_ERR_INPUT,
                           "answers must be separated by commas (after answer %d)", n);
        }
    }
    if (n != HOSHI_DIAG_ITEMS)
        return hi_fail(HOSHI_ERR_INPUT, "expected exactly %d answers, got %d",
                       HOSHI_DIAG_ITEMS, n);
    memcpy(out, tmp, sizeof tmp);
    return HOSHI_OK;
}

hoshi_err hoshi_diag_score(const hoshi_answer answers[HOSHI_DIAG_ITEMS],
                           hoshi_diag_result *out)
{
    hi_clear_error();
    hoshi_diag_result r;
    memset(&r, 0, sizeof r);
    r.star1_ready = true;
    r.star2_ready = true;
    for (int i = 0; i < HOSHI_DIAG_ITEMS; i++) {
        int item = i + 1;
        hoshi_answer a = answers[i];
        if (!hoshi_answer_is_valid((int)a))
            return hi_fail(HOSHI_ERR_INPUT, "item %d has no valid answer", item);
        int part = hoshi_diag_item_part(item) - 1;
        int pts = hoshi_answer_points(a);
        r.score += pts;
        r.part_score[part] += pts;
        r.part_max[part] += 4;
        if (a != HOSHI_ANSWER_YES) {
            r.star2_ready = false;
            if (part == 0)
                r.star1_ready = false;
        }
        if (a == HOSHI_ANSWER_UNKNOWN)
            r.unknown_items[r.n_unknown++] = item;
    }
    r.band = hoshi_diag_band(r.score);
    *out = r;
    return HOSHI_OK;
}
