/*
 * test_tab_text.c — text that reaches the tables from outside is UTF-8:
 * the labels of --net, --recode and --bands (and every other option text)
 * are checked where they enter, by the CLI's parser (quoting the option)
 * and by the engine for a typed spec, with the byte position in the message; a codebook is checked even when it comes out of a .hsd
 * cache; and the chart writer, given bad bytes anyway, reads no further
 * than the end of its string (AddressSanitizer watches).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoshi/hoshi.h"
#include "tab/table.h"
#include "tab/tab_int.h"
#include "unit.h"

/* the CLI's parser of the option languages, whose spec the engine runs */
#include "../../src/cli/tab_options.c"

static const char CB[] =
    "qid,type,code,label\n"
    "Q1,SA,,Industry\n"
    "Q1,SA,1,maker\n"
    "Q1,SA,2,shop\n"
    "Q1,SA,3,other\n"
    "N,NUM,,Staff\n";
static const char DATA[] = "id,Q1,N\n1,1,3\n2,2,12\n3,3,\n4,1,40\n";

/* Runs spec over the small survey; returns the error and leaves its detail. */
static hoshi_err run(hoshi_tab_spec *spec)
{
    hoshi_dataset *ds = NULL;
    hoshi_tabset *ts = NULL;
    hoshi_err err = hoshi_dataset_parse("cb", CB, strlen(CB), "d", DATA, strlen(DATA),
                                        HOSHI_ENC_UTF8, &ds);
    CHECK(err == HOSHI_OK);
    if (err == HOSHI_OK)
        err = hoshi_tab_run(ds, spec, &ts);
    hoshi_tabset_free(ts);
    hoshi_dataset_free(ds);
    return err;
}

/* The options as the command line gives them: parsed by the CLI's
 * parser, then run by the engine.  Returns true when refused as bad usage
 * (by either), with the message in msg ("" when it ran). */
static char msg[600];
static bool refused(const char *side, const char *head, char kind, const char *text)
{
    tab_opts o;
    tab_opts_init(&o);
    int rc = side ? tab_opts_side(&o, side) : TAB_OPT_OK;
    if (rc == TAB_OPT_OK)
        rc = tab_opts_head(&o, head);
    if (rc == TAB_OPT_OK && kind != 0)
        rc = kind == 'b' ? tab_opts_bands(&o, text) : tab_opts_net(&o, text, kind == 'r');
    bool bad_usage = rc == TAB_OPT_BAD;
    msg[0] = '\0';
    if (rc == TAB_OPT_BAD) {
        snprintf(msg, sizeof msg, "%s", o.msg);
    } else if (rc == TAB_OPT_OK) {
        hoshi_tab_spec spec = tab_opts_spec(&o);
        hoshi_err err = run(&spec);
        bad_usage = err == HOSHI_ERR_USAGE;
        if (err != HOSHI_OK)
            snprintf(msg, sizeof msg, "%s", hoshi_error_detail());
    }
    CHECK(rc != TAB_OPT_NOMEM);
    tab_opts_free(&o);
    return bad_usage;
}

static void option_labels_must_be_utf8(void)
{
    CHECK(refused(NULL, "Q1", 'n', "Q1:ab\xE3=1,2"));
    CHECK_STR(msg, "--net 'Q1:ab\\xE3=1,2': invalid UTF-8 at byte 6");

    CHECK(refused(NULL, "Q1", 'r', "Q1:\xE3\x81\xAA\xC0\xAF=1,2")); /* an overlong '/' */
    CHECK_STR(msg, "--recode 'Q1:な\\xC0\\xAF=1,2': invalid UTF-8 at byte 7");

    CHECK(refused("N", "Q1", 'b', "small\xFF=..9;big=10.."));
    CHECK_STR(msg, "--bands 'small\\xFF=..9;big=10..': invalid UTF-8 at byte 6");

    CHECK(refused(NULL, "Q1,Q\xE3\x81", 0, NULL));
    CHECK(strstr(msg, "--head 'Q\\xE3\\x81': invalid UTF-8 at byte 2") != NULL);

    /* good UTF-8 passes and the label is used as given */
    CHECK(!refused(NULL, "Q1", 'n', "Q1:製造・小売=1,2"));
    CHECK_STR(msg, "");
}

/* A program that gives the engine a typed spec directly meets the same
 * check: every text is UTF-8. */
static void typed_labels_must_be_utf8(void)
{
    const char *heads[] = {"Q1"};
    const long codes[] = {1, 2};
    const hoshi_tab_net net[] = {{"Q1", "ab\xE3", codes, 2}};
    hoshi_tab_spec spec = {NULL, heads, 1, NULL, 0, NULL, 0, net, 1, NULL, 0, false, 2, NULL, 0, NULL, 0, NULL};
    CHECK_INT(run(&spec), HOSHI_ERR_USAGE);
    CHECK_STR(hoshi_error_detail(), "--net 'ab': invalid UTF-8 at byte 3");
    const hoshi_tab_band bands[] = {{"small\xFF", 0, 9}};
    hoshi_tab_spec spec2 = {"N", heads, 1, NULL, 0, bands, 1, NULL, 0, NULL, 0, false, 2, NULL, 0, NULL, 0, NULL};
    CHECK_INT(run(&spec2), HOSHI_ERR_USAGE);
    CHECK_STR(hoshi_error_detail(), "--bands 'small': invalid UTF-8 at byte 6");
}

/* The codebook inside a .hsd cache reaches the parser without the
 * conversion a CSV file goes through, so the parser checks it itself. */
static void codebook_text_must_be_utf8(void)
{
    static const char bad[] = "qid,type,code,label\nQ1,SA,,ok\nQ1,SA,1,ab\xE3\nQ1,SA,2,x\n";
    hi_codebook *cb = NULL;
    CHECK_INT(hi_codebook_parse("c.hsd", bad, strlen(bad), &cb), HOSHI_ERR_INPUT);
    CHECK_STR(hoshi_error_detail(), "c.hsd:3:4: invalid UTF-8 byte 0xE3 in the codebook");
    hi_codebook_free(cb);
    static const char nul[] = "qid,type,code,label\nQ1,SA,,\"o\0k\"\nQ1,SA,1,x\n";
    cb = NULL;
    CHECK_INT(hi_codebook_parse("c.hsd", nul, sizeof nul - 1, &cb), HOSHI_ERR_INPUT);
    CHECK_STR(hoshi_error_detail(), "c.hsd:2:4: NUL byte in the codebook");
    hi_codebook_free(cb);
    cb = NULL;
    CHECK_INT(hi_codebook_parse("c.hsd", CB, strlen(CB), &cb), HOSHI_OK);
    hi_codebook_free(cb);
}

/* A one-column table whose labels end in cut UTF-8 sequences: each label
 * is its own heap block, so reading one byte past it is a sanitizer report. */
static hoshi_tabset *bad_table(const char *col, const char *row, bool stacked)
{
    hoshi_tabset *ts = calloc(1, sizeof *ts);
    hi_table *t = calloc(1, sizeof *t);
    ts->t = t;
    ts->n = 1;
    t->id = strdup("Q1");
    t->title = strdup("t\xF0\x9F");
    t->n_rows = stacked ? 2 : 1;
    t->n_cols = 1;
    t->row_label = calloc(t->n_rows, sizeof *t->row_label);
    t->row_label[0] = strdup("all");
    if (stacked)
        t->row_label[1] = strdup(row);
    t->row_n = calloc(t->n_rows, sizeof *t->row_n);
    t->col_label = calloc(1, sizeof *t->col_label);
    t->col_label[0] = strdup(col);
    t->col_flag = calloc(1, 1);
    t->count = calloc(t->n_rows, sizeof *t->count);
    t->sig = calloc(t->n_rows, 1);
    for (size_t r = 0; r < t->n_rows; r++)
        t->row_n[r] = t->count[r] = 3;
    return ts;
}

static void chart_reads_no_further_than_a_label(void)
{
    const char *labels[] = {"ab\xE3", "\xE3", "\xF0\x9F\x98", "\xC3", "x\xE3\x81"};
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        for (int stacked = 0; stacked < 2; stacked++) {
            hoshi_tabset *ts = bad_table(labels[i], labels[i], stacked);
            char *svg = NULL;
            size_t len = 0;
            CHECK(hoshi_tab_render(ts, HOSHI_TAB_SVG, NULL, &svg, &len) == HOSHI_OK);
            CHECK(svg != NULL && strstr(svg, "</svg>") != NULL);
            free(svg);
            hoshi_tabset_free(ts);
        }
}

int main(void)
{
    RUN(option_labels_must_be_utf8);
    RUN(typed_labels_must_be_utf8);
    RUN(codebook_text_must_be_utf8);
    RUN(chart_reads_no_further_than_a_label);
    return UNIT_RESULT();
}
