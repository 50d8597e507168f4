/*
 * sql_search.c — the public registry search in the SQL store.  At a
 * million declarations counting every match is what costs (a common
 * name matches tens of thousands), so the count stops at
 * HOSHI_STORE_COUNT_CAP + 1 and the page is found one of two ways: a
 * small, exactly counted result is gathered through the most selective
 * index and sorted; a capped one is walked newest first, where matches
 * are dense.
 *
 * Declarations in force are searched in the search's own tables, kept by
 * triggers (sqlite.c migration 17): `registry`, one narrow row per
 * declaration in force with its organisation's search columns, and
 * `registry_grams`, every 1- and 2-character substring of the name key,
 * by declaration.  Counting never joins to learn whether a declaration is
 * in force, and most counts read one covering index.  The index that
 * drives each query is chosen here (docs/internals.md, "The registry
 * search"):
 *
 *   the name's rarest gram                   a name (its character, if one)
 *   registry by (prefecture, seq, …) or      a prefecture or industry
 *     (industry, seq, …), covering             without a selective bigram
 *   registry by level, or its rows           no organisation filter
 *
 * On PostgreSQL the grams are also the GIN index registry_names over
 * hi_grams(name_key) (pg_schema.c migration 5): a name of three
 * characters or more whose rarest bigram is rare enough to drive is
 * driven instead by all its bigrams, their posting lists intersected by
 * the index before a row is read.  A common name stays with
 * registry_grams: a GIN scan builds a bitmap of every entry before the
 * count's LIMIT can stop it.
 *
 * A search that includes withdrawn declarations (no front end asks for
 * one) reads declarations and organisations directly.
 *
 * The statements are assembled from constant fragments; every value is
 * a bound parameter with a fixed number.  CROSS JOIN fixes the join
 * order on SQLite and is an ordinary join to PostgreSQL's planner.
 */
#include "sql_int.h"
#include "internal.h"
#include "hoshi/namekey.h"
#include "hoshi/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A bigram's declarations are counted up to this many when choosing
 * the rarest; one this common does not beat a prefecture's index (a
 * candidate costs a row read, an index entry of the prefecture's a few
 * bytes).  At 20,000 the first probe of a common bigram cost more than
 * the search it chose: 8,000 took 10-30% off the CPU time of the name
 * searches at a million (bench/RESULTS.md). */
#define GRAM_PROBE 8000
/* Bigrams of a long name probed at most (spread over the name). */
#define GRAM_TRIES 6

typedef enum drive { DRIVE_GRAM, DRIVE_TABLE, DRIVE_ALL } drive;

/* What one search binds: ?1 pattern, ?2 prefecture, ?3 industry,
 * ?4 level, ?5 limit, ?6 offset, ?7 gram. */
typedef struct plan {
    char *pattern;                /* %key%, malloc'd; NULL without a name */
    char *key;                    /* the name's search key, malloc'd */
    char gram[16];                /* the gram that drives, "" if none */
    bool gin;                     /* the name drives through registry_names */
    bool industry;
    drive how;
} plan;

/* The search key of a name query in p->key and as a LIKE pattern %key%
 * in p->pattern (both NULL when the key is empty, so nothing can match).
 * A key holds only letters, marks and numbers: never a wildcard to
 * escape. */
static hoshi_err name_pattern(const char *name, plan *p)
{
    const hoshi_namekey *nk;
    hoshi_err err = hoshi_namekey_default(&nk);
    if (err != HOSHI_OK || (err = hoshi_namekey_query(nk, name, &p->key)) != HOSHI_OK)
        return err;
    if (*p->key == '\0') {
        free(p->key);
        p->key = NULL;
        return HOSHI_OK;
    }
    hoshi_buf b = HOSHI_BUF_INIT;
    hoshi_buf_printf(&b, "%%%s%%", p->key);
    if (hoshi_buf_finish(&b, &p->pattern, NULL) != HOSHI_OK)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory searching the registry");
    return HOSHI_OK;
}

/* Bytes of the UTF-8 character at s. */
static size_t char_len(const char *s)
{
    unsigned char c = (unsigned char)*s;
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* How many declarations in force have bigram g, counted up to cap. */
static hoshi_err gram_count(hi_conn *c, const char *g, long long cap, long long *out)
{
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(
        c, "SELECT count(*) FROM (SELECT 1 FROM registry_grams WHERE gram = ?1 LIMIT ?2) AS t", &st);
    if (err != HOSHI_OK)
        return err;
    hi_bind_text(st, 1, g);
    hi_bind_int64(st, 2, cap);
    if (hi_step(st) == HI_ROW)
        *out = hi_col_int64(st, 0);
    else
        err = hi_sq_fail(c, "count a bigram");
    hi_sq_done(st);
    return err;
}

/* The rarest of up to GRAM_TRIES bigrams of p->key (spread over it), or
 * its one character, in p->gram, and how many declarations hold it
 * (GRAM_PROBE or more when all are that common) in *best.  Each probe
 * stops at the best so far. */
static hoshi_err rarest_gram(hi_conn *c, plan *p, long long *best)
{
    size_t at[512], chars = 0; /* where each character starts; later ones are not probed */
    for (size_t i = 0; p->key[i] && chars < sizeof at / sizeof at[0]; i += char_len(p->key + i))
        at[chars++] = i;
    *best = GRAM_PROBE;
    size_t grams = chars > 1 ? chars - 1 : 1, tries = grams < GRAM_TRIES ? grams : GRAM_TRIES;
    for (size_t t = 0; t < tries && *best > 0; t++) {
        size_t k = tries > 1 ? t * (grams - 1) / (tries - 1) : 0;
        size_t from = at[k], to = k + 2 < chars ? at[k + 2] : strlen(p->key);
        char g[sizeof p->gram];
        if (to - from >= sizeof g)
            continue;
        memcpy(g, p->key + from, to - from);
        g[to - from] = '\0';
        long long n = 0;
        hoshi_err err = gram_count(c, g, *best, &n);
        if (err != HOSHI_OK)
            return err;
        if (n < *best || p->gram[0] == '\0') {
            *best = n;
            memcpy(p->gram, g, sizeof g);
        }
    }
    return HOSHI_OK;
}

/* Whether the driving gram is the whole key: a name of one or two
 * characters (rarest_gram takes a longer one's gram from its bigrams). */
static bool gram_is_key(const plan *p)
{
    return strcmp(p->gram, p->key) == 0;
}

/* Whether the registry rows need not be read: a name of one or two
 * characters searched alone is exactly its gram's declarations. */
static bool grams_only(const hoshi_decl_query *q, const plan *p)
{
    return gram_is_key(p) && !q->prefecture && !p->industry && !q->level;
}

/* Whether p->pattern must still be compared: not when the gram is the
 * whole key. */
static bool needs_like(const plan *p, bool walk)
{
    return p->pattern != NULL && (walk || p->how != DRIVE_GRAM || !gram_is_key(p));
}

/* FROM and WHERE of the declarations in force matching q, driven as p->how
 * says (or walked newest first), in b; the column `s` is the seq. */
static void from_where(hoshi_buf *b, const hoshi_decl_query *q, const plan *p, bool walk)
{
    bool grams = !walk && p->how == DRIVE_GRAM;
    if (grams && p->gin)
        hoshi_buf_puts(b, " FROM registry r WHERE hi_grams(r.name_key) @> hi_query_grams(?7)");
    else if (grams && grams_only(q, p))
        hoshi_buf_puts(b, " FROM registry_grams g WHERE g.gram = ?7");
    else if (grams)
        hoshi_buf_puts(b, " FROM registry_grams g CROSS JOIN registry r WHERE r.seq = g.seq AND g.gram = ?7");
    else
        hoshi_buf_puts(b, " FROM registry r WHERE 1 = 1");
    if (needs_like(p, walk))
        hoshi_buf_puts(b, " AND r.name_key LIKE ?1");
    if (q->prefecture)
        hoshi_buf_puts(b, " AND r.prefecture = ?2");
    if (p->industry)
        hoshi_buf_puts(b, " AND r.industry = ?3");
    if (q->level)
        hoshi_buf_puts(b, " AND r.level = ?4");
}

/* The same over every declaration, withdrawn ones too. */
static void from_where_all(hoshi_buf *b, const hoshi_decl_query *q, const plan *p)
{
    hoshi_buf_puts(b, " FROM declarations d CROSS JOIN orgs o WHERE o.id = d.org_id");
    if (p->pattern != NULL)
        hoshi_buf_puts(b, " AND o.name_key LIKE ?1");
    if (q->prefecture)
        hoshi_buf_puts(b, " AND o.prefecture = ?2");
    if (p->industry)
        hoshi_buf_puts(b, " AND o.industry = ?3");
    if (q->level)
        hoshi_buf_puts(b, " AND d.level = ?4");
}

/* The seq column of the matches, as from_where or from_where_all name it. */
static const char *seq_col(const hoshi_decl_query *q, const plan *p, bool walk)
{
    if (p->how == DRIVE_ALL)
        return "d.seq";
    return !walk && p->how == DRIVE_GRAM && grams_only(q, p) ? "g.seq" : "r.seq";
}

static void match(hoshi_buf *b, const hoshi_decl_query *q, const plan *p, bool walk)
{
    if (p->how == DRIVE_ALL)
        from_where_all(b, q, p);
    else
        from_where(b, q, p, walk);
}

static void bind_query(hi_stmt *st, const hoshi_decl_query *q, const plan *p, bool walk)
{
    if (p->how == DRIVE_ALL ? p->pattern != NULL : needs_like(p, walk))
        hi_bind_text(st, 1, p->pattern);
    if (q->prefecture)
        hi_bind_int64(st, 2, q->prefecture);
    if (p->industry)
        hi_bind_text(st, 3, q->industry);
    if (q->level)
        hi_bind_int64(st, 4, q->level);
    if (!walk && p->how == DRIVE_GRAM)
        hi_bind_text(st, 7, p->gin ? p->key : p->gram);
}

/* The statement assembled in b, from c's cache (b is freed). */
static hoshi_err prep_built(hi_conn *c, hoshi_buf *b, hi_stmt **st)
{
    char *sql = NULL;
    hoshi_err err = hoshi_buf_finish(b, &sql, NULL) != HOSHI_OK
                        ? hi_fail(HOSHI_ERR_NOMEM, "out of memory searching the registry")
                        : hi_sq_prep(c, sql, st);
    free(sql);
    return err;
}

/* Whether the count keeps the matches' seqs: a name drive reads a row
 * per candidate, so gathering the page in a second pass would cost the
 * count again; the table drives read covering indexes and page cheaply. */
static bool keeps_seqs(const plan *p)
{
    return p->how == DRIVE_GRAM;
}

/* Counts the matches up to HOSHI_STORE_COUNT_CAP + 1; when keeps_seqs,
 * their seqs in *seqs (malloc'd, *total of them). */
static hoshi_err count(hi_conn *c, const hoshi_decl_query *q, const plan *p, long long *total,
                       long long **seqs)
{
    bool keep = keeps_seqs(p);
    hoshi_buf b = HOSHI_BUF_INIT;
    hoshi_buf_printf(&b, "SELECT %s FROM (SELECT %s AS s", keep ? "t.s" : "count(*)", seq_col(q, p, false));
    match(&b, q, p, false);
    hoshi_buf_printf(&b, " LIMIT %d) AS t", HOSHI_STORE_COUNT_CAP + 1);
    hi_stmt *st;
    hoshi_err err = prep_built(c, &b, &st);
    if (err != HOSHI_OK)
        return err;
    bind_query(st, q, p, false);
    int rc;
    if (!keep) {
        if ((rc = hi_step(st)) == HI_ROW)
            *total = hi_col_int64(st, 0);
    } else if ((*seqs = hi_malloc((HOSHI_STORE_COUNT_CAP + 1) * sizeof **seqs)) == NULL) {
        hi_sq_done(st);
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory searching the registry");
    } else {
        while ((rc = hi_step(st)) == HI_ROW && *total <= HOSHI_STORE_COUNT_CAP)
            (*seqs)[(*total)++] = hi_col_int64(st, 0);
    }
    if (rc == HI_STEP_ERROR)
        err = hi_sq_fail(c, "count declarations");
    hi_sq_done(st);
    return err;
}

/* The page: the declarations picked through the narrow columns first,
 * and only then the wide ones (and the policy check) read for those few.
 * A capped result walks the newest declarations (matches are at least
 * one in a hundred at a million); an exact one gathers its few matches
 * through the driving index and sorts them. */
static hoshi_err page(hi_conn *c, const hoshi_decl_query *q, const plan *p, bool walk, hoshi_decl *out,
                      size_t *n)
{
    const char *seq = seq_col(q, p, walk);
    hoshi_buf b = HOSHI_BUF_INIT;
    hoshi_buf_printf(&b,
                     "SELECT " HI_SQ_DECL_COLS " FROM declarations d JOIN orgs o ON o.id = d.org_id"
                     " WHERE d.seq IN (SELECT %s",
                     seq);
    match(&b, q, p, walk);
    hoshi_buf_printf(&b, " ORDER BY %s DESC LIMIT ?5 OFFSET ?6) ORDER BY d.seq DESC", seq);
    hi_stmt *st;
    hoshi_err err = prep_built(c, &b, &st);
    if (err != HOSHI_OK)
        return err;
    bind_query(st, q, p, walk);
    hi_bind_int64(st, 5, (long long)q->limit);
    hi_bind_int64(st, 6, q->offset);
    hi_sq_query rows = {.copy = hi_sq_copy_decl, .what = "search declarations"};
    err = hi_sq_rows(c, st, &rows, out, sizeof *out, q->limit, n);
    hi_sq_done(st);
    return err;
}

static int seq_newest_first(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x < y) - (x > y);
}

/* The page of an exact result whose seqs the count kept: sorted newest
 * first, and the page's declarations read one by one by seq. */
static hoshi_err page_of(hi_conn *c, const hoshi_decl_query *q, long long *seqs, long long total,
                         hoshi_decl *out, size_t *n)
{
    qsort(seqs, (size_t)total, sizeof *seqs, seq_newest_first);
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, "SELECT " HI_SQ_DECL_COLS " FROM declarations d JOIN orgs o ON o.id = d.org_id"
                                  " WHERE d.seq = ?1", &st);
    if (err != HOSHI_OK)
        return err;
    hi_sq_query rows = {.copy = hi_sq_copy_decl, .what = "search declarations"};
    for (long long i = q->offset; err == HOSHI_OK && i < total && *n < q->limit; i++) {
        size_t got = 0;
        hi_bind_int64(st, 1, seqs[i]);
        err = hi_sq_rows(c, st, &rows, out + *n, sizeof *out, 1, &got);
        hi_sq_done(st);
        *n += got;
    }
    return err;
}

/* Chooses the index that drives the search (file comment). */
static hoshi_err choose(hi_conn *c, const hoshi_decl_query *q, plan *p)
{
    bool org_filter = q->prefecture || p->industry;
    p->how = q->include_withdrawn ? DRIVE_ALL : DRIVE_TABLE;
    if (q->include_withdrawn || p->key == NULL)
        return HOSHI_OK;
    long long best = 0;
    hoshi_err err = rarest_gram(c, p, &best);
    if (err == HOSHI_OK && p->gram[0] && (best < GRAM_PROBE || !org_filter))
        p->how = DRIVE_GRAM;
    /* Rare enough to be counted exactly, and more than one bigram to
     * intersect (three characters or more): GIN narrows the candidates to
     * the rows holding them all. */
    if (p->how == DRIVE_GRAM && c->drv->names_gin && best < GRAM_PROBE && !gram_is_key(p))
        p->gin = true;
    return err;
}

hoshi_err hi_sq_decl_search(hoshi_store *base, const hoshi_decl_query *q, hoshi_decl *out, size_t *n,
                            long long *total)
{
    *n = 0;
    *total = 0;
    plan p = {.industry = q->industry != NULL && *q->industry};
    hoshi_err err = HOSHI_OK;
    if (q->name != NULL && *q->name) {
        if ((err = name_pattern(q->name, &p)) != HOSHI_OK || p.pattern == NULL)
            goto free_plan;
    }
    long long *seqs = NULL;
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    if ((err = choose(c, q, &p)) == HOSHI_OK && (err = count(c, q, &p, total, &seqs)) == HOSHI_OK &&
        q->limit > 0 && q->offset < *total &&
        !(*total > HOSHI_STORE_COUNT_CAP && q->capped_offset_max > 0 && q->offset >= q->capped_offset_max)) {
        if (seqs != NULL && *total <= HOSHI_STORE_COUNT_CAP)
            err = page_of(c, q, seqs, *total, out, n);
        else
            err = page(c, q, &p, *total > HOSHI_STORE_COUNT_CAP, out, n);
    }
    hi_sq_release(HI_SQ(base), c);
    free(seqs);
    if (err != HOSHI_OK) {
        *n = 0;
        *total = 0;
    }
free_plan:
    free(p.pattern);
    free(p.key);
    return err;
}
