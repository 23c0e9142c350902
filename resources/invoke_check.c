/* resources/invoke_check.c - data source xacct_invoke_check: proof, from the API account,
 * that API Gateway can call the method's function.
 *
 * Read -> GetMethod (does the method exist, does it use a Lambda authorizer?), then for a
 * method with a Lambda authorizer TestInvokeAuthorizer, then TestInvokeMethod. A test
 * invoke uses the API's current configuration, needs no deployment and calls through the
 * stage "test-invoke-stage", which the integrations' any-stage source ARNs match; AWS does
 * not run a method's authorizer in TestInvokeMethod, so the authorizer's own test invoke
 * proves its permission (the function's region for a cross-region authorizer). A missing
 * statement or a wrong region comes back as status 500 (or the authorizer's 500) with
 * API Gateway's log line ("Invalid permissions on Lambda function"): in a check block,
 * every plan and drift-detection run becomes an end-to-end test.
 * Outputs: status, latency_ms, response_body, log (the lines of API Gateway's execution
 * log that say what happened), authorizer_status.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "aws/apigateway.h"
#include "aws/errors.h"
#include "core/data_source.h"
#include "core/model.h"
#include "resources/caches.h"
#include "resources/execution_log.h"
#include "resources/meta.h"
#include "resources/requests.h"
#include "util/alloc.h"
#include "util/buf.h"

/* One field per attribute of the schema, in its order. */
struct invoke_check_model {
    struct model_int64 authorizer_status;
    struct model_string body;
    struct model_string_map headers;
    struct model_string http_method;
    struct model_int64 latency_ms;
    struct model_string log;
    struct model_string path_with_query_string;
    struct model_string region;
    struct model_string resource_id;
    struct model_string resource_path;
    struct model_string response_body;
    struct model_string rest_api_id;
    struct model_int64 status;
};

/* ---- Schema ------------------------------------------------------------------------ */

static const char *const methods[] = {"ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH",
                                      "POST", "PUT", NULL};

#define F(member) MODEL_FIELD(struct invoke_check_model, member)

static const struct schema_attribute check_attrs[] = {
    {.name = "authorizer_status", .type = &type_number, .flags = ATTR_COMPUTED,
     .field = F(authorizer_status),
     .description = "For a method with a Lambda authorizer, the authorizer's test invoke "
                    "status (200 when it allowed the call); null otherwise."},
    {.name = "body", .type = &type_string, .flags = ATTR_OPTIONAL, .field = F(body),
     .description = "The request body sent with the test invoke."},
    {.name = "headers", .type = &type_map_string, .flags = ATTR_OPTIONAL, .field = F(headers),
     .description = "Request headers, e.g. the authorizer's token "
                    "(`{ Authorization = \"allow\" }`)."},
    {.name = "http_method", .type = &type_string, .flags = ATTR_REQUIRED,
     .validator = {.kind = VALIDATE_ONE_OF, .one_of = methods,
                   .message = "must be one of ANY, DELETE, GET, HEAD, OPTIONS, PATCH, POST, "
                              "PUT"},
     .field = F(http_method), .description = "The method's verb, upper case."},
    {.name = "latency_ms", .type = &type_number, .flags = ATTR_COMPUTED, .field = F(latency_ms),
     .description = "The test invoke's latency as API Gateway measured it."},
    {.name = "log", .type = &type_string, .flags = ATTR_COMPUTED, .field = F(log),
     .description = "The lines of API Gateway's execution log that say what happened (an "
                    "error, the authorizer's result, the status the method completed with)."},
    {.name = "path_with_query_string", .type = &type_string, .flags = ATTR_OPTIONAL,
     .field = F(path_with_query_string),
     .description = "The request's path and query, e.g. `/pets/1?x=y`; the resource's path "
                    "by default."},
    {.name = "region", .type = &type_string, .flags = ATTR_OPTIONAL | ATTR_COMPUTED,
     .field = F(region), .description = "Region of the REST API; the provider's by default."},
    {.name = "resource_id", .type = &type_string, .flags = ATTR_OPTIONAL,
     .field = F(resource_id), .description = "The API resource's id. Give this or `resource_path`."},
    {.name = "resource_path", .type = &type_string, .flags = ATTR_OPTIONAL,
     .validator = {.kind = VALIDATE_REGEX, .pattern = "^/", .message = "must start with \"/\""},
     .field = F(resource_path),
     .description = "The API resource's path, e.g. `/`. Give this or `resource_id`."},
    {.name = "response_body", .type = &type_string, .flags = ATTR_COMPUTED,
     .field = F(response_body), .description = "The body the method answered, or null."},
    {.name = "rest_api_id", .type = &type_string, .flags = ATTR_REQUIRED, .field = F(rest_api_id),
     .description = "ID of the REST API."},
    {.name = "status", .type = &type_number, .flags = ATTR_COMPUTED, .field = F(status),
     .description = "The HTTP status the call got: 200 when API Gateway could call the "
                    "function, 500 with \"Invalid permissions on Lambda function\" in `log` "
                    "when Lambda refused it, the authorizer's status when it refused."},
};

static const struct schema check_schema = {
    .version = 0,
    .block = {
        .attrs = check_attrs,
        .nattrs = sizeof check_attrs / sizeof check_attrs[0],
        .description = "Calls a REST API method with API Gateway's TestInvokeMethod (and its "
                       "Lambda authorizer with TestInvokeAuthorizer) and reports what "
                       "happened. Use the API account's provider, in a `check` block.",
        .model_size = sizeof(struct invoke_check_model),
    },
};

#define NAME(member) MODEL_NAME(&check_schema.block, struct invoke_check_model, member)

/* ---- Conversions ------------------------------------------------------------------- */

/* The execution log's lines worth reading, as the `log` attribute. */
static bool short_log(const char *log, struct model_string *out)
{
    struct xbuf b;
    xbuf_init(&b);
    bool ok = execution_log_summary(log, &b) == XA_OK && model_set_string(out, xbuf_cstr(&b));
    xbuf_cleanup(&b);
    return ok;
}

static const char *api_region(const struct xacct_meta *meta, const struct invoke_check_model *m)
{
    return m->region.value ? m->region.value : (meta ? meta->region : NULL);
}

/* The resource's id: given, or found by path (GetResources, shared per API). */
static char *resource_id(struct xacct_meta *m, const struct invoke_check_model *c,
                         struct diags *d)
{
    if (c->resource_id.value)
        return xa_strdup(c->resource_id.value);
    struct aws_error err;
    aws_error_init(&err);
    char *id = NULL;
    enum xa_status st = caches_api_resource_id(m, api_region(m, c), c->rest_api_id.value,
                                               c->resource_path.value, &id, &err);
    if (st == XA_ENOTFOUND)
        diag_error_attr(d, NAME(resource_path), "API resource not found",
                        "REST API %s has no resource with path \"%s\".", c->rest_api_id.value,
                        c->resource_path.value);
    else if (st != XA_OK)
        meta_aws_diag(d, NAME(resource_path), "Cannot look up the API resource", &err, NULL);
    aws_error_cleanup(&err);
    return id;
}

/* ---- Lifecycle --------------------------------------------------------------------- */

static void check_validate(const void *config, struct diags *d)
{
    const struct invoke_check_model *c = config;
    bool no_id = c->resource_id.state == MODEL_NULL, no_path = c->resource_path.state == MODEL_NULL;
    if (no_id == no_path)
        diag_error_attr(d, NAME(resource_path), no_id ? "Missing API resource"
                                                      : "Conflicting API resource",
                        "Give exactly one of \"resource_id\" or \"resource_path\" (\"/\" is the "
                        "API's top-level resource).");
}

/* TestInvokeAuthorizer when the method uses a Lambda authorizer; false with an error when
 * the call failed. *allowed: the method may be called (no authorizer, or it allowed). */
static bool check_authorizer(struct xacct_meta *m, struct invoke_check_model *s,
                             const struct apigw_test_invoke_req *req,
                             const struct apigw_method *meth, bool *allowed, struct diags *d)
{
    *allowed = true;
    s->authorizer_status = (struct model_int64){.state = MODEL_NULL};
    if (!meth->authorization_type || strcmp(meth->authorization_type, "CUSTOM") != 0 ||
        !meth->authorizer_id)
        return true;
    struct apigw_test_invoke out = {0};
    struct aws_error err;
    aws_error_init(&err);
    enum xa_status st = apigw_test_invoke_authorizer(m->client, api_region(m, s), req,
                                                     meth->authorizer_id, &out, &err);
    bool ok = st == XA_OK;
    if (!ok) {
        meta_aws_diag(d, NULL, "Cannot test the method's authorizer", &err, NULL);
    } else {
        model_set_int64(&s->authorizer_status, out.status);
        *allowed = out.status == 200;
        if (!*allowed) {
            model_set_int64(&s->status, out.status);
            model_set_int64(&s->latency_ms, out.latency_ms);
            model_take_string(&s->response_body, NULL);
            ok = short_log(out.log, &s->log);
        }
    }
    apigw_test_invoke_cleanup(&out);
    aws_error_cleanup(&err);
    return ok;
}

static bool check_read(void *meta, void *state, struct diags *d)
{
    struct xacct_meta *m = meta;
    struct invoke_check_model *s = state;
    struct apigw_method meth = {0};
    struct apigw_test_invoke out = {0};
    struct aws_kv_ref *headers = NULL;
    struct aws_error err;
    char *rid = NULL;
    bool ok = false, allowed = false;
    aws_error_init(&err);
    if (!meta_client(m, "test the method", d) || !(rid = resource_id(m, s, d)))
        goto out;
    struct apigw_test_invoke_req req = {
        .rest_api_id = s->rest_api_id.value, .body = s->body.value,
        .path_with_query_string = s->path_with_query_string.value
                                      ? s->path_with_query_string.value
                                      : s->resource_path.value};
    if (!request_kvs(&s->headers, &headers, &req.nheaders)) {
        diag_error(d, "Cannot test the method", "Out of memory.");
        goto out;
    }
    req.headers = headers;
    const char *region = api_region(m, s), *verb = s->http_method.value;
    enum xa_status st = apigw_get_method(m->client, region, req.rest_api_id, rid, verb, &meth,
                                         &err);
    if (st != XA_OK) {
        meta_aws_diag(d, NULL, "Cannot find the method", &err,
                      aws_error_is(&err, "NotFoundException")
                          ? "Check rest_api_id, the resource and the HTTP method." : NULL);
        goto out;
    }
    if (!check_authorizer(m, s, &req, &meth, &allowed, d))
        goto out;
    if (allowed) {
        aws_error_reset(&err);
        st = apigw_test_invoke_method(m->client, region, &req, rid, verb, &out, &err);
        if (st != XA_OK) {
            meta_aws_diag(d, NULL, "Cannot test the method", &err, NULL);
            goto out;
        }
        model_set_int64(&s->status, out.status);
        model_set_int64(&s->latency_ms, out.latency_ms);
        if (!model_set_string(&s->response_body, out.body) || !short_log(out.log, &s->log))
            goto oom;
    }
    if (!(ok = model_set_string(&s->region, region)))
        goto oom;
    goto out;
oom:
    diag_error(d, "Cannot test the method", "Out of memory.");
out:
    xa_free(rid);
    xa_free(headers);
    apigw_method_cleanup(&meth);
    apigw_test_invoke_cleanup(&out);
    aws_error_cleanup(&err);
    return ok;
}

/* ---- The table --------------------------------------------------------------------- */

const struct data_source_type xacct_invoke_check_type = {
    .name = "xacct_invoke_check",
    .schema = &check_schema,
    .validate = check_validate,
    .read = check_read,
};
