/* resources/authorizer_list.c - list "xacct_lambda_authorizer" (`terraform query`): the
 * Lambda authorizers (TOKEN or REQUEST calling a Lambda function) of one REST API,
 * however they were made, optionally only those whose function is in another account
 * than the API. Cognito authorizers and URIs that are not a Lambda function's are left
 * out: xacct_lambda_authorizer does not manage them.
 *
 * Calls: GetAuthorizers, following `position` to the end.
 * Each result is the authorizer exactly as ReadResource returns it after an import
 * (authorizer_state_read, the resource's own conversion), so the identity, the object
 * and the configuration generated from it are those an import gives.
 * The config is a typed model like a resource's (core/list_resource.h).
 */
#include <string.h>

#include "aws/apigateway.h"
#include "aws/errors.h"
#include "core/list_resource.h"
#include "core/model.h"
#include "resources/api_list.h"
#include "resources/authorizer_internal.h"
#include "resources/meta.h"
#include "util/buf.h"

/* ---- Schema ------------------------------------------------------------------------ */

#define F(member) MODEL_FIELD(struct api_list_model, member)

static const struct schema_attribute authorizer_list_attrs[] = {
    {.name = "other_accounts_only", .type = &type_bool, .flags = ATTR_OPTIONAL,
     .field = F(other_accounts_only),
     .description = "Only the authorizers whose function is in another account than the "
                    "API (cross-account wiring). Default `false`."},
    {.name = "region", .type = &type_string, .flags = ATTR_OPTIONAL, .field = F(region),
     .description = "Region of the REST API; the provider's by default."},
    {.name = "rest_api_id", .type = &type_string, .flags = ATTR_REQUIRED,
     .field = F(rest_api_id),
     .description = "ID of the REST API whose authorizers to list."},
};

static const struct schema authorizer_list_schema = {
    .block = {
        .attrs = authorizer_list_attrs,
        .nattrs = sizeof authorizer_list_attrs / sizeof authorizer_list_attrs[0],
        .description = "Finds the Lambda authorizers (TOKEN and REQUEST) of a REST API, "
                       "whoever made them. Use the API account's provider.",
        .model_size = sizeof(struct api_list_model),
    },
};

/* ---- Listing ------------------------------------------------------------------------ */

/* One authorizer to the emitter; false when no more are wanted. */
static bool emit_authorizer(struct list_emitter *e, struct xacct_meta *m,
                            const struct api_list_model *c,
                            const struct apigw_authorizer *a, struct diags *d)
{
    const struct schema_block *b = &xacct_lambda_authorizer_type.schema->block;
    struct authorizer_model am = {0};
    struct xbuf name;
    xbuf_init(&name);
    bool ok = model_set_string(&am.rest_api_id, c->rest_api_id.value) &&
              model_set_string(&am.region, c->region.value) &&
              authorizer_state_read(&am, a, m) &&
              xbuf_appendf(&name, "%s authorizer %s (%s, %s) -> %s", c->rest_api_id.value,
                           a->name ? a->name : "", a->id, a->type,
                           am.function_arn.value) == XA_OK;
    bool more = ok && list_emit(e, &am, xbuf_cstr(&name));
    if (!ok)
        diag_error(d, "Cannot list the authorizers", "Out of memory.");
    model_cleanup(b, &am);
    xbuf_cleanup(&name);
    return more;
}

static void authorizer_list(void *meta, const void *config, struct list_emitter *e,
                            struct diags *d)
{
    struct xacct_meta *m = meta;
    const struct api_list_model *c = config;
    struct apigw_authorizer_list l = {0};
    struct aws_error err;
    aws_error_init(&err);
    const char *region = api_list_region(m, c, "list the authorizers", d);
    if (!region)
        goto out;
    if (apigw_get_authorizers(m->client, region, c->rest_api_id.value, &l, &err) != XA_OK) {
        api_list_diag(d, "Cannot list the REST API's authorizers", &err);
        goto out;
    }
    bool more = true;
    for (size_t k = 0; more && k < l.count; k++) {
        const struct apigw_authorizer *a = &l.items[k];
        /* A Cognito authorizer calls no function. */
        bool lambda = a->type && (strcmp(a->type, "TOKEN") == 0 || strcmp(a->type, "REQUEST") == 0);
        if (lambda && api_list_wanted(m, c, a->authorizer_uri))
            more = emit_authorizer(e, m, c, a, d);
    }
out:
    apigw_authorizer_list_cleanup(&l);
    aws_error_cleanup(&err);
}

/* ---- The table --------------------------------------------------------------------- */

const struct list_resource_type xacct_lambda_authorizer_list = {
    .name = "xacct_lambda_authorizer",
    .schema = &authorizer_list_schema,
    .list = authorizer_list,
};
