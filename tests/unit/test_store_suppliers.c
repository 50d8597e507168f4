/*
 * test_store_suppliers.c — the supply chain in the store (issue 13 part
 * 5): entries added one at a time or as a batch that is all or nothing
 * (a bad or repeated entry refuses the whole batch), the list's cap; the
 * match of each entry against the registry (none, ★, ★★ by ID or by
 * 法人番号, a step-up followed, withdrawn, the re-check date); invitation
 * links and joining through one; consent granted, shown, revoked; the
 * clients a supplier sees; one client never touching another's list; the
 * operator's figures.  Runs on SQLite and, under store_pg.sh, PostgreSQL.
 */
#include "hoshi/store.h"
#include "hoshi/store_accounts.h"
#include "hoshi/store_registry.h"
#include "hoshi/store_suppliers.h"
#include "pgtest.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/hoshi-suppliers-XXXXXX";
static char path[128];

static hoshi_store *open_fresh(void)
{
    static int n;
    snprintf(path, sizeof path, "%s/t%d.db", dir, n++);
    hoshi_store *s = NULL;
    CHECK_INT(hi_test_store_open(path, 2, &s), HOSHI_OK);
    return s;
}

static long long org_with(hoshi_store *s, const char *email, const char *name, const char *corpnum)
{
    long long u, o;
    CHECK_INT(hoshi_store_signup(s, email, "h", name, &u, &o), HOSHI_OK);
    hoshi_org org;
    CHECK_INT(hoshi_store_org_get(s, o, &org), HOSHI_OK);
    snprintf(org.corpnum, sizeof org.corpnum, "%s", corpnum);
    CHECK_INT(hoshi_store_org_update(s, &org), HOSHI_OK);
    return o;
}

static hoshi_supplier list[HOSHI_SUPPLIERS_MAX];

static size_t read_list(hoshi_store *s, long long client)
{
    size_t n = 99;
    CHECK_INT(hoshi_store_supplier_list(s, client, list, HOSHI_SUPPLIERS_MAX, &n), HOSHI_OK);
    return n;
}

static void add_refuses_bad_and_repeated_entries(void)
{
    hoshi_store *s = open_fresh();
    long long client = org_with(s, "c@example.jp", "発注元株式会社", "");
    hoshi_supplier_new one = {"7000012050002", "", "星野商店", "hoshino@example.jp"};
    CHECK_INT(hoshi_store_supplier_add(s, client, &one, 1, 1000), HOSHI_OK);
    CHECK_INT(read_list(s, client), 1);
    CHECK_STR(list[0].corpnum, "7000012050002");
    CHECK_STR(list[0].name, "星野商店");
    CHECK_STR(list[0].email, "hoshino@example.jp");
    CHECK_INT(list[0].state, HOSHI_SUPPLIER_NONE);
    CHECK_INT(list[0].created_at, 1000);

    /* Each kind of bad entry refuses the whole batch: nothing is added. */
    hoshi_supplier_new bad[][2] = {
        {{"1000011000005", "", "月野商店", ""}, {"7000012050003", "", "誤り", ""}},   /* check digit */
        {{"1000011000005", "", "月野商店", ""}, {"", "12345678901", "誤り", ""}},     /* ID check digit */
        {{"1000011000005", "", "月野商店", ""}, {"", "", "どちらも無い", ""}},
        {{"1000011000005", "", "月野商店", ""}, {"1000011000005", "", "", ""}},      /* no name */
        {{"1000011000005", "", "月野商店", ""}, {"7000012050002", "", "重複", ""}},  /* listed */
        {{"1000011000005", "", "月野商店", ""}, {"1000011000005", "", "同じ行", ""}},/* twice in the batch */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT(hoshi_store_supplier_add(s, client, bad[i], 2, 1001), HOSHI_ERR_INPUT);
        CHECK(strstr(hoshi_error_detail(), "supplier 2") != NULL);
        CHECK_INT(read_list(s, client), 1);
    }
    char longname[(HOSHI_SUPPLIER_NAME_CHARS + 1) * 3 + 1];
    for (int i = 0; i <= HOSHI_SUPPLIER_NAME_CHARS; i++)
        memcpy(longname + 3 * i, "星", 3);
    longname[(HOSHI_SUPPLIER_NAME_CHARS + 1) * 3] = '\0';
    hoshi_supplier_new too_long = {"1000011000005", "", longname, ""};
    CHECK_INT(hoshi_store_supplier_add(s, client, &too_long, 1, 1001), HOSHI_ERR_INPUT);

    /* The cap: a batch that would pass it is refused whole. */
    static hoshi_supplier_new many[HOSHI_SUPPLIERS_MAX];
    static char ids[HOSHI_SUPPLIERS_MAX][HOSHI_STORE_DECL_ID];
    for (size_t i = 0; i < HOSHI_SUPPLIERS_MAX; i++) {
        CHECK_INT(hoshi_decl_id_make(1000000000LL + (long long)i, ids[i]), HOSHI_OK);
        many[i] = (hoshi_supplier_new){"", ids[i], "取引先", ""};
    }
    CHECK_INT(hoshi_store_supplier_add(s, client, many, HOSHI_SUPPLIERS_MAX, 1002), HOSHI_ERR_LIMIT);
    CHECK_INT(read_list(s, client), 1);
    CHECK_INT(hoshi_store_supplier_add(s, client, many, HOSHI_SUPPLIERS_MAX - 1, 1002), HOSHI_OK);
    CHECK_INT(read_list(s, client), HOSHI_SUPPLIERS_MAX);
    CHECK_INT(hoshi_store_supplier_add(s, client, &many[HOSHI_SUPPLIERS_MAX - 1], 1, 1003), HOSHI_ERR_LIMIT);

    /* Another client lists the same supplier on its own list. */
    long long other = org_with(s, "o@example.jp", "別の発注元", "");
    CHECK_INT(hoshi_store_supplier_add(s, other, &one, 1, 1004), HOSHI_OK);
    CHECK_INT(read_list(s, other), 1);
    /* and cannot remove the first client's entry */
    long long first = read_list(s, client) ? list[0].id : 0;
    CHECK_INT(hoshi_store_supplier_remove(s, other, first), HOSHI_ERR_NOTFOUND);
    CHECK_INT(read_list(s, client), HOSHI_SUPPLIERS_MAX);
    CHECK_INT(hoshi_store_supplier_remove(s, client, first), HOSHI_OK);
    CHECK_INT(read_list(s, client), HOSHI_SUPPLIERS_MAX - 1);
    hoshi_store_close(s);
}

static void entries_match_the_registry(void)
{
    hoshi_store *s = open_fresh();
    long long client = org_with(s, "c@example.jp", "発注元", "");
    long long a = org_with(s, "a@example.jp", "甲社", "7000012050002");
    long long b = org_with(s, "b@example.jp", "乙社", "1000011000005");
    long long c = org_with(s, "x@example.jp", "丙社", "");
    char nobody[HOSHI_STORE_CORPNUM];
    snprintf(nobody, sizeof nobody, "%d000012010001", hoshi_corpnum_check_digit("000012010001"));
    CHECK(hoshi_corpnum_is_valid(nobody));
    char ida[HOSHI_STORE_DECL_ID], idb[HOSHI_STORE_DECL_ID], idc[HOSHI_STORE_DECL_ID], idc2[HOSHI_STORE_DECL_ID];
    CHECK_INT(hoshi_store_decl_create(s, a, 1, "2025-01-10", ida), HOSHI_OK);
    CHECK_INT(hoshi_store_decl_create(s, b, 2, "2026-03-01", idb), HOSHI_OK);
    long long diag;
    CHECK_INT(hoshi_store_diagnosis_add(s, b, "1111111111111111111111112", 98, "2026-02-20", &diag), HOSHI_OK);
    CHECK_INT(hoshi_store_decl_create(s, c, 1, "2026-01-05", idc), HOSHI_OK);
    hoshi_supplier_new items[] = {
        {"7000012050002", "", "甲", ""},   /* ★ by 法人番号 */
        {"", idb, "乙", ""},               /* ★★ by ID */
        {"", idc, "丙", ""},               /* ★ by ID, stepped up below */
        {nobody, "", "無", ""},              /* not in the registry */
    };
    CHECK_INT(hoshi_store_supplier_add(s, client, items, 4, 2000), HOSHI_OK);
    CHECK_INT(read_list(s, client), 4);
    CHECK_INT(list[0].state, HOSHI_SUPPLIER_DECLARED);
    CHECK_INT(list[0].level, 1);
    CHECK_STR(list[0].decl_id, ida);
    CHECK_INT(list[0].org_id, a);
    CHECK_STR(list[0].last_check, "2025-01-10");
    CHECK_INT(list[1].state, HOSHI_SUPPLIER_DECLARED);
    CHECK_INT(list[1].level, 2);
    CHECK_STR(list[1].last_check, "2026-03-01");   /* the declaration, after the diagnosis */
    CHECK(!list[1].shared);
    CHECK_STR(list[1].answers, "");
    CHECK_INT(list[3].state, HOSHI_SUPPLIER_NONE);
    CHECK_INT(list[3].org_id, 0);

    /* A step-up from ★ to ★★ is followed from the listed ★ ID. */
    CHECK_INT(hoshi_store_decl_create(s, c, 2, "2026-04-01", idc2), HOSHI_OK);
    CHECK_INT(read_list(s, client), 4);
    CHECK_INT(list[2].state, HOSHI_SUPPLIER_DECLARED);
    CHECK_INT(list[2].level, 2);
    CHECK_STR(list[2].decl_id, idc2);
    CHECK_STR(list[2].listed_id, idc);

    /* A later diagnosis moves the re-check date; a withdrawal shows. */
    CHECK_INT(hoshi_store_diagnosis_add(s, a, "1111111111111111111111111", 100, "2026-05-01", &diag), HOSHI_OK);
    CHECK_INT(hoshi_store_decl_withdraw(s, b, "2026-06-01"), HOSHI_OK);
    CHECK_INT(read_list(s, client), 4);
    CHECK_STR(list[0].last_check, "2026-05-01");
    CHECK_INT(list[1].state, HOSHI_SUPPLIER_WITHDRAWN);
    CHECK_STR(list[1].withdrawn_on, "2026-06-01");
    CHECK_INT(list[1].level, 2);

    /* The walk sees every client's entries, matched the same way. */
    hoshi_store_close(s);
}

static hoshi_err count_walk(void *ctx, const hoshi_supplier *sup)
{
    long long *n = ctx;
    *n += sup->state == HOSHI_SUPPLIER_DECLARED ? 100 : 1;
    return HOSHI_OK;
}

static void links_consent_and_counts(void)
{
    hoshi_store *s = open_fresh();
    long long client = org_with(s, "c@example.jp", "発注元", "");
    long long other = org_with(s, "o@example.jp", "他の発注元", "");
    long long sup = org_with(s, "s@example.jp", "仕入先", "");
    hoshi_supplier_new items[] = {{"7000012050002", "", "仕入先", "s@example.jp"},
                                  {"1000011000005", "", "未登録", ""}};
    CHECK_INT(hoshi_store_supplier_add(s, client, items, 2, 3000), HOSHI_OK);
    CHECK_INT(read_list(s, client), 2);
    hoshi_supplier_link links[] = {{list[0].id, "digest-one"}, {list[1].id, "digest-two"}};
    hoshi_supplier_link foreign = {list[0].id, "digest-x"};
    CHECK_INT(hoshi_store_supplier_invite(s, other, &foreign, 1, 3001), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_supplier_invite(s, client, links, 2, 3001), HOSHI_OK);
    hoshi_supplier got;
    char client_name[HOSHI_STORE_NAME];
    CHECK_INT(hoshi_store_supplier_by_link(s, "digest-x", &got, client_name), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_supplier_by_link(s, "digest-one", &got, client_name), HOSHI_OK);
    CHECK_STR(client_name, "発注元");
    CHECK_STR(got.name, "仕入先");
    CHECK_INT(got.invited_at, 3001);

    /* The client itself cannot join its own list; the supplier can. */
    CHECK_INT(hoshi_store_supplier_join(s, "digest-one", client), HOSHI_ERR_INPUT);
    CHECK_INT(hoshi_store_supplier_join(s, "digest-nope", sup), HOSHI_ERR_NOTFOUND);
    hoshi_supplier_counts k;
    CHECK_INT(hoshi_store_supplier_counts(s, &k), HOSHI_OK);
    CHECK_INT(k.invited, 2);
    CHECK_INT(k.joined, 0);
    CHECK_INT(k.declared, 0);
    CHECK_INT(hoshi_store_supplier_join(s, "digest-one", sup), HOSHI_OK);
    CHECK_INT(hoshi_store_supplier_join(s, "digest-one", other), HOSHI_ERR_INPUT);
    /* A newer link replaces the older. */
    hoshi_supplier_link again = {list[1].id, "digest-three"};
    CHECK_INT(hoshi_store_supplier_invite(s, client, &again, 1, 3002), HOSHI_OK);
    CHECK_INT(hoshi_store_supplier_by_link(s, "digest-two", &got, client_name), HOSHI_ERR_NOTFOUND);

    /* The joined supplier is matched through the link before it declares. */
    CHECK_INT(read_list(s, client), 2);
    CHECK_INT(list[0].org_id, sup);
    CHECK_INT(list[0].state, HOSHI_SUPPLIER_NONE);
    hoshi_supplier_client asked[8];
    size_t n = 0;
    CHECK_INT(hoshi_store_supplier_clients(s, sup, asked, 8, &n), HOSHI_OK);
    CHECK_INT(n, 1);
    CHECK_INT(asked[0].client_org, client);
    CHECK(!asked[0].granted);

    /* Consent: only to a client that lists the supplier. */
    CHECK_INT(hoshi_store_supplier_consent(s, sup, other, true, 4000), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_supplier_consent(s, sup, sup, true, 4000), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_supplier_consent(s, client, sup, true, 4000), HOSHI_ERR_NOTFOUND); /* reversed */
    CHECK_INT(hoshi_store_supplier_consent(s, sup, client, false, 4000), HOSHI_ERR_NOTFOUND);
    long long diag;
    CHECK_INT(hoshi_store_diagnosis_add(s, sup, "1111122222111111111111111", 90, "2026-02-01", &diag), HOSHI_OK);
    CHECK_INT(hoshi_store_supplier_consent(s, sup, client, true, 4001), HOSHI_OK);
    CHECK_INT(read_list(s, client), 2);
    CHECK(list[0].shared);
    CHECK_STR(list[0].answers, "1111122222111111111111111");
    CHECK_INT(list[0].score, 90);
    CHECK_STR(list[0].taken_on, "2026-02-01");
    CHECK(!list[1].shared);
    CHECK_INT(hoshi_store_supplier_clients(s, sup, asked, 8, &n), HOSHI_OK);
    CHECK(n == 1 && asked[0].granted && asked[0].granted_at == 4001 && asked[0].revoked_at == 0);
    CHECK_INT(hoshi_store_supplier_consent(s, sup, client, false, 4002), HOSHI_OK);
    CHECK_INT(read_list(s, client), 2);
    CHECK(!list[0].shared);
    CHECK_STR(list[0].answers, "");
    CHECK_INT(hoshi_store_supplier_clients(s, sup, asked, 8, &n), HOSHI_OK);
    CHECK(n == 1 && !asked[0].granted && asked[0].granted_at == 4001 && asked[0].revoked_at == 4002);
    CHECK_INT(hoshi_store_supplier_consent(s, sup, client, true, 4003), HOSHI_OK);
    CHECK_INT(read_list(s, client), 2);
    CHECK(list[0].shared);

    /* Declaring counts for the operator; the walk sees every entry. */
    char id[HOSHI_STORE_DECL_ID];
    CHECK_INT(hoshi_store_decl_create(s, sup, 1, "2026-02-02", id), HOSHI_OK);
    CHECK_INT(hoshi_store_supplier_counts(s, &k), HOSHI_OK);
    CHECK_INT(k.invited, 2);
    CHECK_INT(k.joined, 1);
    CHECK_INT(k.declared, 1);
    long long walked = 0;
    CHECK_INT(hoshi_store_supplier_walk(s, 0, count_walk, &walked), HOSHI_OK);
    CHECK_INT(walked, 101);
    walked = 0;
    CHECK_INT(hoshi_store_supplier_walk(s, sup, count_walk, &walked), HOSHI_OK);
    CHECK_INT(walked, 100);
    hoshi_store_close(s);
}

int main(void)
{
    if (mkdtemp(dir) == NULL)
        return 1;
    RUN(add_refuses_bad_and_repeated_entries);
    RUN(entries_match_the_registry);
    RUN(links_consent_and_counts);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return UNIT_RESULT();
}
