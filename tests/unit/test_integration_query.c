/* test_integration_query - xacct_lambda_integration's identity, generated configuration
 * and the functions that compute what it computes, without AWS (resource_harness.h):
 * one identity for every spelling of one integration, import by identity respelled,
 * the configuration GenerateResourceConfig writes (and that it plans no change), and
 * source_arn / invoke_uri equal to the resource's own source_arn / invoke_uri across
 * regions, methods and paths, so a function and the resource cannot disagree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "aws/arn.h"
#include "core/function.h"
#include "core/generate_config.h"
#include "core/identity.h"
#include "resources/integration_internal.h"
#include "util/alloc.h"

#define HARNESS_TYPE xacct_lambda_integration_type
#include "resource_harness.h"

extern const struct function_type xacct_function_source_arn;
extern const struct function_type xacct_function_invoke_uri;

#define FN_W2 "arn:aws:lambda:us-west-2:222222222222:function:my-function"
#define STATE                                                                                \
    "{\"rest_api_id\":\"a1b2c3d4e5\",\"resource_id\":\"r00t000001\",\"resource_path\":\"/\","  \
    "\"http_method\":\"%s\",\"function_arn\":\"" FN_W2 "\",\"region\":\"us-east-1\","          \
    "\"api_account_id\":\"111111111111\",\"type\":\"AWS_PROXY\",\"timeout_milliseconds\":29000,"\
    "\"cache_namespace\":\"r00t000001\",\"passthrough_behavior\":\"WHEN_NO_MATCH\","           \
    "\"function_account_id\":\"222222222222\",\"function_region\":\"us-west-2\","             \
    "\"id\":\"a1b2c3d4e5/r00t000001/GET\",\"invoke_uri\":\"arn:aws:apigateway:us-west-2:lambda:" \
    "path/2015-03-31/functions/" FN_W2 "/invocations\",\"source_arn\":\"arn:aws:execute-api:"  \
    "us-east-1:111111111111:a1b2c3d4e5/*/GET/\",\"api_source_arn\":\"arn:aws:execute-api:"     \
    "us-east-1:111111111111:a1b2c3d4e5/*\",\"response_transfer_mode\":\"BUFFERED\"}"

static struct xacct_meta meta_e1 = {.region = "us-east-1", .account_id = "111111111111",
                                    .partition = "aws"};

static int setup(void **state)
{
    harness_use(&meta_e1);
    return 0;
}

static struct value *state_with_method(const char *method)
{
    char json[2048];
    snprintf(json, sizeof json, STATE, method);
    return from_json(json);
}

static void integration_identity_is_one_spelling(void **state)
{
    struct diags d;
    diags_init(&d);
    struct value *upper = state_with_method("GET"), *lower = state_with_method("get");
    struct value *a = identity_of_state(harness, RT->name, upper, &d);
    struct value *b = identity_of_state(harness, RT->name, lower, &d);
    assert_non_null(a);
    assert_true(value_equal(a, b));
    assert_string_equal(value_attr_string(a, "http_method"), "GET");
    assert_string_equal(value_attr_string(a, "account_id"), "111111111111");
    assert_string_equal(value_attr_string(a, "region"), "us-east-1");
    /* A resource without its own region argument is in the provider's. */
    assert_true(value_object_set(lower, "region", value_new_null(&type_string)));
    value_free(b);
    b = identity_of_state(harness, RT->name, lower, &d);
    assert_true(value_equal(a, b));
    /* Planned: what is not known yet stays unknown. */
    assert_true(value_object_set(lower, "resource_id", value_new_unknown(&type_string)));
    value_free(b);
    b = identity_of_state(harness, RT->name, lower, &d);
    assert_true(value_is_unknown(value_attr(b, "resource_id")));
    assert_false(diags_has_error(&d));
    value_free(a);
    value_free(b);
    value_free(upper);
    value_free(lower);
    diags_cleanup(&d);
}

static struct value *identity(const char *json)
{
    struct diags d;
    diags_init(&d);
    struct value *v = codec_json_decode(json, strlen(json), identity_type(RT->identity), false, &d);
    assert_false(diags_has_error(&d));
    diags_cleanup(&d);
    return v;
}

static void integration_import_by_identity_respells(void **state)
{
    struct diags d;
    diags_init(&d);
    struct value *id = identity("{\"rest_api_id\":\"a1b2c3d4e5\",\"resource_id\":\"r1\","
                                "\"http_method\":\"post\"}");
    struct value *s = identity_import(harness, RT->name, id, &d);
    assert_false(diags_has_error(&d));
    assert_string_equal(value_attr_string(s, "http_method"), "POST");
    assert_string_equal(value_attr_string(s, "region"), "us-east-1");
    assert_string_equal(value_attr_string(s, "resource_id"), "r1");
    value_free(s);
    value_free(id);
    id = identity("{\"rest_api_id\":\"a1b2c3d4e5\",\"resource_id\":\"r1\",\"http_method\":"
                  "\"GET\",\"account_id\":\"333333333333\"}");
    assert_null(identity_import(harness, RT->name, id, &d));
    assert_true(diags_has_error(&d));
    value_free(id);
    diags_cleanup(&d);
    diags_init(&d);
    id = identity("{\"rest_api_id\":\"a1b2c3d4e5\",\"http_method\":\"GET\"}");
    assert_null(identity_import(harness, RT->name, id, &d));
    assert_non_null(strstr(d.items[0].detail, "resource_id"));
    value_free(id);
    diags_cleanup(&d);
}

/* The generated configuration names the method by path and the function by ARN, and
 * planning it against the object changes nothing. */
static void integration_generated_config_is_clean(void **state)
{
    struct diags d;
    struct path_list rr;
    diags_init(&d);
    path_list_init(&rr);
    struct value *s = state_with_method("GET");
    struct value *c = generate_config(harness, RT->name, s, &d);
    assert_non_null(c);
    static const char *const kept[] = {"function_arn", "http_method", "resource_path",
                                       "rest_api_id"};
    const struct schema_block *b = &RT->schema->block;
    for (size_t i = 0; i < b->nattrs; i++) {
        bool keep = false;
        for (size_t k = 0; k < 4; k++)
            keep = keep || strcmp(b->attrs[i].name, kept[k]) == 0;
        if (keep != !value_is_null(value_attr(c, b->attrs[i].name)))
            fail_msg("generated configuration: %s is %s", b->attrs[i].name,
                     keep ? "missing" : "set");
    }
    assert_true(validate(c, &d));
    struct value *planned = plan(s, c, &rr, &d);
    assert_true(value_equal(planned, s));
    assert_int_equal(rr.len, 0);
    /* In another region than the provider's, the region stays. */
    assert_true(value_object_set(s, "region", value_new_string("eu-west-1")));
    value_free(c);
    c = generate_config(harness, RT->name, s, &d);
    assert_string_equal(value_attr_string(c, "region"), "eu-west-1");
    assert_false(diags_has_error(&d));
    value_free(planned);
    value_free(c);
    value_free(s);
    path_list_cleanup(&rr);
    diags_cleanup(&d);
}

/* source_arn and invoke_uri as functions equal the resource's computed values. */
static void integration_functions_agree_with_the_resource(void **state)
{
    static const struct {
        const char *api_region, *method, *path, *fn;
    } cases[] = {
        {"us-east-1", "GET", "/", FN_W2},
        {"us-west-2", "get", "/", FN_W2},
        {"us-east-1", "ANY", "/pets/{id}", FN_W2 ":live"},
        {"eu-west-1", "POST", "/a/{proxy+}", "arn:aws:lambda:eu-west-1:222222222222:function:f:3"},
        {"us-gov-west-1", "PUT", "/x", "arn:aws-us-gov:lambda:us-gov-east-1:222222222222:function:g"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct integration_model m = {0};
        assert_true(model_set_string(&m.rest_api_id, "a1b2c3d4e5") &&
                    model_set_string(&m.resource_id, "r1") &&
                    model_set_string(&m.resource_path, cases[i].path) &&
                    model_set_string(&m.http_method, cases[i].method) &&
                    model_set_string(&m.function_arn, cases[i].fn) &&
                    model_set_string(&m.region, cases[i].api_region) &&
                    model_set_string(&m.api_account_id, "111111111111"));
        assert_true(integration_compute(&m, "aws"));
        char exec[256];
        snprintf(exec, sizeof exec, "arn:%s:execute-api:%s:111111111111:a1b2c3d4e5",
                 arn_partition_for_region(cases[i].api_region), cases[i].api_region);
        struct value *args[5] = {value_new_string(exec), value_new_string(cases[i].method),
                                 value_new_string(cases[i].path), value_new_string(cases[i].fn),
                                 value_new_null(&type_bool)};
        struct function_error err;
        function_error_init(&err);
        struct value *sa = function_call(&xacct_function_source_arn,
                                         (const struct value *const *)args, 3, &err);
        struct value *iu = function_call(&xacct_function_invoke_uri,
                                         (const struct value *const *)&args[3], 2, &err);
        if (!sa || !iu)
            fail_msg("case %zu: %s", i, err.text);
        assert_string_equal(value_get_string(sa), m.source_arn.value);
        assert_string_equal(value_get_string(iu), m.invoke_uri.value);
        for (size_t k = 0; k < 5; k++)
            value_free(args[k]);
        value_free(sa);
        value_free(iu);
        function_error_cleanup(&err);
        model_cleanup(&RT->schema->block, &m);
    }
}

static void integration_query_survives_allocation_failures(void **state)
{
    struct value *s = state_with_method("GET");
    for (long n = 0; n < 400; n++) {
        struct diags d;
        diags_init(&d);
        alloc_fail_after(n);
        struct value *id = identity_of_state(harness, RT->name, s, &d);
        struct value *c = generate_config(harness, RT->name, s, &d);
        alloc_fail_reset();
        value_free(id);
        value_free(c);
        diags_cleanup(&d);
    }
    value_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(integration_identity_is_one_spelling),
        cmocka_unit_test(integration_import_by_identity_respells),
        cmocka_unit_test(integration_generated_config_is_clean),
        cmocka_unit_test(integration_functions_agree_with_the_resource),
        cmocka_unit_test(integration_query_survives_allocation_failures),
    };
    return cmocka_run_group_tests_name("integration_query", tests, setup, harness_teardown);
}
