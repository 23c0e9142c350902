/* resources/caches.c - state shared by the concurrent calls of one provider process.
 *
 * Three small tables behind one mutex, all keyed by strings:
 *  - function policies: a refresh of N permissions of one function costs one GetPolicy.
 *    The first caller loads, concurrent callers wait for it (single flight), and the
 *    result is reused for a short time (XACCT_POLICY_CACHE_TTL_MS, default 2000 ms) so
 *    that Terraform's -parallelism waves share it too. Any write through this process
 *    invalidates the entry and bumps its generation, so a load that raced a write is
 *    never stored. Out-of-band changes are seen once the short TTL has passed.
 *  - function locks: AddPermission/RemovePermission on one function are serialised,
 *    because Lambda drops statements added in parallel to one policy.
 *  - API resources: id <-> path per REST API (GetResources, paged), reloaded on a miss.
 * Ownership: the tables belong to the meta; returned strings to the caller.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/apigateway.h"
#include "aws/errors.h"
#include "aws/lambda.h"
#include "resources/xacct.h"
#include "util/alloc.h"

/* The head every table entry starts with: each table is a list keyed by string. */
struct entry {
    struct entry *next;
    char *key;
};

enum policy_state { POLICY_EMPTY, POLICY_LOADING, POLICY_DONE };

struct policy_entry {
    struct entry head;
    enum policy_state state;
    unsigned generation;
    bool not_found;
    char *policy;
    int64_t loaded_ms;
};

struct lock_entry {
    struct entry head;
    bool busy;
};

struct api_entry {
    struct entry head;
    char **ids, **paths;
    size_t n;
};

struct xacct_caches {
    pthread_mutex_t mu;
    pthread_cond_t changed;
    struct entry *policies;     /* struct policy_entry */
    struct entry *locks;        /* struct lock_entry */
    struct entry *apis;         /* struct api_entry */
    int64_t ttl_ms;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *make_key(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a ? a : "") + strlen(b ? b : "") + strlen(c ? c : "") + 3;
    char *k = xa_malloc(n);
    if (k)
        snprintf(k, n, "%s|%s|%s", a ? a : "", b ? b : "", c ? c : "");
    return k;
}

static struct entry *entry_find(struct entry *list, const char *key)
{
    while (list && strcmp(list->key, key) != 0)
        list = list->next;
    return list;
}

/* The entry of key in *list, added zeroed (size bytes) when absent; NULL when out of
 * memory. Callers hold the mutex. */
static void *entry_get(struct entry **list, const char *key, size_t size)
{
    struct entry *e = entry_find(*list, key);
    if (e)
        return e;
    if (!(e = xa_calloc(1, size)) || !(e->key = xa_strdup(key))) {
        xa_free(e);
        return NULL;
    }
    e->next = *list;
    *list = e;
    return e;
}

/* Frees a table; clear (NULL for none) frees what an entry owns besides its key. */
static void entries_free(struct entry *list, void (*clear)(struct entry *))
{
    for (struct entry *e = list, *n; e; e = n) {
        n = e->next;
        if (clear)
            clear(e);
        xa_free(e->key);
        xa_free(e);
    }
}

bool xacct_caches_new(struct xacct_meta *m)
{
    struct xacct_caches *c = xa_calloc(1, sizeof *c);
    if (!c)
        return false;
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->changed, NULL);
    const char *ttl = getenv("XACCT_POLICY_CACHE_TTL_MS");
    c->ttl_ms = ttl ? strtoll(ttl, NULL, 10) : 2000;
    m->caches = c;
    return true;
}

static void api_entry_clear(struct entry *h)
{
    struct api_entry *e = (struct api_entry *)h;
    for (size_t i = 0; i < e->n; i++) {
        xa_free(e->ids[i]);
        xa_free(e->paths[i]);
    }
    xa_free(e->ids);
    xa_free(e->paths);
    e->ids = e->paths = NULL;
    e->n = 0;
}

static void policy_entry_clear(struct entry *h)
{
    xa_free(((struct policy_entry *)h)->policy);
}

void xacct_caches_free(struct xacct_meta *m)
{
    struct xacct_caches *c = m ? m->caches : NULL;
    if (!c)
        return;
    entries_free(c->policies, policy_entry_clear);
    entries_free(c->locks, NULL);
    entries_free(c->apis, api_entry_clear);
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->changed);
    xa_free(c);
    m->caches = NULL;
}

/* ---- Policies ---------------------------------------------------------------------- */

static enum xa_status policy_load(struct xacct_meta *m, const char *region, const char *function,
                                  const char *qualifier, char **policy, struct aws_error *err)
{
    struct lambda_policy p = {0};
    enum xa_status st = lambda_get_policy(m->client, region, function, qualifier, &p, err);
    if (st == XA_OK) {
        *policy = p.policy;
        p.policy = NULL;
    } else if (st == XA_EAWS && aws_error_is(err, "ResourceNotFoundException")) {
        st = XA_ENOTFOUND;
    }
    lambda_policy_cleanup(&p);
    return st;
}

enum xa_status xacct_policy_get(struct xacct_meta *m, const char *region, const char *function,
                                const char *qualifier, bool fresh, char **policy,
                                struct aws_error *err)
{
    struct xacct_caches *c = m->caches;
    *policy = NULL;
    char *key = make_key(region, function, qualifier);
    if (!c || !key) {
        xa_free(key);
        return c ? XA_ENOMEM : policy_load(m, region, function, qualifier, policy, err);
    }
    enum xa_status st;
    pthread_mutex_lock(&c->mu);
    struct policy_entry *e = entry_get(&c->policies, key, sizeof *e);
    if (!e) {
        pthread_mutex_unlock(&c->mu);
        xa_free(key);
        return XA_ENOMEM;
    }
    while (!fresh && e->state == POLICY_LOADING)
        pthread_cond_wait(&c->changed, &c->mu);
    /* Strictly younger than the TTL: a TTL of 0 never reuses, even within one ms. */
    if (!fresh && e->state == POLICY_DONE && now_ms() - e->loaded_ms < c->ttl_ms) {
        st = e->not_found ? XA_ENOTFOUND : XA_OK;
        if (!e->not_found && !(*policy = xa_strdup(e->policy)))
            st = XA_ENOMEM;
        pthread_mutex_unlock(&c->mu);
        xa_free(key);
        return st;
    }
    /* This caller loads; others wait for it unless they asked for a fresh copy. */
    unsigned gen = e->generation;
    bool leader = e->state != POLICY_LOADING;
    if (leader)
        e->state = POLICY_LOADING;
    pthread_mutex_unlock(&c->mu);

    st = policy_load(m, region, function, qualifier, policy, err);

    pthread_mutex_lock(&c->mu);
    if (leader) {
        e->state = POLICY_EMPTY;
        if (e->generation == gen && (st == XA_OK || st == XA_ENOTFOUND)) {
            xa_free(e->policy);
            e->policy = st == XA_OK ? xa_strdup(*policy) : NULL;
            e->not_found = st == XA_ENOTFOUND;
            if (e->not_found || e->policy) {
                e->state = POLICY_DONE;
                e->loaded_ms = now_ms();
            }
        }
        pthread_cond_broadcast(&c->changed);
    }
    pthread_mutex_unlock(&c->mu);
    xa_free(key);
    return st;
}

void xacct_policy_invalidate(struct xacct_meta *m, const char *region, const char *function,
                             const char *qualifier)
{
    struct xacct_caches *c = m->caches;
    if (!c)
        return;
    /* Entries for other spellings of the same function (name vs ARN) would survive a
     * keyed invalidation, so every entry of the process is dropped: writes are rare. */
    (void)region;
    (void)function;
    (void)qualifier;
    pthread_mutex_lock(&c->mu);
    for (struct entry *h = c->policies; h; h = h->next) {
        struct policy_entry *e = (struct policy_entry *)h;
        e->generation++;
        if (e->state == POLICY_DONE)
            e->state = POLICY_EMPTY;
    }
    pthread_mutex_unlock(&c->mu);
}

/* ---- Function locks ---------------------------------------------------------------- */

/* Function locks are keyed by the function's bare name (callers pass permission_target's
 * name), so that a name and an ARN of one function share one lock. Two functions of one
 * name in different accounts then serialise needlessly, which costs time, never
 * correctness. Nothing is parsed here, so lock and unlock always agree on the key. */
/* Takes (busy) or releases the lock of one function; taking waits for a holder. */
static void function_lock_set(struct xacct_meta *m, const char *region, const char *name,
                              bool busy)
{
    struct xacct_caches *c = m->caches;
    char *key = c ? make_key(region, name, NULL) : NULL;
    if (!key)
        return;
    pthread_mutex_lock(&c->mu);
    struct lock_entry *e = entry_get(&c->locks, key, sizeof *e);
    while (busy && e && e->busy)
        pthread_cond_wait(&c->changed, &c->mu);
    if (e)
        e->busy = busy;
    if (!busy)
        pthread_cond_broadcast(&c->changed);
    pthread_mutex_unlock(&c->mu);
    xa_free(key);
}

void xacct_function_lock(struct xacct_meta *m, const char *region, const char *name)
{
    function_lock_set(m, region, name, true);
}

void xacct_function_unlock(struct xacct_meta *m, const char *region, const char *name)
{
    function_lock_set(m, region, name, false);
}

/* ---- API resources ----------------------------------------------------------------- */

/* Looks `want` up in column `from` and copies the other column; reloads once on a miss. */
static enum xa_status api_lookup(struct xacct_meta *m, const char *region, const char *api,
                                 const char *want, bool by_path, char **out, struct aws_error *err)
{
    struct xacct_caches *c = m->caches;
    *out = NULL;
    char *key = make_key(region, api, NULL);
    if (!c || !key) {
        xa_free(key);
        return XA_ENOMEM;
    }
    enum xa_status st = XA_ENOTFOUND;
    for (int pass = 0; pass < 2 && st == XA_ENOTFOUND; pass++) {
        if (pass == 1) {
            struct apigw_resource_list l = {0};
            st = apigw_get_resources(m->client, region, api, &l, err);
            if (st != XA_OK) {
                apigw_resource_list_cleanup(&l);
                break;
            }
            pthread_mutex_lock(&c->mu);
            struct api_entry *e = entry_get(&c->apis, key, sizeof *e);
            if (e) {
                api_entry_clear(&e->head);
                e->ids = xa_calloc(l.count + 1, sizeof *e->ids);
                e->paths = xa_calloc(l.count + 1, sizeof *e->paths);
                for (size_t i = 0; e->ids && e->paths && i < l.count; i++) {
                    e->ids[e->n] = xa_strdup(l.items[i].id);
                    e->paths[e->n] = xa_strdup(l.items[i].path);
                    if (e->ids[e->n] && e->paths[e->n])
                        e->n++;
                }
            }
            pthread_mutex_unlock(&c->mu);
            apigw_resource_list_cleanup(&l);
            st = XA_ENOTFOUND;
        }
        pthread_mutex_lock(&c->mu);
        const struct api_entry *e = (const struct api_entry *)entry_find(c->apis, key);
        for (size_t i = 0; e && i < e->n; i++) {
            const char *from = by_path ? e->paths[i] : e->ids[i];
            if (strcmp(from, want) == 0) {
                *out = xa_strdup(by_path ? e->ids[i] : e->paths[i]);
                st = *out ? XA_OK : XA_ENOMEM;
                break;
            }
        }
        pthread_mutex_unlock(&c->mu);
    }
    xa_free(key);
    return st;
}

enum xa_status xacct_api_resource_id(struct xacct_meta *m, const char *region, const char *api,
                                     const char *path, char **out, struct aws_error *err)
{
    return api_lookup(m, region, api, path, true, out, err);
}

enum xa_status xacct_api_resource_path(struct xacct_meta *m, const char *region, const char *api,
                                       const char *id, char **out, struct aws_error *err)
{
    return api_lookup(m, region, api, id, false, out, err);
}
