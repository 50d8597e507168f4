/*
 * mail.h — an e-mail message as bytes on the wire (issue 11 part 4): the
 * MIME form of a UTF-8 subject and plain-text body (RFC 5322 headers,
 * the subject as RFC 2047 encoded-words, the body base64, lines ended by
 * CRLF), and the check of an address before it becomes a header or an
 * SMTP recipient.  Nothing a caller passes can add a header line: an
 * address or subject holding a line break or other control character is
 * refused.
 */
#ifndef HOSHI_MAIL_H
#define HOSHI_MAIL_H

#include <stdbool.h>
#include <time.h>

#include "hoshi/buf.h"
#include "hoshi/error.h"

/* A plain address local@domain (no display name, no comments): printable
 * ASCII without space, quote or any of ()<>[],;:\ , one '@' with both
 * sides non-empty, at most 254 bytes. */
bool hoshi_mail_address_ok(const char *addr);

typedef struct hoshi_mail {
    const char *from, *to;        /* plain addresses (hoshi_mail_address_ok) */
    const char *subject;          /* UTF-8, no control characters */
    const char *body;             /* UTF-8 text; \n or \r\n line ends */
    time_t date;                  /* the Date header (shown in UTC) */
    const char *message_id;       /* the left part of the Message-ID (ASCII
                                   * letters, digits and . - _), the domain
                                   * is the sender's */
} hoshi_mail;

/* Appends the whole message to out.  HOSHI_ERR_INPUT (nothing appended)
 * when an address, the subject, the message ID or the body is refused. */
hoshi_err hoshi_mail_compose(const hoshi_mail *m, hoshi_buf *out);

#endif
