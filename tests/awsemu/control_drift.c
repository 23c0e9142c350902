/* awsemu/control_drift.c - POST /_emu/drift: changes made out of band, the way a person
 * in the console or another tool would make them, for drift-detection tests.
 *
 * Body: {"op": NAME, ...}. API Gateway: set_integration_uri, patch_integration,
 * delete_integration, patch_method (the method object merged, e.g. an authorizationType),
 * patch_authorizer, delete_authorizer, deploy (a deployment of the API as it stands to
 * "stage", without CreateDeployment's checks), delete_stage. Lambda: add_statement,
 * delete_statement, delete_function. Methods are named by api_id + (resource_id | path)
 * + http_method (GET by default), functions by function_arn or account + region +
 * function, authorizers by api_id + authorizer_id. With the world locked.
 */
#include <stdio.h>
#include <string.h>

#include "apigw.h"
#include "control.h"
#include "world.h"

#define jstr apigw_str

static void ok(struct emu_resp *resp)
{
    emu_resp_text(resp, 200, "application/json", "{\"ok\":true}");
}

/* The method named by api_id + (resource_id | path) + http_method. */
static json_t *drift_method(struct emu_server *s, const json_t *in)
{
    json_t *api = world_api(s->world, jstr(in, "api_id") ? jstr(in, "api_id") : "");
    json_t *resources = json_object_get(api, "resources"), *res = NULL, *x;
    const char *id;
    if (jstr(in, "resource_id") != NULL) {
        res = json_object_get(resources, jstr(in, "resource_id"));
    } else if (jstr(in, "path") != NULL) {
        json_object_foreach(resources, id, x) {
            if (strcmp(jstr(x, "path"), jstr(in, "path")) == 0)
                res = x;
        }
    }
    const char *verb = jstr(in, "http_method") ? jstr(in, "http_method") : "GET";
    return json_object_get(json_object_get(res, "resourceMethods"), verb);
}

/* The function named by function_arn, or account + region + function. */
static json_t *drift_function(struct emu_server *s, const json_t *in, char *key, size_t n)
{
    char account[16] = "", region[32] = "", name[128] = "";
    const char *arn = jstr(in, "function_arn");
    if (arn != NULL) {
        if (sscanf(arn, "arn:aws:lambda:%31[^:]:%15[^:]:function:%127[^:]", region, account,
                   name) != 3)
            return NULL;
    } else if (jstr(in, "account") && jstr(in, "region") && jstr(in, "function")) {
        snprintf(account, sizeof account, "%s", jstr(in, "account"));
        snprintf(region, sizeof region, "%s", jstr(in, "region"));
        snprintf(name, sizeof name, "%s", jstr(in, "function"));
    }
    snprintf(key, n, "%s/%s/%s", account, region, name);
    return world_function(s->world, account, region, name);
}

/* Each op: NULL when done, else (status, message) through *status. */
typedef const char *(*drift_fn)(struct emu_server *s, const json_t *in, int *status);

static const char *integration_op(struct emu_server *s, const json_t *in, int *status)
{
    const char *op = jstr(in, "op");
    json_t *m = drift_method(s, in);
    json_t *integ = json_object_get(m, "methodIntegration");
    if (integ == NULL)
        return "no such method or integration";
    if (strcmp(op, "delete_integration") == 0) {
        json_object_del(m, "methodIntegration");
    } else if (strcmp(op, "patch_integration") == 0) {
        json_object_update(integ, json_object_get(in, "integration"));
    } else if (jstr(in, "uri") == NULL) {
        *status = 400;
        return "uri is required";
    } else {
        json_object_set_new(integ, "uri", json_string(jstr(in, "uri")));
    }
    return NULL;
}

static const char *patch_method(struct emu_server *s, const json_t *in, int *status)
{
    json_t *m = drift_method(s, in), *with = json_object_get(in, "method");
    if (m == NULL)
        return "no such method";
    if (!json_is_object(with)) {
        *status = 400;
        return "method must be an object";
    }
    json_object_update(m, with);
    return NULL;
}

static json_t *drift_api(struct emu_server *s, const json_t *in)
{
    return world_api(s->world, jstr(in, "api_id") ? jstr(in, "api_id") : "");
}

static const char *authorizer_op(struct emu_server *s, const json_t *in, int *status)
{
    json_t *all = json_object_get(drift_api(s, in), "authorizers");
    const char *id = jstr(in, "authorizer_id");
    json_t *a = id ? json_object_get(all, id) : NULL;
    if (a == NULL)
        return "no such API or authorizer";
    if (strcmp(jstr(in, "op"), "delete_authorizer") == 0)
        json_object_del(all, id);
    else
        json_object_update(a, json_object_get(in, "authorizer"));
    return NULL;
}

static const char *stage_op(struct emu_server *s, const json_t *in, int *status)
{
    json_t *api = drift_api(s, in);
    const char *stage = jstr(in, "stage");
    if (api == NULL || stage == NULL)
        return "no such API, or no stage named";
    if (strcmp(jstr(in, "op"), "deploy") == 0) {
        apigw_deploy(api, stage, jstr(in, "description"), emu_clock_now());
        return NULL;
    }
    if (json_object_del(json_object_get(api, "stages"), stage) != 0)
        return "no such stage";
    return NULL;
}

static const char *statement_op(struct emu_server *s, const json_t *in, int *status)
{
    char key[512];
    json_t *fn = drift_function(s, in, key, sizeof key);
    const char *q = jstr(in, "qualifier") ? jstr(in, "qualifier") : "";
    json_t *qual = json_object_get(json_object_get(fn, "quals"), q);
    json_t *statements = json_object_get(qual, "statements"), *st;
    size_t i, found = (size_t)-1;
    json_array_foreach(statements, i, st) {
        if (jstr(in, "sid") && jstr(st, "Sid") && strcmp(jstr(st, "Sid"), jstr(in, "sid")) == 0)
            found = i;
    }
    if (qual == NULL)
        return "no such function or qualifier";
    if (strcmp(jstr(in, "op"), "add_statement") == 0) {
        if (!json_is_object(json_object_get(in, "statement"))) {
            *status = 400;
            return "statement must be an object";
        }
        json_array_append(statements, json_object_get(in, "statement"));
    } else if (found == (size_t)-1) {
        return "no statement with that sid";
    } else {
        json_array_remove(statements, found);
    }
    world_new_revision(qual);
    return NULL;
}

static const char *delete_function(struct emu_server *s, const json_t *in, int *status)
{
    char key[512];
    if (drift_function(s, in, key, sizeof key) == NULL)
        return "no such function";
    json_object_del(world_section(s->world, "functions"), key);
    return NULL;
}

static const struct {
    const char *op;
    drift_fn fn;
} ops[] = {
    {"set_integration_uri", integration_op}, {"patch_integration", integration_op},
    {"delete_integration", integration_op},  {"patch_method", patch_method},
    {"patch_authorizer", authorizer_op},     {"delete_authorizer", authorizer_op},
    {"deploy", stage_op},                    {"delete_stage", stage_op},
    {"add_statement", statement_op},         {"delete_statement", statement_op},
    {"delete_function", delete_function},
};

void control_drift(struct emu_server *s, struct emu_req *r, const json_t *in,
                   struct emu_resp *resp)
{
    const char *op = jstr(in, "op") ? jstr(in, "op") : "";
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (strcmp(op, ops[i].op) != 0)
            continue;
        int status = 404;
        world_lock(s->world);
        const char *why = ops[i].fn(s, in, &status);
        world_unlock(s->world);
        if (why == NULL)
            ok(resp);
        else
            emu_error(resp, r, status, status == 404 ? "NotFound" : "BadRequest", "%s", why);
        return;
    }
    emu_error(resp, r, 400, "BadRequest", "unknown drift op \"%s\" (set_integration_uri, "
              "patch_integration, delete_integration, patch_method, patch_authorizer, "
              "delete_authorizer, deploy, delete_stage, add_statement, delete_statement, "
              "delete_function)", op);
}
