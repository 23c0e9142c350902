/* test_permission_query - xacct_lambda_permission's identity and generated configuration
 * without AWS (resource_harness.h): one identity for a function named by name, partial
 * ARN or ARN, with its qualifier in either place; import by identity; the configuration
 * GenerateResourceConfig writes (statement id kept, defaults and the provider's region
 * left out) and that it plans no change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/generate_config.h"
#include "core/identity.h"
#include "resources/permission_internal.h"
#include "util/alloc.h"

#define HARNESS_TYPE xacct_lambda_permission_type
#include "resource_harness.h"

#define FN_ARN "arn:aws:lambda:us-west-2:222222222222:function:my-function"
#define SRC "arn:aws:execute-api:us-west-2:111111111111:abc123/*/GET/"
#define STATE                                                                                \
    "{\"function_name\":\"%s\",\"qualifier\":%s,\"statement_id\":\"AllowApi\","              \
    "\"id\":\"AllowApi\",\"action\":\"lambda:InvokeFunction\",\"principal\":"                 \
    "\"apigateway.amazonaws.com\",\"source_arn\":\"" SRC "\",\"region\":\"us-west-2\"}"

static struct xacct_meta meta_w2 = {.region = "us-west-2", .account_id = "222222222222",
                                    .partition = "aws"};

static int setup(void **state)
{
    harness_use(&meta_w2);
    return 0;
}

static struct value *state_of(const char *function_name, const char *qualifier_json)
{
    char json[2048];
    snprintf(json, sizeof json, STATE, function_name, qualifier_json);
    return from_json(json);
}

static void permission_identity_is_one_spelling(void **state)
{
    static const struct {
        const char *fn, *qualifier;
    } spellings[] = {
        {"my-function:live", "null"},
        {"my-function", "\"live\""},
        {FN_ARN ":live", "null"},
        {FN_ARN, "\"live\""},
        {"222222222222:function:my-function", "\"live\""},
    };
    struct diags d;
    diags_init(&d);
    struct value *first = NULL;
    for (size_t i = 0; i < sizeof spellings / sizeof spellings[0]; i++) {
        struct value *s = state_of(spellings[i].fn, spellings[i].qualifier);
        struct value *id = identity_of_state(harness, RT->name, s, &d);
        assert_non_null(id);
        if (!first)
            first = id;
        else if (!value_equal(first, id))
            fail_msg("%s with qualifier %s gives another identity", spellings[i].fn,
                     spellings[i].qualifier);
        else
            value_free(id);
        value_free(s);
    }
    assert_string_equal(value_attr_string(first, "function_name"), "my-function");
    assert_string_equal(value_attr_string(first, "qualifier"), "live");
    assert_string_equal(value_attr_string(first, "region"), "us-west-2");
    assert_string_equal(value_attr_string(first, "account_id"), "222222222222");
    assert_string_equal(value_attr_string(first, "statement_id"), "AllowApi");
    assert_false(diags_has_error(&d));
    value_free(first);
    diags_cleanup(&d);
}

static void permission_import_by_identity(void **state)
{
    struct diags d;
    diags_init(&d);
    const char *json = "{\"function_name\":\"my-function:live\",\"statement_id\":\"AllowApi\"}";
    struct value *id = codec_json_decode(json, strlen(json), identity_type(RT->identity), false,
                                         &d);
    struct value *s = identity_import(harness, RT->name, id, &d);
    assert_false(diags_has_error(&d));
    /* The qualifier written in the name is the identity's qualifier. */
    assert_string_equal(value_attr_string(s, "function_name"), "my-function");
    assert_string_equal(value_attr_string(s, "qualifier"), "live");
    assert_string_equal(value_attr_string(s, "statement_id"), "AllowApi");
    assert_string_equal(value_attr_string(s, "region"), "us-west-2");
    value_free(s);
    value_free(id);
    diags_cleanup(&d);
}

static void permission_generated_config_is_clean(void **state)
{
    struct diags d;
    struct path_list rr;
    diags_init(&d);
    path_list_init(&rr);
    struct value *s = state_of("my-function", "\"live\"");
    struct value *c = generate_config(harness, RT->name, s, &d);
    assert_non_null(c);
    assert_string_equal(value_attr_string(c, "statement_id"), "AllowApi");
    assert_string_equal(value_attr_string(c, "qualifier"), "live");
    assert_string_equal(value_attr_string(c, "source_arn"), SRC);
    static const char *const left_out[] = {"id", "action", "principal", "region"};
    for (size_t i = 0; i < 4; i++)
        if (!value_is_null(value_attr(c, left_out[i])))
            fail_msg("generated configuration sets %s", left_out[i]);
    assert_true(validate(c, &d));
    struct value *planned = plan(s, c, &rr, &d);
    assert_true(value_equal(planned, s));
    assert_int_equal(rr.len, 0);
    value_free(planned);
    value_free(c);
    value_free(s);
    path_list_cleanup(&rr);
    diags_cleanup(&d);
}

static void permission_query_survives_allocation_failures(void **state)
{
    struct value *s = state_of(FN_ARN, "\"live\"");
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
        cmocka_unit_test(permission_identity_is_one_spelling),
        cmocka_unit_test(permission_import_by_identity),
        cmocka_unit_test(permission_generated_config_is_clean),
        cmocka_unit_test(permission_query_survives_allocation_failures),
    };
    return cmocka_run_group_tests_name("permission_query", tests, setup, harness_teardown);
}
