/* resources/functions.c - xacct's provider functions (Terraform 1.8+, OpenTofu 1.7+):
 * provider::xacct::source_arn, authorizer_source_arn, invoke_uri and parse_lambda_arn.
 *
 * For configurations that keep hashicorp/aws's resources (aws_api_gateway_integration,
 * aws_lambda_permission) but want xacct's answers to the cross-account questions: which
 * execute-api ARN a permission must name, which URI an integration must call. Each is a
 * table (core/function.h: parameters and result are schema rows with typed models) and
 * one function built on aws/arn.c's parsers and builders - the same calls, with the same
 * region rule, as xacct_lambda_integration's computed source_arn and invoke_uri, so a
 * function and a resource cannot disagree (tests/unit/test_functions.c holds them to it).
 * Nothing here calls AWS. An error names the argument it is about.
 */
#include <string.h>

#include "aws/arn.h"
#include "core/function.h"
#include "core/model.h"
#include "util/buf.h"

/* The one-string result of three of the functions. */
struct string_result {
    struct model_string result;
};

static const struct schema_attribute string_result_attrs[] = {
    {.name = "result", .type = &type_string, .flags = ATTR_COMPUTED,
     .field = MODEL_FIELD(struct string_result, result), .description = "The ARN or URI."},
};

static const struct schema_block string_result = {
    .attrs = string_result_attrs, .nattrs = 1, .model_size = sizeof(struct string_result),
};

/* Sets the result to what a builder appended to b; an error on failure. */
static bool set_built(struct model_string *out, struct xbuf *b, enum xa_status st,
                      int64_t argument, const char *what, struct function_error *err)
{
    if (st == XA_OK && model_set_string(out, xbuf_cstr(b)))
        return true;
    if (st == XA_EINVAL)
        function_error_set(err, argument, "%s", what);
    else
        function_error_set(err, -1, "the provider ran out of memory");
    return false;
}

/* A full function ARN (region and account known), or false with an error about arg. */
static bool full_function_arn(const char *s, int64_t arg, struct arn_lambda_function *f,
                              struct function_error *err)
{
    const char *why = NULL;
    enum xa_status st = arn_lambda_function_parse(s, f, &why);
    if (st == XA_OK && f->region && f->account && f->partition)
        return true;
    if (st == XA_ENOMEM)
        function_error_set(err, -1, "the provider ran out of memory");
    else
        function_error_set(err, arg, "\"%s\" is not a full Lambda function ARN (%s); give one "
                                     "like arn:aws:lambda:us-west-2:222222222222:function:hello",
                           s, why ? why : "a name or partial ARN does not say the region");
    return false;
}

/* An API's execution ARN (hashicorp/aws's aws_api_gateway_rest_api.execution_arn), or
 * false with an error about argument 0. */
static bool execution_arn(const char *s, struct arn_execute_api *ea, struct function_error *err)
{
    const char *why = NULL;
    enum xa_status st = arn_execute_api_parse(s, ea, &why);
    if (st == XA_OK && !ea->stage && !ea->authorizer_id && strcmp(ea->api_id, "*") != 0)
        return true;
    if (st == XA_ENOMEM)
        function_error_set(err, -1, "the provider ran out of memory");
    else
        function_error_set(err, 0, "\"%s\" is not a REST API's execution ARN (%s); give one "
                                   "like arn:aws:execute-api:us-east-1:111111111111:a1b2c3d4e5, "
                                   "hashicorp/aws's execution_arn", s,
                           why ? why : "it names a stage, method or authorizer");
    return false;
}

/* The API an execution ARN names, and the region its authorizers' source ARNs carry: the
 * API's, or - where aws/arn.c's rule says so - the function's, given as an ARN (optional,
 * argument fn_arg). */
struct source_scope {
    struct arn_execute_api api;
    struct arn_lambda_function function;
    const char *region;
};

static bool scope_open(struct source_scope *s, const struct model_string *exec,
                       const struct model_string *fn, int64_t fn_arg, struct function_error *err)
{
    arn_execute_api_init(&s->api);
    arn_lambda_function_init(&s->function);
    if (!execution_arn(exec->value, &s->api, err))
        return false;
    s->region = s->api.region;
    if (fn->state != MODEL_KNOWN)
        return true;
    if (!full_function_arn(fn->value, fn_arg, &s->function, err))
        return false;
    s->region = arn_source_arn_region(ARN_SOURCE_AUTHORIZER, s->api.region, s->function.region);
    return true;
}

static void scope_close(struct source_scope *s)
{
    arn_execute_api_cleanup(&s->api);
    arn_lambda_function_cleanup(&s->function);
}

/* ---- source_arn ----------------------------------------------------------------------- */

struct source_arn_args {
    struct model_string execution_arn;
    struct model_string http_method;
    struct model_string resource_path;
};

#define SA(member) MODEL_FIELD(struct source_arn_args, member)

/* Parameters in parameter order. */
static const struct schema_attribute source_arn_params[] = {
    {.name = "execution_arn", .type = &type_string, .flags = ATTR_REQUIRED,
     .field = SA(execution_arn),
     .description = "The REST API's execution ARN, `arn:aws:execute-api:REGION:ACCOUNT:API_ID` "
                    "(hashicorp/aws's `aws_api_gateway_rest_api.execution_arn`)."},
    {.name = "http_method", .type = &type_string, .flags = ATTR_OPTIONAL,
     .field = SA(http_method),
     .description = "The method's verb; `ANY` or null for every method."},
    {.name = "resource_path", .type = &type_string, .flags = ATTR_OPTIONAL,
     .field = SA(resource_path),
     .description = "The API resource's path, e.g. `/pets/{id}` (path parameters match any "
                    "segment); null for every path."},
};

/* A method's source ARN names the API's region (aws/arn.h), so the execution ARN is all
 * it needs. */
static bool source_arn_call(const void *args, void *result, struct function_error *err)
{
    const struct source_arn_args *a = args;
    struct arn_execute_api api;
    struct xbuf b;
    bool ok = false;
    arn_execute_api_init(&api);
    xbuf_init(&b);
    if (!execution_arn(a->execution_arn.value, &api, err))
        goto out;
    const char *method = a->http_method.value ? a->http_method.value : "ANY";
    const char *path = a->resource_path.value ? a->resource_path.value : "/*";
    /* The verb alone first, so that an error names the argument at fault. */
    if (!set_built(result, &b,
                   arn_integration_source_arn(api.partition, api.region, api.account,
                                              api.api_id, method, "/", &b),
                   1, "the method must be ANY, DELETE, GET, HEAD, OPTIONS, PATCH, POST or PUT",
                   err))
        goto out;
    xbuf_clear(&b);
    ok = set_built(result, &b,
                   arn_integration_source_arn(api.partition, api.region, api.account,
                                              api.api_id, method, path, &b),
                   2, "the resource path must start with \"/\", e.g. \"/\" or \"/pets/{id}\"",
                   err);
out:
    arn_execute_api_cleanup(&api);
    xbuf_cleanup(&b);
    return ok;
}

static const struct schema_block source_arn_block = {
    .attrs = source_arn_params,
    .nattrs = sizeof source_arn_params / sizeof source_arn_params[0],
    .model_size = sizeof(struct source_arn_args),
};

const struct function_type xacct_function_source_arn = {
    .name = "source_arn",
    .summary = "The execute-api source ARN a Lambda permission needs for a method's integration",
    .description = "The ARN a `lambda:InvokeFunction` permission for `apigateway.amazonaws.com` "
                   "must name as its source for calls through a method's Lambda integration: "
                   "every stage (`*`), the method (`*` for `ANY` or null) and the resource "
                   "path with path parameters as `*` - the value `xacct_lambda_integration` "
                   "computes as `source_arn`, from the same code.",
    .params = &source_arn_block,
    .result = &string_result,
    .call = source_arn_call,
};

/* ---- authorizer_source_arn ------------------------------------------------------------ */

struct authorizer_args {
    struct model_string execution_arn;
    struct model_string authorizer_id;
    struct model_string function_arn;
};

#define AA(member) MODEL_FIELD(struct authorizer_args, member)

static const struct schema_attribute authorizer_params[] = {
    {.name = "execution_arn", .type = &type_string, .flags = ATTR_REQUIRED,
     .field = AA(execution_arn),
     .description = "The REST API's execution ARN, `arn:aws:execute-api:REGION:ACCOUNT:API_ID`."},
    {.name = "authorizer_id", .type = &type_string, .flags = ATTR_REQUIRED,
     .field = AA(authorizer_id), .description = "The Lambda authorizer's id."},
    {.name = "function_arn", .type = &type_string, .flags = ATTR_OPTIONAL,
     .field = AA(function_arn),
     .description = "The authorizer function's full ARN: across regions the source ARN names "
                    "the function's region (AWS's rule for cross-region authorizers)."},
};

static bool authorizer_call(const void *args, void *result, struct function_error *err)
{
    const struct authorizer_args *a = args;
    struct source_scope sc;
    struct xbuf b;
    bool ok = false;
    xbuf_init(&b);
    if (scope_open(&sc, &a->execution_arn, &a->function_arn, 2, err))
        ok = set_built(result, &b,
                       arn_authorizer_source_arn(sc.api.partition, sc.region, sc.api.account,
                                                 sc.api.api_id, a->authorizer_id.value, &b),
                       1, "an authorizer id is letters and digits, e.g. \"abc123\"", err);
    scope_close(&sc);
    xbuf_cleanup(&b);
    return ok;
}

static const struct schema_block authorizer_block = {
    .attrs = authorizer_params,
    .nattrs = sizeof authorizer_params / sizeof authorizer_params[0],
    .model_size = sizeof(struct authorizer_args),
};

const struct function_type xacct_function_authorizer_source_arn = {
    .name = "authorizer_source_arn",
    .summary = "The execute-api source ARN a Lambda permission needs for a Lambda authorizer",
    .description = "The ARN a `lambda:InvokeFunction` permission for `apigateway.amazonaws.com` "
                   "must name as its source for calls from a Lambda authorizer: "
                   "`arn:aws:execute-api:REGION:ACCOUNT:API_ID/authorizers/AUTHORIZER_ID`, in "
                   "the function's region when the API and the function are in different "
                   "regions.",
    .params = &authorizer_block,
    .result = &string_result,
    .call = authorizer_call,
};

/* ---- invoke_uri ------------------------------------------------------------------------- */

struct invoke_uri_args {
    struct model_string function_arn;
    struct model_bool streaming;
};

static const struct schema_attribute invoke_uri_params[] = {
    {.name = "function_arn", .type = &type_string, .flags = ATTR_REQUIRED,
     .field = MODEL_FIELD(struct invoke_uri_args, function_arn),
     .description = "The function's full ARN, optionally with `:alias` or `:version`."},
    {.name = "streaming", .type = &type_bool, .flags = ATTR_OPTIONAL,
     .field = MODEL_FIELD(struct invoke_uri_args, streaming),
     .description = "`true` for a response-streaming integration; `false` or null for the "
                    "usual buffered one."},
};

static bool invoke_uri_call(const void *args, void *result, struct function_error *err)
{
    const struct invoke_uri_args *a = args;
    struct arn_lambda_function f;
    struct xbuf b;
    bool ok = false;
    arn_lambda_function_init(&f);
    xbuf_init(&b);
    const char *fn = a->function_arn.value;
    if (full_function_arn(fn, 0, &f, err)) {
        bool streaming = a->streaming.state == MODEL_KNOWN && a->streaming.value;
        enum xa_status st = streaming ? arn_lambda_streaming_invoke_uri(f.partition, f.region,
                                                                        fn, &b)
                                      : arn_lambda_invoke_uri(f.partition, f.region, fn, &b);
        ok = set_built(result, &b, st, 0, "not a function ARN", err);
    }
    arn_lambda_function_cleanup(&f);
    xbuf_cleanup(&b);
    return ok;
}

static const struct schema_block invoke_uri_block = {
    .attrs = invoke_uri_params,
    .nattrs = sizeof invoke_uri_params / sizeof invoke_uri_params[0],
    .model_size = sizeof(struct invoke_uri_args),
};

const struct function_type xacct_function_invoke_uri = {
    .name = "invoke_uri",
    .summary = "The integration URI API Gateway calls a Lambda function with",
    .description = "The `uri` of a Lambda proxy integration for a function, in the function's "
                   "own region: `arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/"
                   "FUNCTION_ARN/invocations`, or with `streaming` "
                   "`arn:aws:apigateway:REGION:lambda:path/2021-11-15/functions/FUNCTION_ARN/"
                   "response-streaming-invocations` - the value `xacct_lambda_integration` "
                   "computes as `invoke_uri`, from the same code.",
    .params = &invoke_uri_block,
    .result = &string_result,
    .call = invoke_uri_call,
};

/* ---- parse_lambda_arn ------------------------------------------------------------------- */

struct parse_args {
    struct model_string arn;
};

static const struct schema_attribute parse_params[] = {
    {.name = "arn", .type = &type_string, .flags = ATTR_REQUIRED,
     .field = MODEL_FIELD(struct parse_args, arn),
     .description = "A function reference as Lambda takes it: a full ARN, a partial ARN "
                    "(`ACCOUNT:function:NAME`) or a name, each optionally with `:QUALIFIER`."},
};

struct lambda_arn_parts {
    struct model_string account_id;
    struct model_string function_arn;
    struct model_string function_name;
    struct model_string partition;
    struct model_string qualifier;
    struct model_string region;
};

#define LP(member) MODEL_FIELD(struct lambda_arn_parts, member)

static const struct schema_attribute parts_attrs[] = {
    {.name = "account_id", .type = &type_string, .flags = ATTR_COMPUTED, .field = LP(account_id),
     .description = "The function's account; null for a bare name."},
    {.name = "function_arn", .type = &type_string, .flags = ATTR_COMPUTED,
     .field = LP(function_arn),
     .description = "The function's ARN without qualifier; null unless the input is a full ARN."},
    {.name = "function_name", .type = &type_string, .flags = ATTR_COMPUTED,
     .field = LP(function_name), .description = "The function's name."},
    {.name = "partition", .type = &type_string, .flags = ATTR_COMPUTED, .field = LP(partition),
     .description = "`aws`, `aws-cn`, `aws-us-gov`, ...; null unless a full ARN."},
    {.name = "qualifier", .type = &type_string, .flags = ATTR_COMPUTED, .field = LP(qualifier),
     .description = "The version or alias; null when none."},
    {.name = "region", .type = &type_string, .flags = ATTR_COMPUTED, .field = LP(region),
     .description = "The function's region; null unless a full ARN."},
};

static const struct schema_block parts_block = {
    .attrs = parts_attrs,
    .nattrs = sizeof parts_attrs / sizeof parts_attrs[0],
    .model_size = sizeof(struct lambda_arn_parts),
};

static bool parse_call(const void *args, void *result, struct function_error *err)
{
    const struct parse_args *a = args;
    struct lambda_arn_parts *out = result;
    struct arn_lambda_function f;
    struct xbuf b;
    const char *why = NULL;
    arn_lambda_function_init(&f);
    xbuf_init(&b);
    enum xa_status st = arn_lambda_function_parse(a->arn.value, &f, &why);
    bool ok = st == XA_OK;
    if (ok && f.region)
        ok = set_built(&out->function_arn, &b,
                       arn_lambda_function_arn(f.partition, f.region, f.account, f.name, NULL,
                                               &b),
                       0, "not a function ARN", err);
    ok = ok && model_set_string(&out->account_id, f.account) &&
         model_set_string(&out->function_name, f.name) &&
         model_set_string(&out->partition, f.partition) &&
         model_set_string(&out->qualifier, f.qualifier) &&
         model_set_string(&out->region, f.region);
    if (st == XA_EINVAL)
        function_error_set(err, 0, "\"%s\" is not a Lambda function reference: %s", a->arn.value,
                           why ? why : "unrecognised form");
    else if (!ok)
        function_error_set(err, -1, "the provider ran out of memory");
    arn_lambda_function_cleanup(&f);
    xbuf_cleanup(&b);
    return ok;
}

static const struct schema_block parse_block = {
    .attrs = parse_params,
    .nattrs = sizeof parse_params / sizeof parse_params[0],
    .model_size = sizeof(struct parse_args),
};

const struct function_type xacct_function_parse_lambda_arn = {
    .name = "parse_lambda_arn",
    .summary = "The parts of a Lambda function reference",
    .description = "Splits a function reference - full ARN, partial ARN or name, with an "
                   "optional qualifier - the way Lambda and xacct read it, into an object of "
                   "its parts; the parts a reference does not say are null.",
    .params = &parse_block,
    .result = &parts_block,
    .result_object = true,
    .call = parse_call,
};
