/* resources/lambda_integration.c - xacct_lambda_integration: an API Gateway REST API
 * method's Lambda integration, managed with the API account's provider.
 *
 * AWS object: the integration of one method (REST API, resource, HTTP verb) whose URI is
 * arn:aws:apigateway:{function region}:lambda:path/2015-03-31/functions/{function ARN}/
 * invocations. The function may live in another account and region.
 * Calls: Create -> PutIntegration (httpMethod POST); Read -> GetIntegration, plus
 * GetResources once per API to map resource_path <-> resource_id (cached per API);
 * Update -> UpdateIntegration patch operations, or PutIntegration when the type changes;
 * Delete -> DeleteIntegration (not found is success). PutIntegration overwrites, so a
 * retried create after a lost answer never duplicates. API Gateway's concurrent
 * modification conflicts (ConflictException) are retried by aws/retry.
 * Plan: invoke_uri, function_account_id, function_region, source_arn, api_account_id and
 * id are computed from known inputs at plan time. source_arn's region follows AWS's rule
 * for Lambda permissions: the function's region (which differs from the API's when they
 * are in different regions).
 * ID and import format: REST-API-ID/RESOURCE-ID/HTTP-METHOD (hashicorp/aws's).
 * Schema version 1; version 0 named invoke_uri "uri". MoveResourceState accepts
 * hashicorp/aws's aws_api_gateway_integration.
 */
/* This file defines the XA_TESTABLE conversions of resources/integration_internal.h. */
#define XA_INTEGRATION_OWNER 1

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/apigateway.h"
#include "aws/arn.h"
#include "aws/errors.h"
#include "core/plan.h"
#include "core/resource.h"
#include "core/schema.h"
#include "core/value.h"
#include "resources/integration_internal.h"
#include "resources/xacct.h"
#include "util/alloc.h"

/* ---- Schema ------------------------------------------------------------------------ */

static const char *const integration_types[] = {"AWS", "AWS_PROXY", NULL};
static const char *const content_handlings[] = {"CONVERT_TO_BINARY", "CONVERT_TO_TEXT", NULL};
static const char *const passthroughs[] = {"NEVER", "WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", NULL};

static void validate_http_method(const char *s, const struct attr_path *path,
                                 struct diags *d)
{
    if (!integration_method_valid(s))
        diag_add(d, DIAG_ERROR, path, "Invalid HTTP method",
                 "\"%s\" is not one of ANY, DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT.", s);
}

#define F_RR (ATTR_REQUIRES_REPLACE)
#define F_KEEP (ATTR_COMPUTED | ATTR_KEEP_STATE_WHEN_UNKNOWN)

static const struct schema_attribute integration_attrs[] = {
    {.name = "api_account_id", .type = &type_string, .flags = ATTR_COMPUTED,
     .description = "Account of the REST API (the provider's account), known at plan time."},
    {.name = "cache_key_parameters", .type = &type_set_string, .flags = ATTR_OPTIONAL,
     .description = "Cache key parameters of the integration."},
    {.name = "cache_namespace", .type = &type_string, .flags = ATTR_OPTIONAL | F_KEEP,
     .description = "Cache namespace; AWS uses the resource id when unset."},
    {.name = "content_handling", .type = &type_string, .flags = ATTR_OPTIONAL,
     .validator = {.kind = VALIDATE_ONE_OF, .one_of = content_handlings,
                   .message = "must be CONVERT_TO_BINARY or CONVERT_TO_TEXT"},
     .description = "How to convert request payloads."},
    {.name = "credentials", .type = &type_string, .flags = ATTR_OPTIONAL,
     .description = "IAM role API Gateway assumes to invoke the function, if any."},
    {.name = "function_account_id", .type = &type_string, .flags = ATTR_COMPUTED,
     .description = "Account of the function, from `function_arn`."},
    {.name = "function_arn", .type = &type_string, .flags = ATTR_REQUIRED,
     .description = "Full ARN of the Lambda function, possibly in another account and region, "
                    "optionally with `:alias` or `:version`. Changes in place."},
    {.name = "function_region", .type = &type_string, .flags = ATTR_COMPUTED,
     .description = "Region of the function, from `function_arn`."},
    {.name = "http_method", .type = &type_string, .flags = ATTR_REQUIRED | F_RR,
     .validator = {.kind = VALIDATE_CUSTOM, .fn = validate_http_method},
     .description = "The method's verb: ANY, DELETE, GET, HEAD, OPTIONS, PATCH, POST or PUT."},
    {.name = "id", .type = &type_string, .flags = F_KEEP,
     .description = "`REST-API-ID/RESOURCE-ID/HTTP-METHOD`."},
    {.name = "invoke_uri", .type = &type_string, .flags = ATTR_COMPUTED,
     .description = "The integration URI API Gateway calls."},
    {.name = "passthrough_behavior", .type = &type_string, .flags = ATTR_OPTIONAL | F_KEEP,
     .validator = {.kind = VALIDATE_ONE_OF, .one_of = passthroughs,
                   .message = "must be WHEN_NO_MATCH, WHEN_NO_TEMPLATES or NEVER"},
     .description = "Pass-through of unmapped request bodies."},
    {.name = "region", .type = &type_string, .flags = ATTR_OPTIONAL | F_KEEP | F_RR,
     .description = "Region of the REST API; the provider's region by default."},
    {.name = "request_parameters", .type = &type_map_string, .flags = ATTR_OPTIONAL,
     .description = "Request parameters mapped to the integration."},
    {.name = "request_templates", .type = &type_map_string, .flags = ATTR_OPTIONAL,
     .description = "Mapping templates by content type."},
    {.name = "resource_id", .type = &type_string, .flags = ATTR_OPTIONAL | F_KEEP | F_RR,
     .description = "The API resource's id. Give this or `resource_path`."},
    {.name = "resource_path", .type = &type_string, .flags = ATTR_OPTIONAL | F_KEEP | F_RR,
     .validator = {.kind = VALIDATE_REGEX, .pattern = "^/",
                   .message = "must start with \"/\"; \"/\" is the API's top-level resource"},
     .description = "The API resource's path, e.g. `/`. Give this or `resource_id`."},
    {.name = "rest_api_id", .type = &type_string, .flags = ATTR_REQUIRED | F_RR,
     .description = "ID of the REST API."},
    {.name = "source_arn", .type = &type_string, .flags = ATTR_COMPUTED,
     .description = "The execute-api ARN to use as the permission's `source_arn` (all stages)."},
    {.name = "timeout_milliseconds", .type = &type_number, .flags = ATTR_OPTIONAL | ATTR_COMPUTED,
     .default_json = "29000",
     .validator = {.kind = VALIDATE_INT_RANGE, .min = 50, .max = 300000,
                   .message = "must be between 50 and 300000 milliseconds"},
     .description = "Integration timeout, 50 to 29000 ms (more with a quota increase)."},
    {.name = "type", .type = &type_string, .flags = ATTR_OPTIONAL | ATTR_COMPUTED,
     .default_json = "\"AWS_PROXY\"",
     .validator = {.kind = VALIDATE_ONE_OF, .one_of = integration_types,
                   .message = "must be AWS_PROXY or AWS"},
     .description = "`AWS_PROXY` (default) or `AWS`."},
};

static const struct schema integration_schema = {
    .version = 1,
    .block = {
        .attrs = integration_attrs,
        .nattrs = sizeof integration_attrs / sizeof integration_attrs[0],
        .description = "Integrates a REST API method with a Lambda function, possibly in "
                       "another account and region. Use the API account's provider.",
    },
};

/* ---- Conversions ------------------------------------------------------------------- */

static const char *const http_methods[] = {"ANY", "DELETE", "GET", "HEAD", "OPTIONS",
                                           "PATCH", "POST", "PUT", NULL};

XA_TESTABLE bool integration_method_valid(const char *s)
{
    for (size_t i = 0; s && http_methods[i]; i++)
        if (strcasecmp(s, http_methods[i]) == 0)
            return true;
    return false;
}

XA_TESTABLE char *integration_method_upper(const char *s)
{
    char *u = xa_strdup(s);
    for (char *p = u; p && *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return u;
}

static bool set_fmt(struct value *obj, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool set_fmt(struct value *obj, const char *name, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return n >= 0 && (size_t)n < sizeof buf && xacct_set_string(obj, name, buf);
}

/* The Lambda function ARN inside an integration URI, copied to fn; false when the URI is
 * not arn:P:apigateway:R:lambda:path/2015-03-31/functions/FUNCTION_ARN/invocations. */
bool integration_uri_function(const char *uri, char *fn, size_t cap)
{
    struct arn_invoke_uri u;
    bool ok = arn_invoke_uri_parse(uri, &u, NULL) == XA_OK && strlen(u.function_arn) < cap;
    if (ok)
        memcpy(fn, u.function_arn, strlen(u.function_arn) + 1);
    arn_invoke_uri_cleanup(&u);
    return ok;
}

/* A resource path as the execute-api ARN matches it: path parameters ("{id}",
 * "{proxy+}") become "*", since the ARN of a call carries the actual path. */
static void arn_path(const char *path, char *out, size_t cap)
{
    size_t o = 0;
    for (const char *p = path[0] == '/' ? path + 1 : path; *p && o + 2 < cap; p++) {
        if (*p == '{' && strchr(p, '}')) {
            out[o++] = '*';
            p = strchr(p, '}');
        } else {
            out[o++] = *p;
        }
    }
    out[o] = '\0';
}

/* Sets attribute name to what a builder appended to b: the string on XA_OK, null when
 * the inputs cannot form one (XA_EINVAL); false on allocation failure. Clears b. */
static bool set_built(struct value *v, const char *name, struct xbuf *b, enum xa_status st)
{
    bool ok = st == XA_EINVAL ? xacct_set_null(v, name)
                              : st == XA_OK && xacct_set_string(v, name, xbuf_cstr(b));
    xbuf_clear(b);
    return ok;
}

/* Fills the values derived from known inputs (invoke_uri, function_account_id,
 * function_region, id, source_arn); derived values of unknown inputs become unknown.
 * Values whose inputs are known are the same at plan, apply and read, so plans are
 * deterministic and apply's results equal the plan. */
XA_TESTABLE bool integration_compute(struct value *v, const char *partition)
{
    bool ok = true;
    struct arn_lambda_function f;
    struct xbuf b;
    xbuf_init(&b);
    arn_lambda_function_init(&f);
    const char *fn = value_attr_string(v, "function_arn");
    enum xa_status st = fn ? arn_lambda_function_parse(fn, &f, NULL) : XA_EINVAL;
    ok &= st != XA_ENOMEM;
    bool fn_ok = st == XA_OK && f.region;
    if (fn_ok) {
        ok &= set_built(v, "invoke_uri", &b, arn_lambda_invoke_uri(f.partition, f.region, fn, &b));
        ok &= xacct_set_string(v, "function_account_id", f.account);
        ok &= xacct_set_string(v, "function_region", f.region);
    } else if (xacct_attr_unknown(v, "function_arn")) {
        ok &= xacct_set_unknown(v, "invoke_uri") && xacct_set_unknown(v, "function_account_id") &&
              xacct_set_unknown(v, "function_region");
    }
    const char *api = value_attr_string(v, "rest_api_id");
    const char *rid = value_attr_string(v, "resource_id");
    const char *path = value_attr_string(v, "resource_path");
    const char *acct = value_attr_string(v, "api_account_id");
    char *method = integration_method_upper(value_attr_string(v, "http_method"));
    if (api && rid && method)
        ok &= set_fmt(v, "id", "%s/%s/%s", api, rid, method);
    else
        ok &= xacct_set_unknown(v, "id");
    char arn_tail[1024] = "";
    if (path)
        arn_path(path, arn_tail, sizeof arn_tail);
    /* The region rule (the function's region across regions) lives in arn.h. */
    if (api && path && method && acct && fn_ok)
        ok &= set_built(v, "source_arn", &b,
                        xacct_execute_api_build(
                            f.partition ? f.partition : (partition ? partition : "aws"),
                            arn_source_arn_region(value_attr_string(v, "region"), f.region),
                            acct, api, strcmp(method, "ANY") == 0 ? NULL : method, arn_tail,
                            &b));
    else if (fn && !fn_ok && api && path && method && acct)
        ok &= xacct_set_null(v, "source_arn");   /* not a Lambda URI: nothing to grant */
    else
        ok &= xacct_set_unknown(v, "source_arn");
    xa_free(method);
    arn_lambda_function_cleanup(&f);
    xbuf_cleanup(&b);
    return ok;
}

XA_TESTABLE void integration_req_init(struct integration_req *r)
{
    memset(r, 0, sizeof *r);
}

XA_TESTABLE void integration_req_cleanup(struct integration_req *r)
{
    xa_free(r->method);
    xa_free(r->rid);
    xa_free(r->ckp);
    xa_free(r->params);
    xa_free(r->templates);
    memset(r, 0, sizeof *r);
}

/* A PutIntegration request for the planned state; strings are borrowed from v. */
XA_TESTABLE bool integration_req_fill(struct integration_req *r, const struct value *v,
                                      const char *resource_id)
{
    int64_t timeout = 0;
    value_attr_int64(v, "timeout_milliseconds", &timeout);
    r->method = integration_method_upper(value_attr_string(v, "http_method"));
    r->rid = xa_strdup(resource_id);
    r->put = (struct apigw_put_integration_req){
        .key = {.rest_api_id = value_attr_string(v, "rest_api_id"), .resource_id = r->rid,
                .http_method = r->method},
        .type = value_attr_string(v, "type"),
        .integration_http_method = "POST",   /* Lambda is always invoked with POST */
        .uri = value_attr_string(v, "invoke_uri"),
        .credentials = value_attr_string(v, "credentials"),
        .passthrough_behavior = value_attr_string(v, "passthrough_behavior"),
        .content_handling = value_attr_string(v, "content_handling"),
        .cache_namespace = value_attr_string(v, "cache_namespace"),
        .timeout_in_millis = (int)timeout,
    };
    bool ok = xacct_string_refs(value_attr(v, "cache_key_parameters"), &r->ckp,
                                &r->put.ncache_key_parameters) &&
              xacct_kv_refs(value_attr(v, "request_parameters"), &r->params,
                            &r->put.nrequest_parameters) &&
              xacct_kv_refs(value_attr(v, "request_templates"), &r->templates,
                            &r->put.nrequest_templates);
    r->put.cache_key_parameters = r->ckp;
    r->put.request_parameters = r->params;
    r->put.request_templates = r->templates;
    return ok && r->method && r->rid;
}

/* A set/map attribute from AWS: empty answers keep the prior's null-vs-empty choice. */
static bool set_string_set(struct value *v, const char *name, char **items, size_t n)
{
    if (n == 0 && value_is_null(value_attr(v, name)))
        return true;
    struct value *s = value_new_collection(&type_set_string);
    for (size_t i = 0; s && i < n; i++)
        if (!value_list_append(s, value_new_string(items[i]))) {
            value_free(s);
            s = NULL;
        }
    return s && value_object_set(v, name, s);
}

static bool set_string_map(struct value *v, const char *name, const struct aws_kv *kv, size_t n)
{
    if (n == 0 && value_is_null(value_attr(v, name)))
        return true;
    struct value *m = value_new_collection(&type_map_string);
    for (size_t i = 0; m && i < n; i++)
        if (!value_map_set(m, kv[i].key, value_new_string(kv[i].value))) {
            value_free(m);
            m = NULL;
        }
    return m && value_object_set(v, name, m);
}

/* Any unknown left in a state is an error for Terraform; null says "not known". */
static bool unknowns_to_null(struct value *v)
{
    const struct type *t = value_type(v);
    bool ok = true;
    for (size_t i = 0; t && i < t->nattrs; i++)
        if (xacct_attr_unknown(v, t->attrs[i].name))
            ok &= xacct_set_null(v, t->attrs[i].name);
    return ok;
}

/* The state after create/update: the plan with its unknowns filled from AWS's answer. */
XA_TESTABLE struct value *integration_state_from_aws(const struct value *planned,
                                                     const struct apigw_integration *out,
                                                     const char *resource_id,
                                                     const struct xacct_meta *m)
{
    struct value *v = value_clone(planned);
    bool ok = v != NULL;
    if (ok && xacct_attr_unknown(v, "resource_id"))
        ok &= xacct_set_string(v, "resource_id", resource_id);
    if (ok && xacct_attr_unknown(v, "cache_namespace"))
        ok &= xacct_set_string(v, "cache_namespace", out->cache_namespace);
    if (ok && xacct_attr_unknown(v, "passthrough_behavior"))
        ok &= xacct_set_string(v, "passthrough_behavior", out->passthrough_behavior);
    if (ok && xacct_attr_unknown(v, "api_account_id"))
        ok &= xacct_set_string(v, "api_account_id", m && m->account_id ? m->account_id : "");
    if (ok && xacct_attr_unknown(v, "region") && m)
        ok &= xacct_set_string(v, "region", m->region);
    ok = ok && integration_compute(v, m ? m->partition : NULL) && unknowns_to_null(v);
    if (!ok) {
        value_free(v);
        v = NULL;
    }
    return v;
}

/* The state as AWS holds it, in the forms the prior state used. */
XA_TESTABLE struct value *integration_state_read(const struct value *state,
                                                 const struct apigw_integration *out,
                                                 const char *resource_id, const char *path,
                                                 const struct xacct_meta *m)
{
    char fn[1024];
    struct value *v = value_clone(state);
    bool ok = v != NULL;
    if (!ok)
        return NULL;
    ok &= xacct_set_string(v, "resource_id", resource_id);
    if (path)
        ok &= xacct_set_string(v, "resource_path", path);
    if (!value_attr_string(v, "region") && m)
        ok &= xacct_set_string(v, "region", m->region);
    if (m && m->account_id && m->account_id[0])
        ok &= xacct_set_string(v, "api_account_id", m->account_id);
    else if (!value_attr_string(v, "api_account_id"))
        ok &= xacct_set_string(v, "api_account_id", "");
    ok &= xacct_set_string(v, "type", out->type);
    /* A URI that is not a Lambda function's is kept whole, so the drift is visible. */
    ok &= xacct_set_string(v, "function_arn",
                           integration_uri_function(out->uri, fn, sizeof fn) ? fn : out->uri);
    ok &= xacct_set_int(v, "timeout_milliseconds",
                        out->timeout_in_millis ? out->timeout_in_millis : 29000);
    ok &= xacct_set_string(v, "credentials", out->credentials);
    ok &= xacct_set_string(v, "content_handling", out->content_handling);
    ok &= xacct_set_string(v, "passthrough_behavior", out->passthrough_behavior);
    ok &= xacct_set_string(v, "cache_namespace", out->cache_namespace);
    ok &= set_string_set(v, "cache_key_parameters", out->cache_key_parameters,
                         out->ncache_key_parameters);
    ok &= set_string_map(v, "request_parameters", out->request_parameters, out->nrequest_parameters);
    ok &= set_string_map(v, "request_templates", out->request_templates, out->nrequest_templates);
    ok = ok && integration_compute(v, m ? m->partition : NULL);
    if (ok && out->uri && !value_attr_string(v, "invoke_uri"))
        ok &= xacct_set_string(v, "invoke_uri", out->uri);
    else if (ok && out->uri && strcmp(value_attr_string(v, "invoke_uri"), out->uri) != 0)
        ok &= xacct_set_string(v, "invoke_uri", out->uri);
    ok = ok && unknowns_to_null(v);
    if (!ok) {
        value_free(v);
        v = NULL;
    }
    return v;
}

/* ---- Conversions: import IDs and AWS lookups ---- */

XA_TESTABLE bool integration_import_id(struct value *state, const char *id)
{
    const char *a = id, *b = a ? strchr(a, '/') : NULL, *c = b ? strchr(b + 1, '/') : NULL;
    if (!c || b == a || c == b + 1 || !c[1] || strchr(c + 1, '/') || !integration_method_valid(c + 1))
        return false;
    char *api = xa_strndup(a, (size_t)(b - a)), *rid = xa_strndup(b + 1, (size_t)(c - b - 1));
    bool ok = api && rid && xacct_set_string(state, "rest_api_id", api) &&
              xacct_set_string(state, "resource_id", rid) &&
              xacct_set_string(state, "http_method", c + 1) && xacct_set_string(state, "id", id);
    xa_free(api);
    xa_free(rid);
    return ok;
}

static struct value *new_state(void)
{
    return value_new_object(schema_implied_type(&integration_schema.block));
}

/* Region of the API: the resource's, else the provider's. */
static const char *api_region(const struct xacct_meta *m, const struct value *v)
{
    const char *r = value_attr_string(v, "region");
    return r ? r : (m ? m->region : NULL);
}

/* Resolves resource_id from resource_path (cached per API) when only the path is known. */
static char *resolve_resource_id(struct xacct_meta *m, const struct value *v, struct diags *d)
{
    const char *rid = value_attr_string(v, "resource_id");
    if (rid)
        return xa_strdup(rid);
    const char *path = value_attr_string(v, "resource_path");
    const char *api = value_attr_string(v, "rest_api_id");
    if (!path || !api) {
        diag_bug(d, "Cannot find the API resource", "Neither resource_id nor resource_path is known.");
        return NULL;
    }
    struct aws_error err;
    aws_error_init(&err);
    char *out = NULL;
    enum xa_status st = xacct_api_resource_id(m, api_region(m, v), api, path, &out, &err);
    if (st == XA_ENOTFOUND)
        diag_error_attr(d, "resource_path", "API resource not found",
                        "REST API %s has no resource with path \"%s\". Create it first "
                        "(aws_api_gateway_resource) or give resource_id.", api, path);
    else if (st != XA_OK)
        xacct_aws_diag(d, "resource_path", "Cannot look up the API resource", &err, NULL);
    aws_error_cleanup(&err);
    return out;
}

/* Adds the error of a failed integration call to d. */
static void integration_diag(struct diags *d, const char *summary, const struct value *v,
                             const struct aws_error *err)
{
    const char *remedy = NULL;
    if (aws_error_is(err, "AccessDeniedException"))
        remedy = "The API account's principal needs apigateway:PUT/PATCH/GET/DELETE on "
                 "arn:aws:apigateway:REGION::/restapis/ID/*; this resource must use the API "
                 "account's provider.";
    else if (aws_error_is(err, "NotFoundException"))
        remedy = "Check rest_api_id, the resource and that the method exists "
                 "(aws_api_gateway_method) before its integration.";
    xacct_aws_diag(d, NULL, summary, err, remedy);
    (void)v;
}

/* ---- Lifecycle --------------------------------------------------------------------- */

static void integration_validate(const struct value *config, struct diags *d)
{
    const struct value *rid = value_attr(config, "resource_id");
    const struct value *rpath = value_attr(config, "resource_path");
    if (value_is_null(rid) && value_is_null(rpath))
        diag_error_attr(d, "resource_path", "Missing API resource",
                        "Give exactly one of \"resource_id\" or \"resource_path\" (\"/\" is the "
                        "API's top-level resource).");
    else if (!value_is_null(rid) && !value_is_null(rpath))
        diag_error_attr(d, "resource_path", "Conflicting API resource",
                        "Give exactly one of \"resource_id\" or \"resource_path\", not both: "
                        "the other is computed.");
    const char *fn = value_attr_string(config, "function_arn");
    struct arn_lambda_function f;
    const char *why = NULL;
    arn_lambda_function_init(&f);
    enum xa_status st = fn ? arn_lambda_function_parse(fn, &f, &why) : XA_OK;
    if (st == XA_OK && fn && !f.region) {
        why = "a name or partial ARN does not say the function's region";
        st = XA_EINVAL;
    }
    if (st == XA_ENOMEM)
        diag_error(d, "Cannot validate the integration", "Out of memory.");
    else if (st != XA_OK)
        diag_error_attr(d, "function_arn", "Invalid function ARN",
                        "\"%s\" is not a full Lambda function ARN: %s. Give the full ARN, e.g. "
                        "\"arn:aws:lambda:us-west-2:222222222222:function:my-function\".",
                        fn, why ? why : "unrecognised form");
    arn_lambda_function_cleanup(&f);
}

static void integration_plan(void *meta, const struct value *prior, const struct value *config,
                             struct value *planned, struct path_list *rr, struct diags *d)
{
    struct xacct_meta *m = meta;
    /* "get" and "GET" are one method: keep the prior spelling, no replacement. */
    const char *pm = value_attr_string(prior, "http_method");
    const char *cm = value_attr_string(config, "http_method");
    if (pm && cm && strcmp(pm, cm) != 0 && strcasecmp(pm, cm) == 0) {
        xacct_set_string(planned, "http_method", pm);
        xacct_path_list_remove(rr, "http_method");
    }
    if (value_is_null(value_attr(config, "region")) && m && m->region) {
        const char *prior_region = value_attr_string(prior, "region");
        xacct_set_string(planned, "region", m->region);
        if (prior_region && strcmp(prior_region, m->region) != 0)
            path_list_add_attr(rr, "region");
    }
    if (m && m->account_id && m->account_id[0])
        xacct_set_string(planned, "api_account_id", m->account_id);
    else if (value_is_null(prior))
        xacct_set_unknown(planned, "api_account_id");
    if (!integration_compute(planned, m ? m->partition : NULL))
        diag_error(d, "Cannot plan the integration", "Out of memory.");
}

static struct value *integration_create(void *meta, const struct value *planned,
                                        const struct value *config, struct diags *d)
{
    struct xacct_meta *m = meta;
    struct value *state = NULL;
    struct apigw_integration out = {0};
    struct integration_req req;
    struct aws_error err;
    aws_error_init(&err);
    integration_req_init(&req);
    if (!xacct_client(m, "create the integration", d))
        goto out;
    char *rid = resolve_resource_id(m, planned, d);
    if (!rid)
        goto out;
    if (!integration_req_fill(&req, planned, rid)) {
        xa_free(rid);
        diag_error(d, "Cannot create the integration", "Out of memory.");
        goto out;
    }
    xa_free(rid);
    if (apigw_put_integration(m->client, api_region(m, planned), &req.put, &out, &err) != XA_OK) {
        integration_diag(d, "Cannot create the API Gateway integration", planned, &err);
        goto out;
    }
    /* The path is part of source_arn: learn it now when only resource_id was given. */
    char *path = NULL;
    if (!value_attr_string(planned, "resource_path") &&
        xacct_api_resource_path(m, api_region(m, planned), req.put.key.rest_api_id,
                                req.put.key.resource_id, &path, &err) != XA_OK)
        xacct_aws_diag(d, "resource_id", "Cannot read the API resource's path", &err,
                       "The integration was created and is recorded in the state.");
    struct value *filled = value_clone(planned);
    if (filled && path)
        xacct_set_string(filled, "resource_path", path);
    xa_free(path);
    state = filled ? integration_state_from_aws(filled, &out, req.put.key.resource_id, m) : NULL;
    value_free(filled);
    if (!state)
        diag_error(d, "Cannot record the integration",
                   "Out of memory after the integration was created; it exists in AWS and "
                   "will be adopted by the next apply.");
out:
    integration_req_cleanup(&req);
    apigw_integration_cleanup(&out);
    aws_error_cleanup(&err);
    return state;
}

static struct value *integration_read(void *meta, const struct value *state, struct diags *d)
{
    struct xacct_meta *m = meta;
    struct value *next = NULL;
    struct apigw_integration out = {0};
    struct aws_error err;
    char *rid = NULL, *path = NULL, *method = NULL;
    aws_error_init(&err);
    if (!xacct_client(m, "read the integration", d))
        goto out;
    if (!(rid = resolve_resource_id(m, state, d)) ||
        !(method = integration_method_upper(value_attr_string(state, "http_method"))))
        goto out;
    const char *api = value_attr_string(state, "rest_api_id");
    const struct apigw_integration_key key = {.rest_api_id = api, .resource_id = rid,
                                              .http_method = method};
    enum xa_status st = apigw_get_integration(m->client, api_region(m, state), &key, &out, &err);
    if (st == XA_EAWS && aws_error_is(&err, "NotFoundException"))
        goto out;   /* gone: null state, Terraform plans to create it again */
    if (st != XA_OK) {
        integration_diag(d, "Cannot read the API Gateway integration", state, &err);
        goto out;
    }
    if (!value_attr_string(state, "resource_path")) {
        st = xacct_api_resource_path(m, api_region(m, state), api, rid, &path, &err);
        if (st != XA_OK && st != XA_ENOTFOUND) {
            integration_diag(d, "Cannot read the API resource's path", state, &err);
            goto out;
        }
    }
    next = integration_state_read(state, &out, rid, path, m);
    if (!next)
        diag_error(d, "Cannot read the API Gateway integration", "Out of memory.");
out:
    xa_free(rid);
    xa_free(path);
    xa_free(method);
    apigw_integration_cleanup(&out);
    aws_error_cleanup(&err);
    return next;
}

static struct value *integration_update(void *meta, const struct value *prior,
                                        const struct value *planned, const struct value *config,
                                        struct diags *d)
{
    struct xacct_meta *m = meta;
    struct value *state = NULL;
    struct apigw_integration out = {0};
    struct integration_req req;
    struct integration_patch patch;
    struct aws_error err;
    enum xa_status st;
    aws_error_init(&err);
    integration_req_init(&req);
    integration_patch_init(&patch);
    if (!xacct_client(m, "update the integration", d))
        goto out;
    const char *rid = value_attr_string(prior, "resource_id");
    if (!rid || !integration_req_fill(&req, planned, rid) ||
        !integration_patch_build(&patch, prior, planned)) {
        diag_error(d, "Cannot update the integration", "Out of memory or missing resource_id.");
        goto out;
    }
    if (patch.needs_put) {
        /* The type cannot be patched: PutIntegration replaces the integration as a whole. */
        st = apigw_put_integration(m->client, api_region(m, planned), &req.put, &out, &err);
    } else if (patch.nops > 0) {
        st = apigw_update_integration(m->client, api_region(m, planned), &req.put.key, patch.ops,
                                      patch.nops, &out, &err);
    } else {
        st = apigw_get_integration(m->client, api_region(m, planned), &req.put.key, &out, &err);
    }
    if (st != XA_OK) {
        integration_diag(d, "Cannot update the API Gateway integration", planned, &err);
        state = value_clone(prior);
        goto out;
    }
    state = integration_state_from_aws(planned, &out, rid, m);
    if (!state)
        diag_error(d, "Cannot record the integration", "Out of memory.");
out:
    integration_patch_cleanup(&patch);
    integration_req_cleanup(&req);
    apigw_integration_cleanup(&out);
    aws_error_cleanup(&err);
    return state;
}

static void integration_delete(void *meta, const struct value *prior, struct diags *d)
{
    struct xacct_meta *m = meta;
    struct aws_error err;
    aws_error_init(&err);
    char *method = integration_method_upper(value_attr_string(prior, "http_method"));
    const struct apigw_integration_key key = {
        .rest_api_id = value_attr_string(prior, "rest_api_id"),
        .resource_id = value_attr_string(prior, "resource_id"),
        .http_method = method,
    };
    if (xacct_client(m, "delete the integration", d) && method) {
        enum xa_status st = apigw_delete_integration(m->client, api_region(m, prior), &key, &err);
        if (st != XA_OK && !(st == XA_EAWS && aws_error_is(&err, "NotFoundException")))
            integration_diag(d, "Cannot delete the API Gateway integration", prior, &err);
    }
    xa_free(method);
    aws_error_cleanup(&err);
}

static struct value *integration_import(void *meta, const char *id, struct diags *d)
{
    struct value *state = new_state();
    if (!state || !integration_import_id(state, id)) {
        diag_error(d, "Invalid import ID",
                   "\"%s\" is not an integration ID. Expected REST-API-ID/RESOURCE-ID/HTTP-METHOD, "
                   "e.g. \"a1b2c3d4e5/x9y8z7/GET\".", id ? id : "");
        value_free(state);
        return NULL;
    }
    return state;
}

static struct value *integration_upgrade(int64_t version, const char *json, size_t len,
                                         struct diags *d)
{
    return integration_upgrade_json(&integration_schema.block, version, json, len, d);
}

static struct value *integration_move(const char *source_provider, const char *source_type,
                                      int64_t source_version, const char *json, size_t len,
                                      struct diags *d)
{
    return integration_move_json(&integration_schema.block, source_provider, source_type, json,
                                 len, d);
}

/* ---- The table --------------------------------------------------------------------- */

const struct resource_type xacct_lambda_integration_type = {
    .name = "xacct_lambda_integration",
    .schema = &integration_schema,
    .validate = integration_validate,
    .plan = integration_plan,
    .create = integration_create,
    .read = integration_read,
    .update = integration_update,
    .delete_ = integration_delete,
    .import = integration_import,
    .upgrade = integration_upgrade,
    .move = integration_move,
};
