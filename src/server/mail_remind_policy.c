/*
 * mail_remind_policy.c — the policy review reminder (issue 11 part 7):
 * the daily scan that queues one [policy_review] mail per published
 * policy version whose review day is a month away or past, keyed by the
 * organisation and version so it is queued once however often the scan
 * runs; publishing a new version (or nothing) is what ends the reminders.
 * The dashboard shows the same reminder (srv_policy_review_due).
 */
#include "server.h"

#include <stdio.h>
#include <string.h>

/* Collects the versions due into a buffer used as an array (the walk
 * runs on a store connection, so nothing is queued during it). */
static hoshi_err collect(void *ctx, const hoshi_policy_review_due *r)
{
    hoshi_buf *list = ctx;
    hoshi_buf_append(list, r, sizeof *r);
    return list->err == HOSHI_OK ? HOSHI_OK : hoshi_error_set(list->err, "policy reviews: no memory for the list");
}

void srv_policy_review_cutoff(hoshi_date today, char out[16])
{
    /* A month ahead, the day kept where every month has it. */
    hoshi_date d = {today.year + (today.month == 12), today.month == 12 ? 1 : today.month + 1,
                    today.day > 28 ? 28 : today.day};
    hoshi_date_iso(d, out, 16);
}

bool srv_policy_review_due(const char *review_on, hoshi_date today)
{
    char cutoff[16];
    srv_policy_review_cutoff(today, cutoff);
    return *review_on && strcmp(review_on, cutoff) <= 0;
}

/* A date in Japanese for the mail (the stored text as it is when not a date). */
static void ja_date(const char *iso, char *out, size_t size)
{
    hoshi_date d;
    if (hoshi_date_parse(iso, &d) == HOSHI_OK)
        hoshi_date_format(d, HOSHI_LANG_JA, out, size);
    else
        snprintf(out, size, "%s", iso);
}

hoshi_err srv_mail_policy_reviews(srv *s, hoshi_date today, long long *queued_out)
{
    char cutoff[16];
    srv_policy_review_cutoff(today, cutoff);
    hoshi_buf list = HOSHI_BUF_INIT;
    list.limit = SRV_MAIL_LIST_MAX;
    long long queued = 0;
    hoshi_err err = hoshi_store_policy_reviews_due(s->store, cutoff, collect, &list);
    size_t n = err == HOSHI_OK ? list.len / sizeof(hoshi_policy_review_due) : 0;
    for (size_t i = 0; err == HOSHI_OK && i < n; i++) {
        const hoshi_policy_review_due *r = (const hoshi_policy_review_due *)(void *)list.data + i;
        if (!hoshi_mail_address_ok(r->email))
            continue;  /* an address the sender could not use: nothing to queue */
        char key[64], num[16], published[40], review[40];
        snprintf(key, sizeof key, "policy_review:%lld:%d", r->org_id, r->number);
        snprintf(num, sizeof num, "%d", r->number);
        ja_date(r->published_on, published, sizeof published);
        ja_date(r->review_on, review, sizeof review);
        hoshi_buf url = HOSHI_BUF_INIT;
        hoshi_buf_printf(&url, "%s/policy", s->base);
        const char *vars[] = {"org", r->org_name, "version", num, "published", published, "review", review,
                              "url", url.data ? url.data : "", NULL};
        bool q = false;
        err = srv_mail_send(s, "policy_review", HOSHI_LANG_JA, r->email, vars, key, &q);
        hoshi_buf_free(&url);
        queued += q;
    }
    hoshi_buf_free(&list);
    if (queued_out != NULL)
        *queued_out = queued;
    return err;
}
