/*
 * alloc.h — allocation in libhoshi: malloc, calloc, realloc and strdup that
 * a test can make fail (see hoshi/testing.h).  They wrap the C library's
 * functions, so memory from them is released with free() — also by callers
 * outside the library that receive it.
 */
#ifndef HOSHI_ALLOC_H
#define HOSHI_ALLOC_H

#include <stddef.h>

void *hi_malloc(size_t n);
void *hi_calloc(size_t count, size_t size);
void *hi_realloc(void *p, size_t n);
/* strdup that returns NULL on NULL input as well as on failure. */
char *hi_strdup(const char *s);

#endif
