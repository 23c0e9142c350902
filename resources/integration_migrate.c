/* resources/integration_migrate.c - state of xacct_lambda_integration written elsewhere:
 * UpgradeResourceState from schema version 0 (which called invoke_uri "uri") and
 * MoveResourceState from hashicorp/aws's aws_api_gateway_integration, so that a `moved`
 * block adopts an existing Lambda integration without replacing it.
 *
 * Split from lambda_integration.c because it changes when old or foreign state formats
 * do. Both paths go through JSON (jansson), rename what differs, and decode with the
 * current schema's type ignoring attributes we do not have; computed attributes left
 * null are filled by the ReadResource Terraform sends next.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/codec.h"
#include "resources/integration_internal.h"

static struct value *decode_json_object(const struct schema_block *b, json_t *obj, struct diags *d)
{
    char *text = json_dumps(obj, JSON_COMPACT);
    struct value *v = text ? codec_json_decode(text, strlen(text), schema_implied_type(b), true, d)
                           : NULL;
    if (!text)
        diag_error(d, "Cannot convert the state", "Out of memory.");
    free(text);
    return v;
}

/* Version 0 called invoke_uri "uri"; version 1 added the computed account and region
 * attributes, which the next read fills in. */
struct value *integration_upgrade_json(const struct schema_block *b, int64_t version,
                                                   const char *json, size_t len, struct diags *d)
{
    json_error_t jerr;
    json_t *obj = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    struct value *v = NULL;
    if (!json_is_object(obj) || version < 0 || version > 1) {
        diag_error(d, "Cannot upgrade the integration's state",
                   "The stored state (schema version %lld) is not an object of a version this "
                   "provider knows (0 or 1).", (long long)version);
        goto out;
    }
    if (version == 0) {
        json_t *uri = json_object_get(obj, "uri");
        if (uri && !json_object_get(obj, "invoke_uri"))
            json_object_set(obj, "invoke_uri", uri);
        json_object_del(obj, "uri");
    }
    v = decode_json_object(b, obj, d);
out:
    json_decref(obj);
    return v;
}

/* hashicorp/aws stores an unset optional argument as "", [] or {}; ours are null, as a
 * configuration that leaves them out plans them, so that the move plans no change. */
static bool is_unset(const json_t *x)
{
    return !x || json_is_null(x) || (json_is_string(x) && json_string_length(x) == 0) ||
           (json_is_array(x) && json_array_size(x) == 0) ||
           (json_is_object(x) && json_object_size(x) == 0);
}

static void copy_keys(json_t *dst, json_t *src, const char *const *keys)
{
    for (size_t i = 0; keys[i]; i++) {
        json_t *x = json_object_get(src, keys[i]);
        if (!is_unset(x))
            json_object_set(dst, keys[i], x);
    }
}

/* hashicorp/aws's aws_api_gateway_integration state to ours (MoveResourceState). */
struct value *integration_move_json(const struct schema_block *b, const char *source_provider,
                                    const char *source_type, const char *json, size_t len,
                                    struct diags *d)
{
    static const char *const same[] = {"rest_api_id", "resource_id", "http_method", "type",
        "credentials", "passthrough_behavior", "content_handling", "cache_namespace",
        "cache_key_parameters", "request_parameters", "request_templates",
        "timeout_milliseconds", "region", NULL};
    json_t *src = NULL, *dst = NULL;
    struct value *v = NULL;
    char fn[1024];
    if (!xacct_move_from_aws("xacct_lambda_integration", "aws_api_gateway_integration",
                             source_provider, source_type, d))
        goto out;
    json_error_t jerr;
    src = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    const char *uri = json_string_value(json_object_get(src, "uri"));
    const char *type = json_string_value(json_object_get(src, "type"));
    if (!json_is_object(src) || !integration_uri_function(uri, fn, sizeof fn) || !type ||
        (strcmp(type, "AWS_PROXY") != 0 && strcmp(type, "AWS") != 0)) {
        diag_error(d, "Cannot move this integration",
                   "Only Lambda integrations (type AWS_PROXY or AWS with a Lambda function "
                   "URI) can become xacct_lambda_integration; this one has type %s and URI %s.",
                   type ? type : "(none)", uri ? uri : "(none)");
        goto out;
    }
    if (!(dst = json_object()))
        goto out;
    copy_keys(dst, src, same);
    json_object_set_new(dst, "function_arn", json_string(fn));
    json_object_set(dst, "invoke_uri", json_object_get(src, "uri"));
    const char *api = json_string_value(json_object_get(src, "rest_api_id"));
    const char *rid = json_string_value(json_object_get(src, "resource_id"));
    const char *method = json_string_value(json_object_get(src, "http_method"));
    if (api && rid && method)
        json_object_set_new(dst, "id", json_sprintf("%s/%s/%s", api, rid, method));
    v = decode_json_object(b, dst, d);
out:
    json_decref(src);
    json_decref(dst);
    return v;
}
