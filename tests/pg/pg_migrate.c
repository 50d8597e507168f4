/*
 * pg_migrate.c — applies every migration of hi_pg_migrations[]
 * (src/lib/store/pg_schema.c, compiled in as it is) to the PostgreSQL
 * database of a URL, in one transaction, so tests/suites/pg_schema.sh can
 * look at the schema the store will make.  Until the PostgreSQL driver
 * migrates by itself this is the only user of the strings.
 *
 *   pg_migrate URL      exit 0 when every migration applied, else 1 with
 *                       the migration's number and the server's message
 */
#include "store/pg_schema.h"

#include <libpq-fe.h>
#include <stdio.h>

static int exec_ok(PGconn *db, const char *sql, const char *what)
{
    PGresult *r = PQexec(db, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok)
        fprintf(stderr, "pg_migrate: %s: %s", what, PQerrorMessage(db));
    PQclear(r);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: pg_migrate URL\n");
        return 2;
    }
    PGconn *db = PQconnectdb(argv[1]);
    if (PQstatus(db) != CONNECTION_OK) {
        fprintf(stderr, "pg_migrate: cannot connect: %s", PQerrorMessage(db));
        PQfinish(db);
        return 1;
    }
    int ok = exec_ok(db, "BEGIN", "begin");
    for (int v = 0; ok && v < hi_pg_schema_version(); v++) {
        char what[32];
        snprintf(what, sizeof what, "migration %d", v + 1);
        ok = exec_ok(db, hi_pg_migrations[v], what);
    }
    ok = ok && exec_ok(db, "COMMIT", "commit");
    PQfinish(db);
    if (ok)
        printf("schema version %d\n", hi_pg_schema_version());
    return ok ? 0 : 1;
}
