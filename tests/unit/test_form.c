/*
 * test_form.c — questionnaire definitions and answers (hoshi/form.h,
 * src/lib/survey/): the model, pages and languages of a small form; every
 * kind of bad definition with its exact "sheet:row:column: message"; the
 * .xlsx reader (sheets by name, shared and inline strings, sparse cells,
 * phonetic runs, caps, DOCTYPE); the stored blob; answers set, posted,
 * routed, pruned, validated, encoded and decoded; data.csv columns; and
 * allocation failures.
 */
#include "hoshi/hoshi.h"
#include "hoshi/testing.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define FORMS "tests/data/forms"

/* A small form: a note, SA, MA with an exclusive code, a routed text, an
 * integer with a constraint, a page group with a nested routed group and a
 * GRID, and a decimal. */
static const char survey[] =
    "type,name,label::日本語 (ja),label::English (en),hint,required,relevant,constraint,"
    "constraint_message::日本語 (ja),appearance\n"
    "note,intro,ようこそ,Welcome,,,,,,\n"
    "select_one yn,Q1,担当者はいますか,Anyone in charge?,,yes,,,,\n"
    "select_multiple media,Q2,手段,Sources,,yes,,\"not(selected(., '4') and count-selected(.) > 1)\",「特にない」は単独で,\n"
    "text,Q2x,その他の内容,,,yes,\"selected(${Q2}, '3')\",,,\n"
    "integer,Q3,従業員数,Employees,数字で,no,,. >= 1,,\n"
    "begin_group,p2,対策,Measures,,,\"${Q1} = '1'\",,,field-list\n"
    "begin_group,sub,詳細,Details,,,\"${Q3} > 10\",,,\n"
    "decimal,Q4,比率,Share,,yes,,,,\n"
    "end_group,sub,,,,,,,,\n"
    "begin_group,G,各対策,Each measure,,,,,,table-list\n"
    "select_one scale,Gx,使い回さない,No reuse,,yes,,,,\n"
    "select_one scale,Gy,アカウント停止,Close accounts,,yes,\"${Q3} > 1\",,,\n"
    "end_group,G,,,,,,,,\n"
    "end_group,,,,,,,,,\n"
    "note,bye,おわり,,,,,,,\n";

static const char choices[] =
    "list_name,name,label::日本語 (ja),label::English (en)\n"
    "yn,1,はい,Yes\n"
    "yn,2,いいえ,No\n"
    "media,1,取引先,Clients\n"
    "media,2,業界団体,\n"
    "media,3,その他,Other\n"
    "media,4,特にない,None\n"
    "scale,1,できている,Done\n"
    "scale,2,できていない,Not yet\n";

static const char settings[] =
    "form_id,form_title::日本語 (ja),version,default_language\n"
    "t1,テスト,3,日本語 (ja)\n";

static hoshi_form *parse3(const char *s, const char *c, const char *st)
{
    hoshi_form *f = NULL;
    hoshi_err err = hoshi_form_parse_sheets(s, strlen(s), c, c ? strlen(c) : 0, st,
                                            st ? strlen(st) : 0, &f);
    if (err != HOSHI_OK)
        printf("  parse: %s\n", hoshi_error_detail());
    return f;
}

static char *codebook(const hoshi_form *f, hoshi_lang lang)
{
    hoshi_buf b = HOSHI_BUF_INIT;
    char *s = NULL;
    size_t n;
    if (hoshi_form_codebook(f, lang, &b) == HOSHI_OK)
        hoshi_buf_finish(&b, &s, &n);
    hoshi_buf_free(&b);
    return s;
}

static void t_model(void)
{
    hoshi_form *f = parse3(survey, choices, settings);
    CHECK(f != NULL);
    if (f == NULL)
        return;
    CHECK_STR(hoshi_form_id(f), "t1");
    CHECK_STR(hoshi_form_version(f), "3");
    CHECK_STR(hoshi_form_title(f, HOSHI_LANG_EN), "テスト"); /* falls back to ja */
    CHECK_INT(hoshi_form_default_lang(f), HOSHI_LANG_JA);
    /* pages: the loose questions, the p2 group (sub flattened in), the loose note */
    CHECK_INT(hoshi_form_page_count(f), 3);
    const hoshi_form_page *p = hoshi_form_page_get(f, 0, HOSHI_LANG_EN);
    CHECK_STR(p->name, "");
    CHECK_INT(p->n_items, 5);
    CHECK_STR(p->items[0].name, "intro");
    CHECK_INT(p->items[0].kind, HOSHI_FORM_NOTE);
    CHECK_STR(p->items[0].label, "Welcome");
    CHECK_INT(p->items[1].kind, HOSHI_FORM_SA);
    CHECK(p->items[1].required);
    CHECK_INT(p->items[1].n_choices, 2);
    CHECK_STR(p->items[1].choices[1].label, "No");
    CHECK_INT(p->items[1].choices[1].code, 2);
    CHECK_STR(p->items[2].choices[1].label, "業界団体"); /* missing en: default ja */
    CHECK_STR(p->items[3].label, "その他の内容");
    CHECK_STR(p->items[3].relevant, "selected(${Q2}, '3')");
    CHECK_INT(p->items[4].kind, HOSHI_FORM_INT);
    CHECK(!p->items[4].required);
    CHECK_STR(p->items[4].hint, "数字で"); /* plain hint = default language */
    p = hoshi_form_page_get(f, 1, HOSHI_LANG_JA);
    CHECK_STR(p->name, "p2");
    CHECK_STR(p->label, "対策");
    CHECK_INT(p->n_items, 2);
    CHECK_STR(p->items[0].name, "Q4");
    CHECK_INT(p->items[0].kind, HOSHI_FORM_DEC);
    CHECK_INT(p->items[1].kind, HOSHI_FORM_GRID);
    CHECK_STR(p->items[1].name, "G");
    CHECK_STR(p->items[1].appearance, "table-list");
    CHECK_INT(p->items[1].n_rows, 2);
    CHECK_STR(p->items[1].rows[1].name, "Gy");
    CHECK_STR(p->items[1].rows[1].label, "アカウント停止");
    CHECK_INT(p->items[1].rows[1].n_choices, 2);
    CHECK(hoshi_form_page_get(f, 3, HOSHI_LANG_JA) == NULL);
    CHECK_INT(hoshi_form_question_count(f), 6); /* Q1 Q2 Q2x Q3 Q4 G */
    CHECK_STR(hoshi_form_question(f, 5, HOSHI_LANG_JA)->name, "G");
    CHECK(hoshi_form_question(f, 6, HOSHI_LANG_JA) == NULL);
    CHECK_STR(hoshi_form_find(f, "Gx", HOSHI_LANG_EN)->label, "No reuse");
    CHECK(hoshi_form_find(f, "p2", HOSHI_LANG_EN) == NULL); /* a page group is no item */
    CHECK(hoshi_form_find(f, "nope", HOSHI_LANG_EN) == NULL);
    hoshi_form_free(f);
}

static void t_codebook(void)
{
    hoshi_form *f = parse3(survey, choices, settings);
    if (f == NULL) {
        CHECK(f != NULL);
        return;
    }
    char *cb = codebook(f, HOSHI_LANG_EN);
    CHECK_STR(cb, "qid,type,code,label\n"
                  "Q1,SA,,Anyone in charge?\nQ1,SA,1,Yes\nQ1,SA,2,No\n"
                  "Q2,MA,,Sources\nQ2,MA,1,Clients\nQ2,MA,2,業界団体\nQ2,MA,3,Other\nQ2,MA,4,None\n"
                  "Q2x,FA,,その他の内容\n"
                  "Q3,NUM,,Employees\n"
                  "Q4,NUM,,Share\n"
                  "G,GRID,,Each measure\nG,GRID,item:1,No reuse\nG,GRID,item:2,Close accounts\n"
                  "G,GRID,1,Done\nG,GRID,2,Not yet\n");
    free(cb);
    hoshi_buf b = HOSHI_BUF_INIT;
    hoshi_buf_puts(&b, "id");
    hoshi_form_data_header(f, &b);
    CHECK_STR(b.data, "id,Q1,Q2_1,Q2_2,Q2_3,Q2_4,Q2x,Q3,Q4,G_1,G_2");
    hoshi_buf_free(&b);
    hoshi_form_free(f);
}

typedef struct bad_case {
    const char *survey, *choices, *settings;
    hoshi_err err;
    const char *detail;
} bad_case;

#define HEAD "type,name,label,required,relevant,constraint,appearance\n"
#define YN "list_name,name,label\nyn,1,はい\nyn,2,いいえ\nab,1,A\n"

static const bad_case bad[] = {
    {"type,name,label,colour\nnote,n,x,red\n", NULL, NULL, HOSHI_ERR_INPUT,
     "survey:1:colour: unknown column"},
    {HEAD "integr,Q1,x,,,,\n", YN, NULL, HOSHI_ERR_INPUT, "survey:2:type: unknown type: integr"},
    {HEAD ",Q1,x,,,,\n", YN, NULL, HOSHI_ERR_INPUT, "survey:2:type: type missing"},
    {HEAD "integer,Q1,x,,,,\ntext,Q1,y,,,,\n", YN, NULL, HOSHI_ERR_INPUT,
     "survey:3:name: duplicate name: Q1"},
    {HEAD "integer,Q_1,x,,,,\n", YN, NULL, HOSHI_ERR_INPUT,
     "survey:2:name: a name is a letter then letters or digits (no '_'), at most 64: Q_1"},
    {HEAD "integer,1Q,x,,,,\n", YN, NULL, HOSHI_ERR_INPUT,
     "survey:2:name: a name is a letter then letters or digits (no '_'), at most 64: 1Q"},
    {HEAD "integer,,x,,,,\n", YN, NULL, HOSHI_ERR_INPUT, "survey:2:name: name missing"},
    {HEAD "select_one nolist,Q1,x,,,,\n", YN, NULL, HOSHI_ERR_INPUT,
     "survey:2:type: no such choice list in the choices sheet: nolist"},
    {HEAD "select_one yn,Q1,x,,,,\n", "list_name,name,label\nyn,0,はい\n", NULL, HOSHI_ERR_INPUT,
     "choices:2:name: a choice name is its answer code, a positive integer (at most 99999): 0"},
    {HEAD "select_one yn,Q1,x,,,,\n", "list_name,name,label\nyn,1,a\nyn,yes,はい\n", NULL,
     HOSHI_ERR_INPUT,
     "choices:3:name: a choice name is its answer code, a positive integer (at most 99999): yes"},
    {HEAD "select_one yn,Q1,x,,,,\n", "list_name,name,label\nyn,1,a\nyn,1,b\n", NULL,
     HOSHI_ERR_INPUT, "choices:3:name: duplicate choice code in the list: 1"},
    {HEAD "select_one yn,Q1,x,,,,\n", "list_name,name,label\nyn,1,\n", NULL, HOSHI_ERR_INPUT,
     "choices:2:label: a choice needs a label"},
    {HEAD "select_one yn,Q1,x,,,,\n", "list_name,name,label\n,1,a\n", NULL, HOSHI_ERR_INPUT,
     "choices:2:list_name: list_name missing"},
    {HEAD "end_group,g,,,,,\n", YN, NULL, HOSHI_ERR_INPUT,
     "survey:2:type: end_group without a begin_group"},
    {HEAD "begin_group,g,x,,,,\ninteger,Q1,x,,,,\n", YN, NULL, HOSHI_ERR_INPUT,
     "survey:2:type: begin_group without an end_group: g"},
    {HEAD "begin_group,g,x,,,,\ninteger,Q1,x,,,,\nend_group,h,,,,,\n", YN, NULL, HOSHI_ERR_INPUT,
     "survey:4:name: end_group h closes group g (row 2)"},
    {HEAD "begin_group,g,x,,,,table-list\nselect_one yn,Q1,x,,,,\nselect_one ab,Q2,y,,,,\n"
          "end_group,g,,,,,\n", YN, NULL, HOSHI_ERR_INPUT,
     "survey:4:type: a table-list group holds questions of one choice list; this one is not "
     "from list yn"},
    {HEAD "begin_group,g,x,,,,table-list\ninteger,Q1,x,,,,\nend_group,g,,,,,\n", YN, NULL,
     HOSHI_ERR_INPUT, "survey:3:type: a table-list group holds only select_one questions: g"},
    {HEAD "begin_group,g,x,,,,table-list\nend_group,g,,,,,\n", YN, NULL, HOSHI_ERR_INPUT,
     "survey:2:appearance: a table-list group with no questions: g"},
    {HEAD "integer,Q1,x,,${Q1} >,,\n", YN, NULL, HOSHI_ERR_INPUT, NULL},
    {HEAD "integer,Q1,x,,${Q9} = 1,,\n", YN, NULL, HOSHI_ERR_INPUT,
     "survey:2:relevant: unknown question ${Q9}"},
    {HEAD "note,n,x,,,,\ninteger,Q1,x,,${n} = 1,,\n", YN, NULL, HOSHI_ERR_INPUT,
     "survey:3:relevant: ${n} is not a question with an answer"},
    {HEAD "integer,Q1,x,,. > 1,,\n", YN, NULL, HOSHI_ERR_INPUT,
     "survey:2:relevant: '.' (this question) is only for a question's constraint"},
    {HEAD "note,n,x,,,. > 1,\n", YN, NULL, HOSHI_ERR_INPUT,
     "survey:2:constraint: a note takes no constraint"},
    {HEAD "begin_group,g,x,yes,,,\ninteger,Q1,x,,,,\nend_group,g,,,,,\n", YN, NULL,
     HOSHI_ERR_INPUT, "survey:2:required: a group takes no required"},
    {HEAD "integer,Q1,x,${Q1} >,,,\n", YN, NULL, HOSHI_ERR_INPUT, NULL},
    {HEAD "integer,Q1,,,,,\n", YN, NULL, HOSHI_ERR_INPUT, "survey:2:label: a question needs a label"},
    {"type,name,label::English (en)\ninteger,Q1,x\n", NULL, NULL, HOSHI_ERR_INPUT,
     "survey:1:label::English (en): a language column without one for the default language (ja); "
     "the settings sheet's default_language names it"},
    {"type,name,label::Deutsch (de)\ninteger,Q1,x\n", NULL, NULL, HOSHI_ERR_INPUT,
     "survey:1:label::Deutsch (de): unknown language 'Deutsch (de)' (ja or en)"},
    {"type,name,label,label::日本語 (ja)\ninteger,Q1,x,y\n", NULL, NULL, HOSHI_ERR_INPUT,
     "survey:1:label::日本語 (ja): duplicate column"},
    {"type,name,relevant::English (en)\ninteger,Q1,x\n", NULL, NULL, HOSHI_ERR_INPUT,
     "survey:1:relevant::English (en): only label, hint and constraint_message come per language"},
    {"name,label\nQ1,x\n", NULL, NULL, HOSHI_ERR_INPUT,
     "survey:1: the survey sheet needs type and name columns"},
    {"type,name,label\ninteger,Q1,x,oops\n", NULL, NULL, HOSHI_ERR_INPUT,
     "survey:2: a value in column 4, which has no header"},
    {"type,name,label\n", NULL, NULL, HOSHI_ERR_INPUT, "survey: no questions"},
    {"type,name,label\ninteger,Q1,x\n", NULL, "form_id,default_language\nf,Deutsch (de)\n",
     HOSHI_ERR_INPUT, "settings:2:default_language: unknown language (ja or en): Deutsch (de)"},
    {"type,name,label\ninteger,Q1,x\n", NULL, "form_id\nf\ng\n", HOSHI_ERR_INPUT,
     "settings:3: settings take one row"},
    {"type,name,label\ninteger,Q1,x\n", NULL, "form_id,colour\nf,red\n", HOSHI_ERR_INPUT,
     "settings:1:colour: unknown column"},
    {"type,name,label\ninteger,Q1,x\n", "list_name,name,label,extra\n", NULL, HOSHI_ERR_INPUT,
     "choices:1:extra: unknown column"},
    {"type,name,label\ninteger,Q1,\"x\n", NULL, NULL, HOSHI_ERR_INPUT,
     "survey:2:3: quoted field never closed"},
    {"type,name,label\ninteger,Q1,\xff\n", NULL, NULL, HOSHI_ERR_INPUT,
     "survey: invalid UTF-8 at byte 28 (save the sheet as CSV UTF-8)"},
};

static void t_bad_definitions(void)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const bad_case *c = &bad[i];
        hoshi_form *f = NULL;
        hoshi_err err = hoshi_form_parse_sheets(c->survey, strlen(c->survey), c->choices,
                                                c->choices ? strlen(c->choices) : 0, c->settings,
                                                c->settings ? strlen(c->settings) : 0, &f);
        CHECK_INT(err, c->err);
        CHECK(f == NULL);
        if (c->detail != NULL && strcmp(hoshi_error_detail(), c->detail) != 0) {
            printf("  case %zu: got \"%s\"\n", i, hoshi_error_detail());
            CHECK_STR(hoshi_error_detail(), c->detail);
        }
        hoshi_form_free(f);
    }
    /* expression errors carry the expression module's message and column */
    const char *s = HEAD "integer,Q1,x,,${Q1} >,,\n";
    hoshi_form *f = NULL;
    CHECK_INT(hoshi_form_parse_sheets(s, strlen(s), YN, strlen(YN), NULL, 0, &f), HOSHI_ERR_INPUT);
    CHECK_STR(hoshi_error_detail(), "survey:2:relevant: expected a value at the end of the "
                                    "expression at character 8 (\"${Q1} >\")");
}

/* The caps of a definition: columns, cell length, rows. */
static void t_caps(void)
{
    hoshi_buf b = HOSHI_BUF_INIT;
    hoshi_form *f = NULL;
    hoshi_buf_puts(&b, "type,name,label");
    for (int i = 0; i < 62; i++)
        hoshi_buf_printf(&b, ",c%d", i);
    hoshi_buf_puts(&b, "\ninteger,Q1,x\n");
    CHECK_INT(hoshi_form_parse_sheets(b.data, b.len, NULL, 0, NULL, 0, &f), HOSHI_ERR_LIMIT);
    CHECK_STR(hoshi_error_detail(), "survey:1: more than 64 columns");
    hoshi_buf_free(&b);
    hoshi_buf_puts(&b, "type,name,label\ninteger,Q1,");
    for (int i = 0; i < 8193; i++)
        hoshi_buf_putc(&b, 'x');
    hoshi_buf_putc(&b, '\n');
    CHECK_INT(hoshi_form_parse_sheets(b.data, b.len, NULL, 0, NULL, 0, &f), HOSHI_ERR_LIMIT);
    CHECK_STR(hoshi_error_detail(), "survey:2:label: more than 8192 bytes in a cell");
    hoshi_buf_free(&b);
    hoshi_buf_puts(&b, "type,name,label\n");
    for (int i = 0; i < 5001; i++)
        hoshi_buf_printf(&b, "integer,Q%d,x\n", i);
    CHECK_INT(hoshi_form_parse_sheets(b.data, b.len, NULL, 0, NULL, 0, &f), HOSHI_ERR_LIMIT);
    CHECK_STR(hoshi_error_detail(), "survey:5002: more than 5000 rows");
    hoshi_buf_free(&b);
    /* 250 choices fit a list, the 251st does not */
    hoshi_buf_puts(&b, "list_name,name,label\n");
    for (int i = 1; i <= 251; i++)
        hoshi_buf_printf(&b, "l,%d,c\n", i);
    const char *s = "type,name,label\nselect_one l,Q1,x\n";
    CHECK_INT(hoshi_form_parse_sheets(s, strlen(s), b.data, b.len, NULL, 0, &f), HOSHI_ERR_LIMIT);
    CHECK_STR(hoshi_error_detail(), "choices:252:name: more than 250 choices in a list");
    hoshi_buf_free(&b);
    /* groups nested 16 deep are fine, 17 are not */
    hoshi_buf_puts(&b, "type,name,label\n");
    for (int i = 0; i < 17; i++)
        hoshi_buf_printf(&b, "begin_group,g%d,x\n", i);
    CHECK_INT(hoshi_form_parse_sheets(b.data, b.len, NULL, 0, NULL, 0, &f), HOSHI_ERR_LIMIT);
    CHECK_STR(hoshi_error_detail(), "survey:18:type: groups nested more than 16 deep");
    hoshi_buf_free(&b);
    CHECK(f == NULL);
}

static void t_languages(void)
{
    /* en as the default: plain label is en; ja labels fill in ja */
    const char *s = "type,name,label,label::日本語 (ja)\ninteger,Q1,Staff,従業員\ntext,Q2,Notes,\n";
    const char *st = "form_id,form_title,default_language\nf,Title,English (en)\n";
    hoshi_form *f = parse3(s, NULL, st);
    if (f == NULL) {
        CHECK(f != NULL);
        return;
    }
    CHECK_INT(hoshi_form_default_lang(f), HOSHI_LANG_EN);
    CHECK_STR(hoshi_form_title(f, HOSHI_LANG_JA), "Title");
    CHECK_STR(hoshi_form_find(f, "Q1", HOSHI_LANG_JA)->label, "従業員");
    CHECK_STR(hoshi_form_find(f, "Q2", HOSHI_LANG_JA)->label, "Notes");
    char *cb = codebook(f, HOSHI_LANG_JA);
    CHECK_STR(cb, "qid,type,code,label\nQ1,NUM,,従業員\nQ2,FA,,Notes\n");
    free(cb);
    hoshi_form_free(f);
    /* no settings: id "form", title = id, ja default */
    f = parse3("type,name,label\nnote,n,\"a, \"\"b\"\"\"\ntext,T,\"x,y\"\n", NULL, NULL);
    if (f == NULL) {
        CHECK(f != NULL);
        return;
    }
    CHECK_STR(hoshi_form_id(f), "form");
    CHECK_STR(hoshi_form_title(f, HOSHI_LANG_EN), "form");
    cb = codebook(f, HOSHI_LANG_EN);
    CHECK_STR(cb, "qid,type,code,label\nT,FA,,\"x,y\"\n");
    free(cb);
    hoshi_form_free(f);
}

static char *read_all(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return NULL;
    char *buf = malloc(1 << 20);
    *len = fread(buf, 1, 1 << 20, fp);
    fclose(fp);
    return buf;
}

static void t_xlsx(void)
{
    hoshi_form *a = NULL, *b = NULL;
    CHECK_INT(hoshi_form_load(FORMS "/sample.xlsx", &a), HOSHI_OK);
    CHECK_INT(hoshi_form_load(FORMS "/sample", &b), HOSHI_OK);
    if (a == NULL || b == NULL) {
        printf("  %s\n", hoshi_error_detail());
        hoshi_form_free(a);
        hoshi_form_free(b);
        return;
    }
    char *ca = codebook(a, HOSHI_LANG_EN), *cbk = codebook(b, HOSHI_LANG_EN);
    CHECK_STR(ca, cbk);
    CHECK(strstr(ca, "Q1,SA,1,Yes\n") != NULL);
    free(ca);
    free(cbk);
    ca = codebook(a, HOSHI_LANG_JA);
    CHECK(strstr(ca, "Q1,SA,1,はい\n") != NULL); /* the phonetic run ハイ is left out */
    free(ca);
    CHECK_STR(hoshi_form_title(a, HOSHI_LANG_JA), "サンプル調査");
    /* the same stored blob from both sources */
    char *sa = NULL, *sb = NULL;
    size_t la = 0, lb = 0;
    CHECK_INT(hoshi_form_serialize(a, &sa, &la), HOSHI_OK);
    CHECK_INT(hoshi_form_serialize(b, &sb, &lb), HOSHI_OK);
    CHECK_STR(sa, sb);
    free(sa);
    free(sb);
    hoshi_form_free(a);
    hoshi_form_free(b);
    /* from memory, as an upload */
    size_t len = 0;
    char *data = read_all(FORMS "/sample.xlsx", &len);
    CHECK_INT(hoshi_form_parse("up.xlsx", data, len, &a), HOSHI_OK);
    hoshi_form_free(a);
    CHECK_INT(hoshi_form_parse("up.xlsx", data, len / 2, &a), HOSHI_ERR_INPUT);
    CHECK(strncmp(hoshi_error_detail(), "xlsx: not a readable zip archive", 32) == 0);
    free(data);
    static const struct { const char *file; hoshi_err err; const char *detail; } cases[] = {
        {"badlist.xlsx", HOSHI_ERR_INPUT,
         "survey:5:type (A5): no such choice list in the choices sheet: nolist"},
        {"doctype.xlsx", HOSHI_ERR_INPUT,
         "xlsx: xl/workbook.xml:1: a DOCTYPE (not allowed in a workbook)"},
        {"nosurvey.xlsx", HOSHI_ERR_INPUT, "xlsx: the workbook has no sheet named survey"},
        {"bomb.xlsx", HOSHI_ERR_LIMIT, "xlsx: xl/worksheets/sheet9.xml is larger than 16777216 bytes"},
        {"make_xlsx.py", HOSHI_ERR_INPUT, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, FORMS "/%s", cases[i].file);
        a = NULL;
        CHECK_INT(hoshi_form_load(path, &a), cases[i].err);
        CHECK(a == NULL);
        if (cases[i].detail != NULL)
            CHECK_STR(hoshi_error_detail(), cases[i].detail);
    }
    CHECK_INT(hoshi_form_load(FORMS "/none", &a), HOSHI_ERR_IO);
}

/* A workbook as a real spreadsheet writer makes it (libxlsxwriter: shared
 * strings, styles, document properties, numbers as numbers), its sheets in
 * another order than the form's and a blank row in the survey sheet. */
static void t_xlsx_writer(void)
{
    static const char *const sv[][6] = {
        {"type", "name", "label::日本語 (ja)", "label::English (en)", "relevant", "appearance"},
        {"select_one yn", "Q1", "担当者はいますか", "Anyone in charge?", "", ""},
        {"", "", "", "", "", ""},
        {"integer", "Q2", "人数", "People", "${Q1} = '1'", ""},
        {"begin_group", "G", "対策", "Measures", "", "table-list"},
        {"select_one yn", "Ga", "更新", "Updates", "", ""},
        {"select_one yn", "Gb", "バックアップ", "Backups", "", ""},
        {"end_group", "G", "", "", "", ""},
    };
    char path[] = "/tmp/hoshi-test-form-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    close(fd);
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *st = workbook_add_worksheet(wb, "settings");
    lxw_worksheet *ch = workbook_add_worksheet(wb, "choices");
    lxw_worksheet *su = workbook_add_worksheet(wb, "survey");
    worksheet_write_string(st, 0, 0, "form_id", NULL);
    worksheet_write_string(st, 0, 1, "version", NULL);
    worksheet_write_string(st, 1, 0, "xw", NULL);
    worksheet_write_number(st, 1, 1, 20260401, NULL);
    worksheet_write_string(ch, 0, 0, "list_name", NULL);
    worksheet_write_string(ch, 0, 1, "name", NULL);
    worksheet_write_string(ch, 0, 2, "label::日本語 (ja)", NULL);
    worksheet_write_string(ch, 0, 3, "label::English (en)", NULL);
    static const char *const yn[][2] = {{"はい", "Yes"}, {"いいえ", "No"}};
    for (int r = 0; r < 2; r++) {
        worksheet_write_string(ch, (lxw_row_t)(r + 1), 0, "yn", NULL);
        worksheet_write_number(ch, (lxw_row_t)(r + 1), 1, r + 1, NULL);
        worksheet_write_string(ch, (lxw_row_t)(r + 1), 2, yn[r][0], NULL);
        worksheet_write_string(ch, (lxw_row_t)(r + 1), 3, yn[r][1], NULL);
    }
    for (int r = 0; r < 8; r++)
        for (int c = 0; c < 6; c++)
            if (sv[r][c][0] != '\0')
                worksheet_write_string(su, (lxw_row_t)r, (lxw_col_t)c, sv[r][c], NULL);
    CHECK_INT(workbook_close(wb), LXW_NO_ERROR);
    hoshi_form *f = NULL;
    CHECK_INT(hoshi_form_load(path, &f), HOSHI_OK);
    if (f != NULL) {
        CHECK_STR(hoshi_form_id(f), "xw");
        CHECK_STR(hoshi_form_version(f), "20260401");
        char *cb = codebook(f, HOSHI_LANG_EN);
        CHECK_STR(cb, "qid,type,code,label\nQ1,SA,,Anyone in charge?\nQ1,SA,1,Yes\nQ1,SA,2,No\n"
                      "Q2,NUM,,People\nG,GRID,,Measures\nG,GRID,item:1,Updates\n"
                      "G,GRID,item:2,Backups\nG,GRID,1,Yes\nG,GRID,2,No\n");
        free(cb);
        hoshi_form_free(f);
    } else {
        printf("  %s\n", hoshi_error_detail());
    }
    /* a message names the row the user sees, after the blank row 3 */
    lxw_workbook *wb2 = workbook_new(path);
    lxw_worksheet *su2 = workbook_add_worksheet(wb2, "survey");
    worksheet_write_string(su2, 0, 0, "type", NULL);
    worksheet_write_string(su2, 0, 1, "name", NULL);
    worksheet_write_string(su2, 0, 3, "label", NULL);
    worksheet_write_string(su2, 1, 0, "integer", NULL);
    worksheet_write_string(su2, 1, 1, "Q1", NULL);
    worksheet_write_string(su2, 1, 3, "x", NULL);
    worksheet_write_string(su2, 3, 0, "text", NULL);
    worksheet_write_string(su2, 3, 1, "Q1", NULL);
    worksheet_write_string(su2, 3, 3, "y", NULL);
    CHECK_INT(workbook_close(wb2), LXW_NO_ERROR);
    f = NULL;
    CHECK_INT(hoshi_form_load(path, &f), HOSHI_ERR_INPUT);
    CHECK_STR(hoshi_error_detail(), "survey:4:name (B4): duplicate name: Q1");
    hoshi_form_free(f);
    unlink(path);
}

static void t_blob(void)
{
    hoshi_form *f = parse3(survey, choices, settings), *g = NULL;
    if (f == NULL) {
        CHECK(f != NULL);
        return;
    }
    char *s = NULL, *t = NULL;
    size_t n = 0, m = 0;
    CHECK_INT(hoshi_form_serialize(f, &s, &n), HOSHI_OK);
    CHECK(strncmp(s, "hoshi-form 1\nsheet survey ", 26) == 0);
    CHECK_INT(hoshi_form_parse("db", s, n, &g), HOSHI_OK);
    if (g != NULL) {
        CHECK_INT(hoshi_form_serialize(g, &t, &m), HOSHI_OK);
        CHECK_INT(m, n);
        CHECK_STR(t, s);
        char *c1 = codebook(f, HOSHI_LANG_EN), *c2 = codebook(g, HOSHI_LANG_EN);
        CHECK_STR(c1, c2);
        free(c1);
        free(c2);
        CHECK_INT(hoshi_form_page_count(g), 3);
        free(t);
        hoshi_form_free(g);
    }
    /* damaged blobs */
    CHECK_INT(hoshi_form_parse("db", s, n - 1, &g), HOSHI_ERR_INPUT);
    CHECK_STR(hoshi_error_detail(), "stored definition: bad size of sheet settings");
    CHECK_INT(hoshi_form_parse("db", "hoshi-form 1\nsheet choices 0\n\n", 30, &g), HOSHI_ERR_INPUT);
    CHECK_STR(hoshi_error_detail(), "stored definition: sheet survey missing");
    CHECK_INT(hoshi_form_parse("db", "hello", 5, &g), HOSHI_ERR_INPUT);
    CHECK_STR(hoshi_error_detail(), "db: neither an .xlsx workbook nor a stored definition");
    free(s);
    hoshi_form_free(f);
}

static hoshi_form_texts *texts(hoshi_lang lang)
{
    hoshi_form_texts *tx = NULL;
    if (hoshi_form_texts_open(NULL, lang, &tx) != HOSHI_OK)
        printf("  texts: %s\n", hoshi_error_detail());
    return tx;
}

static void t_answers(void)
{
    hoshi_form *f = parse3(survey, choices, settings);
    hoshi_form_texts *ja = texts(HOSHI_LANG_JA), *en = texts(HOSHI_LANG_EN);
    hoshi_answers *a = NULL;
    if (f == NULL || ja == NULL || en == NULL || hoshi_answers_new(f, &a) != HOSHI_OK) {
        CHECK(0);
        goto out;
    }
    CHECK(hoshi_answers_form(a) == f);
    CHECK(hoshi_answers_empty(a));
    /* MA: codes kept in list order, duplicates once */
    const char *ma[] = {"4", "1", "", "1"};
    CHECK_INT(hoshi_answers_set(a, "Q2", ma, 4), HOSHI_OK);
    const char *const *v;
    size_t n;
    hoshi_answers_get(a, "Q2", &v, &n);
    CHECK_INT(n, 2);
    CHECK_STR(v[0], "1");
    CHECK_STR(v[1], "4");
    CHECK(hoshi_answers_chosen(a, "Q2", 4));
    CHECK(!hoshi_answers_chosen(a, "Q2", 3));
    const char *bad1[] = {"5"};
    CHECK_INT(hoshi_answers_set(a, "Q2", bad1, 1), HOSHI_ERR_INPUT);
    hoshi_answers_get(a, "Q2", &v, &n);
    CHECK_INT(n, 0); /* a bad value leaves the question unanswered */
    CHECK_INT(hoshi_answers_set(a, "nope", bad1, 1), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_answers_set(a, "intro", bad1, 1), HOSHI_ERR_NOTFOUND);
    const char *num[] = {" 0012 "};
    CHECK_INT(hoshi_answers_set(a, "Q3", num, 1), HOSHI_OK);
    hoshi_answers_get(a, "Q3", &v, &n);
    CHECK_STR(v[0], "0012");
    const char *wide[] = {"\xe3\x80\x80\xef\xbc\x8d\xef\xbc\x91\xef\xbc\x92"}; /* "　－１２" */
    CHECK_INT(hoshi_answers_set(a, "Q3", wide, 1), HOSHI_OK);
    hoshi_answers_get(a, "Q3", &v, &n);
    CHECK_STR(n ? v[0] : "", "-12");
    const char *wdec[] = {"\xef\xbc\x90\xef\xbc\x8e\xef\xbc\x95"}; /* "０．５" */
    CHECK_INT(hoshi_answers_set(a, "Q4", wdec, 1), HOSHI_OK);
    hoshi_answers_get(a, "Q4", &v, &n);
    CHECK_STR(n ? v[0] : "", "0.5");
    const char *wtext[] = {"\xef\xbc\x91"}; /* text keeps "１" */
    CHECK_INT(hoshi_answers_set(a, "Q2x", wtext, 1), HOSHI_OK);
    hoshi_answers_get(a, "Q2x", &v, &n);
    CHECK_STR(n ? v[0] : "", "\xef\xbc\x91");
    CHECK_INT(hoshi_answers_set(a, "Q2x", NULL, 0), HOSHI_OK);
    CHECK_INT(hoshi_answers_set(a, "Q4", NULL, 0), HOSHI_OK);
    CHECK_INT(hoshi_answers_set(a, "Q3", num, 1), HOSHI_OK);

    /* a posted page: fields by name, every problem kind; problems of
     * questions that end up hidden are dropped with their answers */
    hoshi_form_field page0[] = {
        {"csrf", "x"}, {"Q1", "1"}, {"Q2", "3"}, {"Q3", "3.5"}, {"Q2x", "\xe2\x80\xae"},
        {"Gx", "9"}, {"Gy", "1"}, {"Gy", "2"},
    };
    hoshi_form_problems pr = HOSHI_FORM_PROBLEMS_INIT;
    CHECK_INT(hoshi_answers_post(a, 0, page0, 8, en, &pr), HOSHI_OK);
    CHECK_INT(pr.n, 3); /* Gy: hidden, as Q3 (> 1) has no valid answer */
    if (pr.n == 3) {
        CHECK_STR(pr.v[0].name, "Q2x");
        CHECK_INT(pr.v[0].kind, HOSHI_FORM_P_BAD_TEXT);
        CHECK_STR(pr.v[0].message, "This answer holds characters that cannot be used.");
        CHECK_STR(pr.v[1].name, "Q3");
        CHECK_INT(pr.v[1].kind, HOSHI_FORM_P_NOT_INTEGER);
        CHECK_STR(pr.v[2].name, "Gx");
        CHECK_INT(pr.v[2].kind, HOSHI_FORM_P_NOT_CODE);
        CHECK_STR(pr.v[2].message, "Please pick one of the options given.");
    }
    hoshi_form_problems_free(&pr);
    hoshi_form_field page0b[] = {{"Q1", "1"}, {"Q1", "2"}, {"Q3", "20"}, {"Q4", "1e3"}};
    CHECK_INT(hoshi_answers_post(a, 0, page0b, 4, en, &pr), HOSHI_OK);
    CHECK_INT(pr.n, 1); /* Q4 hidden with Q1 unanswered */
    if (pr.n == 1)
        CHECK_INT(pr.v[0].kind, HOSHI_FORM_P_ONE_VALUE);
    hoshi_form_problems_free(&pr);
    hoshi_form_field page0c[] = {{"Q1", "1"}, {"Q3", "20"}, {"Q4", "1e3"}, {"Gy", "1"}, {"Gy", "2"}};
    CHECK_INT(hoshi_answers_post(a, 0, page0c, 5, en, &pr), HOSHI_OK);
    CHECK_INT(pr.n, 2);
    if (pr.n == 2) {
        CHECK_STR(pr.v[0].name, "Q4");
        CHECK_INT(pr.v[0].kind, HOSHI_FORM_P_NOT_NUMBER);
        CHECK_STR(pr.v[0].message, "Please enter a number in digits.");
        CHECK_STR(pr.v[1].name, "Gy");
        CHECK_INT(pr.v[1].kind, HOSHI_FORM_P_ONE_VALUE);
    }
    hoshi_form_problems_free(&pr);
    hoshi_answers_get(a, "Q2", &v, &n);
    CHECK_INT(n, 0); /* on page 0 and not posted: cleared */
    hoshi_answers_get(a, "Q3", &v, &n);
    CHECK_INT(n, 1);
    hoshi_form_field clear[] = {{"Q1", ""}, {"Q3", ""}};
    CHECK_INT(hoshi_answers_post(a, 0, clear, 2, en, &pr), HOSHI_OK);
    CHECK(hoshi_answers_empty(a));

    hoshi_form_field good[] = {{"Q1", "1"}, {"Q2", "3"}, {"Q2", "4"}, {"Q2x", "紙の\r\n案内"},
                               {"Q3", "42"}, {"Q4", "0.25"}, {"Gx", "2"}, {"Gy", "1"},
                               {"action", "next"}};
    CHECK_INT(hoshi_answers_post(a, HOSHI_FORM_ALL, good, 9, ja, &pr), HOSHI_OK);
    CHECK_INT(pr.n, 0);
    hoshi_answers_get(a, "Q2x", &v, &n);
    CHECK_STR(n ? v[0] : "", "紙の\n案内");
    CHECK(hoshi_form_relevant(a, "Q2x"));
    CHECK(hoshi_form_relevant(a, "Q4"));
    CHECK(hoshi_form_relevant(a, "G"));
    CHECK(hoshi_form_relevant(a, "p2"));
    CHECK(!hoshi_form_relevant(a, "nope"));
    CHECK(hoshi_form_page_relevant(a, 1));

    /* the exclusive code: constraint with the question's own message */
    CHECK_INT(hoshi_answers_validate(a, 0, ja, &pr), HOSHI_OK);
    CHECK_INT(pr.n, 1);
    if (pr.n == 1) {
        CHECK_STR(pr.v[0].name, "Q2");
        CHECK_INT(pr.v[0].kind, HOSHI_FORM_P_CONSTRAINT);
        CHECK_STR(pr.v[0].message, "「特にない」は単独で");
    }
    hoshi_form_problems_free(&pr);
    /* in en the message falls back to the default language's */
    CHECK_INT(hoshi_answers_validate(a, HOSHI_FORM_ALL, en, &pr), HOSHI_OK);
    CHECK_INT(pr.n, 1);
    hoshi_form_problems_free(&pr);

    /* the encoded text and back */
    char *enc = NULL;
    size_t elen = 0;
    CHECK_INT(hoshi_answers_encode(a, &enc, &elen), HOSHI_OK);
    CHECK_STR(enc, "Q1=1&Q2=3&Q2=4&Q2x=%E7%B4%99%E3%81%AE%0A%E6%A1%88%E5%86%85&Q3=42&Q4=0.25"
                   "&Gx=2&Gy=1");
    hoshi_buf row = HOSHI_BUF_INIT;
    hoshi_buf_puts(&row, "7");
    hoshi_answers_data_row(a, &row);
    CHECK_STR(row.data, "7,1,0,0,1,1,\"紙の\n案内\",42,0.25,2,1");
    hoshi_buf_free(&row);

    /* routing: Q2 without 3 hides Q2x; Q1=2 hides the whole p2 page; pruned */
    hoshi_form_field p0[] = {{"Q1", "2"}, {"Q2", "1"}, {"Q3", "1"}};
    CHECK_INT(hoshi_answers_post(a, 0, p0, 3, ja, &pr), HOSHI_OK);
    CHECK_INT(pr.n, 0);
    CHECK(!hoshi_form_relevant(a, "Q2x"));
    CHECK(!hoshi_form_relevant(a, "Q4")); /* its page group's relevant */
    CHECK(!hoshi_form_relevant(a, "Gx"));
    CHECK(!hoshi_form_page_relevant(a, 1));
    CHECK_INT(hoshi_form_page_step(a, 0, true), 2);
    CHECK_INT(hoshi_form_page_step(a, 2, false), 0);
    CHECK_INT(hoshi_form_page_step(a, 2, true), 3);
    CHECK_INT(hoshi_form_page_step(a, 0, false), HOSHI_FORM_ALL);
    CHECK_INT(hoshi_form_page_step(a, HOSHI_FORM_ALL, true), 0);
    char *enc2 = NULL;
    CHECK_INT(hoshi_answers_encode(a, &enc2, &elen), HOSHI_OK);
    CHECK_STR(enc2, "Q1=2&Q2=1&Q3=1");
    free(enc2);
    row = (hoshi_buf)HOSHI_BUF_INIT;
    hoshi_answers_data_row(a, &row);
    CHECK_STR(row.data, ",2,1,0,0,0,,1,,,");
    hoshi_buf_free(&row);
    CHECK_INT(hoshi_answers_validate(a, HOSHI_FORM_ALL, ja, &pr), HOSHI_OK);
    CHECK_INT(pr.n, 0); /* hidden required questions are not asked */
    hoshi_form_problems_free(&pr);
    /* required: Q1 emptied */
    hoshi_form_field none[] = {{"Q1", ""}};
    CHECK_INT(hoshi_answers_post(a, 0, none, 1, ja, &pr), HOSHI_OK);
    CHECK_INT(hoshi_answers_validate(a, 0, ja, &pr), HOSHI_OK);
    CHECK_INT(pr.n, 2); /* Q2 was on the page and not posted: cleared too */
    if (pr.n == 2) {
        CHECK_STR(pr.v[0].name, "Q1");
        CHECK_INT(pr.v[0].kind, HOSHI_FORM_P_REQUIRED);
        CHECK_STR(pr.v[0].message, "この質問への回答は必須です。");
        CHECK_STR(pr.v[1].name, "Q2");
    }
    hoshi_form_problems_free(&pr);
    /* a constraint on a number: . >= 1 */
    hoshi_form_field zero[] = {{"Q1", "1"}, {"Q2", "2"}, {"Q3", "0"}};
    CHECK_INT(hoshi_answers_post(a, 0, zero, 3, ja, &pr), HOSHI_OK);
    CHECK_INT(hoshi_answers_validate(a, 0, en, &pr), HOSHI_OK);
    CHECK_INT(pr.n, 1);
    if (pr.n == 1) {
        CHECK_STR(pr.v[0].name, "Q3");
        CHECK_STR(pr.v[0].message, "Please check this answer against the others you gave.");
    }
    hoshi_form_problems_free(&pr);

    /* decode: the stored text back, then refusals that leave answers unchanged */
    CHECK_INT(hoshi_answers_decode(a, enc, strlen(enc)), HOSHI_OK);
    char *enc3 = NULL;
    CHECK_INT(hoshi_answers_encode(a, &enc3, &elen), HOSHI_OK);
    CHECK_STR(enc3, enc);
    static const struct { const char *text; const char *detail; } refused[] = {
        {"Q1=1&Q9=2", "stored answers: no question named Q9"},
        {"Q1=1&Q1=2", "stored answers: Q1 takes one value"},
        {"Q1=3", "stored answers: Q1: not a code of list yn"},
        {"Q3=x", "stored answers: Q3: not an integer"},
        {"Q1=%4", "stored answers: a bad %-escape at byte 1"},
        {"Q1=%00", "stored answers: a bad %-escape at byte 1"},
        {"Q1", "stored answers: a pair without name=value at byte 1"},
        {"Q1=1&=2", "stored answers: a pair without name=value at byte 6"},
        {"intro=1", "stored answers: no question named intro"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        CHECK_INT(hoshi_answers_decode(a, refused[i].text, strlen(refused[i].text)),
                  HOSHI_ERR_INPUT);
        CHECK_STR(hoshi_error_detail(), refused[i].detail);
    }
    char *enc4 = NULL;
    CHECK_INT(hoshi_answers_encode(a, &enc4, &elen), HOSHI_OK);
    CHECK_STR(enc4, enc);
    CHECK_INT(hoshi_answers_decode(a, "", 0), HOSHI_OK);
    CHECK(hoshi_answers_empty(a));
    free(enc4);
    free(enc3);
    free(enc);
    /* text caps */
    char *longtext = malloc(HOSHI_FORM_MAX_TEXT + 2);
    memset(longtext, 'a', HOSHI_FORM_MAX_TEXT + 1);
    longtext[HOSHI_FORM_MAX_TEXT + 1] = '\0';
    hoshi_form_field lf[] = {{"Q1", "1"}, {"Q2", "3"}, {"Q2x", longtext}};
    CHECK_INT(hoshi_answers_post(a, HOSHI_FORM_ALL, lf, 3, en, &pr), HOSHI_OK);
    CHECK_INT(pr.n, 1);
    if (pr.n == 1)
        CHECK_INT(pr.v[0].kind, HOSHI_FORM_P_TOO_LONG);
    hoshi_form_problems_free(&pr);
    free(longtext);
out:
    hoshi_answers_free(a);
    hoshi_form_texts_free(ja);
    hoshi_form_texts_free(en);
    hoshi_form_free(f);
}

/* The shipped 2018 questionnaire: its routing and exclusive codes. */
static void t_sa2018(void)
{
    hoshi_form *f = NULL;
    hoshi_answers *a = NULL;
    hoshi_form_texts *ja = texts(HOSHI_LANG_JA);
    if (hoshi_form_load("data/surveys/sa2018", &f) != HOSHI_OK ||
        hoshi_answers_new(f, &a) != HOSHI_OK || ja == NULL) {
        printf("  %s\n", hoshi_error_detail());
        CHECK(0);
        goto out;
    }
    CHECK_STR(hoshi_form_id(f), "sa2018");
    CHECK_INT(hoshi_form_question_count(f), 17);
    const hoshi_form_item *g = hoshi_form_find(f, "Q12", HOSHI_LANG_EN);
    CHECK(g != NULL && g->kind == HOSHI_FORM_GRID && g->n_rows == 7 && g->n_choices == 4);
    CHECK(!hoshi_form_relevant(a, "Q14"));
    const char *q13[] = {"1", "4"};
    CHECK_INT(hoshi_answers_set(a, "Q13", q13, 2), HOSHI_OK);
    CHECK(hoshi_form_relevant(a, "Q14"));
    const char *q11[] = {"2", "8"};
    CHECK_INT(hoshi_answers_set(a, "Q11", q11, 2), HOSHI_OK);
    hoshi_form_problems pr = HOSHI_FORM_PROBLEMS_INIT;
    CHECK_INT(hoshi_form_page_count(f), 8);
    CHECK_STR(hoshi_form_page_get(f, 4, HOSHI_LANG_EN)->items[0].name, "Q11");
    CHECK_STR(hoshi_form_page_get(f, 4, HOSHI_LANG_EN)->label, "Incidents");
    CHECK_INT(hoshi_answers_validate(a, 4, ja, &pr), HOSHI_OK);
    CHECK_INT(pr.n, 1);
    if (pr.n == 1)
        CHECK_STR(pr.v[0].message, "「いずれも起きていない」は他の選択肢と同時に選べません。");
    hoshi_form_problems_free(&pr);
out:
    hoshi_answers_free(a);
    hoshi_form_texts_free(ja);
    hoshi_form_free(f);
}

/* Responses to the 2018 questionnaire as stored, to data.csv rows as the
 * exporter writes them (tests/data/forms/sa2018-data.csv, which the CLI
 * test tabulates with the codebook of `hoshi survey codebook`), and that
 * data read back by the tab engine: the routed Q14 counted over those who
 * chose code 4 of Q13. */
static const char *const responses[] = {
    "Q1=1&Q2=1&Q3=1&Q4=1&Q5=1&Q6=1&Q7=1&Q8=3&Q9=1&Q10=2&Q11=8&Q12a=1&Q12b=1&Q12c=2&Q12d=2"
    "&Q12e=3&Q12f=1&Q12g=4&Q13=4&Q14=2&Q15=1&Q16=%E3%81%82%E3%82%8A%E3%81%8C%E3%81%A8%E3%81%86",
    "Q1=2&Q2=2&Q3=2&Q4=2&Q4=3&Q5=2&Q6=2&Q7=2&Q8=10&Q8x=%E7%9B%A3%E6%9F%BB%2C%20%22%E5%BF%85%E9%A0%88%22"
    "&Q9=6&Q11=1&Q11=2&Q12a=1&Q12b=1&Q12c=1&Q12d=1&Q12e=1&Q12f=1&Q12g=1&Q13=1&Q13=4&Q14=1&Q15=2",
    "Q1=4&Q2=2&Q3=1&Q4=5&Q5=1&Q6=3&Q7=1&Q8=1&Q8=5&Q9=2&Q9=3&Q10=0&Q11=8&Q12a=2&Q12b=3&Q12c=3"
    "&Q12d=4&Q12e=3&Q12f=2&Q12g=3&Q13=2&Q13=3&Q15=3&Q15=7",
    "Q1=13&Q2=6&Q3=5&Q4=8&Q5=2&Q6=4&Q7=6&Q8=9&Q9=7&Q11=3&Q12a=1&Q12b=2&Q12c=1&Q12d=2&Q12e=2"
    "&Q12f=2&Q12g=2&Q13=4&Q13=10&Q14=8&Q15=5",
};

static void t_sa2018_tab(void)
{
    hoshi_form *f = NULL;
    hoshi_answers *a = NULL;
    hoshi_buf data = HOSHI_BUF_INIT, cb = HOSHI_BUF_INIT;
    hoshi_dataset *ds = NULL;
    hoshi_tabset *ts = NULL;
    char *table = NULL;
    size_t len = 0;
    if (hoshi_form_load("data/surveys/sa2018", &f) != HOSHI_OK ||
        hoshi_answers_new(f, &a) != HOSHI_OK) {
        CHECK(0);
        goto out;
    }
    hoshi_buf_puts(&data, "id");
    hoshi_form_data_header(f, &data);
    hoshi_buf_putc(&data, '\n');
    for (size_t i = 0; i < sizeof responses / sizeof responses[0]; i++) {
        CHECK_INT(hoshi_answers_decode(a, responses[i], strlen(responses[i])), HOSHI_OK);
        hoshi_buf_printf(&data, "%zu", i + 1);
        hoshi_answers_data_row(a, &data);
        hoshi_buf_putc(&data, '\n');
    }
    size_t flen = 0;
    char *want = read_all(FORMS "/sa2018-data.csv", &flen);
    if (want == NULL || flen != data.len || memcmp(want, data.data, flen) != 0) {
        printf("  data.csv differs from " FORMS "/sa2018-data.csv; got:\n%s", data.data);
        CHECK(0);
    }
    free(want);
    CHECK_INT(hoshi_form_codebook(f, HOSHI_LANG_JA, &cb), HOSHI_OK);
    CHECK_INT(hoshi_dataset_parse("codebook.csv", cb.data, cb.len, "data.csv", data.data, data.len,
                                  HOSHI_ENC_UTF8, &ds), HOSHI_OK);
    if (ds == NULL) {
        printf("  %s\n", hoshi_error_detail());
        goto out;
    }
    CHECK_INT(hoshi_dataset_rows(ds), 4);
    const char *heads[] = {"Q14"};
    double four = 4;
    hoshi_tab_where w = {"Q13", HOSHI_TAB_IS, &four, 1};
    hoshi_tab_spec spec = {.side = "Q5", .heads = heads, .n_heads = 1, .wheres = &w, .n_wheres = 1};
    CHECK_INT(hoshi_tab_run(ds, &spec, &ts), HOSHI_OK);
    CHECK_INT(hoshi_tab_render(ts, HOSHI_TAB_CSV, NULL, &table, &len), HOSHI_OK);
    CHECK(table != NULL && strncmp(table, ",N,", 3) == 0);
    CHECK(table != NULL && strstr(table, "\r\n全体,3,33.3,33.3,0.0,0.0,0.0,0.0,0.0,33.3\r\n") != NULL);
    if (table != NULL && strstr(table, "全体,3,") == NULL)
        printf("%s", table);
out:
    free(table);
    hoshi_tabset_free(ts);
    hoshi_dataset_free(ds);
    hoshi_buf_free(&data);
    hoshi_buf_free(&cb);
    hoshi_answers_free(a);
    hoshi_form_free(f);
}

/* Every allocation of parsing, answering and encoding may fail: NOMEM and
 * nothing leaked (ASan), until the run succeeds. */
static void t_alloc_failures(void)
{
    long n = 0;
    for (; n < 5000; n++) {
        hoshi_form *f = NULL;
        hoshi_answers *a = NULL;
        char *enc = NULL;
        size_t len;
        hoshi_testing_fail_alloc_after(n);
        hoshi_err err = hoshi_form_parse_sheets(survey, strlen(survey), choices, strlen(choices),
                                                settings, strlen(settings), &f);
        if (err == HOSHI_OK)
            err = hoshi_answers_new(f, &a);
        if (err == HOSHI_OK)
            err = hoshi_answers_decode(a, "Q1=1&Q2=3&Q2x=a%20b&Gx=1", 24);
        if (err == HOSHI_OK)
            err = hoshi_answers_encode(a, &enc, &len);
        hoshi_testing_fail_alloc_after(-1);
        hoshi_answers_free(a);
        hoshi_form_free(f);
        if (err == HOSHI_OK) {
            CHECK_STR(enc, "Q1=1&Q2=3&Q2x=a%20b&Gx=1");
            free(enc);
            break;
        }
        if (err != HOSHI_ERR_NOMEM)
            printf("  after %ld: %s\n", n, hoshi_error_detail());
        CHECK_INT(err, HOSHI_ERR_NOMEM);
    }
    CHECK(n > 50);
    CHECK(n < 5000);
    for (n = 0; n < 5000; n++) {
        hoshi_form *f = NULL;
        hoshi_testing_fail_alloc_after(n);
        hoshi_err err = hoshi_form_load(FORMS "/sample.xlsx", &f);
        hoshi_testing_fail_alloc_after(-1);
        hoshi_form_free(f);
        if (err == HOSHI_OK)
            break;
        if (err != HOSHI_ERR_NOMEM)
            printf("  after %ld: %s\n", n, hoshi_error_detail());
        CHECK_INT(err, HOSHI_ERR_NOMEM);
    }
    CHECK(n < 5000);
}

int main(void)
{
    RUN(t_model);
    RUN(t_codebook);
    RUN(t_bad_definitions);
    RUN(t_caps);
    RUN(t_languages);
    RUN(t_xlsx);
    RUN(t_xlsx_writer);
    RUN(t_blob);
    RUN(t_answers);
    RUN(t_sa2018);
    RUN(t_sa2018_tab);
    RUN(t_alloc_failures);
    return UNIT_RESULT();
}
