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
 * retried create after a lost answer never duplicates; a create whose last answer is lost
 * returns the planned object with its id and the error, so that Terraform keeps it as
 * tainted and deletes it on the next apply. API Gateway's concurrent modification
 * conflicts (ConflictException) are retried by aws/retry.
 * Plan: invoke_uri, function_account_id, function_region, source_arn, api_account_id and
 * id are computed from known inputs at plan time. source_arn names the API's region (an
 * execute-api ARN names the API; only a cross-region authorizer's names the function's,
 * see aws/arn.h), invoke_uri the function's.
 * ID and import format: REST-API-ID/RESOURCE-ID/HTTP-METHOD (hashicorp/aws's). Identity:
 * hashicorp/aws's attributes (account_id, region, rest_api_id, resource_id, http_method in
 * upper case), a table core derives from; integration_list.c lists integrations.
 * Schema version 1; version 0 named invoke_uri "uri". MoveResourceState accepts
 * hashicorp/aws's aws_api_gateway_integration (both in integration_migrate.c).
 * Values: the typed model struct integration_model (integration_internal.h); "get" and
 * "GET" are one method (the schema's equivalence, applied by core).
 */
/* This file defines the XA_TESTABLE conversions of resources/integration_internal.h. */
#define XA_INTEGRATION_OWNER 1

#include <string.h>
#include <strings.h>

#include "aws/apigateway.h"
#include "aws/arn.h"
#include "aws/errors.h"
#include "core/equivalence.h"
#include "core/identity.h"
#include "core/model.h"
#include "core/resource.h"
#include "resources/caches.h"
#include "resources/function_arn.h"
#include "resources/integration_internal.h"
#include "resources/requests.h"
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
#define F(member) MODEL_FIELD(struct integration_model, member)

static const char *const transfer_modes[] = {"BUFFERED", "STREAM", NULL};

static const struct schema_attribute integration_attrs[] = {
    {.name = "api_account_id", .type = &type_string, .flags = ATTR_COMPUTED,
     .field = F(api_account_id),
     .description = "Account of the REST API (the provider's account), known at plan time."},
    {.name = "api_source_arn", .type = &type_string, .flags = ATTR_COMPUTED,
     .field = F(api_source_arn),
     .description = "The execute-api ARN of the whole API (every stage, method and path, "
                    "`arn:aws:execute-api:REGION:ACCOUNT:API/*`): one permission per API "
                    "instead of one per method keeps the function's 20 KB policy small."},
    {.name = "authorizer_id", .type = &type_string, .flags = ATTR_OPTIONAL,
     .field = F(authorizer_id),
     .description = "A Lambda authorizer of the API (`xacct_lambda_authorizer.id`) for this "
                    "method: sets the method's authorizationType to CUSTOM and its "
                    "authorizerId; removing it puts back what the method had before."},
    {.name = "cache_key_parameters", .type = &type_set_string, .flags = ATTR_OPTIONAL,
     .field = F(cache_key_parameters),
     .description = "Cache key parameters of the integration."},
    {.name = "cache_namespace", .type = &type_string, .flags = ATTR_OPTIONAL | F_KEEP,
     .field = F(cache_namespace),
     .description = "Cache namespace; AWS uses the resource id when unset."},
    {.name = "content_handling", .type = &type_string, .flags = ATTR_OPTIONAL,
     .validator = {.kind = VALIDATE_ONE_OF, .one_of = content_handlings,
                   .message = "must be CONVERT_TO_BINARY or CONVERT_TO_TEXT"},
     .field = F(content_handling),
     .description = "How to convert request payloads."},
    {.name = "credentials", .type = &type_string, .flags = ATTR_OPTIONAL,
     .field = F(credentials),
     .description = "IAM role API Gateway assumes to invoke the function, if any."},
    {.name = "function_account_id", .type = &type_string, .flags = ATTR_COMPUTED,
     .field = F(function_account_id),
     .description = "Account of the function, from `function_arn`."},
    {.name = "function_arn", .type = &type_string, .flags = ATTR_REQUIRED,
     .field = F(function_arn),
     .description = "Full ARN of the Lambda function, possibly in another account and region, "
                    "optionally with `:alias` or `:version`. Changes in place."},
    {.name = "function_region", .type = &type_string, .flags = ATTR_COMPUTED,
     .field = F(function_region),
     .description = "Region of the function, from `function_arn`."},
    {.name = "http_method", .type = &type_string, .flags = ATTR_REQUIRED | F_RR,
     .validator = {.kind = VALIDATE_CUSTOM, .fn = validate_http_method},
     .equivalent = equivalence_case_insensitive, .field = F(http_method),
     .description = "The method's verb: ANY, DELETE, GET, HEAD, OPTIONS, PATCH, POST or PUT."},
    {.name = "id", .type = &type_string, .flags = F_KEEP, .field = F(id),
     .description = "`REST-API-ID/RESOURCE-ID/HTTP-METHOD`."},
    {.name = "invoke_uri", .type = &type_string, .flags = ATTR_COMPUTED, .field = F(invoke_uri),
     .description = "The integration URI API Gateway calls."},
    {.name = "passthrough_behavior", .type = &type_string, .flags = ATTR_OPTIONAL | F_KEEP,
     .validator = {.kind = VALIDATE_ONE_OF, .one_of = passthroughs,
                   .message = "must be WHEN_NO_MATCH, WHEN_NO_TEMPLATES or NEVER"},
     .field = F(passthrough_behavior),
     .description = "Pass-through of unmapped request bodies."},
    {.name = "previous_authorization", .type = &type_string, .flags = F_KEEP,
     .field = F(previous_authorization),
     .description = "The method's authorization before `authorizer_id` set it (`NONE`, "
                    "`AWS_IAM` or `TYPE/AUTHORIZER-ID`), put back when `authorizer_id` is "
                    "removed or the integration destroyed; null when never set."},
    {.name = "region", .type = &type_string, .flags = ATTR_OPTIONAL | F_KEEP | F_RR,
     .field = F(region),
     .description = "Region of the REST API; the provider's region by default."},
    {.name = "request_parameters", .type = &type_map_string, .flags = ATTR_OPTIONAL,
     .field = F(request_parameters),
     .description = "Request parameters mapped to the integration."},
    {.name = "request_templates", .type = &type_map_string, .flags = ATTR_OPTIONAL,
     .field = F(request_templates),
     .description = "Mapping templates by content type."},
    {.name = "resource_id", .type = &type_string, .flags = ATTR_OPTIONAL | F_KEEP | F_RR,
     .field = F(resource_id),
     .description = "The API resource's id. Give this or `resource_path`."},
    {.name = "resource_path", .type = &type_string,
     .flags = ATTR_OPTIONAL | F_KEEP | F_RR | ATTR_GENERATED,
     .validator = {.kind = VALIDATE_REGEX, .pattern = "^/",
                   .message = "must start with \"/\"; \"/\" is the API's top-level resource"},
     .field = F(resource_path),
     .description = "The API resource's path, e.g. `/`. Give this or `resource_id`."},
    {.name = "response_transfer_mode", .type = &type_string,
     .flags = ATTR_OPTIONAL | ATTR_COMPUTED, .default_json = "\"BUFFERED\"",
     .validator = {.kind = VALIDATE_ONE_OF, .one_of = transfer_modes,
                   .message = "must be BUFFERED or STREAM"},
     .field = F(response_transfer_mode),
     .description = "`BUFFERED` (default) or `STREAM`: Lambda response streaming, through the "
                    "`.../2021-11-15/functions/ARN/response-streaming-invocations` URI."},
    {.name = "rest_api_id", .type = &type_string, .flags = ATTR_REQUIRED | F_RR,
     .field = F(rest_api_id),
     .description = "ID of the REST API."},
    {.name = "source_arn", .type = &type_string, .flags = ATTR_COMPUTED, .field = F(source_arn),
     .description = "The execute-api ARN to use as the permission's `source_arn` (all stages)."},
    {.name = "timeout_milliseconds", .type = &type_number, .flags = ATTR_OPTIONAL | ATTR_COMPUTED,
     .default_json = "29000",
     .validator = {.kind = VALIDATE_INT_RANGE, .min = 50, .max = 900000,
                   .message = "must be between 50 and 900000 milliseconds"},
     .field = F(timeout_milliseconds),
     .description = "Integration timeout: 50 to 29000 ms by default, up to 300000 with a "
                    "quota increase, up to 900000 with `response_transfer_mode = \"STREAM\"`."},
    {.name = "type", .type = &type_string, .flags = ATTR_OPTIONAL | ATTR_COMPUTED,
     .default_json = "\"AWS_PROXY\"",
     .validator = {.kind = VALIDATE_ONE_OF, .one_of = integration_types,
                   .message = "must be AWS_PROXY or AWS"},
     .field = F(type),
     .description = "`AWS_PROXY` (default) or `AWS`."},
};

static const struct schema integration_schema = {
    .version = 1,
    .block = {
        .attrs = integration_attrs,
        .nattrs = sizeof integration_attrs / sizeof integration_attrs[0],
        .description = "Integrates a REST API method with a Lambda function, possibly in "
                       "another account and region. Use the API account's provider.",
        .model_size = sizeof(struct integration_model),
    },
};

/* The attribute name of a model member, for diagnostics and requires_replace. */
#define NAME(member) MODEL_NAME(&integration_schema.block, struct integration_model, member)

/* ---- Identity ---------------------------------------------------------------------- */

/* hashicorp/aws's identity of aws_api_gateway_integration (its attribute names and its
 * required_for_import choices), derived by core from these rows (core/identity.h). */
static const struct identity_attribute integration_identity_attrs[] = {
    {.name = "account_id", .value = identity_account,
     .description = "Account of the REST API: the provider's."},
    {.name = "http_method", .required_for_import = true, .field = F(http_method),
     .value = identity_upper, .description = "The method's verb, in upper case."},
    {.name = "region", .field = F(region), .value = identity_region,
     .description = "Region of the REST API; the provider's by default."},
    {.name = "resource_id", .required_for_import = true, .field = F(resource_id),
     .description = "The API resource's id."},
    {.name = "rest_api_id", .required_for_import = true, .field = F(rest_api_id),
     .description = "ID of the REST API."},
};

static const struct identity_schema integration_identity = {
    .version = 0,
    .attrs = integration_identity_attrs,
    .nattrs = sizeof integration_identity_attrs / sizeof integration_identity_attrs[0],
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

/* Sets f to what a builder appended to b: the string on XA_OK, null when the inputs
 * cannot form one (XA_EINVAL); false on allocation failure. Clears b. */
static bool set_built(struct model_string *f, struct xbuf *b, enum xa_status st)
{
    bool ok = st == XA_EINVAL || (st == XA_OK && model_set_string(f, xbuf_cstr(b)));
    if (st == XA_EINVAL)
        model_take_string(f, NULL);
    xbuf_clear(b);
    return ok;
}

/* Fills the values derived from known inputs (invoke_uri, function_account_id,
 * function_region, id, source_arn); derived values of unknown inputs become unknown.
 * Values whose inputs are known are the same at plan, apply and read, so plans are
 * deterministic and apply's results equal the plan. */
XA_TESTABLE bool integration_compute(struct integration_model *m, const char *partition)
{
    bool ok = true;
    struct arn_lambda_function f;
    struct xbuf b;
    xbuf_init(&b);
    arn_lambda_function_init(&f);
    const char *fn = m->function_arn.value;
    enum xa_status st = fn ? arn_lambda_function_parse(fn, &f, NULL) : XA_EINVAL;
    ok &= st != XA_ENOMEM;
    bool fn_ok = st == XA_OK && f.region;
    const char *mode = m->response_transfer_mode.value;
    if (m->response_transfer_mode.state == MODEL_UNKNOWN)
        model_set_unknown(&m->invoke_uri);
    else if (fn_ok || m->function_arn.state == MODEL_UNKNOWN)
        ok &= function_arn_invoke_uri(&m->function_arn, mode && strcmp(mode, "STREAM") == 0,
                                      &m->invoke_uri);
    if (fn_ok) {
        ok &= model_set_string(&m->function_account_id, f.account);
        ok &= model_set_string(&m->function_region, f.region);
    } else if (m->function_arn.state == MODEL_UNKNOWN) {
        model_set_unknown(&m->function_account_id);
        model_set_unknown(&m->function_region);
    }
    const char *api = m->rest_api_id.value, *rid = m->resource_id.value;
    const char *path = m->resource_path.value, *acct = m->api_account_id.value;
    char *method = integration_method_upper(m->http_method.value);
    if (api && rid && method)
        ok &= model_set_stringf(&m->id, "%s/%s/%s", api, rid, method);
    else
        model_set_unknown(&m->id);
    /* The region rule (a method's calls name the API's region) lives in arn.h. */
    if (api && path && method && acct && fn_ok)
        ok &= set_built(&m->source_arn, &b,
                        arn_integration_source_arn(
                            f.partition ? f.partition : (partition ? partition : "aws"),
                            arn_source_arn_region(ARN_SOURCE_METHOD, m->region.value, f.region),
                            acct, api, method, path, &b));
    else if (fn && !fn_ok && api && path && method && acct)
        model_take_string(&m->source_arn, NULL);   /* not a Lambda URI: nothing to grant */
    else
        model_set_unknown(&m->source_arn);
    if (api && acct && m->region.value)
        ok &= set_built(&m->api_source_arn, &b,
                        arn_api_source_arn(f.partition ? f.partition
                                                       : (partition ? partition : "aws"),
                                           m->region.value, acct, api, &b));
    else
        model_set_unknown(&m->api_source_arn);
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

/* A PutIntegration request for the planned state; strings are borrowed from m. */
XA_TESTABLE bool integration_req_fill(struct integration_req *r, const struct integration_model *m,
                                      const char *resource_id)
{
    r->method = integration_method_upper(m->http_method.value);
    r->rid = xa_strdup(resource_id);
    r->put = (struct apigw_put_integration_req){
        .key = {.rest_api_id = m->rest_api_id.value, .resource_id = r->rid,
                .http_method = r->method},
        .type = m->type.value,
        .integration_http_method = "POST",   /* Lambda is always invoked with POST */
        .uri = m->invoke_uri.value,
        .credentials = m->credentials.value,
        .passthrough_behavior = m->passthrough_behavior.value,
        .content_handling = m->content_handling.value,
        .cache_namespace = m->cache_namespace.value,
        .timeout_in_millis = (int)m->timeout_milliseconds.value,
        .response_transfer_mode = m->response_transfer_mode.value,
    };
    bool ok = request_strings(&m->cache_key_parameters, &r->ckp, &r->put.ncache_key_parameters) &&
              request_kvs(&m->request_parameters, &r->params, &r->put.nrequest_parameters) &&
              request_kvs(&m->request_templates, &r->templates, &r->put.nrequest_templates);
    r->put.cache_key_parameters = r->ckp;
    r->put.request_parameters = r->params;
    r->put.request_templates = r->templates;
    return ok && r->method && r->rid;
}

/* A set/map attribute from AWS: empty answers keep the prior's null-vs-empty choice. */
static bool set_strings_from_aws(struct model_strings *f, char **items, size_t n)
{
    return (n == 0 && f->state == MODEL_NULL) || model_set_strings(f, items, n);
}

static bool set_map_from_aws(struct model_string_map *f, const struct aws_kv *kv, size_t n)
{
    if (n == 0 && f->state == MODEL_NULL)
        return true;
    bool ok = true;
    model_map_clear(f);
    for (size_t i = 0; i < n; i++)
        ok &= model_map_put(f, kv[i].key, kv[i].value);
    return ok;
}

/* The state after create/update: the plan with its unknowns filled from AWS's answer. */
XA_TESTABLE bool integration_state_from_aws(struct integration_model *m,
                                            const struct apigw_integration *out,
                                            const char *resource_id, const struct xacct_meta *meta)
{
    bool ok = true;
    if (m->resource_id.state == MODEL_UNKNOWN)
        ok &= model_set_string(&m->resource_id, resource_id);
    if (m->cache_namespace.state == MODEL_UNKNOWN)
        ok &= model_set_string(&m->cache_namespace, out->cache_namespace);
    if (m->passthrough_behavior.state == MODEL_UNKNOWN)
        ok &= model_set_string(&m->passthrough_behavior, out->passthrough_behavior);
    if (m->response_transfer_mode.state == MODEL_UNKNOWN)
        ok &= model_set_string(&m->response_transfer_mode, out->response_transfer_mode
                                                               ? out->response_transfer_mode
                                                               : "BUFFERED");
    if (m->api_account_id.state == MODEL_UNKNOWN)
        ok &= model_set_string(&m->api_account_id,
                               meta && meta->account_id ? meta->account_id : "");
    if (m->region.state == MODEL_UNKNOWN && meta)
        ok &= model_set_string(&m->region, meta->region);
    ok = ok && integration_compute(m, meta ? meta->partition : NULL);
    /* Any unknown left in a state is an error for Terraform; null says "not known". */
    model_unknowns_to_null(&integration_schema.block, m);
    return ok;
}

/* The integration as AWS holds it (in place of the prior state m). A URI that is not a
 * Lambda function's is kept whole in function_arn, so the drift is visible. */
bool integration_state_read(struct integration_model *m, const struct apigw_integration *out,
                            const char *resource_id, const char *path,
                            const struct xacct_meta *meta)
{
    struct arn_invoke_uri u;
    enum xa_status st = arn_invoke_uri_parse(out->uri, &u, NULL);
    bool ok = st != XA_ENOMEM && model_set_string(&m->resource_id, resource_id);
    if (path)
        ok &= model_set_string(&m->resource_path, path);
    if (!m->region.value && meta)
        ok &= model_set_string(&m->region, meta->region);
    if (meta && meta->account_id && meta->account_id[0])
        ok &= model_set_string(&m->api_account_id, meta->account_id);
    else if (!m->api_account_id.value)
        ok &= model_set_string(&m->api_account_id, "");
    ok &= model_set_string(&m->type, out->type);
    ok &= model_set_string(&m->function_arn, st == XA_OK ? u.function_arn : out->uri);
    model_set_int64(&m->timeout_milliseconds,
                    out->timeout_in_millis ? out->timeout_in_millis : 29000);
    ok &= model_set_string(&m->credentials, out->credentials);
    ok &= model_set_string(&m->content_handling, out->content_handling);
    ok &= model_set_string(&m->passthrough_behavior, out->passthrough_behavior);
    ok &= model_set_string(&m->cache_namespace, out->cache_namespace);
    ok &= model_set_string(&m->response_transfer_mode, out->response_transfer_mode
                                                           ? out->response_transfer_mode
                                                           : "BUFFERED");
    ok &= set_strings_from_aws(&m->cache_key_parameters, out->cache_key_parameters,
                               out->ncache_key_parameters);
    ok &= set_map_from_aws(&m->request_parameters, out->request_parameters,
                           out->nrequest_parameters);
    ok &= set_map_from_aws(&m->request_templates, out->request_templates,
                           out->nrequest_templates);
    ok = ok && integration_compute(m, meta ? meta->partition : NULL);
    if (ok && out->uri && (!m->invoke_uri.value || strcmp(m->invoke_uri.value, out->uri) != 0))
        ok &= model_set_string(&m->invoke_uri, out->uri);
    model_unknowns_to_null(&integration_schema.block, m);
    arn_invoke_uri_cleanup(&u);
    return ok;
}

/* ---- Conversions: import IDs and AWS lookups ---- */

XA_TESTABLE bool integration_import_id(struct integration_model *m, const char *id)
{
    const char *a = id, *b = a ? strchr(a, '/') : NULL, *c = b ? strchr(b + 1, '/') : NULL;
    if (!c || b == a || c == b + 1 || !c[1] || strchr(c + 1, '/') || !integration_method_valid(c + 1))
        return false;
    char *api = xa_strndup(a, (size_t)(b - a)), *rid = xa_strndup(b + 1, (size_t)(c - b - 1));
    bool ok = api && rid && model_set_string(&m->rest_api_id, api) &&
              model_set_string(&m->resource_id, rid) &&
              model_set_string(&m->http_method, c + 1) && model_set_string(&m->id, id);
    xa_free(api);
    xa_free(rid);
    return ok;
}

/* Region of the API: the resource's, else the provider's. */
static const char *api_region(const struct xacct_meta *meta, const struct integration_model *m)
{
    return m->region.value ? m->region.value : (meta ? meta->region : NULL);
}

/* Resolves resource_id from resource_path (cached per API) when only the path is known. */
static char *resolve_resource_id(struct xacct_meta *meta, const struct integration_model *m,
                                 struct diags *d)
{
    if (m->resource_id.value)
        return xa_strdup(m->resource_id.value);
    const char *path = m->resource_path.value, *api = m->rest_api_id.value;
    if (!path || !api) {
        diag_bug(d, "Cannot find the API resource", "Neither resource_id nor resource_path is known.");
        return NULL;
    }
    struct aws_error err;
    aws_error_init(&err);
    char *out = NULL;
    enum xa_status st = caches_api_resource_id(meta, api_region(meta, m), api, path, &out, &err);
    if (st == XA_ENOTFOUND)
        diag_error_attr(d, NAME(resource_path), "API resource not found",
                        "REST API %s has no resource with path \"%s\". Create it first "
                        "(aws_api_gateway_resource) or give resource_id.", api, path);
    else if (st != XA_OK)
        meta_aws_diag(d, NAME(resource_path), "Cannot look up the API resource", &err, NULL);
    aws_error_cleanup(&err);
    return out;
}

/* Adds the error of a failed integration call to d. */
static void integration_diag(struct diags *d, const char *summary, const struct aws_error *err)
{
    const char *remedy = NULL;
    if (aws_error_is(err, "AccessDeniedException"))
        remedy = "The API account's principal needs apigateway:PUT/PATCH/GET/DELETE on "
                 "arn:aws:apigateway:REGION::/restapis/ID/*; this resource must use the API "
                 "account's provider.";
    else if (aws_error_is(err, "NotFoundException"))
        remedy = "Check rest_api_id, the resource and that the method exists "
                 "(aws_api_gateway_method) before its integration.";
    meta_aws_diag(d, NULL, summary, err, remedy);
}

/* ---- Lifecycle --------------------------------------------------------------------- */

static void integration_validate(const void *config, struct diags *d)
{
    const struct integration_model *c = config;
    bool no_id = c->resource_id.state == MODEL_NULL, no_path = c->resource_path.state == MODEL_NULL;
    if (no_id && no_path)
        diag_error_attr(d, NAME(resource_path), "Missing API resource",
                        "Give exactly one of \"resource_id\" or \"resource_path\" (\"/\" is the "
                        "API's top-level resource).");
    else if (!no_id && !no_path)
        diag_error_attr(d, NAME(resource_path), "Conflicting API resource",
                        "Give exactly one of \"resource_id\" or \"resource_path\", not both: "
                        "the other is computed.");
    function_arn_validate(&c->function_arn, NAME(function_arn), d);
    const char *mode = c->response_transfer_mode.value;
    bool stream = mode && strcmp(mode, "STREAM") == 0;
    if (c->timeout_milliseconds.state == MODEL_KNOWN && c->response_transfer_mode.state !=
        MODEL_UNKNOWN && !stream && c->timeout_milliseconds.value > 300000)
        diag_error_attr(d, NAME(timeout_milliseconds), "Timeout too long",
                        "%lld ms is more than API Gateway allows a buffered integration (300000 "
                        "ms, and 29000 ms without a quota increase). Up to 900000 ms needs "
                        "response_transfer_mode = \"STREAM\" (Lambda response streaming).",
                        (long long)c->timeout_milliseconds.value);
}

/* previous_authorization: learnt when authorizer_id is first set, kept while it stays,
 * gone when it is removed (the method gets it back). */
static void plan_authorization(const struct integration_model *prior, struct integration_model *p)
{
    bool had = prior && prior->authorizer_id.state != MODEL_NULL;
    bool has = p->authorizer_id.state != MODEL_NULL;
    if (has && !had)
        model_set_unknown(&p->previous_authorization);
    else if (!has)
        model_take_string(&p->previous_authorization, NULL);
}

static void integration_plan(void *meta, const void *prior_model, const void *config_model,
                             void *planned_model, struct path_list *rr, struct diags *d)
{
    struct xacct_meta *m = meta;
    const struct integration_model *prior = prior_model, *config = config_model;
    struct integration_model *p = planned_model;
    bool ok = true;
    if (config->region.state == MODEL_NULL && m && m->region) {
        ok &= model_set_string(&p->region, m->region);
        if (prior && prior->region.value && strcmp(prior->region.value, m->region) != 0)
            ok &= path_list_add_attr(rr, NAME(region));
    }
    if (m && m->account_id && m->account_id[0])
        ok &= model_set_string(&p->api_account_id, m->account_id);
    else if (!prior)
        model_set_unknown(&p->api_account_id);
    plan_authorization(prior, p);
    if (!ok || !integration_compute(p, m ? m->partition : NULL))
        diag_error(d, "Cannot plan the integration", "Out of memory.");
}

static bool integration_create(void *meta, const void *config, void *state, struct diags *d)
{
    struct xacct_meta *m = meta;
    struct integration_model *s = state;
    bool created = false;
    struct apigw_integration out = {0};
    struct integration_req req;
    struct aws_error err;
    char *rid = NULL, *path = NULL;
    aws_error_init(&err);
    integration_req_init(&req);
    if (!meta_client(m, "create the integration", d) || !(rid = resolve_resource_id(m, s, d)))
        goto out;
    if (!integration_req_fill(&req, s, rid)) {
        diag_error(d, "Cannot create the integration", "Out of memory.");
        goto out;
    }
    if (apigw_put_integration(m->client, api_region(m, s), &req.put, &out, &err) != XA_OK) {
        if (!aws_error_may_have_applied(&err)) {
            integration_diag(d, "Cannot create the API Gateway integration", &err);
            goto out;
        }
        /* It may exist: the planned object stays in state with the error (tainted). */
        meta_aws_diag(d, NULL, "API Gateway integration not confirmed", &err,
                      "The integration may have been created all the same. It is kept in the "
                      "state as tainted: the next apply deletes it if it exists and creates it "
                      "again.");
        created = true;
        if (!integration_state_from_aws(s, &(struct apigw_integration){0}, rid, m))
            diag_error(d, "Cannot record the integration", "Out of memory.");
        goto out;
    }
    created = true;
    /* The path is part of source_arn: learn it now when only resource_id was given. */
    if (!s->resource_path.value &&
        caches_api_resource_path(m, api_region(m, s), req.put.key.rest_api_id, rid, &path,
                                 &err) != XA_OK)
        meta_aws_diag(d, NAME(resource_id), "Cannot read the API resource's path", &err,
                      "The integration was created and is recorded in the state.");
    if (path)
        model_take_string(&s->resource_path, path);
    integration_method_apply(m, NULL, s, api_region(m, s), rid, NAME(authorizer_id), d);
    if (!integration_state_from_aws(s, &out, rid, m))
        diag_error(d, "Cannot record the integration",
                   "Out of memory after the integration was created; it exists in AWS and "
                   "will be adopted by the next apply.");
out:
    xa_free(rid);
    integration_req_cleanup(&req);
    apigw_integration_cleanup(&out);
    aws_error_cleanup(&err);
    return created;
}

static bool integration_read(void *meta, void *state, struct diags *d)
{
    struct xacct_meta *m = meta;
    struct integration_model *s = state;
    bool found = false;
    struct apigw_integration out = {0};
    struct aws_error err;
    char *rid = NULL, *path = NULL, *method = NULL;
    aws_error_init(&err);
    if (!meta_client(m, "read the integration", d) || !(rid = resolve_resource_id(m, s, d)) ||
        !(method = integration_method_upper(s->http_method.value)))
        goto out;
    const char *api = s->rest_api_id.value;
    const struct apigw_integration_key key = {.rest_api_id = api, .resource_id = rid,
                                              .http_method = method};
    enum xa_status st = apigw_get_integration(m->client, api_region(m, s), &key, &out, &err);
    if (st == XA_EAWS && aws_error_is(&err, "NotFoundException"))
        goto out;   /* gone: null state, Terraform plans to create it again */
    if (st != XA_OK) {
        integration_diag(d, "Cannot read the API Gateway integration", &err);
        goto out;
    }
    if (!s->resource_path.value) {
        st = caches_api_resource_path(m, api_region(m, s), api, rid, &path, &err);
        if (st != XA_OK && st != XA_ENOTFOUND) {
            integration_diag(d, "Cannot read the API resource's path", &err);
            goto out;
        }
    }
    if (!(found = integration_state_read(s, &out, rid, path, m)))
        diag_error(d, "Cannot read the API Gateway integration", "Out of memory.");
    else if (s->authorizer_id.value)
        found = integration_method_read(m, s, api_region(m, s), rid, d);
out:
    xa_free(rid);
    xa_free(path);
    xa_free(method);
    apigw_integration_cleanup(&out);
    aws_error_cleanup(&err);
    return found;
}

static bool integration_update(void *meta, const void *prior_model, const void *config,
                               void *state, struct diags *d)
{
    struct xacct_meta *m = meta;
    const struct integration_model *prior = prior_model;
    struct integration_model *s = state;
    bool updated = false;
    struct apigw_integration out = {0};
    struct integration_req req;
    struct integration_patch patch;
    struct aws_error err;
    enum xa_status st;
    aws_error_init(&err);
    integration_req_init(&req);
    integration_patch_init(&patch);
    const char *rid = prior->resource_id.value, *region = api_region(m, s);
    if (!meta_client(m, "update the integration", d))
        goto out;
    if (!rid || !integration_req_fill(&req, s, rid) || !integration_patch_build(&patch, prior, s)) {
        diag_error(d, "Cannot update the integration", "Out of memory or missing resource_id.");
        goto out;
    }
    if (patch.needs_put)   /* the type cannot be patched: PutIntegration replaces it whole */
        st = apigw_put_integration(m->client, region, &req.put, &out, &err);
    else if (patch.nops > 0)
        st = apigw_update_integration(m->client, region, &req.put.key, patch.ops, patch.nops,
                                      &out, &err);
    else
        st = apigw_get_integration(m->client, region, &req.put.key, &out, &err);
    if (st != XA_OK) {
        integration_diag(d, "Cannot update the API Gateway integration", &err);
        goto out;
    }
    updated = true;
    integration_method_apply(m, prior, s, region, rid, NAME(authorizer_id), d);
    if (!integration_state_from_aws(s, &out, rid, m))
        diag_error(d, "Cannot record the integration", "Out of memory.");
out:
    integration_patch_cleanup(&patch);
    integration_req_cleanup(&req);
    apigw_integration_cleanup(&out);
    aws_error_cleanup(&err);
    return updated;
}

static void integration_delete(void *meta, const void *prior_model, struct diags *d)
{
    struct xacct_meta *m = meta;
    const struct integration_model *prior = prior_model;
    struct aws_error err;
    aws_error_init(&err);
    char *method = integration_method_upper(prior->http_method.value);
    const struct apigw_integration_key key = {
        .rest_api_id = prior->rest_api_id.value,
        .resource_id = prior->resource_id.value,
        .http_method = method,
    };
    /* The method's authorization goes back first, while the authorizer still exists. */
    if (meta_client(m, "delete the integration", d) && method &&
        (!prior->authorizer_id.value ||
         integration_method_restore(m, prior, api_region(m, prior), NAME(authorizer_id), d))) {
        enum xa_status st = apigw_delete_integration(m->client, api_region(m, prior), &key, &err);
        if (st != XA_OK && !(st == XA_EAWS && aws_error_is(&err, "NotFoundException")))
            integration_diag(d, "Cannot delete the API Gateway integration", &err);
    }
    xa_free(method);
    aws_error_cleanup(&err);
}

static bool integration_import(void *meta, const char *id, void *state, struct diags *d)
{
    if (integration_import_id(state, id))
        return true;
    diag_error(d, "Invalid import ID",
               "\"%s\" is not an integration ID. Expected REST-API-ID/RESOURCE-ID/HTTP-METHOD, "
               "e.g. \"a1b2c3d4e5/x9y8z7/GET\".", id ? id : "");
    return false;
}

static bool integration_upgrade(int64_t version, const char *json, size_t len, void *state,
                                struct diags *d)
{
    return integration_upgrade_json(&integration_schema.block, version, json, len, state, d);
}

static bool integration_move(const char *json, size_t len, void *state, struct diags *d)
{
    return integration_move_json(json, len, state, d);
}

/* ---- The table --------------------------------------------------------------------- */

const struct resource_type xacct_lambda_integration_type = {
    .name = "xacct_lambda_integration",
    .schema = &integration_schema,
    .identity = &integration_identity,
    .validate = integration_validate,
    .plan = integration_plan,
    .create = integration_create,
    .read = integration_read,
    .update = integration_update,
    .delete_ = integration_delete,
    .import = integration_import,
    .upgrade = integration_upgrade,
    .move_from = {.provider = "hashicorp/aws", .type = "aws_api_gateway_integration"},
    .move = integration_move,
};
