/*
 * test_store_survey.c — surveys in the SQLite store (issue 9) on a
 * temporary database: creating, reading and listing surveys, dates and
 * closing, invitations by every filter and their combinations (skipping
 * the organisations already invited), token look-up (the database holds
 * only the hash), saving and resuming a draft, submitting once (also from
 * two threads at once), refusals when closed or not yet open, the
 * attribute snapshot, the export read and the progress counts.
 */
#include "hoshi/store.h"
#include "hoshi/store_accounts.h"
#include "hoshi/store_registry.h"
#include "hoshi/store_survey.h"
#include "pgtest.h"
#include "unit.h"

#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

static char dir[] = "/tmp/hoshi-store-survey-XXXXXX";
static char path[128];

static hoshi_store *open_fresh(void)
{
    static int n;
    snprintf(path, sizeof path, "%s/s%d.db", dir, n++);
    hoshi_store *s = NULL;
    CHECK_INT(hi_test_store_open(path, 4, &s), HOSHI_OK);
    return s;
}

/* An organisation with the given attributes and (level 1 or 2) an active
 * declaration; level 0: none. */
static long long make_org(hoshi_store *s, const char *name, int pref, const char *industry, int size,
                          int level)
{
    static int n;
    char email[64], decl[HOSHI_STORE_DECL_ID];
    long long uid = 0, oid = 0;
    snprintf(email, sizeof email, "o%d@example.jp", n++);
    CHECK_INT(hoshi_store_signup(s, email, "h", name, &uid, &oid), HOSHI_OK);
    hoshi_org o;
    CHECK_INT(hoshi_store_org_get(s, oid, &o), HOSHI_OK);
    o.prefecture = pref;
    snprintf(o.industry, sizeof o.industry, "%s", industry);
    o.employees = size;
    CHECK_INT(hoshi_store_org_update(s, &o), HOSHI_OK);
    if (level > 0)
        CHECK_INT(hoshi_store_decl_create(s, oid, level, "2026-01-01", decl), HOSHI_OK);
    return oid;
}

static long long make_survey(hoshi_store *s, const char *opens, const char *closes)
{
    hoshi_survey_new in = {"q2018", "2018年 宣言者調査", "1", "survey-def", 10, "2026-03-01", opens, closes};
    long long id = 0;
    CHECK_INT(hoshi_store_survey_create(s, &in, &id), HOSHI_OK);
    CHECK(id > 0);
    return id;
}

/* --- collecting invitations ---------------------------------------------- */

#define MAX_INV 64

typedef struct got {
    size_t n;
    hoshi_invitation_new inv[MAX_INV];
    size_t fail_at;               /* > 0: the callback fails at this one */
} got;

static hoshi_err collect(void *ctx, const hoshi_invitation_new *inv)
{
    got *g = ctx;
    if (g->fail_at > 0 && g->n + 1 == g->fail_at)
        return HOSHI_ERR_IO;
    if (g->n < MAX_INV)
        g->inv[g->n++] = *inv;
    return HOSHI_OK;
}

static bool got_org(const got *g, long long org_id)
{
    for (size_t i = 0; i < g->n; i++)
        if (g->inv[i].org_id == org_id)
            return true;
    return false;
}

/* Invites with f into a fresh survey; *n the count, the invitations in g. */
static long long invite(hoshi_store *s, const hoshi_invite_filter *f, got *g)
{
    long long survey = make_survey(s, NULL, NULL), invited = -1, skipped = -1;
    memset(g, 0, sizeof *g);
    CHECK_INT(hoshi_store_survey_invite(s, survey, f, "2026-03-02", collect, g, &invited, &skipped), HOSHI_OK);
    CHECK_INT(skipped, 0);
    CHECK_INT(invited, (long long)g->n);
    return invited;
}

/* --- surveys ------------------------------------------------------------- */

static void create_get_list(void)
{
    hoshi_store *s = open_fresh();
    unsigned char def[] = {'a', 0, 'b', 0xff, 'c'};
    hoshi_survey_new in = {"form1", "調査 1", "v2", def, sizeof def, "2026-03-01", "", NULL};
    long long a = 0, b = 0;
    CHECK_INT(hoshi_store_survey_create(s, &in, &a), HOSHI_OK);
    in.title = "調査 2";
    in.opens_on = "2026-04-01";
    in.closes_on = "2026-04-30";
    CHECK_INT(hoshi_store_survey_create(s, &in, &b), HOSHI_OK);
    CHECK(b > a);

    hoshi_survey v;
    CHECK_INT(hoshi_store_survey_get(s, a, "2026-03-05", &v), HOSHI_OK);
    CHECK_STR(v.form_id, "form1");
    CHECK_STR(v.title, "調査 1");
    CHECK_STR(v.version, "v2");
    CHECK_STR(v.created_on, "2026-03-01");
    CHECK_STR(v.opens_on, "");
    CHECK_STR(v.closes_on, "");
    CHECK_STR(v.closed_on, "");
    CHECK_INT(v.state, HOSHI_SURVEY_OPEN);
    CHECK_INT(v.definition_len, sizeof def);
    CHECK(v.definition != NULL && memcmp(v.definition, def, sizeof def) == 0 && v.definition[sizeof def] == 0);
    CHECK_INT(v.counts.invited + v.counts.started + v.counts.submitted, 0);
    free(v.definition);
    CHECK_INT(hoshi_store_survey_get(s, b, "2026-03-05", &v), HOSHI_OK);
    CHECK_INT(v.state, HOSHI_SURVEY_NOT_YET_OPEN);
    CHECK_STR(v.opens_on, "2026-04-01");
    free(v.definition);
    CHECK_INT(hoshi_store_survey_get(s, b + 1, "2026-03-05", &v), HOSHI_ERR_NOTFOUND);
    CHECK(v.definition == NULL);
    CHECK_INT(hoshi_store_survey_get(s, a, "2026-3-5", &v), HOSHI_ERR_INPUT);

    hoshi_survey list[4];
    size_t n = 9;
    CHECK_INT(hoshi_store_survey_list(s, "2026-04-10", list, 4, &n), HOSHI_OK);
    CHECK_INT(n, 2);
    CHECK_INT(list[0].id, b); /* newest first */
    CHECK_INT(list[1].id, a);
    CHECK_INT(list[0].state, HOSHI_SURVEY_OPEN);
    CHECK(list[0].definition == NULL);
    CHECK_INT(hoshi_store_survey_list(s, "2026-04-10", list, 1, &n), HOSHI_OK);
    CHECK_INT(n, 1);
    CHECK_INT(list[0].id, b);
    CHECK_INT(hoshi_store_survey_list(s, "2026-05-01", list, 4, &n), HOSHI_OK);
    CHECK_INT(list[0].state, HOSHI_SURVEY_ENDED);
    CHECK_INT(list[1].state, HOSHI_SURVEY_OPEN);
    hoshi_store_close(s);
}

static void create_refuses_bad_input(void)
{
    hoshi_store *s = open_fresh();
    long long id = 7;
    char title[HOSHI_STORE_TITLE_CHARS + 2];
    memset(title, 'x', sizeof title - 1);
    title[sizeof title - 1] = '\0';
    unsigned char *big = calloc(HOSHI_STORE_DEFINITION_MAX + 1, 1);
    hoshi_survey_new good = {"f", "t", "", "d", 1, "2026-03-01", NULL, NULL};
    hoshi_survey_new in = good;
    in.title = title;
    CHECK_INT(hoshi_store_survey_create(s, &in, &id), HOSHI_ERR_INPUT);
    CHECK_INT(id, 0);
    in = good;
    in.title = "";
    CHECK_INT(hoshi_store_survey_create(s, &in, &id), HOSHI_ERR_INPUT);
    in = good;
    in.form_id = "bad\xff";
    CHECK_INT(hoshi_store_survey_create(s, &in, &id), HOSHI_ERR_INPUT);
    in = good;
    in.definition_len = 0;
    CHECK_INT(hoshi_store_survey_create(s, &in, &id), HOSHI_ERR_INPUT);
    in = good;
    in.definition = big;
    in.definition_len = HOSHI_STORE_DEFINITION_MAX + 1;
    CHECK_INT(hoshi_store_survey_create(s, &in, &id), HOSHI_ERR_INPUT);
    in.definition_len = HOSHI_STORE_DEFINITION_MAX; /* the cap itself is fine */
    CHECK_INT(hoshi_store_survey_create(s, &in, &id), HOSHI_OK);
    in = good;
    in.created_on = "2026-02-30";
    CHECK_INT(hoshi_store_survey_create(s, &in, &id), HOSHI_ERR_INPUT);
    in = good;
    in.opens_on = "2026-05-02";
    in.closes_on = "2026-05-01";
    CHECK_INT(hoshi_store_survey_create(s, &in, &id), HOSHI_ERR_INPUT);
    in.opens_on = "soon";
    in.closes_on = NULL;
    CHECK_INT(hoshi_store_survey_create(s, &in, &id), HOSHI_ERR_INPUT);
    hoshi_survey list[4];
    size_t n;
    CHECK_INT(hoshi_store_survey_list(s, "2026-03-01", list, 4, &n), HOSHI_OK);
    CHECK_INT(n, 1); /* only the one at the cap */
    free(big);
    hoshi_store_close(s);
}

static void dates_and_closing(void)
{
    hoshi_store *s = open_fresh();
    long long id = make_survey(s, NULL, NULL);
    hoshi_survey v;
    CHECK_INT(hoshi_store_survey_set_dates(s, id, "2026-04-01", "2026-04-30"), HOSHI_OK);
    CHECK_INT(hoshi_store_survey_set_dates(s, id, "2026-04-30", "2026-04-01"), HOSHI_ERR_INPUT);
    CHECK_INT(hoshi_store_survey_set_dates(s, id, "x", NULL), HOSHI_ERR_INPUT);
    CHECK_INT(hoshi_store_survey_set_dates(s, id + 1, NULL, NULL), HOSHI_ERR_NOTFOUND);
    const char *days[] = {"2026-03-31", "2026-04-01", "2026-04-30", "2026-05-01"};
    hoshi_survey_state want[] = {HOSHI_SURVEY_NOT_YET_OPEN, HOSHI_SURVEY_OPEN, HOSHI_SURVEY_OPEN,
                                 HOSHI_SURVEY_ENDED};
    for (int i = 0; i < 4; i++) {
        CHECK_INT(hoshi_store_survey_get(s, id, days[i], &v), HOSHI_OK);
        CHECK_INT(v.state, want[i]);
        free(v.definition);
    }
    CHECK_INT(hoshi_store_survey_close(s, id, "2026-04-10"), HOSHI_OK);
    /* Closing again is fine and keeps the first day. */
    CHECK_INT(hoshi_store_survey_close(s, id, "2026-04-11"), HOSHI_OK);
    CHECK_INT(hoshi_store_survey_close(s, id, "someday"), HOSHI_ERR_INPUT);
    CHECK_INT(hoshi_store_survey_close(s, id + 1, "2026-04-11"), HOSHI_ERR_NOTFOUND);
    /* A closed survey stays closed, whatever its dates. */
    CHECK_INT(hoshi_store_survey_set_dates(s, id, NULL, NULL), HOSHI_OK);
    CHECK_INT(hoshi_store_survey_get(s, id, "2026-04-15", &v), HOSHI_OK);
    CHECK_INT(v.state, HOSHI_SURVEY_CLOSED);
    CHECK_STR(v.closed_on, "2026-04-10");
    CHECK_STR(v.opens_on, "");
    free(v.definition);
    hoshi_store_close(s);
}

/* --- invitations --------------------------------------------------------- */

static void invite_by_every_filter(void)
{
    hoshi_store *s = open_fresh();
    long long a = make_org(s, "A 東京 G 3 ★", 13, "G", 3, 1);
    long long b = make_org(s, "B 東京 E 5 ★★", 13, "E", 5, 2);
    long long c = make_org(s, "C 大阪 G 5 ★★", 27, "G", 5, 2);
    long long d = make_org(s, "D 大阪 E 3 ★", 27, "E", 3, 1);
    long long e = make_org(s, "E 未宣言", 13, "G", 3, 0);
    long long w = make_org(s, "W 取下げ", 13, "G", 3, 1);
    CHECK_INT(hoshi_store_decl_withdraw(s, w, "2026-02-01"), HOSHI_OK);
    got g;
    hoshi_invite_filter any = {0, 0, NULL, 0};
    CHECK_INT(invite(s, &any, &g), 4);
    CHECK(got_org(&g, a) && got_org(&g, b) && got_org(&g, c) && got_org(&g, d));
    CHECK(!got_org(&g, e) && !got_org(&g, w));
    /* Declaration order; each with its declaration and name. */
    CHECK_INT(g.inv[0].org_id, a);
    CHECK_STR(g.inv[0].org_name, "A 東京 G 3 ★");
    hoshi_decl decl;
    CHECK_INT(hoshi_store_decl_active(s, a, &decl), HOSHI_OK);
    CHECK_STR(g.inv[0].decl_id, decl.id);
    CHECK_INT(strlen(g.inv[0].token), HOSHI_STORE_INVITE_TOKEN_CHARS);
    CHECK(strcmp(g.inv[0].token, g.inv[1].token) != 0);
    CHECK(strspn(g.inv[0].token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
          HOSHI_STORE_INVITE_TOKEN_CHARS);

    hoshi_invite_filter level2 = {2, 0, NULL, 0};
    CHECK_INT(invite(s, &level2, &g), 2);
    CHECK(got_org(&g, b) && got_org(&g, c));
    hoshi_invite_filter pref27 = {0, 27, NULL, 0};
    CHECK_INT(invite(s, &pref27, &g), 2);
    CHECK(got_org(&g, c) && got_org(&g, d));
    hoshi_invite_filter indE = {0, 0, "E", 0};
    CHECK_INT(invite(s, &indE, &g), 2);
    CHECK(got_org(&g, b) && got_org(&g, d));
    hoshi_invite_filter size5 = {0, 0, "", 5};
    CHECK_INT(invite(s, &size5, &g), 2);
    CHECK(got_org(&g, b) && got_org(&g, c));
    /* Conditions combine: all must hold. */
    hoshi_invite_filter l2g = {2, 0, "G", 0};
    CHECK_INT(invite(s, &l2g, &g), 1);
    CHECK(got_org(&g, c));
    hoshi_invite_filter l1p13s3 = {1, 13, NULL, 3};
    CHECK_INT(invite(s, &l1p13s3, &g), 1);
    CHECK(got_org(&g, a));
    hoshi_invite_filter all4 = {1, 27, "E", 3};
    CHECK_INT(invite(s, &all4, &g), 1);
    CHECK(got_org(&g, d));
    hoshi_invite_filter none = {2, 13, "G", 0};
    CHECK_INT(invite(s, &none, &g), 0);

    /* Values out of range are refused. */
    long long survey = make_survey(s, NULL, NULL), inv, skip;
    hoshi_invite_filter bad[] = {{3, 0, NULL, 0}, {-1, 0, NULL, 0}, {0, 48, NULL, 0}, {0, -2, NULL, 0},
                                 {0, 0, "U", 0}, {0, 0, "g", 0}, {0, 0, "GG", 0}, {0, 0, NULL, 7}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_INT(hoshi_store_survey_invite(s, survey, &bad[i], "2026-03-02", NULL, NULL, &inv, &skip),
                  HOSHI_ERR_INPUT);
    CHECK_INT(hoshi_store_survey_invite(s, survey, &any, "03/02", NULL, NULL, &inv, &skip), HOSHI_ERR_INPUT);
    hoshi_store_close(s);
}

static void invite_skips_the_invited(void)
{
    hoshi_store *s = open_fresh();
    long long a = make_org(s, "A", 13, "G", 3, 1);
    make_org(s, "B", 13, "G", 3, 2);
    long long survey = make_survey(s, NULL, NULL), inv = -1, skip = -1;
    hoshi_invite_filter any = {0};
    got g = {0};
    CHECK_INT(hoshi_store_survey_invite(s, survey, &any, "2026-03-02", collect, &g, &inv, &skip), HOSHI_OK);
    CHECK_INT(inv, 2);
    CHECK_INT(skip, 0);
    long long c = make_org(s, "C", 13, "G", 3, 1);
    /* A step up to ★★ is a new declaration of an organisation invited. */
    char id[HOSHI_STORE_DECL_ID];
    CHECK_INT(hoshi_store_decl_create(s, a, 2, "2026-03-01", id), HOSHI_OK);
    memset(&g, 0, sizeof g);
    CHECK_INT(hoshi_store_survey_invite(s, survey, &any, "2026-03-02", collect, &g, &inv, &skip), HOSHI_OK);
    CHECK_INT(inv, 1);
    CHECK_INT(skip, 2);
    CHECK_INT(g.n, 1);
    CHECK_INT(g.inv[0].org_id, c);
    hoshi_survey_progress p;
    CHECK_INT(hoshi_store_survey_progress(s, survey, &p), HOSHI_OK);
    CHECK_INT(p.all.invited, 3);
    hoshi_store_close(s);
}

static void invite_refusals_leave_nothing(void)
{
    hoshi_store *s = open_fresh();
    for (int i = 0; i < 5; i++)
        make_org(s, "X", 1, "A", 1, 1);
    hoshi_invite_filter any = {0};
    long long inv = -1, skip = -1;
    got g = {0};
    /* The callback failing at the third rolls back all. */
    long long survey = make_survey(s, NULL, NULL);
    g.fail_at = 3;
    CHECK_INT(hoshi_store_survey_invite(s, survey, &any, "2026-03-02", collect, &g, &inv, &skip), HOSHI_ERR_IO);
    CHECK_INT(inv, 0);
    hoshi_survey_progress p;
    CHECK_INT(hoshi_store_survey_progress(s, survey, &p), HOSHI_OK);
    CHECK_INT(p.all.invited, 0);
    hoshi_invitation found;
    CHECK_INT(hoshi_store_invitation_by_token(s, g.inv[0].token, "2026-03-02", &found), HOSHI_ERR_NOTFOUND);
    free(found.answers); /* NULL unless found */
    /* Not yet open: invitations may go out before. */
    long long later = make_survey(s, "2026-04-01", NULL);
    CHECK_INT(hoshi_store_survey_invite(s, later, &any, "2026-03-02", NULL, NULL, &inv, &skip), HOSHI_OK);
    CHECK_INT(inv, 5);
    /* Closed or ended: refused. */
    long long closed = make_survey(s, NULL, NULL);
    CHECK_INT(hoshi_store_survey_close(s, closed, "2026-03-02"), HOSHI_OK);
    CHECK_INT(hoshi_store_survey_invite(s, closed, &any, "2026-03-02", NULL, NULL, &inv, &skip), HOSHI_ERR_INPUT);
    long long ended = make_survey(s, NULL, "2026-03-01");
    CHECK_INT(hoshi_store_survey_invite(s, ended, &any, "2026-03-02", NULL, NULL, &inv, &skip), HOSHI_ERR_INPUT);
    CHECK_INT(hoshi_store_survey_invite(s, ended + 1, &any, "2026-03-02", NULL, NULL, &inv, &skip),
              HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_survey_progress(s, closed, &p), HOSHI_OK);
    CHECK_INT(p.all.invited, 0);
    CHECK_INT(hoshi_store_survey_progress(s, ended, &p), HOSHI_OK);
    CHECK_INT(p.all.invited, 0);
    CHECK_INT(hoshi_store_survey_progress(s, ended + 1, &p), HOSHI_ERR_NOTFOUND);
    hoshi_store_close(s);
}

/* true when the file holds the bytes of text anywhere. */
static bool file_holds(const char *file, const char *text)
{
    FILE *f = fopen(file, "rb");
    if (f == NULL)
        return false;
    static char buf[1 << 22];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    size_t len = strlen(text);
    for (size_t i = 0; i + len <= n; i++)
        if (memcmp(buf + i, text, len) == 0)
            return true;
    return false;
}

static void tokens_are_stored_hashed(void)
{
    hoshi_store *s = open_fresh();
    long long a = make_org(s, "A", 13, "G", 3, 1);
    long long b = make_org(s, "B", 13, "G", 3, 2);
    long long survey = make_survey(s, NULL, NULL), inv, skip;
    hoshi_invite_filter any = {0};
    got g = {0};
    CHECK_INT(hoshi_store_survey_invite(s, survey, &any, "2026-03-02", collect, &g, &inv, &skip), HOSHI_OK);
    CHECK_INT(g.n, 2);
    hoshi_invitation found;
    CHECK_INT(hoshi_store_invitation_by_token(s, g.inv[1].token, "2026-03-02", &found), HOSHI_OK);
    CHECK_INT(found.id, g.inv[1].invitation_id);
    CHECK_INT(found.org_id, b);
    CHECK_INT(found.survey_id, survey);
    CHECK_INT(found.survey_state, HOSHI_SURVEY_OPEN);
    CHECK_INT(found.response_state, HOSHI_RESPONSE_NONE);
    CHECK_INT(found.page, 0);
    CHECK_STR(found.answers, "");
    free(found.answers);
    CHECK_INT(hoshi_store_invitation_by_token(s, g.inv[0].token, "2026-03-02", &found), HOSHI_OK);
    CHECK_INT(found.org_id, a);
    free(found.answers);
    /* Wrong tokens: one character changed, cut short, empty, NULL. */
    char wrong[HOSHI_STORE_INVITE_TOKEN];
    memcpy(wrong, g.inv[0].token, sizeof wrong);
    wrong[5] = wrong[5] == 'A' ? 'B' : 'A';
    CHECK_INT(hoshi_store_invitation_by_token(s, wrong, "2026-03-02", &found), HOSHI_ERR_NOTFOUND);
    CHECK(found.answers == NULL);
    wrong[5] = g.inv[0].token[5];
    wrong[42] = '\0';
    CHECK_INT(hoshi_store_invitation_by_token(s, wrong, "2026-03-02", &found), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_invitation_by_token(s, "", "2026-03-02", &found), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_invitation_by_token(s, NULL, "2026-03-02", &found), HOSHI_ERR_NOTFOUND);
    /* By organisation, for the signed-in owner. */
    CHECK_INT(hoshi_store_invitation_by_org(s, b, survey, "2026-03-02", &found), HOSHI_OK);
    CHECK_INT(found.id, g.inv[1].invitation_id);
    free(found.answers);
    CHECK_INT(hoshi_store_invitation_by_org(s, b, survey + 1, "2026-03-02", &found), HOSHI_ERR_NOTFOUND);

    /* What the database holds is the hash, and the token nowhere. */
    unsigned char want[crypto_generichash_BYTES];
    crypto_generichash(want, sizeof want, (const unsigned char *)g.inv[0].token, strlen(g.inv[0].token), NULL, 0);
    char want_hex[2 * sizeof want + 1], got_hex[2 * sizeof want + 8], sq[128], pg[128];
    sodium_bin2hex(want_hex, sizeof want_hex, want, sizeof want);
    snprintf(sq, sizeof sq, "SELECT lower(hex(token_hash)) FROM invitations WHERE id = %lld", g.inv[0].invitation_id);
    snprintf(pg, sizeof pg, "SELECT encode(token_hash, 'hex') FROM invitations WHERE id = %lld",
             g.inv[0].invitation_id);
    CHECK(hi_test_db_value(path, sq, pg, got_hex, sizeof got_hex));
    CHECK_STR(got_hex, want_hex);
    hoshi_store_close(s);
    /* The file itself, when the database is one (SQLite). */
    if (hi_test_on_pg())
        return;
    char wal[160];
    snprintf(wal, sizeof wal, "%s-wal", path);
    CHECK(file_holds(path, "q2018")); /* the check can see the file's text */
    for (size_t i = 0; i < g.n; i++) {
        CHECK(!file_holds(path, g.inv[i].token));
        CHECK(!file_holds(wal, g.inv[i].token));
    }
}

/* --- answering ----------------------------------------------------------- */

/* Checks what the token's invitation says on `today`. */
static void expect_invitation(hoshi_store *s, const char *token, const char *today, hoshi_survey_state survey,
                              hoshi_response_state response, const char *answers)
{
    hoshi_invitation found;
    CHECK_INT(hoshi_store_invitation_by_token(s, token, today, &found), HOSHI_OK);
    CHECK_INT(found.survey_state, survey);
    CHECK_INT(found.response_state, response);
    CHECK_STR(found.answers, answers);
    free(found.answers);
}

/* How many surveys wait for the organisation on `today`. */
static size_t pending(hoshi_store *s, long long org_id, const char *today)
{
    hoshi_survey_pending p[4];
    size_t n = 99;
    CHECK_INT(hoshi_store_survey_pending(s, org_id, today, p, 4, &n), HOSHI_OK);
    return n;
}

/* A store with one open survey and `n` invited organisations; ids in g. */
static hoshi_store *answering(long long *survey, got *g, int n, const char *opens, const char *closes)
{
    hoshi_store *s = open_fresh();
    for (int i = 0; i < n; i++)
        make_org(s, "回答者", 1 + i % 47, i % 2 ? "E" : "G", 1 + i % 6, 1 + i % 2);
    *survey = make_survey(s, opens, closes);
    hoshi_invite_filter any = {0};
    long long inv, skip;
    memset(g, 0, sizeof *g);
    CHECK_INT(hoshi_store_survey_invite(s, *survey, &any, "2026-03-02", collect, g, &inv, &skip), HOSHI_OK);
    return s;
}

static void save_and_resume(void)
{
    long long survey;
    got g;
    hoshi_store *s = answering(&survey, &g, 2, NULL, NULL);
    hoshi_answers_outcome out = HOSHI_ANSWERS_FAILED;
    long long inv = g.inv[0].invitation_id;
    CHECK_INT(hoshi_store_response_save(s, inv, "Q1=1", 2, "2026-03-03", &out), HOSHI_OK);
    CHECK_INT(out, HOSHI_ANSWERS_STORED);
    CHECK_INT(hoshi_store_response_save(s, inv, "Q1=2&Q2=こんにちは", 3, "2026-03-03", &out), HOSHI_OK);
    hoshi_invitation found;
    CHECK_INT(hoshi_store_invitation_by_token(s, g.inv[0].token, "2026-03-04", &found), HOSHI_OK);
    CHECK_INT(found.page, 3);
    free(found.answers);
    expect_invitation(s, g.inv[0].token, "2026-03-04", HOSHI_SURVEY_OPEN, HOSHI_RESPONSE_STARTED,
                      "Q1=2&Q2=こんにちは");
    hoshi_survey_pending p[4];
    size_t n = 9;
    CHECK_INT(hoshi_store_survey_pending(s, g.inv[0].org_id, "2026-03-04", p, 4, &n), HOSHI_OK);
    CHECK_INT(n, 1);
    CHECK_INT(p[0].survey_id, survey);
    CHECK_INT(p[0].invitation_id, inv);
    CHECK_STR(p[0].title, "2018年 宣言者調査");
    CHECK(p[0].started);
    CHECK_INT(hoshi_store_survey_pending(s, g.inv[1].org_id, "2026-03-04", p, 4, &n), HOSHI_OK);
    CHECK_INT(n, 1);
    CHECK(!p[0].started);
    /* Bad input is refused as such, and the draft stays. */
    char *big = malloc(HOSHI_STORE_ANSWERS_MAX + 2);
    memset(big, 'a', HOSHI_STORE_ANSWERS_MAX + 1);
    big[HOSHI_STORE_ANSWERS_MAX + 1] = '\0';
    CHECK_INT(hoshi_store_response_save(s, inv, big, 1, "2026-03-03", &out), HOSHI_ERR_INPUT);
    CHECK_INT(out, HOSHI_ANSWERS_BAD_INPUT);
    big[HOSHI_STORE_ANSWERS_MAX] = '\0'; /* the cap itself is fine */
    CHECK_INT(hoshi_store_response_save(s, g.inv[1].invitation_id, big, 1, "2026-03-03", &out), HOSHI_OK);
    free(big);
    CHECK_INT(hoshi_store_response_save(s, inv, "Q1=\xC3", 1, "2026-03-03", &out), HOSHI_ERR_INPUT);
    CHECK_INT(out, HOSHI_ANSWERS_BAD_INPUT);
    CHECK_INT(hoshi_store_response_save(s, inv, "Q1=1", -1, "2026-03-03", &out), HOSHI_ERR_INPUT);
    CHECK_INT(out, HOSHI_ANSWERS_BAD_INPUT);
    CHECK_INT(hoshi_store_response_save(s, inv, "Q1=1", 1, "", &out), HOSHI_ERR_INPUT);
    CHECK_INT(out, HOSHI_ANSWERS_BAD_INPUT);
    CHECK_INT(hoshi_store_response_save(s, 999999, "Q1=1", 1, "2026-03-03", &out), HOSHI_ERR_NOTFOUND);
    CHECK_INT(out, HOSHI_ANSWERS_UNKNOWN);
    CHECK_INT(hoshi_store_invitation_by_org(s, g.inv[0].org_id, survey, "2026-03-04", &found), HOSHI_OK);
    CHECK_STR(found.answers, "Q1=2&Q2=こんにちは");
    free(found.answers);
    hoshi_store_close(s);
}

static void submit_once(void)
{
    long long survey;
    got g;
    hoshi_store *s = answering(&survey, &g, 3, NULL, NULL);
    hoshi_answers_outcome out;
    long long r = -1;
    long long inv = g.inv[1].invitation_id;
    CHECK_INT(hoshi_store_response_save(s, inv, "Q1=1", 2, "2026-03-03", &out), HOSHI_OK);
    CHECK_INT(hoshi_store_response_submit(s, inv, "Q1=3", "2026-03-03", &out, &r), HOSHI_OK);
    CHECK_INT(out, HOSHI_ANSWERS_STORED);
    CHECK_INT(r, 1);
    CHECK_INT(hoshi_store_response_submit(s, inv, "Q1=4", "2026-03-03", &out, &r), HOSHI_ERR_INPUT);
    CHECK_INT(out, HOSHI_ANSWERS_ALREADY_SUBMITTED);
    CHECK_INT(r, 0);
    CHECK_INT(hoshi_store_response_save(s, inv, "Q1=4", 2, "2026-03-03", &out), HOSHI_ERR_INPUT);
    CHECK_INT(out, HOSHI_ANSWERS_ALREADY_SUBMITTED);
    expect_invitation(s, g.inv[1].token, "2026-03-03", HOSHI_SURVEY_OPEN, HOSHI_RESPONSE_SUBMITTED, "Q1=3");
    CHECK_INT(pending(s, g.inv[1].org_id, "2026-03-04"), 0);
    CHECK_INT(pending(s, g.inv[2].org_id, "2026-03-04"), 1);
    /* Without a draft first, numbered next. */
    CHECK_INT(hoshi_store_response_submit(s, g.inv[0].invitation_id, "Q1=1", "2026-03-03", &out, &r), HOSHI_OK);
    CHECK_INT(r, 2);
    CHECK_INT(hoshi_store_response_submit(s, 999999, "Q1=1", "2026-03-03", &out, &r), HOSHI_ERR_NOTFOUND);
    CHECK_INT(out, HOSHI_ANSWERS_UNKNOWN);
    CHECK_INT(hoshi_store_response_submit(s, g.inv[2].invitation_id, "\xFF", "2026-03-03", &out, &r),
              HOSHI_ERR_INPUT);
    CHECK_INT(out, HOSHI_ANSWERS_BAD_INPUT);
    hoshi_survey v;
    CHECK_INT(hoshi_store_survey_get(s, survey, "2026-03-03", &v), HOSHI_OK);
    CHECK_INT(v.counts.invited, 3);
    CHECK_INT(v.counts.started, 0);
    CHECK_INT(v.counts.submitted, 2);
    free(v.definition);
    hoshi_store_close(s);
}

typedef struct racer {
    hoshi_store *s;
    long long inv;
    pthread_barrier_t *start;
    hoshi_err err;
    hoshi_answers_outcome out;
    long long respondent;
} racer;

static void *race(void *arg)
{
    racer *r = arg;
    pthread_barrier_wait(r->start);
    r->err = hoshi_store_response_submit(r->s, r->inv, "Q1=1", "2026-03-03", &r->out, &r->respondent);
    return NULL;
}

static void double_submit_stores_once(void)
{
    long long survey;
    got g;
    enum { ROUNDS = 20 };
    hoshi_store *s = answering(&survey, &g, ROUNDS, NULL, NULL);
    bool seen[ROUNDS + 1] = {false};
    for (int i = 0; i < ROUNDS; i++) {
        pthread_barrier_t start;
        pthread_barrier_init(&start, NULL, 2);
        racer r[2] = {{s, g.inv[i].invitation_id, &start, 0, 0, 0}, {s, g.inv[i].invitation_id, &start, 0, 0, 0}};
        pthread_t t[2];
        for (int k = 0; k < 2; k++)
            pthread_create(&t[k], NULL, race, &r[k]);
        for (int k = 0; k < 2; k++)
            pthread_join(t[k], NULL);
        pthread_barrier_destroy(&start);
        int stored = (r[0].err == HOSHI_OK) + (r[1].err == HOSHI_OK);
        CHECK_INT(stored, 1);
        racer *won = r[0].err == HOSHI_OK ? &r[0] : &r[1], *lost = won == &r[0] ? &r[1] : &r[0];
        CHECK_INT(lost->err, HOSHI_ERR_INPUT);
        CHECK_INT(lost->out, HOSHI_ANSWERS_ALREADY_SUBMITTED);
        CHECK(won->respondent >= 1 && won->respondent <= ROUNDS && !seen[won->respondent]);
        if (won->respondent >= 1 && won->respondent <= ROUNDS)
            seen[won->respondent] = true;
    }
    hoshi_survey_progress p;
    CHECK_INT(hoshi_store_survey_progress(s, survey, &p), HOSHI_OK);
    CHECK_INT(p.all.submitted, ROUNDS);
    hoshi_store_close(s);
}

static void refused_unless_open(void)
{
    long long survey;
    got g;
    hoshi_store *s = answering(&survey, &g, 2, "2026-04-01", "2026-04-30");
    hoshi_answers_outcome out;
    long long r;
    long long inv = g.inv[0].invitation_id;
    expect_invitation(s, g.inv[0].token, "2026-03-31", HOSHI_SURVEY_NOT_YET_OPEN, HOSHI_RESPONSE_NONE, "");
    CHECK_INT(pending(s, g.inv[0].org_id, "2026-03-31"), 0);
    CHECK_INT(pending(s, g.inv[0].org_id, "2026-04-01"), 1);
    CHECK_INT(pending(s, g.inv[0].org_id, "2026-04-30"), 1);
    CHECK_INT(pending(s, g.inv[0].org_id, "2026-05-01"), 0);
    expect_invitation(s, g.inv[0].token, "2026-05-01", HOSHI_SURVEY_ENDED, HOSHI_RESPONSE_NONE, "");
    CHECK_INT(hoshi_store_response_save(s, inv, "Q1=1", 1, "2026-03-31", &out), HOSHI_ERR_INPUT);
    CHECK_INT(out, HOSHI_ANSWERS_NOT_OPEN);
    CHECK_INT(hoshi_store_response_submit(s, inv, "Q1=1", "2026-03-31", &out, &r), HOSHI_ERR_INPUT);
    CHECK_INT(out, HOSHI_ANSWERS_NOT_OPEN);
    CHECK_INT(hoshi_store_response_submit(s, inv, "Q1=1", "2026-05-01", &out, &r), HOSHI_ERR_INPUT);
    CHECK_INT(out, HOSHI_ANSWERS_NOT_OPEN);
    CHECK_INT(hoshi_store_response_save(s, inv, "Q1=1", 1, "2026-04-30", &out), HOSHI_OK);
    CHECK_INT(hoshi_store_survey_close(s, survey, "2026-04-15"), HOSHI_OK);
    CHECK_INT(hoshi_store_response_save(s, inv, "Q1=2", 1, "2026-04-16", &out), HOSHI_ERR_INPUT);
    CHECK_INT(out, HOSHI_ANSWERS_NOT_OPEN);
    CHECK_INT(hoshi_store_response_submit(s, inv, "Q1=2", "2026-04-16", &out, &r), HOSHI_ERR_INPUT);
    CHECK_INT(out, HOSHI_ANSWERS_NOT_OPEN);
    expect_invitation(s, g.inv[0].token, "2026-04-16", HOSHI_SURVEY_CLOSED, HOSHI_RESPONSE_STARTED, "Q1=1");
    CHECK_INT(pending(s, g.inv[1].org_id, "2026-04-16"), 0);
    hoshi_survey_progress pr;
    CHECK_INT(hoshi_store_survey_progress(s, survey, &pr), HOSHI_OK);
    CHECK_INT(pr.all.submitted, 0);
    CHECK_INT(pr.all.started, 1);
    hoshi_store_close(s);
}

/* --- export and progress ------------------------------------------------- */

#define MAX_ROWS 8

typedef struct rows {
    size_t n;
    hoshi_response_row row[MAX_ROWS];
    char answers[MAX_ROWS][32];
    size_t stop_after;            /* > 0: fail after this many */
} rows;

static hoshi_err take_row(void *ctx, const hoshi_response_row *row)
{
    rows *r = ctx;
    if (r->stop_after > 0 && r->n == r->stop_after)
        return HOSHI_ERR_IO;
    if (r->n < MAX_ROWS) {
        r->row[r->n] = *row;
        snprintf(r->answers[r->n], sizeof r->answers[0], "%.*s", (int)row->answers_len, row->answers);
        r->row[r->n].answers = NULL;
        r->n++;
    }
    return HOSHI_OK;
}

/* Checks row i: respondent i + 1 with these answers and attributes
 * (score -1: none). */
static void expect_row(const rows *r, size_t i, const char *answers, int level, int size, const char *industry,
                       int pref, int score)
{
    const hoshi_response_row *row = &r->row[i];
    CHECK_INT(row->respondent, (long long)i + 1);
    CHECK_STR(r->answers[i], answers);
    CHECK_INT(row->level, level);
    CHECK_INT(row->size, size);
    CHECK_STR(row->industry, industry);
    CHECK_INT(row->prefecture, pref);
    CHECK_INT(row->has_score, score >= 0);
    if (score >= 0)
        CHECK_INT(row->score, score);
}

static void snapshot_and_export(void)
{
    hoshi_store *s = open_fresh();
    long long a = make_org(s, "A", 13, "G", 3, 1);
    make_org(s, "B", 27, "E", 5, 2);
    long long c = make_org(s, "C", 0, "", 0, 1);
    long long d;
    CHECK_INT(hoshi_store_diagnosis_add(s, a, "1111111111111111111111111", 40, "2026-01-01", &d), HOSHI_OK);
    CHECK_INT(hoshi_store_diagnosis_add(s, a, "2222222222222222222222222", 70, "2026-02-01", &d), HOSHI_OK);
    long long survey = make_survey(s, NULL, NULL), inv, skip;
    hoshi_invite_filter any = {0};
    got g = {0};
    CHECK_INT(hoshi_store_survey_invite(s, survey, &any, "2026-03-02", collect, &g, &inv, &skip), HOSHI_OK);
    hoshi_answers_outcome out;
    long long r;
    /* Submitted in the order B, A, C. */
    CHECK_INT(hoshi_store_response_submit(s, g.inv[1].invitation_id, "B=1", "2026-03-03", &out, &r), HOSHI_OK);
    CHECK_INT(hoshi_store_response_submit(s, g.inv[0].invitation_id, "A=1", "2026-03-03", &out, &r), HOSHI_OK);
    /* C withdraws before answering: no level then. */
    CHECK_INT(hoshi_store_decl_withdraw(s, c, "2026-03-03"), HOSHI_OK);
    CHECK_INT(hoshi_store_response_submit(s, g.inv[2].invitation_id, "C=1", "2026-03-03", &out, &r), HOSHI_OK);
    CHECK_INT(r, 3);
    /* A changes after answering: the response keeps what was. */
    hoshi_org o;
    CHECK_INT(hoshi_store_org_get(s, a, &o), HOSHI_OK);
    o.prefecture = 1;
    o.employees = 6;
    snprintf(o.industry, sizeof o.industry, "K");
    CHECK_INT(hoshi_store_org_update(s, &o), HOSHI_OK);
    char id[HOSHI_STORE_DECL_ID];
    CHECK_INT(hoshi_store_decl_create(s, a, 2, "2026-03-04", id), HOSHI_OK);
    CHECK_INT(hoshi_store_diagnosis_add(s, a, "4444444444444444444444444", 100, "2026-03-04", &d), HOSHI_OK);

    rows got_rows = {0};
    CHECK_INT(hoshi_store_survey_responses(s, survey, take_row, &got_rows), HOSHI_OK);
    CHECK_INT(got_rows.n, 3);
    /* In respondent order, each with its attributes as they were. */
    expect_row(&got_rows, 0, "B=1", 2, 5, "E", 27, -1);
    expect_row(&got_rows, 1, "A=1", 1, 3, "G", 13, 70);
    expect_row(&got_rows, 2, "C=1", 0, 0, "", 0, -1);
    /* The callback's error stops the read and is returned. */
    rows part = {.stop_after = 2};
    CHECK_INT(hoshi_store_survey_responses(s, survey, take_row, &part), HOSHI_ERR_IO);
    CHECK_INT(part.n, 2);
    rows none = {0};
    CHECK_INT(hoshi_store_survey_responses(s, survey + 1, take_row, &none), HOSHI_OK);
    CHECK_INT(none.n, 0);
    hoshi_store_close(s);
}

static void progress_counts(void)
{
    long long survey;
    got g;
    /* Org i: prefecture 1 + i, industry G (even) / E (odd), size 1 + i % 6,
     * level 1 (even) / 2 (odd). */
    hoshi_store *s = answering(&survey, &g, 8, NULL, NULL);
    hoshi_answers_outcome out;
    long long r;
    CHECK_INT(hoshi_store_response_save(s, g.inv[0].invitation_id, "x", 1, "2026-03-03", &out), HOSHI_OK);
    CHECK_INT(hoshi_store_response_save(s, g.inv[1].invitation_id, "x", 1, "2026-03-03", &out), HOSHI_OK);
    CHECK_INT(hoshi_store_response_submit(s, g.inv[2].invitation_id, "x", "2026-03-03", &out, &r), HOSHI_OK);
    CHECK_INT(hoshi_store_response_submit(s, g.inv[3].invitation_id, "x", "2026-03-03", &out, &r), HOSHI_OK);
    CHECK_INT(hoshi_store_response_submit(s, g.inv[7].invitation_id, "x", "2026-03-03", &out, &r), HOSHI_OK);
    /* Attributes changed after the invitation do not move the counts. */
    hoshi_org o;
    CHECK_INT(hoshi_store_org_get(s, g.inv[7].org_id, &o), HOSHI_OK);
    o.prefecture = 47;
    CHECK_INT(hoshi_store_org_update(s, &o), HOSHI_OK);
    hoshi_survey_progress p;
    CHECK_INT(hoshi_store_survey_progress(s, survey, &p), HOSHI_OK);
    CHECK_INT(p.all.invited, 8);
    CHECK_INT(p.all.started, 2);
    CHECK_INT(p.all.submitted, 3);
    CHECK_INT(p.level[1].invited, 4);
    CHECK_INT(p.level[1].started, 1);
    CHECK_INT(p.level[1].submitted, 1);
    CHECK_INT(p.level[2].invited, 4);
    CHECK_INT(p.level[2].started, 1);
    CHECK_INT(p.level[2].submitted, 2);
    CHECK_INT(p.level[0].invited, 0);
    CHECK_INT(p.industry['G' - 'A' + 1].invited, 4);
    CHECK_INT(p.industry['E' - 'A' + 1].submitted, 2);
    CHECK_INT(p.size[2].invited, 2); /* orgs 1 and 7 */
    CHECK_INT(p.size[2].submitted, 1);
    CHECK_INT(p.size[4].submitted, 1);
    CHECK_INT(p.prefecture[8].submitted, 1);
    CHECK_INT(p.prefecture[47].invited, 0);
    CHECK_INT(p.prefecture[1].started, 1);
    hoshi_survey list[1];
    size_t n;
    CHECK_INT(hoshi_store_survey_list(s, "2026-03-03", list, 1, &n), HOSHI_OK);
    CHECK_INT(list[0].counts.invited, 8);
    CHECK_INT(list[0].counts.started, 2);
    CHECK_INT(list[0].counts.submitted, 3);
    hoshi_store_close(s);
}

int main(void)
{
    if (mkdtemp(dir) == NULL || sodium_init() < 0)
        return 1;
    RUN(create_get_list);
    RUN(create_refuses_bad_input);
    RUN(dates_and_closing);
    RUN(invite_by_every_filter);
    RUN(invite_skips_the_invited);
    RUN(invite_refusals_leave_nothing);
    RUN(tokens_are_stored_hashed);
    RUN(save_and_resume);
    RUN(submit_once);
    RUN(double_submit_stores_once);
    RUN(refused_unless_open);
    RUN(snapshot_and_export);
    RUN(progress_counts);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return UNIT_RESULT();
}
