/*
 * tab.h — internal declarations of the table builder and renderers.
 */
#ifndef HOSHI_TAB_TAB_H
#define HOSHI_TAB_TAB_H

#include "tab/table.h"
#include "tab/vars.h"

/* ASCII-case-insensitive prefix compare of n bytes (labels may be UTF-8). */
static inline bool hi_prefix_caseeq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return false;
        if (x == '\0')
            return false;
    }
    return true;
}

#endif
