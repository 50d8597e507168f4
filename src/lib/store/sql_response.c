/*
 * sql_response.c — responses to surveys in the SQL store
 * (issue 9): saving a draft and submitting, each one write transaction
 * that first checks the invitation may still answer (so two submits
 * racing store once), the snapshot of the organisation's attributes and
 * the respondent number given at submission, the export read of
 * submitted responses and the operator's progress counts.  Surveys and
 * invitations are in sql_survey.c.
 */
#include "sql_int.h"
#include "internal.h"

#include <string.h>

/* The answers text and page: checked before any transaction. */
static hoshi_err check_answers(const char *answers, int page, const char *today,
                               hoshi_answers_outcome *outcome)
{
    hi_sq_field f[] = {{"the answers", answers, HOSHI_STORE_ANSWERS_MAX, HOSHI_STORE_ANSWERS_MAX}};
    hoshi_err err;
    if ((err = hi_sq_check(f, 1)) == HOSHI_OK && (err = hi_sq_check_day("today", today)) == HOSHI_OK &&
        page < 0)
        err = hi_fail(HOSHI_ERR_INPUT, "store: page %d of a response is negative", page);
    *outcome = err == HOSHI_OK ? HOSHI_ANSWERS_STORED : HOSHI_ANSWERS_BAD_INPUT;
    return err;
}

/* What a save or submit needs to know of its invitation, read inside its
 * transaction. */
typedef struct gate {
    long long survey_id, org_id;
} gate;

/* HOSHI_OK when the invitation exists, is not yet submitted and its
 * survey is open today; otherwise the refusal, with *outcome saying
 * which. */
static hoshi_err check_gate(hi_conn *c, long long invitation_id, const char *today, gate *g,
                            hoshi_answers_outcome *outcome)
{
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, "SELECT i.survey_id, i.org_id, s.closed_on, s.opens_on, s.closes_on,"
                                  " EXISTS (SELECT 1 FROM responses r WHERE r.invitation_id = i.id"
                                  " AND r.respondent IS NOT NULL)"
                                  " FROM invitations i JOIN surveys s ON s.id = i.survey_id WHERE i.id = ?1",
                               &st);
    if (err != HOSHI_OK)
        return err;
    hi_bind_int64(st, 1, invitation_id);
    int rc = hi_step(st);
    hoshi_survey_state state;
    if (rc == HI_ROW) {
        g->survey_id = hi_col_int64(st, 0);
        g->org_id = hi_col_int64(st, 1);
        bool submitted = hi_col_int(st, 5) != 0;
        err = hi_sq_survey_state_at(c, st, 2, today, &state);
        if (err == HOSHI_OK && submitted) {
            *outcome = HOSHI_ANSWERS_ALREADY_SUBMITTED;
            err = hi_fail(HOSHI_ERR_INPUT, "store: invitation %lld has already been answered", invitation_id);
        } else if (err == HOSHI_OK && state != HOSHI_SURVEY_OPEN) {
            *outcome = HOSHI_ANSWERS_NOT_OPEN;
            err = hi_fail(HOSHI_ERR_INPUT, "store: survey %lld is not open on %s", g->survey_id, today);
        }
    } else if (rc == HI_DONE) {
        *outcome = HOSHI_ANSWERS_UNKNOWN;
        err = hi_fail(HOSHI_ERR_NOTFOUND, "no such invitation");
    } else {
        err = hi_sq_fail(c, "read invitation");
    }
    hi_sq_done(st);
    return err;
}

/* The write of a save or submit, run after the gate let it through. */
typedef hoshi_err (*answer_write)(hi_conn *c, const gate *g, const void *ctx);

static hoshi_err answer_tx(hoshi_store *base, long long invitation_id, const char *today,
                           answer_write write, const void *ctx, hoshi_answers_outcome *outcome)
{
    gate g = {0};
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hoshi_err err;
    *outcome = HOSHI_ANSWERS_FAILED;
    if ((err = hi_sq_begin(c)) != HOSHI_OK)
        goto release;
    if ((err = check_gate(c, invitation_id, today, &g, outcome)) != HOSHI_OK ||
        (err = write(c, &g, ctx)) != HOSHI_OK || (err = hi_sq_exec(c, "COMMIT")) != HOSHI_OK)
        hi_sq_rollback(c, err);
    else
        *outcome = HOSHI_ANSWERS_STORED;
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}

struct save_args {
    long long invitation_id;
    const char *answers;
    int page;
};

static hoshi_err write_draft(hi_conn *c, const gate *g, const void *ctx)
{
    const struct save_args *a = ctx;
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, "INSERT INTO responses(invitation_id, survey_id, answers, page)"
                                  " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(invitation_id) DO UPDATE"
                                  " SET answers = excluded.answers, page = excluded.page,"
                                  " saved_at = unixepoch()", &st);
    if (err != HOSHI_OK)
        return err;
    hi_bind_int64(st, 1, a->invitation_id);
    hi_bind_int64(st, 2, g->survey_id);
    hi_bind_text(st, 3, a->answers);
    hi_bind_int64(st, 4, a->page);
    if (hi_step(st) != HI_DONE)
        err = hi_sq_fail(c, "save response");
    hi_sq_done(st);
    return err;
}

hoshi_err hi_sq_response_save(hoshi_store *base, long long invitation_id, const char *answers, int page,
                              const char *today, hoshi_answers_outcome *outcome)
{
    hoshi_err err = check_answers(answers, page, today, outcome);
    if (err != HOSHI_OK)
        return err;
    struct save_args a = {invitation_id, answers, page};
    return answer_tx(base, invitation_id, today, write_draft, &a, outcome);
}

struct submit_args {
    long long invitation_id;
    const char *answers;
    long long *respondent;
};

/* The next respondent number of the survey: one step down the
 * (survey_id, respondent) index from its end, however many answered. */
static hoshi_err next_respondent(hi_conn *c, long long survey_id, long long *out)
{
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, "SELECT respondent FROM responses WHERE survey_id = ?1"
                                  " AND respondent IS NOT NULL ORDER BY respondent DESC LIMIT 1", &st);
    if (err != HOSHI_OK)
        return err;
    hi_bind_int64(st, 1, survey_id);
    int rc = hi_step(st);
    if (rc == HI_ROW || rc == HI_DONE)
        *out = (rc == HI_ROW ? hi_col_int64(st, 0) : 0) + 1;
    else
        err = hi_sq_fail(c, "number the response");
    hi_sq_done(st);
    return err;
}

/* The attributes are read from the organisation as it is now: its active
 * declaration's level (0 without one), its size band, industry and
 * prefecture, and its latest diagnosis's score (NULL without one). */
static hoshi_err write_final(hi_conn *c, const gate *g, const void *ctx)
{
    const struct submit_args *a = ctx;
    long long number = 0;
    hi_stmt *st;
    hoshi_err err;
    if ((err = next_respondent(c, g->survey_id, &number)) != HOSHI_OK ||
        (err = hi_sq_prep(c, "INSERT INTO responses(invitation_id, survey_id, answers, respondent,"
                             " submitted_at, dlevel, dsize, dindustry, dpref, dscore)"
                             " SELECT ?1, ?2, ?3, ?4, unixepoch(),"
                             " coalesce((SELECT d.level FROM declarations d WHERE d.org_id = o.id"
                             " AND d.status = 1), 0), o.employees, o.industry, o.prefecture,"
                             " (SELECT g.score FROM diagnoses g WHERE g.org_id = o.id ORDER BY g.id DESC LIMIT 1)"
                             " FROM orgs o WHERE o.id = ?5"
                             " ON CONFLICT(invitation_id) DO UPDATE SET answers = excluded.answers,"
                             " respondent = excluded.respondent, submitted_at = excluded.submitted_at,"
                             " saved_at = unixepoch(), dlevel = excluded.dlevel, dsize = excluded.dsize,"
                             " dindustry = excluded.dindustry, dpref = excluded.dpref,"
                             " dscore = excluded.dscore", &st)) != HOSHI_OK)
        return err;
    hi_bind_int64(st, 1, a->invitation_id);
    hi_bind_int64(st, 2, g->survey_id);
    hi_bind_text(st, 3, a->answers);
    hi_bind_int64(st, 4, number);
    hi_bind_int64(st, 5, g->org_id);
    if (hi_step(st) != HI_DONE)
        err = hi_sq_fail(c, "submit response");
    else if (hi_sq_changes(c) != 1)
        err = hi_fail(HOSHI_ERR_INTERNAL, "store: the organisation of invitation %lld is gone",
                      a->invitation_id);
    else
        *a->respondent = number;
    hi_sq_done(st);
    return err;
}

hoshi_err hi_sq_response_submit(hoshi_store *base, long long invitation_id, const char *answers,
                                const char *today, hoshi_answers_outcome *outcome, long long *respondent)
{
    *respondent = 0;
    hoshi_err err = check_answers(answers, 0, today, outcome);
    if (err != HOSHI_OK)
        return err;
    long long number = 0;
    struct submit_args a = {invitation_id, answers, &number};
    if ((err = answer_tx(base, invitation_id, today, write_final, &a, outcome)) == HOSHI_OK)
        *respondent = number;
    return err;
}

/* --- reading submitted responses ----------------------------------------- */

static hoshi_err row_read(hi_conn *c, hi_stmt *st, hoshi_response_row *row)
{
    memset(row, 0, sizeof *row);
    row->respondent = hi_col_int64(st, 0);
    row->answers = hi_col_text(st, 1);
    row->answers_len = (size_t)hi_col_bytes(st, 1);
    row->level = hi_col_int(st, 2);
    row->size = hi_col_int(st, 3);
    hi_sq_text(st, 4, row->industry, sizeof row->industry);
    row->prefecture = hi_col_int(st, 5);
    row->has_score = !hi_col_null(st, 6);
    row->score = hi_col_int(st, 6);
    hoshi_err err = hi_sq_read_ok(c, "responses");
    if (err == HOSHI_OK && row->answers == NULL)
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory reading responses");
    return err;
}

hoshi_err hi_sq_survey_responses(hoshi_store *base, long long survey_id, hoshi_response_fn fn, void *ctx)
{
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hi_stmt *st;
    /* One statement is one read transaction: a consistent snapshot. */
    hoshi_err err = hi_sq_prep(c, "SELECT respondent, answers, dlevel, dsize, dindustry, dpref, dscore"
                                  " FROM responses WHERE survey_id = ?1 AND respondent IS NOT NULL"
                                  " ORDER BY respondent", &st);
    if (err != HOSHI_OK)
        goto release;
    hi_bind_int64(st, 1, survey_id);
    int rc = HI_DONE;
    hoshi_response_row row;
    while (err == HOSHI_OK && (rc = hi_step(st)) == HI_ROW) {
        if ((err = row_read(c, st, &row)) == HOSHI_OK)
            err = fn(ctx, &row);
    }
    if (err == HOSHI_OK && rc != HI_DONE)
        err = hi_sq_fail(c, "read responses");
    hi_sq_done(st);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}

/* --- progress ------------------------------------------------------------ */

static void add_counts(hoshi_survey_counts *to, const hoshi_survey_counts *n)
{
    to->invited += n->invited;
    to->started += n->started;
    to->submitted += n->submitted;
}

/* An attribute value as an index of its table: 0 when not given or out
 * of range. */
static size_t slot(int v, size_t n)
{
    return v > 0 && (size_t)v < n ? (size_t)v : 0;
}

static void add_group(hoshi_survey_progress *p, hi_stmt *st)
{
    hoshi_survey_counts n = {hi_col_int64(st, 4), hi_col_int64(st, 5),
                             hi_col_int64(st, 6)};
    const char *ind = hi_col_text(st, 2);
    int industry = ind != NULL && ind[0] >= 'A' && ind[1] == '\0' ? ind[0] - 'A' + 1 : 0;
    add_counts(&p->all, &n);
    add_counts(&p->level[slot(hi_col_int(st, 0), 3)], &n);
    add_counts(&p->size[slot(hi_col_int(st, 1), 7)], &n);
    add_counts(&p->industry[slot(industry, HOSHI_STORE_INDUSTRIES + 1)], &n);
    add_counts(&p->prefecture[slot(hi_col_int(st, 3), 48)], &n);
}

hoshi_err hi_sq_survey_progress(hoshi_store *base, long long survey_id, hoshi_survey_progress *out)
{
    memset(out, 0, sizeof *out);
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hi_stmt *st;
    /* One statement (one snapshot): the survey's row joins in so an
     * unknown survey gives no rows at all, and a survey without
     * invitations gives one row of NULL groups and zero counts. */
    hoshi_err err = hi_sq_prep(c, "SELECT i.level, i.size, i.industry, i.prefecture, count(i.id),"
                                  " count(r.invitation_id) - count(r.respondent), count(r.respondent)"
                                  " FROM surveys s LEFT JOIN invitations i ON i.survey_id = s.id"
                                  " LEFT JOIN responses r ON r.invitation_id = i.id"
                                  " WHERE s.id = ?1 GROUP BY 1, 2, 3, 4", &st);
    if (err != HOSHI_OK)
        goto release;
    hi_bind_int64(st, 1, survey_id);
    int rc;
    size_t groups = 0;
    while ((rc = hi_step(st)) == HI_ROW) {
        add_group(out, st);
        groups++;
    }
    if (rc != HI_DONE)
        err = hi_sq_fail(c, "survey progress");
    else if (groups == 0)
        err = hi_fail(HOSHI_ERR_NOTFOUND, "no such survey");
    hi_sq_done(st);
release:
    hi_sq_release(HI_SQ(base), c);
    if (err != HOSHI_OK)
        memset(out, 0, sizeof *out);
    return err;
}
