/* aws/apigateway.c - API Gateway REST API calls: REST APIs, resources, methods and
 * integrations (authorizers: apigateway_authorizer.c; deployments and stages:
 * apigateway_deploy.c; method authorization and test invokes: apigateway_method.c).
 *
 * Every path label is URI-encoded (by aws/restjson: ids are [a-z0-9] in practice, but a
 * hostile or mistyped id must not change the path). Answers are parsed with jansson;
 * members that are absent stay NULL, members of an unexpected type are treated as absent.
 */
#include "aws/apigateway.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aws/apigateway_internal.h"
#include "aws/restjson.h"
#include "util/alloc.h"

const struct rj_service apigw = {.id = "apigateway", .name = "API Gateway"};

/* ------------------------------------------------------------------------- JSON helpers */

static char **jstrv(bool *oom, json_t *arr, size_t *n)
{
    *n = 0;
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return NULL;
    char **v = xa_calloc(json_array_size(arr), sizeof *v);
    if (!v) {
        *oom = true;
        return NULL;
    }
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e) {
        if (!json_is_string(e))
            continue;
        if (!(v[*n] = xa_strdup(json_string_value(e))))
            *oom = true;
        else
            (*n)++;
    }
    return v;
}

static struct aws_kv *jmap(bool *oom, json_t *obj, size_t *n)
{
    *n = 0;
    if (!json_is_object(obj) || json_object_size(obj) == 0)
        return NULL;
    struct aws_kv *kv = xa_calloc(json_object_size(obj), sizeof *kv);
    if (!kv) {
        *oom = true;
        return NULL;
    }
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        if (!json_is_string(v))
            continue;
        kv[*n].key = xa_strdup(k);
        kv[*n].value = xa_strdup(json_string_value(v));
        if (!kv[*n].key || !kv[*n].value) {
            xa_free(kv[*n].key);
            xa_free(kv[*n].value);
            *oom = true;
        } else {
            (*n)++;
        }
    }
    return kv;
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        xa_free(v[i]);
    xa_free(v);
}

static void free_kv(struct aws_kv *kv, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        xa_free(kv[i].key);
        xa_free(kv[i].value);
    }
    xa_free(kv);
}

/* ------------------------------------------------------------------------- RestApi */

void apigw_rest_api_cleanup(struct apigw_rest_api *a)
{
    xa_free(a->id);
    xa_free(a->name);
    xa_free(a->description);
    xa_free(a->root_resource_id);
    xa_free(a->api_key_source);
    free_strv(a->endpoint_types, a->nendpoint_types);
    *a = (struct apigw_rest_api){0};
}

enum xa_status apigw_get_rest_api(struct aws_client *c, const char *region,
                                  const char *rest_api_id, struct apigw_rest_api *out,
                                  struct aws_error *err)
{
    *out = (struct apigw_rest_api){0};
    const struct rj_request req = {.op = "GetRestApi", .method = "GET", .path = "/restapis/{}",
                                   .labels = {rest_api_id}, .bad_label = BAD_LABEL};
    json_t *o;
    enum xa_status st = rj_call(c, region, &apigw, &req, &o, err);
    if (o) {
        bool oom = false;
        out->id = rj_str(&oom, o, "id");
        out->name = rj_str(&oom, o, "name");
        out->description = rj_str(&oom, o, "description");
        out->root_resource_id = rj_str(&oom, o, "rootResourceId");
        out->api_key_source = rj_str(&oom, o, "apiKeySource");
        json_t *types = json_object_get(json_object_get(o, "endpointConfiguration"), "types");
        out->endpoint_types = jstrv(&oom, types, &out->nendpoint_types);
        if (oom)
            st = XA_ENOMEM;
        json_decref(o);
    }
    if (st != XA_OK)
        apigw_rest_api_cleanup(out);
    return st;
}

/* ------------------------------------------------------------------------- Resources */

void apigw_resource_cleanup(struct apigw_resource *r)
{
    xa_free(r->id);
    xa_free(r->parent_id);
    xa_free(r->path_part);
    xa_free(r->path);
    for (size_t i = 0; r->integrations && i < r->nmethods; i++)
        apigw_integration_cleanup(&r->integrations[i]);
    xa_free(r->integrations);
    free_strv(r->methods, r->nmethods);
    *r = (struct apigw_resource){0};
}

void apigw_resource_list_cleanup(struct apigw_resource_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        apigw_resource_cleanup(&l->items[i]);
    xa_free(l->items);
    *l = (struct apigw_resource_list){0};
}

static enum xa_status read_integration(json_t *o, struct apigw_integration *out);

/* embed: resourceMethods holds whole methods (embed=methods); keep their integrations. */
static void read_resource(bool *oom, json_t *o, bool embed, struct apigw_resource *out)
{
    out->id = rj_str(oom, o, "id");
    out->parent_id = rj_str(oom, o, "parentId");
    out->path_part = rj_str(oom, o, "pathPart");
    out->path = rj_str(oom, o, "path");
    json_t *m = json_object_get(o, "resourceMethods");
    size_t n = json_is_object(m) ? json_object_size(m) : 0;
    if (!n)
        return;
    out->methods = xa_calloc(n, sizeof *out->methods);
    out->integrations = embed ? xa_calloc(n, sizeof *out->integrations) : NULL;
    if (!out->methods || (embed && !out->integrations)) {
        *oom = true;
        return;
    }
    const char *k;
    json_t *v;
    json_object_foreach(m, k, v) {
        json_t *mi = json_object_get(v, "methodIntegration");
        if (embed && json_is_object(mi) &&
            read_integration(mi, &out->integrations[out->nmethods]) != XA_OK)
            *oom = true;
        if (!(out->methods[out->nmethods] = xa_strdup(k))) {
            *oom = true;
            if (embed)
                apigw_integration_cleanup(&out->integrations[out->nmethods]);
        } else {
            out->nmethods++;
        }
    }
}

enum xa_status apigw_get_resource(struct aws_client *c, const char *region,
                                  const char *rest_api_id, const char *resource_id,
                                  struct apigw_resource *out, struct aws_error *err)
{
    *out = (struct apigw_resource){0};
    const struct rj_request req = {.op = "GetResource", .method = "GET",
                                   .path = "/restapis/{}/resources/{}",
                                   .labels = {rest_api_id, resource_id}, .bad_label = BAD_LABEL};
    json_t *o;
    enum xa_status st = rj_call(c, region, &apigw, &req, &o, err);
    if (o) {
        bool oom = false;
        read_resource(&oom, o, false, out);
        if (oom)
            st = XA_ENOMEM;
        json_decref(o);
    }
    if (st != XA_OK)
        apigw_resource_cleanup(out);
    return st;
}

enum xa_status apigw_paginate(struct aws_client *c, const char *region, struct rj_request req,
                              int max_pages, apigw_page_fn on_page, void *ctx,
                              struct aws_error *err)
{
    size_t slot = 0;
    while (slot < RJ_MAX_PARAMS &&
           !(req.query[slot].name && strcmp(req.query[slot].name, "position") == 0))
        slot++;
    if (slot == RJ_MAX_PARAMS)
        return rj_fail(err, &apigw, req.op, "the request has no position parameter to page with");
    char *position = NULL;
    enum xa_status st = XA_OK;
    for (int page = 0; st == XA_OK && page < max_pages; page++) {
        req.query[slot].value = position;
        json_t *o;
        st = rj_call(c, region, &apigw, &req, &o, err);
        if (!o)
            break;
        bool oom = false;
        char *next = rj_str(&oom, o, "position");
        st = oom ? XA_ENOMEM : on_page(json_object_get(o, "item"), ctx);
        json_decref(o);
        /* A server that keeps answering the same position must not loop us forever. */
        bool more = next && *next && !(position && strcmp(next, position) == 0);
        xa_free(position);
        position = next;
        if (!more)
            break;
    }
    xa_free(position);
    return st;
}

struct resources_page {
    struct apigw_resource_list *out;
    bool embed;
};

static enum xa_status read_resources_page(json_t *items, void *ctx)
{
    struct resources_page *pg = ctx;
    struct apigw_resource_list *out = pg->out;
    size_t n = json_is_array(items) ? json_array_size(items) : 0;
    if (n == 0)
        return XA_OK;
    struct apigw_resource *grown = xa_realloc(out->items, (out->count + n) * sizeof *grown);
    if (!grown)
        return XA_ENOMEM;
    out->items = grown;
    bool oom = false;
    size_t i;
    json_t *e;
    json_array_foreach(items, i, e) {
        if (!json_is_object(e))
            continue;
        out->items[out->count] = (struct apigw_resource){0};
        read_resource(&oom, e, pg->embed, &out->items[out->count]);
        out->count++;
    }
    return oom ? XA_ENOMEM : XA_OK;
}

static enum xa_status get_resources(struct aws_client *c, const char *region,
                                    const char *rest_api_id, bool embed,
                                    struct apigw_resource_list *out, struct aws_error *err)
{
    *out = (struct apigw_resource_list){0};
    const struct rj_request req = {
        .op = "GetResources", .method = "GET", .path = "/restapis/{}/resources",
        .labels = {rest_api_id}, .bad_label = BAD_LABEL,
        .query = {{"limit", "500"}, {"position", NULL}, {"embed", embed ? "methods" : NULL}},
    };
    struct resources_page pg = {.out = out, .embed = embed};
    enum xa_status st = apigw_paginate(c, region, req, 1000, read_resources_page, &pg, err);
    if (st != XA_OK)
        apigw_resource_list_cleanup(out);
    return st;
}

enum xa_status apigw_get_resources(struct aws_client *c, const char *region,
                                   const char *rest_api_id, struct apigw_resource_list *out,
                                   struct aws_error *err)
{
    return get_resources(c, region, rest_api_id, false, out, err);
}

enum xa_status apigw_get_resources_with_methods(struct aws_client *c, const char *region,
                                                const char *rest_api_id,
                                                struct apigw_resource_list *out,
                                                struct aws_error *err)
{
    return get_resources(c, region, rest_api_id, true, out, err);
}

const struct apigw_resource *apigw_resource_list_find_path(const struct apigw_resource_list *l,
                                                           const char *path)
{
    for (size_t i = 0; path && i < l->count; i++)
        if (l->items[i].path && strcmp(l->items[i].path, path) == 0)
            return &l->items[i];
    return NULL;
}

/* ------------------------------------------------------------------------- Method */

void apigw_method_cleanup(struct apigw_method *m)
{
    xa_free(m->http_method);
    xa_free(m->authorization_type);
    xa_free(m->authorizer_id);
    xa_free(m->integration_type);
    xa_free(m->integration_uri);
    *m = (struct apigw_method){0};
}

enum xa_status apigw_method_call(struct aws_client *c, const char *region,
                                 const struct rj_request *req, struct apigw_method *out,
                                 struct aws_error *err)
{
    *out = (struct apigw_method){0};
    json_t *o;
    enum xa_status st = rj_call(c, region, &apigw, req, &o, err);
    if (o) {
        bool oom = false;
        out->http_method = rj_str(&oom, o, "httpMethod");
        out->authorization_type = rj_str(&oom, o, "authorizationType");
        out->authorizer_id = rj_str(&oom, o, "authorizerId");
        out->api_key_required = json_is_true(json_object_get(o, "apiKeyRequired"));
        json_t *mi = json_object_get(o, "methodIntegration");
        if (json_is_object(mi)) {
            out->has_integration = true;
            out->integration_type = rj_str(&oom, mi, "type");
            out->integration_uri = rj_str(&oom, mi, "uri");
        }
        if (oom)
            st = XA_ENOMEM;
        json_decref(o);
    }
    if (st != XA_OK)
        apigw_method_cleanup(out);
    return st;
}

enum xa_status apigw_get_method(struct aws_client *c, const char *region,
                                const char *rest_api_id, const char *resource_id,
                                const char *http_method, struct apigw_method *out,
                                struct aws_error *err)
{
    const struct rj_request req = {.op = "GetMethod", .method = "GET",
                                   .path = "/restapis/{}/resources/{}/methods/{}",
                                   .labels = {rest_api_id, resource_id, http_method},
                                   .bad_label = BAD_LABEL};
    return apigw_method_call(c, region, &req, out, err);
}

/* ------------------------------------------------------------------------- Integration */

void apigw_integration_cleanup(struct apigw_integration *i)
{
    char **strs[] = {&i->type, &i->http_method, &i->uri, &i->credentials,
                     &i->passthrough_behavior, &i->content_handling, &i->connection_type,
                     &i->connection_id, &i->cache_namespace, &i->response_transfer_mode};
    for (size_t k = 0; k < sizeof strs / sizeof strs[0]; k++)
        xa_free(*strs[k]);
    free_strv(i->cache_key_parameters, i->ncache_key_parameters);
    free_kv(i->request_parameters, i->nrequest_parameters);
    free_kv(i->request_templates, i->nrequest_templates);
    *i = (struct apigw_integration){0};
}

static enum xa_status read_integration(json_t *o, struct apigw_integration *out)
{
    bool oom = false;
    out->type = rj_str(&oom, o, "type");
    out->http_method = rj_str(&oom, o, "httpMethod");
    out->uri = rj_str(&oom, o, "uri");
    out->credentials = rj_str(&oom, o, "credentials");
    out->passthrough_behavior = rj_str(&oom, o, "passthroughBehavior");
    out->content_handling = rj_str(&oom, o, "contentHandling");
    out->connection_type = rj_str(&oom, o, "connectionType");
    out->connection_id = rj_str(&oom, o, "connectionId");
    out->cache_namespace = rj_str(&oom, o, "cacheNamespace");
    out->response_transfer_mode = rj_str(&oom, o, "responseTransferMode");
    out->cache_key_parameters = jstrv(&oom, json_object_get(o, "cacheKeyParameters"),
                                      &out->ncache_key_parameters);
    out->request_parameters = jmap(&oom, json_object_get(o, "requestParameters"),
                                   &out->nrequest_parameters);
    out->request_templates = jmap(&oom, json_object_get(o, "requestTemplates"),
                                  &out->nrequest_templates);
    json_t *t = json_object_get(o, "timeoutInMillis");
    if (json_is_integer(t) && json_integer_value(t) > 0 && json_integer_value(t) < 1000000000)
        out->timeout_in_millis = (int)json_integer_value(t);
    return oom ? XA_ENOMEM : XA_OK;
}

/* Sends one integration call and reads the integration the answer carries (when out). */
static enum xa_status integration_call(struct aws_client *c, const char *region, const char *op,
                                       const char *method, const struct apigw_integration_key *k,
                                       const char *body, struct apigw_integration *out,
                                       struct aws_error *err)
{
    if (out)
        *out = (struct apigw_integration){0};
    const struct rj_request req = {
        .op = op, .method = method, .path = "/restapis/{}/resources/{}/methods/{}/integration",
        .labels = {k->rest_api_id, k->resource_id, k->http_method}, .bad_label = BAD_LABEL,
        .body = body,
    };
    json_t *o = NULL;
    enum xa_status st = rj_call(c, region, &apigw, &req, out ? &o : NULL, err);
    if (o) {
        st = read_integration(o, out);
        json_decref(o);
    }
    if (st != XA_OK && out)
        apigw_integration_cleanup(out);
    return st;
}

int apigw_json_set_str(json_t *o, const char *key, const char *v)
{
    return v ? json_object_set_new(o, key, json_string(v)) : 0;
}

static json_t *kv_object(const struct aws_kv_ref *kv, size_t n)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < n; i++)
        if (!kv[i].key || json_object_set_new(o, kv[i].key, json_string(kv[i].value ? kv[i].value
                                                                                    : "")) != 0) {
            json_decref(o);
            return NULL;
        }
    return o;
}

static char *put_body(const struct apigw_put_integration_req *q)
{
    json_t *o = json_object();
    int bad = !o;
    if (!bad) {
        bad |= apigw_json_set_str(o, "type", q->type);
        bad |= apigw_json_set_str(o, "httpMethod", q->integration_http_method);
        bad |= apigw_json_set_str(o, "uri", q->uri);
        bad |= apigw_json_set_str(o, "credentials", q->credentials);
        bad |= apigw_json_set_str(o, "passthroughBehavior", q->passthrough_behavior);
        bad |= apigw_json_set_str(o, "contentHandling", q->content_handling);
        bad |= apigw_json_set_str(o, "connectionType", q->connection_type);
        bad |= apigw_json_set_str(o, "connectionId", q->connection_id);
        bad |= apigw_json_set_str(o, "cacheNamespace", q->cache_namespace);
        bad |= apigw_json_set_str(o, "responseTransferMode", q->response_transfer_mode);
        if (q->timeout_in_millis > 0)
            bad |= json_object_set_new(o, "timeoutInMillis", json_integer(q->timeout_in_millis));
        if (q->ncache_key_parameters) {
            json_t *a = json_array();
            for (size_t i = 0; a && i < q->ncache_key_parameters; i++)
                bad |= json_array_append_new(a, json_string(q->cache_key_parameters[i]));
            bad |= json_object_set_new(o, "cacheKeyParameters", a);
        }
        if (q->nrequest_parameters)
            bad |= json_object_set_new(o, "requestParameters",
                                       kv_object(q->request_parameters, q->nrequest_parameters));
        if (q->nrequest_templates)
            bad |= json_object_set_new(o, "requestTemplates",
                                       kv_object(q->request_templates, q->nrequest_templates));
    }
    char *s = bad ? NULL : json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return s;
}

enum xa_status apigw_put_integration(struct aws_client *c, const char *region,
                                     const struct apigw_put_integration_req *req,
                                     struct apigw_integration *out, struct aws_error *err)
{
    *out = (struct apigw_integration){0};
    if (!req->type)
        return rj_fail(err, &apigw, "PutIntegration", "the integration type is required");
    char *body = put_body(req);
    if (!body)
        return rj_fail(err, &apigw, "PutIntegration", "cannot encode the request (a value is "
                                                      "not valid UTF-8)");
    enum xa_status st = integration_call(c, region, "PutIntegration", "PUT", &req->key, body, out,
                                         err);
    free(body);
    return st;
}

enum xa_status apigw_get_integration(struct aws_client *c, const char *region,
                                     const struct apigw_integration_key *key,
                                     struct apigw_integration *out, struct aws_error *err)
{
    return integration_call(c, region, "GetIntegration", "GET", key, NULL, out, err);
}

char *apigw_patch_json(const struct apigw_patch_op *ops, size_t nops)
{
    json_t *o = json_object(), *a = json_array();
    int bad = !o || !a;
    for (size_t i = 0; !bad && i < nops; i++) {
        json_t *op = json_object();
        bad |= !op || !ops[i].op || !ops[i].path;
        if (!bad) {
            bad |= apigw_json_set_str(op, "op", ops[i].op);
            bad |= apigw_json_set_str(op, "path", ops[i].path);
            bad |= apigw_json_set_str(op, "value", ops[i].value);
        }
        bad |= json_array_append_new(a, op);
    }
    bad |= json_object_set(o, "patchOperations", a);
    char *body = bad ? NULL : json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(a);
    json_decref(o);
    return body;
}

enum xa_status apigw_update_integration(struct aws_client *c, const char *region,
                                        const struct apigw_integration_key *key,
                                        const struct apigw_patch_op *ops, size_t nops,
                                        struct apigw_integration *out, struct aws_error *err)
{
    *out = (struct apigw_integration){0};
    char *body = apigw_patch_json(ops, nops);
    if (!body)
        return rj_fail(err, &apigw, "UpdateIntegration", "cannot encode the patch operations "
                                                         "(missing op/path or a value that is "
                                                         "not valid UTF-8)");
    enum xa_status st = integration_call(c, region, "UpdateIntegration", "PATCH", key, body, out,
                                         err);
    free(body);
    return st;
}

enum xa_status apigw_delete_integration(struct aws_client *c, const char *region,
                                        const struct apigw_integration_key *key,
                                        struct aws_error *err)
{
    return integration_call(c, region, "DeleteIntegration", "DELETE", key, NULL, NULL, err);
}
