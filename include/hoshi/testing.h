/*
 * testing.h — hooks for tests of libhoshi, not for production use.
 */
#ifndef HOSHI_TESTING_H
#define HOSHI_TESTING_H

/* After n more successful allocations inside the library, every further
 * allocation fails until this is called again; a negative n disarms it.
 * Process-wide; meant for single-threaded fault-injection tests. */
void hoshi_testing_fail_alloc_after(long n);

#endif
