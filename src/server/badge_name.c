/*
 * badge_name.c — the organisation's name as the badge can hold it (issue
 * 11 part 7): the badge has room for about 24 half-width cells (a kanji
 * or kana takes two).  A longer name first abbreviates its legal form the
 * way Japanese business writing does (株式会社 → (株)), then is cut
 * between characters with an ellipsis.  The badge's title keeps the full
 * name.
 */
#include "server.h"

#include <stdio.h>
#include <string.h>

/* Length in bytes of the UTF-8 character at s (the name was checked). */
static size_t char_len(const unsigned char *s)
{
    return *s < 0x80 ? 1 : *s < 0xE0 ? 2 : *s < 0xF0 ? 3 : 4;
}

/* Cells of the character at s: two for wide (CJK, full-width) ones. */
static size_t char_cells(const unsigned char *s)
{
    size_t n = char_len(s);
    unsigned long cp = n == 1 ? s[0] : n == 2 ? ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu)
                                     : n == 3 ? ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu)
                                              : 0x20000;
    if (cp < 0x1100 || (cp >= 0xFF61 && cp <= 0xFF9F))
        return 1;
    return 2;
}

static size_t cells(const char *s)
{
    size_t c = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p += char_len(p))
        c += char_cells(p);
    return c;
}

/* Replaces the first `from` in buf (size bytes) by `to`, which is shorter. */
static void replace_once(char *buf, const char *from, const char *to)
{
    char *at = strstr(buf, from);
    if (at == NULL)
        return;
    size_t fl = strlen(from), tl = strlen(to);
    memmove(at + tl, at + fl, strlen(at + fl) + 1);
    memcpy(at, to, tl);
}

void srv_badge_name(const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s", name);
    if (cells(out) <= SRV_BADGE_NAME_CELLS)
        return;
    static const char *const forms[][2] = {
        {"株式会社", "(株)"}, {"有限会社", "(有)"}, {"合同会社", "(同)"}, {"合資会社", "(資)"},
        {"合名会社", "(名)"}, {"一般社団法人", "(一社)"}, {"一般財団法人", "(一財)"},
        {"特定非営利活動法人", "(特非)"}, {"NPO法人", "(特非)"},
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        replace_once(out, forms[i][0], forms[i][1]);
    if (cells(out) <= SRV_BADGE_NAME_CELLS)
        return;
    /* Cut where the ellipsis (two cells) still fits. */
    size_t c = 0;
    unsigned char *p = (unsigned char *)out;
    while (*p && c + char_cells(p) <= SRV_BADGE_NAME_CELLS - 2) {
        c += char_cells(p);
        p += char_len(p);
    }
    size_t at = (size_t)(p - (unsigned char *)out);
    if (at + sizeof "…" <= size)
        memcpy(out + at, "…", sizeof "…");
    else
        out[at] = '\0';
}
