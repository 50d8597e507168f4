/*
 * sql_nta.c — identity in the SQL store (issue 11 parts 1 and 2):
 * the imported register of corporate numbers, claims that become
 * disputes, and reading the history of changes, which triggers of the
 * schema record (sqlite.c, pg_schema.c) so no write path can forget one.
 */
#include "sql_int.h"
#include "internal.h"

#include <string.h>

static hoshi_err write_corp(hi_conn *c, const hoshi_nta_corp *r, hoshi_nta_import_result *out)
{
    hi_stmt *st;
    hoshi_err err;
    if (strcmp(r->process, "99") == 0) {
        if ((err = hi_sq_prep(c, "DELETE FROM nta_corps WHERE corpnum = ?1 AND update_date <= ?2", &st)))
            return err;
        out->deleted++;
    } else {
        if ((err = hi_sq_prep(c, "INSERT INTO nta_corps(corpnum, update_date, name, furigana, kind,"
                                 " prefecture, city, street, pref_code, close_date, close_cause, successor)"
                                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
                                 " ON CONFLICT(corpnum) DO UPDATE SET update_date = ?2, name = ?3,"
                                 " furigana = ?4, kind = ?5, prefecture = ?6, city = ?7, street = ?8,"
                                 " pref_code = ?9, close_date = ?10, close_cause = ?11, successor = ?12"
                                 " WHERE nta_corps.update_date <= ?2", &st)))
            return err;
        hi_bind_text(st, 3, r->name);
        hi_bind_text(st, 4, r->furigana);
        hi_bind_text(st, 5, r->kind);
        hi_bind_text(st, 6, r->prefecture);
        hi_bind_text(st, 7, r->city);
        hi_bind_text(st, 8, r->street);
        hi_bind_int64(st, 9, r->pref_code);
        hi_bind_text(st, 10, r->close_date);
        hi_bind_text(st, 11, r->close_cause);
        hi_bind_text(st, 12, r->successor);
        out->kept++;
    }
    hi_bind_text(st, 1, r->corpnum);
    hi_bind_text(st, 2, r->update_date);
    int rc = hi_step(st);
    hi_sq_done(st);
    return rc == HI_DONE ? HOSHI_OK : hi_sq_fail(c, "write register record");
}

static hoshi_err note_import(hi_conn *c, const hoshi_nta_import_result *out)
{
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, "INSERT INTO nta_imports(data_date, records) VALUES (?1, ?2)", &st);
    if (err != HOSHI_OK)
        return err;
    hi_bind_text(st, 1, out->data_date);
    hi_bind_int64(st, 2, out->read);
    int rc = hi_step(st);
    hi_sq_done(st);
    return rc == HI_DONE ? HOSHI_OK : hi_sq_fail(c, "record the import");
}

hoshi_err hi_sq_nta_import(hoshi_store *base, hoshi_nta_next_fn next, void *ctx,
                           hoshi_nta_import_result *out)
{
    memset(out, 0, sizeof *out);
    static _Thread_local hoshi_nta_corp rec;
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hoshi_err err = hi_sq_begin(c);
    if (err != HOSHI_OK)
        goto release;
    for (;;) {
        bool end = false;
        if ((err = next(ctx, &rec, &end)) != HOSHI_OK || end)
            break;
        out->read++;
        if (strlen(rec.corpnum) != HOSHI_CORPNUM_LEN || strlen(rec.update_date) != 10) {
            err = hi_fail(HOSHI_ERR_INPUT, "register record %lld has no number or update date", out->read);
            break;
        }
        if (!rec.latest) {
            out->history++;
            continue;
        }
        if (strcmp(rec.update_date, out->data_date) > 0)
            memcpy(out->data_date, rec.update_date, sizeof out->data_date);
        if ((err = write_corp(c, &rec, out)) != HOSHI_OK)
            break;
    }
    if (err == HOSHI_OK && out->read > 0)
        err = note_import(c, out);
    if (err == HOSHI_OK)
        err = hi_sq_exec(c, "COMMIT");
    if (err != HOSHI_OK) {
        hi_sq_rollback(c, err);
        hoshi_nta_import_result zero = {0};
        *out = zero;
    } else {
        hi_sq_bump(base);
    }
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}

static void copy_corp(hi_stmt *st, void *rec)
{
    hoshi_nta_corp *r = rec;
    memset(r, 0, sizeof *r);
    hi_sq_text(st, 0, r->corpnum, sizeof r->corpnum);
    hi_sq_text(st, 1, r->update_date, sizeof r->update_date);
    hi_sq_text(st, 2, r->name, sizeof r->name);
    hi_sq_text(st, 3, r->furigana, sizeof r->furigana);
    hi_sq_text(st, 4, r->kind, sizeof r->kind);
    hi_sq_text(st, 5, r->prefecture, sizeof r->prefecture);
    hi_sq_text(st, 6, r->city, sizeof r->city);
    hi_sq_text(st, 7, r->street, sizeof r->street);
    r->pref_code = hi_col_int(st, 8);
    hi_sq_text(st, 9, r->close_date, sizeof r->close_date);
    hi_sq_text(st, 10, r->close_cause, sizeof r->close_cause);
    hi_sq_text(st, 11, r->successor, sizeof r->successor);
    r->latest = true;
}

hoshi_err hi_sq_nta_get(hoshi_store *base, const char *corpnum, hoshi_nta_corp *out)
{
    hi_sq_query q = {
        .sql = "SELECT corpnum, update_date, name, furigana, kind, prefecture, city, street, pref_code,"
               " close_date, close_cause, successor FROM nta_corps WHERE corpnum = ?1",
        .bind = hi_sq_bind_key_text, .ctx = corpnum, .copy = copy_corp,
        .what = "register record", .missing = "the register does not hold that number"};
    return hi_sq_read1(base, &q, out);
}

static void copy_date(hi_stmt *st, void *rec)
{
    hi_sq_text(st, 0, rec, HOSHI_STORE_DATE);
}

hoshi_err hi_sq_nta_date(hoshi_store *base, char out[HOSHI_STORE_DATE])
{
    hi_sq_query q = {.sql = "SELECT data_date FROM nta_imports ORDER BY data_date DESC LIMIT 1",
                     .copy = copy_date, .what = "register date", .missing = "no import"};
    hoshi_err err = hi_sq_read1(base, &q, out);
    if (err == HOSHI_ERR_NOTFOUND) {
        hi_clear_error();
        out[0] = '\0';
        return HOSHI_OK;
    }
    return err;
}

/* The organisation's open dispute, or another's active declaration of
 * its number; *dispute and *holder stay 0 when neither. */
static hoshi_err find_conflict(hi_conn *c, long long org_id, long long *dispute, long long *holder)
{
    hi_stmt *st;
    *dispute = *holder = 0;
    hoshi_err err = hi_sq_prep(c, "SELECT (SELECT id FROM disputes WHERE org_id = ?1 AND status = 0),"
                                  " (SELECT d.org_id FROM orgs o JOIN orgs h ON h.corpnum = o.corpnum"
                                  "  AND h.id <> o.id JOIN declarations d ON d.org_id = h.id AND d.status = 1"
                                  "  WHERE o.id = ?1 AND o.corpnum <> '' LIMIT 1)", &st);
    if (err != HOSHI_OK)
        return err;
    hi_bind_int64(st, 1, org_id);
    if (hi_step(st) == HI_ROW) {
        *dispute = hi_col_int64(st, 0);
        *holder = hi_col_int64(st, 1);
    } else {
        err = hi_sq_fail(c, "look for a claim on the number");
    }
    hi_sq_done(st);
    return err;
}

static hoshi_err open_dispute(hi_conn *c, long long org_id, long long holder, int level, const char *date,
                              long long *id)
{
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, "INSERT INTO disputes(corpnum, org_id, holder_org_id, level, opened_on)"
                                  " SELECT corpnum, id, ?2, ?3, ?4 FROM orgs WHERE id = ?1 RETURNING id", &st);
    if (err != HOSHI_OK)
        return err;
    hi_bind_int64(st, 1, org_id);
    hi_bind_int64(st, 2, holder);
    hi_bind_int64(st, 3, level);
    hi_bind_text(st, 4, date);
    if ((err = hi_sq_insert_id(c, st, "open a dispute", id)) != HOSHI_OK)
        return err;
    return HOSHI_OK;
}

hoshi_err hi_sq_decl_claim(hoshi_store *base, long long org_id, int level, const char *date,
                           char id_out[HOSHI_STORE_DECL_ID], long long *dispute_id)
{
    id_out[0] = '\0';
    *dispute_id = 0;
    if (level != 1 && level != 2)
        return hi_fail(HOSHI_ERR_INPUT, "level must be 1 or 2");
    hoshi_err err = hi_sq_check_date("declaration date", date);
    if (err != HOSHI_OK)
        return err;
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    long long holder = 0;
    if ((err = hi_sq_begin(c)) != HOSHI_OK)
        goto release;
    if ((err = find_conflict(c, org_id, dispute_id, &holder)) != HOSHI_OK)
        goto rollback;
    if (*dispute_id == 0 && holder != 0)
        err = open_dispute(c, org_id, holder, level, date, dispute_id);
    else if (*dispute_id == 0 && (err = hi_sq_withdraw_active(c, org_id, date, NULL)) == HOSHI_OK)
        err = hi_sq_insert_decl(c, org_id, level, date, id_out);
    if (err == HOSHI_OK && (err = hi_sq_exec(c, "COMMIT")) == HOSHI_OK) {
        hi_sq_bump(base);
        goto release;
    }
rollback:
    id_out[0] = '\0';
    *dispute_id = 0;
    hi_sq_rollback(c, err);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}

#define DISPUTE_SQL                                                                               \
    "SELECT x.id, x.org_id, x.holder_org_id, x.corpnum, o.name, h.name,"                          \
    " COALESCE((SELECT d.id FROM declarations d WHERE d.org_id = h.id AND d.status = 1), ''),"   \
    " x.level, x.opened_on, x.status, x.resolved_on"                                              \
    " FROM disputes x JOIN orgs o ON o.id = x.org_id JOIN orgs h ON h.id = x.holder_org_id"

static void copy_dispute(hi_stmt *st, void *rec)
{
    hoshi_dispute *d = rec;
    d->id = hi_col_int64(st, 0);
    d->org_id = hi_col_int64(st, 1);
    d->holder_org_id = hi_col_int64(st, 2);
    hi_sq_text(st, 3, d->corpnum, sizeof d->corpnum);
    hi_sq_text(st, 4, d->org_name, sizeof d->org_name);
    hi_sq_text(st, 5, d->holder_name, sizeof d->holder_name);
    hi_sq_text(st, 6, d->holder_decl, sizeof d->holder_decl);
    d->level = hi_col_int(st, 7);
    hi_sq_text(st, 8, d->opened_on, sizeof d->opened_on);
    int status = hi_col_int(st, 9);
    d->status = status == 1 ? HOSHI_DISPUTE_UPHELD : status == 2 ? HOSHI_DISPUTE_REJECTED : HOSHI_DISPUTE_OPEN;
    hi_sq_text(st, 10, d->resolved_on, sizeof d->resolved_on);
}

hoshi_err hi_sq_dispute_list(hoshi_store *base, hoshi_dispute *out, size_t max, size_t *n)
{
    hi_sq_query q = {.sql = DISPUTE_SQL " ORDER BY x.status <> 0, x.id DESC",
                     .copy = copy_dispute, .what = "disputes"};
    return hi_sq_readn(base, &q, out, sizeof *out, max, n);
}

hoshi_err hi_sq_dispute_pending(hoshi_store *base, long long org_id, hoshi_dispute *out)
{
    hi_sq_query q = {.sql = DISPUTE_SQL " WHERE x.org_id = ?1 AND x.status = 0",
                     .bind = hi_sq_bind_key_id, .ctx = &org_id, .copy = copy_dispute,
                     .what = "dispute", .missing = "no open dispute"};
    return hi_sq_read1(base, &q, out);
}

hoshi_err hi_sq_dispute_resolve(hoshi_store *base, long long id, bool upheld, const char *date)
{
    hoshi_err err = hi_sq_check_date("resolution date", date);
    if (err != HOSHI_OK)
        return err;
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hi_stmt *st;
    if ((err = hi_sq_begin(c)) != HOSHI_OK)
        goto release;
    if ((err = hi_sq_prep(c, "UPDATE disputes SET status = ?2, resolved_on = ?3"
                             " WHERE id = ?1 AND status = 0 RETURNING holder_org_id", &st)))
        goto rollback;
    hi_bind_int64(st, 1, id);
    hi_bind_int64(st, 2, upheld ? 1 : 2);
    hi_bind_text(st, 3, date);
    int rc = hi_step(st);
    long long holder = rc == HI_ROW ? hi_col_int64(st, 0) : 0;
    if (rc == HI_ROW)
        rc = hi_step(st);
    hi_sq_done(st);
    if (rc != HI_DONE)
        err = hi_sq_fail(c, "resolve dispute");
    else if (holder == 0)
        err = hi_fail(HOSHI_ERR_NOTFOUND, "no open dispute %lld", id);
    else if (upheld)
        err = hi_sq_withdraw_org(c, holder, date, "dispute", NULL);
    if (err == HOSHI_OK && (err = hi_sq_exec(c, "COMMIT")) == HOSHI_OK) {
        hi_sq_bump(base);
        goto release;
    }
rollback:
    hi_sq_rollback(c, err);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}

static void copy_change(hi_stmt *st, void *rec)
{
    hoshi_org_change *h = rec;
    hi_sq_text(st, 0, h->changed_on, sizeof h->changed_on);
    int f = hi_col_int(st, 1);
    h->field = f == 1 ? HOSHI_CHANGE_NAME : f == 2 ? HOSHI_CHANGE_PREFECTURE : HOSHI_CHANGE_LEVEL;
    hi_sq_text(st, 2, h->before, sizeof h->before);
    hi_sq_text(st, 3, h->after, sizeof h->after);
}

hoshi_err hi_sq_org_history(hoshi_store *base, long long org_id, hoshi_org_change *out, size_t max,
                            size_t *n)
{
    hi_sq_query q = {.sql = "SELECT changed_on, field, before, after FROM org_history WHERE org_id = ?1"
                            " ORDER BY id DESC",
                     .bind = hi_sq_bind_key_id, .ctx = &org_id, .copy = copy_change,
                     .what = "history"};
    return hi_sq_readn(base, &q, out, sizeof *out, max, n);
}
