/* resources/test_invoke_action.c - action "xacct_test_invoke": API Gateway's
 * TestInvokeMethod on one method, as the console's Test button does, to check a wiring
 * end to end (the method's integration, the function, its permission). Usable with
 * `terraform apply -invoke=action.xacct_test_invoke.NAME` or from an integration's
 * action_trigger after it changes (Terraform 1.14).
 *
 * Invoke: finds the API resource (resource_path -> id, cached per API, as the integration
 * does), reads the method (GetMethod) and says what it integrates with, then calls
 * TestInvokeMethod (API Gateway calls the method with the API's current configuration,
 * not a deployment) and reports the status, latency and the start of the body. A status
 * outside 200-299 fails the run with the body and API Gateway's execution log, unless
 * allow_failure says to report it as a warning.
 */
#include <stdio.h>
#include <string.h>

#include "aws/apigateway.h"
#include "aws/errors.h"
#include "core/action.h"
#include "core/model.h"
#include "resources/caches.h"
#include "resources/execution_log.h"
#include "resources/meta.h"
#include "resources/requests.h"
#include "util/alloc.h"

/* ---- Schema ------------------------------------------------------------------------ */

struct test_invoke_model {
    struct model_bool allow_failure;
    struct model_string body;
    struct model_string_map headers;
    struct model_string http_method;
    struct model_string path_with_query_string;
    struct model_string region;
    struct model_string resource_path;
    struct model_string rest_api_id;
};

#define F(member) MODEL_FIELD(struct test_invoke_model, member)

static const char *const http_methods[] = {"DELETE", "GET", "HEAD", "OPTIONS", "PATCH",
                                           "POST", "PUT", "ANY", NULL};

static const struct schema_attribute test_invoke_attrs[] = {
    {.name = "allow_failure", .type = &type_bool, .flags = ATTR_OPTIONAL,
     .field = F(allow_failure),
     .description = "Report a status outside 200-299 as a warning instead of failing the "
                    "run. Default `false`."},
    {.name = "body", .type = &type_string, .flags = ATTR_OPTIONAL, .field = F(body),
     .description = "The request body."},
    {.name = "headers", .type = &type_map_string, .flags = ATTR_OPTIONAL, .field = F(headers),
     .description = "Request headers."},
    {.name = "http_method", .type = &type_string, .flags = ATTR_REQUIRED,
     .validator = {.kind = VALIDATE_ONE_OF, .one_of = http_methods,
                   .message = "must be one of DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, ANY"},
     .field = F(http_method), .description = "The method's verb, in upper case."},
    {.name = "path_with_query_string", .type = &type_string, .flags = ATTR_OPTIONAL,
     .field = F(path_with_query_string),
     .description = "The path to call, with path parameters filled in and an optional query "
                    "string, e.g. `/pets/7?verbose=1`; the resource's path by default."},
    {.name = "region", .type = &type_string, .flags = ATTR_OPTIONAL, .field = F(region),
     .description = "Region of the REST API; the provider's by default."},
    {.name = "resource_path", .type = &type_string, .flags = ATTR_REQUIRED,
     .validator = {.kind = VALIDATE_REGEX, .pattern = "^/",
                   .message = "must start with \"/\"; \"/\" is the API's top-level resource"},
     .field = F(resource_path), .description = "The API resource's path, e.g. `/` or `/pets/{id}`."},
    {.name = "rest_api_id", .type = &type_string, .flags = ATTR_REQUIRED, .field = F(rest_api_id),
     .description = "ID of the REST API."},
};

static const struct schema test_invoke_schema = {
    .block = {
        .attrs = test_invoke_attrs,
        .nattrs = sizeof test_invoke_attrs / sizeof test_invoke_attrs[0],
        .description = "Calls a method the way the console's Test button does (API Gateway "
                       "TestInvokeMethod) and fails the run unless it answers 2xx. Use the "
                       "API account's provider.",
        .model_size = sizeof(struct test_invoke_model),
    },
};

/* ---- Invoking ------------------------------------------------------------------------- */

static const char *api_region(const struct xacct_meta *m, const struct test_invoke_model *c)
{
    return c->region.value ? c->region.value : m->region;
}

/* The method's resource id and what it integrates with, as progress; NULL + error. */
static char *find_method(struct xacct_meta *m, const struct test_invoke_model *c,
                         struct action_progress *p, struct diags *d)
{
    struct aws_error err;
    struct apigw_method method = {0};
    char *rid = NULL;
    aws_error_init(&err);
    const char *api = c->rest_api_id.value, *path = c->resource_path.value;
    action_report(p, "Finding %s %s of REST API %s in %s", c->http_method.value, path, api,
                  api_region(m, c));
    enum xa_status st = caches_api_resource_id(m, api_region(m, c), api, path, &rid, &err);
    if (st == XA_OK)
        st = apigw_get_method(m->client, api_region(m, c), api, rid, c->http_method.value,
                              &method, &err);
    if (st == XA_ENOTFOUND || (st == XA_EAWS && aws_error_is(&err, "NotFoundException")))
        diag_error(d, "Method not found", "REST API %s has no %s method on \"%s\".", api,
                   c->http_method.value, path);
    else if (st != XA_OK)
        meta_aws_diag(d, NULL, "Cannot read the method", &err, NULL);
    else if (method.integration_type)
        action_report(p, "%s %s integrates with %s%s%s", c->http_method.value, path,
                      method.integration_type, method.integration_uri ? " " : "",
                      method.integration_uri ? method.integration_uri : "");
    else
        action_report(p, "%s %s has no integration", c->http_method.value, path);
    if (st != XA_OK) {
        xa_free(rid);
        rid = NULL;
    }
    apigw_method_cleanup(&method);
    aws_error_cleanup(&err);
    return rid;
}

/* The answer's status as the run's outcome; its body (the start of it) in both. */
static void judge(const struct test_invoke_model *c, const struct apigw_test_invoke *out,
                  struct action_progress *p, struct diags *d)
{
    action_report(p, "%s %s answered %d in %lld ms: %.400s", c->http_method.value,
                  c->resource_path.value, out->status, (long long)out->latency_ms,
                  out->body ? out->body : "(no body)");
    if (out->status >= 200 && out->status <= 299)
        return;
    bool allowed = c->allow_failure.state == MODEL_KNOWN && c->allow_failure.value;
    struct xbuf log;
    xbuf_init(&log);
    /* Out of memory only loses the log's lines, not the failure. */
    execution_log_summary(out->log, &log);
    diag_add(d, allowed ? DIAG_WARNING : DIAG_ERROR, NULL, "Test invocation failed",
             "%s %s of REST API %s answered %d: %.400s%s%s%s", c->http_method.value,
             c->resource_path.value, c->rest_api_id.value, out->status,
             out->body ? out->body : "(no body)", log.len ? "\nAPI Gateway's log:\n" : "",
             xbuf_cstr(&log),
             allowed ? "" : "\nSet allow_failure = true to report this as a warning.");
    xbuf_cleanup(&log);
}

static void test_invoke_invoke(void *meta, const void *config, struct action_progress *p,
                               struct diags *d)
{
    struct xacct_meta *m = meta;
    const struct test_invoke_model *c = config;
    struct apigw_test_invoke out = {0};
    struct aws_error err;
    struct aws_kv_ref *headers = NULL;
    size_t nheaders = 0;
    char *rid = NULL;
    aws_error_init(&err);
    if (!meta_client(m, "test the method", d) || !(rid = find_method(m, c, p, d)))
        goto out;
    if (!request_kvs(&c->headers, &headers, &nheaders)) {
        diag_error(d, "Cannot test the method", "Out of memory.");
        goto out;
    }
    const struct apigw_test_invoke_req req = {
        .rest_api_id = c->rest_api_id.value,
        .path_with_query_string = c->path_with_query_string.value, .body = c->body.value,
        .headers = headers, .nheaders = nheaders,
    };
    action_report(p, "Calling TestInvokeMethod on %s %s", c->http_method.value,
                  c->resource_path.value);
    if (apigw_test_invoke_method(m->client, api_region(m, c), &req, rid, c->http_method.value,
                                 &out, &err) != XA_OK)
        meta_aws_diag(d, NULL, "Cannot test the method", &err, NULL);
    else
        judge(c, &out, p, d);
out:
    apigw_test_invoke_cleanup(&out);
    aws_error_cleanup(&err);
    xa_free(headers);
    xa_free(rid);
}

/* ---- The table --------------------------------------------------------------------- */

const struct action_type xacct_test_invoke_action = {
    .name = "xacct_test_invoke",
    .schema = &test_invoke_schema,
    .invoke = test_invoke_invoke,
};
