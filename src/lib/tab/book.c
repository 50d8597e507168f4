/*
 * book.c — reading a table book (hoshi/book.h): the ini syntax of hoshi's
 * data files, read here with the line of every key so that a mistake is
 * reported as FILE:LINE, and each table's options merged with the book's
 * defaults.  What an option means is left to the command line, which
 * applies each one as `hoshi tab` would.  Also the gathering of the tables
 * of several runs into one tabset, each marked with its book table.
 */
#include "tab/tab.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoshi/book.h"
#include "hoshi/datafile.h"
#include "hoshi/text.h"

enum { S_TITLE, S_CODEBOOK, S_DATA, S_LANG, S_ENCODING, S_COUNT };
static const char *const settings[S_COUNT] = {"title", "codebook", "data", "lang", "encoding"};

/* A table while the file is read: its own options (indexes into opts). */
typedef struct table_in {
    hoshi_book_table t;
    size_t first, n;    /* its own options: raw[first, first + n) */
} table_in;

struct hoshi_book {
    char *text;                 /* the file, modified in place: names point into it */
    char *name;
    char *setting[S_COUNT];     /* owned copies (paths resolved) */
    bool seen_book;
    hoshi_book_opt *raw;        /* every option in file order, defaults first */
    size_t n_raw, n_defaults;
    table_in *tables;
    size_t n_tables;
    hoshi_book_opt *merged;     /* the tables' option lists, end to end */
};

static bool id_ok(const char *id)
{
    if (*id == '\0' || *id == '.' || strlen(id) > 64)
        return false;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '-' || *p == '.'))
            return false;
    return true;
}

/* A path of the book relative to its directory (absolute ones kept). */
static char *resolve(const char *book, const char *path)
{
    const char *slash = strrchr(book, '/');
    if (path[0] == '/' || slash == NULL)
        return hi_strdup(path);
    size_t dl = (size_t)(slash - book) + 1, pl = strlen(path);
    char *r = hi_malloc(dl + pl + 1);
    if (r != NULL) {
        memcpy(r, book, dl);
        memcpy(r + dl, path, pl + 1);
    }
    return r;
}

/* A [section] line: [book] or [table ID]. */
static hoshi_err open_section(hoshi_book *b, char *line, size_t lineno, bool *in_book)
{
    size_t l = strlen(line);
    if (l < 3 || line[l - 1] != ']')
        return hi_fail(HOSHI_ERR_INPUT, "%s:%zu: malformed section header", b->name, lineno);
    line[l - 1] = '\0';
    char *sec = hi_trim_blanks(line + 1, line + l - 1);
    if (strcmp(sec, "book") == 0) {
        if (b->seen_book || b->n_tables > 0)
            return hi_fail(HOSHI_ERR_INPUT, "%s:%zu: [book] must come once, before the tables",
                           b->name, lineno);
        b->seen_book = true;
        *in_book = true;
        return HOSHI_OK;
    }
    if (strncmp(sec, "table", 5) != 0 || (sec[5] != ' ' && sec[5] != '\t'))
        return hi_fail(HOSHI_ERR_INPUT, "%s:%zu: unknown section [%s] (expected [book] or [table ID])",
                       b->name, lineno, sec);
    char *id = hi_trim_blanks(sec + 5, sec + strlen(sec));
    if (!id_ok(id))
        return hi_fail(HOSHI_ERR_INPUT,
                       "%s:%zu: bad table id '%s' (letters, digits, _ - . and at most 64, not starting with .)",
                       b->name, lineno, id);
    for (size_t i = 0; i < b->n_tables; i++)
        if (strcmp(b->tables[i].t.id, id) == 0)
            return hi_fail(HOSHI_ERR_INPUT, "%s:%zu: table %s is already defined on line %zu",
                           b->name, lineno, id, b->tables[i].t.line);
    if (b->n_tables >= HOSHI_BOOK_MAX_TABLES)
        return hi_fail(HOSHI_ERR_LIMIT, "%s:%zu: more than %d tables", b->name, lineno,
                       HOSHI_BOOK_MAX_TABLES);
    table_in *t = hi_realloc(b->tables, (b->n_tables + 1) * sizeof *t);
    if (t == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    b->tables = t;
    t += b->n_tables++;
    memset(t, 0, sizeof *t);
    t->t.id = id;
    t->t.line = lineno;
    t->first = b->n_raw;
    *in_book = false;
    return HOSHI_OK;
}

/* A key of [book]: a setting, or a default of the tables. */
static hoshi_err book_key(hoshi_book *b, const char *key, const char *value, size_t lineno)
{
    for (int s = 0; s < S_COUNT; s++) {
        if (strcmp(key, settings[s]) != 0)
            continue;
        if (b->setting[s] != NULL)
            return hi_fail(HOSHI_ERR_INPUT, "%s:%zu: %s is given twice in [book]", b->name, lineno,
                           key);
        b->setting[s] = s == S_CODEBOOK || s == S_DATA ? resolve(b->name, value) : hi_strdup(value);
        return b->setting[s] ? HOSHI_OK : hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    }
    b->n_defaults++;
    return HOSHI_OK;
}

/* A key of a table: its title, its base label, or an option. */
static hoshi_err table_key(hoshi_book *b, const char *key, const char *value, size_t lineno,
                           bool *option)
{
    table_in *t = &b->tables[b->n_tables - 1];
    const char **slot = strcmp(key, "title") == 0 ? &t->t.title
                        : strcmp(key, "base") == 0 ? &t->t.base : NULL;
    *option = slot == NULL;
    if (slot == NULL) {
        t->n++;
        return HOSHI_OK;
    }
    if (*slot != NULL)
        return hi_fail(HOSHI_ERR_INPUT, "%s:%zu: %s is given twice in table %s", b->name, lineno,
                       key, t->t.id);
    *slot = value;
    return HOSHI_OK;
}

static hoshi_err read_lines(hoshi_book *b, size_t len)
{
    bool in_book = false;
    char *p = b->text, *end = b->text + len;
    for (size_t lineno = 1; p < end; lineno++) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *next = nl ? nl + 1 : end;
        char *line = hi_trim_blanks(p, nl ? nl : end);
        p = next;
        if (*line == '\0' || *line == '#')
            continue;
        hoshi_err err;
        if (*line == '[') {
            if ((err = open_section(b, line, lineno, &in_book)) != HOSHI_OK)
                return err;
            continue;
        }
        char *eq = strchr(line, '=');
        if (eq == NULL || (!in_book && b->n_tables == 0))
            return hi_fail(HOSHI_ERR_INPUT, "%s:%zu: expected 'key = value'%s", b->name, lineno,
                           eq != NULL ? " inside [book] or a [table ID]" : "");
        char *key = hi_trim_blanks(line, eq);
        char *value = hi_trim_blanks(eq + 1, eq + 1 + strlen(eq + 1));
        if (*key == '\0')
            return hi_fail(HOSHI_ERR_INPUT, "%s:%zu: empty key", b->name, lineno);
        bool option = true;
        err = in_book ? book_key(b, key, value, lineno)
                      : table_key(b, key, value, lineno, &option);
        if (err != HOSHI_OK)
            return err;
        bool is_setting = false;
        for (int s = 0; in_book && s < S_COUNT; s++)
            is_setting |= strcmp(key, settings[s]) == 0;
        if (option && !is_setting)
            b->raw[b->n_raw++] = (hoshi_book_opt){key, value, lineno};
    }
    return HOSHI_OK;
}

/* Each table's list: the defaults whose name it does not give, then its own. */
static hoshi_err merge(hoshi_book *b)
{
    size_t total = 0;
    for (size_t i = 0; i < b->n_tables; i++)
        total += b->n_defaults + b->tables[i].n;
    b->merged = hi_calloc(total ? total : 1, sizeof *b->merged);
    if (b->merged == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < b->n_tables; i++) {
        table_in *t = &b->tables[i];
        const hoshi_book_opt *own = b->raw + t->first;
        t->t.opts = b->merged + k;
        for (size_t d = 0; d < b->n_defaults; d++) {
            bool overridden = false;
            for (size_t o = 0; o < t->n && !overridden; o++)
                overridden = strcmp(own[o].name, b->raw[d].name) == 0;
            if (!overridden)
                b->merged[k++] = b->raw[d];
        }
        for (size_t o = 0; o < t->n; o++)
            b->merged[k++] = own[o];
        t->t.n_opts = (size_t)(b->merged + k - t->t.opts);
        bool head = false;
        for (size_t o = 0; o < t->t.n_opts; o++)
            head |= strcmp(t->t.opts[o].name, "head") == 0 && t->t.opts[o].value[0] != '\0';
        if (!head)
            return hi_fail(HOSHI_ERR_INPUT, "%s:%zu: table %s has no head", b->name, t->t.line,
                           t->t.id);
    }
    return HOSHI_OK;
}

hoshi_err hoshi_book_parse(const char *name, const char *text, size_t len, hoshi_book **out)
{
    hi_clear_error();
    hoshi_err err;
    hoshi_book *b = hi_calloc(1, sizeof *b);
    if (b == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    b->name = hi_strdup(name != NULL ? name : "book");
    b->text = hi_malloc(len + 1);
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    b->raw = hi_calloc(lines, sizeof *b->raw);
    if (b->name == NULL || b->text == NULL || b->raw == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        goto fail;
    }
    memcpy(b->text, text, len);
    b->text[len] = '\0';
    size_t bad = hoshi_utf8_invalid_at(b->text, len);
    if (strlen(b->text) != len) {
        err = hi_fail(HOSHI_ERR_INPUT, "%s: contains a NUL byte", b->name);
        goto fail;
    }
    if (bad != len) {
        err = hi_fail(HOSHI_ERR_INPUT, "%s: invalid UTF-8 at byte %zu", b->name, bad + 1);
        goto fail;
    }
    if ((err = read_lines(b, len)) != HOSHI_OK)
        goto fail;
    if (b->n_tables == 0) {
        err = hi_fail(HOSHI_ERR_INPUT, "%s: no [table ID] section", b->name);
        goto fail;
    }
    if ((err = merge(b)) != HOSHI_OK)
        goto fail;
    *out = b;
    return HOSHI_OK;
fail:
    hoshi_book_free(b);
    return err;
}

hoshi_err hoshi_book_load(const char *path, hoshi_book **out)
{
    char *text = NULL;
    size_t len = 0;
    hoshi_err err = hoshi_file_read(path, HOSHI_BOOK_MAX_BYTES, &text, &len);
    if (err != HOSHI_OK)
        return err;
    err = hoshi_book_parse(path, text, len, out);
    free(text);
    return err;
}

void hoshi_book_free(hoshi_book *b)
{
    if (b == NULL)
        return;
    for (int s = 0; s < S_COUNT; s++)
        free(b->setting[s]);
    free(b->raw);
    free(b->tables);
    free(b->merged);
    free(b->text);
    free(b->name);
    free(b);
}

const char *hoshi_book_title(const hoshi_book *b) { return b->setting[S_TITLE]; }
const char *hoshi_book_codebook(const hoshi_book *b) { return b->setting[S_CODEBOOK]; }
const char *hoshi_book_data(const hoshi_book *b) { return b->setting[S_DATA]; }
const char *hoshi_book_lang(const hoshi_book *b) { return b->setting[S_LANG]; }
const char *hoshi_book_encoding(const hoshi_book *b) { return b->setting[S_ENCODING]; }
const char *hoshi_book_name(const hoshi_book *b) { return b->name; }
size_t hoshi_book_table_count(const hoshi_book *b) { return b->n_tables; }

const hoshi_book_table *hoshi_book_table_get(const hoshi_book *b, size_t i)
{
    return i < b->n_tables ? &b->tables[i].t : NULL;
}

/* ---- gathering ---------------------------------------------------------- */

hoshi_err hoshi_tabset_new(hoshi_tabset **out)
{
    *out = hi_calloc(1, sizeof **out);
    return *out != NULL ? HOSHI_OK : hi_fail(HOSHI_ERR_NOMEM, "out of memory");
}

hoshi_err hoshi_tabset_append(hoshi_tabset *dst, hoshi_tabset *src, const char *id,
                              const char *title, const char *base)
{
    hi_clear_error();
    if (src->n == 0)
        return HOSHI_OK;
    /* the copies first, so that a failure changes nothing */
    size_t n = src->n;
    char **texts = hi_calloc(3 * n, sizeof *texts);
    if (texts == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        const char *src_texts[3] = {id, title, base};
        for (int k = 0; k < 3; k++)
            if (src_texts[k] != NULL && (texts[3 * i + k] = hi_strdup(src_texts[k])) == NULL)
                ok = false;
    }
    hi_table *t = ok ? hi_realloc(dst->t, (dst->n + n) * sizeof *t) : NULL;
    if (t == NULL) {
        for (size_t i = 0; i < 3 * n; i++)
            free(texts[i]);
        free(texts);
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    }
    dst->t = t;
    for (size_t i = 0; i < n; i++) {
        hi_table *d = &dst->t[dst->n + i];
        *d = src->t[i];
        free(d->book_id);
        free(d->book_title);
        d->book_id = texts[3 * i];
        d->book_title = texts[3 * i + 1];
        if (base != NULL) {
            free(d->base);
            d->base = texts[3 * i + 2];
        }
    }
    dst->n += n;
    free(src->t);
    src->t = NULL;
    src->n = 0;
    free(texts);
    return HOSHI_OK;
}
