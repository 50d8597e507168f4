/*
 * pg_driver.c — the PostgreSQL driver of db.h over libpq: statements are
 * prepared on the server under a per-connection name with their ?N
 * parameters turned into $N, run on their first step with the values bound
 * (text for integers and texts, binary for blobs), and their result rows
 * handed out one per step: held whole from the first step, or for a
 * statement asked to stream (hi_stream: the registry export) read from
 * the server one row per step in libpq's single-row mode, so a million
 * rows take the memory of one.  It also makes PostgreSQL behave as the
 * operations expect from SQLite: a failed statement inside a transaction
 * undoes only itself, writers exclude each other, booleans read as 1 and
 * 0.  Connecting and migrating are pg_open.c's.
 */
#include "store/pg_int.h"
#include "alloc.h"

#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Type oids of the results that need care (pg_type.h is server-side). */
enum { OID_BOOL = 16, OID_BYTEA = 17, OID_TEXT = 25, OID_FLOAT4 = 700, OID_FLOAT8 = 701 };

/* What a statement does, for how it is run (see run). */
typedef enum { KIND_READ, KIND_WRITE, KIND_TXN } stmt_kind;

typedef struct pg_stmt {
    hi_stmt head;                 /* must come first */
    hi_pg *db;
    char name[32];
    unsigned long long epoch;     /* db->epoch when prepared */
    stmt_kind kind;
    bool commit;                  /* COMMIT or END: a refused commit is an error */
    bool bad_bind;                /* a bind out of range or too long: the step fails */
    int nparam;
    const char **values;
    int *lengths;
    int *formats;
    char (*ints)[24];             /* the text of integers bound */
    PGresult *res;                /* from the first step until done or reset (streamed: one row's) */
    bool done;
    bool stream;                  /* read rows one per step (hi_stream) */
    bool streaming;               /* a streamed result is being read (db->streaming) */
    bool cancel;                  /* ending it early may cancel it: it runs outside a transaction */
    int row, nrow;
    unsigned char **blob;         /* decoded bytea of the current row, per column */
    size_t *blob_len;
} pg_stmt;

#define PG(st) ((pg_stmt *)(st))

/* What a statement, a transaction or a plain command on a connection
 * fails with while a streamed result is being read on it (libpq would
 * only say "another command is already in progress", and no result). */
#define BUSY_MSG "another statement's rows are still being read on this connection"

/* ---- errors */

/* Copies at most HI_PG_MSG - 1 bytes of s, cut at a character boundary
 * and without the trailing newline libpq adds. */
static void keep_msg(char *dst, const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
        n--;
    if (n >= HI_PG_MSG) {
        n = HI_PG_MSG - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(dst, s, n);
    dst[n] = '\0';
}

void hi_pg_note(hi_pg *db, bool nomem, const char *msg)
{
    db->err_nomem = nomem;
    keep_msg(db->err_msg, msg);
}

void hi_pg_note_result(hi_pg *db, const PGresult *r)
{
    const char *state = r != NULL ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = r != NULL ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (msg == NULL && r != NULL)
        msg = PQresultErrorMessage(r);
    if (msg == NULL || *msg == '\0')
        msg = PQerrorMessage(db->pg);
    if (msg == NULL || *msg == '\0')
        msg = "no result from libpq";
    hi_pg_note(db, false, msg);
    if (state != NULL && strlen(state) == 5) {
        /* 53200: the server is out of memory */
        db->err_nomem = strcmp(state, "53200") == 0;
    } else {
        /* libpq reports its own allocation failures without a SQLSTATE;
         * no result at all on a live connection is one too. */
        db->err_nomem = strstr(msg, "out of memory") != NULL ||
                        (r == NULL && PQstatus(db->pg) == CONNECTION_OK);
    }
}

bool hi_pg_exec(hi_pg *db, const char *sql)
{
    if (db->streaming != NULL) {
        hi_pg_note(db, false, BUSY_MSG);
        return false;
    }
    PGresult *r = PQexec(db->pg, sql);
    ExecStatusType s = PQresultStatus(r);
    bool ok = r != NULL && (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK);
    if (!ok)
        hi_pg_note_result(db, r);
    PQclear(r);
    return ok;
}

/* ---- preparing: ?N to $N */

static bool is_word(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool word_is(const char *w, size_t n, const char *kw)
{
    return strlen(kw) == n && strncasecmp(w, kw, n) == 0;
}

/* The rewritten SQL of one statement and what the rewrite learnt. */
typedef struct rewrite {
    char *sql;
    int nparam;
    unsigned long long used;      /* bit N-1: ?N appears (N <= 64) */
    const char *first;            /* the first word, and its length */
    size_t first_n;
    bool dml;                     /* INSERT, UPDATE or DELETE appears as a word */
} rewrite;

/* Turns ?N into $N in sql, leaving '…' literals, "…" identifiers and
 * comments alone.  A bare ?, ?0 or a number over HI_PG_MAX_PARAMS is
 * refused with *why set; out->sql is allocated (NULL: out of memory). */
static hoshi_err rewrite_params(const char *sql, rewrite *out, const char **why)
{
    size_t n = strlen(sql);
    memset(out, 0, sizeof *out);
    *why = NULL;
    if (n > HI_PG_MAX_SQL) {
        *why = "the statement is longer than the driver accepts";
        return HOSHI_ERR_LIMIT;
    }
    char *o = hi_malloc(n + 1);
    if (o == NULL)
        return HOSHI_ERR_NOMEM;
    size_t j = 0;
    for (size_t i = 0; i < n;) {
        char c = sql[i];
        if (c == '\'' || c == '"') {
            /* a doubled quote inside is two quoted runs back to back */
            size_t end = i + 1;
            while (end < n && sql[end] != c)
                end++;
            if (end == n) {
                *why = c == '\'' ? "a text literal is not closed" : "a quoted name is not closed";
                goto bad;
            }
            memcpy(o + j, sql + i, end + 1 - i);
            j += end + 1 - i;
            i = end + 1;
        } else if (c == '-' && sql[i + 1] == '-') {
            size_t end = i;
            while (end < n && sql[end] != '\n')
                end++;
            memcpy(o + j, sql + i, end - i);
            j += end - i;
            i = end;
        } else if (c == '/' && sql[i + 1] == '*') {
            const char *close = strstr(sql + i + 2, "*/");
            if (close == NULL) {
                *why = "a comment is not closed";
                goto bad;
            }
            size_t end = (size_t)(close - sql) + 2;
            memcpy(o + j, sql + i, end - i);
            j += end - i;
            i = end;
        } else if (c == '?') {
            long v = 0;
            size_t d = i + 1;
            while (d < n && sql[d] >= '0' && sql[d] <= '9' && v <= HI_PG_MAX_PARAMS)
                v = v * 10 + (sql[d++] - '0');
            if (d == i + 1) {
                *why = "a parameter without a number (write ?1, ?2, …)";
                goto bad;
            }
            if (v < 1 || v > HI_PG_MAX_PARAMS || (d < n && sql[d] >= '0' && sql[d] <= '9')) {
                *why = "a parameter number out of range";
                goto bad;
            }
            /* $N is never longer than ?N as written (leading zeros go) */
            j += (size_t)snprintf(o + j, n + 1 - j, "$%ld", v);
            if (v > out->nparam)
                out->nparam = (int)v;
            if (v <= 64)
                out->used |= 1ULL << (v - 1);
            i = d;
        } else if (is_word(c) && (i == 0 || !is_word(sql[i - 1]))) {
            size_t end = i;
            while (end < n && is_word(sql[end]))
                end++;
            const char *w = sql + i;
            size_t wn = end - i;
            if (out->first == NULL && !(c >= '0' && c <= '9')) {
                out->first = w;
                out->first_n = wn;
            }
            if (word_is(w, wn, "INSERT") || word_is(w, wn, "UPDATE") || word_is(w, wn, "DELETE"))
                out->dml = true;
            memcpy(o + j, w, wn);
            j += wn;
            i = end;
        } else {
            o[j++] = c;
            i++;
        }
    }
    o[j] = '\0';
    out->sql = o;
    return HOSHI_OK;
bad:
    free(o);
    return HOSHI_ERR_INTERNAL;
}

/* How a statement is run, from its first word: reads as they are,
 * transaction control as it is, anything else as a write (a WITH is a
 * write when it holds one). */
static stmt_kind classify(const rewrite *rw, bool *commit)
{
    const char *w = rw->first;
    size_t n = rw->first_n;
    *commit = w != NULL && (word_is(w, n, "COMMIT") || word_is(w, n, "END"));
    if (w == NULL)
        return KIND_READ;
    static const char *const reads[] = {"SELECT", "VALUES", "SHOW", "EXPLAIN", "TABLE"};
    static const char *const txn[] = {"BEGIN", "START", "COMMIT", "END", "ROLLBACK", "SAVEPOINT",
                                      "RELEASE"};
    for (size_t i = 0; i < sizeof reads / sizeof *reads; i++)
        if (word_is(w, n, reads[i]))
            return KIND_READ;
    for (size_t i = 0; i < sizeof txn / sizeof *txn; i++)
        if (word_is(w, n, txn[i]))
            return KIND_TXN;
    if (word_is(w, n, "WITH"))
        return rw->dml ? KIND_WRITE : KIND_READ;
    return KIND_WRITE;
}

static void clear_row(pg_stmt *st)
{
    if (st->blob == NULL || st->blob_len == NULL || st->res == NULL)
        return;
    int nf = PQnfields(st->res);
    for (int i = 0; i < nf; i++) {
        free(st->blob[i]);
        st->blob[i] = NULL;
        st->blob_len[i] = 0;
    }
}

static void end_stream(pg_stmt *st);

static void clear_result(pg_stmt *st)
{
    clear_row(st);
    end_stream(st);
    free(st->blob);
    free(st->blob_len);
    st->blob = NULL;
    st->blob_len = NULL;
    PQclear(st->res);
    st->res = NULL;
    st->row = st->nrow = 0;
}

static void pg_finalize(hi_stmt *h)
{
    pg_stmt *st = PG(h);
    if (st == NULL)
        return;
    clear_result(st);
    /* A reconnect has already dropped the server's copy. */
    if (st->epoch == st->db->epoch && PQstatus(st->db->pg) == CONNECTION_OK) {
        char sql[48];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
        PQclear(PQexec(st->db->pg, sql));
    }
    free(st->values);
    free(st->lengths);
    free(st->formats);
    free(st->ints);
    free(st);
}

static hoshi_err prepare_nomem(hi_pg *db)
{
    hi_pg_note(db, true, "out of memory");
    return hi_fail(HOSHI_ERR_NOMEM, "database: prepare: out of memory");
}

static hoshi_err pg_prepare(void *dbv, const char *sql, hi_stmt **out)
{
    hi_pg *db = dbv;
    *out = NULL;
    if (db->streaming != NULL) {
        hi_pg_note(db, false, BUSY_MSG);
        return hi_fail(HOSHI_ERR_INTERNAL, "database: prepare: %s", BUSY_MSG);
    }
    rewrite rw;
    const char *why;
    hoshi_err err = rewrite_params(sql, &rw, &why);
    if (err == HOSHI_ERR_NOMEM)
        return prepare_nomem(db);
    if (err != HOSHI_OK) {
        hi_pg_note(db, false, why);
        return hi_fail(err, "database: prepare: %s in: %.200s", why, sql);
    }
    int np = rw.nparam;
    size_t slots = np > 0 ? (size_t)np : 1;
    pg_stmt *st = hi_calloc(1, sizeof *st);
    if (st != NULL) {
        st->head.drv = &hi_pg_driver;
        st->db = db;
        st->epoch = db->epoch + 1;    /* not on the server yet: nothing to deallocate */
        st->values = hi_calloc(slots, sizeof *st->values);
        st->lengths = hi_calloc(slots, sizeof *st->lengths);
        st->formats = hi_calloc(slots, sizeof *st->formats);
        st->ints = hi_calloc(slots, sizeof *st->ints);
    }
    if (st == NULL || st->values == NULL || st->lengths == NULL || st->formats == NULL ||
        st->ints == NULL) {
        pg_finalize(st ? &st->head : NULL);
        free(rw.sql);
        return prepare_nomem(db);
    }
    st->nparam = np;
    st->kind = classify(&rw, &st->commit);
    snprintf(st->name, sizeof st->name, "hi_%llu", ++db->names);
    /* A statement may skip numbers (the registry search binds ?2 without
     * ?1): the server cannot guess the type of one never used, so it is
     * declared text; the others it infers from their use. */
    Oid types[64] = {0};
    for (int i = 0; i < np && i < 64; i++)
        if (!(rw.used & (1ULL << i)))
            types[i] = OID_TEXT;
    PGresult *r = PQprepare(db->pg, st->name, rw.sql, np, np <= 64 ? types : NULL);
    free(rw.sql);
    if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
        hi_pg_note_result(db, r);
        PQclear(r);
        pg_finalize(&st->head);
        return hi_pg_driver.fail(db, "prepare");
    }
    PQclear(r);
    st->epoch = db->epoch;
    *out = &st->head;
    return HOSHI_OK;
}

/* ---- binding */

static void pg_reset(hi_stmt *h)
{
    pg_stmt *st = PG(h);
    clear_result(st);
    st->done = false;
    st->bad_bind = false;
    for (int i = 0; i < st->nparam; i++) {
        st->values[i] = NULL;
        st->lengths[i] = 0;
        st->formats[i] = 0;
    }
}

static bool pg_busy(hi_stmt *h)
{
    return PG(h)->res != NULL || PG(h)->streaming;
}

static void pg_stream(hi_stmt *h)
{
    PG(h)->stream = true;
}

/* Slot of parameter i (1-based), or -1.  A number the statement does not
 * use is ignored, as SQLite does: the operations bind one set of
 * parameters to the variants of a statement (a count and its page).  A
 * number below 1 is a bug, and the step fails. */
static int slot(pg_stmt *st, int i)
{
    if (i < 1)
        st->bad_bind = true;
    return i < 1 || i > st->nparam ? -1 : i - 1;
}

static void pg_bind_int64(hi_stmt *h, int i, long long v)
{
    pg_stmt *st = PG(h);
    int k = slot(st, i);
    if (k < 0)
        return;
    snprintf(st->ints[k], sizeof st->ints[k], "%lld", v);
    st->values[k] = st->ints[k];
    st->formats[k] = 0;
}

static void pg_bind_text(hi_stmt *h, int i, const char *s)
{
    pg_stmt *st = PG(h);
    int k = slot(st, i);
    if (k < 0)
        return;
    st->values[k] = s != NULL ? s : "";
    st->formats[k] = 0;
}

static void pg_bind_blob(hi_stmt *h, int i, const void *p, size_t n)
{
    pg_stmt *st = PG(h);
    int k = slot(st, i);
    if (k < 0)
        return;
    if (n > INT_MAX) {
        st->bad_bind = true;
        return;
    }
    st->values[k] = p != NULL ? p : "";
    st->lengths[k] = (int)n;
    st->formats[k] = 1;
}

static void pg_bind_null(hi_stmt *h, int i)
{
    pg_stmt *st = PG(h);
    int k = slot(st, i);
    if (k >= 0)
        st->values[k] = NULL;
}

/* ---- stepping */

/* Decodes bytea column i of the current row into st->blob[i] (kept until
 * the next step), with a NUL after the bytes; NULL when out of memory.  The connection asks for hex
 * output (pg_open.c); the older escape format goes through libpq. */
static const unsigned char *bytea(pg_stmt *st, int i)
{
    if (st->blob[i] != NULL)
        return st->blob[i];
    const char *v = PQgetvalue(st->res, st->row, i);
    size_t n = (size_t)PQgetlength(st->res, st->row, i);
    unsigned char *out;
    size_t len = 0;
    if (n >= 2 && v[0] == '\\' && v[1] == 'x') {
        if ((out = hi_malloc((n - 2) / 2 + 1)) == NULL)
            return NULL;
        if (sodium_hex2bin(out, (n - 2) / 2, v + 2, n - 2, NULL, &len, NULL) != 0)
            len = 0;
    } else {
        unsigned char *raw = PQunescapeBytea((const unsigned char *)v, &len);
        if (raw == NULL || (out = hi_malloc(len + 1)) == NULL) {
            PQfreemem(raw);
            return NULL;
        }
        memcpy(out, raw, len);
        PQfreemem(raw);
    }
    out[len] = '\0';
    st->blob[i] = out;
    st->blob_len[i] = len;
    return out;
}


static PGresult *exec_prepared(pg_stmt *st)
{
    return PQexecPrepared(st->db->pg, st->name, st->nparam, st->values, st->lengths, st->formats,
                          0);
}

static bool result_ok(const PGresult *r)
{
    ExecStatusType s = PQresultStatus(r);
    return r != NULL && (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK);
}

/* Runs st; on failure records its error, runs undo and returns NULL. */
static PGresult *exec_or_undo(pg_stmt *st, const char *undo)
{
    PGresult *r = exec_prepared(st);
    if (result_ok(r))
        return r;
    hi_pg_note_result(st->db, r);
    PQclear(r);
    PQclear(PQexec(st->db->pg, undo));
    return NULL;
}

/* The writer lock taken by every write transaction: see pg_begin. */
#define BEGIN_WRITE_SQL "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(%lld)"

/* Runs st with its bindings; the result (or NULL after recording the
 * error) is the statement's.  SQLite serialises every write; PostgreSQL
 * lets single statements of other connections in between.  So a write
 * outside a transaction runs in a transaction of its own under the writer
 * lock.  A failed write inside one aborts it on PostgreSQL where SQLite
 * would undo the statement alone: the operations never go on after a
 * failed statement (they roll back), and none relies on a statement
 * failing (a taken random ID inserts nothing: ON CONFLICT DO NOTHING), so
 * no savepoint is needed — one would cost a round trip per write. */
static PGresult *run(pg_stmt *st)
{
    hi_pg *db = st->db;
    PGTransactionStatusType ts = PQtransactionStatus(db->pg);
    if (st->kind == KIND_READ)
        return exec_prepared(st);
    if (st->kind == KIND_TXN) {
        PGresult *r = exec_prepared(st);
        /* COMMIT of a failed transaction rolls it back and says so only
         * in its command tag. */
        if (st->commit && result_ok(r) && strcmp(PQcmdStatus(r), "ROLLBACK") == 0) {
            PQclear(r);
            hi_pg_note(db, false, "the transaction had failed and was rolled back");
            return NULL;
        }
        return r;
    }
    if (ts == PQTRANS_INERROR)
        return exec_prepared(st);    /* fails: "current transaction is aborted" */
    if (ts == PQTRANS_INTRANS)
        return exec_prepared(st);
    char begin[96];
    snprintf(begin, sizeof begin, BEGIN_WRITE_SQL, HI_PG_WRITE_KEY);
    if (!hi_pg_exec(db, begin)) {
        if (PQtransactionStatus(db->pg) != PQTRANS_IDLE)
            PQclear(PQexec(db->pg, "ROLLBACK"));
        return NULL;
    }
    PGresult *r = exec_or_undo(st, "ROLLBACK");
    if (r == NULL)
        return NULL;
    if (!hi_pg_exec(db, "COMMIT")) {
        PQclear(r);
        return NULL;
    }
    return r;
}

/* ---- streaming */

/* Ends st's streamed result if it is being read: the rows left are read
 * and dropped, after asking the server to stop sending them when st runs
 * outside a transaction (cancelling inside one would abort it).  The
 * connection's last error stays what it was. */
static void end_stream(pg_stmt *st)
{
    if (!st->streaming)
        return;
    hi_pg *db = st->db;
    if (st->cancel) {
        PGcancel *c = PQgetCancel(db->pg);
        char why[256];
        if (c != NULL) {
            PQcancel(c, why, sizeof why);
            PQfreeCancel(c);
        }
    }
    PGresult *r;
    while ((r = PQgetResult(db->pg)) != NULL)
        PQclear(r);
    st->streaming = false;
    db->streaming = NULL;
}

/* Sends st (a read) for its rows to come one per PQgetResult; false
 * with the error recorded when it could not be sent. */
static bool start_stream(pg_stmt *st)
{
    hi_pg *db = st->db;
    st->cancel = PQtransactionStatus(db->pg) == PQTRANS_IDLE;
    if (!PQsendQueryPrepared(db->pg, st->name, st->nparam, st->values, st->lengths, st->formats, 0)) {
        const char *msg = PQerrorMessage(db->pg);
        if (*msg == '\0')
            msg = "the query could not be sent";
        hi_pg_note(db, strstr(msg, "out of memory") != NULL, msg);
        return false;
    }
    st->streaming = true;
    db->streaming = st;
    /* refused only when not called right after the send */
    if (!PQsetSingleRowMode(db->pg)) {
        end_stream(st);
        hi_pg_note(db, false, "libpq refused single-row mode");
        return false;
    }
    return true;
}

/* Reads the next row of st's streamed result into st->res (a result of
 * that row alone): HI_ROW, or HI_DONE or HI_STEP_ERROR (recorded), after
 * which the stream is over. */
static int next_streamed(pg_stmt *st)
{
    hi_pg *db = st->db;
    clear_row(st);
    PQclear(st->res);
    st->res = NULL;
    PGresult *r = PQgetResult(db->pg);
    ExecStatusType s = PQresultStatus(r);
    if (r != NULL && s == PGRES_SINGLE_TUPLE) {
        st->res = r;
        st->row = 0;
        st->nrow = 1;
        return HI_ROW;
    }
    /* the end: PGRES_TUPLES_OK without rows, or the error that ended it */
    int rc = HI_DONE;
    if (r == NULL || s != PGRES_TUPLES_OK) {
        hi_pg_note_result(db, r);
        rc = HI_STEP_ERROR;
    }
    PQclear(r);
    st->cancel = false;           /* the server is done with it: nothing to cancel */
    end_stream(st);
    return rc;
}

/* Room for the decoded bytea of each column of st's result; false when
 * out of memory. */
static bool alloc_blobs(pg_stmt *st)
{
    int nf = PQnfields(st->res);
    if (nf == 0 || st->blob != NULL)
        return true;
    st->blob = hi_calloc((size_t)nf, sizeof *st->blob);
    st->blob_len = hi_calloc((size_t)nf, sizeof *st->blob_len);
    return st->blob != NULL && st->blob_len != NULL;
}

/* The current row handed out: its bytea decoded here, so running out of
 * memory is the step's error (a column accessor has no way to report
 * one). */
static int row_ready(pg_stmt *st)
{
    if (!alloc_blobs(st))
        goto nomem;
    for (int i = 0; i < PQnfields(st->res); i++) {
        if (PQftype(st->res, i) == OID_BYTEA && !PQgetisnull(st->res, st->row, i) && bytea(st, i) == NULL)
            goto nomem;
    }
    return HI_ROW;
nomem:
    clear_result(st);
    hi_pg_note(st->db, true, "out of memory");
    return HI_STEP_ERROR;
}

/* A step of a streamed statement: the next row, or the end. */
static int step_streamed(pg_stmt *st)
{
    int rc = next_streamed(st);
    if (rc == HI_ROW)
        return row_ready(st);
    clear_result(st);
    st->done = rc == HI_DONE;
    return rc;
}

static int pg_step(hi_stmt *h)
{
    pg_stmt *st = PG(h);
    hi_pg *db = st->db;
    if (st->done)
        return HI_DONE;
    if (st->streaming)
        return step_streamed(st);
    if (st->res == NULL) {
        if (st->bad_bind) {
            hi_pg_note(db, false, "a parameter bound out of range or too long");
            return HI_STEP_ERROR;
        }
        if (db->streaming != NULL) {
            hi_pg_note(db, false, BUSY_MSG);
            return HI_STEP_ERROR;
        }
        /* Only reads stream: a write runs in a transaction it commits
         * before handing out rows (see run). */
        if (st->stream && st->kind == KIND_READ)
            return start_stream(st) ? step_streamed(st) : HI_STEP_ERROR;
        PGresult *r = run(st);
        if (r == NULL)
            return HI_STEP_ERROR;
        if (!result_ok(r)) {
            hi_pg_note_result(db, r);
            PQclear(r);
            return HI_STEP_ERROR;
        }
        const char *tag = PQcmdStatus(r);
        if (strncmp(tag, "INSERT", 6) == 0 || strncmp(tag, "UPDATE", 6) == 0 ||
            strncmp(tag, "DELETE", 6) == 0)
            db->changes = strtoll(PQcmdTuples(r), NULL, 10);
        st->res = r;
        st->nrow = PQntuples(r);
        st->row = -1;
    } else {
        clear_row(st);
    }
    if (++st->row < st->nrow)
        return row_ready(st);
    clear_result(st);
    st->done = true;
    return HI_DONE;
}

/* ---- columns */

static bool has(const pg_stmt *st, int i)
{
    return st->res != NULL && st->row >= 0 && st->row < st->nrow && i >= 0 &&
           i < PQnfields(st->res);
}

static bool pg_col_null(hi_stmt *h, int i)
{
    pg_stmt *st = PG(h);
    return !has(st, i) || PQgetisnull(st->res, st->row, i);
}

static const char *pg_col_text(hi_stmt *h, int i)
{
    pg_stmt *st = PG(h);
    if (pg_col_null(h, i))
        return "";
    const char *v = PQgetvalue(st->res, st->row, i);
    switch (PQftype(st->res, i)) {
    case OID_BOOL:
        return v[0] == 't' ? "1" : "0";
    case OID_BYTEA: {
        const unsigned char *b = bytea(st, i);
        return b != NULL ? (const char *)b : "";
    }
    default:
        return v;
    }
}

/* As SQLite reads a number from text: the leading integer ("12abc" is
 * 12, "x" is 0), saturating; a floating value is truncated. */
static long long pg_col_int64(hi_stmt *h, int i)
{
    pg_stmt *st = PG(h);
    if (pg_col_null(h, i))
        return 0;
    const char *v = PQgetvalue(st->res, st->row, i);
    Oid t = PQftype(st->res, i);
    if (t == OID_BOOL)
        return v[0] == 't';
    if (t == OID_BYTEA)
        v = pg_col_text(h, i);
    if (t == OID_FLOAT4 || t == OID_FLOAT8) {
        double d = strtod(v, NULL);
        if (!(d == d))
            return 0;
        if (d >= 9223372036854775807.0)
            return LLONG_MAX;
        if (d <= -9223372036854775808.0)
            return LLONG_MIN;
        return (long long)d;
    }
    return strtoll(v, NULL, 10);
}

static size_t pg_col_bytes(hi_stmt *h, int i)
{
    pg_stmt *st = PG(h);
    if (pg_col_null(h, i))
        return 0;
    if (PQftype(st->res, i) == OID_BYTEA)
        return bytea(st, i) != NULL ? st->blob_len[i] : 0;
    return strlen(pg_col_text(h, i));
}

static const void *pg_col_blob(hi_stmt *h, int i)
{
    if (pg_col_null(h, i))
        return NULL;
    return pg_col_text(h, i);
}

/* ---- the connection */

static long long pg_changes(void *db)
{
    return ((hi_pg *)db)->changes;
}

static hoshi_err pg_fail(void *dbv, const char *what)
{
    hi_pg *db = dbv;
    if (db == NULL)
        return hi_fail(HOSHI_ERR_IO, "database: %s failed", what);
    return hi_fail(db->err_nomem ? HOSHI_ERR_NOMEM : HOSHI_ERR_IO, "database: %s: %s", what,
                   db->err_msg[0] != '\0' ? db->err_msg : "failed");
}

static bool pg_nomem(void *db)
{
    return ((hi_pg *)db)->err_nomem;
}

static bool pg_in_transaction(void *db)
{
    PGTransactionStatusType ts = PQtransactionStatus(((hi_pg *)db)->pg);
    return ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR || ts == PQTRANS_ACTIVE;
}

/* libpq allocates for the round trip, but nothing of ours does, and the
 * last error stays what it was. */
static void pg_rollback(void *dbv)
{
    hi_pg *db = dbv;
    /* A connection given back in the middle of a streamed result: the
     * rows left are no one's. */
    if (db->streaming != NULL)
        end_stream(db->streaming);
    if (pg_in_transaction(db))
        PQclear(PQexec(db->pg, "ROLLBACK"));
}

/* The operations read, then write what they read implies (a free ID, the
 * one active declaration of an organisation, a rate-limit count) inside
 * one transaction, relying on SQLite's BEGIN IMMEDIATE to keep every
 * other writer out until COMMIT.  PostgreSQL's row locks do not cover
 * rows read or not yet there, so every write transaction of every hoshi
 * process takes one advisory lock first.  READ COMMITTED whatever the
 * server's default: each statement then sees what the writers before the
 * lock committed (a REPEATABLE READ snapshot would be taken before the
 * lock was granted). */
static hoshi_err pg_begin(void *dbv)
{
    hi_pg *db = dbv;
    if (db->streaming != NULL) {
        hi_pg_note(db, false, BUSY_MSG);
        return pg_fail(db, "begin");
    }
    if (pg_in_transaction(db)) {
        hi_pg_note(db, false, "a transaction is already open");
        return pg_fail(db, "begin");
    }
    char sql[96];
    snprintf(sql, sizeof sql, BEGIN_WRITE_SQL, HI_PG_WRITE_KEY);
    if (!hi_pg_exec(db, sql)) {
        pg_rollback(db);
        return pg_fail(db, "begin");
    }
    return HOSHI_OK;
}

/* A connection the server or the network dropped is made again; its
 * prepared statements went with it. */
static bool pg_on_acquire(void *dbv, long long stats_generation)
{
    (void)stats_generation;       /* the server replans after ANALYZE itself */
    hi_pg *db = dbv;
    if (PQstatus(db->pg) == CONNECTION_OK)
        return false;
    PQreset(db->pg);
    db->epoch++;
    return true;
}

/* The pool finalises the connection's statements before closing it. */
static void pg_close(void *dbv)
{
    hi_pg *db = dbv;
    if (db == NULL)
        return;
    PQfinish(db->pg);
    free(db);
}

const hi_driver hi_pg_driver = {
    .name = "PostgreSQL",
    .names_gin = true,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .reset = pg_reset,
    .busy = pg_busy,
    .bind_int64 = pg_bind_int64,
    .bind_text = pg_bind_text,
    .bind_blob = pg_bind_blob,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .stream = pg_stream,
    .col_int64 = pg_col_int64,
    .col_text = pg_col_text,
    .col_bytes = pg_col_bytes,
    .col_blob = pg_col_blob,
    .col_null = pg_col_null,
    .changes = pg_changes,
    .fail = pg_fail,
    .nomem = pg_nomem,
    .in_transaction = pg_in_transaction,
    .rollback = pg_rollback,
    .begin = pg_begin,
    .on_acquire = pg_on_acquire,
    .close = pg_close,
};
