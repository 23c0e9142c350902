/* aws/apigateway_method.c - API Gateway calls on one method beyond its integration:
 * UpdateMethod (who may call it: authorizationType, authorizerId) and the test invokes,
 * TestInvokeMethod and TestInvokeAuthorizer, which let API Gateway call the method or an
 * authorizer with the API's current configuration and report status, body and log.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aws/apigateway_internal.h"
#include "util/alloc.h"

enum xa_status apigw_update_method(struct aws_client *c, const char *region,
                                   const char *rest_api_id, const char *resource_id,
                                   const char *http_method, const struct apigw_patch_op *ops,
                                   size_t nops, struct apigw_method *out, struct aws_error *err)
{
    *out = (struct apigw_method){0};
    char *body = apigw_patch_json(ops, nops);
    if (!body)
        return rj_fail(err, &apigw, "UpdateMethod", "cannot encode the patch operations");
    const struct rj_request req = {.op = "UpdateMethod", .method = "PATCH",
                                   .path = "/restapis/{}/resources/{}/methods/{}",
                                   .labels = {rest_api_id, resource_id, http_method},
                                   .bad_label = BAD_LABEL, .body = body};
    enum xa_status st = apigw_method_call(c, region, &req, out, err);
    free(body);
    return st;
}

void apigw_test_invoke_cleanup(struct apigw_test_invoke *t)
{
    xa_free(t->body);
    xa_free(t->log);
    xa_free(t->principal_id);
    *t = (struct apigw_test_invoke){0};
}

static char *test_body(const struct apigw_test_invoke_req *q)
{
    json_t *o = json_object(), *h = json_object();
    int bad = !o || !h;
    bad |= !bad && apigw_json_set_str(o, "pathWithQueryString", q->path_with_query_string);
    bad |= !bad && apigw_json_set_str(o, "body", q->body);
    for (size_t i = 0; !bad && i < q->nheaders; i++)
        bad |= !q->headers[i].key ||
               apigw_json_set_str(h, q->headers[i].key,
                                  q->headers[i].value ? q->headers[i].value : "");
    if (!bad && q->nheaders)
        bad |= json_object_set(o, "headers", h);
    char *s = bad ? NULL : json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(h);
    json_decref(o);
    return s;
}

/* Sends a test invoke and reads its answer; status_key is "status" or "clientStatus". */
static enum xa_status test_invoke(struct aws_client *c, const char *region,
                                  const struct rj_request *shape,
                                  const struct apigw_test_invoke_req *q, const char *status_key,
                                  struct apigw_test_invoke *out, struct aws_error *err)
{
    *out = (struct apigw_test_invoke){0};
    char *body = test_body(q);
    if (!body)
        return rj_fail(err, &apigw, shape->op, "cannot encode the request (a header or the "
                                               "body is not valid UTF-8)");
    struct rj_request req = *shape;
    req.body = body;
    json_t *o;
    enum xa_status st = rj_call(c, region, &apigw, &req, &o, err);
    if (o) {
        bool oom = false;
        json_t *status = json_object_get(o, status_key), *lat = json_object_get(o, "latency");
        out->status = json_is_integer(status) ? (int)json_integer_value(status) : 0;
        out->latency_ms = json_is_integer(lat) ? (int64_t)json_integer_value(lat) : 0;
        out->body = rj_str(&oom, o, "body");
        out->log = rj_str(&oom, o, "log");
        out->principal_id = rj_str(&oom, o, "principalId");
        st = oom ? XA_ENOMEM : XA_OK;
        json_decref(o);
    }
    if (st != XA_OK)
        apigw_test_invoke_cleanup(out);
    free(body);
    return st;
}

enum xa_status apigw_test_invoke_method(struct aws_client *c, const char *region,
                                        const struct apigw_test_invoke_req *q,
                                        const char *resource_id, const char *http_method,
                                        struct apigw_test_invoke *out, struct aws_error *err)
{
    const struct rj_request shape = {.op = "TestInvokeMethod", .method = "POST",
                                     .path = "/restapis/{}/resources/{}/methods/{}",
                                     .labels = {q->rest_api_id, resource_id, http_method},
                                     .bad_label = BAD_LABEL};
    return test_invoke(c, region, &shape, q, "status", out, err);
}

enum xa_status apigw_test_invoke_authorizer(struct aws_client *c, const char *region,
                                            const struct apigw_test_invoke_req *q,
                                            const char *authorizer_id,
                                            struct apigw_test_invoke *out, struct aws_error *err)
{
    const struct rj_request shape = {.op = "TestInvokeAuthorizer", .method = "POST",
                                     .path = "/restapis/{}/authorizers/{}",
                                     .labels = {q->rest_api_id, authorizer_id},
                                     .bad_label = BAD_LABEL};
    return test_invoke(c, region, &shape, q, "clientStatus", out, err);
}
