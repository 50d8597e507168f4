/*
 * plan.h — the prioritised action plan of a self-diagnosis.
 *
 * Every item not answered 実施している becomes an action.  Order:
 *   1. Part 1 (items 1–5, the basic measures and the ★ prerequisites)
 *      before everything else;
 *   2. then by the current state: 実施していない (nothing in place) first,
 *      わからない (find out — often a quick check that reveals a gap)
 *      next, 一部実施している (finish what was started) last;
 *   3. then by the item's impact class from data/catalog/items.ini
 *      (1 high .. 3 lower);
 *   4. then by item number.
 * Nothing here allocates.
 */
#ifndef HOSHI_PLAN_H
#define HOSHI_PLAN_H

#include <stddef.h>

#include "hoshi/catalog.h"
#include "hoshi/diag.h"

/* Writes the item numbers of the action plan, in priority order, to
 * items[] and returns how many there are (0 when everything is in place).
 * Unanswered items are treated like 実施していない. */
size_t hoshi_plan_build(const hoshi_catalog *c, const hoshi_answer answers[HOSHI_DIAG_ITEMS],
                        int items[HOSHI_DIAG_ITEMS]);

#endif
