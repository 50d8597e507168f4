/*
 * sqlite_accounts.c — users, sessions and the operator role in the SQLite
 * backend.  Sessions are looked up by the digest of the cookie, joined
 * with their user so one query answers "who is this and may they operate".
 */
#include "sqlite_int.h"
#include "internal.h"

#include <string.h>

hoshi_err hi_sq_signup(hoshi_store *base, const char *email, const char *pwhash,
                       const char *org_name, long long *user_id, long long *org_id)
{
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hoshi_err err = hi_sq_exec(c, "BEGIN IMMEDIATE");
    if (err != HOSHI_OK)
        goto release;
    sqlite3_stmt *st = hi_sq_prep(c, "SELECT 1 FROM users WHERE email = ?1");
    if (st == NULL) {
        err = hi_sq_rollback(c, HOSHI_ERR_IO);
        goto release;
    }
    hi_sq_bind_text(st, 1, email);
    int rc = sqlite3_step(st);
    hi_sq_done(st);
    if (rc == SQLITE_ROW) {
        err = hi_sq_rollback(c, hi_fail(HOSHI_ERR_INPUT, "e-mail address already registered"));
        goto release;
    }
    st = hi_sq_prep(c, "INSERT INTO orgs(name) VALUES (?1)");
    if (st == NULL) {
        err = hi_sq_rollback(c, HOSHI_ERR_IO);
        goto release;
    }
    hi_sq_bind_text(st, 1, org_name);
    rc = sqlite3_step(st);
    hi_sq_done(st);
    if (rc != SQLITE_DONE) {
        err = hi_sq_rollback(c, hi_sq_fail(c, "insert organisation"));
        goto release;
    }
    *org_id = sqlite3_last_insert_rowid(c->db);
    st = hi_sq_prep(c, "INSERT INTO users(org_id, email, pwhash) VALUES (?1, ?2, ?3)");
    if (st == NULL) {
        err = hi_sq_rollback(c, HOSHI_ERR_IO);
        goto release;
    }
    sqlite3_bind_int64(st, 1, *org_id);
    hi_sq_bind_text(st, 2, email);
    hi_sq_bind_text(st, 3, pwhash);
    rc = sqlite3_step(st);
    hi_sq_done(st);
    if (rc != SQLITE_DONE) {
        err = hi_sq_rollback(c, hi_sq_fail(c, "insert user"));
        goto release;
    }
    *user_id = sqlite3_last_insert_rowid(c->db);
    err = hi_sq_exec(c, "COMMIT");
    if (err != HOSHI_OK)
        hi_sq_rollback(c, err);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}

hoshi_err hi_sq_user_by_email(hoshi_store *base, const char *email, hoshi_user *out)
{
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hoshi_err err = HOSHI_OK;
    sqlite3_stmt *st = hi_sq_prep(c, "SELECT id, org_id, email, pwhash FROM users WHERE email = ?1");
    if (st == NULL) {
        err = HOSHI_ERR_IO;
        goto release;
    }
    hi_sq_bind_text(st, 1, email);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        out->org_id = sqlite3_column_int64(st, 1);
        hi_sq_text(st, 2, out->email, sizeof out->email);
        hi_sq_text(st, 3, out->pwhash, sizeof out->pwhash);
    } else {
        err = rc == SQLITE_DONE ? hi_fail(HOSHI_ERR_NOTFOUND, "no such user") : hi_sq_fail(c, "user");
    }
    hi_sq_done(st);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}

/* Runs one bound write statement: the common shape of the simple updates. */

struct session_args {
    const char *digest, *csrf;
    long long user_id, expires;
};

static void bind_session(sqlite3_stmt *st, const void *ctx)
{
    const struct session_args *a = ctx;
    hi_sq_bind_text(st, 1, a->digest);
    sqlite3_bind_int64(st, 2, a->user_id);
    hi_sq_bind_text(st, 3, a->csrf);
    sqlite3_bind_int64(st, 4, a->expires);
}

static void bind_nothing(sqlite3_stmt *st, const void *ctx)
{
    (void)st;
    (void)ctx;
}

hoshi_err hi_sq_session_create(hoshi_store *base, const char *digest, long long user_id,
                               const char *csrf, long long expires)
{
    struct session_args a = {digest, csrf, user_id, expires};
    hoshi_err err = hi_sq_write1(base, "INSERT INTO sessions(digest, user_id, csrf, expires) VALUES (?1, ?2, ?3, ?4)",
                           bind_session, &a, NULL);
    /* Expired sessions go whenever a new one starts, so the table stays
     * the size of the active users. */
    if (err == HOSHI_OK)
        hi_sq_write1(base, "DELETE FROM sessions WHERE expires < unixepoch()", bind_nothing, NULL, NULL);
    return err;
}

hoshi_err hi_sq_session_get(hoshi_store *base, const char *digest, long long now,
                            hoshi_session *out)
{
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hoshi_err err = HOSHI_OK;
    sqlite3_stmt *st = hi_sq_prep(c, "SELECT s.user_id, u.org_id, s.csrf, s.expires, u.operator FROM sessions s"
                                     " JOIN users u ON u.id = s.user_id"
                                     " WHERE s.digest = ?1 AND s.expires > ?2");
    if (st == NULL) {
        err = HOSHI_ERR_IO;
        goto release;
    }
    hi_sq_bind_text(st, 1, digest);
    sqlite3_bind_int64(st, 2, now);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->user_id = sqlite3_column_int64(st, 0);
        out->org_id = sqlite3_column_int64(st, 1);
        hi_sq_text(st, 2, out->csrf, sizeof out->csrf);
        out->expires = sqlite3_column_int64(st, 3);
        out->is_operator = sqlite3_column_int(st, 4) != 0;
    } else {
        err = rc == SQLITE_DONE ? hi_fail(HOSHI_ERR_NOTFOUND, "no such session")
                                : hi_sq_fail(c, "session");
    }
    hi_sq_done(st);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}

static void bind_digest(sqlite3_stmt *st, const void *ctx)
{
    hi_sq_bind_text(st, 1, ctx);
}

hoshi_err hi_sq_session_delete(hoshi_store *base, const char *digest)
{
    return hi_sq_write1(base, "DELETE FROM sessions WHERE digest = ?1", bind_digest, digest, NULL);
}

struct operator_args {
    long long user_id;
    bool on;
};

static void bind_operator(sqlite3_stmt *st, const void *ctx)
{
    const struct operator_args *a = ctx;
    sqlite3_bind_int64(st, 1, a->user_id);
    sqlite3_bind_int(st, 2, a->on ? 1 : 0);
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
