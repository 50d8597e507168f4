/*
 * book_init.c — the default book (hoshi/book.h): the simple table of every
 * question of a codebook, one [table] per question in its order, written
 * plainly since the analyst edits it by hand.  The same from a survey
 * definition is src/lib/survey/book_form.c (the layers: tab does not call
 * survey), through hi_book_head() and hi_book_table() here.
 */
#include "tab/tab.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "hoshi/book.h"
#include "hoshi/survey_export.h"
#include "tab/book_int.h"

/* An ini value is one line: line breaks become spaces. */
static void value(hoshi_buf *b, const char *s)
{
    for (; *s; s++)
        hoshi_buf_putc(b, *s == '\n' || *s == '\r' ? ' ' : *s);
    hoshi_buf_putc(b, '\n');
}

void hi_book_head(hoshi_buf *b, const char *title, const char *codebook, const char *data)
{
    hoshi_buf_puts(b, "# hoshi table book: one [table ID] per table; keys are the options of\n"
                      "# 'hoshi tab' without --, plus title and base.  Run: hoshi book run FILE\n"
                      "[book]\ntitle = ");
    value(b, title);
    if (codebook != NULL) {
        hoshi_buf_puts(b, "codebook = ");
        value(b, codebook);
    }
    if (data != NULL) {
        hoshi_buf_puts(b, "data = ");
        value(b, data);
    }
}

void hi_book_table(hoshi_buf *b, const char *qid, const char *title, bool routed)
{
    hoshi_buf_printf(b, "\n[table %s]\ntitle = ", qid);
    value(b, title);
    hoshi_buf_printf(b, "head = %s\n", qid);
    if (routed)
        hoshi_buf_printf(b, "where = " HOSHI_EXPORT_SHOWN_PREFIX "%s=1\n", qid);
}

hoshi_err hoshi_book_from_codebook(const char *name, const char *codebook_text, size_t len,
                                   const char *codebook, const char *data, hoshi_buf *b)
{
    hi_clear_error();
    char *text = NULL;
    size_t tl = 0;
    hi_codebook *cb = NULL;
    hoshi_err err = hi_text_to_utf8(name, codebook_text, len, HOSHI_ENC_AUTO, &text, &tl);
    if (err != HOSHI_OK)
        return err;
    if ((err = hi_codebook_parse(name, text, tl, &cb)) != HOSHI_OK)
        goto free_text;
    const char *slash = strrchr(name, '/');
    hi_book_head(b, slash != NULL ? slash + 1 : name, codebook, data);
    for (size_t i = 0; i < cb->n; i++) {
        const hi_question *q = &cb->q[i];
        /* TODO(t-fa): free answers (FA) get a listing table once hoshi tab
         * lists them; until then a book leaves them out */
        if (q->type != HI_Q_FA)
            hi_book_table(b, q->qid, q->title, false);
    }
    err = b->err;
    hi_codebook_free(cb);
free_text:
    free(text);
    return err;
}
