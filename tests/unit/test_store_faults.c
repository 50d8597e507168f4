/*
 * test_store_faults.c — every store operation with an allocation failing
 * at each point in turn, first in the library's allocator
 * (hoshi_testing_fail_alloc_after), then in SQLite's own (this program
 * installs a failing one with SQLITE_CONFIG_MALLOC, as SQLite's tests do),
 * both where every later allocation fails too and where only the one
 * does.  Each attempt must return HOSHI_OK with the right answer or an
 * error with nothing written; never a crash, never a leak (the sanitizers
 * watch) and never success that did not happen.
 */
#include "hoshi/store.h"
#include "hoshi/store_accounts.h"
#include "hoshi/store_member.h"
#include "hoshi/store_audit.h"
#include "hoshi/store_suppliers.h"
#include "hoshi/store_outbox.h"
#include "hoshi/store_registry.h"
#include "hoshi/store_survey.h"
#include "hoshi/testing.h"
#include "unit.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* --- a failing allocator for SQLite -------------------------------------- */

static sqlite3_mem_methods real_mem;
static long sq_countdown = -1; /* allocations left before failing; <0 off */
static bool sq_sticky;         /* once failing, every later one fails */
static long sq_injected;       /* failures injected since armed */

static bool sq_fail_now(void)
{
    if (sq_countdown < 0)
        return false;
    if (sq_countdown > 0) {
        sq_countdown--;
        return false;
    }
    sq_injected++;
    if (!sq_sticky)
        sq_countdown = -1;
    return true;
}

static void *sq_malloc(int n)
{
    return sq_fail_now() ? NULL : real_mem.xMalloc(n);
}

static void *sq_realloc(void *p, int n)
{
    return sq_fail_now() ? NULL : real_mem.xRealloc(p, n);
}

static bool install_failing_sqlite_allocator(void)
{
    sqlite3_mem_methods m;
    if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_mem) != SQLITE_OK)
        return false;
    m = real_mem;
    m.xMalloc = sq_malloc;
    m.xRealloc = sq_realloc;
    /* Without the lookaside buffers every allocation reaches sq_malloc. */
    return sqlite3_config(SQLITE_CONFIG_MALLOC, &m) == SQLITE_OK &&
           sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0) == SQLITE_OK;
}

/* --- the two ways of failing --------------------------------------------- */

typedef enum { IN_LIBRARY, IN_SQLITE_STICKY, IN_SQLITE_ONCE } fault_kind;

static const char *const kind_name[] = {"library allocator", "SQLite, every later allocation too",
                                        "SQLite, one allocation"};

static void arm(fault_kind k, long n)
{
    if (k == IN_LIBRARY) {
        hoshi_testing_fail_alloc_after(n);
    } else {
        sq_sticky = k == IN_SQLITE_STICKY;
        sq_injected = 0;
        sq_countdown = n;
    }
}

/* Disarms; true when a failure was injected (for the library's allocator
 * that cannot be told, so its loop ends on the first success). */
static bool disarm(fault_kind k)
{
    if (k == IN_LIBRARY) {
        hoshi_testing_fail_alloc_after(-1);
        return true;
    }
    sq_countdown = -1;
    return sq_injected > 0;
}

/* --- the operations ------------------------------------------------------ */

typedef struct ctx {
    hoshi_store *s;
    char path[128];
    long long uid, oid, now;
    char decl[12];
    int attempt;
    hoshi_org org;
    long long survey, inv;        /* the survey of setup, its invitation */
    char token[HOSHI_STORE_INVITE_TOKEN];
    long long fresh, fresh_inv;   /* made by an operation's prepare */
} ctx;

static int problems;

static void problem(const char *op, long n, const char *what, hoshi_err err)
{
    if (problems++ < 20)
        printf("  %s, failure at %ld: %s (err %d: %s)\n", op, n, what, (int)err, hoshi_error_detail());
    unit_case_failed = 1;
}

/* An operation: prepare (not under injection) sets up what it needs, run
 * is the one store call under injection, verify (not under injection)
 * checks the result and the database after it: NULL when right, else
 * what is wrong. */
typedef struct op {
    const char *name;
    void (*prepare)(ctx *x);
    hoshi_err (*run)(ctx *x, void *out);
    const char *(*verify)(ctx *x, hoshi_err err, void *out);
} op;

static const char *read_user(ctx *x, hoshi_err err, void *out)
{
    const hoshi_user *u = out;
    (void)x;
    if (err == HOSHI_OK && (u->id != x->uid || strcmp(u->pwhash, "$argon2id$hash") != 0 ||
                            strcmp(u->email, "owner@example.jp") != 0))
        return "wrong user";
    return NULL;
}

static hoshi_err run_user(ctx *x, void *out)
{
    return hoshi_store_user_by_email(x->s, "owner@example.jp", out);
}

static hoshi_err run_session_get(ctx *x, void *out)
{
    return hoshi_store_session_get(x->s, "sid-main", x->now, out);
}

static const char *read_session(ctx *x, hoshi_err err, void *out)
{
    const hoshi_session *ses = out;
    if (err == HOSHI_OK && (ses->user_id != x->uid || ses->org_id != x->oid || strcmp(ses->token, "csrf") != 0))
        return "wrong session";
    return NULL;
}

static hoshi_err run_org_get(ctx *x, void *out)
{
    return hoshi_store_org_get(x->s, x->oid, out);
}

static const char *read_org(ctx *x, hoshi_err err, void *out)
{
    const hoshi_org *o = out;
    if (err == HOSHI_OK && (o->id != x->oid || strncmp(o->name, "星野商店", strlen("星野商店")) != 0 ||
                            o->prefecture != 13))
        return "wrong organisation";
    return NULL;
}

static void prepare_org_update(ctx *x)
{
    x->attempt++;
    if (hoshi_store_org_get(x->s, x->oid, &x->org) != HOSHI_OK)
        x->org.id = 0;
    snprintf(x->org.name, sizeof x->org.name, "星野商店 %d", x->attempt);
}

static hoshi_err run_org_update(ctx *x, void *out)
{
    (void)out;
    return hoshi_store_org_update(x->s, &x->org);
}

static const char *check_org_update(ctx *x, hoshi_err err, void *out)
{
    (void)out;
    hoshi_org o;
    char want[64];
    snprintf(want, sizeof want, "星野商店 %d", x->attempt);
    if (hoshi_store_org_get(x->s, x->oid, &o) != HOSHI_OK)
        return "organisation unreadable";
    if ((err == HOSHI_OK) != (strcmp(o.name, want) == 0))
        return err == HOSHI_OK ? "success, but the name is unchanged" : "failure, but the name changed";
    return NULL;
}

static hoshi_err run_draft_save(ctx *x, void *out)
{
    (void)out;
    char draft[26];
    snprintf(draft, sizeof draft, "%025d", x->attempt % 5);
    return hoshi_store_draft_save(x->s, x->oid, draft);
}

static const char *check_draft_save(ctx *x, hoshi_err err, void *out)
{
    (void)out;
    hoshi_org o;
    char want[26];
    snprintf(want, sizeof want, "%025d", x->attempt % 5);
    if (hoshi_store_org_get(x->s, x->oid, &o) != HOSHI_OK)
        return "organisation unreadable";
    if (err == HOSHI_OK && strcmp(o.draft, want) != 0)
        return "success, but the draft is unchanged";
    return NULL;
}

static void prepare_draft(ctx *x)
{
    x->attempt++;
    hoshi_store_draft_save(x->s, x->oid, "4444444444444444444444444");
}

static size_t count_diagnoses(ctx *x)
{
    hoshi_diagnosis d[64];
    size_t n = 0;
    if (hoshi_store_diagnosis_list(x->s, x->oid, d, 64, &n) != HOSHI_OK)
        return (size_t)-1;
    return n;
}

static size_t diagnoses_before;

static void prepare_diagnosis_add(ctx *x)
{
    diagnoses_before = count_diagnoses(x);
}

static hoshi_err run_diagnosis_add(ctx *x, void *out)
{
    return hoshi_store_diagnosis_add(x->s, x->oid, "1111111111111111111111111", 100, "2026-04-01", out);
}

static const char *check_diagnosis_add(ctx *x, hoshi_err err, void *out)
{
    size_t n = count_diagnoses(x);
    if (err != HOSHI_OK)
        return n == diagnoses_before ? NULL : "failure, but a diagnosis was added";
    hoshi_diagnosis d;
    if (n != diagnoses_before + 1 || hoshi_store_diagnosis_get(x->s, x->oid, *(long long *)out, &d) != HOSHI_OK ||
        d.score != 100)
        return "success, but no such diagnosis";
    return NULL;
}

static hoshi_err run_diagnosis_list(ctx *x, void *out)
{
    size_t n = 0;
    hoshi_diagnosis d[8];
    hoshi_err err = hoshi_store_diagnosis_list(x->s, x->oid, d, 8, &n);
    *(size_t *)out = n;
    return err;
}

static const char *check_diagnosis_list(ctx *x, hoshi_err err, void *out)
{
    size_t n = count_diagnoses(x);
    if (err == HOSHI_OK && *(size_t *)out != (n < 8 ? n : 8))
        return "success, but rows missing";
    if (err != HOSHI_OK && *(size_t *)out != 0)
        return "failure, but rows given";
    return NULL;
}

static hoshi_err run_policy_get(ctx *x, void *out)
{
    return hoshi_store_policy_get(x->s, x->oid, out);
}

static hoshi_err run_policy_get_public(ctx *x, void *out)
{
    return hoshi_store_policy_get_public(x->s, x->oid, out);
}

static const char *check_policy_read(ctx *x, hoshi_err err, void *out)
{
    hoshi_policy_rec *p = out;
    (void)x;
    const char *bad = NULL;
    if (err == HOSHI_OK && (p->body == NULL || strncmp(p->body, "方針", strlen("方針")) != 0 ||
                            strcmp(p->representative, "代表 星野") != 0 || !p->published))
        bad = "wrong policy";
    if (err != HOSHI_OK && p->body != NULL)
        bad = "failure, but a body to free";
    free(p->body);
    p->body = NULL;
    return bad;
}

static char *public_body(ctx *x)
{
    hoshi_policy_rec p = {0};
    if (hoshi_store_policy_get_public(x->s, x->oid, &p) != HOSHI_OK)
        return NULL;
    return p.body;
}

static char public_before[64];

static void prepare_policy(ctx *x)
{
    x->attempt++;
    char *b = public_body(x);
    snprintf(public_before, sizeof public_before, "%s", b ? b : "");
    free(b);
}

static hoshi_err run_policy_save(ctx *x, void *out)
{
    (void)out;
    hoshi_policy_rec p = {x->oid, "代表 星野", "", "2026-04-01", NULL, true, "2030-01-01", false};
    char body[32];
    snprintf(body, sizeof body, "方針 %d", x->attempt);
    p.body = body;
    return hoshi_store_policy_save(x->s, &p);
}

static const char *check_policy_save(ctx *x, hoshi_err err, void *out)
{
    (void)out;
    hoshi_policy_rec p = {0};
    char want[32];
    snprintf(want, sizeof want, "方針 %d", x->attempt);
    if (hoshi_store_policy_get(x->s, x->oid, &p) != HOSHI_OK)
        return "policy unreadable";
    bool saved = strcmp(p.body, want) == 0;
    free(p.body);
    char *pub = public_body(x);
    bool same = pub != NULL && strcmp(pub, public_before) == 0;
    free(pub);
    if (!same)
        return "the published version changed";
    if (err == HOSHI_OK && !saved)
        return "success, but the draft is unchanged";
    if (err != HOSHI_OK && saved)
        return "failure, but the draft changed";
    return NULL;
}

static hoshi_err run_policy_publish(ctx *x, void *out)
{
    (void)out;
    return hoshi_store_policy_publish(x->s, x->oid, "2026-04-02");
}

static void prepare_publish(ctx *x)
{
    prepare_policy(x);
    run_policy_save(x, NULL);
}

static const char *check_policy_publish(ctx *x, hoshi_err err, void *out)
{
    (void)out;
    char want[32];
    snprintf(want, sizeof want, "方針 %d", x->attempt);
    char *pub = public_body(x);
    bool published = pub != NULL && strcmp(pub, want) == 0;
    bool unchanged = pub != NULL && strcmp(pub, public_before) == 0;
    free(pub);
    if (err == HOSHI_OK && !published)
        return "success, but not published";
    if (err != HOSHI_OK && !unchanged)
        return "failure, but the published version changed";
    return NULL;
}

static char active_before[12];

static void remember_active(ctx *x)
{
    hoshi_decl d;
    active_before[0] = '\0';
    if (hoshi_store_decl_active(x->s, x->oid, &d) == HOSHI_OK)
        snprintf(active_before, sizeof active_before, "%s", d.id);
}

static hoshi_err run_decl_create(ctx *x, void *out)
{
    return hoshi_store_decl_create(x->s, x->oid, 2, "2026-04-03", out);
}

static const char *check_decl_create(ctx *x, hoshi_err err, void *out)
{
    hoshi_decl d;
    bool active = hoshi_store_decl_active(x->s, x->oid, &d) == HOSHI_OK;
    if (err == HOSHI_OK) {
        if (!active || strcmp(d.id, out) != 0 || d.level != 2)
            return "success, but not the active declaration";
        snprintf(x->decl, sizeof x->decl, "%s", d.id);
    } else if (!active || strcmp(d.id, active_before) != 0) {
        return "failure, but the active declaration changed";
    }
    return NULL;
}

static void ensure_active(ctx *x)
{
    hoshi_decl d;
    if (hoshi_store_decl_active(x->s, x->oid, &d) != HOSHI_OK)
        hoshi_store_decl_create(x->s, x->oid, 1, "2026-04-04", x->decl);
    remember_active(x);
}

static hoshi_err run_decl_withdraw(ctx *x, void *out)
{
    (void)out;
    return hoshi_store_decl_withdraw(x->s, x->oid, "2026-04-05");
}

static hoshi_err run_decl_withdraw_id(ctx *x, void *out)
{
    (void)out;
    return hoshi_store_decl_withdraw_id(x->s, active_before, "2026-04-05");
}

static const char *check_withdrawn(ctx *x, hoshi_err err, void *out)
{
    (void)out;
    hoshi_decl d;
    if (hoshi_store_decl_get(x->s, active_before, &d) != HOSHI_OK)
        return "declaration unreadable";
    if (err == HOSHI_OK && d.status != HOSHI_DECL_WITHDRAWN)
        return "success, but still active";
    if (err != HOSHI_OK && d.status != HOSHI_DECL_ACTIVE)
        return "failure, but withdrawn";
    return NULL;
}

/* --- the operator's audit log (issue 11 part 6) */
static long long audit_total(ctx *x)
{
    hoshi_audit_entry e;
    size_t n = 0;
    long long total = -1;
    if (hoshi_store_audit_list(x->s, NULL, 0, &e, 1, &n, &total) != HOSHI_OK)
        return -1;
    return total;
}

static long long audit_before;

static void prepare_withdraw_programme(ctx *x)
{
    ensure_active(x);
    audit_before = audit_total(x);
}

static hoshi_err run_withdraw_programme(ctx *x, void *out)
{
    hoshi_audit_new a = {x->uid, "withdraw", active_before, 0, "other", "メモ"};
    return hoshi_store_decl_withdraw_programme(x->s, &a, "2026-04-05", 5000, out);
}

/* The withdrawal and its row: both or neither. */
static const char *check_withdraw_programme(ctx *x, hoshi_err err, void *out)
{
    const char *why = check_withdrawn(x, err, out);
    long long total = audit_total(x);
    if (why != NULL)
        return why;
    if (err == HOSHI_OK && (total != audit_before + 1 || !((hoshi_decl *)out)->by_programme))
        return "success, but no audit row or not the programme's";
    if (err != HOSHI_OK && total != audit_before)
        return "failure, but an audit row written";
    return NULL;
}

static void prepare_audit_add(ctx *x)
{
    audit_before = audit_total(x);
}

static hoshi_err run_audit_add(ctx *x, void *out)
{
    hoshi_audit_new a = {x->uid, "dispute_reject", "", x->oid, NULL, "dispute 1"};
    return hoshi_store_audit_add(x->s, &a, 6000, out);
}

static const char *check_audit_add(ctx *x, hoshi_err err, void *out)
{
    (void)out;
    long long total = audit_total(x);
    if (err == HOSHI_OK && total != audit_before + 1)
        return "success, but no row";
    if (err != HOSHI_OK && total != audit_before)
        return "failure, but a row written";
    return NULL;
}

static hoshi_err run_audit_list(ctx *x, void *out)
{
    size_t n = 0;
    long long total = 0;
    hoshi_err err = hoshi_store_audit_list(x->s, NULL, 0, out, 1, &n, &total);
    if (err == HOSHI_OK && (n != 1 || total < 1))
        return HOSHI_ERR_INTERNAL;
    return err;
}

static const char *check_audit_list(ctx *x, hoshi_err err, void *out)
{
    (void)x;
    return err == HOSHI_OK && ((hoshi_audit_entry *)out)->action[0] == '\0' ? "success, but an empty row" : NULL;
}

static hoshi_err run_decl_get(ctx *x, void *out)
{
    return hoshi_store_decl_get(x->s, active_before, out);
}

static hoshi_err run_decl_active(ctx *x, void *out)
{
    return hoshi_store_decl_active(x->s, x->oid, out);
}

static const char *check_decl_read(ctx *x, hoshi_err err, void *out)
{
    const hoshi_decl *d = out;
    if (err == HOSHI_OK && (strcmp(d->id, active_before) != 0 || d->org_id != x->oid ||
                            strncmp(d->org_name, "星野商店", strlen("星野商店")) != 0 || !d->has_policy))
        return "wrong declaration";
    return NULL;
}

typedef struct search_out {
    hoshi_decl d[4];
    size_t n;
    long long total;
} search_out;

/* Three searches: withdrawn ones included (declarations and
 * organisations), a name in force (its bigram's declarations, the count
 * keeping their seqs), one character (the grams that begin with it). */
static const hoshi_decl_query searches[] = {
    {"星野", 13, NULL, 0, true, 0, 4, 0},
    {"星野", 0, NULL, 0, false, 0, 4, 0},
    {"星", 0, NULL, 0, false, 0, 4, 0},
};

static hoshi_err run_searches(ctx *x, void *out)
{
    search_out *o = out;
    hoshi_err err = HOSHI_OK;
    for (size_t i = 0; i < sizeof searches / sizeof searches[0] && err == HOSHI_OK; i++)
        err = hoshi_store_decl_search(x->s, &searches[i], o[i].d, &o[i].n, &o[i].total);
    return err;
}

static hoshi_err run_search(ctx *x, void *out)
{
    search_out *o = out;
    memset(o, 0, 3 * sizeof *o);
    return run_searches(x, out);
}

static const char *check_search(ctx *x, hoshi_err err, void *out)
{
    const search_out *o = out;
    search_out want[3];
    memset(want, 0, sizeof want);
    if (run_searches(x, want) != HOSHI_OK)
        return "search fails";
    /* A failure stops the run at the search that failed, which gives
     * nothing: each search's results are right or empty. */
    for (size_t i = 0; i < 3; i++) {
        bool right = o[i].n == want[i].n && o[i].total == want[i].total && o[i].n > 0 &&
                     strcmp(o[i].d[0].id, want[i].d[0].id) == 0;
        bool empty = o[i].n == 0 && o[i].total == 0;
        if (err == HOSHI_OK && !right)
            return "success, but wrong results";
        if (err != HOSHI_OK && !right && !empty)
            return "failure, but results given";
    }
    return NULL;
}

static char email[64];

static void prepare_signup(ctx *x)
{
    snprintf(email, sizeof email, "new%d@example.jp", ++x->attempt);
}

static hoshi_err run_signup(ctx *x, void *out)
{
    long long *ids = out;
    return hoshi_store_signup(x->s, email, "$argon2id$new", "新しい会社", &ids[0], &ids[1]);
}

static const char *check_signup(ctx *x, hoshi_err err, void *out)
{
    const long long *ids = out;
    hoshi_user u;
    hoshi_err got = hoshi_store_user_by_email(x->s, email, &u);
    if (err == HOSHI_OK && (got != HOSHI_OK || u.id != ids[0] || u.org_id != ids[1]))
        return "success, but no such user";
    if (err != HOSHI_OK && got != HOSHI_ERR_NOTFOUND)
        return "failure, but the user exists";
    return NULL;
}

static char sid[32];

static void prepare_session_create(ctx *x)
{
    snprintf(sid, sizeof sid, "sid-%d", ++x->attempt);
}

/* Sessions that outlive the whole run: creating one deletes the expired
 * ones by the clock, and on a loaded machine a run can take an hour. */
#define SESSION_TTL 86400

static hoshi_err run_session_create(ctx *x, void *out)
{
    (void)out;
    return hoshi_store_session_create(x->s, sid, x->uid, "csrf", x->now + SESSION_TTL);
}

static const char *check_session_exists(ctx *x, hoshi_err err, void *out, bool want_exists)
{
    (void)out;
    hoshi_session ses;
    hoshi_err got = hoshi_store_session_get(x->s, sid, x->now, &ses);
    if (got != HOSHI_OK && got != HOSHI_ERR_NOTFOUND)
        return "session unreadable";
    bool exists = got == HOSHI_OK;
    if (err == HOSHI_OK && exists != want_exists)
        return want_exists ? "success, but no session" : "success, but the session is still there";
    if (err != HOSHI_OK && exists == want_exists)
        return want_exists ? "failure, but a session exists" : "failure, but the session is gone";
    return NULL;
}

static const char *check_session_create(ctx *x, hoshi_err err, void *out)
{
    return check_session_exists(x, err, out, true);
}

static void prepare_session_delete(ctx *x)
{
    prepare_session_create(x);
    hoshi_store_session_create(x->s, sid, x->uid, "csrf", x->now + SESSION_TTL);
}

static hoshi_err run_session_delete(ctx *x, void *out)
{
    (void)out;
    return hoshi_store_session_delete(x->s, sid);
}

static const char *check_session_delete(ctx *x, hoshi_err err, void *out)
{
    return check_session_exists(x, err, out, false);
}

static bool operator_on;

static void prepare_operator(ctx *x)
{
    hoshi_session ses;
    (void)x;
    operator_on = hoshi_store_session_get(x->s, "sid-main", x->now, &ses) == HOSHI_OK && ses.is_operator;
}

static hoshi_err run_operator(ctx *x, void *out)
{
    (void)out;
    return hoshi_store_user_set_operator(x->s, x->uid, !operator_on);
}

static const char *check_operator(ctx *x, hoshi_err err, void *out)
{
    (void)out;
    hoshi_session ses;
    if (hoshi_store_session_get(x->s, "sid-main", x->now, &ses) != HOSHI_OK)
        return "session unreadable";
    if (err == HOSHI_OK && ses.is_operator == operator_on)
        return "success, but the role is unchanged";
    if (err != HOSHI_OK && ses.is_operator != operator_on)
        return "failure, but the role changed";
    return NULL;
}

static hoshi_err run_stats(ctx *x, void *out)
{
    return hoshi_store_stats(x->s, out);
}

static const char *check_stats(ctx *x, hoshi_err err, void *out)
{
    const hoshi_stats *st = out;
    hoshi_stats want;
    if (hoshi_store_stats(x->s, &want) != HOSHI_OK)
        return "statistics fail";
    if (err == HOSHI_OK && memcmp(st, &want, sizeof want) != 0)
        return "success, but wrong figures";
    return NULL;
}

static long long orgs_before;

static void prepare_seed(ctx *x)
{
    hoshi_stats st;
    orgs_before = hoshi_store_stats(x->s, &st) == HOSHI_OK ? st.orgs : -1;
}

static hoshi_err run_seed(ctx *x, void *out)
{
    (void)out;
    hoshi_org o = {0};
    snprintf(o.name, sizeof o.name, "デモ商店");
    o.prefecture = 27;
    hoshi_seed_decl items[2] = {{&o, 1, "2026-01-01", NULL, NULL, NULL, 0},
                                {&o, 2, "2026-01-01", "方針", "代表", "1111111111111111111111111", 100}};
    return hoshi_store_seed(x->s, items, 2);
}

static const char *check_seed(ctx *x, hoshi_err err, void *out)
{
    (void)out;
    hoshi_stats st;
    if (hoshi_store_stats(x->s, &st) != HOSHI_OK)
        return "statistics fail";
    /* ANALYZE after the commit may fail and be reported: the rows are
     * then in, which is all-or-nothing still. */
    if (err == HOSHI_OK && st.orgs != orgs_before + 2)
        return "success, but not seeded";
    if (err != HOSHI_OK && st.orgs != orgs_before && st.orgs != orgs_before + 2)
        return "failure, and seeded in part";
    return NULL;
}

static hoshi_err run_open(ctx *x, void *out)
{
    hoshi_store **s = out;
    return hoshi_store_open_sqlite(x->path, 2, s);
}

static const char *check_open(ctx *x, hoshi_err err, void *out)
{
    hoshi_store **s = out;
    const char *bad = NULL;
    (void)x;
    if (err != HOSHI_OK && *s != NULL)
        bad = "failure, but a store";
    hoshi_stats st;
    if (err == HOSHI_OK && (*s == NULL || hoshi_store_stats(*s, &st) != HOSHI_OK || st.orgs < 1))
        bad = "success, but the store does not work";
    hoshi_store_close(*s);
    *s = NULL;
    return bad;
}


/* --- surveys (hoshi/store_survey.h) -------------------------------------- */

#define TODAY "2026-04-10"

static long long survey_new(ctx *x)
{
    hoshi_survey_new in = {"faults", "故障調査", "1", "definition", 10, "2026-04-01", NULL, NULL};
    long long id = 0;
    if (hoshi_store_survey_create(x->s, &in, &id) != HOSHI_OK)
        return 0;
    return id;
}

/* The id of the newest survey (0 when none, -1 when unreadable). */
static long long newest_survey(ctx *x)
{
    hoshi_survey v[1];
    size_t n = 0;
    if (hoshi_store_survey_list(x->s, TODAY, v, 1, &n) != HOSHI_OK)
        return -1;
    return n == 1 ? v[0].id : 0;
}

static long long newest_before;

static void prepare_survey_create(ctx *x)
{
    newest_before = newest_survey(x);
}

static hoshi_err run_survey_create(ctx *x, void *out)
{
    hoshi_survey_new in = {"faults", "故障調査", "1", "definition", 10, "2026-04-01", NULL, "2026-12-31"};
    return hoshi_store_survey_create(x->s, &in, out);
}

static const char *check_survey_create(ctx *x, hoshi_err err, void *out)
{
    long long newest = newest_survey(x);
    if (err != HOSHI_OK)
        return newest == newest_before ? NULL : "failure, but a survey was added";
    hoshi_survey v;
    if (newest != *(long long *)out || newest <= newest_before ||
        hoshi_store_survey_get(x->s, newest, TODAY, &v) != HOSHI_OK)
        return "success, but no such survey";
    bool right = strcmp(v.closes_on, "2026-12-31") == 0 && v.definition_len == 10;
    free(v.definition);
    return right ? NULL : "success, but the wrong survey";
}

static hoshi_err run_survey_get(ctx *x, void *out)
{
    return hoshi_store_survey_get(x->s, x->survey, TODAY, out);
}

static const char *check_survey_get(ctx *x, hoshi_err err, void *out)
{
    hoshi_survey *v = out;
    const char *bad = NULL;
    if (err == HOSHI_OK && (v->id != x->survey || v->definition == NULL ||
                            memcmp(v->definition, "definition", 10) != 0 || v->counts.invited != 1))
        bad = "wrong survey";
    if (err != HOSHI_OK && v->definition != NULL)
        bad = "failure, but a definition to free";
    free(v->definition);
    v->definition = NULL;
    return bad;
}

static hoshi_err run_survey_list(ctx *x, void *out)
{
    hoshi_survey list[2];
    size_t n = 0;
    hoshi_err err = hoshi_store_survey_list(x->s, TODAY, list, 2, &n);
    *(size_t *)out = n;
    return err;
}

static const char *check_survey_list(ctx *x, hoshi_err err, void *out)
{
    (void)x; /* setup made one survey, survey_create more */
    if (err == HOSHI_OK && *(size_t *)out != 2)
        return "success, but rows missing";
    if (err != HOSHI_OK && *(size_t *)out != 0)
        return "failure, but rows given";
    return NULL;
}

static char closes_want[16];

static void prepare_set_dates(ctx *x)
{
    snprintf(closes_want, sizeof closes_want, "2027-01-%02d", 1 + ++x->attempt % 28);
}

static hoshi_err run_set_dates(ctx *x, void *out)
{
    (void)out;
    return hoshi_store_survey_set_dates(x->s, x->survey, "", closes_want);
}

static const char *check_set_dates(ctx *x, hoshi_err err, void *out)
{
    (void)out;
    hoshi_survey v;
    if (hoshi_store_survey_get(x->s, x->survey, TODAY, &v) != HOSHI_OK)
        return "survey unreadable";
    free(v.definition);
    if (err == HOSHI_OK && strcmp(v.closes_on, closes_want) != 0)
        return "success, but the date is unchanged";
    return NULL;
}

/* A new survey, and the organisation declared so it can be invited. */
static void prepare_fresh_survey(ctx *x)
{
    ensure_active(x);
    x->fresh = survey_new(x);
}

static hoshi_err run_survey_close(ctx *x, void *out)
{
    (void)out;
    return hoshi_store_survey_close(x->s, x->fresh, TODAY);
}

static const char *check_survey_close(ctx *x, hoshi_err err, void *out)
{
    (void)out;
    hoshi_survey v;
    if (hoshi_store_survey_get(x->s, x->fresh, TODAY, &v) != HOSHI_OK)
        return "survey unreadable";
    free(v.definition);
    if ((err == HOSHI_OK) != (v.state == HOSHI_SURVEY_CLOSED))
        return err == HOSHI_OK ? "success, but still open" : "failure, but closed";
    return NULL;
}

static hoshi_err take_token(void *arg, const hoshi_invitation_new *inv)
{
    memcpy(arg, inv->token, HOSHI_STORE_INVITE_TOKEN);
    return HOSHI_OK;
}

static hoshi_err run_survey_invite(ctx *x, void *out)
{
    hoshi_invite_filter any = {0};
    long long invited, skipped;
    return hoshi_store_survey_invite(x->s, x->fresh, &any, TODAY, take_token, out, &invited, &skipped);
}

static const char *check_survey_invite(ctx *x, hoshi_err err, void *out)
{
    hoshi_survey_progress p;
    hoshi_invitation inv;
    if (hoshi_store_survey_progress(x->s, x->fresh, &p) != HOSHI_OK)
        return "progress fails";
    if (err != HOSHI_OK)
        return p.all.invited == 0 ? NULL : "failure, but invited";
    /* Every declared organisation (seed and sign-up made more). */
    hoshi_stats st;
    if (hoshi_store_stats(x->s, &st) != HOSHI_OK || p.all.invited != st.active[1] + st.active[2] ||
        hoshi_store_invitation_by_token(x->s, out, TODAY, &inv) != HOSHI_OK)
        return "success, but not every one invited";
    free(inv.answers);
    return inv.survey_id == x->fresh ? NULL : "success, but the wrong invitation";
}

static hoshi_err run_by_token(ctx *x, void *out)
{
    return hoshi_store_invitation_by_token(x->s, x->token, TODAY, out);
}

static hoshi_err run_by_org(ctx *x, void *out)
{
    return hoshi_store_invitation_by_org(x->s, x->oid, x->survey, TODAY, out);
}

static const char *check_invitation(ctx *x, hoshi_err err, void *out)
{
    hoshi_invitation *inv = out;
    const char *bad = NULL;
    if (err == HOSHI_OK && (inv->id != x->inv || inv->answers == NULL ||
                            inv->response_state != HOSHI_RESPONSE_STARTED || inv->page != 2))
        bad = "wrong invitation";
    if (err != HOSHI_OK && inv->answers != NULL)
        bad = "failure, but answers to free";
    free(inv->answers);
    inv->answers = NULL;
    return bad;
}

typedef struct pending_out {
    hoshi_survey_pending p[2];
    size_t n;
} pending_out;

static hoshi_err run_pending(ctx *x, void *out)
{
    pending_out *o = out;
    return hoshi_store_survey_pending(x->s, x->oid, TODAY, o->p, 2, &o->n);
}

static const char *check_pending(ctx *x, hoshi_err err, void *out)
{
    const pending_out *o = out;
    pending_out want;
    if (hoshi_store_survey_pending(x->s, x->oid, TODAY, want.p, 2, &want.n) != HOSHI_OK)
        return "pending surveys fail";
    if (err == HOSHI_OK && (o->n != want.n || o->n == 0 || o->p[0].invitation_id != want.p[0].invitation_id ||
                            strcmp(o->p[0].title, want.p[0].title) != 0))
        return "success, but wrong results";
    if (err != HOSHI_OK && o->n != 0)
        return "failure, but results given";
    return NULL;
}

static char answers_want[32];

static void prepare_response_save(ctx *x)
{
    snprintf(answers_want, sizeof answers_want, "Q1=%d", ++x->attempt);
}

static hoshi_err run_response_save(ctx *x, void *out)
{
    return hoshi_store_response_save(x->s, x->inv, answers_want, 2, TODAY, out);
}

static const char *check_response_save(ctx *x, hoshi_err err, void *out)
{
    hoshi_invitation inv;
    if (hoshi_store_invitation_by_org(x->s, x->oid, x->survey, TODAY, &inv) != HOSHI_OK)
        return "invitation unreadable";
    bool saved = strcmp(inv.answers, answers_want) == 0;
    free(inv.answers);
    if ((err == HOSHI_OK) != (*(hoshi_answers_outcome *)out == HOSHI_ANSWERS_STORED))
        return "outcome does not match the result";
    if (err == HOSHI_OK && !saved)
        return "success, but not saved";
    if (err != HOSHI_OK && saved)
        return "failure, but saved";
    return NULL;
}

static void prepare_fresh_invitation(ctx *x)
{
    hoshi_invite_filter any = {0};
    long long invited, skipped;
    hoshi_invitation inv;
    prepare_fresh_survey(x);
    x->fresh_inv = 0;
    if (hoshi_store_survey_invite(x->s, x->fresh, &any, TODAY, NULL, NULL, &invited, &skipped) == HOSHI_OK &&
        hoshi_store_invitation_by_org(x->s, x->oid, x->fresh, TODAY, &inv) == HOSHI_OK) {
        x->fresh_inv = inv.id;
        free(inv.answers);
    }
}

static hoshi_err run_response_submit(ctx *x, void *out)
{
    long long *r = out;
    hoshi_answers_outcome outcome;
    return hoshi_store_response_submit(x->s, x->fresh_inv, "Q1=1", TODAY, &outcome, r);
}

static const char *check_response_submit(ctx *x, hoshi_err err, void *out)
{
    hoshi_invitation inv;
    if (hoshi_store_invitation_by_org(x->s, x->oid, x->fresh, TODAY, &inv) != HOSHI_OK)
        return "invitation unreadable";
    free(inv.answers);
    bool submitted = inv.response_state == HOSHI_RESPONSE_SUBMITTED;
    if (err == HOSHI_OK && (!submitted || *(long long *)out != 1))
        return "success, but not submitted";
    if (err != HOSHI_OK && (inv.response_state != HOSHI_RESPONSE_NONE || *(long long *)out != 0))
        return "failure, but something stored";
    return NULL;
}

static hoshi_err count_row(void *arg, const hoshi_response_row *row)
{
    if (row->respondent >= 1 && strcmp(row->answers, "Q1=9") == 0 && row->prefecture == 13)
        ++*(size_t *)arg;
    return HOSHI_OK;
}

static hoshi_err run_responses(ctx *x, void *out)
{
    return hoshi_store_survey_responses(x->s, x->fresh, count_row, out);
}

static void prepare_responses(ctx *x)
{
    hoshi_answers_outcome outcome;
    long long r;
    prepare_fresh_invitation(x);
    hoshi_store_response_submit(x->s, x->fresh_inv, "Q1=9", TODAY, &outcome, &r);
}

static const char *check_responses(ctx *x, hoshi_err err, void *out)
{
    (void)x;
    if (err == HOSHI_OK && *(size_t *)out != 1)
        return "success, but not the response";
    return NULL;
}

static hoshi_err run_progress(ctx *x, void *out)
{
    return hoshi_store_survey_progress(x->s, x->survey, out);
}

static const char *check_progress(ctx *x, hoshi_err err, void *out)
{
    const hoshi_survey_progress *p = out;
    (void)x;
    if (err == HOSHI_OK && (p->all.invited != 1 || p->level[1].invited + p->level[2].invited != 1 ||
                            p->prefecture[13].invited != 1))
        return "success, but wrong counts";
    return NULL;
}

/* --- the e-mail outbox (issue 11 part 4) */
static char outbox_key[32];
static long long outbox_id;

static void prepare_outbox_key(ctx *x)
{
    static int n;
    (void)x;
    snprintf(outbox_key, sizeof outbox_key, "k%d", n++);
}

static hoshi_err run_outbox_queue(ctx *x, void *out)
{
    hoshi_outbox_new m = {"rediag", "owner@example.jp", "件名", "本文\n", outbox_key};
    bool queued = false;
    hoshi_err err = hoshi_store_outbox_queue(x->s, &m, 1000, out, &queued);
    if (err == HOSHI_OK && !queued)
        return HOSHI_ERR_INTERNAL;
    return err;
}

/* Whether the message keyed outbox_key is in the outbox (queueing it
 * again is then refused as a repeat). */
static bool outbox_has_key(ctx *x)
{
    hoshi_outbox_new m = {"rediag", "owner@example.jp", "件名", "本文\n", outbox_key};
    bool queued = false;
    return hoshi_store_outbox_queue(x->s, &m, 1000, NULL, &queued) == HOSHI_OK && !queued;
}

static const char *check_outbox_queue(ctx *x, hoshi_err err, void *out)
{
    bool has = outbox_has_key(x);
    if (err == HOSHI_OK && (*(long long *)out <= 0 || !has))
        return "success, but no message";
    if (err != HOSHI_OK && has)
        return "failure, but the message was queued";
    return NULL;
}

/* A fresh unsent message for the operations that read or mark one. */
static void prepare_outbox_msg(ctx *x)
{
    prepare_outbox_key(x);
    hoshi_outbox_new m = {"rediag", "owner@example.jp", "件名", "本文\n", outbox_key};
    bool queued = false;
    outbox_id = 0;
    hoshi_store_outbox_queue(x->s, &m, 1000, &outbox_id, &queued);
}

static hoshi_err run_outbox_get(ctx *x, void *out)
{
    return hoshi_store_outbox_get(x->s, outbox_id, out);
}

static const char *check_outbox_get(ctx *x, hoshi_err err, void *out)
{
    hoshi_outbox_msg *m = out;
    (void)x;
    bool wrong = err == HOSHI_OK && (m->body == NULL || strcmp(m->body, "本文\n") != 0 || strcmp(m->subject, "件名") != 0);
    hoshi_outbox_msg_clear(m);
    return wrong ? "success, but not the message" : NULL;
}

static hoshi_err run_outbox_due(ctx *x, void *out)
{
    hoshi_outbox_msg *m = out;
    size_t n = 0;
    hoshi_err err = hoshi_store_outbox_due(x->s, 1000, m, 1, &n);
    if (err == HOSHI_OK && n != 1)
        return HOSHI_ERR_INTERNAL;
    return err;
}

static const char *check_outbox_due(ctx *x, hoshi_err err, void *out)
{
    hoshi_outbox_msg *m = out;
    (void)x;
    bool wrong = err == HOSHI_OK && (m->body == NULL || m->sent != 0);
    hoshi_outbox_msg_clear(m);
    return wrong ? "success, but not an unsent message" : NULL;
}

static int outbox_attempts(ctx *x, long long *sent)
{
    hoshi_outbox_msg m;
    if (hoshi_store_outbox_get(x->s, outbox_id, &m) != HOSHI_OK)
        return -1;
    hoshi_outbox_msg_clear(&m);
    *sent = m.sent;
    return m.attempts;
}

static hoshi_err run_outbox_failed(ctx *x, void *out)
{
    (void)out;
    return hoshi_store_outbox_failed(x->s, outbox_id, "451 later", 2000);
}

static hoshi_err run_outbox_sent(ctx *x, void *out)
{
    (void)out;
    return hoshi_store_outbox_sent(x->s, outbox_id, 1500);
}

static const char *check_outbox_mark(ctx *x, hoshi_err err, void *out)
{
    long long sent = -1;
    int attempts = outbox_attempts(x, &sent);
    (void)out;
    if (err == HOSHI_OK && attempts != 1)
        return "success, but the attempt not counted";
    if (err != HOSHI_OK && (attempts != 0 || sent != 0))
        return "failure, but the message changed";
    return NULL;
}

static hoshi_err run_outbox_give_up(ctx *x, void *out)
{
    (void)out;
    return hoshi_store_outbox_give_up(x->s, outbox_id, "refused", 2000);
}

static const char *check_outbox_give_up(ctx *x, hoshi_err err, void *out)
{
    hoshi_outbox_msg m;
    (void)out;
    if (hoshi_store_outbox_get(x->s, outbox_id, &m) != HOSHI_OK)
        return "message unreadable";
    hoshi_outbox_msg_clear(&m);
    if (err == HOSHI_OK && (m.failed != 2000 || m.attempts != 1))
        return "success, but not given up";
    if (err != HOSHI_OK && (m.failed != 0 || m.attempts != 0))
        return "failure, but the message changed";
    return NULL;
}

static void prepare_dead_msg(ctx *x)
{
    prepare_outbox_msg(x);
    hoshi_store_outbox_give_up(x->s, outbox_id, "refused", 2000);
}

static hoshi_err run_outbox_retry(ctx *x, void *out)
{
    (void)out;
    return hoshi_store_outbox_retry(x->s, outbox_id, 3000);
}

static const char *check_outbox_retry(ctx *x, hoshi_err err, void *out)
{
    hoshi_outbox_msg m;
    (void)out;
    if (hoshi_store_outbox_get(x->s, outbox_id, &m) != HOSHI_OK)
        return "message unreadable";
    hoshi_outbox_msg_clear(&m);
    if (err == HOSHI_OK && (m.failed != 0 || m.next_attempt != 3000))
        return "success, but not queued again";
    if (err != HOSHI_OK && m.failed != 2000)
        return "failure, but the message changed";
    return NULL;
}

static hoshi_err run_outbox_dead(ctx *x, void *out)
{
    size_t n = 0;
    hoshi_err err = hoshi_store_outbox_dead(x->s, out, 1, &n);
    if (err == HOSHI_OK && n != 1)
        return HOSHI_ERR_INTERNAL;
    return err;
}

static const char *check_outbox_dead(ctx *x, hoshi_err err, void *out)
{
    hoshi_outbox_msg *m = out;
    (void)x;
    bool wrong = err == HOSHI_OK && (m->body == NULL || m->failed == 0);
    hoshi_outbox_msg_clear(m);
    return wrong ? "success, but not a given-up message" : NULL;
}

static hoshi_err run_org_email(ctx *x, void *out)
{
    return hoshi_store_org_email(x->s, x->oid, out);
}

static const char *check_org_email(ctx *x, hoshi_err err, void *out)
{
    (void)x;
    if (err == HOSHI_OK && strcmp(out, "owner@example.jp") != 0)
        return "success, but not the owner's address";
    return NULL;
}

/* --- members and account tokens (issue 11 part 3) */

static hoshi_err run_member_get(ctx *x, void *out)
{
    return hoshi_store_member_get(x->s, x->uid, out);
}

static const char *check_member_get(ctx *x, hoshi_err err, void *out)
{
    const hoshi_member *m = out;
    if (err == HOSHI_OK && (m->id != x->uid || m->org_id != x->oid || m->role != HOSHI_ROLE_OWNER ||
                            strcmp(m->email, "owner@example.jp") != 0))
        return "wrong member";
    return NULL;
}

static hoshi_err run_member_list(ctx *x, void *out)
{
    hoshi_member m[4];
    return hoshi_store_member_list(x->s, x->oid, m, 4, out);
}

static const char *check_member_list(ctx *x, hoshi_err err, void *out)
{
    (void)x;
    if (err == HOSHI_OK && *(const size_t *)out < 1)
        return "success, but no members";
    return NULL;
}

static char tok_digest[72], invitee[64];

static void prepare_token_name(ctx *x)
{
    ++x->attempt;
    snprintf(tok_digest, sizeof tok_digest, "digest-%d", x->attempt);
    snprintf(invitee, sizeof invitee, "member%d@example.jp", x->attempt);
}

static hoshi_err run_token_add(ctx *x, void *out)
{
    hoshi_acct_token *t = out;
    *t = (hoshi_acct_token){.kind = HOSHI_TOKEN_INVITE, .org_id = x->oid, .expires = x->now + 1000};
    snprintf(t->email, sizeof t->email, "%s", invitee);
    return hoshi_store_token_add(x->s, tok_digest, t);
}

/* Whether the invitation under tok_digest is there, NULL when as err says. */
static const char *check_token_there(ctx *x, hoshi_err err, bool want_there)
{
    hoshi_acct_token t;
    hoshi_err got = hoshi_store_token_get(x->s, tok_digest, HOSHI_TOKEN_INVITE, x->now, &t);
    if (got != HOSHI_OK && got != HOSHI_ERR_NOTFOUND)
        return "token unreadable";
    bool there = got == HOSHI_OK;
    if (err == HOSHI_OK && there != want_there)
        return want_there ? "success, but no token" : "success, but the token is still there";
    if (err != HOSHI_OK && there == want_there)
        return want_there ? "failure, but a token exists" : "failure, but the token is gone";
    return NULL;
}

static const char *check_token_add(ctx *x, hoshi_err err, void *out)
{
    (void)out;
    return check_token_there(x, err, true);
}

static void prepare_invite(ctx *x)
{
    hoshi_acct_token t;
    prepare_token_name(x);
    run_token_add(x, &t);
}

static hoshi_err run_token_use(ctx *x, void *out)
{
    return hoshi_store_token_use(x->s, tok_digest, HOSHI_TOKEN_INVITE, x->now, "$argon2id$member", out);
}

static const char *check_token_use(ctx *x, hoshi_err err, void *out)
{
    hoshi_user u;
    hoshi_err got = hoshi_store_user_by_email(x->s, invitee, &u);
    if (err == HOSHI_OK && (got != HOSHI_OK || u.id != *(const long long *)out))
        return "success, but no member";
    if (err != HOSHI_OK && got != HOSHI_ERR_NOTFOUND)
        return "failure, but the member exists";
    return check_token_there(x, err, false);
}

static char new_hash[40];

static void prepare_password_set(ctx *x)
{
    snprintf(new_hash, sizeof new_hash, "$argon2id$p%d", ++x->attempt);
}

static hoshi_err run_password_set(ctx *x, void *out)
{
    (void)out;
    return hoshi_store_password_set(x->s, x->uid, new_hash, "sid-main");
}

static const char *check_password_set(ctx *x, hoshi_err err, void *out)
{
    hoshi_user u;
    (void)out;
    if (hoshi_store_user_by_email(x->s, "owner@example.jp", &u) != HOSHI_OK)
        return "user unreadable";
    if ((err == HOSHI_OK) != (strcmp(u.pwhash, new_hash) == 0))
        return err == HOSHI_OK ? "success, but the password unchanged" : "failure, but the password changed";
    return NULL;
}

/* --- the supply chain (issue 13 part 5): a batch is all or nothing */
static size_t suppliers_now(ctx *x)
{
    static hoshi_supplier list[8];
    size_t n = 0;
    if (hoshi_store_supplier_list(x->s, x->oid, list, 8, &n) != HOSHI_OK)
        return 99;
    return n;
}

static void prepare_no_suppliers(ctx *x)
{
    static hoshi_supplier list[8];
    size_t n = 0;
    if (hoshi_store_supplier_list(x->s, x->oid, list, 8, &n) == HOSHI_OK)
        for (size_t i = 0; i < n; i++)
            hoshi_store_supplier_remove(x->s, x->oid, list[i].id);
}

static hoshi_err run_supplier_add(ctx *x, void *out)
{
    hoshi_supplier_new items[] = {{"7000012050002", "", "甲", "a@example.jp"}, {"", x->decl, "乙", ""}};
    (void)out;
    return hoshi_store_supplier_add(x->s, x->oid, items, 2, 7000);
}

static const char *check_supplier_add(ctx *x, hoshi_err err, void *out)
{
    (void)out;
    size_t n = suppliers_now(x);
    if (err == HOSHI_OK && n != 2)
        return "success, but not both entries";
    if (err != HOSHI_OK && n != 0)
        return "failure, but entries written";
    return NULL;
}

static void prepare_suppliers(ctx *x)
{
    prepare_no_suppliers(x);
    run_supplier_add(x, NULL);
}

static hoshi_err run_supplier_list(ctx *x, void *out)
{
    size_t n = 0;
    hoshi_err err = hoshi_store_supplier_list(x->s, x->oid, out, 2, &n);
    if (err == HOSHI_OK && n != 2)
        return HOSHI_ERR_INTERNAL;
    return err;
}

/* What the operations before left of x->decl decides the match, so the
 * list read under fire must equal the one read without. */
static const char *check_supplier_list(ctx *x, hoshi_err err, void *out)
{
    const hoshi_supplier *l = out;
    static hoshi_supplier want[2];
    size_t n = 0;
    if (hoshi_store_supplier_list(x->s, x->oid, want, 2, &n) != HOSHI_OK || n != 2)
        return "the list cannot be read";
    for (size_t i = 0; err == HOSHI_OK && i < 2; i++)
        if (l[i].id != want[i].id || strcmp(l[i].listed_id, want[i].listed_id) != 0 || l[i].state != want[i].state ||
            strcmp(l[i].decl_id, want[i].decl_id) != 0 || l[i].org_id != want[i].org_id)
            return "success, but the match is wrong";
    if (err == HOSHI_OK && (strcmp(l[1].listed_id, x->decl) != 0 || l[1].org_id != x->oid))
        return "success, but not the entries added";
    return NULL;
}

static const op ops[] = {
    {"open", NULL, run_open, check_open},
    {"user_by_email", NULL, run_user, read_user},
    {"session_get", NULL, run_session_get, read_session},
    {"org_get", NULL, run_org_get, read_org},
    {"org_update", prepare_org_update, run_org_update, check_org_update},
    {"draft_save", prepare_draft, run_draft_save, check_draft_save},
    {"diagnosis_add", prepare_diagnosis_add, run_diagnosis_add, check_diagnosis_add},
    {"diagnosis_list", NULL, run_diagnosis_list, check_diagnosis_list},
    {"policy_get", NULL, run_policy_get, check_policy_read},
    {"policy_get_public", NULL, run_policy_get_public, check_policy_read},
    {"policy_save", prepare_policy, run_policy_save, check_policy_save},
    {"policy_publish", prepare_publish, run_policy_publish, check_policy_publish},
    {"decl_create", remember_active, run_decl_create, check_decl_create},
    {"decl_get", ensure_active, run_decl_get, check_decl_read},
    {"decl_active", ensure_active, run_decl_active, check_decl_read},
    {"decl_search", ensure_active, run_search, check_search},
    {"decl_withdraw", ensure_active, run_decl_withdraw, check_withdrawn},
    {"decl_withdraw_id", ensure_active, run_decl_withdraw_id, check_withdrawn},
    {"signup", prepare_signup, run_signup, check_signup},
    {"session_create", prepare_session_create, run_session_create, check_session_create},
    {"session_delete", prepare_session_delete, run_session_delete, check_session_delete},
    {"user_set_operator", prepare_operator, run_operator, check_operator},
    {"stats", NULL, run_stats, check_stats},
    {"seed", prepare_seed, run_seed, check_seed},
    {"survey_create", prepare_survey_create, run_survey_create, check_survey_create},
    {"survey_get", NULL, run_survey_get, check_survey_get},
    {"survey_list", NULL, run_survey_list, check_survey_list},
    {"survey_set_dates", prepare_set_dates, run_set_dates, check_set_dates},
    {"survey_close", prepare_fresh_survey, run_survey_close, check_survey_close},
    {"survey_invite", prepare_fresh_survey, run_survey_invite, check_survey_invite},
    {"invitation_by_token", NULL, run_by_token, check_invitation},
    {"invitation_by_org", NULL, run_by_org, check_invitation},
    {"survey_pending", NULL, run_pending, check_pending},
    {"response_save", prepare_response_save, run_response_save, check_response_save},
    {"response_submit", prepare_fresh_invitation, run_response_submit, check_response_submit},
    {"survey_responses", prepare_responses, run_responses, check_responses},
    {"survey_progress", NULL, run_progress, check_progress},
    {"outbox_queue", prepare_outbox_key, run_outbox_queue, check_outbox_queue},
    {"outbox_get", prepare_outbox_msg, run_outbox_get, check_outbox_get},
    {"outbox_due", prepare_outbox_msg, run_outbox_due, check_outbox_due},
    {"outbox_failed", prepare_outbox_msg, run_outbox_failed, check_outbox_mark},
    {"outbox_sent", prepare_outbox_msg, run_outbox_sent, check_outbox_mark},
    {"org_email", NULL, run_org_email, check_org_email},
    {"member_get", NULL, run_member_get, check_member_get},
    {"member_list", NULL, run_member_list, check_member_list},
    {"token_add", prepare_token_name, run_token_add, check_token_add},
    {"token_use", prepare_invite, run_token_use, check_token_use},
    {"password_set", prepare_password_set, run_password_set, check_password_set},
    {"decl_withdraw_programme", prepare_withdraw_programme, run_withdraw_programme, check_withdraw_programme},
    {"audit_add", prepare_audit_add, run_audit_add, check_audit_add},
    {"audit_list", NULL, run_audit_list, check_audit_list},
    {"outbox_give_up", prepare_outbox_msg, run_outbox_give_up, check_outbox_give_up},
    {"outbox_retry", prepare_dead_msg, run_outbox_retry, check_outbox_retry},
    {"outbox_dead", prepare_dead_msg, run_outbox_dead, check_outbox_dead},
    {"supplier_add", prepare_no_suppliers, run_supplier_add, check_supplier_add},
    {"supplier_list", prepare_suppliers, run_supplier_list, check_supplier_list},
};

/* Whether name is one of the comma-separated names of list. */
static bool listed(const char *list, const char *name)
{
    size_t len = strlen(name);
    for (const char *p = list; *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && strncmp(p, name, n) == 0)
            return true;
        p += n + (end != NULL);
    }
    return false;
}

/* The survey of setup: the organisation invited, a draft saved on page 2. */
static bool setup_survey(ctx *x)
{
    hoshi_invite_filter any = {0};
    long long invited, skipped;
    hoshi_invitation inv;
    hoshi_answers_outcome outcome;
    if ((x->survey = survey_new(x)) == 0 ||
        hoshi_store_survey_invite(x->s, x->survey, &any, TODAY, take_token, x->token, &invited, &skipped) != HOSHI_OK ||
        hoshi_store_invitation_by_token(x->s, x->token, TODAY, &inv) != HOSHI_OK)
        return false;
    x->inv = inv.id;
    free(inv.answers);
    return hoshi_store_response_save(x->s, x->inv, "Q1=0", 2, TODAY, &outcome) == HOSHI_OK;
}

/* A store with one organisation that has done everything. */
static bool setup(ctx *x, const char *dir, int k)
{
    snprintf(x->path, sizeof x->path, "%s/faults%d.db", dir, k);
    x->now = (long long)time(NULL);
    hoshi_org o;
    hoshi_policy_rec p = {0, "代表 星野", "", "2026-04-01", "方針 0", false, "", false};
    if (hoshi_store_open_sqlite(x->path, 2, &x->s) != HOSHI_OK ||
        hoshi_store_signup(x->s, "owner@example.jp", "$argon2id$hash", "星野商店", &x->uid, &x->oid) != HOSHI_OK ||
        hoshi_store_session_create(x->s, "sid-main", x->uid, "csrf", x->now + 100000) != HOSHI_OK ||
        hoshi_store_org_get(x->s, x->oid, &o) != HOSHI_OK)
        return false;
    o.prefecture = 13;
    p.org_id = x->oid;
    long long d;
    return hoshi_store_org_update(x->s, &o) == HOSHI_OK &&
           hoshi_store_diagnosis_add(x->s, x->oid, "1111111111111111111111111", 100, "2026-01-01", &d) == HOSHI_OK &&
           hoshi_store_policy_save(x->s, &p) == HOSHI_OK &&
           hoshi_store_policy_publish(x->s, x->oid, "2026-04-01") == HOSHI_OK &&
           hoshi_store_decl_create(x->s, x->oid, 1, "2026-04-01", x->decl) == HOSHI_OK && setup_survey(x);
}

static bool allowed(fault_kind k, hoshi_err err)
{
    /* Out of memory inside SQLite can surface as a database error. */
    return err == HOSHI_OK || err == HOSHI_ERR_NOMEM || (k != IN_LIBRARY && err == HOSHI_ERR_IO);
}

static void run_kind(fault_kind k, const char *dir)
{
    ctx x = {0};
    if (!setup(&x, dir, (int)k)) {
        printf("  setup failed: %s\n", hoshi_error_detail());
        unit_case_failed = 1;
        hoshi_store_close(x.s);
        return;
    }
    long points = 0;
    /* STORE_FAULTS_ONLY=name,name runs only those operations (while
     * working on them; make check runs all). */
    const char *only = getenv("STORE_FAULTS_ONLY");
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        const op *o = &ops[i];
        long n = 0;
        if (only != NULL && !listed(only, o->name))
            continue;
        /* Each operation on a store of one connection, opened afresh. */
        hoshi_store_close(x.s);
        x.s = NULL;
        if (hoshi_store_open_sqlite(x.path, 1, &x.s) != HOSHI_OK) {
            problem(o->name, n, "cannot reopen", HOSHI_ERR_IO);
            return;
        }
        for (; n < 100000; n++) {
            /* Nothing prepared, so preparing every statement the
             * operation needs is under fire too.  The connection stays
             * open: whatever a failure left on it (a transaction, a
             * schema SQLite dropped) the next attempt meets, as a
             * server's next request would.  Reopening instead made every
             * point pay for SQLite reading the whole schema. */
            hoshi_testing_store_forget(x.s);
            if (o->prepare != NULL)
                o->prepare(&x);
            union {
                hoshi_user u;
                hoshi_session ses;
                hoshi_org org;
                hoshi_policy_rec pol;
                hoshi_decl decl;
                search_out search[3];
                hoshi_stats st;
                hoshi_survey survey;
                hoshi_invitation invitation;
                hoshi_survey_progress progress;
                hoshi_outbox_msg msg;
                hoshi_member member;
                hoshi_acct_token acct_token;
                hoshi_audit_entry audit;
                hoshi_supplier suppliers[2];
                char email[HOSHI_STORE_EMAIL];
                pending_out pending;
                hoshi_answers_outcome outcome;
                char token[HOSHI_STORE_INVITE_TOKEN];
                hoshi_store *store;
                long long ids[2];
                size_t count;
                char id[12];
            } out;
            memset(&out, 0, sizeof out);
            arm(k, n);
            hoshi_err err = o->run(&x, &out);
            bool hit = disarm(k);
            if (!allowed(k, err))
                problem(o->name, n, "unexpected error", err);
            const char *bad = o->verify(&x, err, &out);
            if (bad != NULL)
                problem(o->name, n, bad, err);
            if (err == HOSHI_OK && (k == IN_LIBRARY || !hit))
                break;
            if (!hit && err != HOSHI_OK) {
                problem(o->name, n, "fails without an injected failure", err);
                break;
            }
        }
        points += n;
    }
    printf("  %s: %ld failure points\n", kind_name[k], points);
    CHECK(only != NULL || points > (long)(sizeof ops / sizeof ops[0]));
    hoshi_store_close(x.s);
}

/* In memory where there is a tmpfs: thousands of opens and closes. */
static char dir[] = "/dev/shm/hoshi-store-faults-XXXXXX";
static char dir_tmp[] = "/tmp/hoshi-store-faults-XXXXXX";

static void every_allocation_of_the_library_can_fail(void)
{
    run_kind(IN_LIBRARY, dir);
}

static void every_allocation_of_sqlite_can_fail(void)
{
    run_kind(IN_SQLITE_STICKY, dir);
}

static void any_one_allocation_of_sqlite_can_fail(void)
{
    run_kind(IN_SQLITE_ONCE, dir);
}

int main(void)
{
    if (!install_failing_sqlite_allocator())
        return 1;
    if (mkdtemp(dir) == NULL) {
        if (mkdtemp(dir_tmp) == NULL)
            return 1;
        memcpy(dir, dir_tmp, sizeof dir_tmp);
    }
    RUN(every_allocation_of_the_library_can_fail);
    RUN(every_allocation_of_sqlite_can_fail);
    RUN(any_one_allocation_of_sqlite_can_fail);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return UNIT_RESULT();
}
