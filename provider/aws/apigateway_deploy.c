/* aws/apigateway_deploy.c - API Gateway deployments and stages: CreateDeployment (with a
 * stage name: creates the stage or moves it to the new deployment), GetDeployment,
 * DeleteDeployment, GetStage, DeleteStage.
 * CreateDeployment has a fixed quota of one request per 5 seconds per account; pacing
 * the calls is the caller's (resources/quotas.c), retrying a TooManyRequestsException
 * aws/retry's.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aws/apigateway_internal.h"
#include "aws/errors.h"
#include "util/alloc.h"

void apigw_deployment_cleanup(struct apigw_deployment *d)
{
    xa_free(d->id);
    xa_free(d->description);
    *d = (struct apigw_deployment){0};
}

void apigw_stage_cleanup(struct apigw_stage *s)
{
    xa_free(s->stage_name);
    xa_free(s->deployment_id);
    xa_free(s->description);
    *s = (struct apigw_stage){0};
}

static enum xa_status deployment_call(struct aws_client *c, const char *region,
                                      const struct rj_request *req,
                                      struct apigw_deployment *out, struct aws_error *err)
{
    *out = (struct apigw_deployment){0};
    json_t *o;
    enum xa_status st = rj_call(c, region, &apigw, req, &o, err);
    if (o) {
        bool oom = false;
        out->id = rj_str(&oom, o, "id");
        out->description = rj_str(&oom, o, "description");
        json_t *created = json_object_get(o, "createdDate");
        out->created = json_is_number(created) ? (int64_t)json_number_value(created) : 0;
        st = oom ? XA_ENOMEM : !out->id ? XA_EAWS : XA_OK;
        if (st == XA_EAWS)
            aws_error_set_messagef(err, "API Gateway answered %s without an id", req->op);
        json_decref(o);
    }
    if (st != XA_OK)
        apigw_deployment_cleanup(out);
    return st;
}

enum xa_status apigw_create_deployment(struct aws_client *c, const char *region,
                                       const char *rest_api_id, const char *stage_name,
                                       const char *description, struct apigw_deployment *out,
                                       struct aws_error *err)
{
    *out = (struct apigw_deployment){0};
    json_t *o = json_object();
    int bad = !o || apigw_json_set_str(o, "stageName", stage_name) ||
              apigw_json_set_str(o, "description", description);
    char *body = bad ? NULL : json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!body)
        return rj_fail(err, &apigw, "CreateDeployment", "cannot encode the request (the "
                                                        "description is not valid UTF-8)");
    const struct rj_request req = {.op = "CreateDeployment", .method = "POST",
                                   .path = "/restapis/{}/deployments", .labels = {rest_api_id},
                                   .bad_label = BAD_LABEL, .body = body};
    enum xa_status st = deployment_call(c, region, &req, out, err);
    free(body);
    return st;
}

enum xa_status apigw_get_deployment(struct aws_client *c, const char *region,
                                    const char *rest_api_id, const char *deployment_id,
                                    struct apigw_deployment *out, struct aws_error *err)
{
    const struct rj_request req = {.op = "GetDeployment", .method = "GET",
                                   .path = "/restapis/{}/deployments/{}",
                                   .labels = {rest_api_id, deployment_id},
                                   .bad_label = BAD_LABEL};
    return deployment_call(c, region, &req, out, err);
}

enum xa_status apigw_delete_deployment(struct aws_client *c, const char *region,
                                       const char *rest_api_id, const char *deployment_id,
                                       struct aws_error *err)
{
    const struct rj_request req = {.op = "DeleteDeployment", .method = "DELETE",
                                   .path = "/restapis/{}/deployments/{}",
                                   .labels = {rest_api_id, deployment_id},
                                   .bad_label = BAD_LABEL};
    return rj_call(c, region, &apigw, &req, NULL, err);
}

enum xa_status apigw_get_stage(struct aws_client *c, const char *region,
                               const char *rest_api_id, const char *stage_name,
                               struct apigw_stage *out, struct aws_error *err)
{
    *out = (struct apigw_stage){0};
    const struct rj_request req = {.op = "GetStage", .method = "GET",
                                   .path = "/restapis/{}/stages/{}",
                                   .labels = {rest_api_id, stage_name}, .bad_label = BAD_LABEL};
    json_t *o;
    enum xa_status st = rj_call(c, region, &apigw, &req, &o, err);
    if (o) {
        bool oom = false;
        out->stage_name = rj_str(&oom, o, "stageName");
        out->deployment_id = rj_str(&oom, o, "deploymentId");
        out->description = rj_str(&oom, o, "description");
        st = oom ? XA_ENOMEM : XA_OK;
        json_decref(o);
    }
    if (st != XA_OK)
        apigw_stage_cleanup(out);
    return st;
}

enum xa_status apigw_delete_stage(struct aws_client *c, const char *region,
                                  const char *rest_api_id, const char *stage_name,
                                  struct aws_error *err)
{
    const struct rj_request req = {.op = "DeleteStage", .method = "DELETE",
                                   .path = "/restapis/{}/stages/{}",
                                   .labels = {rest_api_id, stage_name}, .bad_label = BAD_LABEL};
    return rj_call(c, region, &apigw, &req, NULL, err);
}
