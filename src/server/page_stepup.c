/*
 * page_stepup.c — what stepping up from ★ to ★★ tells the owner and the
 * public (issue 11 part 7).  The ★ ID is withdrawn in the same
 * transaction that issues the ★★ one; its badge or QR code may be printed
 * on business cards, so: the owner gets a [stepup_notice] mail and a
 * notice on the declaration page (which old ID, that its verification
 * page now points to the new ID, what to do with printed badges and QR
 * codes), and the old ID's verification page says it was superseded,
 * linking to the new ID, instead of saying it was withdrawn.
 */
#include "server.h"

#include <stdio.h>
#include <string.h>

hoshi_err srv_decl_superseded_by(srv_req *r, const hoshi_decl *d, hoshi_decl *now)
{
    if (d->status == HOSHI_DECL_ACTIVE)
        return hoshi_error_set(HOSHI_ERR_NOTFOUND, "declaration %s is in force", d->id);
    hoshi_err err = hoshi_store_decl_active(r->s->store, d->org_id, now);
    if (err != HOSHI_OK)
        return err;
    /* Withdrawn the day the higher level was declared: the step-up's one
     * transaction (a withdrawal by the owner or the programme, and a new
     * declaration on another day, is not a step-up). */
    if (now->level > d->level && strcmp(d->withdrawn_on, now->declared_on) == 0)
        return HOSHI_OK;
    return hoshi_error_set(HOSHI_ERR_NOTFOUND, "declaration %s was withdrawn, not superseded", d->id);
}

/* The texts' values: the old and new IDs and their verification links. */
static void ids_vars(srv_req *r, const char *old_id, const char *new_id, hoshi_buf *old_url, hoshi_buf *new_url,
                     const char *vars[9])
{
    srv_base_url(r, old_url);
    hoshi_buf_printf(old_url, "/verify/%s", old_id);
    srv_base_url(r, new_url);
    hoshi_buf_printf(new_url, "/verify/%s", new_id);
    const char *v[9] = {"old", old_id, "new", new_id, "old_url", old_url->data ? old_url->data : "",
                        "new_url", new_url->data ? new_url->data : "", NULL};
    memcpy(vars, v, sizeof v);
}

void srv_stepup_notify(srv_req *r, const hoshi_org *org, const char *old_id, const char *new_id)
{
    char to[HOSHI_STORE_EMAIL];
    hoshi_err err = hoshi_store_org_email(r->s->store, org->id, to);
    hoshi_buf old_url = HOSHI_BUF_INIT, new_url = HOSHI_BUF_INIT, key = HOSHI_BUF_INIT;
    const char *ids[9];
    ids_vars(r, old_id, new_id, &old_url, &new_url, ids);
    const char *vars[] = {"org", org->name, ids[0], ids[1], ids[2], ids[3], ids[4], ids[5], ids[6], ids[7], NULL};
    hoshi_buf_printf(&key, "stepup:%s", old_id);
    if (err == HOSHI_OK && key.err == HOSHI_OK)
        err = srv_mail_send(r->s, "stepup_notice", r->lang, to, vars, key.data, NULL);
    /* The step-up stands whatever the mail does: the page says it too. */
    if (err != HOSHI_OK)
        srv_log(r, "warn", "stepup_notice", "old", old_id, "new", new_id, "result", hoshi_error_detail(),
                (const char *)NULL);
    hoshi_buf_free(&old_url);
    hoshi_buf_free(&new_url);
    hoshi_buf_free(&key);
}

void srv_stepup_notice(hoshi_buf *b, srv_req *r, const char *old_id, const char *new_id)
{
    hoshi_buf old_url = HOSHI_BUF_INIT, new_url = HOSHI_BUF_INIT;
    const char *vars[9];
    ids_vars(r, old_id, new_id, &old_url, &new_url, vars);
    /* Above the section's h2: a strong line, not a heading out of order. */
    hoshi_buf_puts(b, "<div class=\"notice stepup\" role=\"status\"><p><strong>");
    hoshi_buf_html(b, srv_text(r, "declare", "stepup_title"));
    hoshi_buf_puts(b, "</strong></p>\n");
    static const char *const keys[] = {"stepup_old", "stepup_points", "stepup_badges", "stepup_qr"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        hoshi_buf_puts(b, "<p>");
        hoshi_buf_subst(b, srv_text(r, "declare", keys[i]), vars, hoshi_buf_html);
        hoshi_buf_puts(b, "</p>\n");
    }
    hoshi_buf_printf(b, "<p><a href=\"/verify/%s\">", old_id);
    hoshi_buf_html(b, srv_text(r, "declare", "stepup_view_old"));
    hoshi_buf_puts(b, "</a></p></div>");
    hoshi_buf_free(&old_url);
    hoshi_buf_free(&new_url);
}
