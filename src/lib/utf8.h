/*
 * utf8.h — UTF-8 validation and measuring.
 */
#ifndef HOSHI_UTF8_H
#define HOSHI_UTF8_H

#include <stddef.h>

/* Offset of the first byte that is not part of valid UTF-8 (rejecting
 * overlongs, surrogates and code points past U+10FFFF), or len if all valid. */
size_t hi_utf8_invalid_at(const char *s, size_t len);

/* Number of code points in the valid UTF-8 string s. */
size_t hi_utf8_count(const char *s);

#endif
