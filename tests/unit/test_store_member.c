/*
 * test_store_member.c — members, roles and account tokens in the SQLite
 * store (hoshi/store_member.h, issue 11 part 3): the sign-up's user is
 * the owner; an invitation makes a member once; tokens expire, work once,
 * replace their predecessors and are refused for a taken address; a reset
 * ends every session, a password change all but one; one owner through a
 * hand-over; removal and deletion keep the organisation and refuse to
 * leave members without an owner.
 */
#include "hoshi/store.h"
#include "hoshi/store_accounts.h"
#include "hoshi/store_member.h"
#include "hoshi/store_registry.h"
#include "pgtest.h"
#include "unit.h"

#include <stdlib.h>
#include <unistd.h>

static char dir[] = "/tmp/hoshi-member-XXXXXX";
static char path[128];

static hoshi_store *open_fresh(void)
{
    static int n;
    snprintf(path, sizeof path, "%s/m%d.db", dir, n++);
    hoshi_store *s = NULL;
    CHECK_INT(hi_test_store_open(path, 2, &s), HOSHI_OK);
    return s;
}

#define NOW 2000000000LL
#define D1 "1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "2222222222222222222222222222222222222222222222222222222222222222"
#define D3 "3333333333333333333333333333333333333333333333333333333333333333"

static hoshi_acct_token invite_of(long long org, const char *email, long long expires)
{
    hoshi_acct_token t = {.kind = HOSHI_TOKEN_INVITE, .org_id = org, .expires = expires};
    snprintf(t.email, sizeof t.email, "%s", email);
    return t;
}

static void owner_and_invitation(void)
{
    hoshi_store *s = open_fresh();
    long long uid = 0, oid = 0, mid = 0;
    CHECK_INT(hoshi_store_signup(s, "o@example.jp", "h1", "テスト商店", &uid, &oid), HOSHI_OK);
    hoshi_member m;
    CHECK_INT(hoshi_store_member_get(s, uid, &m), HOSHI_OK);
    CHECK_INT(m.role, HOSHI_ROLE_OWNER);
    CHECK_INT(m.org_id, oid);
    hoshi_acct_token t = invite_of(oid, "o@example.jp", NOW + 100);
    CHECK_INT(hoshi_store_token_add(s, D1, &t), HOSHI_ERR_INPUT);      /* has an account */
    t = invite_of(oid, "m@example.jp", NOW + 100);
    CHECK_INT(hoshi_store_token_add(s, D1, &t), HOSHI_OK);
    hoshi_acct_token list[4];
    size_t n = 9;
    CHECK_INT(hoshi_store_invite_list(s, oid, NOW, list, 4, &n), HOSHI_OK);
    CHECK_INT(n, 1);
    CHECK_STR(list[0].email, "m@example.jp");
    CHECK_INT(hoshi_store_invite_list(s, oid, NOW + 100, list, 4, &n), HOSHI_OK);
    CHECK_INT(n, 0);                                                  /* expired then */
    hoshi_acct_token got;
    CHECK_INT(hoshi_store_token_get(s, D1, HOSHI_TOKEN_RESET, NOW, &got), HOSHI_ERR_NOTFOUND);   /* wrong kind */
    CHECK_INT(hoshi_store_token_use(s, D1, HOSHI_TOKEN_INVITE, NOW + 100, "h2", &mid), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_token_use(s, D1, HOSHI_TOKEN_INVITE, NOW, "h2", &mid), HOSHI_OK);
    CHECK_INT(hoshi_store_token_use(s, D1, HOSHI_TOKEN_INVITE, NOW, "h2", &mid), HOSHI_ERR_NOTFOUND);  /* once */
    CHECK_INT(hoshi_store_member_get(s, mid, &m), HOSHI_OK);
    CHECK_INT(m.role, HOSHI_ROLE_MEMBER);
    CHECK_INT(m.org_id, oid);
    hoshi_member all[4];
    CHECK_INT(hoshi_store_member_list(s, oid, all, 4, &n), HOSHI_OK);
    CHECK_INT(n, 2);
    CHECK_INT(all[0].id, uid);                                        /* owner first */
    /* A second invitation of one address replaces the first. */
    t = invite_of(oid, "x@example.jp", NOW + 100);
    CHECK_INT(hoshi_store_token_add(s, D2, &t), HOSHI_OK);
    t = invite_of(oid, "x@example.jp", NOW + 100);
    CHECK_INT(hoshi_store_token_add(s, D3, &t), HOSHI_OK);
    CHECK_INT(hoshi_store_token_get(s, D2, HOSHI_TOKEN_INVITE, NOW, &got), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_token_get(s, D3, HOSHI_TOKEN_INVITE, NOW, &got), HOSHI_OK);
    CHECK_INT(hoshi_store_invite_revoke(s, oid + 1, got.id), HOSHI_ERR_NOTFOUND);   /* another organisation's */
    CHECK_INT(hoshi_store_invite_revoke(s, oid, got.id), HOSHI_OK);
    CHECK_INT(hoshi_store_token_get(s, D3, HOSHI_TOKEN_INVITE, NOW, &got), HOSHI_ERR_NOTFOUND);
    /* Malformed tokens are usage errors, not rows. */
    hoshi_acct_token bad = {.kind = HOSHI_TOKEN_RESET, .org_id = oid, .user_id = 0, .expires = NOW + 1};
    CHECK_INT(hoshi_store_token_add(s, D1, &bad), HOSHI_ERR_USAGE);
    bad.kind = (hoshi_token_kind)7;
    CHECK_INT(hoshi_store_token_add(s, D1, &bad), HOSHI_ERR_USAGE);
    hoshi_store_close(s);
}

static void reset_and_password(void)
{
    hoshi_store *s = open_fresh();
    long long uid = 0, oid = 0, got_uid = 0;
    CHECK_INT(hoshi_store_signup(s, "o@example.jp", "h1", "テスト商店", &uid, &oid), HOSHI_OK);
    CHECK_INT(hoshi_store_session_create(s, D1, uid, "t", NOW + 1000), HOSHI_OK);
    CHECK_INT(hoshi_store_session_create(s, D2, uid, "t", NOW + 1000), HOSHI_OK);
    CHECK_INT(hoshi_store_password_set(s, uid, "h2", D1), HOSHI_OK);
    hoshi_session ses;
    CHECK_INT(hoshi_store_session_get(s, D1, NOW, &ses), HOSHI_OK);   /* kept */
    CHECK_INT(hoshi_store_session_get(s, D2, NOW, &ses), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_password_set(s, uid + 99, "h3", NULL), HOSHI_ERR_NOTFOUND);
    hoshi_acct_token t = {.kind = HOSHI_TOKEN_RESET, .org_id = oid, .user_id = uid, .expires = NOW + 3600};
    snprintf(t.email, sizeof t.email, "o@example.jp");
    CHECK_INT(hoshi_store_token_add(s, D2, &t), HOSHI_OK);
    CHECK_INT(hoshi_store_token_add(s, D3, &t), HOSHI_OK);            /* replaces D2 */
    CHECK_INT(hoshi_store_token_use(s, D2, HOSHI_TOKEN_RESET, NOW, "h4", &got_uid), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_token_use(s, D3, HOSHI_TOKEN_RESET, NOW, "", &got_uid), HOSHI_ERR_USAGE);
    CHECK_INT(hoshi_store_token_use(s, D3, HOSHI_TOKEN_RESET, NOW, "h4", &got_uid), HOSHI_OK);
    CHECK_INT(got_uid, uid);
    CHECK_INT(hoshi_store_session_get(s, D1, NOW, &ses), HOSHI_ERR_NOTFOUND);   /* every session ended */
    hoshi_user u;
    CHECK_INT(hoshi_store_user_by_email(s, "o@example.jp", &u), HOSHI_OK);
    CHECK_STR(u.pwhash, "h4");
    /* E-mail change: refused when the address was taken meanwhile. */
    long long u2 = 0, o2 = 0;
    t = (hoshi_acct_token){.kind = HOSHI_TOKEN_EMAIL, .org_id = oid, .user_id = uid, .expires = NOW + 3600};
    snprintf(t.email, sizeof t.email, "new@example.jp");
    CHECK_INT(hoshi_store_token_add(s, D1, &t), HOSHI_OK);
    CHECK_INT(hoshi_store_signup(s, "new@example.jp", "h", "別の商店", &u2, &o2), HOSHI_OK);
    CHECK_INT(hoshi_store_token_use(s, D1, HOSHI_TOKEN_EMAIL, NOW, NULL, &got_uid), HOSHI_ERR_INPUT);
    CHECK_INT(hoshi_store_user_by_email(s, "o@example.jp", &u), HOSHI_OK);   /* nothing changed */
    snprintf(t.email, sizeof t.email, "newer@example.jp");
    CHECK_INT(hoshi_store_token_add(s, D2, &t), HOSHI_OK);
    CHECK_INT(hoshi_store_token_use(s, D2, HOSHI_TOKEN_EMAIL, NOW, NULL, &got_uid), HOSHI_OK);
    CHECK_INT(hoshi_store_user_by_email(s, "newer@example.jp", &u), HOSHI_OK);
    CHECK_INT(u.id, uid);
    hoshi_store_close(s);
}

static void handover_remove_delete(void)
{
    hoshi_store *s = open_fresh();
    long long uid = 0, oid = 0, mid = 0, other = 0, other_org = 0;
    CHECK_INT(hoshi_store_signup(s, "o@example.jp", "h1", "テスト商店", &uid, &oid), HOSHI_OK);
    CHECK_INT(hoshi_store_signup(s, "z@example.jp", "h1", "別の商店", &other, &other_org), HOSHI_OK);
    hoshi_acct_token t = invite_of(oid, "m@example.jp", NOW + 100);
    CHECK_INT(hoshi_store_token_add(s, D1, &t), HOSHI_OK);
    CHECK_INT(hoshi_store_token_use(s, D1, HOSHI_TOKEN_INVITE, NOW, "h2", &mid), HOSHI_OK);
    CHECK_INT(hoshi_store_user_delete(s, uid), HOSHI_ERR_INPUT);      /* owner with a member */
    CHECK_INT(hoshi_store_owner_transfer(s, oid, mid, uid), HOSHI_ERR_NOTFOUND);   /* not the owner */
    CHECK_INT(hoshi_store_owner_transfer(s, oid, uid, other), HOSHI_ERR_NOTFOUND); /* not a member here */
    CHECK_INT(hoshi_store_owner_transfer(s, oid, uid, uid), HOSHI_ERR_NOTFOUND);
    hoshi_member m;
    CHECK_INT(hoshi_store_member_get(s, uid, &m), HOSHI_OK);
    CHECK_INT(m.role, HOSHI_ROLE_OWNER);                              /* a refused hand-over changes nothing */
    CHECK_INT(hoshi_store_owner_transfer(s, oid, uid, mid), HOSHI_OK);
    CHECK_INT(hoshi_store_member_get(s, mid, &m), HOSHI_OK);
    CHECK_INT(m.role, HOSHI_ROLE_OWNER);
    CHECK_INT(hoshi_store_member_get(s, uid, &m), HOSHI_OK);
    CHECK_INT(m.role, HOSHI_ROLE_MEMBER);
    CHECK_INT(hoshi_store_member_remove(s, oid, mid), HOSHI_ERR_NOTFOUND);        /* the owner */
    CHECK_INT(hoshi_store_member_remove(s, other_org, uid), HOSHI_ERR_NOTFOUND);  /* another organisation */
    CHECK_INT(hoshi_store_session_create(s, D2, uid, "t", NOW + 1000), HOSHI_OK);
    CHECK_INT(hoshi_store_member_remove(s, oid, uid), HOSHI_OK);
    hoshi_session ses;
    CHECK_INT(hoshi_store_session_get(s, D2, NOW, &ses), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_user_delete(s, mid), HOSHI_OK);             /* the last one may go */
    CHECK_INT(hoshi_store_user_delete(s, mid), HOSHI_ERR_NOTFOUND);
    hoshi_org org;
    CHECK_INT(hoshi_store_org_get(s, oid, &org), HOSHI_OK);           /* the organisation stays */
    size_t n = 9;
    hoshi_member all[2];
    CHECK_INT(hoshi_store_member_list(s, oid, all, 2, &n), HOSHI_OK);
    CHECK_INT(n, 0);
    hoshi_store_close(s);
}

int main(void)
{
    if (mkdtemp(dir) == NULL)
        return 1;
    RUN(owner_and_invitation);
    RUN(reset_and_password);
    RUN(handover_remove_delete);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return UNIT_RESULT();
}
