/* awsemu/apigw_deploy.c - API Gateway deployments and stages: CreateDeployment (201),
 * GetDeployment, GetDeployments, DeleteDeployment (202), GetStage, GetStages, DeleteStage
 * (202).
 *
 * A deployment is a snapshot of the API's resources (methods, integrations) and
 * authorizers taken when it is created; a stage serves its deployment's snapshot, so an
 * integration changed after the last deployment is not what callers of the stage get.
 * CreateDeployment refuses, as AWS does, an API without methods or with a method that has
 * no integration, and a stage name outside [A-Za-z0-9_-]; with stageName it creates the
 * stage or points it at the new deployment. A deployment a stage serves cannot be
 * deleted. The CreateDeployment quota (1 per 5 s per account) is faults.c's.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "apigw.h"
#include "route.h"
#include "world.h"

#define jstr apigw_str

/* ------------------------------------------------------------------ snapshots */

const char *apigw_deploy_invalid(const json_t *api, char *msg, size_t n)
{
    const char *id, *verb;
    json_t *res, *m;
    size_t methods = 0;
    json_object_foreach(json_object_get(api, "resources"), id, res) {
        json_object_foreach(json_object_get(res, "resourceMethods"), verb, m) {
            methods++;
            if (json_object_get(m, "methodIntegration") == NULL) {
                snprintf(msg, n, "No integration defined for method");
                return msg;
            }
        }
    }
    if (methods == 0) {
        snprintf(msg, n, "The REST API doesn't contain any methods");
        return msg;
    }
    return NULL;
}

static json_t *ensure(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (v == NULL) {
        v = json_object();
        json_object_set_new(o, key, v);
    }
    return v;
}

json_t *apigw_deploy(json_t *api, const char *stage, const char *description, int64_t now)
{
    char id[16];
    emu_random_alnum(id, 6, "abcdefghijklmnopqrstuvwxyz0123456789");
    json_t *snap = json_pack("{s:o,s:o}", "resources",
                             json_deep_copy(ensure(api, "resources")), "authorizers",
                             json_deep_copy(ensure(api, "authorizers")));
    json_t *d = json_pack("{s:s,s:I,s:o}", "id", id, "createdDate", (json_int_t)now,
                          "snapshot", snap);
    if (description != NULL)
        json_object_set_new(d, "description", json_string(description));
    json_object_set_new(ensure(api, "deployments"), id, d);
    if (stage != NULL) {
        json_t *st = json_object_get(ensure(api, "stages"), stage);
        if (st == NULL) {
            st = json_pack("{s:s,s:I,s:b,s:b,s:{}}", "stageName", stage, "createdDate",
                           (json_int_t)now, "cacheClusterEnabled", 0, "tracingEnabled", 0,
                           "methodSettings");
            json_object_set_new(json_object_get(api, "stages"), stage, st);
        }
        json_object_set_new(st, "deploymentId", json_string(id));
        json_object_set_new(st, "lastUpdatedDate", json_integer((json_int_t)now));
    }
    return d;
}

/* The deployment as GetDeployment shows it (the snapshot is the emulator's). */
static json_t *deployment_json(const json_t *d)
{
    json_t *out = json_pack("{s:s,s:O}", "id", jstr(d, "id"), "createdDate",
                            json_object_get(d, "createdDate"));
    if (jstr(d, "description") != NULL)
        json_object_set_new(out, "description", json_string(jstr(d, "description")));
    return out;
}

static bool valid_stage_name(const char *s)
{
    if (s == NULL || *s == '\0' || strlen(s) > 128)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
            return false;
    return true;
}

/* ---------------------------------------------------------------- deployments */

static void create_deployment(struct emu_server *s, struct emu_req *r, char *const *p,
                              struct emu_resp *resp)
{
    json_t *api = apigw_find_api(s, r, p[0], resp);
    json_t *in = api ? apigw_body(r, resp) : NULL;
    if (in == NULL)
        return;
    char msg[256];
    const char *stage = jstr(in, "stageName");
    const char *bad = apigw_deploy_invalid(api, msg, sizeof msg);
    if (bad == NULL && stage != NULL && !valid_stage_name(stage))
        bad = "Stage name only allows a-zA-Z0-9_-";
    if (bad != NULL) {
        emu_error(resp, r, 400, "BadRequestException", "%s", bad);
    } else {
        json_t *d = apigw_deploy(api, stage, jstr(in, "description"), r->now);
        json_t *out = deployment_json(d);
        emu_resp_json(resp, 201, out);
        json_decref(out);
    }
    json_decref(in);
}

static json_t *find_deployment(struct emu_server *s, const struct emu_req *r, char *const *p,
                               struct emu_resp *resp)
{
    json_t *api = apigw_find_api(s, r, p[0], resp);
    json_t *d = api ? json_object_get(json_object_get(api, "deployments"), p[1]) : NULL;
    if (api != NULL && d == NULL)
        emu_error(resp, r, 404, "NotFoundException", "Invalid Deployment identifier specified");
    return d;
}

static void get_deployment(struct emu_server *s, struct emu_req *r, char *const *p,
                           struct emu_resp *resp)
{
    json_t *d = find_deployment(s, r, p, resp);
    if (d != NULL) {
        json_t *out = deployment_json(d);
        emu_resp_json(resp, 200, out);
        json_decref(out);
    }
}

static void get_deployments(struct emu_server *s, struct emu_req *r, char *const *p,
                            struct emu_resp *resp)
{
    json_t *api = apigw_find_api(s, r, p[0], resp);
    if (api == NULL)
        return;
    json_t *items = json_array(), *d;
    const char *id;
    json_object_foreach(json_object_get(api, "deployments"), id, d) {
        json_array_append_new(items, deployment_json(d));
    }
    json_t *out = json_pack("{s:o}", "item", items);
    emu_resp_json(resp, 200, out);
    json_decref(out);
}

static void delete_deployment(struct emu_server *s, struct emu_req *r, char *const *p,
                              struct emu_resp *resp)
{
    json_t *d = find_deployment(s, r, p, resp);
    if (d == NULL)
        return;
    json_t *api = world_api(s->world, p[0]), *st;
    const char *name;
    json_object_foreach(json_object_get(api, "stages"), name, st) {
        const char *dep = jstr(st, "deploymentId");
        if (dep != NULL && strcmp(dep, p[1]) == 0) {
            emu_error(resp, r, 400, "BadRequestException",
                      "Active stages pointing to this deployment must be moved or deleted");
            return;
        }
    }
    json_object_del(json_object_get(api, "deployments"), p[1]);
    emu_resp_text(resp, 202, "", "");
}

/* --------------------------------------------------------------------- stages */

static json_t *find_stage(struct emu_server *s, const struct emu_req *r, char *const *p,
                          struct emu_resp *resp)
{
    json_t *api = apigw_find_api(s, r, p[0], resp);
    json_t *st = api ? json_object_get(json_object_get(api, "stages"), p[1]) : NULL;
    if (api != NULL && st == NULL)
        emu_error(resp, r, 404, "NotFoundException", "Invalid stage identifier specified");
    return st;
}

static void get_stage(struct emu_server *s, struct emu_req *r, char *const *p,
                      struct emu_resp *resp)
{
    json_t *st = find_stage(s, r, p, resp);
    if (st != NULL)
        emu_resp_json(resp, 200, st);
}

static void get_stages(struct emu_server *s, struct emu_req *r, char *const *p,
                       struct emu_resp *resp)
{
    json_t *api = apigw_find_api(s, r, p[0], resp);
    if (api == NULL)
        return;
    json_t *items = json_array(), *st;
    const char *name;
    json_object_foreach(json_object_get(api, "stages"), name, st) {
        json_array_append(items, st);
    }
    json_t *out = json_pack("{s:o}", "item", items);
    emu_resp_json(resp, 200, out);
    json_decref(out);
}

static void delete_stage(struct emu_server *s, struct emu_req *r, char *const *p,
                         struct emu_resp *resp)
{
    if (find_stage(s, r, p, resp) != NULL) {
        json_object_del(json_object_get(world_api(s->world, p[0]), "stages"), p[1]);
        emu_resp_text(resp, 202, "", "");
    }
}

/* -------------------------------------------------------------------- table */

static const struct route routes[] = {
    {.method = "POST", .pattern = "/restapis/*/deployments", .operation = "CreateDeployment",
     .fn = create_deployment},
    {.method = "GET", .pattern = "/restapis/*/deployments", .operation = "GetDeployments",
     .fn = get_deployments},
    {.method = "GET", .pattern = "/restapis/*/deployments/*", .operation = "GetDeployment",
     .fn = get_deployment},
    {.method = "DELETE", .pattern = "/restapis/*/deployments/*", .operation = "DeleteDeployment",
     .fn = delete_deployment},
    {.method = "GET", .pattern = "/restapis/*/stages", .operation = "GetStages",
     .fn = get_stages},
    {.method = "GET", .pattern = "/restapis/*/stages/*", .operation = "GetStage",
     .fn = get_stage},
    {.method = "DELETE", .pattern = "/restapis/*/stages/*", .operation = "DeleteStage",
     .fn = delete_stage},
};

const struct route_table apigw_deploy_route_table = {
    .service = "apigateway",
    .routes = routes,
    .nroutes = sizeof routes / sizeof routes[0],
};
