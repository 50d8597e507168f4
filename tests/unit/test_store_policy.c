/*
 * test_store_policy.c — the versions of a published basic policy
 * (hoshi/store_policy.h, issue 11 part 7): each publication a numbered
 * version with its own text, the default review date a year later, a
 * review date the owner sets, the refusals (bad date, review before
 * publication, nothing published), the reviews due for the reminder, and
 * a policy published before the migration becoming version 1.
 */
#include "hoshi/store.h"
#include "hoshi/store_accounts.h"
#include "hoshi/store_policy.h"
#include "hoshi/store_registry.h"
#include "pgtest.h"
#include "undo_registry.h"
#include "unit.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

static char dir[] = "/tmp/hoshi-store-policy-XXXXXX";
static char path[128];

static hoshi_store *open_fresh(void)
{
    static int n;
    snprintf(path, sizeof path, "%s/t%d.db", dir, n++);
    hoshi_store *s = NULL;
    CHECK_INT(hi_test_store_open(path, 2, &s), HOSHI_OK);
    return s;
}

/* A fresh SQLite store whatever backend the tests run on: for the SQLite
 * schema's own migrations, which the test rewinds with SQLite. */
static hoshi_store *open_fresh_sqlite(void)
{
    static int n;
    snprintf(path, sizeof path, "%s/sqlite%d.db", dir, n++);
    hoshi_store *s = NULL;
    CHECK_INT(hoshi_store_open_sqlite(path, 2, &s), HOSHI_OK);
    return s;
}

static void save(hoshi_store *s, long long o, const char *body)
{
    hoshi_policy_rec p = {o, "代表 山田", "総務部", "2026-01-01", (char *)body, false, "", false};
    CHECK_INT(hoshi_store_policy_save(s, &p), HOSHI_OK);
}

static void versions_kept_with_their_text(void)
{
    hoshi_store *s = open_fresh();
    long long u, o;
    CHECK_INT(hoshi_store_signup(s, "a@x.jp", "h", "甲社", &u, &o), HOSHI_OK);
    hoshi_policy_version v[4];
    size_t n = 9;
    CHECK_INT(hoshi_store_policy_versions(s, o, v, 4, &n), HOSHI_OK);
    CHECK_INT(n, 0);
    int num = 0;
    CHECK_INT(hoshi_store_policy_publish_version(s, o, "2026-01-02", NULL, &num), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_policy_set_review(s, o, "2027-01-01"), HOSHI_ERR_NOTFOUND);

    save(s, o, "初版");
    CHECK_INT(hoshi_store_policy_publish_version(s, o, "2026-01-02", NULL, &num), HOSHI_OK);
    CHECK_INT(num, 1);
    save(s, o, "第二版");
    /* The old entry point records a version too, a year's review. */
    CHECK_INT(hoshi_store_policy_publish(s, o, "2024-02-29"), HOSHI_OK);
    save(s, o, "第三版");
    CHECK_INT(hoshi_store_policy_publish_version(s, o, "2026-05-01", "2026-11-30", &num), HOSHI_OK);
    CHECK_INT(num, 3);

    CHECK_INT(hoshi_store_policy_versions(s, o, v, 4, &n), HOSHI_OK);
    CHECK_INT(n, 3);
    CHECK_INT(v[0].number, 3);
    CHECK_STR(v[0].published_on, "2026-05-01");
    CHECK_STR(v[0].review_on, "2026-11-30");
    CHECK(v[0].body == NULL);
    CHECK_INT(v[1].number, 2);
    CHECK_STR(v[1].review_on, "2025-03-01"); /* SQLite's year after 29 February */
    CHECK_INT(v[2].number, 1);
    CHECK_STR(v[2].review_on, "2027-01-02");
    CHECK_STR(v[2].contact, "総務部");
    CHECK_INT(hoshi_store_policy_versions(s, o, v, 1, &n), HOSHI_OK);
    CHECK_INT(n, 1);
    CHECK_INT(v[0].number, 3);

    hoshi_policy_version one;
    CHECK_INT(hoshi_store_policy_version_get(s, o, 1, &one), HOSHI_OK);
    CHECK_STR(one.body, "初版");
    CHECK_STR(one.published_on, "2026-01-02");
    free(one.body);
    CHECK_INT(hoshi_store_policy_version_get(s, o, 4, &one), HOSHI_ERR_NOTFOUND);
    CHECK(one.body == NULL);
    CHECK_INT(hoshi_store_policy_version_get(s, o + 1, 1, &one), HOSHI_ERR_NOTFOUND);

    /* The public copy is the newest version. */
    hoshi_policy_rec pub;
    CHECK_INT(hoshi_store_policy_get_public(s, o, &pub), HOSHI_OK);
    CHECK_STR(pub.body, "第三版");
    CHECK_STR(pub.published_on, "2026-05-01");
    free(pub.body);
    hoshi_store_close(s);
}

static void review_dates_checked(void)
{
    hoshi_store *s = open_fresh();
    long long u, o;
    CHECK_INT(hoshi_store_signup(s, "a@x.jp", "h", "乙社", &u, &o), HOSHI_OK);
    save(s, o, "本文");
    int num = 0;
    const char *bad[] = {"2026-02-30", "2026/03/01", "", "2025-12-31", "tomorrow"};
    CHECK_INT(hoshi_store_policy_publish_version(s, o, "2026-13-01", NULL, &num), HOSHI_ERR_INPUT);
    for (size_t i = 1; i < sizeof bad / sizeof bad[0]; i++)
        if (*bad[i])
            CHECK_INT(hoshi_store_policy_publish_version(s, o, "2026-01-01", bad[i], &num), HOSHI_ERR_INPUT);
    hoshi_policy_version v[2];
    size_t n = 9;
    CHECK_INT(hoshi_store_policy_versions(s, o, v, 2, &n), HOSHI_OK);
    CHECK_INT(n, 0); /* nothing half-written */
    hoshi_policy_rec pub;
    CHECK_INT(hoshi_store_policy_get_public(s, o, &pub), HOSHI_ERR_NOTFOUND);

    CHECK_INT(hoshi_store_policy_publish_version(s, o, "2026-01-01", "", &num), HOSHI_OK);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_INT(hoshi_store_policy_set_review(s, o, bad[i]), HOSHI_ERR_INPUT);
    CHECK_INT(hoshi_store_policy_versions(s, o, v, 2, &n), HOSHI_OK);
    CHECK_STR(v[0].review_on, "2027-01-01");
    CHECK_INT(hoshi_store_policy_set_review(s, o, "2026-01-01"), HOSHI_OK);
    CHECK_INT(hoshi_store_policy_set_review(s, o, "2026-09-15"), HOSHI_OK);
    CHECK_INT(hoshi_store_policy_versions(s, o, v, 2, &n), HOSHI_OK);
    CHECK_STR(v[0].review_on, "2026-09-15");
    hoshi_store_close(s);
}

static hoshi_err collect(void *ctx, const hoshi_policy_review_due *r)
{
    hoshi_policy_review_due *out = ctx;
    size_t i = 0;
    while (out[i].number != 0)
        i++;
    if (i >= 3)
        return HOSHI_ERR_INTERNAL;
    out[i] = *r;
    return HOSHI_OK;
}

static void reviews_due_for_the_reminder(void)
{
    hoshi_store *s = open_fresh();
    long long u, a, b, c;
    CHECK_INT(hoshi_store_signup(s, "a@x.jp", "h", "甲社", &u, &a), HOSHI_OK);
    CHECK_INT(hoshi_store_signup(s, "b@x.jp", "h", "乙社", &u, &b), HOSHI_OK);
    CHECK_INT(hoshi_store_signup(s, "c@x.jp", "h", "丙社", &u, &c), HOSHI_OK);
    save(s, a, "甲一");
    CHECK_INT(hoshi_store_policy_publish_version(s, a, "2025-01-10", NULL, NULL), HOSHI_OK);
    save(s, b, "乙一");
    CHECK_INT(hoshi_store_policy_publish_version(s, b, "2025-01-10", NULL, NULL), HOSHI_OK);
    /* b published again: only its newest version counts, due later. */
    save(s, b, "乙二");
    CHECK_INT(hoshi_store_policy_publish_version(s, b, "2025-06-01", NULL, NULL), HOSHI_OK);
    save(s, c, "丙一");
    CHECK_INT(hoshi_store_policy_publish_version(s, c, "2025-03-01", "2025-04-01", NULL), HOSHI_OK);

    hoshi_policy_review_due due[4];
    memset(due, 0, sizeof due);
    CHECK_INT(hoshi_store_policy_reviews_due(s, "2026-01-10", collect, due), HOSHI_OK);
    CHECK_INT(due[0].org_id, a);
    CHECK_INT(due[0].number, 1);
    CHECK_STR(due[0].review_on, "2026-01-10");
    CHECK_STR(due[0].email, "a@x.jp");
    CHECK_STR(due[0].org_name, "甲社");
    CHECK_INT(due[1].org_id, c);
    CHECK_STR(due[1].review_on, "2025-04-01");
    CHECK_INT(due[2].number, 0);
    memset(due, 0, sizeof due);
    CHECK_INT(hoshi_store_policy_reviews_due(s, "2026-06-01", collect, due), HOSHI_OK);
    CHECK_INT(due[1].org_id, b);
    CHECK_INT(due[1].number, 2);
    memset(due, 0, sizeof due);
    CHECK_INT(hoshi_store_policy_reviews_due(s, "2026-02-31", collect, due), HOSHI_ERR_INPUT);
    CHECK_INT(due[0].number, 0);
    hoshi_store_close(s);
}

/* A database whose policy was published before versions existed. */
static void migration_makes_version_one(void)
{
    hoshi_store *s = open_fresh_sqlite();
    long long u, o;
    CHECK_INT(hoshi_store_signup(s, "a@x.jp", "h", "甲社", &u, &o), HOSHI_OK);
    save(s, o, "昔の版");
    CHECK_INT(hoshi_store_policy_publish(s, o, "2025-04-01"), HOSHI_OK);
    hoshi_store_close(s);
    sqlite3 *db = NULL;
    CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
    /* Back to before the policy versions (migration 12): the migrations
     * after it (13 the audit log and who withdrew, 14 the outbox's dead
     * letters, 15 the throttle counters, 16 an index, 17 the registry search's
     * tables, 18 the supply chain) are undone too, and run again on
     * the next open. */
    const char *sql = HI_TEST_UNDO_18 HI_TEST_UNDO_17
                      "DROP INDEX orgs_industry; DROP TABLE throttle_meta; DROP TABLE throttle;"
                      "DROP TABLE audit_log;"
                      "ALTER TABLE declarations DROP COLUMN withdraw_reason;"
                      "ALTER TABLE declarations DROP COLUMN withdrawn_by;"
                      "ALTER TABLE outbox DROP COLUMN failed;"
                      "DROP TABLE policy_versions; PRAGMA user_version = 11;";
    CHECK_INT(hoshi_store_schema_version(), 18);
    CHECK_INT(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    s = NULL;
    CHECK_INT(hoshi_store_open_sqlite(path, 1, &s), HOSHI_OK);
    hoshi_policy_version v;
    CHECK_INT(hoshi_store_policy_version_get(s, o, 1, &v), HOSHI_OK);
    CHECK_STR(v.body, "昔の版");
    CHECK_STR(v.published_on, "2025-04-01");
    CHECK_STR(v.review_on, "2026-04-01");
    free(v.body);
    hoshi_store_close(s);
}

int main(void)
{
    if (mkdtemp(dir) == NULL)
        return 1;
    RUN(versions_kept_with_their_text);
    RUN(review_dates_checked);
    RUN(reviews_due_for_the_reminder);
    RUN(migration_makes_version_one);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return UNIT_RESULT();
}
