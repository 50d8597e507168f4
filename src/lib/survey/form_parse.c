/*
 * form_parse.c — builds the form from its three sheets: settings (id,
 * title, default language), the choice lists, then the survey rows into
 * entities (questions, notes, groups, GRIDs) with the group nesting
 * checked, and last the expressions, compiled once every name is known so
 * a `relevant` may name a later question.  Every rule of the SPEC's subset
 * is checked here, each failure "sheet:row:column: message".
 */
#include "survey/form_cols.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define WHERE_MAX 160

typedef struct builder {
    hoshi_form *f;
    const hi_sheet *sv;
    hi_cols cols;
    size_t cap_ents;
    size_t stack[HI_FORM_MAX_DEPTH];
    size_t depth;
} builder;

static hoshi_err fail_at(const hi_sheet *s, size_t row, size_t col, hoshi_err code,
                         const char *msg, const char *arg)
{
    char where[WHERE_MAX];
    hi_sheet_where(s, row, col, where, sizeof where);
    return hi_fail(code, "%s: %s%s", where, msg, arg != NULL ? arg : "");
}

static bool name_ok(const char *s)
{
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')))
        return false;
    size_t n = 0;
    for (; *s; s++, n++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
            return false;
    return n <= 64;
}

/* ---- settings -------------------------------------------------------------- */

static hoshi_err read_settings(hoshi_form *f, const hi_sheet *s)
{
    hi_cols m;
    f->deflang = HOSHI_LANG_JA;
    hoshi_err err = hi_cols_map(s, HI_SH_SETTINGS, f->deflang, &m);
    if (err != HOSHI_OK)
        return err;
    if (s->nrows > 1)
        return fail_at(s, 1, HI_FORM_NONE, HOSHI_ERR_INPUT, "settings take one row", NULL);
    if (s->nrows == 1 && m.col[HI_C_DEFLANG] != HI_FORM_NONE) {
        const char *dl = hi_cell(s, 0, m.col[HI_C_DEFLANG]);
        if (dl[0] != '\0' && hi_lang_name(dl, &f->deflang) != HOSHI_OK)
            return fail_at(s, 0, m.col[HI_C_DEFLANG], HOSHI_ERR_INPUT,
                           "unknown language (ja or en): ", dl);
        if (f->deflang != HOSHI_LANG_JA && (err = hi_cols_map(s, HI_SH_SETTINGS, f->deflang, &m)))
            return err;
    }
    const char *id = s->nrows == 1 ? hi_cols_cell(s, &m, HI_C_FORM_ID, 0) : "";
    const char *ver = s->nrows == 1 ? hi_cols_cell(s, &m, HI_C_VERSION, 0) : "";
    f->id = hi_strdup(id[0] != '\0' ? id : "form");
    f->version = hi_strdup(ver);
    if (f->id == NULL || f->version == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading the form");
    if (s->nrows == 1)
        return hi_cols_text(s, &m, HI_C_FORM_TITLE, 0, &f->title);
    return HOSHI_OK;
}

/* ---- choices ------------------------------------------------------------- */

static size_t find_list(const hoshi_form *f, const char *name)
{
    for (size_t i = 0; i < f->n_lists; i++)
        if (strcmp(f->lists[i].name, name) == 0)
            return i;
    return HI_FORM_NONE;
}

static hoshi_err add_choice(hoshi_form *f, const hi_sheet *s, const hi_cols *m, size_t r)
{
    const char *ln = hi_cols_cell(s, m, HI_C_LIST, r), *code = hi_cols_cell(s, m, HI_C_NAME, r);
    if (ln[0] == '\0')
        return fail_at(s, r, m->col[HI_C_LIST], HOSHI_ERR_INPUT, "list_name missing", NULL);
    if (!name_ok(ln))
        return fail_at(s, r, m->col[HI_C_LIST], HOSHI_ERR_INPUT,
                       "a list name is a letter then letters or digits: ", ln);
    long c = 0;
    if (!hoshi_parse_long(code, 1, HI_FORM_MAX_CODE, &c))
        return fail_at(s, r, m->col[HI_C_NAME], HOSHI_ERR_INPUT,
                       "a choice name is its answer code, a positive integer (at most 99999): ",
                       code);
    size_t li = find_list(f, ln);
    if (li == HI_FORM_NONE) {
        hi_list *nl = hi_realloc(f->lists, (f->n_lists + 1) * sizeof *nl);
        if (nl == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading the form");
        f->lists = nl;
        li = f->n_lists;
        memset(&nl[li], 0, sizeof nl[li]);
        if ((nl[li].name = hi_strdup(ln)) == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading the form");
        f->n_lists++;
    }
    hi_list *l = &f->lists[li];
    for (size_t i = 0; i < l->n; i++)
        if (l->code[i] == c)
            return fail_at(s, r, m->col[HI_C_NAME], HOSHI_ERR_INPUT,
                           "duplicate choice code in the list: ", code);
    if (l->n >= HI_FORM_MAX_CHOICES)
        return fail_at(s, r, m->col[HI_C_NAME], HOSHI_ERR_LIMIT, "more than 250 choices in a list",
                       NULL);
    long *nc = hi_realloc(l->code, (l->n + 1) * sizeof *nc);
    if (nc != NULL)
        l->code = nc;
    hi_text *lab = hi_realloc(l->label, (l->n + 1) * sizeof *lab);
    if (lab != NULL)
        l->label = lab;
    if (nc == NULL || lab == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading the form");
    hoshi_err err = hi_cols_text(s, m, HI_C_LABEL, r, &l->label[l->n]);
    if (err != HOSHI_OK)
        return err;
    l->code[l->n++] = c;
    if (l->label[l->n - 1].t[f->deflang] == NULL && l->label[l->n - 1].t[!f->deflang] == NULL)
        return fail_at(s, r, m->lang[HI_C_LABEL][f->deflang], HOSHI_ERR_INPUT,
                       "a choice needs a label", NULL);
    return HOSHI_OK;
}

static hoshi_err read_choices(hoshi_form *f, const hi_sheet *s)
{
    hi_cols m;
    hoshi_err err = hi_cols_map(s, HI_SH_CHOICES, f->deflang, &m);
    if (err == HOSHI_OK)
        err = hi_cols_check_default(s, &m, HI_C_LABEL, f->deflang);
    if (err != HOSHI_OK)
        return err;
    if (s->ncols == 0 && s->nrows == 0)
        return HOSHI_OK; /* no choices sheet: a form without selects */
    if (m.col[HI_C_LIST] == HI_FORM_NONE || m.col[HI_C_NAME] == HI_FORM_NONE)
        return fail_at(s, HI_FORM_NONE, HI_FORM_NONE, HOSHI_ERR_INPUT,
                       "the choices sheet needs list_name and name columns", NULL);
    for (size_t r = 0; r < s->nrows; r++)
        if ((err = add_choice(f, s, &m, r)) != HOSHI_OK)
            return err;
    return HOSHI_OK;
}

/* ---- survey rows ------------------------------------------------------------ */

static hoshi_err new_ent(builder *b, size_t row, hi_ekind kind, hi_ent **out)
{
    hoshi_form *f = b->f;
    if (f->n_ents == b->cap_ents) {
        size_t cap = b->cap_ents ? b->cap_ents * 2 : 32;
        hi_ent *e = hi_realloc(f->ents, cap * sizeof *e);
        if (e == NULL)
            return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading the form");
        f->ents = e;
        b->cap_ents = cap;
    }
    hi_ent *e = &f->ents[f->n_ents++];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->row = row;
    e->list = e->page = e->slot = HI_FORM_NONE;
    e->parent = b->depth > 0 ? b->stack[b->depth - 1] : HI_FORM_NONE;
    *out = e;
    return HOSHI_OK;
}

static hoshi_err dup_cell(builder *b, hi_col c, size_t row, char **out)
{
    *out = hi_strdup(hi_cols_cell(b->sv, &b->cols, c, row));
    return *out != NULL ? HOSHI_OK : hi_fail(HOSHI_ERR_NOMEM, "out of memory reading the form");
}

/* The type cell: kind and, for selects, the list. */
static hoshi_err parse_type(builder *b, size_t row, hi_ekind *kind, size_t *list, int *group)
{
    const hi_sheet *s = b->sv;
    size_t tc = b->cols.col[HI_C_TYPE];
    const char *t = hi_cell(s, row, tc);
    *group = 0;
    *list = HI_FORM_NONE;
    static const struct { const char *name; hi_ekind kind; int group; } plain[] = {
        {"integer", HI_E_INT, 0}, {"decimal", HI_E_DEC, 0}, {"text", HI_E_TEXT, 0},
        {"note", HI_E_NOTE, 0}, {"begin_group", HI_E_GROUP, 1}, {"begin group", HI_E_GROUP, 1},
        {"end_group", HI_E_GROUP, -1}, {"end group", HI_E_GROUP, -1},
    };
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        if (strcmp(t, plain[i].name) == 0) {
            *kind = plain[i].kind;
            *group = plain[i].group;
            return HOSHI_OK;
        }
    }
    const char *ln = NULL;
    if (strncmp(t, "select_one ", 11) == 0) {
        *kind = HI_E_SA;
        ln = t + 11;
    } else if (strncmp(t, "select_multiple ", 16) == 0) {
        *kind = HI_E_MA;
        ln = t + 16;
    }
    if (ln == NULL) {
        if (t[0] == '\0')
            return fail_at(s, row, tc, HOSHI_ERR_INPUT, "type missing", NULL);
        return fail_at(s, row, tc, HOSHI_ERR_INPUT, "unknown type: ", t);
    }
    while (*ln == ' ')
        ln++;
    *list = find_list(b->f, ln);
    if (*list == HI_FORM_NONE)
        return fail_at(s, row, tc, HOSHI_ERR_INPUT, "no such choice list in the choices sheet: ",
                       ln);
    return HOSHI_OK;
}

static hoshi_err check_name(builder *b, size_t row, const char *name)
{
    const hi_sheet *s = b->sv;
    size_t nc = b->cols.col[HI_C_NAME];
    if (name[0] == '\0')
        return fail_at(s, row, nc, HOSHI_ERR_INPUT, "name missing", NULL);
    if (!name_ok(name))
        return fail_at(s, row, nc, HOSHI_ERR_INPUT,
                       "a name is a letter then letters or digits (no '_'), at most 64: ", name);
    if (hi_form_find(b->f, name) != HI_FORM_NONE)
        return fail_at(s, row, nc, HOSHI_ERR_INPUT, "duplicate name: ", name);
    return HOSHI_OK;
}

static hoshi_err end_group(builder *b, size_t row)
{
    const hi_sheet *s = b->sv;
    const char *name = hi_cols_cell(s, &b->cols, HI_C_NAME, row);
    if (b->depth == 0)
        return fail_at(s, row, b->cols.col[HI_C_TYPE], HOSHI_ERR_INPUT,
                       "end_group without a begin_group", NULL);
    hi_ent *g = &b->f->ents[b->stack[b->depth - 1]];
    if (name[0] != '\0' && strcmp(name, g->name) != 0) {
        char where[WHERE_MAX];
        hi_sheet_where(s, row, b->cols.col[HI_C_NAME], where, sizeof where);
        return hi_fail(HOSHI_ERR_INPUT, "%s: end_group %s closes group %s (row %zu)", where, name,
                       g->name, s->rowno[g->row]);
    }
    if (g->kind == HI_E_GRID && g->n_rows == 0)
        return fail_at(s, g->row, b->cols.col[HI_C_APPEARANCE], HOSHI_ERR_INPUT,
                       "a table-list group with no questions: ", g->name);
    b->depth--;
    return HOSHI_OK;
}

/* A row inside a table-list group: a select_one of the group's list. */
static hoshi_err grid_row(builder *b, size_t row, hi_ekind kind, size_t list, int group)
{
    hi_ent *g = &b->f->ents[b->stack[b->depth - 1]];
    size_t tc = b->cols.col[HI_C_TYPE];
    if (group != 0 || kind != HI_E_SA)
        return fail_at(b->sv, row, tc, HOSHI_ERR_INPUT,
                       "a table-list group holds only select_one questions: ", g->name);
    if (g->list == HI_FORM_NONE)
        g->list = list;
    else if (g->list != list)
        return fail_at(b->sv, row, tc, HOSHI_ERR_INPUT,
                       "a table-list group holds questions of one choice list; this one is not "
                       "from list ", b->f->lists[g->list].name);
    if (g->n_rows >= 200)
        return fail_at(b->sv, row, tc, HOSHI_ERR_LIMIT, "more than 200 rows in a table-list group",
                       NULL);
    g->n_rows++;
    return HOSHI_OK;
}

static hoshi_err survey_row(builder *b, size_t row)
{
    hi_ekind kind = HI_E_NOTE;
    size_t list;
    int group;
    hoshi_err err = parse_type(b, row, &kind, &list, &group);
    if (err != HOSHI_OK)
        return err;
    if (group < 0)
        return end_group(b, row);
    bool in_grid = b->depth > 0 && b->f->ents[b->stack[b->depth - 1]].kind == HI_E_GRID;
    if (in_grid && (err = grid_row(b, row, kind, list, group)) != HOSHI_OK)
        return err;
    const char *name = hi_cols_cell(b->sv, &b->cols, HI_C_NAME, row);
    if ((err = check_name(b, row, name)) != HOSHI_OK)
        return err;
    hi_ent *e = NULL;
    if ((err = new_ent(b, row, kind, &e)) != HOSHI_OK)
        return err;
    e->list = list;
    if ((err = dup_cell(b, HI_C_NAME, row, &e->name)) || (err = dup_cell(b, HI_C_APPEARANCE, row, &e->appearance)) ||
        (err = dup_cell(b, HI_C_RELEVANT, row, &e->relevant_src)) ||
        (err = dup_cell(b, HI_C_CONSTRAINT, row, &e->constraint_src)) ||
        (err = dup_cell(b, HI_C_REQUIRED, row, &e->required_src)) ||
        (err = hi_cols_text(b->sv, &b->cols, HI_C_LABEL, row, &e->label)) ||
        (err = hi_cols_text(b->sv, &b->cols, HI_C_HINT, row, &e->hint)) ||
        (err = hi_cols_text(b->sv, &b->cols, HI_C_CMSG, row, &e->cmsg)))
        return err;
    if (group > 0) {
        if (strcmp(e->appearance, "table-list") == 0)
            e->kind = HI_E_GRID;
        if (b->depth >= HI_FORM_MAX_DEPTH)
            return fail_at(b->sv, row, b->cols.col[HI_C_TYPE], HOSHI_ERR_LIMIT,
                           "groups nested more than 16 deep", NULL);
        b->stack[b->depth++] = b->f->n_ents - 1;
    } else if (e->label.t[0] == NULL && e->label.t[1] == NULL) {
        return fail_at(b->sv, row, b->cols.lang[HI_C_LABEL][b->f->deflang], HOSHI_ERR_INPUT,
                       "a question needs a label", NULL);
    }
    return HOSHI_OK;
}

/* ---- expressions ------------------------------------------------------------ */

static bool is_yes(const char *s)
{
    return strcasecmp(s, "yes") == 0 || strcasecmp(s, "true") == 0 ||
           strcmp(s, "true()") == 0;
}

static bool is_no(const char *s)
{
    return s[0] == '\0' || strcasecmp(s, "no") == 0 || strcasecmp(s, "false") == 0 ||
           strcmp(s, "false()") == 0;
}

static hoshi_err compile(builder *b, const hi_ent *e, hi_col c, const char *src, bool dot_ok,
                         hi_expr **out)
{
    const hi_sheet *s = b->sv;
    size_t col = b->cols.col[c];
    char where[WHERE_MAX];
    hi_sheet_where(s, e->row, col, where, sizeof where);
    if (e->kind == HI_E_NOTE || e->kind == HI_E_GROUP || e->kind == HI_E_GRID) {
        if (c == HI_C_CONSTRAINT || c == HI_C_REQUIRED)
            return hi_fail(HOSHI_ERR_INPUT, "%s: a %s takes no %s", where,
                           e->kind == HI_E_NOTE ? "note" : "group", c == HI_C_REQUIRED
                           ? "required" : "constraint");
    }
    size_t at = 0;
    hoshi_err err = hi_expr_parse(src, strlen(src), out, &at);
    if (err != HOSHI_OK) {
        char detail[512];
        snprintf(detail, sizeof detail, "%s", hoshi_error_detail());
        (void)at; /* the expression module's message names the character */
        return hi_fail(err, "%s: %s (\"%s\")", where, detail, src);
    }
    if (hi_expr_uses_dot(*out) && !dot_ok)
        return hi_fail(HOSHI_ERR_INPUT, "%s: '.' (this question) is only for a question's "
                       "constraint", where);
    for (size_t i = 0; i < hi_expr_ref_count(*out); i++) {
        const char *ref = hi_expr_ref(*out, i);
        size_t k = hi_form_find(b->f, ref);
        if (k == HI_FORM_NONE)
            return hi_fail(HOSHI_ERR_INPUT, "%s: unknown question ${%s}", where, ref);
        if (!hi_ent_answerable(&b->f->ents[k]))
            return hi_fail(HOSHI_ERR_INPUT, "%s: ${%s} is not a question with an answer", where,
                           ref);
    }
    return HOSHI_OK;
}

static hoshi_err compile_all(builder *b)
{
    hoshi_err err;
    for (size_t i = 0; i < b->f->n_ents; i++) {
        hi_ent *e = &b->f->ents[i];
        if (e->relevant_src[0] != '\0' &&
            (err = compile(b, e, HI_C_RELEVANT, e->relevant_src, false, &e->relevant)))
            return err;
        if (e->constraint_src[0] != '\0' &&
            (err = compile(b, e, HI_C_CONSTRAINT, e->constraint_src, true, &e->constraint)))
            return err;
        if (is_yes(e->required_src) || is_no(e->required_src)) {
            e->required = is_yes(e->required_src);
            if (e->required && !hi_ent_answerable(e))
                return compile(b, e, HI_C_REQUIRED, e->required_src, false, &e->required_expr);
        } else {
            if ((err = compile(b, e, HI_C_REQUIRED, e->required_src, false, &e->required_expr)))
                return err;
            e->required = true;
        }
    }
    return HOSHI_OK;
}

/* ---- pages, questions, answer slots ---------------------------------------------- */

static size_t top_of(const hoshi_form *f, size_t i)
{
    while (f->ents[i].parent != HI_FORM_NONE)
        i = f->ents[i].parent;
    return i;
}

static hoshi_err index_all(hoshi_form *f)
{
    f->pages = hi_calloc(f->n_ents + 1, sizeof *f->pages);
    f->questions = hi_calloc(f->n_ents + 1, sizeof *f->questions);
    f->slots = hi_calloc(f->n_ents + 1, sizeof *f->slots);
    if (f->pages == NULL || f->questions == NULL || f->slots == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading the form");
    size_t cur_top = HI_FORM_NONE;
    for (size_t i = 0; i < f->n_ents; i++) {
        hi_ent *e = &f->ents[i];
        bool grid_row = e->parent != HI_FORM_NONE && f->ents[e->parent].kind == HI_E_GRID;
        if (hi_ent_answerable(e))
            f->slots[e->slot = f->n_slots++] = i;
        if (e->kind == HI_E_GRID || (hi_ent_answerable(e) && !grid_row))
            f->questions[f->n_questions++] = i;
        if (e->kind == HI_E_GROUP || grid_row)
            continue;
        size_t top = top_of(f, i);
        bool loose = f->ents[top].kind != HI_E_GROUP;
        hi_page *p = f->n_pages > 0 ? &f->pages[f->n_pages - 1] : NULL;
        bool same = p != NULL && (loose ? p->group == HI_FORM_NONE : cur_top == top);
        if (!same) {
            p = &f->pages[f->n_pages++];
            p->group = loose ? HI_FORM_NONE : top;
            p->ents = hi_calloc(f->n_ents, sizeof *p->ents);
            if (p->ents == NULL)
                return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading the form");
        }
        cur_top = loose ? HI_FORM_NONE : top;
        e->page = (size_t)(p - f->pages);
        p->ents[p->n++] = i;
    }
    for (size_t i = 0; i < f->n_ents; i++) /* GRID rows are on their GRID's page */
        if (f->ents[i].parent != HI_FORM_NONE && f->ents[f->ents[i].parent].kind == HI_E_GRID)
            f->ents[i].page = f->ents[f->ents[i].parent].page;
    return HOSHI_OK;
}

static hoshi_err read_survey(builder *b, const hi_sheet *s)
{
    b->sv = s;
    hoshi_err err = hi_cols_map(s, HI_SH_SURVEY, b->f->deflang, &b->cols);
    if (err == HOSHI_OK)
        err = hi_cols_check_default(s, &b->cols, HI_C_LABEL, b->f->deflang);
    if (err != HOSHI_OK)
        return err;
    if (b->cols.col[HI_C_TYPE] == HI_FORM_NONE || b->cols.col[HI_C_NAME] == HI_FORM_NONE)
        return fail_at(s, HI_FORM_NONE, HI_FORM_NONE, HOSHI_ERR_INPUT,
                       "the survey sheet needs type and name columns", NULL);
    for (size_t r = 0; r < s->nrows; r++)
        if ((err = survey_row(b, r)) != HOSHI_OK)
            return err;
    if (b->depth > 0) {
        const hi_ent *g = &b->f->ents[b->stack[b->depth - 1]];
        return fail_at(s, g->row, b->cols.col[HI_C_TYPE], HOSHI_ERR_INPUT,
                       "begin_group without an end_group: ", g->name);
    }
    if (b->f->n_ents == 0)
        return hi_fail(HOSHI_ERR_INPUT, "survey: no questions");
    if ((err = compile_all(b)) != HOSHI_OK)
        return err;
    return index_all(b->f);
}

hoshi_err hi_form_build(hi_sheets *sh, hoshi_form **out)
{
    hoshi_form *f = hi_calloc(1, sizeof *f);
    if (f == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading the form");
    builder b = {.f = f};
    hoshi_err err;
    if (sh->s[HI_SH_SURVEY].ncols == 0)
        err = hi_fail(HOSHI_ERR_INPUT, "survey: the sheet is missing or empty");
    else if ((err = read_settings(f, &sh->s[HI_SH_SETTINGS])) == HOSHI_OK &&
             (err = read_choices(f, &sh->s[HI_SH_CHOICES])) == HOSHI_OK &&
             (err = read_survey(&b, &sh->s[HI_SH_SURVEY])) == HOSHI_OK)
        err = hi_form_views(f);
    if (err != HOSHI_OK) {
        hoshi_form_free(f);
        return err;
    }
    f->sheets = *sh;
    hi_sheets_init(sh);
    *out = f;
    return HOSHI_OK;
}
