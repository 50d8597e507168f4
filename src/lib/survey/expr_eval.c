/*
 * expr_eval.c — evaluates a parsed XLSForm expression against the answers
 * a lookup callback gives, with XPath 1.0's types (boolean, number,
 * string) and conversions as ODK applies them.  A question's value is its
 * answers joined by single spaces, as ODK stores a multiple choice; the
 * joined string is never built: a string is read through a cursor over its
 * pieces, so evaluation allocates nothing and cannot fail.
 */
#include "survey/expr_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum vtype { V_BOOL, V_NUM, V_STR };

/* A value; a string is the pieces seg[0..n) joined by single spaces. */
typedef struct val {
    enum vtype t;
    bool b;
    double x;
    const char *const *seg;
    size_t n;
} val;

static const char *const bool_text[] = {"false", "true"};

static bool is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool hi_expr_number(const char *s, size_t n, double *out)
{
    /* The significant digits and a power of ten for strtod, which then
     * rounds correctly and never meets a locale's decimal point. */
    char buf[64];
    size_t i = 0, k = 0, digits = 0;
    long exp = 0;
    if (i < n && s[i] == '-')
        buf[k++] = s[i++];
    size_t start = k;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
        if (k == start && s[i] == '0')
            continue;
        if (k - start < 40)
            buf[k++] = s[i];
        else
            exp++;
    }
    if (i < n && s[i] == '.') {
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
            if (k == start && s[i] == '0') {
                exp--;
            } else if (k - start < 40) {
                buf[k++] = s[i];
                exp--;
            }
        }
    }
    if (digits == 0 || i != n)
        return false;
    if (k == start)
        buf[k++] = '0';
    snprintf(buf + k, sizeof buf - k, "e%ld", exp);
    *out = strtod(buf, NULL);
    return true;
}

/* Reads the bytes of a string value, with the spaces between pieces. */
typedef struct cursor {
    const char *const *seg;
    size_t n, i;
    const char *p;
} cursor;

static void cur_init(cursor *c, const char *const *seg, size_t n)
{
    c->seg = seg;
    c->n = n;
    c->i = 0;
    c->p = n > 0 && seg[0] ? seg[0] : "";
}

/* The next byte, or -1 at the end. */
static int cur_next(cursor *c)
{
    while (c->i < c->n) {
        if (*c->p != '\0')
            return (unsigned char)*c->p++;
        if (++c->i < c->n) {
            c->p = c->seg[c->i] ? c->seg[c->i] : "";
            return ' ';
        }
    }
    return -1;
}

/* A string view of any value: numbers and booleans as XPath's string(). */
typedef struct sview {
    const char *const *seg;
    size_t n;
    const char *one;
    char buf[48];
} sview;

static void view(const val *v, sview *s)
{
    s->seg = &s->one;
    s->n = 1;
    if (v->t == V_STR) {
        s->seg = v->seg;
        s->n = v->n;
    } else if (v->t == V_BOOL) {
        s->one = bool_text[v->b];
    } else if (isnan(v->x)) {
        s->one = "NaN";
    } else if (isinf(v->x)) {
        s->one = v->x > 0 ? "Infinity" : "-Infinity";
    } else {
        if (v->x == floor(v->x) && fabs(v->x) < 1e15)
            snprintf(s->buf, sizeof s->buf, "%.0f", v->x == 0 ? 0.0 : v->x);
        else
            snprintf(s->buf, sizeof s->buf, "%.15g", v->x);
        s->one = s->buf;
    }
}

static bool to_bool(const val *v)
{
    if (v->t == V_BOOL)
        return v->b;
    if (v->t == V_NUM)
        return v->x != 0 && !isnan(v->x);
    cursor c;
    cur_init(&c, v->seg, v->n);
    return cur_next(&c) >= 0;
}

static double to_num(const val *v)
{
    if (v->t == V_BOOL)
        return v->b;
    if (v->t == V_NUM)
        return v->x;
    /* Pieces joined by a space are never one number (a multiple choice). */
    if (v->n != 1 || v->seg[0] == NULL)
        return NAN;
    const char *s = v->seg[0], *end = s + strlen(s);
    while (is_blank(*s))
        s++;
    while (end > s && is_blank(end[-1]))
        end--;
    double x;
    return hi_expr_number(s, (size_t)(end - s), &x) ? x : NAN;
}

static bool str_eq(const val *a, const val *b)
{
    sview sa, sb;
    view(a, &sa);
    view(b, &sb);
    cursor ca, cb;
    cur_init(&ca, sa.seg, sa.n);
    cur_init(&cb, sb.seg, sb.n);
    for (;;) {
        int x = cur_next(&ca), y = cur_next(&cb);
        if (x != y)
            return false;
        if (x < 0)
            return true;
    }
}

static bool compare(enum hi_expr_kind kind, const val *a, const val *b)
{
    if (kind == HI_X_EQ || kind == HI_X_NE) {
        bool eq;
        if (a->t == V_BOOL || b->t == V_BOOL)
            eq = to_bool(a) == to_bool(b);
        else if (a->t == V_NUM || b->t == V_NUM)
            eq = to_num(a) == to_num(b);
        else
            eq = str_eq(a, b);
        return kind == HI_X_EQ ? eq : !eq;
    }
    /* XPath compares by number whatever the operands' types. */
    double x = to_num(a), y = to_num(b);
    switch (kind) {
    case HI_X_LT: return x < y;
    case HI_X_LE: return x <= y;
    case HI_X_GT: return x > y;
    default: return x >= y;
    }
}

/* The blank-separated tokens of a value (the codes of a multiple choice):
 * how many there are, and whether one equals the needle. */
typedef struct tokens {
    size_t count;
    const char *needle;     /* NULL: only count */
    size_t needle_len;
} tokens;

/* Counts v's tokens into t->count, stopping with true at one equal to
 * t->needle. */
static bool scan_tokens(const val *v, tokens *t)
{
    sview s;
    view(v, &s);
    cursor c;
    cur_init(&c, s.seg, s.n);
    size_t len = 0;
    bool match = true;
    for (;;) {
        int ch = cur_next(&c);
        if (ch < 0 || is_blank(ch)) {
            if (len > 0) {
                t->count++;
                if (t->needle && match && len == t->needle_len)
                    return true;
            }
            len = 0;
            match = true;
            if (ch < 0)
                return false;
            continue;
        }
        if (t->needle && (len >= t->needle_len || (unsigned char)t->needle[len] != ch))
            match = false;
        len++;
    }
}

/* selected(v, code): code, trimmed, is one of v's tokens. */
static bool selected(const val *v, const val *code)
{
    sview s;
    view(code, &s);
    if (s.n != 1 || s.seg[0] == NULL)
        return false;       /* no code, or several (which no token equals) */
    const char *p = s.seg[0], *end = p + strlen(p);
    while (is_blank(*p))
        p++;
    while (end > p && is_blank(end[-1]))
        end--;
    for (const char *q = p; q < end; q++)
        if (is_blank(*q))
            return false;
    if (p == end)
        return false;
    tokens t = {0, p, (size_t)(end - p)};
    return scan_tokens(v, &t);
}

static size_t string_length(const val *v)
{
    sview s;
    view(v, &s);
    cursor c;
    cur_init(&c, s.seg, s.n);
    size_t n = 0;
    for (int ch; (ch = cur_next(&c)) >= 0;)
        n += (ch & 0xC0) != 0x80;
    return n;
}

static val eval(const hi_expr *e, int32_t i, const hi_expr_env *env)
{
    const hi_expr_node *nd = &e->nodes[i];
    val v = {.t = V_BOOL};
    val a, b;
    switch ((enum hi_expr_kind)nd->kind) {
    case HI_X_OR:
    case HI_X_AND: {
        bool want = nd->kind == HI_X_OR;
        v.b = !want;
        for (int32_t k = nd->first; k >= 0; k = e->nodes[k].next) {
            a = eval(e, k, env);
            if (to_bool(&a) == want) {
                v.b = want;
                break;
            }
        }
        break;
    }
    case HI_X_EQ:
    case HI_X_NE:
    case HI_X_LT:
    case HI_X_LE:
    case HI_X_GT:
    case HI_X_GE:
        a = eval(e, nd->first, env);
        b = eval(e, e->nodes[nd->first].next, env);
        v.b = compare((enum hi_expr_kind)nd->kind, &a, &b);
        break;
    case HI_X_NOT:
        a = eval(e, nd->first, env);
        v.b = !to_bool(&a);
        break;
    case HI_X_SELECTED:
        a = eval(e, nd->first, env);
        b = eval(e, e->nodes[nd->first].next, env);
        v.b = selected(&a, &b);
        break;
    case HI_X_COUNT_SELECTED: {
        a = eval(e, nd->first, env);
        tokens t = {0, NULL, 0};
        scan_tokens(&a, &t);
        v.t = V_NUM;
        v.x = (double)t.count;
        break;
    }
    case HI_X_STRING_LENGTH:
        a = eval(e, nd->first, env);
        v.t = V_NUM;
        v.x = (double)string_length(&a);
        break;
    case HI_X_TRUE:
        v.b = true;
        break;
    case HI_X_FALSE:
        break;
    case HI_X_REF:
    case HI_X_DOT:
        v.t = V_STR;
        if (env != NULL && env->lookup != NULL)
            env->lookup(env->ctx, nd->kind == HI_X_REF ? e->refs[nd->ref] : NULL, &v.seg, &v.n);
        if (v.seg == NULL)
            v.n = 0;
        break;
    case HI_X_STR:
        v.t = V_STR;
        v.seg = (const char *const *)&nd->str;
        v.n = 1;
        break;
    case HI_X_NUM:
        v.t = V_NUM;
        v.x = nd->num;
        break;
    }
    return v;
}

bool hi_expr_eval(const hi_expr *e, const hi_expr_env *env)
{
    if (e == NULL || e->root < 0)
        return false;
    val v = eval(e, e->root, env);
    return to_bool(&v);
}
