/* awsemu/apigw.c - the API Gateway (REST API, v1) operations the provider uses:
 * GetRestApi, GetResources (paginated under "item"), GetResource, GetMethod, and the
 * integration's Put (201), Get, Update (JSON-patch operations) and Delete (204).
 *
 * An API is visible only to its own account in its own region: anything else is the
 * NotFoundException AWS gives for an unknown id. Integrations live in their method as
 * "methodIntegration", so GetMethod shows them as AWS does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apigw.h"
#include "route.h"
#include "world.h"

#define jstr apigw_str

const char *apigw_str(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* ------------------------------------------------------------------ lookups */

json_t *apigw_find_api(struct emu_server *s, const struct emu_req *r, const char *id,
                       struct emu_resp *resp)
{
    json_t *api = world_api(s->world, id);
    if (api == NULL || strcmp(jstr(api, "account"), r->account) != 0 ||
        strcmp(jstr(api, "region"), r->region) != 0) {
        emu_error(resp, r, 404, "NotFoundException", "Invalid API identifier specified %s:%s",
                  r->account, id);
        return NULL;
    }
    return api;
}

json_t *apigw_find_resource(struct emu_server *s, const struct emu_req *r, char *const *p,
                            struct emu_resp *resp)
{
    json_t *api = apigw_find_api(s, r, p[0], resp);
    if (api == NULL)
        return NULL;
    json_t *res = json_object_get(json_object_get(api, "resources"), p[1]);
    if (res == NULL)
        emu_error(resp, r, 404, "NotFoundException", "Invalid Resource identifier specified");
    return res;
}

json_t *apigw_find_method(struct emu_server *s, const struct emu_req *r, char *const *p,
                          struct emu_resp *resp)
{
    json_t *res = apigw_find_resource(s, r, p, resp);
    if (res == NULL)
        return NULL;
    json_t *m = json_object_get(json_object_get(res, "resourceMethods"), p[2]);
    if (m == NULL)
        emu_error(resp, r, 404, "NotFoundException", "Invalid Method identifier specified");
    return m;
}

static json_t *find_integration(struct emu_server *s, const struct emu_req *r,
                                char *const *p, struct emu_resp *resp)
{
    json_t *m = apigw_find_method(s, r, p, resp);
    if (m == NULL)
        return NULL;
    json_t *integ = json_object_get(m, "methodIntegration");
    if (integ == NULL)
        emu_error(resp, r, 404, "NotFoundException", "Invalid Integration identifier specified");
    return integ;
}

/* ---------------------------------------------------------- RestApi, Resource */

static void get_rest_api(struct emu_server *s, struct emu_req *r, char *const *p,
                         struct emu_resp *resp)
{
    json_t *api = apigw_find_api(s, r, p[0], resp);
    if (api == NULL)
        return;
    json_t *out = json_pack(
        "{s:s,s:s,s:O,s:s,s:{s:[s]},s:b,s:s}", "id", jstr(api, "id"), "name", jstr(api, "name"),
        "createdDate", json_object_get(api, "createdDate"), "apiKeySource", "HEADER",
        "endpointConfiguration", "types", "EDGE", "disableExecuteApiEndpoint", 0,
        "rootResourceId", jstr(api, "rootResourceId"));
    emu_resp_json(resp, 200, out);
    json_decref(out);
}

static json_t *resource_json(const json_t *res, bool embed)
{
    json_t *out = json_object();
    json_object_set_new(out, "id", json_string(jstr(res, "id")));
    if (jstr(res, "parentId") != NULL) {
        json_object_set_new(out, "parentId", json_string(jstr(res, "parentId")));
        json_object_set_new(out, "pathPart", json_string(jstr(res, "pathPart")));
    }
    json_object_set_new(out, "path", json_string(jstr(res, "path")));
    json_t *methods = json_object_get(res, "resourceMethods"), *m;
    if (json_object_size(methods) > 0) {
        json_t *rm = json_object();
        const char *verb;
        json_object_foreach(methods, verb, m) {
            json_object_set_new(rm, verb, embed ? json_deep_copy(m) : json_object());
        }
        json_object_set_new(out, "resourceMethods", rm);
    }
    return out;
}

static int by_path(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    return strcmp(jstr(x, "path"), jstr(y, "path"));
}

static void get_resources(struct emu_server *s, struct emu_req *r, char *const *p,
                          struct emu_resp *resp)
{
    json_t *api = apigw_find_api(s, r, p[0], resp);
    if (api == NULL)
        return;
    struct xbuf v;
    xbuf_init(&v);
    long limit = 25, start = 0;
    char *end = NULL;
    if (emu_req_query(r, "limit", &v)) {
        limit = strtol(xbuf_cstr(&v), &end, 10);
        if (*xbuf_cstr(&v) == '\0' || *end != '\0' || limit < 1 || limit > 500) {
            emu_error(resp, r, 400, "BadRequestException",
                      "1 validation error detected: Value '%s' at 'limit' failed to satisfy "
                      "constraint: Member must have value less than or equal to 500",
                      xbuf_cstr(&v));
            goto done;
        }
    }
    if (emu_req_query(r, "position", &v)) {
        start = strtol(xbuf_cstr(&v) + (xbuf_cstr(&v)[0] == 'p'), &end, 16);
        if (xbuf_cstr(&v)[0] != 'p' || *end != '\0' || start < 1) {
            emu_error(resp, r, 400, "BadRequestException", "Invalid position parameter");
            goto done;
        }
    }
    bool embed = emu_req_query(r, "embed", &v) && strstr(xbuf_cstr(&v), "methods") != NULL;
    json_t *resources = json_object_get(api, "resources"), *res;
    size_t n = json_object_size(resources), i = 0;
    json_t **sorted = calloc(n ? n : 1, sizeof *sorted);
    const char *id;
    json_object_foreach(resources, id, res) {
        sorted[i++] = res;
    }
    qsort(sorted, n, sizeof *sorted, by_path);
    json_t *out = json_object(), *items = json_array();
    for (i = (size_t)start; i < n && i < (size_t)(start + limit); i++)
        json_array_append_new(items, resource_json(sorted[i], embed));
    if ((size_t)(start + limit) < n) {
        char pos[32];
        snprintf(pos, sizeof pos, "p%lx", (unsigned long)(start + limit));
        json_object_set_new(out, "position", json_string(pos));
    }
    json_object_set_new(out, "item", items);
    emu_resp_json(resp, 200, out);
    json_decref(out);
    free(sorted);
done:
    xbuf_cleanup(&v);
}

static void get_resource(struct emu_server *s, struct emu_req *r, char *const *p,
                         struct emu_resp *resp)
{
    json_t *res = apigw_find_resource(s, r, p, resp);
    if (res == NULL)
        return;
    struct xbuf v;
    xbuf_init(&v);
    json_t *out = resource_json(res, emu_req_query(r, "embed", &v));
    emu_resp_json(resp, 200, out);
    json_decref(out);
    xbuf_cleanup(&v);
}

static void get_method(struct emu_server *s, struct emu_req *r, char *const *p,
                       struct emu_resp *resp)
{
    json_t *m = apigw_find_method(s, r, p, resp);
    if (m != NULL)
        emu_resp_json(resp, 200, m);
}

/* -------------------------------------------------------------- Integration */

static bool one_of(const char *v, const char *const *set)
{
    for (; *set != NULL; set++) {
        if (strcmp(v, *set) == 0)
            return true;
    }
    return false;
}

/* Checks a complete integration as AWS does on Put and after a patch; NULL when valid,
 * else the BadRequestException message. */
static const char *integration_invalid(const json_t *in)
{
    static const char *const types[] = {"HTTP", "AWS", "MOCK", "HTTP_PROXY", "AWS_PROXY", NULL};
    static const char *const verbs[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD",
                                        "OPTIONS", "ANY", NULL};
    static const char *const pass[] = {"WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER", NULL};
    static const char *const content[] = {"CONVERT_TO_BINARY", "CONVERT_TO_TEXT", NULL};
    static const char *const conn[] = {"INTERNET", "VPC_LINK", NULL};
    const char *type = jstr(in, "type"), *verb = jstr(in, "httpMethod"), *uri = jstr(in, "uri");
    if (type == NULL || !one_of(type, types))
        return "Invalid integration type specified";
    bool remote = strcmp(type, "MOCK") != 0;
    if (remote && (verb == NULL || verb[0] == '\0'))
        return "Enumeration value for HttpMethod must be non-empty";
    if (verb != NULL && !one_of(verb, verbs))
        return "Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,"
               "OPTIONS,HEAD,ANY";
    if (remote && (uri == NULL || uri[0] == '\0'))
        return "Invalid ARN specified in the request";
    if (remote && strncmp(type, "AWS", 3) == 0 &&
        (strncmp(uri, "arn:aws:apigateway:", 19) != 0 ||
         (strstr(uri, ":path/") == NULL && strstr(uri, ":action/") == NULL)))
        return "AWS ARN for integration must contain path or action";
    if (remote && strncmp(type, "HTTP", 4) == 0 && strncmp(uri, "http://", 7) != 0 &&
        strncmp(uri, "https://", 8) != 0)
        return "Invalid HTTP endpoint specified for URI";
    if (jstr(in, "passthroughBehavior") && !one_of(jstr(in, "passthroughBehavior"), pass))
        return "Invalid passthrough behavior specified";
    if (jstr(in, "contentHandling") && !one_of(jstr(in, "contentHandling"), content))
        return "Invalid content handling specified";
    if (jstr(in, "connectionType") && !one_of(jstr(in, "connectionType"), conn))
        return "Invalid connection type specified";
    static const char *const modes[] = {"BUFFERED", "STREAM", NULL};
    const char *mode = jstr(in, "responseTransferMode");
    if (mode && !one_of(mode, modes))
        return "Invalid response transfer mode specified. Valid values are BUFFERED, STREAM";
    bool stream = mode && strcmp(mode, "STREAM") == 0;
    /* Lambda streams through the 2021-11-15 response-streaming-invocations action only. */
    bool stream_uri = uri && strstr(uri, ":lambda:path/2021-11-15/functions/") &&
                      strstr(uri, "/response-streaming-invocations");
    if (remote && stream_uri && !stream)
        return "The response-streaming-invocations URI needs responseTransferMode STREAM";
    json_t *t = json_object_get(in, "timeoutInMillis");
    if (t != NULL && (!json_is_integer(t) || json_integer_value(t) < 50 ||
                      json_integer_value(t) > (stream ? 900000 : 29000)))
        return stream ? "Timeout should be between 50 ms and 900000 ms for STREAM"
                      : "Timeout should be between 50 ms and 29000 ms";
    return NULL;
}

/* The integration as AWS stores and returns it: defaults filled, fields in AWS's order. */
static json_t *integration_from_request(const json_t *in, const char *resource_id)
{
    static const char *const copied[] = {"type", "httpMethod", "uri", "connectionType",
                                         "connectionId", "credentials", "requestParameters",
                                         "requestTemplates", "passthroughBehavior",
                                         "contentHandling", "timeoutInMillis",
                                         "cacheNamespace", "cacheKeyParameters", "tlsConfig",
                                         "responseTransferMode", NULL};
    json_t *out = json_object();
    for (const char *const *k = copied; *k != NULL; k++) {
        json_t *v = json_object_get(in, *k);
        if (v != NULL && !json_is_null(v))
            json_object_set_new(out, *k, json_deep_copy(v));
    }
    if (json_object_get(out, "connectionType") == NULL && strcmp(jstr(in, "type"), "MOCK") != 0)
        json_object_set_new(out, "connectionType", json_string("INTERNET"));
    if (json_object_get(out, "passthroughBehavior") == NULL)
        json_object_set_new(out, "passthroughBehavior", json_string("WHEN_NO_MATCH"));
    if (json_object_get(out, "timeoutInMillis") == NULL)
        json_object_set_new(out, "timeoutInMillis", json_integer(29000));
    if (json_object_get(out, "cacheNamespace") == NULL)
        json_object_set_new(out, "cacheNamespace", json_string(resource_id));
    if (json_object_get(out, "cacheKeyParameters") == NULL)
        json_object_set_new(out, "cacheKeyParameters", json_array());
    if (json_object_get(out, "responseTransferMode") == NULL)
        json_object_set_new(out, "responseTransferMode", json_string("BUFFERED"));
    return out;
}

json_t *apigw_body(const struct emu_req *r, struct emu_resp *resp)
{
    json_error_t je;
    json_t *in = json_loadb(r->body.data ? r->body.data : "{}", r->body.len ? r->body.len : 2,
                            0, &je);
    if (!json_is_object(in)) {
        json_decref(in);
        emu_error(resp, r, 400, "BadRequestException", "Could not parse request body into json: %s",
                  je.text);
        return NULL;
    }
    return in;
}

static void put_integration(struct emu_server *s, struct emu_req *r, char *const *p,
                            struct emu_resp *resp)
{
    json_t *m = apigw_find_method(s, r, p, resp);
    json_t *in = m ? apigw_body(r, resp) : NULL;
    if (in == NULL)
        return;
    const char *bad = integration_invalid(in);
    if (bad != NULL) {
        emu_error(resp, r, 400, "BadRequestException", "%s", bad);
    } else {
        json_t *integ = integration_from_request(in, p[1]);
        json_object_set_new(m, "methodIntegration", integ);
        emu_resp_json(resp, 201, integ);
    }
    json_decref(in);
}

static void get_integration(struct emu_server *s, struct emu_req *r, char *const *p,
                            struct emu_resp *resp)
{
    json_t *integ = find_integration(s, r, p, resp);
    if (integ != NULL)
        emu_resp_json(resp, 200, integ);
}

static void delete_integration(struct emu_server *s, struct emu_req *r, char *const *p,
                               struct emu_resp *resp)
{
    json_t *m = apigw_find_method(s, r, p, resp);
    if (m != NULL && find_integration(s, r, p, resp) != NULL) {
        json_object_del(m, "methodIntegration");
        emu_resp_text(resp, 204, "", "");
    }
}

/* JSON-pointer segment: "~1" is '/', "~0" is '~'. */
static void unescape_pointer(const char *in, char *out, size_t n)
{
    size_t j = 0;
    for (size_t i = 0; in[i] != '\0' && j + 1 < n; i++) {
        if (in[i] == '~' && in[i + 1] == '1') {
            out[j++] = '/';
            i++;
        } else if (in[i] == '~' && in[i + 1] == '0') {
            out[j++] = '~';
            i++;
        } else {
            out[j++] = in[i];
        }
    }
    out[j] = '\0';
}

/* Applies one patch operation to integ; NULL or the BadRequestException message. */
static const char *apply_patch(json_t *integ, const json_t *op, char *msg, size_t n)
{
    static const char *const scalars[] = {"/uri", "/httpMethod", "/type", "/credentials",
                                          "/passthroughBehavior", "/contentHandling",
                                          "/connectionType", "/connectionId",
                                          "/cacheNamespace", "/timeoutInMillis",
                                          "/responseTransferMode", NULL};
    static const char *const maps[] = {"/requestParameters/", "/requestTemplates/",
                                       "/cacheKeyParameters/", NULL};
    const char *verb = jstr(op, "op"), *path = jstr(op, "path"), *value = jstr(op, "value");
    if (verb == NULL || path == NULL)
        return "Invalid patch operation: op and path are required";
    if (strcmp(verb, "add") != 0 && strcmp(verb, "remove") != 0 && strcmp(verb, "replace") != 0) {
        snprintf(msg, n, "Invalid patch operation specified. Must be one of: [add, remove, "
                         "replace]");
        return msg;
    }
    bool removing = strcmp(verb, "remove") == 0;
    for (const char *const *k = scalars; *k != NULL; k++) {
        if (strcmp(path, *k) != 0)
            continue;
        if (removing) {
            json_object_del(integ, path + 1);
        } else if (value == NULL) {
            snprintf(msg, n, "Invalid null value for patch path %s", path);
            return msg;
        } else if (strcmp(path, "/timeoutInMillis") == 0) {
            char *end = NULL;
            long t = strtol(value, &end, 10);
            if (*value == '\0' || *end != '\0')
                return "Invalid timeout specified";
            json_object_set_new(integ, "timeoutInMillis", json_integer(t));
        } else {
            json_object_set_new(integ, path + 1, json_string(value));
        }
        return NULL;
    }
    for (const char *const *k = maps; *k != NULL; k++) {
        size_t plen = strlen(*k);
        if (strncmp(path, *k, plen) != 0 || path[plen] == '\0')
            continue;
        char field[64], key[512];
        snprintf(field, sizeof field, "%.*s", (int)(plen - 2), *k + 1);
        unescape_pointer(path + plen, key, sizeof key);
        if (strcmp(field, "cacheKeyParameters") == 0) {
            json_t *arr = json_object_get(integ, field);
            if (arr == NULL) {
                arr = json_array();
                json_object_set_new(integ, field, arr);
            }
            size_t i;
            json_t *x;
            json_array_foreach(arr, i, x) {
                if (strcmp(json_string_value(x), key) == 0) {
                    json_array_remove(arr, i);
                    break;
                }
            }
            if (!removing)
                json_array_append_new(arr, json_string(key));
            return NULL;
        }
        json_t *map = json_object_get(integ, field);
        if (removing) {
            if (json_object_del(map, key) != 0) {
                snprintf(msg, n, "Cannot remove %s: it does not exist", key);
                return msg;
            }
            if (json_object_size(map) == 0)
                json_object_del(integ, field);
            return NULL;
        }
        if (value == NULL) {
            snprintf(msg, n, "Invalid null value for patch path %s", path);
            return msg;
        }
        if (map == NULL) {
            map = json_object();
            json_object_set_new(integ, field, map);
        }
        json_object_set_new(map, key, json_string(value));
        return NULL;
    }
    snprintf(msg, n, "Invalid patch path '%s' specified for op '%s'. Must be one of: [/uri, "
                     "/httpMethod, /type, /credentials, /passthroughBehavior, /contentHandling, "
                     "/connectionType, /connectionId, /cacheNamespace, /timeoutInMillis, "
                     "/responseTransferMode, /requestParameters/*, /requestTemplates/*, "
                     "/cacheKeyParameters/*]",
             path, verb);
    return msg;
}

static void update_integration(struct emu_server *s, struct emu_req *r, char *const *p,
                               struct emu_resp *resp)
{
    json_t *m = apigw_find_method(s, r, p, resp);
    json_t *integ = m ? find_integration(s, r, p, resp) : NULL;
    json_t *in = integ ? apigw_body(r, resp) : NULL;
    if (in == NULL)
        return;
    json_t *copy = json_deep_copy(integ), *op;
    const char *bad = NULL;
    char msg[512];
    size_t i;
    json_array_foreach(json_object_get(in, "patchOperations"), i, op) {
        bad = apply_patch(copy, op, msg, sizeof msg);
        if (bad != NULL)
            break;
    }
    if (bad == NULL)
        bad = integration_invalid(copy);
    if (bad != NULL) {
        emu_error(resp, r, 400, "BadRequestException", "%s", bad);
        json_decref(copy);
    } else {
        json_object_set_new(m, "methodIntegration", copy);
        emu_resp_json(resp, 200, copy);
    }
    json_decref(in);
}

/* -------------------------------------------------------------------- table */

#define INTEG "/restapis/*/resources/*/methods/*/integration"

static const struct route routes[] = {
    {.method = "GET", .pattern = "/restapis/*", .operation = "GetRestApi", .fn = get_rest_api},
    {.method = "GET", .pattern = "/restapis/*/resources", .operation = "GetResources",
     .fn = get_resources},
    {.method = "GET", .pattern = "/restapis/*/resources/*", .operation = "GetResource",
     .fn = get_resource},
    {.method = "GET", .pattern = "/restapis/*/resources/*/methods/*", .operation = "GetMethod",
     .fn = get_method},
    {.method = "PUT", .pattern = INTEG, .operation = "PutIntegration", .fn = put_integration},
    {.method = "GET", .pattern = INTEG, .operation = "GetIntegration", .fn = get_integration},
    {.method = "PATCH", .pattern = INTEG, .operation = "UpdateIntegration",
     .fn = update_integration},
    {.method = "DELETE", .pattern = INTEG, .operation = "DeleteIntegration",
     .fn = delete_integration},
};

const struct route_table apigw_route_table = {
    .service = "apigateway",
    .routes = routes,
    .nroutes = sizeof routes / sizeof routes[0],
};
