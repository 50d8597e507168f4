/*
 * run.c — hoshi_tab_run(): the steps from a spec to its tables.  The spec
 * is checked, the --where conditions become one filter bitset, the side
 * becomes its rows (each ANDed with the filter once), the heads are
 * expanded (ALL, GRID items) and their .hsd columns checked, and then the
 * heads are counted, on two threads when the data is big (tab.c builds
 * each table).
 */
#include "tab/side.h"
#include "tab/tab.h"
#include "tab/weights.h"
#include "internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoshi/text.h"

size_t hi_tab_parallel_rows = 500000;

/* Everything a run computes before counting the heads; read-only while
 * the head threads run. */
typedef struct run {
    const hoshi_dataset *ds;
    const hoshi_tab_spec *spec;
    uint64_t *filter;       /* respondents every --where holds for */
    hi_drop *drops;         /* codes dropped by VAR!=codes */
    size_t n_drops;
    hi_sides S;             /* the side's rows and blocks (side.c) */
    const char **names;     /* the heads, ALL expanded */
    size_t n_names;
    hi_wfused_batch *fused; /* weighted: heads counted ahead (wfused.c) */
} run;

static hoshi_err push_table(hoshi_tabset *ts, hi_table **out)
{
    hi_table *t = hi_realloc(ts->t, (ts->n + 1) * sizeof *t);
    if (t == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    ts->t = t;
    memset(&t[ts->n], 0, sizeof *t);
    *out = &t[ts->n++];
    return HOSHI_OK;
}

/* One head (which may expand to several tables). */
static hoshi_err run_head(hoshi_tabset *ts, const run *R, const char *name)
{
    const hoshi_dataset *ds = R->ds;
    const hoshi_tab_spec *spec = R->spec;
    hi_var h;
    hi_table *t;
    hoshi_err err = hi_wfused_take(R->fused, name, &h) ? HOSHI_OK : hi_var_open(ds, name, &h);
    if (err != HOSHI_OK)
        return err;
    int top_box = spec->top_box > 0 ? spec->top_box : 2;
    if (h.grid) {
        if (R->S.n_shown == 1) {
            if ((err = push_table(ts, &t)) == HOSHI_OK)
                err = hi_table_grid(t, ds, &h, R->filter, top_box, &R->S.sd);
            if (err == HOSHI_OK)
                err = hi_sides_table(&R->S, t);
        } else {
            for (size_t it = 0; it < h.q->n_items && err == HOSHI_OK; it++) {
                char item[160];
                snprintf(item, sizeof item, "%s_%ld", h.q->qid, h.q->items[it].code);
                err = run_head(ts, R, item);
            }
        }
        goto free_head;
    }
    if ((err = hi_tab_nets(&h, ds->n_rows, spec->nets, spec->n_nets, false)) != HOSHI_OK ||
        (err = hi_tab_nets(&h, ds->n_rows, spec->recodes, spec->n_recodes, true)) != HOSHI_OK)
        goto free_head;
    if ((err = push_table(ts, &t)) != HOSHI_OK)
        goto free_head;
    if (h.is_num) {
        err = hi_table_num(t, &h, &R->S.sd, ds->n_rows, R->S.title);
        if (err == HOSHI_OK)
            err = hi_sides_table(&R->S, t);
        goto free_head;
    }
    uint8_t dropsel[HI_TAB_MAX_CODES + 1] = {0};
    bool any = false;
    for (size_t i = 0; i < R->n_drops; i++)
        if (strcmp(R->drops[i].var, h.name) == 0)
            for (size_t c = 0; c < h.n; c++)
                for (size_t k = 0; k < R->drops[i].n; k++)
                    if (!h.cat[c].net && h.cat[c].code == R->drops[i].code[k])
                        dropsel[c] = 1, any = true;
    bool grid_item = h.q != NULL && (h.q->type == HI_Q_GRID || h.q->type == HI_Q_DIAG);
    err = hi_table_cat(t, &h, &R->S.sd, ds->n_rows, any ? dropsel : NULL, grid_item ? top_box : 0,
                       R->S.title, spec);
    if (err == HOSHI_OK)
        err = hi_sides_table(&R->S, t);
free_head:
    hi_var_free(&h);
    return err;
}

/* A share of the heads of a banner, for one thread. */
typedef struct head_job {
    hoshi_tabset *ts;
    const run *R;
    const char **names;
    size_t n;
    hoshi_err err;
    char detail[1024];
} head_job;

static void *head_thread(void *arg)
{
    head_job *J = arg;
    for (size_t i = 0; i < J->n && J->err == HOSHI_OK; i++)
        J->err = run_head(J->ts, J->R, J->names[i]);
    if (J->err != HOSHI_OK)
        snprintf(J->detail, sizeof J->detail, "%s", hoshi_error_detail());
    return NULL;
}

/* Two threads pay off from about a million respondents. */
static bool n_rows_parallel(size_t n)
{
    return n >= hi_tab_parallel_rows;
}

/* Moves the tables of b to the end of a. */
static hoshi_err append_tables(hoshi_tabset *a, hoshi_tabset *b)
{
    if (b->n == 0)
        return HOSHI_OK;
    hi_table *t = hi_realloc(a->t, (a->n + b->n) * sizeof *t);
    if (t == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    a->t = t;
    memcpy(a->t + a->n, b->t, b->n * sizeof *t);
    a->n += b->n;
    b->n = 0;
    return HOSHI_OK;
}


/* Every text of a spec comes from a user and ends up in labels, titles
 * and messages: it must be valid UTF-8.  The error names the option, the
 * valid text before the first bad byte (at most 60 bytes of it, whole
 * characters) and the (1-based) position of that byte.  The CLI checks the
 * whole option text first, quoting it (src/cli/tab_options.c). */
static hoshi_err check_utf8(const char *opt, const char *s)
{
    if (s == NULL)
        return HOSHI_OK;
    size_t n = strlen(s), bad = hoshi_utf8_invalid_at(s, n), shown = bad < 60 ? bad : 60;
    if (bad == n)
        return HOSHI_OK;
    while (shown > 0 && ((unsigned char)s[shown] & 0xC0) == 0x80)
        shown--; /* not inside a character */
    return hi_fail(HOSHI_ERR_USAGE, "%s '%.*s': invalid UTF-8 at byte %zu", opt, (int)shown, s,
                   bad + 1);
}


/* A net or recode: its variable, its label, and a label given at all. */
static hoshi_err check_net_text(const char *opt, const hoshi_tab_net *net)
{
    if (net->var == NULL || net->label == NULL)
        return hi_fail(HOSHI_ERR_USAGE, "%s: a variable and a label are needed", opt);
    hoshi_err err = check_utf8(opt, net->var);
    return err != HOSHI_OK ? err : check_utf8(opt, net->label);
}

static hoshi_err check_spec_text(const hoshi_tab_spec *spec)
{
    hoshi_err err;
    if ((err = check_utf8("--side", spec->side)) != HOSHI_OK)
        return err;
    for (size_t i = 0; i < spec->n_sides; i++)
        if ((err = check_utf8("--side", spec->sides[i])) != HOSHI_OK)
            return err;
    for (size_t i = 0; i < spec->n_bands; i++)
        if (spec->bands[i].label == NULL)
            return hi_fail(HOSHI_ERR_USAGE, "--bands: a band has no label");
        else if ((err = check_utf8("--bands", spec->bands[i].label)) != HOSHI_OK)
            return err;
    for (size_t i = 0; i < spec->n_heads; i++)
        if ((err = check_utf8("--head", spec->heads[i])) != HOSHI_OK)
            return err;
    for (size_t i = 0; i < spec->n_wheres; i++)
        if (spec->wheres[i].var == NULL)
            return hi_fail(HOSHI_ERR_USAGE, "--where: no variable given");
        else if ((err = check_utf8("--where", spec->wheres[i].var)) != HOSHI_OK)
            return err;
    for (size_t i = 0; i < spec->n_nets; i++)
        if ((err = check_net_text("--net", &spec->nets[i])) != HOSHI_OK)
            return err;
    for (size_t i = 0; i < spec->n_recodes; i++)
        if ((err = check_net_text("--recode", &spec->recodes[i])) != HOSHI_OK)
            return err;
    return HOSHI_OK;
}


/* Step 1: the spec as a whole (texts, counts). */
static hoshi_err check_spec(const hoshi_tab_spec *spec)
{
    hoshi_err err = check_spec_text(spec);
    if (err != HOSHI_OK)
        return err;
    if (spec->n_heads == 0)
        return hi_fail(HOSHI_ERR_USAGE, "no --head given");
    if (spec->n_wheres > HI_TAB_MAX_CONDS || spec->n_heads > HI_TAB_MAX_HEADS)
        return hi_fail(HOSHI_ERR_USAGE, "too many --where or --head values");
    return HOSHI_OK;
}

/* Step 2: every respondent, less those a --where condition excludes. */
static hoshi_err make_filter(run *R)
{
    size_t n = R->ds->n_rows, words = hi_words(n);
    R->filter = hi_bits_new(words);
    R->drops = hi_calloc(HI_TAB_MAX_CONDS, sizeof *R->drops);
    if (R->filter == NULL || R->drops == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    for (size_t w = 0; w < words; w++)
        R->filter[w] = ~(uint64_t)0;
    if (n % 64 && words)
        R->filter[words - 1] = ((uint64_t)1 << (n % 64)) - 1;
    for (size_t i = 0; i < R->spec->n_wheres; i++) {
        bool dropped = false;
        hoshi_err err = hi_tab_where(R->ds, &R->spec->wheres[i], R->filter,
                                     &R->drops[R->n_drops], &dropped);
        if (err != HOSHI_OK)
            return err;
        R->n_drops += dropped;
    }
    return HOSHI_OK;
}

/* Step 3: the side's rows: the total, then each side block (side.c). */
static hoshi_err open_sides(run *R)
{
    return hi_sides_open(&R->S, R->ds, R->spec, R->filter);
}

/* Step 4: the heads, ALL expanded (free text and the side left out), and
 * the columns of a .hsd cache checked here, before the threads. */
static hoshi_err expand_heads(run *R)
{
    const hoshi_tab_spec *spec = R->spec;
    const hi_codebook *cb = R->ds->cb;
    size_t cap = spec->n_heads + cb->n;
    R->names = hi_calloc(cap + 1, sizeof *R->names);
    if (R->names == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < spec->n_heads; i++) {
        if (strcmp(spec->heads[i], "ALL") != 0) {
            if (R->n_names < cap)
                R->names[R->n_names++] = spec->heads[i];
            continue;
        }
        for (size_t qi = 0; qi < cb->n && R->n_names < cap; qi++) {
            const hi_question *q = &cb->q[qi];
            if (q->type == HI_Q_FA || hi_sides_has(&R->S, q) ||
                (spec->weights && strcmp(hoshi_weights_label(spec->weights), q->qid) == 0))
                continue; /* nor the weight variable */
            R->names[R->n_names++] = q->qid;
        }
    }
    if (R->n_names == 0)
        return hi_fail(HOSHI_ERR_USAGE, "nothing to tabulate: the codebook has no question but free text and the side");
    for (size_t i = 0; i < R->n_names; i++) {
        hoshi_err err = hi_var_verify(R->ds, R->names[i]);
        if (err != HOSHI_OK)
            return err;
    }
    return HOSHI_OK;
}

/* Step 5: the tables of every head into ts, the second half of the heads
 * on a second thread for big data (the tables keep the order of the heads). */
static hoshi_err count_heads(const run *R, hoshi_tabset *ts)
{
    size_t split = n_rows_parallel(R->ds->n_rows) && R->n_names > 1 ? R->n_names / 2
                                                                       : R->n_names;
    hoshi_tabset *second = hi_calloc(1, sizeof *second);
    if (second == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    head_job jobs[2];
    memset(jobs, 0, sizeof jobs);
    jobs[0] = (head_job){ts, R, R->names, split, HOSHI_OK, {0}};
    jobs[1] = (head_job){second, R, R->names + split, R->n_names - split, HOSHI_OK, {0}};
    pthread_t th;
    bool threaded = jobs[1].n > 0 && pthread_create(&th, NULL, head_thread, &jobs[1]) == 0;
    head_thread(&jobs[0]);
    if (threaded)
        pthread_join(th, NULL);
    else
        head_thread(&jobs[1]);
    hoshi_err err = jobs[0].err != HOSHI_OK ? jobs[0].err : jobs[1].err;
    if (err == HOSHI_OK)
        err = append_tables(ts, second);
    else if (jobs[0].err == HOSHI_OK)
        hi_fail(err, "%s", jobs[1].detail); /* the message was set in the other thread */
    hoshi_tabset_free(second);
    return err;
}

/* Step 6: the base printed under every table: the conditions in words
 * and the respondents they keep. */
static hoshi_err fill_base(const run *R, hoshi_tabset *ts)
{
    char *words = NULL;
    hoshi_err err = hi_tab_base_words(R->ds, R->spec, &words);
    if (err == HOSHI_OK)
        err = hi_tab_set_base(ts, 0, words,
                              hi_popcount(R->filter, hi_words(R->ds->n_rows)));
    free(words);
    return err;
}

/* Step 3c: the weighted bases of the rows, for a weighted run. */
static hoshi_err weigh_rows(run *R)
{
    const hoshi_weights *w = R->spec->weights;
    if (w == NULL)
        return HOSHI_OK;
    if (w->n != R->ds->n_rows)
        return hi_fail(HOSHI_ERR_USAGE, "the weights are for %zu respondents, the data has %zu",
                       w->n, R->ds->n_rows);
    R->S.sd.w_label = w->label;
    return hi_wside_init(&R->S.sd, w->w, R->ds->n_rows, n_rows_parallel(R->ds->n_rows));
}

/* Step 4b: a weighted run counts what heads it can ahead, in one pass
 * over the respondents (wfused.c); the tables pick the counts up. */
static hoshi_err fuse_heads(run *R)
{
    hoshi_err err = hi_wfused_batch_make(R->ds, R->spec, &R->S.sd, R->names, R->n_names,
                                         n_rows_parallel(R->ds->n_rows), &R->fused);
    R->S.sd.fused = R->fused;
    return err;
}

static void run_free(run *R)
{
    hi_wfused_batch_free(R->fused);
    hi_wside_free(&R->S.sd);
    hi_sides_free(&R->S);
    free(R->names);
    free(R->drops);
    free(R->filter);
}

hoshi_err hoshi_tab_run(const hoshi_dataset *ds, const hoshi_tab_spec *spec, hoshi_tabset **out)
{
    hi_clear_error();
    hoshi_err err = check_spec(spec);
    if (err != HOSHI_OK)
        return err;
    run R;
    memset(&R, 0, sizeof R);
    R.ds = ds;
    R.spec = spec;
    hoshi_tabset *ts = hi_calloc(1, sizeof *ts);
    if (ts == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        goto free_run;
    }
    if ((err = make_filter(&R)) != HOSHI_OK || (err = open_sides(&R)) != HOSHI_OK ||
        (err = weigh_rows(&R)) != HOSHI_OK || (err = expand_heads(&R)) != HOSHI_OK ||
        (err = fuse_heads(&R)) != HOSHI_OK ||
        (err = count_heads(&R, ts)) != HOSHI_OK || (err = fill_base(&R, ts)) != HOSHI_OK)
        goto free_run;
    *out = ts;
    ts = NULL;
free_run:
    run_free(&R);
    hoshi_tabset_free(ts);
    return err;
}
