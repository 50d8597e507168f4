/*
 * rake.c — rim weighting (raking, iterative proportional fitting): weights
 * that make the weighted shares of some SA variables equal target shares,
 * as R's survey::rake computes them.  The targets file is checked first,
 * every complaint naming file:line; then each sweep scales the weights of
 * each variable's categories to their target in turn, until a sweep finds
 * every margin within the tolerance.  Weights are scaled to sum to the
 * number of respondents (mean 1).  With caps, weights outside
 * [lo, hi] × the mean are clipped to the bound and the raking is run again
 * ("rake and trim"), until raking leaves every weight within the caps.
 */
#include "tab/weights.h"
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoshi/datafile.h"

#define MAX_RAKE_VARS 100
#define MAX_TARGETS_FILE ((size_t)16 << 20)
#define SHARE_SUM_TOL 1e-3  /* targets of a variable may sum to 1 ± this */
#define CAP_SLACK 1e-4      /* relative: a weight this close to a cap is within it */

typedef struct rvar {
    const hi_question *q;
    const uint8_t *sa;                      /* code index + 1 per respondent */
    double target[HI_TAB_MAX_CODES + 1];    /* by code index + 1 */
    size_t line[HI_TAB_MAX_CODES + 1];      /* where each was given, 0 = not given */
    size_t first_line;
} rvar;

typedef struct rake {
    const hoshi_dataset *ds;
    const char *name;
    rvar *v;
    size_t n_v;
} rake;

static hoshi_err find_var(rake *R, const char *qid, size_t line, rvar **out)
{
    const hi_question *q = hi_codebook_find(R->ds->cb, qid, strlen(qid));
    if (q == NULL)
        return hi_fail(HOSHI_ERR_INPUT, "%s:%zu: unknown variable '%s'", R->name, line, qid);
    if (q->type != HI_Q_SA)
        return hi_fail(HOSHI_ERR_INPUT, "%s:%zu: %s is not SA; only single-answer variables can be raked",
                       R->name, line, qid);
    for (size_t i = 0; i < R->n_v; i++)
        if (R->v[i].q == q) {
            *out = &R->v[i];
            return HOSHI_OK;
        }
    if (R->n_v == MAX_RAKE_VARS)
        return hi_fail(HOSHI_ERR_LIMIT, "%s:%zu: more than %d rake variables", R->name, line,
                       MAX_RAKE_VARS);
    hoshi_err err = hi_var_verify(R->ds, qid);
    if (err != HOSHI_OK)
        return err;
    rvar *v = &R->v[R->n_v++];
    memset(v, 0, sizeof *v);
    v->q = q;
    v->sa = R->ds->col[q->first_col].sa;
    v->first_line = line;
    *out = v;
    return HOSHI_OK;
}

/* One line "variable,code,target". */
static hoshi_err target_line(rake *R, const hi_csvrec *rec)
{
    size_t line = rec->line;
    if (rec->n != 3)
        return hi_fail(HOSHI_ERR_INPUT, "%s:%zu: expected 3 fields (variable,code,target), found %zu",
                       R->name, line, rec->n);
    rvar *v = NULL;
    hoshi_err err = find_var(R, rec->f[0], line, &v);
    if (err != HOSHI_OK)
        return err;
    long code;
    if (!hoshi_parse_long(rec->f[1], 0, HI_TAB_MAX_CODE, &code))
        return hi_fail(HOSHI_ERR_INPUT, "%s:%zu: '%s' is not a code", R->name, line, rec->f[1]);
    unsigned ci = hi_code_index(v->q, code);
    if (ci == 0)
        return hi_fail(HOSHI_ERR_INPUT, "%s:%zu: %s has no code %ld in the codebook", R->name, line,
                       v->q->qid, code);
    if (v->line[ci] != 0)
        return hi_fail(HOSHI_ERR_INPUT, "%s:%zu: %s code %ld is given twice (also on line %zu)",
                       R->name, line, v->q->qid, code, v->line[ci]);
    char *end;
    errno = 0;
    double t = strtod(rec->f[2], &end);
    if (end == rec->f[2] || *end != '\0' || errno != 0 || !isfinite(t))
        return hi_fail(HOSHI_ERR_INPUT, "%s:%zu: target '%s' is not a number", R->name, line,
                       rec->f[2]);
    if (t < 0 || t > 1)
        return hi_fail(HOSHI_ERR_INPUT, "%s:%zu: target %s of %s code %ld is not a share between 0 and 1",
                       R->name, line, rec->f[2], v->q->qid, code);
    v->target[ci] = t;
    v->line[ci] = line;
    return HOSHI_OK;
}

/* Parses the whole file into R->v. */
static hoshi_err parse_targets(rake *R, const char *text, size_t len)
{
    hi_csvtok tok = {text, text + len, R->name, 1, HOSHI_BUF_INIT};
    hi_csvrec rec = {0};
    bool got = false;
    hoshi_err err = hi_csvtok_next(&tok, &rec, &got);
    if (err != HOSHI_OK)
        goto free_tok;
    if (!got) {
        err = hi_fail(HOSHI_ERR_INPUT, "%s:1: empty file (expected the header variable,code,target)",
                      R->name);
        goto free_tok;
    }
    if (rec.n != 3 || strcmp(rec.f[0], "variable") != 0 || strcmp(rec.f[1], "code") != 0 ||
        strcmp(rec.f[2], "target") != 0) {
        err = hi_fail(HOSHI_ERR_INPUT, "%s:1: the header must be variable,code,target", R->name);
        goto free_tok;
    }
    while ((err = hi_csvtok_next(&tok, &rec, &got)) == HOSHI_OK && got) {
        if (rec.n == 1 && rec.f[0][0] == '\0')
            continue; /* an empty line */
        if ((err = target_line(R, &rec)) != HOSHI_OK)
            break;
    }
    if (err == HOSHI_OK && R->n_v == 0)
        err = hi_fail(HOSHI_ERR_INPUT, "%s: no targets after the header", R->name);
free_tok:
    hi_csvrec_free(&rec);
    hoshi_buf_free(&tok.field);
    return err;
}

/* Each variable's shares sum to 1; every code given in the data has a
 * target, every positive target a respondent, and nobody is blank. */
static hoshi_err check_targets(rake *R)
{
    size_t n = R->ds->n_rows;
    for (size_t i = 0; i < R->n_v; i++) {
        rvar *v = &R->v[i];
        double sum = 0;
        for (size_t c = 1; c <= v->q->n_codes; c++)
            sum += v->target[c];
        if (fabs(sum - 1) > SHARE_SUM_TOL)
            return hi_fail(HOSHI_ERR_INPUT, "%s:%zu: the targets of %s sum to %.6g, not 1",
                           R->name, v->first_line, v->q->qid, sum);
        for (size_t c = 1; c <= v->q->n_codes; c++)
            v->target[c] /= sum;
        size_t cnt[HI_TAB_MAX_CODES + 1] = {0};
        for (size_t r = 0; r < n; r++)
            cnt[v->sa[r]]++;
        if (cnt[0] > 0) {
            size_t r = 0;
            while (v->sa[r] != 0)
                r++;
            return hi_fail(HOSHI_ERR_INPUT,
                           "%s: %s: the respondent of data row %zu has no answer (respondents "
                           "without one: %zu); every respondent needs an answer to a rake variable",
                           R->name, v->q->qid, r + 1, cnt[0]);
        }
        for (size_t c = 1; c <= v->q->n_codes; c++) {
            long code = v->q->codes[c - 1].code;
            if (cnt[c] > 0 && v->line[c] == 0)
                return hi_fail(HOSHI_ERR_INPUT, "%s: %s code %ld has %zu respondents but no target",
                               R->name, v->q->qid, code, cnt[c]);
            if (cnt[c] > 0 && v->target[c] == 0)
                return hi_fail(HOSHI_ERR_INPUT,
                               "%s:%zu: %s code %ld has the target 0 but %zu respondents "
                               "(leave them out with --where instead)",
                               R->name, v->line[c], v->q->qid, code, cnt[c]);
            if (cnt[c] == 0 && v->target[c] > 0)
                return hi_fail(HOSHI_ERR_INPUT, "%s:%zu: %s code %ld has a target but no respondent",
                               R->name, v->line[c], v->q->qid, code);
        }
    }
    return HOSHI_OK;
}

/* The weighted sums of v's categories into sums[], and their total. */
static double margin(const rvar *v, const double *w, size_t n, double *sums)
{
    memset(sums, 0, (v->q->n_codes + 1) * sizeof *sums);
    for (size_t r = 0; r < n; r++)
        sums[v->sa[r]] += w[r];
    double total = 0;
    for (size_t c = 1; c <= v->q->n_codes; c++)
        total += sums[c];
    return total;
}

/* The largest |share − target| of v now. */
static double margin_error(const rvar *v, const double *sums, double total)
{
    double e = 0;
    for (size_t c = 1; c <= v->q->n_codes; c++) {
        double d = fabs((total > 0 ? sums[c] / total : 0) - v->target[c]);
        e = d > e ? d : e;
    }
    return e;
}

/* Sweeps until the margins are within tol or *sweeps reaches max. */
static bool ipf(const rake *R, double *w, double tol, int max, int *sweeps)
{
    size_t n = R->ds->n_rows;
    double sums[HI_TAB_MAX_CODES + 1], f[HI_TAB_MAX_CODES + 1];
    while (*sweeps < max) {
        double err = 0;
        (*sweeps)++;
        for (size_t i = 0; i < R->n_v; i++) {
            const rvar *v = &R->v[i];
            double total = margin(v, w, n, sums);
            double e = margin_error(v, sums, total);
            err = e > err ? e : err;
            f[0] = 1;
            for (size_t c = 1; c <= v->q->n_codes; c++)
                f[c] = sums[c] > 0 ? v->target[c] * (double)n / sums[c] : 0;
            for (size_t r = 0; r < n; r++)
                w[r] *= f[v->sa[r]];
        }
        if (err <= tol)
            return true;
    }
    return false;
}

/* Clips w to [lo, hi] × the mean; false when all were within the caps. */
static bool trim(double *w, size_t n, double lo, double hi)
{
    double sum = 0;
    for (size_t r = 0; r < n; r++)
        sum += w[r];
    double mean = n ? sum / (double)n : 0;
    double l = lo * mean, h = hi > 0 ? hi * mean : INFINITY;
    bool any = false;
    for (size_t r = 0; r < n && !any; r++)
        any = w[r] < l * (1 - CAP_SLACK) || w[r] > h * (1 + CAP_SLACK);
    for (size_t r = 0; r < n && any; r++) /* then every weight past a cap goes to it */
        w[r] = w[r] < l ? l : w[r] > h ? h : w[r];
    return any;
}

static void report(const rake *R, const double *w, hoshi_rake_report *rep)
{
    size_t n = R->ds->n_rows;
    double sums[HI_TAB_MAX_CODES + 1];
    rep->n = n;
    rep->n_vars = R->n_v;
    rep->max_error = 0;
    for (size_t i = 0; i < R->n_v; i++) {
        double e = margin_error(&R->v[i], sums, margin(&R->v[i], w, n, sums));
        rep->max_error = e > rep->max_error ? e : rep->max_error;
    }
    double sum = 0, sq = 0, mn = INFINITY, mx = -INFINITY;
    for (size_t r = 0; r < n; r++) {
        sum += w[r];
        sq += w[r] * w[r];
        mn = w[r] < mn ? w[r] : mn;
        mx = w[r] > mx ? w[r] : mx;
    }
    rep->min = n ? mn : 0;
    rep->max = n ? mx : 0;
    rep->mean = n ? sum / (double)n : 0;
    rep->ess = hi_ess(sum, sq);
    rep->deff = rep->ess > 0 ? (double)n / rep->ess : 0;
}

static hoshi_err check_opts(const hoshi_rake_opts *o, hoshi_rake_opts *use)
{
    hoshi_rake_opts d = {1e-9, 10000, 0, 0};
    if (o != NULL)
        d = *o;
    if (d.tolerance == 0)
        d.tolerance = 1e-9;
    if (d.max_iter == 0)
        d.max_iter = 10000;
    if (!(d.tolerance > 0 && d.tolerance < 1) || d.max_iter < 1)
        return hi_fail(HOSHI_ERR_USAGE, "rake: the tolerance must be in (0, 1) and the iterations 1 or more");
    if (!(d.cap_lo >= 0 && d.cap_lo <= 1) || !(d.cap_hi == 0 || d.cap_hi >= 1) || isinf(d.cap_hi))
        return hi_fail(HOSHI_ERR_USAGE, "rake: weight caps LO..HI need 0 <= LO <= 1 <= HI");
    *use = d;
    return HOSHI_OK;
}

hoshi_err hoshi_weights_rake_parse(const hoshi_dataset *ds, const char *name, const char *text,
                                   size_t len, const hoshi_rake_opts *opts, hoshi_weights **out,
                                   hoshi_rake_report *rep)
{
    hi_clear_error();
    hoshi_rake_opts o = {0, 0, 0, 0};
    hoshi_err err = check_opts(opts, &o);
    if (err != HOSHI_OK)
        return err;
    rake R = {ds, name, hi_calloc(MAX_RAKE_VARS, sizeof(rvar)), 0};
    hoshi_weights *w = NULL;
    if (R.v == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory");
    char label[HI_TAB_MAX_LABEL + 16];
    snprintf(label, sizeof label, "rake: %s", name);
    if ((err = parse_targets(&R, text, len)) != HOSHI_OK || (err = check_targets(&R)) != HOSHI_OK ||
        (err = hi_weights_new(ds->n_rows, label, &w)) != HOSHI_OK)
        goto free_vars;
    hoshi_rake_report rp = {0};
    bool done = ipf(&R, w->w, o.tolerance, o.max_iter, &rp.iterations);
    while (done && (o.cap_lo > 0 || o.cap_hi > 0) && trim(w->w, ds->n_rows, o.cap_lo, o.cap_hi)) {
        rp.trims++;
        done = ipf(&R, w->w, o.tolerance, o.max_iter, &rp.iterations);
    }
    report(&R, w->w, &rp);
    rp.converged = done;
    if (!done && rp.max_error <= o.tolerance) { /* the margins were met, the caps not */
        err = hi_fail(HOSHI_ERR_INPUT,
                      "%s: raking did not converge in %d iterations: after %d trimming rounds "
                      "some weights are still outside the caps; the caps and the targets may "
                      "not be met together: loosen the caps", name, rp.iterations, rp.trims);
        goto free_vars;
    }
    if (!done) {
        err = hi_fail(HOSHI_ERR_INPUT,
                      "%s: raking did not converge in %d iterations (%d trimming rounds): the "
                      "largest margin error is %.3g; loosen the caps or raise --rake-iter",
                      name, rp.iterations, rp.trims, rp.max_error);
        goto free_vars;
    }
    if (rep != NULL)
        *rep = rp;
    *out = w;
    w = NULL;
free_vars:
    hoshi_weights_free(w);
    free(R.v);
    return err;
}

hoshi_err hoshi_weights_rake(const hoshi_dataset *ds, const char *path,
                             const hoshi_rake_opts *opts, hoshi_weights **out,
                             hoshi_rake_report *rep)
{
    hi_clear_error();
    char *raw = NULL, *text = NULL;
    size_t raw_len = 0, len = 0;
    hoshi_err err = hoshi_file_read(path, MAX_TARGETS_FILE, &raw, &raw_len);
    if (err == HOSHI_OK &&
        (err = hi_text_to_utf8(path, raw, raw_len, HOSHI_ENC_AUTO, &text, &len)) == HOSHI_OK)
        err = hoshi_weights_rake_parse(ds, path, text, len, opts, out, rep);
    free(text);
    free(raw);
    return err;
}

hoshi_err hoshi_rake_report_text(const hoshi_rake_report *rep, char **out, size_t *len)
{
    hoshi_buf b = HOSHI_BUF_INIT;
    hoshi_buf_printf(&b, "rake: %zu respondents, %zu variables: %s after %d iterations, %d trimming rounds\n",
                     rep->n, rep->n_vars, rep->converged ? "converged" : "not converged",
                     rep->iterations, rep->trims);
    hoshi_buf_printf(&b, "rake: largest margin error %.3g\n", rep->max_error);
    hoshi_buf_printf(&b, "rake: weights min %.4f, max %.4f, mean %.4f\n", rep->min, rep->max,
                     rep->mean);
    hoshi_buf_printf(&b, "rake: design effect %.4f, effective base %.1f\n", rep->deff, rep->ess);
    return hoshi_buf_finish(&b, out, len);
}
