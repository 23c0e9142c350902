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

#include <stdint.h>

#include "core/diag.h"
#include "core/value.h"

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
 * function wait for one call, and a result is reused for XACCT_POLICY_CACHE_TTL_MS
 * (default 2000) unless a write through this process invalidated it. fresh = bypass.
 * XA_OK: *policy is the JSON document (caller frees). XA_ENOTFOUND: the function or its
 * policy does not exist (*policy NULL). Otherwise err is filled. */
enum xa_status xacct_policy_get(struct xacct_meta *m, const char *region, const char *function,
                                const char *qualifier, bool fresh, char **policy,
                                struct aws_error *err);
void xacct_policy_invalidate(struct xacct_meta *m, const char *region, const char *function,
                             const char *qualifier);
/* Serialises writes to one function's policy inside the process (AWS loses permissions
 * added in parallel to one function). Every lock must be followed by an unlock. */
void xacct_function_lock(struct xacct_meta *m, const char *region, const char *function);
void xacct_function_unlock(struct xacct_meta *m, const char *region, const char *function);
/* API Gateway resource id <-> path of one REST API, cached per API; a miss reloads the
 * API's resources once. XA_OK and *out (caller frees); XA_ENOTFOUND when the API has no
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
/* true when the attribute is an unknown value (config or plan). */
bool xacct_attr_unknown(const struct value *obj, const char *name);
/* Removes a top-level attribute from a requires_replace list (equivalent forms). */
void xacct_path_list_remove(struct path_list *l, const char *attr);

/* A Lambda function as a user may name it: "NAME", "ACCOUNT:function:NAME" (partial ARN)
 * or "arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME", each with an optional
 * ":QUALIFIER" (version, alias or $LATEST). Empty fields were not given. */
struct function_ref {
    char partition[24];
    char region[32];
    char account[16];
    char name[72];
    char qualifier[136];
    bool is_arn;        /* full ARN */
    bool is_partial;    /* ACCOUNT:function:NAME */
};
/* false (with a sentence in why, which may be NULL) when s is none of the forms. */
bool function_ref_parse(const char *s, struct function_ref *out, const char **why);

/* arn:PARTITION:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/PATH... */
struct execute_api_arn {
    char partition[24];
    char region[32];
    char account[16];
    char api_id[64];
    const char *rest;   /* borrowed: what follows "API/", NULL when absent */
};
bool execute_api_arn_parse(const char *s, struct execute_api_arn *out);

/* Generated statement ids: prefix (NULL = "terraform-") + a unique suffix; caller frees. */
char *xacct_unique_id(const char *prefix);

#endif
