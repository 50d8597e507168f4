/*
 * pg_schema.h — the PostgreSQL schema of the store as versioned
 * migrations, the counterpart of the migrations[] array of sqlite.c.  The
 * PostgreSQL driver applies the ones a database lacks; the statements of
 * the operations run unchanged on either schema (pg_schema.c says what
 * that takes).
 */
#ifndef HOSHI_PG_SCHEMA_H
#define HOSHI_PG_SCHEMA_H

/* Migration N (from 0) brings a PostgreSQL database from schema version N
 * to N + 1; each is one string of several statements, for PQexec inside
 * the caller's transaction.  Static strings: nothing to free. */
extern const char *const hi_pg_migrations[];

/* The schema version the migrations reach: the number of migrations. */
int hi_pg_schema_version(void);

#endif
