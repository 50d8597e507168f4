/*
 * support.c — the directory of support services (issue 13 part 4): reads
 * DATADIR/support/<id>.ini through content_read.c and checks the facts
 * of each service (its kinds, regions, price band, address and the
 * self-diagnosis items it helps with).
 */
#include "hoshi/support.h"
#include "hoshi/diag.h"
#include "content_int.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define PREFECTURES 47

const char *const hoshi_support_kind_names[HOSHI_SUPPORT_KINDS] = {"desk", "monitoring", "incident", "insurance"};
const char *const hoshi_support_price_names[HOSHI_SUPPORT_PRICES] = {"free", "low", "mid", "high"};

static const hi_content_key fact_keys[] = {{"kinds", false}, {"regions", false}, {"price", false},
                                           {"url", false},   {"items", false}};
static const hi_content_key text_keys[] = {{"name", false}, {"provider", false}, {"covers", true}};
static const hi_content_schema schema = {"service", fact_keys, sizeof fact_keys / sizeof fact_keys[0], text_keys,
                                         sizeof text_keys / sizeof text_keys[0]};

struct hoshi_support {
    hi_content_file *files;
    hoshi_service *services; /* services[i] is files[i] */
    size_t n;
};

static int code_of(const char *const *names, int n, const char *name)
{
    for (int i = 0; name != NULL && i < n; i++)
        if (strcmp(names[i], name) == 0)
            return i + 1;
    return 0;
}

int hoshi_support_kind_code(const char *name)
{
    return code_of(hoshi_support_kind_names, HOSHI_SUPPORT_KINDS, name);
}

int hoshi_support_price_code(const char *name)
{
    return code_of(hoshi_support_price_names, HOSHI_SUPPORT_PRICES, name);
}

/* A number lo..hi in one or two digits, or 0. */
static int word_number(const char *w, int lo, int hi)
{
    size_t n = strlen(w);
    if (n == 0 || n > 2 || strspn(w, "0123456789") != n)
        return 0;
    int v = (int)strtol(w, NULL, 10);
    return v >= lo && v <= hi ? v : 0;
}

/* An address a page may link to: http(s), then no blank, quote, angle
 * bracket, backslash or control character. */
static bool url_ok(const char *u)
{
    size_t n = strlen(u);
    if (n > HOSHI_SUPPORT_URL_MAX || !(strncmp(u, "https://", 8) == 0 || strncmp(u, "http://", 7) == 0))
        return false;
    const char *host = u + (u[4] == 's' ? 8 : 7);
    if (*host == '\0' || *host == '/')
        return false;
    for (const unsigned char *p = (const unsigned char *)u; *p; p++)
        if (*p <= ' ' || *p == 0x7f || strchr("\"'<>\\`", *p) != NULL)
            return false;
    return true;
}

static hoshi_err bad(const hoshi_datafile *ini, const char *key, const char *value, const char *expected)
{
    return hi_fail(HOSHI_ERR_DATA, "%s:%zu: %s is '%s': expected %s", hoshi_datafile_path(ini),
                   hi_content_line(ini, "service", key), key, value, expected);
}

static hoshi_err read_facts(const hi_content_file *f, void *elem)
{
    hoshi_service *sv = elem;
    const hoshi_datafile *ini = f->ini;
    const char *kinds = hoshi_datafile_get(ini, "service", "kinds");
    const char *regions = hoshi_datafile_get(ini, "service", "regions");
    const char *price = hoshi_datafile_get(ini, "service", "price");
    const char *items = hoshi_datafile_get(ini, "service", "items");
    char w[16];
    sv->id = f->id;
    for (const char *p = kinds; hi_content_word(&p, w, sizeof w);) {
        int k = hoshi_support_kind_code(w);
        if (k == 0)
            return bad(ini, "kinds", kinds, "kinds among desk, monitoring, incident and insurance");
        sv->kinds |= 1u << (k - 1);
    }
    for (const char *p = regions; hi_content_word(&p, w, sizeof w);) {
        int pref = word_number(w, 1, PREFECTURES);
        if (strcmp(w, "all") == 0)
            sv->nationwide = true;
        else if (pref != 0)
            sv->regions |= 1ull << (pref - 1);
        else
            return bad(ini, "regions", regions, "'all' or prefecture codes 1-47");
    }
    for (const char *p = items; hi_content_word(&p, w, sizeof w);) {
        int item = word_number(w, 1, HOSHI_DIAG_ITEMS);
        if (item == 0)
            return bad(ini, "items", items, "self-diagnosis item numbers 1-25");
        sv->items |= 1u << (item - 1);
    }
    sv->price = hoshi_support_price_code(price);
    if (sv->price == 0)
        return bad(ini, "price", price, "one of free, low, mid and high");
    sv->url = hoshi_datafile_get(ini, "service", "url");
    if (!url_ok(sv->url))
        return bad(ini, "url", sv->url, "an http:// or https:// address without blanks, quotes or <>");
    /* Values made only of separators name nothing: as wrong as a typo. */
    if (sv->kinds == 0)
        return bad(ini, "kinds", kinds, "at least one kind");
    if (!sv->nationwide && sv->regions == 0)
        return bad(ini, "regions", regions, "'all' or at least one prefecture code");
    if (sv->items == 0)
        return bad(ini, "items", items, "at least one item number");
    return HOSHI_OK;
}

hoshi_err hoshi_support_open(const char *dir, hoshi_support **out)
{
    hi_clear_error();
    *out = NULL;
    hoshi_support *s = hi_calloc(1, sizeof *s);
    if (s == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    void *services = NULL;
    hoshi_err err = hi_content_load(dir, &schema, sizeof *s->services, read_facts, &s->files, &services, &s->n);
    if (err != HOSHI_OK) {
        free(s);
        return err;
    }
    s->services = services;
    *out = s;
    return HOSHI_OK;
}

void hoshi_support_free(hoshi_support *s)
{
    if (s == NULL)
        return;
    hi_content_free(s->files, s->n);
    free(s->services);
    free(s);
}

size_t hoshi_support_count(const hoshi_support *s)
{
    return s->n;
}

const hoshi_service *hoshi_support_at(const hoshi_support *s, size_t i)
{
    return i < s->n ? &s->services[i] : NULL;
}

bool hoshi_service_serves(const hoshi_service *sv, int pref)
{
    return pref >= 1 && pref <= PREFECTURES && (sv->nationwide || (sv->regions >> (pref - 1) & 1));
}

bool hoshi_service_covers(const hoshi_service *sv, int item)
{
    return item >= 1 && item <= HOSHI_DIAG_ITEMS && (sv->items >> (item - 1) & 1);
}

size_t hoshi_support_covering(const hoshi_support *s, int item)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++)
        n += hoshi_service_covers(&s->services[i], item);
    return n;
}

const char *hoshi_service_text(const hoshi_support *s, const hoshi_service *sv, hoshi_lang lang, const char *key,
                               size_t n)
{
    size_t i = (size_t)(sv - s->services);
    if (i >= s->n)
        return NULL;
    return hoshi_datafile_nth(s->files[i].ini, hi_content_lang(lang), key, n);
}
