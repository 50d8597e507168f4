/*
 * book_form.c — the default book of a survey definition (hoshi/book.h):
 * the simple table of every question in the questionnaire's order (a GRID
 * as its grid table), titled by its label; a question with a `relevant`
 * condition over the respondents it was shown to, through the R__QID
 * column of an export with HOSHI_EXPORT_SHOWN.  The book's parts are
 * written by src/lib/tab/book_init.c.
 */
#include "internal.h"

#include "hoshi/book.h"
#include "hoshi/form.h"
#include "tab/book_int.h"

hoshi_err hoshi_book_from_form(const hoshi_form *f, hoshi_lang lang, const char *codebook,
                               const char *data, hoshi_buf *b)
{
    hi_clear_error();
    hi_book_head(b, hoshi_form_title(f, lang), codebook, data);
    for (size_t i = 0; i < hoshi_form_question_count(f); i++) {
        const hoshi_form_item *q = hoshi_form_question(f, i, lang);
        /* TODO(t-fa): free answers (TEXT) get a listing table once hoshi
         * tab lists them; until then a book leaves them out */
        if (q == NULL || q->kind == HOSHI_FORM_TEXT || q->kind == HOSHI_FORM_NOTE)
            continue;
        hi_book_table(b, q->name, q->label, q->relevant[0] != '\0');
    }
    return b->err;
}
