/*
 * test_expr.c — the XLSForm expressions of questionnaires (src/lib/survey/
 * expr.c, expr_eval.c): every operator and function with XPath's types,
 * precedence, unanswered questions, every error with its message and
 * column, the caps on length and nesting, and allocation failures.
 */
#include "hoshi/hoshi.h"
#include "hoshi/testing.h"
#include "survey/expr_int.h"
#include "unit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The answers the expressions see: name → values ("." is the question
 * being checked). */
typedef struct answer {
    const char *name;
    const char *vals[3];
    size_t n;
} answer;

static answer answers[] = {
    {"sa", {"1"}, 1},
    {"ma", {"1", "3"}, 2},
    {"num", {"18"}, 1},
    {"nine", {"9"}, 1},
    {"ten", {"10"}, 1},
    {"fa", {"星野 商店"}, 1},
    {"pad", {" 7 "}, 1},
    {"none", {NULL}, 0},
    {".", {"8"}, 1},
};

typedef struct table {
    const answer *a;
    size_t n;
} table;

static void lookup(void *ctx, const char *name, const char *const **vals, size_t *n)
{
    const table *t = ctx;
    *vals = NULL;
    *n = 0;
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->a[i].name, name ? name : ".") == 0) {
            *vals = t->a[i].vals;
            *n = t->a[i].n;
        }
}

static table all = {answers, sizeof answers / sizeof answers[0]};
static const hi_expr_env env = {lookup, &all};

/* Parses and evaluates s; -1 when it does not parse. */
static int eval_env(const char *s, const hi_expr_env *e)
{
    hi_expr *x = NULL;
    size_t col = 99;
    if (hi_expr_parse(s, strlen(s), &x, &col) != HOSHI_OK) {
        printf("  %s: %s\n", s, hoshi_error_detail());
        return -1;
    }
    CHECK_INT(col, 0);
    int r = hi_expr_eval(x, e);
    hi_expr_free(x);
    return r;
}

static int ev(const char *s)
{
    return eval_env(s, &env);
}

#define TRUE_(s) CHECK_INT(ev(s), 1)
#define FALSE_(s) CHECK_INT(ev(s), 0)

static void literals_and_booleans(void)
{
    TRUE_("true()");
    FALSE_("false()");
    TRUE_("'a'");
    FALSE_("''");
    FALSE_("\"\"");
    TRUE_("\"x\"");
    TRUE_("1");
    FALSE_("0");
    FALSE_("0.0");
    FALSE_("-0");
    TRUE_("-1");
    TRUE_(".5");
    TRUE_("1.");
    TRUE_("'0'");        /* a string is true when not empty */
    TRUE_("  true()\t\r\n");
}

static void operators(void)
{
    TRUE_("1 = 1");
    FALSE_("1 = 2");
    TRUE_("1 != 2");
    FALSE_("1 != 1");
    TRUE_("1 < 2");
    FALSE_("2 < 2");
    TRUE_("2 <= 2");
    FALSE_("3 <= 2");
    TRUE_("3 > 2");
    FALSE_("2 > 2");
    TRUE_("2 >= 2");
    FALSE_("1 >= 2");
    TRUE_("-1.5 < -1");
    TRUE_("'a' = 'a'");
    FALSE_("'a' = 'b'");
    TRUE_("'a' != 'b'");
    TRUE_("\"it's\" = \"it's\"");
    TRUE_("true() and true()");
    FALSE_("true() and false()");
    TRUE_("false() or true()");
    FALSE_("false() or false()");
    TRUE_("not(false())");
    FALSE_("not(true())");
    FALSE_("not('x')");
    TRUE_("1=1and 2=2");          /* no blank needed before a name */
    TRUE_("false() or false() or false() or true()");
    FALSE_("true() and true() and true() and false()");
}

static void precedence(void)
{
    TRUE_("true() or false() and false()");     /* and binds tighter than or */
    TRUE_("false() and false() or true()");
    FALSE_("(true() or false()) and false()");
    TRUE_("1 < 2 = true()");                    /* relational tighter than equality */
    FALSE_("1 < (2 = true())");
    TRUE_("1 = 1 and 2 != 3");
    FALSE_("3 > 2 > 1");                        /* left to right: (3 > 2) > 1 is 1 > 1 */
    TRUE_("1 = 2 = false()");                   /* (1 = 2) = false() */
    TRUE_("((((1))))");
}

static void numbers_and_strings(void)
{
    TRUE_("'10' = 10");             /* a number on one side: numbers */
    TRUE_("'10.0' = 10");
    TRUE_("10 = '10.0'");
    FALSE_("'10' = '10.0'");        /* strings on both: strings */
    TRUE_("${pad} = 7");            /* blanks around a number are allowed */
    FALSE_("${pad} = '7'");
    FALSE_("'' = 0");               /* empty is NaN: false for everything but != */
    TRUE_("'' != 0");
    FALSE_("'x' < 1");
    FALSE_("'x' >= 1");
    FALSE_("'x' = 1");
    TRUE_("'x' != 1");
    FALSE_("'1e3' = 1000");         /* no exponents in XPath numbers */
    FALSE_("'+1' = 1");
    TRUE_("'9' < '10'");            /* relational operators compare numbers */
    TRUE_("${nine} < ${ten}");
    FALSE_("${nine} > ${ten}");
    FALSE_("'a' < 'b'");            /* both NaN */
    TRUE_("true() = 1");            /* a boolean on one side: booleans */
    TRUE_("true() = 'x'");
    TRUE_("false() = ''");
    TRUE_("false() = 0");
    TRUE_("true() > false()");
    TRUE_("0.1 = '0.1'");
    TRUE_("1 = 1.0");
}

static void questions(void)
{
    TRUE_("${sa} = 1");
    TRUE_("${sa} = '1'");
    TRUE_("${ma} = '1 3'");         /* a multiple choice is its codes joined by spaces */
    FALSE_("${ma} = 1");            /* and is no number */
    TRUE_("selected(${ma}, '3')");
    TRUE_("selected(${ma}, '1')");
    FALSE_("selected(${ma}, '2')");
    FALSE_("selected(${ma}, '1 3')");
    TRUE_("selected(${ma}, ' 3 ')");   /* the code is trimmed */
    TRUE_("selected(${ma}, 3)");
    FALSE_("selected(${ma}, '')");
    TRUE_("selected(${sa}, '1')");
    FALSE_("selected(${sa}, '11')");
    FALSE_("selected(${ten}, '1')");
    TRUE_("selected(${fa}, '商店')");
    FALSE_("selected(${none}, '1')");
    TRUE_("count-selected(${ma}) = 2");
    TRUE_("count-selected(${sa}) = 1");
    TRUE_("count-selected(${none}) = 0");
    TRUE_("count-selected(${fa}) = 2");
    TRUE_("count-selected('  a  b ') = 2");
    TRUE_("string-length(${fa}) = 5");     /* characters, not bytes */
    TRUE_("string-length(${ma}) = 3");
    TRUE_("string-length('') = 0");
    TRUE_("string-length(12) = 2");
    TRUE_("string-length(-0.5) = 4");
    TRUE_("string-length(1.0) = 1");
    TRUE_("string-length(true()) = 4");
    TRUE_("string-length(1 = 2) = 5");
    TRUE_("${num} > 17");
    FALSE_("${num} < 17");
    TRUE_("${fa} = '星野 商店'");
    TRUE_("${sa} = 1 and ${num} >= 18");
}

static void unanswered(void)
{
    FALSE_("${none}");
    TRUE_("not(${none})");
    TRUE_("${none} = ''");
    FALSE_("${none} = 0");
    TRUE_("${none} != 0");
    FALSE_("${none} > 0");
    FALSE_("${none} < 0");
    TRUE_("string-length(${none}) = 0");
    TRUE_("${unknown} = ''");        /* the lookup knows nothing of it */
    CHECK_INT(eval_env("${sa} = ''", NULL), 1);   /* no environment: nothing answered */
    CHECK_INT(eval_env("not(.)", NULL), 1);
    hi_expr_env no_lookup = {NULL, NULL};
    CHECK_INT(eval_env("count-selected(.) = 0", &no_lookup), 1);
    CHECK(!hi_expr_eval(NULL, &env));
}

/* The exclusive choice of the SPEC: "8" (none of the above) alone. */
static void exclusive_choice(void)
{
    static const char c[] = "not(selected(., '8') and count-selected(.) > 1)";
    struct {
        const char *vals[3];
        size_t n;
        int ok;
    } cases[] = {
        {{"8"}, 1, 1},
        {{"1", "8"}, 2, 0},
        {{"8", "2", "3"}, 3, 0},
        {{"1", "2"}, 2, 1},
        {{"18"}, 1, 1},
        {{"1", "18"}, 2, 1},
        {{NULL}, 0, 1},
    };
    hi_expr *x = NULL;
    CHECK_INT(hi_expr_parse(c, strlen(c), &x, NULL), HOSHI_OK);
    CHECK(hi_expr_uses_dot(x));
    CHECK_INT(hi_expr_ref_count(x), 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        answer dot = {".", {cases[i].vals[0], cases[i].vals[1], cases[i].vals[2]}, cases[i].n};
        table t = {&dot, 1};
        hi_expr_env e = {lookup, &t};
        CHECK_INT(hi_expr_eval(x, &e), cases[i].ok);
    }
    hi_expr_free(x);
}

static void references(void)
{
    static const char s[] = "${a} = 1 or ${bb} = 2 or ${a} = 3 or selected(${c9}, '1')";
    hi_expr *x = NULL;
    CHECK_INT(hi_expr_parse(s, strlen(s), &x, NULL), HOSHI_OK);
    CHECK_INT(hi_expr_ref_count(x), 3);
    CHECK_STR(hi_expr_ref(x, 0), "a");
    CHECK_STR(hi_expr_ref(x, 1), "bb");
    CHECK_STR(hi_expr_ref(x, 2), "c9");
    CHECK(hi_expr_ref(x, 3) == NULL);
    CHECK(!hi_expr_uses_dot(x));
    hi_expr_free(x);
    CHECK_INT(hi_expr_ref_count(NULL), 0);
    CHECK(hi_expr_ref(NULL, 0) == NULL);
    CHECK(!hi_expr_uses_dot(NULL));
    hi_expr_free(NULL);
}

/* s fails with code, the detail message msg and column col. */
static void bad(const char *s, size_t len, hoshi_err code, const char *msg, size_t col)
{
    hi_expr *x = (hi_expr *)&x;
    size_t c = 0;
    hoshi_err err = hi_expr_parse(s, len, &x, &c);
    if (err != code || c != col || strcmp(hoshi_error_detail(), msg) != 0) {
        printf("  %.*s: got %d, column %zu, \"%s\"\n", (int)(len > 80 ? 80 : len), s, (int)err, c,
               hoshi_error_detail());
        printf("  expected %d, column %zu, \"%s\"\n", (int)code, col, msg);
        unit_case_failed = 1;
    }
    CHECK(x == NULL);
}

#define BAD(s, msg, col) bad(s, strlen(s), HOSHI_ERR_INPUT, msg " at character " #col, col)

static void errors(void)
{
    BAD("", "empty expression", 1);
    BAD("   ", "empty expression", 1);
    bad(NULL, 0, HOSHI_ERR_INPUT, "empty expression at character 1", 1);
    BAD("today()", "unknown function 'today'", 1);
    BAD("1 = 1 and today ()", "unknown function 'today'", 11);
    BAD("not(selected(., '8') and count-selected(.) > 1", "expected ')'", 47);
    BAD("(1 = 1", "expected ')'", 7);
    BAD("(1 = 1 'a'", "expected ')'", 8);
    BAD("1 = 1)", "unmatched ')'", 6);
    BAD("1 + 2", "unsupported operator '+'", 3);
    BAD("1 * 2", "unsupported operator '*'", 3);
    BAD("${a} | ${b}", "unsupported operator '|'", 6);
    BAD("4 div 2", "unsupported operator 'div'", 3);
    BAD("4 mod 2", "unsupported operator 'mod'", 3);
    BAD("${a} - 1", "unsupported operator '-'", 6);
    BAD("${a}-1", "unsupported operator '-'", 5);
    BAD("- 1", "unsupported operator '-' (only a number may follow a minus sign)", 1);
    BAD("-${a}", "unsupported operator '-' (only a number may follow a minus sign)", 1);
    BAD("/a", "unsupported operator '/'", 1);
    BAD("foo = 1", "unsupported path 'foo'; refer to a question as ${name}", 1);
    BAD("../a = 1", "unsupported path; refer to a question as ${name}", 1);
    BAD("./a", "unsupported path; refer to a question as ${name}", 1);
    BAD("'abc", "unterminated string", 1);
    BAD("1 = \"abc'", "unterminated string", 5);
    BAD("1 1", "expected an operator or the end of the expression", 3);
    BAD("1.2.3", "expected an operator or the end of the expression", 4);
    BAD("true() false()", "expected an operator or the end of the expression, found 'false'", 8);
    BAD("'星' = 1 x", "expected an operator or the end of the expression, found 'x'", 9);
    BAD("1 = 1 (2)", "expected an operator or the end of the expression", 7);
    BAD("${1a} = 1", "invalid question reference: write ${name} with a name of letters and digits", 1);
    BAD("${a_b}", "invalid question reference: write ${name} with a name of letters and digits", 1);
    BAD("${}", "invalid question reference: write ${name} with a name of letters and digits", 1);
    BAD("1 = ${a", "invalid question reference: write ${name} with a name of letters and digits", 5);
    BAD("$a", "expected '{' after '$'", 1);
    BAD("selected(.)", "selected() takes 2 arguments, not 1", 1);
    BAD("selected(., '1', '2')", "selected() takes 2 arguments, not 3", 1);
    BAD("true(1)", "true() takes no arguments", 1);
    BAD("false( 'x'", "false() takes no arguments", 1);
    BAD("not()", "not() takes 1 argument, not 0", 1);
    BAD("string-length()", "string-length() takes 1 argument, not 0", 1);
    BAD("count-selected(., .)", "count-selected() takes 1 argument, not 2", 1);
    BAD("selected(., '1'", "expected ')'", 16);
    BAD("selected(.", "expected ',' or ')'", 11);
    BAD("selected(. '1')", "expected ',' or ')'", 12);
    BAD("not(", "expected a value at the end of the expression", 5);
    BAD("not(1", "expected ')'", 6);
    BAD("true(", "expected ')'", 6);
    BAD("1 =", "expected a value at the end of the expression", 4);
    BAD("= 1", "expected a value before '='", 1);
    BAD("()", "expected a value before ')'", 2);
    BAD("selected(, '1')", "expected a value before ','", 10);
    BAD("and", "expected a value before 'and'", 1);
    BAD("1 = 1 or or 1", "expected a value before 'or'", 10);
    BAD("星 = 1", "unexpected character '星'", 1);
    BAD("1 = 1 [", "unexpected character '['", 7);
    BAD("1 ! 2", "unexpected character '!'", 3);
    bad("1\0", 2, HOSHI_ERR_INPUT, "unexpected character U+0000 at character 2", 2);
    BAD("1 =\v2", "unexpected character U+000B", 4);
    BAD("'\xff'", "invalid UTF-8", 2);
    BAD("'星\xe6\x98'", "invalid UTF-8", 3);
}

static void caps(void)
{
    char s[HI_EXPR_MAX_LEN + 2];
    size_t n;
    /* 32 nested calls, parentheses or operators pass; 33 do not */
    for (int depth = 32; depth <= 33; depth++) {
        hoshi_err want = depth == 32 ? HOSHI_OK : HOSHI_ERR_LIMIT;
        hi_expr *x = NULL;
        size_t col = 0;
        n = 0;
        for (int i = 0; i < depth; i++)
            n += (size_t)snprintf(s + n, sizeof s - n, "not(");
        n += (size_t)snprintf(s + n, sizeof s - n, "true()");
        for (int i = 0; i < depth; i++)
            s[n++] = ')';
        CHECK_INT(hi_expr_parse(s, n, &x, &col), want);
        CHECK_INT(col, depth == 32 ? 0 : 132);      /* the 33rd "not(" */
        if (depth == 32)
            CHECK(hi_expr_eval(x, &env));             /* 32 nots of true */
        hi_expr_free(x);
        x = NULL;

        n = 0;
        for (int i = 0; i < depth; i++)
            s[n++] = '(';
        s[n++] = '1';
        for (int i = 0; i < depth; i++)
            s[n++] = ')';
        CHECK_INT(hi_expr_parse(s, n, &x, &col), want);
        CHECK_INT(col, depth == 32 ? 0 : 33);
        hi_expr_free(x);
        x = NULL;

        n = 0;
        s[n++] = '1';
        for (int i = 0; i < depth; i++)
            n += (size_t)snprintf(s + n, sizeof s - n, "=1");
        CHECK_INT(hi_expr_parse(s, n, &x, &col), want);
        CHECK_INT(col, depth == 32 ? 0 : 66);       /* the 33rd '=' */
        hi_expr_free(x);
        x = NULL;

        /* parentheses around an operator around a call, 16 times */
        n = 0;
        for (int i = 0; i < depth / 2; i++)
            n += (size_t)snprintf(s + n, sizeof s - n, "(1 = ");
        if (depth % 2)
            n += (size_t)snprintf(s + n, sizeof s - n, "not(1)");
        else
            n += (size_t)snprintf(s + n, sizeof s - n, "1");
        for (int i = 0; i < depth / 2; i++)
            s[n++] = ')';
        CHECK_INT(hi_expr_parse(s, n, &x, &col), want);
        CHECK_INT(col, depth == 32 ? 0 : 1);
        hi_expr_free(x);
    }
    CHECK_STR(hoshi_error_detail(), "expression nested deeper than 32 levels at character 1");

    /* a chain of or is one level however long */
    n = (size_t)snprintf(s, sizeof s, "${sa} = 0");
    for (int i = 1; n + 20 < HI_EXPR_MAX_LEN; i++)
        n += (size_t)snprintf(s + n, sizeof s - n, " or ${sa} = %d", i);
    hi_expr *x = NULL;
    CHECK_INT(hi_expr_parse(s, n, &x, NULL), HOSHI_OK);
    CHECK(hi_expr_eval(x, &env));
    CHECK_INT(hi_expr_ref_count(x), 1);
    hi_expr_free(x);

    /* length: HI_EXPR_MAX_LEN bytes pass, one more does not */
    memset(s, ' ', sizeof s);
    memcpy(s, "true()", 6);
    x = NULL;
    CHECK_INT(hi_expr_parse(s, HI_EXPR_MAX_LEN, &x, NULL), HOSHI_OK);
    CHECK(hi_expr_eval(x, &env));
    hi_expr_free(x);
    bad(s, HI_EXPR_MAX_LEN + 1, HOSHI_ERR_LIMIT,
        "expression longer than 4096 bytes at character 4097", 4097);
    /* the column counts characters: 2 of 3 bytes each */
    memcpy(s, "'星星'", 8);
    bad(s, HI_EXPR_MAX_LEN + 1, HOSHI_ERR_LIMIT,
        "expression longer than 4096 bytes at character 4093", 4093);
}

static void number_syntax(void)
{
    double x = 0;
    CHECK(hi_expr_number("0.1", 3, &x) && x == 0.1);
    CHECK(hi_expr_number("-0.5", 4, &x) && x == -0.5);
    CHECK(hi_expr_number("00012.50", 8, &x) && x == 12.5);
    CHECK(hi_expr_number("1.", 2, &x) && x == 1);
    CHECK(hi_expr_number(".25", 3, &x) && x == 0.25);
    CHECK(hi_expr_number("0", 1, &x) && x == 0);
    CHECK(hi_expr_number("123456789012345678901234567890123456789012345678901234567890", 60, &x) &&
          x == 123456789012345678901234567890123456789012345678901234567890.0);
    char tiny[320] = "0.";
    memset(tiny + 2, '0', 300);
    tiny[302] = '1';
    CHECK(hi_expr_number(tiny, 303, &x) && x == 1e-301);
    CHECK(!hi_expr_number("", 0, &x));
    CHECK(!hi_expr_number(".", 1, &x));
    CHECK(!hi_expr_number("-", 1, &x));
    CHECK(!hi_expr_number("1e5", 3, &x));
    CHECK(!hi_expr_number("+1", 2, &x));
    CHECK(!hi_expr_number(" 1", 2, &x));
    CHECK(!hi_expr_number("0x1", 3, &x));
    CHECK(!hi_expr_number("1.2.3", 5, &x));
}

/* Every allocation of a parse can fail: then HOSHI_ERR_NOMEM, no tree, no
 * column, no leak; once none fails, the tree evaluates as without faults. */
static void allocation_failures(void)
{
    static const char s[] =
        "${a} = 'x' or ${b} = 'y' or ${c} = 'z' or ${d} = '' or ${e} = '' or ${a} != 'w' or "
        "not(selected(., '8') and count-selected(.) > 1) and string-length('abc') = 3 or "
        "1 = 1 or 2 = 2 or 3 = 3 or 4 = 4 or 5 = 5 or 6 = 6 or 7 = 7 or 8 = 8 or 9 = 9";
    long n = 0;
    for (; n < 1000; n++) {
        hi_expr *x = (hi_expr *)&x;
        size_t col = 99;
        hoshi_testing_fail_alloc_after(n);
        hoshi_err err = hi_expr_parse(s, strlen(s), &x, &col);
        hoshi_testing_fail_alloc_after(-1);
        if (err == HOSHI_OK) {
            CHECK(hi_expr_eval(x, &env));
            CHECK_INT(hi_expr_ref_count(x), 5);
            hi_expr_free(x);
            break;
        }
        CHECK_INT(err, HOSHI_ERR_NOMEM);
        CHECK(x == NULL);
        CHECK_INT(col, 0);
    }
    CHECK(n > 5);
    CHECK(n < 1000);
    printf("  %ld allocation points exercised\n", n);
}

int main(void)
{
    RUN(literals_and_booleans);
    RUN(operators);
    RUN(precedence);
    RUN(numbers_and_strings);
    RUN(questions);
    RUN(unanswered);
    RUN(exclusive_choice);
    RUN(references);
    RUN(errors);
    RUN(caps);
    RUN(number_syntax);
    RUN(allocation_failures);
    return UNIT_RESULT();
}
