/*
 * fuzz_book.c — libFuzzer target for the table-book reader
 * (src/lib/tab/book.c): any bytes give either a book or a clean error
 * with a FILE:LINE detail; every option of every table is then read, so
 * each merged pointer is touched, and the tables of a book are gathered
 * with hoshi_tabset_append as `hoshi book run` does.
 */
#include "hoshi/book.h"
#include "hoshi/error.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hoshi_book *b = NULL;
    if (hoshi_book_parse("dir/fuzz.ini", (const char *)data, size, &b) != HOSHI_OK) {
        if (strncmp(hoshi_error_detail(), "dir/fuzz.ini", 12) != 0)
            abort(); /* every error names the book */
        return 0;
    }
    size_t total = 0;
    for (size_t i = 0; i < hoshi_book_table_count(b); i++) {
        const hoshi_book_table *t = hoshi_book_table_get(b, i);
        total += strlen(t->id) + (t->title ? strlen(t->title) : 0) + (t->base ? strlen(t->base) : 0);
        for (size_t k = 0; k < t->n_opts; k++)
            total += strlen(t->opts[k].name) + strlen(t->opts[k].value) + t->opts[k].line;
    }
    const char *s[] = {hoshi_book_title(b), hoshi_book_codebook(b), hoshi_book_data(b),
                       hoshi_book_lang(b), hoshi_book_encoding(b)};
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        total += s[i] ? strlen(s[i]) : 0;
    hoshi_tabset *all = NULL, *none = NULL;
    if (hoshi_tabset_new(&all) == HOSHI_OK && hoshi_tabset_new(&none) == HOSHI_OK)
        (void)hoshi_tabset_append(all, none, hoshi_book_table_get(b, 0)->id, NULL, NULL);
    hoshi_tabset_free(none);
    hoshi_tabset_free(all);
    hoshi_book_free(b);
    return total == (size_t)-1; /* keeps the reads */
}
