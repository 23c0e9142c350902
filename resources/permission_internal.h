/* resources/permission_internal.h - the conversions of resources/lambda_permission.c
 * that its unit test reaches (static in a build without XA_TESTING).
 *
 * Only lambda_permission.c and tests/unit/test_lambda_permission.c include this file.
 */
#ifndef XA_RESOURCES_PERMISSION_INTERNAL_H
#define XA_RESOURCES_PERMISSION_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/lambda.h"
#include "core/diag.h"
#include "core/schema.h"
#include "core/value.h"
#include "resources/xacct.h"

/* What the Lambda calls of one permission address. */
struct permission_target {
    char function[256];     /* function_name without its ":qualifier" */
    char qualifier[136];    /* "" when none */
    char region[32];        /* the ARN's, else the resource's, else the provider's */
    char account[16];       /* "" unless function_name is a (partial) ARN */
    char name[72];          /* the bare function name */
};

XA_TESTABLE bool permission_target(const struct value *v, const char *provider_region,
                                   struct permission_target *t);
XA_TESTABLE bool permission_same_function(const struct permission_target *a,
                                          const struct permission_target *b, const char *account);
XA_TESTABLE struct value *permission_state_read(const struct value *state,
                                                const struct lambda_statement *s);
XA_TESTABLE bool permission_import_id(struct value *state, const char *id);
XA_TESTABLE struct value *permission_from_json(const struct schema_block *b, const char *json,
                                               size_t len, struct diags *d);

#endif
