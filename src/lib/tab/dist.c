/*
 * dist.c — the tails of the distributions the table tests need: normal,
 * chi-square, Student's t and F, through the regularized incomplete gamma
 * and beta functions.  Written by hand after the classic series and
 * continued-fraction expansions (the continued fractions evaluated with
 * the modified Lentz method), each in the region where it converges fast,
 * so that small p values keep their relative accuracy instead of being
 * computed as 1 − (something close to 1).  lgamma() and erfc() come from
 * the C library.  Nothing here allocates or fails: an argument outside
 * the domain gives NaN.
 */
#include "tab/stats.h"

#include <math.h>

#define DIST_EPS 1e-15
#define DIST_TINY 1e-300
#define DIST_MAX_ITER 100000

/* P(a, x) by its power series; converges fast for x < a + 1. */
static double gamma_p_series(double a, double x)
{
    double ap = a, del = 1.0 / a, sum = del;
    for (int i = 0; i < DIST_MAX_ITER; i++) {
        ap += 1.0;
        del *= x / ap;
        sum += del;
        if (fabs(del) < fabs(sum) * DIST_EPS)
            break;
    }
    return sum * exp(-x + a * log(x) - lgamma(a));
}

/* One step of the modified Lentz method for the term an / (bn + …):
 * updates c and d and returns the factor the fraction is multiplied by. */
static double lentz_step(double an, double bn, double *c, double *d)
{
    *d = bn + an * *d;
    if (fabs(*d) < DIST_TINY)
        *d = DIST_TINY;
    *c = bn + an / *c;
    if (fabs(*c) < DIST_TINY)
        *c = DIST_TINY;
    *d = 1.0 / *d;
    return *d * *c;
}

/* Q(a, x) by its continued fraction (Lentz); converges fast for x > a + 1. */
static double gamma_q_cf(double a, double x)
{
    double b = x + 1.0 - a, c = 1.0 / DIST_TINY, d = 1.0 / b, h = d;
    for (int i = 1; i < DIST_MAX_ITER; i++) {
        double an = -i * (i - a);
        b += 2.0;
        double del = lentz_step(an, b, &c, &d);
        h *= del;
        if (fabs(del - 1.0) < DIST_EPS)
            break;
    }
    return exp(-x + a * log(x) - lgamma(a)) * h;
}

double hi_gamma_q(double a, double x)
{
    if (!(a > 0) || isnan(x))
        return NAN;
    if (x <= 0)
        return 1.0;
    if (isinf(x))
        return 0.0;
    return x < a + 1.0 ? 1.0 - gamma_p_series(a, x) : gamma_q_cf(a, x);
}

/* The continued fraction of I_x(a, b) (Lentz); converges fast for
 * x < (a + 1) / (a + b + 2). */
static double beta_cf(double a, double b, double x)
{
    double qab = a + b, qap = a + 1.0, qam = a - 1.0;
    double c = 1.0, d = 1.0 - qab * x / qap;
    if (fabs(d) < DIST_TINY)
        d = DIST_TINY;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m < DIST_MAX_ITER; m++) {
        double m2 = 2.0 * m;
        h *= lentz_step(m * (b - m) * x / ((qam + m2) * (a + m2)), 1.0, &c, &d);
        double del = lentz_step(-(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)), 1.0, &c, &d);
        h *= del;
        if (fabs(del - 1.0) < DIST_EPS)
            break;
    }
    return h;
}

double hi_beta_i(double a, double b, double x)
{
    if (!(a > 0) || !(b > 0) || isnan(x) || x < 0 || x > 1)
        return NAN;
    if (x == 0 || x == 1)
        return x;
    double lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
    if (x < (a + 1.0) / (a + b + 2.0))
        return exp(lbt) * beta_cf(a, b, x) / a;
    return 1.0 - exp(lbt) * beta_cf(b, a, 1.0 - x) / b;
}

double hi_norm_two_sided(double z)
{
    return isnan(z) ? NAN : erfc(fabs(z) / sqrt(2.0));
}

double hi_chisq_upper(double x, double df)
{
    return df > 0 ? hi_gamma_q(df / 2.0, x / 2.0) : NAN;
}

double hi_t_two_sided(double t, double df)
{
    if (!(df > 0) || isnan(t))
        return NAN;
    if (isinf(t))
        return 0.0;
    return hi_beta_i(df / 2.0, 0.5, df / (df + t * t));
}

double hi_f_upper(double f, double d1, double d2)
{
    if (!(d1 > 0) || !(d2 > 0) || isnan(f))
        return NAN;
    if (f <= 0)
        return 1.0;
    if (isinf(f))
        return 0.0;
    return hi_beta_i(d2 / 2.0, d1 / 2.0, d2 / (d2 + d1 * f));
}
