/* resources/authorizer_migrate.c - MoveResourceState from hashicorp/aws's
 * aws_api_gateway_authorizer to xacct_lambda_authorizer, so that a `moved` block adopts an
 * existing Lambda authorizer without replacing it. Its authorizer_uri gives function_arn;
 * its id is the authorizer id, as ours. Computed attributes left null are filled by the
 * ReadResource Terraform sends next.
 */
#include <string.h>

#include "aws/arn.h"
#include "core/model.h"
#include "resources/authorizer_internal.h"

#define F(member) MODEL_FIELD(struct authorizer_model, member)

/* What hashicorp/aws's aws_api_gateway_authorizer shares with ours. */
static const struct schema_attribute aws_authorizer_attrs[] = {
    {.name = "arn", .type = &type_string, .field = F(arn)},
    {.name = "authorizer_credentials", .type = &type_string, .field = F(authorizer_credentials)},
    {.name = "authorizer_result_ttl_in_seconds", .type = &type_number,
     .field = F(authorizer_result_ttl_in_seconds)},
    {.name = "authorizer_uri", .type = &type_string, .field = F(authorizer_uri)},
    {.name = "id", .type = &type_string, .field = F(id)},
    {.name = "identity_source", .type = &type_string, .field = F(identity_source)},
    {.name = "identity_validation_expression", .type = &type_string,
     .field = F(identity_validation_expression)},
    {.name = "name", .type = &type_string, .field = F(name)},
    {.name = "region", .type = &type_string, .field = F(region)},
    {.name = "rest_api_id", .type = &type_string, .field = F(rest_api_id)},
    {.name = "type", .type = &type_string, .field = F(type)},
};
static const struct schema_block aws_authorizer = {
    .attrs = aws_authorizer_attrs,
    .nattrs = sizeof aws_authorizer_attrs / sizeof aws_authorizer_attrs[0],
    .model_size = sizeof(struct authorizer_model),
};

bool authorizer_move_json(const char *json, size_t len, struct authorizer_model *m,
                          struct diags *d)
{
    struct arn_invoke_uri u;
    arn_invoke_uri_init(&u);
    enum xa_status st = model_from_json(&aws_authorizer, json, len, m, d);
    model_empty_to_null(&aws_authorizer, m);
    const char *uri = m->authorizer_uri.value, *type = m->type.value ? m->type.value : "TOKEN";
    enum xa_status ust = st == XA_OK && uri ? arn_invoke_uri_parse(uri, &u, NULL) : XA_EINVAL;
    bool ok = ust == XA_OK && (strcmp(type, "TOKEN") == 0 || strcmp(type, "REQUEST") == 0);
    if (st == XA_EINVAL)
        diag_error(d, "Cannot move this authorizer", "The stored state is not a JSON object.");
    else if (st == XA_OK && ust == XA_ENOMEM)
        diag_error(d, "Cannot move this authorizer", "Out of memory.");
    else if (st == XA_OK && !ok)
        diag_error(d, "Cannot move this authorizer",
                   "Only Lambda authorizers (type TOKEN or REQUEST with a Lambda invocation "
                   "URI) can become xacct_lambda_authorizer; this one has type %s and URI %s.",
                   type, uri ? uri : "(none)");
    ok = ok && model_set_string(&m->function_arn, u.function_arn) &&
         model_set_string(&m->type, type);
    arn_invoke_uri_cleanup(&u);
    return ok;
}
