/*
 * test_store_audit.c — the operator's audit log and withdrawal by the
 * programme (issue 11 part 6), and the outbox's dead letters (part 4):
 * rows appended and read back newest first, paged and by declaration;
 * the schema refusing to change or remove a row; a withdrawal by the
 * programme marked as such with its reason and logged in the same
 * transaction (nothing logged when there is nothing to withdraw); bad
 * input refused with nothing written; a message given up leaving the due
 * list, counted as failed, listed with its error and queued again.
 */
#include "hoshi/store.h"
#include "hoshi/store_accounts.h"
#include "hoshi/store_audit.h"
#include "hoshi/store_outbox.h"
#include "hoshi/store_registry.h"
#include "pgtest.h"
#include "unit.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/hoshi-audit-XXXXXX";
static char path[128];

static hoshi_store *open_fresh(void)
{
    static int n;
    snprintf(path, sizeof path, "%s/t%d.db", dir, n++);
    hoshi_store *s = NULL;
    CHECK_INT(hi_test_store_open(path, 2, &s), HOSHI_OK);
    return s;
}

static void withdrawal_by_programme_is_logged(void)
{
    hoshi_store *s = open_fresh();
    long long owner, org, op, op_org;
    CHECK_INT(hoshi_store_signup(s, "owner@example.jp", "h", "株式会社さくら", &owner, &org), HOSHI_OK);
    CHECK_INT(hoshi_store_signup(s, "op@example.jp", "h", "運営", &op, &op_org), HOSHI_OK);
    char id[HOSHI_STORE_DECL_ID], other[HOSHI_STORE_DECL_ID];
    CHECK_INT(hoshi_store_decl_create(s, org, 2, "2026-01-10", id), HOSHI_OK);
    CHECK_INT(hoshi_store_decl_create(s, op_org, 1, "2026-01-11", other), HOSHI_OK);

    /* No reason, a note too long, no action: refused, nothing changes. */
    char note[HOSHI_AUDIT_NOTE_CHARS + 2];
    memset(note, 'x', sizeof note - 1);
    note[sizeof note - 1] = '\0';
    hoshi_audit_new a = {op, "withdraw", id, 0, "", "確認済み"};
    CHECK_INT(hoshi_store_decl_withdraw_programme(s, &a, "2026-02-01", 5000, NULL), HOSHI_ERR_INPUT);
    a.reason = "false_declaration";
    a.note = note;
    CHECK_INT(hoshi_store_decl_withdraw_programme(s, &a, "2026-02-01", 5000, NULL), HOSHI_ERR_INPUT);
    a.note = "確認済み";
    a.action = "";
    CHECK_INT(hoshi_store_decl_withdraw_programme(s, &a, "2026-02-01", 5000, NULL), HOSHI_ERR_INPUT);
    a.action = "withdraw";
    CHECK_INT(hoshi_store_decl_withdraw_programme(s, &a, "2026-13-01", 5000, NULL), HOSHI_ERR_INPUT);
    hoshi_decl d;
    CHECK_INT(hoshi_store_decl_get(s, id, &d), HOSHI_OK);
    CHECK_INT(d.status, HOSHI_DECL_ACTIVE);
    CHECK(!d.by_programme);

    CHECK_INT(hoshi_store_decl_withdraw_programme(s, &a, "2026-02-01", 5000, &d), HOSHI_OK);
    CHECK_INT(d.status, HOSHI_DECL_WITHDRAWN);
    CHECK(d.by_programme);
    CHECK_STR(d.withdraw_reason, "false_declaration");
    CHECK_STR(d.withdrawn_on, "2026-02-01");
    /* Again: nothing in force, nothing logged. */
    CHECK_INT(hoshi_store_decl_withdraw_programme(s, &a, "2026-02-02", 5001, NULL), HOSHI_ERR_NOTFOUND);

    /* The owner's own withdrawal is not the programme's. */
    CHECK_INT(hoshi_store_decl_withdraw(s, op_org, "2026-02-03"), HOSHI_OK);
    CHECK_INT(hoshi_store_decl_get(s, other, &d), HOSHI_OK);
    CHECK_INT(d.status, HOSHI_DECL_WITHDRAWN);
    CHECK(!d.by_programme);
    CHECK_STR(d.withdraw_reason, "");

    hoshi_audit_new b = {op, "dispute_reject", "", org, NULL, "dispute 7"};
    long long row = 0;
    CHECK_INT(hoshi_store_audit_add(s, &b, 6000, &row), HOSHI_OK);
    CHECK(row > 0);
    hoshi_audit_entry e[4];
    size_t n = 0;
    long long total = 0;
    CHECK_INT(hoshi_store_audit_list(s, NULL, 0, e, 4, &n, &total), HOSHI_OK);
    CHECK_INT(total, 2);
    CHECK_INT(n, 2);
    CHECK_STR(e[0].action, "dispute_reject");
    CHECK_INT(e[0].org_id, org);
    CHECK_STR(e[0].note, "dispute 7");
    CHECK_STR(e[1].action, "withdraw");
    CHECK_STR(e[1].decl_id, id);
    CHECK_INT(e[1].org_id, org);
    CHECK_INT(e[1].operator_id, op);
    CHECK_STR(e[1].operator_email, "op@example.jp");
    CHECK_STR(e[1].reason, "false_declaration");
    CHECK_STR(e[1].note, "確認済み");
    CHECK_INT(e[1].at, 5000);
    /* By declaration, and paged. */
    CHECK_INT(hoshi_store_audit_list(s, id, 0, e, 4, &n, &total), HOSHI_OK);
    CHECK_INT(total, 1);
    CHECK_INT(n, 1);
    CHECK_STR(e[0].decl_id, id);
    CHECK_INT(hoshi_store_audit_list(s, NULL, 1, e, 1, &n, &total), HOSHI_OK);
    CHECK_INT(total, 2);
    CHECK_INT(n, 1);
    CHECK_STR(e[0].action, "withdraw");
    CHECK_INT(hoshi_store_audit_list(s, "XXXXXXXX", 0, e, 4, &n, &total), HOSHI_OK);
    CHECK_INT(total, 0);
    CHECK_INT(n, 0);
    CHECK_INT(hoshi_store_audit_list(s, NULL, -1, e, 4, &n, &total), HOSHI_ERR_INPUT);
    hoshi_store_close(s);

    /* Append-only: the schema itself refuses to change or remove a row. */
    CHECK(!hi_test_db_exec(path, "UPDATE audit_log SET note = 'changed'"));
    CHECK(!hi_test_db_exec(path, "DELETE FROM audit_log"));
    char count[32];
    CHECK(hi_test_db_value(path, "SELECT count(*) FROM audit_log WHERE note <> 'changed'", NULL, count,
                           sizeof count));
    CHECK_STR(count, "2");
}

static void outbox_dead_letters(void)
{
    hoshi_store *s = open_fresh();
    hoshi_outbox_new m = {"withdrawal_notice", "owner@example.jp", "件名", "本文\n", NULL};
    long long id1 = 0, id2 = 0;
    bool queued = false;
    CHECK_INT(hoshi_store_outbox_queue(s, &m, 1000, &id1, &queued), HOSHI_OK);
    CHECK_INT(hoshi_store_outbox_queue(s, &m, 1000, &id2, &queued), HOSHI_OK);
    CHECK_INT(hoshi_store_outbox_failed(s, id1, "connection refused", 1010), HOSHI_OK);
    CHECK_INT(hoshi_store_outbox_give_up(s, id1, "connection refused\r\nagain", 1020), HOSHI_OK);
    /* Given up: not due, not failed or given up twice. */
    hoshi_outbox_msg due[4];
    size_t n = 0;
    CHECK_INT(hoshi_store_outbox_due(s, 99999, due, 4, &n), HOSHI_OK);
    CHECK_INT(n, 1);
    CHECK_INT(due[0].id, id2);
    hoshi_outbox_msg_clear(&due[0]);
    CHECK_INT(hoshi_store_outbox_failed(s, id1, "x", 2000), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_outbox_give_up(s, id1, "x", 2000), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_outbox_sent(s, id2, 1030), HOSHI_OK);
    CHECK_INT(hoshi_store_outbox_give_up(s, id2, "x", 2000), HOSHI_ERR_NOTFOUND);
    hoshi_outbox_counts c;
    CHECK_INT(hoshi_store_outbox_counts(s, &c), HOSHI_OK);
    CHECK_INT(c.queued, 0);
    CHECK_INT(c.sent, 1);
    CHECK_INT(c.failed, 1);
    hoshi_outbox_msg dead[4];
    CHECK_INT(hoshi_store_outbox_dead(s, dead, 4, &n), HOSHI_OK);
    CHECK_INT(n, 1);
    CHECK_INT(dead[0].id, id1);
    CHECK_INT(dead[0].attempts, 2);
    CHECK_INT(dead[0].failed, 1020);
    CHECK_STR(dead[0].last_error, "connection refused??again");
    CHECK_STR(dead[0].body, "本文\n");
    hoshi_outbox_msg_clear(&dead[0]);
    /* The operator's retry queues it again, once. */
    CHECK_INT(hoshi_store_outbox_retry(s, id2, 3000), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_outbox_retry(s, id1, 3000), HOSHI_OK);
    CHECK_INT(hoshi_store_outbox_retry(s, id1, 3000), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_outbox_due(s, 3000, due, 4, &n), HOSHI_OK);
    CHECK_INT(n, 1);
    CHECK_INT(due[0].id, id1);
    CHECK_INT(due[0].attempts, 0);
    CHECK_INT(due[0].failed, 0);
    hoshi_outbox_msg_clear(&due[0]);
    CHECK_INT(hoshi_store_outbox_counts(s, &c), HOSHI_OK);
    CHECK_INT(c.queued, 1);
    CHECK_INT(c.failed, 0);
    hoshi_store_close(s);
}

int main(void)
{
    if (mkdtemp(dir) == NULL)
        return 1;
    RUN(withdrawal_by_programme_is_logged);
    RUN(outbox_dead_letters);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return UNIT_RESULT();
}
