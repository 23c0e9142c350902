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

enum policy_state { POLICY_EMPTY, POLICY_LOADING, POLICY_DONE };

struct policy_entry {
    struct policy_entry *next;
    char *key;
    enum policy_state state;
    unsigned generation;
    bool not_found;
    char *policy;
    int64_t loaded_ms;
};

struct lock_entry {
    struct lock_entry *next;
    char *key;
    bool busy;
};

struct api_entry {
    struct api_entry *next;
    char *key;
    char **ids, **paths;
    size_t n;
};

struct xacct_caches {
    pthread_mutex_t mu;
    pthread_cond_t changed;
    struct policy_entry *policies;
    struct lock_entry *locks;
    struct api_entry *apis;
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

static void api_entry_clear(struct api_entry *e)
{
    for (size_t i = 0; i < e->n; i++) {
        xa_free(e->ids[i]);
        xa_free(e->paths[i]);
    }
    xa_free(e->ids);
    xa_free(e->paths);
    e->ids = e->paths = NULL;
    e->n = 0;
}

void xacct_caches_free(struct xacct_meta *m)
{
    struct xacct_caches *c = m ? m->caches : NULL;
    if (!c)
        return;
    for (struct policy_entry *e = c->policies, *n; e; e = n) {
        n = e->next;
        xa_free(e->key);
        xa_free(e->policy);
        xa_free(e);
    }
    for (struct lock_entry *e = c->locks, *n; e; e = n) {
        n = e->next;
        xa_free(e->key);
        xa_free(e);
    }
    for (struct api_entry *e = c->apis, *n; e; e = n) {
        n = e->next;
        api_entry_clear(e);
        xa_free(e->key);
        xa_free(e);
    }
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->changed);
    xa_free(c);
    m->caches = NULL;
}

/* ---- Policies ---------------------------------------------------------------------- */

static struct policy_entry *policy_entry(struct xacct_caches *c, const char *key)
{
    for (struct policy_entry *e = c->policies; e; e = e->next)
        if (strcmp(e->key, key) == 0)
            return e;
    struct policy_entry *e = xa_calloc(1, sizeof *e);
    if (!e || !(e->key = xa_strdup(key))) {
        xa_free(e);
        return NULL;
    }
    e->next = c->policies;
    c->policies = e;
    return e;
}

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
    struct policy_entry *e = policy_entry(c, key);
    if (!e) {
        pthread_mutex_unlock(&c->mu);
        xa_free(key);
        return XA_ENOMEM;
    }
    while (!fresh && e->state == POLICY_LOADING)
        pthread_cond_wait(&c->changed, &c->mu);
    if (!fresh && e->state == POLICY_DONE && now_ms() - e->loaded_ms <= c->ttl_ms) {
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
    for (struct policy_entry *e = c->policies; e; e = e->next) {
        e->generation++;
        if (e->state == POLICY_DONE)
            e->state = POLICY_EMPTY;
    }
    pthread_mutex_unlock(&c->mu);
}

/* ---- Function locks ---------------------------------------------------------------- */

static struct lock_entry *lock_entry(struct xacct_caches *c, const char *key)
{
    for (struct lock_entry *e = c->locks; e; e = e->next)
        if (strcmp(e->key, key) == 0)
            return e;
    struct lock_entry *e = xa_calloc(1, sizeof *e);
    if (!e || !(e->key = xa_strdup(key))) {
        xa_free(e);
        return NULL;
    }
    e->next = c->locks;
    c->locks = e;
    return e;
}

/* Locks are keyed by the function's name (the part after "function:"), so that a name and
 * an ARN of one function share one lock. Two functions of one name in different accounts
 * then serialise needlessly, which costs time, never correctness. */
static char *lock_key(const char *region, const char *function)
{
    struct function_ref ref;
    const char *name = function_ref_parse(function, &ref, NULL) ? ref.name : function;
    return make_key(region, name, NULL);
}

void xacct_function_lock(struct xacct_meta *m, const char *region, const char *function)
{
    struct xacct_caches *c = m->caches;
    char *key = c ? lock_key(region, function) : NULL;
    if (!key)
        return;
    pthread_mutex_lock(&c->mu);
    struct lock_entry *e = lock_entry(c, key);
    while (e && e->busy)
        pthread_cond_wait(&c->changed, &c->mu);
    if (e)
        e->busy = true;
    pthread_mutex_unlock(&c->mu);
    xa_free(key);
}

void xacct_function_unlock(struct xacct_meta *m, const char *region, const char *function)
{
    struct xacct_caches *c = m->caches;
    char *key = c ? lock_key(region, function) : NULL;
    if (!key)
        return;
    pthread_mutex_lock(&c->mu);
    struct lock_entry *e = lock_entry(c, key);
    if (e)
        e->busy = false;
    pthread_cond_broadcast(&c->changed);
    pthread_mutex_unlock(&c->mu);
    xa_free(key);
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
            struct api_entry *e = c->apis;
            while (e && strcmp(e->key, key) != 0)
                e = e->next;
            if (!e && (e = xa_calloc(1, sizeof *e))) {
                if ((e->key = xa_strdup(key))) {
                    e->next = c->apis;
                    c->apis = e;
                } else {
                    xa_free(e);
                    e = NULL;
                }
            }
            if (e) {
                api_entry_clear(e);
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
        for (struct api_entry *e = c->apis; e && st == XA_ENOTFOUND; e = e->next) {
            if (strcmp(e->key, key) != 0)
                continue;
            for (size_t i = 0; i < e->n; i++) {
                const char *from = by_path ? e->paths[i] : e->ids[i];
                if (strcmp(from, want) == 0) {
                    *out = xa_strdup(by_path ? e->ids[i] : e->paths[i]);
                    st = *out ? XA_OK : XA_ENOMEM;
                    break;
                }
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
