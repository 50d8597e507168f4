/*
 * cases.c — the case studies (issue 13 part 3): reads DATADIR/cases/<id>.ini
 * through content_read.c, checks the facts of each case (an employee
 * band, a JSIC division, the level declared), and finds the case that
 * best matches an organisation.
 */
#include "hoshi/cases.h"
#include "hoshi/attrs.h"
#include "content_int.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

const char *const hoshi_case_parts[HOSHI_CASE_PARTS] = {"started", "changed", "kept", "team", "hard", "declared"};

static const hi_content_key fact_keys[] = {{"size", false}, {"industry", false}, {"level", false}};
static const hi_content_key text_keys[] = {{"title", false}, {"firm", false},  {"started", true},
                                           {"changed", true}, {"kept", true},  {"team", true},
                                           {"hard", true},    {"declared", true}};
static const hi_content_schema schema = {"case", fact_keys, sizeof fact_keys / sizeof fact_keys[0], text_keys,
                                         sizeof text_keys / sizeof text_keys[0]};

struct hoshi_cases {
    hi_content_file *files;
    hoshi_case *cases; /* cases[i] is files[i] */
    size_t n;
};

/* A whole number lo..hi written in digits only, or 0. */
static int small_number(const char *s, int lo, int hi)
{
    if (s[0] < '0' || s[0] > '9' || (s[1] != '\0' && s[2] != '\0'))
        return 0;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    int v = (int)strtol(s, NULL, 10);
    return v >= lo && v <= hi ? v : 0;
}

static hoshi_err read_facts(const hi_content_file *f, void *elem)
{
    hoshi_case *k = elem;
    const hoshi_datafile *ini = f->ini;
    const char *path = hoshi_datafile_path(ini);
    const char *size = hoshi_datafile_get(ini, "case", "size");
    const char *ind = hoshi_datafile_get(ini, "case", "industry");
    const char *level = hoshi_datafile_get(ini, "case", "level");
    k->id = f->id;
    k->size = small_number(size, 1, hoshi_attrs_count(HOSHI_ATTR_SIZE));
    k->industry = hoshi_attrs_industry_code(ind);
    k->level = small_number(level, 1, 2);
    if (k->size == 0)
        return hi_fail(HOSHI_ERR_DATA, "%s:%zu: size is '%s': expected an employee band 1-%d", path,
                       hi_content_line(ini, "case", "size"), size, hoshi_attrs_count(HOSHI_ATTR_SIZE));
    if (k->industry == 0)
        return hi_fail(HOSHI_ERR_DATA, "%s:%zu: industry is '%s': expected a JSIC division letter A-T", path,
                       hi_content_line(ini, "case", "industry"), ind);
    if (k->level == 0)
        return hi_fail(HOSHI_ERR_DATA, "%s:%zu: level is '%s': expected 1 (★) or 2 (★★)", path,
                       hi_content_line(ini, "case", "level"), level);
    return HOSHI_OK;
}

hoshi_err hoshi_cases_open(const char *dir, hoshi_cases **out)
{
    hi_clear_error();
    *out = NULL;
    hoshi_cases *c = hi_calloc(1, sizeof *c);
    if (c == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    void *cases = NULL;
    hoshi_err err = hi_content_load(dir, &schema, sizeof *c->cases, read_facts, &c->files, &cases, &c->n);
    if (err != HOSHI_OK) {
        free(c);
        return err;
    }
    c->cases = cases;
    *out = c;
    return HOSHI_OK;
}

void hoshi_cases_free(hoshi_cases *c)
{
    if (c == NULL)
        return;
    hi_content_free(c->files, c->n);
    free(c->cases);
    free(c);
}

size_t hoshi_cases_count(const hoshi_cases *c)
{
    return c->n;
}

const hoshi_case *hoshi_cases_at(const hoshi_cases *c, size_t i)
{
    return i < c->n ? &c->cases[i] : NULL;
}

const hoshi_case *hoshi_cases_find(const hoshi_cases *c, const char *id)
{
    for (size_t i = 0; id != NULL && i < c->n; i++)
        if (strcmp(c->cases[i].id, id) == 0)
            return &c->cases[i];
    return NULL;
}

const hoshi_case *hoshi_cases_match(const hoshi_cases *c, int size, int industry)
{
    /* Tiers, best first: both match, the industry, the size, any. */
    const hoshi_case *best = NULL;
    int best_tier = 4;
    for (size_t i = 0; i < c->n; i++) {
        const hoshi_case *k = &c->cases[i];
        bool ind = industry != 0 && k->industry == industry, sz = size != 0 && k->size == size;
        int tier = ind && sz ? 0 : ind ? 1 : sz ? 2 : 3;
        if (tier < best_tier) {
            best = k;
            best_tier = tier;
        }
    }
    return best;
}

const char *hoshi_case_text(const hoshi_cases *c, const hoshi_case *k, hoshi_lang lang, const char *key, size_t n)
{
    size_t i = (size_t)(k - c->cases);
    if (i >= c->n)
        return NULL;
    return hoshi_datafile_nth(c->files[i].ini, hi_content_lang(lang), key, n);
}
