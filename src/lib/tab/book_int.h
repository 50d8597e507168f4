/*
 * book_int.h — the writers of a default book's parts (book_init.c), shared
 * with src/lib/survey/book_form.c, which writes the book of a survey
 * definition.
 */
#ifndef HOSHI_TAB_BOOK_INT_H
#define HOSHI_TAB_BOOK_INT_H

#include <stdbool.h>

#include "hoshi/buf.h"

/* [book] with its title and, when not NULL, codebook and data. */
void hi_book_head(hoshi_buf *b, const char *title, const char *codebook, const char *data);
/* [table QID]: its title, head = QID and, when routed, where = R__QID=1. */
void hi_book_table(hoshi_buf *b, const char *qid, const char *title, bool routed);

#endif
