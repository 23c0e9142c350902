/* resources/authorizer_internal.h - what the files of xacct_lambda_authorizer share: its
 * typed model, the conversion from AWS's authorizer that read and the list share
 * (authorizer_list.c), and the conversions of state written elsewhere
 * (authorizer_migrate.c: hashicorp/aws's aws_api_gateway_authorizer for `moved`).
 * Included by lambda_authorizer.c, authorizer_list.c, authorizer_migrate.c and the unit
 * tests only.
 */
#ifndef XA_RESOURCES_AUTHORIZER_INTERNAL_H
#define XA_RESOURCES_AUTHORIZER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"
#include "core/model.h"
#include "core/resource.h"

/* One field per attribute of the schema (lambda_authorizer.c), in its order. */
struct authorizer_model {
    struct model_string api_account_id;
    struct model_string arn;
    struct model_string authorizer_credentials;
    struct model_int64 authorizer_result_ttl_in_seconds;
    struct model_string authorizer_uri;
    struct model_string function_arn;
    struct model_string id;
    struct model_string identity_source;
    struct model_string identity_validation_expression;
    struct model_string name;
    struct model_string region;
    struct model_string rest_api_id;
    struct model_string source_arn;
    struct model_string type;
};

struct apigw_authorizer;
struct xacct_meta;

/* The resource type (lambda_authorizer.c), whose table authorizer_list.c needs. */
extern const struct resource_type xacct_lambda_authorizer_type;

/* m as ReadResource returns it for AWS's authorizer a (region and account from meta when
 * m has none). false on allocation failure. */
bool authorizer_state_read(struct authorizer_model *m, const struct apigw_authorizer *a,
                           const struct xacct_meta *meta);

/* hashicorp/aws's aws_api_gateway_authorizer state (raw JSON) to the model; only Lambda
 * authorizers (TOKEN, REQUEST with a Lambda invocation URI) can move. false + error. */
bool authorizer_move_json(const char *json, size_t len, struct authorizer_model *m,
                          struct diags *d);

#endif
