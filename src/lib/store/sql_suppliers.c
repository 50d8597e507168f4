/*
 * sql_suppliers.c — the supply chain in the SQL store (issue 13 part 5;
 * hoshi/store_suppliers.h): a client's list of suppliers, matched against
 * the registry whenever it is read, the invitation links (digests only),
 * the organisations that came through them, and each supplier's consent
 * to a client seeing its latest scores.  One statement (MATCH below)
 * decides what an entry is matched to, so the client's board, the
 * mailer's withdrawal notices, the supplier's list of clients that asked
 * and the operator's figures never disagree.
 */
#include "sql_int.h"
#include "internal.h"

#include <string.h>

/* The entries (of client ?1, or of every client when ?1 is 0; only those
 * that could match organisation ?2 when it is not 0) with `sorg`, the
 * organisation each is matched to: the listed declaration's, else that
 * of the newest declaration (in force first) of an organisation with the
 * listed 法人番号, else the one that came through the link, else 0. */
#define MATCH                                                                                          \
    "WITH m AS (SELECT s.id, s.client_org, s.corpnum, s.decl_id, s.name, s.email, s.created_at,"       \
    " s.invited_at, s.joined_org,"                                                                     \
    " coalesce(CASE WHEN s.decl_id <> '' THEN (SELECT x.org_id FROM declarations x WHERE x.id = s.decl_id)" \
    "  ELSE (SELECT x.org_id FROM declarations x JOIN orgs o ON o.id = x.org_id"                       \
    "   WHERE s.corpnum <> '' AND o.corpnum = s.corpnum ORDER BY x.status DESC, x.seq DESC LIMIT 1) END," \
    "  nullif(s.joined_org, 0), 0) AS sorg"                                                            \
    " FROM suppliers s WHERE (?1 = 0 OR s.client_org = ?1) AND (?2 = 0"                               \
    "  OR s.decl_id IN (SELECT x.id FROM declarations x WHERE x.org_id = ?2)"                          \
    "  OR s.corpnum IN (SELECT o.corpnum FROM orgs o WHERE o.id = ?2 AND o.corpnum <> '')"             \
    "  OR s.joined_org = ?2)) "

/* An entry's columns and its match, for copy_supplier. */
static const char list_sql[] =
    MATCH
    "SELECT m.id, m.client_org, m.corpnum, m.decl_id, m.name, m.email, m.created_at, m.invited_at,"
    " m.joined_org, m.sorg, d.id, d.level, d.status, d.declared_on, d.withdrawn_on,"
    " (SELECT max(y.taken_on) FROM diagnoses y WHERE y.org_id = m.sorg),"
    " CASE WHEN c.client_org IS NULL THEN 0 ELSE 1 END, g.answers, g.score, g.taken_on"
    " FROM m"
    " LEFT JOIN declarations d ON d.seq = (SELECT x.seq FROM declarations x WHERE x.org_id = m.sorg"
    "  ORDER BY x.status DESC, x.seq DESC LIMIT 1)"
    " LEFT JOIN supplier_consents c ON c.supplier_org = m.sorg AND c.client_org = m.client_org"
    "  AND c.revoked_at = 0"
    " LEFT JOIN diagnoses g ON c.client_org IS NOT NULL AND g.id = (SELECT y.id FROM diagnoses y"
    "  WHERE y.org_id = m.sorg ORDER BY y.id DESC LIMIT 1)"
    " WHERE (?2 = 0 OR m.sorg = ?2) ORDER BY m.id";

typedef struct match_args {
    long long client_org, supplier_org;
} match_args;

static void bind_match(hi_stmt *st, const void *ctx)
{
    const match_args *a = ctx;
    hi_bind_int64(st, 1, a->client_org);
    hi_bind_int64(st, 2, a->supplier_org);
}

/* The listed fields, columns 0..8 of both reads of an entry. */
static void copy_listed(hi_stmt *st, hoshi_supplier *s)
{
    memset(s, 0, sizeof *s);
    s->id = hi_col_int64(st, 0);
    s->client_org = hi_col_int64(st, 1);
    hi_sq_text(st, 2, s->corpnum, sizeof s->corpnum);
    hi_sq_text(st, 3, s->listed_id, sizeof s->listed_id);
    hi_sq_text(st, 4, s->name, sizeof s->name);
    hi_sq_text(st, 5, s->email, sizeof s->email);
    s->created_at = hi_col_int64(st, 6);
    s->invited_at = hi_col_int64(st, 7);
    s->joined_org = hi_col_int64(st, 8);
}

static void copy_supplier(hi_stmt *st, void *rec)
{
    hoshi_supplier *s = rec;
    copy_listed(st, s);
    s->org_id = hi_col_int64(st, 9);
    if (!hi_col_null(st, 10)) {
        hi_sq_text(st, 10, s->decl_id, sizeof s->decl_id);
        s->level = hi_col_int(st, 11);
        s->state = hi_col_int(st, 12) == 1 ? HOSHI_SUPPLIER_DECLARED : HOSHI_SUPPLIER_WITHDRAWN;
        hi_sq_text(st, 13, s->declared_on, sizeof s->declared_on);
        hi_sq_text(st, 14, s->withdrawn_on, sizeof s->withdrawn_on);
    }
    /* The re-check clock restarts at the later of the latest diagnosis
     * and the declaration (ISO dates compare as text). */
    char diag[HOSHI_STORE_DATE] = "";
    if (!hi_col_null(st, 15))
        hi_sq_text(st, 15, diag, sizeof diag);
    memcpy(s->last_check, strcmp(diag, s->declared_on) > 0 ? diag : s->declared_on, sizeof s->last_check);
    if (hi_col_int(st, 16) == 1 && !hi_col_null(st, 17)) {
        s->shared = true;
        hi_sq_text(st, 17, s->answers, sizeof s->answers);
        s->score = hi_col_int(st, 18);
        hi_sq_text(st, 19, s->taken_on, sizeof s->taken_on);
    }
}

hoshi_err hi_sq_supplier_list(hoshi_store *base, long long client_org, hoshi_supplier *out, size_t max, size_t *n)
{
    match_args a = {client_org, 0};
    if (client_org <= 0) {
        *n = 0;
        return hi_fail(HOSHI_ERR_USAGE, "suppliers: no client organisation");
    }
    hi_sq_query q = {list_sql, bind_match, &a, copy_supplier, NULL, "suppliers", NULL};
    return hi_sq_readn(base, &q, out, sizeof *out, max, n);
}

hoshi_err hi_sq_supplier_walk(hoshi_store *base, long long supplier_org, hoshi_supplier_fn fn, void *ctx)
{
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, list_sql, &st);
    if (err != HOSHI_OK)
        goto release;
    match_args a = {0, supplier_org > 0 ? supplier_org : 0};
    bind_match(st, &a);
    int rc;
    hoshi_supplier s;
    while ((rc = hi_step(st)) == HI_ROW) {
        copy_supplier(st, &s);
        if ((err = hi_sq_read_ok(c, "suppliers")) != HOSHI_OK || (err = fn(ctx, &s)) != HOSHI_OK)
            break;
    }
    if (err == HOSHI_OK && rc != HI_DONE)
        err = hi_sq_fail(c, "suppliers");
    hi_sq_done(st);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}

/* HOSHI_ERR_INPUT naming item i (1-based) unless it is well formed. */
static hoshi_err check_item(const hoshi_supplier_new *it, size_t i)
{
    const char *cn = it->corpnum ? it->corpnum : "", *id = it->decl_id ? it->decl_id : "";
    if ((cn[0] != '\0') == (id[0] != '\0'))
        return hi_fail(HOSHI_ERR_INPUT, "supplier %zu: give a 法人番号 or a declaration ID, one of the two", i);
    if (cn[0] != '\0' && !hoshi_corpnum_is_valid(cn))
        return hi_fail(HOSHI_ERR_INPUT, "supplier %zu: \"%s\" is not a valid 法人番号", i, cn);
    if (id[0] != '\0' && !hoshi_decl_id_is_valid(id))
        return hi_fail(HOSHI_ERR_INPUT, "supplier %zu: \"%s\" is not a valid declaration ID", i, id);
    if (it->name == NULL || it->name[0] == '\0')
        return hi_fail(HOSHI_ERR_INPUT, "supplier %zu: a name is needed", i);
    hi_sq_field f[] = {HI_SQ_UTF8("supplier name", it->name, HOSHI_SUPPLIER_NAME_CHARS),
                       HI_SQ_ASCII("supplier e-mail", it->email, HOSHI_STORE_EMAIL_CHARS)};
    hoshi_err err = hi_sq_check(f, sizeof f / sizeof f[0]);
    if (err != HOSHI_OK)
        return hi_fail(err, "supplier %zu: %s", i, hoshi_error_detail());
    return HOSHI_OK;
}

static void copy_count(hi_stmt *st, void *rec)
{
    *(long long *)rec = hi_col_int64(st, 0);
}

/* The inserts of hoshi_store_supplier_add, inside its transaction on c. */
static hoshi_err add_in(hi_conn *c, long long client_org, const hoshi_supplier_new *items, size_t n,
                        long long now)
{
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, "SELECT count(*) FROM suppliers WHERE client_org = ?1", &st);
    if (err != HOSHI_OK)
        return err;
    hi_bind_int64(st, 1, client_org);
    hi_sq_query q = {NULL, NULL, NULL, copy_count, NULL, "supplier count", NULL};
    long long have = 0;
    size_t got = 0;
    err = hi_sq_rows(c, st, &q, &have, sizeof have, 1, &got);
    hi_sq_done(st);
    if (err != HOSHI_OK)
        return err;
    if ((size_t)have + n > HOSHI_SUPPLIERS_MAX)
        return hi_fail(HOSHI_ERR_LIMIT, "suppliers: a list holds at most %d entries (%lld now, %zu more)",
                       HOSHI_SUPPLIERS_MAX, have, n);
    if ((err = hi_sq_prep(c, "INSERT INTO suppliers(client_org, corpnum, decl_id, name, email, created_at)"
                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING", &st)) != HOSHI_OK)
        return err;
    for (size_t i = 0; i < n; i++) {
        hi_bind_int64(st, 1, client_org);
        hi_bind_text(st, 2, items[i].corpnum);
        hi_bind_text(st, 3, items[i].decl_id);
        hi_bind_text(st, 4, items[i].name);
        hi_bind_text(st, 5, items[i].email);
        hi_bind_int64(st, 6, now);
        int rc = hi_step(st);
        long long changed = rc == HI_DONE ? hi_sq_changes(c) : 0;
        hi_sq_done(st);
        if (rc != HI_DONE)
            return hi_sq_fail(c, "add a supplier");
        if (changed != 1)
            return hi_fail(HOSHI_ERR_INPUT, "supplier %zu: %s is already on the list", i + 1,
                           items[i].corpnum && items[i].corpnum[0] ? items[i].corpnum : items[i].decl_id);
    }
    return HOSHI_OK;
}

hoshi_err hi_sq_supplier_add(hoshi_store *base, long long client_org, const hoshi_supplier_new *items, size_t n,
                             long long now)
{
    hoshi_err err = HOSHI_OK;
    for (size_t i = 0; i < n && err == HOSHI_OK; i++)
        err = check_item(&items[i], i + 1);
    if (err != HOSHI_OK)
        return err;
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    if ((err = hi_sq_begin(c)) != HOSHI_OK)
        goto release;
    if ((err = add_in(c, client_org, items, n, now)) != HOSHI_OK || (err = hi_sq_exec(c, "COMMIT")) != HOSHI_OK)
        hi_sq_rollback(c, err);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}

typedef struct two_ids {
    long long a, b;
} two_ids;

static void bind_two(hi_stmt *st, const void *ctx)
{
    const two_ids *t = ctx;
    hi_bind_int64(st, 1, t->a);
    hi_bind_int64(st, 2, t->b);
}

hoshi_err hi_sq_supplier_remove(hoshi_store *base, long long client_org, long long id)
{
    two_ids t = {client_org, id};
    int changes = 0;
    hoshi_err err = hi_sq_write1(base, "DELETE FROM suppliers WHERE client_org = ?1 AND id = ?2", bind_two, &t,
                                 &changes);
    if (err == HOSHI_OK && changes == 0)
        return hi_fail(HOSHI_ERR_NOTFOUND, "suppliers: client %lld has no entry %lld", client_org, id);
    return err;
}

hoshi_err hi_sq_supplier_invite(hoshi_store *base, long long client_org, const hoshi_supplier_link *links,
                                size_t n, long long now)
{
    for (size_t i = 0; i < n; i++) {
        hi_sq_field f[] = {HI_SQ_ASCII("link digest", links[i].digest, HOSHI_STORE_TOKEN_CHARS)};
        hoshi_err err = hi_sq_check(f, 1);
        if (err != HOSHI_OK)
            return err;
    }
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hi_stmt *st;
    hoshi_err err = hi_sq_begin(c);
    if (err != HOSHI_OK)
        goto release;
    if ((err = hi_sq_prep(c, "UPDATE suppliers SET link = ?3, invited_at = ?4 WHERE client_org = ?1 AND id = ?2",
                          &st)) != HOSHI_OK)
        goto rollback;
    for (size_t i = 0; i < n && err == HOSHI_OK; i++) {
        hi_bind_int64(st, 1, client_org);
        hi_bind_int64(st, 2, links[i].id);
        hi_bind_text(st, 3, links[i].digest);
        hi_bind_int64(st, 4, now);
        int rc = hi_step(st);
        long long changed = rc == HI_DONE ? hi_sq_changes(c) : 0;
        hi_sq_done(st);
        if (rc != HI_DONE)
            err = hi_sq_fail(c, "invite a supplier");
        else if (changed != 1)
            err = hi_fail(HOSHI_ERR_NOTFOUND, "suppliers: client %lld has no entry %lld", client_org, links[i].id);
    }
    if (err == HOSHI_OK)
        err = hi_sq_exec(c, "COMMIT");
rollback:
    if (err != HOSHI_OK)
        hi_sq_rollback(c, err);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}

typedef struct by_link_rec {
    hoshi_supplier *s;
    char *client_name;
} by_link_rec;

static void copy_by_link(hi_stmt *st, void *rec)
{
    by_link_rec *b = rec;
    copy_listed(st, b->s);
    hi_sq_text(st, 9, b->client_name, HOSHI_STORE_NAME);
}

hoshi_err hi_sq_supplier_by_link(hoshi_store *base, const char *digest, hoshi_supplier *out,
                                 char client_name[HOSHI_STORE_NAME])
{
    by_link_rec b = {out, client_name};
    client_name[0] = '\0';
    hi_sq_query q = {"SELECT s.id, s.client_org, s.corpnum, s.decl_id, s.name, s.email, s.created_at,"
                     " s.invited_at, s.joined_org, o.name FROM suppliers s JOIN orgs o ON o.id = s.client_org"
                     " WHERE s.link = ?1",
                     hi_sq_bind_key_text, digest, copy_by_link, NULL, "supplier link", "no such supplier link"};
    return hi_sq_read1(base, &q, &b);
}

typedef struct join_args {
    const char *digest;
    long long org_id;
} join_args;

static void bind_join(hi_stmt *st, const void *ctx)
{
    const join_args *j = ctx;
    hi_bind_text(st, 1, j->digest);
    hi_bind_int64(st, 2, j->org_id);
}

hoshi_err hi_sq_supplier_join(hoshi_store *base, const char *digest, long long org_id)
{
    hoshi_supplier s;
    char client[HOSHI_STORE_NAME];
    hoshi_err err = hi_sq_supplier_by_link(base, digest, &s, client);
    if (err != HOSHI_OK)
        return err;
    join_args j = {digest, org_id};
    int changes = 0;
    err = hi_sq_write1(base, "UPDATE suppliers SET joined_org = ?2 WHERE link = ?1 AND client_org <> ?2"
                             " AND (joined_org = 0 OR joined_org = ?2)", bind_join, &j, &changes);
    if (err == HOSHI_OK && changes == 0)
        return hi_fail(HOSHI_ERR_INPUT, "suppliers: entry %lld is the client's own or another's", s.id);
    return err;
}

static void copy_client(hi_stmt *st, void *rec)
{
    hoshi_supplier_client *c = rec;
    memset(c, 0, sizeof *c);
    c->client_org = hi_col_int64(st, 0);
    hi_sq_text(st, 1, c->name, sizeof c->name);
    c->granted_at = hi_col_null(st, 2) ? 0 : hi_col_int64(st, 2);
    c->revoked_at = hi_col_null(st, 3) ? 0 : hi_col_int64(st, 3);
    c->granted = c->granted_at != 0 && c->revoked_at == 0;
}

hoshi_err hi_sq_supplier_clients(hoshi_store *base, long long supplier_org, hoshi_supplier_client *out,
                                 size_t max, size_t *n)
{
    *n = 0;
    if (supplier_org <= 0)
        return hi_fail(HOSHI_ERR_USAGE, "suppliers: no supplier organisation");
    match_args a = {0, supplier_org};
    hi_sq_query q = {MATCH
                     "SELECT o.id, o.name, c.granted_at, c.revoked_at FROM orgs o"
                     " LEFT JOIN supplier_consents c ON c.client_org = o.id AND c.supplier_org = ?2"
                     " WHERE o.id IN (SELECT m.client_org FROM m WHERE m.sorg = ?2) AND o.id <> ?2"
                     " ORDER BY o.name, o.id",
                     bind_match, &a, copy_client, NULL, "clients", NULL};
    return hi_sq_readn(base, &q, out, sizeof *out, max, n);
}

typedef struct consent_args {
    long long supplier_org, client_org, now;
} consent_args;

static void bind_consent(hi_stmt *st, const void *ctx)
{
    const consent_args *a = ctx;
    hi_bind_int64(st, 1, a->supplier_org);
    hi_bind_int64(st, 2, a->client_org);
    hi_bind_int64(st, 3, a->now);
}

hoshi_err hi_sq_supplier_consent(hoshi_store *base, long long supplier_org, long long client_org, bool grant,
                                 long long now)
{
    consent_args a = {supplier_org, client_org, now};
    int changes = 0;
    hoshi_err err;
    if (!grant) {
        err = hi_sq_write1(base, "UPDATE supplier_consents SET revoked_at = ?3"
                                 " WHERE supplier_org = ?1 AND client_org = ?2 AND revoked_at = 0",
                           bind_consent, &a, &changes);
        if (err == HOSHI_OK && changes == 0)
            return hi_fail(HOSHI_ERR_NOTFOUND, "suppliers: no consent of %lld to %lld stands", supplier_org,
                           client_org);
        return err;
    }
    /* Only a client that lists the supplier may be granted anything. */
    match_args m = {client_org, supplier_org};
    long long listed = 0;
    hi_sq_query q = {MATCH "SELECT count(*) FROM m WHERE m.sorg = ?2", bind_match, &m, copy_count, NULL,
                     "supplier listed", "no supplier count"};
    if (client_org <= 0 || supplier_org <= 0 || client_org == supplier_org)
        return hi_fail(HOSHI_ERR_NOTFOUND, "suppliers: no consent of %lld to %lld", supplier_org, client_org);
    if ((err = hi_sq_read1(base, &q, &listed)) != HOSHI_OK)
        return err;
    if (listed == 0)
        return hi_fail(HOSHI_ERR_NOTFOUND, "suppliers: organisation %lld does not list %lld", client_org,
                       supplier_org);
    return hi_sq_write1(base, "INSERT INTO supplier_consents(supplier_org, client_org, granted_at) VALUES (?1, ?2, ?3)"
                              " ON CONFLICT (supplier_org, client_org) DO UPDATE SET granted_at = ?3, revoked_at = 0",
                        bind_consent, &a, NULL);
}

static void copy_counts(hi_stmt *st, void *rec)
{
    hoshi_supplier_counts *c = rec;
    c->invited = hi_col_int64(st, 0);
    c->joined = hi_col_int64(st, 1);
    c->declared = hi_col_int64(st, 2);
}

hoshi_err hi_sq_supplier_counts(hoshi_store *base, hoshi_supplier_counts *out)
{
    memset(out, 0, sizeof *out);
    match_args a = {0, 0};
    hi_sq_query q = {MATCH
                     "SELECT coalesce(sum(CASE WHEN m.invited_at > 0 THEN 1 ELSE 0 END), 0),"
                     " count(DISTINCT nullif(m.joined_org, 0)),"
                     " coalesce(sum(CASE WHEN m.invited_at > 0 AND EXISTS (SELECT 1 FROM declarations x"
                     "  WHERE x.org_id = m.sorg AND x.status = 1) THEN 1 ELSE 0 END), 0) FROM m",
                     bind_match, &a, copy_counts, NULL, "supplier counts", "no supplier counts"};
    return hi_sq_read1(base, &q, out);
}
