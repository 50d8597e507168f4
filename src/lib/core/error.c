/*
 * error.c — error codes, their descriptions, and the per-thread detail
 * message that tells a user what went wrong and where.
 */
#include "internal.h"
#include "alloc.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Thread-local so that server threads never see each other's messages. */
static _Thread_local char detail[1024];

const char *hoshi_error_message(hoshi_err err)
{
    switch (err) {
    case HOSHI_OK: return "success";
    case HOSHI_ERR_NOMEM: return "out of memory";
    case HOSHI_ERR_USAGE: return "invalid usage";
    case HOSHI_ERR_INPUT: return "invalid input";
    case HOSHI_ERR_DATA: return "hoshi data file missing or malformed";
    case HOSHI_ERR_IO: return "input/output error";
    case HOSHI_ERR_LIMIT: return "input too large";
    case HOSHI_ERR_NOTFOUND: return "not found";
    case HOSHI_ERR_INTERNAL: return "internal error";
    }
    return "unknown error";
}

const char *hoshi_error_detail(void)
{
    return detail;
}

void hi_clear_error(void)
{
    detail[0] = '\0';
}

hoshi_err hoshi_error_set(hoshi_err code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    return code;
}


bool hoshi_parse_long(const char *s, long lo, long hi, long *out)
{
    if (s == NULL || *s == '\0')
        return false;
    /* strtol skips leading blanks and accepts a sign; we accept neither
     * blanks nor '+', so " 1" or "+1" are rejected as a user would expect. */
    if (!(*s == '-' || (*s >= '0' && *s <= '9')))
        return false;
    errno = 0;
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}
