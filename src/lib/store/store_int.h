/*
 * store_int.h — what a store backend implements: the table of operations
 * behind the opaque hoshi_store, and the struct every backend's handle
 * starts with.  Only backends and store.c include it; callers see the
 * hoshi_store_* functions of include/hoshi/store*.h, which store.c
 * forwards here.
 *
 * Both backends are one implementation: the SQL operations (sql_*.c,
 * sql_table.c) over the statement interface of db.h, which a driver
 * fills (sqlite_driver.c for SQLite, pg_driver.c for PostgreSQL).  A
 * backend of another kind would fill this table with its own functions,
 * each keeping the contract written for its hoshi_store_* function
 * (errors, transactions, what is read back).
 */
#ifndef HOSHI_STORE_INT_H
#define HOSHI_STORE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/store.h"
#include "hoshi/store_accounts.h"
#include "hoshi/store_nta.h"
#include "hoshi/store_registry.h"
#include "hoshi/store_survey.h"
#include "hoshi/store_outbox.h"
#include "hoshi/store_member.h"
#include "hoshi/store_policy.h"
#include "hoshi/store_audit.h"
#include "hoshi/store_throttle.h"
#include "hoshi/store_suppliers.h"

/* The backend's operations.  Every function gets the store as its first
 * argument and does what its hoshi_store_* wrapper documents. */
typedef struct hoshi_store_ops {
    void (*close)(hoshi_store *s);
    hoshi_err (*generation)(hoshi_store *s, long long *out);

    /* accounts (hoshi/store_accounts.h) */
    hoshi_err (*signup)(hoshi_store *s, const char *email, const char *pwhash,
                        const char *org_name, long long *user_id, long long *org_id);
    hoshi_err (*user_by_email)(hoshi_store *s, const char *email, hoshi_user *out);
    hoshi_err (*session_create)(hoshi_store *s, const char *sid_digest, long long user_id,
                                const char *token, long long expires);
    hoshi_err (*session_get)(hoshi_store *s, const char *sid_digest, long long now,
                             hoshi_session *out);
    hoshi_err (*session_delete)(hoshi_store *s, const char *sid_digest);
    hoshi_err (*user_set_operator)(hoshi_store *s, long long user_id, bool on);

    /* the registry (hoshi/store_registry.h) */
    hoshi_err (*org_get)(hoshi_store *s, long long org_id, hoshi_org *out);
    hoshi_err (*org_update)(hoshi_store *s, const hoshi_org *org);
    hoshi_err (*draft_save)(hoshi_store *s, long long org_id, const char *draft);
    hoshi_err (*diagnosis_add)(hoshi_store *s, long long org_id, const char *answers,
                               int score, const char *taken_on, long long *id);
    hoshi_err (*diagnosis_get)(hoshi_store *s, long long org_id, long long id,
                               hoshi_diagnosis *out);
    hoshi_err (*diagnosis_list)(hoshi_store *s, long long org_id, hoshi_diagnosis *out,
                                size_t max, size_t *n);
    hoshi_err (*policy_get)(hoshi_store *s, long long org_id, hoshi_policy_rec *out);
    hoshi_err (*policy_save)(hoshi_store *s, const hoshi_policy_rec *p);
    hoshi_err (*policy_get_public)(hoshi_store *s, long long org_id, hoshi_policy_rec *out);
    hoshi_err (*policy_publish)(hoshi_store *s, long long org_id, const char *date);
    hoshi_err (*decl_create)(hoshi_store *s, long long org_id, int level, const char *date,
                             char id_out[HOSHI_STORE_DECL_ID]);
    hoshi_err (*decl_withdraw)(hoshi_store *s, long long org_id, const char *date);
    hoshi_err (*decl_withdraw_id)(hoshi_store *s, const char *id, const char *date);
    hoshi_err (*decl_get)(hoshi_store *s, const char *id, hoshi_decl *out);
    hoshi_err (*decl_active)(hoshi_store *s, long long org_id, hoshi_decl *out);
    hoshi_err (*decl_search)(hoshi_store *s, const hoshi_decl_query *q, hoshi_decl *out,
                             size_t *n, long long *total);
    hoshi_err (*decl_by_corpnum)(hoshi_store *s, const char *corpnum, hoshi_decl *out, size_t max,
                                 size_t *n);
    hoshi_err (*seed)(hoshi_store *s, const hoshi_seed_decl *items, size_t n);
    hoshi_err (*stats)(hoshi_store *s, hoshi_stats *out);
    hoshi_err (*registry_rows)(hoshi_store *s, hoshi_registry_row_fn fn, void *ctx);

    /* surveys (hoshi/store_survey.h) */
    hoshi_err (*survey_create)(hoshi_store *s, const hoshi_survey_new *in, long long *id);
    hoshi_err (*survey_get)(hoshi_store *s, long long id, const char *today, hoshi_survey *out);
    hoshi_err (*survey_list)(hoshi_store *s, const char *today, hoshi_survey *out, size_t max,
                             size_t *n);
    hoshi_err (*survey_set_dates)(hoshi_store *s, long long id, const char *opens_on,
                                  const char *closes_on);
    hoshi_err (*survey_close)(hoshi_store *s, long long id, const char *date);
    hoshi_err (*survey_invite)(hoshi_store *s, long long survey_id, const hoshi_invite_filter *f,
                               const char *today, hoshi_invite_fn fn, void *ctx,
                               long long *invited, long long *skipped);
    hoshi_err (*invitation_by_token)(hoshi_store *s, const char *token, const char *today,
                                     hoshi_invitation *out);
    hoshi_err (*invitation_by_org)(hoshi_store *s, long long org_id, long long survey_id,
                                   const char *today, hoshi_invitation *out);
    hoshi_err (*survey_pending)(hoshi_store *s, long long org_id, const char *today,
                                hoshi_survey_pending *out, size_t max, size_t *n);
    hoshi_err (*response_save)(hoshi_store *s, long long invitation_id, const char *answers,
                               int page, const char *today, hoshi_answers_outcome *outcome);
    hoshi_err (*response_submit)(hoshi_store *s, long long invitation_id, const char *answers,
                                 const char *today, hoshi_answers_outcome *outcome,
                                 long long *respondent);
    hoshi_err (*survey_responses)(hoshi_store *s, long long survey_id, hoshi_response_fn fn,
                                  void *ctx);
    hoshi_err (*survey_progress)(hoshi_store *s, long long survey_id, hoshi_survey_progress *out);

    /* identity (hoshi/store_nta.h) */
    hoshi_err (*nta_import)(hoshi_store *s, hoshi_nta_next_fn next, void *ctx,
                            hoshi_nta_import_result *out);
    hoshi_err (*nta_get)(hoshi_store *s, const char *corpnum, hoshi_nta_corp *out);
    hoshi_err (*nta_date)(hoshi_store *s, char out[HOSHI_STORE_DATE]);
    hoshi_err (*decl_claim)(hoshi_store *s, long long org_id, int level, const char *date,
                            char id_out[HOSHI_STORE_DECL_ID], long long *dispute_id);
    hoshi_err (*dispute_list)(hoshi_store *s, hoshi_dispute *out, size_t max, size_t *n);
    hoshi_err (*dispute_pending)(hoshi_store *s, long long org_id, hoshi_dispute *out);
    hoshi_err (*dispute_resolve)(hoshi_store *s, long long id, bool upheld, const char *date);
    hoshi_err (*org_history)(hoshi_store *s, long long org_id, hoshi_org_change *out, size_t max,
                             size_t *n);
    /* the e-mail outbox (hoshi/store_outbox.h) */
    hoshi_err (*outbox_queue)(hoshi_store *s, const hoshi_outbox_new *m, long long now, long long *id,
                              bool *queued);
    hoshi_err (*outbox_due)(hoshi_store *s, long long now, hoshi_outbox_msg *out, size_t max, size_t *n);
    hoshi_err (*outbox_get)(hoshi_store *s, long long id, hoshi_outbox_msg *out);
    hoshi_err (*outbox_sent)(hoshi_store *s, long long id, long long now);
    hoshi_err (*outbox_claim)(hoshi_store *s, long long id, long long now, long long until, bool *claimed);
    hoshi_err (*outbox_failed)(hoshi_store *s, long long id, const char *error, long long next_attempt);
    hoshi_err (*org_email)(hoshi_store *s, long long org_id, char out[HOSHI_STORE_EMAIL]);
    hoshi_err (*reminders_due)(hoshi_store *s, const char *cutoff, hoshi_reminder_fn fn, void *ctx);
    /* members and account tokens (hoshi/store_member.h) */
    hoshi_err (*member_get)(hoshi_store *s, long long user_id, hoshi_member *out);
    hoshi_err (*member_list)(hoshi_store *s, long long org_id, hoshi_member *out, size_t max, size_t *n);
    hoshi_err (*token_add)(hoshi_store *s, const char *digest, hoshi_acct_token *t);
    hoshi_err (*token_get)(hoshi_store *s, const char *digest, hoshi_token_kind kind, long long now,
                           hoshi_acct_token *out);
    hoshi_err (*invite_list)(hoshi_store *s, long long org_id, long long now, hoshi_acct_token *out, size_t max,
                             size_t *n);
    hoshi_err (*invite_revoke)(hoshi_store *s, long long org_id, long long id);
    hoshi_err (*token_use)(hoshi_store *s, const char *digest, hoshi_token_kind kind, long long now,
                           const char *pwhash, long long *user_id);
    hoshi_err (*password_set)(hoshi_store *s, long long user_id, const char *pwhash, const char *keep_digest);
    hoshi_err (*member_remove)(hoshi_store *s, long long org_id, long long user_id);
    hoshi_err (*owner_transfer)(hoshi_store *s, long long org_id, long long from_user, long long to_user);
    hoshi_err (*user_delete)(hoshi_store *s, long long user_id);

    /* policy versions (hoshi/store_policy.h) */
    hoshi_err (*policy_publish_version)(hoshi_store *s, long long org_id, const char *date,
                                        const char *review_on, int *number);
    hoshi_err (*policy_versions)(hoshi_store *s, long long org_id, hoshi_policy_version *out, size_t max,
                                 size_t *n);
    hoshi_err (*policy_version_get)(hoshi_store *s, long long org_id, int number, hoshi_policy_version *out);
    hoshi_err (*policy_set_review)(hoshi_store *s, long long org_id, const char *review_on);
    hoshi_err (*policy_reviews_due)(hoshi_store *s, const char *cutoff, hoshi_policy_review_fn fn, void *ctx);
    hoshi_err (*outbox_give_up)(hoshi_store *s, long long id, const char *error, long long now);
    hoshi_err (*outbox_counts)(hoshi_store *s, hoshi_outbox_counts *out);
    hoshi_err (*outbox_dead)(hoshi_store *s, hoshi_outbox_msg *out, size_t max, size_t *n);
    hoshi_err (*outbox_retry)(hoshi_store *s, long long id, long long now);
    /* the operator's audit log (hoshi/store_audit.h) */
    hoshi_err (*audit_add)(hoshi_store *s, const hoshi_audit_new *a, long long now, long long *id);
    hoshi_err (*audit_list)(hoshi_store *s, const char *decl_id, long long offset, hoshi_audit_entry *out,
                            size_t max, size_t *n, long long *total);
    hoshi_err (*decl_withdraw_programme)(hoshi_store *s, const hoshi_audit_new *a, const char *date,
                                         long long now, hoshi_decl *out);
    /* log-in and sign-up counters shared by servers (hoshi/store_throttle.h) */
    hoshi_err (*throttle_update)(hoshi_store *s, hoshi_throttle_counter *c, size_t n, hoshi_throttle_fn decide,
                                 void *ctx);
    hoshi_err (*throttle_sweep)(hoshi_store *s, long long before, long long *removed);
    hoshi_err (*throttle_secret)(hoshi_store *s, unsigned char out[HOSHI_THROTTLE_SECRET]);
    /* the supply chain (hoshi/store_suppliers.h) */
    hoshi_err (*supplier_add)(hoshi_store *s, long long client_org, const hoshi_supplier_new *items, size_t n,
                              long long now);
    hoshi_err (*supplier_remove)(hoshi_store *s, long long client_org, long long id);
    hoshi_err (*supplier_list)(hoshi_store *s, long long client_org, hoshi_supplier *out, size_t max, size_t *n);
    hoshi_err (*supplier_walk)(hoshi_store *s, long long supplier_org, hoshi_supplier_fn fn, void *ctx);
    hoshi_err (*supplier_invite)(hoshi_store *s, long long client_org, const hoshi_supplier_link *links, size_t n,
                                 long long now);
    hoshi_err (*supplier_by_link)(hoshi_store *s, const char *digest, hoshi_supplier *out,
                                  char client_name[HOSHI_STORE_NAME]);
    hoshi_err (*supplier_join)(hoshi_store *s, const char *digest, long long org_id);
    hoshi_err (*supplier_clients)(hoshi_store *s, long long supplier_org, hoshi_supplier_client *out, size_t max,
                                  size_t *n);
    hoshi_err (*supplier_consent)(hoshi_store *s, long long supplier_org, long long client_org, bool grant,
                                  long long now);
    hoshi_err (*supplier_counts)(hoshi_store *s, hoshi_supplier_counts *out);
} hoshi_store_ops;

/* What every backend's handle starts with; the rest is the backend's own. */
struct hoshi_store {
    const hoshi_store_ops *ops;
};

#endif
