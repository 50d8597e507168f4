/*
 * expr_int.h — the parsed form of an XLSForm expression, shared by its
 * parser (expr.c) and its evaluator (expr_eval.c).  A tree of nodes held
 * in one array; a node's operands are a list linked through `next`.  The
 * parser caps the tree's depth at HI_EXPR_MAX_DEPTH, so the evaluator may
 * recurse over it.
 */
#ifndef HOSHI_SURVEY_EXPR_INT_H
#define HOSHI_SURVEY_EXPR_INT_H

#include <stdint.h>

#include "survey/expr.h"

enum hi_expr_kind {
    HI_X_OR, HI_X_AND,                              /* two operands or more */
    HI_X_EQ, HI_X_NE, HI_X_LT, HI_X_LE, HI_X_GT, HI_X_GE,
    HI_X_NOT, HI_X_SELECTED, HI_X_COUNT_SELECTED, HI_X_STRING_LENGTH,
    HI_X_TRUE, HI_X_FALSE,
    HI_X_REF,                                       /* ${name}: refs[ref] */
    HI_X_DOT,                                       /* . */
    HI_X_STR,                                       /* str */
    HI_X_NUM                                        /* num */
};

typedef struct hi_expr_node {
    uint8_t kind;
    uint8_t depth;          /* constructs nested in this one: 0 for a leaf */
    int32_t first;          /* the first operand, -1 for none */
    int32_t next;           /* the next operand of the parent, -1 for none */
    size_t ref;
    double num;
    char *str;              /* NUL-terminated; owned */
} hi_expr_node;

struct hi_expr {
    hi_expr_node *nodes;
    size_t n_nodes, cap_nodes;
    char **refs;            /* distinct names, in order of first use; owned */
    size_t n_refs, cap_refs;
    bool dot;
    int32_t root;
};

/* Parses s[0..n) as an XPath number (optional '-', digits with an optional
 * decimal part; no blanks, no exponent); false when it is not one. */
bool hi_expr_number(const char *s, size_t n, double *out);

#endif
