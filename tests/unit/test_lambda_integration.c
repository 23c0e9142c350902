/* tests/unit/test_lambda_integration.c - xacct_lambda_integration without AWS
 * (resources/lambda_integration.c).
 *
 * Validation, plan-time values (the tutorial's same-region and cross-region cases,
 * unknown inputs), equivalent method spellings, update patches, import IDs, upgrade from
 * schema version 0 and MoveResourceState from hashicorp/aws, and the mapping of
 * GetIntegration answers back to state (drift). Plans, imports and migrations run
 * through core's provider (resource_harness.h) as Terraform reaches them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/plan.h"
#include "core/resource.h"
#include "resources/integration_internal.h"
#include "util/alloc.h"

#define HARNESS_TYPE xacct_lambda_integration_type
#include "resource_harness.h"

#define FN_W2 "arn:aws:lambda:us-west-2:222222222222:function:my-function"
#define FN_E1 "arn:aws:lambda:us-east-1:222222222222:function:my-function:live"

static struct xacct_meta meta_e1 = {.region = "us-east-1", .account_id = "111111111111",
                                    .partition = "aws"};

static int setup(void **state)
{
    harness_use(&meta_e1);
    return 0;
}

static void integration_validate_requires_exactly_one_resource(void **state)
{
    struct {
        const char *name, *json;
        bool error;
    } cases[] = {
        {"neither", "{\"rest_api_id\":\"a\",\"http_method\":\"GET\",\"function_arn\":\"" FN_W2 "\"}", true},
        {"both", "{\"rest_api_id\":\"a\",\"http_method\":\"GET\",\"resource_id\":\"r\","
                 "\"resource_path\":\"/\",\"function_arn\":\"" FN_W2 "\"}", true},
        {"path", "{\"rest_api_id\":\"a\",\"http_method\":\"GET\",\"resource_path\":\"/\","
                 "\"function_arn\":\"" FN_W2 "\"}", false},
        {"name not arn", "{\"rest_api_id\":\"a\",\"http_method\":\"GET\",\"resource_path\":\"/\","
                         "\"function_arn\":\"my-function\"}", true},
        {"partial arn", "{\"rest_api_id\":\"a\",\"http_method\":\"GET\",\"resource_path\":\"/\","
                        "\"function_arn\":\"222222222222:function:f\"}", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct value *c = from_json(cases[i].json);
        struct diags d;
        diags_init(&d);
        validate(c, &d);
        if (diags_has_error(&d) != cases[i].error)
            fail_msg("case %s: error=%d", cases[i].name, diags_has_error(&d));
        diags_cleanup(&d);
        value_free(c);
    }
}

static void integration_validate_accepts_lowercase_method(void **state)
{
    assert_true(integration_method_valid("get"));
    assert_true(integration_method_valid("ANY"));
    assert_false(integration_method_valid("FETCH"));
    assert_false(integration_method_valid(NULL));
}

static void integration_plan_shows_values_known_at_plan_time(void **state)
{
    struct value *c = from_json("{\"rest_api_id\":\"abc123\",\"http_method\":\"GET\","
                                "\"resource_id\":\"root1\",\"function_arn\":\"" FN_W2 "\"}");
    struct path_list rr;
    struct diags d;
    path_list_init(&rr);
    diags_init(&d);
    struct value *p = plan(NULL, c, &rr, &d);
    assert_false(diags_has_error(&d));
    assert_string_equal(value_attr_string(p, "invoke_uri"),
                        "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/" FN_W2
                        "/invocations");
    assert_string_equal(value_attr_string(p, "function_region"), "us-west-2");
    assert_string_equal(value_attr_string(p, "function_account_id"), "222222222222");
    assert_string_equal(value_attr_string(p, "api_account_id"), "111111111111");
    assert_string_equal(value_attr_string(p, "region"), "us-east-1");
    assert_string_equal(value_attr_string(p, "id"), "abc123/root1/GET");
    assert_string_equal(value_attr_string(p, "type"), "AWS_PROXY");
    int64_t t = 0;
    assert_true(value_attr_int64(p, "timeout_milliseconds", &t));
    assert_int_equal(t, 29000);
    /* resource_path is computed from resource_id after apply: unknown now, and so is the
     * source ARN that contains it. */
    assert_true(is_unknown(p, "resource_path"));
    assert_true(is_unknown(p, "source_arn"));
    value_free(p);
    value_free(c);
    path_list_cleanup(&rr);
    diags_cleanup(&d);
}

/* A method's calls name the API (us-east-1 here), wherever the function lives. */
static void integration_plan_source_arn_uses_api_region(void **state)
{
    struct {
        const char *name, *fn, *want;
    } cases[] = {
        {"cross-region", FN_W2, "arn:aws:execute-api:us-east-1:111111111111:abc123/*/GET/"},
        {"same region, alias", FN_E1, "arn:aws:execute-api:us-east-1:111111111111:abc123/*/GET/"},
        {"path parameters", FN_W2, "arn:aws:execute-api:us-east-1:111111111111:abc123/*/GET/pets/*/x"},
    };
    const char *paths[] = {"/", "/", "/pets/{id}/x"};
    for (size_t i = 0; i < 3; i++) {
        char json[512];
        snprintf(json, sizeof json, "{\"rest_api_id\":\"abc123\",\"http_method\":\"GET\","
                 "\"resource_path\":\"%s\",\"function_arn\":\"%s\"}", paths[i], cases[i].fn);
        struct value *c = from_json(json);
        struct path_list rr;
        struct diags d;
        path_list_init(&rr);
        diags_init(&d);
        struct value *p = plan(NULL, c, &rr, &d);
        const char *got = value_attr_string(p, "source_arn");
        if (!got || strcmp(got, cases[i].want) != 0)
            fail_msg("case %s: source_arn %s", cases[i].name, got ? got : "(unknown)");
        assert_true(is_unknown(p, "id"));   /* resource_id not known yet */
        value_free(p);
        value_free(c);
        path_list_cleanup(&rr);
        diags_cleanup(&d);
    }
}

/* The API account unknown (skip_requesting_account_id): the source ARN matches any
 * account; ANY matches every method; a name instead of an ARN has nothing to grant. */
static void integration_compute_wildcards(void **state)
{
    struct value *v = from_json("{\"rest_api_id\":\"abc123\",\"http_method\":\"any\","
                                "\"resource_path\":\"/\",\"api_account_id\":\"\","
                                "\"function_arn\":\"" FN_W2 "\"}");
    struct integration_model *m = harness_model(v);
    assert_true(integration_compute(m, "aws"));
    assert_string_equal(m->source_arn.value, "arn:aws:execute-api:us-west-2:*:abc123/*/*/");
    assert_string_equal(m->invoke_uri.value,
                        "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/" FN_W2
                        "/invocations");
    assert_true(model_set_string(&m->function_arn, "my-function"));
    assert_true(integration_compute(m, "aws"));
    assert_int_equal(m->source_arn.state, MODEL_NULL);
    harness_model_free(m);
    value_free(v);
}

static void integration_plan_unknown_function_stays_unknown(void **state)
{
    struct value *c = from_json("{\"rest_api_id\":\"abc123\",\"http_method\":\"ANY\","
                                "\"resource_path\":\"/pets\",\"function_arn\":\"" FN_W2 "\"}");
    assert_true(value_object_set(c, "function_arn", value_new_unknown(&type_string)));
    struct path_list rr;
    struct diags d;
    path_list_init(&rr);
    diags_init(&d);
    struct value *p = plan(NULL, c, &rr, &d);
    assert_false(diags_has_error(&d));
    assert_true(is_unknown(p, "function_arn"));
    assert_true(is_unknown(p, "invoke_uri"));
    assert_true(is_unknown(p, "function_region"));
    assert_true(is_unknown(p, "source_arn"));
    value_free(p);
    value_free(c);
    path_list_cleanup(&rr);
    diags_cleanup(&d);
}

static struct value *applied_state(void)
{
    return from_json("{\"rest_api_id\":\"abc123\",\"http_method\":\"GET\",\"resource_id\":\"r1\","
                     "\"resource_path\":\"/\",\"function_arn\":\"" FN_W2 "\",\"type\":\"AWS_PROXY\","
                     "\"timeout_milliseconds\":29000,\"region\":\"us-east-1\","
                     "\"api_account_id\":\"111111111111\",\"cache_namespace\":\"r1\","
                     "\"passthrough_behavior\":\"WHEN_NO_MATCH\",\"id\":\"abc123/r1/GET\","
                     "\"function_region\":\"us-west-2\",\"function_account_id\":\"222222222222\","
                     "\"invoke_uri\":\"arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/"
                     "functions/" FN_W2 "/invocations\",\"source_arn\":\"arn:aws:execute-api:"
                     "us-east-1:111111111111:abc123/*/GET/\",\"api_source_arn\":"
                     "\"arn:aws:execute-api:us-east-1:111111111111:abc123/*\","
                     "\"response_transfer_mode\":\"BUFFERED\"}");
}

static void integration_plan_after_apply_is_empty_and_method_case_is_no_change(void **state)
{
    struct value *prior = applied_state();
    struct value *c = from_json("{\"rest_api_id\":\"abc123\",\"http_method\":\"get\","
                                "\"resource_path\":\"/\",\"function_arn\":\"" FN_W2 "\"}");
    struct path_list rr;
    struct diags d;
    path_list_init(&rr);
    diags_init(&d);
    struct value *p = plan(prior, c, &rr, &d);
    assert_false(diags_has_error(&d));
    assert_int_equal(rr.len, 0);
    assert_true(value_equal(p, prior));
    value_free(p);
    value_free(c);
    path_list_cleanup(&rr);
    diags_cleanup(&d);
    value_free(prior);
}

static void integration_plan_function_change_is_in_place(void **state)
{
    struct value *prior = applied_state();
    struct value *c = from_json("{\"rest_api_id\":\"abc123\",\"http_method\":\"GET\","
                                "\"resource_path\":\"/\",\"function_arn\":\"" FN_E1 "\"}");
    struct path_list rr;
    struct diags d;
    path_list_init(&rr);
    diags_init(&d);
    struct value *p = plan(prior, c, &rr, &d);
    assert_false(has_rr(&rr, "function_arn"));
    assert_int_equal(rr.len, 0);
    assert_string_equal(value_attr_string(p, "function_region"), "us-east-1");
    assert_string_equal(value_attr_string(p, "source_arn"),
                        "arn:aws:execute-api:us-east-1:111111111111:abc123/*/GET/");
    struct integration_model *pm = harness_model(prior), *nm = harness_model(p);
    struct integration_patch patch;
    integration_patch_init(&patch);
    assert_true(integration_patch_build(&patch, pm, nm));
    assert_false(patch.needs_put);
    assert_int_equal(patch.nops, 1);
    assert_string_equal(patch.ops[0].path, "/uri");
    integration_patch_cleanup(&patch);
    harness_model_free(pm);
    harness_model_free(nm);
    value_free(p);
    value_free(c);
    path_list_cleanup(&rr);
    diags_cleanup(&d);
    value_free(prior);
}

/* STREAM: the response-streaming URI, and timeouts up to 900000 ms (300000 otherwise);
 * api_source_arn covers the whole API. */
static void integration_streaming_and_api_source_arn(void **state)
{
    struct value *c = from_json("{\"rest_api_id\":\"abc123\",\"http_method\":\"GET\","
                                "\"resource_path\":\"/\",\"function_arn\":\"" FN_W2 "\","
                                "\"response_transfer_mode\":\"STREAM\","
                                "\"timeout_milliseconds\":900000}");
    struct path_list rr;
    struct diags d;
    path_list_init(&rr);
    diags_init(&d);
    assert_true(validate(c, &d));
    struct value *p = plan(NULL, c, &rr, &d);
    assert_false(diags_has_error(&d));
    assert_string_equal(value_attr_string(p, "invoke_uri"),
                        "arn:aws:apigateway:us-west-2:lambda:path/2021-11-15/functions/" FN_W2
                        "/response-streaming-invocations");
    assert_string_equal(value_attr_string(p, "api_source_arn"),
                        "arn:aws:execute-api:us-east-1:111111111111:abc123/*");
    assert_true(value_is_null(value_attr(p, "previous_authorization")));
    value_free(p);
    assert_true(value_object_set(c, "response_transfer_mode", value_new_string("BUFFERED")));
    assert_false(validate(c, &d));
    assert_string_equal(d.items[0].path.steps[0].name, "timeout_milliseconds");
    value_free(c);
    path_list_cleanup(&rr);
    diags_cleanup(&d);
}

/* authorizer_id: what the method had is learnt at apply (unknown in the plan), kept while
 * authorizer_id stays, and gone from the plan when it is removed (it is put back). */
static void integration_plan_previous_authorization(void **state)
{
    struct value *prior = applied_state();
    struct value *c = from_json("{\"rest_api_id\":\"abc123\",\"http_method\":\"GET\","
                                "\"resource_path\":\"/\",\"function_arn\":\"" FN_W2 "\","
                                "\"authorizer_id\":\"auth01\"}");
    struct path_list rr;
    struct diags d;
    path_list_init(&rr);
    diags_init(&d);
    struct value *p = plan(prior, c, &rr, &d);
    assert_int_equal(rr.len, 0);
    assert_true(is_unknown(p, "previous_authorization"));
    assert_true(value_object_set(p, "previous_authorization", value_new_string("AWS_IAM")));
    struct value *again = plan(p, c, &rr, &d);
    assert_true(value_equal(again, p));
    value_free(again);
    struct value *removed = plan(p, prior, &rr, &d);
    assert_true(value_is_null(value_attr(removed, "previous_authorization")));
    assert_true(value_is_null(value_attr(removed, "authorizer_id")));
    assert_false(diags_has_error(&d));
    value_free(removed);
    value_free(p);
    value_free(c);
    value_free(prior);
    path_list_cleanup(&rr);
    diags_cleanup(&d);
}

static void integration_plan_resource_change_replaces(void **state)
{
    struct value *prior = applied_state();
    struct value *c = from_json("{\"rest_api_id\":\"abc123\",\"http_method\":\"POST\","
                                "\"resource_path\":\"/\",\"function_arn\":\"" FN_W2 "\"}");
    struct path_list rr;
    struct diags d;
    path_list_init(&rr);
    diags_init(&d);
    struct value *p = plan(prior, c, &rr, &d);
    assert_true(has_rr(&rr, "http_method"));
    value_free(p);
    value_free(c);
    path_list_cleanup(&rr);
    diags_cleanup(&d);
    value_free(prior);
}

static void integration_patch_maps_sets_and_type(void **state)
{
    struct value *prior_v = applied_state();
    struct integration_model *prior = harness_model(prior_v), *next = harness_model(prior_v);
    assert_true(model_map_put(&next->request_parameters, "integration.request.header.a/b", "'x'"));
    assert_true(model_set_strings(&next->cache_key_parameters, (char *[]){"k"}, 1));
    model_set_int64(&next->timeout_milliseconds, 1000);
    struct integration_patch patch;
    integration_patch_init(&patch);
    assert_true(integration_patch_build(&patch, prior, next));
    assert_int_equal(patch.nops, 3);
    assert_string_equal(patch.ops[0].path, "/timeoutInMillis");
    assert_string_equal(patch.ops[0].value, "1000");
    assert_string_equal(patch.ops[1].op, "add");
    assert_string_equal(patch.ops[1].path, "/requestParameters/integration.request.header.a~1b");
    assert_string_equal(patch.ops[2].path, "/cacheKeyParameters/k");
    integration_patch_cleanup(&patch);
    /* more changes than one UpdateIntegration takes: PutIntegration */
    for (int i = 0; i < INTEGRATION_PATCH_MAX; i++) {
        char key[32];
        snprintf(key, sizeof key, "k%d", i);
        assert_true(model_map_put(&next->request_templates, key, "t"));
    }
    integration_patch_init(&patch);
    assert_true(integration_patch_build(&patch, prior, next));
    assert_true(patch.needs_put);
    assert_int_equal(patch.nops, INTEGRATION_PATCH_MAX);
    integration_patch_cleanup(&patch);
    assert_true(model_set_string(&next->type, "AWS"));
    integration_patch_init(&patch);
    assert_true(integration_patch_build(&patch, prior, next));
    assert_true(patch.needs_put);
    integration_patch_cleanup(&patch);
    harness_model_free(next);
    harness_model_free(prior);
    value_free(prior_v);
}

static void integration_import_id_formats(void **state)
{
    struct {
        const char *id;
        bool ok;
    } cases[] = {
        {"abc123/r1/GET", true}, {"abc123/r1/get", true}, {"abc123/r1", false},
        {"abc123//GET", false}, {"/r1/GET", false}, {"abc123/r1/GET/x", false},
        {"abc123/r1/FETCH", false}, {"", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct integration_model m = {0};
        if (integration_import_id(&m, cases[i].id) != cases[i].ok)
            fail_msg("import id \"%s\"", cases[i].id);
        model_cleanup(&RT->schema->block, &m);
    }
    struct diags d;
    diags_init(&d);
    struct value *s = provider_import_resource(harness, RT->name, "abc123/r1/GET", &d);
    assert_string_equal(value_attr_string(s, "resource_id"), "r1");
    assert_string_equal(value_attr_string(s, "id"), "abc123/r1/GET");
    value_free(s);
    assert_null(provider_import_resource(harness, RT->name, "nonsense", &d));
    assert_true(diags_has_error(&d));
    assert_non_null(strstr(d.items[0].detail, "REST-API-ID/RESOURCE-ID/HTTP-METHOD"));
    diags_cleanup(&d);
}

static void integration_upgrade_from_version_0(void **state)
{
    const char *v0 = "{\"id\":\"abc123/r1/GET\",\"rest_api_id\":\"abc123\",\"resource_id\":\"r1\","
                     "\"http_method\":\"GET\",\"function_arn\":\"" FN_W2 "\",\"type\":\"AWS_PROXY\","
                     "\"timeout_milliseconds\":29000,\"uri\":\"arn:aws:apigateway:us-west-2:"
                     "lambda:path/2015-03-31/functions/" FN_W2 "/invocations\"}";
    struct diags d;
    diags_init(&d);
    struct value *v = provider_upgrade_resource(harness, RT->name, 0, v0, strlen(v0), &d);
    assert_false(diags_has_error(&d));
    assert_non_null(v);
    assert_true(value_is_wholly_known(v));
    assert_non_null(strstr(value_attr_string(v, "invoke_uri"), "my-function/invocations"));
    value_free(v);
    assert_null(provider_upgrade_resource(harness, RT->name, 0, "[1]", 3, &d));
    assert_true(diags_has_error(&d));
    diags_cleanup(&d);
}

static void integration_move_from_hashicorp_aws(void **state)
{
    const char *src = "{\"id\":\"agi-abc123-r1-GET\",\"rest_api_id\":\"abc123\",\"resource_id\":"
                      "\"r1\",\"http_method\":\"GET\",\"integration_http_method\":\"POST\","
                      "\"type\":\"AWS_PROXY\",\"uri\":\"arn:aws:apigateway:us-west-2:lambda:path/"
                      "2015-03-31/functions/" FN_W2 "/invocations\",\"timeout_milliseconds\":29000,"
                      "\"connection_type\":\"INTERNET\",\"cache_key_parameters\":[],"
                      "\"request_parameters\":{},\"tls_config\":[]}";
    struct diags d;
    diags_init(&d);
    struct value *v = provider_move_resource(harness, "registry.terraform.io/hashicorp/aws",
                                             "aws_api_gateway_integration", 0, src, strlen(src),
                                             RT->name, &d);
    assert_false(diags_has_error(&d));
    assert_non_null(v);
    assert_string_equal(value_attr_string(v, "function_arn"), FN_W2);
    assert_string_equal(value_attr_string(v, "id"), "abc123/r1/GET");
    value_free(v);
    assert_null(provider_move_resource(harness, "registry.terraform.io/hashicorp/aws",
                                       "aws_s3_bucket", 0, src, strlen(src), RT->name, &d));
    const char *http = "{\"rest_api_id\":\"a\",\"type\":\"HTTP\",\"uri\":\"https://x/\"}";
    assert_null(provider_move_resource(harness, "registry.terraform.io/hashicorp/aws",
                                       "aws_api_gateway_integration", 0, http, strlen(http),
                                       RT->name, &d));
    assert_int_equal(d.len, 2);
    diags_cleanup(&d);
}

static void integration_read_maps_drift_truthfully(void **state)
{
    struct value *prior = applied_state();
    char uri[] = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" FN_E1
                 "/invocations";
    char type[] = "AWS";
    struct apigw_integration out = {.type = type, .uri = uri, .timeout_in_millis = 5000};
    struct integration_model *m = harness_model(prior);
    assert_true(integration_state_read(m, &out, "r1", NULL, &meta_e1));
    struct value *v = harness_value(m);
    harness_model_free(m);
    assert_non_null(v);
    assert_true(value_is_wholly_known(v));
    assert_string_equal(value_attr_string(v, "function_arn"), FN_E1);
    assert_string_equal(value_attr_string(v, "type"), "AWS");
    assert_string_equal(value_attr_string(v, "function_region"), "us-east-1");
    assert_string_equal(value_attr_string(v, "resource_path"), "/");
    assert_null(value_attr_string(v, "cache_namespace"));
    value_free(v);
    value_free(prior);
}

/* Every allocation failing in turn: errors or NULL results, never a crash or a leak. */
static void integration_survives_allocation_failures(void **state)
{
    struct value *prior = applied_state();
    struct value *c = from_json("{\"rest_api_id\":\"abc123\",\"http_method\":\"get\","
                                "\"resource_path\":\"/\",\"function_arn\":\"" FN_E1 "\"}");
    char uri[] = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" FN_E1
                 "/invocations";
    char type[] = "AWS";
    struct apigw_integration out = {.type = type, .uri = uri};
    struct integration_model *pm = harness_model(prior);
    for (long n = 0; n < 4000; n++) {
        struct path_list rr;
        struct diags d;
        path_list_init(&rr);
        diags_init(&d);
        struct integration_model r = {0};
        struct integration_patch patch;
        integration_patch_init(&patch);
        alloc_fail_after(n);
        struct value *p = plan(prior, c, &rr, &d);
        struct integration_model *nm = p ? model_new(&RT->schema->block, p, &d) : NULL;
        bool read = model_decode(&RT->schema->block, prior, &r, &d) &&
                    integration_state_read(&r, &out, "r1", "/", &meta_e1);
        bool patched = nm && integration_patch_build(&patch, pm, nm);
        struct value *imp = provider_import_resource(harness, RT->name, "abc123/r1/GET", &d);
        bool done = p && read && patched && imp && !diags_has_error(&d);
        alloc_fail_reset();
        integration_patch_cleanup(&patch);
        model_cleanup(&RT->schema->block, &r);
        if (nm)
            harness_model_free(nm);
        value_free(imp);
        value_free(p);
        path_list_cleanup(&rr);
        diags_cleanup(&d);
        if (done)
            break;
        assert_true(n < 3999);
    }
    harness_model_free(pm);
    value_free(c);
    value_free(prior);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(integration_validate_requires_exactly_one_resource),
        cmocka_unit_test(integration_validate_accepts_lowercase_method),
        cmocka_unit_test(integration_plan_shows_values_known_at_plan_time),
        cmocka_unit_test(integration_plan_source_arn_uses_api_region),
        cmocka_unit_test(integration_plan_unknown_function_stays_unknown),
        cmocka_unit_test(integration_plan_after_apply_is_empty_and_method_case_is_no_change),
        cmocka_unit_test(integration_plan_function_change_is_in_place),
        cmocka_unit_test(integration_streaming_and_api_source_arn),
        cmocka_unit_test(integration_plan_previous_authorization),
        cmocka_unit_test(integration_plan_resource_change_replaces),
        cmocka_unit_test(integration_patch_maps_sets_and_type),
        cmocka_unit_test(integration_compute_wildcards),
        cmocka_unit_test(integration_import_id_formats),
        cmocka_unit_test(integration_upgrade_from_version_0),
        cmocka_unit_test(integration_move_from_hashicorp_aws),
        cmocka_unit_test(integration_read_maps_drift_truthfully),
        cmocka_unit_test(integration_survives_allocation_failures),
    };
    return cmocka_run_group_tests_name("lambda_integration", tests, setup, harness_teardown);
}
