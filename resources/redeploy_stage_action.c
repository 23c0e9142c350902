/* resources/redeploy_stage_action.c - action "xacct_redeploy_stage": a new deployment of
 * a REST API onto one stage (API Gateway CreateDeployment), so that a changed integration
 * is what callers of the stage reach. Usable with `terraform apply -invoke=...` or from
 * an integration's action_trigger after it changes (Terraform 1.14).
 *
 * Invoke: checks the API (GetRestApi), then creates the deployment (CreateDeployment with
 * stageName, which creates the stage or moves it to the new deployment) and reports its
 * id. CreateDeployment goes through resources/deployments.h: paced to API Gateway's fixed
 * quota (1 per 5 s per account) together with xacct_stage_deployment's, and refused
 * deployments (a method without an integration) say what to do.
 */
#include "aws/apigateway.h"
#include "aws/errors.h"
#include "core/action.h"
#include "core/model.h"
#include "resources/deployments.h"
#include "resources/meta.h"

/* ---- Schema ------------------------------------------------------------------------ */

struct redeploy_model {
    struct model_string description;
    struct model_string region;
    struct model_string rest_api_id;
    struct model_string stage_name;
};

#define F(member) MODEL_FIELD(struct redeploy_model, member)

static const struct schema_attribute redeploy_attrs[] = {
    {.name = "description", .type = &type_string, .flags = ATTR_OPTIONAL, .field = F(description),
     .description = "Description of the new deployment."},
    {.name = "region", .type = &type_string, .flags = ATTR_OPTIONAL, .field = F(region),
     .description = "Region of the REST API; the provider's by default."},
    {.name = "rest_api_id", .type = &type_string, .flags = ATTR_REQUIRED, .field = F(rest_api_id),
     .description = "ID of the REST API."},
    {.name = "stage_name", .type = &type_string, .flags = ATTR_REQUIRED,
     .validator = {.kind = VALIDATE_REGEX, .pattern = "^[A-Za-z0-9_-]{1,128}$",
                   .message = "must be 1 to 128 letters, digits, '-' or '_'"},
     .field = F(stage_name), .description = "The stage to deploy to, e.g. `prod`."},
};

static const struct schema redeploy_schema = {
    .block = {
        .attrs = redeploy_attrs,
        .nattrs = sizeof redeploy_attrs / sizeof redeploy_attrs[0],
        .description = "Deploys a REST API's current configuration to a stage (API Gateway "
                       "CreateDeployment). Use the API account's provider.",
        .model_size = sizeof(struct redeploy_model),
    },
};

/* ---- Invoking ------------------------------------------------------------------------- */

static void redeploy_invoke(void *meta, const void *config, struct action_progress *p,
                            struct diags *d)
{
    struct xacct_meta *m = meta;
    const struct redeploy_model *c = config;
    struct apigw_rest_api api = {0};
    struct apigw_deployment out = {0};
    struct aws_error err;
    aws_error_init(&err);
    const char *region = c->region.value ? c->region.value : m ? m->region : NULL;
    if (!meta_client(m, "redeploy the stage", d))
        goto out;
    action_report(p, "Reading REST API %s in %s", c->rest_api_id.value, region);
    if (apigw_get_rest_api(m->client, region, c->rest_api_id.value, &api, &err) != XA_OK) {
        meta_aws_diag(d, NULL, "Cannot read the REST API", &err,
                      aws_error_is(&err, "NotFoundException")
                          ? "Check rest_api_id and region, and that this is the API account's "
                            "provider."
                          : NULL);
        goto out;
    }
    action_report(p, "Creating a deployment of %s (%s) on stage %s", c->rest_api_id.value,
                  api.name ? api.name : "unnamed", c->stage_name.value);
    if (deployment_create(m, region, c->rest_api_id.value, c->stage_name.value,
                          c->description.value, &out, &err) != XA_OK)
        deployment_diag(d, &err);
    else
        action_report(p, "Deployment %s is live on stage %s", out.id, c->stage_name.value);
out:
    apigw_rest_api_cleanup(&api);
    apigw_deployment_cleanup(&out);
    aws_error_cleanup(&err);
}

/* ---- The table --------------------------------------------------------------------- */

const struct action_type xacct_redeploy_stage_action = {
    .name = "xacct_redeploy_stage",
    .schema = &redeploy_schema,
    .invoke = redeploy_invoke,
};
