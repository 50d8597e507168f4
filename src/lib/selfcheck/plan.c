/*
 * plan.c — orders the items still to do into an action plan, by the rule
 * documented in hoshi/plan.h.  Kept apart from scoring because the order is
 * our advice, whereas the score is the scheme's rule.
 */
#include "hoshi/plan.h"

static int state_rank(hoshi_answer a)
{
    switch (a) {
    case HOSHI_ANSWER_UNKNOWN: return 1;
    case HOSHI_ANSWER_PARTLY: return 2;
    default: return 0; /* 実施していない or unanswered */
    }
}

/* Compares two items; negative when a comes first. */
static int compare(const hoshi_catalog *c, const hoshi_answer *answers, int a, int b)
{
    int pa = hoshi_diag_item_part(a) == 1 ? 0 : 1;
    int pb = hoshi_diag_item_part(b) == 1 ? 0 : 1;
    if (pa != pb)
        return pa - pb;
    int sa = state_rank(answers[a - 1]), sb = state_rank(answers[b - 1]);
    if (sa != sb)
        return sa - sb;
    int ia = hoshi_catalog_item(c, a)->priority, ib = hoshi_catalog_item(c, b)->priority;
    if (ia != ib)
        return ia - ib;
    return a - b;
}

size_t hoshi_plan_build(const hoshi_catalog *c, const hoshi_answer answers[HOSHI_DIAG_ITEMS],
                        int items[HOSHI_DIAG_ITEMS])
{
    size_t n = 0;
    for (int item = 1; item <= HOSHI_DIAG_ITEMS; item++) {
        if (answers[item - 1] == HOSHI_ANSWER_YES)
            continue;
        /* insertion sort: at most 25 elements */
        size_t k = n++;
        while (k > 0 && compare(c, answers, item, items[k - 1]) < 0) {
            items[k] = items[k - 1];
            k--;
        }
        items[k] = item;
    }
    return n;
}
