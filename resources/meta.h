/* resources/meta.h - the configured provider as the resources see it.
 *
 * provider_client.c builds one struct xacct_meta per ConfigureProvider; resource
 * functions receive it as `void *meta`. A configuration may hold values unknown at
 * configure time (an argument that depends on a resource not created yet): the meta then
 * records why it cannot call AWS, and every call that needs AWS answers with that reason
 * instead of guessing (terraform-plugin-framework's "unknown at configure time").
 * Also here: turning a failed AWS call into a diagnostic, which every resource does.
 * Not here: the AWS client itself (aws/client.h), the caches (resources/caches.h).
 * Ownership: the meta belongs to core until meta_free; strings inside are owned by it.
 */
#ifndef XA_RESOURCES_META_H
#define XA_RESOURCES_META_H

#include "core/diag.h"

struct aws_client;
struct aws_error;
struct xacct_caches;
struct xacct_quotas;

struct xacct_meta {
    struct aws_client *client;      /* NULL when configuration could not build one */
    char *region;                   /* the provider's region; NULL when unknown */
    char *account_id;               /* caller's account; NULL when unknown or skipped */
    char *partition;                /* "aws" unless the region says otherwise */
    char *unusable_reason;          /* why AWS calls cannot be made, or NULL */
    struct xacct_caches *caches;    /* shared GetPolicy results, per-function locks,
                                       API resource paths (resources/caches.c) */
    struct xacct_quotas *quotas;    /* pacing of quota-limited calls (resources/quotas.c) */
};

/* Adds an error and returns NULL when meta cannot make AWS calls; else the client.
 * `what` names the operation for the diagnostic ("create the Lambda permission"). */
struct aws_client *meta_client(void *meta, const char *what, struct diags *d);

/* provider_type.scope: the account (NULL when unknown or "") and region of a meta, for
 * resource identities (core/identity.h). */
struct identity_scope;
void meta_scope(const void *meta, struct identity_scope *out);

/* Adds an error diagnostic for a failed AWS call: summary, then AWS's description of
 * the failure (operation, code, message, request id, attempts), then the remedy if any.
 * attr may be NULL. */
void meta_aws_diag(struct diags *d, const char *attr, const char *summary,
                   const struct aws_error *err, const char *remedy);

#endif
