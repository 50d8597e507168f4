/*
 * diag.h — scoring of the 25-item self-diagnosis.
 *
 * Answers are coded 1 実施している (4 points), 2 一部実施している (2),
 * 3 実施していない (0), 4 わからない (−1).  The total runs −25..100; part
 * subtotals have maxima 20 (items 1–5), 52 (6–18) and 28 (19–25).  These
 * rules are facts of the scheme, so they live here rather than in data/.
 * Nothing in this header allocates.
 */
#ifndef HOSHI_DIAG_H
#define HOSHI_DIAG_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/error.h"

#define HOSHI_DIAG_ITEMS 25
#define HOSHI_DIAG_PARTS 3
#define HOSHI_DIAG_BANDS 4

typedef enum hoshi_answer {
    HOSHI_ANSWER_NONE = 0,    /* not answered yet */
    HOSHI_ANSWER_YES = 1,     /* 実施している */
    HOSHI_ANSWER_PARTLY = 2,  /* 一部実施している */
    HOSHI_ANSWER_NO = 3,      /* 実施していない */
    HOSHI_ANSWER_UNKNOWN = 4  /* わからない */
} hoshi_answer;

typedef struct hoshi_diag_result {
    int score;                             /* −25..100 */
    int part_score[HOSHI_DIAG_PARTS];
    int part_max[HOSHI_DIAG_PARTS];        /* 20, 52, 28 */
    int band;                              /* 1 100点, 2 70~99点, 3 50~69点, 4 49点以下 */
    /* Statistics of the answers, not conditions of a level: ★ is a
     * commitment to the five principles (items 1–5), declared with any of
     * them still to do, and ★★ asks for a finished diagnosis and a
     * published basic policy, whatever the answers. */
    bool star1_ready;                      /* items 1–5 (the five principles) all 実施している */
    bool star2_ready;                      /* all 25 items 実施している */
    int unknown_items[HOSHI_DIAG_ITEMS];   /* item numbers answered わからない, ascending */
    size_t n_unknown;
} hoshi_diag_result;

/* Points for one answer code: 4, 2, 0, −1. */
int hoshi_answer_points(hoshi_answer a);

/* True when code is one of 1..4. */
bool hoshi_answer_is_valid(int code);

/* Part (1..3) of item 1..25, or 0 for anything else. */
int hoshi_diag_item_part(int item);

/* The principle of ★ (1..5) that item 1..25 is: items 1–5 are the five
 * principles one to one, so item N gives N; items 6–25, and anything
 * else, give 0 (the programme ties no other item to a principle). */
int hoshi_diag_item_principle(int item);

/* Band (1..4) of a total score. */
int hoshi_diag_band(int score);

/* The scheme's own name of band 1..4 ("100点", "70~99点", "50~69点",
 * "49点以下"): the same in every language, as survey data and the JSON
 * report carry it (the label for readers is hoshi_catalog_band_label).
 * A static string; "" for a band out of range. */
const char *hoshi_diag_band_name(int band);

/* Parses "1,1,2,…" (exactly 25 codes 1..4, comma-separated, blanks around
 * commas allowed).  On error the detail names the position and the value. */
hoshi_err hoshi_diag_parse_answers(const char *text, hoshi_answer out[HOSHI_DIAG_ITEMS]);

/* Scores a complete answer set.  HOSHI_ERR_INPUT if any answer is missing
 * or out of range. */
hoshi_err hoshi_diag_score(const hoshi_answer answers[HOSHI_DIAG_ITEMS],
                           hoshi_diag_result *out);

#endif
