/*
 * support.h — the operator's directory of support services for small
 * businesses at /support (issue 13 part 4): consultation desks,
 * monitoring, incident response and insurance (the kinds the Cyber
 * Security お助け隊 services bundle), each with the regions it serves,
 * its price band, its address and the self-diagnosis items it helps
 * with.  Data the operator edits: one file per service,
 * DATADIR/support/<id>.ini (format: docs/web.md, "Support services").
 *
 * hoshi_support_open() reads and checks every file once; the handle is
 * then read-only, shared by any number of threads, and every string it
 * hands out is borrowed until hoshi_support_free().
 */
#ifndef HOSHI_SUPPORT_H
#define HOSHI_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/catalog.h"
#include "hoshi/error.h"

typedef struct hoshi_support hoshi_support;

/* The kinds of service, by their names in the files ("desk",
 * "monitoring", "incident", "insurance"), as bits 1 << (kind - 1). */
#define HOSHI_SUPPORT_KINDS 4
extern const char *const hoshi_support_kind_names[HOSHI_SUPPORT_KINDS];
/* The price bands by their names ("free", "low", "mid", "high"); the
 * words of each band are the web application's. */
#define HOSHI_SUPPORT_PRICES 4
extern const char *const hoshi_support_price_names[HOSHI_SUPPORT_PRICES];
#define HOSHI_SUPPORT_URL_MAX 300

typedef struct hoshi_service {
    const char *id;             /* the file's name less ".ini" */
    unsigned kinds;             /* bit kind-1 for each kind 1..HOSHI_SUPPORT_KINDS */
    bool nationwide;            /* serves every prefecture */
    unsigned long long regions; /* bit p-1 for each prefecture p 1..47 served */
    int price;                  /* price band 1..HOSHI_SUPPORT_PRICES */
    const char *url;            /* http:// or https://, no blank, quote or angle bracket */
    unsigned items;             /* bit n-1 for each self-diagnosis item n 1..25 it helps with */
} hoshi_service;

/* Reads every DIR/<id>.ini (dir: usually DATADIR/support), sorted by id.
 * HOSHI_ERR_DATA with a detail naming the file and line (an unknown key
 * or kind, a prefecture, price band, item or address that is not one)
 * when any file is wrong; nothing is kept then.  The caller frees *out
 * with hoshi_support_free(). */
hoshi_err hoshi_support_open(const char *dir, hoshi_support **out);
void hoshi_support_free(hoshi_support *s);

size_t hoshi_support_count(const hoshi_support *s);
/* The i-th service (0-based, by id), or NULL past the end. */
const hoshi_service *hoshi_support_at(const hoshi_support *s, size_t i);
/* Whether sv serves prefecture pref (1..47). */
bool hoshi_service_serves(const hoshi_service *sv, int pref);
/* Whether sv helps with self-diagnosis item n (1..25). */
bool hoshi_service_covers(const hoshi_service *sv, int item);
/* How many services help with item n. */
size_t hoshi_support_covering(const hoshi_support *s, int item);
/* The n-th value (0-based) of key ("name", "provider", "covers") of sv in
 * lang, or NULL past the last. */
const char *hoshi_service_text(const hoshi_support *s, const hoshi_service *sv, hoshi_lang lang, const char *key,
                               size_t n);
/* The kind (1..HOSHI_SUPPORT_KINDS) or price band named name; 0 for
 * anything else. */
int hoshi_support_kind_code(const char *name);
int hoshi_support_price_code(const char *name);

#endif
