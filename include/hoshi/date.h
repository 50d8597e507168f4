/*
 * date.h — calendar dates (proleptic Gregorian), parsed strictly from
 * YYYY-MM-DD and formatted for Japanese or English readers.
 */
#ifndef HOSHI_DATE_H
#define HOSHI_DATE_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/catalog.h"
#include "hoshi/error.h"

typedef struct hoshi_date {
    int year;  /* 1900..9999 */
    int month; /* 1..12 */
    int day;   /* 1..31, valid for the month */
} hoshi_date;

/* Parses exactly "YYYY-MM-DD" naming a real day (2025-02-29 is refused). */
hoshi_err hoshi_date_parse(const char *s, hoshi_date *out);

/* Today's date in local time. */
hoshi_date hoshi_date_today(void);

/* Days from 1970-01-01 to d (negative before), by arithmetic alone: no
 * mktime, whose shared state makes it unsafe on the server's threads. */
long hoshi_date_days(hoshi_date d);

/* Writes "2026年11月22日" (ja) or "22 November 2026" (en) into buf (at least
 * 32 bytes is always enough); returns buf.  A month outside 1..12 (a date
 * that did not come from hoshi_date_parse) is written as "YYYY-MM-DD". */
char *hoshi_date_format(hoshi_date d, hoshi_lang lang, char *buf, size_t size);

/* Writes "2026-11-22" into buf (at least 11 bytes); returns buf. */
char *hoshi_date_iso(hoshi_date d, char *buf, size_t size);

#endif
