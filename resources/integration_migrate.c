/* resources/integration_migrate.c - state of xacct_lambda_integration written elsewhere:
 * UpgradeResourceState from schema version 0 (which called invoke_uri "uri") and
 * MoveResourceState from hashicorp/aws's aws_api_gateway_integration, so that a `moved`
 * block adopts an existing Lambda integration without replacing it.
 *
 * Split from lambda_integration.c because it changes when old or foreign state formats
 * do. Both read the raw JSON through schema tables whose rows point at the model's
 * fields (core/model.h's model_from_json): the current schema, version 0's other name,
 * and the attributes hashicorp/aws's type shares with ours. Computed attributes left null
 * are filled by the ReadResource Terraform sends next.
 */
#include <string.h>

#include "aws/arn.h"
#include "core/model.h"
#include "resources/integration_internal.h"

#define F(member) MODEL_FIELD(struct integration_model, member)

/* Version 0 called invoke_uri "uri". */
static const struct schema_attribute v0_renamed_attrs[] = {
    {.name = "uri", .type = &type_string, .field = F(invoke_uri)},
};
static const struct schema_block v0_renamed = {
    .attrs = v0_renamed_attrs, .nattrs = 1, .model_size = sizeof(struct integration_model)};

/* What hashicorp/aws's aws_api_gateway_integration shares with ours; its "uri" is our
 * invoke_uri. Its id ("agi-...") is not ours: the id is built from the parts. */
static const struct schema_attribute aws_integration_attrs[] = {
    {.name = "cache_key_parameters", .type = &type_set_string, .field = F(cache_key_parameters)},
    {.name = "cache_namespace", .type = &type_string, .field = F(cache_namespace)},
    {.name = "content_handling", .type = &type_string, .field = F(content_handling)},
    {.name = "credentials", .type = &type_string, .field = F(credentials)},
    {.name = "http_method", .type = &type_string, .field = F(http_method)},
    {.name = "passthrough_behavior", .type = &type_string, .field = F(passthrough_behavior)},
    {.name = "region", .type = &type_string, .field = F(region)},
    {.name = "request_parameters", .type = &type_map_string, .field = F(request_parameters)},
    {.name = "request_templates", .type = &type_map_string, .field = F(request_templates)},
    {.name = "resource_id", .type = &type_string, .field = F(resource_id)},
    {.name = "rest_api_id", .type = &type_string, .field = F(rest_api_id)},
    {.name = "timeout_milliseconds", .type = &type_number, .field = F(timeout_milliseconds)},
    {.name = "type", .type = &type_string, .field = F(type)},
    {.name = "uri", .type = &type_string, .field = F(invoke_uri)},
};
static const struct schema_block aws_integration = {
    .attrs = aws_integration_attrs,
    .nattrs = sizeof aws_integration_attrs / sizeof aws_integration_attrs[0],
    .model_size = sizeof(struct integration_model),
};

/* Version 1 added the computed account and region attributes, which the next read fills
 * in. A version 0 state that has both "uri" and "invoke_uri" keeps "invoke_uri". */
bool integration_upgrade_json(const struct schema_block *current, int64_t version,
                              const char *json, size_t len, struct integration_model *m,
                              struct diags *d)
{
    enum xa_status st = version < 0 || version > 1 ? XA_EINVAL
                                                   : model_from_json(current, json, len, m, d);
    if (st == XA_OK && version == 0 && m->invoke_uri.state == MODEL_NULL)
        st = model_from_json(&v0_renamed, json, len, m, d);
    if (st == XA_EINVAL)
        diag_error(d, "Cannot upgrade the integration's state",
                   "The stored state (schema version %lld) is not an object of a version this "
                   "provider knows (0 or 1).", (long long)version);
    return st == XA_OK;
}

/* hashicorp/aws's aws_api_gateway_integration state to ours (MoveResourceState); core
 * checked the source type. Only Lambda integrations can move. */
bool integration_move_json(const char *json, size_t len, struct integration_model *m,
                           struct diags *d)
{
    struct arn_invoke_uri u;
    arn_invoke_uri_init(&u);
    enum xa_status st = model_from_json(&aws_integration, json, len, m, d);
    model_empty_to_null(&aws_integration, m);
    const char *uri = m->invoke_uri.value, *type = m->type.value;
    enum xa_status ust = st == XA_OK && uri ? arn_invoke_uri_parse(uri, &u, NULL) : XA_EINVAL;
    bool ok = ust == XA_OK && type && (strcmp(type, "AWS_PROXY") == 0 || strcmp(type, "AWS") == 0);
    if (st != XA_ERANGE && !ok)
        diag_error(d, "Cannot move this integration",
                   "Only Lambda integrations (type AWS_PROXY or AWS with a Lambda function "
                   "URI) can become xacct_lambda_integration; this one has type %s and URI %s.",
                   type ? type : "(none)", uri ? uri : "(none)");
    ok = ok && model_set_string(&m->function_arn, u.function_arn);
    const char *api = m->rest_api_id.value, *rid = m->resource_id.value;
    if (ok && api && rid && m->http_method.value)
        ok = model_set_stringf(&m->id, "%s/%s/%s", api, rid, m->http_method.value);
    if (!ok && st == XA_OK && ust == XA_ENOMEM)
        diag_error(d, "Cannot move this integration", "Out of memory.");
    arn_invoke_uri_cleanup(&u);
    return ok;
}
