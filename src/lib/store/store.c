/*
 * store.c — the backend-independent face of the store: each hoshi_store_*
 * call forwards to the backend's operation table, after clearing the
 * error detail so a stale message never describes a new failure.
 */
#include "internal.h"
#include "store_int.h"

#include <stddef.h>

void hoshi_store_close(hoshi_store *s)
{
    if (s != NULL)
        s->ops->close(s);
}

#define FORWARD(op, ...)                                                       \
    do {                                                                       \
        hi_clear_error();                                                      \
        return s->ops->op(s, __VA_ARGS__);                                     \
    } while (0)

hoshi_err hoshi_store_signup(hoshi_store *s, const char *email, const char *pwhash,
                             const char *org_name, long long *user_id, long long *org_id)
{
    FORWARD(signup, email, pwhash, org_name, user_id, org_id);
}

hoshi_err hoshi_store_user_by_email(hoshi_store *s, const char *email, hoshi_user *out)
{
    FORWARD(user_by_email, email, out);
}

hoshi_err hoshi_store_session_create(hoshi_store *s, const char *sid_digest, long long user_id,
                                     const char *token, long long expires)
{
    FORWARD(session_create, sid_digest, user_id, token, expires);
}

hoshi_err hoshi_store_session_get(hoshi_store *s, const char *sid_digest, long long now,
                                  hoshi_session *out)
{
    FORWARD(session_get, sid_digest, now, out);
}

hoshi_err hoshi_store_session_delete(hoshi_store *s, const char *sid_digest)
{
    FORWARD(session_delete, sid_digest);
}

hoshi_err hoshi_store_org_get(hoshi_store *s, long long org_id, hoshi_org *out)
{
    FORWARD(org_get, org_id, out);
}

hoshi_err hoshi_store_org_update(hoshi_store *s, const hoshi_org *org)
{
    FORWARD(org_update, org);
}

hoshi_err hoshi_store_draft_save(hoshi_store *s, long long org_id, const char *draft)
{
    FORWARD(draft_save, org_id, draft);
}

hoshi_err hoshi_store_diagnosis_add(hoshi_store *s, long long org_id, const char *answers,
                                    int score, const char *taken_on, long long *id)
{
    FORWARD(diagnosis_add, org_id, answers, score, taken_on, id);
}

hoshi_err hoshi_store_diagnosis_get(hoshi_store *s, long long org_id, long long id,
                                    hoshi_diagnosis *out)
{
    FORWARD(diagnosis_get, org_id, id, out);
}

hoshi_err hoshi_store_diagnosis_list(hoshi_store *s, long long org_id, hoshi_diagnosis *out,
                                     size_t max, size_t *n)
{
    FORWARD(diagnosis_list, org_id, out, max, n);
}

hoshi_err hoshi_store_policy_get(hoshi_store *s, long long org_id, hoshi_policy_rec *out)
{
    FORWARD(policy_get, org_id, out);
}

hoshi_err hoshi_store_policy_save(hoshi_store *s, const hoshi_policy_rec *p)
{
    FORWARD(policy_save, p);
}

hoshi_err hoshi_store_policy_get_public(hoshi_store *s, long long org_id, hoshi_policy_rec *out)
{
    FORWARD(policy_get_public, org_id, out);
}

hoshi_err hoshi_store_policy_publish(hoshi_store *s, long long org_id, const char *date)
{
    FORWARD(policy_publish, org_id, date);
}

hoshi_err hoshi_store_decl_create(hoshi_store *s, long long org_id, int level, const char *date,
                                  char id_out[HOSHI_STORE_DECL_ID])
{
    FORWARD(decl_create, org_id, level, date, id_out);
}

hoshi_err hoshi_store_decl_withdraw(hoshi_store *s, long long org_id, const char *date)
{
    FORWARD(decl_withdraw, org_id, date);
}

hoshi_err hoshi_store_decl_get(hoshi_store *s, const char *id, hoshi_decl *out)
{
    FORWARD(decl_get, id, out);
}

hoshi_err hoshi_store_decl_active(hoshi_store *s, long long org_id, hoshi_decl *out)
{
    FORWARD(decl_active, org_id, out);
}

hoshi_err hoshi_store_decl_by_corpnum(hoshi_store *s, const char *corpnum, hoshi_decl *out, size_t max,
                                      size_t *n)
{
    FORWARD(decl_by_corpnum, corpnum, out, max, n);
}

hoshi_err hoshi_store_decl_search(hoshi_store *s, const hoshi_decl_query *q, hoshi_decl *out,
                                  size_t *n, long long *total)
{
    FORWARD(decl_search, q, out, n, total);
}

hoshi_err hoshi_store_seed(hoshi_store *s, const hoshi_seed_decl *items, size_t n)
{
    FORWARD(seed, items, n);
}

hoshi_err hoshi_store_generation(hoshi_store *s, long long *out)
{
    FORWARD(generation, out);
}

hoshi_err hoshi_store_user_set_operator(hoshi_store *s, long long user_id, bool on)
{
    FORWARD(user_set_operator, user_id, on);
}

hoshi_err hoshi_store_decl_withdraw_id(hoshi_store *s, const char *id, const char *date)
{
    FORWARD(decl_withdraw_id, id, date);
}

hoshi_err hoshi_store_stats(hoshi_store *s, hoshi_stats *out)
{
    FORWARD(stats, out);
}

hoshi_err hoshi_store_registry_rows(hoshi_store *s, hoshi_registry_row_fn fn, void *ctx)
{
    FORWARD(registry_rows, fn, ctx);
}

hoshi_err hoshi_store_survey_create(hoshi_store *s, const hoshi_survey_new *in, long long *id)
{
    FORWARD(survey_create, in, id);
}

hoshi_err hoshi_store_survey_get(hoshi_store *s, long long id, const char *today, hoshi_survey *out)
{
    FORWARD(survey_get, id, today, out);
}

hoshi_err hoshi_store_survey_list(hoshi_store *s, const char *today, hoshi_survey *out, size_t max,
                                  size_t *n)
{
    FORWARD(survey_list, today, out, max, n);
}

hoshi_err hoshi_store_survey_set_dates(hoshi_store *s, long long id, const char *opens_on,
                                       const char *closes_on)
{
    FORWARD(survey_set_dates, id, opens_on, closes_on);
}

hoshi_err hoshi_store_survey_close(hoshi_store *s, long long id, const char *date)
{
    FORWARD(survey_close, id, date);
}

hoshi_err hoshi_store_survey_invite(hoshi_store *s, long long survey_id, const hoshi_invite_filter *f,
                                    const char *today, hoshi_invite_fn fn, void *ctx,
                                    long long *invited, long long *skipped)
{
    FORWARD(survey_invite, survey_id, f, today, fn, ctx, invited, skipped);
}

hoshi_err hoshi_store_invitation_by_token(hoshi_store *s, const char *token, const char *today,
                                          hoshi_invitation *out)
{
    FORWARD(invitation_by_token, token, today, out);
}

hoshi_err hoshi_store_invitation_by_org(hoshi_store *s, long long org_id, long long survey_id,
                                        const char *today, hoshi_invitation *out)
{
    FORWARD(invitation_by_org, org_id, survey_id, today, out);
}

hoshi_err hoshi_store_survey_pending(hoshi_store *s, long long org_id, const char *today,
                                     hoshi_survey_pending *out, size_t max, size_t *n)
{
    FORWARD(survey_pending, org_id, today, out, max, n);
}

hoshi_err hoshi_store_response_save(hoshi_store *s, long long invitation_id, const char *answers,
                                    int page, const char *today, hoshi_answers_outcome *outcome)
{
    FORWARD(response_save, invitation_id, answers, page, today, outcome);
}

hoshi_err hoshi_store_response_submit(hoshi_store *s, long long invitation_id, const char *answers,
                                      const char *today, hoshi_answers_outcome *outcome,
                                      long long *respondent)
{
    FORWARD(response_submit, invitation_id, answers, today, outcome, respondent);
}

hoshi_err hoshi_store_survey_responses(hoshi_store *s, long long survey_id, hoshi_response_fn fn,
                                       void *ctx)
{
    FORWARD(survey_responses, survey_id, fn, ctx);
}

hoshi_err hoshi_store_survey_progress(hoshi_store *s, long long survey_id, hoshi_survey_progress *out)
{
    FORWARD(survey_progress, survey_id, out);
}

hoshi_err hoshi_store_nta_import(hoshi_store *s, hoshi_nta_next_fn next, void *ctx,
                                 hoshi_nta_import_result *out)
{
    FORWARD(nta_import, next, ctx, out);
}

hoshi_err hoshi_store_nta_get(hoshi_store *s, const char *corpnum, hoshi_nta_corp *out)
{
    FORWARD(nta_get, corpnum, out);
}

hoshi_err hoshi_store_nta_date(hoshi_store *s, char out[HOSHI_STORE_DATE])
{
    FORWARD(nta_date, out);
}

hoshi_err hoshi_store_decl_claim(hoshi_store *s, long long org_id, int level, const char *date,
                                 char id_out[HOSHI_STORE_DECL_ID], long long *dispute_id)
{
    FORWARD(decl_claim, org_id, level, date, id_out, dispute_id);
}

hoshi_err hoshi_store_dispute_list(hoshi_store *s, hoshi_dispute *out, size_t max, size_t *n)
{
    FORWARD(dispute_list, out, max, n);
}

hoshi_err hoshi_store_dispute_pending(hoshi_store *s, long long org_id, hoshi_dispute *out)
{
    FORWARD(dispute_pending, org_id, out);
}

hoshi_err hoshi_store_dispute_resolve(hoshi_store *s, long long id, bool upheld, const char *date)
{
    FORWARD(dispute_resolve, id, upheld, date);
}

hoshi_err hoshi_store_org_history(hoshi_store *s, long long org_id, hoshi_org_change *out, size_t max,
                                  size_t *n)
{
    FORWARD(org_history, org_id, out, max, n);
}

hoshi_err hoshi_store_outbox_queue(hoshi_store *s, const hoshi_outbox_new *m, long long now,
                                   long long *id, bool *queued)
{
    FORWARD(outbox_queue, m, now, id, queued);
}

hoshi_err hoshi_store_outbox_due(hoshi_store *s, long long now, hoshi_outbox_msg *out, size_t max,
                                 size_t *n)
{
    FORWARD(outbox_due, now, out, max, n);
}

hoshi_err hoshi_store_outbox_get(hoshi_store *s, long long id, hoshi_outbox_msg *out)
{
    FORWARD(outbox_get, id, out);
}

hoshi_err hoshi_store_outbox_claim(hoshi_store *s, long long id, long long now, long long until,
                                   bool *claimed)
{
    FORWARD(outbox_claim, id, now, until, claimed);
}

hoshi_err hoshi_store_outbox_sent(hoshi_store *s, long long id, long long now)
{
    FORWARD(outbox_sent, id, now);
}

hoshi_err hoshi_store_outbox_failed(hoshi_store *s, long long id, const char *error,
                                    long long next_attempt)
{
    FORWARD(outbox_failed, id, error, next_attempt);
}

hoshi_err hoshi_store_org_email(hoshi_store *s, long long org_id, char out[HOSHI_STORE_EMAIL])
{
    FORWARD(org_email, org_id, out);
}

hoshi_err hoshi_store_reminders_due(hoshi_store *s, const char *cutoff, hoshi_reminder_fn fn, void *ctx)
{
    FORWARD(reminders_due, cutoff, fn, ctx);
}

/* --- members and account tokens (hoshi/store_member.h) */

hoshi_err hoshi_store_member_get(hoshi_store *s, long long user_id, hoshi_member *out)
{
    FORWARD(member_get, user_id, out);
}

hoshi_err hoshi_store_member_list(hoshi_store *s, long long org_id, hoshi_member *out, size_t max, size_t *n)
{
    FORWARD(member_list, org_id, out, max, n);
}

hoshi_err hoshi_store_token_add(hoshi_store *s, const char *digest, hoshi_acct_token *t)
{
    FORWARD(token_add, digest, t);
}

hoshi_err hoshi_store_token_get(hoshi_store *s, const char *digest, hoshi_token_kind kind, long long now,
                                hoshi_acct_token *out)
{
    FORWARD(token_get, digest, kind, now, out);
}

hoshi_err hoshi_store_invite_list(hoshi_store *s, long long org_id, long long now, hoshi_acct_token *out,
                                  size_t max, size_t *n)
{
    FORWARD(invite_list, org_id, now, out, max, n);
}

hoshi_err hoshi_store_invite_revoke(hoshi_store *s, long long org_id, long long id)
{
    FORWARD(invite_revoke, org_id, id);
}

hoshi_err hoshi_store_token_use(hoshi_store *s, const char *digest, hoshi_token_kind kind, long long now,
                                const char *pwhash, long long *user_id)
{
    FORWARD(token_use, digest, kind, now, pwhash, user_id);
}

hoshi_err hoshi_store_password_set(hoshi_store *s, long long user_id, const char *pwhash,
                                   const char *keep_digest)
{
    FORWARD(password_set, user_id, pwhash, keep_digest);
}

hoshi_err hoshi_store_member_remove(hoshi_store *s, long long org_id, long long user_id)
{
    FORWARD(member_remove, org_id, user_id);
}

hoshi_err hoshi_store_owner_transfer(hoshi_store *s, long long org_id, long long from_user, long long to_user)
{
    FORWARD(owner_transfer, org_id, from_user, to_user);
}

hoshi_err hoshi_store_user_delete(hoshi_store *s, long long user_id)
{
    FORWARD(user_delete, user_id);
}

/* --- policy versions (hoshi/store_policy.h) */

hoshi_err hoshi_store_policy_publish_version(hoshi_store *s, long long org_id, const char *date,
                                             const char *review_on, int *number)
{
    FORWARD(policy_publish_version, org_id, date, review_on, number);
}

hoshi_err hoshi_store_policy_versions(hoshi_store *s, long long org_id, hoshi_policy_version *out,
                                      size_t max, size_t *n)
{
    FORWARD(policy_versions, org_id, out, max, n);
}

hoshi_err hoshi_store_policy_version_get(hoshi_store *s, long long org_id, int number,
                                         hoshi_policy_version *out)
{
    FORWARD(policy_version_get, org_id, number, out);
}

hoshi_err hoshi_store_policy_set_review(hoshi_store *s, long long org_id, const char *review_on)
{
    FORWARD(policy_set_review, org_id, review_on);
}

hoshi_err hoshi_store_policy_reviews_due(hoshi_store *s, const char *cutoff, hoshi_policy_review_fn fn,
                                         void *ctx)
{
    FORWARD(policy_reviews_due, cutoff, fn, ctx);
}

hoshi_err hoshi_store_outbox_give_up(hoshi_store *s, long long id, const char *error, long long now)
{
    FORWARD(outbox_give_up, id, error, now);
}

hoshi_err hoshi_store_outbox_counts(hoshi_store *s, hoshi_outbox_counts *out)
{
    FORWARD(outbox_counts, out);
}

hoshi_err hoshi_store_outbox_dead(hoshi_store *s, hoshi_outbox_msg *out, size_t max, size_t *n)
{
    FORWARD(outbox_dead, out, max, n);
}

hoshi_err hoshi_store_outbox_retry(hoshi_store *s, long long id, long long now)
{
    FORWARD(outbox_retry, id, now);
}

hoshi_err hoshi_store_audit_add(hoshi_store *s, const hoshi_audit_new *a, long long now, long long *id)
{
    FORWARD(audit_add, a, now, id);
}

hoshi_err hoshi_store_audit_list(hoshi_store *s, const char *decl_id, long long offset,
                                 hoshi_audit_entry *out, size_t max, size_t *n, long long *total)
{
    FORWARD(audit_list, decl_id, offset, out, max, n, total);
}

hoshi_err hoshi_store_decl_withdraw_programme(hoshi_store *s, const hoshi_audit_new *a, const char *date,
                                              long long now, hoshi_decl *out)
{
    FORWARD(decl_withdraw_programme, a, date, now, out);
}

hoshi_err hoshi_store_throttle_update(hoshi_store *s, hoshi_throttle_counter *c, size_t n,
                                      hoshi_throttle_fn decide, void *ctx)
{
    FORWARD(throttle_update, c, n, decide, ctx);
}

hoshi_err hoshi_store_throttle_sweep(hoshi_store *s, long long before, long long *removed)
{
    FORWARD(throttle_sweep, before, removed);
}

hoshi_err hoshi_store_throttle_secret(hoshi_store *s, unsigned char out[HOSHI_THROTTLE_SECRET])
{
    FORWARD(throttle_secret, out);
}

/* --- the supply chain (hoshi/store_suppliers.h) */

hoshi_err hoshi_store_supplier_add(hoshi_store *s, long long client_org, const hoshi_supplier_new *items,
                                   size_t n, long long now)
{
    FORWARD(supplier_add, client_org, items, n, now);
}

hoshi_err hoshi_store_supplier_remove(hoshi_store *s, long long client_org, long long id)
{
    FORWARD(supplier_remove, client_org, id);
}

hoshi_err hoshi_store_supplier_list(hoshi_store *s, long long client_org, hoshi_supplier *out, size_t max,
                                    size_t *n)
{
    FORWARD(supplier_list, client_org, out, max, n);
}

hoshi_err hoshi_store_supplier_walk(hoshi_store *s, long long supplier_org, hoshi_supplier_fn fn, void *ctx)
{
    FORWARD(supplier_walk, supplier_org, fn, ctx);
}

hoshi_err hoshi_store_supplier_invite(hoshi_store *s, long long client_org, const hoshi_supplier_link *links,
                                      size_t n, long long now)
{
    FORWARD(supplier_invite, client_org, links, n, now);
}

hoshi_err hoshi_store_supplier_by_link(hoshi_store *s, const char *digest, hoshi_supplier *out,
                                       char client_name[HOSHI_STORE_NAME])
{
    FORWARD(supplier_by_link, digest, out, client_name);
}

hoshi_err hoshi_store_supplier_join(hoshi_store *s, const char *digest, long long org_id)
{
    FORWARD(supplier_join, digest, org_id);
}

hoshi_err hoshi_store_supplier_clients(hoshi_store *s, long long supplier_org, hoshi_supplier_client *out,
                                       size_t max, size_t *n)
{
    FORWARD(supplier_clients, supplier_org, out, max, n);
}

hoshi_err hoshi_store_supplier_consent(hoshi_store *s, long long supplier_org, long long client_org, bool grant,
                                       long long now)
{
    FORWARD(supplier_consent, supplier_org, client_org, grant, now);
}

hoshi_err hoshi_store_supplier_counts(hoshi_store *s, hoshi_supplier_counts *out)
{
    FORWARD(supplier_counts, out);
}
