/*
 * catalog.c — loads the catalogue (data/catalog/) and the texts of one
 * language (data/text/<lang>/) into a read-only handle, checking on load
 * that every item, principle, part, band and answer has all its texts, so
 * a gap in the data is found at start-up, never in front of a user.
 */
#include "hoshi/catalog.h"
#include "catalog_int.h"
#include "internal.h"
#include "hoshi/diag.h"
#include "alloc.h"
#include "hoshi/buf.h"
#include "hoshi/datafile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef HOSHI_DATADIR
#define HOSHI_DATADIR "/usr/share/hoshi"
#endif

enum { F_FACTS, F_ITEMS, F_PRINCIPLES, F_PARTS, F_BANDS, F_ANSWERS, F_REPORT, F_UI, F_POLICY,
       F_COUNT };

/* "%s" is the language code: texts and the policy template are per language. */
static const char *const file_names[F_COUNT] = {
    "catalog/items.ini", "text/%s/items.ini", "text/%s/principles.ini", "text/%s/parts.ini",
    "text/%s/bands.ini", "text/%s/answers.ini", "text/%s/report.ini", "text/%s/ui.ini",
    "templates/policy.%s.ini",
};

/* The page shells, read once here rather than at every render. */
static const char *const page_names[HI_PAGE_COUNT] = {
    "templates/report.html", "templates/policy.html",
};

struct hoshi_catalog {
    hoshi_lang lang;
    char *datadir;
    hoshi_datafile *ini[F_COUNT];
    char *page[HI_PAGE_COUNT];
    hoshi_item_info items[HOSHI_DIAG_ITEMS];
    const char **item_steps[HOSHI_DIAG_ITEMS];
    hoshi_principle_info principles[5];
    const char **principle_todo[5];
};

hoshi_err hoshi_lang_parse(const char *s, hoshi_lang *out)
{
    hi_clear_error();
    if (s != NULL && strcmp(s, "ja") == 0) {
        *out = HOSHI_LANG_JA;
        return HOSHI_OK;
    }
    if (s != NULL && strcmp(s, "en") == 0) {
        *out = HOSHI_LANG_EN;
        return HOSHI_OK;
    }
    return hi_fail(HOSHI_ERR_USAGE, "unknown language '%s' (expected ja or en)", s ? s : "");
}

const char *hoshi_lang_code(hoshi_lang lang)
{
    return lang == HOSHI_LANG_EN ? "en" : "ja";
}

/* The path of a data file: datadir/ then `name` with %s as the language. */
static hoshi_err data_path(const hoshi_catalog *c, const char *name, char **out)
{
    hoshi_buf path = HOSHI_BUF_INIT;
    hoshi_buf_printf(&path, "%s/", c->datadir);
    const char *pct = strstr(name, "%s");
    if (pct != NULL) {
        hoshi_buf_append(&path, name, (size_t)(pct - name));
        hoshi_buf_puts(&path, hoshi_lang_code(c->lang));
        hoshi_buf_puts(&path, pct + 2);
    } else {
        hoshi_buf_puts(&path, name);
    }
    return hoshi_buf_finish(&path, out, NULL);
}

static hoshi_err load_file(hoshi_catalog *c, int which)
{
    char *p = NULL;
    hoshi_err err = data_path(c, file_names[which], &p);
    if (err != HOSHI_OK)
        return err;
    err = hoshi_datafile_load(p, &c->ini[which]);
    free(p);
    return err;
}

static hoshi_err load_page(hoshi_catalog *c, int which)
{
    char *p = NULL;
    size_t len = 0;
    hoshi_err err = data_path(c, page_names[which], &p);
    if (err != HOSHI_OK)
        return err;
    err = hoshi_file_read(p, 1 << 20, &c->page[which], &len);
    free(p);
    return err == HOSHI_ERR_IO ? HOSHI_ERR_DATA : err;
}

/* Fetches a required value; on absence records an error naming the file. */
static const char *need(hoshi_catalog *c, int which, const char *section,
                        const char *key, hoshi_err *err)
{
    const char *v = hoshi_datafile_get(c->ini[which], section, key);
    if ((v == NULL || *v == '\0') && *err == HOSHI_OK)
        *err = hi_fail(HOSHI_ERR_DATA, "%s: [%s] has no '%s'",
                       hoshi_datafile_path(c->ini[which]), section, key);
    return v;
}

static const char **collect(hoshi_catalog *c, int which, const char *section,
                            const char *key, size_t *n, hoshi_err *err)
{
    *n = hoshi_datafile_count(c->ini[which], section, key);
    if (*n == 0) {
        if (*err == HOSHI_OK)
            *err = hi_fail(HOSHI_ERR_DATA, "%s: [%s] has no '%s'",
                           hoshi_datafile_path(c->ini[which]), section, key);
        return NULL;
    }
    const char **v = hi_calloc(*n, sizeof *v);
    if (v == NULL) {
        if (*err == HOSHI_OK)
            *err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < *n; i++)
        v[i] = hoshi_datafile_nth(c->ini[which], section, key, i);
    return v;
}

static int need_int(hoshi_catalog *c, const char *section, const char *key,
                    long lo, long hi, hoshi_err *err)
{
    const char *v = need(c, F_FACTS, section, key, err);
    long n = 0;
    if (v != NULL && !hoshi_parse_long(v, lo, hi, &n) && *err == HOSHI_OK)
        *err = hi_fail(HOSHI_ERR_DATA, "%s: [%s] %s must be %ld..%ld",
                       hoshi_datafile_path(c->ini[F_FACTS]), section, key, lo, hi);
    return (int)n;
}

static hoshi_err fill(hoshi_catalog *c)
{
    hoshi_err err = HOSHI_OK;
    char sec[32];
    for (int i = 0; i < HOSHI_DIAG_ITEMS; i++) {
        hoshi_item_info *it = &c->items[i];
        snprintf(sec, sizeof sec, "item %d", i + 1);
        it->number = i + 1;
        it->part = hoshi_diag_item_part(i + 1);
        it->principle = hoshi_diag_item_principle(i + 1);
        it->priority = need_int(c, sec, "priority", 1, 3, &err);
        it->title = need(c, F_ITEMS, sec, "title", &err);
        it->question = need(c, F_ITEMS, sec, "question", &err);
        it->why = need(c, F_ITEMS, sec, "why", &err);
        c->item_steps[i] = collect(c, F_ITEMS, sec, "step", &it->n_steps, &err);
        it->steps = c->item_steps[i];
    }
    for (int i = 0; i < 5; i++) {
        hoshi_principle_info *p = &c->principles[i];
        snprintf(sec, sizeof sec, "principle %d", i + 1);
        p->number = i + 1;
        p->title = need(c, F_PRINCIPLES, sec, "title", &err);
        p->summary = need(c, F_PRINCIPLES, sec, "summary", &err);
        p->explain = need(c, F_PRINCIPLES, sec, "explain", &err);
        c->principle_todo[i] = collect(c, F_PRINCIPLES, sec, "todo", &p->n_todo, &err);
        p->todo = c->principle_todo[i];
    }
    for (int i = 1; i <= HOSHI_DIAG_PARTS; i++) {
        snprintf(sec, sizeof sec, "part %d", i);
        need(c, F_PARTS, sec, "title", &err);
        need(c, F_PARTS, sec, "summary", &err);
    }
    for (int i = 1; i <= HOSHI_DIAG_BANDS; i++) {
        snprintf(sec, sizeof sec, "band %d", i);
        need(c, F_BANDS, sec, "label", &err);
        need(c, F_BANDS, sec, "message", &err);
        need(c, F_BANDS, sec, "next", &err);
    }
    for (int i = 1; i <= 4; i++) {
        snprintf(sec, sizeof sec, "answer %d", i);
        need(c, F_ANSWERS, sec, "label", &err);
        need(c, F_ANSWERS, sec, "hint", &err);
    }
    return err;
}

hoshi_err hoshi_catalog_open(const char *datadir, hoshi_lang lang, hoshi_catalog **out)
{
    hi_clear_error();
    hoshi_err err;
    hoshi_catalog *c = hi_calloc(1, sizeof *c);
    if (c == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    c->lang = lang;
    c->datadir = hi_strdup(datadir != NULL ? datadir : hoshi_datadir_default());
    if (c->datadir == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        goto fail_free;
    }
    for (int f = 0; f < F_COUNT; f++) {
        err = load_file(c, f);
        if (err != HOSHI_OK)
            goto fail_free;
    }
    for (int pg = 0; pg < HI_PAGE_COUNT; pg++) {
        err = load_page(c, pg);
        if (err != HOSHI_OK)
            goto fail_free;
    }
    err = fill(c);
    if (err != HOSHI_OK)
        goto fail_free;
    *out = c;
    return HOSHI_OK;

fail_free:
    hoshi_catalog_free(c);
    return err;
}

void hoshi_catalog_free(hoshi_catalog *c)
{
    if (c == NULL)
        return;
    for (int f = 0; f < F_COUNT; f++)
        hoshi_datafile_free(c->ini[f]);
    for (int pg = 0; pg < HI_PAGE_COUNT; pg++)
        free(c->page[pg]);
    for (int i = 0; i < HOSHI_DIAG_ITEMS; i++)
        free(c->item_steps[i]);
    for (int i = 0; i < 5; i++)
        free(c->principle_todo[i]);
    free(c->datadir);
    free(c);
}

hoshi_lang hoshi_catalog_lang(const hoshi_catalog *c)
{
    return c->lang;
}

const char *hoshi_catalog_datadir(const hoshi_catalog *c)
{
    return c->datadir;
}

const hoshi_item_info *hoshi_catalog_item(const hoshi_catalog *c, int number)
{
    return number >= 1 && number <= HOSHI_DIAG_ITEMS ? &c->items[number - 1] : NULL;
}

const hoshi_principle_info *hoshi_catalog_principle(const hoshi_catalog *c, int number)
{
    return number >= 1 && number <= 5 ? &c->principles[number - 1] : NULL;
}

static const char *numbered(const hoshi_catalog *c, int which, const char *kind,
                            int n, const char *key)
{
    char sec[32];
    snprintf(sec, sizeof sec, "%s %d", kind, n);
    const char *v = hoshi_datafile_get(c->ini[which], sec, key);
    return v != NULL ? v : "";
}

const char *hoshi_catalog_part_title(const hoshi_catalog *c, int part)
{
    return numbered(c, F_PARTS, "part", part, "title");
}

const char *hoshi_catalog_part_summary(const hoshi_catalog *c, int part)
{
    return numbered(c, F_PARTS, "part", part, "summary");
}

const char *hoshi_catalog_band_label(const hoshi_catalog *c, int band)
{
    return numbered(c, F_BANDS, "band", band, "label");
}

const char *hoshi_catalog_band_message(const hoshi_catalog *c, int band)
{
    return numbered(c, F_BANDS, "band", band, "message");
}

const char *hoshi_catalog_band_next(const hoshi_catalog *c, int band)
{
    return numbered(c, F_BANDS, "band", band, "next");
}

const char *hoshi_catalog_answer_label(const hoshi_catalog *c, int code)
{
    return numbered(c, F_ANSWERS, "answer", code, "label");
}

const char *hoshi_catalog_answer_hint(const hoshi_catalog *c, int code)
{
    return numbered(c, F_ANSWERS, "answer", code, "hint");
}

const char *hoshi_catalog_text(const hoshi_catalog *c, const char *section, const char *key)
{
    const int order[] = {F_UI, F_REPORT};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const char *v = hoshi_datafile_get(c->ini[order[i]], section, key);
        if (v != NULL)
            return v;
    }
    /* A fixed marker string; the exact name is in the data files' tests. */
    return "[missing text]";
}


const hoshi_datafile *hi_catalog_policy_template(const hoshi_catalog *c)
{
    return c->ini[F_POLICY];
}

const char *hi_catalog_page(const hoshi_catalog *c, hi_page which)
{
    return c->page[which];
}
