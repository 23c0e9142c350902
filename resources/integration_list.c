/* resources/integration_list.c - list "xacct_lambda_integration" (`terraform query`): the
 * methods of one REST API whose integration is a Lambda proxy, however they were made
 * (the console, the CLI, hashicorp/aws), optionally only those whose function is in
 * another account than the API.
 *
 * Calls: GetResources with embed=methods, which brings every method with its integration:
 * one call per 500 API resources, not one GetIntegration per method.
 * Each result is the integration exactly as ReadResource returns it after an import
 * (integration_state_read, the resource's own conversion), so the identity, the object
 * and the configuration generated from it are those an import gives.
 * The config is a typed model like a resource's (core/list_resource.h).
 */
#include <string.h>

#include "aws/apigateway.h"
#include "aws/errors.h"
#include "core/list_resource.h"
#include "core/model.h"
#include "resources/api_list.h"
#include "resources/integration_internal.h"
#include "resources/meta.h"
#include "util/buf.h"

/* ---- Schema ------------------------------------------------------------------------ */

#define F(member) MODEL_FIELD(struct api_list_model, member)

static const struct schema_attribute integration_list_attrs[] = {
    {.name = "other_accounts_only", .type = &type_bool, .flags = ATTR_OPTIONAL,
     .field = F(other_accounts_only),
     .description = "Only the methods whose function is in another account than the API "
                    "(cross-account wiring). Default `false`."},
    {.name = "region", .type = &type_string, .flags = ATTR_OPTIONAL, .field = F(region),
     .description = "Region of the REST API; the provider's by default."},
    {.name = "rest_api_id", .type = &type_string, .flags = ATTR_REQUIRED,
     .field = F(rest_api_id),
     .description = "ID of the REST API whose methods to list."},
};

static const struct schema integration_list_schema = {
    .block = {
        .attrs = integration_list_attrs,
        .nattrs = sizeof integration_list_attrs / sizeof integration_list_attrs[0],
        .description = "Finds the Lambda proxy integrations of a REST API's methods, whoever "
                       "made them. Use the API account's provider.",
        .model_size = sizeof(struct api_list_model),
    },
};

/* ---- Listing ------------------------------------------------------------------------ */

/* One method's integration to the emitter; false when no more are wanted. */
static bool emit_method(struct list_emitter *e, struct xacct_meta *m,
                        const struct api_list_model *c, const struct apigw_resource *r,
                        size_t i, struct diags *d)
{
    const struct schema_block *b = &xacct_lambda_integration_type.schema->block;
    struct integration_model im = {0};
    struct xbuf name;
    xbuf_init(&name);
    bool ok = model_set_string(&im.rest_api_id, c->rest_api_id.value) &&
              model_set_string(&im.http_method, r->methods[i]) &&
              model_set_string(&im.region, c->region.value) &&
              integration_state_read(&im, &r->integrations[i], r->id, r->path, m) &&
              xbuf_appendf(&name, "%s %s %s -> %s", c->rest_api_id.value, r->methods[i],
                           r->path ? r->path : r->id, im.function_arn.value) == XA_OK;
    bool more = ok && list_emit(e, &im, xbuf_cstr(&name));
    if (!ok)
        diag_error(d, "Cannot list the integrations", "Out of memory.");
    model_cleanup(b, &im);
    xbuf_cleanup(&name);
    return more;
}

static void integration_list(void *meta, const void *config, struct list_emitter *e,
                             struct diags *d)
{
    struct xacct_meta *m = meta;
    const struct api_list_model *c = config;
    struct apigw_resource_list l = {0};
    struct aws_error err;
    aws_error_init(&err);
    const char *region = api_list_region(m, c, "list the integrations", d);
    if (!region)
        goto out;
    if (apigw_get_resources_with_methods(m->client, region, c->rest_api_id.value, &l, &err) !=
        XA_OK) {
        api_list_diag(d, "Cannot list the REST API's methods", &err);
        goto out;
    }
    bool more = true;
    for (size_t k = 0; more && k < l.count; k++)
        for (size_t i = 0; more && l.items[k].integrations && i < l.items[k].nmethods; i++) {
            const struct apigw_integration *in = &l.items[k].integrations[i];
            if (in->type && strcmp(in->type, "AWS_PROXY") == 0 && api_list_wanted(m, c, in->uri))
                more = emit_method(e, m, c, &l.items[k], i, d);
        }
out:
    apigw_resource_list_cleanup(&l);
    aws_error_cleanup(&err);
}

/* ---- The table --------------------------------------------------------------------- */

const struct list_resource_type xacct_lambda_integration_list = {
    .name = "xacct_lambda_integration",
    .schema = &integration_list_schema,
    .list = integration_list,
};
