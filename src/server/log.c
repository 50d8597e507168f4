/*
 * log.c — the server's structured log: one line per request and per
 * security event, written to stderr in logfmt (`ts=… level=… event=…
 * key=value …`), so an operator can grep it or feed it to a collector.
 *
 * Values are quoted and escaped here, so a hostile path or e-mail cannot
 * forge a line or a field.  Callers never pass passwords, tokens or
 * cookies, and a path that carries a token is cut here (log_redact.c); session and account identities are logged only as the short
 * digests the server already keys them by.
 */
#include "server.h"
#include "hoshi/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Appends value, quoted when it holds anything but plain characters;
 * control characters and non-ASCII bytes in malformed input are written
 * as \xNN so a line stays one line of valid text. */
static void put_value(hoshi_buf *b, const char *v)
{
    bool plain = *v != '\0';
    for (const unsigned char *p = (const unsigned char *)v; *p && plain; p++)
        if (*p <= ' ' || *p == '"' || *p == '=' || *p == '\\' || *p == 0x7f)
            plain = false;
    if (plain && (hoshi_utf8_invalid_at(v, strlen(v)) == strlen(v))) {
        hoshi_buf_puts(b, v);
        return;
    }
    bool utf8 = (hoshi_utf8_invalid_at(v, strlen(v)) == strlen(v));
    hoshi_buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if (*p == '"' || *p == '\\') {
            hoshi_buf_putc(b, '\\');
            hoshi_buf_putc(b, (char)*p);
        } else if (*p < ' ' || *p == 0x7f || (*p >= 0x80 && !utf8)) {
            hoshi_buf_printf(b, "\\x%02x", *p);
        } else {
            hoshi_buf_putc(b, (char)*p);
        }
    }
    hoshi_buf_putc(b, '"');
}

void srv_log(srv_req *r, const char *level, const char *event, ...)
{
    hoshi_buf b = HOSHI_BUF_INIT;
    b.limit = 8192;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[40];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    hoshi_buf_printf(&b, "ts=%s.%03ldZ level=%s event=%s", when, ts.tv_nsec / 1000000L, level, event);
    if (r != NULL) {
        hoshi_buf_puts(&b, " ip=");
        put_value(&b, r->client_ip[0] ? r->client_ip : "?");
    }
    va_list ap;
    va_start(ap, event);
    for (;;) {
        const char *k = va_arg(ap, const char *);
        if (k == NULL)
            break;
        const char *v = va_arg(ap, const char *);
        hoshi_buf_printf(&b, " %s=", k);
        /* A link that is its own credential is logged without its token,
         * whatever the key (a path is logged as "op" too). */
        v = srv_log_redact(v);
        put_value(&b, v ? v : "");
    }
    va_end(ap);
    hoshi_buf_putc(&b, '\n');
    char *line = NULL;
    size_t len = 0;
    if (hoshi_buf_finish(&b, &line, &len) == HOSHI_OK) {
        /* One write per line, so lines from different threads never mix. */
        fwrite(line, 1, len, stderr);
        fflush(stderr);
    }
    free(line);
}
