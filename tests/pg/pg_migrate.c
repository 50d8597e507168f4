/*
 * pg_migrate.c — applies every migration of hi_pg_migrations[]
 * (src/lib/store/pg_schema.c, compiled in as it is) to the PostgreSQL
 * database of a URL, in one transaction, so tests/suites/pg_schema.sh can
 * look at the schema the store will make.  Until the PostgreSQL driver
 * migrates by itself this is the only user of the strings.
 *
 *   pg_migrate URL [FROM TO]
 *       applies migrations FROM..TO (numbered from 1; all without them):
 *       exit 0 when every one applied, else 1 with the migration's number
 *       and the server's message.  A part lets a test put rows into an
 *       older schema and see a later migration carry them over.
 */
#include "store/pg_schema.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>

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
    long from = 1, to = hi_pg_schema_version();
    char *end1 = NULL, *end2 = NULL;
    if (argc == 4) {
        from = strtol(argv[2], &end1, 10);
        to = strtol(argv[3], &end2, 10);
    }
    if ((argc != 2 && argc != 4) || (argc == 4 && (*end1 != '\0' || *end2 != '\0' || from < 1 || to < from ||
                                                    to > hi_pg_schema_version()))) {
        fprintf(stderr, "usage: pg_migrate URL [FROM TO], 1 <= FROM <= TO <= %d\n", hi_pg_schema_version());
        return 2;
    }
    PGconn *db = PQconnectdb(argv[1]);
    if (PQstatus(db) != CONNECTION_OK) {
        fprintf(stderr, "pg_migrate: cannot connect: %s", PQerrorMessage(db));
        PQfinish(db);
        return 1;
    }
    int ok = exec_ok(db, "BEGIN", "begin");
    for (long v = from - 1; ok && v < to; v++) {
        char what[32];
        snprintf(what, sizeof what, "migration %ld", v + 1);
        ok = exec_ok(db, hi_pg_migrations[v], what);
    }
    ok = ok && exec_ok(db, "COMMIT", "commit");
    PQfinish(db);
    if (ok)
        printf("schema version %ld\n", to);
    return ok ? 0 : 1;
}
