/*
 * pg.c — the PostgreSQL backend: a store whose pooled connections are
 * libpq connections (pg_open.c connects and migrates, pg_driver.c runs
 * statements) and whose operations are the shared SQL ones (sql_*.c), the
 * same that run on SQLite.  The schema is pg_schema.c's, migrated under an
 * advisory lock so servers starting together migrate once.
 */
#include "pg_int.h"
#include "pg_schema.h"
#include "sql_int.h"
#include "internal.h"

#include <sodium.h>
#include <string.h>

bool hoshi_store_is_url(const char *where)
{
    return where != NULL &&
           (strncmp(where, "postgresql://", 13) == 0 || strncmp(where, "postgres://", 11) == 0);
}

hoshi_err hoshi_store_open_pg(const char *url, int connections, hoshi_store **out)
{
    hi_clear_error();
    *out = NULL;
    if (!hoshi_store_is_url(url) || connections < 1 || connections > 256)
        return hi_fail(HOSHI_ERR_USAGE, "store: a postgresql:// URL and 1..256 connections are needed");
    if (sodium_init() < 0) /* declaration IDs come from randombytes */
        return hi_fail(HOSHI_ERR_INTERNAL, "libsodium failed to initialise");
    hi_sqlstore *s = hi_sqlstore_new(&hi_pg_driver, connections);
    if (s == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory opening the store");
    s->base.ops = &hi_sql_ops;
    hoshi_err err;
    /* The first connection migrates before the others look at the schema. */
    for (int i = 0; i < connections; i++) {
        if ((err = hi_pg_connect(url, &s->conn[i].db)) != HOSHI_OK)
            goto undo_store;
        if (i == 0 && (err = hi_pg_migrate(s->conn[0].db, hi_pg_migrations, hi_pg_schema_version())) != HOSHI_OK)
            goto undo_store;
    }
    *out = &s->base;
    return HOSHI_OK;
undo_store:
    hi_sqlstore_free(s);
    return err;
}

hoshi_err hoshi_store_open(const char *where, int connections, hoshi_store **out)
{
    if (hoshi_store_is_url(where))
        return hoshi_store_open_pg(where, connections, out);
    return hoshi_store_open_sqlite(where, connections, out);
}
