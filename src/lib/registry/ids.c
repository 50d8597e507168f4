/*
 * ids.c — check digits of the corporate number (法人番号, the scheme fixed
 * by the National Tax Agency) and of hoshi's declaration IDs (Damm).
 */
#include "hoshi/ids.h"
#include "internal.h"

#include <string.h>

/* The weakly totally anti-symmetric quasigroup of Damm's thesis (2004). */
static const unsigned char damm[10][10] = {
    {0, 3, 1, 7, 5, 9, 8, 6, 4, 2}, {7, 0, 9, 2, 1, 5, 4, 8, 6, 3},
    {4, 2, 0, 6, 8, 7, 1, 3, 5, 9}, {1, 7, 5, 0, 9, 8, 3, 4, 2, 6},
    {6, 1, 2, 3, 0, 4, 5, 9, 7, 8}, {3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
    {5, 8, 6, 9, 7, 2, 0, 1, 3, 4}, {8, 9, 4, 5, 3, 6, 2, 0, 1, 7},
    {9, 4, 3, 8, 6, 1, 7, 2, 0, 5}, {2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
};

static bool all_digits(const char *s, size_t n)
{
    if (s == NULL || strlen(s) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

int hoshi_corpnum_check_digit(const char *base12)
{
    if (!all_digits(base12, 12))
        return -1;
    int sum = 0;
    for (int n = 1; n <= 12; n++) {
        int p = base12[12 - n] - '0';
        sum += p * (n % 2 == 1 ? 1 : 2);
    }
    return 9 - sum % 9;
}

bool hoshi_corpnum_is_valid(const char *s)
{
    if (!all_digits(s, HOSHI_CORPNUM_LEN))
        return false;
    return hoshi_corpnum_check_digit(s + 1) == s[0] - '0';
}

int hoshi_damm_check_digit(const char *s)
{
    if (s == NULL || *s == '\0')
        return -1;
    int interim = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        interim = damm[interim][*p - '0'];
    }
    return interim;
}

bool hoshi_decl_id_is_valid(const char *s)
{
    if (!all_digits(s, HOSHI_DECL_ID_LEN) || s[0] == '0')
        return false;
    /* Running Damm over the whole ID, check digit included, ends at 0. */
    return hoshi_damm_check_digit(s) == 0;
}

hoshi_err hoshi_decl_id_make(long long base, char out[HOSHI_DECL_ID_LEN + 1])
{
    hi_clear_error();
    out[0] = '\0';
    if (base < 1000000000LL || base > 9999999999LL)
        return hi_fail(HOSHI_ERR_USAGE, "declaration ID base %lld out of range", base);
    for (int i = 9; i >= 0; i--) {
        out[i] = (char)('0' + base % 10);
        base /= 10;
    }
    out[10] = '\0';
    out[10] = (char)('0' + hoshi_damm_check_digit(out));
    out[11] = '\0';
    return HOSHI_OK;
}

bool hoshi_decl_id_normalize(const char *in, char out[HOSHI_DECL_ID_LEN + 1])
{
    size_t n = 0;
    out[0] = '\0';
    if (in == NULL)
        return false;
    for (const char *p = in; *p; p++) {
        if (*p == ' ' || *p == '-')
            continue;
        if (n == HOSHI_DECL_ID_LEN)
            return out[0] = '\0', false;
        out[n++] = *p;
    }
    out[n] = '\0';
    if (!hoshi_decl_id_is_valid(out)) {
        out[0] = '\0';
        return false;
    }
    return true;
}
