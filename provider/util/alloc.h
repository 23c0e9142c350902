/* util/alloc.h - the project's allocator entry points.
 *
 * All project code allocates through these so that tests can make the N-th allocation
 * fail (curl's torture mode) and prove that every error path frees what it holds.
 * Third-party libraries (jansson, msgpack-c, gRPC) allocate on their own.
 * xa_free(NULL) is a no-op. xa_strdup(NULL) returns NULL.
 */
#ifndef XA_UTIL_ALLOC_H
#define XA_UTIL_ALLOC_H

#include <stddef.h>

void *xa_malloc(size_t n);
void *xa_calloc(size_t count, size_t size);
void *xa_realloc(void *p, size_t n);
char *xa_strdup(const char *s);
char *xa_strndup(const char *s, size_t n);
void xa_free(void *p);

/* Test hook: after `n` more successful allocations, every allocation fails until
 * alloc_fail_reset(). n < 0 disables failure injection. Returns nothing; thread-safe. */
void alloc_fail_after(long n);
void alloc_fail_reset(void);
/* Number of allocations made since the last alloc_fail_after/reset (for chaos loops). */
long alloc_count(void);

#endif
