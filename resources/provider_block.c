/* resources/provider_block.c - xacct's provider type: the provider block's validation
 * and configuration, and the lists of resource and data source types that main.c
 * registers.
 * (core/provider.c is the provider model every provider shares; this is xacct's block.
 * Its schema table is resources/provider_schema.c.)
 *
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

#include "core/data_source.h"
#include "core/model.h"
#include "core/provider.h"
#include "core/schema.h"
#include "resources/meta.h"
#include "resources/provider_schema.h"
#include "resources/provider_client.h"
#include "resources/registry.h"
#include "util/alloc.h"

extern const struct resource_type xacct_lambda_authorizer_type;
extern const struct resource_type xacct_lambda_integration_type;
extern const struct resource_type xacct_lambda_permission_type;
extern const struct resource_type xacct_stage_deployment_type;
extern const struct data_source_type xacct_invoke_check_type;

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
};
