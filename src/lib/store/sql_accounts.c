/*
 * sql_accounts.c — users, sessions and the operator role in the SQL
 * store.  Sessions are looked up by the digest of the cookie, joined
 * with their user so one query answers "who is this and may they operate".
 * A session's token lives in the column named csrf, its first use;
 * renaming it would be a migration for nothing.
 */
#include "sql_int.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* Runs st (bound) to completion inside the caller's transaction. */
static hoshi_err step_done(hi_conn *c, hi_stmt *st, const char *what)
{
    int rc = hi_step(st);
    hoshi_err err = rc == HI_DONE ? HOSHI_OK : hi_sq_fail(c, what);
    hi_sq_done(st);
    return err;
}

static hoshi_err signup_in(hi_conn *c, const char *email, const char *pwhash, const char *org_name,
                           long long *user_id, long long *org_id)
{
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, "SELECT 1 FROM users WHERE email = ?1", &st);
    if (err != HOSHI_OK)
        return err;
    hi_bind_text(st, 1, email);
    int rc = hi_step(st);
    hi_sq_done(st);
    if (rc == HI_ROW)
        return hi_fail(HOSHI_ERR_INPUT, "e-mail address already registered");
    if (rc != HI_DONE)
        return hi_sq_fail(c, "look up user");
    char *key = NULL;
    if ((err = hi_sq_name_key(org_name, &key)) != HOSHI_OK)
        return err;
    if ((err = hi_sq_prep(c, "INSERT INTO orgs(name, name_key) VALUES (?1, ?2) RETURNING id", &st)) != HOSHI_OK)
        goto free_key;
    hi_bind_text(st, 1, org_name);
    hi_bind_text(st, 2, key);
    if ((err = hi_sq_insert_id(c, st, "insert organisation", org_id)) != HOSHI_OK)
        goto free_key;
    if ((err = hi_sq_prep(c, "INSERT INTO users(org_id, email, pwhash) VALUES (?1, ?2, ?3) RETURNING id",
                          &st)) != HOSHI_OK)
        goto free_key;
    hi_bind_int64(st, 1, *org_id);
    hi_bind_text(st, 2, email);
    hi_bind_text(st, 3, pwhash);
    err = hi_sq_insert_id(c, st, "insert user", user_id);
free_key:
    free(key);
    return err;
}

hoshi_err hi_sq_signup(hoshi_store *base, const char *email, const char *pwhash,
                       const char *org_name, long long *user_id, long long *org_id)
{
    hi_sq_field f[] = {HI_SQ_ASCII("e-mail address", email, HOSHI_STORE_EMAIL_CHARS),
                       HI_SQ_ASCII("password hash", pwhash, HOSHI_STORE_HASH_CHARS),
                       HI_SQ_UTF8("organisation name", org_name, HOSHI_STORE_NAME_CHARS)};
    hoshi_err err = hi_sq_check(f, sizeof f / sizeof f[0]);
    if (err != HOSHI_OK)
        return err;
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    if ((err = hi_sq_begin(c)) != HOSHI_OK)
        goto release;
    if ((err = signup_in(c, email, pwhash, org_name, user_id, org_id)) != HOSHI_OK ||
        (err = hi_sq_exec(c, "COMMIT")) != HOSHI_OK)
        hi_sq_rollback(c, err);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}

static void copy_user(hi_stmt *st, void *rec)
{
    hoshi_user *u = rec;
    u->id = hi_col_int64(st, 0);
    u->org_id = hi_col_int64(st, 1);
    hi_sq_text(st, 2, u->email, sizeof u->email);
    hi_sq_text(st, 3, u->pwhash, sizeof u->pwhash);
}

hoshi_err hi_sq_user_by_email(hoshi_store *base, const char *email, hoshi_user *out)
{
    hi_sq_query q = {.sql = "SELECT id, org_id, email, pwhash FROM users WHERE email = ?1",
                     .bind = hi_sq_bind_key_text, .ctx = email, .copy = copy_user,
                     .what = "user", .missing = "no such user"};
    return hi_sq_read1(base, &q, out);
}

/* Inserts the session and deletes the expired ones, so the table stays the
 * size of the active users; both or neither. */
static hoshi_err session_create_in(hi_conn *c, const char *digest, long long user_id,
                                   const char *token, long long expires)
{
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, "INSERT INTO sessions(digest, user_id, csrf, expires)"
                                  " VALUES (?1, ?2, ?3, ?4)", &st);
    if (err != HOSHI_OK)
        return err;
    hi_bind_text(st, 1, digest);
    hi_bind_int64(st, 2, user_id);
    hi_bind_text(st, 3, token);
    hi_bind_int64(st, 4, expires);
    if ((err = step_done(c, st, "insert session")) != HOSHI_OK)
        return err;
    if ((err = hi_sq_prep(c, "DELETE FROM sessions WHERE expires < unixepoch()", &st)) != HOSHI_OK)
        return err;
    return step_done(c, st, "delete expired sessions");
}

hoshi_err hi_sq_session_create(hoshi_store *base, const char *digest, long long user_id,
                               const char *token, long long expires)
{
    hi_sq_field f[] = {HI_SQ_ASCII("session digest", digest, HOSHI_STORE_TOKEN_CHARS),
                       HI_SQ_ASCII("session token", token, HOSHI_STORE_TOKEN_CHARS)};
    hoshi_err err = hi_sq_check(f, sizeof f / sizeof f[0]);
    if (err != HOSHI_OK)
        return err;
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    if ((err = hi_sq_begin(c)) != HOSHI_OK)
        goto release;
    if ((err = session_create_in(c, digest, user_id, token, expires)) != HOSHI_OK ||
        (err = hi_sq_exec(c, "COMMIT")) != HOSHI_OK)
        hi_sq_rollback(c, err);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}

struct session_key {
    const char *digest;
    long long now;
};

static void bind_session_key(hi_stmt *st, const void *ctx)
{
    const struct session_key *k = ctx;
    hi_bind_text(st, 1, k->digest);
    hi_bind_int64(st, 2, k->now);
}

static void copy_session(hi_stmt *st, void *rec)
{
    hoshi_session *ses = rec;
    ses->user_id = hi_col_int64(st, 0);
    ses->org_id = hi_col_int64(st, 1);
    hi_sq_text(st, 2, ses->token, sizeof ses->token);
    ses->expires = hi_col_int64(st, 3);
    ses->is_operator = hi_col_int(st, 4) != 0;
}

hoshi_err hi_sq_session_get(hoshi_store *base, const char *digest, long long now,
                            hoshi_session *out)
{
    struct session_key k = {digest, now};
    hi_sq_query q = {.sql = "SELECT s.user_id, u.org_id, s.csrf, s.expires, u.operator FROM sessions s"
                            " JOIN users u ON u.id = s.user_id"
                            " WHERE s.digest = ?1 AND s.expires > ?2",
                     .bind = bind_session_key, .ctx = &k, .copy = copy_session,
                     .what = "session", .missing = "no such session"};
    return hi_sq_read1(base, &q, out);
}

hoshi_err hi_sq_session_delete(hoshi_store *base, const char *digest)
{
    return hi_sq_write1(base, "DELETE FROM sessions WHERE digest = ?1", hi_sq_bind_key_text, digest, NULL);
}

struct operator_args {
    long long user_id;
    bool on;
};

static void bind_operator(hi_stmt *st, const void *ctx)
{
    const struct operator_args *a = ctx;
    hi_bind_int64(st, 1, a->user_id);
    hi_bind_int64(st, 2, a->on ? 1 : 0);
}

hoshi_err hi_sq_user_set_operator(hoshi_store *base, long long user_id, bool on)
{
    struct operator_args a = {user_id, on};
    int changes = 0;
    hoshi_err err = hi_sq_write1(base, "UPDATE users SET operator = ?2 WHERE id = ?1", bind_operator, &a, &changes);
    if (err == HOSHI_OK && changes == 0)
        return hi_fail(HOSHI_ERR_NOTFOUND, "no such user");
    return err;
}
