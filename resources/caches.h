/* resources/caches.h - state shared by the calls of one provider process: function
 * policies (GetPolicy), per-function write locks, API resource ids and paths.
 *
 * See resources/caches.c for how each table is shared between concurrent calls.
 * Ownership: the tables belong to the meta (caches_new / caches_free); strings returned
 * belong to the caller.
 */
#ifndef XA_RESOURCES_CACHES_H
#define XA_RESOURCES_CACHES_H

#include <stdbool.h>

#include "util/status.h"

struct aws_error;
struct xacct_meta;

/* m->caches; false when out of memory. */
bool caches_new(struct xacct_meta *m);
void caches_free(struct xacct_meta *m);

/* The resource policy of a function (GetPolicy), shared: concurrent callers for one
 * function wait for one call and take its result (even with TTL 0), and a result is
 * reused for XACCT_POLICY_CACHE_TTL_MS (default 2000) unless a write through this process
 * invalidated it.
 * XA_OK: *policy is the JSON document (caller frees). XA_ENOTFOUND: the function or its
 * policy does not exist (*policy NULL). Otherwise err is filled. */
enum xa_status caches_policy_get(struct xacct_meta *m, const char *region, const char *function,
                                 const char *qualifier, char **policy, struct aws_error *err);
void caches_policy_invalidate(struct xacct_meta *m, const char *region, const char *function,
                              const char *qualifier);
/* Serialises writes to one function's policy inside the process (AWS loses permissions
 * added in parallel to one function). `name` is the bare function name (no account,
 * region or qualifier). Every lock must be followed by an unlock. */
void caches_function_lock(struct xacct_meta *m, const char *region, const char *name);
void caches_function_unlock(struct xacct_meta *m, const char *region, const char *name);
/* API Gateway resource id <-> path of one REST API, cached per API; a miss reloads the
 * API's resources once, and concurrent callers of one API share one GetResources. XA_OK
 * and *out (caller frees); XA_ENOTFOUND when the API has no such resource; else err
 * filled. */
enum xa_status caches_api_resource_id(struct xacct_meta *m, const char *region, const char *api,
                                      const char *path, char **out, struct aws_error *err);
enum xa_status caches_api_resource_path(struct xacct_meta *m, const char *region,
                                        const char *api, const char *id, char **out,
                                        struct aws_error *err);

#endif
