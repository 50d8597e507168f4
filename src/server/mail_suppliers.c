/*
 * mail_suppliers.c — telling a client that a supplier on its list has
 * lost its declaration (issue 13 part 5): right after a withdrawal (the
 * owner's, the operator's, an upheld dispute's) the entries matched to
 * that organisation, and in the mailer's daily scan (with the re-diagnosis
 * reminders) every client's list, are walked, matched against the
 * registry as the board is, and the scan queues [supplier_withdrawn] to the
 * client's address for each entry whose supplier has no declaration in
 * force and whose latest was withdrawn on or after the day the entry was
 * added (a supplier listed already withdrawn is shown on the board, not
 * mailed about).  The key supplier_withdrawn:ENTRY:ID sends it once; a
 * step-up is not a withdrawal (the entry then matches the ★★).
 */
#include "server.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

typedef struct notice {
    long long entry, client_org;
    char name[HOSHI_SUPPLIER_NAME];
    char decl_id[HOSHI_STORE_DECL_ID];
    char withdrawn_on[HOSHI_STORE_DATE];
    int level;
} notice;

/* Keeps the entries to mail about (the walk holds a store connection). */
static hoshi_err collect(void *ctx, const hoshi_supplier *s)
{
    if (s->state != HOSHI_SUPPLIER_WITHDRAWN)
        return HOSHI_OK;
    char added[16];
    time_t t = (time_t)s->created_at;
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(added, sizeof added, "%Y-%m-%d", &tm);
    if (strcmp(s->withdrawn_on, added) < 0)
        return HOSHI_OK;
    notice n = {.entry = s->id, .client_org = s->client_org, .level = s->level};
    memcpy(n.name, s->name, sizeof n.name);
    memcpy(n.decl_id, s->decl_id, sizeof n.decl_id);
    memcpy(n.withdrawn_on, s->withdrawn_on, sizeof n.withdrawn_on);
    hoshi_buf *list = ctx;
    hoshi_buf_append(list, &n, sizeof n);
    return list->err == HOSHI_OK ? HOSHI_OK : hoshi_error_set(list->err, "suppliers: no memory for the notices%s", "");
}

hoshi_err srv_mail_supplier_withdrawals(srv *s, long long supplier_org, long long *queued_out)
{
    hoshi_buf list = HOSHI_BUF_INIT;
    list.limit = SRV_MAIL_LIST_MAX;
    long long queued = 0;
    hoshi_err err = hoshi_store_supplier_walk(s->store, supplier_org, collect, &list);
    size_t n = err == HOSHI_OK ? list.len / sizeof(notice) : 0;
    for (size_t i = 0; err == HOSHI_OK && i < n; i++) {
        const notice *w = (const notice *)(void *)list.data + i;
        char to[HOSHI_STORE_EMAIL];
        hoshi_err e = hoshi_store_org_email(s->store, w->client_org, to);
        if (e == HOSHI_ERR_NOTFOUND || (e == HOSHI_OK && !hoshi_mail_address_ok(to)))
            continue;  /* a client without a usable address: the board says it */
        if ((err = e) != HOSHI_OK)
            break;
        char key[80], date[40], name[HOSHI_STORE_NAME] = "";
        hoshi_org org;
        if (hoshi_store_org_get(s->store, w->client_org, &org) == HOSHI_OK)
            memcpy(name, org.name, sizeof name);
        snprintf(key, sizeof key, "supplier_withdrawn:%lld:%s", w->entry, w->decl_id);
        hoshi_date d;
        if (hoshi_date_parse(w->withdrawn_on, &d) == HOSHI_OK)
            hoshi_date_format(d, HOSHI_LANG_JA, date, sizeof date);
        else
            snprintf(date, sizeof date, "%s", w->withdrawn_on);
        hoshi_buf url = HOSHI_BUF_INIT, verify = HOSHI_BUF_INIT;
        hoshi_buf_printf(&url, "%s/suppliers", s->base);
        hoshi_buf_printf(&verify, "%s/verify/%s", s->base, w->decl_id);
        const char *vars[] = {"client", name, "supplier", w->name, "id", w->decl_id, "stars",
                              srv_level_stars(w->level), "date", date, "url", url.data ? url.data : "",
                              "verify", verify.data ? verify.data : "", NULL};
        bool q = false;
        err = srv_mail_send(s, "supplier_withdrawn", HOSHI_LANG_JA, to, vars, key, &q);
        hoshi_buf_free(&url);
        hoshi_buf_free(&verify);
        queued += q;
    }
    hoshi_buf_free(&list);
    if (queued_out != NULL)
        *queued_out = queued;
    return err;
}

void srv_supplier_withdrawn(srv_req *r, long long org_id)
{
    long long n = 0;
    hoshi_err err = srv_mail_supplier_withdrawals(r->s, org_id, &n);
    char num[24];
    snprintf(num, sizeof num, "%lld", n);
    if (err != HOSHI_OK)
        srv_log(r, "error", "supplier_withdrawn_notice", "detail", hoshi_error_detail(), (const char *)NULL);
    else if (n > 0)
        srv_log(r, "info", "supplier_withdrawn_notice", "queued", num, (const char *)NULL);
}
