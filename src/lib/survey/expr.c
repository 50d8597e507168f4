/*
 * expr.c — the parser of XLSForm expressions (relevant, constraint,
 * required): a recursive descent over the SPEC's subset of XPath 1.0 into
 * the node tree of expr_int.h.  Anything outside the subset is refused
 * with the character where it starts, so a form author can find it in the
 * cell.  Nesting is capped (HI_EXPR_MAX_DEPTH) before the parser recurses
 * into it, so no input makes the parser or the evaluator recurse deeply.
 */
#include "survey/expr_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum tok {
    T_END, T_NUM, T_STR, T_REF, T_DOT, T_NAME, T_LP, T_RP, T_COMMA, T_MINUS,
    T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE
};

typedef struct parser {
    const char *s;
    size_t len;
    size_t pos;             /* where the lexer goes on */
    enum tok tok;           /* the current token, s[at..at+n) */
    size_t at, n;
    size_t open;            /* parentheses and calls open around the current token */
    hi_expr *e;
    size_t err_col;
} parser;

/* 1-based character position of byte offset `off`. */
static size_t column(const parser *P, size_t off)
{
    size_t col = 1;
    for (size_t i = 0; i < off && i < P->len; i++)
        col += ((unsigned char)P->s[i] & 0xC0) != 0x80;
    return col;
}

static hoshi_err fail(parser *P, hoshi_err code, size_t off, const char *fmt, ...)
    HOSHI_PRINTF(4, 5);

/* Records the error with " at character N" appended. */
static hoshi_err fail(parser *P, hoshi_err code, size_t off, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    P->err_col = column(P, off);
    return hi_fail(code, "%s at character %zu", what, P->err_col);
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* XPath's NameChar, ASCII only. */
static bool is_name_char(char c)
{
    return is_alpha(c) || is_digit(c) || c == '_' || c == '-' || c == '.';
}

/* Refuses the character at `off` that starts no token. */
static hoshi_err bad_char(parser *P, size_t off)
{
    unsigned char c = (unsigned char)P->s[off];
    if (c != '\0' && strchr("+*/|", c) != NULL)
        return fail(P, HOSHI_ERR_INPUT, off, "unsupported operator '%c'", c);
    if (c < 0x20 || c == 0x7F)
        return fail(P, HOSHI_ERR_INPUT, off, "unexpected character U+%04X", c);
    size_t n = 1;
    while (off + n < P->len && ((unsigned char)P->s[off + n] & 0xC0) == 0x80)
        n++;
    return fail(P, HOSHI_ERR_INPUT, off, "unexpected character '%.*s'", (int)n, P->s + off);
}

/* The length of the number starting at s[i] (after any '-'), 0 if none. */
static size_t number_len(const parser *P, size_t i)
{
    size_t j = i;
    while (j < P->len && is_digit(P->s[j]))
        j++;
    size_t whole = j - i;
    if (j < P->len && P->s[j] == '.') {
        size_t k = j + 1;
        while (k < P->len && is_digit(P->s[k]))
            k++;
        if (whole == 0 && k == j + 1)
            return 0;
        j = k;
    }
    return j - i;
}

/* Reads the next token into P->tok. */
static hoshi_err lex(parser *P)
{
    const char *s = P->s;
    while (P->pos < P->len && is_blank(s[P->pos]))
        P->pos++;
    size_t i = P->at = P->pos;
    if (i == P->len) {
        P->tok = T_END;
        P->n = 0;
        return HOSHI_OK;
    }
    char c = s[i];
    char c1 = i + 1 < P->len ? s[i + 1] : '\0';
    size_t n = 1;
    enum tok t;
    if (is_digit(c) || (c == '.' && is_digit(c1))) {
        t = T_NUM;
        n = number_len(P, i);
    } else if (c == '.') {
        if (c1 == '.' || c1 == '/')
            return fail(P, HOSHI_ERR_INPUT, i, "unsupported path; refer to a question as ${name}");
        t = T_DOT;
    } else if (c == '\'' || c == '"') {
        const char *end = memchr(s + i + 1, c, P->len - i - 1);
        if (end == NULL)
            return fail(P, HOSHI_ERR_INPUT, i, "unterminated string");
        t = T_STR;
        n = (size_t)(end - (s + i)) + 1;
    } else if (c == '$') {
        if (c1 != '{')
            return fail(P, HOSHI_ERR_INPUT, i, "expected '{' after '$'");
        size_t j = i + 2;
        if (j < P->len && is_alpha(s[j]))
            while (j < P->len && (is_alpha(s[j]) || is_digit(s[j])))
                j++;
        if (j == i + 2 || j == P->len || s[j] != '}')
            return fail(P, HOSHI_ERR_INPUT, i,
                        "invalid question reference: write ${name} with a name of letters and digits");
        t = T_REF;
        n = j + 1 - i;
    } else if (is_alpha(c) || c == '_') {
        t = T_NAME;
        while (i + n < P->len && is_name_char(s[i + n]))
            n++;
    } else if (c == '(') {
        t = T_LP;
    } else if (c == ')') {
        t = T_RP;
    } else if (c == ',') {
        t = T_COMMA;
    } else if (c == '-') {
        t = T_MINUS;
    } else if (c == '=') {
        t = T_EQ;
    } else if (c == '!' && c1 == '=') {
        t = T_NE;
        n = 2;
    } else if (c == '<') {
        t = c1 == '=' ? T_LE : T_LT;
        n = c1 == '=' ? 2 : 1;
    } else if (c == '>') {
        t = c1 == '=' ? T_GE : T_GT;
        n = c1 == '=' ? 2 : 1;
    } else {
        return bad_char(P, i);
    }
    P->tok = t;
    P->n = n;
    P->pos = i + n;
    return HOSHI_OK;
}

static bool tok_is(const parser *P, const char *name)
{
    return P->tok == T_NAME && P->n == strlen(name) && memcmp(P->s + P->at, name, P->n) == 0;
}

/* Appends a node; *idx gets its index. */
static hoshi_err add_node(parser *P, enum hi_expr_kind kind, int32_t *idx)
{
    hi_expr *e = P->e;
    if (e->n_nodes == e->cap_nodes) {
        size_t cap = e->cap_nodes ? 2 * e->cap_nodes : 16;
        hi_expr_node *nodes = hi_realloc(e->nodes, cap * sizeof *nodes);
        if (nodes == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory parsing an expression");
        e->nodes = nodes;
        e->cap_nodes = cap;
    }
    hi_expr_node *nd = &e->nodes[e->n_nodes];
    memset(nd, 0, sizeof *nd);
    nd->kind = (uint8_t)kind;
    nd->first = nd->next = -1;
    *idx = (int32_t)e->n_nodes++;
    return HOSHI_OK;
}

/* Makes `child` the last operand of `parent` (whose operands end at *last),
 * counting one more level of nesting at `off`. */
static hoshi_err adopt(parser *P, int32_t parent, int32_t *last, int32_t child, size_t off)
{
    hi_expr_node *nodes = P->e->nodes;
    if (*last < 0)
        nodes[parent].first = child;
    else
        nodes[*last].next = child;
    *last = child;
    if (nodes[child].depth + 1 > nodes[parent].depth)
        nodes[parent].depth = (uint8_t)(nodes[child].depth + 1);
    if (nodes[parent].depth > HI_EXPR_MAX_DEPTH)
        return fail(P, HOSHI_ERR_LIMIT, off, "expression nested deeper than %d levels",
                    HI_EXPR_MAX_DEPTH);
    return HOSHI_OK;
}

/* Enters a parenthesis or a call's arguments at `off`: the cap holds
 * before the parser recurses. */
static hoshi_err enter(parser *P, size_t off)
{
    if (++P->open > HI_EXPR_MAX_DEPTH)
        return fail(P, HOSHI_ERR_LIMIT, off, "expression nested deeper than %d levels",
                    HI_EXPR_MAX_DEPTH);
    return HOSHI_OK;
}

static hoshi_err parse_or(parser *P, int32_t *out);

/* Expects the current token to be ')' closing what opened. */
static hoshi_err expect_rp(parser *P)
{
    if (P->tok != T_RP)
        return fail(P, HOSHI_ERR_INPUT, P->at, "expected ')'");
    P->open--;
    return lex(P);
}

static hoshi_err add_ref(parser *P, int32_t node)
{
    hi_expr *e = P->e;
    const char *name = P->s + P->at + 2;
    size_t n = P->n - 3;
    size_t i = 0;
    while (i < e->n_refs && !(strlen(e->refs[i]) == n && memcmp(e->refs[i], name, n) == 0))
        i++;
    if (i == e->n_refs) {
        if (e->n_refs == e->cap_refs) {
            size_t cap = e->cap_refs ? 2 * e->cap_refs : 4;
            char **refs = hi_realloc(e->refs, cap * sizeof *refs);
            if (refs == NULL)
                return hi_fail(HOSHI_ERR_NOMEM, "out of memory parsing an expression");
            e->refs = refs;
            e->cap_refs = cap;
        }
        char *copy = hi_malloc(n + 1);
        if (copy == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory parsing an expression");
        memcpy(copy, name, n);
        copy[n] = '\0';
        e->refs[e->n_refs++] = copy;
    }
    e->nodes[node].ref = i;
    return HOSHI_OK;
}

static const struct {
    const char *name;
    enum hi_expr_kind kind;
    size_t args;
} functions[] = {
    {"not", HI_X_NOT, 1},
    {"selected", HI_X_SELECTED, 2},
    {"count-selected", HI_X_COUNT_SELECTED, 1},
    {"string-length", HI_X_STRING_LENGTH, 1},
    {"true", HI_X_TRUE, 0},
    {"false", HI_X_FALSE, 0},
};

/* A function call; the current token is its name, followed by '('. */
static hoshi_err parse_call(parser *P, int32_t *out)
{
    size_t at = P->at, f = 0, nf = sizeof functions / sizeof functions[0];
    while (f < nf && !tok_is(P, functions[f].name))
        f++;
    if (f == nf)
        return fail(P, HOSHI_ERR_INPUT, at, "unknown function '%.*s'", (int)(P->n > 64 ? 64 : P->n),
                    P->s + at);
    hoshi_err err = add_node(P, functions[f].kind, out);
    if (err == HOSHI_OK)
        err = lex(P);                       /* '(' */
    if (err == HOSHI_OK && functions[f].args == 0) {
        /* true() and false(): nothing nests inside, nothing to parse */
        if ((err = lex(P)) != HOSHI_OK)
            return err;
        if (P->tok == T_END)
            return fail(P, HOSHI_ERR_INPUT, P->at, "expected ')'");
        if (P->tok != T_RP)
            return fail(P, HOSHI_ERR_INPUT, at, "%s() takes no arguments", functions[f].name);
        return lex(P);
    }
    if (err == HOSHI_OK)
        err = enter(P, P->at);
    if (err == HOSHI_OK)
        err = lex(P);
    size_t args = 0;
    int32_t last = -1;
    if (err == HOSHI_OK && P->tok != T_RP) {
        for (;;) {
            int32_t arg;
            if ((err = parse_or(P, &arg)) != HOSHI_OK ||
                (err = adopt(P, *out, &last, arg, at)) != HOSHI_OK)
                break;
            args++;
            if (P->tok != T_COMMA)
                break;
            if ((err = lex(P)) != HOSHI_OK)
                break;
        }
    }
    if (err == HOSHI_OK && P->tok != T_RP)
        return fail(P, HOSHI_ERR_INPUT, P->at,
                    args < functions[f].args ? "expected ',' or ')'" : "expected ')'");
    if (err == HOSHI_OK && args != functions[f].args)
        return fail(P, HOSHI_ERR_INPUT, at, "%s() takes %zu argument%s, not %zu", functions[f].name,
                    functions[f].args, functions[f].args == 1 ? "" : "s", args);
    if (err == HOSHI_OK)
        err = expect_rp(P);
    return err;
}

/* A literal, ${name}, '.', a call or a parenthesised expression. */
static hoshi_err parse_primary(parser *P, int32_t *out)
{
    hoshi_err err;
    size_t at = P->at;
    switch (P->tok) {
    case T_MINUS:
    case T_NUM: {
        size_t n = P->tok == T_MINUS ? number_len(P, at + 1) : P->n;
        if (n == 0)
            return fail(P, HOSHI_ERR_INPUT, at,
                        "unsupported operator '-' (only a number may follow a minus sign)");
        n += P->tok == T_MINUS;
        if ((err = add_node(P, HI_X_NUM, out)) != HOSHI_OK)
            return err;
        if (!hi_expr_number(P->s + at, n, &P->e->nodes[*out].num))
            return fail(P, HOSHI_ERR_INTERNAL, at, "number not read back");
        P->pos = at + n;
        return lex(P);
    }
    case T_STR: {
        if ((err = add_node(P, HI_X_STR, out)) != HOSHI_OK)
            return err;
        char *str = hi_malloc(P->n - 1);
        if (str == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory parsing an expression");
        memcpy(str, P->s + at + 1, P->n - 2);
        str[P->n - 2] = '\0';
        P->e->nodes[*out].str = str;
        return lex(P);
    }
    case T_REF:
        if ((err = add_node(P, HI_X_REF, out)) != HOSHI_OK || (err = add_ref(P, *out)) != HOSHI_OK)
            return err;
        return lex(P);
    case T_DOT:
        if ((err = add_node(P, HI_X_DOT, out)) != HOSHI_OK)
            return err;
        P->e->dot = true;
        return lex(P);
    case T_LP:
        if ((err = enter(P, at)) != HOSHI_OK || (err = lex(P)) != HOSHI_OK ||
            (err = parse_or(P, out)) != HOSHI_OK)
            return err;
        if (P->tok != T_RP)
            return fail(P, HOSHI_ERR_INPUT, P->at, "expected ')'");
        if (++P->e->nodes[*out].depth > HI_EXPR_MAX_DEPTH)
            return fail(P, HOSHI_ERR_LIMIT, at, "expression nested deeper than %d levels",
                        HI_EXPR_MAX_DEPTH);
        return expect_rp(P);
    case T_NAME: {
        size_t save = P->pos;
        while (save < P->len && is_blank(P->s[save]))
            save++;
        if (save < P->len && P->s[save] == '(')
            return parse_call(P, out);
        int n = (int)(P->n > 64 ? 64 : P->n);
        if (tok_is(P, "and") || tok_is(P, "or") || tok_is(P, "div") || tok_is(P, "mod"))
            return fail(P, HOSHI_ERR_INPUT, at, "expected a value before '%.*s'", n, P->s + at);
        return fail(P, HOSHI_ERR_INPUT, at,
                    "unsupported path '%.*s'; refer to a question as ${name}", n, P->s + at);
    }
    case T_END:
        return fail(P, HOSHI_ERR_INPUT, at, "expected a value at the end of the expression");
    default:
        return fail(P, HOSHI_ERR_INPUT, at, "expected a value before '%.*s'", (int)P->n, P->s + at);
    }
}

/* One level of left-associative binary operators: rel (<, <=, >, >=) when
 * `eq` is false, else equality (=, !=). */
static hoshi_err parse_cmp(parser *P, bool eq, int32_t *out)
{
    hoshi_err err = eq ? parse_cmp(P, false, out) : parse_primary(P, out);
    while (err == HOSHI_OK) {
        enum hi_expr_kind kind;
        switch (P->tok) {
        case T_EQ: kind = HI_X_EQ; break;
        case T_NE: kind = HI_X_NE; break;
        case T_LT: kind = HI_X_LT; break;
        case T_LE: kind = HI_X_LE; break;
        case T_GT: kind = HI_X_GT; break;
        case T_GE: kind = HI_X_GE; break;
        default: return HOSHI_OK;
        }
        if ((kind == HI_X_EQ || kind == HI_X_NE) != eq)
            return HOSHI_OK;
        size_t at = P->at;
        int32_t node, last = -1, rhs;
        if ((err = add_node(P, kind, &node)) != HOSHI_OK ||
            (err = adopt(P, node, &last, *out, at)) != HOSHI_OK || (err = lex(P)) != HOSHI_OK ||
            (err = eq ? parse_cmp(P, false, &rhs) : parse_primary(P, &rhs)) != HOSHI_OK ||
            (err = adopt(P, node, &last, rhs, at)) != HOSHI_OK)
            return err;
        *out = node;
    }
    return err;
}

/* `and` (is_and) or `or`: one node for a chain of any length. */
static hoshi_err parse_chain(parser *P, bool is_and, int32_t *out)
{
    hoshi_err err = is_and ? parse_cmp(P, true, out) : parse_chain(P, true, out);
    int32_t node = -1, last = -1;
    while (err == HOSHI_OK && tok_is(P, is_and ? "and" : "or")) {
        size_t at = P->at;
        if (node < 0) {
            if ((err = add_node(P, is_and ? HI_X_AND : HI_X_OR, &node)) != HOSHI_OK ||
                (err = adopt(P, node, &last, *out, at)) != HOSHI_OK)
                break;
            *out = node;
        }
        int32_t rhs;
        if ((err = lex(P)) != HOSHI_OK ||
            (err = is_and ? parse_cmp(P, true, &rhs) : parse_chain(P, true, &rhs)) != HOSHI_OK)
            break;
        err = adopt(P, node, &last, rhs, at);
    }
    return err;
}

static hoshi_err parse_or(parser *P, int32_t *out)
{
    return parse_chain(P, false, out);
}

void hi_expr_free(hi_expr *e)
{
    if (e == NULL)
        return;
    for (size_t i = 0; i < e->n_nodes; i++)
        free(e->nodes[i].str);
    for (size_t i = 0; i < e->n_refs; i++)
        free(e->refs[i]);
    free(e->nodes);
    free(e->refs);
    free(e);
}

/* What follows a complete expression: nothing. */
static hoshi_err expect_end(parser *P)
{
    if (P->tok == T_END)
        return HOSHI_OK;
    int n = (int)(P->n > 64 ? 64 : P->n);
    if (P->tok == T_RP)
        return fail(P, HOSHI_ERR_INPUT, P->at, "unmatched ')'");
    if (tok_is(P, "div") || tok_is(P, "mod") || P->tok == T_MINUS)
        return fail(P, HOSHI_ERR_INPUT, P->at, "unsupported operator '%.*s'", n, P->s + P->at);
    if (P->tok == T_NAME)
        return fail(P, HOSHI_ERR_INPUT, P->at,
                    "expected an operator or the end of the expression, found '%.*s'", n,
                    P->s + P->at);
    return fail(P, HOSHI_ERR_INPUT, P->at, "expected an operator or the end of the expression");
}

hoshi_err hi_expr_parse(const char *text, size_t len, hi_expr **out, size_t *err_col)
{
    parser P = {.s = text ? text : "", .len = text ? len : 0};
    *out = NULL;
    hoshi_err err;
    size_t bad;
    if (P.len > HI_EXPR_MAX_LEN) {
        P.len = HI_EXPR_MAX_LEN;
        err = fail(&P, HOSHI_ERR_LIMIT, HI_EXPR_MAX_LEN, "expression longer than %d bytes",
                   HI_EXPR_MAX_LEN);
        goto report;
    }
    if ((bad = hoshi_utf8_invalid_at(P.s, P.len)) < P.len) {
        err = fail(&P, HOSHI_ERR_INPUT, bad, "invalid UTF-8");
        goto report;
    }
    P.e = hi_calloc(1, sizeof *P.e);
    if (P.e == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory parsing an expression");
        goto report;
    }
    P.e->root = -1;
    if ((err = lex(&P)) == HOSHI_OK && P.tok == T_END)
        err = fail(&P, HOSHI_ERR_INPUT, 0, "empty expression");
    if (err == HOSHI_OK && (err = parse_or(&P, &P.e->root)) == HOSHI_OK)
        err = expect_end(&P);
    if (err != HOSHI_OK) {
        hi_expr_free(P.e);
        goto report;
    }
    *out = P.e;
report:
    if (err_col != NULL)
        *err_col = err == HOSHI_OK || err == HOSHI_ERR_NOMEM ? 0 : P.err_col;
    return err;
}

size_t hi_expr_ref_count(const hi_expr *e)
{
    return e ? e->n_refs : 0;
}

const char *hi_expr_ref(const hi_expr *e, size_t i)
{
    return e && i < e->n_refs ? e->refs[i] : NULL;
}

bool hi_expr_uses_dot(const hi_expr *e)
{
    return e && e->dot;
}
