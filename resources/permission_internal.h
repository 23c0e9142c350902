/* resources/permission_internal.h - the typed model of xacct_lambda_permission and the
 * conversions of resources/lambda_permission.c that permission_list.c shares, and those
 * its unit test reaches (static in a build without XA_TESTING).
 *
 * Only lambda_permission.c, permission_list.c and tests/unit/test_lambda_permission.c
 * include this file.
 */
#ifndef XA_RESOURCES_PERMISSION_INTERNAL_H
#define XA_RESOURCES_PERMISSION_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/lambda.h"
#include "core/diag.h"
#include "core/model.h"
#include "core/resource.h"
#include "core/schema.h"
#include "util/testable.h"

/* One field per attribute of the schema (lambda_permission.c), in its order. */
struct permission_model {
    struct model_string action;
    struct model_string event_source_token;
    struct model_string function_name;
    struct model_string function_url_auth_type;
    struct model_string id;
    struct model_string principal;
    struct model_string principal_org_id;
    struct model_string qualifier;
    struct model_string region;
    struct model_string source_account;
    struct model_string source_arn;
    struct model_string statement_id;
    struct model_string statement_id_prefix;
};

/* What the Lambda calls of one permission address; every string is owned. */
struct permission_target {
    char *function;     /* function_name without its ":qualifier" */
    char *qualifier;    /* "" when none */
    char *region;       /* the ARN's, else the resource's, else the provider's */
    char *account;      /* "" unless function_name is a (partial) ARN */
    char *name;         /* the bare function name */
};
void permission_target_cleanup(struct permission_target *t);
/* The resource type (lambda_permission.c), whose table permission_list.c needs. */
extern const struct resource_type xacct_lambda_permission_type;
/* Where a permission's calls go: the function without qualifier, the qualifier from
 * either place, the region from the ARN, else the resource's, else the provider's.
 * false (t empty) when function_name is not a function reference or memory runs out. */
bool permission_target(const struct permission_model *m, const char *provider_region,
                       struct permission_target *t);
/* The statement as AWS holds it, in place of the prior state m (or a fresh model). */
bool permission_state_read(struct permission_model *m, const struct lambda_statement *s);

#ifdef XA_TESTING
XA_TESTABLE bool permission_same_function(const struct permission_target *a,
                                          const struct permission_target *b, const char *account);
XA_TESTABLE bool permission_import_id(struct permission_model *m, const char *id);
XA_TESTABLE char *permission_unique_id(const char *prefix);
#endif

#endif
