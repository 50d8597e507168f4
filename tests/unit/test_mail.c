/*
 * test_mail.c — e-mail in the library (issue 11 part 4): the MIME form of
 * a message (hoshi/mail.h: encoded-word subject split on character
 * boundaries, base64 body with CRLF line ends, Date, Message-ID) and every
 * refusal that keeps a header from being injected; and the store's outbox
 * (hoshi/store_outbox.h) on a temporary database: queueing, the key that
 * makes it idempotent, due messages, failures with back-off, sent, and
 * the look-ups of addresses and reminders due.
 */
#include "hoshi/mail.h"
#include "hoshi/store.h"
#include "hoshi/store_accounts.h"
#include "hoshi/store_outbox.h"
#include "hoshi/store_registry.h"
#include "pgtest.h"
#include "unit.h"

#include <sodium.h>
#include <stdlib.h>
#include <unistd.h>

static char dir[] = "/tmp/hoshi-mail-XXXXXX";

/* Decodes every encoded-word of the Subject header of msg into out. */
static void subject_of(const char *msg, char *out, size_t size)
{
    size_t n = 0;
    const char *p = strstr(msg, "Subject:");
    const char *end = p ? strstr(p, "\r\nDate:") : NULL;
    out[0] = '\0';
    while (p && (p = strstr(p, "=?UTF-8?B?")) != NULL && p < end) {
        p += 10;
        const char *q = strstr(p, "?=");
        size_t got = 0;
        if (q == NULL || sodium_base642bin((unsigned char *)out + n, size - n - 1, p, (size_t)(q - p), NULL, &got,
                                           NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
            return;
        n += got;
        out[n] = '\0';
        p = q + 2;
    }
}

static void test_compose(void)
{
    const char *subj = "【SECURITY ACTION】アンケートご協力のお願い（ほしぞら製作所株式会社 様）";
    hoshi_mail m = {"registry@example.jp", "owner@example.co.jp", subj, "一行目\n二行目\n", 0, "hoshi.7.0"};
    hoshi_buf b = HOSHI_BUF_INIT;
    CHECK_INT(hoshi_mail_compose(&m, &b), HOSHI_OK);
    CHECK(strstr(b.data, "From: registry@example.jp\r\nTo: owner@example.co.jp\r\nSubject: =?UTF-8?B?") == b.data);
    CHECK(strstr(b.data, "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n") != NULL);
    CHECK(strstr(b.data, "Message-ID: <hoshi.7.0@example.jp>\r\n") != NULL);
    CHECK(strstr(b.data, "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n") != NULL);
    char dec[512];
    subject_of(b.data, dec, sizeof dec);
    CHECK_STR(dec, subj);
    /* Every header line ASCII and an encoded-word within 75 characters. */
    const char *body = strstr(b.data, "\r\n\r\n");
    for (const char *p = b.data; p < body; p++)
        CHECK((unsigned char)*p < 0x80);
    for (const char *line = b.data; line < body;) {
        const char *nl = strstr(line, "\r\n");
        CHECK(nl - line <= 76);
        line = nl + 2;
    }
    /* The body decodes to the text with CRLF line ends. */
    unsigned char text[256];
    size_t tlen = 0;
    CHECK(sodium_base642bin(text, sizeof text, body + 4, strlen(body + 4), "\r\n", &tlen, NULL,
                            sodium_base64_VARIANT_ORIGINAL) == 0);
    text[tlen] = '\0';
    CHECK_STR((char *)text, "一行目\r\n二行目\r\n");
    hoshi_buf_free(&b);
}

static void test_refusals(void)
{
    static const char *const bad_addr[] = {"", "no-at", "@example.jp", "a@", "a@b@c", "a b@c.jp",
                                           "a@c.jp\r\nBcc: x@y.jp", "<a@c.jp>", "a@c.jp,b@d.jp", "名前@c.jp"};
    for (size_t i = 0; i < sizeof bad_addr / sizeof bad_addr[0]; i++)
        CHECK(!hoshi_mail_address_ok(bad_addr[i]));
    CHECK(hoshi_mail_address_ok("first.last+tag@sub.example.co.jp"));
    hoshi_buf b = HOSHI_BUF_INIT;
    hoshi_mail m = {"r@example.jp", "a@c.jp\r\nBcc: x@y.jp", "s", "b", 0, "id"};
    CHECK_INT(hoshi_mail_compose(&m, &b), HOSHI_ERR_INPUT);
    m.to = "a@c.jp";
    m.subject = "hello\r\nBcc: x@y.jp";
    CHECK_INT(hoshi_mail_compose(&m, &b), HOSHI_ERR_INPUT);
    m.subject = "tab\tinside";
    CHECK_INT(hoshi_mail_compose(&m, &b), HOSHI_ERR_INPUT);
    m.subject = "\xff\xfe";
    CHECK_INT(hoshi_mail_compose(&m, &b), HOSHI_ERR_INPUT);
    m.subject = "ok";
    m.message_id = "a>b";
    CHECK_INT(hoshi_mail_compose(&m, &b), HOSHI_ERR_INPUT);
    m.message_id = "id";
    m.body = "\xc3";
    CHECK_INT(hoshi_mail_compose(&m, &b), HOSHI_ERR_INPUT);
    CHECK_INT(b.len, 0);
    hoshi_buf_free(&b);
}

static hoshi_store *open_db(const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    hoshi_store *s = NULL;
    CHECK_INT(hi_test_store_open(path, 2, &s), HOSHI_OK);
    return s;
}

static void test_outbox(void)
{
    hoshi_store *s = open_db("o.db");
    hoshi_outbox_new m = {"survey_invite", "a@example.jp", "件名", "本文\n", NULL};
    long long id1 = 0, id2 = 0;
    bool q = false;
    CHECK_INT(hoshi_store_outbox_queue(s, &m, 1000, &id1, &q), HOSHI_OK);
    CHECK(q && id1 > 0);
    m.key = "rediag:1";
    CHECK_INT(hoshi_store_outbox_queue(s, &m, 1001, &id2, &q), HOSHI_OK);
    CHECK(q && id2 > id1);
    long long id3 = 0;
    CHECK_INT(hoshi_store_outbox_queue(s, &m, 1002, &id3, &q), HOSHI_OK);
    CHECK(!q && id3 == 0);
    hoshi_outbox_new bad = {"k", "a@example.jp", "x\r\nBcc: v@example.jp", "b", NULL};
    CHECK_INT(hoshi_store_outbox_queue(s, &bad, 1000, NULL, &q), HOSHI_ERR_INPUT);
    bad.subject = "ok";
    bad.to = "a@example.jp\nBcc: v@example.jp";
    CHECK_INT(hoshi_store_outbox_queue(s, &bad, 1000, NULL, &q), HOSHI_ERR_INPUT);
    hoshi_outbox_msg due[4];
    size_t n = 9;
    CHECK_INT(hoshi_store_outbox_due(s, 999, due, 4, &n), HOSHI_OK);
    CHECK_INT(n, 0);
    CHECK_INT(hoshi_store_outbox_due(s, 1001, due, 4, &n), HOSHI_OK);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_INT(due[0].id, id1);
        CHECK_STR(due[0].subject, "件名");
        CHECK_STR(due[0].body, "本文\n");
        CHECK_STR(due[0].to, "a@example.jp");
        CHECK_INT(due[0].sent, 0);
    }
    for (size_t i = 0; i < n; i++)
        hoshi_outbox_msg_clear(&due[i]);
    CHECK_INT(hoshi_store_outbox_failed(s, id1, "451 try later\r\nX", 2000), HOSHI_OK);
    CHECK_INT(hoshi_store_outbox_sent(s, id2, 1500), HOSHI_OK);
    CHECK_INT(hoshi_store_outbox_sent(s, id2, 1600), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_outbox_due(s, 1999, due, 4, &n), HOSHI_OK);
    CHECK_INT(n, 0);
    hoshi_outbox_msg one;
    CHECK_INT(hoshi_store_outbox_get(s, id1, &one), HOSHI_OK);
    CHECK_INT(one.attempts, 1);
    CHECK_INT(one.next_attempt, 2000);
    CHECK_STR(one.last_error, "451 try later??X");
    hoshi_outbox_msg_clear(&one);
    CHECK_INT(hoshi_store_outbox_get(s, id2, &one), HOSHI_OK);
    CHECK_INT(one.sent, 1500);
    hoshi_outbox_msg_clear(&one);
    CHECK_INT(hoshi_store_outbox_get(s, 999, &one), HOSHI_ERR_NOTFOUND);
    hoshi_store_close(s);
}

/* Two senders on one database (two servers): a due message goes to the
 * first that claims it; the other skips it until the claim runs out. */
static void test_outbox_claim(void)
{
    hoshi_store *a = open_db("claim.db");
    hoshi_store *b = open_db("claim.db");
    hoshi_outbox_new m = {"survey_invite", "a@example.jp", "s", "b\n", NULL};
    long long id = 0;
    bool q = false, got_a = false, got_b = true;
    CHECK_INT(hoshi_store_outbox_queue(a, &m, 1000, &id, &q), HOSHI_OK);
    CHECK_INT(hoshi_store_outbox_claim(a, id, 999, 1300, &got_a), HOSHI_OK);
    CHECK(!got_a); /* not due yet */
    CHECK_INT(hoshi_store_outbox_claim(a, id, 1000, 1300, &got_a), HOSHI_OK);
    CHECK_INT(hoshi_store_outbox_claim(b, id, 1000, 1300, &got_b), HOSHI_OK);
    CHECK(got_a && !got_b);
    hoshi_outbox_msg due[2];
    size_t n = 9;
    CHECK_INT(hoshi_store_outbox_due(b, 1299, due, 2, &n), HOSHI_OK);
    CHECK_INT(n, 0);
    /* The first sender died: the message is due again when its claim ends. */
    CHECK_INT(hoshi_store_outbox_due(b, 1300, due, 2, &n), HOSHI_OK);
    CHECK_INT(n, 1);
    for (size_t i = 0; i < n; i++)
        hoshi_outbox_msg_clear(&due[i]);
    CHECK_INT(hoshi_store_outbox_claim(b, id, 1300, 1600, &got_b), HOSHI_OK);
    CHECK(got_b);
    CHECK_INT(hoshi_store_outbox_sent(b, id, 1310), HOSHI_OK);
    CHECK_INT(hoshi_store_outbox_claim(a, id, 2000, 2300, &got_a), HOSHI_OK);
    CHECK(!got_a); /* sent: never again */
    hoshi_store_close(a);
    hoshi_store_close(b);
}

typedef struct seen {
    int n;
    char id[HOSHI_STORE_DECL_ID];
    char email[HOSHI_STORE_EMAIL];
} seen;

static hoshi_err count_due(void *ctx, const hoshi_reminder_due *r)
{
    seen *sn = ctx;
    sn->n++;
    snprintf(sn->id, sizeof sn->id, "%s", r->decl_id);
    snprintf(sn->email, sizeof sn->email, "%s", r->email);
    return HOSHI_OK;
}

static void test_recipients(void)
{
    hoshi_store *s = open_db("r.db");
    long long uid, oid, oid2;
    char decl[HOSHI_STORE_DECL_ID], decl2[HOSHI_STORE_DECL_ID], to[HOSHI_STORE_EMAIL];
    CHECK_INT(hoshi_store_signup(s, "owner@example.jp", "h", "星の会社", &uid, &oid), HOSHI_OK);
    CHECK_INT(hoshi_store_signup(s, "late@example.jp", "h", "新しい会社", &uid, &oid2), HOSHI_OK);
    CHECK_INT(hoshi_store_org_email(s, oid, to), HOSHI_OK);
    CHECK_STR(to, "owner@example.jp");
    CHECK_INT(hoshi_store_org_email(s, 424242, to), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_decl_create(s, oid, 1, "2025-03-01", decl), HOSHI_OK);
    CHECK_INT(hoshi_store_decl_create(s, oid2, 2, "2025-09-01", decl2), HOSHI_OK);
    seen sn = {0};
    CHECK_INT(hoshi_store_reminders_due(s, "2025-06-01", count_due, &sn), HOSHI_OK);
    CHECK_INT(sn.n, 1);
    CHECK_STR(sn.id, decl);
    CHECK_STR(sn.email, "owner@example.jp");
    memset(&sn, 0, sizeof sn);
    CHECK_INT(hoshi_store_reminders_due(s, "2025-02-28", count_due, &sn), HOSHI_OK);
    CHECK_INT(sn.n, 0);
    CHECK_INT(hoshi_store_decl_withdraw(s, oid, "2026-04-01"), HOSHI_OK);
    CHECK_INT(hoshi_store_reminders_due(s, "2027-01-01", count_due, &sn), HOSHI_OK);
    CHECK_INT(sn.n, 1);  /* only the other one: a withdrawn declaration gets none */
    CHECK_STR(sn.id, decl2);
    CHECK_INT(hoshi_store_reminders_due(s, "2026-13-01", count_due, &sn), HOSHI_ERR_INPUT);
    hoshi_store_close(s);
}

int main(void)
{
    if (sodium_init() < 0 || mkdtemp(dir) == NULL)
        return 1;
    RUN(test_compose);
    RUN(test_refusals);
    RUN(test_outbox);
    RUN(test_outbox_claim);
    RUN(test_recipients);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return UNIT_RESULT();
}
