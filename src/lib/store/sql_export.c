/*
 * sql_export.c — the registry read whole, for the registry dataset
 * (hoshi_store_registry_rows): one statement over every organisation that
 * has declared, its latest declaration and its latest diagnosis, handed
 * to the caller row by row.  One statement is one snapshot (of the WAL
 * database; on PostgreSQL of its READ COMMITTED statement), and it is
 * streamed (hi_stream: libpq would otherwise hold the whole result), so a
 * million rows need neither memory for all of them nor a lock that stops
 * writers.  The codes the dataset wants (JSIC letter as
 * 1..20, the month as YYYYMM) are made in SQL, so the store needs nothing
 * of the survey code.  The latest declaration is max(seq + 0), not
 * max(seq): PostgreSQL without statistics yet (just after a restore or a
 * bulk load) turned max(seq) into a backward walk of the whole primary
 * key filtered by organisation, once per organisation, and 200,000
 * organisations took longer than five minutes instead of two seconds;
 * an expression cannot be read in index order, so it is looked up by
 * organisation (declarations_org).  Grouped subqueries instead plan as
 * well but cost SQLite a temporary table the size of the registry.
 * Diagnoses need nothing: their index diagnoses_org(org_id, id) gives
 * the latest directly.
 */
#include "sql_int.h"
#include "internal.h"

#include <string.h>

static const char registry_sql[] =
    "SELECT o.prefecture,"
    " CASE WHEN length(o.industry) = 1 AND o.industry BETWEEN 'A' AND 'T'"
    "  THEN unicode(o.industry) - 64 ELSE 0 END,"
    " o.employees, d.level, d.status,"
    " CAST(substr(d.declared_on, 1, 4) || substr(d.declared_on, 6, 2) AS INTEGER),"
    " d.level = 2 AND EXISTS (SELECT 1 FROM declarations p"
    "  WHERE p.org_id = o.id AND p.level = 1 AND p.seq < d.seq),"
    " g.answers, g.score"
    " FROM orgs o"
    " JOIN declarations d ON d.seq = (SELECT max(x.seq + 0) FROM declarations x WHERE x.org_id = o.id)"
    " LEFT JOIN diagnoses g ON g.id = (SELECT max(y.id) FROM diagnoses y WHERE y.org_id = o.id)"
    " ORDER BY o.id";

static void copy_row(hi_stmt *st, hoshi_registry_row *row)
{
    memset(row, 0, sizeof *row);
    row->attrs.prefecture = hi_col_int(st, 0);
    row->attrs.industry = hi_col_int(st, 1);
    row->attrs.size = hi_col_int(st, 2);
    row->attrs.level = hi_col_int(st, 3);
    row->status = hi_col_int(st, 4) ? 1 : 2;
    row->month = hi_col_int(st, 5);
    row->stepped_up = hi_col_int(st, 6) != 0;
    if (!hi_col_null(st, 8)) {
        hi_sq_text(st, 7, row->answers, sizeof row->answers);
        row->attrs.has_score = true;
        row->attrs.score = hi_col_int(st, 8);
    }
}

hoshi_err hi_sq_registry_rows(hoshi_store *base, hoshi_registry_row_fn fn, void *ctx)
{
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, registry_sql, &st);
    if (err != HOSHI_OK)
        goto release;
    hi_stream(st);
    int rc;
    hoshi_registry_row row;
    while ((rc = hi_step(st)) == HI_ROW) {
        copy_row(st, &row);
        if ((err = hi_sq_read_ok(c, "registry rows")) != HOSHI_OK || (err = fn(&row, ctx)) != HOSHI_OK)
            break;
    }
    if (err == HOSHI_OK && rc != HI_DONE)
        err = hi_sq_fail(c, "registry rows");
    hi_sq_done(st);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}
