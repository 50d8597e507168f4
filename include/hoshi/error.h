/*
 * error.h — the one error type of libhoshi.
 *
 * Every action in the library returns a hoshi_err: 0 (HOSHI_OK) on success,
 * otherwise a specific code.  hoshi_error_message() gives a fixed, short
 * description of a code; hoshi_error_detail() gives the detailed message of
 * the last failure in the calling thread (what went wrong and where, e.g.
 * "data.csv:12:3: unknown code 7 for Q2").  Predicates return bool instead.
 */
#ifndef HOSHI_ERROR_H
#define HOSHI_ERROR_H

typedef enum hoshi_err {
    HOSHI_OK = 0,
    HOSHI_ERR_NOMEM,    /* an allocation failed */
    HOSHI_ERR_USAGE,    /* the caller asked for something invalid (bad option value) */
    HOSHI_ERR_INPUT,    /* user input is invalid (answers, dates, names, CSV content) */
    HOSHI_ERR_DATA,     /* a data file shipped with hoshi is missing or malformed */
    HOSHI_ERR_IO,       /* reading or writing a file failed */
    HOSHI_ERR_LIMIT,    /* input exceeds a size cap */
    HOSHI_ERR_NOTFOUND, /* the named thing does not exist */
    HOSHI_ERR_INTERNAL  /* a bug: an invariant did not hold */
} hoshi_err;

#if defined(__GNUC__)
#define HOSHI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define HOSHI_PRINTF(a, b)
#endif

/* A fixed English description of code `err`; never NULL, static storage. */
const char *hoshi_error_message(hoshi_err err);

/* The detailed message of the last error set in this thread, or "" when
 * none.  Thread-local storage owned by the library; valid until the next
 * libhoshi call in the same thread. */
const char *hoshi_error_detail(void);

/* Records a detail message for hoshi_error_detail() in this thread and
 * returns `code`: for front ends reporting their own failures the same way
 * the library does. */
hoshi_err hoshi_error_set(hoshi_err code, const char *fmt, ...) HOSHI_PRINTF(2, 3);

#endif
