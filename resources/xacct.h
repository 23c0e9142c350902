/* resources/xacct.h - what the resource files of xacct share: the configured provider
 * (meta) and the small helpers every resource needs.
 *
 * provider.c builds one struct xacct_meta per ConfigureProvider; resource functions
 * receive it as `void *meta`. A configuration may hold values unknown at configure time
 * (an argument that depends on a resource not created yet): the meta then records why
 * it cannot call AWS, and every call that needs AWS answers with that reason instead of
 * guessing (terraform-plugin-framework's "unknown at configure time").
 * Not here: the AWS client itself (aws/client.h), planning (core/plan.h).
 * Ownership: the meta belongs to core until meta_free; strings inside are owned by it.
 */
#ifndef XA_RESOURCES_XACCT_H
#define XA_RESOURCES_XACCT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/value.h"
#include "util/status.h"

/* Static helpers become reachable from unit tests (curl's UNITTEST); their prototypes
 * are in resources/testable.h. */
#ifdef XA_TESTING
#define XA_TESTABLE
#else
#define XA_TESTABLE static
#endif

struct aws_client;
struct xacct_caches;

struct xacct_meta {
    struct aws_client *client;      /* NULL when configuration could not build one */
    char *region;                   /* the provider's region; NULL when unknown */
    char *account_id;               /* caller's account; NULL when unknown or skipped */
    char *partition;                /* "aws" unless the region says otherwise */
    char *unusable_reason;          /* why AWS calls cannot be made, or NULL */
    struct xacct_caches *caches;    /* shared GetPolicy results, per-function locks,
                                       API resource paths (resources/caches.c) */
};

/* Adds an error and returns NULL when meta cannot make AWS calls; else the client.
 * `what` names the operation for the diagnostic ("create the Lambda permission"). */
struct aws_client *xacct_client(void *meta, const char *what, struct diags *d);

/* Adds an error diagnostic for a failed AWS call: summary, then AWS's description of
 * the failure (operation, code, message, request id, attempts), then the remedy if any.
 * attr may be NULL. */
struct aws_error;
void xacct_aws_diag(struct diags *d, const char *attr, const char *summary,
                    const struct aws_error *err, const char *remedy);

/* ---- resources/caches.c: state shared by the calls of one provider process ---- */
struct aws_error;
bool xacct_caches_new(struct xacct_meta *m);
void xacct_caches_free(struct xacct_meta *m);

/* The resource policy of a function (GetPolicy), shared: concurrent callers for one
 * function wait for one call and take its result (even with TTL 0), and a result is
 * reused for XACCT_POLICY_CACHE_TTL_MS (default 2000) unless a write through this process
 * invalidated it. fresh = bypass.
 * XA_OK: *policy is the JSON document (caller frees). XA_ENOTFOUND: the function or its
 * policy does not exist (*policy NULL). Otherwise err is filled. */
enum xa_status xacct_policy_get(struct xacct_meta *m, const char *region, const char *function,
                                const char *qualifier, bool fresh, char **policy,
                                struct aws_error *err);
void xacct_policy_invalidate(struct xacct_meta *m, const char *region, const char *function,
                             const char *qualifier);
/* Serialises writes to one function's policy inside the process (AWS loses permissions
 * added in parallel to one function). `name` is the bare function name (no account,
 * region or qualifier). Every lock must be followed by an unlock. */
void xacct_function_lock(struct xacct_meta *m, const char *region, const char *name);
void xacct_function_unlock(struct xacct_meta *m, const char *region, const char *name);
/* API Gateway resource id <-> path of one REST API, cached per API; a miss reloads the
 * API's resources once, and concurrent callers of one API share one GetResources. XA_OK and *out (caller frees); XA_ENOTFOUND when the API has no
 * such resource; else err filled. */
enum xa_status xacct_api_resource_id(struct xacct_meta *m, const char *region, const char *api,
                                     const char *path, char **out, struct aws_error *err);
enum xa_status xacct_api_resource_path(struct xacct_meta *m, const char *region, const char *api,
                                       const char *id, char **out, struct aws_error *err);

/* Small value helpers shared by the resources. The setters return false on
 * allocation failure (the caller adds the diagnostic). */
bool xacct_set_string(struct value *obj, const char *name, const char *s);   /* NULL -> null */
bool xacct_set_unknown(struct value *obj, const char *name);
bool xacct_set_null(struct value *obj, const char *name);
bool xacct_set_int(struct value *obj, const char *name, int64_t n);
/* Borrowed views of a known list/set of strings, or of a map of strings, for an AWS
 * request; *out (NULL when empty or unknown) is freed by the caller. false on allocation
 * failure. */
struct aws_kv_ref;
bool xacct_string_refs(const struct value *v, const char ***out, size_t *n);
bool xacct_kv_refs(const struct value *map, struct aws_kv_ref **out, size_t *n);
/* true when the attribute is an unknown value (config or plan). */
bool xacct_attr_unknown(const struct value *obj, const char *name);
/* Removes a top-level attribute from a requires_replace list (equivalent forms). */
void xacct_path_list_remove(struct path_list *l, const char *attr);

/* Lambda function names ("NAME", "ACCOUNT:function:NAME", full ARNs, each with an optional
 * ":QUALIFIER"), integration URIs and execute-api ARNs are read with aws/arn.h, so that
 * validation, planning, import and the AWS client agree on what "the same function" is. */
struct arn_execute_api;
struct xbuf;
/* arn.h's execute-api parser and builder with one addition arn.h lacks: "*" as the account
 * (AWS matches a permission's SourceArn with ArnLike, and the integration writes "*" when
 * the API account is unknown, e.g. skip_requesting_account_id). _build: account NULL or
 * "" means "*"; other arguments as arn_execute_api_build. _parse sets out->account to "*"
 * for a wildcard account. */
enum xa_status xacct_execute_api_parse(const char *s, struct arn_execute_api *out,
                                       const char **why);
enum xa_status xacct_execute_api_build(const char *partition, const char *region,
                                       const char *account, const char *api_id,
                                       const char *method, const char *path, struct xbuf *out);
#define XACCT_FUNCTION_FORMS "Give a function name, a partial ARN (ACCOUNT:function:NAME) or " \
                             "a full Lambda function ARN, each with an optional :QUALIFIER."

/* MoveResourceState: true when the source is hashicorp/aws's resource type `type` (from any
 * registry host); else adds an "Unsupported move" error naming `ours`. */
bool xacct_move_from_aws(const char *ours, const char *type, const char *source_provider,
                         const char *source_type, struct diags *d);

/* Generated statement ids: prefix (NULL = "terraform-") + a unique suffix; caller frees. */
char *xacct_unique_id(const char *prefix);

#endif
