/*
 * text_int.h — the rule for typed text (normalize.c) with the name of the
 * field it is applied to, so hoshi_text_check() and hoshi_text_normalize()
 * share one implementation and their details start with the field.
 */
#ifndef HOSHI_TEXT_INT_H
#define HOSHI_TEXT_INT_H

#include "hoshi/text.h"

/* hoshi_text_normalize() whose detail message names `label`; does not
 * clear the error first (the public entry points do). */
hoshi_err hi_text_normalize(const char *label, const char *in, size_t max_chars, unsigned flags,
                            char **out, hoshi_text_problem *why);

#endif
