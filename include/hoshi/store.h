/*
 * store.h — where the web application keeps its data: the handle, how it
 * is opened and closed, what its errors mean and how its text limits
 * become buffer sizes.  The data itself is declared by concern:
 *
 *   hoshi/store_registry.h  the programme's records: organisations,
 *                           diagnoses, basic policies, declarations, the
 *                           registry search and the operator's figures;
 *   hoshi/store_accounts.h  who may sign in: users, their sessions and the
 *                           operator flag;
 *   hoshi/store_survey.h    surveys of declarants: invitations, responses,
 *                           the export read and progress.
 *
 * The split keeps the engine's vocabulary (the registry, which the
 * self-declaration scheme defines) apart from the web application's
 * (accounts, which any front end with sign-in needs and which the store
 * only keeps, never interprets).  hoshi/hoshi.h includes them all.
 *
 * A hoshi_store is opaque: callers hold a pointer and call the
 * hoshi_store_* functions.  Backends live behind it (see
 * src/lib/store/store_int.h): SQLite (hoshi_store_open_sqlite), the
 * default, and PostgreSQL (hoshi_store_open_pg) for a registry served by
 * several machines; both run the same operations and behave alike.  A store may be used from any number of
 * threads at once; every operation is one transaction, so nothing is ever
 * half-written.
 *
 * Records are plain structs with fixed-size text fields (NUL-terminated),
 * filled by the store and owned by the caller; the one variable-length
 * field (a policy's body) is malloc'd and freed by the caller.  Every text
 * limit is a number of characters (code points), as the forms count them
 * (HOSHI_STORE_*_CHARS); a field's size is derived from its limit with
 * HOSHI_STORE_UTF8_SIZE or HOSHI_STORE_ASCII_SIZE below, never written in
 * bytes.  The store refuses longer text or invalid UTF-8 on write
 * (HOSHI_ERR_INPUT, the detail names the field) instead of cutting it on
 * read, so what is read back is what was written.
 *
 * Operations return HOSHI_ERR_NOTFOUND when the thing asked for does not
 * exist (or belongs to another organisation), HOSHI_ERR_INPUT for a
 * conflict such as an e-mail address already registered or text over its
 * limit, HOSHI_ERR_IO for a database failure and HOSHI_ERR_NOMEM when
 * memory ran out (detail says which).  A write that fails never returns
 * HOSHI_OK and leaves nothing half-done.
 */
#ifndef HOSHI_STORE_H
#define HOSHI_STORE_H

#include <stdbool.h>

#include "hoshi/error.h"

/* Bytes of a field holding `chars` characters of UTF-8 (at most 4 bytes
 * each) and the NUL. */
#define HOSHI_STORE_UTF8_SIZE(chars) ((chars) * 4 + 1)
/* Bytes of a field holding `chars` characters of ASCII (one byte each:
 * codes, digits, dates, hex, encoded hashes) and the NUL. */
#define HOSHI_STORE_ASCII_SIZE(chars) ((chars) + 1)

/* The handle: opaque, its backend's business. */
typedef struct hoshi_store hoshi_store;

/* Opens (creating if needed) the SQLite database at path, turns on WAL and
 * foreign keys, and applies the schema migrations it has not seen yet (in
 * one transaction, so processes starting together migrate once).
 * `connections` is the size of the connection pool (at least 1; one per
 * server thread is right).  Fails with HOSHI_ERR_IO and a clear detail
 * when the database or its directory cannot be written (SQLite would
 * otherwise open it read-only and fail every write later) and when the
 * SQLite library is older than the schema needs (3.38.0).  Caller closes
 * with hoshi_store_close(). */
hoshi_err hoshi_store_open_sqlite(const char *path, int connections, hoshi_store **out);

/* Opens the PostgreSQL database named by url (postgresql://… or
 * postgres://…, as libpq reads it) with `connections` connections, and
 * applies the schema migrations it has not seen yet, in one transaction
 * under an advisory lock, so servers starting together migrate once.
 * Fails with HOSHI_ERR_IO and a detail that never shows the password
 * when the server cannot be reached, is older than PostgreSQL 13, or
 * holds a newer schema than this hoshi knows.  Caller closes with
 * hoshi_store_close(). */
hoshi_err hoshi_store_open_pg(const char *url, int connections, hoshi_store **out);

/* Whether `where` names a PostgreSQL database (a postgresql:// or
 * postgres:// URL) rather than an SQLite file. */
bool hoshi_store_is_url(const char *where);

/* hoshi_store_open_pg for a URL, else hoshi_store_open_sqlite: what a
 * --db option takes. */
hoshi_err hoshi_store_open(const char *where, int connections, hoshi_store **out);

/* For tests only: makes later opens take the SQLite library for version
 * `number` (as sqlite3_libversion_number() gives it; 0: the real one). */
void hoshi_store_testing_sqlite_version(int number);

/* Closes the store; NULL is ignored. */
void hoshi_store_close(hoshi_store *s);

/* The schema version the code migrates to. */
int hoshi_store_schema_version(void);

/* A number that changes whenever public data changes (declarations,
 * organisations, policies, the imported 法人番号 register), whether this
 * process wrote it or another (hoshi nta import while hoshi serve runs),
 * so callers can cache public pages.  Reads one row of the database.  On
 * an error *out still holds a number never given before (so nothing
 * cached is trusted) and the error is returned. */
hoshi_err hoshi_store_generation(hoshi_store *s, long long *out);

#endif
