/*
 * sql_ops.c — the helpers the store's SQL operations share: the one
 * shape of a read (hi_sq_read1, hi_sq_readn) and of a simple write
 * (hi_sq_write1), so every look-up fails the same way, the checks of text
 * against its character limit, and the name key bound beside a name.
 * The operations themselves live by subject in sql_accounts.c,
 * sql_orgs.c, sql_decl.c, …: every query prepared once per connection
 * with bound parameters, every multi-statement change inside a write
 * transaction (hi_sq_begin … COMMIT) so a failure leaves nothing behind.
 */
#include "sql_int.h"
#include "alloc.h"
#include "hoshi/namekey.h"

#include <string.h>

void hi_sq_bump(hoshi_store *base)
{
    atomic_fetch_add(&HI_SQ(base)->generation, 1);
}

hoshi_err hi_sq_name_key(const char *name, char **out)
{
    *out = NULL;
    const hoshi_namekey *nk;
    hoshi_err err = hoshi_namekey_default(&nk);
    if (err == HOSHI_OK)
        err = hoshi_namekey_make(nk, name ? name : "", 0, out);
    /* A name with no key is found by nothing, and breaks nothing. */
    if (err == HOSHI_ERR_INPUT || err == HOSHI_ERR_LIMIT) {
        hi_clear_error();
        *out = hi_strdup("");
        err = *out == NULL ? hi_fail(HOSHI_ERR_NOMEM, "out of memory making a name key") : HOSHI_OK;
    }
    return err;
}

hoshi_err hi_sq_check(const hi_sq_field *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (f[i].text == NULL)
            continue;
        size_t len = strlen(f[i].text);
        if (hoshi_utf8_invalid_at(f[i].text, len) != len)
            return hi_fail(HOSHI_ERR_INPUT, "store: %s is not valid UTF-8", f[i].what);
        if (len > f[i].max_bytes || hoshi_utf8_count(f[i].text) > f[i].max_chars)
            return hi_fail(HOSHI_ERR_INPUT, "store: %s is longer than %zu characters",
                           f[i].what, f[i].max_chars);
    }
    return HOSHI_OK;
}

hoshi_err hi_sq_check_date(const char *what, const char *date)
{
    hi_sq_field f[] = {HI_SQ_ASCII(what, date, HOSHI_STORE_DATE_CHARS)};
    return hi_sq_check(f, 1);
}

hoshi_err hi_sq_write1(hoshi_store *base, const char *sql, hi_sq_binder bind, const void *ctx,
                       int *changes)
{
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, sql, &st);
    if (err != HOSHI_OK)
        goto release;
    bind(st, ctx);
    if (hi_step(st) != HI_DONE)
        err = hi_sq_fail(c, "write");
    else if (changes != NULL)
        *changes = hi_sq_changes(c);
    hi_sq_done(st);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}

hoshi_err hi_sq_step_id_text(hi_conn *c, const char *sql, long long id, const char *text, const char *what,
                             int *changes)
{
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, sql, &st);
    if (err != HOSHI_OK)
        return err;
    hi_bind_int64(st, 1, id);
    hi_bind_text(st, 2, text);
    int rc = hi_step(st);
    hi_sq_done(st);
    if (rc != HI_DONE)
        return hi_sq_fail(c, what);
    if (changes != NULL)
        *changes = hi_sq_changes(c);
    return HOSHI_OK;
}

void hi_sq_bind_key_text(hi_stmt *st, const void *ctx)
{
    hi_bind_text(st, 1, ctx);
}

void hi_sq_bind_key_id(hi_stmt *st, const void *ctx)
{
    hi_bind_int64(st, 1, *(const long long *)ctx);
}

void hi_sq_bind_text_int(hi_stmt *st, const void *ctx)
{
    const hi_sq_text_int *a = ctx;
    hi_bind_text(st, 1, a->text);
    hi_bind_int64(st, 2, a->number);
}

/* Copies the current row into rec (see hi_sq_query). */
static hoshi_err read_row(hi_conn *c, hi_stmt *st, const hi_sq_query *q, void *rec)
{
    q->copy(st, rec);
    hoshi_err err = hi_sq_read_ok(c, q->what);
    if (err == HOSHI_OK && q->finish != NULL)
        err = q->finish(st, rec);
    return err;
}

hoshi_err hi_sq_rows(hi_conn *c, hi_stmt *st, const hi_sq_query *q, void *out, size_t size,
                     size_t max, size_t *n)
{
    hoshi_err err = HOSHI_OK;
    int rc = HI_DONE;
    *n = 0;
    while (err == HOSHI_OK && *n < max && (rc = hi_step(st)) == HI_ROW)
        err = read_row(c, st, q, (char *)out + (*n)++ * size);
    if (err == HOSHI_OK && *n < max && rc != HI_DONE)
        err = hi_sq_fail(c, q->what);
    if (err != HOSHI_OK)
        *n = 0;
    return err;
}

hoshi_err hi_sq_readn(hoshi_store *base, const hi_sq_query *q, void *out, size_t size, size_t max,
                      size_t *n)
{
    *n = 0;
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, q->sql, &st);
    if (err != HOSHI_OK)
        goto release;
    if (q->bind != NULL)
        q->bind(st, q->ctx);
    err = hi_sq_rows(c, st, q, out, size, max, n);
    hi_sq_done(st);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}

hoshi_err hi_sq_read1(hoshi_store *base, const hi_sq_query *q, void *out)
{
    /* A list of at most one (so the record size is never stepped by). */
    size_t n;
    hoshi_err err = hi_sq_readn(base, q, out, 0, 1, &n);
    if (err == HOSHI_OK && n == 0)
        err = hi_fail(HOSHI_ERR_NOTFOUND, "%s", q->missing);
    return err;
}

static void copy_count(hi_stmt *st, void *rec)
{
    *(long long *)rec = hi_col_int64(st, 0);
}

/* This process's counter plus the database's (public_version, which the
 * schema's triggers bump on every public write of any process): both only
 * grow, so their sum changes whenever either does.  When the database
 * cannot be read the local counter moves on, so nothing cached before is
 * trusted. */
hoshi_err hi_sq_generation(hoshi_store *base, long long *out)
{
    hi_sqlstore *s = HI_SQ(base);
    hi_sq_query q = {.sql = "SELECT n FROM public_version WHERE id = 1", .copy = copy_count,
                     .what = "public data version", .missing = "no public data version"};
    long long n = 0;
    hoshi_err err = hi_sq_read1(base, &q, &n);
    if (err == HOSHI_OK)
        atomic_store(&s->shared, n);
    else
        atomic_fetch_add(&s->generation, 1);
    *out = atomic_load(&s->generation) + atomic_load(&s->shared);
    return err;
}
