/* e2e_tutorial_cross_region - the API in us-east-1, the function in another account in
 * eu-west-1 (awsemu's cross-region seed), wired through an alias:
 *  - the plan shows invoke_uri in the function's region and source_arn in the API's (a
 *    method's calls name the API, wherever the function lives);
 *  - a permission for an authorizer's source ARN in the API's region gets the warning
 *    that names the rule at plan time (a cross-region authorizer's calls name the
 *    function's region), while the method's source ARN in the API's region gets none;
 *  - a method on a deeper path of a bigger API is found by path;
 *  - the same-account, same-region integration already in the seed imports with an
 *    empty plan after;
 *  - API Gateway's invocation answers 200 once both resources are applied.
 */
#include "tests/e2e/e2e_lambda_common.h"

#define BIG_API "b2c3d4e5f6"
#define EU_FN "arn:aws:lambda:eu-west-1:222222222222:function:eu-fn"

static char *read_seed(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tests/awsemu/seeds/cross-region.json", XA_SOURCE_DIR);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static void cross_region_rule_warning_and_invoke(void **state)
{
    struct emu e;
    if (!emu_start(&e, read_seed(), NULL))
        skip();
    struct xt_provider *api = start_provider(&e, false, "us-east-1");
    struct xt_provider *fn = start_provider(&e, true, "eu-west-1");

    struct value *ic = res_config(T_INTEGRATION,
                                  "{\"rest_api_id\":\"" BIG_API "\",\"resource_path\":\"/items/i29\","
                                  "\"http_method\":\"GET\",\"function_arn\":\"" EU_FN ":prod\"}");
    struct value *planned = tf_plan(api, T_INTEGRATION, NULL, ic, NULL, NULL);
    assert_string_equal(value_attr_string(planned, "invoke_uri"),
                        "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/" EU_FN
                        ":prod/invocations");
    assert_string_equal(value_attr_string(planned, "source_arn"),
                        "arn:aws:execute-api:us-east-1:111111111111:" BIG_API "/*/GET/items/i29");
    assert_string_equal(value_attr_string(planned, "function_region"), "eu-west-1");
    value_free(planned);
    struct value *integ = tf_converge(api, T_INTEGRATION, NULL, ic);
    assert_string_equal(value_attr_string(integ, "resource_id"), "item000029");

    /* An authorizer's source ARN in the API's region cannot match a cross-region
     * function; the method's, in the API's region, can. Decided at plan time. */
    static const struct {
        const char *source_arn;
        bool warn;
    } rule[] = {
        {"arn:aws:execute-api:us-east-1:111111111111:" BIG_API "/authorizers/abc123", true},
        {"arn:aws:execute-api:eu-west-1:111111111111:" BIG_API "/authorizers/abc123", false},
        {"arn:aws:execute-api:us-east-1:111111111111:" BIG_API "/*/GET/items/i29", false},
    };
    for (size_t i = 0; i < sizeof rule / sizeof rule[0]; i++) {
        struct value *c = res_config(T_PERMISSION, "{\"function_name\":\"eu-fn\",\"qualifier\":"
                                     "\"prod\",\"source_arn\":\"%s\"}", rule[i].source_arn);
        struct xt_result r;
        xt_result_init(&r);
        value_free(tf_plan(fn, T_PERMISSION, NULL, c, NULL, &r));
        bool warned = false;
        for (size_t j = 0; j < r.ndiags; j++)
            warned |= r.diags[j].severity == 2 && strstr(r.diags[j].detail, "function's region");
        if (warned != rule[i].warn)
            fail_msg("%s: warning %d, want %d", rule[i].source_arn, warned, rule[i].warn);
        xt_result_cleanup(&r);
        value_free(c);
    }

    struct value *pc = res_config(T_PERMISSION,
                                  "{\"function_name\":\"" EU_FN "\",\"qualifier\":\"prod\","
                                  "\"statement_id\":\"AllowBigApi\",\"source_arn\":\"%s\"}",
                                  value_attr_string(integ, "source_arn"));
    struct value *perm = tf_converge(fn, T_PERMISSION, NULL, pc);
    assert_string_equal(value_attr_string(perm, "region"), "eu-west-1");
    char reason[256];
    emu_deploy(&e, BIG_API);
    long invoked = emu_invoke_path(&e, BIG_API, "/items/i29", reason, sizeof reason);
    assert_true(tf_plan_is_noop(api, T_INTEGRATION, integ, ic));
    assert_true(tf_plan_is_noop(fn, T_PERMISSION, perm, pc));

    /* The seed's same-region integration: import, then an empty plan. */
    struct value *hello = tf_import(api, T_INTEGRATION, BIG_API "/hello00001/GET");
    assert_string_equal(value_attr_string(hello, "source_arn"),
                        "arn:aws:execute-api:us-east-1:111111111111:" BIG_API "/*/GET/hello");
    struct value *hc = res_config(T_INTEGRATION,
                                  "{\"rest_api_id\":\"" BIG_API "\",\"resource_path\":\"/hello\","
                                  "\"http_method\":\"GET\",\"function_arn\":"
                                  "\"arn:aws:lambda:us-east-1:111111111111:function:local-fn\"}");
    assert_true(tf_plan_is_noop(api, T_INTEGRATION, hello, hc));
    value_free(hello);
    value_free(hc);

    tf_destroy(fn, T_PERMISSION, perm);
    tf_destroy(api, T_INTEGRATION, integ);
    value_free(ic);
    value_free(pc);
    assert_int_equal(xt_stop(api, NULL), 0);
    assert_int_equal(xt_stop(fn, NULL), 0);
    emu_stop(&e);
    if (invoked != 200)
        fail_msg("API Gateway could not invoke the cross-region function (HTTP %ld: %s). The "
                 "source ARN region rule (aws/arn.h) and the emulator's must agree.",
                 invoked, reason);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cross_region_rule_warning_and_invoke),
    };
    return cmocka_run_group_tests_name("e2e_tutorial_cross_region", tests, NULL, NULL);
}
