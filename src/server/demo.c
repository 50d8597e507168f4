/*
 * demo.c — `hoshi serve --demo`: a demo log-in whose organisation has
 * walked the whole way to ★★ and --demo-count generated organisations
 * (SRV_DEMO_COUNT by default: enough for the demo survey's few thousand
 * responses) with ★ and ★★ declarations, every ★★ with its diagnosis
 * and published policy.  Names come from data/web/demo.ini.  Seeding is
 * idempotent: a restart with --demo adds nothing that is already there.
 */
#include "server.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEMO_EMAIL "demo@example.jp"
#define DEMO_OPERATOR "operator@example.jp"
#define BATCH 50000

static const char *nth(const hoshi_datafile *ini, const char *key, size_t i)
{
    size_t n = hoshi_datafile_count(ini, "demo", key);
    return n ? hoshi_datafile_nth(ini, "demo", key, i % n) : "";
}

static hoshi_err add_diagnosis(srv *s, long long org_id, const char *answers, const char *date)
{
    hoshi_answer ans[HOSHI_DIAG_ITEMS];
    hoshi_diag_result res;
    long long id;
    for (int i = 0; i < HOSHI_DIAG_ITEMS; i++)
        ans[i] = (hoshi_answer)(answers[i] - '0');
    hoshi_err err = hoshi_diag_score(ans, &res);
    return err ? err : hoshi_store_diagnosis_add(s->store, org_id, answers, res.score, date, &id);
}

/* Creates the log-in `email` with its own organisation named org_name;
 * *created is false (and nothing is done) when it already exists. */
static hoshi_err seed_login(srv *s, const char *email, const char *org_name, const char *password,
                            long long *uid, long long *oid, bool *created)
{
    hoshi_user u;
    *created = false;
    if (hoshi_store_user_by_email(s->store, email, &u) == HOSHI_OK)
        return HOSHI_OK;
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return HOSHI_ERR_NOMEM;
    hoshi_err err = hoshi_store_signup(s->store, email, hash, org_name, uid, oid);
    *created = err == HOSHI_OK;
    return err;
}

/* The programme operator's demo log-in, in an organisation of its own. */
static hoshi_err seed_operator(srv *s, const hoshi_datafile *ini, const char *password)
{
    long long uid, oid;
    bool created;
    hoshi_err err = seed_login(s, DEMO_OPERATOR, nth(ini, "operator_org", 0), password, &uid, &oid,
                               &created);
    return err != HOSHI_OK || !created ? err : hoshi_store_user_set_operator(s->store, uid, true);
}

static hoshi_err seed_account(srv *s, const hoshi_datafile *ini, const char *password)
{
    long long uid, oid;
    bool created;
    hoshi_err err = seed_login(s, DEMO_EMAIL, nth(ini, "account_org", 0), password, &uid, &oid,
                               &created);
    if (err != HOSHI_OK || !created)
        return err;
    hoshi_org org;
    if ((err = hoshi_store_org_get(s->store, oid, &org)) != HOSHI_OK)
        return err;
    org.prefecture = 13;
    org.industry[0] = 'E';
    org.industry[1] = '\0';
    org.employees = 2;
    snprintf(org.contact, sizeof org.contact, "%s", nth(ini, "account_contact", 0));
    snprintf(org.star1, sizeof org.star1, "11111");
    org.star1_committed = true;
    if ((err = hoshi_store_org_update(s->store, &org)) != HOSHI_OK)
        return err;
    char today[HOSHI_STORE_DATE], then[HOSHI_STORE_DATE];
    hoshi_date d = hoshi_date_today();
    hoshi_date_iso(d, today, sizeof today);
    d.year -= 1;
    if (d.month == 2 && d.day == 29)
        d.day = 28;
    hoshi_date_iso(d, then, sizeof then);
    /* A year-old first diagnosis and today's, so history has a trend. */
    if ((err = add_diagnosis(s, oid, "1121111213112111121131211", then)) != HOSHI_OK ||
        (err = add_diagnosis(s, oid, "1111111111111111111111111", today)) != HOSHI_OK)
        return err;
    /* The policy's contact is a desk: the profile's contact person is never published. */
    hoshi_policy_info info = {org.name, nth(ini, "account_representative", 0), today,
                              nth(ini, "account_policy_contact", 0)};
    char *text = NULL;
    size_t len;
    if ((err = hoshi_policy_render(s->cat[HOSHI_LANG_JA], &info, HOSHI_POLICY_TEXT, &text, &len)) != HOSHI_OK)
        return err;
    hoshi_policy_rec pol;
    memset(&pol, 0, sizeof pol);
    pol.org_id = oid;
    snprintf(pol.representative, sizeof pol.representative, "%s", info.representative);
    snprintf(pol.contact, sizeof pol.contact, "%s", info.contact);
    snprintf(pol.established, sizeof pol.established, "%s", today);
    snprintf(pol.published_on, sizeof pol.published_on, "%s", today);
    pol.body = text;
    pol.published = true;
    err = hoshi_store_policy_save(s->store, &pol);
    if (err == HOSHI_OK)
        err = hoshi_store_policy_publish(s->store, oid, today);
    free(text);
    if (err != HOSHI_OK)
        return err;
    char did[HOSHI_DECL_ID_LEN + 1];
    return hoshi_store_decl_create(s->store, oid, 2, today, did);
}

/* The lists generated organisations draw from, looked up once: a
 * million organisations would otherwise search demo.ini five times
 * each. */
typedef struct demo_lists {
    const char **v[5];
    size_t n[5];
} demo_lists;
enum { L_FAMILY, L_TRADE, L_SUFFIX, L_CONTACT, L_TITLE };
static const char *const list_keys[5] = {"family", "trade", "suffix", "contact", "title"};

static hoshi_err lists_load(const hoshi_datafile *ini, demo_lists *l)
{
    memset(l, 0, sizeof *l);
    for (int k = 0; k < 5; k++) {
        l->n[k] = hoshi_datafile_count(ini, "demo", list_keys[k]);
        if (l->n[k] == 0)
            continue;
        if ((l->v[k] = calloc(l->n[k], sizeof *l->v[k])) == NULL)
            return HOSHI_ERR_NOMEM;
        for (size_t i = 0; i < l->n[k]; i++)
            l->v[k][i] = hoshi_datafile_nth(ini, "demo", list_keys[k], i);
    }
    return HOSHI_OK;
}

static void lists_free(demo_lists *l)
{
    for (int k = 0; k < 5; k++)
        free(l->v[k]);
}

static const char *pick(const demo_lists *l, int k, size_t i)
{
    return l->n[k] ? l->v[k][i % l->n[k]] : "";
}

/* Fills one generated organisation.  Names combine a family name, a
 * trade word and a suffix from demo.ini (the pairs (i mod F, (i + i/F)
 * mod T) are all distinct in one round of F×T), numbered past the first
 * round so every name is unique. */
static void make_org(const demo_lists *l, size_t i, hoshi_org *o, char *rep, size_t rep_size)
{
    memset(o, 0, sizeof *o);
    size_t nf = l->n[L_FAMILY], nt = l->n[L_TRADE];
    size_t round = nf && nt ? i / (nf * nt) : i;
    const char *fam = pick(l, L_FAMILY, i), *trade = pick(l, L_TRADE, i + i / (nf ? nf : 1));
    const char *suffix = pick(l, L_SUFFIX, i * 7 + 3);
    /* "工務店|D": the trade word, then the JSIC division it belongs to */
    const char *bar = strchr(trade, '|');
    int trade_len = bar != NULL ? (int)(bar - trade) : (int)strlen(trade);
    char division = bar != NULL && bar[1] >= 'A' && bar[1] <= 'T' ? bar[1] : (char)('A' + (i * 7) % 20);
    if (round == 0)
        snprintf(o->name, sizeof o->name, "%s%.*s%s", fam, trade_len, trade, suffix);
    else
        snprintf(o->name, sizeof o->name, "%s%.*s%s %zu", fam, trade_len, trade, suffix, round + 1);
    o->prefecture = (int)(i * 13 % 47) + 1;
    o->industry[0] = division;
    o->employees = (int)(i % 6) + 1;
    snprintf(o->contact, sizeof o->contact, "%s", pick(l, L_CONTACT, i));
    snprintf(rep, rep_size, "%s %s", pick(l, L_TITLE, i), fam);
}

/* The i-th ★★ organisation's diagnosis (a ★★ declaration rests on
 * one): mostly "done" (1), the rest spread over 2..4, more gaps in
 * smaller organisations; scored as the diagnosis page scores it. */
static hoshi_err make_diagnosis(size_t i, char out[HOSHI_DIAG_ITEMS + 1], int *score)
{
    hoshi_answer ans[HOSHI_DIAG_ITEMS];
    hoshi_diag_result res;
    uint64_t x = (uint64_t)i * 0x9E3779B97F4A7C15ULL + 2024u;
    unsigned gaps = 20 + 8 * (unsigned)(6 - (i % 6 + 1));
    for (int k = 0; k < HOSHI_DIAG_ITEMS; k++) {
        x ^= x >> 29;
        x *= 0xBF58476D1CE4E5B9ULL;
        x ^= x >> 32;
        unsigned r = (unsigned)(x % 100);
        ans[k] = (hoshi_answer)(r < 100 - gaps ? 1 : 2 + (int)(r % 3));
        out[k] = (char)('0' + ans[k]);
    }
    out[HOSHI_DIAG_ITEMS] = '\0';
    hoshi_err err = hoshi_diag_score(ans, &res);
    *score = res.score;
    return err;
}

static hoshi_err seed_orgs(srv *s, const hoshi_datafile *ini, long count)
{
    /* Every declaration, withdrawn ones too, counted exactly (a search
     * stops counting at HOSHI_STORE_COUNT_CAP). */
    hoshi_stats st;
    hoshi_err err = hoshi_store_stats(s->store, &st);
    if (err != HOSHI_OK)
        return err;
    long long total = st.active[1] + st.active[2] + st.withdrawn;
    if (total > count) /* already seeded (the demo account has one more) */
        return HOSHI_OK;
    hoshi_org *orgs = calloc(BATCH, sizeof *orgs);
    hoshi_seed_decl *items = calloc(BATCH, sizeof *items);
    char (*reps)[120] = calloc(BATCH, sizeof *reps);
    char (*diags)[HOSHI_DIAG_ITEMS + 1] = calloc(BATCH, sizeof *diags);
    demo_lists lists;
    char today[16];
    hoshi_date_iso(hoshi_date_today(), today, sizeof today);
    hoshi_buf joined = HOSHI_BUF_INIT;
    for (size_t i = 0; i < hoshi_datafile_count(ini, "demo", "policy"); i++) {
        hoshi_buf_puts(&joined, hoshi_datafile_nth(ini, "demo", "policy", i));
        hoshi_buf_putc(&joined, '\n');
    }
    const char *body = joined.data ? joined.data : "";
    if (lists_load(ini, &lists) != HOSHI_OK || orgs == NULL || items == NULL || reps == NULL || diags == NULL ||
        joined.err != HOSHI_OK) {
        err = HOSHI_ERR_NOMEM;
        goto free_batch;
    }
    for (long start = total > 0 ? total - 1 : 0; start < count; start += BATCH) {
        size_t k = 0;
        for (long i = start; i < count && k < BATCH; i++, k++) {
            make_org(&lists, (size_t)i, &orgs[k], reps[k], sizeof reps[k]);
            int level = i % 3 == 0 ? 1 : 2;
            items[k] = (hoshi_seed_decl){&orgs[k], level, today, NULL, reps[k], NULL, 0};
            if (level == 2) {
                items[k].policy_body = body;
                items[k].diagnosis = diags[k];
                if ((err = make_diagnosis((size_t)i, diags[k], &items[k].score)) != HOSHI_OK)
                    goto free_batch;
            }
        }
        if ((err = hoshi_store_seed(s->store, items, k)) != HOSHI_OK)
            break;
    }
free_batch:
    lists_free(&lists);
    hoshi_buf_free(&joined);
    free(orgs);
    free(items);
    free(reps);
    free(diags);
    return err;
}

hoshi_err srv_seed_demo(srv *s, const char *password, long demo_count)
{
    char path[1024];
    const char *dir = s->cfg.datadir ? s->cfg.datadir : hoshi_datadir_default();
    snprintf(path, sizeof path, "%s/web/demo.ini", dir);
    hoshi_datafile *ini = NULL;
    hoshi_err err = hoshi_datafile_load(path, &ini);
    if (err != HOSHI_OK)
        return err;
    if ((err = seed_account(s, ini, password)) == HOSHI_OK &&
        (err = seed_operator(s, ini, password)) == HOSHI_OK &&
        (err = seed_orgs(s, ini, demo_count)) == HOSHI_OK)
        err = srv_seed_demo_survey(s, ini);
    hoshi_datafile_free(ini);
    return err;
}
