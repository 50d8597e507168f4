/*
 * alloc.h — allocation in libhoshi: malloc, calloc and realloc that a test
 * can make fail (see hoshi/testing.h).  Memory from them is released with
 * free().
 */
#ifndef HOSHI_ALLOC_H
#define HOSHI_ALLOC_H

#include <stddef.h>

void *hi_malloc(size_t n);
void *hi_calloc(size_t count, size_t size);
void *hi_realloc(void *p, size_t n);

#endif
