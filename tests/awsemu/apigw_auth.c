/* awsemu/apigw_auth.c - Lambda authorizers and who may call a method: CreateAuthorizer
 * (201), GetAuthorizer, GetAuthorizers, UpdateAuthorizer (patch operations),
 * DeleteAuthorizer (202), and UpdateMethod for a method's authorizationType and
 * authorizerId.
 *
 * Checked as API Gateway does: a name; type TOKEN, REQUEST or COGNITO_USER_POOLS; a Lambda
 * invocation URI for TOKEN and REQUEST; a TOKEN authorizer's identity source is one
 * header (method.request.header.NAME); a result TTL of 0 to 3600 s (300 by default). A
 * method set to CUSTOM must name an existing Lambda authorizer, and an authorizer a
 * method uses cannot be deleted (ConflictException). Authorizers, like integrations, reach
 * a stage's callers only with the next deployment (apigw_deploy.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apigw.h"
#include "route.h"
#include "world.h"

#define jstr apigw_str

static bool one_of(const char *v, const char *const *set)
{
    for (; v && *set; set++)
        if (strcmp(v, *set) == 0)
            return true;
    return false;
}

/* Why API Gateway refuses this authorizer, or NULL. */
static const char *authorizer_invalid(const json_t *a)
{
    static const char *const types[] = {"TOKEN", "REQUEST", "COGNITO_USER_POOLS", NULL};
    const char *type = jstr(a, "type"), *uri = jstr(a, "authorizerUri");
    const char *src = jstr(a, "identitySource");
    if (jstr(a, "name") == NULL || jstr(a, "name")[0] == '\0')
        return "Authorizer name must be specified";
    if (!one_of(type, types))
        return "Invalid authorizer type specified. Valid values are TOKEN, REQUEST, "
               "COGNITO_USER_POOLS";
    bool lambda = strcmp(type, "COGNITO_USER_POOLS") != 0;
    if (lambda && (uri == NULL || strncmp(uri, "arn:aws:apigateway:", 19) != 0 ||
                   strstr(uri, ":lambda:path/") == NULL))
        return "Invalid Authorizer URI specified";
    if (strcmp(type, "TOKEN") == 0 &&
        (src == NULL || strncmp(src, "method.request.header.", 22) != 0 || src[22] == '\0' ||
         strchr(src, ',') != NULL))
        return "Invalid identity source specified for a TOKEN authorizer: it must be "
               "method.request.header.NAME";
    json_t *ttl = json_object_get(a, "authorizerResultTtlInSeconds");
    if (ttl && (!json_is_integer(ttl) || json_integer_value(ttl) < 0 ||
                json_integer_value(ttl) > 3600))
        return "Authorizer result TTL must be between 0 and 3600 seconds";
    return NULL;
}

static json_t *authorizers(json_t *api)
{
    json_t *a = json_object_get(api, "authorizers");
    if (a == NULL) {
        a = json_object();
        json_object_set_new(api, "authorizers", a);
    }
    return a;
}

/* ---------------------------------------------------------------- authorizers */

static void create_authorizer(struct emu_server *s, struct emu_req *r, char *const *p,
                              struct emu_resp *resp)
{
    static const char *const copied[] = {"name", "type", "authorizerUri", "identitySource",
                                         "identityValidationExpression", "authorizerCredentials",
                                         "authorizerResultTtlInSeconds", "providerARNs",
                                         "authType", NULL};
    json_t *api = apigw_find_api(s, r, p[0], resp);
    json_t *in = api ? apigw_body(r, resp) : NULL;
    if (in == NULL)
        return;
    json_t *a = json_object();
    char id[16];
    emu_random_alnum(id, 6, "abcdefghijklmnopqrstuvwxyz0123456789");
    json_object_set_new(a, "id", json_string(id));
    for (const char *const *k = copied; *k; k++)
        if (json_object_get(in, *k) && !json_is_null(json_object_get(in, *k)))
            json_object_set(a, *k, json_object_get(in, *k));
    if (!json_object_get(a, "authorizerResultTtlInSeconds"))
        json_object_set_new(a, "authorizerResultTtlInSeconds", json_integer(300));
    const char *bad = authorizer_invalid(a);
    if (bad != NULL) {
        emu_error(resp, r, 400, "BadRequestException", "%s", bad);
    } else {
        json_object_set(authorizers(api), id, a);
        emu_resp_json(resp, 201, a);
    }
    json_decref(a);
    json_decref(in);
}

static json_t *find_authorizer(struct emu_server *s, const struct emu_req *r, char *const *p,
                               struct emu_resp *resp)
{
    json_t *api = apigw_find_api(s, r, p[0], resp);
    json_t *a = api ? json_object_get(json_object_get(api, "authorizers"), p[1]) : NULL;
    if (api != NULL && a == NULL)
        emu_error(resp, r, 404, "NotFoundException", "Invalid Authorizer identifier specified");
    return a;
}

static void get_authorizer(struct emu_server *s, struct emu_req *r, char *const *p,
                           struct emu_resp *resp)
{
    json_t *a = find_authorizer(s, r, p, resp);
    if (a != NULL)
        emu_resp_json(resp, 200, a);
}

static void get_authorizers(struct emu_server *s, struct emu_req *r, char *const *p,
                            struct emu_resp *resp)
{
    json_t *api = apigw_find_api(s, r, p[0], resp);
    if (api == NULL)
        return;
    json_t *items = json_array(), *a;
    const char *id;
    json_object_foreach(json_object_get(api, "authorizers"), id, a) {
        json_array_append(items, a);
    }
    json_t *out = json_pack("{s:o}", "item", items);
    emu_resp_json(resp, 200, out);
    json_decref(out);
}

/* One "replace" (or "remove") of an authorizer's field; NULL or the refusal. */
static const char *patch_authorizer(json_t *a, const json_t *op)
{
    static const char *const fields[] = {"/name", "/type", "/authorizerUri", "/identitySource",
                                         "/identityValidationExpression",
                                         "/authorizerCredentials",
                                         "/authorizerResultTtlInSeconds", NULL};
    const char *verb = jstr(op, "op"), *path = jstr(op, "path"), *value = jstr(op, "value");
    if (verb == NULL || path == NULL || !one_of(path, fields))
        return "Invalid patch path specified. Must be one of: [/name, /type, /authorizerUri, "
               "/identitySource, /identityValidationExpression, /authorizerCredentials, "
               "/authorizerResultTtlInSeconds]";
    if (strcmp(verb, "remove") == 0 || value == NULL || value[0] == '\0') {
        json_object_del(a, path + 1);
    } else if (strcmp(verb, "replace") != 0 && strcmp(verb, "add") != 0) {
        return "Invalid patch operation specified. Must be one of: [add, remove, replace]";
    } else if (strcmp(path, "/authorizerResultTtlInSeconds") == 0) {
        char *end = NULL;
        long ttl = strtol(value, &end, 10);
        if (*end != '\0')
            return "Invalid value for authorizerResultTtlInSeconds";
        json_object_set_new(a, path + 1, json_integer(ttl));
    } else {
        json_object_set_new(a, path + 1, json_string(value));
    }
    return NULL;
}

static void update_authorizer(struct emu_server *s, struct emu_req *r, char *const *p,
                              struct emu_resp *resp)
{
    json_t *a = find_authorizer(s, r, p, resp);
    json_t *in = a ? apigw_body(r, resp) : NULL;
    if (in == NULL)
        return;
    json_t *copy = json_deep_copy(a), *op;
    const char *bad = NULL;
    size_t i;
    json_array_foreach(json_object_get(in, "patchOperations"), i, op) {
        if ((bad = patch_authorizer(copy, op)) != NULL)
            break;
    }
    if (bad == NULL)
        bad = authorizer_invalid(copy);
    if (bad != NULL) {
        emu_error(resp, r, 400, "BadRequestException", "%s", bad);
    } else {
        json_object_set(json_object_get(world_api(s->world, p[0]), "authorizers"), p[1], copy);
        emu_resp_json(resp, 200, copy);
    }
    json_decref(copy);
    json_decref(in);
}

static void delete_authorizer(struct emu_server *s, struct emu_req *r, char *const *p,
                              struct emu_resp *resp)
{
    json_t *a = find_authorizer(s, r, p, resp);
    if (a == NULL)
        return;
    json_t *api = world_api(s->world, p[0]), *res, *m;
    const char *rid, *verb;
    json_object_foreach(json_object_get(api, "resources"), rid, res) {
        json_object_foreach(json_object_get(res, "resourceMethods"), verb, m) {
            const char *uses = jstr(m, "authorizerId");
            if (uses && strcmp(uses, p[1]) == 0) {
                emu_error(resp, r, 409, "ConflictException",
                          "Cannot delete authorizer '%s', is referenced in method: %s%s",
                          jstr(a, "name"), verb, jstr(res, "path"));
                return;
            }
        }
    }
    json_object_del(json_object_get(api, "authorizers"), p[1]);
    emu_resp_text(resp, 202, "", "");
}

/* -------------------------------------------------------------------- methods */

static void update_method(struct emu_server *s, struct emu_req *r, char *const *p,
                          struct emu_resp *resp)
{
    static const char *const auth_types[] = {"NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS",
                                             NULL};
    json_t *m = apigw_find_method(s, r, p, resp);
    json_t *in = m ? apigw_body(r, resp) : NULL;
    if (in == NULL)
        return;
    json_t *copy = json_deep_copy(m), *op;
    const char *bad = NULL;
    size_t i;
    json_array_foreach(json_object_get(in, "patchOperations"), i, op) {
        const char *path = jstr(op, "path"), *value = jstr(op, "value");
        bool remove = jstr(op, "op") && strcmp(jstr(op, "op"), "remove") == 0;
        if (path && strcmp(path, "/authorizationType") == 0 && one_of(value, auth_types))
            json_object_set_new(copy, "authorizationType", json_string(value));
        else if (path && strcmp(path, "/authorizerId") == 0 && (remove || !value || !*value))
            json_object_del(copy, "authorizerId");
        else if (path && strcmp(path, "/authorizerId") == 0)
            json_object_set_new(copy, "authorizerId", json_string(value));
        else
            bad = "Invalid patch operation: UpdateMethod accepts /authorizationType (NONE, "
                  "AWS_IAM, CUSTOM, COGNITO_USER_POOLS) and /authorizerId here";
    }
    const char *type = jstr(copy, "authorizationType"), *aid = jstr(copy, "authorizerId");
    json_t *api = world_api(s->world, p[0]);
    json_t *a = aid ? json_object_get(json_object_get(api, "authorizers"), aid) : NULL;
    if (bad == NULL && type && strcmp(type, "CUSTOM") == 0 &&
        (a == NULL || strcmp(jstr(a, "type"), "COGNITO_USER_POOLS") == 0))
        bad = "Invalid authorizer ID specified";
    if (bad == NULL && type && (strcmp(type, "NONE") == 0 || strcmp(type, "AWS_IAM") == 0))
        json_object_del(copy, "authorizerId");
    if (bad != NULL) {
        emu_error(resp, r, 400, "BadRequestException", "%s", bad);
    } else {
        json_object_update(m, copy);
        if (jstr(copy, "authorizerId") == NULL)
            json_object_del(m, "authorizerId");
        emu_resp_json(resp, 200, m);
    }
    json_decref(copy);
    json_decref(in);
}

/* -------------------------------------------------------------------- table */

static const struct route routes[] = {
    {.method = "POST", .pattern = "/restapis/*/authorizers", .operation = "CreateAuthorizer",
     .fn = create_authorizer},
    {.method = "GET", .pattern = "/restapis/*/authorizers", .operation = "GetAuthorizers",
     .fn = get_authorizers},
    {.method = "GET", .pattern = "/restapis/*/authorizers/*", .operation = "GetAuthorizer",
     .fn = get_authorizer},
    {.method = "PATCH", .pattern = "/restapis/*/authorizers/*", .operation = "UpdateAuthorizer",
     .fn = update_authorizer},
    {.method = "DELETE", .pattern = "/restapis/*/authorizers/*", .operation = "DeleteAuthorizer",
     .fn = delete_authorizer},
    {.method = "PATCH", .pattern = "/restapis/*/resources/*/methods/*", .operation = "UpdateMethod",
     .fn = update_method},
};

const struct route_table apigw_auth_route_table = {
    .service = "apigateway",
    .routes = routes,
    .nroutes = sizeof routes / sizeof routes[0],
};
