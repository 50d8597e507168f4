/*
 * tab_weight.c — `hoshi tab --weight VAR` and `--rake TARGETS.csv` with
 * their options: the option values checked, the weights made once the
 * data is open (hoshi/weights.h), and the rake report and the saved
 * weights written after the tables were computed.
 */
#include "cli.h"
#include "tab_weight.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool bad(tab_wopts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool bad(tab_wopts *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->msg, sizeof o->msg, fmt, ap);
    va_end(ap);
    return false;
}

/* A whole number text as a double, or false. */
static bool number(const char *s, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    return end != s && *end == '\0' && errno == 0 && isfinite(*out);
}

/* "LO..HI": either may be left out (no cap on that side). */
static bool parse_cap(tab_wopts *o, const char *val)
{
    const char *dots = strstr(val, "..");
    char lo[64];
    size_t ll = dots ? (size_t)(dots - val) : 0;
    if (dots == NULL || ll >= sizeof lo)
        return bad(o, "--weight-cap '%s': expected LO..HI, e.g. 0.3..3", val);
    memcpy(lo, val, ll);
    lo[ll] = '\0';
    o->ro.cap_lo = 0;
    o->ro.cap_hi = 0;
    if ((ll > 0 && !number(lo, &o->ro.cap_lo)) || (dots[2] && !number(dots + 2, &o->ro.cap_hi)))
        return bad(o, "--weight-cap '%s': LO and HI must be numbers", val);
    if (o->ro.cap_lo < 0 || o->ro.cap_lo > 1 || (o->ro.cap_hi != 0 && o->ro.cap_hi < 1))
        return bad(o, "--weight-cap '%s': needs 0 <= LO <= 1 <= HI (times the mean weight)", val);
    return true;
}

bool tab_wopts_set(tab_wopts *o, int which, const char *val)
{
    double x;
    switch (which) {
    case TAB_W_WEIGHT: o->weight = val; return true;
    case TAB_W_RAKE: o->rake = val; return true;
    case TAB_W_REPORT: o->rake_report = val; o->any_rake_opt = true; return true;
    case TAB_W_SAVE: o->save = val; return true;
    case TAB_W_CAP: o->any_rake_opt = true; return parse_cap(o, val);
    case TAB_W_TOL:
        o->any_rake_opt = true;
        if (!number(val, &x) || !(x > 0 && x < 1))
            return bad(o, "--rake-tol '%s': needs a number between 0 and 1, e.g. 1e-9", val);
        o->ro.tolerance = x;
        return true;
    case TAB_W_ITER:
        o->any_rake_opt = true;
        if (!number(val, &x) || x < 1 || x > 1000000 || x != floor(x))
            return bad(o, "--rake-iter '%s': needs a whole number 1..1000000", val);
        o->ro.max_iter = (int)x;
        return true;
    default: return bad(o, "unknown weighting option");
    }
}

bool tab_wopts_check(tab_wopts *o)
{
    if (o->weight && o->rake)
        return bad(o, "--weight and --rake cannot be used together");
    if (o->any_rake_opt && o->rake == NULL)
        return bad(o, "--rake-tol, --rake-iter, --weight-cap and --rake-report need --rake");
    if (o->save && o->weight == NULL && o->rake == NULL)
        return bad(o, "--save-weights needs --weight or --rake");
    return true;
}

int tab_wopts_make(const char *cmd, const tab_wopts *o, const hoshi_dataset *ds,
                   hoshi_weights **w, char **report, size_t *report_len)
{
    hoshi_err err;
    *w = NULL;
    if (o->weight != NULL) {
        if ((err = hoshi_weights_from_var(ds, o->weight, w)) != HOSHI_OK)
            return cli_input_error(cmd, err);
        return EXIT_OK;
    }
    if (o->rake == NULL)
        return EXIT_OK;
    hoshi_rake_report rep;
    if ((err = hoshi_weights_rake(ds, o->rake, &o->ro, w, &rep)) != HOSHI_OK)
        return cli_input_error(cmd, err);
    if ((err = hoshi_rake_report_text(&rep, report, report_len)) != HOSHI_OK) {
        hoshi_weights_free(*w);
        *w = NULL;
        return cli_lib_error(cmd, err);
    }
    return EXIT_OK;
}

int tab_wopts_write(const char *cmd, const tab_wopts *o, const hoshi_weights *w,
                    const char *data_path, const char *report, size_t report_len)
{
    int rc = EXIT_OK;
    if (report != NULL) {
        if (o->rake_report != NULL)
            rc = cli_write_output(cmd, o->rake_report, report, report_len);
        else
            fwrite(report, 1, report_len, stderr);
    }
    hoshi_err err;
    if (rc == EXIT_OK && o->save != NULL && (err = hoshi_weights_save(w, data_path, o->save)) != HOSHI_OK)
        rc = cli_lib_error(cmd, err);
    return rc;
}
