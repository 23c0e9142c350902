/* aws/apigateway_authorizer.c - API Gateway Lambda authorizers of a REST API:
 * CreateAuthorizer, GetAuthorizer, GetAuthorizers (paged), UpdateAuthorizer (patch
 * operations), DeleteAuthorizer. Answers are read with jansson; absent members stay NULL
 * (authorizerResultTtlInSeconds: -1).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aws/apigateway_internal.h"
#include "util/alloc.h"

void apigw_authorizer_cleanup(struct apigw_authorizer *a)
{
    char **strs[] = {&a->id, &a->name, &a->type, &a->authorizer_uri, &a->identity_source,
                     &a->identity_validation_expression, &a->authorizer_credentials};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        xa_free(*strs[i]);
    *a = (struct apigw_authorizer){.ttl_seconds = -1};
}

void apigw_authorizer_list_cleanup(struct apigw_authorizer_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        apigw_authorizer_cleanup(&l->items[i]);
    xa_free(l->items);
    *l = (struct apigw_authorizer_list){0};
}

/* false when memory ran out (out is then partly filled: clean it up). */
static bool read_authorizer(json_t *o, struct apigw_authorizer *out)
{
    bool oom = false;
    out->id = rj_str(&oom, o, "id");
    out->name = rj_str(&oom, o, "name");
    out->type = rj_str(&oom, o, "type");
    out->authorizer_uri = rj_str(&oom, o, "authorizerUri");
    out->identity_source = rj_str(&oom, o, "identitySource");
    out->identity_validation_expression = rj_str(&oom, o, "identityValidationExpression");
    out->authorizer_credentials = rj_str(&oom, o, "authorizerCredentials");
    json_t *ttl = json_object_get(o, "authorizerResultTtlInSeconds");
    out->ttl_seconds = json_is_integer(ttl) && json_integer_value(ttl) >= 0 &&
                               json_integer_value(ttl) < 1000000
                           ? (int)json_integer_value(ttl)
                           : -1;
    return !oom;
}

/* One call answering an authorizer (create, get, update). */
static enum xa_status authorizer_call(struct aws_client *c, const char *region,
                                      const struct rj_request *req,
                                      struct apigw_authorizer *out, struct aws_error *err)
{
    *out = (struct apigw_authorizer){.ttl_seconds = -1};
    json_t *o;
    enum xa_status st = rj_call(c, region, &apigw, req, &o, err);
    if (o) {
        if (!read_authorizer(o, out))
            st = XA_ENOMEM;
        json_decref(o);
    }
    if (st != XA_OK)
        apigw_authorizer_cleanup(out);
    return st;
}

static char *create_body(const struct apigw_authorizer_req *q)
{
    json_t *o = json_object();
    int bad = !o;
    if (!bad) {
        bad |= apigw_json_set_str(o, "name", q->name);
        bad |= apigw_json_set_str(o, "type", q->type);
        bad |= apigw_json_set_str(o, "authorizerUri", q->authorizer_uri);
        bad |= apigw_json_set_str(o, "identitySource", q->identity_source);
        bad |= apigw_json_set_str(o, "identityValidationExpression",
                                  q->identity_validation_expression);
        bad |= apigw_json_set_str(o, "authorizerCredentials", q->authorizer_credentials);
        if (q->ttl_seconds >= 0)
            bad |= json_object_set_new(o, "authorizerResultTtlInSeconds",
                                       json_integer(q->ttl_seconds));
    }
    char *s = bad ? NULL : json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return s;
}

enum xa_status apigw_create_authorizer(struct aws_client *c, const char *region,
                                       const struct apigw_authorizer_req *q,
                                       struct apigw_authorizer *out, struct aws_error *err)
{
    *out = (struct apigw_authorizer){.ttl_seconds = -1};
    char *body = create_body(q);
    if (!body)
        return rj_fail(err, &apigw, "CreateAuthorizer", "cannot encode the request (a value "
                                                        "is not valid UTF-8)");
    const struct rj_request req = {.op = "CreateAuthorizer", .method = "POST",
                                   .path = "/restapis/{}/authorizers", .labels = {q->rest_api_id},
                                   .bad_label = BAD_LABEL, .body = body};
    enum xa_status st = authorizer_call(c, region, &req, out, err);
    free(body);
    return st;
}

enum xa_status apigw_get_authorizer(struct aws_client *c, const char *region,
                                    const char *rest_api_id, const char *authorizer_id,
                                    struct apigw_authorizer *out, struct aws_error *err)
{
    const struct rj_request req = {.op = "GetAuthorizer", .method = "GET",
                                   .path = "/restapis/{}/authorizers/{}",
                                   .labels = {rest_api_id, authorizer_id},
                                   .bad_label = BAD_LABEL};
    return authorizer_call(c, region, &req, out, err);
}

enum xa_status apigw_update_authorizer(struct aws_client *c, const char *region,
                                       const char *rest_api_id, const char *authorizer_id,
                                       const struct apigw_patch_op *ops, size_t nops,
                                       struct apigw_authorizer *out, struct aws_error *err)
{
    *out = (struct apigw_authorizer){.ttl_seconds = -1};
    char *body = apigw_patch_json(ops, nops);
    if (!body)
        return rj_fail(err, &apigw, "UpdateAuthorizer", "cannot encode the patch operations");
    const struct rj_request req = {.op = "UpdateAuthorizer", .method = "PATCH",
                                   .path = "/restapis/{}/authorizers/{}",
                                   .labels = {rest_api_id, authorizer_id},
                                   .bad_label = BAD_LABEL, .body = body};
    enum xa_status st = authorizer_call(c, region, &req, out, err);
    free(body);
    return st;
}

enum xa_status apigw_delete_authorizer(struct aws_client *c, const char *region,
                                       const char *rest_api_id, const char *authorizer_id,
                                       struct aws_error *err)
{
    const struct rj_request req = {.op = "DeleteAuthorizer", .method = "DELETE",
                                   .path = "/restapis/{}/authorizers/{}",
                                   .labels = {rest_api_id, authorizer_id},
                                   .bad_label = BAD_LABEL};
    return rj_call(c, region, &apigw, &req, NULL, err);
}

static enum xa_status read_authorizers_page(json_t *items, void *ctx)
{
    struct apigw_authorizer_list *out = ctx;
    size_t n = json_is_array(items) ? json_array_size(items) : 0, i;
    if (n == 0)
        return XA_OK;
    struct apigw_authorizer *grown = xa_realloc(out->items, (out->count + n) * sizeof *grown);
    if (!grown)
        return XA_ENOMEM;
    out->items = grown;
    bool oom = false;
    json_t *e;
    json_array_foreach(items, i, e) {
        if (!json_is_object(e))
            continue;
        out->items[out->count] = (struct apigw_authorizer){.ttl_seconds = -1};
        oom |= !read_authorizer(e, &out->items[out->count]);
        out->count++;
    }
    return oom ? XA_ENOMEM : XA_OK;
}

enum xa_status apigw_get_authorizers(struct aws_client *c, const char *region,
                                     const char *rest_api_id, struct apigw_authorizer_list *out,
                                     struct aws_error *err)
{
    *out = (struct apigw_authorizer_list){0};
    const struct rj_request req = {
        .op = "GetAuthorizers", .method = "GET", .path = "/restapis/{}/authorizers",
        .labels = {rest_api_id}, .bad_label = BAD_LABEL,
        .query = {{"limit", "500"}, {"position", NULL}},
    };
    enum xa_status st = apigw_paginate(c, region, req, 100, read_authorizers_page, out, err);
    if (st != XA_OK)
        apigw_authorizer_list_cleanup(out);
    return st;
}
