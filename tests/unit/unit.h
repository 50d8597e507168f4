/*
 * unit.h — the smallest useful unit-test harness.  A test is a function;
 * CHECK records a failure with file:line and the expression and keeps
 * going; RUN prints "ok NAME" or "FAIL NAME" lines that tests/run.py
 * counts.  Header-only so each test file is one self-contained program.
 */
#ifndef HOSHI_UNIT_H
#define HOSHI_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_case_failed;
static int unit_total_failed;

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) {                                                           \
            unit_case_failed = 1;                                                \
            printf("  %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);    \
        }                                                                        \
    } while (0)

#define CHECK_INT(a, b)                                                          \
    do {                                                                         \
        long long unit_a = (long long)(a), unit_b = (long long)(b);              \
        if (unit_a != unit_b) {                                                  \
            unit_case_failed = 1;                                                \
            printf("  %s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, \
                   unit_a, unit_b);                                              \
        }                                                                        \
    } while (0)

#define CHECK_STR(a, b)                                                          \
    do {                                                                         \
        const char *unit_a = (a), *unit_b = (b);                                 \
        if (unit_a == NULL || strcmp(unit_a, unit_b) != 0) {                     \
            unit_case_failed = 1;                                                \
            printf("  %s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, \
                   #a, unit_a ? unit_a : "(null)", unit_b);                      \
        }                                                                        \
    } while (0)

#define RUN(fn)                                                                  \
    do {                                                                         \
        unit_case_failed = 0;                                                    \
        fn();                                                                    \
        printf("%s %s\n", unit_case_failed ? "FAIL" : "ok", #fn);                \
        unit_total_failed += unit_case_failed;                                   \
    } while (0)

#define UNIT_RESULT() (unit_total_failed ? 1 : 0)

#endif
