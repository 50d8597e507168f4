/*
 * expr.h — the XLSForm expressions a questionnaire's relevant and
 * constraint columns hold (the SPEC's subset of XPath 1.0 with ODK's
 * functions).  A form is parsed once into a tree; the questionnaire engine
 * evaluates it against the answers given so far through a lookup callback,
 * so this module knows nothing of forms or answers.
 */
#ifndef HOSHI_SURVEY_EXPR_H
#define HOSHI_SURVEY_EXPR_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/error.h"

typedef struct hi_expr hi_expr;
#define HI_EXPR_MAX_LEN 4096    /* bytes of one expression */
#define HI_EXPR_MAX_DEPTH 32    /* nesting of parentheses, not(), calls, operators */
/* Parses one XLSForm expression (the SPEC's subset).  HOSHI_ERR_INPUT with a detail message saying
 * what is wrong and *err_col set to the 1-based character position in text; HOSHI_ERR_LIMIT over the
 * caps.  Caller frees with hi_expr_free(). */
hoshi_err hi_expr_parse(const char *text, size_t len, hi_expr **out, size_t *err_col);
void hi_expr_free(hi_expr *e);
size_t hi_expr_ref_count(const hi_expr *e);          /* distinct ${name} references */
const char *hi_expr_ref(const hi_expr *e, size_t i);
bool hi_expr_uses_dot(const hi_expr *e);
typedef struct hi_expr_env {
    /* The answer of question `name` (NULL: ".", the question being checked) as its values:
     * SA one code, MA the chosen codes, NUM/FA one text; *n = 0 when unanswered.  Borrowed. */
    void (*lookup)(void *ctx, const char *name, const char *const **vals, size_t *n);
    void *ctx;
} hi_expr_env;
bool hi_expr_eval(const hi_expr *e, const hi_expr_env *env);   /* XPath boolean of the result */

#endif
