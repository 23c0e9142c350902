/* resources/redeploy_stage_action.c - action "xacct_redeploy_stage": a new deployment of
 * a REST API onto one stage (API Gateway CreateDeployment), so that a changed integration
 * is what callers of the stage reach. Usable with `terraform apply -invoke=...` or from
 * an integration's action_trigger after it changes (Terraform 1.14).
 *
 * Invoke: checks the API (GetRestApi), then creates the deployment and reports its id.
 * CreateDeployment is not in this build's AWS client yet (resources/action_calls.h): the
 * action plans with a warning saying so and fails at invoke with an error naming it,
 * after the check it can make.
 */
#include "aws/apigateway.h"
#include "aws/errors.h"
#include "core/action.h"
#include "core/model.h"
#include "resources/action_calls.h"
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
    struct action_deployment_out out = {0};
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
    enum xa_status st = action_call_create_deployment(m->client, region, c->rest_api_id.value,
                                                      c->stage_name.value, c->description.value,
                                                      &out, &err);
    if (st == XA_EUNSUPPORTED)
        diag_error(d, "xacct_redeploy_stage is not available in this build", "%s.",
                   action_call_missing(ACTION_CALL_CREATE_DEPLOYMENT));
    else if (st != XA_OK)
        meta_aws_diag(d, NULL, "Cannot deploy the stage", &err, NULL);
    else
        action_report(p, "Deployment %s is live on stage %s", out.id ? out.id : "(no id)",
                      c->stage_name.value);
out:
    apigw_rest_api_cleanup(&api);
    action_deployment_out_cleanup(&out);
    aws_error_cleanup(&err);
}

static void redeploy_plan(void *meta, const void *config, struct diags *d)
{
    const char *missing = action_call_missing(ACTION_CALL_CREATE_DEPLOYMENT);
    if (missing)
        diag_add(d, DIAG_WARNING, NULL, "xacct_redeploy_stage will fail when invoked",
                 "%s. The plan is made; invoking the action ends in an error.", missing);
}

/* ---- The table --------------------------------------------------------------------- */

const struct action_type xacct_redeploy_stage_action = {
    .name = "xacct_redeploy_stage",
    .schema = &redeploy_schema,
    .plan = redeploy_plan,
    .invoke = redeploy_invoke,
};
