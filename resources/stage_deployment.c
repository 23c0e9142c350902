/* resources/stage_deployment.c - xacct_stage_deployment: a REST API stage redeployed when
 * what it serves changes, managed with the API account's provider.
 *
 * API Gateway serves a stage from a deployment, a snapshot of the API: a created or
 * changed integration or authorizer reaches the stage's callers only with a new
 * deployment. This resource deploys the API to stage_name when it is created and again
 * whenever `triggers` or `description` change (put every integration's id and invoke_uri
 * in triggers: one apply that changes ten integrations costs one deployment), or when
 * the stage no longer serves the deployment it made (a rollback or a deployment made by
 * hand: the next apply deploys the API as it stands).
 * Calls: Create -> GetStage (was the stage there?), CreateDeployment with stageName (which
 * creates or moves the stage); Read -> GetStage (not found: gone, so the next apply
 * creates it again); Update -> CreateDeployment, then DeleteDeployment of the deployment
 * this resource made before when no stage serves it; Delete -> DeleteStage and
 * DeleteDeployment when this resource created the stage, else the stage is left serving
 * what it serves (documented: destroy removes only what it created).
 * CreateDeployment's quota (1 per 5 s per account, fixed) is paced per provider process,
 * shared with xacct_redeploy_stage (resources/deployments.h); a TooManyRequestsException
 * is retried with Retry-After.
 * Lost answers: CreateDeployment is not idempotent. When its outcome is unknown (no answer
 * after the retries, or StopProvider while it was in flight) create returns the object with
 * its id, the error, and no record of the triggers, so the next plan deploys again; the
 * next read adopts the stage whatever it serves.
 * ID and import format: REST-API-ID/STAGE-NAME (hashicorp/aws's aws_api_gateway_stage).
 * Identity: account_id, region, rest_api_id, stage_name (import by identity needs the
 * last two).
 * After an import the triggers are not known, so the first apply deploys once.
 */
#include <stdio.h>
#include <string.h>

#include "aws/apigateway.h"
#include "aws/errors.h"
#include "core/identity.h"
#include "core/model.h"
#include "core/resource.h"
#include "resources/meta.h"
#include "resources/deployments.h"
#include "util/alloc.h"

/* One field per attribute of the schema, in its order. */
struct stage_deployment_model {
    struct model_string created_deployment_id;
    struct model_bool created_stage;
    struct model_string deployment_id;
    struct model_string description;
    struct model_string id;
    struct model_string region;
    struct model_string rest_api_id;
    struct model_string stage_name;
    struct model_string_map triggers;
};

/* ---- Schema ------------------------------------------------------------------------ */

#define F(member) MODEL_FIELD(struct stage_deployment_model, member)
#define F_KEEP (ATTR_COMPUTED | ATTR_KEEP_STATE_WHEN_UNKNOWN)

static const struct schema_attribute stage_attrs[] = {
    {.name = "created_deployment_id", .type = &type_string, .flags = F_KEEP,
     .field = F(created_deployment_id),
     .description = "The deployment this resource made last. When the stage serves another "
                    "one (a rollback, a deployment by hand), the next apply deploys again."},
    {.name = "created_stage", .type = &type_bool, .flags = F_KEEP, .field = F(created_stage),
     .description = "Whether this resource created the stage. Destroy deletes the stage only "
                    "then; a stage that was there before keeps serving its last deployment."},
    {.name = "deployment_id", .type = &type_string, .flags = F_KEEP, .field = F(deployment_id),
     .description = "The deployment the stage serves, as read from API Gateway."},
    {.name = "description", .type = &type_string, .flags = ATTR_OPTIONAL,
     .field = F(description),
     .description = "Description of the deployments this resource makes. A change deploys "
                    "again."},
    {.name = "id", .type = &type_string, .flags = F_KEEP, .field = F(id),
     .description = "`REST-API-ID/STAGE-NAME`."},
    {.name = "region", .type = &type_string,
     .flags = ATTR_OPTIONAL | F_KEEP | ATTR_REQUIRES_REPLACE, .field = F(region),
     .description = "Region of the REST API; the provider's region by default."},
    {.name = "rest_api_id", .type = &type_string, .flags = ATTR_REQUIRED | ATTR_REQUIRES_REPLACE,
     .field = F(rest_api_id), .description = "ID of the REST API."},
    {.name = "stage_name", .type = &type_string, .flags = ATTR_REQUIRED | ATTR_REQUIRES_REPLACE,
     .validator = {.kind = VALIDATE_REGEX, .pattern = "^[A-Za-z0-9_-]{1,128}$",
                   .message = "must be 1 to 128 letters, digits, '-' or '_'"},
     .field = F(stage_name),
     .description = "The stage to deploy to; created when it does not exist."},
    {.name = "triggers", .type = &type_map_string, .flags = ATTR_OPTIONAL, .field = F(triggers),
     .description = "Values whose change deploys again, e.g. every integration's `id` and "
                    "`invoke_uri` and every authorizer's `authorizer_uri`."},
};

static const struct schema stage_schema = {
    .version = 0,
    .block = {
        .attrs = stage_attrs,
        .nattrs = sizeof stage_attrs / sizeof stage_attrs[0],
        .description = "Deploys a REST API to a stage, and again whenever `triggers` change, "
                       "so that the stage serves the current integrations. Use the API "
                       "account's provider.",
        .model_size = sizeof(struct stage_deployment_model),
    },
};

#define NAME(member) MODEL_NAME(&stage_schema.block, struct stage_deployment_model, member)

/* ---- Identity ---------------------------------------------------------------------- */

/* The stage as its import ID names it (REST-API-ID/STAGE-NAME), in the API's account and
 * region, derived by core from these rows (core/identity.h). */
static const struct identity_attribute stage_identity_attrs[] = {
    {.name = "account_id", .value = identity_account,
     .description = "Account of the REST API: the provider's."},
    {.name = "region", .field = F(region), .value = identity_region,
     .description = "Region of the REST API; the provider's by default."},
    {.name = "rest_api_id", .required_for_import = true, .field = F(rest_api_id),
     .description = "ID of the REST API."},
    {.name = "stage_name", .required_for_import = true, .field = F(stage_name),
     .description = "Name of the stage."},
};

static const struct identity_schema stage_identity = {
    .version = 0,
    .attrs = stage_identity_attrs,
    .nattrs = sizeof stage_identity_attrs / sizeof stage_identity_attrs[0],
};

/* ---- Conversions ------------------------------------------------------------------- */

static const char *api_region(const struct xacct_meta *meta,
                              const struct stage_deployment_model *m)
{
    return m->region.value ? m->region.value : (meta ? meta->region : NULL);
}

static void set_bool(struct model_bool *f, bool v)
{
    *f = (struct model_bool){.state = MODEL_KNOWN, .value = v};
}

static bool maps_equal(const struct model_string_map *a, const struct model_string_map *b)
{
    if (a->state != b->state || a->n != b->n)
        return false;
    for (size_t i = 0; a->state == MODEL_KNOWN && i < a->n; i++)
        if (strcmp(a->items[i].key, b->items[i].key) != 0 ||
            !model_string_equal(&a->items[i].value, &b->items[i].value))
            return false;
    return true;
}

/* Was the outcome of a call that failed unknown: sent at least once, and no answer came
 * back (retries exhausted, or StopProvider while it was in flight)? */
static bool outcome_unknown(enum xa_status st, const struct aws_error *err)
{
    return (st == XA_EIO || st == XA_ETIMEDOUT || st == XA_ECANCELED) && err->attempts > 0;
}

/* CreateDeployment to the stage, paced to the quota. XA_OK and s's deployment ids set. */
static enum xa_status deploy(struct xacct_meta *m, struct stage_deployment_model *s,
                             struct aws_error *err)
{
    struct apigw_deployment out;
    enum xa_status st = deployment_create(m, api_region(m, s), s->rest_api_id.value,
                                          s->stage_name.value, s->description.value, &out, err);
    if (st == XA_OK && (!model_set_string(&s->deployment_id, out.id) ||
                        !model_set_string(&s->created_deployment_id, out.id)))
        st = XA_ENOMEM;
    apigw_deployment_cleanup(&out);
    return st;
}

/* ---- Lifecycle --------------------------------------------------------------------- */

static void stage_plan(void *meta, const void *prior_model, const void *config_model,
                       void *planned_model, struct path_list *rr, struct diags *d)
{
    struct xacct_meta *m = meta;
    const struct stage_deployment_model *prior = prior_model, *config = config_model;
    struct stage_deployment_model *p = planned_model;
    bool ok = true;
    if (config->region.state == MODEL_NULL && m && m->region) {
        ok &= model_set_string(&p->region, m->region);
        if (prior && prior->region.value && strcmp(prior->region.value, m->region) != 0)
            ok &= path_list_add_attr(rr, NAME(region));
    }
    if (p->rest_api_id.value && p->stage_name.value)
        ok &= model_set_stringf(&p->id, "%s/%s", p->rest_api_id.value, p->stage_name.value);
    else
        model_set_unknown(&p->id);
    bool redeploy = !prior || !maps_equal(&prior->triggers, &p->triggers) ||
                    !model_string_equal(&prior->description, &p->description) ||
                    !model_string_equal(&prior->deployment_id, &prior->created_deployment_id);
    if (redeploy) {
        model_set_unknown(&p->deployment_id);
        model_set_unknown(&p->created_deployment_id);
    }
    if (!prior)
        p->created_stage = (struct model_bool){.state = MODEL_UNKNOWN};
    if (!ok)
        diag_error(d, "Cannot plan the stage deployment", "Out of memory.");
}

/* Create: GetStage says whether this resource creates the stage, then CreateDeployment. */
static bool stage_create(void *meta, const void *config, void *state, struct diags *d)
{
    struct xacct_meta *m = meta;
    struct stage_deployment_model *s = state;
    struct apigw_stage before = {0};
    struct aws_error err;
    bool created = false;
    aws_error_init(&err);
    if (!meta_client(m, "deploy the stage", d) ||
        (!s->region.value && !model_set_string(&s->region, m->region)))
        goto out;
    enum xa_status st = apigw_get_stage(m->client, api_region(m, s), s->rest_api_id.value,
                                        s->stage_name.value, &before, &err);
    if (st != XA_OK && !(st == XA_EAWS && aws_error_is(&err, "NotFoundException"))) {
        meta_aws_diag(d, NULL, "Cannot read the stage", &err, NULL);
        goto out;
    }
    set_bool(&s->created_stage, st != XA_OK);
    aws_error_reset(&err);
    st = deploy(m, s, &err);
    if (st != XA_OK && outcome_unknown(st, &err)) {
        /* It may exist: keep it in the state, without the triggers it may not serve. */
        created = true;
        model_take_string(&s->deployment_id, NULL);
        model_take_string(&s->created_deployment_id, NULL);
        model_map_clear(&s->triggers);
        s->triggers.state = MODEL_NULL;
        model_take_string(&s->description, NULL);
        deployment_diag(d, &err);
        diag_add(d, DIAG_WARNING, NULL, "The stage may have been deployed",
                 "No answer came back from CreateDeployment. %s/%s is kept in the state; the "
                 "next refresh reads what the stage serves and the next apply deploys again.",
                 s->rest_api_id.value, s->stage_name.value);
    } else if (st != XA_OK) {
        deployment_diag(d, &err);
    } else {
        created = true;
    }
out:
    apigw_stage_cleanup(&before);
    aws_error_cleanup(&err);
    return created;
}

static bool stage_read(void *meta, void *state, struct diags *d)
{
    struct xacct_meta *m = meta;
    struct stage_deployment_model *s = state;
    struct apigw_stage stage = {0};
    struct aws_error err;
    bool found = false;
    aws_error_init(&err);
    if (!meta_client(m, "read the stage", d))
        goto out;
    enum xa_status st = apigw_get_stage(m->client, api_region(m, s), s->rest_api_id.value,
                                        s->stage_name.value, &stage, &err);
    if (st == XA_EAWS && aws_error_is(&err, "NotFoundException"))
        goto out;   /* deleted out of band: null state, the next apply deploys it again */
    if (st != XA_OK) {
        meta_aws_diag(d, NULL, "Cannot read the stage", &err, NULL);
        goto out;
    }
    /* No deployment of ours on record (an import, a lost answer): what it serves is the
     * baseline. */
    found = model_set_string(&s->deployment_id, stage.deployment_id) &&
            (s->created_deployment_id.value ||
             model_set_string(&s->created_deployment_id, stage.deployment_id)) &&
            (s->region.value || model_set_string(&s->region, m->region)) &&
            (s->id.value || model_set_stringf(&s->id, "%s/%s", s->rest_api_id.value,
                                              s->stage_name.value));
    if (s->created_stage.state != MODEL_KNOWN)
        set_bool(&s->created_stage, false);
    if (!found)
        diag_error(d, "Cannot read the stage", "Out of memory.");
out:
    apigw_stage_cleanup(&stage);
    aws_error_cleanup(&err);
    return found;
}

/* Deletes a deployment this resource made and no longer needs; one a stage still serves
 * (BadRequestException) or already gone is left alone. */
static void drop_deployment(struct xacct_meta *m, const struct stage_deployment_model *s,
                            const char *deployment_id, struct diags *d)
{
    struct aws_error err;
    aws_error_init(&err);
    enum xa_status st = deployment_id ? apigw_delete_deployment(m->client, api_region(m, s),
                                                                s->rest_api_id.value,
                                                                deployment_id, &err)
                                      : XA_OK;
    if (st != XA_OK && !(st == XA_EAWS && (aws_error_is(&err, "NotFoundException") ||
                                            aws_error_is(&err, "BadRequestException"))))
        diag_add(d, DIAG_WARNING, NULL, "Old deployment kept",
                 "The stage was deployed, but deployment %s, which it served before, could not "
                 "be deleted (%s). It is unused; delete it by hand when convenient.",
                 deployment_id, err.code ? err.code : "no answer");
    aws_error_cleanup(&err);
}

static bool stage_update(void *meta, const void *prior_model, const void *config, void *state,
                         struct diags *d)
{
    struct xacct_meta *m = meta;
    const struct stage_deployment_model *prior = prior_model;
    struct stage_deployment_model *s = state;
    struct aws_error err;
    aws_error_init(&err);
    bool updated = false;
    if (s->deployment_id.state != MODEL_UNKNOWN) {
        updated = true;   /* nothing to deploy (a description of the state only) */
        goto out;
    }
    if (!meta_client(m, "deploy the stage", d))
        goto out;
    enum xa_status st = deploy(m, s, &err);
    if (st != XA_OK) {
        deployment_diag(d, &err);
        goto out;
    }
    updated = true;
    const char *old = prior->created_deployment_id.value;
    if (old && strcmp(old, s->created_deployment_id.value) != 0)
        drop_deployment(m, s, old, d);
out:
    aws_error_cleanup(&err);
    return updated;
}

static void stage_delete(void *meta, const void *prior_model, struct diags *d)
{
    struct xacct_meta *m = meta;
    const struct stage_deployment_model *prior = prior_model;
    struct aws_error err;
    aws_error_init(&err);
    if (!meta_client(m, "delete the stage", d))
        goto out;
    bool ours = prior->created_stage.state == MODEL_KNOWN && prior->created_stage.value;
    if (ours) {
        enum xa_status st = apigw_delete_stage(m->client, api_region(m, prior),
                                               prior->rest_api_id.value, prior->stage_name.value,
                                               &err);
        if (st != XA_OK && !(st == XA_EAWS && aws_error_is(&err, "NotFoundException"))) {
            meta_aws_diag(d, NULL, "Cannot delete the stage", &err, NULL);
            goto out;
        }
    }
    /* A stage that was there before keeps serving; only a deployment it no longer serves
     * is removed. */
    const char *mine = prior->created_deployment_id.value;
    if (mine && (ours || !prior->deployment_id.value || strcmp(mine, prior->deployment_id.value)))
        drop_deployment(m, prior, mine, d);
out:
    aws_error_cleanup(&err);
}

static bool stage_import(void *meta, const char *id, void *state, struct diags *d)
{
    struct stage_deployment_model *s = state;
    const char *slash = id ? strchr(id, '/') : NULL;
    bool ok = slash && slash != id && slash[1] && !strchr(slash + 1, '/');
    if (!ok) {
        diag_error(d, "Invalid import ID",
                   "\"%s\" is not a stage ID. Expected REST-API-ID/STAGE-NAME, e.g. "
                   "\"a1b2c3d4e5/prod\".", id ? id : "");
        return false;
    }
    char *api = xa_strndup(id, (size_t)(slash - id));
    ok = api && model_set_string(&s->rest_api_id, api) &&
         model_set_string(&s->stage_name, slash + 1) && model_set_string(&s->id, id);
    set_bool(&s->created_stage, false);
    xa_free(api);
    if (!ok)
        diag_error(d, "Cannot import the stage", "Out of memory.");
    return ok;
}

/* ---- The table --------------------------------------------------------------------- */

const struct resource_type xacct_stage_deployment_type = {
    .name = "xacct_stage_deployment",
    .schema = &stage_schema,
    .plan = stage_plan,
    .create = stage_create,
    .read = stage_read,
    .update = stage_update,
    .delete_ = stage_delete,
    .import = stage_import,
    .identity = &stage_identity,
};
