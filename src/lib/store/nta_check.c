/*
 * nta_check.c — the check of an organisation's 法人番号 and name against
 * the imported register: a verdict made of two look-ups any backend
 * answers (hoshi_store_nta_date, hoshi_store_nta_get) and the name
 * comparison of hoshi/nta.h, so it lives above the operation table.
 */
#include "hoshi/store_nta.h"
#include "internal.h"

#include <string.h>

hoshi_err hoshi_store_nta_check(hoshi_store *s, const char *corpnum, const char *name,
                                hoshi_nta_verdict *out, char data_date[HOSHI_STORE_DATE])
{
    static _Thread_local hoshi_nta_corp rec;
    *out = HOSHI_NTA_NOT_CHECKED;
    data_date[0] = '\0';
    if (corpnum == NULL || *corpnum == '\0')
        return HOSHI_OK;
    char date[HOSHI_STORE_DATE];
    hoshi_err err = hoshi_store_nta_date(s, date);
    if (err != HOSHI_OK || date[0] == '\0')
        return err;
    err = hoshi_store_nta_get(s, corpnum, &rec);
    if (err == HOSHI_ERR_NOTFOUND) {
        hi_clear_error();
        *out = HOSHI_NTA_UNKNOWN;
    } else if (err != HOSHI_OK) {
        return err;
    } else if (rec.close_date[0] != '\0') {
        *out = HOSHI_NTA_CLOSED;
    } else {
        *out = hoshi_nta_name_matches(rec.name, name) ? HOSHI_NTA_VERIFIED : HOSHI_NTA_NAME_DIFFERS;
    }
    memcpy(data_date, date, HOSHI_STORE_DATE);
    return HOSHI_OK;
}
