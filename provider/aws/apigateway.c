/* aws/apigateway.c - API Gateway REST API calls: paths, JSON bodies, JSON answers.
 *
 * Every path label is URI-encoded here (ids are [a-z0-9] in practice, but a hostile or
 * mistyped id must not change the path). Answers are parsed with jansson; members that
 * are absent stay NULL, members of an unexpected type are treated as absent.
 */
#include "aws/apigateway.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aws/errors.h"
#include "aws/http.h"
#include "util/alloc.h"

#define JSON_TYPE "application/json"

/* ------------------------------------------------------------------------- JSON helpers */

struct jread {
    bool oom;
};

static char *jdup(struct jread *r, json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        return NULL;
    char *s = xa_strdup(json_string_value(v));
    if (!s)
        r->oom = true;
    return s;
}

static char **jstrv(struct jread *r, json_t *arr, size_t *n)
{
    *n = 0;
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return NULL;
    char **v = xa_calloc(json_array_size(arr), sizeof *v);
    if (!v) {
        r->oom = true;
        return NULL;
    }
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e) {
        if (!json_is_string(e))
            continue;
        if (!(v[*n] = xa_strdup(json_string_value(e))))
            r->oom = true;
        else
            (*n)++;
    }
    return v;
}

static struct aws_kv *jmap(struct jread *r, json_t *obj, size_t *n)
{
    *n = 0;
    if (!json_is_object(obj) || json_object_size(obj) == 0)
        return NULL;
    struct aws_kv *kv = xa_calloc(json_object_size(obj), sizeof *kv);
    if (!kv) {
        r->oom = true;
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
            r->oom = true;
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

static json_t *parse_body(const struct aws_http_response *resp, struct aws_error *err,
                          const char *op)
{
    json_t *o = json_loadb(resp->body.data ? resp->body.data : "", resp->body.len, 0, NULL);
    if (!json_is_object(o)) {
        json_decref(o);
        aws_error_set_operation(err, op);
        aws_error_set_messagef(err, "API Gateway answered HTTP %ld with a body that is not a "
                               "JSON object", resp->status);
        err->http_status = resp->status;
        return NULL;
    }
    return o;
}

/* ------------------------------------------------------------------------- sending */

static enum xa_status path_join(struct xbuf *p, const char *const *labels, const char *const *segs,
                                size_t n)
{
    enum xa_status st = XA_OK;
    for (size_t i = 0; st == XA_OK && i < n; i++) {
        st = xbuf_append_str(p, segs[i]);
        if (st == XA_OK && labels[i]) {
            if (!*labels[i])
                return XA_EINVAL;
            st = aws_http_uri_encode(p, labels[i]);
        }
    }
    return st;
}

static enum xa_status send_request(struct aws_client *c, const char *region, const char *op,
                           const char *method, const char *path, const char *query,
                           const char *body, struct aws_http_response *resp,
                           struct aws_error *err)
{
    struct aws_service_request req = {
        .operation = op, .service = "apigateway", .method = method, .path = path,
        .query = query, .content_type = body ? JSON_TYPE : NULL, .body = body,
        .body_len = body ? strlen(body) : 0,
    };
    return aws_client_send(c, region, &req, resp, err);
}

static enum xa_status bad_label(struct aws_error *err, const char *op)
{
    aws_error_set_operation(err, op);
    aws_error_set_message(err, "an id or method in the request is empty");
    return XA_EINVAL;
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
    struct xbuf path;
    xbuf_init(&path);
    struct aws_http_response resp;
    aws_http_response_init(&resp);
    const char *labels[] = {rest_api_id}, *segs[] = {"/restapis/"};
    enum xa_status st = rest_api_id ? path_join(&path, labels, segs, 1) : XA_EINVAL;
    if (st == XA_EINVAL)
        st = bad_label(err, "API Gateway GetRestApi");
    if (st == XA_OK)
        st = send_request(c, region, "GetRestApi", "GET", xbuf_cstr(&path), NULL, NULL, &resp, err);
    json_t *o = st == XA_OK ? parse_body(&resp, err, "API Gateway GetRestApi") : NULL;
    if (st == XA_OK && !o)
        st = XA_EAWS;
    if (o) {
        struct jread r = {0};
        out->id = jdup(&r, o, "id");
        out->name = jdup(&r, o, "name");
        out->description = jdup(&r, o, "description");
        out->root_resource_id = jdup(&r, o, "rootResourceId");
        out->api_key_source = jdup(&r, o, "apiKeySource");
        out->endpoint_types = jstrv(&r, json_object_get(json_object_get(o, "endpointConfiguration"),
                                                        "types"), &out->nendpoint_types);
        if (r.oom)
            st = XA_ENOMEM;
        json_decref(o);
    }
    if (st != XA_OK)
        apigw_rest_api_cleanup(out);
    aws_http_response_cleanup(&resp);
    xbuf_cleanup(&path);
    return st;
}

/* ------------------------------------------------------------------------- Resources */

void apigw_resource_cleanup(struct apigw_resource *r)
{
    xa_free(r->id);
    xa_free(r->parent_id);
    xa_free(r->path_part);
    xa_free(r->path);
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

static void read_resource(struct jread *r, json_t *o, struct apigw_resource *out)
{
    out->id = jdup(r, o, "id");
    out->parent_id = jdup(r, o, "parentId");
    out->path_part = jdup(r, o, "pathPart");
    out->path = jdup(r, o, "path");
    json_t *m = json_object_get(o, "resourceMethods");
    if (json_is_object(m) && json_object_size(m)) {
        out->methods = xa_calloc(json_object_size(m), sizeof *out->methods);
        if (!out->methods) {
            r->oom = true;
            return;
        }
        const char *k;
        json_t *v;
        json_object_foreach(m, k, v) {
            if (!(out->methods[out->nmethods] = xa_strdup(k)))
                r->oom = true;
            else
                out->nmethods++;
        }
    }
}

enum xa_status apigw_get_resource(struct aws_client *c, const char *region,
                                  const char *rest_api_id, const char *resource_id,
                                  struct apigw_resource *out, struct aws_error *err)
{
    *out = (struct apigw_resource){0};
    struct xbuf path;
    xbuf_init(&path);
    struct aws_http_response resp;
    aws_http_response_init(&resp);
    const char *labels[] = {rest_api_id, resource_id}, *segs[] = {"/restapis/", "/resources/"};
    enum xa_status st = rest_api_id && resource_id ? path_join(&path, labels, segs, 2) : XA_EINVAL;
    if (st == XA_EINVAL)
        st = bad_label(err, "API Gateway GetResource");
    if (st == XA_OK)
        st = send_request(c, region, "GetResource", "GET", xbuf_cstr(&path), NULL, NULL, &resp, err);
    json_t *o = st == XA_OK ? parse_body(&resp, err, "API Gateway GetResource") : NULL;
    if (st == XA_OK && !o)
        st = XA_EAWS;
    if (o) {
        struct jread r = {0};
        read_resource(&r, o, out);
        if (r.oom)
            st = XA_ENOMEM;
        json_decref(o);
    }
    if (st != XA_OK)
        apigw_resource_cleanup(out);
    aws_http_response_cleanup(&resp);
    xbuf_cleanup(&path);
    return st;
}

/* Appends the page's items; *next receives `position` (owned) or NULL. */
static enum xa_status read_page(json_t *o, struct apigw_resource_list *out, char **next)
{
    struct jread r = {0};
    json_t *items = json_object_get(o, "item");
    size_t n = json_is_array(items) ? json_array_size(items) : 0;
    if (n) {
        struct apigw_resource *grown = xa_realloc(out->items, (out->count + n) * sizeof *grown);
        if (!grown)
            return XA_ENOMEM;
        out->items = grown;
        size_t i;
        json_t *e;
        json_array_foreach(items, i, e) {
            if (!json_is_object(e))
                continue;
            out->items[out->count] = (struct apigw_resource){0};
            read_resource(&r, e, &out->items[out->count]);
            out->count++;
        }
    }
    *next = jdup(&r, o, "position");
    return r.oom ? XA_ENOMEM : XA_OK;
}

enum xa_status apigw_get_resources(struct aws_client *c, const char *region,
                                   const char *rest_api_id, struct apigw_resource_list *out,
                                   struct aws_error *err)
{
    *out = (struct apigw_resource_list){0};
    struct xbuf path, query;
    xbuf_init(&path);
    xbuf_init(&query);
    struct aws_http_response resp;
    aws_http_response_init(&resp);
    char *position = NULL;
    const char *labels[] = {rest_api_id, NULL}, *segs[] = {"/restapis/", "/resources"};
    enum xa_status st = rest_api_id ? path_join(&path, labels, segs, 2) : XA_EINVAL;
    if (st == XA_EINVAL)
        st = bad_label(err, "API Gateway GetResources");
    /* A server that keeps answering the same position must not loop us forever. */
    for (int page = 0; st == XA_OK && page < 1000; page++) {
        xbuf_clear(&query);
        st = xbuf_append_str(&query, "limit=500");
        if (st == XA_OK && position) {
            st = xbuf_append_str(&query, "&position=");
            if (st == XA_OK)
                st = aws_http_uri_encode(&query, position);
        }
        if (st == XA_OK)
            st = send_request(c, region, "GetResources", "GET", xbuf_cstr(&path), xbuf_cstr(&query), NULL,
                      &resp, err);
        json_t *o = st == XA_OK ? parse_body(&resp, err, "API Gateway GetResources") : NULL;
        if (st == XA_OK && !o)
            st = XA_EAWS;
        char *next = NULL;
        if (o) {
            st = read_page(o, out, &next);
            json_decref(o);
        }
        bool same = next && position && strcmp(next, position) == 0;
        xa_free(position);
        position = next;
        if (st != XA_OK || !position || !*position || same)
            break;
    }
    if (st != XA_OK)
        apigw_resource_list_cleanup(out);
    xa_free(position);
    aws_http_response_cleanup(&resp);
    xbuf_cleanup(&path);
    xbuf_cleanup(&query);
    return st;
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

enum xa_status apigw_get_method(struct aws_client *c, const char *region,
                                const char *rest_api_id, const char *resource_id,
                                const char *http_method, struct apigw_method *out,
                                struct aws_error *err)
{
    *out = (struct apigw_method){0};
    struct xbuf path;
    xbuf_init(&path);
    struct aws_http_response resp;
    aws_http_response_init(&resp);
    const char *labels[] = {rest_api_id, resource_id, http_method};
    const char *segs[] = {"/restapis/", "/resources/", "/methods/"};
    enum xa_status st = rest_api_id && resource_id && http_method
                            ? path_join(&path, labels, segs, 3) : XA_EINVAL;
    if (st == XA_EINVAL)
        st = bad_label(err, "API Gateway GetMethod");
    if (st == XA_OK)
        st = send_request(c, region, "GetMethod", "GET", xbuf_cstr(&path), NULL, NULL, &resp, err);
    json_t *o = st == XA_OK ? parse_body(&resp, err, "API Gateway GetMethod") : NULL;
    if (st == XA_OK && !o)
        st = XA_EAWS;
    if (o) {
        struct jread r = {0};
        out->http_method = jdup(&r, o, "httpMethod");
        out->authorization_type = jdup(&r, o, "authorizationType");
        out->authorizer_id = jdup(&r, o, "authorizerId");
        out->api_key_required = json_is_true(json_object_get(o, "apiKeyRequired"));
        json_t *mi = json_object_get(o, "methodIntegration");
        if (json_is_object(mi)) {
            out->has_integration = true;
            out->integration_type = jdup(&r, mi, "type");
            out->integration_uri = jdup(&r, mi, "uri");
        }
        if (r.oom)
            st = XA_ENOMEM;
        json_decref(o);
    }
    if (st != XA_OK)
        apigw_method_cleanup(out);
    aws_http_response_cleanup(&resp);
    xbuf_cleanup(&path);
    return st;
}

/* ------------------------------------------------------------------------- Integration */

void apigw_integration_cleanup(struct apigw_integration *i)
{
    char **strs[] = {&i->type, &i->http_method, &i->uri, &i->credentials,
                     &i->passthrough_behavior, &i->content_handling, &i->connection_type,
                     &i->connection_id, &i->cache_namespace};
    for (size_t k = 0; k < sizeof strs / sizeof strs[0]; k++)
        xa_free(*strs[k]);
    free_strv(i->cache_key_parameters, i->ncache_key_parameters);
    free_kv(i->request_parameters, i->nrequest_parameters);
    free_kv(i->request_templates, i->nrequest_templates);
    *i = (struct apigw_integration){0};
}

static enum xa_status read_integration(json_t *o, struct apigw_integration *out)
{
    struct jread r = {0};
    out->type = jdup(&r, o, "type");
    out->http_method = jdup(&r, o, "httpMethod");
    out->uri = jdup(&r, o, "uri");
    out->credentials = jdup(&r, o, "credentials");
    out->passthrough_behavior = jdup(&r, o, "passthroughBehavior");
    out->content_handling = jdup(&r, o, "contentHandling");
    out->connection_type = jdup(&r, o, "connectionType");
    out->connection_id = jdup(&r, o, "connectionId");
    out->cache_namespace = jdup(&r, o, "cacheNamespace");
    out->cache_key_parameters = jstrv(&r, json_object_get(o, "cacheKeyParameters"),
                                      &out->ncache_key_parameters);
    out->request_parameters = jmap(&r, json_object_get(o, "requestParameters"),
                                   &out->nrequest_parameters);
    out->request_templates = jmap(&r, json_object_get(o, "requestTemplates"),
                                  &out->nrequest_templates);
    json_t *t = json_object_get(o, "timeoutInMillis");
    if (json_is_integer(t) && json_integer_value(t) > 0 && json_integer_value(t) < 1000000000)
        out->timeout_in_millis = (int)json_integer_value(t);
    return r.oom ? XA_ENOMEM : XA_OK;
}

static enum xa_status integration_path(const struct apigw_integration_key *k, struct xbuf *path)
{
    if (!k->rest_api_id || !k->resource_id || !k->http_method)
        return XA_EINVAL;
    const char *labels[] = {k->rest_api_id, k->resource_id, k->http_method, NULL};
    const char *segs[] = {"/restapis/", "/resources/", "/methods/", "/integration"};
    return path_join(path, labels, segs, 4);
}

/* Sends one integration call and reads the integration the answer carries (when out). */
static enum xa_status integration_call(struct aws_client *c, const char *region, const char *op,
                                       const char *method, const struct apigw_integration_key *k,
                                       const char *body, struct apigw_integration *out,
                                       struct aws_error *err)
{
    if (out)
        *out = (struct apigw_integration){0};
    struct xbuf path, opname;
    xbuf_init(&path);
    xbuf_init(&opname);
    struct aws_http_response resp;
    aws_http_response_init(&resp);
    enum xa_status st = xbuf_appendf(&opname, "API Gateway %s", op);
    if (st == XA_OK)
        st = integration_path(k, &path);
    if (st == XA_EINVAL)
        st = bad_label(err, xbuf_cstr(&opname));
    if (st == XA_OK)
        st = send_request(c, region, op, method, xbuf_cstr(&path), NULL, body, &resp, err);
    if (st == XA_OK && out) {
        json_t *o = parse_body(&resp, err, xbuf_cstr(&opname));
        st = o ? read_integration(o, out) : XA_EAWS;
        json_decref(o);
        if (st != XA_OK)
            apigw_integration_cleanup(out);
    }
    aws_http_response_cleanup(&resp);
    xbuf_cleanup(&path);
    xbuf_cleanup(&opname);
    return st;
}

static int set_str(json_t *o, const char *key, const char *v)
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
        bad |= set_str(o, "type", q->type);
        bad |= set_str(o, "httpMethod", q->integration_http_method);
        bad |= set_str(o, "uri", q->uri);
        bad |= set_str(o, "credentials", q->credentials);
        bad |= set_str(o, "passthroughBehavior", q->passthrough_behavior);
        bad |= set_str(o, "contentHandling", q->content_handling);
        bad |= set_str(o, "connectionType", q->connection_type);
        bad |= set_str(o, "connectionId", q->connection_id);
        bad |= set_str(o, "cacheNamespace", q->cache_namespace);
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
    if (!req->type) {
        aws_error_set_operation(err, "API Gateway PutIntegration");
        aws_error_set_message(err, "the integration type is required");
        return XA_EINVAL;
    }
    char *body = put_body(req);
    if (!body) {
        aws_error_set_operation(err, "API Gateway PutIntegration");
        aws_error_set_message(err, "cannot encode the request (a value is not valid UTF-8)");
        return XA_EINVAL;
    }
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

enum xa_status apigw_update_integration(struct aws_client *c, const char *region,
                                        const struct apigw_integration_key *key,
                                        const struct apigw_patch_op *ops, size_t nops,
                                        struct apigw_integration *out, struct aws_error *err)
{
    *out = (struct apigw_integration){0};
    json_t *o = json_object(), *a = json_array();
    int bad = !o || !a;
    for (size_t i = 0; !bad && i < nops; i++) {
        json_t *op = json_object();
        bad |= !op || !ops[i].op || !ops[i].path;
        if (!bad) {
            bad |= set_str(op, "op", ops[i].op);
            bad |= set_str(op, "path", ops[i].path);
            bad |= set_str(op, "value", ops[i].value);
        }
        bad |= json_array_append_new(a, op);
    }
    bad |= json_object_set(o, "patchOperations", a);
    char *body = bad ? NULL : json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(a);
    json_decref(o);
    if (!body) {
        aws_error_set_operation(err, "API Gateway UpdateIntegration");
        aws_error_set_message(err, "cannot encode the patch operations (missing op/path or "
                                   "a value that is not valid UTF-8)");
        return XA_EINVAL;
    }
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
