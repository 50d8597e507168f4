/*
 * test_book.c — the table book parser (hoshi/book.h): the settings of
 * [book] with paths resolved against the book's directory, each table's
 * options merged with the defaults (a key of the table replaces the
 * default of that name, all its values; file order kept), every kind of
 * bad book refused with FILE:LINE and its message, every allocation
 * failure reported as such; and hoshi_tabset_append, which moves the
 * tables of a run into a book's tabset with their id, title and base.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoshi/hoshi.h"
#include "hoshi/testing.h"
#include "tab/table.h"
#include "unit.h"

static hoshi_book *parse(const char *name, const char *text, hoshi_err *err)
{
    hoshi_book *b = NULL;
    *err = hoshi_book_parse(name, text, strlen(text), &b);
    return b;
}

static void settings_and_merged_options(void)
{
    const char *text = "# a book\n"
                       "[book]\n"
                       "title = 報告書\n"
                       "codebook = cb.csv\n"
                       "data = /abs/d.hsd\n"
                       "lang = en\n"
                       "side = Q1\n"
                       "where = Q2=1\n"
                       "where = Q3=1\n"
                       "  sort = yes  \n"
                       "\n"
                       "[table a]\n"
                       "head = Q4\n"
                       "[ table  b-2.x ]\n"
                       "title = B = the second\n"
                       "where = Q5!=9\n"
                       "head = Q6,Q7\n"
                       "base = 全員\n"
                       "side =\n";
    hoshi_err err;
    hoshi_book *b = parse("dir/sub/book.ini", text, &err);
    CHECK_INT(err, HOSHI_OK);
    if (b == NULL)
        return;
    CHECK_STR(hoshi_book_title(b), "報告書");
    CHECK_STR(hoshi_book_codebook(b), "dir/sub/cb.csv");
    CHECK_STR(hoshi_book_data(b), "/abs/d.hsd");
    CHECK_STR(hoshi_book_lang(b), "en");
    CHECK(hoshi_book_encoding(b) == NULL);
    CHECK_INT(hoshi_book_table_count(b), 2);
    const hoshi_book_table *t = hoshi_book_table_get(b, 0);
    CHECK_STR(t->id, "a");
    CHECK(t->title == NULL && t->base == NULL);
    CHECK_INT(t->line, 12);
    /* every default, then its own */
    CHECK_INT(t->n_opts, 5);
    const char *want_a[][2] = {{"side", "Q1"}, {"where", "Q2=1"}, {"where", "Q3=1"},
                               {"sort", "yes"}, {"head", "Q4"}};
    for (size_t i = 0; i < 5 && i < t->n_opts; i++) {
        CHECK_STR(t->opts[i].name, want_a[i][0]);
        CHECK_STR(t->opts[i].value, want_a[i][1]);
    }
    CHECK_INT(t->opts[0].line, 7);
    CHECK_INT(t->opts[4].line, 13);
    t = hoshi_book_table_get(b, 1);
    CHECK_STR(t->id, "b-2.x");
    CHECK_STR(t->title, "B = the second");
    CHECK_STR(t->base, "全員");
    /* where and side replaced (side by an empty value), sort kept */
    CHECK_INT(t->n_opts, 4);
    const char *want_b[][2] = {{"sort", "yes"}, {"where", "Q5!=9"}, {"head", "Q6,Q7"}, {"side", ""}};
    for (size_t i = 0; i < 4 && i < t->n_opts; i++) {
        CHECK_STR(t->opts[i].name, want_b[i][0]);
        CHECK_STR(t->opts[i].value, want_b[i][1]);
    }
    CHECK(hoshi_book_table_get(b, 2) == NULL);
    hoshi_book_free(b);

    /* a book named without a directory keeps its paths as written */
    b = parse("book.ini", "[book]\ncodebook = x/cb.csv\n[table t]\nhead = Q1\n", &err);
    CHECK(b != NULL && strcmp(hoshi_book_codebook(b), "x/cb.csv") == 0);
    CHECK(b != NULL && hoshi_book_data(b) == NULL && hoshi_book_title(b) == NULL);
    hoshi_book_free(b);
    /* no [book] at all: only tables */
    b = parse("book.ini", "[table t]\nhead = Q1\n", &err);
    CHECK(b != NULL && hoshi_book_table_count(b) == 1);
    hoshi_book_free(b);
}

static void every_error(void)
{
    static const struct {
        const char *text, *detail;
    } cases[] = {
        {"head = Q1\n", "b.ini:1: expected 'key = value' inside [book] or a [table ID]"},
        {"[book]\nhead Q1\n", "b.ini:2: expected 'key = value'"},
        {"[book]\n = x\n[table a]\nhead = Q1\n", "b.ini:2: empty key"},
        {"[book\n", "b.ini:1: malformed section header"},
        {"[]\n", "b.ini:1: malformed section header"},
        {"[tables a]\n", "b.ini:1: unknown section [tables a] (expected [book] or [table ID])"},
        {"[table]\n", "b.ini:1: unknown section [table] (expected [book] or [table ID])"},
        {"[table .a]\n", "b.ini:1: bad table id '.a' (letters, digits, _ - . and at most 64, not starting with .)"},
        {"[table a b]\n", "b.ini:1: bad table id 'a b' (letters, digits, _ - . and at most 64, not starting with .)"},
        {"[table 表]\n", "b.ini:1: bad table id '表' (letters, digits, _ - . and at most 64, not starting with .)"},
        {"[table a]\nhead = Q1\n[table a]\nhead = Q1\n", "b.ini:3: table a is already defined on line 1"},
        {"[book]\n[book]\n", "b.ini:2: [book] must come once, before the tables"},
        {"[table a]\nhead = Q1\n[book]\n", "b.ini:3: [book] must come once, before the tables"},
        {"[book]\ntitle = a\ntitle = b\n", "b.ini:3: title is given twice in [book]"},
        {"[book]\ncodebook = a\ncodebook = b\n", "b.ini:3: codebook is given twice in [book]"},
        {"[table a]\nhead = Q1\nbase = x\nbase = y\n", "b.ini:4: base is given twice in table a"},
        {"[book]\ntitle = x\n", "b.ini: no [table ID] section"},
        {"", "b.ini: no [table ID] section"},
        {"[table a]\ntitle = A\n", "b.ini:1: table a has no head"},
        {"[book]\nhead = Q1\n[table a]\nhead =\n", "b.ini:3: table a has no head"},
        {"[table a]\nhead = Q1\n[table b]\nside = Q1\n", "b.ini:3: table b has no head"},
        {"[book]\ntitle = \xE6\x98\n", "b.ini: invalid UTF-8 at byte 16"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hoshi_err err;
        hoshi_book *b = parse("b.ini", cases[i].text, &err);
        CHECK(b == NULL);
        CHECK_INT(err, HOSHI_ERR_INPUT);
        CHECK_STR(hoshi_error_detail(), cases[i].detail);
        hoshi_book_free(b);
    }
    /* a NUL byte */
    hoshi_book *b = NULL;
    CHECK_INT(hoshi_book_parse("b.ini", "[table a]\0head = Q1\n", 19, &b), HOSHI_ERR_INPUT);
    CHECK_STR(hoshi_error_detail(), "b.ini: contains a NUL byte");
    CHECK(b == NULL);
    /* a missing file */
    CHECK_INT(hoshi_book_load("/nonexistent/b.ini", &b), HOSHI_ERR_IO);
    CHECK(b == NULL);
}

/* Every allocation of a parse may fail: out of memory, nothing kept
 * (the sanitizer would report a leak). */
static void allocation_failures(void)
{
    const char *text = "[book]\ntitle = t\ncodebook = c.csv\nside = Q1\n[table a]\nhead = Q1\n"
                       "[table b]\nhead = Q2\nwhere = Q1=1\n";
    for (long n = 0;; n++) {
        hoshi_testing_fail_alloc(n, false);
        hoshi_book *b = NULL;
        hoshi_err err = hoshi_book_parse("d/b.ini", text, strlen(text), &b);
        bool failed = hoshi_testing_alloc_failed();
        hoshi_testing_fail_alloc(-1, false);
        if (!failed) {
            CHECK_INT(err, HOSHI_OK);
            CHECK(b != NULL && hoshi_book_table_count(b) == 2);
            hoshi_book_free(b);
            break;
        }
        CHECK_INT(err, HOSHI_ERR_NOMEM);
        CHECK(b == NULL);
    }
}

static const char CB[] = "qid,type,code,label\nQ1,SA,,Size\nQ1,SA,1,small\nQ1,SA,2,large\n"
                         "Q2,SA,,Q\nQ2,SA,1,yes\nQ2,SA,2,no\nQ3,FA,,Free\n";
static const char DATA[] = "id,Q1,Q2,Q3\n1,1,1,a\n2,2,1,b\n3,1,2,\n";

/* The small survey above, or NULL (the check fails). */
static hoshi_dataset *small_survey(void)
{
    hoshi_dataset *ds = NULL;
    CHECK_INT(hoshi_dataset_parse("cb", CB, strlen(CB), "d", DATA, strlen(DATA), HOSHI_ENC_UTF8, &ds),
              HOSHI_OK);
    return ds;
}

static void append_moves_tables(void)
{
    hoshi_dataset *ds = small_survey();
    if (ds == NULL)
        return;
    const char *heads[] = {"Q1", "Q2"};
    double one[] = {1};
    hoshi_tab_where w = {"Q2", HOSHI_TAB_IS, one, 1};
    hoshi_tab_spec spec = {.heads = heads, .n_heads = 2, .wheres = &w, .n_wheres = 1};
    hoshi_tabset *all = NULL, *ts = NULL, *ts2 = NULL;
    CHECK_INT(hoshi_tabset_new(&all), HOSHI_OK);
    CHECK_INT(hoshi_tab_run(ds, &spec, &ts), HOSHI_OK);
    /* the base in words: the condition with the code's label; the respondents kept */
    CHECK_STR(ts->t[0].base, "Q2 = yes");
    CHECK_INT(ts->t[0].base_n, 2);
    CHECK_INT(hoshi_tabset_append(all, ts, "t1", "Title", NULL), HOSHI_OK);
    CHECK_INT(hoshi_tabset_count(ts), 0);
    CHECK_INT(hoshi_tabset_count(all), 2);
    CHECK_STR(all->t[1].book_id, "t1");
    CHECK_STR(all->t[1].book_title, "Title");
    CHECK_STR(all->t[1].base, "Q2 = yes");
    spec.n_wheres = 0;
    spec.n_heads = 1;
    CHECK_INT(hoshi_tab_run(ds, &spec, &ts2), HOSHI_OK);
    CHECK(ts2->t[0].base == NULL);
    CHECK_INT(ts2->t[0].base_n, 3);
    CHECK_INT(hoshi_tabset_append(all, ts2, "t2", NULL, "everyone"), HOSHI_OK);
    CHECK_INT(hoshi_tabset_count(all), 3);
    CHECK_STR(all->t[2].book_id, "t2");
    CHECK(all->t[2].book_title == NULL);
    CHECK_STR(all->t[2].base, "everyone");
    /* appending nothing is fine */
    CHECK_INT(hoshi_tabset_append(all, ts2, "t3", NULL, NULL), HOSHI_OK);
    CHECK_INT(hoshi_tabset_count(all), 3);
    hoshi_tabset_free(ts);
    hoshi_tabset_free(ts2);
    hoshi_tabset_free(all);
    hoshi_dataset_free(ds);
}

/* A failed append leaves both tabsets as they were. */
static void append_failure_changes_nothing(void)
{
    hoshi_dataset *ds = small_survey();
    if (ds == NULL)
        return;
    const char *heads[] = {"Q1", "Q2"};
    hoshi_tab_spec spec = {.heads = heads, .n_heads = 2};
    for (long n = 0;; n++) {
        hoshi_tabset *all = NULL, *ts = NULL;
        CHECK_INT(hoshi_tabset_new(&all), HOSHI_OK);
        CHECK_INT(hoshi_tab_run(ds, &spec, &ts), HOSHI_OK);
        hoshi_testing_fail_alloc(n, false);
        hoshi_err err = hoshi_tabset_append(all, ts, "id", "title", "base");
        bool failed = hoshi_testing_alloc_failed();
        hoshi_testing_fail_alloc(-1, false);
        if (failed) {
            CHECK_INT(err, HOSHI_ERR_NOMEM);
            CHECK_INT(hoshi_tabset_count(all), 0);
            CHECK_INT(hoshi_tabset_count(ts), 2);
        }
        hoshi_tabset_free(ts);
        hoshi_tabset_free(all);
        if (!failed) {
            CHECK_INT(err, HOSHI_OK);
            break;
        }
    }
    hoshi_dataset_free(ds);
}

static void default_book_of_a_codebook(void)
{
    hoshi_buf b = HOSHI_BUF_INIT;
    CHECK_INT(hoshi_book_from_codebook("x/cb.csv", CB, strlen(CB), "cb.csv", NULL, &b), HOSHI_OK);
    CHECK_STR(b.data, "# hoshi table book: one [table ID] per table; keys are the options of\n"
                      "# 'hoshi tab' without --, plus title and base.  Run: hoshi book run FILE\n"
                      "[book]\ntitle = cb.csv\ncodebook = cb.csv\n\n"
                      "[table Q1]\ntitle = Size\nhead = Q1\n\n"
                      "[table Q2]\ntitle = Q\nhead = Q2\n");
    hoshi_buf_free(&b);
    /* a bad codebook is refused with its position */
    CHECK_INT(hoshi_book_from_codebook("cb", "qid,type\n", 9, NULL, NULL, &b), HOSHI_ERR_INPUT);
    hoshi_buf_free(&b);
}

int main(void)
{
    RUN(settings_and_merged_options);
    RUN(every_error);
    RUN(allocation_failures);
    RUN(append_moves_tables);
    RUN(append_failure_changes_nothing);
    RUN(default_book_of_a_codebook);
    return UNIT_RESULT();
}
