/*
 * date.c — strict date parsing and display.  Dates arrive from users (the
 * policy's date, the web forms), so every field is checked, not just the
 * shape.
 */
#include "hoshi/date.h"
#include "internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

static bool digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

hoshi_err hoshi_date_parse(const char *s, hoshi_date *out)
{
    hi_clear_error();
    hoshi_date d;
    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
        !digits(s, 4, &d.year) || !digits(s + 5, 2, &d.month) || !digits(s + 8, 2, &d.day))
        return hi_fail(HOSHI_ERR_INPUT, "invalid date '%s': expected YYYY-MM-DD", s ? s : "");
    if (d.year < 1900 || d.year > 9999)
        return hi_fail(HOSHI_ERR_INPUT, "invalid date '%s': year out of range 1900-9999", s);
    if (d.month < 1 || d.month > 12)
        return hi_fail(HOSHI_ERR_INPUT, "invalid date '%s': month must be 01-12", s);
    if (d.day < 1 || d.day > days_in_month(d.year, d.month))
        return hi_fail(HOSHI_ERR_INPUT, "invalid date '%s': %04d-%02d has no day %d", s,
                       d.year, d.month, d.day);
    *out = d;
    return HOSHI_OK;
}

hoshi_date hoshi_date_today(void)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    return (hoshi_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

long hoshi_date_days(hoshi_date d)
{
    /* Howard Hinnant's days_from_civil: years counted from March, so the
     * leap day ends a year and each 400-year era has 146,097 days. */
    long y = d.year - (d.month <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long mp = (d.month + 9) % 12;
    long doy = (153 * mp + 2) / 5 + d.day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

char *hoshi_date_format(hoshi_date d, hoshi_lang lang, char *buf, size_t size)
{
    static const char *const months[] = {"January", "February", "March", "April", "May", "June",
                                         "July", "August", "September", "October", "November",
                                         "December"};
    if (d.month < 1 || d.month > 12) /* not from hoshi_date_parse: no month name to read */
        snprintf(buf, size, "%04d-%02d-%02d", d.year, d.month, d.day);
    else if (lang == HOSHI_LANG_EN)
        snprintf(buf, size, "%d %s %d", d.day, months[d.month - 1], d.year);
    else
        snprintf(buf, size, "%d年%d月%d日", d.year, d.month, d.day);
    return buf;
}

char *hoshi_date_iso(hoshi_date d, char *buf, size_t size)
{
    snprintf(buf, size, "%04d-%02d-%02d", d.year, d.month, d.day);
    return buf;
}
