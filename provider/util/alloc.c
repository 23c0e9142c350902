/* util/alloc.c - malloc wrappers with failure injection for chaos tests. */
#include "util/alloc.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_long fail_countdown = -1;   /* < 0: never fail */
static atomic_long allocations;

static int should_fail(void)
{
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    long left = atomic_load_explicit(&fail_countdown, memory_order_relaxed);
    if (left < 0)
        return 0;
    if (left == 0)
        return 1;
    atomic_fetch_sub_explicit(&fail_countdown, 1, memory_order_relaxed);
    return 0;
}

void alloc_fail_after(long n)
{
    atomic_store(&allocations, 0);
    atomic_store(&fail_countdown, n);
}

void alloc_fail_reset(void)
{
    atomic_store(&fail_countdown, -1);
    atomic_store(&allocations, 0);
}

long alloc_count(void) { return atomic_load(&allocations); }

void *xa_malloc(size_t n) { return should_fail() ? NULL : malloc(n ? n : 1); }

void *xa_calloc(size_t count, size_t size)
{
    return should_fail() ? NULL : calloc(count ? count : 1, size ? size : 1);
}

void *xa_realloc(void *p, size_t n) { return should_fail() ? NULL : realloc(p, n ? n : 1); }

void xa_free(void *p) { free(p); }

char *xa_strndup(const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *d = xa_malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *xa_strdup(const char *s) { return s ? xa_strndup(s, strlen(s)) : NULL; }
