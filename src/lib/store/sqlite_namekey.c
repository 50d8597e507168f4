/*
 * sqlite_namekey.c — the SQL function hoshi_name_key(name), so the
 * migration that added the search key could fill it for the rows already
 * there (hoshi's own writes bind the key they compute, which PostgreSQL
 * needs too).  A name that is not UTF-8 (one written by another
 * program) gets the empty key: it is found by nothing, and breaks nothing.
 */
#include "sqlite_int.h"
#include "hoshi/namekey.h"

#include <stdlib.h>

static void name_key_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *name = (const char *)sqlite3_value_text(argv[0]);
    if (name == NULL && sqlite3_value_type(argv[0]) != SQLITE_NULL) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    const hoshi_namekey *nk;
    char *key = NULL;
    hoshi_err err = hoshi_namekey_default(&nk);
    if (err == HOSHI_OK)
        err = hoshi_namekey_make(nk, name, 0, &key);
    if (err == HOSHI_ERR_INPUT || err == HOSHI_ERR_LIMIT) {
        sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
        return;
    }
    if (err == HOSHI_ERR_NOMEM) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (err != HOSHI_OK) {
        sqlite3_result_error(ctx, hoshi_error_detail(), -1);
        return;
    }
    sqlite3_result_text(ctx, key, -1, free);
}

int hi_sq_namekey_register(sqlite3 *db)
{
    return sqlite3_create_function_v2(db, "hoshi_name_key", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                      name_key_fn, NULL, NULL, NULL);
}
