/* resources/provider_block.c - xacct's provider type: the provider block's validation
 * and configuration, and the lists of resource types, data sources, list resources,
 * functions and actions that main.c registers.
 * (core/provider.c is the provider model every provider shares; this is xacct's block.
 * Its schema table is resources/provider_schema.c.)
 *
 * Validate checks what the configuration says on its own, and every known value against
 * aws/'s rules as configure will apply them (region names, endpoint URLs, the files it
 * names, read now), so that a mistake is reported at its attribute; configure applies
 * the same rules to values that were unknown at validate time.
 * Configure turns the block into one struct aws_client (credentials chain, the chain of
 * assume_role blocks, endpoints, retries) and learns the caller's account id, which
 * resources need at plan time.
 * Unknown values at configure time: Terraform sends them when an argument depends on a
 * resource not yet created. We configure what is known and record why AWS cannot be
 * called; every resource call that needs AWS then answers with that reason, while
 * validation and planning of known values keep working (the framework's behaviour).
 * Values: the typed model struct provider_block_model (provider_schema.h).
 * Ownership: configure returns a struct xacct_meta (resources/meta.h) freed by meta_free.
 */
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "core/action.h"
#include "core/data_source.h"
#include "core/function.h"
#include "core/list_resource.h"
#include "core/model.h"
#include "core/provider.h"
#include "core/schema.h"
#include "resources/meta.h"
#include "resources/provider_schema.h"
#include "resources/provider_client.h"
#include "resources/registry.h"
#include "util/alloc.h"
#include "util/buf.h"

extern const struct resource_type xacct_lambda_authorizer_type;
extern const struct resource_type xacct_lambda_integration_type;
extern const struct resource_type xacct_lambda_permission_type;
extern const struct resource_type xacct_stage_deployment_type;
extern const struct data_source_type xacct_invoke_check_type;
extern const struct list_resource_type xacct_lambda_authorizer_list;
extern const struct list_resource_type xacct_lambda_integration_list;
extern const struct list_resource_type xacct_lambda_permission_list;
extern const struct function_type xacct_function_source_arn;
extern const struct function_type xacct_function_authorizer_source_arn;
extern const struct function_type xacct_function_invoke_uri;
extern const struct function_type xacct_function_parse_lambda_arn;
extern const struct action_type xacct_test_invoke_action;
extern const struct action_type xacct_redeploy_stage_action;

/* ---- Known values against aws/'s rules ------------------------------------------- */

/* region and sts_region: names AWS knows, unless skip_region_validation is (or may be)
 * true. */
static void check_regions(const struct provider_block_model *c, struct diags *d)
{
    if (c->skip_region_validation.state == MODEL_UNKNOWN || c->skip_region_validation.value)
        return;
    const struct model_string *values[] = {&c->region, &c->sts_region};
    const char *names[] = {PROVIDER_NAME(region), PROVIDER_NAME(sts_region)};
    struct xbuf why;
    xbuf_init(&why);
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        xbuf_clear(&why);
        const char *r = values[i]->value;
        if (r && *r && !aws_client_check_region(r, &why))
            diag_error_attr(d, names[i], "Invalid region", "%s", xbuf_cstr(&why));
    }
    xbuf_cleanup(&why);
}

/* Every URL of the endpoints block, at endpoints[i].<service>. */
static void check_endpoints(const struct provider_block_model *c, struct diags *d)
{
#define EP_NAME(member) PROVIDER_NESTED_NAME(endpoints, struct provider_endpoints_model, member)
    struct xbuf why;
    xbuf_init(&why);
    for (size_t i = 0; i < c->endpoints.n; i++) {
        const struct provider_endpoints_model *ep = &c->endpoints.items[i];
        const struct model_string *urls[] = {&ep->apigateway, &ep->lambda, &ep->sts};
        const char *names[] = {EP_NAME(apigateway), EP_NAME(lambda), EP_NAME(sts)};
        for (size_t k = 0; k < sizeof urls / sizeof urls[0]; k++) {
            xbuf_clear(&why);
            const char *u = urls[k]->value;
            if (u && *u && !aws_client_check_endpoint(u, &why))
                provider_schema_diag_at(d, DIAG_ERROR, PROVIDER_NAME(endpoints), (int64_t)i,
                                        names[k], "Invalid endpoint URL", xbuf_cstr(&why));
        }
    }
    xbuf_cleanup(&why);
#undef EP_NAME
}

/* One file the block names, read as configure will read it. A missing shared file is a
 * warning (configure skips it); anything else that cannot be used is an error. */
static void check_file(struct diags *d, enum aws_config_file role, const char *path,
                       const char *name, int64_t i, const char *attr)
{
    if (!path || !*path)
        return;
    struct xbuf why;
    xbuf_init(&why);
    enum xa_status st = aws_client_check_file(role, path, &why);
    bool shared = role == AWS_CONFIG_FILE_SHARED_CONFIG ||
                  role == AWS_CONFIG_FILE_SHARED_CREDENTIALS;
    if (st == XA_ENOTFOUND && shared)
        provider_schema_diag_at(d, DIAG_WARNING, name, i, attr, "File not found",
                                xbuf_cstr(&why));
    else if (st != XA_OK && st != XA_ENOMEM)
        provider_schema_diag_at(d, DIAG_ERROR, name, i, attr,
                                st == XA_ENOTFOUND ? "File not found" : "Unusable file",
                                xbuf_cstr(&why));
    xbuf_cleanup(&why);
}

static void check_files(const struct provider_block_model *c, struct diags *d)
{
    check_file(d, AWS_CONFIG_FILE_CA_BUNDLE, c->custom_ca_bundle.value,
               PROVIDER_NAME(custom_ca_bundle), -1, NULL);
    for (size_t i = 0; i < c->shared_config_files.n; i++)
        check_file(d, AWS_CONFIG_FILE_SHARED_CONFIG, c->shared_config_files.items[i].value,
                   PROVIDER_NAME(shared_config_files), (int64_t)i, NULL);
    for (size_t i = 0; i < c->shared_credentials_files.n; i++)
        check_file(d, AWS_CONFIG_FILE_SHARED_CREDENTIALS,
                   c->shared_credentials_files.items[i].value,
                   PROVIDER_NAME(shared_credentials_files), (int64_t)i, NULL);
    for (size_t i = 0; i < c->assume_role_with_web_identity.n; i++)
        check_file(d, AWS_CONFIG_FILE_WEB_IDENTITY_TOKEN,
                   c->assume_role_with_web_identity.items[i].web_identity_token_file.value,
                   PROVIDER_NAME(assume_role_with_web_identity), (int64_t)i,
                   PROVIDER_NESTED_NAME(assume_role_with_web_identity,
                                        struct provider_web_identity_model,
                                        web_identity_token_file));
}

/* ---- Lifecycle --------------------------------------------------------------------- */

/* Set, and not to an empty list (unknown counts as set). */
static bool set_nonempty(const struct model_strings *f)
{
    return f->state == MODEL_UNKNOWN || (f->state == MODEL_KNOWN && f->n > 0);
}

static void validate_provider(const void *config, struct diags *d)
{
    const struct provider_block_model *c = config;
    if (set_nonempty(&c->allowed_account_ids) && set_nonempty(&c->forbidden_account_ids))
        diag_error_attr(d, PROVIDER_NAME(forbidden_account_ids), "Conflicting account restrictions",
                        "\"allowed_account_ids\" and \"forbidden_account_ids\" cannot both be "
                        "set: keep the one that expresses your intent.");
    const char *ak = c->access_key.value, *sk = c->secret_key.value;
    if ((ak != NULL) != (sk != NULL) && c->access_key.state != MODEL_UNKNOWN &&
        c->secret_key.state != MODEL_UNKNOWN)
        diag_error_attr(d, ak ? PROVIDER_NAME(secret_key) : PROVIDER_NAME(access_key),
                        "Incomplete static credentials",
                        "\"access_key\" and \"secret_key\" must be set together.");
    for (size_t i = 0; i < c->assume_role.n; i++)
        if (c->assume_role.items[i].role_arn.state == MODEL_NULL)
            provider_schema_diag(d, PROVIDER_NAME(assume_role), i, PROVIDER_ROLE_NAME(role_arn),
                                 "Missing role to assume",
                                 "An \"assume_role\" block needs \"role_arn\", e.g. "
                                 "\"arn:aws:iam::222222222222:role/apigw-invoke\".");
    check_regions(c, d);
    check_endpoints(c, d);
    check_files(c, d);
}

static void *configure_provider(const void *config, const char *terraform_version,
                                struct diags *d)
{
    struct xacct_meta *m = xa_calloc(1, sizeof *m);
    if (!m) {
        diag_error(d, "Cannot configure the xacct provider", "Out of memory.");
        return NULL;
    }
    if (!provider_client_configure(m, config, terraform_version, d) || diags_has_error(d)) {
        provider_client_free(m);
        return NULL;
    }
    return m;
}

static void free_meta(void *meta)
{
    provider_client_free(meta);
}

static void stop_provider(void *meta)
{
    provider_client_stop(meta);
}

/* ---- The table --------------------------------------------------------------------- */

static const struct resource_type *const xacct_resources[] = {
    &xacct_lambda_authorizer_type,
    &xacct_lambda_integration_type,
    &xacct_lambda_permission_type,
    &xacct_stage_deployment_type,
};

static const struct data_source_type *const xacct_data_sources[] = {
    &xacct_invoke_check_type,
};

static const struct list_resource_type *const xacct_list_resources[] = {
    &xacct_lambda_authorizer_list,
    &xacct_lambda_integration_list,
    &xacct_lambda_permission_list,
};

static const struct function_type *const xacct_functions[] = {
    &xacct_function_authorizer_source_arn,
    &xacct_function_invoke_uri,
    &xacct_function_parse_lambda_arn,
    &xacct_function_source_arn,
};

static const struct action_type *const xacct_actions[] = {
    &xacct_redeploy_stage_action,
    &xacct_test_invoke_action,
};

const struct provider_type xacct_provider_type = {
    .name = "xacct",
    .schema = &provider_schema,
    .validate = validate_provider,
    .configure = configure_provider,
    .meta_free = free_meta,
    .stop = stop_provider,
    .resources = xacct_resources,
    .nresources = sizeof xacct_resources / sizeof xacct_resources[0],
    .data_sources = xacct_data_sources,
    .ndata_sources = sizeof xacct_data_sources / sizeof xacct_data_sources[0],
    .scope = meta_scope,
    .list_resources = xacct_list_resources,
    .nlist_resources = sizeof xacct_list_resources / sizeof xacct_list_resources[0],
    .functions = xacct_functions,
    .nfunctions = sizeof xacct_functions / sizeof xacct_functions[0],
    .actions = xacct_actions,
    .nactions = sizeof xacct_actions / sizeof xacct_actions[0],
};
