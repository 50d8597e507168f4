/*
 * sql_audit.c — the operator's audit log in the SQL store (issue
 * 11 part 6; hoshi/store_audit.h): appending a row, reading the log
 * newest first (all of it or one declaration's), and the operator's
 * withdrawal, which marks the declaration withdrawn by the programme and
 * appends its row in one transaction.  The table's triggers refuse any
 * UPDATE or DELETE, so nothing here or elsewhere can rewrite the record.
 */
#include "sql_int.h"
#include "internal.h"

#include <stdio.h>
#include <string.h>

static hoshi_err check_new(const hoshi_audit_new *a)
{
    if (a->action == NULL || a->action[0] == '\0')
        return hi_fail(HOSHI_ERR_INPUT, "audit: a row needs an action");
    hi_sq_field f[] = {
        HI_SQ_ASCII("audit action", a->action, HOSHI_AUDIT_ACTION_CHARS),
        HI_SQ_ASCII("audit declaration", a->decl_id, HOSHI_DECL_ID_LEN),
        HI_SQ_ASCII("audit reason", a->reason, HOSHI_DECL_REASON_CHARS),
        HI_SQ_UTF8("audit note", a->note, HOSHI_AUDIT_NOTE_CHARS),
    };
    return hi_sq_check(f, sizeof f / sizeof f[0]);
}

/* Appends a's row on c (inside the caller's transaction, if any).  The
 * organisation is a->org_id, or else the declaration's; the operator's
 * address is copied, so the row still says who after an account goes. */
static hoshi_err insert_row(hi_conn *c, const hoshi_audit_new *a, long long now, long long *id)
{
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, "INSERT INTO audit_log(at, operator_id, operator_email, action, decl_id,"
                                  " org_id, reason, note) VALUES (?1, ?2,"
                                  " coalesce((SELECT email FROM users WHERE id = ?2), ''), ?3, ?4,"
                                  " CASE WHEN ?5 <> 0 THEN ?5 ELSE"
                                  "  coalesce((SELECT org_id FROM declarations WHERE id = ?4), 0) END,"
                                  " ?6, ?7) RETURNING id", &st);
    if (err != HOSHI_OK)
        return err;
    hi_bind_int64(st, 1, now);
    hi_bind_int64(st, 2, a->operator_id);
    hi_bind_text(st, 3, a->action);
    hi_bind_text(st, 4, a->decl_id);
    hi_bind_int64(st, 5, a->org_id);
    hi_bind_text(st, 6, a->reason);
    hi_bind_text(st, 7, a->note);
    long long row_id = 0;
    err = hi_sq_insert_id(c, st, "append to the audit log", &row_id);
    if (err == HOSHI_OK && id != NULL)
        *id = row_id;
    return err;
}

hoshi_err hi_sq_audit_add(hoshi_store *base, const hoshi_audit_new *a, long long now, long long *id)
{
    if (id != NULL)
        *id = 0;
    hoshi_err err = check_new(a);
    if (err != HOSHI_OK)
        return err;
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    err = insert_row(c, a, now, id);
    hi_sq_release(HI_SQ(base), c);
    return err;
}

static void copy_entry(hi_stmt *st, void *rec)
{
    hoshi_audit_entry *e = rec;
    memset(e, 0, sizeof *e);
    e->id = hi_col_int64(st, 0);
    e->at = hi_col_int64(st, 1);
    e->operator_id = hi_col_int64(st, 2);
    hi_sq_text(st, 3, e->operator_email, sizeof e->operator_email);
    hi_sq_text(st, 4, e->action, sizeof e->action);
    hi_sq_text(st, 5, e->decl_id, sizeof e->decl_id);
    e->org_id = hi_col_int64(st, 6);
    hi_sq_text(st, 7, e->reason, sizeof e->reason);
    hi_sq_text(st, 8, e->note, sizeof e->note);
}

typedef struct list_args {
    const char *decl_id;
    long long offset, limit;
} list_args;

static void bind_list(hi_stmt *st, const void *ctx)
{
    const list_args *a = ctx;
    hi_bind_text(st, 1, a->decl_id);
    hi_bind_int64(st, 2, a->limit);
    hi_bind_int64(st, 3, a->offset);
}

static void copy_total(hi_stmt *st, void *rec)
{
    *(long long *)rec = hi_col_int64(st, 0);
}

hoshi_err hi_sq_audit_list(hoshi_store *base, const char *decl_id, long long offset, hoshi_audit_entry *out,
                           size_t max, size_t *n, long long *total)
{
    *n = 0;
    *total = 0;
    if (offset < 0)
        return hi_fail(HOSHI_ERR_INPUT, "audit: negative offset");
    list_args a = {decl_id ? decl_id : "", offset, (long long)max};
    hi_sq_query cq = {"SELECT count(*) FROM audit_log WHERE ?1 = '' OR decl_id = ?1", bind_list, &a,
                      copy_total, NULL, "audit log count", "no audit log count"};
    hoshi_err err = hi_sq_read1(base, &cq, total);
    if (err != HOSHI_OK)
        return err;
    hi_sq_query q = {"SELECT id, at, operator_id, operator_email, action, decl_id, org_id, reason, note"
                     " FROM audit_log WHERE ?1 = '' OR decl_id = ?1 ORDER BY id DESC LIMIT ?2 OFFSET ?3",
                     bind_list, &a, copy_entry, NULL, "audit log", NULL};
    return hi_sq_readn(base, &q, out, sizeof *out, max, n);
}

hoshi_err hi_sq_decl_withdraw_programme(hoshi_store *base, const hoshi_audit_new *a, const char *date,
                                        long long now, hoshi_decl *out)
{
    hoshi_err err = check_new(a);
    if (err == HOSHI_OK && (a->reason == NULL || a->reason[0] == '\0'))
        err = hi_fail(HOSHI_ERR_INPUT, "audit: a withdrawal by the programme needs a reason");
    if (err == HOSHI_OK)
        err = hi_sq_check_day("withdrawal date", date);
    /* Read first, so a failure to read back can never report as failed
     * a withdrawal that was made. */
    hoshi_decl d;
    if (err == HOSHI_OK)
        err = hi_sq_decl_get(base, a->decl_id, &d);
    if (err != HOSHI_OK)
        return err;
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hi_stmt *st;
    if ((err = hi_sq_begin(c)) != HOSHI_OK)
        goto release;
    if ((err = hi_sq_prep(c, "UPDATE declarations SET status = 0, withdrawn_on = ?2, withdrawn_by = 1,"
                             " withdraw_reason = ?3 WHERE id = ?1 AND status = 1", &st)) != HOSHI_OK) {
        hi_sq_rollback(c, err);
        goto release;
    }
    hi_bind_text(st, 1, a->decl_id);
    hi_bind_text(st, 2, date);
    hi_bind_text(st, 3, a->reason);
    if (hi_step(st) != HI_DONE)
        err = hi_sq_fail(c, "withdraw declaration");
    else if (hi_sq_changes(c) != 1)
        err = hi_fail(HOSHI_ERR_NOTFOUND, "no declaration in force with this ID");
    hi_sq_done(st);
    if (err == HOSHI_OK)
        err = insert_row(c, a, now, NULL);
    if (err == HOSHI_OK)
        err = hi_sq_exec(c, "COMMIT");
    if (err != HOSHI_OK) {
        hi_sq_rollback(c, err);
        goto release;
    }
    hi_sq_bump(base);
    if (out != NULL) {
        *out = d;
        out->status = HOSHI_DECL_WITHDRAWN;
        snprintf(out->withdrawn_on, sizeof out->withdrawn_on, "%s", date);
        out->by_programme = true;
        snprintf(out->withdraw_reason, sizeof out->withdraw_reason, "%s", a->reason);
    }
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}
