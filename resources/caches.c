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
 *  - API resources: id <-> path per REST API (GetResources, paged), reloaded on a miss;
 *    like policies, one load per API runs at a time and concurrent callers share it.
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
#include "resources/caches.h"
#include "resources/meta.h"
#include "resources/quotas.h"
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

/* Loads of one API are numbered: `started` counts loads begun, `stored` is the number of
 * the load whose list is held. A caller that missed needs a load begun after its miss. */
struct api_entry {
    struct entry head;
    struct apigw_resource_list list;
    bool loading;
    unsigned long started, stored;
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

bool caches_new(struct xacct_meta *m)
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
    apigw_resource_list_cleanup(&((struct api_entry *)h)->list);
}

static void policy_entry_clear(struct entry *h)
{
    xa_free(((struct policy_entry *)h)->policy);
}

void caches_free(struct xacct_meta *m)
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

enum xa_status caches_policy_get(struct xacct_meta *m, const char *region, const char *function,
                                 const char *qualifier, char **policy, struct aws_error *err)
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
    bool waited = false;
    while (e->state == POLICY_LOADING) {
        pthread_cond_wait(&c->changed, &c->mu);
        waited = true;
    }
    /* A caller that waited takes the load it waited for whatever the TTL: concurrent reads
     * share one GetPolicy even with TTL 0 (DONE after a wait can only come from a load
     * that ended during the wait; a write meanwhile leaves the entry EMPTY). Otherwise
     * strictly younger than the TTL: a TTL of 0 never reuses, even within one ms. */
    if (e->state == POLICY_DONE && (waited || now_ms() - e->loaded_ms < c->ttl_ms)) {
        st = e->not_found ? XA_ENOTFOUND : XA_OK;
        if (!e->not_found && !(*policy = xa_strdup(e->policy)))
            st = XA_ENOMEM;
        pthread_mutex_unlock(&c->mu);
        xa_free(key);
        return st;
    }
    /* This caller loads; others wait for it. */
    unsigned gen = e->generation;
    e->state = POLICY_LOADING;
    pthread_mutex_unlock(&c->mu);

    st = policy_load(m, region, function, qualifier, policy, err);

    pthread_mutex_lock(&c->mu);
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
    pthread_mutex_unlock(&c->mu);
    xa_free(key);
    return st;
}

void caches_policy_invalidate(struct xacct_meta *m, const char *region, const char *function,
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

void caches_function_lock(struct xacct_meta *m, const char *region, const char *name)
{
    function_lock_set(m, region, name, true);
}

void caches_function_unlock(struct xacct_meta *m, const char *region, const char *name)
{
    function_lock_set(m, region, name, false);
}

/* ---- API resources ----------------------------------------------------------------- */

/* Copies the other column of the resource whose id (by_path false) or path equals want:
 * XA_OK, XA_ENOMEM, or XA_ENOTFOUND when the held list has no such resource. Callers hold
 * the mutex. */
static enum xa_status api_find(const struct api_entry *e, const char *want, bool by_path,
                               char **out)
{
    for (size_t i = 0; i < e->list.count; i++) {
        const struct apigw_resource *r = &e->list.items[i];
        const char *from = by_path ? r->path : r->id;
        if (from && strcmp(from, want) == 0) {
            const char *other = by_path ? r->id : r->path;
            *out = other ? xa_strdup(other) : NULL;
            return *out ? XA_OK : other ? XA_ENOMEM : XA_ENOTFOUND;
        }
    }
    return XA_ENOTFOUND;
}

/* Looks want up in the API's cached resources. A miss needs a GetResources begun after
 * it (the resource may have been created since the held list was loaded), and only one
 * runs per API at a time: callers that arrive during a load wait for it and take it,
 * which answers their hits; those who still miss join or lead the next load, and a miss
 * in a load begun after their own miss is final. A failed load is reported by its leader
 * only; waiters go round again and one of them retries. */
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
    pthread_mutex_lock(&c->mu);
    struct api_entry *e = entry_get(&c->apis, key, sizeof *e);
    enum xa_status st = e ? api_find(e, want, by_path, out) : XA_ENOMEM;
    unsigned long need = e ? e->started + 1 : 0;
    while (st == XA_ENOTFOUND) {
        while (e->loading && st == XA_ENOTFOUND) {
            pthread_cond_wait(&c->changed, &c->mu);
            st = api_find(e, want, by_path, out);
        }
        if (st != XA_ENOTFOUND || e->stored >= need)
            break;
        unsigned long seq = ++e->started;
        e->loading = true;
        pthread_mutex_unlock(&c->mu);
        struct apigw_resource_list l = {0};
        /* GetResources: 5 requests per 2 s per account (resources/quotas.h). */
        if (quotas_wait(m, QUOTA_GET_RESOURCES)) {
            st = apigw_get_resources(m->client, region, api, &l, err);
        } else {
            aws_error_set_transport(err, XA_ECANCELED, "the provider is stopping");
            st = XA_ECANCELED;
        }
        pthread_mutex_lock(&c->mu);
        e->loading = false;
        if (st == XA_OK) {
            apigw_resource_list_cleanup(&e->list);
            e->list = l;
            l = (struct apigw_resource_list){0};
            e->stored = seq;
            st = api_find(e, want, by_path, out);
        }
        apigw_resource_list_cleanup(&l);
        pthread_cond_broadcast(&c->changed);
        if (st == XA_ENOTFOUND)     /* this load began after the miss: final */
            break;
    }
    pthread_mutex_unlock(&c->mu);
    xa_free(key);
    return st;
}

enum xa_status caches_api_resource_id(struct xacct_meta *m, const char *region, const char *api,
                                     const char *path, char **out, struct aws_error *err)
{
    return api_lookup(m, region, api, path, true, out, err);
}

enum xa_status caches_api_resource_path(struct xacct_meta *m, const char *region, const char *api,
                                       const char *id, char **out, struct aws_error *err)
{
    return api_lookup(m, region, api, id, false, out, err);
}
