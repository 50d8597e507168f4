/*
 * sqlite_ops.c — the SQLite backend's operations: every query prepared
 * once per connection with bound parameters, every multi-statement change
 * inside BEGIN IMMEDIATE … COMMIT so a failure leaves nothing behind.
 */
#include "sqlite_int.h"
#include "utf8.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SQ(base) ((hi_sqlite *)(base))

static void bump(hoshi_store *base)
{
    atomic_fetch_add(&SQ(base)->generation, 1);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_STATIC);
}

static hoshi_err rollback(hi_conn *c, hoshi_err err)
{
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    return err;
}

static hoshi_err sq_signup(hoshi_store *base, const char *email, const char *pwhash,
                           const char *org_name, long long *user_id, long long *org_id)
{
    hi_conn *c = hi_sq_acquire(SQ(base));
    hoshi_err err = hi_sq_exec(c, "BEGIN IMMEDIATE");
    if (err != HOSHI_OK)
        goto release;
    sqlite3_stmt *st = hi_sq_prep(c, "SELECT 1 FROM users WHERE email = ?1");
    if (st == NULL) {
        err = rollback(c, HOSHI_ERR_IO);
        goto release;
    }
    bind_text(st, 1, email);
    int rc = sqlite3_step(st);
    hi_sq_done(st);
    if (rc == SQLITE_ROW) {
        err = rollback(c, hi_fail(HOSHI_ERR_INPUT, "e-mail address already registered"));
        goto release;
    }
    st = hi_sq_prep(c, "INSERT INTO orgs(name) VALUES (?1)");
    if (st == NULL) {
        err = rollback(c, HOSHI_ERR_IO);
        goto release;
    }
    bind_text(st, 1, org_name);
    rc = sqlite3_step(st);
    hi_sq_done(st);
    if (rc != SQLITE_DONE) {
        err = rollback(c, hi_sq_fail(c, "insert organisation"));
        goto release;
    }
    *org_id = sqlite3_last_insert_rowid(c->db);
    st = hi_sq_prep(c, "INSERT INTO users(org_id, email, pwhash) VALUES (?1, ?2, ?3)");
    if (st == NULL) {
        err = rollback(c, HOSHI_ERR_IO);
        goto release;
    }
    sqlite3_bind_int64(st, 1, *org_id);
    bind_text(st, 2, email);
    bind_text(st, 3, pwhash);
    rc = sqlite3_step(st);
    hi_sq_done(st);
    if (rc != SQLITE_DONE) {
        err = rollback(c, hi_sq_fail(c, "insert user"));
        goto release;
    }
    *user_id = sqlite3_last_insert_rowid(c->db);
    err = hi_sq_exec(c, "COMMIT");
    if (err != HOSHI_OK)
        rollback(c, err);
release:
    hi_sq_release(SQ(base), c);
    return err;
}

static hoshi_err sq_user_by_email(hoshi_store *base, const char *email, hoshi_user *out)
{
    hi_conn *c = hi_sq_acquire(SQ(base));
    hoshi_err err = HOSHI_OK;
    sqlite3_stmt *st = hi_sq_prep(c, "SELECT id, org_id, email, pwhash FROM users WHERE email = ?1");
    if (st == NULL) {
        err = HOSHI_ERR_IO;
        goto release;
    }
    bind_text(st, 1, email);
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
    hi_sq_release(SQ(base), c);
    return err;
}

/* Runs one bound write statement: the common shape of the simple updates. */
typedef void (*binder)(sqlite3_stmt *st, const void *ctx);

static hoshi_err write1(hoshi_store *base, const char *sql, binder bind, const void *ctx,
                        int *changes)
{
    hi_conn *c = hi_sq_acquire(SQ(base));
    hoshi_err err = HOSHI_OK;
    sqlite3_stmt *st = hi_sq_prep(c, sql);
    if (st == NULL) {
        err = HOSHI_ERR_IO;
        goto release;
    }
    bind(st, ctx);
    if (sqlite3_step(st) != SQLITE_DONE)
        err = hi_sq_fail(c, "write");
    else if (changes != NULL)
        *changes = sqlite3_changes(c->db);
    hi_sq_done(st);
release:
    hi_sq_release(SQ(base), c);
    return err;
}

struct session_args {
    const char *digest, *csrf;
    long long user_id, expires;
};

static void bind_session(sqlite3_stmt *st, const void *ctx)
{
    const struct session_args *a = ctx;
    bind_text(st, 1, a->digest);
    sqlite3_bind_int64(st, 2, a->user_id);
    bind_text(st, 3, a->csrf);
    sqlite3_bind_int64(st, 4, a->expires);
}

static void bind_nothing(sqlite3_stmt *st, const void *ctx)
{
    (void)st;
    (void)ctx;
}

static hoshi_err sq_session_create(hoshi_store *base, const char *digest, long long user_id,
                                   const char *csrf, long long expires)
{
    struct session_args a = {digest, csrf, user_id, expires};
    hoshi_err err = write1(base, "INSERT INTO sessions(digest, user_id, csrf, expires) VALUES (?1, ?2, ?3, ?4)",
                           bind_session, &a, NULL);
    /* Expired sessions go whenever a new one starts, so the table stays
     * the size of the active users. */
    if (err == HOSHI_OK)
        write1(base, "DELETE FROM sessions WHERE expires < unixepoch()", bind_nothing, NULL, NULL);
    return err;
}

static hoshi_err sq_session_get(hoshi_store *base, const char *digest, long long now,
                                hoshi_session *out)
{
    hi_conn *c = hi_sq_acquire(SQ(base));
    hoshi_err err = HOSHI_OK;
    sqlite3_stmt *st = hi_sq_prep(c, "SELECT s.user_id, u.org_id, s.csrf, s.expires, u.operator FROM sessions s"
                                     " JOIN users u ON u.id = s.user_id"
                                     " WHERE s.digest = ?1 AND s.expires > ?2");
    if (st == NULL) {
        err = HOSHI_ERR_IO;
        goto release;
    }
    bind_text(st, 1, digest);
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
    hi_sq_release(SQ(base), c);
    return err;
}

static void bind_digest(sqlite3_stmt *st, const void *ctx)
{
    bind_text(st, 1, ctx);
}

static hoshi_err sq_session_delete(hoshi_store *base, const char *digest)
{
    return write1(base, "DELETE FROM sessions WHERE digest = ?1", bind_digest, digest, NULL);
}

#define ORG_COLS "o.id, o.name, o.corpnum, o.prefecture, o.industry, o.employees, o.contact," \
                 " o.star1, o.star1_committed, o.draft"

static void read_org(sqlite3_stmt *st, hoshi_org *o)
{
    o->id = sqlite3_column_int64(st, 0);
    hi_sq_text(st, 1, o->name, sizeof o->name);
    hi_sq_text(st, 2, o->corpnum, sizeof o->corpnum);
    o->prefecture = sqlite3_column_int(st, 3);
    hi_sq_text(st, 4, o->industry, sizeof o->industry);
    o->employees = sqlite3_column_int(st, 5);
    hi_sq_text(st, 6, o->contact, sizeof o->contact);
    hi_sq_text(st, 7, o->star1, sizeof o->star1);
    o->star1_committed = sqlite3_column_int(st, 8) != 0;
    hi_sq_text(st, 9, o->draft, sizeof o->draft);
}

static hoshi_err sq_org_get(hoshi_store *base, long long org_id, hoshi_org *out)
{
    hi_conn *c = hi_sq_acquire(SQ(base));
    hoshi_err err = HOSHI_OK;
    sqlite3_stmt *st = hi_sq_prep(c, "SELECT " ORG_COLS " FROM orgs o WHERE o.id = ?1");
    if (st == NULL) {
        err = HOSHI_ERR_IO;
        goto release;
    }
    sqlite3_bind_int64(st, 1, org_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_org(st, out);
    else
        err = rc == SQLITE_DONE ? hi_fail(HOSHI_ERR_NOTFOUND, "no such organisation")
                                : hi_sq_fail(c, "organisation");
    hi_sq_done(st);
release:
    hi_sq_release(SQ(base), c);
    return err;
}

static void bind_org(sqlite3_stmt *st, const void *ctx)
{
    const hoshi_org *o = ctx;
    sqlite3_bind_int64(st, 1, o->id);
    bind_text(st, 2, o->name);
    bind_text(st, 3, o->corpnum);
    sqlite3_bind_int(st, 4, o->prefecture);
    bind_text(st, 5, o->industry);
    sqlite3_bind_int(st, 6, o->employees);
    bind_text(st, 7, o->contact);
    bind_text(st, 8, o->star1);
    sqlite3_bind_int(st, 9, o->star1_committed ? 1 : 0);
}

static hoshi_err sq_org_update(hoshi_store *base, const hoshi_org *org)
{
    int changes = 0;
    hoshi_err err = write1(base,
                           "UPDATE orgs SET name = ?2, corpnum = ?3, prefecture = ?4, industry = ?5,"
                           " employees = ?6, contact = ?7, star1 = ?8, star1_committed = ?9"
                           " WHERE id = ?1",
                           bind_org, org, &changes);
    if (err == HOSHI_OK && changes == 0)
        return hi_fail(HOSHI_ERR_NOTFOUND, "no such organisation");
    if (err == HOSHI_OK)
        bump(base);
    return err;
}

struct draft_args {
    long long org_id;
    const char *draft;
};

static void bind_draft(sqlite3_stmt *st, const void *ctx)
{
    const struct draft_args *a = ctx;
    sqlite3_bind_int64(st, 1, a->org_id);
    bind_text(st, 2, a->draft);
}

static hoshi_err sq_draft_save(hoshi_store *base, long long org_id, const char *draft)
{
    if (draft == NULL || strlen(draft) != HOSHI_DIAG_ITEMS ||
        strspn(draft, "01234") != HOSHI_DIAG_ITEMS)
        return hi_fail(HOSHI_ERR_INPUT, "draft must be 25 codes 0..4");
    struct draft_args a = {org_id, draft};
    return write1(base, "UPDATE orgs SET draft = ?2 WHERE id = ?1", bind_draft, &a, NULL);
}

static hoshi_err sq_diagnosis_add(hoshi_store *base, long long org_id, const char *answers,
                                  int score, const char *taken_on, long long *id)
{
    if (answers == NULL || strlen(answers) != HOSHI_DIAG_ITEMS ||
        strspn(answers, "1234") != HOSHI_DIAG_ITEMS)
        return hi_fail(HOSHI_ERR_INPUT, "answers must be 25 codes 1..4");
    hi_conn *c = hi_sq_acquire(SQ(base));
    hoshi_err err = hi_sq_exec(c, "BEGIN IMMEDIATE");
    if (err != HOSHI_OK)
        goto release;
    sqlite3_stmt *st = hi_sq_prep(c, "INSERT INTO diagnoses(org_id, answers, score, taken_on)"
                                     " VALUES (?1, ?2, ?3, ?4)");
    if (st == NULL) {
        err = rollback(c, HOSHI_ERR_IO);
        goto release;
    }
    sqlite3_bind_int64(st, 1, org_id);
    bind_text(st, 2, answers);
    sqlite3_bind_int(st, 3, score);
    bind_text(st, 4, taken_on);
    int rc = sqlite3_step(st);
    hi_sq_done(st);
    if (rc != SQLITE_DONE) {
        err = rollback(c, hi_sq_fail(c, "insert diagnosis"));
        goto release;
    }
    *id = sqlite3_last_insert_rowid(c->db);
    st = hi_sq_prep(c, "UPDATE orgs SET draft = '0000000000000000000000000' WHERE id = ?1");
    if (st == NULL) {
        err = rollback(c, HOSHI_ERR_IO);
        goto release;
    }
    sqlite3_bind_int64(st, 1, org_id);
    rc = sqlite3_step(st);
    hi_sq_done(st);
    if (rc != SQLITE_DONE) {
        err = rollback(c, hi_sq_fail(c, "clear draft"));
        goto release;
    }
    if ((err = hi_sq_exec(c, "COMMIT")) != HOSHI_OK)
        rollback(c, err);
release:
    hi_sq_release(SQ(base), c);
    return err;
}

static void read_diag(sqlite3_stmt *st, hoshi_diagnosis *d)
{
    d->id = sqlite3_column_int64(st, 0);
    d->org_id = sqlite3_column_int64(st, 1);
    hi_sq_text(st, 2, d->answers, sizeof d->answers);
    d->score = sqlite3_column_int(st, 3);
    hi_sq_text(st, 4, d->taken_on, sizeof d->taken_on);
}

static hoshi_err sq_diagnosis_get(hoshi_store *base, long long org_id, long long id,
                                  hoshi_diagnosis *out)
{
    hi_conn *c = hi_sq_acquire(SQ(base));
    hoshi_err err = HOSHI_OK;
    sqlite3_stmt *st = hi_sq_prep(c, "SELECT id, org_id, answers, score, taken_on FROM diagnoses"
                                     " WHERE id = ?1 AND org_id = ?2");
    if (st == NULL) {
        err = HOSHI_ERR_IO;
        goto release;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, org_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_diag(st, out);
    else
        err = rc == SQLITE_DONE ? hi_fail(HOSHI_ERR_NOTFOUND, "no such diagnosis")
                                : hi_sq_fail(c, "diagnosis");
    hi_sq_done(st);
release:
    hi_sq_release(SQ(base), c);
    return err;
}

static hoshi_err sq_diagnosis_list(hoshi_store *base, long long org_id, hoshi_diagnosis *out,
                                   size_t max, size_t *n)
{
    *n = 0;
    hi_conn *c = hi_sq_acquire(SQ(base));
    hoshi_err err = HOSHI_OK;
    sqlite3_stmt *st = hi_sq_prep(c, "SELECT id, org_id, answers, score, taken_on FROM diagnoses"
                                     " WHERE org_id = ?1 ORDER BY id DESC LIMIT ?2");
    if (st == NULL) {
        err = HOSHI_ERR_IO;
        goto release;
    }
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int64(st, 2, (long long)max);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max)
        read_diag(st, &out[(*n)++]);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        err = hi_sq_fail(c, "diagnoses");
    hi_sq_done(st);
release:
    hi_sq_release(SQ(base), c);
    return err;
}

static hoshi_err sq_policy_get(hoshi_store *base, long long org_id, hoshi_policy_rec *out)
{
    out->body = NULL;
    hi_conn *c = hi_sq_acquire(SQ(base));
    hoshi_err err = HOSHI_OK;
    sqlite3_stmt *st = hi_sq_prep(c, "SELECT org_id, representative, contact, established, body,"
                                     " published, published_on FROM policies WHERE org_id = ?1");
    if (st == NULL) {
        err = HOSHI_ERR_IO;
        goto release;
    }
    sqlite3_bind_int64(st, 1, org_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->org_id = sqlite3_column_int64(st, 0);
        hi_sq_text(st, 1, out->representative, sizeof out->representative);
        hi_sq_text(st, 2, out->contact, sizeof out->contact);
        hi_sq_text(st, 3, out->established, sizeof out->established);
        out->body = hi_strdup((const char *)sqlite3_column_text(st, 4));
        out->published = sqlite3_column_int(st, 5) != 0;
        hi_sq_text(st, 6, out->published_on, sizeof out->published_on);
        if (out->body == NULL)
            err = hi_fail(HOSHI_ERR_NOMEM, "out of memory reading a policy");
    } else {
        err = rc == SQLITE_DONE ? hi_fail(HOSHI_ERR_NOTFOUND, "no policy yet")
                                : hi_sq_fail(c, "policy");
    }
    hi_sq_done(st);
release:
    hi_sq_release(SQ(base), c);
    return err;
}

static void bind_policy(sqlite3_stmt *st, const void *ctx)
{
    const hoshi_policy_rec *p = ctx;
    sqlite3_bind_int64(st, 1, p->org_id);
    bind_text(st, 2, p->representative);
    bind_text(st, 3, p->contact);
    bind_text(st, 4, p->established);
    bind_text(st, 5, p->body);
    sqlite3_bind_int(st, 6, p->published ? 1 : 0);
    bind_text(st, 7, p->published_on);
}

static hoshi_err sq_policy_save(hoshi_store *base, const hoshi_policy_rec *p)
{
    hoshi_err err = write1(base,
                           "INSERT INTO policies(org_id, representative, contact, established, body,"
                           " published, published_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                           " ON CONFLICT(org_id) DO UPDATE SET representative = ?2, contact = ?3,"
                           " established = ?4, body = ?5, published = ?6, published_on = ?7",
                           bind_policy, p, NULL);
    if (err == HOSHI_OK)
        bump(base);
    return err;
}

/* Inserts one declaration with a fresh random ID, retrying the rare
 * collision.  Runs inside the caller's transaction. */
static hoshi_err insert_decl(hi_conn *c, long long org_id, int level, const char *date,
                             char id_out[HOSHI_DECL_ID_LEN + 1])
{
    sqlite3_stmt *st = hi_sq_prep(c, "INSERT INTO declarations(id, org_id, level, declared_on)"
                                     " VALUES (?1, ?2, ?3, ?4)");
    if (st == NULL)
        return HOSHI_ERR_IO;
    for (int attempt = 0; attempt < 8; attempt++) {
        long long base = 1000000000LL + (long long)randombytes_uniform(900000000U) * 10LL +
                         (long long)randombytes_uniform(10U);
        hoshi_err err = hoshi_decl_id_make(base, id_out);
        if (err != HOSHI_OK)
            return err;
        bind_text(st, 1, id_out);
        sqlite3_bind_int64(st, 2, org_id);
        sqlite3_bind_int(st, 3, level);
        bind_text(st, 4, date);
        int rc = sqlite3_step(st);
        hi_sq_done(st);
        if (rc == SQLITE_DONE)
            return HOSHI_OK;
        if (rc != SQLITE_CONSTRAINT)
            return hi_sq_fail(c, "insert declaration");
    }
    return hi_fail(HOSHI_ERR_INTERNAL, "could not find a free declaration ID");
}

static hoshi_err withdraw_active(hi_conn *c, long long org_id, const char *date, int *changes)
{
    sqlite3_stmt *st = hi_sq_prep(c, "UPDATE declarations SET status = 0, withdrawn_on = ?2"
                                     " WHERE org_id = ?1 AND status = 1");
    if (st == NULL)
        return HOSHI_ERR_IO;
    sqlite3_bind_int64(st, 1, org_id);
    bind_text(st, 2, date);
    int rc = sqlite3_step(st);
    hi_sq_done(st);
    if (rc != SQLITE_DONE)
        return hi_sq_fail(c, "withdraw declaration");
    if (changes != NULL)
        *changes = sqlite3_changes(c->db);
    return HOSHI_OK;
}

static hoshi_err sq_decl_create(hoshi_store *base, long long org_id, int level, const char *date,
                                char id_out[HOSHI_DECL_ID_LEN + 1])
{
    if (level != 1 && level != 2)
        return hi_fail(HOSHI_ERR_INPUT, "level must be 1 or 2");
    hi_conn *c = hi_sq_acquire(SQ(base));
    hoshi_err err = hi_sq_exec(c, "BEGIN IMMEDIATE");
    if (err != HOSHI_OK)
        goto release;
    if ((err = withdraw_active(c, org_id, date, NULL)) != HOSHI_OK ||
        (err = insert_decl(c, org_id, level, date, id_out)) != HOSHI_OK) {
        rollback(c, err);
        goto release;
    }
    if ((err = hi_sq_exec(c, "COMMIT")) != HOSHI_OK)
        rollback(c, err);
    else
        bump(base);
release:
    hi_sq_release(SQ(base), c);
    return err;
}

static hoshi_err sq_decl_withdraw(hoshi_store *base, long long org_id, const char *date)
{
    hi_conn *c = hi_sq_acquire(SQ(base));
    int changes = 0;
    hoshi_err err = withdraw_active(c, org_id, date, &changes);
    hi_sq_release(SQ(base), c);
    if (err == HOSHI_OK && changes == 0)
        return hi_fail(HOSHI_ERR_NOTFOUND, "no active declaration");
    if (err == HOSHI_OK)
        bump(base);
    return err;
}

#define DECL_COLS "d.id, d.org_id, d.level, d.declared_on, d.status, d.withdrawn_on, o.name," \
                  " o.prefecture, o.industry," \
                  " EXISTS (SELECT 1 FROM policies p WHERE p.org_id = o.id AND p.published), o.corpnum"

static void read_decl(sqlite3_stmt *st, hoshi_decl *d)
{
    hi_sq_text(st, 0, d->id, sizeof d->id);
    d->org_id = sqlite3_column_int64(st, 1);
    d->level = sqlite3_column_int(st, 2);
    hi_sq_text(st, 3, d->declared_on, sizeof d->declared_on);
    d->status = sqlite3_column_int(st, 4) ? HOSHI_DECL_ACTIVE : HOSHI_DECL_WITHDRAWN;
    hi_sq_text(st, 5, d->withdrawn_on, sizeof d->withdrawn_on);
    hi_sq_text(st, 6, d->org_name, sizeof d->org_name);
    d->prefecture = sqlite3_column_int(st, 7);
    hi_sq_text(st, 8, d->industry, sizeof d->industry);
    d->has_policy = sqlite3_column_int(st, 9) != 0;
    hi_sq_text(st, 10, d->corpnum, sizeof d->corpnum);
}

static hoshi_err decl_one(hoshi_store *base, const char *sql, const char *id, long long org_id,
                          hoshi_decl *out)
{
    hi_conn *c = hi_sq_acquire(SQ(base));
    hoshi_err err = HOSHI_OK;
    sqlite3_stmt *st = hi_sq_prep(c, sql);
    if (st == NULL) {
        err = HOSHI_ERR_IO;
        goto release;
    }
    if (id != NULL)
        bind_text(st, 1, id);
    else
        sqlite3_bind_int64(st, 1, org_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_decl(st, out);
    else
        err = rc == SQLITE_DONE ? hi_fail(HOSHI_ERR_NOTFOUND, "no such declaration")
                                : hi_sq_fail(c, "declaration");
    hi_sq_done(st);
release:
    hi_sq_release(SQ(base), c);
    return err;
}

static hoshi_err sq_decl_get(hoshi_store *base, const char *id, hoshi_decl *out)
{
    return decl_one(base, "SELECT " DECL_COLS " FROM declarations d JOIN orgs o ON o.id = d.org_id"
                          " WHERE d.id = ?1", id ? id : "", 0, out);
}

static hoshi_err sq_decl_active(hoshi_store *base, long long org_id, hoshi_decl *out)
{
    return decl_one(base, "SELECT " DECL_COLS " FROM declarations d JOIN orgs o ON o.id = d.org_id"
                          " WHERE d.org_id = ?1 AND d.status = 1", NULL, org_id, out);
}

/* Copies s into dst with LIKE's wildcards escaped by '\', inside %…%. */
static bool like_pattern(const char *s, char *dst, size_t size)
{
    size_t n = 0;
    if (size < 3)
        return false;
    dst[n++] = '%';
    for (const char *p = s; *p; p++) {
        if (n + 3 >= size)
            return false;
        if (*p == '%' || *p == '_' || *p == '\\')
            dst[n++] = '\\';
        dst[n++] = *p;
    }
    dst[n++] = '%';
    dst[n] = '\0';
    return true;
}

static hoshi_err sq_decl_search(hoshi_store *base, const hoshi_decl_query *q, hoshi_decl *out,
                                size_t *n, long long *total)
{
    *n = 0;
    *total = 0;
    char pattern[2 * HOSHI_STORE_NAME + 4];
    bool by_name = q->name != NULL && *q->name;
    if (by_name && !like_pattern(q->name, pattern, sizeof pattern))
        return hi_fail(HOSHI_ERR_LIMIT, "search text too long");
    /* Counting matches of a name alone reads the organisations that hold
     * the query's first two characters (bigram index) instead of every
     * name.  With a prefecture the (prefecture, name) index is cheaper,
     * and the page itself is cheapest walking the newest declarations
     * until it has enough, so neither uses the bigrams. */
    bool by_gram = by_name && !q->prefecture && hi_utf8_count(q->name) >= 2;
    /* The WHERE clause is assembled from constant fragments only; every
     * value is a bound parameter with a fixed number. */
    char where[640], where_count[768];
    snprintf(where, sizeof where, " FROM declarations d JOIN orgs o ON o.id = d.org_id WHERE %s%s%s%s%s",
             q->include_withdrawn ? "1" : "d.status = 1",
             by_name ? " AND o.name LIKE ?1 ESCAPE '\\'" : "",
             q->prefecture ? " AND o.prefecture = ?2" : "",
             q->industry && *q->industry ? " AND o.industry = ?3" : "",
             q->level ? " AND d.level = ?4" : "");
    snprintf(where_count, sizeof where_count, "%s%s", where,
             by_gram ? " AND o.id IN (SELECT g.org_id FROM org_grams g WHERE g.gram = substr(lower(?7), 1, 2))"
                     : "");
    char sql_count[900], sql_page[1152];
    snprintf(sql_count, sizeof sql_count, "SELECT count(*)%s", where_count);
    snprintf(sql_page, sizeof sql_page, "SELECT " DECL_COLS "%s ORDER BY d.seq DESC LIMIT ?5 OFFSET ?6",
             where);
    hi_conn *c = hi_sq_acquire(SQ(base));
    hoshi_err err = HOSHI_OK;
    for (int pass = 0; pass < 2 && err == HOSHI_OK; pass++) {
        sqlite3_stmt *st = hi_sq_prep(c, pass == 0 ? sql_count : sql_page);
        if (st == NULL) {
            err = HOSHI_ERR_IO;
            break;
        }
        if (by_name)
            bind_text(st, 1, pattern);
        if (by_gram && pass == 0)
            bind_text(st, 7, q->name);
        if (q->prefecture)
            sqlite3_bind_int(st, 2, q->prefecture);
        if (q->industry && *q->industry)
            bind_text(st, 3, q->industry);
        if (q->level)
            sqlite3_bind_int(st, 4, q->level);
        int rc;
        if (pass == 0) {
            if ((rc = sqlite3_step(st)) == SQLITE_ROW)
                *total = sqlite3_column_int64(st, 0);
            else
                err = hi_sq_fail(c, "count declarations");
        } else {
            sqlite3_bind_int64(st, 5, (long long)q->limit);
            sqlite3_bind_int64(st, 6, q->offset);
            while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < q->limit)
                read_decl(st, &out[(*n)++]);
            if (rc != SQLITE_DONE && rc != SQLITE_ROW)
                err = hi_sq_fail(c, "search declarations");
        }
        hi_sq_done(st);
    }
    hi_sq_release(SQ(base), c);
    return err;
}

static hoshi_err seed_one(hi_conn *c, const hoshi_seed_decl *it)
{
    sqlite3_stmt *st = hi_sq_prep(c, "INSERT INTO orgs(name, corpnum, prefecture, industry, employees,"
                                     " contact, star1, star1_committed) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
                                     " '11111', 1)");
    if (st == NULL)
        return HOSHI_ERR_IO;
    bind_text(st, 1, it->org->name);
    bind_text(st, 2, it->org->corpnum);
    sqlite3_bind_int(st, 3, it->org->prefecture);
    bind_text(st, 4, it->org->industry);
    sqlite3_bind_int(st, 5, it->org->employees);
    bind_text(st, 6, it->org->contact);
    int rc = sqlite3_step(st);
    hi_sq_done(st);
    if (rc != SQLITE_DONE)
        return hi_sq_fail(c, "seed organisation");
    long long org_id = sqlite3_last_insert_rowid(c->db);
    if (it->policy_body != NULL) {
        st = hi_sq_prep(c, "INSERT INTO policies(org_id, representative, contact, established, body,"
                           " published, published_on) VALUES (?1, ?2, ?3, ?4, ?5, 1, ?4)");
        if (st == NULL)
            return HOSHI_ERR_IO;
        sqlite3_bind_int64(st, 1, org_id);
        bind_text(st, 2, it->representative);
        bind_text(st, 3, it->org->contact);
        bind_text(st, 4, it->declared_on);
        bind_text(st, 5, it->policy_body);
        rc = sqlite3_step(st);
        hi_sq_done(st);
        if (rc != SQLITE_DONE)
            return hi_sq_fail(c, "seed policy");
    }
    char id[HOSHI_DECL_ID_LEN + 1];
    return insert_decl(c, org_id, it->level, it->declared_on, id);
}

static hoshi_err sq_seed(hoshi_store *base, const hoshi_seed_decl *items, size_t n)
{
    hi_conn *c = hi_sq_acquire(SQ(base));
    hoshi_err err = hi_sq_exec(c, "BEGIN IMMEDIATE");
    if (err != HOSHI_OK)
        goto release;
    for (size_t i = 0; i < n; i++) {
        if ((err = seed_one(c, &items[i])) != HOSHI_OK) {
            rollback(c, err);
            goto release;
        }
    }
    if ((err = hi_sq_exec(c, "COMMIT")) != HOSHI_OK) {
        rollback(c, err);
        goto release;
    }
    bump(base);
    /* Fresh statistics let the planner pick the prefecture index or the
     * name scan instead of walking every declaration. */
    if (sqlite3_exec(c->db, "ANALYZE", NULL, NULL, NULL) != SQLITE_OK)
        err = hi_sq_fail(c, "analyze");
    else
        atomic_fetch_add(&SQ(base)->stats, 1);
release:
    hi_sq_release(SQ(base), c);
    return err;
}

static hoshi_err sq_generation(hoshi_store *base, long long *out)
{
    *out = atomic_load(&SQ(base)->generation);
    return HOSHI_OK;
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

static hoshi_err sq_user_set_operator(hoshi_store *base, long long user_id, bool on)
{
    struct operator_args a = {user_id, on};
    int changes = 0;
    hoshi_err err = write1(base, "UPDATE users SET operator = ?2 WHERE id = ?1", bind_operator, &a, &changes);
    if (err == HOSHI_OK && changes == 0)
        return hi_fail(HOSHI_ERR_NOTFOUND, "no such user");
    return err;
}

struct withdraw_args {
    const char *id, *date;
};

static void bind_withdraw(sqlite3_stmt *st, const void *ctx)
{
    const struct withdraw_args *a = ctx;
    bind_text(st, 1, a->id);
    bind_text(st, 2, a->date);
}

static hoshi_err sq_decl_withdraw_id(hoshi_store *base, const char *id, const char *date)
{
    struct withdraw_args a = {id, date};
    int changes = 0;
    hoshi_err err = write1(base, "UPDATE declarations SET status = 0, withdrawn_on = ?2"
                                 " WHERE id = ?1 AND status = 1",
                           bind_withdraw, &a, &changes);
    if (err == HOSHI_OK && changes == 0)
        return hi_fail(HOSHI_ERR_NOTFOUND, "no active declaration with this ID");
    if (err == HOSHI_OK)
        bump(base);
    return err;
}

static hoshi_err sq_stats(hoshi_store *base, hoshi_stats *out)
{
    memset(out, 0, sizeof *out);
    hi_conn *c = hi_sq_acquire(SQ(base));
    hoshi_err err = HOSHI_OK;
    sqlite3_stmt *st = hi_sq_prep(c, "SELECT (SELECT count(*) FROM orgs), (SELECT count(*) FROM users),"
                                     " (SELECT count(*) FROM diagnoses),"
                                     " (SELECT count(*) FROM policies WHERE published),"
                                     " (SELECT count(*) FROM declarations WHERE status = 1 AND level = 1),"
                                     " (SELECT count(*) FROM declarations WHERE status = 1 AND level = 2),"
                                     " (SELECT count(*) FROM declarations WHERE status = 0)");
    if (st == NULL) {
        err = HOSHI_ERR_IO;
        goto release;
    }
    if (sqlite3_step(st) == SQLITE_ROW) {
        out->orgs = sqlite3_column_int64(st, 0);
        out->users = sqlite3_column_int64(st, 1);
        out->diagnoses = sqlite3_column_int64(st, 2);
        out->policies = sqlite3_column_int64(st, 3);
        out->active[1] = sqlite3_column_int64(st, 4);
        out->active[2] = sqlite3_column_int64(st, 5);
        out->withdrawn = sqlite3_column_int64(st, 6);
    } else {
        err = hi_sq_fail(c, "statistics");
    }
    hi_sq_done(st);
release:
    hi_sq_release(SQ(base), c);
    return err;
}

const hoshi_store_ops hi_sqlite_ops = {
    .close = hi_sqlite_close,
    .signup = sq_signup,
    .user_by_email = sq_user_by_email,
    .session_create = sq_session_create,
    .session_get = sq_session_get,
    .session_delete = sq_session_delete,
    .org_get = sq_org_get,
    .org_update = sq_org_update,
    .draft_save = sq_draft_save,
    .diagnosis_add = sq_diagnosis_add,
    .diagnosis_get = sq_diagnosis_get,
    .diagnosis_list = sq_diagnosis_list,
    .policy_get = sq_policy_get,
    .policy_save = sq_policy_save,
    .decl_create = sq_decl_create,
    .decl_withdraw = sq_decl_withdraw,
    .decl_get = sq_decl_get,
    .decl_active = sq_decl_active,
    .decl_search = sq_decl_search,
    .seed = sq_seed,
    .generation = sq_generation,
    .user_set_operator = sq_user_set_operator,
    .decl_withdraw_id = sq_decl_withdraw_id,
    .stats = sq_stats,
};
