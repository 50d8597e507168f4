/*
 * sql_member.c — members, roles and one-time account tokens in the
 * SQL store (hoshi/store_member.h).  Every change of more than one
 * row runs inside BEGIN IMMEDIATE … COMMIT, so a token is used exactly
 * once and an organisation never has two owners or none.
 */
#include "sql_int.h"
#include "internal.h"

#include <string.h>

static hoshi_err step_done(hi_conn *c, hi_stmt *st, const char *what)
{
    int rc = hi_step(st);
    hoshi_err err = rc == HI_DONE ? HOSHI_OK : hi_sq_fail(c, what);
    hi_sq_done(st);
    return err;
}

/* Runs sql with ?1 = a, ?2 = b (integers) to completion; *changes if asked. */
static hoshi_err exec_ids(hi_conn *c, const char *sql, long long a, long long b, int *changes,
                          const char *what)
{
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, sql, &st);
    if (err != HOSHI_OK)
        return err;
    hi_bind_int64(st, 1, a);
    hi_bind_int64(st, 2, b);
    if ((err = step_done(c, st, what)) == HOSHI_OK && changes != NULL)
        *changes = hi_sq_changes(c);
    return err;
}

/* Begins a write transaction on a pooled connection, runs fn, commits. */
static hoshi_err in_transaction(hoshi_store *base, hoshi_err (*fn)(hi_conn *c, void *ctx), void *ctx)
{
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hoshi_err err = hi_sq_begin(c);
    if (err != HOSHI_OK)
        goto release;
    if ((err = fn(c, ctx)) != HOSHI_OK || (err = hi_sq_exec(c, "COMMIT")) != HOSHI_OK)
        hi_sq_rollback(c, err);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}

static void copy_member(hi_stmt *st, void *rec)
{
    hoshi_member *m = rec;
    m->id = hi_col_int64(st, 0);
    m->org_id = hi_col_int64(st, 1);
    hi_sq_text(st, 2, m->email, sizeof m->email);
    m->role = hi_col_int(st, 3) == 1 ? HOSHI_ROLE_OWNER : HOSHI_ROLE_MEMBER;
}

hoshi_err hi_sq_member_get(hoshi_store *base, long long user_id, hoshi_member *out)
{
    hi_sq_query q = {.sql = "SELECT id, org_id, email, role FROM users WHERE id = ?1",
                     .bind = hi_sq_bind_key_id, .ctx = &user_id, .copy = copy_member,
                     .what = "member", .missing = "no such user"};
    return hi_sq_read1(base, &q, out);
}

hoshi_err hi_sq_member_list(hoshi_store *base, long long org_id, hoshi_member *out, size_t max, size_t *n)
{
    hi_sq_query q = {.sql = "SELECT id, org_id, email, role FROM users WHERE org_id = ?1"
                            " ORDER BY role DESC, id",
                     .bind = hi_sq_bind_key_id, .ctx = &org_id, .copy = copy_member, .what = "members"};
    return hi_sq_readn(base, &q, out, sizeof *out, max, n);
}

/* --- tokens */

struct token_add {
    const char *digest;
    hoshi_acct_token *t;
};

static bool email_taken(hi_conn *c, const char *email, hoshi_err *err)
{
    hi_stmt *st;
    *err = hi_sq_prep(c, "SELECT 1 FROM users WHERE email = ?1", &st);
    if (*err != HOSHI_OK)
        return false;
    hi_bind_text(st, 1, email);
    int rc = hi_step(st);
    hi_sq_done(st);
    if (rc != HI_ROW && rc != HI_DONE)
        *err = hi_sq_fail(c, "look up address");
    return rc == HI_ROW;
}

static hoshi_err token_add_in(hi_conn *c, void *ctx)
{
    struct token_add *a = ctx;
    hoshi_acct_token *t = a->t;
    hoshi_err err = HOSHI_OK;
    if (t->kind == HOSHI_TOKEN_INVITE && email_taken(c, t->email, &err))
        return hi_fail(HOSHI_ERR_INPUT, "e-mail address already has an account");
    if (err != HOSHI_OK)
        return err;
    hi_stmt *st;
    /* An earlier token of the same purpose is replaced: only the newest link works. */
    if ((err = hi_sq_prep(c, "DELETE FROM account_tokens WHERE kind = ?1 AND"
                             " ((kind = 1 AND org_id = ?2 AND email = ?3) OR (kind <> 1 AND user_id = ?4))"
                             " OR expires <= unixepoch()", &st)) != HOSHI_OK)
        return err;
    hi_bind_int64(st, 1, (int)t->kind);
    hi_bind_int64(st, 2, t->org_id);
    hi_bind_text(st, 3, t->email);
    hi_bind_int64(st, 4, t->user_id);
    if ((err = step_done(c, st, "replace token")) != HOSHI_OK)
        return err;
    if ((err = hi_sq_prep(c, "INSERT INTO account_tokens(digest, kind, org_id, user_id, email, expires)"
                             " VALUES (?1, ?2, ?3, NULLIF(?4, 0), ?5, ?6) RETURNING id", &st)) != HOSHI_OK)
        return err;
    hi_bind_text(st, 1, a->digest);
    hi_bind_int64(st, 2, (int)t->kind);
    hi_bind_int64(st, 3, t->org_id);
    hi_bind_int64(st, 4, t->user_id);
    hi_bind_text(st, 5, t->email);
    hi_bind_int64(st, 6, t->expires);
    if ((err = hi_sq_insert_id(c, st, "insert token", &t->id)) != HOSHI_OK)
        return err;
    return HOSHI_OK;
}

hoshi_err hi_sq_token_add(hoshi_store *base, const char *digest, hoshi_acct_token *t)
{
    hi_sq_field f[] = {HI_SQ_ASCII("token digest", digest, HOSHI_STORE_TOKEN_CHARS),
                       HI_SQ_ASCII("e-mail address", t->email, HOSHI_STORE_EMAIL_CHARS)};
    hoshi_err err = hi_sq_check(f, sizeof f / sizeof f[0]);
    if (err != HOSHI_OK)
        return err;
    if (t->kind < HOSHI_TOKEN_INVITE || t->kind > HOSHI_TOKEN_EMAIL)
        return hi_fail(HOSHI_ERR_USAGE, "unknown account token kind %d", (int)t->kind);
    if ((t->kind == HOSHI_TOKEN_INVITE) != (t->user_id == 0))
        return hi_fail(HOSHI_ERR_USAGE, "an invitation has no user, other tokens have one");
    struct token_add a = {digest, t};
    return in_transaction(base, token_add_in, &a);
}

static void copy_token(hi_stmt *st, void *rec)
{
    hoshi_acct_token *t = rec;
    t->id = hi_col_int64(st, 0);
    t->kind = (hoshi_token_kind)hi_col_int(st, 1);
    t->org_id = hi_col_int64(st, 2);
    t->user_id = hi_col_int64(st, 3);
    hi_sq_text(st, 4, t->email, sizeof t->email);
    t->expires = hi_col_int64(st, 5);
}

#define TOKEN_COLS "SELECT id, kind, org_id, coalesce(user_id, 0), email, expires FROM account_tokens"

struct token_key {
    const char *digest;
    int kind;
    long long now;
};

static void bind_token_key(hi_stmt *st, const void *ctx)
{
    const struct token_key *k = ctx;
    hi_bind_text(st, 1, k->digest);
    hi_bind_int64(st, 2, k->kind);
    hi_bind_int64(st, 3, k->now);
}

hoshi_err hi_sq_token_get(hoshi_store *base, const char *digest, hoshi_token_kind kind, long long now,
                          hoshi_acct_token *out)
{
    struct token_key k = {digest, (int)kind, now};
    hi_sq_query q = {.sql = TOKEN_COLS " WHERE digest = ?1 AND kind = ?2 AND expires > ?3",
                     .bind = bind_token_key, .ctx = &k, .copy = copy_token, .what = "account token",
                     .missing = "no such token, or it expired"};
    return hi_sq_read1(base, &q, out);
}

static void bind_org_now(hi_stmt *st, const void *ctx)
{
    const long long *a = ctx;
    hi_bind_int64(st, 1, a[0]);
    hi_bind_int64(st, 2, a[1]);
}

hoshi_err hi_sq_invite_list(hoshi_store *base, long long org_id, long long now, hoshi_acct_token *out,
                            size_t max, size_t *n)
{
    long long args[2] = {org_id, now};
    hi_sq_query q = {.sql = TOKEN_COLS " WHERE org_id = ?1 AND kind = 1 AND expires > ?2 ORDER BY id",
                     .bind = bind_org_now, .ctx = args, .copy = copy_token, .what = "invitations"};
    return hi_sq_readn(base, &q, out, sizeof *out, max, n);
}

/* Runs a DELETE of one row keyed by ?1 = a, ?2 = b; NOTFOUND (missing)
 * when it deleted nothing. */
static hoshi_err delete_one(hoshi_store *base, const char *sql, long long a, long long b, const char *missing)
{
    long long args[2] = {a, b};
    int changes = 0;
    hoshi_err err = hi_sq_write1(base, sql, bind_org_now, args, &changes);
    if (err == HOSHI_OK && changes == 0)
        return hi_fail(HOSHI_ERR_NOTFOUND, "%s", missing);
    return err;
}

hoshi_err hi_sq_invite_revoke(hoshi_store *base, long long org_id, long long id)
{
    return delete_one(base, "DELETE FROM account_tokens WHERE org_id = ?1 AND id = ?2 AND kind = 1", org_id, id,
                      "no such invitation");
}

struct token_use {
    struct token_key k;
    const char *pwhash;
    long long *user_id;
};

/* The token's effect, once read: see hoshi_store_token_use. */
static hoshi_err token_apply(hi_conn *c, const hoshi_acct_token *t, const char *pwhash, long long *user_id)
{
    hi_stmt *st;
    hoshi_err err = HOSHI_OK;
    if (t->kind != HOSHI_TOKEN_RESET && email_taken(c, t->email, &err))
        return hi_fail(HOSHI_ERR_INPUT, "e-mail address already has an account");
    if (err != HOSHI_OK)
        return err;
    if (t->kind == HOSHI_TOKEN_INVITE) {
        if ((err = hi_sq_prep(c, "INSERT INTO users(org_id, email, pwhash, role) VALUES (?1, ?2, ?3, 0)"
                                 " RETURNING id", &st)) != HOSHI_OK)
            return err;
        hi_bind_int64(st, 1, t->org_id);
        hi_bind_text(st, 2, t->email);
        hi_bind_text(st, 3, pwhash);
        if ((err = hi_sq_insert_id(c, st, "insert member", user_id)) != HOSHI_OK)
            return err;
        return HOSHI_OK;
    }
    *user_id = t->user_id;
    if (t->kind == HOSHI_TOKEN_RESET) {
        if ((err = hi_sq_prep(c, "UPDATE users SET pwhash = ?2 WHERE id = ?1", &st)) != HOSHI_OK)
            return err;
        hi_bind_int64(st, 1, t->user_id);
        hi_bind_text(st, 2, pwhash);
        if ((err = step_done(c, st, "set password")) != HOSHI_OK)
            return err;
        return exec_ids(c, "DELETE FROM sessions WHERE user_id = ?1 AND ?2 = ?2", t->user_id, 0, NULL,
                        "end sessions");
    }
    if ((err = hi_sq_prep(c, "UPDATE users SET email = ?2 WHERE id = ?1", &st)) != HOSHI_OK)
        return err;
    hi_bind_int64(st, 1, t->user_id);
    hi_bind_text(st, 2, t->email);
    return step_done(c, st, "set e-mail address");
}

static hoshi_err token_use_in(hi_conn *c, void *ctx)
{
    struct token_use *u = ctx;
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, TOKEN_COLS " WHERE digest = ?1 AND kind = ?2 AND expires > ?3", &st);
    if (err != HOSHI_OK)
        return err;
    bind_token_key(st, &u->k);
    hi_sq_query q = {.copy = copy_token, .what = "account token"};
    hoshi_acct_token t;
    size_t n = 0;
    err = hi_sq_rows(c, st, &q, &t, sizeof t, 1, &n);
    hi_sq_done(st);
    if (err != HOSHI_OK)
        return err;
    if (n == 0)
        return hi_fail(HOSHI_ERR_NOTFOUND, "no such token, or it expired");
    if ((err = token_apply(c, &t, u->pwhash, u->user_id)) != HOSHI_OK)
        return err;
    /* Used: it goes (a user has one token of a kind, token_add_in sees to it). */
    return exec_ids(c, "DELETE FROM account_tokens WHERE id = ?1 AND ?2 = ?2", t.id, 0, NULL, "delete token");
}

hoshi_err hi_sq_token_use(hoshi_store *base, const char *digest, hoshi_token_kind kind, long long now,
                          const char *pwhash, long long *user_id)
{
    hi_sq_field f[] = {HI_SQ_ASCII("token digest", digest, HOSHI_STORE_TOKEN_CHARS),
                       HI_SQ_ASCII("password hash", pwhash, HOSHI_STORE_HASH_CHARS)};
    hoshi_err err = hi_sq_check(f, sizeof f / sizeof f[0]);
    if (err != HOSHI_OK)
        return err;
    if (kind != HOSHI_TOKEN_EMAIL && (pwhash == NULL || *pwhash == '\0'))
        return hi_fail(HOSHI_ERR_USAGE, "a password hash is needed to use this token");
    struct token_use u = {{digest, (int)kind, now}, pwhash, user_id};
    return in_transaction(base, token_use_in, &u);
}

/* --- members */

struct password_set {
    long long user_id;
    const char *pwhash, *keep;
};

static hoshi_err password_set_in(hi_conn *c, void *ctx)
{
    struct password_set *a = ctx;
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, "UPDATE users SET pwhash = ?2 WHERE id = ?1", &st);
    if (err != HOSHI_OK)
        return err;
    hi_bind_int64(st, 1, a->user_id);
    hi_bind_text(st, 2, a->pwhash);
    if ((err = step_done(c, st, "set password")) != HOSHI_OK)
        return err;
    if (hi_sq_changes(c) == 0)
        return hi_fail(HOSHI_ERR_NOTFOUND, "no such user");
    if ((err = hi_sq_prep(c, "DELETE FROM sessions WHERE user_id = ?1 AND digest <> ?2", &st)) != HOSHI_OK)
        return err;
    hi_bind_int64(st, 1, a->user_id);
    hi_bind_text(st, 2, a->keep);
    return step_done(c, st, "end other sessions");
}

hoshi_err hi_sq_password_set(hoshi_store *base, long long user_id, const char *pwhash, const char *keep_digest)
{
    hi_sq_field f[] = {HI_SQ_ASCII("password hash", pwhash, HOSHI_STORE_HASH_CHARS),
                       HI_SQ_ASCII("session digest", keep_digest, HOSHI_STORE_TOKEN_CHARS)};
    hoshi_err err = hi_sq_check(f, sizeof f / sizeof f[0]);
    if (err != HOSHI_OK)
        return err;
    if (pwhash == NULL || *pwhash == '\0')
        return hi_fail(HOSHI_ERR_USAGE, "empty password hash");
    struct password_set a = {user_id, pwhash, keep_digest};
    return in_transaction(base, password_set_in, &a);
}

hoshi_err hi_sq_member_remove(hoshi_store *base, long long org_id, long long user_id)
{
    /* Sessions and tokens go with the user (ON DELETE CASCADE). */
    return delete_one(base, "DELETE FROM users WHERE org_id = ?1 AND id = ?2 AND role = 0", org_id, user_id,
                      "no such member (not the owner) in the organisation");
}

struct transfer {
    long long org_id, from, to;
};

static hoshi_err transfer_in(hi_conn *c, void *ctx)
{
    struct transfer *a = ctx;
    int from = 0, to = 0;
    hoshi_err err = exec_ids(c, "UPDATE users SET role = 0 WHERE id = ?2 AND org_id = ?1 AND role = 1",
                             a->org_id, a->from, &from, "hand over");
    if (err != HOSHI_OK)
        return err;
    if (a->to != a->from &&
        (err = exec_ids(c, "UPDATE users SET role = 1 WHERE id = ?2 AND org_id = ?1 AND role = 0", a->org_id,
                        a->to, &to, "take over")) != HOSHI_OK)
        return err;
    if (from != 1 || to != 1)
        return hi_fail(HOSHI_ERR_NOTFOUND, "hand-over in organisation %lld: %lld is not its owner or %lld"
                       " not another of its members", a->org_id, a->from, a->to);
    return HOSHI_OK;
}

hoshi_err hi_sq_owner_transfer(hoshi_store *base, long long org_id, long long from_user, long long to_user)
{
    struct transfer a = {org_id, from_user, to_user};
    return in_transaction(base, transfer_in, &a);
}

static hoshi_err user_delete_in(hi_conn *c, void *ctx)
{
    long long user_id = *(long long *)ctx;
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, "SELECT u.role, (SELECT count(*) FROM users o WHERE o.org_id = u.org_id"
                                  " AND o.id <> u.id) FROM users u WHERE u.id = ?1", &st);
    if (err != HOSHI_OK)
        return err;
    hi_bind_int64(st, 1, user_id);
    int rc = hi_step(st);
    int role = rc == HI_ROW ? hi_col_int(st, 0) : 0;
    long long others = rc == HI_ROW ? hi_col_int64(st, 1) : 0;
    hi_sq_done(st);
    if (rc == HI_DONE)
        return hi_fail(HOSHI_ERR_NOTFOUND, "no such user");
    if (rc != HI_ROW)
        return hi_sq_fail(c, "look up user");
    if (role == 1 && others > 0)
        return hi_fail(HOSHI_ERR_INPUT, "the owner must hand over to another member first");
    return exec_ids(c, "DELETE FROM users WHERE id = ?1 AND ?2 = ?2", user_id, 0, NULL, "delete user");
}

hoshi_err hi_sq_user_delete(hoshi_store *base, long long user_id)
{
    return in_transaction(base, user_delete_in, &user_id);
}
