/*
 * mime.c — composing an e-mail message (hoshi/mail.h).  Every header is
 * ASCII made here: addresses are checked to be plain, the subject is
 * always written as base64 encoded-words (so no byte of it reaches the
 * header as itself), and the body is base64, so neither can end a header
 * or start a new one.
 */
#include "hoshi/mail.h"
#include "internal.h"

#include <sodium.h>
#include <string.h>

bool hoshi_mail_address_ok(const char *addr)
{
    if (addr == NULL)
        return false;
    size_t len = strlen(addr);
    const char *at = strchr(addr, '@');
    if (len == 0 || len > 254 || at == NULL || at == addr || at[1] == '\0' || strchr(at + 1, '@'))
        return false;
    for (const unsigned char *p = (const unsigned char *)addr; *p; p++)
        if (*p <= 0x20 || *p >= 0x7f || strchr("\"()<>[],;:\\", *p))
            return false;
    return true;
}

static bool id_ok(const char *id)
{
    if (id == NULL || id[0] == '\0' || strlen(id) > 128)
        return false;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr(".-_", *p)))
            return false;
    return true;
}

static bool subject_ok(const char *s)
{
    size_t len = strlen(s);
    if (hoshi_utf8_invalid_at(s, len) != len)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

static void put_base64(hoshi_buf *b, const unsigned char *p, size_t n)
{
    char enc[128];  /* 57 bytes at most: 76 characters */
    sodium_bin2base64(enc, sizeof enc, p, n, sodium_base64_VARIANT_ORIGINAL);
    hoshi_buf_puts(b, enc);
}

/* The subject as encoded-words of at most 39 bytes each (52 base64
 * characters, 64 with the markers), never cutting a UTF-8 sequence,
 * folded one word per line: every line stays within RFC 2047's 76. */
static void put_subject(hoshi_buf *b, const char *s)
{
    hoshi_buf_puts(b, "Subject:");
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    if (len == 0) {
        hoshi_buf_puts(b, " \r\n");
        return;
    }
    while (len > 0) {
        size_t n = len < 39 ? len : 39;
        while (n < len && (p[n] & 0xC0) == 0x80)
            n--;
        hoshi_buf_puts(b, " =?UTF-8?B?");
        put_base64(b, p, n);
        hoshi_buf_puts(b, "?=\r\n");
        p += n;
        len -= n;
    }
}

/* The body with its line ends made CRLF, then base64 in lines of 76. */
static void put_body(hoshi_buf *b, const char *body)
{
    hoshi_buf text = HOSHI_BUF_INIT;
    for (const char *p = body; *p; p++) {
        if (*p == '\r')
            continue;
        if (*p == '\n')
            hoshi_buf_putc(&text, '\r');
        hoshi_buf_putc(&text, *p);
    }
    if (text.len == 0 || text.data[text.len - 1] != '\n')
        hoshi_buf_puts(&text, "\r\n");
    if (text.err != HOSHI_OK) {
        b->err = text.err;
        hoshi_buf_free(&text);
        return;
    }
    for (size_t off = 0; off < text.len; off += 57) {
        size_t n = text.len - off < 57 ? text.len - off : 57;
        put_base64(b, (const unsigned char *)text.data + off, n);
        hoshi_buf_puts(b, "\r\n");
    }
    hoshi_buf_free(&text);
}

static void put_date(hoshi_buf *b, time_t t)
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;
    gmtime_r(&t, &tm);
    hoshi_buf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday], tm.tm_mday,
                     months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

hoshi_err hoshi_mail_compose(const hoshi_mail *m, hoshi_buf *out)
{
    if (!hoshi_mail_address_ok(m->from) || !hoshi_mail_address_ok(m->to))
        return hi_fail(HOSHI_ERR_INPUT, "mail: the sender or recipient is not a plain address");
    if (m->subject == NULL || !subject_ok(m->subject))
        return hi_fail(HOSHI_ERR_INPUT, "mail: the subject holds a line break, a control character or bad UTF-8");
    if (!id_ok(m->message_id))
        return hi_fail(HOSHI_ERR_INPUT, "mail: bad message ID");
    size_t blen = strlen(m->body ? m->body : "");
    if (hoshi_utf8_invalid_at(m->body ? m->body : "", blen) != blen)
        return hi_fail(HOSHI_ERR_INPUT, "mail: the body is not UTF-8");
    hoshi_buf b = HOSHI_BUF_INIT;
    hoshi_buf_printf(&b, "From: %s\r\nTo: %s\r\n", m->from, m->to);
    put_subject(&b, m->subject);
    put_date(&b, m->date);
    hoshi_buf_printf(&b, "Message-ID: <%s@%s>\r\n", m->message_id, strchr(m->from, '@') + 1);
    hoshi_buf_puts(&b, "MIME-Version: 1.0\r\n"
                       "Content-Type: text/plain; charset=UTF-8\r\n"
                       "Content-Transfer-Encoding: base64\r\n\r\n");
    put_body(&b, m->body ? m->body : "");
    if (b.err != HOSHI_OK) {
        hoshi_err e = b.err;
        hoshi_buf_free(&b);
        return hi_fail(e, "mail: no memory for a message");
    }
    hoshi_buf_append(out, b.data, b.len);
    hoshi_buf_free(&b);
    return out->err;
}
