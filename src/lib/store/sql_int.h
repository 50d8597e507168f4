/*
 * sql_int.h — what the store's SQL operations share, whichever database
 * runs them: the pooled connections with their prepared-statement caches
 * (pool.c), small helpers that turn a driver's failures into hoshi_err
 * with a detail message, the common shapes of a read and a write
 * (sql_ops.c), and the operations by subject (sql_*.c).  The statements
 * are written in the dialect db.h describes.
 */
#ifndef HOSHI_SQL_INT_H
#define HOSHI_SQL_INT_H

#include "db.h"
#include "internal.h"

/* Waits for a free pooled connection and takes it; if statistics were
 * recomputed since the connection last looked, reloads them first.  A
 * connection is never handed out or given back inside a transaction (one
 * left open by a failed rollback is rolled back then). */
hi_conn *hi_sq_acquire(hi_sqlstore *s);
void hi_sq_release(hi_sqlstore *s, hi_conn *c);

/* A prepared statement for sql from c's cache (prepared on first use)
 * in *out (NULL on failure).  Reset it with hi_sq_done after use.
 * The statement stays valid until the connection is released: the cache
 * never evicts one handed out since hi_sq_acquire, so an operation may
 * prepare several and use them together. */
hoshi_err hi_sq_prep(hi_conn *c, const char *sql, hi_stmt **out);
void hi_sq_done(hi_stmt *st);

/* Runs a statement without results (BEGIN, COMMIT, …). */
hoshi_err hi_sq_exec(hi_conn *c, const char *sql);
/* Records the connection's last error as HOSHI_ERR_IO (HOSHI_ERR_NOMEM
 * when the database ran out of memory) and returns it. */
hoshi_err hi_sq_fail(hi_conn *c, const char *what);

/* After reading a row's columns: HOSHI_OK, or the error when the database ran
 * out of memory converting one (its column functions then return NULL or
 * 0, which must not pass for data). */
hoshi_err hi_sq_read_ok(hi_conn *c, const char *what);

/* Copies text column i into dst (size bytes, always NUL-terminated,
 * never cut inside a UTF-8 sequence). */
void hi_sq_text(hi_stmt *st, int i, char *dst, size_t size);


/* Bumps the generation that retires cached public pages. */
void hi_sq_bump(hoshi_store *base);
/* One text about to be written: refused unless valid UTF-8 of at most
 * max_chars characters and max_bytes bytes (so it fits the record's
 * buffer when read back).  NULL text is written as "" and passes.  Made
 * with HI_SQ_UTF8 or HI_SQ_ASCII from the field's character limit, as the
 * record's buffer is sized with HOSHI_STORE_UTF8_SIZE or _ASCII_SIZE. */
typedef struct hi_sq_field {
    const char *what;
    const char *text;
    size_t max_chars, max_bytes;
} hi_sq_field;
#define HI_SQ_UTF8(what, text, chars) {(what), (text), (chars), (size_t)(chars) * 4}
#define HI_SQ_ASCII(what, text, chars) {(what), (text), (chars), (chars)}
/* HOSHI_ERR_INPUT naming the first field of f[0..n) that is refused. */
hoshi_err hi_sq_check(const hi_sq_field *f, size_t n);
/* hi_sq_check for one date (YYYY-MM-DD) named `what`. */
hoshi_err hi_sq_check_date(const char *what, const char *date);
/* The checks of hi_sq_check for an organisation's texts and a policy's. */
hoshi_err hi_sq_org_check(const hoshi_org *o);
hoshi_err hi_sq_policy_check(const char *representative, const char *contact, const char *established,
                             const char *body);
/* The search key of an organisation's name (hoshi_namekey_make with the
 * default legal forms) in *out, which the caller frees with free(); ""
 * for a name that has none (not UTF-8, too long).  The writes of a name
 * bind it beside the name. */
hoshi_err hi_sq_name_key(const char *name, char **out);
/* Runs a prepared INSERT … RETURNING id and puts the id in *id; resets
 * st.  `what` names the row in the error. */
hoshi_err hi_sq_insert_id(hi_conn *c, hi_stmt *st, const char *what, long long *id);
/* Rows changed by the last write on c. */
long long hi_sq_changes(hi_conn *c);
/* Opens a write transaction that excludes other writers (db.h: begin). */
hoshi_err hi_sq_begin(hi_conn *c);
/* Rolls back the open transaction, if any, and returns err. */
hoshi_err hi_sq_rollback(hi_conn *c, hoshi_err err);
/* Runs one bound write statement on a pooled connection: the common shape
 * of the simple updates.  *changes (if not NULL) gets the rows changed. */
typedef void (*hi_sq_binder)(hi_stmt *st, const void *ctx);
hoshi_err hi_sq_write1(hoshi_store *base, const char *sql, hi_sq_binder bind, const void *ctx,
                       int *changes);
/* Binders for the commonest key, parameter 1: ctx is a const char *
 * (bound as text, NULL as "") or a const long long *. */
/* Runs a write on c inside the caller's transaction with ?1 = id and
 * ?2 = text; *changes (may be NULL) the rows it changed; `what` names it
 * in the error. */
hoshi_err hi_sq_step_id_text(hi_conn *c, const char *sql, long long id, const char *text, const char *what,
                             int *changes);
void hi_sq_bind_key_text(hi_stmt *st, const void *ctx);
/* A text and an integer bound as ?1 and ?2 (a key and a limit, a digest
 * and a time): ctx is a const hi_sq_text_int *. */
typedef struct hi_sq_text_int {
    const char *text;
    long long number;
} hi_sq_text_int;
void hi_sq_bind_text_int(hi_stmt *st, const void *ctx);
void hi_sq_bind_key_id(hi_stmt *st, const void *ctx);

/* A query that reads records, for hi_sq_read1 and hi_sq_readn: the one
 * shape of every look-up (acquire, prepare, bind, step, copy, reset,
 * release), so each keeps the same error paths.  copy takes the columns
 * of the current row into a record; then hi_sq_read_ok tells whether
 * the database ran out of memory converting one; then finish (if any) takes
 * what needs allocating (HOSHI_ERR_NOMEM when that fails). */
typedef struct hi_sq_query {
    const char *sql;
    hi_sq_binder bind;            /* NULL: no parameters */
    const void *ctx;
    void (*copy)(hi_stmt *st, void *rec);
    hoshi_err (*finish)(hi_stmt *st, void *rec);
    const char *what;             /* names the records in IO/NOMEM details */
    const char *missing;          /* the NOTFOUND detail of hi_sq_read1 */
} hi_sq_query;
/* Reads the first row into *out: HOSHI_ERR_NOTFOUND (q->missing) when
 * there is none, HOSHI_ERR_IO or HOSHI_ERR_NOMEM when the query or a
 * column failed. */
hoshi_err hi_sq_read1(hoshi_store *base, const hi_sq_query *q, void *out);
/* Reads up to max rows into out[0..*n), records of `size` bytes; on
 * failure *n is 0 and the error as for hi_sq_read1 (no NOTFOUND). */
hoshi_err hi_sq_readn(hoshi_store *base, const hi_sq_query *q, void *out, size_t size, size_t max,
                      size_t *n);
/* The row loop of hi_sq_readn on a statement the caller prepared and
 * bound on its own connection (q->sql and q->bind are not used). */
hoshi_err hi_sq_rows(hi_conn *c, hi_stmt *st, const hi_sq_query *q, void *out, size_t size,
                     size_t max, size_t *n);

/* The columns of a declaration joined with its organisation (d and o),
 * and the copy of a row of them into a hoshi_decl (sql_decl.c). */
#define HI_SQ_DECL_COLS "d.id, d.org_id, d.level, d.declared_on, d.status, d.withdrawn_on, o.name," \
                        " o.prefecture, o.industry," \
                        " EXISTS (SELECT 1 FROM policies p WHERE p.org_id = o.id AND p.published <> 0), o.corpnum," \
                        " d.withdrawn_by, d.withdraw_reason"
void hi_sq_copy_decl(hi_stmt *st, void *rec);

/* Inside the caller's transaction on c (sql_decl.c): issue a new
 * declaration with a fresh random ID, and withdraw the organisation's
 * active one (*changes, if not NULL, gets how many were). */
hoshi_err hi_sq_insert_decl(hi_conn *c, long long org_id, int level, const char *date,
                            char id_out[HOSHI_STORE_DECL_ID]);
hoshi_err hi_sq_withdraw_active(hi_conn *c, long long org_id, const char *date, int *changes);
/* hi_sq_withdraw_active as the programme's withdrawal (issue 11 part 6)
 * when reason is a reason's key, as the owner's when it is "". */
hoshi_err hi_sq_withdraw_org(hi_conn *c, long long org_id, const char *date, const char *reason, int *changes);

/* Identity (sql_nta.c), as documented in hoshi/store_nta.h. */
hoshi_err hi_sq_nta_import(hoshi_store *base, hoshi_nta_next_fn next, void *ctx,
                           hoshi_nta_import_result *out);
hoshi_err hi_sq_nta_get(hoshi_store *base, const char *corpnum, hoshi_nta_corp *out);
hoshi_err hi_sq_nta_date(hoshi_store *base, char out[HOSHI_STORE_DATE]);
hoshi_err hi_sq_decl_claim(hoshi_store *base, long long org_id, int level, const char *date,
                           char id_out[HOSHI_STORE_DECL_ID], long long *dispute_id);
hoshi_err hi_sq_dispute_list(hoshi_store *base, hoshi_dispute *out, size_t max, size_t *n);
hoshi_err hi_sq_dispute_pending(hoshi_store *base, long long org_id, hoshi_dispute *out);
hoshi_err hi_sq_dispute_resolve(hoshi_store *base, long long id, bool upheld, const char *date);
hoshi_err hi_sq_org_history(hoshi_store *base, long long org_id, hoshi_org_change *out, size_t max,
                            size_t *n);

/* Closes every pooled connection and frees the store. */
void hi_sql_close(hoshi_store *base);

/* The operations (sql_accounts.c, sql_orgs.c, sql_decl.c), each
 * as documented for its hoshi_store_* wrapper in
 * hoshi/store_accounts.h or hoshi/store_registry.h. */
hoshi_err hi_sq_signup(hoshi_store *base, const char *email, const char *pwhash, const char *org_name,
                       long long *user_id, long long *org_id);
hoshi_err hi_sq_user_by_email(hoshi_store *base, const char *email, hoshi_user *out);
hoshi_err hi_sq_session_create(hoshi_store *base, const char *digest, long long user_id,
                               const char *token, long long expires);
hoshi_err hi_sq_session_get(hoshi_store *base, const char *digest, long long now, hoshi_session *out);
hoshi_err hi_sq_session_delete(hoshi_store *base, const char *digest);
hoshi_err hi_sq_user_set_operator(hoshi_store *base, long long user_id, bool on);
hoshi_err hi_sq_org_get(hoshi_store *base, long long org_id, hoshi_org *out);
hoshi_err hi_sq_org_update(hoshi_store *base, const hoshi_org *org);
hoshi_err hi_sq_draft_save(hoshi_store *base, long long org_id, const char *draft);
hoshi_err hi_sq_diagnosis_add(hoshi_store *base, long long org_id, const char *answers, int score,
                              const char *taken_on, long long *id);
hoshi_err hi_sq_diagnosis_get(hoshi_store *base, long long org_id, long long id, hoshi_diagnosis *out);
hoshi_err hi_sq_diagnosis_list(hoshi_store *base, long long org_id, hoshi_diagnosis *out, size_t max,
                               size_t *n);
hoshi_err hi_sq_policy_get(hoshi_store *base, long long org_id, hoshi_policy_rec *out);
hoshi_err hi_sq_policy_save(hoshi_store *base, const hoshi_policy_rec *p);
hoshi_err hi_sq_policy_get_public(hoshi_store *base, long long org_id, hoshi_policy_rec *out);
hoshi_err hi_sq_policy_publish(hoshi_store *base, long long org_id, const char *date);
hoshi_err hi_sq_stats(hoshi_store *base, hoshi_stats *out);
hoshi_err hi_sq_registry_rows(hoshi_store *base, hoshi_registry_row_fn fn, void *ctx);
hoshi_err hi_sq_decl_create(hoshi_store *base, long long org_id, int level, const char *date,
                            char id_out[HOSHI_STORE_DECL_ID]);
hoshi_err hi_sq_decl_withdraw(hoshi_store *base, long long org_id, const char *date);
hoshi_err hi_sq_decl_withdraw_id(hoshi_store *base, const char *id, const char *date);
hoshi_err hi_sq_decl_get(hoshi_store *base, const char *id, hoshi_decl *out);
hoshi_err hi_sq_decl_active(hoshi_store *base, long long org_id, hoshi_decl *out);
hoshi_err hi_sq_decl_search(hoshi_store *base, const hoshi_decl_query *q, hoshi_decl *out, size_t *n,
                            long long *total);
hoshi_err hi_sq_decl_by_corpnum(hoshi_store *base, const char *corpnum, hoshi_decl *out, size_t max,
                                size_t *n);
hoshi_err hi_sq_seed(hoshi_store *base, const hoshi_seed_decl *items, size_t n);
hoshi_err hi_sq_generation(hoshi_store *base, long long *out);

/* Surveys and invitations (sql_survey.c), responses and the figures
 * over them (sql_response.c), as documented in hoshi/store_survey.h. */
hoshi_err hi_sq_survey_create(hoshi_store *base, const hoshi_survey_new *in, long long *id);
hoshi_err hi_sq_survey_get(hoshi_store *base, long long id, const char *today, hoshi_survey *out);
hoshi_err hi_sq_survey_list(hoshi_store *base, const char *today, hoshi_survey *out, size_t max,
                            size_t *n);
hoshi_err hi_sq_survey_set_dates(hoshi_store *base, long long id, const char *opens_on,
                                 const char *closes_on);
hoshi_err hi_sq_survey_close(hoshi_store *base, long long id, const char *date);
hoshi_err hi_sq_survey_invite(hoshi_store *base, long long survey_id, const hoshi_invite_filter *f,
                              const char *today, hoshi_invite_fn fn, void *ctx, long long *invited,
                              long long *skipped);
hoshi_err hi_sq_invitation_by_token(hoshi_store *base, const char *token, const char *today,
                                    hoshi_invitation *out);
hoshi_err hi_sq_invitation_by_org(hoshi_store *base, long long org_id, long long survey_id,
                                  const char *today, hoshi_invitation *out);
hoshi_err hi_sq_survey_pending(hoshi_store *base, long long org_id, const char *today,
                               hoshi_survey_pending *out, size_t max, size_t *n);
hoshi_err hi_sq_response_save(hoshi_store *base, long long invitation_id, const char *answers, int page,
                              const char *today, hoshi_answers_outcome *outcome);
hoshi_err hi_sq_response_submit(hoshi_store *base, long long invitation_id, const char *answers,
                                const char *today, hoshi_answers_outcome *outcome, long long *respondent);
hoshi_err hi_sq_survey_responses(hoshi_store *base, long long survey_id, hoshi_response_fn fn, void *ctx);
hoshi_err hi_sq_survey_progress(hoshi_store *base, long long survey_id, hoshi_survey_progress *out);
/* A date the caller must give (`today`, the day of closing): HOSHI_ERR_INPUT
 * naming `what` unless a real day as YYYY-MM-DD (sql_survey.c). */
hoshi_err hi_sq_check_day(const char *what, const char *date);
/* The state on `today` (a checked date) of the survey whose closed_on,
 * opens_on and closes_on are columns col..col+2 of st's current row
 * (sql_survey.c); HOSHI_ERR_NOMEM when the database could not convert one. */
hoshi_err hi_sq_survey_state_at(hi_conn *c, hi_stmt *st, int col, const char *today,
                                hoshi_survey_state *out);

/* The e-mail outbox and its recipients (sql_outbox.c), as documented
 * in hoshi/store_outbox.h. */
hoshi_err hi_sq_outbox_queue(hoshi_store *base, const hoshi_outbox_new *m, long long now, long long *id,
                             bool *queued);
hoshi_err hi_sq_outbox_due(hoshi_store *base, long long now, hoshi_outbox_msg *out, size_t max, size_t *n);
hoshi_err hi_sq_outbox_get(hoshi_store *base, long long id, hoshi_outbox_msg *out);
hoshi_err hi_sq_outbox_sent(hoshi_store *base, long long id, long long now);
hoshi_err hi_sq_outbox_claim(hoshi_store *base, long long id, long long now, long long until, bool *claimed);
hoshi_err hi_sq_outbox_failed(hoshi_store *base, long long id, const char *error, long long next_attempt);
hoshi_err hi_sq_org_email(hoshi_store *base, long long org_id, char out[HOSHI_STORE_EMAIL]);
hoshi_err hi_sq_reminders_due(hoshi_store *base, const char *cutoff, hoshi_reminder_fn fn, void *ctx);
hoshi_err hi_sq_outbox_give_up(hoshi_store *base, long long id, const char *error, long long now);
hoshi_err hi_sq_outbox_counts(hoshi_store *base, hoshi_outbox_counts *out);
hoshi_err hi_sq_outbox_dead(hoshi_store *base, hoshi_outbox_msg *out, size_t max, size_t *n);
hoshi_err hi_sq_outbox_retry(hoshi_store *base, long long id, long long now);
/* The audit log (sql_audit.c), as documented in hoshi/store_audit.h. */
hoshi_err hi_sq_audit_add(hoshi_store *base, const hoshi_audit_new *a, long long now, long long *id);
hoshi_err hi_sq_audit_list(hoshi_store *base, const char *decl_id, long long offset, hoshi_audit_entry *out,
                           size_t max, size_t *n, long long *total);
hoshi_err hi_sq_decl_withdraw_programme(hoshi_store *base, const hoshi_audit_new *a, const char *date,
                                        long long now, hoshi_decl *out);

/* Members and account tokens (sql_member.c), as documented in
 * hoshi/store_member.h. */
hoshi_err hi_sq_member_get(hoshi_store *base, long long user_id, hoshi_member *out);
hoshi_err hi_sq_member_list(hoshi_store *base, long long org_id, hoshi_member *out, size_t max, size_t *n);
hoshi_err hi_sq_token_add(hoshi_store *base, const char *digest, hoshi_acct_token *t);
hoshi_err hi_sq_token_get(hoshi_store *base, const char *digest, hoshi_token_kind kind, long long now,
                          hoshi_acct_token *out);
hoshi_err hi_sq_invite_list(hoshi_store *base, long long org_id, long long now, hoshi_acct_token *out,
                            size_t max, size_t *n);
hoshi_err hi_sq_invite_revoke(hoshi_store *base, long long org_id, long long id);
hoshi_err hi_sq_token_use(hoshi_store *base, const char *digest, hoshi_token_kind kind, long long now,
                          const char *pwhash, long long *user_id);
hoshi_err hi_sq_password_set(hoshi_store *base, long long user_id, const char *pwhash, const char *keep_digest);
hoshi_err hi_sq_member_remove(hoshi_store *base, long long org_id, long long user_id);
hoshi_err hi_sq_owner_transfer(hoshi_store *base, long long org_id, long long from_user, long long to_user);
hoshi_err hi_sq_user_delete(hoshi_store *base, long long user_id);
/* The versions of a published policy (sql_policy.c), as documented in
 * hoshi/store_policy.h; hi_sq_policy_publish lives there too. */
hoshi_err hi_sq_policy_publish_version(hoshi_store *base, long long org_id, const char *date,
                                       const char *review_on, int *number);
hoshi_err hi_sq_policy_versions(hoshi_store *base, long long org_id, hoshi_policy_version *out, size_t max,
                                size_t *n);
hoshi_err hi_sq_policy_version_get(hoshi_store *base, long long org_id, int number, hoshi_policy_version *out);
hoshi_err hi_sq_policy_set_review(hoshi_store *base, long long org_id, const char *review_on);
hoshi_err hi_sq_policy_reviews_due(hoshi_store *base, const char *cutoff, hoshi_policy_review_fn fn, void *ctx);

/* Log-in and sign-up counters (sql_throttle.c), as documented in
 * hoshi/store_throttle.h. */
hoshi_err hi_sq_throttle_update(hoshi_store *base, hoshi_throttle_counter *c, size_t n, hoshi_throttle_fn decide,
                                void *ctx);
hoshi_err hi_sq_throttle_sweep(hoshi_store *base, long long before, long long *removed);
hoshi_err hi_sq_throttle_secret(hoshi_store *base, unsigned char out[HOSHI_THROTTLE_SECRET]);

/* The supply chain (sql_suppliers.c), as documented in hoshi/store_suppliers.h. */
hoshi_err hi_sq_supplier_add(hoshi_store *base, long long client_org, const hoshi_supplier_new *items, size_t n,
                             long long now);
hoshi_err hi_sq_supplier_remove(hoshi_store *base, long long client_org, long long id);
hoshi_err hi_sq_supplier_list(hoshi_store *base, long long client_org, hoshi_supplier *out, size_t max, size_t *n);
hoshi_err hi_sq_supplier_walk(hoshi_store *base, long long supplier_org, hoshi_supplier_fn fn, void *ctx);
hoshi_err hi_sq_supplier_invite(hoshi_store *base, long long client_org, const hoshi_supplier_link *links,
                                size_t n, long long now);
hoshi_err hi_sq_supplier_by_link(hoshi_store *base, const char *digest, hoshi_supplier *out,
                                 char client_name[HOSHI_STORE_NAME]);
hoshi_err hi_sq_supplier_join(hoshi_store *base, const char *digest, long long org_id);
hoshi_err hi_sq_supplier_clients(hoshi_store *base, long long supplier_org, hoshi_supplier_client *out,
                                 size_t max, size_t *n);
hoshi_err hi_sq_supplier_consent(hoshi_store *base, long long supplier_org, long long client_org, bool grant,
                                 long long now);
hoshi_err hi_sq_supplier_counts(hoshi_store *base, hoshi_supplier_counts *out);

/* The operation table of a store on an SQL database (sql_table.c), the
 * same for every driver. */
extern const hoshi_store_ops hi_sql_ops;

#endif
