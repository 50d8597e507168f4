/*
 * test_store.c — the SQLite store on a temporary database: migrations,
 * sign-up conflicts, sessions and expiry, organisation isolation of
 * diagnoses, declarations (issue, step up, withdraw) and registry search
 * with LIKE wildcards taken literally and the name index following renames.
 */
#include "hoshi/store.h"
#include "hoshi/store_policy.h"
#include "hoshi/store_accounts.h"
#include "hoshi/store_registry.h"
#include "hoshi/text.h"
#include "pgtest.h"
#include "unit.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static char dir[] = "/tmp/hoshi-store-XXXXXX";

/* Appends U+1F600 (four bytes in UTF-8) to s. */
static void strcat_emoji(char *s)
{
    memcpy(s + strlen(s), "\xF0\x9F\x98\x80", 5);
}
static char path[128];

static hoshi_store *open_fresh_n(int connections)
{
    static int n;
    snprintf(path, sizeof path, "%s/t%d.db", dir, n++);
    hoshi_store *s = NULL;
    CHECK_INT(hi_test_store_open(path, connections, &s), HOSHI_OK);
    return s;
}

static hoshi_store *open_fresh(void)
{
    return open_fresh_n(2);
}

static void migrations_apply_once(void)
{
    hoshi_store *s = open_fresh();
    hoshi_store_close(s);
    s = NULL;
    CHECK_INT(hi_test_store_open(path, 1, &s), HOSHI_OK);
    CHECK(hoshi_store_schema_version() >= 1);
    hoshi_store_close(s);
}

static void signup_and_sessions(void)
{
    hoshi_store *s = open_fresh();
    long long uid = 0, oid = 0, uid2 = 0, oid2 = 0;
    CHECK_INT(hoshi_store_signup(s, "a@example.jp", "hash", "株式会社テスト", &uid, &oid), HOSHI_OK);
    CHECK_INT(hoshi_store_signup(s, "a@example.jp", "hash", "別の会社", &uid2, &oid2), HOSHI_ERR_INPUT);
    hoshi_user u;
    CHECK_INT(hoshi_store_user_by_email(s, "a@example.jp", &u), HOSHI_OK);
    CHECK_INT(u.org_id, oid);
    CHECK_STR(u.pwhash, "hash");
    CHECK_INT(hoshi_store_user_by_email(s, "b@example.jp", &u), HOSHI_ERR_NOTFOUND);
    long long now = (long long)time(NULL);
    /* An expired session is pruned when the next one starts. */
    CHECK_INT(hoshi_store_session_create(s, "old", uid, "tok", now - 10), HOSHI_OK);
    CHECK_INT(hoshi_store_session_create(s, "d1", uid, "tok", now + 1000), HOSHI_OK);
    hoshi_session ses;
    CHECK_INT(hoshi_store_session_get(s, "old", now - 20, &ses), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_session_get(s, "d1", now + 999, &ses), HOSHI_OK);
    CHECK_INT(ses.org_id, oid);
    CHECK_STR(ses.token, "tok");
    CHECK_INT(hoshi_store_session_get(s, "d1", now + 1000, &ses), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_session_delete(s, "d1"), HOSHI_OK);
    CHECK_INT(hoshi_store_session_get(s, "d1", 0, &ses), HOSHI_ERR_NOTFOUND);
    hoshi_store_close(s);
}

static void diagnoses_are_per_org(void)
{
    hoshi_store *s = open_fresh();
    long long u1, o1, u2, o2, d1;
    CHECK_INT(hoshi_store_signup(s, "a@x.jp", "h", "A", &u1, &o1), HOSHI_OK);
    CHECK_INT(hoshi_store_signup(s, "b@x.jp", "h", "B", &u2, &o2), HOSHI_OK);
    CHECK_INT(hoshi_store_draft_save(s, o1, "1234000000000000000000000"), HOSHI_OK);
    CHECK_INT(hoshi_store_draft_save(s, o1, "123"), HOSHI_ERR_INPUT);
    hoshi_org org;
    CHECK_INT(hoshi_store_org_get(s, o1, &org), HOSHI_OK);
    CHECK_STR(org.draft, "1234000000000000000000000");
    CHECK_INT(hoshi_store_diagnosis_add(s, o1, "1111111111111111111111111", 100, "2026-01-02", &d1),
              HOSHI_OK);
    CHECK_INT(hoshi_store_org_get(s, o1, &org), HOSHI_OK);
    CHECK_STR(org.draft, "0000000000000000000000000");
    hoshi_diagnosis d;
    CHECK_INT(hoshi_store_diagnosis_get(s, o1, d1, &d), HOSHI_OK);
    CHECK_INT(d.score, 100);
    CHECK_INT(hoshi_store_diagnosis_get(s, o2, d1, &d), HOSHI_ERR_NOTFOUND);
    hoshi_diagnosis list[4];
    size_t n = 9;
    CHECK_INT(hoshi_store_diagnosis_list(s, o2, list, 4, &n), HOSHI_OK);
    CHECK_INT(n, 0);
    CHECK_INT(hoshi_store_diagnosis_list(s, o1, list, 4, &n), HOSHI_OK);
    CHECK_INT(n, 1);
    hoshi_store_close(s);
}

static void declarations_step_up_and_search(void)
{
    hoshi_store *s = open_fresh();
    long long u, o;
    CHECK_INT(hoshi_store_signup(s, "a@x.jp", "h", "山田100%商店", &u, &o), HOSHI_OK);
    hoshi_org org;
    CHECK_INT(hoshi_store_org_get(s, o, &org), HOSHI_OK);
    org.prefecture = 13;
    org.industry[0] = 'G';
    org.industry[1] = '\0';
    CHECK_INT(hoshi_store_org_update(s, &org), HOSHI_OK);
    char id1[12], id2[12];
    CHECK_INT(hoshi_store_decl_create(s, o, 1, "2026-01-01", id1), HOSHI_OK);
    CHECK(hoshi_decl_id_is_valid(id1));
    CHECK_INT(hoshi_store_decl_create(s, o, 3, "2026-01-01", id2), HOSHI_ERR_INPUT);
    CHECK_INT(hoshi_store_decl_create(s, o, 2, "2026-02-01", id2), HOSHI_OK);
    hoshi_decl d;
    CHECK_INT(hoshi_store_decl_get(s, id1, &d), HOSHI_OK);
    CHECK_INT(d.status, HOSHI_DECL_WITHDRAWN);
    CHECK_INT(hoshi_store_decl_active(s, o, &d), HOSHI_OK);
    CHECK_STR(d.id, id2);
    CHECK_INT(d.level, 2);
    CHECK_STR(d.org_name, "山田100%商店");

    hoshi_decl out[5];
    size_t n;
    long long total;
    hoshi_decl_query q = {"田1", 0, NULL, 0, false, 0, 5, 0};
    CHECK_INT(hoshi_store_decl_search(s, &q, out, &n, &total), HOSHI_OK);
    CHECK_INT(total, 1);
    CHECK_INT(n, 1);
    q.name = "0%商"; /* '%' is a literal here, and matches */
    CHECK_INT(hoshi_store_decl_search(s, &q, out, &n, &total), HOSHI_OK);
    CHECK_INT(total, 1);
    q.name = "山%店"; /* … and not a wildcard */
    CHECK_INT(hoshi_store_decl_search(s, &q, out, &n, &total), HOSHI_OK);
    CHECK_INT(total, 0);
    hoshi_decl_query q2 = {NULL, 13, "G", 2, false, 0, 5, 0};
    CHECK_INT(hoshi_store_decl_search(s, &q2, out, &n, &total), HOSHI_OK);
    CHECK_INT(total, 1);
    q2.prefecture = 1;
    CHECK_INT(hoshi_store_decl_search(s, &q2, out, &n, &total), HOSHI_OK);
    CHECK_INT(total, 0);

    /* A renamed organisation is found by its new name only (the bigram
     * index follows the rename). */
    snprintf(org.name, sizeof org.name, "Hoshi 新しい名前");
    CHECK_INT(hoshi_store_org_update(s, &org), HOSHI_OK);
    q.name = "新しい";
    CHECK_INT(hoshi_store_decl_search(s, &q, out, &n, &total), HOSHI_OK);
    CHECK_INT(total, 1);
    q.name = "hoSHI"; /* ASCII letters match in any case */
    CHECK_INT(hoshi_store_decl_search(s, &q, out, &n, &total), HOSHI_OK);
    CHECK_INT(total, 1);
    q.name = "山田";
    CHECK_INT(hoshi_store_decl_search(s, &q, out, &n, &total), HOSHI_OK);
    CHECK_INT(total, 0);
    q.name = "新";
    CHECK_INT(hoshi_store_decl_search(s, &q, out, &n, &total), HOSHI_OK);
    CHECK_INT(total, 1);

    CHECK_INT(hoshi_store_decl_withdraw(s, o, "2026-03-01"), HOSHI_OK);
    CHECK_INT(hoshi_store_decl_withdraw(s, o, "2026-03-01"), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_decl_active(s, o, &d), HOSHI_ERR_NOTFOUND);
    hoshi_store_close(s);
}

static void policy_and_seed(void)
{
    hoshi_store *s = open_fresh();
    long long u, o;
    CHECK_INT(hoshi_store_signup(s, "a@x.jp", "h", "A", &u, &o), HOSHI_OK);
    hoshi_policy_rec p = {o, "代表 山田", "", "2026-01-01", "本文", false, "", false};
    CHECK_INT(hoshi_store_policy_save(s, &p), HOSHI_OK);
    CHECK_INT(hoshi_store_policy_publish(s, o, "2026-01-02"), HOSHI_OK);
    hoshi_policy_rec got;
    CHECK_INT(hoshi_store_policy_get(s, o, &got), HOSHI_OK);
    CHECK_STR(got.body, "本文");
    CHECK(got.published);
    free(got.body);
    hoshi_org org = {0};
    snprintf(org.name, sizeof org.name, "デモ");
    org.prefecture = 27;
    hoshi_seed_decl items[3] = {{&org, 1, "2026-01-01", NULL, NULL, NULL, 0},
                                {&org, 2, "2026-01-01", "方針", "代表", NULL, 0},
                                {&org, 2, "2026-01-01", "方針", "代表", NULL, 0}};
    long long g0, g1;
    CHECK_INT(hoshi_store_generation(s, &g0), HOSHI_OK);
    CHECK_INT(hoshi_store_seed(s, items, 3), HOSHI_OK);
    CHECK_INT(hoshi_store_generation(s, &g1), HOSHI_OK);
    CHECK(g1 != g0);
    hoshi_decl out[5];
    size_t n;
    long long total;
    hoshi_decl_query q = {"デモ", 27, NULL, 2, false, 0, 5, 0};
    CHECK_INT(hoshi_store_decl_search(s, &q, out, &n, &total), HOSHI_OK);
    CHECK_INT(total, 2);
    CHECK(out[0].has_policy);
    /* A seeded ★★ carries its diagnosis, dated with the declaration; a
     * malformed one stops the whole batch. */
    snprintf(org.name, sizeof org.name, "診断つき");
    hoshi_seed_decl diag = {&org, 2, "2026-01-03", "方針", "代表", "1111111111111111111111112", 97};
    CHECK_INT(hoshi_store_seed(s, &diag, 1), HOSHI_OK);
    hoshi_decl_query dq = {"診断つき", 0, NULL, 0, false, 0, 5, 0};
    CHECK_INT(hoshi_store_decl_search(s, &dq, out, &n, &total), HOSHI_OK);
    CHECK_INT(total, 1);
    hoshi_diagnosis dg[2];
    CHECK_INT(hoshi_store_diagnosis_list(s, out[0].org_id, dg, 2, &n), HOSHI_OK);
    CHECK_INT(n, 1);
    CHECK_STR(dg[0].answers, "1111111111111111111111112");
    CHECK_INT(dg[0].score, 97);
    CHECK_STR(dg[0].taken_on, "2026-01-03");
    /* Its published policy's first version is due for review a year
     * later, as publishing would date it: a leap day's review falls on
     * 1 March. */
    hoshi_policy_version v[2];
    CHECK_INT(hoshi_store_policy_versions(s, out[0].org_id, v, 2, &n), HOSHI_OK);
    CHECK_INT(n, 1);
    CHECK_STR(v[0].published_on, "2026-01-03");
    CHECK_STR(v[0].review_on, "2027-01-03");
    snprintf(org.name, sizeof org.name, "閏日");
    hoshi_seed_decl leap = {&org, 2, "2024-02-29", "方針", "代表", NULL, 0};
    CHECK_INT(hoshi_store_seed(s, &leap, 1), HOSHI_OK);
    hoshi_decl_query lq = {"閏日", 0, NULL, 0, false, 0, 5, 0};
    CHECK_INT(hoshi_store_decl_search(s, &lq, out, &n, &total), HOSHI_OK);
    CHECK_INT(total, 1);
    CHECK_INT(hoshi_store_policy_versions(s, out[0].org_id, v, 2, &n), HOSHI_OK);
    CHECK_INT(n, 1);
    CHECK_STR(v[0].review_on, "2025-03-01");
    const char *bad[] = {"111111111111111111111111", "1111111111111111111111110", "11111111111111111111111115"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(org.name, sizeof org.name, "不正%zu", i);
        hoshi_seed_decl b[2] = {{&org, 1, "2026-01-01", NULL, NULL, NULL, 0},
                                {&org, 2, "2026-01-01", "方針", "代表", bad[i], 1}};
        CHECK_INT(hoshi_store_seed(s, b, 2), HOSHI_ERR_INPUT);
        hoshi_decl_query bq = {"不正", 0, NULL, 0, true, 0, 5, 0};
        CHECK_INT(hoshi_store_decl_search(s, &bq, out, &n, &total), HOSHI_OK);
        CHECK_INT(total, 0);
    }
    hoshi_store_close(s);
}

/* Issue 7, finding 7: saving a draft after publishing changes nothing
 * public; publishing again does, under the new date. */
static void policy_draft_and_published_apart(void)
{
    hoshi_store *s = open_fresh();
    long long u, o;
    CHECK_INT(hoshi_store_signup(s, "a@x.jp", "h", "A", &u, &o), HOSHI_OK);
    hoshi_policy_rec got;
    CHECK_INT(hoshi_store_policy_get(s, o, &got), HOSHI_ERR_NOTFOUND);
    CHECK(got.body == NULL);
    CHECK_INT(hoshi_store_policy_publish(s, o, "2026-01-01"), HOSHI_ERR_NOTFOUND);
    hoshi_policy_rec p = {o, "代表 山田", "総務", "2026-01-01", "初版", false, "", false};
    CHECK_INT(hoshi_store_policy_save(s, &p), HOSHI_OK);
    CHECK_INT(hoshi_store_policy_get_public(s, o, &got), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_policy_get(s, o, &got), HOSHI_OK);
    CHECK(!got.published && !got.unpublished_changes);
    free(got.body);
    hoshi_decl_query q = {NULL, 0, NULL, 0, false, 0, 5, 0};
    hoshi_decl out[5];
    size_t n;
    long long total, g0, g1;
    char id[12];
    CHECK_INT(hoshi_store_decl_create(s, o, 1, "2026-01-01", id), HOSHI_OK);
    CHECK_INT(hoshi_store_decl_search(s, &q, out, &n, &total), HOSHI_OK);
    CHECK(n == 1 && !out[0].has_policy);

    CHECK_INT(hoshi_store_generation(s, &g0), HOSHI_OK);
    CHECK_INT(hoshi_store_policy_publish(s, o, "2026-01-02"), HOSHI_OK);
    CHECK_INT(hoshi_store_generation(s, &g1), HOSHI_OK);
    CHECK(g1 != g0); /* cached public pages retire */
    CHECK_INT(hoshi_store_decl_search(s, &q, out, &n, &total), HOSHI_OK);
    CHECK(n == 1 && out[0].has_policy);

    /* An edit saved after publishing is a draft only. */
    hoshi_policy_rec e = {o, "代表 鈴木", "広報", "2026-03-01", "第二版", true, "2026-03-03", false};
    CHECK_INT(hoshi_store_policy_save(s, &e), HOSHI_OK);
    CHECK_INT(hoshi_store_policy_get_public(s, o, &got), HOSHI_OK);
    CHECK_STR(got.body, "初版");
    CHECK_STR(got.representative, "代表 山田");
    CHECK_STR(got.contact, "総務");
    CHECK_STR(got.established, "2026-01-01");
    CHECK_STR(got.published_on, "2026-01-02");
    CHECK(got.published && !got.unpublished_changes);
    free(got.body);
    CHECK_INT(hoshi_store_policy_get(s, o, &got), HOSHI_OK);
    CHECK_STR(got.body, "第二版");
    CHECK_STR(got.representative, "代表 鈴木");
    CHECK_STR(got.published_on, "2026-01-02");
    CHECK(got.published && got.unpublished_changes);
    free(got.body);

    CHECK_INT(hoshi_store_policy_publish(s, o, "2026-03-04"), HOSHI_OK);
    CHECK_INT(hoshi_store_policy_get_public(s, o, &got), HOSHI_OK);
    CHECK_STR(got.body, "第二版");
    CHECK_STR(got.representative, "代表 鈴木");
    CHECK_STR(got.published_on, "2026-03-04");
    free(got.body);
    CHECK_INT(hoshi_store_policy_get(s, o, &got), HOSHI_OK);
    CHECK(got.published && !got.unpublished_changes);
    free(got.body);
    hoshi_stats st;
    CHECK_INT(hoshi_store_stats(s, &st), HOSHI_OK);
    CHECK_INT(st.policies, 1);
    hoshi_store_close(s);
}

/* Issue 7, finding 8: limits are characters.  100 four-byte characters
 * are a name that reads back whole; 101 are refused on write, not cut on
 * read; so is text that is not UTF-8. */
static void names_in_characters(void)
{
    hoshi_store *s = open_fresh();
    char name[HOSHI_STORE_NAME + 8] = "";
    for (int i = 0; i < HOSHI_STORE_NAME_CHARS; i++)
        strcat_emoji(name);
    long long u, o, u2, o2;
    CHECK_INT(hoshi_store_signup(s, "a@x.jp", "h", name, &u, &o), HOSHI_OK);
    hoshi_org org;
    CHECK_INT(hoshi_store_org_get(s, o, &org), HOSHI_OK);
    CHECK_STR(org.name, name);
    char longer[sizeof name + 4];
    snprintf(longer, sizeof longer, "%s\xF0\x9F\x98\x80", name);
    CHECK_INT(hoshi_store_signup(s, "b@x.jp", "h", longer, &u2, &o2), HOSHI_ERR_INPUT);
    CHECK(strstr(hoshi_error_detail(), "organisation name") != NULL);
    CHECK_INT(hoshi_store_user_by_email(s, "b@x.jp", &(hoshi_user){0}), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_signup(s, "c@x.jp", "h", "bad \xC3 UTF-8", &u2, &o2), HOSHI_ERR_INPUT);
    /* The same through an update, for the contact person too. */
    memcpy(org.contact, name, strlen(name) + 1);
    CHECK_INT(hoshi_store_org_update(s, &org), HOSHI_OK);
    CHECK_INT(hoshi_store_org_get(s, o, &org), HOSHI_OK);
    CHECK_STR(org.contact, name);
    /* 101 characters that fit the buffer: 山, 99 four-byte ones, x. */
    snprintf(org.name, sizeof org.name, "\xE5\xB1\xB1");
    for (int i = 0; i < HOSHI_STORE_NAME_CHARS - 1; i++)
        strcat_emoji(org.name);
    memcpy(org.name + strlen(org.name), "x", 2);
    CHECK_INT(strlen(org.name), HOSHI_STORE_NAME - 1);
    CHECK_INT(hoshi_store_org_update(s, &org), HOSHI_ERR_INPUT);
    CHECK_INT(hoshi_store_org_get(s, o, &org), HOSHI_OK);
    CHECK_STR(org.name, name);
    /* A policy's representative and contact hold 200 characters. */
    char rep[HOSHI_STORE_FIELD] = "";
    for (int i = 0; i < HOSHI_STORE_FIELD_CHARS; i++)
        strcat_emoji(rep);
    hoshi_policy_rec p = {o, "", "", "2026-01-01", "本文", false, "", false};
    memcpy(p.representative, rep, sizeof rep);
    CHECK_INT(hoshi_store_policy_save(s, &p), HOSHI_OK);
    hoshi_policy_rec got;
    CHECK_INT(hoshi_store_policy_get(s, o, &got), HOSHI_OK);
    CHECK_STR(got.representative, rep);
    free(got.body);
    snprintf(p.representative, sizeof p.representative, "\xE5\xB1\xB1"); /* 201 characters */
    for (int i = 0; i < HOSHI_STORE_FIELD_CHARS - 1; i++)
        strcat_emoji(p.representative);
    memcpy(p.representative + strlen(p.representative), "x", 2);
    CHECK_INT(hoshi_store_policy_save(s, &p), HOSHI_ERR_INPUT);
    p.representative[0] = 'x'; /* 'x' and two stray continuation bytes */
    p.representative[strlen(p.representative) - 1] = '\0';
    CHECK_INT(hoshi_store_policy_save(s, &p), HOSHI_ERR_INPUT);
    CHECK(strstr(hoshi_error_detail(), "UTF-8") != NULL);
    hoshi_store_close(s);
}

/* Text longer than a buffer (written by something else) is cut between
 * characters when read, never inside one. */
static void long_text_cut_between_characters(void)
{
    hoshi_store *s = open_fresh();
    long long u, o;
    CHECK_INT(hoshi_store_signup(s, "a@x.jp", "h", "A", &u, &o), HOSHI_OK);
    hoshi_store_close(s);
    /* "a" then 110 four-byte characters: the buffer's last bytes fall
     * inside one. */
    char sql[1024] = "UPDATE orgs SET name = 'a";
    for (int i = 0; i < 110; i++)
        strcat_emoji(sql);
    snprintf(sql + strlen(sql), sizeof sql - strlen(sql), "'");
    CHECK(hi_test_db_exec(path, sql));
    CHECK_INT(hi_test_store_open(path, 1, &s), HOSHI_OK);
    hoshi_org org;
    CHECK_INT(hoshi_store_org_get(s, o, &org), HOSHI_OK);
    size_t len = strlen(org.name);
    CHECK_INT(len, 1 + 4 * 99);
    CHECK_INT(hoshi_utf8_invalid_at(org.name, len), len);
    hoshi_store_close(s);
}

static void operator_role_and_stats(void)
{
    hoshi_store *s = open_fresh();
    long long u, o;
    CHECK_INT(hoshi_store_signup(s, "op@x.jp", "h", "運営", &u, &o), HOSHI_OK);
    long long now = (long long)time(NULL);
    CHECK_INT(hoshi_store_session_create(s, "d", u, "t", now + 100), HOSHI_OK);
    hoshi_session ses;
    CHECK_INT(hoshi_store_session_get(s, "d", now, &ses), HOSHI_OK);
    CHECK(!ses.is_operator);
    CHECK_INT(hoshi_store_user_set_operator(s, u, true), HOSHI_OK);
    CHECK_INT(hoshi_store_user_set_operator(s, u + 99, true), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_session_get(s, "d", now, &ses), HOSHI_OK);
    CHECK(ses.is_operator);
    char id[12];
    CHECK_INT(hoshi_store_decl_create(s, o, 1, "2026-01-01", id), HOSHI_OK);
    hoshi_stats st;
    CHECK_INT(hoshi_store_stats(s, &st), HOSHI_OK);
    CHECK_INT(st.orgs, 1);
    CHECK_INT(st.active[1], 1);
    CHECK_INT(st.withdrawn, 0);
    CHECK_INT(hoshi_store_decl_withdraw_id(s, id, "2026-02-01"), HOSHI_OK);
    CHECK_INT(hoshi_store_decl_withdraw_id(s, id, "2026-02-01"), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_stats(s, &st), HOSHI_OK);
    CHECK_INT(st.active[1], 0);
    CHECK_INT(st.withdrawn, 1);
    hoshi_store_close(s);
}

/* Issue 7, finding 1: every filter combination of the registry search is
 * its own SQL text, more than a connection keeps prepared.  On one
 * connection, after all of them, searches still answer and log-out and
 * withdrawal still really delete and withdraw (read back). */
static void many_distinct_statements_on_one_connection(void)
{
    hoshi_store *s = open_fresh_n(1);
    long long u, o;
    CHECK_INT(hoshi_store_signup(s, "a@x.jp", "h", "星野商店", &u, &o), HOSHI_OK);
    hoshi_org org;
    CHECK_INT(hoshi_store_org_get(s, o, &org), HOSHI_OK);
    org.prefecture = 13;
    snprintf(org.industry, sizeof org.industry, "G");
    CHECK_INT(hoshi_store_org_update(s, &org), HOSHI_OK);
    char id[12];
    CHECK_INT(hoshi_store_decl_create(s, o, 2, "2026-01-01", id), HOSHI_OK);
    long long now = (long long)time(NULL);
    CHECK_INT(hoshi_store_session_create(s, "sid", u, "tok", now + 1000), HOSHI_OK);
    const char *names[] = {NULL, "星", "星野", "nothing"};
    int searches = 0, failed = 0;
    for (int round = 0; round < 2; round++) {
        for (int mask = 0; mask < 64; mask++) {
            const char *name = names[mask & 3];
            hoshi_decl_query q = {name, mask & 4 ? 13 : 0, mask & 8 ? "G" : NULL, mask & 16 ? 2 : 0,
                                  (mask & 32) != 0, 0, 5, 0};
            hoshi_decl out[5];
            size_t n;
            long long total;
            hoshi_err err = hoshi_store_decl_search(s, &q, out, &n, &total);
            searches++;
            if (err != HOSHI_OK) {
                failed++;
                continue;
            }
            long long want = name != NULL && strcmp(name, "nothing") == 0 ? 0 : 1;
            if (total != want || n != (size_t)want)
                failed++;
        }
    }
    CHECK_INT(failed, 0);
    CHECK_INT(searches, 128);
    CHECK_INT(hoshi_store_session_delete(s, "sid"), HOSHI_OK);
    hoshi_session ses;
    CHECK_INT(hoshi_store_session_get(s, "sid", now, &ses), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_decl_withdraw_id(s, id, "2026-02-01"), HOSHI_OK);
    hoshi_decl d;
    CHECK_INT(hoshi_store_decl_get(s, id, &d), HOSHI_OK);
    CHECK_INT(d.status, HOSHI_DECL_WITHDRAWN);
    CHECK_STR(d.withdrawn_on, "2026-02-01");
    hoshi_store_close(s);
}

int main(void)
{
    if (mkdtemp(dir) == NULL)
        return 1;
    RUN(migrations_apply_once);
    RUN(signup_and_sessions);
    RUN(diagnoses_are_per_org);
    RUN(declarations_step_up_and_search);
    RUN(policy_and_seed);
    RUN(policy_draft_and_published_apart);
    RUN(operator_role_and_stats);
    RUN(many_distinct_statements_on_one_connection);
    RUN(names_in_characters);
    RUN(long_text_cut_between_characters);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return UNIT_RESULT();
}
